// SPDX-License-Identifier: GPL-2.0
// boundary_tcpcrypt.cc - the extern "C" face of the tcpcrypt core for the
// kernel glue (include/tcpinc/core_api.h, tcpcrypt section): thin casts
// from the boundary handles to the C++ objects. No logic lives here; it is
// all in tcpcrypt_session/resumption.
#include "eno_tcpcrypt.h"
#include "tcpcrypt_resumption.h"
#include "tcpcrypt_session.h"
#include "tcpinc/core_api.h"

namespace tcpinc::tcpcrypt {
namespace {

// The embedded handles: the C++ object fits the storage the glue reserves
// and needs no stricter alignment than the handle has.
static_assert(sizeof(tcpinc_core_tc_resume_secret) == TCPINC_CORE_TC_RESUME_SECRET_SIZE);
static_assert(sizeof(tcpinc_core_tc_resume_attempt) == TCPINC_CORE_TC_RESUME_ATTEMPT_SIZE);
static_assert(sizeof(ResumeSecret) <= TCPINC_CORE_TC_RESUME_SECRET_SIZE, "resume secret storage");
static_assert(sizeof(ResumeAttempt) <= TCPINC_CORE_TC_RESUME_ATTEMPT_SIZE, "resume attempt storage");
static_assert(alignof(ResumeSecret) <= alignof(tcpinc_core_tc_resume_secret));
static_assert(alignof(ResumeAttempt) <= alignof(tcpinc_core_tc_resume_attempt));
// The allocated handle: its size is asked of tcpinc_core_tc_session_size().
static_assert(alignof(Session) <= 8, "glue allocations are 8-byte aligned");
// The glue allocates the session behind its struct tcpinc_crypt (152 bytes
// in 6.1, pahole) from kmalloc-1k: a session beyond 872 bytes doubles that
// (Documentation/tcpcrypt-kernel.md, "Memory per connection").
static_assert(sizeof(Session) <= 1024 - 152, "session and tcpinc_crypt within kmalloc-1k");
static_assert(kSessionIdLen == TCPINC_CORE_TC_SESSION_ID_LEN);
static_assert(kMaxFrameLen == TCPINC_CORE_TC_MAX_FRAME_LEN);
static_assert(kMaxDataLen == TCPINC_CORE_TC_MAX_DATA_LEN);
static_assert(kFrameOverhead == TCPINC_CORE_TC_FRAME_OVERHEAD);
static_assert(kMaxResumeSuboptionLen == TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN);

Session* S(tcpinc_core_tc_session* p) { return reinterpret_cast<Session*>(p); }
const Session* S(const tcpinc_core_tc_session* p) { return reinterpret_cast<const Session*>(p); }
ResumeSecret* RS(tcpinc_core_tc_resume_secret* p) { return reinterpret_cast<ResumeSecret*>(p); }
ResumeAttempt* RA(tcpinc_core_tc_resume_attempt* p) { return reinterpret_cast<ResumeAttempt*>(p); }
const ResumeAttempt* RA(const tcpinc_core_tc_resume_attempt* p) {
  return reinterpret_cast<const ResumeAttempt*>(p);
}
int C(Status s) { return static_cast<int>(s); }
ResumePolicy P(const tcpinc_core_tc_resume_policy* p) {
  return ResumePolicy{p->ignore_resumption != 0, p->no_cache != 0, p->nonce_len};
}

}  // namespace
}  // namespace tcpinc::tcpcrypt

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;

extern "C" {

tcpinc_usize tcpinc_core_tc_session_size(void) { return sizeof(Session); }

int tcpinc_core_tc_session_start(tcpinc_core_tc_session* sess, const tcpinc_core_crypto_ops* ops,
                                 const tcpinc_core_tc_config* c) {
  if (c->role > TCPINC_CORE_TC_ROLE_B) return C(Status::kBadArgument);
  SessionConfig cfg{};
  cfg.hs = HandshakeConfig{static_cast<Role>(c->role), c->kex,         c->transcript,
                           c->transcript_len,          c->aeads,       c->naeads,
                           c->ephemeral_priv,          c->ephemeral_pub, c->nonce};
  cfg.tep_byte = c->tep_byte;
  cfg.no_cache = c->no_cache != 0;
  cfg.resume = c->resume ? RA(c->resume) : nullptr;
  cfg.peer_resume_nonce = c->peer_resume_nonce;
  cfg.peer_resume_nonce_len = c->peer_resume_nonce_len;
  return C(S(sess)->start(ops, cfg));
}

int tcpinc_core_tc_poll_output(tcpinc_core_tc_session* sess, tcpinc_u8* out, tcpinc_usize cap,
                               tcpinc_usize* out_len) {
  return C(S(sess)->poll_output(out, cap, out_len));
}

int tcpinc_core_tc_receive(tcpinc_core_tc_session* sess, const tcpinc_u8* in, tcpinc_usize len,
                           tcpinc_usize* out_consumed, tcpinc_core_tc_event* out_ev) {
  RecvEvent ev{};
  Status st = S(sess)->receive(in, len, out_consumed, &ev);
  *out_ev = tcpinc_core_tc_event{ev.data,     ev.data_len,   ev.frame_offset, ev.established, ev.frame,
                                 ev.eof,      ev.urgent,     ev.urgent_ptr,   ev.rekeyed};
  return C(st);
}

int tcpinc_core_tc_receive_segs(tcpinc_core_tc_session* sess, const tcpinc_core_seg* in,
                                tcpinc_usize nin, tcpinc_usize* out_consumed,
                                tcpinc_core_tc_event* out_ev) {
  RecvEvent ev{};
  Status st = S(sess)->receive_segs(in, nin, out_consumed, &ev);
  *out_ev = tcpinc_core_tc_event{ev.data,     ev.data_len,   ev.frame_offset, ev.established, ev.frame,
                                 ev.eof,      ev.urgent,     ev.urgent_ptr,   ev.rekeyed};
  return C(st);
}

int tcpinc_core_tc_seal(tcpinc_core_tc_session* sess, const tcpinc_u8* data, tcpinc_usize len,
                        tcpinc_u32 flags, tcpinc_u16 urgent_ptr, tcpinc_u8* out, tcpinc_usize cap,
                        tcpinc_usize* out_len) {
  SendOptions o{(flags & TCPINC_CORE_TC_SEAL_FIN) != 0, (flags & TCPINC_CORE_TC_SEAL_URG) != 0, urgent_ptr};
  return C(S(sess)->seal(data, len, o, out, cap, out_len));
}

int tcpinc_core_tc_initiate_rekey(tcpinc_core_tc_session* sess) { return C(S(sess)->initiate_rekey()); }

int tcpinc_core_tc_keepalive(tcpinc_core_tc_session* sess, tcpinc_u8* out, tcpinc_usize cap,
                             tcpinc_usize* out_len) {
  return C(S(sess)->keepalive(out, cap, out_len));
}

int tcpinc_core_tc_on_peer_fin(tcpinc_core_tc_session* sess) { return C(S(sess)->on_peer_fin()); }

int tcpinc_core_tc_session_id(const tcpinc_core_tc_session* sess, tcpinc_u8* out, tcpinc_usize cap,
                              tcpinc_usize* out_len) {
  return C(S(sess)->session_id(out, cap, out_len));
}

int tcpinc_core_tc_failure(const tcpinc_core_tc_session* sess) { return C(S(sess)->failure()); }

tcpinc_u16 tcpinc_core_tc_aead(const tcpinc_core_tc_session* sess) { return S(sess)->aead(); }

int tcpinc_core_tc_export_resumption(tcpinc_core_tc_session* sess, tcpinc_core_tc_resume_secret* out) {
  return C(S(sess)->export_resumption(RS(out)));
}

void tcpinc_core_tc_flush_resumption(tcpinc_core_tc_session* sess) { S(sess)->flush_resumption(); }

void tcpinc_core_tc_session_destroy(tcpinc_core_tc_session* sess) { S(sess)->destroy(); }

void tcpinc_core_tc_rx_done(tcpinc_core_tc_session* sess) { S(sess)->rx_done(); }

int tcpinc_core_tc_output_pending(const tcpinc_core_tc_session* sess) {
  return S(sess)->output_pending();
}

int tcpinc_core_tc_resume_take(const tcpinc_core_crypto_ops* ops, const tcpinc_core_tc_resume_policy* policy,
                               tcpinc_core_tc_resume_secret* entry, tcpinc_core_tc_resume_attempt* out) {
  return C(resumption_take(*ops, P(policy), RS(entry), RA(out)));
}

int tcpinc_core_tc_resume_build(const tcpinc_core_tc_resume_attempt* a, tcpinc_u8* out, tcpinc_usize cap,
                                tcpinc_usize* out_len) {
  return C(resumption_build_suboption(*RA(a), out, cap, out_len));
}

int tcpinc_core_tc_resume_peer_half(const tcpinc_core_crypto_ops* ops, tcpinc_core_tc_resume_secret* entry,
                                    tcpinc_u8* out_half) {
  return C(resumption_peer_half(*ops, RS(entry), out_half));
}

int tcpinc_core_tc_resume_accept(const tcpinc_core_crypto_ops* ops, const tcpinc_core_tc_resume_policy* policy,
                                 tcpinc_core_tc_resume_secret* entry, const tcpinc_u8* sub, tcpinc_usize sub_len,
                                 tcpinc_core_tc_resume_attempt* out) {
  ResumeSuboption offer{};
  Status st = resumption_parse_suboption(sub, sub_len, &offer);
  if (st != Status::kOk) return C(st);
  return C(resumption_accept(*ops, P(policy), RS(entry), offer, RA(out)));
}

int tcpinc_core_tc_resume_check_answer(const tcpinc_core_tc_resume_attempt* a, const tcpinc_u8* sub,
                                       tcpinc_usize sub_len, const tcpinc_u8** out_peer_nonce,
                                       tcpinc_usize* out_peer_nonce_len) {
  ResumeSuboption ans{};
  Status st = resumption_parse_suboption(sub, sub_len, &ans);
  if (st == Status::kOk) st = resumption_check_answer(*RA(a), ans);
  if (st != Status::kOk) return C(st);
  *out_peer_nonce = ans.nonce;
  *out_peer_nonce_len = ans.nonce_len;
  return C(st);
}

int tcpinc_core_tc_resume_data_valid(tcpinc_usize len) {
  return tcpinc::eno_tcpcrypt_classify(len) == tcpinc::EnoTepVerdict::kWithData ? 1 : 0;
}

int tcpinc_core_tc_resume_answer_half(const tcpinc_core_tc_resume_attempt* a, tcpinc_u8* out_half) {
  return C(resumption_answer_half(*RA(a), out_half));
}

void tcpinc_core_tc_resume_wipe_secret(tcpinc_core_tc_resume_secret* s) { resumption_wipe(RS(s)); }
void tcpinc_core_tc_resume_wipe_attempt(tcpinc_core_tc_resume_attempt* a) { resumption_wipe(RA(a)); }

}  // extern "C"
