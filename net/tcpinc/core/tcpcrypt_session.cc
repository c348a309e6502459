// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_session.cc - the connection driver: handshake, framing, rekey,
// FIN semantics, session ID and the resumption hand-off.
#include "tcpcrypt_session.h"

#include "memory.h"

namespace tcpinc::tcpcrypt {

static usize min_usize(usize a, usize b) { return a < b ? a : b; }

Status Session::fail(Status s) {
  // Wipe first, then remember why: later calls answer kAborted and the glue
  // can still read failure() to pick its errno.
  const CryptoOps* ops = ops_;
  destroy();
  ops_ = ops;
  state_ = State::kFailed;
  failure_ = s;
  return s;
}

u8* Session::rx_alloc(usize n) {
  rx_buf_ = static_cast<u8*>(ops_->mem_alloc(ops_->ctx, n));
  rx_cap_ = rx_buf_ ? n : 0;
  return rx_buf_;
}

// The buffer is wiped whole: it held ciphertext, an Init, or plaintext.
void Session::rx_free() {
  if (rx_buf_) {
    wipe(rx_buf_, rx_cap_);
    ops_->mem_free(ops_->ctx, rx_buf_, rx_cap_);
  }
  rx_buf_ = nullptr;
  rx_cap_ = 0;
  rx_plain_ = false;
}

usize Session::rx_take_header(const u8* in, usize len, usize hdr_len) {
  usize take = min_usize(hdr_len - rx_len_, len);
  copy_bytes(rx_hdr_ + rx_len_, in, take);
  rx_len_ += take;
  return take;
}

Status Session::rx_gather(const u8* in, usize len, usize hdr_len, usize* used) {
  if (!rx_buf_) {
    if (!rx_alloc(rx_need_)) return Status::kNoMemory;
    copy_bytes(rx_buf_, rx_hdr_, hdr_len);
  }
  usize take = min_usize(rx_need_ - rx_len_, len);
  copy_bytes(rx_buf_ + rx_len_, in, take);
  rx_len_ += take;
  *used += take;
  return rx_len_ < rx_need_ ? Status::kNeedMore : Status::kOk;
}

void Session::rx_done() {
  if (rx_plain_) rx_free();
}

void Session::destroy() {
  if (ops_) {
    direction_release(*ops_, &send_);
    direction_release(*ops_, &recv_);
    rx_free();
  }
  wipe(this, sizeof *this);
}

Status Session::establish(const u8* ss, const u8* sn, usize sn_len, Role original_role,
                          u8* next_ss) {
  const CryptoOps& ops = *ops_;
  u8 mk0[kKeyLen];
  Status st = session_keys(ops, ss, sn, sn_len, tep_byte_, mk0, session_id_, next_ss);
  if (st == Status::kOk) st = directions_init(ops, aead_, mk0, original_role, &send_, &recv_);
  wipe(mk0, sizeof mk0);
  if (st != Status::kOk) return st;
  state_ = State::kEstablished;
  handshake_wipe(&hs_);
  return Status::kOk;
}

Status Session::start(const CryptoOps* ops, const SessionConfig& cfg) {
  if (state_ != State::kIdle || !ops_complete(ops) || !ops->mem_alloc || !ops->mem_free)
    return Status::kBadArgument;
  ops_ = ops;
  role_ = cfg.hs.role;
  tep_byte_ = cfg.tep_byte;
  no_cache_ = cfg.no_cache;
  kex_ = cfg.resume ? cfg.resume->kex : cfg.hs.kex;
  if (cfg.resume) {
    ResumeAttempt* a = cfg.resume;
    Status st = Status::kOk;
    if (!a->valid || !aead_params(a->aead) || (cfg.tep_byte & kTepVBit) == 0)
      st = Status::kBadArgument;
    u8 sn[kMaxSnLen];
    usize sn_len = 0;
    if (st == Status::kOk)
      st = resumption_sn(*a, cfg.peer_resume_nonce, cfg.peer_resume_nonce_len, sn, &sn_len);
    if (st == Status::kOk) {
      aead_ = a->aead;
      // The cache already holds ss[i+1] (resumption_take), so nothing here
      // is exportable; ss[i] is erased right after mk[0].
      st = establish(a->ss, sn, sn_len, a->original_role, nullptr);
    }
    wipe(sn, sizeof sn);
    resumption_wipe(a);
    return st == Status::kOk ? st : fail(st);
  }
  Status st = handshake_begin(*ops, cfg.hs, &hs_);
  if (st != Status::kOk) return fail(st);
  if (role_ == Role::kA) {
    copy_bytes(pending_, hs_.own_init, hs_.own_init_len);
    pending_len_ = hs_.own_init_len;
  }
  state_ = State::kAwaitInit;
  return Status::kOk;
}

Status Session::poll_output(u8* out, usize cap, usize* out_len) {
  *out_len = 0;
  if (state_ == State::kFailed) return Status::kAborted;
  usize n = 0;
  if (init_pending()) {
    n = min_usize(cap, pending_len_ - pending_sent_);
    copy_bytes(out, pending_ + pending_sent_, n);
    pending_sent_ += n;
    send_off_ += n;
    if (init_pending()) {
      *out_len = n;
      return Status::kOk;
    }
  }
  // One empty frame per owed step (each received rekey that put the peer
  // ahead must be answered at once, RFC 8548 3.8). These are answers, not
  // rekeys of ours, so the limit on empty-frame rekeys does not apply; and
  // they are no more than the peer's own rekey frames, one for one.
  while (rekey_answer_owed_ && state_ == State::kEstablished) {
    usize m = 0;
    Status st = seal(nullptr, 0, SendOptions{}, out + n, cap - n, &m);
    if (st == Status::kBufferTooSmall && n > 0) break;  // the rest on the next call
    if (st != Status::kOk) return st;
    n += m;
  }
  *out_len = n;
  return Status::kOk;
}

Status Session::seal(const u8* data, usize len, const SendOptions& opt, u8* out, usize cap,
                     usize* out_len) {
  *out_len = 0;
  if (state_ == State::kFailed) return Status::kAborted;
  if (state_ != State::kEstablished || init_pending()) return Status::kNotReady;
  if (fin_sent_) return Status::kSendAfterFin;
  // A frame with the rekey bit is the first of the next generation: take
  // one owed step, and only one, whatever else is owed.
  const bool step = rekey_steps_owed_ > 0;
  SealFlags f{step, opt.fin, opt.urgent, opt.urgent_ptr};
  DirectionKeys next;
  const FrameKey* key = &send_.key;
  if (step) {
    // Refuse what seal_frame would refuse before deriving a key for it.
    if (len > (opt.urgent ? kMaxUrgentDataLen : kMaxDataLen)) return Status::kFrameTooLarge;
    if (cap < sealed_frame_len(len, opt.urgent)) return Status::kBufferTooSmall;
    Status st = direction_next(*ops_, send_, &next);
    if (st != Status::kOk) return fail(st);
    key = &next.key;
  }
  Status st = seal_frame(*ops_, *key, send_off_, f, data, len, out, cap, out_len);
  if (st != Status::kOk) {
    if (step) direction_release(*ops_, &next);
    return st == Status::kCryptoFailure ? fail(st) : st;
  }
  // The sealed frame is never sealed again (the glue retransmits the
  // ciphertext), so the previous generation's key goes now.
  if (step) {
    direction_replace(*ops_, &send_, &next);
    rekey_steps_owed_--;
  }
  // Any frame can carry the rekey bit, so data frames settle answers too.
  // After a FINp frame nothing more may be sent: steps still owed then are
  // never sealed, and the peer, which opens nothing after our FINp, needs
  // none of them.
  if (rekey_steps_owed_ == 0 || opt.fin) rekey_answer_owed_ = false;
  send_off_ += *out_len;
  fin_sent_ = opt.fin;
  return Status::kOk;
}

Status Session::initiate_rekey() {
  if (state_ == State::kFailed) return Status::kAborted;
  if (state_ != State::kEstablished) return Status::kNotReady;
  if (fin_sent_) return Status::kSendAfterFin;
  // A step that is owed already gives the next frame fresh keys; adding
  // one would only lengthen the run of rekey frames.
  if (rekey_steps_owed_ > 0) return Status::kOk;
  // One rekey of ours at a time: while the peer has not caught up (remote
  // generation below local) another one would be a storm (RFC 8548 3.8).
  if (send_.gen > recv_.gen) return Status::kRekeyPending;
  // Not an answer: the step waits for the next frame, empty or not.
  rekey_steps_owed_ = 1;
  return Status::kOk;
}

Status Session::keepalive(u8* out, usize cap, usize* out_len) {
  *out_len = 0;
  if (state_ == State::kEstablished && cap < sealed_frame_len(0, false))
    return Status::kBufferTooSmall;  // check before committing the rekey
  Status st = initiate_rekey();
  if (st != Status::kOk) return st;
  return seal(nullptr, 0, SendOptions{}, out, cap, out_len);
}

Status Session::on_peer_fin() {
  if (state_ == State::kFailed) return Status::kAborted;
  if (state_ == State::kEstablished && fin_received_ && rx_len_ == 0) return Status::kOk;
  // A FIN that no FINp frame announced: truncation, never EOF.
  return fail(Status::kFinWithoutFinp);
}

Status Session::session_id(u8* out, usize cap, usize* out_len) const {
  if (state_ != State::kEstablished) return Status::kNoSessionId;
  if (cap < kSessionIdLen) return Status::kBufferTooSmall;
  copy_bytes(out, session_id_, kSessionIdLen);
  *out_len = kSessionIdLen;
  return Status::kOk;
}

Status Session::export_resumption(ResumeSecret* out) {
  if (state_ != State::kEstablished || !next_.valid) return Status::kNotCacheable;
  wipe(out, sizeof *out);  // unprimed
  copy_bytes(static_cast<ChainSecret*>(out), &next_, sizeof next_);
  resumption_wipe(&next_);
  return Status::kOk;
}

void Session::flush_resumption() { resumption_wipe(&next_); }

Status Session::receive(const u8* in, usize len, usize* out_consumed, RecvEvent* out_ev) {
  *out_consumed = 0;
  *out_ev = RecvEvent{};
  if (state_ == State::kFailed) return Status::kAborted;
  if (state_ == State::kIdle) return Status::kNotReady;
  rx_done();  // the last event's data is no longer valid
  if (state_ == State::kAwaitInit) return receive_init(in, len, out_consumed, out_ev);
  return receive_frame(in, len, out_consumed, out_ev);
}

Status Session::receive_init(const u8* in, usize len, usize* out_consumed, RecvEvent* ev) {
  const u32 magic = role_ == Role::kA ? kInit2Magic : kInit1Magic;
  usize used = 0;
  // The 8-byte header first: its message_len says what to allocate.
  if (rx_need_ == 0) {
    used = rx_take_header(in, len, kInitHeaderLen);
    *out_consumed = used;
    usize need = 0;
    Status st = init_message_len(magic, hs_.kex, rx_hdr_, rx_len_, &need);
    if (st == Status::kNeedMore) return st;
    if (st != Status::kOk) return fail(st);
    rx_need_ = need;
  }
  Status gathered = rx_gather(in + used, len - used, kInitHeaderLen, &used);
  *out_consumed = used;
  if (gathered != Status::kOk) return gathered;
  u8 ss0[kKeyLen];
  Status st;
  if (role_ == Role::kB) {
    st = handshake_on_init1(*ops_, &hs_, rx_buf_, rx_len_, ss0, &aead_);
    if (st == Status::kOk) {
      copy_bytes(pending_, hs_.own_init, hs_.own_init_len);
      pending_len_ = hs_.own_init_len;
    }
  } else {
    st = handshake_on_init2(*ops_, &hs_, rx_buf_, rx_len_, ss0, &aead_);
  }
  if (st == Status::kOk) {
    recv_off_ += rx_len_;
    // ss[1] for the cache along with mk[0]; ss[0] is erased below.
    st = establish(ss0, nullptr, 0, role_, no_cache_ ? nullptr : next_.ss);
  }
  if (st == Status::kOk && !no_cache_) {
    next_.index = 1;
    next_.kex = kex_;
    next_.aead = aead_;
    next_.original_role = role_;
    next_.valid = true;
  }
  wipe(ss0, sizeof ss0);
  if (st != Status::kOk) return fail(st);
  rx_free();
  rx_len_ = rx_need_ = 0;
  ev->established = true;
  return Status::kOk;
}

Status Session::receive_frame(const u8* in, usize len, usize* out_consumed, RecvEvent* ev) {
  if (len == 0) return Status::kNeedMore;
  // EOF is final: anything after the FINp frame is an attack or a bug.
  if (fin_received_) return fail(Status::kDataAfterFinp);
  FrameHeader h{};
  if (rx_len_ == 0) {
    // Fast path: a whole frame in the input is opened straight out of it,
    // its plaintext alone taking a buffer (no copy of the ciphertext).
    Status st = parse_frame_header(in, len, &h);
    if (st == Status::kBadFrame) return fail(st);
    if (st == Status::kOk && len >= kFrameHeaderLen + h.clen) {
      if (!rx_alloc(h.clen - kAeadTagLen)) return Status::kNoMemory;
      usize total = kFrameHeaderLen + h.clen;
      *out_consumed = total;
      return open_buffered(in, total, nullptr, 0, rx_buf_, ev);
    }
  }
  // Reassembly: the 3-byte header, then the whole frame in one buffer of
  // its size, opened in place.
  usize used = 0;
  if (rx_len_ < kFrameHeaderLen) {
    used = rx_take_header(in, len, kFrameHeaderLen);
    *out_consumed = used;
    if (rx_len_ < kFrameHeaderLen) return Status::kNeedMore;
    Status st = parse_frame_header(rx_hdr_, rx_len_, &h);
    if (st != Status::kOk) return fail(st);
    rx_need_ = kFrameHeaderLen + h.clen;
  }
  Status gathered = rx_gather(in + used, len - used, kFrameHeaderLen, &used);
  *out_consumed = used;
  if (gathered != Status::kOk) return gathered;
  return open_buffered(rx_buf_, rx_len_, nullptr, 0, rx_buf_ + kFrameHeaderLen, ev);
}

Status Session::receive_segs(const Seg* in, usize nin, usize* out_consumed, RecvEvent* out_ev) {
  while (nin > 1 && in[0].len == 0) {
    in++;
    nin--;
  }
  if (nin > TCPINC_CORE_TC_MAX_SEGS) nin = TCPINC_CORE_TC_MAX_SEGS;
  const Seg first = nin ? in[0] : Seg{nullptr, 0};
  // Only a frame that starts at the first byte, with nothing of it taken
  // yet, can be opened where it lies; and only one that does not lie whole
  // in the first piece needs to be (receive opens that one in place).
  if (state_ != State::kEstablished || rx_len_ != 0 || fin_received_ || nin < 2 ||
      !ops_->aead_open_segs)
    return receive(first.data, first.len, out_consumed, out_ev);
  u8 hdr[kFrameHeaderLen];
  usize total = 0, got = 0;
  for (usize i = 0; i < nin; i++) {
    for (usize j = 0; j < in[i].len && got < kFrameHeaderLen; j++) hdr[got++] = in[i].data[j];
    total += in[i].len;
  }
  FrameHeader h{};
  if (got < kFrameHeaderLen || parse_frame_header(hdr, got, &h) != Status::kOk ||
      first.len >= kFrameHeaderLen + h.clen || total < kFrameHeaderLen + h.clen)
    return receive(first.data, first.len, out_consumed, out_ev);
  // The ciphertext and tag: the pieces after the header, up to the frame's end.
  Seg ct[TCPINC_CORE_TC_MAX_SEGS];
  usize nct = 0, skip = kFrameHeaderLen, want = h.clen;
  for (usize i = 0; i < nin && want; i++) {
    usize off = skip < in[i].len ? skip : in[i].len;
    skip -= off;
    usize n = in[i].len - off < want ? in[i].len - off : want;
    if (n) ct[nct++] = Seg{in[i].data + off, n};
    want -= n;
  }
  *out_consumed = 0;
  *out_ev = RecvEvent{};
  rx_done();
  if (!rx_alloc(h.clen - kAeadTagLen)) return Status::kNoMemory;
  *out_consumed = kFrameHeaderLen + h.clen;
  return open_buffered(hdr, kFrameHeaderLen + h.clen, ct, nct, rx_buf_, out_ev);
}

Status Session::open_buffered(const u8* frame, usize frame_len, const Seg* segs, usize nsegs,
                              u8* plain, RecvEvent* ev) {
  const CryptoOps& ops = *ops_;
  FrameHeader h{};
  Status st = parse_frame_header(frame, segs ? kFrameHeaderLen : frame_len, &h);
  if (st != Status::kOk) return fail(st);
  // A rekey frame is tried under generation + 1 and the generation is only
  // committed once it authenticates (a forged bit changes the AD anyway).
  DirectionKeys next;
  const FrameKey* key = &recv_.key;
  if (h.rekey) {
    st = direction_next(ops, recv_, &next);
    if (st != Status::kOk) return fail(st);
    key = &next.key;
  }
  OpenedFrame of{};
  // Plaintext lands in rx_buf_: in place behind the header when the frame
  // was reassembled there, at its start when it came whole in the input.
  st = segs ? open_frame_segs(ops, *key, recv_off_, frame, segs, nsegs, plain, &of)
            : open_frame(ops, *key, recv_off_, frame, frame_len, plain, &of);
  if (st != Status::kOk) {
    if (h.rekey) direction_release(ops, &next);
    return fail(st);
  }
  if (h.rekey) {
    direction_replace(ops, &recv_, &next);
    ev->rekeyed = true;
    if (recv_.gen > local_generation()) {
      // The peer moved ahead: follow, and answer with a rekey frame unless
      // our FIN is out (then nothing more may be sent). One step per rekey
      // frame of the peer's: k of them before we send anything are k
      // steps, k rekey frames, for the peer can follow only one bit at a
      // time. A step is derived when its frame is sealed, so no key of a
      // generation we never send is made.
      rekey_steps_owed_++;
      rekey_answer_owed_ = !fin_sent_;
    }
  }
  ev->frame = true;
  ev->frame_offset = recv_off_;
  ev->data = of.data;
  ev->data_len = of.data_len;
  ev->eof = of.finp;
  ev->urgent = of.urgp;
  ev->urgent_ptr = of.urgent;
  recv_off_ += frame_len;
  rx_len_ = rx_need_ = 0;
  fin_received_ = of.finp;
  // A frame without data (rekey, FINp) gives nothing to read: no buffer
  // stays behind it.
  if (of.data_len) {
    rx_plain_ = true;
  } else {
    ev->data = nullptr;
    rx_free();
  }
  return Status::kOk;
}

}  // namespace tcpinc::tcpcrypt
