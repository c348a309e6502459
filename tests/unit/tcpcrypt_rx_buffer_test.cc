// SPDX-License-Identifier: GPL-2.0
// The receive buffer a session takes from the provider per Init or frame:
// an idle session holds none, a frame cut at any byte opens to the same
// plaintext, the largest frame RFC 8548 allows (64 KiB) and long runs of
// 1-byte frames work, and a provider with no memory stalls the session
// (kNoMemory) without losing a byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "crypto_openssl.h"
#include "session_fixture.h"
#include "tcpcrypt_session.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;
using tcpinc_test::Bytes;
using tcpinc_test::kTranscript;
using tcpinc_test::ops;
using tcpinc_test::openssl_live_rx_buffers;
using tcpinc_test::openssl_rx_buffer_bytes;
using tcpinc_test::SessionPtr;

namespace {

const u16 kAeads[] = {TCPINC_CORE_AEAD_AES_128_GCM};

// A fresh X25519 pair, established through exchange(); b_ops may replace
// the provider of the receiving side (b).
struct Pair {
  SessionPtr a{new Session()}, b{new Session()};

  explicit Pair(const CryptoOps* b_ops = ops()) {
    SessionConfig ca{}, cb{};
    ca.hs = {Role::kA, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, kAeads, 1};
    cb.hs = {Role::kB, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, kAeads, 1};
    ca.tep_byte = cb.tep_byte = TCPINC_CORE_KEX_X25519;
    EXPECT_EQ(a->start(ops(), ca), Status::kOk);
    EXPECT_EQ(b->start(b_ops, cb), Status::kOk);
    tcpinc_test::exchange(a.get(), b.get());
    EXPECT_TRUE(a->established() && b->established());
  }
};

Bytes pattern(usize n, u8 seed) {
  Bytes d(n);
  for (usize i = 0; i < n; i++) d[i] = static_cast<u8>(seed + i * 7 + (i >> 8));
  return d;
}

Bytes seal(Session* s, const Bytes& data) {
  Bytes f(kMaxFrameLen);
  usize n = 0;
  EXPECT_EQ(s->seal(data.data(), data.size(), SendOptions{}, f.data(), f.size(), &n), Status::kOk);
  f.resize(n);
  return f;
}

// feed - wire to s in the pieces that cuts give (each cut a position in
// wire, ascending); the plaintext of every frame opened, in order. Each
// event's data is read and released (rx_done) before the next call, as the
// kernel glue does.
Bytes feed(Session* s, const Bytes& wire, const std::vector<usize>& cuts, int* frames) {
  Bytes out;
  usize start = 0;
  std::vector<usize> ends = cuts;
  ends.push_back(wire.size());
  for (usize end : ends) {
    usize off = start;
    for (int guard = 0; off < end && guard < 100000; guard++) {
      usize used = 0;
      RecvEvent ev{};
      Status st = s->receive(wire.data() + off, end - off, &used, &ev);
      EXPECT_TRUE(st == Status::kOk || st == Status::kNeedMore) << int(st);
      if (st != Status::kOk && st != Status::kNeedMore) return out;
      off += used;
      if (ev.frame) {
        ++*frames;
        out.insert(out.end(), ev.data, ev.data + ev.data_len);
        s->rx_done();
        EXPECT_EQ(openssl_live_rx_buffers(), 0) << "a read frame keeps no buffer";
      }
      if (st == Status::kNeedMore) break;
    }
    EXPECT_EQ(off, end);
    start = end;
  }
  return out;
}

TEST(TcpcryptRxBuffer, IdleSessionHoldsNoBuffer) {
  Pair p;
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
  Bytes data = pattern(1000, 1);
  Bytes wire = seal(p.a.get(), data);
  // Half a frame: one buffer, of the whole frame's size.
  usize used = 0;
  RecvEvent ev{};
  EXPECT_EQ(p.b->receive(wire.data(), 10, &used, &ev), Status::kNeedMore);
  EXPECT_EQ(openssl_live_rx_buffers(), 1);
  EXPECT_EQ(openssl_rx_buffer_bytes(), static_cast<long>(wire.size()));
  p.b->rx_done();  // mid-frame: a no-op
  EXPECT_EQ(openssl_live_rx_buffers(), 1);
  EXPECT_EQ(p.b->receive(wire.data() + 10, wire.size() - 10, &used, &ev), Status::kOk);
  ASSERT_TRUE(ev.frame);
  EXPECT_EQ(Bytes(ev.data, ev.data + ev.data_len), data);
  p.b->rx_done();
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
  // A whole frame in one piece: a buffer for the plaintext only, until read.
  wire = seal(p.a.get(), data);
  EXPECT_EQ(p.b->receive(wire.data(), wire.size(), &used, &ev), Status::kOk);
  EXPECT_EQ(openssl_rx_buffer_bytes(), static_cast<long>(wire.size() - kFrameHeaderLen - kAeadTagLen));
  EXPECT_EQ(Bytes(ev.data, ev.data + ev.data_len), data);
  p.b->rx_done();
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
}

TEST(TcpcryptRxBuffer, EmptyFramesKeepNoBuffer) {
  Pair p;
  // A rekey frame carries no data: nothing to read, so nothing kept.
  Bytes f(kMaxFrameLen);
  usize n = 0, used = 0;
  ASSERT_EQ(p.a->keepalive(f.data(), f.size(), &n), Status::kOk);
  RecvEvent ev{};
  ASSERT_EQ(p.b->receive(f.data(), n, &used, &ev), Status::kOk);
  EXPECT_TRUE(ev.frame && ev.rekeyed);
  EXPECT_EQ(ev.data_len, 0u);
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
}

// Every cut of a frame (header, flags byte, data, tag), one cut per frame,
// for frames of 1, 2, 3, 17 and 1000 data bytes, and every 13th cut of a
// 16,300-byte frame (the kernel's own size).
TEST(TcpcryptRxBuffer, FrameCutAtEveryByte) {
  for (usize len : {1, 2, 3, 17, 1000, 16300}) {
    Pair p;
    usize stride = len > 1000 ? 13 : 1;
    Bytes want, wire;
    std::vector<usize> cuts;
    u8 seed = 0;
    usize flen = len + kFrameOverhead;
    for (usize cut = 1; cut < flen; cut += stride) {
      Bytes d = pattern(len, seed++);
      Bytes f = seal(p.a.get(), d);
      ASSERT_EQ(f.size(), flen);
      cuts.push_back(wire.size() + cut);
      wire.insert(wire.end(), f.begin(), f.end());
      want.insert(want.end(), d.begin(), d.end());
    }
    int frames = 0;
    Bytes got = feed(p.b.get(), wire, cuts, &frames);
    EXPECT_EQ(frames, static_cast<int>(cuts.size())) << "data length " << len;
    EXPECT_TRUE(got == want) << "data length " << len;
    EXPECT_EQ(openssl_live_rx_buffers(), 0);
  }
}

// Two frames in one input, cut inside the second: the first opens straight
// from the input, the second is gathered.
TEST(TcpcryptRxBuffer, WholeFrameThenCutFrame) {
  Pair p;
  Bytes d1 = pattern(500, 3), d2 = pattern(700, 4);
  Bytes wire = seal(p.a.get(), d1), f2 = seal(p.a.get(), d2);
  wire.insert(wire.end(), f2.begin(), f2.end());
  int frames = 0;
  Bytes got = feed(p.b.get(), wire, {wire.size() - 5}, &frames);
  Bytes want = d1;
  want.insert(want.end(), d2.begin(), d2.end());
  EXPECT_EQ(frames, 2);
  EXPECT_TRUE(got == want);
}

// The largest frame (clen 65535: 65518 data bytes), whole and cut at sampled
// positions and byte by byte.
TEST(TcpcryptRxBuffer, LargestFrame) {
  Pair p;
  Bytes want, wire;
  std::vector<usize> cuts;
  const usize flen = kMaxDataLen + kFrameOverhead;
  ASSERT_EQ(flen, kMaxFrameLen);
  for (usize cut : {usize(0), usize(1), usize(2), usize(3), usize(4), usize(40000),
                    flen - 16, flen - 1}) {
    Bytes d = pattern(kMaxDataLen, static_cast<u8>(cut));
    Bytes f = seal(p.a.get(), d);
    ASSERT_EQ(f.size(), flen);
    if (cut) cuts.push_back(wire.size() + cut);
    wire.insert(wire.end(), f.begin(), f.end());
    want.insert(want.end(), d.begin(), d.end());
  }
  int frames = 0;
  Bytes got = feed(p.b.get(), wire, cuts, &frames);
  EXPECT_EQ(frames, 8);
  EXPECT_TRUE(got == want);
  // One byte per call: the buffer is taken once, at the third byte.
  Bytes d = pattern(kMaxDataLen, 99);
  Bytes f = seal(p.a.get(), d);
  std::vector<usize> every;
  for (usize i = 1; i < f.size(); i++) every.push_back(i);
  frames = 0;
  got = feed(p.b.get(), f, every, &frames);
  EXPECT_EQ(frames, 1);
  EXPECT_TRUE(got == d);
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
}

// 20,000 frames of one byte in one input, then the same again fed one byte
// per call.
TEST(TcpcryptRxBuffer, OneByteFrames) {
  Pair p;
  Bytes wire, want;
  for (int i = 0; i < 20000; i++) {
    Bytes d{static_cast<u8>(i * 31)};
    Bytes f = seal(p.a.get(), d);
    wire.insert(wire.end(), f.begin(), f.end());
    want.push_back(d[0]);
  }
  int frames = 0;
  Bytes got = feed(p.b.get(), wire, {}, &frames);
  EXPECT_EQ(frames, 20000);
  EXPECT_TRUE(got == want);
  Bytes wire2, want2;
  for (int i = 0; i < 2000; i++) {
    Bytes d{static_cast<u8>(i * 17)};
    Bytes f = seal(p.a.get(), d);
    wire2.insert(wire2.end(), f.begin(), f.end());
    want2.push_back(d[0]);
  }
  std::vector<usize> every;
  for (usize i = 1; i < wire2.size(); i++) every.push_back(i);
  frames = 0;
  got = feed(p.b.get(), wire2, every, &frames);
  EXPECT_EQ(frames, 2000);
  EXPECT_TRUE(got == want2);
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
}

// A provider out of memory: receive answers kNoMemory, keeps what it took
// (the header) and nothing else, and the same bytes open once memory is back.
int g_fail_allocs = 0;
void* failing_alloc(void* ctx, tcpinc_usize len) {
  if (g_fail_allocs > 0) {
    g_fail_allocs--;
    return nullptr;
  }
  return ops()->mem_alloc(ctx, len);
}

TEST(TcpcryptRxBuffer, NoMemoryStallsWithoutLoss) {
  CryptoOps flaky = *ops();
  flaky.mem_alloc = failing_alloc;
  Pair p(&flaky);
  Bytes d = pattern(3000, 5);
  Bytes f = seal(p.a.get(), d);
  // Whole frame, no memory: nothing consumed.
  g_fail_allocs = 1;
  usize used = 99;
  RecvEvent ev{};
  EXPECT_EQ(p.b->receive(f.data(), f.size(), &used, &ev), Status::kNoMemory);
  EXPECT_EQ(used, 0u);
  EXPECT_FALSE(ev.frame);
  EXPECT_FALSE(p.b->failed());
  // Cut frame, no memory: the header is taken (kept in the session).
  g_fail_allocs = 1;
  EXPECT_EQ(p.b->receive(f.data(), 100, &used, &ev), Status::kNoMemory);
  EXPECT_EQ(used, kFrameHeaderLen);
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
  // Memory again: the rest of the frame opens to the same bytes.
  int frames = 0;
  Bytes rest(f.begin() + kFrameHeaderLen, f.end());
  Bytes got = feed(p.b.get(), rest, {50}, &frames);
  EXPECT_EQ(frames, 1);
  EXPECT_TRUE(got == d);
  EXPECT_EQ(g_fail_allocs, 0);
}

// destroy() gives back a buffer in use, mid-frame or unread.
TEST(TcpcryptRxBuffer, DestroyFreesBuffer) {
  {
    Pair p;
    Bytes f = seal(p.a.get(), pattern(100, 6));
    usize used = 0;
    RecvEvent ev{};
    EXPECT_EQ(p.b->receive(f.data(), 50, &used, &ev), Status::kNeedMore);
    EXPECT_EQ(openssl_live_rx_buffers(), 1);
  }
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
  {
    Pair p;
    Bytes f = seal(p.a.get(), pattern(100, 7));
    usize used = 0;
    RecvEvent ev{};
    EXPECT_EQ(p.b->receive(f.data(), f.size(), &used, &ev), Status::kOk);
    EXPECT_EQ(openssl_live_rx_buffers(), 1);  // unread plaintext
  }
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
}

// A frame that fails authentication: the session is wiped, buffer freed.
TEST(TcpcryptRxBuffer, AuthFailureFreesBuffer) {
  for (usize cut : {usize(0), usize(30)}) {
    Pair p;
    Bytes f = seal(p.a.get(), pattern(100, 8));
    f[f.size() - 1] ^= 1;
    int frames = 0;
    usize used = 0;
    RecvEvent ev{};
    Status st = Status::kOk;
    if (cut) {
      EXPECT_EQ(p.b->receive(f.data(), cut, &used, &ev), Status::kNeedMore);
      st = p.b->receive(f.data() + cut, f.size() - cut, &used, &ev);
    } else {
      st = p.b->receive(f.data(), f.size(), &used, &ev);
    }
    EXPECT_EQ(st, Status::kAuthFailure);
    EXPECT_EQ(frames, 0);
    EXPECT_EQ(openssl_live_rx_buffers(), 0);
  }
}

// feed_segs - wire to s as the kernel glue hands an skb over: as pieces
// (cut at cuts), from the current position on, all remaining pieces per
// call. Counts the frames opened where they lay (the buffer taken was the
// plaintext's size although the frame was not whole in the first piece).
Bytes feed_segs(Session* s, const Bytes& wire, const std::vector<usize>& cuts, int* frames,
                int* in_place) {
  std::vector<usize> ends = cuts;
  ends.push_back(wire.size());
  Bytes out;
  usize pos = 0;
  for (int guard = 0; pos < wire.size() && guard < 100000; guard++) {
    std::vector<tcpinc_core_seg> segs;
    usize from = pos;
    for (usize e : ends) {
      if (e <= from) continue;
      segs.push_back({wire.data() + from, e - from});
      from = e;
    }
    usize used = 0;
    RecvEvent ev{};
    long before = openssl_rx_buffer_bytes();
    Status st = s->receive_segs(segs.data(), segs.size(), &used, &ev);
    EXPECT_TRUE(st == Status::kOk || st == Status::kNeedMore) << int(st);
    if (st != Status::kOk && st != Status::kNeedMore) return out;
    if (ev.frame) {
      ++*frames;
      if (before == 0 && segs[0].len < used && used == ev.data_len + kFrameOverhead)
        *in_place += openssl_rx_buffer_bytes() == static_cast<long>(used - kFrameHeaderLen - kAeadTagLen);
      out.insert(out.end(), ev.data, ev.data + ev.data_len);
      s->rx_done();
    }
    EXPECT_GT(used, 0u);
    if (!used) break;
    pos += used;
  }
  EXPECT_EQ(pos, wire.size());
  return out;
}

// Frames handed over in pieces (an skb's linear part and page fragments):
// one lying across pieces is opened where it lies, into a buffer of its
// plaintext's size; the header, the flags byte and the tag may each be cut.
TEST(TcpcryptRxBuffer, FrameAcrossPiecesOpensWhereItLies) {
  for (usize len : {1, 17, 1000, 16300}) {
    Pair p;
    Bytes want, wire;
    std::vector<usize> cuts;
    usize flen = len + kFrameOverhead;
    int n = 0;
    // One frame per cut position class: in the header, at the flags byte,
    // in the data, in the tag, plus three cuts within one frame.
    for (usize cut : {usize(1), usize(2), usize(3), usize(4), flen / 2, flen - 16, flen - 1}) {
      Bytes d = pattern(len, static_cast<u8>(n++));
      Bytes f = seal(p.a.get(), d);
      cuts.push_back(wire.size() + cut);
      if (cut == flen / 2 && flen > 8) {
        cuts.push_back(wire.size() + cut + 1);
        cuts.push_back(wire.size() + flen - 2);
      }
      wire.insert(wire.end(), f.begin(), f.end());
      want.insert(want.end(), d.begin(), d.end());
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    int frames = 0, in_place = 0;
    Bytes got = feed_segs(p.b.get(), wire, cuts, &frames, &in_place);
    EXPECT_EQ(frames, 7) << "data length " << len;
    EXPECT_TRUE(got == want) << "data length " << len;
    EXPECT_EQ(in_place, 7) << "data length " << len;
    EXPECT_EQ(openssl_live_rx_buffers(), 0);
  }
}

// A frame not whole in the pieces handed over is gathered as receive()
// gathers it, and a tampered frame across pieces fails authentication.
TEST(TcpcryptRxBuffer, PiecesShortOfAFrameAndTampering) {
  Pair p;
  Bytes d = pattern(5000, 9);
  Bytes f = seal(p.a.get(), d);
  tcpinc_core_seg segs[2] = {{f.data(), 100}, {f.data() + 100, 1000}};
  usize used = 0;
  RecvEvent ev{};
  EXPECT_EQ(p.b->receive_segs(segs, 2, &used, &ev), Status::kNeedMore);
  EXPECT_EQ(used, 100u);  // only the first piece: the frame is gathered
  tcpinc_core_seg rest[2] = {{f.data() + 100, 1000}, {f.data() + 1100, f.size() - 1100}};
  usize used2 = 0;
  EXPECT_EQ(p.b->receive_segs(rest, 2, &used2, &ev), Status::kNeedMore);
  EXPECT_EQ(used2, 1000u);
  EXPECT_EQ(p.b->receive_segs(rest + 1, 1, &used2, &ev), Status::kOk);
  ASSERT_TRUE(ev.frame);
  EXPECT_EQ(Bytes(ev.data, ev.data + ev.data_len), d);
  p.b->rx_done();
  Bytes g = seal(p.a.get(), d);
  g[2000] ^= 0x40;
  tcpinc_core_seg bad[3] = {{g.data(), 10}, {g.data() + 10, 3000}, {g.data() + 3010, g.size() - 3010}};
  EXPECT_EQ(p.b->receive_segs(bad, 3, &used, &ev), Status::kAuthFailure);
  EXPECT_FALSE(ev.frame);
  EXPECT_EQ(openssl_live_rx_buffers(), 0);
}

}  // namespace
