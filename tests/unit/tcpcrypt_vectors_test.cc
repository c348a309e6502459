// SPDX-License-Identifier: GPL-2.0
// Vectors from tests/vectors/tcpcrypt.vec (computed by Python
// `cryptography`, never by this code) and the RFC 5869 / RFC 7748 anchors,
// all through the OpenSSL provider.
#include <gtest/gtest.h>

#include <memory>

#include "crypto_openssl.h"
#include "tcpcrypt_frame.h"
#include "tcpcrypt_key_schedule.h"
#include "tcpcrypt_resumption.h"
#include "tcpcrypt_session.h"
#include "session_fixture.h"
#include "vectors.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;
using tcpinc_test::SessionPtr;
using tcpinc_test::Bytes;
using tcpinc_test::VectorRecord;

namespace {

const CryptoOps& ops() { return *tcpinc_test::openssl_crypto_ops(); }

const std::vector<VectorRecord>& vecs() {
  static const auto v = tcpinc_test::load_vectors("tcpcrypt.vec");
  return v;
}
const VectorRecord& vec(const std::string& n) { return tcpinc_test::find_vector(vecs(), n); }

Bytes B(const u8* p, size_t n) { return Bytes(p, p + n); }

SessionPtr new_session() { return SessionPtr(new Session()); }

std::vector<u16> u16s(const Bytes& b) {
  std::vector<u16> v;
  for (size_t i = 0; i + 1 < b.size(); i += 2) v.push_back(static_cast<u16>(b[i] << 8 | b[i + 1]));
  return v;
}

Bytes poll_all(Session* s) {
  u8 buf[256];
  usize n = 0;
  EXPECT_EQ(s->poll_output(buf, sizeof buf, &n), Status::kOk);
  return B(buf, n);
}

Bytes feed_one(Session* s, const Bytes& in, RecvEvent* ev) {
  usize used = 0;
  EXPECT_EQ(s->receive(in.data(), in.size(), &used, ev), Status::kOk);
  EXPECT_EQ(used, in.size());
  return B(ev->data, ev->data_len);
}

}  // namespace

TEST(TcpcryptVectors, FileHasEveryKind) {
  EXPECT_GE(vecs().size(), 25u);
}

TEST(TcpcryptVectors, Rfc5869ThroughProvider) {
  for (const char* name : {"rfc5869_1", "rfc5869_3"}) {
    const auto& v = vec(name);
    u8 prk[32];
    Seg ikm{v.at("ikm").data(), v.at("ikm").size()};
    ASSERT_EQ(hkdf_extract(ops(), v.at("salt").data(), v.at("salt").size(), &ikm, 1, prk), Status::kOk);
    EXPECT_EQ(B(prk, 32), v.at("prk")) << name;
    Bytes okm(v.at("okm").size());
    ASSERT_EQ(cprf(ops(), prk, v.at("info").data(), v.at("info").size(), okm.data(), okm.size()), Status::kOk);
    EXPECT_EQ(okm, v.at("okm")) << name;
  }
}

TEST(TcpcryptVectors, Rfc7748ThroughProvider) {
  const auto& v = vec("rfc7748");
  u8 s1[32], s2[32];
  ASSERT_EQ(ops().kex_shared(ops().ctx, TCPINC_CORE_KEX_X25519, v.at("a_priv").data(), v.at("b_pub").data(), 32, s1), 0);
  ASSERT_EQ(ops().kex_shared(ops().ctx, TCPINC_CORE_KEX_X25519, v.at("b_priv").data(), v.at("a_pub").data(), 32, s2), 0);
  EXPECT_EQ(B(s1, 32), v.at("shared"));
  EXPECT_EQ(B(s2, 32), v.at("shared"));
}

// RFC 7748 section 6.2 (X448, TEP 0x24): 56-byte keys and shared secret.
TEST(TcpcryptVectors, Rfc7748X448ThroughProvider) {
  const auto& v = vec("rfc7748_x448");
  const u8 kX448 = 0x24;
  u8 s1[56], s2[56], priv[56], pub[56];
  ASSERT_EQ(ops().kex_shared(ops().ctx, kX448, v.at("a_priv").data(), v.at("b_pub").data(), 56, s1), 0);
  ASSERT_EQ(ops().kex_shared(ops().ctx, kX448, v.at("b_priv").data(), v.at("a_pub").data(), 56, s2), 0);
  EXPECT_EQ(B(s1, 56), v.at("shared"));
  EXPECT_EQ(B(s2, 56), v.at("shared"));
  EXPECT_EQ(ops().kex_validate(ops().ctx, kX448, v.at("a_pub").data(), 56), 0);
  EXPECT_EQ(ops().kex_validate(ops().ctx, kX448, v.at("a_pub").data(), 32), TCPINC_CORE_CRYPTO_EBADKEY);
  ASSERT_EQ(ops().kex_keygen(ops().ctx, kX448, priv, pub), 0);
}

TEST(TcpcryptVectors, KeySchedule) {
  const auto& v = vec("key_schedule");
  u8 ss1[32], ss2[32], mk0[32], mk1[32], mk2[32];
  ASSERT_EQ(next_ss(ops(), v.at("ss0").data(), ss1), Status::kOk);
  ASSERT_EQ(next_ss(ops(), ss1, ss2), Status::kOk);
  EXPECT_EQ(B(ss1, 32), v.at("ss1"));
  EXPECT_EQ(B(ss2, 32), v.at("ss2"));
  ASSERT_EQ(first_mk(ops(), v.at("ss0").data(), nullptr, 0, mk0), Status::kOk);
  ASSERT_EQ(next_mk(ops(), mk0, mk1), Status::kOk);
  ASSERT_EQ(next_mk(ops(), mk1, mk2), Status::kOk);
  EXPECT_EQ(B(mk0, 32), v.at("mk0"));
  EXPECT_EQ(B(mk1, 32), v.at("mk1"));
  EXPECT_EQ(B(mk2, 32), v.at("mk2"));
  const u8* mks[3] = {mk0, mk1, mk2};
  for (u16 aead : {0x0001, 0x0002, 0x0010}) {
    for (int j = 0; j < 3; j++) {
      for (u8 c : {kConstKeyA, kConstKeyB}) {
        TrafficKey tk;
        ASSERT_EQ(traffic_key(ops(), mks[j], c, aead, &tk), Status::kOk);
        char name[32];
        snprintf(name, sizeof name, "%s_%04x_%d", c == kConstKeyA ? "k_ab" : "k_ba", aead, j);
        Bytes got = B(tk.key, tk.key_len);
        got.insert(got.end(), tk.nr, tk.nr + 12);
        EXPECT_EQ(got, v.at(name)) << name;
      }
    }
  }
  const Bytes* ss[3] = {&v.at("ss0"), &v.at("ss1"), &v.at("ss2")};
  for (int i = 0; i < 3; i++) {
    u8 r[kResumeLen];
    ASSERT_EQ(resume_id(ops(), ss[i]->data(), r), Status::kOk);
    EXPECT_EQ(B(r, kResumeLen), v.at("resume" + std::to_string(i)));
  }
  u8 sid[kSessionIdLen];
  ASSERT_EQ(session_id(ops(), v.at("ss0").data(), nullptr, 0, 0x23, sid), Status::kOk);
  EXPECT_EQ(B(sid, sizeof sid), v.at("sid0"));
}

// Both roles with the vector's keys and nonces: wire bytes, session ID and
// the first frame of each side must match the independent computation.
static void run_handshake_vector(const std::string& name) {
  SCOPED_TRACE(name);
  const auto& v = vec(name);
  u8 kex = static_cast<u8>(v.num("kex"));
  auto a_aeads = u16s(v.at("aeads"));
  auto b_aeads = u16s(v.at("chosen"));
  auto a = new_session(), b = new_session();
  SessionConfig ca{}, cb{};
  ca.hs = {Role::kA, kex, v.at("transcript").data(), v.at("transcript").size(), a_aeads.data(),
           a_aeads.size(), v.at("a_priv").data(), v.at("a_pub").data(), v.at("n_a").data()};
  cb.hs = {Role::kB, kex, v.at("transcript").data(), v.at("transcript").size(), b_aeads.data(),
           b_aeads.size(), v.at("b_priv").data(), v.at("b_pub").data(), v.at("n_b").data()};
  ca.tep_byte = cb.tep_byte = kex;
  ASSERT_EQ(a->start(&ops(), ca), Status::kOk);
  ASSERT_EQ(b->start(&ops(), cb), Status::kOk);
  Bytes init1 = poll_all(a.get());
  const Bytes& vi1 = v.at("init1");
  const Bytes& vi2 = v.at("init2");
  bool trailing1 = vi1.size() != init1.size();
  if (!trailing1) {
    EXPECT_EQ(init1, vi1);
  }
  RecvEvent ev{};
  // B is fed the vector's Init1 (possibly with trailing bytes).
  feed_one(b.get(), vi1, &ev);
  EXPECT_TRUE(ev.established);
  Bytes init2 = poll_all(b.get());
  bool trailing2 = vi2.size() != init2.size();
  if (!trailing2) {
    EXPECT_EQ(init2, vi2);
  }
  u8 sid[64];
  usize n = 0;
  if (!trailing2) {
    ASSERT_EQ(b->session_id(sid, sizeof sid, &n), Status::kOk);
    EXPECT_EQ(B(sid, n), v.at("sid"));
    u8 fr[128];
    ASSERT_EQ(b->seal(v.at("data_b").data(), v.at("data_b").size(), {}, fr, sizeof fr, &n), Status::kOk);
    EXPECT_EQ(B(fr, n), v.at("frame_b"));
  }
  if (!trailing1) {
    feed_one(a.get(), vi2, &ev);
    EXPECT_TRUE(ev.established);
    ASSERT_EQ(a->session_id(sid, sizeof sid, &n), Status::kOk);
    EXPECT_EQ(B(sid, n), v.at("sid"));
    u8 fr[128];
    ASSERT_EQ(a->seal(v.at("data_a").data(), v.at("data_a").size(), {}, fr, sizeof fr, &n), Status::kOk);
    EXPECT_EQ(B(fr, n), v.at("frame_a"));
    Bytes got = feed_one(a.get(), v.at("frame_b"), &ev);
    EXPECT_EQ(got, v.at("data_b"));
  }
  if (!trailing2) {
    Bytes got = feed_one(b.get(), v.at("frame_a"), &ev);
    EXPECT_EQ(got, v.at("data_a"));
  }
  ResumeSecret rs{};
  if (!trailing1 && !trailing2) {
    ASSERT_EQ(a->export_resumption(&rs), Status::kOk);
    EXPECT_EQ(B(rs.ss, 32), v.at("ss1"));
    EXPECT_EQ(rs.index, 1u);
    EXPECT_EQ(rs.original_role, Role::kA);
    EXPECT_EQ(a->export_resumption(&rs), Status::kNotCacheable);  // only once
  }
}

TEST(TcpcryptVectors, HandshakeX25519Aes128) { run_handshake_vector("handshake_x25519_aes128"); }
TEST(TcpcryptVectors, HandshakeX25519Chacha) { run_handshake_vector("handshake_x25519_chacha"); }
TEST(TcpcryptVectors, HandshakeP256Aes256) { run_handshake_vector("handshake_p256_aes256"); }
TEST(TcpcryptVectors, HandshakeTrailingBytesInInit1) { run_handshake_vector("handshake_x25519_trailing1"); }
TEST(TcpcryptVectors, HandshakeTrailingBytesInInit2) { run_handshake_vector("handshake_p256_trailing2"); }
// TEP 0x24: Init1 = 41 + 2 * nciphers + 56, Init2 = 98 bytes (RFC 8548 4.1, 5).
TEST(TcpcryptVectors, HandshakeX448Aes128) {
  EXPECT_EQ(vec("handshake_x448_aes128").at("init1").size(), 41u + 6 + 56);
  EXPECT_EQ(vec("handshake_x448_aes128").at("init2").size(), 98u);
  EXPECT_EQ(vec("handshake_x448_aes128").at("sid")[0], 0x24);
  run_handshake_vector("handshake_x448_aes128");
}
TEST(TcpcryptVectors, HandshakeX448Aes256) { run_handshake_vector("handshake_x448_aes256"); }
TEST(TcpcryptVectors, HandshakeX448Chacha) { run_handshake_vector("handshake_x448_chacha"); }
TEST(TcpcryptVectors, HandshakeX448TrailingBytesInInit1) { run_handshake_vector("handshake_x448_trailing1"); }

static void run_resume_vector(const std::string& name, bool original_a_opens, u8 tep = 0x23) {
  SCOPED_TRACE(name);
  const auto& v = vec(name);
  u16 aead = static_cast<u16>(v.num("aead"));
  ResumeSecret ea{}, eb{};
  for (ResumeSecret* e : {&ea, &eb}) {
    memcpy(e->ss, v.at("ss").data(), 32);
    e->index = 4;
    e->kex = tep;
    e->aead = aead;
    e->valid = true;
  }
  ea.original_role = Role::kA;
  eb.original_role = Role::kB;
  const Bytes& na = v.at("nonce_a");
  const Bytes& nb = v.at("nonce_b");
  // The opener (current A) offers; which half it sends follows its original role.
  ResumeSecret* opener = original_a_opens ? &ea : &eb;
  ResumeSecret* listener = original_a_opens ? &eb : &ea;
  const Bytes& nonce_open = original_a_opens ? na : nb;
  const Bytes& nonce_listen = original_a_opens ? nb : na;
  auto len_policy = [](size_t n) { return n ? static_cast<u8>(n) : kResumeNonceLenNone; };
  ResumePolicy pol{false, false, len_policy(nonce_open.size())};
  ResumeAttempt ao{}, al{};
  ASSERT_EQ(resumption_take(ops(), pol, opener, &ao), Status::kOk);
  if (!nonce_open.empty()) memcpy(ao.nonce, nonce_open.data(), nonce_open.size());
  EXPECT_EQ(B(opener->ss, 32), v.at("ss_next"));
  EXPECT_EQ(opener->index, 5u);  // burnt
  u8 sub[32];
  usize sub_len = 0;
  ASSERT_EQ(resumption_build_suboption(ao, sub, sizeof sub, &sub_len), Status::kOk);
  EXPECT_EQ(B(sub, sub_len), v.at(original_a_opens ? "sub_a" : "sub_b"));
  ResumeSuboption offer{};
  ASSERT_EQ(resumption_parse_suboption(sub, sub_len, &offer), Status::kOk);
  u8 half[9];
  ASSERT_EQ(resumption_peer_half(ops(), listener, half), Status::kOk);
  EXPECT_EQ(0, memcmp(half, offer.half, 9));
  ResumePolicy pol_l{false, false, len_policy(nonce_listen.size())};
  ASSERT_EQ(resumption_accept(ops(), pol_l, listener, offer, &al), Status::kOk);
  if (!nonce_listen.empty()) memcpy(al.nonce, nonce_listen.data(), nonce_listen.size());
  u8 sub2[32];
  usize sub2_len = 0;
  ASSERT_EQ(resumption_build_suboption(al, sub2, sizeof sub2, &sub2_len), Status::kOk);
  EXPECT_EQ(B(sub2, sub2_len), v.at(original_a_opens ? "sub_b" : "sub_a"));
  ResumeSuboption answer{};
  ASSERT_EQ(resumption_parse_suboption(sub2, sub2_len, &answer), Status::kOk);
  ASSERT_EQ(resumption_check_answer(ao, answer), Status::kOk);
  // Sessions: the opener is the current A, the listener the current B.
  auto so = new_session(), sl = new_session();
  SessionConfig co{}, cl{};
  co.hs.role = Role::kA;
  cl.hs.role = Role::kB;
  co.tep_byte = cl.tep_byte = static_cast<u8>(tep | 0x80);
  co.resume = &ao;
  co.peer_resume_nonce = answer.nonce;
  co.peer_resume_nonce_len = answer.nonce_len;
  cl.resume = &al;
  cl.peer_resume_nonce = offer.nonce;
  cl.peer_resume_nonce_len = offer.nonce_len;
  ASSERT_EQ(so->start(&ops(), co), Status::kOk);
  ASSERT_EQ(sl->start(&ops(), cl), Status::kOk);
  EXPECT_FALSE(ao.valid);  // consumed and wiped
  for (Session* s : {so.get(), sl.get()}) {
    u8 sid[40];
    usize n = 0;
    ASSERT_EQ(s->session_id(sid, sizeof sid, &n), Status::kOk);
    EXPECT_EQ(B(sid, n), v.at("sid"));
  }
  Session* orig_a = original_a_opens ? so.get() : sl.get();
  Session* orig_b = original_a_opens ? sl.get() : so.get();
  u8 fr[64];
  usize n = 0;
  ASSERT_EQ(orig_a->seal(v.at("data").data(), v.at("data").size(), {}, fr, sizeof fr, &n), Status::kOk);
  EXPECT_EQ(B(fr, n), v.at("frame_a"));
  ASSERT_EQ(orig_b->seal(v.at("data").data(), v.at("data").size(), {}, fr, sizeof fr, &n), Status::kOk);
  EXPECT_EQ(B(fr, n), v.at("frame_b"));
  RecvEvent ev{};
  EXPECT_EQ(feed_one(orig_b, v.at("frame_a"), &ev), v.at("data"));
  EXPECT_EQ(feed_one(orig_a, v.at("frame_b"), &ev), v.at("data"));
  ResumeSecret none{};
  EXPECT_EQ(so->export_resumption(&none), Status::kNotCacheable);  // chain lives in the cache
}

TEST(TcpcryptVectors, ResumptionOriginalAOpens) { run_resume_vector("resume_aes128", true); }
TEST(TcpcryptVectors, ResumptionOriginalBOpens) { run_resume_vector("resume_aes128", false); }
TEST(TcpcryptVectors, ResumptionWithoutNonces) { run_resume_vector("resume_chacha_nonceless", true); }
// A resumed Curve448 session: suboptions and session ID start with 0xa4.
TEST(TcpcryptVectors, ResumptionX448) {
  EXPECT_EQ(vec("resume_x448_aes256").at("sid")[0], 0xa4);
  EXPECT_EQ(vec("resume_x448_aes256").at("sub_a")[0], 0xa4);
  run_resume_vector("resume_x448_aes256", true, 0x24);
  run_resume_vector("resume_x448_aes256", false, 0x24);
}

TEST(TcpcryptVectors, Frames) {
  int seen = 0;
  for (const auto& v : vecs()) {
    if (v.name.rfind("frame_", 0) != 0) continue;
    SCOPED_TRACE(v.name);
    seen++;
    void* h = nullptr;
    ASSERT_EQ(ops().aead_new(ops().ctx, static_cast<u16>(v.num("aead")), v.at("key").data(), v.at("key").size(), &h), 0);
    FrameKey k{h, {}};
    memcpy(k.nr, v.at("nr").data(), 12);
    SealFlags f{v.num("rekey") != 0, v.num("fin") != 0, v.num("urgp") != 0, static_cast<u16>(v.num("urgent"))};
    Bytes out(v.at("frame").size() + 8);
    usize n = 0;
    ASSERT_EQ(seal_frame(ops(), k, v.num("offset"), f, v.at("data").data(), v.at("data").size(), out.data(), out.size(), &n), Status::kOk);
    out.resize(n);
    EXPECT_EQ(out, v.at("frame"));
    Bytes plain(out.size());
    OpenedFrame of{};
    ASSERT_EQ(open_frame(ops(), k, v.num("offset"), v.at("frame").data(), v.at("frame").size(), plain.data(), &of), Status::kOk);
    EXPECT_EQ(B(of.data, of.data_len), v.at("data"));
    EXPECT_EQ(of.finp, f.finp);
    EXPECT_EQ(of.urgp, f.urgp);
    EXPECT_EQ(of.rekey, f.rekey);
    if (f.urgp) {
      EXPECT_EQ(of.urgent, f.urgent);
    }
    // Wrong offset = wrong nonce: must fail and leave zeros.
    EXPECT_EQ(open_frame(ops(), k, v.num("offset") + 1, v.at("frame").data(), v.at("frame").size(), plain.data(), &of), Status::kAuthFailure);
    ops().aead_free(ops().ctx, h);
  }
  EXPECT_EQ(seen, 15);
}
