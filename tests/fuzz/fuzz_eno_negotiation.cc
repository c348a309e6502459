// SPDX-License-Identifier: GPL-2.0
// fuzz_eno_negotiation - two ENO state machines driven through a handshake
// with fuzzed configurations, a fuzzed network, and a single machine fed
// arbitrary event sequences.
//
// Invariants checked:
//  - every machine, after every event: terminal states stay terminal; the
//    returned action matches the state change; negotiated() is set exactly
//    when enabled; every SYN-form option it emits is well-formed and the
//    same bytes every time (4.6); every non-SYN option is 45 02; a disabled
//    machine emits nothing but its vacuous SYN option; an enabled one's
//    transcript holds its own option on its role's side.
//  - an honest network: the outcome equals a reference model of RFC 8547
//    4.3-4.6 (enabled iff roles differ, a-bit constraints hold, neither side
//    is vacuous and some TEP is common; TEP = last common one in B's
//    option), on both ends.
//  - a network that only drops or strips (never rewrites) options: if both
//    ends enable, they agree on TEP, TEP byte, roles and transcript.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "eno_negotiation.h"
#include "eno_tcp_options.h"
#include "eno_tcpcrypt.h"

using namespace tcpinc;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

struct Input {
  const u8* p;
  size_t n;
  u8 byte() {
    if (n == 0) return 0;
    n--;
    return *p++;
  }
  bool bit() { return byte() & 1; }
};

// Test TEPs: 0x20 plain, 0x21-0x24 tcpcrypt, 0x25 accepts no data, 0x26
// defines SYN data.
EnoTepVerdict no_data(void*, const EnoTepOffer*) { return EnoTepVerdict::kInvalid; }
constexpr EnoTep kPlain = {0x20, false, false, nullptr, nullptr, nullptr};
constexpr EnoTep kPicky = {0x25, false, false, no_data, nullptr, nullptr};
constexpr EnoTep kSynData = {0x26, false, true, nullptr, nullptr, nullptr};

const EnoTep* tep_for(u8 id) {
  if (id == 0x20) return &kPlain;
  if (id == 0x25) return &kPicky;
  if (id == 0x26) return &kSynData;
  return eno_tcpcrypt_tep(id);
}

struct Host {
  EnoNegotiation n;
  EnoConfig cfg;
  bool ok;  // init succeeded
  u8 syn_opt[kEnoMaxOptionLen];
  u8 syn_len;

  void init(Input* in, bool passive, bool correct) {
    memset(&cfg, 0, sizeof cfg);
    syn_len = 0;
    cfg.enabled = in->byte() % 8 != 0;
    cfg.passive = passive;
    cfg.a = in->bit();
    cfg.aa_mandatory = in->byte() % 4 == 0;
    cfg.tep_mandatory = in->byte() % 8 == 0;
    cfg.syn_data = in->bit();
    const u8 count = in->byte() % 5;
    for (u8 i = 0; i < count; i++) {
      const u8 id = static_cast<u8>(0x20 + in->byte() % 7);
      bool dup = false;
      for (u8 j = 0; j < cfg.tep_count; j++) dup |= cfg.teps[j].tep->id == id;
      if (dup) continue;
      EnoLocalTep* lt = &cfg.teps[cfg.tep_count++];
      lt->tep = tep_for(id);
      // A correct configuration sends no data for a TEP that takes none.
      lt->v = (in->byte() % 3 == 0) && !(correct && id == 0x25);
      if (lt->v) {
        lt->data_len = in->byte() % 18;
        for (u8 k = 0; k < lt->data_len; k++) lt->data[k] = in->byte();
      }
    }
    ok = n.init(&cfg) == EnoConfigStatus::kOk;
    if (ok && cfg.tep_count == 0 && cfg.tep_mandatory) check(false);  // init must refuse
  }

  void check_invariants(EnoState before, EnoAction act) {
    const EnoState now = n.state();
    if (before == EnoState::kEnabled || before == EnoState::kDisabled || before == EnoState::kAborted)
      check(now == before);
    switch (act) {
      case EnoAction::kEnable:
        check(before != EnoState::kEnabled && now == EnoState::kEnabled);
        break;
      case EnoAction::kFallback:
        check(now == EnoState::kDisabled);
        break;
      case EnoAction::kAbort:
        check(now == EnoState::kAborted);
        break;
      case EnoAction::kNone:
        check(now == before || (before == EnoState::kIdle && now == EnoState::kSynSent) ||
              (now == EnoState::kSynReceived));
        break;
    }
    check((n.negotiated() != nullptr) == (now == EnoState::kEnabled));
    if (const EnoNegotiated* r = n.negotiated()) {
      check(syn_len != 0);
      check(r->tep_id == eno_glt(r->tep_byte) && r->tep_id >= 0x20);
      check(r->tep_byte == r->b_tep_byte && eno_glt(r->a_tep_byte) == r->tep_id);
      const u8* mine = r->role == EnoRole::kA ? r->transcript.bytes : r->transcript.bytes + r->transcript.bytes[1];
      check(memcmp(mine, syn_opt, syn_len) == 0);
      check(r->local_global == n.local_global());
      check(((r->local_global & kEnoGlobalB) != 0) == (r->role == EnoRole::kB));
    }
  }

  EnoOptionOut send(u8 flags, usize payload, bool tfo) {
    const EnoState before = n.state();
    EnoSendSegment s{flags, tfo, payload};
    EnoOptionOut o;
    const EnoAction act = n.on_send(&s, &o);
    check(o.len <= kEnoMaxOptionLen);
    if (o.len != 0) {
      if (flags & kTcpFlagSyn) {
        EnoSynOption parsed;
        check(eno_parse_syn_option(o.bytes, o.len, &parsed) == EnoParseStatus::kOk);
        if (syn_len != 0) check(o.len == syn_len && memcmp(o.bytes, syn_opt, o.len) == 0);
        memcpy(syn_opt, o.bytes, o.len);
        syn_len = o.len;
        if (n.state() == EnoState::kDisabled) check(parsed.tep_count == 0);
        check(!tfo);
        check(eno_global_b(parsed.global) == (cfg.passive || cfg.b));
      } else {
        check(o.len == 2 && o.bytes[0] == kEnoKind && o.bytes[1] == 2);
        check(n.state() == EnoState::kSynReceived || n.state() == EnoState::kEnabled);
      }
    }
    // A host that fell back sends no ENO at all (4.6); only a vacuous
    // advertiser repeats its SYN-form option.
    if ((n.state() == EnoState::kDisabled || n.state() == EnoState::kAborted) &&
        n.reason() != EnoReason::kLocalVacuous)
      check(o.len == 0);
    check_invariants(before, act);
    return o;
  }

  void recv(u8 flags, const u8* opts, usize len, usize payload, bool acks) {
    const EnoState before = n.state();
    EnoSegment s{flags, opts, len, payload, acks};
    bool discard = false;
    const EnoAction act = n.on_receive(&s, &discard);
    // No TEP here but 0x26 defines SYN data; ENO-less SYNs are never ENO's to drop.
    if (discard) check((flags & kTcpFlagSyn) && payload != 0);
    check_invariants(before, act);
  }
};

// Link - one direction of the network.
struct Link {
  Input* in;
  bool adversary;
  bool rewrote;  // a SYN-form option was altered (not just removed)

  // deliver - pass a segment with ENO option o to host h, maybe tampered.
  void deliver(Host* h, u8 flags, const EnoOptionOut& o) {
    u8 area[kTcpMaxOptionsLen];
    usize len = 0;
    // MSS first, as real SYNs have, when the option leaves room for it.
    if (o.len + 4u <= kTcpMaxOptionsLen) {
      area[len++] = 2;
      area[len++] = 4;
      area[len++] = 0x05;
      area[len++] = 0xb4;
    }
    u8 act = adversary ? in->byte() % 8 : 0;
    if (act == 1) return;  // lost
    if (act == 2 || o.len == 0) {
      // stripped (or nothing to carry)
    } else if (act == 3 && (flags & kTcpFlagSyn)) {
      // rewritten by a middlebox: arbitrary contents, well framed
      const u8 clen = in->byte() % (kTcpMaxOptionsLen - len - 2 + 1);
      area[len++] = kEnoKind;
      area[len++] = static_cast<u8>(clen + 2);
      for (u8 i = 0; i < clen; i++) area[len++] = in->byte();
      rewrote = true;
    } else if (act == 4) {
      // raw bytes instead of the option area
      const u8 alen = in->byte() % (kTcpMaxOptionsLen + 1);
      for (len = 0; len < alen; len++) area[len] = in->byte();
      if (flags & kTcpFlagSyn) rewrote = true;
    } else if (act == 5 && len + o.len + o.len <= kTcpMaxOptionsLen) {
      memcpy(area + len, o.bytes, o.len);  // duplicated option
      len += o.len;
      memcpy(area + len, o.bytes, o.len);
      len += o.len;
    } else {
      memcpy(area + len, o.bytes, o.len);
      len += o.len;
    }
    h->recv(flags, area, len, 0, false);
    if (adversary && in->byte() % 4 == 0) h->recv(flags, area, len, 0, false);  // duplicate
  }
};

constexpr u8 SYN = kTcpFlagSyn;
constexpr u8 SYNACK = kTcpFlagSyn | kTcpFlagAck;
constexpr u8 ACK = kTcpFlagAck;

void normal_open(Host* a, Host* b, Link* ab, Link* ba, Input* in) {
  EnoOptionOut s = a->send(SYN, 0, false);
  ab->deliver(b, SYN, s);
  if (in->bit()) ab->deliver(b, SYN, a->send(SYN, 0, false));  // retransmission
  EnoOptionOut sa = b->send(SYNACK, 0, false);
  ba->deliver(a, SYNACK, sa);
  if (in->bit()) ba->deliver(a, SYNACK, b->send(SYNACK, 0, false));
  ab->deliver(b, ACK, a->send(ACK, 0, false));
  ba->deliver(a, ACK, b->send(ACK, 0, false));
  ab->deliver(b, ACK, a->send(ACK, 0, false));
}

void simultaneous_open(Host* a, Host* b, Link* ab, Link* ba) {
  EnoOptionOut a1 = a->send(SYN, 0, false);
  EnoOptionOut b1 = b->send(SYN, 0, false);
  ba->deliver(a, SYN, b1);
  ab->deliver(b, SYN, a1);
  EnoOptionOut a2 = a->send(SYNACK, 0, false);
  EnoOptionOut b2 = b->send(SYNACK, 0, false);
  ba->deliver(a, SYNACK, b2);
  ab->deliver(b, SYNACK, a2);
  ab->deliver(b, ACK, a->send(ACK, 0, false));
  ba->deliver(a, ACK, b->send(ACK, 0, false));
}

bool has(const EnoConfig& c, u8 id) {
  for (u8 i = 0; i < c.tep_count; i++)
    if (c.teps[i].tep->id == id) return true;
  return false;
}

// expected_tep - the reference model for an honest network: 0 = ENO fails.
u8 expected_tep(const Host& a, const Host& b, const Host& bhost, const Host& other) {
  const Host* hosts[2] = {&a, &b};
  for (const Host* h : hosts) {
    if (!h->ok || !h->cfg.enabled || h->cfg.tep_count == 0) return 0;
  }
  const bool ab = a.cfg.passive || a.cfg.b, bb = b.cfg.passive || b.cfg.b;
  if (ab == bb) return 0;
  const bool aa = a.cfg.a || a.cfg.aa_mandatory, ba = b.cfg.a || b.cfg.aa_mandatory;
  if ((a.cfg.aa_mandatory && !ba) || (b.cfg.aa_mandatory && !aa)) return 0;
  for (i32 i = bhost.cfg.tep_count - 1; i >= 0; i--) {
    const u8 id = bhost.cfg.teps[i].tep->id;
    if (has(other.cfg, id)) return id;
  }
  return 0;
}

void check_agreement(const Host& a, const Host& b) {
  const EnoNegotiated* ra = a.n.negotiated();
  const EnoNegotiated* rb = b.n.negotiated();
  if (ra == nullptr || rb == nullptr) return;
  check(ra->tep_id == rb->tep_id && ra->tep_byte == rb->tep_byte);
  check(ra->role != rb->role);
  check(ra->transcript.len == rb->transcript.len &&
        memcmp(ra->transcript.bytes, rb->transcript.bytes, ra->transcript.len) == 0);
  check(ra->a_data_len == rb->a_data_len && memcmp(ra->a_data, rb->a_data, ra->a_data_len) == 0);
  check(ra->b_data_len == rb->b_data_len && memcmp(ra->b_data, rb->b_data, ra->b_data_len) == 0);
  check(ra->peer_global == rb->local_global && rb->peer_global == ra->local_global);
}

void chaos(Host* h, Input* in) {
  for (int step = 0; step < 24 && in->n != 0; step++) {
    const u8 op = in->byte();
    const u8 flags = static_cast<u8>(in->byte() & (kTcpFlagSyn | kTcpFlagAck | kTcpFlagRst | kTcpFlagFin));
    switch (op % 4) {
      case 0:
      case 1: {
        u8 area[kTcpMaxOptionsLen + 1];
        const usize len = in->byte() % (kTcpMaxOptionsLen + 2);
        for (usize i = 0; i < len; i++) area[i] = in->byte();
        h->recv(flags, area, len, in->byte() % 3, in->bit());
        break;
      }
      case 2:
        h->send(flags, in->byte() % 3 == 0 ? 10 : 0, in->byte() % 5 == 0);
        break;
      case 3: {
        const EnoState before = h->n.state();
        h->check_invariants(before, h->n.disable());
        break;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in{data, size};
  const u8 mode = in.byte() % 5;
  static Host a, b;  // large: keep them off the fuzzer's stack
  if (mode == 4) {
    a.init(&in, in.bit(), false);
    a.cfg.b = in.bit();
    a.ok = a.n.init(&a.cfg) == EnoConfigStatus::kOk;
    chaos(&a, &in);
    return 0;
  }
  const bool simultaneous = mode == 1 || mode == 3;
  const bool adversary = mode >= 2;
  // Both configurations are correct ones (no data for a TEP that takes
  // none): validity must then come out the same at both ends.
  a.init(&in, false, true);
  b.init(&in, !simultaneous, true);
  if (simultaneous || in.byte() % 8 == 0) {
    // b before connect; with a listener this must make ENO fail.
    EnoConfig ca = a.cfg, cb = b.cfg;
    ca.b = in.bit();
    if (simultaneous) cb.b = !ca.b || in.byte() % 8 == 0;
    a.cfg = ca;
    b.cfg = cb;
    a.ok = a.n.init(&a.cfg) == EnoConfigStatus::kOk;
    b.ok = b.n.init(&b.cfg) == EnoConfigStatus::kOk;
  }
  Link ab{&in, adversary, false}, ba{&in, adversary, false};
  if (simultaneous)
    simultaneous_open(&a, &b, &ab, &ba);
  else
    normal_open(&a, &b, &ab, &ba, &in);

  if (!adversary) {
    const bool a_is_b = a.cfg.b;
    const u8 tep = expected_tep(a, b, a_is_b ? a : b, a_is_b ? b : a);
    check((a.n.state() == EnoState::kEnabled) == (tep != 0));
    check((b.n.state() == EnoState::kEnabled) == (tep != 0));
    if (tep != 0) check(a.n.negotiated()->tep_id == tep);
  }
  if (!ab.rewrote && !ba.rewrote) check_agreement(a, b);
  return 0;
}
