// SPDX-License-Identifier: GPL-2.0
// tcpcrypt's suboption data as ENO sees it (RFC 8548 3.2, 3.5; digest E.10),
// end to end through two negotiation machines.
#include <gtest/gtest.h>

#include <vector>

#include "eno_negotiation.h"
#include "eno_tcpcrypt.h"

using namespace tcpinc;
using Bytes = std::vector<u8>;

namespace {

constexpr u8 SYN = kTcpFlagSyn;
constexpr u8 SYNACK = kTcpFlagSyn | kTcpFlagAck;
constexpr u8 ACK = kTcpFlagAck;
constexpr u8 T25519 = kTcpcryptTepCurve25519;  // 0x23

const u8 kHalfA[9] = {0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8};
const u8 kHalfB[9] = {0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8};
const u8 kNonceA[8] = {1, 2, 3, 4, 5, 6, 7, 8};
const u8 kNonceB[8] = {9, 10, 11, 12, 13, 14, 15, 16};

struct Cache {
  int lookups = 0;
  bool hit = true;
};

void lookup(void* cache, u8 tep_id, const u8* peer_half, EnoTepAnswer* out) {
  Cache* c = static_cast<Cache*>(cache);
  c->lookups++;
  if (!c->hit || tep_id != T25519 || memcmp(peer_half, kHalfA, 9) != 0) return;
  out->v = true;
  out->data_len = 17;
  memcpy(out->data, kHalfB, 9);
  memcpy(out->data + 9, kNonceB, 8);
}

EnoConfig tcpcrypt_config(bool passive, std::vector<u8> teps, EnoTcpcryptCtx* ctx) {
  EnoConfig c{};
  c.enabled = true;
  c.passive = passive;
  c.tep_count = static_cast<u8>(teps.size());
  for (usize i = 0; i < teps.size(); i++) {
    c.teps[i].tep = eno_tcpcrypt_tep(teps[i]);
    c.teps[i].ctx = ctx;
  }
  return c;
}

void resume_offer(EnoLocalTep* lt, usize nonce_len) {
  lt->v = true;
  memcpy(lt->data, kHalfA, 9);
  memcpy(lt->data + 9, kNonceA, nonce_len);
  lt->data_len = static_cast<u8>(9 + nonce_len);
}

Bytes opt_of(const EnoOptionOut& o) { return Bytes(o.bytes, o.bytes + o.len); }

EnoSegment seg_with(u8 flags, const EnoOptionOut& o) { return EnoSegment{flags, o.bytes, o.len, 0, false}; }

// run - a three-way handshake; returns the SYN-ACK option.
Bytes run(EnoNegotiation& a, EnoNegotiation& b, Bytes* syn_opt = nullptr) {
  EnoOptionOut syn, synack, ack;
  EnoSendSegment s_syn{SYN, false, 0}, s_synack{SYNACK, false, 0}, s_ack{ACK, false, 0};
  bool d = false;
  EXPECT_EQ(a.on_send(&s_syn, &syn), EnoAction::kNone);
  if (syn_opt != nullptr) *syn_opt = opt_of(syn);
  EnoSegment r1 = seg_with(SYN, syn);
  (void)b.on_receive(&r1, &d);
  (void)b.on_send(&s_synack, &synack);
  EnoSegment r2 = seg_with(SYNACK, synack);
  (void)a.on_receive(&r2, &d);
  (void)a.on_send(&s_ack, &ack);
  EnoSegment r3 = seg_with(ACK, ack);
  (void)b.on_receive(&r3, &d);
  return opt_of(synack);
}

}  // namespace

TEST(EnoTcpcrypt, Identifiers) {
  for (u8 id = 0x21; id <= 0x24; id++) {
    ASSERT_NE(eno_tcpcrypt_tep(id), nullptr);
    EXPECT_EQ(eno_tcpcrypt_tep(id)->id, id);
    EXPECT_FALSE(eno_tcpcrypt_tep(id)->defines_syn_data);     // RFC 8548 defines none
    EXPECT_FALSE(eno_tcpcrypt_tep(id)->repetition_defined);   // 3.5
  }
  EXPECT_EQ(eno_tcpcrypt_tep(0x20), nullptr);
  EXPECT_EQ(eno_tcpcrypt_tep(0x25), nullptr);
}

TEST(EnoTcpcrypt, ClassifyByLength) {
  for (usize n = 0; n < 9; n++) EXPECT_EQ(eno_tcpcrypt_classify(n), EnoTepVerdict::kFresh) << n;
  for (usize n = 9; n <= 17; n++) EXPECT_EQ(eno_tcpcrypt_classify(n), EnoTepVerdict::kWithData) << n;
  for (usize n = 18; n <= 37; n++) EXPECT_EQ(eno_tcpcrypt_classify(n), EnoTepVerdict::kFresh) << n;
}

TEST(EnoTcpcrypt, FreshKeyAgreementPicksBsFavourite) {
  EnoNegotiation a, b;
  EnoConfig ca = tcpcrypt_config(false, {0x21, 0x22, 0x23, 0x24}, nullptr);
  EnoConfig cb = tcpcrypt_config(true, {0x21, 0x24, 0x23}, nullptr);  // B prefers Curve25519
  ASSERT_EQ(a.init(&ca), EnoConfigStatus::kOk);
  ASSERT_EQ(b.init(&cb), EnoConfigStatus::kOk);
  Bytes syn;
  EXPECT_EQ(run(a, b, &syn), (Bytes{0x45, 0x04, 0x01, 0x23}));
  EXPECT_EQ(syn, (Bytes{0x45, 0x06, 0x21, 0x22, 0x23, 0x24}));
  ASSERT_NE(a.negotiated(), nullptr);
  ASSERT_NE(b.negotiated(), nullptr);
  EXPECT_EQ(a.negotiated()->tep_byte, 0x23);
  EXPECT_EQ(b.negotiated()->peer_verdict, EnoTepVerdict::kFresh);
}

TEST(EnoTcpcrypt, ResumptionAcceptedEndToEnd) {
  Cache cache;
  EnoTcpcryptCtx actx{};
  actx.expect_peer_half = true;
  memcpy(actx.peer_half, kHalfB, 9);
  EnoTcpcryptCtx bctx{};
  bctx.resume_lookup = lookup;
  bctx.cache = &cache;
  EnoConfig ca = tcpcrypt_config(false, {T25519}, &actx);
  resume_offer(&ca.teps[0], 8);
  EnoConfig cb = tcpcrypt_config(true, {T25519}, &bctx);
  EnoNegotiation a, b;
  ASSERT_EQ(a.init(&ca), EnoConfigStatus::kOk);
  ASSERT_EQ(b.init(&cb), EnoConfigStatus::kOk);
  Bytes syn;
  Bytes synack = run(a, b, &syn);
  Bytes want_syn = {0x45, 20, 0xa3};
  want_syn.insert(want_syn.end(), kHalfA, kHalfA + 9);
  want_syn.insert(want_syn.end(), kNonceA, kNonceA + 8);
  EXPECT_EQ(syn, want_syn);
  Bytes want_synack = {0x45, 21, 0x01, 0xa3};
  want_synack.insert(want_synack.end(), kHalfB, kHalfB + 9);
  want_synack.insert(want_synack.end(), kNonceB, kNonceB + 8);
  EXPECT_EQ(synack, want_synack);
  EXPECT_EQ(cache.lookups, 1);
  for (const EnoNegotiation* n : {&a, &b}) {
    const EnoNegotiated* r = n->negotiated();
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->tep_id, T25519);
    EXPECT_EQ(r->tep_byte, 0xa3);  // session ID byte 0 has v = 1 when resumed
    EXPECT_EQ(Bytes(r->a_data, r->a_data + r->a_data_len), Bytes(want_syn.begin() + 3, want_syn.end()));
    EXPECT_EQ(Bytes(r->b_data, r->b_data + r->b_data_len), Bytes(want_synack.begin() + 4, want_synack.end()));
    EXPECT_EQ(r->peer_verdict, EnoTepVerdict::kWithData);
  }
}

TEST(EnoTcpcrypt, ResumptionDeclinedFallsToFreshWithSameTep) {
  Cache cache;
  cache.hit = false;
  EnoTcpcryptCtx bctx{};
  bctx.resume_lookup = lookup;
  bctx.cache = &cache;
  EnoConfig ca = tcpcrypt_config(false, {T25519}, nullptr);
  resume_offer(&ca.teps[0], 0);  // 9 bytes: a nonce of length 0 is allowed
  EnoConfig cb = tcpcrypt_config(true, {T25519}, &bctx);
  EnoNegotiation a, b;
  ASSERT_EQ(a.init(&ca), EnoConfigStatus::kOk);
  ASSERT_EQ(b.init(&cb), EnoConfigStatus::kOk);
  EXPECT_EQ(run(a, b), (Bytes{0x45, 0x04, 0x01, 0x23}));
  EXPECT_EQ(cache.lookups, 1);
  ASSERT_NE(a.negotiated(), nullptr);
  EXPECT_EQ(a.negotiated()->tep_byte, 0x23);
  EXPECT_EQ(a.negotiated()->peer_verdict, EnoTepVerdict::kFresh);
}

TEST(EnoTcpcrypt, ShortOrLongDataIsAFreshOffer) {
  for (usize len : {1, 8, 18, 30}) {
    Cache cache;
    EnoTcpcryptCtx bctx{};
    bctx.resume_lookup = lookup;
    bctx.cache = &cache;
    EnoConfig ca = tcpcrypt_config(false, {T25519}, nullptr);
    ca.teps[0].v = true;
    ca.teps[0].data_len = static_cast<u8>(len);
    EnoConfig cb = tcpcrypt_config(true, {T25519}, &bctx);
    EnoNegotiation a, b;
    ASSERT_EQ(a.init(&ca), EnoConfigStatus::kOk);
    ASSERT_EQ(b.init(&cb), EnoConfigStatus::kOk);
    EXPECT_EQ(run(a, b), (Bytes{0x45, 0x04, 0x01, 0x23})) << len;
    EXPECT_EQ(cache.lookups, 0) << len;  // never looked up as a resumption
    ASSERT_NE(b.negotiated(), nullptr);
    EXPECT_EQ(b.negotiated()->peer_verdict, EnoTepVerdict::kFresh);
  }
}

TEST(EnoTcpcrypt, ActiveIgnoresResumptionWithWrongHalf) {
  EnoTcpcryptCtx actx{};
  actx.expect_peer_half = true;
  memcpy(actx.peer_half, kHalfB, 9);
  actx.peer_half[8] ^= 1;  // the cache holds another secret
  EnoConfig ca = tcpcrypt_config(false, {T25519}, &actx);
  resume_offer(&ca.teps[0], 8);
  EnoNegotiation a;
  ASSERT_EQ(a.init(&ca), EnoConfigStatus::kOk);
  EnoOptionOut syn;
  EnoSendSegment s{SYN, false, 0};
  ASSERT_EQ(a.on_send(&s, &syn), EnoAction::kNone);
  u8 sa[21] = {0x45, 21, 0x01, 0xa3};
  memcpy(sa + 4, kHalfB, 9);
  memcpy(sa + 13, kNonceB, 8);
  EnoSegment r{SYNACK, sa, sizeof sa, 0, false};
  bool d = false;
  // The only suboption is ignored: nothing valid, so ENO and tcpcrypt are off.
  EXPECT_EQ(a.on_receive(&r, &d), EnoAction::kFallback);
  EXPECT_EQ(a.reason(), EnoReason::kNoValidTep);
  EnoOptionOut ack;
  EnoSendSegment s_ack{ACK, false, 0};
  (void)a.on_send(&s_ack, &ack);
  EXPECT_EQ(ack.len, 0);  // MUST NOT send any more ENO options
}

TEST(EnoTcpcrypt, SimultaneousOpenWithOneResumptionOfferAgrees) {
  // Each end judges the other's independent SYN; validity must match, or
  // the two would pick different TEPs.
  EnoConfig ca = tcpcrypt_config(false, {0x21, T25519}, nullptr);
  resume_offer(&ca.teps[1], 8);
  EnoConfig cb = tcpcrypt_config(false, {T25519, 0x21}, nullptr);  // fresh offers only
  cb.b = true;
  EnoNegotiation a, b;
  ASSERT_EQ(a.init(&ca), EnoConfigStatus::kOk);
  ASSERT_EQ(b.init(&cb), EnoConfigStatus::kOk);
  EnoSendSegment s_syn{SYN, false, 0}, s_synack{SYNACK, false, 0};
  EnoOptionOut a_syn, b_syn, a_sa, b_sa;
  bool d = false;
  ASSERT_EQ(a.on_send(&s_syn, &a_syn), EnoAction::kNone);
  ASSERT_EQ(b.on_send(&s_syn, &b_syn), EnoAction::kNone);
  EnoSegment ra = seg_with(SYN, b_syn), rb = seg_with(SYN, a_syn);
  ASSERT_EQ(a.on_receive(&ra, &d), EnoAction::kNone);
  ASSERT_EQ(b.on_receive(&rb, &d), EnoAction::kNone);
  ASSERT_EQ(a.on_send(&s_synack, &a_sa), EnoAction::kNone);
  ASSERT_EQ(b.on_send(&s_synack, &b_sa), EnoAction::kNone);
  EnoSegment ra2 = seg_with(SYNACK, b_sa), rb2 = seg_with(SYNACK, a_sa);
  EXPECT_EQ(a.on_receive(&ra2, &d), EnoAction::kEnable);
  EXPECT_EQ(b.on_receive(&rb2, &d), EnoAction::kEnable);
  EXPECT_EQ(a.negotiated()->tep_id, 0x21);  // last in B's option that A also sent
  EXPECT_EQ(b.negotiated()->tep_id, 0x21);
  EXPECT_EQ(a.negotiated()->tep_byte, b.negotiated()->tep_byte);
}

TEST(EnoTcpcrypt, UnrequestedResumptionDataIsValidForEno) {
  // A sent a fresh offer; B's resumption suboption still makes the TEP
  // valid (tcpcrypt then sees that A proposed no resumption).
  EnoConfig ca = tcpcrypt_config(false, {T25519}, nullptr);
  EnoNegotiation a;
  ASSERT_EQ(a.init(&ca), EnoConfigStatus::kOk);
  EnoOptionOut syn;
  EnoSendSegment s{SYN, false, 0};
  ASSERT_EQ(a.on_send(&s, &syn), EnoAction::kNone);
  u8 sa[13] = {0x45, 13, 0x01, 0xa3};
  memcpy(sa + 4, kHalfB, 9);
  EnoSegment r{SYNACK, sa, sizeof sa, 0, false};
  bool d = false;
  EXPECT_EQ(a.on_receive(&r, &d), EnoAction::kNone);
}

TEST(EnoTcpcrypt, ActiveWithoutExpectationAcceptsMatchingShape) {
  // No ctx: the tcpcrypt core checks the half itself later.
  EnoConfig ca = tcpcrypt_config(false, {T25519}, nullptr);
  resume_offer(&ca.teps[0], 4);
  EnoNegotiation a;
  ASSERT_EQ(a.init(&ca), EnoConfigStatus::kOk);
  EnoOptionOut syn;
  EnoSendSegment s{SYN, false, 0};
  ASSERT_EQ(a.on_send(&s, &syn), EnoAction::kNone);
  u8 sa[13] = {0x45, 13, 0x01, 0xa3};
  memcpy(sa + 4, kHalfB, 9);
  EnoSegment r{SYNACK, sa, sizeof sa, 0, false};
  bool d = false;
  EXPECT_EQ(a.on_receive(&r, &d), EnoAction::kNone);
  EnoOptionOut ack;
  EnoSendSegment s_ack{ACK, false, 0};
  EXPECT_EQ(a.on_send(&s_ack, &ack), EnoAction::kEnable);
  EXPECT_EQ(a.negotiated()->peer_verdict, EnoTepVerdict::kWithData);
}

TEST(EnoTcpcrypt, TwoSuboptionsForOneTepMakeItInvalid) {
  EnoConfig cb = tcpcrypt_config(true, {0x21, T25519}, nullptr);
  EnoNegotiation b;
  ASSERT_EQ(b.init(&cb), EnoConfigStatus::kOk);
  // 0x23 twice (one resumption, one fresh), plus 0x21.
  u8 syn[16] = {0x45, 16, 0x23, 0x21, 0x89, 0xa3};
  memcpy(syn + 6, kHalfA, 9);
  syn[15] = 0x23;
  EnoSegment r{SYN, syn, sizeof syn, 0, false};
  bool d = false;
  ASSERT_EQ(b.on_receive(&r, &d), EnoAction::kNone);
  EnoOptionOut sa;
  EnoSendSegment s{SYNACK, false, 0};
  ASSERT_EQ(b.on_send(&s, &sa), EnoAction::kNone);
  EXPECT_EQ(opt_of(sa), (Bytes{0x45, 0x04, 0x01, 0x21}));
}

TEST(EnoTcpcrypt, AnswerWithoutLookupIsFresh) {
  EnoTcpcryptCtx bctx{};  // no cache
  EnoConfig ca = tcpcrypt_config(false, {T25519}, nullptr);
  resume_offer(&ca.teps[0], 8);
  EnoConfig cb = tcpcrypt_config(true, {T25519}, &bctx);
  EnoNegotiation a, b;
  ASSERT_EQ(a.init(&ca), EnoConfigStatus::kOk);
  ASSERT_EQ(b.init(&cb), EnoConfigStatus::kOk);
  EXPECT_EQ(run(a, b), (Bytes{0x45, 0x04, 0x01, 0x23}));
}
