// SPDX-License-Identifier: GPL-2.0
// eno_negotiation.cc - the TCP-ENO handshake state machine (RFC 8547 4.6).
#include "eno_negotiation.h"

#include "memory.h"

namespace tcpinc {

namespace {

// global_for - our global suboption (4.2): b = 1 on every passive opener
// and when asked for; a = 1 when asked for and in mandatory
// application-aware mode (8.4: that mode "sets a = 1"); z bits zero.
u8 global_for(const EnoConfig* cfg) {
  u8 g = 0;
  if (cfg->passive || cfg->b) g |= kEnoGlobalB;
  if (cfg->a || cfg->aa_mandatory) g |= kEnoGlobalA;
  return g;
}

u8 tep_byte(const EnoLocalTep* lt) { return static_cast<u8>(lt->tep->id | (lt->v ? kEnoVBit : 0)); }

EnoSuboptionSpec global_spec(u8 g) {
  EnoSuboptionSpec s = {EnoSuboptionKind::kGlobal, g, false, nullptr, 0};
  return s;
}

// parse_stored - parse an option this machine stored itself; it was parsed
// (peer) or built (ours) before being stored, so this cannot fail.
void parse_stored(const u8* opt, u8 len, EnoSynOption* out) {
  if (eno_parse_syn_option(opt, len, out) != EnoParseStatus::kOk) out->count = 0;
}

}  // namespace

EnoBuildStatus eno_build_local_option(const EnoConfig* cfg, u8* out, usize cap, usize* out_len) {
  if (cfg->tep_count > kEnoMaxTeps) return EnoBuildStatus::kBadSuboption;
  EnoSuboptionSpec specs[1 + kEnoMaxTeps];
  usize n = 0;
  const u8 g = global_for(cfg);
  // An all-zero global suboption is implicit (4.2); leaving it out saves a
  // byte of scarce SYN option space.
  if (g != 0) specs[n++] = global_spec(g);
  for (u8 i = 0; i < cfg->tep_count; i++) {
    const EnoLocalTep* lt = &cfg->teps[i];
    if (lt->tep == nullptr) return EnoBuildStatus::kBadSuboption;
    specs[n++] = {EnoSuboptionKind::kTep, tep_byte(lt), false, lt->data, lt->data_len};
  }
  return eno_build_syn_option(specs, n, out, cap, out_len);
}

EnoConfigStatus EnoNegotiation::init(const EnoConfig* cfg) {
  zero_bytes(this, sizeof *this);
  state_ = EnoState::kDisabled;
  reason_ = EnoReason::kConfigDisabled;

  if (cfg->tep_count > kEnoMaxTeps) return EnoConfigStatus::kBadTep;
  for (u8 i = 0; i < cfg->tep_count; i++) {
    const EnoLocalTep* lt = &cfg->teps[i];
    if (lt->tep == nullptr || lt->tep->id < kEnoMinTepId || lt->tep->id > kEnoGltMask)
      return EnoConfigStatus::kBadTep;
    // We never repeat a TEP: no TEP we know defines repetition, and
    // tcpcrypt forbids it (RFC 8548 3.5).
    for (u8 j = 0; j < i; j++) {
      if (cfg->teps[j].tep->id == lt->tep->id) return EnoConfigStatus::kBadTep;
    }
    if ((!lt->v && lt->data_len != 0) || lt->data_len > kEnoMaxSuboptionData) return EnoConfigStatus::kBadData;
  }
  if (cfg->tep_mandatory && (cfg->tep_count == 0 || !cfg->enabled)) return EnoConfigStatus::kBadMode;

  cfg_ = *cfg;
  local_global_ = global_for(cfg);
  if (!cfg->enabled) return EnoConfigStatus::kOk;

  vacuous_ = cfg->tep_count == 0;
  if (!cfg->passive) {
    // The active opener's option is fixed now, so that every SYN (and, in
    // simultaneous open, the SYN-ACK) carries the same bytes (4.6).
    usize len = 0;
    const EnoBuildStatus st = eno_build_local_option(cfg, local_opt_, sizeof local_opt_, &len);
    if (st == EnoBuildStatus::kTooLong) return EnoConfigStatus::kTooLong;
    if (st != EnoBuildStatus::kOk) return EnoConfigStatus::kBadData;
    local_opt_len_ = static_cast<u8>(len);
  }
  state_ = EnoState::kIdle;
  reason_ = EnoReason::kNone;
  return EnoConfigStatus::kOk;
}

bool EnoNegotiation::peer_global(u8* out) const {
  if (!have_peer_opt_) return false;
  *out = peer_global_;
  return true;
}

bool EnoNegotiation::syn_data_allowed() const {
  // SYN data is off by default (4.7) and, when enabled, allowed only when
  // the SYN TEP - the last TEP in our option - defines it.
  if (!cfg_.syn_data || cfg_.passive || cfg_.tep_count == 0) return false;
  if (state_ != EnoState::kIdle && state_ != EnoState::kSynSent) return false;
  return cfg_.teps[cfg_.tep_count - 1].tep->defines_syn_data;
}

// --- outputs ---------------------------------------------------------------

void EnoNegotiation::emit_local(EnoOptionOut* out) {
  copy_bytes(out->bytes, local_opt_, local_opt_len_);
  out->len = local_opt_len_;
  sent_syn_form_ = true;
}

void EnoNegotiation::emit_non_syn(EnoOptionOut* out) const {
  usize len = 0;
  if (eno_build_non_syn_option(out->bytes, sizeof out->bytes, &len) == EnoBuildStatus::kOk)
    out->len = static_cast<u8>(len);
}

EnoAction EnoNegotiation::fall_back(EnoReason why) {
  reason_ = why;
  vacuous_ = false;  // a host that gave up does not start advertising either
  if (cfg_.tep_mandatory) {
    state_ = EnoState::kAborted;
    return EnoAction::kAbort;
  }
  state_ = EnoState::kDisabled;
  return EnoAction::kFallback;
}

EnoAction EnoNegotiation::disable() {
  switch (state_) {
    case EnoState::kIdle:
    case EnoState::kSynSent:
    case EnoState::kSynReceived:
      return fall_back(EnoReason::kLocalDisable);
    case EnoState::kDisabled:
      vacuous_ = false;  // stop advertising too
      return EnoAction::kNone;
    default:
      return EnoAction::kNone;
  }
}

// check_syn_conflicts - a SYN+ENO segment must not carry a non-empty Fast
// Open option, nor data unless the SYN TEP defines it (4.7). ENO gives way:
// the segment goes out without ENO and the connection falls back.
bool EnoNegotiation::check_syn_conflicts(const EnoSendSegment* seg) const {
  if ((seg->tcp_flags & kTcpFlagSyn) == 0) return false;
  if (seg->tfo_nonempty) return true;
  if (seg->payload_len == 0) return false;
  return (seg->tcp_flags & kTcpFlagAck) != 0 || !syn_data_allowed();
}

// --- sending, one handler per state ------------------------------------------

EnoAction EnoNegotiation::on_send(const EnoSendSegment* seg, EnoOptionOut* out_opt) {
  out_opt->len = 0;
  switch (state_) {
    case EnoState::kIdle:
      return send_idle(seg, out_opt);
    case EnoState::kSynSent:
      return send_syn_sent(seg, out_opt);
    case EnoState::kSynReceived:
      return send_syn_received(seg, out_opt);
    case EnoState::kEnabled:
      return send_enabled(seg, out_opt);
    case EnoState::kDisabled:
      return send_disabled(seg, out_opt);
    case EnoState::kAborted:
      break;
  }
  return EnoAction::kNone;
}

EnoAction EnoNegotiation::send_idle(const EnoSendSegment* seg, EnoOptionOut* out) {
  // Only an active opener's SYN-only segment can come first; a listener
  // answers, it never speaks first.
  if (cfg_.passive || seg->tcp_flags & kTcpFlagAck || (seg->tcp_flags & kTcpFlagSyn) == 0)
    return EnoAction::kNone;
  if (check_syn_conflicts(seg)) return fall_back(EnoReason::kConflictingSyn);
  emit_local(out);
  if (vacuous_) {
    // A vacuous option advertises ENO support with encryption off (4.6).
    state_ = EnoState::kDisabled;
    reason_ = EnoReason::kLocalVacuous;
    return EnoAction::kFallback;
  }
  sent_syn_data_ = seg->payload_len != 0;
  state_ = EnoState::kSynSent;
  return EnoAction::kNone;
}

EnoAction EnoNegotiation::send_syn_sent(const EnoSendSegment* seg, EnoOptionOut* out) {
  // SYN retransmission: the same option (4.6). Nothing else can be sent
  // before the peer's SYN arrives.
  if ((seg->tcp_flags & kTcpFlagSyn) == 0 || seg->tcp_flags & kTcpFlagAck) return EnoAction::kNone;
  if (check_syn_conflicts(seg)) return fall_back(EnoReason::kConflictingSyn);
  emit_local(out);
  if (seg->payload_len != 0) sent_syn_data_ = true;
  return EnoAction::kNone;
}

EnoAction EnoNegotiation::send_syn_received(const EnoSendSegment* seg, EnoOptionOut* out) {
  if (seg->tcp_flags & kTcpFlagSyn) {
    if (check_syn_conflicts(seg)) return fall_back(EnoReason::kConflictingSyn);
    // A passive opener's SYN-ACK, or in simultaneous open our SYN-ACK,
    // which repeats our SYN's option byte for byte (4.6).
    emit_local(out);
  } else {
    // Every segment carries ENO until a non-SYN segment was received (4.6);
    // in this state none was.
    emit_non_syn(out);
  }
  if (seg->tcp_flags & kTcpFlagAck) sent_ack_eno_ = true;
  return maybe_enable();
}

EnoAction EnoNegotiation::send_enabled(const EnoSendSegment* seg, EnoOptionOut* out) {
  if (seg->tcp_flags & kTcpFlagSyn) {
    // A late SYN-ACK retransmission. Encryption is on and stays on, but a
    // SYN+ENO segment still must not carry a cookie or data (4.7): a caller
    // asking for that gets no option rather than a forbidden segment.
    if (!check_syn_conflicts(seg)) emit_local(out);
  } else if (!recv_non_syn_)
    emit_non_syn(out);
  return EnoAction::kNone;
}

EnoAction EnoNegotiation::send_disabled(const EnoSendSegment* seg, EnoOptionOut* out) {
  // A disabled host sends no ENO (4.6), except that a vacuous option, once
  // sent, is repeated unchanged on SYN retransmissions.
  if (vacuous_ && local_opt_len_ != 0 && seg->tcp_flags & kTcpFlagSyn) {
    if (seg->tfo_nonempty || seg->payload_len != 0) {
      vacuous_ = false;
      return EnoAction::kNone;
    }
    emit_local(out);
  }
  return EnoAction::kNone;
}

// --- receiving, one handler per state ----------------------------------------

EnoAction EnoNegotiation::on_receive(const EnoSegment* seg, bool* out_discard_syn_data) {
  *out_discard_syn_data = false;
  // A reset ends the connection; ENO has nothing to say about it.
  if (seg->tcp_flags & kTcpFlagRst) return EnoAction::kNone;
  EnoScan scan;
  eno_scan_tcp_options(seg->options, seg->options_len, &scan);

  const bool syn = (seg->tcp_flags & kTcpFlagSyn) != 0;
  const bool ack = (seg->tcp_flags & kTcpFlagAck) != 0;
  const EnoState before = state_;
  EnoAction act = EnoAction::kNone;
  switch (state_) {
    case EnoState::kIdle:
      act = receive_idle(seg, &scan);
      break;
    case EnoState::kSynSent:
      act = receive_syn_sent(seg, &scan);
      break;
    case EnoState::kSynReceived:
      act = receive_syn_received(seg, &scan);
      break;
    default:
      break;
  }
  // Segments an opener's TCP ignores (anything but a SYN before the peer's
  // SYN was seen) do not count as received for the rules of 4.6.
  if (syn || before == EnoState::kSynReceived || before == EnoState::kEnabled) {
    if (!syn) recv_non_syn_ = true;
    if (ack) first_ack_seen_ = true;
  }
  if (syn && seg->payload_len != 0) *out_discard_syn_data = must_discard_syn_data(seg, &scan);
  return act;
}

EnoAction EnoNegotiation::receive_idle(const EnoSegment* seg, const EnoScan* scan) {
  // Only a listener's first SYN-only segment means something here.
  if (!cfg_.passive || (seg->tcp_flags & kTcpFlagSyn) == 0 || seg->tcp_flags & kTcpFlagAck)
    return EnoAction::kNone;
  if (!vacuous_) return accept_peer_syn(seg, scan);

  // A vacuous SYN-ACK only answers a SYN that had an ENO option, and still
  // carries b = 1 (4.6).
  EnoSynOption peer;
  if (!scan->malformed && scan->eno_count == 1 && scan->legacy_eno_count == 0 &&
      eno_parse_syn_option(seg->options + scan->eno_off, scan->eno_len, &peer) == EnoParseStatus::kOk) {
    const EnoSuboptionSpec g = global_spec(local_global_);
    usize len = 0;
    if (eno_build_syn_option(&g, 1, local_opt_, sizeof local_opt_, &len) == EnoBuildStatus::kOk)
      local_opt_len_ = static_cast<u8>(len);
  }
  state_ = EnoState::kDisabled;
  reason_ = EnoReason::kLocalVacuous;
  return EnoAction::kFallback;
}

EnoAction EnoNegotiation::receive_syn_sent(const EnoSegment* seg, const EnoScan* scan) {
  if ((seg->tcp_flags & kTcpFlagSyn) == 0) return EnoAction::kNone;
  const bool synack = (seg->tcp_flags & kTcpFlagAck) != 0;
  const EnoAction act = accept_peer_syn(seg, scan);
  if (state_ != EnoState::kSynReceived) {
    // 4.7: SYN data we sent must not be misread. Abort when it was
    // acknowledged without our SYN TEP being negotiated, and when a
    // SYN-ACK came back without ENO (the peer may have cached the data);
    // two ENO options or an ill-formed one count as none (4.1, 4.4).
    const bool no_eno = reason_ == EnoReason::kMissingEno || reason_ == EnoReason::kMultipleEno ||
                        reason_ == EnoReason::kMalformedEno;
    if (sent_syn_data_ && synack && (seg->acks_syn_data || no_eno)) {
      state_ = EnoState::kAborted;
      reason_ = EnoReason::kSynDataAtRisk;
      return EnoAction::kAbort;
    }
    return act;
  }
  if (synack) {
    recv_ack_eno_ = true;
    const u8 syn_tep = cfg_.teps[cfg_.tep_count - 1].tep->id;
    if (sent_syn_data_ && seg->acks_syn_data && cfg_.teps[sel_.local_index].tep->id != syn_tep) {
      state_ = EnoState::kAborted;
      reason_ = EnoReason::kSynDataAtRisk;
      return EnoAction::kAbort;
    }
  }
  return EnoAction::kNone;
}

EnoAction EnoNegotiation::receive_syn_received(const EnoSegment* seg, const EnoScan* scan) {
  // Only segments up to and including the first received ACK must carry
  // ENO (4.6 rule 1); after it, neither presence nor SYN retransmissions
  // change anything.
  if (first_ack_seen_) return EnoAction::kNone;
  if (scan->malformed || scan->eno_count == 0) return fall_back(EnoReason::kMissingEno);
  if (seg->tcp_flags & kTcpFlagSyn) {
    if (scan->eno_count + scan->legacy_eno_count > 1) return fall_back(EnoReason::kMultipleEno);
    // A retransmitted SYN, or the SYN-ACK of a simultaneous open, must
    // repeat the option we accepted byte for byte (4.6); anything else
    // leaves two candidate transcripts, so we give up.
    if (scan->eno_len != peer_opt_len_ || !equal_bytes(seg->options + scan->eno_off, peer_opt_, peer_opt_len_)) {
      EnoSynOption tmp;
      if (eno_parse_syn_option(seg->options + scan->eno_off, scan->eno_len, &tmp) != EnoParseStatus::kOk)
        return fall_back(EnoReason::kMalformedEno);
      return fall_back(EnoReason::kSynOptionChanged);
    }
  }
  // Non-SYN: presence alone is the acknowledgement; contents are ignored.
  if (seg->tcp_flags & kTcpFlagAck) recv_ack_eno_ = true;
  return maybe_enable();
}

// accept_peer_syn - the peer's SYN-form option, from a SYN-only or SYN-ACK
// segment: rules 1-3 of 4.6, then the TEP (4.5).
EnoAction EnoNegotiation::accept_peer_syn(const EnoSegment* seg, const EnoScan* scan) {
  if (scan->malformed || scan->eno_count == 0) return fall_back(EnoReason::kMissingEno);
  // Two ENO options (a legacy 253/0x454E one counts, RFC 8547 11) make the
  // SYN count as one without ENO (4.1).
  if (scan->eno_count + scan->legacy_eno_count > 1) return fall_back(EnoReason::kMultipleEno);
  EnoSynOption peer;
  const u8* raw = seg->options + scan->eno_off;
  if (eno_parse_syn_option(raw, scan->eno_len, &peer) != EnoParseStatus::kOk)
    return fall_back(EnoReason::kMalformedEno);

  copy_bytes(peer_opt_, raw, scan->eno_len);
  peer_opt_len_ = scan->eno_len;
  have_peer_opt_ = true;
  peer_global_ = peer.global;

  if (eno_global_b(peer.global) == local_b()) return fall_back(EnoReason::kRoleConflict);
  role_ = local_b() ? EnoRole::kB : EnoRole::kA;
  if (cfg_.aa_mandatory && !eno_global_a(peer.global)) return fall_back(EnoReason::kPeerNotAppAware);
  if (peer.tep_count == 0) return fall_back(EnoReason::kPeerVacuous);

  if (cfg_.passive) return answer_as_passive(&peer);

  EnoSynOption local;
  parse_stored(local_opt_, local_opt_len_, &local);
  const EnoSide local_side = {local_opt_, &local};
  const EnoSide peer_side = {peer_opt_, &peer};
  if (!eno_select_tep(cfg_.teps, cfg_.tep_count, role_, local_side, peer_side, &sel_))
    return fall_back(EnoReason::kNoValidTep);
  state_ = EnoState::kSynReceived;
  return EnoAction::kNone;
}

// answer_as_passive - a passive opener sees A's option first, so it sends
// exactly one TEP, a valid one (4.5 SHOULD): the TEP it prefers most among
// those valid. That TEP is then trivially the last valid one in B's option.
EnoAction EnoNegotiation::answer_as_passive(const EnoSynOption* peer) {
  EnoSelection s;
  const EnoSide peer_side = {peer_opt_, peer};
  if (!eno_choose_answer(cfg_.teps, cfg_.tep_count, peer_side, &s)) return fall_back(EnoReason::kNoValidTep);
  const EnoLocalTep* lt = &cfg_.teps[s.local_index];

  EnoTepAnswer ans;
  zero_bytes(&ans, sizeof ans);
  if (lt->tep->answer != nullptr) {
    const EnoSuboption& ps = peer->sub[s.peer_sub];
    EnoTepOffer offer = {ps.byte, peer_opt_ + ps.data_off, ps.data_len, false, 0, nullptr, 0};
    lt->tep->answer(lt->ctx, &offer, &ans);
  }
  if (!ans.v) ans.data_len = 0;
  if (ans.data_len > kEnoMaxSuboptionData) return fall_back(EnoReason::kAnswerTooLong);

  const EnoSuboptionSpec specs[2] = {
      global_spec(local_global_),  // B always sends it explicitly (4.2)
      {EnoSuboptionKind::kTep, static_cast<u8>(lt->tep->id | (ans.v ? kEnoVBit : 0)), false, ans.data,
       ans.data_len},
  };
  usize len = 0;
  if (eno_build_syn_option(specs, 2, local_opt_, sizeof local_opt_, &len) != EnoBuildStatus::kOk)
    return fall_back(EnoReason::kAnswerTooLong);
  local_opt_len_ = static_cast<u8>(len);
  sel_ = s;
  sel_.local_sub = 1;
  state_ = EnoState::kSynReceived;
  return EnoAction::kNone;
}

// maybe_enable - "Once a host has both sent and received an ACK segment
// containing an ENO option, encryption MUST be enabled" (4.6).
EnoAction EnoNegotiation::maybe_enable() {
  // Our SYN-form option must have gone out too: it is half the transcript
  // (only a caller feeding impossible sequences could get here without).
  if (state_ != EnoState::kSynReceived || !sent_ack_eno_ || !recv_ack_eno_ || !sent_syn_form_)
    return EnoAction::kNone;

  EnoSynOption local;
  EnoSynOption peer;
  parse_stored(local_opt_, local_opt_len_, &local);
  parse_stored(peer_opt_, peer_opt_len_, &peer);
  const bool local_is_a = role_ == EnoRole::kA;
  const u8* a_opt = local_is_a ? local_opt_ : peer_opt_;
  const u8* b_opt = local_is_a ? peer_opt_ : local_opt_;
  const u8 a_len = local_is_a ? local_opt_len_ : peer_opt_len_;
  const u8 b_len = local_is_a ? peer_opt_len_ : local_opt_len_;
  const EnoSuboption& a_sub = local_is_a ? local.sub[sel_.local_sub] : peer.sub[sel_.peer_sub];
  const EnoSuboption& b_sub = local_is_a ? peer.sub[sel_.peer_sub] : local.sub[sel_.local_sub];

  zero_bytes(&neg_, sizeof neg_);
  neg_.role = role_;
  neg_.tep_id = eno_glt(b_sub.byte);
  neg_.tep_byte = b_sub.byte;
  neg_.local_global = local_global_;
  neg_.peer_global = peer_global_;
  neg_.peer_verdict = sel_.peer_verdict;
  neg_.a_tep_byte = a_sub.byte;
  neg_.a_data_len = a_sub.data_len;
  copy_bytes(neg_.a_data, a_opt + a_sub.data_off, a_sub.data_len);
  neg_.b_tep_byte = b_sub.byte;
  neg_.b_data_len = b_sub.data_len;
  copy_bytes(neg_.b_data, b_opt + b_sub.data_off, b_sub.data_len);
  // Both options were framed-checked when stored.
  if (eno_transcript_build(a_opt, a_len, b_opt, b_len, &neg_.transcript) != EnoTranscriptStatus::kOk)
    return fall_back(EnoReason::kMalformedEno);

  state_ = EnoState::kEnabled;
  reason_ = EnoReason::kNone;
  const EnoLocalTep* lt = &cfg_.teps[sel_.local_index];
  if (lt->tep->on_enabled != nullptr) lt->tep->on_enabled(lt->ctx, &neg_);
  return EnoAction::kEnable;
}

// must_discard_syn_data - 4.7: data in a received SYN+ENO segment is
// discarded unless ENO succeeds with that segment's SYN TEP as the
// negotiated TEP, the TEP defines SYN data, we allow it, and no Fast Open
// cookie gives the data another meaning. tcpcrypt defines no SYN data, so
// with tcpcrypt every SYN+ENO payload is discarded.
bool EnoNegotiation::must_discard_syn_data(const EnoSegment* seg, const EnoScan* scan) const {
  if (scan->eno_count + scan->legacy_eno_count == 0) return false;  // not SYN+ENO: plain TCP rules
  if (state_ != EnoState::kSynReceived && state_ != EnoState::kEnabled) return true;
  if (scan->tfo_nonempty || !cfg_.syn_data) return true;
  const EnoTep* tep = cfg_.teps[sel_.local_index].tep;
  if (!tep->defines_syn_data) return true;
  // The SYN TEP is the last TEP of this very segment's option.
  EnoSynOption opt;
  if (eno_parse_syn_option(seg->options + scan->eno_off, scan->eno_len, &opt) != EnoParseStatus::kOk) return true;
  const i32 last = eno_last_tep(&opt);
  return last < 0 || eno_glt(opt.sub[last].byte) != tep->id;
}

}  // namespace tcpinc
