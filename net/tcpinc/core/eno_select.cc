// SPDX-License-Identifier: GPL-2.0
// eno_select.cc - valid TEPs and the negotiated TEP (RFC 8547 4.5).
#include "eno_select.h"

namespace tcpinc {

namespace {

// last_sub_with - index of the last TEP suboption carrying glt, or -1.
i32 last_sub_with(const EnoSynOption* o, u8 glt) {
  for (i32 i = static_cast<i32>(o->count) - 1; i >= 0; i--) {
    if (o->sub[i].kind == EnoSuboptionKind::kTep && eno_glt(o->sub[i].byte) == glt) return i;
  }
  return -1;
}

EnoTepVerdict judge_one(const EnoLocalTep* lt, EnoSide local, i32 local_sub, EnoSide peer,
                        const EnoSuboption* ps) {
  if ((ps->byte & kEnoVBit) == 0) return EnoTepVerdict::kFresh;
  if (lt->tep->check_offer == nullptr) return EnoTepVerdict::kWithData;
  EnoTepOffer offer;
  offer.peer_tep_byte = ps->byte;
  offer.peer_data = peer.opt + ps->data_off;
  offer.peer_data_len = ps->data_len;
  offer.local_sent = local_sub >= 0;
  offer.local_tep_byte = 0;
  offer.local_data = nullptr;
  offer.local_data_len = 0;
  if (local_sub >= 0) {
    const EnoSuboption& ls = local.parsed->sub[local_sub];
    offer.local_tep_byte = ls.byte;
    offer.local_data = local.opt + ls.data_off;
    offer.local_data_len = ls.data_len;
  }
  return lt->tep->check_offer(lt->ctx, &offer);
}

i32 find_local(const EnoLocalTep* teps, u8 tep_count, u8 glt) {
  for (u8 i = 0; i < tep_count; i++) {
    if (teps[i].tep->id == glt) return i;
  }
  return -1;
}

}  // namespace

EnoTepVerdict eno_judge_tep(const EnoLocalTep* lt, EnoSide local, EnoSide peer, u8* out_peer_sub) {
  const u8 glt = lt->tep->id;
  const u8 peer_n = eno_count_glt(peer.parsed, glt);
  // Condition 1: the peer sent it (and, below, so did we).
  if (peer_n == 0) return EnoTepVerdict::kInvalid;
  i32 local_sub = -1;
  if (local.parsed != nullptr) {
    const u8 local_n = eno_count_glt(local.parsed, glt);
    if (local_n == 0) return EnoTepVerdict::kInvalid;
    if (local_n > 1 && !lt->tep->repetition_defined) return EnoTepVerdict::kInvalid;
    local_sub = last_sub_with(local.parsed, glt);
  }
  // Condition 3: repetition only where the TEP defines it.
  if (peer_n > 1 && !lt->tep->repetition_defined) return EnoTepVerdict::kInvalid;

  // Condition 2: every suboption the peer sent for it has valid data.
  EnoTepVerdict verdict = EnoTepVerdict::kInvalid;
  for (u8 i = 0; i < peer.parsed->count; i++) {
    const EnoSuboption* ps = &peer.parsed->sub[i];
    if (ps->kind != EnoSuboptionKind::kTep || eno_glt(ps->byte) != glt) continue;
    verdict = judge_one(lt, local, local_sub, peer, ps);
    if (verdict == EnoTepVerdict::kInvalid) return verdict;
    *out_peer_sub = i;
  }
  return verdict;
}

bool eno_select_tep(const EnoLocalTep* teps, u8 tep_count, EnoRole local_role, EnoSide local, EnoSide peer,
                    EnoSelection* out) {
  const EnoSynOption* b = local_role == EnoRole::kB ? local.parsed : peer.parsed;
  for (i32 i = static_cast<i32>(b->count) - 1; i >= 0; i--) {
    if (b->sub[i].kind != EnoSuboptionKind::kTep) continue;
    const u8 glt = eno_glt(b->sub[i].byte);
    const i32 li = find_local(teps, tep_count, glt);
    if (li < 0) continue;  // we did not send it: condition 1 fails
    u8 peer_sub = 0;
    const EnoTepVerdict v = eno_judge_tep(&teps[li], local, peer, &peer_sub);
    if (v == EnoTepVerdict::kInvalid) continue;
    out->local_index = static_cast<u8>(li);
    out->local_sub = static_cast<u8>(last_sub_with(local.parsed, glt));
    out->peer_sub = peer_sub;
    out->peer_verdict = v;
    return true;
  }
  return false;
}

bool eno_choose_answer(const EnoLocalTep* teps, u8 tep_count, EnoSide peer, EnoSelection* out) {
  const EnoSide none = {nullptr, nullptr};
  for (i32 i = static_cast<i32>(tep_count) - 1; i >= 0; i--) {
    u8 peer_sub = 0;
    const EnoTepVerdict v = eno_judge_tep(&teps[i], none, peer, &peer_sub);
    if (v == EnoTepVerdict::kInvalid) continue;
    out->local_index = static_cast<u8>(i);
    out->local_sub = 0;  // our option does not exist yet
    out->peer_sub = peer_sub;
    out->peer_verdict = v;
    return true;
  }
  return false;
}

}  // namespace tcpinc
