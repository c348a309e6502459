// SPDX-License-Identifier: GPL-2.0
// Two tcpcrypt sessions talking in memory through the OpenSSL provider:
// random segmentation, rekey storms, FIN/half-close, resumption chains,
// every byte of a frame flipped, and one distinct error per abort.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
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

struct Peer {
  SessionPtr s{new Session()};
  Bytes wire;      // bytes on their way to this peer
  Bytes received;  // application bytes delivered to this peer
  bool eof = false;
  int frames = 0;
  int rekeys_seen = 0;
  bool delivered_after_error = false;
};

class Pair {
 public:
  Peer a, b;
  std::mt19937_64 rng;

  explicit Pair(u64 seed = 1) : rng(seed) {}

  void start_fresh(u8 kex = TCPINC_CORE_KEX_X25519, std::vector<u16> a_aeads = {1, 2, 0x10},
                   std::vector<u16> b_aeads = {1}) {
    a_aeads_ = a_aeads;
    b_aeads_ = b_aeads;
    SessionConfig ca{}, cb{};
    ca.hs = {Role::kA, kex, kTranscript, sizeof kTranscript, a_aeads_.data(), a_aeads_.size()};
    cb.hs = {Role::kB, kex, kTranscript, sizeof kTranscript, b_aeads_.data(), b_aeads_.size()};
    ca.tep_byte = cb.tep_byte = kex;
    ASSERT_EQ(a.s->start(ops(), ca), Status::kOk);
    ASSERT_EQ(b.s->start(ops(), cb), Status::kOk);
    drain(a, b);
  }

  // drain - move from's pending output onto to's wire.
  void drain(Peer& from, Peer& to) {
    u8 buf[kMaxFrameLen];
    for (;;) {
      usize n = 0;
      Status st = from.s->poll_output(buf, sizeof buf, &n);
      if (st != Status::kOk || n == 0) return;
      to.wire.insert(to.wire.end(), buf, buf + n);
    }
  }

  Status send(Peer& from, Peer& to, const Bytes& data, SendOptions opt = {}, usize max_frame = kMaxDataLen) {
    Bytes frame(kMaxFrameLen);
    usize off = 0;
    do {
      usize take = std::min(max_frame, data.size() - off);
      SendOptions o = opt;
      o.fin = opt.fin && off + take == data.size();
      usize n = 0;
      Status st = from.s->seal(data.data() + off, take, o, frame.data(), frame.size(), &n);
      if (st != Status::kOk) return st;
      to.wire.insert(to.wire.end(), frame.begin(), frame.begin() + n);
      off += take;
    } while (off < data.size());
    return Status::kOk;
  }

  usize chunk() {
    // Half tiny chunks (header splits), half anything up to 64 KiB.
    return rng() % 2 ? 1 + rng() % 16 : 1 + rng() % 65536;
  }

  // deliver - feed to's wire in random chunks; answers go back to from.
  Status deliver(Peer& to, Peer& from) {
    usize pos = 0;
    Status first = Status::kOk;
    while (pos < to.wire.size()) {
      usize len = std::min(chunk(), to.wire.size() - pos);
      usize done = 0;
      while (done < len) {
        usize used = 0;
        RecvEvent ev{};
        Status st = to.s->receive(to.wire.data() + pos + done, len - done, &used, &ev);
        if (st != Status::kOk && st != Status::kNeedMore) {
          if (ev.data_len || ev.frame) to.delivered_after_error = true;
          to.wire.clear();
          return first == Status::kOk ? st : first;
        }
        done += used;
        if (ev.frame) {
          to.frames++;
          to.received.insert(to.received.end(), ev.data, ev.data + ev.data_len);
          to.eof |= ev.eof;
          to.rekeys_seen += ev.rekeyed;
        }
        drain(to, from);
        if (st == Status::kNeedMore) break;
      }
      pos += len;
    }
    to.wire.clear();
    return first;
  }

  // pump - deliver both ways until both wires are empty.
  Status pump() {
    for (int i = 0; i < 8 && (!a.wire.empty() || !b.wire.empty()); i++) {
      Status st = deliver(b, a);
      if (st != Status::kOk) return st;
      st = deliver(a, b);
      if (st != Status::kOk) return st;
    }
    return Status::kOk;
  }

  Bytes random_bytes(usize n) {
    Bytes v(n);
    for (auto& x : v) x = static_cast<u8>(rng());
    return v;
  }

 private:
  std::vector<u16> a_aeads_, b_aeads_;
};

}  // namespace

TEST(TcpcryptSession, HandshakeAgreesOnSessionIdAndAead) {
  Pair p;
  p.start_fresh(TCPINC_CORE_KEX_X25519, {1, 2, 0x10}, {0x10, 2});
  ASSERT_EQ(p.pump(), Status::kOk);
  ASSERT_TRUE(p.a.s->established());
  ASSERT_TRUE(p.b.s->established());
  EXPECT_EQ(p.a.s->aead(), 0x10);  // B's first preference that A offered
  u8 sa[40], sb[40];
  usize na = 0, nb = 0;
  ASSERT_EQ(p.a.s->session_id(sa, sizeof sa, &na), Status::kOk);
  ASSERT_EQ(p.b.s->session_id(sb, sizeof sb, &nb), Status::kOk);
  ASSERT_EQ(na, 33u);
  EXPECT_EQ(0, memcmp(sa, sb, 33));
  EXPECT_EQ(sa[0], 0x23);
  EXPECT_EQ(p.a.s->send_offset(), 79u);  // Init1 with three AEADs
  EXPECT_EQ(p.b.s->recv_offset(), 79u);
}

// The glue recycles session memory on destroy's promise: every byte zero
// afterwards, though only the written part of the 64 KiB receive buffer is
// wiped. Fill it (one big frame in small pieces, so it is buffered), destroy,
// check every byte, and start a session in the same memory again.
TEST(TcpcryptSession, DestroyLeavesEveryByteZeroAndTheMemoryReusable) {
  for (u64 seed : {1u, 2u, 3u}) {
    Pair p(seed);
    p.start_fresh();
    ASSERT_EQ(p.pump(), Status::kOk);
    Bytes big = p.random_bytes(kMaxDataLen);
    ASSERT_EQ(p.send(p.a, p.b, big), Status::kOk);
    ASSERT_EQ(p.send(p.b, p.a, p.random_bytes(1 + seed * 1000)), Status::kOk);
    ASSERT_EQ(p.pump(), Status::kOk);
    ASSERT_EQ(p.b.received, big);
    for (Peer* peer : {&p.a, &p.b}) {
      peer->s->destroy();
      const u8* raw = reinterpret_cast<const u8*>(peer->s.get());
      usize nonzero = 0;
      for (usize i = 0; i < sizeof(Session); i++) nonzero += raw[i] != 0;
      EXPECT_EQ(nonzero, 0u) << "seed " << seed;
    }
    p.a.received.clear();
    p.b.received.clear();
    p.start_fresh();
    ASSERT_EQ(p.pump(), Status::kOk);
    ASSERT_EQ(p.send(p.a, p.b, Bytes{'o', 'k'}), Status::kOk);
    ASSERT_EQ(p.pump(), Status::kOk);
    EXPECT_EQ(p.b.received, (Bytes{'o', 'k'}));
  }
}

TEST(TcpcryptSession, RandomSegmentationEveryAeadBothGroups) {
  long live = tcpinc_test::openssl_live_aead_contexts();
  int seed = 0;
  for (u8 kex : {TCPINC_CORE_KEX_X25519, TCPINC_CORE_KEX_P256}) {
    for (u16 aead : {0x0001, 0x0002, 0x0010}) {
      SCOPED_TRACE(testing::Message() << "kex " << int(kex) << " aead " << aead);
      Pair p(++seed);
      p.start_fresh(kex, {1, 2, 0x10}, {aead});
      ASSERT_EQ(p.pump(), Status::kOk);
      Bytes to_b, to_a;
      for (int round = 0; round < 6; round++) {
        Bytes m1 = p.random_bytes(p.rng() % 100000);
        Bytes m2 = p.random_bytes(p.rng() % 3000);
        ASSERT_EQ(p.send(p.a, p.b, m1, {}, 1 + p.rng() % kMaxDataLen), Status::kOk);
        ASSERT_EQ(p.send(p.b, p.a, m2, {}, 1 + p.rng() % 2000), Status::kOk);
        to_b.insert(to_b.end(), m1.begin(), m1.end());
        to_a.insert(to_a.end(), m2.begin(), m2.end());
        ASSERT_EQ(p.pump(), Status::kOk);
      }
      EXPECT_EQ(p.b.received, to_b);
      EXPECT_EQ(p.a.received, to_a);
    }
  }
  EXPECT_EQ(tcpinc_test::openssl_live_aead_contexts(), live);  // nothing leaked
}

TEST(TcpcryptSession, BSendsRightAfterInit2BeforeAHasIt) {
  Pair p;
  p.start_fresh();
  ASSERT_EQ(p.deliver(p.b, p.a), Status::kOk);  // B got Init1, Init2 now on A's wire
  Bytes msg = {'h', 'i'};
  ASSERT_EQ(p.send(p.b, p.a, msg), Status::kOk);  // B may send at once
  u8 fr[64];
  usize n = 0;
  EXPECT_EQ(p.a.s->seal(msg.data(), 2, {}, fr, sizeof fr, &n), Status::kNotReady);  // A may not
  ASSERT_EQ(p.pump(), Status::kOk);
  EXPECT_EQ(p.a.received, msg);
}

TEST(TcpcryptSession, RekeyStorm) {
  Pair p(7);
  p.start_fresh();
  ASSERT_EQ(p.pump(), Status::kOk);
  Bytes to_b, to_a;
  for (int i = 0; i < 200; i++) {
    Peer& x = i % 3 ? p.a : p.b;
    Peer& y = &x == &p.a ? p.b : p.a;
    Status st = x.s->initiate_rekey();
    ASSERT_TRUE(st == Status::kOk || st == Status::kRekeyPending);
    if (p.rng() % 2) {
      // Both ends start a rekey before either hears of the other's.
      (void)y.s->initiate_rekey();
    }
    Bytes m = p.random_bytes(p.rng() % 500);
    ASSERT_EQ(p.send(x, y, m), Status::kOk);
    (&x == &p.a ? to_b : to_a).insert((&x == &p.a ? to_b : to_a).end(), m.begin(), m.end());
    if (p.rng() % 4 == 0) {
      ASSERT_EQ(p.pump(), Status::kOk);
    }
  }
  ASSERT_EQ(p.pump(), Status::kOk);
  EXPECT_EQ(p.b.received, to_b);
  EXPECT_EQ(p.a.received, to_a);
  EXPECT_GT(p.a.s->local_generation(), 20u);
  EXPECT_EQ(p.a.s->local_generation(), p.b.s->remote_generation());
  EXPECT_EQ(p.b.s->local_generation(), p.a.s->remote_generation());
  EXPECT_EQ(p.a.s->local_generation(), p.b.s->local_generation());
}

TEST(TcpcryptSession, KeepaliveIsAnsweredWithARekeyFrame) {
  Pair p;
  p.start_fresh();
  ASSERT_EQ(p.pump(), Status::kOk);
  u8 fr[64];
  usize n = 0;
  ASSERT_EQ(p.a.s->keepalive(fr, sizeof fr, &n), Status::kOk);
  EXPECT_EQ(n, kFrameOverhead);
  EXPECT_EQ(fr[0], kControlRekey);
  // No second keep-alive until the peer answers (no empty-frame storms).
  usize m = 0;
  EXPECT_EQ(p.a.s->keepalive(fr + n, sizeof fr - n, &m), Status::kRekeyPending);
  p.b.wire.assign(fr, fr + n);
  ASSERT_EQ(p.deliver(p.b, p.a), Status::kOk);
  EXPECT_EQ(p.b.rekeys_seen, 1);
  ASSERT_EQ(p.a.wire.size(), kFrameOverhead);  // B's immediate answer
  EXPECT_EQ(p.a.wire[0], kControlRekey);
  ASSERT_EQ(p.deliver(p.a, p.b), Status::kOk);
  EXPECT_EQ(p.a.s->local_generation(), 1u);
  EXPECT_EQ(p.a.s->remote_generation(), 1u);
  EXPECT_EQ(p.a.s->keepalive(fr, sizeof fr, &n), Status::kOk);
  EXPECT_EQ(p.a.s->keepalive(fr, 4, &n), Status::kBufferTooSmall);
}

TEST(TcpcryptSession, DataFrameCarriesTheRekeyAnswer) {
  Pair p;
  p.start_fresh();
  ASSERT_EQ(p.pump(), Status::kOk);
  ASSERT_EQ(p.a.s->initiate_rekey(), Status::kOk);
  ASSERT_EQ(p.send(p.a, p.b, {1, 2, 3}), Status::kOk);
  // B reads the rekey frame without draining its output, then sends data:
  // the data frame carries rekey = 1 and settles the answer.
  usize used = 0;
  RecvEvent ev{};
  ASSERT_EQ(p.b.s->receive(p.b.wire.data(), p.b.wire.size(), &used, &ev), Status::kOk);
  EXPECT_TRUE(ev.rekeyed);
  p.b.wire.clear();
  ASSERT_EQ(p.send(p.b, p.a, {4}), Status::kOk);
  EXPECT_EQ(p.a.wire[0], kControlRekey);
  u8 out[64];
  usize n = 0;
  ASSERT_EQ(p.b.s->poll_output(out, sizeof out, &n), Status::kOk);
  EXPECT_EQ(n, 0u);  // nothing more owed
  ASSERT_EQ(p.pump(), Status::kOk);
  EXPECT_EQ(p.a.received, Bytes{4});
}

TEST(TcpcryptSession, FinAndHalfClose) {
  Pair p;
  p.start_fresh();
  ASSERT_EQ(p.pump(), Status::kOk);
  Bytes last = {9, 9, 9};
  ASSERT_EQ(p.send(p.a, p.b, last, SendOptions{true, false, 0}), Status::kOk);
  ASSERT_EQ(p.pump(), Status::kOk);
  EXPECT_TRUE(p.b.eof);
  EXPECT_FALSE(p.a.eof);
  EXPECT_EQ(p.b.s->on_peer_fin(), Status::kOk);  // FIN after the FINp frame: EOF
  u8 fr[64];
  usize n = 0;
  EXPECT_EQ(p.a.s->seal(last.data(), 1, {}, fr, sizeof fr, &n), Status::kSendAfterFin);
  EXPECT_EQ(p.a.s->initiate_rekey(), Status::kSendAfterFin);
  // Half-close: B keeps sending; a rekey from B is not answered by A,
  // whose FIN is out.
  ASSERT_EQ(p.b.s->initiate_rekey(), Status::kOk);
  ASSERT_EQ(p.send(p.b, p.a, {5, 6}), Status::kOk);
  ASSERT_EQ(p.deliver(p.a, p.b), Status::kOk);
  EXPECT_TRUE(p.b.wire.empty());
  EXPECT_EQ(p.a.received, (Bytes{5, 6}));
  ASSERT_EQ(p.send(p.b, p.a, {7}, SendOptions{true, false, 0}), Status::kOk);
  ASSERT_EQ(p.pump(), Status::kOk);
  EXPECT_TRUE(p.a.eof);
  EXPECT_EQ(p.a.s->on_peer_fin(), Status::kOk);
}

TEST(TcpcryptSession, FinWithoutFinpIsNotEof) {
  Pair p;
  p.start_fresh();
  ASSERT_EQ(p.pump(), Status::kOk);
  ASSERT_EQ(p.send(p.a, p.b, {1, 2, 3}), Status::kOk);
  ASSERT_EQ(p.pump(), Status::kOk);
  EXPECT_EQ(p.b.s->on_peer_fin(), Status::kFinWithoutFinp);
  EXPECT_TRUE(p.b.s->failed());
  EXPECT_EQ(p.b.s->failure(), Status::kFinWithoutFinp);
  u8 x[8];
  usize n = 0;
  EXPECT_EQ(p.b.s->session_id(x, sizeof x, &n), Status::kNoSessionId);
  EXPECT_EQ(p.b.s->seal(x, 1, {}, x, sizeof x, &n), Status::kAborted);
  EXPECT_EQ(p.b.s->on_peer_fin(), Status::kAborted);
}

TEST(TcpcryptSession, FinInsideAFinpFrameIsTruncation) {
  Pair p;
  p.start_fresh();
  ASSERT_EQ(p.pump(), Status::kOk);
  ASSERT_EQ(p.send(p.a, p.b, {1, 2, 3}, SendOptions{true, false, 0}), Status::kOk);
  // Only part of the FINp frame arrives before the FIN.
  usize used = 0;
  RecvEvent ev{};
  ASSERT_EQ(p.b.s->receive(p.b.wire.data(), 5, &used, &ev), Status::kNeedMore);
  EXPECT_EQ(p.b.s->on_peer_fin(), Status::kFinWithoutFinp);
}

TEST(TcpcryptSession, DataAfterFinpAborts) {
  Pair p;
  p.start_fresh();
  ASSERT_EQ(p.pump(), Status::kOk);
  ASSERT_EQ(p.send(p.a, p.b, {1}, SendOptions{true, false, 0}), Status::kOk);
  p.b.wire.push_back(0);  // one stray byte after the FINp frame
  EXPECT_EQ(p.deliver(p.b, p.a), Status::kDataAfterFinp);
  EXPECT_TRUE(p.b.eof);  // the FINp frame itself was delivered first
}

TEST(TcpcryptSession, UrgentFieldTravels) {
  Pair p;
  p.start_fresh();
  ASSERT_EQ(p.pump(), Status::kOk);
  Bytes frame(64);
  usize n = 0;
  u8 d[3] = {1, 2, 3};
  ASSERT_EQ(p.a.s->seal(d, 3, SendOptions{false, true, 2}, frame.data(), frame.size(), &n), Status::kOk);
  usize used = 0;
  RecvEvent ev{};
  ASSERT_EQ(p.b.s->receive(frame.data(), n, &used, &ev), Status::kOk);
  EXPECT_TRUE(ev.urgent);
  EXPECT_EQ(ev.urgent_ptr, 2);
  EXPECT_EQ(ev.data_len, 3u);
  EXPECT_EQ(ev.frame_offset, 79u);  // after Init1 with three AEADs
}

TEST(TcpcryptSession, SealLimits) {
  Pair p;
  p.start_fresh();
  u8 fr[64];
  usize n = 0;
  EXPECT_EQ(p.b.s->seal(fr, 1, {}, fr, sizeof fr, &n), Status::kNotReady);
  ASSERT_EQ(p.pump(), Status::kOk);
  Bytes big(kMaxDataLen + 1), out(kMaxFrameLen + 10);
  EXPECT_EQ(p.a.s->seal(big.data(), big.size(), {}, out.data(), out.size(), &n), Status::kFrameTooLarge);
  EXPECT_EQ(p.a.s->seal(big.data(), kMaxDataLen - 1, SendOptions{false, true, 0}, out.data(), out.size(), &n),
            Status::kFrameTooLarge);
  ASSERT_EQ(p.a.s->seal(big.data(), kMaxDataLen, {}, out.data(), out.size(), &n), Status::kOk);
  EXPECT_EQ(n, kMaxFrameLen);
  EXPECT_EQ(p.a.s->seal(big.data(), 100, {}, fr, sizeof fr, &n), Status::kBufferTooSmall);
}

// Every byte of a frame flipped (each bit position in turn): the receiver
// fails with an abort code and never releases a byte of that frame.
TEST(TcpcryptSession, EveryFlippedFrameByteFailsAndDeliversNothing) {
  for (u16 aead : {0x0001, 0x0002, 0x0010}) {
    Bytes clean;
    {
      Pair p(aead);
      p.start_fresh(TCPINC_CORE_KEX_X25519, {aead}, {aead});
      ASSERT_EQ(p.pump(), Status::kOk);
      ASSERT_EQ(p.send(p.a, p.b, Bytes(24, 0x5a), SendOptions{true, true, 3}), Status::kOk);
      clean = p.b.wire;
    }
    for (usize i = 0; i < clean.size(); i++) {
      SCOPED_TRACE(testing::Message() << "aead " << aead << " byte " << i);
      Pair p(aead);  // same seed: same keys only if keygen were seeded; use a new pair and re-seal
      p.start_fresh(TCPINC_CORE_KEX_X25519, {aead}, {aead});
      ASSERT_EQ(p.pump(), Status::kOk);
      ASSERT_EQ(p.send(p.a, p.b, Bytes(24, 0x5a), SendOptions{true, true, 3}), Status::kOk);
      Bytes wire = p.b.wire;
      wire[i] ^= static_cast<u8>(1u << (i % 8));
      p.b.wire = wire;
      // A following valid-looking tail makes sure a lengthened clen cannot
      // just wait forever; then the FIN arrives.
      p.b.wire.insert(p.b.wire.end(), 70000, 0);
      Status st = p.deliver(p.b, p.a);
      if (st == Status::kOk) st = p.b.s->on_peer_fin();
      EXPECT_TRUE(is_abort(st)) << static_cast<int>(st);
      EXPECT_TRUE(st == Status::kAuthFailure || st == Status::kBadFrame) << static_cast<int>(st);
      EXPECT_TRUE(p.b.received.empty());
      EXPECT_FALSE(p.b.eof);
      EXPECT_EQ(p.b.frames, 0);
      EXPECT_FALSE(p.b.delivered_after_error);
    }
  }
}

// --- distinct errors for each abort ------------------------------------------

namespace {

// fresh_b - a B session and a valid Init1 from a real A to mutate.
struct InitFixture {
  Pair p;
  Bytes init1;
  explicit InitFixture(u8 kex = TCPINC_CORE_KEX_X25519, std::vector<u16> b_aeads = {1}) {
    p.start_fresh(kex, {1, 2}, b_aeads);
    init1 = p.b.wire;
    p.b.wire.clear();
  }
  Status feed_b(const Bytes& m) {
    p.b.wire = m;
    return p.deliver(p.b, p.a);
  }
};

}  // namespace

TEST(TcpcryptErrors, MalformedInit1) {
  InitFixture f;
  Bytes m = f.init1;
  m[1] ^= 1;  // bad magic, caught on its first bytes
  EXPECT_EQ(f.feed_b(m), Status::kMalformedInit);
  InitFixture g;
  m = g.init1;
  m[8] = 0;  // nciphers = 0
  EXPECT_EQ(g.feed_b(m), Status::kMalformedInit);
  InitFixture h;
  m = h.init1;
  m[7] = 10;  // message_len below the fixed fields
  EXPECT_EQ(h.feed_b(m), Status::kMalformedInit);
  InitFixture k;
  m = k.init1;
  m[8] = 40;  // nciphers runs past the end
  EXPECT_EQ(k.feed_b(m), Status::kMalformedInit);
}

TEST(TcpcryptErrors, OversizedInit1) {
  InitFixture f;
  Bytes m = f.init1;
  m[4] = 0;
  m[5] = 1;
  m[6] = 0;
  m[7] = 1;  // 65537 bytes
  EXPECT_EQ(f.feed_b(m), Status::kOversizedInit);
}

TEST(TcpcryptErrors, NoCommonAead) {
  InitFixture f(TCPINC_CORE_KEX_X25519, {0x10});
  EXPECT_EQ(f.feed_b(f.init1), Status::kNoCommonAead);
}

TEST(TcpcryptErrors, UnofferedAeadInInit2) {
  Pair p;
  p.start_fresh(TCPINC_CORE_KEX_X25519, {1}, {1});
  ASSERT_EQ(p.deliver(p.b, p.a), Status::kOk);
  Bytes init2 = p.a.wire;
  init2[9] = 0x02;  // sym_cipher = AES-256-GCM, which A did not offer
  p.a.wire = init2;
  EXPECT_EQ(p.deliver(p.a, p.b), Status::kUnofferedAead);
}

TEST(TcpcryptErrors, InvalidP256PublicKey) {
  InitFixture f(TCPINC_CORE_KEX_P256);
  Bytes m = f.init1;
  // The point's prefix byte (after 2-byte length) made invalid: 0x05.
  m[m.size() - 33] = 0x05;
  EXPECT_EQ(f.feed_b(m), Status::kInvalidPublicKey);
  InitFixture g(TCPINC_CORE_KEX_P256);
  m = g.init1;
  // An x with no point on the curve: try x values until decoding fails.
  Bytes bad = m;
  for (int x = 0; x < 64; x++) {
    bad = m;
    for (usize i = bad.size() - 32; i < bad.size(); i++) bad[i] = static_cast<u8>(x);
    if (tcpinc_test::openssl_crypto_ops()->kex_validate(nullptr, TCPINC_CORE_KEX_P256, bad.data() + bad.size() - 33, 33) != 0)
      break;
  }
  EXPECT_EQ(g.feed_b(bad), Status::kInvalidPublicKey);
  InitFixture h(TCPINC_CORE_KEX_P256);
  m = h.init1;
  m[m.size() - 34] = 65;  // claims an uncompressed (65-byte) point
  EXPECT_EQ(h.feed_b(m), Status::kMalformedInit);
  InitFixture k(TCPINC_CORE_KEX_P256);
  m = k.init1;
  m[m.size() - 34] = 32;  // fits, but is not a compressed point length
  EXPECT_EQ(k.feed_b(m), Status::kInvalidPublicKey);
}

TEST(TcpcryptErrors, AllZeroX25519Secret) {
  InitFixture f;
  Bytes m = f.init1;
  // A small-order point (u = 0) makes the shared secret all zero.
  std::fill(m.end() - 32, m.end(), 0);
  EXPECT_EQ(f.feed_b(m), Status::kZeroSecret);
  InitFixture g;
  m = g.init1;
  std::fill(m.end() - 32, m.end(), 0);
  m[m.size() - 32] = 1;  // u = 1, also small order
  EXPECT_EQ(g.feed_b(m), Status::kZeroSecret);
}

TEST(TcpcryptErrors, BadFrameHeader) {
  Pair p;
  p.start_fresh();
  ASSERT_EQ(p.pump(), Status::kOk);
  p.b.wire = {0x00, 0x00, 0x10};  // clen 16 < flags + tag
  EXPECT_EQ(p.deliver(p.b, p.a), Status::kBadFrame);
}

TEST(TcpcryptErrors, AllAbortCodesAreDistinct) {
  const Status all[] = {Status::kCryptoFailure, Status::kMalformedInit,  Status::kOversizedInit,
                        Status::kUnofferedAead, Status::kNoCommonAead,   Status::kInvalidPublicKey,
                        Status::kZeroSecret,    Status::kAuthFailure,    Status::kBadFrame,
                        Status::kFinWithoutFinp, Status::kDataAfterFinp, Status::kAborted};
  for (usize i = 0; i < std::size(all); i++) {
    EXPECT_TRUE(is_abort(all[i]));
    for (usize j = i + 1; j < std::size(all); j++) EXPECT_NE(all[i], all[j]);
  }
  EXPECT_FALSE(is_abort(Status::kOk));
  EXPECT_FALSE(is_abort(Status::kNeedMore));
}

TEST(TcpcryptErrors, BadConfigurations) {
  SessionPtr s(new Session());
  SessionConfig c{};
  u16 bad_aead = 0x0003;
  c.hs = {Role::kA, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, &bad_aead, 1};
  EXPECT_EQ(s->start(ops(), c), Status::kBadArgument);
  SessionPtr t(new Session());
  u16 ok_aead = 1;
  c.hs = {Role::kA, 0x22, kTranscript, sizeof kTranscript, &ok_aead, 1};  // P-521 not built
  EXPECT_EQ(t->start(ops(), c), Status::kBadArgument);
  SessionPtr u(new Session());
  tcpinc_core_crypto_ops partial = *ops();
  partial.kex_validate = nullptr;
  c.hs.kex = TCPINC_CORE_KEX_X25519;
  EXPECT_EQ(u->start(&partial, c), Status::kBadArgument);
  u8 buf[8];
  usize n = 0;
  RecvEvent ev{};
  EXPECT_EQ(u->receive(buf, 1, &n, &ev), Status::kNotReady);
}

// Init1 can be polled in pieces; an owed rekey answer is never split: with
// too little room poll_output says so and keeps owing it.
TEST(TcpcryptSession, PollOutputInPieces) {
  std::vector<u16> aeads = {1};
  SessionConfig ca{}, cb{};
  ca.hs = {Role::kA, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, aeads.data(), 1};
  cb.hs = {Role::kB, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, aeads.data(), 1};
  ca.tep_byte = cb.tep_byte = 0x23;
  SessionPtr a(new Session()), b(new Session());
  ASSERT_EQ(a->start(ops(), ca), Status::kOk);
  ASSERT_EQ(b->start(ops(), cb), Status::kOk);
  u8 init1[128];
  usize n = 0, one = 0, used = 0;
  ASSERT_EQ(a->poll_output(init1, 74, &n), Status::kOk);
  ASSERT_EQ(n, 74u);
  ASSERT_EQ(a->poll_output(init1 + 74, 1, &one), Status::kOk);
  ASSERT_EQ(one, 1u);
  RecvEvent ev{};
  ASSERT_EQ(b->receive(init1, 75, &used, &ev), Status::kOk);
  ASSERT_TRUE(ev.established);
  u8 wire[256];
  usize w = 0, f = 0;
  ASSERT_EQ(b->poll_output(wire, sizeof wire, &w), Status::kOk);  // Init2
  ASSERT_EQ(b->initiate_rekey(), Status::kOk);
  ASSERT_EQ(b->seal(nullptr, 0, {}, wire + w, sizeof wire - w, &f), Status::kOk);
  for (usize off = 0; off < w + f; off += used) ASSERT_EQ(a->receive(wire + off, w + f - off, &used, &ev), Status::kOk);
  u8 out[64];
  usize got = 0;
  EXPECT_EQ(a->poll_output(out, 5, &got), Status::kBufferTooSmall);
  EXPECT_EQ(got, 0u);
  ASSERT_EQ(a->poll_output(out, sizeof out, &got), Status::kOk);
  EXPECT_EQ(got, kFrameOverhead);
  EXPECT_EQ(out[0], kControlRekey);
  ASSERT_EQ(b->receive(out, got, &used, &ev), Status::kOk);
  EXPECT_TRUE(ev.rekeyed);
}

// There is no key confirmation (RFC 8548 section 8): a transcript or Init
// altered in transit shows up as the first frame failing authentication.
TEST(TcpcryptSession, AlteredTranscriptOrInitFailsTheFirstFrame) {
  for (int variant = 0; variant < 2; variant++) {
    SCOPED_TRACE(variant);
    std::vector<u16> aeads = {1};
    const u8 other[] = {0x45, 0x04, 0x21, 0x23, 0x45, 0x04, 0x01, 0x21};
    SessionConfig ca{}, cb{};
    ca.hs = {Role::kA, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, aeads.data(), 1};
    cb.hs = {Role::kB, TCPINC_CORE_KEX_X25519, variant == 0 ? other : kTranscript, 8, aeads.data(), 1};
    ca.tep_byte = cb.tep_byte = 0x23;
    SessionPtr a(new Session()), b(new Session());
    ASSERT_EQ(a->start(ops(), ca), Status::kOk);
    ASSERT_EQ(b->start(ops(), cb), Status::kOk);
    Bytes wire(200);
    usize n = 0, used = 0;
    ASSERT_EQ(a->poll_output(wire.data(), wire.size(), &n), Status::kOk);
    wire.resize(n);
    if (variant == 1) {
      // A middlebox appends "ignored" bytes to Init1 and fixes message_len.
      wire.push_back(0xee);
      wire[7]++;
    }
    RecvEvent ev{};
    ASSERT_EQ(b->receive(wire.data(), wire.size(), &used, &ev), Status::kOk);
    u8 out[128];
    ASSERT_EQ(b->poll_output(out, sizeof out, &n), Status::kOk);
    ASSERT_EQ(a->receive(out, n, &used, &ev), Status::kOk);
    u8 msg[3] = {1, 2, 3};
    ASSERT_EQ(a->seal(msg, 3, {}, out, sizeof out, &n), Status::kOk);
    EXPECT_EQ(b->receive(out, n, &used, &ev), Status::kAuthFailure);
    EXPECT_EQ(ev.data_len, 0u);
    EXPECT_FALSE(ev.frame);
  }
}
