// SPDX-License-Identifier: GPL-2.0
// Resumption chains between two hosts, index burning, cache controls and
// suboption parsing, plus codec corner cases the session tests do not hit.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "bytes.h"
#include "crypto_openssl.h"
#include "tcpcrypt_init_msg.h"
#include "tcpcrypt_session.h"
#include "session_fixture.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;
using tcpinc_test::Bytes;
using tcpinc_test::exchange;
using tcpinc_test::kTranscript;
using tcpinc_test::ops;
using tcpinc_test::SessionPtr;

namespace {

// fresh - a fresh session between host 0 (A) and host 1 (B); both cache ss[1].
void fresh(ResumeSecret* host0, ResumeSecret* host1, bool no_cache_b = false) {
  SessionPtr a(new Session()), b(new Session());
  u16 aead = 1;
  SessionConfig ca{}, cb{};
  ca.hs = {Role::kA, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, &aead, 1};
  cb.hs = {Role::kB, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, &aead, 1};
  ca.tep_byte = cb.tep_byte = 0x23;
  cb.no_cache = no_cache_b;
  ASSERT_EQ(a->start(ops(), ca), Status::kOk);
  ASSERT_EQ(b->start(ops(), cb), Status::kOk);
  exchange(a.get(), b.get());
  ASSERT_TRUE(a->established() && b->established());
  ASSERT_EQ(a->export_resumption(host0), Status::kOk);
  if (no_cache_b) {
    EXPECT_EQ(b->export_resumption(host1), Status::kNotCacheable);
  } else {
    ASSERT_EQ(b->export_resumption(host1), Status::kOk);
  }
}

// on_the_wire - a's suboption as the peer parses it from buf (which the
// result points into: it must outlive it).
ResumeSuboption on_the_wire(const ResumeAttempt& a, u8 (&buf)[kMaxResumeSuboptionLen], usize* len) {
  ResumeSuboption s{};
  EXPECT_EQ(resumption_build_suboption(a, buf, sizeof buf, len), Status::kOk);
  EXPECT_EQ(resumption_parse_suboption(buf, *len, &s), Status::kOk);
  return s;
}

// resume - opener (current A) proposes from its entry, listener answers
// from its own; returns the shared session ID, or empty if it fell back.
Bytes resume(ResumeSecret* opener, ResumeSecret* listener, const ResumePolicy& po = {false, false, 8},
             const ResumePolicy& pl = {false, false, 8}) {
  ResumeAttempt ao{}, al{};
  if (resumption_take(*ops(), po, opener, &ao) != Status::kOk) return {};
  u8 sub[kMaxResumeSuboptionLen];
  usize sub_len = 0;
  ResumeSuboption offer = on_the_wire(ao, sub, &sub_len);
  if (resumption_accept(*ops(), pl, listener, offer, &al) != Status::kOk) {
    resumption_wipe(&ao);  // fall back to a fresh exchange; index stays burnt
    return {};
  }
  u8 ans[kMaxResumeSuboptionLen];
  usize ans_len = 0;
  ResumeSuboption answer = on_the_wire(al, ans, &ans_len);
  EXPECT_EQ(resumption_check_answer(ao, answer), Status::kOk);
  SessionPtr so(new Session()), sl(new Session());
  SessionConfig co{}, cl{};
  tcpinc_test::resumed_configs(0xa3, &ao, &al, offer, answer, &co, &cl);
  EXPECT_EQ(so->start(ops(), co), Status::kOk);
  EXPECT_EQ(sl->start(ops(), cl), Status::kOk);
  // Data both ways proves both hosts derived the same directional keys.
  Bytes frame(64);
  usize n = 0, used = 0;
  RecvEvent ev{};
  u8 msg[4] = {1, 2, 3, 4};
  EXPECT_EQ(so->seal(msg, 4, {}, frame.data(), frame.size(), &n), Status::kOk);
  EXPECT_EQ(sl->receive(frame.data(), n, &used, &ev), Status::kOk);
  EXPECT_EQ(ev.data_len, 4u);
  EXPECT_EQ(sl->seal(msg, 3, {}, frame.data(), frame.size(), &n), Status::kOk);
  EXPECT_EQ(so->receive(frame.data(), n, &used, &ev), Status::kOk);
  EXPECT_EQ(ev.data_len, 3u);
  u8 s1[40], s2[40];
  usize l1 = 0, l2 = 0;
  EXPECT_EQ(so->session_id(s1, sizeof s1, &l1), Status::kOk);
  EXPECT_EQ(sl->session_id(s2, sizeof s2, &l2), Status::kOk);
  EXPECT_EQ(Bytes(s1, s1 + l1), Bytes(s2, s2 + l2));
  EXPECT_EQ(s1[0], 0xa3);  // B's TEP byte with v = 1
  return Bytes(s1, s1 + l1);
}

}  // namespace

TEST(TcpcryptResumption, ChainInBothDirections) {
  ResumeSecret h0{}, h1{};
  fresh(&h0, &h1);
  EXPECT_EQ(h0.original_role, Role::kA);
  EXPECT_EQ(h1.original_role, Role::kB);
  std::set<Bytes> ids;
  for (int i = 0; i < 10; i++) {
    // Either host may open; halves and key directions follow original roles.
    Bytes sid = i % 3 == 1 ? resume(&h1, &h0) : resume(&h0, &h1);
    ASSERT_EQ(sid.size(), 33u) << i;
    EXPECT_TRUE(ids.insert(sid).second) << "session ID repeated at " << i;
    EXPECT_EQ(h0.index, h1.index);
    EXPECT_EQ(h0.index, 2u + i);
  }
}

TEST(TcpcryptResumption, LostOfferBurnsTheIndexAndFallsBack) {
  ResumeSecret h0{}, h1{};
  fresh(&h0, &h1);
  ResumeAttempt lost{};
  ASSERT_EQ(resumption_take(*ops(), {false, false, 8}, &h0, &lost), Status::kOk);
  resumption_wipe(&lost);  // the SYN never reached the peer
  EXPECT_EQ(h0.index, 2u);
  EXPECT_EQ(h1.index, 1u);
  // No look-ahead at the listener (project digest Part E.6): fresh exchange.
  EXPECT_TRUE(resume(&h0, &h1).empty());
  EXPECT_EQ(h0.index, 3u);
}

TEST(TcpcryptResumption, SameSecretNeverSecuresTwoConnections) {
  ResumeSecret h0{}, h1{};
  fresh(&h0, &h1);
  ResumeSecret h1_copy = h1;  // a stale copy of the listener's entry
  ASSERT_EQ(resume(&h0, &h1).size(), 33u);
  // Replaying the same offer against the advanced entry fails.
  ResumeAttempt ao{}, al{};
  ResumeSecret h0_before = h0;
  ASSERT_EQ(resumption_take(*ops(), {false, false, 8}, &h0, &ao), Status::kOk);
  u8 sub[32];
  usize len = 0;
  ASSERT_EQ(resumption_build_suboption(ao, sub, sizeof sub, &len), Status::kOk);
  ResumeSuboption offer{};
  ASSERT_EQ(resumption_parse_suboption(sub, len, &offer), Status::kOk);
  EXPECT_EQ(resumption_accept(*ops(), {false, false, 8}, &h1_copy, offer, &al), Status::kResumeMismatch);
  (void)h0_before;
}

TEST(TcpcryptResumption, CacheControls) {
  ResumeSecret h0{}, h1{};
  fresh(&h0, &h1, /*no_cache_b=*/true);
  EXPECT_FALSE(h1.valid);
  ResumeAttempt a{};
  EXPECT_EQ(resumption_take(*ops(), {true, false, 8}, &h0, &a), Status::kNotResumption);
  EXPECT_EQ(h0.index, 1u);  // ignoring resumption burns nothing
  EXPECT_EQ(resumption_take(*ops(), {false, false, 9}, &h0, &a), Status::kBadArgument);
  EXPECT_EQ(resumption_take(*ops(), {false, false, 8}, &h1, &a), Status::kBadArgument);  // empty entry
  ResumeSecret g0{}, g1{};
  fresh(&g0, &g1);
  EXPECT_TRUE(resume(&g0, &g1, {false, false, 8}, {true, false, 8}).empty());  // listener ignores
  // flush: an established session forgets what it could export.
  SessionPtr a2(new Session()), b2(new Session());
  u16 aead = 1;
  SessionConfig ca{}, cb{};
  ca.hs = {Role::kA, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, &aead, 1};
  cb.hs = {Role::kB, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, &aead, 1};
  ASSERT_EQ(a2->start(ops(), ca), Status::kOk);
  ASSERT_EQ(b2->start(ops(), cb), Status::kOk);
  ResumeSecret out{};
  EXPECT_EQ(a2->export_resumption(&out), Status::kNotCacheable);  // not established yet
  exchange(a2.get(), b2.get());
  a2->flush_resumption();
  EXPECT_EQ(a2->export_resumption(&out), Status::kNotCacheable);
  EXPECT_EQ(b2->export_resumption(&out), Status::kOk);
}

TEST(TcpcryptResumption, DoNotCacheEndsTheChain) {
  ResumeSecret h0{}, h1{};
  fresh(&h0, &h1);
  // The listener resumes but must not cache ss[i+1]; the opener may.
  ASSERT_EQ(resume(&h0, &h1, {false, false, 8}, {false, true, 8}).size(), 33u);
  EXPECT_FALSE(h1.valid);
  for (u8 b : h1.ss) EXPECT_EQ(b, 0);
  EXPECT_TRUE(h0.valid);
}

TEST(TcpcryptResumption, ZeroLengthNonces) {
  ResumeSecret h0{}, h1{};
  fresh(&h0, &h1);
  EXPECT_EQ(resume(&h0, &h1, {false, false, kResumeNonceLenNone}, {false, false, kResumeNonceLenNone}).size(), 33u);
  EXPECT_EQ(resume(&h1, &h0, {false, false, 3}, {false, false, 8}).size(), 33u);
  // A zeroed policy asks for the default: 8 nonce bytes.
  ResumeAttempt a{};
  ASSERT_EQ(resumption_take(*ops(), ResumePolicy{}, &h0, &a), Status::kOk);
  EXPECT_EQ(a.nonce_len, 8u);
  resumption_wipe(&a);
}

TEST(TcpcryptResumption, SuboptionParsing) {
  u8 sub[20] = {0xa3};
  ResumeSuboption s{};
  EXPECT_EQ(resumption_parse_suboption(sub, 0, &s), Status::kBadArgument);
  EXPECT_EQ(resumption_parse_suboption(sub, 9, &s), Status::kNotResumption);   // 8 data bytes
  EXPECT_EQ(resumption_parse_suboption(sub, 19, &s), Status::kNotResumption);  // 18 data bytes
  ASSERT_EQ(resumption_parse_suboption(sub, 18, &s), Status::kOk);
  EXPECT_EQ(s.nonce_len, 8u);
  ASSERT_EQ(resumption_parse_suboption(sub, 10, &s), Status::kOk);
  EXPECT_EQ(s.nonce_len, 0u);
  sub[0] = 0x23;  // v = 0: a fresh offer
  EXPECT_EQ(resumption_parse_suboption(sub, 10, &s), Status::kNotResumption);
}

// Provider calls and HMACs counted by the test below.
int g_hmacs, g_calls;
// The ratchet's cost: each end derives resume[i] and ss[i+1] once per index: the cache indexes
// an entry by its peer half, which primes it, and the take or accept then
// derives only what priming left out. A chain fresh from a full exchange
// (index 1) is primed with resume[i] alone, as it may never be used; a
// chain resumed before, with ss[i+1] too, in the same provider call.
// Without priming it took two calls per index and end (resume[i] with
// ss[i+1] at the take or accept, resume[i+1] again for the index).
TEST(TcpcryptResumption, EachEndComputesResumeIdOnce) {
  ResumeSecret h0{}, h1{};
  fresh(&h0, &h1);
  tcpinc_core_crypto_ops counting = *ops();
  counting.hmac_sha256 = [](void* c, const tcpinc_u8* k, tcpinc_usize kl, const tcpinc_core_seg* s,
                            tcpinc_usize n, tcpinc_u8* out) {
    g_hmacs++;
    g_calls++;
    return ops()->hmac_sha256(c, k, kl, s, n, out);
  };
  counting.hmac_sha256_many = [](void* c, const tcpinc_u8* k, tcpinc_usize kl,
                                 const tcpinc_core_hmac_msg* m, tcpinc_usize n) {
    g_hmacs += static_cast<int>(n);
    g_calls++;
    return ops()->hmac_sha256_many(c, k, kl, m, n);
  };
  // What the values must be: resume[1] and ss[2] of ss[1].
  u8 want_resume[kResumeLen], want_next[kKeyLen];
  ASSERT_EQ(resume_and_next(*ops(), h0.ss, want_resume, want_next), Status::kOk);
  ResumeAttempt ao{}, al{};
  // A's entry, straight from the session, primes itself: one call.
  g_hmacs = g_calls = 0;
  ASSERT_EQ(resumption_take(counting, {false, false, 8}, &h0, &ao), Status::kOk);
  EXPECT_EQ(g_hmacs, 2);
  EXPECT_EQ(g_calls, 1);
  EXPECT_EQ(Bytes(ao.resume, ao.resume + kResumeLen), Bytes(want_resume, want_resume + kResumeLen));
  EXPECT_EQ(Bytes(h0.ss, h0.ss + kKeyLen), Bytes(want_next, want_next + kKeyLen));
  EXPECT_EQ(h0.primed, kPrimedNone);
  u8 sub[kMaxResumeSuboptionLen];
  usize sub_len = 0;
  ResumeSuboption offer = on_the_wire(ao, sub, &sub_len);
  // B indexes its fresh entry: resume[1] only. Asking again costs nothing.
  u8 half[kResumeHalfLen];
  g_hmacs = g_calls = 0;
  ASSERT_EQ(resumption_peer_half(counting, &h1, half), Status::kOk);
  ASSERT_EQ(resumption_peer_half(counting, &h1, half), Status::kOk);
  EXPECT_EQ(g_hmacs, 1);
  EXPECT_EQ(g_calls, 1);
  EXPECT_EQ(h1.primed, kPrimedResume);
  EXPECT_EQ(Bytes(half, half + kResumeHalfLen), Bytes(offer.half, offer.half + kResumeHalfLen));
  // A wrong half costs no call and leaves the entry as it was.
  ResumeSecret before;
  memcpy(&before, &h1, sizeof before);  // bytes, padding included, for memcmp below
  u8 bad[kMaxResumeSuboptionLen];
  memcpy(bad, sub, sub_len);
  bad[1] ^= 1;
  ResumeSuboption wrong{};
  ASSERT_EQ(resumption_parse_suboption(bad, sub_len, &wrong), Status::kOk);
  g_hmacs = g_calls = 0;
  EXPECT_EQ(resumption_accept(counting, {false, false, 8}, &h1, wrong, &al), Status::kResumeMismatch);
  EXPECT_EQ(g_calls, 0);
  EXPECT_EQ(memcmp(&before, &h1, sizeof before), 0);
  // The right one derives ss[2] only.
  ASSERT_EQ(resumption_accept(counting, {false, false, 8}, &h1, offer, &al), Status::kOk);
  EXPECT_EQ(g_hmacs, 1);
  EXPECT_EQ(g_calls, 1);
  // The ratchet unprimed B's entry and wiped what priming held.
  EXPECT_EQ(h1.primed, kPrimedNone);
  EXPECT_EQ(Bytes(h1.next, h1.next + kKeyLen), Bytes(kKeyLen, 0));
  EXPECT_EQ(Bytes(h1.resume, h1.resume + kResumeLen), Bytes(kResumeLen, 0));
  EXPECT_EQ(Bytes(h1.ss, h1.ss + kKeyLen), Bytes(want_next, want_next + kKeyLen));
  // Both attempts hold the same resume[i]: the answer matches A's.
  u8 ans[kMaxResumeSuboptionLen];
  usize ans_len = 0;
  EXPECT_EQ(resumption_check_answer(ao, on_the_wire(al, ans, &ans_len)), Status::kOk);
  EXPECT_EQ(h0.index, 2u);
  EXPECT_EQ(h1.index, 2u);
  // Index 2, a chain in use: indexing derives resume[2] and ss[3] in one
  // call, and the take or accept then derives nothing.
  u8 half0[kResumeHalfLen];
  g_hmacs = g_calls = 0;
  ASSERT_EQ(resumption_peer_half(counting, &h0, half0), Status::kOk);
  ASSERT_EQ(resumption_peer_half(counting, &h1, half), Status::kOk);
  EXPECT_EQ(g_hmacs, 4);
  EXPECT_EQ(g_calls, 2);
  EXPECT_EQ(h0.primed, kPrimedNext);
  resumption_wipe(&ao);
  resumption_wipe(&al);
  ASSERT_EQ(resumption_take(counting, {false, false, 8}, &h0, &ao), Status::kOk);
  offer = on_the_wire(ao, sub, &sub_len);
  EXPECT_EQ(Bytes(half, half + kResumeHalfLen), Bytes(offer.half, offer.half + kResumeHalfLen));
  ASSERT_EQ(resumption_accept(counting, {false, false, 8}, &h1, offer, &al), Status::kOk);
  EXPECT_EQ(g_calls, 2);
  EXPECT_EQ(resumption_check_answer(ao, on_the_wire(al, ans, &ans_len)), Status::kOk);
  EXPECT_EQ(h0.index, 3u);
  EXPECT_EQ(h1.index, 3u);
  EXPECT_EQ(Bytes(h0.ss, h0.ss + kKeyLen), Bytes(h1.ss, h1.ss + kKeyLen));
  resumption_wipe(&ao);
  resumption_wipe(&al);
}

TEST(TcpcryptResumption, MismatchesAreIgnored) {
  ResumeSecret h0{}, h1{};
  fresh(&h0, &h1);
  ResumeAttempt ao{}, al{};
  ASSERT_EQ(resumption_take(*ops(), {false, false, 8}, &h0, &ao), Status::kOk);
  u8 sub[32];
  usize len = 0;
  ASSERT_EQ(resumption_build_suboption(ao, sub, sizeof sub, &len), Status::kOk);
  EXPECT_EQ(resumption_build_suboption(ao, sub, 5, &len), Status::kBufferTooSmall);
  ResumeSuboption offer{};
  ASSERT_EQ(resumption_parse_suboption(sub, 18, &offer), Status::kOk);
  offer.tep = 0xa1;  // same half, other TEP
  EXPECT_EQ(resumption_accept(*ops(), {false, false, 8}, &h1, offer, &al), Status::kResumeMismatch);
  EXPECT_EQ(resumption_check_answer(ao, offer), Status::kResumeMismatch);
  offer.tep = 0xa3;  // our own half echoed back (a reflecting middlebox)
  EXPECT_EQ(resumption_check_answer(ao, offer), Status::kResumeMismatch);
  ResumeAttempt empty{};
  u8 half[9];
  EXPECT_EQ(resumption_check_answer(empty, offer), Status::kBadArgument);
  EXPECT_EQ(resumption_answer_half(empty, half), Status::kBadArgument);
  EXPECT_EQ(resumption_build_suboption(empty, sub, sizeof sub, &len), Status::kBadArgument);
  ResumeSecret none{};
  EXPECT_EQ(resumption_peer_half(*ops(), &none, half), Status::kBadArgument);
  EXPECT_EQ(resumption_accept(*ops(), {false, false, 8}, &none, offer, &al), Status::kBadArgument);
  u8 sn[16];
  usize sn_len = 0;
  EXPECT_EQ(resumption_sn(ao, sub, 9, sn, &sn_len), Status::kBadArgument);
  // A resumed session needs B's TEP byte with the v bit.
  SessionPtr s(new Session());
  SessionConfig c{};
  c.resume = &ao;
  c.tep_byte = 0x23;
  EXPECT_EQ(s->start(ops(), c), Status::kBadArgument);
  EXPECT_FALSE(ao.valid);  // wiped even so
}

// --- Init codec corners -------------------------------------------------------

TEST(TcpcryptInitCodec, PartialHeaderAndBuildLimits) {
  const u8 magic1[] = {0x15, 0x10, 0x1a};
  usize len = 0;
  EXPECT_EQ(init_message_len(kInit1Magic, 0x23, magic1, 3, &len), Status::kNeedMore);
  EXPECT_EQ(init_message_len(kInit1Magic, 0x23, magic1, 0, &len), Status::kNeedMore);
  const u8 bad[] = {0x15, 0x11};
  EXPECT_EQ(init_message_len(kInit1Magic, 0x23, bad, 2, &len), Status::kMalformedInit);
  const u8 hdr[] = {0x15, 0x10, 0x1a, 0x0e, 0, 0};
  EXPECT_EQ(init_message_len(kInit1Magic, 0x23, hdr, 6, &len), Status::kNeedMore);
  EXPECT_EQ(init_message_len(kInit1Magic, 0x22, hdr, 6, &len), Status::kBadArgument);  // P-521 not built
  u8 buf[200], nonce[32] = {}, pub[33] = {2};
  u16 c[1] = {1};
  Writer w(buf, 20);
  EXPECT_EQ(build_init1(0x23, c, 1, nonce, pub, &w), Status::kBufferTooSmall);
  Writer w2(buf, 20);
  EXPECT_EQ(build_init2(0x21, 1, nonce, pub, &w2), Status::kBufferTooSmall);
  Writer w3(buf, sizeof buf);
  EXPECT_EQ(build_init1(0x23, c, 0, nonce, pub, &w3), Status::kBadArgument);
  EXPECT_EQ(build_init2(0x22, 1, nonce, pub, &w3), Status::kBadArgument);
  Writer w4(buf, sizeof buf);
  ASSERT_EQ(build_init2(0x23, 1, nonce, pub, &w4), Status::kOk);
  Init2View v2{};
  EXPECT_EQ(parse_init2(0x23, buf, w4.len() - 1, &v2), Status::kMalformedInit);  // length disagrees
  EXPECT_EQ(parse_init2(0x23, buf, 5, &v2), Status::kMalformedInit);              // truncated header
  ASSERT_EQ(parse_init2(0x23, buf, w4.len(), &v2), Status::kOk);
  Init1View v1{};
  EXPECT_EQ(parse_init1(0x23, buf, w4.len(), &v1), Status::kMalformedInit);  // Init2 is not Init1
  // P-256 Init2 whose declared key length runs past the end.
  Writer w5(buf, sizeof buf);
  ASSERT_EQ(build_init2(0x21, 1, nonce, pub, &w5), Status::kOk);
  buf[42] = 0x01;  // pubkey_len = 0x0121
  EXPECT_EQ(parse_init2(0x21, buf, w5.len(), &v2), Status::kMalformedInit);
  buf[42] = 0x00;
  buf[43] = 0x00;  // pubkey_len = 0: fits, but no compressed point
  EXPECT_EQ(parse_init2(0x21, buf, w5.len(), &v2), Status::kInvalidPublicKey);
}

TEST(TcpcryptInitCodec, ProviderFailuresAreCryptoFailures) {
  // A provider that fails keygen / RNG / HMAC / AEAD: internal errors,
  // reported as kCryptoFailure and never as a protocol error.
  tcpinc_core_crypto_ops broken = *ops();
  broken.kex_keygen = [](void*, tcpinc_u8, tcpinc_u8*, tcpinc_u8*) { return TCPINC_CORE_CRYPTO_ERR; };
  u16 aead = 1;
  SessionConfig c{};
  c.hs = {Role::kA, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, &aead, 1};
  SessionPtr s(new Session());
  EXPECT_EQ(s->start(&broken, c), Status::kCryptoFailure);
  EXPECT_TRUE(s->failed());
  u8 out[8];
  usize n = 0;
  EXPECT_EQ(s->poll_output(out, sizeof out, &n), Status::kAborted);
  RecvEvent ev{};
  EXPECT_EQ(s->receive(out, 1, &n, &ev), Status::kAborted);
  EXPECT_EQ(s->initiate_rekey(), Status::kAborted);

  broken = *ops();
  broken.random_bytes = [](void*, tcpinc_u8*, tcpinc_usize) { return TCPINC_CORE_CRYPTO_ERR; };
  SessionPtr t(new Session());
  EXPECT_EQ(t->start(&broken, c), Status::kCryptoFailure);
  ResumeSecret e{};
  e.valid = true;
  e.kex = 0x23;
  e.aead = 1;
  ResumeAttempt a{};
  EXPECT_EQ(resumption_take(broken, {false, false, 8}, &e, &a), Status::kCryptoFailure);
  EXPECT_FALSE(e.valid);  // fail closed: the chain is dropped

  broken = *ops();
  broken.aead_new = [](void*, tcpinc_u16, const tcpinc_u8*, tcpinc_usize, void**) { return TCPINC_CORE_CRYPTO_ERR; };
  long live = tcpinc_test::openssl_live_aead_contexts();
  SessionPtr a1(new Session()), b1(new Session());
  SessionConfig cb = c;
  cb.hs.role = Role::kB;
  ASSERT_EQ(a1->start(ops(), c), Status::kOk);
  ASSERT_EQ(b1->start(&broken, cb), Status::kOk);
  Bytes init1(200);
  ASSERT_EQ(a1->poll_output(init1.data(), init1.size(), &n), Status::kOk);
  usize used = 0;
  EXPECT_EQ(b1->receive(init1.data(), n, &used, &ev), Status::kCryptoFailure);
  EXPECT_EQ(tcpinc_test::openssl_live_aead_contexts(), live);

  broken = *ops();
  broken.hmac_sha256 = [](void*, const tcpinc_u8*, tcpinc_usize, const tcpinc_core_seg*, tcpinc_usize, tcpinc_u8*) {
    return TCPINC_CORE_CRYPTO_ERR;
  };
  u8 key[32] = {}, okm[40];
  EXPECT_EQ(cprf(broken, key, nullptr, 0, okm, sizeof okm), Status::kCryptoFailure);
  EXPECT_EQ(cprf(*ops(), key, nullptr, 0, okm, 255 * 32 + 1), Status::kBadArgument);
  EXPECT_EQ(next_ss(broken, key, okm), Status::kCryptoFailure);
  EXPECT_EQ(next_mk(broken, key, okm), Status::kCryptoFailure);
  TrafficKey tk;
  EXPECT_EQ(traffic_key(*ops(), key, 0x07, 1, &tk), Status::kBadArgument);
}

TEST(TcpcryptInitCodec, SealAndOpenProviderFailures) {
  tcpinc_core_crypto_ops broken = *ops();
  broken.aead_seal = [](void*, void*, const tcpinc_u8*, const tcpinc_u8*, tcpinc_usize, const tcpinc_core_seg*,
                        tcpinc_usize, tcpinc_u8*) { return TCPINC_CORE_CRYPTO_ERR; };
  broken.aead_open = [](void*, void*, const tcpinc_u8*, const tcpinc_u8*, tcpinc_usize, const tcpinc_u8*,
                        tcpinc_usize, tcpinc_u8*) { return TCPINC_CORE_CRYPTO_ERR; };
  FrameKey k{nullptr, {}};
  u8 out[64], plain[64];
  usize n = 0;
  EXPECT_EQ(seal_frame(broken, k, 0, SealFlags{}, nullptr, 0, out, sizeof out, &n), Status::kCryptoFailure);
  u8 frame[20] = {0, 0, 17};
  OpenedFrame of{};
  EXPECT_EQ(open_frame(broken, k, 0, frame, sizeof frame, plain, &of), Status::kCryptoFailure);
  EXPECT_EQ(open_frame(broken, k, 0, frame, 2, plain, &of), Status::kBadFrame);
  EXPECT_EQ(open_frame(broken, k, 0, frame, 19, plain, &of), Status::kBadFrame);
  // An authentic frame whose URGp promises an urgent field it lacks.
  void* h = nullptr;
  u8 key[16] = {};
  ASSERT_EQ(ops()->aead_new(nullptr, 1, key, 16, &h), 0);
  FrameKey fk{h, {}};
  u8 flags = kFlagUrgp;
  tcpinc_core_seg seg{&flags, 1};
  u8 nonce[12];
  frame_nonce(fk.nr, 0, nonce);
  u8 f[20] = {0, 0, 17};
  ASSERT_EQ(ops()->aead_seal(nullptr, h, nonce, f, 3, &seg, 1, f + 3), 0);
  EXPECT_EQ(open_frame(*ops(), fk, 0, f, sizeof f, plain, &of), Status::kBadFrame);
  ops()->aead_free(nullptr, h);
}

// Two crossing (non-simultaneous-open) SYNs that propose the same ss[i]
// must both fall back (RFC 8548 3.5): each take already burnt index i at its
// host, so neither accepts the other's offer.
TEST(TcpcryptResumption, CrossingOffersBothFallBack) {
  ResumeSecret h0{}, h1{};
  fresh(&h0, &h1);
  ResumeAttempt a0{}, a1{}, acc{};
  ASSERT_EQ(resumption_take(*ops(), {}, &h0, &a0), Status::kOk);
  ASSERT_EQ(resumption_take(*ops(), {}, &h1, &a1), Status::kOk);
  u8 s0[32], s1[32];
  usize l0 = 0, l1 = 0;
  ASSERT_EQ(resumption_build_suboption(a0, s0, sizeof s0, &l0), Status::kOk);
  ASSERT_EQ(resumption_build_suboption(a1, s1, sizeof s1, &l1), Status::kOk);
  ResumeSuboption o0{}, o1{};
  ASSERT_EQ(resumption_parse_suboption(s0, l0, &o0), Status::kOk);
  ASSERT_EQ(resumption_parse_suboption(s1, l1, &o1), Status::kOk);
  EXPECT_EQ(resumption_accept(*ops(), {}, &h1, o0, &acc), Status::kResumeMismatch);
  EXPECT_EQ(resumption_accept(*ops(), {}, &h0, o1, &acc), Status::kResumeMismatch);
  resumption_wipe(&a0);
  resumption_wipe(&a1);
  // Both chains are still in step for the next attempt.
  EXPECT_EQ(resume(&h0, &h1).size(), 33u);
}
