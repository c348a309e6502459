// SPDX-License-Identifier: GPL-2.0
// boundary_eno.cc - the extern "C" face of the ENO negotiation for the
// kernel glue (include/tcpinc/core_api.h, ENO section).
//
// The glue holds an opaque, caller-allocated tcpinc_core_eno; here it is an
// EnoNegotiation. EnoNegotiation is trivially copyable and documented as
// valid after zeroing + init(), which is what lets the glue allocate it
// without a constructor and move it from a listener to a child by memcpy.
#include "eno_negotiation.h"
#include "eno_tcpcrypt.h"
#include "memory.h"
#include "tcpinc/core_api.h"

namespace tcpinc {
namespace {

static_assert(__is_trivially_copyable(EnoNegotiation), "the glue copies it with memcpy");
static_assert(alignof(EnoNegotiation) <= 8, "the glue allocates with 8-byte alignment");
static_assert(TCPINC_CORE_ENO_MAX_OPTION == kEnoMaxOptionLen, "option size");
static_assert(TCPINC_CORE_ENO_MAX_TRANSCRIPT == kEnoMaxTranscriptLen, "transcript size");
static_assert(TCPINC_CORE_ENO_MAX_TEPS == kEnoMaxTeps, "TEP list size");
static_assert(static_cast<int>(EnoReason::kSynDataAtRisk) + 1 == TCPINC_CORE_ENO_R_COUNT,
              "tcpinc_core_eno_reason mirrors EnoReason");
static_assert(static_cast<int>(EnoState::kAborted) == TCPINC_CORE_ENO_ABORTED, "state mirror");
static_assert(static_cast<int>(EnoAction::kAbort) == TCPINC_CORE_ENO_ABORT, "action mirror");

// EnoBox - what the glue's opaque tcpinc_core_eno holds: the negotiation
// and the tcpcrypt TEP context it consults for resumption. The box is moved
// with memcpy, so the negotiation's pointer to tc is re-pointed on every
// entry (set_tep_ctx), and the lookup callback lives only for the call that
// supplies it.
struct EnoBox {
  EnoNegotiation n;
  EnoTcpcryptCtx tc;
  tcpinc_core_eno_resume_lookup_fn lookup;
  void* lookup_arg;
};
static_assert(__is_trivially_copyable(EnoBox), "the glue copies it with memcpy");

EnoBox* box_of(tcpinc_core_eno* e) { return reinterpret_cast<EnoBox*>(e); }
EnoNegotiation* from_c(tcpinc_core_eno* e) {
  EnoBox* b = box_of(e);
  b->n.set_tep_ctx(&b->tc);
  return &b->n;
}
const EnoNegotiation* from_c(const tcpinc_core_eno* e) { return &reinterpret_cast<const EnoBox*>(e)->n; }

// The EnoTcpcryptCtx lookup hook, forwarding to the glue's callback.
void box_resume_lookup(void* cache, u8 tep_id, const u8* peer_half, EnoTepAnswer* out) {
  EnoBox* b = static_cast<EnoBox*>(cache);
  if (b->lookup == nullptr) return;
  u8 data[kTcpcryptMaxResumeData];
  u8 len = 0;
  if (b->lookup(b->lookup_arg, tep_id, peer_half, data, &len) != 1) return;
  if (len < kTcpcryptMinResumeData || len > kTcpcryptMaxResumeData) return;  // glue bug: stay fresh
  out->v = true;
  out->data_len = len;
  copy_bytes(out->data, data, len);
  wipe(data, sizeof data);
}

// The TEPs this core implements: tcpcrypt over P-256, X25519 and X448 (the
// module's own KPP "curve448"; the glue offers 0x24 only while that KPP is
// there). No P-521: the 6.1 kernel has no P-521 ECDH.
bool tep_supported(u8 id) {
  return id == kTcpcryptTepP256 || id == kTcpcryptTepCurve25519 || id == kTcpcryptTepCurve448;
}

}  // namespace
}  // namespace tcpinc

using namespace tcpinc;

extern "C" int tcpinc_core_eno_tep_supported(tcpinc_u8 tep_id) { return tep_supported(tep_id) ? 1 : 0; }

extern "C" tcpinc_usize tcpinc_core_eno_size(void) { return (sizeof(EnoBox) + 7) & ~static_cast<usize>(7); }

namespace {

// The C configuration as the negotiation takes it; tc receives the
// resumption half to expect. Returns 0 or a positive EnoConfigStatus.
int config_from_c(const tcpinc_core_eno_config* c, EnoTcpcryptCtx* tc, EnoConfig* cfg) {
  zero_bytes(cfg, sizeof(*cfg));
  cfg->enabled = c->enabled != 0;
  cfg->passive = c->passive != 0;
  cfg->b = c->b != 0;
  cfg->a = c->a != 0;
  cfg->aa_mandatory = c->aa_mandatory != 0;
  cfg->tep_mandatory = c->tep_mandatory != 0;
  if (c->tep_count > kEnoMaxTeps) return static_cast<int>(EnoConfigStatus::kBadTep);
  cfg->tep_count = c->tep_count;
  for (u8 i = 0; i < c->tep_count; i++) {
    const EnoTep* t = tep_supported(c->teps[i]) ? eno_tcpcrypt_tep(c->teps[i]) : nullptr;
    if (t == nullptr) return static_cast<int>(EnoConfigStatus::kBadTep);
    cfg->teps[i].tep = t;
    cfg->teps[i].ctx = tc;
    if (c->resume_tep != 0 && c->resume_tep == c->teps[i]) {
      // RFC 8548 3.5: half + 0..8 nonce bytes; anything else is a glue bug.
      if (c->resume_data_len < kTcpcryptMinResumeData || c->resume_data_len > kTcpcryptMaxResumeData)
        return static_cast<int>(EnoConfigStatus::kBadData);
      cfg->teps[i].v = true;
      cfg->teps[i].data_len = c->resume_data_len;
      copy_bytes(cfg->teps[i].data, c->resume_data, c->resume_data_len);
      tc->expect_peer_half = true;
      copy_bytes(tc->peer_half, c->resume_expect_half, kTcpcryptResumeHalfLen);
    }
  }
  return 0;
}

}  // namespace

extern "C" int tcpinc_core_eno_init(tcpinc_core_eno* eno, const tcpinc_core_eno_config* c) {
  EnoBox* box = box_of(eno);
  zero_bytes(box, sizeof(*box));
  EnoNegotiation* n = &box->n;
  box->tc.resume_lookup = box_resume_lookup;
  box->tc.cache = box;
  EnoConfig cfg;
  int st = config_from_c(c, &box->tc, &cfg);
  if (st == 0) st = static_cast<int>(n->init(&cfg));
  wipe(&cfg, sizeof cfg);
  return st;
}

// The same option init() fixes (eno_build_local_option), so the glue's room
// check and the option sent cannot disagree (the global suboption is sent
// for a = 1 and for mandatory application-aware mode alike).
extern "C" int tcpinc_core_eno_syn_option_len(const tcpinc_core_eno_config* c) {
  if (c->enabled == 0) return 0;
  EnoTcpcryptCtx tc;
  zero_bytes(&tc, sizeof tc);
  EnoConfig cfg;
  int st = config_from_c(c, &tc, &cfg);
  usize len = 0;
  if (st == 0) {
    u8 opt[kEnoMaxOptionLen];
    const EnoBuildStatus b = eno_build_local_option(&cfg, opt, sizeof opt, &len);
    if (b == EnoBuildStatus::kTooLong) st = static_cast<int>(EnoConfigStatus::kTooLong);
    else if (b != EnoBuildStatus::kOk) st = static_cast<int>(EnoConfigStatus::kBadData);
    wipe(opt, sizeof opt);
  }
  wipe(&cfg, sizeof cfg);
  wipe(&tc, sizeof tc);
  return st != 0 ? -st : static_cast<int>(len);
}

extern "C" int tcpinc_core_eno_on_send(tcpinc_core_eno* eno, tcpinc_u8 tcp_flags, tcpinc_u32 payload_len,
                                       int tfo_nonempty, tcpinc_u8* opt, tcpinc_u8* opt_len) {
  EnoSendSegment seg = {tcp_flags, tfo_nonempty != 0, payload_len};
  EnoOptionOut out;
  out.len = 0;
  EnoAction a = from_c(eno)->on_send(&seg, &out);
  copy_bytes(opt, out.bytes, out.len);
  *opt_len = out.len;
  return static_cast<int>(a);
}

extern "C" int tcpinc_core_eno_on_receive(tcpinc_core_eno* eno, tcpinc_u8 tcp_flags, const tcpinc_u8* opts,
                                          tcpinc_usize opts_len, tcpinc_u32 payload_len, int* discard_syn_data) {
  EnoSegment seg = {tcp_flags, opts, opts_len, payload_len, false};
  bool discard = false;
  EnoAction a = from_c(eno)->on_receive(&seg, &discard);
  *discard_syn_data = discard ? 1 : 0;
  return static_cast<int>(a);
}

extern "C" int tcpinc_core_eno_on_receive_passive(tcpinc_core_eno* eno, tcpinc_u8 tcp_flags, const tcpinc_u8* opts,
                                                  tcpinc_usize opts_len, tcpinc_u32 payload_len,
                                                  int* discard_syn_data, tcpinc_core_eno_resume_lookup_fn lookup,
                                                  void* arg) {
  EnoBox* b = box_of(eno);
  b->lookup = lookup;
  b->lookup_arg = arg;
  const int r = tcpinc_core_eno_on_receive(eno, tcp_flags, opts, opts_len, payload_len, discard_syn_data);
  b->lookup = nullptr;
  b->lookup_arg = nullptr;
  return r;
}

extern "C" int tcpinc_core_eno_state(const tcpinc_core_eno* eno) { return static_cast<int>(from_c(eno)->state()); }

extern "C" int tcpinc_core_eno_reason(const tcpinc_core_eno* eno) { return static_cast<int>(from_c(eno)->reason()); }

extern "C" int tcpinc_core_eno_get_result(const tcpinc_core_eno* eno, struct tcpinc_core_eno_result* out) {
  const EnoNegotiated* neg = from_c(eno)->negotiated();
  if (neg == nullptr) return -1;
  out->role = static_cast<u8>(neg->role);
  out->tep_byte = neg->tep_byte;
  out->local_gopt = neg->local_global;
  out->peer_gopt = neg->peer_global;
  out->transcript_len = neg->transcript.len;
  copy_bytes(out->transcript, neg->transcript.bytes, neg->transcript.len);
  const bool a = neg->role == EnoRole::kA;
  out->peer_tep_byte = a ? neg->b_tep_byte : neg->a_tep_byte;
  out->peer_data_len = a ? neg->b_data_len : neg->a_data_len;
  static_assert(kEnoMaxSuboptionData <= TCPINC_CORE_ENO_MAX_OPTION, "peer_data size");
  copy_bytes(out->peer_data, a ? neg->b_data : neg->a_data, out->peer_data_len);
  return 0;
}

extern "C" int tcpinc_core_eno_peer_gopt(const tcpinc_core_eno* eno, tcpinc_u8* out) {
  return from_c(eno)->peer_global(out) ? 0 : -1;
}

extern "C" void tcpinc_core_scan_tcp_options(const tcpinc_u8* opts, tcpinc_usize len,
                                             struct tcpinc_core_opt_scan* out) {
  EnoScan scan;
  eno_scan_tcp_options(opts, len, &scan);
  out->eno_count = static_cast<u8>(scan.eno_count + scan.legacy_eno_count);
  out->tfo_nonempty = scan.tfo_nonempty ? 1 : 0;
  out->malformed = scan.malformed ? 1 : 0;
}

extern "C" int tcpinc_core_tcp_option_next(const tcpinc_u8* opts, tcpinc_usize len,
                                           tcpinc_usize* pos, struct tcpinc_core_tcp_opt* out) {
  TcpOption o;
  switch (eno_next_tcp_option(opts, len, pos, &o)) {
    case TcpOptStep::kOption:
      out->kind = o.kind;
      out->len = o.len;
      out->off = o.off;
      return 1;
    case TcpOptStep::kEnd:
      return 0;
    case TcpOptStep::kMalformed:
      break;
  }
  return -1;
}
