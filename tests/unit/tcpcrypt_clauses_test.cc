// SPDX-License-Identifier: GPL-2.0
// RFC 8548 clauses that no other test pinned down (tests/unit/RFC8548-clauses.md
// maps every clause to its tests): the first bytes of each stream, malformed
// Init messages, "ignored" trailing bytes, the AEAD list, the session ID,
// one use of each ss[i], resumption nonces, rekey ordering, FINp, frame
// offsets and the reserved bits. Each test names its section.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "crypto_openssl.h"
#include "tcpcrypt_session.h"
#include "session_fixture.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;
using tcpinc_test::Bytes;
using tcpinc_test::kTranscript;
using tcpinc_test::ops;
using tcpinc_test::SessionPtr;

namespace {

u32 be32(const u8* p) { return u32{p[0]} << 24 | u32{p[1]} << 16 | u32{p[2]} << 8 | p[3]; }
u16 be16(const u8* p) { return static_cast<u16>(p[0] << 8 | p[1]); }

// Duo - an A and a B session configured for a fresh exchange; the tests
// move bytes by hand so that every stream byte is accounted for.
struct Duo {
  SessionPtr a{new Session()}, b{new Session()};
  std::vector<u16> a_aeads, b_aeads;
  Duo(u8 kex = TCPINC_CORE_KEX_X25519, std::vector<u16> offer = {1}, std::vector<u16> pref = {1},
      u8 tep = 0x23)
      : a_aeads(std::move(offer)), b_aeads(std::move(pref)) {
    SessionConfig ca{}, cb{};
    ca.hs = {Role::kA, kex, kTranscript, sizeof kTranscript, a_aeads.data(), a_aeads.size()};
    cb.hs = {Role::kB, kex, kTranscript, sizeof kTranscript, b_aeads.data(), b_aeads.size()};
    ca.tep_byte = cb.tep_byte = tep;
    EXPECT_EQ(a->start(ops(), ca), Status::kOk);
    EXPECT_EQ(b->start(ops(), cb), Status::kOk);
  }
};

Bytes poll(Session* s) {
  Bytes out(kMaxFrameLen);
  usize n = 0;
  EXPECT_EQ(s->poll_output(out.data(), out.size(), &n), Status::kOk);
  out.resize(n);
  return out;
}

// feed - give all of in to s; returns the first status that is neither kOk
// nor kNeedMore (or the last one), and collects the events' frames.
struct Fed {
  Status st = Status::kOk;
  std::vector<RecvEvent> frames;
  Bytes data;
  bool established = false;
};
Fed feed(Session* s, const Bytes& in) {
  Fed f;
  usize off = 0;
  while (off < in.size()) {
    usize used = 0;
    RecvEvent ev{};
    f.st = s->receive(in.data() + off, in.size() - off, &used, &ev);
    f.established |= ev.established;
    if (ev.frame) {
      f.frames.push_back(ev);
      f.data.insert(f.data.end(), ev.data, ev.data + ev.data_len);
    }
    off += used;
    if (f.st != Status::kOk && f.st != Status::kNeedMore) return f;
    if (f.st == Status::kNeedMore && used == 0) return f;
  }
  return f;
}

Bytes seal(Session* s, const Bytes& data, SendOptions opt = {}) {
  Bytes out(kMaxFrameLen);
  usize n = 0;
  EXPECT_EQ(s->seal(data.data(), data.size(), opt, out.data(), out.size(), &n), Status::kOk);
  out.resize(n);
  return out;
}

// established - a Duo after Init1 and Init2; returns {Init1, Init2}.
std::pair<Bytes, Bytes> handshake(Duo& d) {
  Bytes i1 = poll(d.a.get());
  EXPECT_TRUE(feed(d.b.get(), i1).established);
  Bytes i2 = poll(d.b.get());
  EXPECT_TRUE(feed(d.a.get(), i2).established);
  return {i1, i2};
}

}  // namespace

// --- 3.3 / 4.1: Init1 and Init2 start the streams ----------------------------

// 3.3: "two messages, Init1 and Init2, at the start of the data streams of
// host A and host B". A's stream begins with Init1 (magic first, nothing
// before it) and A can send no frame before that.
TEST(Rfc8548, Init1IsTheFirstBytesASends) {
  Duo d(TCPINC_CORE_KEX_X25519, {0x10, 0x01, 0x02}, {1});
  u8 fr[64];
  usize n = 0;
  EXPECT_EQ(d.a->seal(fr, 1, {}, fr, sizeof fr, &n), Status::kNotReady);
  EXPECT_EQ(d.a->send_offset(), 0u);
  Bytes i1 = poll(d.a.get());
  ASSERT_GE(i1.size(), 9u);
  EXPECT_EQ(be32(&i1[0]), 0x15101a0eu);  // INIT1_MAGIC at stream offset 0
  // 4.1: message_len is the whole message and there is no "ignored" field
  // in what we build: 4 + 4 + 1 + 2K + 32 + 32 = 73 + 2K for X25519.
  EXPECT_EQ(be32(&i1[4]), i1.size());
  EXPECT_EQ(i1.size(), 73u + 2 * 3);
  EXPECT_EQ(d.a->send_offset(), i1.size());
  EXPECT_TRUE(poll(d.a.get()).empty());  // sent once
  EXPECT_EQ(d.a->seal(fr, 1, {}, fr, sizeof fr, &n), Status::kNotReady);  // still no Init2
}

// 3.3: B's stream begins with Init2, which B can only build from Init1:
// nothing at all comes out of B before it has A's Init1.
TEST(Rfc8548, Init2IsTheFirstBytesBSends) {
  Duo d;
  EXPECT_TRUE(poll(d.b.get()).empty());
  u8 fr[64];
  usize n = 0;
  EXPECT_EQ(d.b->seal(fr, 1, {}, fr, sizeof fr, &n), Status::kNotReady);
  EXPECT_EQ(d.b->initiate_rekey(), Status::kNotReady);
  EXPECT_EQ(d.b->send_offset(), 0u);
  Bytes i1 = poll(d.a.get());
  Bytes part(i1.begin(), i1.end() - 1);
  EXPECT_EQ(feed(d.b.get(), part).st, Status::kNeedMore);
  EXPECT_TRUE(poll(d.b.get()).empty());  // not before the whole Init1
  EXPECT_TRUE(feed(d.b.get(), Bytes{i1.back()}).established);
  Bytes i2 = poll(d.b.get());
  ASSERT_EQ(i2.size(), 74u);  // 4 + 4 + 2 + 32 + 32, no "ignored" bytes
  EXPECT_EQ(be32(&i2[0]), 0x097105e0u);
  EXPECT_EQ(be32(&i2[4]), 74u);
  EXPECT_EQ(d.b->send_offset(), 74u);
}

// 3.3: A's stream must start with Init1 and B's with Init2. A frame where
// the Init should be is not a fallback case (encryption is on): abort.
TEST(Rfc8548, AStreamThatDoesNotStartWithTheInitAborts) {
  Duo d;
  // B gets a frame-shaped start instead of Init1.
  Bytes frame = {0x00, 0x00, 0x11};
  frame.resize(20, 0);
  Fed f = feed(d.b.get(), frame);
  EXPECT_EQ(f.st, Status::kMalformedInit);
  EXPECT_TRUE(d.b->failed());
  // A gets B's Init1-shaped bytes (wrong magic for Init2) instead of Init2.
  Duo e;
  Bytes i1e = poll(e.a.get());
  EXPECT_EQ(feed(e.a.get(), i1e).st, Status::kMalformedInit);
  EXPECT_TRUE(e.a->failed());
}

// --- malformed Init messages (Part E.10: abort, distinct from EOF) ---------

namespace {

// init2_for - a real Init2 for a fresh A, and that A.
struct Init2Case {
  Duo d;
  Bytes i2;
  explicit Init2Case(u8 kex = TCPINC_CORE_KEX_X25519) : d(kex) {
    Bytes i1 = poll(d.a.get());
    EXPECT_TRUE(feed(d.b.get(), i1).established);
    i2 = poll(d.b.get());
  }
  // feed_a - A's verdict on m; checks the failure is sticky and not EOF.
  Status feed_a(const Bytes& m) {
    Fed f = feed(d.a.get(), m);
    EXPECT_TRUE(f.frames.empty());
    if (is_abort(f.st)) {
      EXPECT_TRUE(d.a->failed());
      EXPECT_EQ(d.a->failure(), f.st);
      EXPECT_EQ(d.a->on_peer_fin(), Status::kAborted);  // never EOF afterwards
      Bytes out(8);
      usize n = 0;
      EXPECT_EQ(d.a->poll_output(out.data(), out.size(), &n), Status::kAborted);
    }
    return f.st;
  }
};

void put32(Bytes& m, usize at, u32 v) {
  for (int i = 0; i < 4; i++) m[at + i] = static_cast<u8>(v >> (24 - 8 * i));
}

}  // namespace

// Init2 at A: wrong magic, message_len below the fixed fields, above 64 KiB,
// and (P-256) a pubkey_len that runs past the message.
TEST(Rfc8548, MalformedInit2Aborts) {
  {
    Init2Case c;
    Bytes m = c.i2;
    m[3] ^= 0x01;  // bad magic
    EXPECT_EQ(c.feed_a(m), Status::kMalformedInit);
  }
  {
    Init2Case c;
    Bytes m = c.i2;
    put32(m, 4, 73);  // one byte short of INIT2 magic..Pub_B
    EXPECT_EQ(c.feed_a(m), Status::kMalformedInit);
  }
  {
    Init2Case c;
    Bytes m = c.i2;
    put32(m, 4, 8);  // only the header
    EXPECT_EQ(c.feed_a(m), Status::kMalformedInit);
  }
  {
    Init2Case c;
    Bytes m = c.i2;
    put32(m, 4, 65537);  // oversize (Part E.10: above 64 KiB)
    EXPECT_EQ(c.feed_a(m), Status::kOversizedInit);
  }
  {
    Init2Case c(TCPINC_CORE_KEX_P256);
    Bytes m = c.i2;
    ASSERT_EQ(m.size(), 4u + 4 + 2 + 32 + 2 + 33);
    m[42] = 0x00;
    m[43] = 0x40;  // pubkey_len 64: Pub does not fit in message_len
    EXPECT_EQ(c.feed_a(m), Status::kMalformedInit);
  }
}

// Init1 at B: a P-256 Pub that does not fit, and a message_len that leaves
// no room for the key (truncated Pub).
TEST(Rfc8548, MalformedInit1PubDoesNotFitAborts) {
  {
    Duo d(TCPINC_CORE_KEX_P256);
    Bytes m = poll(d.a.get());
    ASSERT_EQ(m.size(), 4u + 4 + 1 + 2 + 32 + 2 + 33);
    m[43] = 0x01;
    m[44] = 0x00;  // pubkey_len 256
    EXPECT_EQ(feed(d.b.get(), m).st, Status::kMalformedInit);
    EXPECT_TRUE(d.b->failed());
  }
  {
    Duo d;
    Bytes m = poll(d.a.get());
    put32(m, 4, static_cast<u32>(m.size() - 1));  // Pub_A one byte short
    m.pop_back();
    EXPECT_EQ(feed(d.b.get(), m).st, Status::kMalformedInit);
    EXPECT_EQ(d.b->failure(), Status::kMalformedInit);
  }
}

// 4.1: "When receiving Init1, however, implementations MUST permit and
// ignore any bytes following Pub_A" - and message_len, not the bytes that
// happen to be there, says where Init1 ends: the byte after it is the first
// byte of A's first frame, not more Init.
TEST(Rfc8548, MessageLenDelimitsInitAndTrailingBytesAreIgnored) {
  for (usize extra : {1u, 5u, 300u}) {
    SCOPED_TRACE(extra);
    Duo d;
    Bytes m = poll(d.a.get());
    usize len = m.size() + extra;
    put32(m, 4, static_cast<u32>(len));
    m.resize(len, 0xee);
    m.push_back(0x00);  // the next stream byte (a frame's control byte)
    usize used = 0;
    RecvEvent ev{};
    ASSERT_EQ(d.b->receive(m.data(), m.size(), &used, &ev), Status::kOk);
    EXPECT_TRUE(ev.established);
    EXPECT_EQ(used, len);  // exactly message_len bytes were Init1
    EXPECT_EQ(d.b->recv_offset(), len);
    EXPECT_EQ(d.b->receive(m.data() + used, 1, &used, &ev), Status::kNeedMore);  // frame header
    EXPECT_FALSE(d.b->failed());
  }
  // And Init2 at A, byte by byte.
  Init2Case c;
  Bytes m = c.i2;
  put32(m, 4, static_cast<u32>(m.size() + 3));
  m.insert(m.end(), {1, 2, 3});
  bool est = false;
  for (usize i = 0; i < m.size(); i++) {
    usize used = 0;
    RecvEvent ev{};
    Status st = c.d.a->receive(&m[i], 1, &used, &ev);
    ASSERT_EQ(used, 1u);
    ASSERT_EQ(st, i + 1 == m.size() ? Status::kOk : Status::kNeedMore) << i;
    est |= ev.established;
  }
  EXPECT_TRUE(est);
  EXPECT_EQ(c.d.a->recv_offset(), m.size());
}

// --- 3.6: a bad tag aborts, and the error is not EOF -------------------------

TEST(Rfc8548, BadTagAbortsWithAnErrorThatIsNotEof) {
  Duo d;
  handshake(d);
  Bytes f = seal(d.a.get(), Bytes{1, 2, 3}, SendOptions{true, false, 0});  // even with FINp
  f.back() ^= 0x80;  // last tag byte
  Fed r = feed(d.b.get(), f);
  EXPECT_EQ(r.st, Status::kAuthFailure);
  EXPECT_TRUE(r.frames.empty());
  EXPECT_TRUE(d.b->failed());
  EXPECT_EQ(d.b->failure(), Status::kAuthFailure);
  EXPECT_TRUE(is_abort(Status::kAuthFailure));
  EXPECT_EQ(d.b->on_peer_fin(), Status::kAborted);  // a FIN now is no EOF
  u8 x[64];
  usize n = 0;
  EXPECT_EQ(d.b->seal(x, 1, {}, x, sizeof x, &n), Status::kAborted);
}

// --- 3.3 / Part E: AEAD list --------------------------------------------------

// 4.1: Init1 carries nciphers and A's list as two-byte ids, in A's order;
// B picks by its own preference among those, and Init2 names the pick.
TEST(Rfc8548, AeadListIsOfferedByAAndChosenByB) {
  Duo d(TCPINC_CORE_KEX_X25519, {0x0010, 0x0001}, {0x0002, 0x0001, 0x0010});
  Bytes i1 = poll(d.a.get());
  ASSERT_EQ(i1[8], 2);  // nciphers
  EXPECT_EQ(be16(&i1[9]), 0x0010);
  EXPECT_EQ(be16(&i1[11]), 0x0001);
  ASSERT_TRUE(feed(d.b.get(), i1).established);
  Bytes i2 = poll(d.b.get());
  EXPECT_EQ(be16(&i2[8]), 0x0001);  // B's best that A offered (not A's first)
  ASSERT_TRUE(feed(d.a.get(), i2).established);
  EXPECT_EQ(d.a->aead(), 0x0001);
  EXPECT_EQ(d.b->aead(), 0x0001);
  Bytes f = seal(d.a.get(), Bytes{7});
  EXPECT_EQ(feed(d.b.get(), f).data, Bytes{7});
}

// A offers a list with none of B's AEADs: B cannot build Init2 and, since
// encryption is already enabled, cannot fall back either. It aborts with
// its own error and sends nothing (RFC silent; project reading, B.10).
TEST(Rfc8548, NoAeadInCommonAbortsAtBAndSendsNoInit2) {
  Duo d(TCPINC_CORE_KEX_X25519, {0x0001, 0x0010}, {0x0002});
  Bytes i1 = poll(d.a.get());
  EXPECT_EQ(feed(d.b.get(), i1).st, Status::kNoCommonAead);
  EXPECT_TRUE(d.b->failed());
  EXPECT_EQ(d.b->failure(), Status::kNoCommonAead);
  Bytes out(256);
  usize n = 1;
  EXPECT_EQ(d.b->poll_output(out.data(), out.size(), &n), Status::kAborted);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(d.b->on_peer_fin(), Status::kAborted);
}

// --- 3.4: session ID ----------------------------------------------------------

// Byte 0 is the byte B sent with the negotiated TEP (v bit included); the
// rest is K_LEN = 32 bytes: 33 in all, the same at both ends, none before
// the handshake completes.
TEST(Rfc8548, SessionIdIsBsTepByteAnd32MoreBytes) {
  for (auto [kex, tep] : {std::pair<u8, u8>{TCPINC_CORE_KEX_X25519, 0x23},
                          std::pair<u8, u8>{TCPINC_CORE_KEX_P256, 0x21}}) {
    SCOPED_TRACE(int(tep));
    Duo d(kex, {1}, {1}, tep);
    u8 sa[64], sb[64];
    usize na = 0, nb = 0;
    EXPECT_EQ(d.a->session_id(sa, sizeof sa, &na), Status::kNoSessionId);
    handshake(d);
    EXPECT_EQ(d.a->session_id(sa, 32, &na), Status::kBufferTooSmall);
    ASSERT_EQ(d.a->session_id(sa, sizeof sa, &na), Status::kOk);
    ASSERT_EQ(d.b->session_id(sb, sizeof sb, &nb), Status::kOk);
    EXPECT_EQ(na, 33u);
    EXPECT_EQ(nb, 33u);
    EXPECT_EQ(sa[0], tep);
    EXPECT_EQ(0, memcmp(sa, sb, 33));
    // Not a constant: two connections, two IDs.
    Duo e(kex, {1}, {1}, tep);
    handshake(e);
    u8 se[64];
    usize ne = 0;
    ASSERT_EQ(e.a->session_id(se, sizeof se, &ne), Status::kOk);
    EXPECT_NE(0, memcmp(sa + 1, se + 1, 32));
  }
}

// 3.3: ephemeral keys "MUST be refreshed frequently" and N_A is "chosen at
// random": without a caller-provided key pair (the glue's amortised one,
// bounded by tcpcrypt_eph_lifetime) every session makes new ones.
TEST(Rfc8548, EachSessionDrawsItsOwnKeyAndNonce) {
  Duo d, e;
  Bytes x = poll(d.a.get()), y = poll(e.a.get());
  ASSERT_EQ(x.size(), y.size());
  const usize nonce = 11, pub = 43;  // one AEAD: N_A at 11, Pub_A at 43
  EXPECT_NE(Bytes(x.begin() + nonce, x.begin() + pub), Bytes(y.begin() + nonce, y.begin() + pub));
  EXPECT_NE(Bytes(x.begin() + pub, x.end()), Bytes(y.begin() + pub, y.end()));
}

// --- 3.5: resumption -------------------------------------------------------------

namespace {

// fresh_chain - run a fresh session and return both hosts' ss[1] entries.
void fresh_chain(ResumeSecret* host_a, ResumeSecret* host_b) {
  Duo d;
  handshake(d);
  ASSERT_EQ(d.a->export_resumption(host_a), Status::kOk);
  ASSERT_EQ(d.b->export_resumption(host_b), Status::kOk);
}

ResumeSuboption wire(const ResumeAttempt& a, u8 (&buf)[kMaxResumeSuboptionLen], usize* len) {
  ResumeSuboption s{};
  EXPECT_EQ(resumption_build_suboption(a, buf, sizeof buf, len), Status::kOk);
  EXPECT_EQ(resumption_parse_suboption(buf, *len, &s), Status::kOk);
  return s;
}

bool all_zero(const u8* p, usize n) {
  for (usize i = 0; i < n; i++)
    if (p[i]) return false;
  return true;
}

}  // namespace

// "A given session secret ss[i] MUST NOT be used to secure more than one TCP
// connection": at the opener, taking ss[i] moves the entry to ss[i+1] and
// the attempt is wiped by the session that uses it (a second session cannot
// start from it); at the listener the entry moves on as well, so the same
// offer cannot be accepted twice.
TEST(Rfc8548, EachSessionSecretIsUsedAtMostOnceOnEachSide) {
  ResumeSecret ha{}, hb{};
  fresh_chain(&ha, &hb);
  ASSERT_EQ(ha.index, 1u);
  u8 ss1[kKeyLen];
  memcpy(ss1, ha.ss, sizeof ss1);
  ResumeAttempt ao{}, al{}, again{};
  ASSERT_EQ(resumption_take(*ops(), {}, &ha, &ao), Status::kOk);
  EXPECT_EQ(ao.index, 1u);
  EXPECT_EQ(ha.index, 2u);
  EXPECT_NE(0, memcmp(ha.ss, ss1, sizeof ss1));  // the entry no longer holds ss[1]
  u8 sub[kMaxResumeSuboptionLen];
  usize sub_len = 0;
  ResumeSuboption offer = wire(ao, sub, &sub_len);
  ASSERT_EQ(resumption_accept(*ops(), {}, &hb, offer, &al), Status::kOk);
  EXPECT_EQ(hb.index, 2u);
  EXPECT_EQ(resumption_accept(*ops(), {}, &hb, offer, &again), Status::kResumeMismatch);
  u8 ans[kMaxResumeSuboptionLen];
  usize ans_len = 0;
  ResumeSuboption answer = wire(al, ans, &ans_len);
  SessionPtr so(new Session()), sl(new Session()), so2(new Session());
  SessionConfig co{}, cl{};
  tcpinc_test::resumed_configs(0xa3, &ao, &al, offer, answer, &co, &cl);
  ResumeAttempt copy = ao;  // what a buggy caller might keep
  ASSERT_EQ(so->start(ops(), co), Status::kOk);
  ASSERT_EQ(sl->start(ops(), cl), Status::kOk);
  EXPECT_FALSE(ao.valid);  // ss[i] erased once mk[0] is derived
  EXPECT_TRUE(all_zero(ao.ss, sizeof ao.ss));
  EXPECT_FALSE(al.valid);
  EXPECT_TRUE(all_zero(al.ss, sizeof al.ss));
  EXPECT_EQ(so2->start(ops(), co), Status::kBadArgument);  // the wiped attempt again
  // A resumed session exports nothing: the cache already holds ss[i+1].
  ResumeSecret none{};
  EXPECT_EQ(so->export_resumption(&none), Status::kNotCacheable);
  EXPECT_EQ(sl->export_resumption(&none), Status::kNotCacheable);
  resumption_wipe(&copy);
}

// "The resumption nonce MUST have a minimum length of zero bytes and maximum
// length of eight bytes" and implementations "MUST default to eight bytes"
// (we cannot prohibit reuse of session secrets) and SHOULD let the length
// be set: 8 by default, each of 0..8 on request, 9 refused.
TEST(Rfc8548, ResumptionNonceIsEightBytesByDefaultAndConfigurable) {
  ResumeSecret ha{}, hb{};
  fresh_chain(&ha, &hb);
  struct Case {
    u8 policy;
    usize want;
  } cases[] = {{kResumeNonceLenDefault, 8}, {kResumeNonceLenNone, 0}, {1, 1}, {4, 4}, {8, 8}};
  for (const Case& c : cases) {
    SCOPED_TRACE(int(c.policy));
    ResumeAttempt a{};
    ASSERT_EQ(resumption_take(*ops(), {false, false, c.policy}, &ha, &a), Status::kOk);
    EXPECT_EQ(a.nonce_len, c.want);
    u8 sub[kMaxResumeSuboptionLen];
    usize len = 0;
    ASSERT_EQ(resumption_build_suboption(a, sub, sizeof sub, &len), Status::kOk);
    EXPECT_EQ(len, 1 + kResumeHalfLen + c.want);  // TEP byte | half | nonce
    EXPECT_EQ(sub[0], 0x23 | 0x80);               // v = 1
    resumption_wipe(&a);
  }
  ResumeAttempt a{};
  u64 before = ha.index;
  EXPECT_EQ(resumption_take(*ops(), {false, false, 9}, &ha, &a), Status::kBadArgument);
  EXPECT_EQ(ha.index, before);
  EXPECT_EQ(kDefaultResumeNonceLen, 8u);
}

// "The value MUST be chosen randomly": the nonce is what the provider's RNG
// returns, and two attempts carry different nonces.
TEST(Rfc8548, ResumptionNonceComesFromTheRng) {
  ResumeSecret ha{}, hb{};
  fresh_chain(&ha, &hb);
  tcpinc_core_crypto_ops marked = *ops();
  marked.random_bytes = [](void*, tcpinc_u8* out, tcpinc_usize n) {
    for (tcpinc_usize i = 0; i < n; i++) out[i] = static_cast<tcpinc_u8>(0xa0 + i);
    return TCPINC_CORE_CRYPTO_OK;
  };
  ResumeAttempt a{}, b{}, c{};
  ASSERT_EQ(resumption_take(marked, {}, &ha, &a), Status::kOk);
  ASSERT_EQ(a.nonce_len, 8u);
  for (usize i = 0; i < 8; i++) EXPECT_EQ(a.nonce[i], 0xa0 + i);
  ASSERT_EQ(resumption_take(*ops(), {}, &ha, &b), Status::kOk);
  ASSERT_EQ(resumption_take(*ops(), {}, &ha, &c), Status::kOk);
  EXPECT_NE(0, memcmp(b.nonce, c.nonce, 8));
  resumption_wipe(&a);
  resumption_wipe(&b);
  resumption_wipe(&c);
}

// Figures 2 and 3: the resumption identifier is resume[i] = CPRF(ss[i],
// CONST_RESUME, 18); a host that was A sends bytes 0..8, one that was B
// bytes 9..17, whatever its role now.
TEST(Rfc8548, ResumptionIdentifierHalvesFollowTheOriginalRole) {
  ResumeSecret ha{}, hb{};
  fresh_chain(&ha, &hb);
  ASSERT_EQ(0, memcmp(ha.ss, hb.ss, kKeyLen));
  u8 r[kResumeLen];
  ASSERT_EQ(resume_id(*ops(), ha.ss, r), Status::kOk);
  // Both take as openers (current role A) from the same ss[1].
  ResumeSecret ha2 = ha, hb2 = hb;
  ResumeAttempt xa{}, xb{};
  ASSERT_EQ(resumption_take(*ops(), {}, &ha2, &xa), Status::kOk);
  ASSERT_EQ(resumption_take(*ops(), {}, &hb2, &xb), Status::kOk);
  u8 sa[kMaxResumeSuboptionLen], sb[kMaxResumeSuboptionLen];
  usize la = 0, lb = 0;
  ASSERT_EQ(resumption_build_suboption(xa, sa, sizeof sa, &la), Status::kOk);
  ASSERT_EQ(resumption_build_suboption(xb, sb, sizeof sb, &lb), Status::kOk);
  EXPECT_EQ(0, memcmp(sa + 1, r, 9));      // originally A: first half
  EXPECT_EQ(0, memcmp(sb + 1, r + 9, 9));  // originally B: second half
  resumption_wipe(&xa);
  resumption_wipe(&xb);
}

// --- 3.8: rekey ordering --------------------------------------------------------

// "it MUST set rekey = 1 for that frame. It MUST set rekey = 0 in all other
// cases": the first frame of a new local generation carries the bit, the
// ones before and after do not (cres is sent as zero throughout). The
// receiver opens frames of the old generation until the rekey frame: the old
// key is kept exactly as long as frames under it can still arrive.
TEST(Rfc8548, RekeyBitOnlyOnTheFirstFrameOfANewGeneration) {
  Duo d;
  handshake(d);
  Bytes f0 = seal(d.a.get(), Bytes{0});
  Bytes f1 = seal(d.a.get(), Bytes{1});  // sealed under generation 0, not yet sent
  ASSERT_EQ(d.a->initiate_rekey(), Status::kOk);
  EXPECT_EQ(d.a->local_generation(), 1u);
  Bytes f2 = seal(d.a.get(), Bytes{2});
  Bytes f3 = seal(d.a.get(), Bytes{3});
  EXPECT_EQ(f0[0], 0x00);
  EXPECT_EQ(f1[0], 0x00);
  EXPECT_EQ(f2[0], kControlRekey);
  EXPECT_EQ(f3[0], 0x00);
  Bytes all = f0;
  for (const Bytes* f : {&f1, &f2, &f3}) all.insert(all.end(), f->begin(), f->end());
  Fed r = feed(d.b.get(), all);
  ASSERT_EQ(r.st, Status::kOk);
  EXPECT_EQ(r.data, (Bytes{0, 1, 2, 3}));
  ASSERT_EQ(r.frames.size(), 4u);
  EXPECT_FALSE(r.frames[1].rekeyed);
  EXPECT_TRUE(r.frames[2].rekeyed);
  EXPECT_FALSE(r.frames[3].rekeyed);
  EXPECT_EQ(d.b->remote_generation(), 1u);
  // B's answer: one frame with rekey = 1, then its frames are plain again.
  Bytes ans = poll(d.b.get());
  ASSERT_EQ(ans.size(), kFrameOverhead);
  EXPECT_EQ(ans[0], kControlRekey);
  Bytes g = seal(d.b.get(), Bytes{9});
  EXPECT_EQ(g[0], 0x00);
  ans.insert(ans.end(), g.begin(), g.end());
  EXPECT_EQ(feed(d.a.get(), ans).data, Bytes{9});
  EXPECT_EQ(d.a->remote_generation(), 1u);
}

// The two directions step separately: a host that has started a rekey of
// its own still opens the peer's frames of the old generation (sealed before
// the peer heard of the rekey), and a frame under a generation the receiver
// has not reached yet, but without the rekey bit, fails.
TEST(Rfc8548, OwnRekeyKeepsTheReceiveKeyUntilThePeerMoves) {
  Duo d;
  handshake(d);
  Bytes from_a = seal(d.a.get(), Bytes{1});  // generation 0, in flight
  ASSERT_EQ(d.b->initiate_rekey(), Status::kOk);
  Bytes from_b = seal(d.b.get(), Bytes{2});  // generation 1, rekey = 1
  EXPECT_EQ(from_b[0], kControlRekey);
  EXPECT_EQ(feed(d.b.get(), from_a).data, Bytes{1});
  EXPECT_EQ(d.b->remote_generation(), 0u);
  EXPECT_EQ(d.b->local_generation(), 1u);
  EXPECT_EQ(d.b->initiate_rekey(), Status::kRekeyPending);  // no second one yet
  EXPECT_EQ(feed(d.a.get(), from_b).data, Bytes{2});
  Bytes answer = poll(d.a.get());
  ASSERT_EQ(answer.size(), kFrameOverhead);
  EXPECT_EQ(feed(d.b.get(), answer).st, Status::kOk);
  EXPECT_EQ(d.b->remote_generation(), 1u);
  EXPECT_EQ(d.b->initiate_rekey(), Status::kOk);  // caught up: may rekey again
  // A's next generation: its first frame with the rekey bit cleared.
  ASSERT_EQ(d.a->initiate_rekey(), Status::kOk);
  Bytes g = seal(d.a.get(), Bytes{3});
  ASSERT_EQ(g[0], kControlRekey);
  g[0] = 0x00;  // the bit is in the AD: a stripped bit cannot pass
  EXPECT_EQ(feed(d.b.get(), g).st, Status::kAuthFailure);
}

// "Implementations SHOULD delete older-generation keys from memory once
// they have received all frames they will need to decrypt with the old keys
// and have encrypted all outgoing frames under the old keys": the sender's
// frames are sealed once (the glue retransmits ciphertext), so its old key
// goes at the switch; the receiver's goes when the rekey frame opens. Each
// session holds exactly two AEAD contexts (one per direction) however many
// generations pass.
TEST(Rfc8548, OldGenerationKeysAreReleasedAtTheSwitch) {
  long base = tcpinc_test::openssl_live_aead_contexts();
  {
    Duo d;
    handshake(d);
    EXPECT_EQ(tcpinc_test::openssl_live_aead_contexts(), base + 4);
    for (int i = 0; i < 5; i++) {
      ASSERT_EQ(d.a->initiate_rekey(), Status::kOk);
      EXPECT_EQ(tcpinc_test::openssl_live_aead_contexts(), base + 4);  // A's old send key gone
      Bytes f = seal(d.a.get(), Bytes{static_cast<u8>(i)});
      ASSERT_EQ(feed(d.b.get(), f).data, Bytes{static_cast<u8>(i)});
      EXPECT_EQ(tcpinc_test::openssl_live_aead_contexts(), base + 4);  // B's old keys gone
      ASSERT_EQ(feed(d.a.get(), poll(d.b.get())).st, Status::kOk);
      EXPECT_EQ(tcpinc_test::openssl_live_aead_contexts(), base + 4);
    }
    EXPECT_EQ(d.a->local_generation(), 5u);
    EXPECT_EQ(d.b->local_generation(), 5u);
  }
  EXPECT_EQ(tcpinc_test::openssl_live_aead_contexts(), base);
}

// --- 3.7: FINp ------------------------------------------------------------------

// "A sender MUST set the FINp bit on the last frame ... and MUST NOT set FINp
// on any other frame"; "a receiver MUST report the end-of-file condition ...
// when and only when it receives a frame with the FINp bit set"; a TCP FIN
// before the FINp frame is complete is an error, not EOF.
TEST(Rfc8548, FinpOnlyOnTheLastFrameAndEofOnlyWithIt) {
  Duo d;
  handshake(d);
  Bytes wire;
  for (u8 i = 0; i < 3; i++) {
    Bytes f = seal(d.a.get(), Bytes{i});
    wire.insert(wire.end(), f.begin(), f.end());
  }
  Bytes last = seal(d.a.get(), Bytes{3}, SendOptions{true, false, 0});
  u8 x[64];
  usize n = 0;
  EXPECT_EQ(d.a->seal(x, 1, {}, x, sizeof x, &n), Status::kSendAfterFin);
  EXPECT_EQ(d.a->keepalive(x, sizeof x, &n), Status::kSendAfterFin);
  Fed r = feed(d.b.get(), wire);
  ASSERT_EQ(r.frames.size(), 3u);
  for (const RecvEvent& ev : r.frames) EXPECT_FALSE(ev.eof);
  // The FINp frame arrives split; a FIN before its last byte is truncation.
  Duo e;
  handshake(e);
  Bytes fe = seal(e.a.get(), Bytes{3}, SendOptions{true, false, 0});
  Fed part = feed(e.b.get(), Bytes(fe.begin(), fe.end() - 1));
  EXPECT_EQ(part.st, Status::kNeedMore);
  EXPECT_EQ(e.b->on_peer_fin(), Status::kFinWithoutFinp);
  // The whole FINp frame: EOF, and then the FIN is the clean end.
  Fed end = feed(d.b.get(), last);
  ASSERT_EQ(end.frames.size(), 1u);
  EXPECT_TRUE(end.frames[0].eof);
  EXPECT_EQ(d.b->on_peer_fin(), Status::kOk);
}

// --- 3.6 / 4.2.3: frame offsets ---------------------------------------------------

// The frame ID's offset is "the zero-indexed byte offset of the beginning of
// the current encryption frame in the underlying TCP datastream" (Part E.1:
// counting Init1/Init2): each frame's offset is the number of stream bytes
// before it, Init included, in both directions; a frame opened at any other
// offset fails (independent values: TcpcryptVectors.HandshakeX25519Aes128).
TEST(Rfc8548, FrameOffsetCountsFromTheFirstByteOfTheStream) {
  Duo d(TCPINC_CORE_KEX_X25519, {1, 2}, {1});
  auto [i1, i2] = handshake(d);
  ASSERT_EQ(i1.size(), 77u);
  ASSERT_EQ(i2.size(), 74u);
  u64 a_pos = i1.size(), b_pos = i2.size();
  for (usize len : {0u, 1u, 100u, 5000u}) {
    Bytes fa = seal(d.a.get(), Bytes(len, 0x11));
    Fed ra = feed(d.b.get(), fa);
    ASSERT_EQ(ra.frames.size(), 1u);
    EXPECT_EQ(ra.frames[0].frame_offset, a_pos);
    a_pos += fa.size();
    Bytes fb = seal(d.b.get(), Bytes(len, 0x22));
    Fed rb = feed(d.a.get(), fb);
    ASSERT_EQ(rb.frames.size(), 1u);
    EXPECT_EQ(rb.frames[0].frame_offset, b_pos);
    b_pos += fb.size();
  }
  EXPECT_EQ(d.a->send_offset(), a_pos);
  EXPECT_EQ(d.b->recv_offset(), a_pos);
  // A frame moved to another place in the stream: the nonce differs.
  Duo e;
  handshake(e);
  Bytes f1 = seal(e.a.get(), Bytes{1});
  Bytes f2 = seal(e.a.get(), Bytes{2});
  EXPECT_EQ(f1.size(), f2.size());
  EXPECT_EQ(feed(e.b.get(), f2).st, Status::kAuthFailure);  // f2 where f1 belongs
}

// --- 4.2 / 4.2.1: reserved bits --------------------------------------------------

// cres and fres "MUST set these bits to zero when sending and MUST ignore
// them when receiving". Sending: every control byte is 0x00 or 0x01 and
// every flags byte uses bits 0-1 only (the frame vectors check the bytes).
// Receiving: a frame whose authentic control and flags bytes have every
// reserved bit set opens normally.
TEST(Rfc8548, ReservedBitsAreIgnoredOnReceipt) {
  void* h = nullptr;
  u8 key[16] = {};
  ASSERT_EQ(ops()->aead_new(nullptr, 1, key, 16, &h), 0);
  FrameKey fk{h, {}};
  for (auto [control, flags] : {std::pair<u8, u8>{0xfe, 0xfc}, std::pair<u8, u8>{0xff, 0xfd}}) {
    SCOPED_TRACE(int(control));
    u8 plain[4] = {flags, 'a', 'b', 'c'};
    tcpinc_core_seg seg{plain, sizeof plain};
    u8 f[3 + 4 + 16] = {control, 0, 4 + 16};
    u8 nonce[12];
    frame_nonce(fk.nr, 42, nonce);
    ASSERT_EQ(ops()->aead_seal(nullptr, h, nonce, f, 3, &seg, 1, f + 3), 0);
    u8 out[32];
    OpenedFrame of{};
    ASSERT_EQ(open_frame(*ops(), fk, 42, f, sizeof f, out, &of), Status::kOk);
    EXPECT_EQ(of.rekey, (control & 1) != 0);
    EXPECT_EQ(of.finp, (flags & 1) != 0);
    EXPECT_FALSE(of.urgp);
    ASSERT_EQ(of.data_len, 3u);
    EXPECT_EQ(0, memcmp(of.data, "abc", 3));
  }
  ops()->aead_free(nullptr, h);
  // Sending: frames with and without FINp/URGp/rekey have cres = 0.
  Duo d;
  handshake(d);
  EXPECT_EQ(seal(d.a.get(), Bytes{1})[0], 0x00);
  EXPECT_EQ(seal(d.a.get(), Bytes{1}, SendOptions{false, true, 0})[0], 0x00);
  ASSERT_EQ(d.a->initiate_rekey(), Status::kOk);
  EXPECT_EQ(seal(d.a.get(), Bytes{1}, SendOptions{true, false, 0})[0], 0x01);
}
