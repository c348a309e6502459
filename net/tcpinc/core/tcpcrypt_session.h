// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_session.h - one tcpcrypt connection, sans I/O: stream bytes and
// events in, stream bytes and events out.
//
// Caller contract (the kernel glue, or a test):
//  - Storage: a Session is plain memory; all-zero bytes are the idle state
//    (kzalloc it, or value-initialise it). It holds keys and state only
//    (about 1 KiB); what it receives lives in one buffer from the provider's
//    mem_alloc while a message is reassembled, opened and read.
//    destroy() releases provider contexts and that buffer and wipes every
//    secret; call it exactly once when done (on every path).
//  - Output: after start(), after every receive() and after every seal()
//    call poll_output() and transmit what it returns before anything sealed
//    later; it carries Init1/Init2 and owed rekey answers. Bytes returned by
//    poll_output/seal/keepalive must be sent in order and, on
//    retransmission, byte for byte the same (never re-sealed).
//  - Input: receive() takes the peer's stream bytes in order, consumes at
//    most one Init or frame per call and reports it in *out_ev; loop until
//    everything is consumed. Event data points into the receive buffer and
//    stays valid until rx_done(), the next receive() or destroy(); call
//    rx_done() once it is read so that an idle session holds no buffer.
//    kNoMemory: mem_alloc failed; what was consumed is kept, call again.
//  - Errors: any abort status (is_abort) leaves the session failed and
//    wiped; later calls return kAborted. EOF is only ev.eof (a FINp frame).
// Nothing here allocates, sleeps or locks: the glue serialises calls.
#ifndef TCPINC_CORE_TCPCRYPT_SESSION_H
#define TCPINC_CORE_TCPCRYPT_SESSION_H

#include "crypto.h"
#include "tcpcrypt_frame.h"
#include "tcpcrypt_handshake.h"
#include "tcpcrypt_init_msg.h"
#include "tcpcrypt_key_schedule.h"
#include "tcpcrypt_rekey.h"
#include "tcpcrypt_resumption.h"
#include "tcpcrypt_status.h"
#include "types.h"

namespace tcpinc::tcpcrypt {

// SessionConfig - everything decided before the first stream byte.
struct SessionConfig {
  // Fresh key agreement (ignored when resuming except hs.role).
  HandshakeConfig hs;
  // B's TEP byte exactly as sent (v bit included): session ID byte 0.
  u8 tep_byte;
  // Resumed session: our attempt (consumed and wiped by start()) and the
  // peer's resumption nonce; nullptr for a fresh session.
  ResumeAttempt* resume;
  const u8* peer_resume_nonce;
  usize peer_resume_nonce_len;
  // Do not produce ss[1] for the resumption cache.
  bool no_cache;
};

// RecvEvent - what one receive() call produced.
struct RecvEvent {
  const u8* data;      // application bytes of the frame (may be 0 long)
  usize data_len;
  u64 frame_offset;    // offset of the frame in the peer's stream
  bool established;    // this call completed the handshake
  bool frame;          // a frame was opened
  bool eof;            // it had FINp: authenticated end of stream
  bool urgent;         // it had URGp; urgent_ptr is its urgent field
  u16 urgent_ptr;
  bool rekeyed;        // it carried the rekey bit (remote generation +1)
};

// SendOptions - per-frame flags the application controls.
struct SendOptions {
  bool fin;      // last frame: FINp (the glue sets TCP FIN on its last byte)
  bool urgent;   // URGp with urgent_ptr
  u16 urgent_ptr;
};

class Session {
 public:
  // start - begin a fresh handshake (A: Init1 becomes pending output) or a
  // resumed session (established at once, offsets from 0).
  Status start(const CryptoOps* ops, const SessionConfig& cfg);

  // poll_output - pending Init bytes and/or owed rekey answers: one empty
  // frame per owed generation step, as many whole frames as fit in cap
  // (the rest on the next call).
  Status poll_output(u8* out, usize cap, usize* out_len);

  // output_pending - whether poll_output has bytes to give (so the caller
  // needs an output buffer only then).
  bool output_pending() const {
    return init_pending() || (rekey_answer_owed_ && state_ == State::kEstablished);
  }

  // receive - see the contract above. kNeedMore: all input buffered.
  Status receive(const u8* in, usize len, usize* out_consumed, RecvEvent* out_ev);

  // receive_segs - receive() of input in pieces, in stream order: a frame
  // lying whole in them, beyond the first, is opened where it lies (the
  // provider's aead_open_segs); anything else is taken from the first piece
  // as receive() takes it. At most TCPINC_CORE_TC_MAX_SEGS pieces count.
  Status receive_segs(const Seg* in, usize nin, usize* out_consumed, RecvEvent* out_ev);

  // seal - one frame of data (<= kMaxDataLen, 2 less with urgent) into out.
  Status seal(const u8* data, usize len, const SendOptions& opt, u8* out, usize cap,
              usize* out_len);

  // initiate_rekey - the next sealed frame starts a new local generation.
  // kRekeyPending while a rekey of ours is unanswered (no rekey storms);
  // kOk without a further step while steps are owed (the next frame
  // already carries a fresh generation).
  Status initiate_rekey();

  // keepalive - initiate a rekey and seal the empty frame that carries it
  // (RFC 8548 section 3.8: liveness that an attacker cannot fake). While
  // answers are owed it seals one of them instead.
  Status keepalive(u8* out, usize cap, usize* out_len);

  // on_peer_fin - the peer's TCP FIN arrived after every byte before it was
  // fed to receive(). kOk only after a FINp frame; else kFinWithoutFinp.
  Status on_peer_fin();

  // session_id - 33 bytes; kNoSessionId unless established.
  Status session_id(u8* out, usize cap, usize* out_len) const;

  // export_resumption - hand ss[1] of a fresh session to the cache (once);
  // kNotCacheable if do-not-cache was set, already exported or flushed.
  Status export_resumption(ResumeSecret* out);

  // flush_resumption - forget any secret this session could still export.
  void flush_resumption();

  // rx_done - the last event's data was read: wipe and free its buffer now.
  // A no-op while a message is being reassembled.
  void rx_done();

  // destroy - release and wipe everything, the receive buffer included;
  // the session is idle again, every byte of it zero as in freshly zeroed
  // memory.
  void destroy();

  bool established() const { return state_ == State::kEstablished; }
  bool failed() const { return state_ == State::kFailed; }
  Status failure() const { return failure_; }
  u16 aead() const { return aead_; }
  // The local generation in the RFC's sense: the one our frames reach once
  // every owed step is sealed (sent_generation() + owed steps).
  u64 local_generation() const { return send_.gen + rekey_steps_owed_; }
  // The generation of the last frame sealed (of the key the next frame
  // without the rekey bit would use).
  u64 sent_generation() const { return send_.gen; }
  u64 remote_generation() const { return recv_.gen; }
  u64 send_offset() const { return send_off_; }
  u64 recv_offset() const { return recv_off_; }

 private:
  enum class State : u8 { kIdle = 0, kAwaitInit, kEstablished, kFailed };

  Status fail(Status s);
  // establish - keys from ss[i] and sn[i]; next_ss, unless nullptr, gets
  // ss[i+1] from the same derivation.
  Status establish(const u8* ss, const u8* sn, usize sn_len, Role original_role, u8* next_ss);
  Status receive_init(const u8* in, usize len, usize* out_consumed, RecvEvent* ev);
  Status receive_frame(const u8* in, usize len, usize* out_consumed, RecvEvent* ev);
  // open_buffered - open a frame: whole at frame, or (segs) its header at
  // frame and its ciphertext and tag in segs.
  Status open_buffered(const u8* frame, usize frame_len, const Seg* segs, usize nsegs, u8* plain,
                       RecvEvent* ev);
  bool init_pending() const { return pending_sent_ < pending_len_; }

  const CryptoOps* ops_;
  State state_;
  Status failure_;
  Role role_;
  u8 tep_byte_;
  bool no_cache_;
  u16 aead_;
  u8 kex_;
  Handshake hs_;  // wiped once established
  // Our Init1/Init2 as it goes out through poll_output.
  u8 pending_[kMaxOwnInitLen];
  usize pending_len_;
  usize pending_sent_;
  u8 session_id_[kSessionIdLen];
  // ss[1] for the cache, until exported or flushed.
  ChainSecret next_;
  DirectionKeys send_;  // generation of the last sealed frame
  DirectionKeys recv_;  // remote generation
  // Generation steps still to take, one per sealed frame, each frame with
  // rekey = 1: the peer follows one generation per rekey bit (RFC 8548
  // 3.8), so k steps owed after k of its rekeys are k rekey frames, never
  // one frame k generations on. The key of a step is derived when its
  // frame is sealed.
  u64 rekey_steps_owed_;
  bool rekey_answer_owed_;  // the owed steps answer the peer: poll_output sends them
  bool fin_sent_;
  bool fin_received_;
  u64 send_off_;
  u64 recv_off_;
  // Receive: the Init or frame being reassembled, or the plaintext of the
  // frame just opened (the event's data), in rx_buf_: rx_cap_ bytes from
  // the provider's mem_alloc, taken when a message's length is known and
  // given back, wiped, once it is read (rx_done, the next receive, destroy).
  // An idle session holds none. rx_hdr_ collects a header until then.
  u8* rx_alloc(usize n);
  void rx_free();
  // rx_take_header - up to hdr_len bytes of a header into rx_hdr_; how many
  // of in it took.
  usize rx_take_header(const u8* in, usize len, usize hdr_len);
  // rx_gather - the rest of a message whose header (hdr_len bytes in
  // rx_hdr_) set rx_need_, into rx_buf_, taken now if it is not yet; adds
  // what it took of in to *used. kOk once the whole message is there.
  Status rx_gather(const u8* in, usize len, usize hdr_len, usize* used);
  usize rx_len_;   // bytes of the message so far (in rx_hdr_ until rx_buf_ exists)
  usize rx_need_;  // its whole length, once the header says (0 before)
  u8* rx_buf_;
  usize rx_cap_;
  bool rx_plain_;  // rx_buf_ holds the last event's plaintext
  u8 rx_hdr_[kInitHeaderLen];
};

}  // namespace tcpinc::tcpcrypt

#endif  // TCPINC_CORE_TCPCRYPT_SESSION_H
