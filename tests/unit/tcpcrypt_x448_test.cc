// SPDX-License-Identifier: GPL-2.0
// TEP 0x24 (TCPCRYPT_ECDHE_Curve448) between two core sessions with the
// OpenSSL provider: Init sizes (56-byte Pub, no length prefix), a fresh
// exchange with every AEAD, the all-zero secret abort, and a resumed
// session whose session ID starts with 0xa4. The byte-exact checks against
// an independent computation are in tcpcrypt_vectors_test.cc.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "bytes.h"
#include "crypto_openssl.h"
#include "tcpcrypt_init_msg.h"
#include "tcpcrypt_resumption.h"
#include "tcpcrypt_session.h"
#include "session_fixture.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;
using tcpinc_test::Bytes;
using tcpinc_test::exchange;
using tcpinc_test::ops;
using tcpinc_test::SessionPtr;

namespace {

// Spelled as a number (not TCPINC_CORE_KEX_X448) so that this file also
// builds, and fails, on a core that does not know the group.
constexpr u8 kX448 = 0x24;
const u8 kTranscript[] = {0x45, 0x04, 0x21, 0x24, 0x45, 0x04, 0x01, 0x24};

// one_way - seal data at from, open at to, return what to delivered.
Bytes one_way(Session* from, Session* to, const Bytes& data) {
  Bytes frame(kMaxFrameLen);
  usize n = 0, used = 0;
  EXPECT_EQ(from->seal(data.data(), data.size(), {}, frame.data(), frame.size(), &n), Status::kOk);
  RecvEvent ev{};
  EXPECT_EQ(to->receive(frame.data(), n, &used, &ev), Status::kOk);
  EXPECT_EQ(used, n);
  return Bytes(ev.data, ev.data + ev.data_len);
}

Bytes sid_of(Session* s) {
  u8 sid[64];
  usize n = 0;
  EXPECT_EQ(s->session_id(sid, sizeof sid, &n), Status::kOk);
  return Bytes(sid, sid + n);
}

}  // namespace

TEST(TcpcryptX448, InitSizesAndPubWithoutLengthPrefix) {
  EXPECT_EQ(pub_wire_len(kX448), 56u);
  EXPECT_EQ(pub_key_len(kX448), 56u);
  u8 nonce[32], pub[56], buf[256];
  for (usize i = 0; i < sizeof pub; i++) pub[i] = static_cast<u8>(i + 1);
  memset(nonce, 0x11, sizeof nonce);
  const u16 ciphers[3] = {1, 2, 0x10};
  Writer w(buf, sizeof buf);
  ASSERT_EQ(build_init1(kX448, ciphers, 3, nonce, pub, &w), Status::kOk);
  // magic 4 | len 4 | n 1 | 3 ciphers 6 | N_A 32 | Pub 56
  ASSERT_EQ(w.len(), 103u);
  EXPECT_EQ(buf[7], 103);
  EXPECT_EQ(0, memcmp(buf + 47, pub, 56));  // raw, right after N_A
  Init1View v1{};
  ASSERT_EQ(parse_init1(kX448, buf, w.len(), &v1), Status::kOk);
  EXPECT_EQ(v1.pub_len, 56u);
  EXPECT_EQ(0, memcmp(v1.pub, pub, 56));
  // One byte short of the key is malformed, as for X25519.
  buf[7] = 102;
  EXPECT_EQ(parse_init1(kX448, buf, 102, &v1), Status::kMalformedInit);
  Writer w2(buf, sizeof buf);
  ASSERT_EQ(build_init2(kX448, 0x10, nonce, pub, &w2), Status::kOk);
  ASSERT_EQ(w2.len(), 98u);  // magic 4 | len 4 | cipher 2 | N_B 32 | Pub 56
  Init2View v2{};
  ASSERT_EQ(parse_init2(kX448, buf, w2.len(), &v2), Status::kOk);
  EXPECT_EQ(v2.cipher, 0x10);
  EXPECT_EQ(0, memcmp(v2.pub, pub, 56));
}

// Fresh X448 exchange for each AEAD: agreement on the AEAD and session ID
// (first byte 0x24), offsets = Init lengths, data both ways.
TEST(TcpcryptX448, FreshHandshakeEveryAead) {
  for (u16 aead : {u16{1}, u16{2}, u16{0x10}}) {
    SCOPED_TRACE(aead);
    SessionPtr a(new Session()), b(new Session());
    const u16 offered[3] = {1, 2, 0x10};
    SessionConfig ca{}, cb{};
    ca.hs = {Role::kA, kX448, kTranscript, sizeof kTranscript, offered, 3};
    cb.hs = {Role::kB, kX448, kTranscript, sizeof kTranscript, &aead, 1};
    ca.tep_byte = cb.tep_byte = kX448;
    ASSERT_EQ(a->start(ops(), ca), Status::kOk);
    ASSERT_EQ(b->start(ops(), cb), Status::kOk);
    exchange(a.get(), b.get());
    ASSERT_TRUE(a->established());
    ASSERT_TRUE(b->established());
    EXPECT_EQ(a->aead(), aead);
    EXPECT_EQ(b->aead(), aead);
    Bytes sa = sid_of(a.get()), sb = sid_of(b.get());
    ASSERT_EQ(sa.size(), 33u);
    EXPECT_EQ(sa, sb);
    EXPECT_EQ(sa[0], 0x24);
    EXPECT_EQ(a->send_offset(), 103u);  // Init1 with three AEADs
    EXPECT_EQ(b->recv_offset(), 103u);
    EXPECT_EQ(b->send_offset(), 98u);   // Init2
    Bytes big(40000);
    for (usize i = 0; i < big.size(); i++) big[i] = static_cast<u8>(i * 7 + aead);
    EXPECT_EQ(one_way(a.get(), b.get(), big), big);
    EXPECT_EQ(one_way(b.get(), a.get(), Bytes{1, 2, 3}), (Bytes{1, 2, 3}));
  }
}

// A peer Pub of small order (u = 0 or 1) gives the all-zero X448 result:
// RFC 8548 section 5 / RFC 7748 section 6.2 say abort, and the core names it.
TEST(TcpcryptX448, AllZeroSecretAborts) {
  for (u8 u : {u8{0}, u8{1}}) {
    SessionPtr b(new Session());
    u16 aead = 1;
    SessionConfig cb{};
    cb.hs = {Role::kB, kX448, kTranscript, sizeof kTranscript, &aead, 1};
    cb.tep_byte = kX448;
    ASSERT_EQ(b->start(ops(), cb), Status::kOk);
    u8 nonce[32] = {}, pub[56] = {}, buf[128];
    pub[0] = u;
    Writer w(buf, sizeof buf);
    ASSERT_EQ(build_init1(kX448, &aead, 1, nonce, pub, &w), Status::kOk);
    usize used = 0;
    RecvEvent ev{};
    EXPECT_EQ(b->receive(buf, w.len(), &used, &ev), Status::kZeroSecret) << int(u);
  }
}

// An X448 session's resumption: both hosts cache ss[1] with kex 0x24, the
// suboptions carry TEP byte 0xa4, and the resumed session ID starts with
// 0xa4 and matches at both ends; data flows both ways.
TEST(TcpcryptX448, ResumedSession) {
  ResumeSecret host0{}, host1{};
  Bytes fresh_sid;
  {
    SessionPtr a(new Session()), b(new Session());
    u16 aead = 2;
    SessionConfig ca{}, cb{};
    ca.hs = {Role::kA, kX448, kTranscript, sizeof kTranscript, &aead, 1};
    cb.hs = {Role::kB, kX448, kTranscript, sizeof kTranscript, &aead, 1};
    ca.tep_byte = cb.tep_byte = kX448;
    ASSERT_EQ(a->start(ops(), ca), Status::kOk);
    ASSERT_EQ(b->start(ops(), cb), Status::kOk);
    exchange(a.get(), b.get());
    ASSERT_TRUE(a->established() && b->established());
    fresh_sid = sid_of(a.get());
    ASSERT_EQ(a->export_resumption(&host0), Status::kOk);
    ASSERT_EQ(b->export_resumption(&host1), Status::kOk);
  }
  EXPECT_EQ(host0.kex, kX448);
  EXPECT_EQ(host1.kex, kX448);
  EXPECT_EQ(host0.aead, 2);
  const ResumePolicy pol{false, false, 8};
  ResumeAttempt ao{}, al{};
  ASSERT_EQ(resumption_take(*ops(), pol, &host0, &ao), Status::kOk);
  u8 sub[kMaxResumeSuboptionLen], ans[kMaxResumeSuboptionLen];
  usize sub_len = 0, ans_len = 0;
  ASSERT_EQ(resumption_build_suboption(ao, sub, sizeof sub, &sub_len), Status::kOk);
  EXPECT_EQ(sub[0], 0xa4);
  ResumeSuboption offer{}, answer{};
  ASSERT_EQ(resumption_parse_suboption(sub, sub_len, &offer), Status::kOk);
  ASSERT_EQ(resumption_accept(*ops(), pol, &host1, offer, &al), Status::kOk);
  ASSERT_EQ(resumption_build_suboption(al, ans, sizeof ans, &ans_len), Status::kOk);
  EXPECT_EQ(ans[0], 0xa4);
  ASSERT_EQ(resumption_parse_suboption(ans, ans_len, &answer), Status::kOk);
  ASSERT_EQ(resumption_check_answer(ao, answer), Status::kOk);
  SessionPtr so(new Session()), sl(new Session());
  SessionConfig co{}, cl{};
  tcpinc_test::resumed_configs(0xa4, &ao, &al, offer, answer, &co, &cl);
  ASSERT_EQ(so->start(ops(), co), Status::kOk);
  ASSERT_EQ(sl->start(ops(), cl), Status::kOk);
  EXPECT_EQ(so->aead(), 2);
  EXPECT_EQ(one_way(so.get(), sl.get(), Bytes{9, 8, 7}), (Bytes{9, 8, 7}));
  EXPECT_EQ(one_way(sl.get(), so.get(), Bytes{6}), (Bytes{6}));
  Bytes s1 = sid_of(so.get()), s2 = sid_of(sl.get());
  ASSERT_EQ(s1.size(), 33u);
  EXPECT_EQ(s1, s2);
  EXPECT_EQ(s1[0], 0xa4);
  EXPECT_NE(s1, fresh_sid);
}

// ENO's view: the core lists 0x24 among the TEPs it implements.
TEST(TcpcryptX448, EnoKnowsTep0x24) {
  EXPECT_EQ(tcpinc_core_eno_tep_supported(0x24), 1);
  EXPECT_EQ(tcpinc_core_eno_tep_supported(0x22), 0);  // P-521: still not
}
