// SPDX-License-Identifier: GPL-2.0
// Rekey answers, one rekey-bit frame per generation step (RFC 8548
// section 3.8), answered even while the peer keeps asking.
//
// A peer may start a rekey with every data frame while its last one is
// unanswered: the RFC forbids only concurrent rekeys by *empty* frames. Our
// own Session never does that (initiate_rekey answers kRekeyPending), so
// the peer here is X, a small independent model of such an implementation
// built from the core's primitives (handshake, key schedule, frames): it
// seals k rekey frames back to back, and it follows the remote generation
// one step per rekey bit, as any peer does. Y is a real Session whose
// transmit is "blocked": it opens all of X's frames before it seals or
// polls anything. Then Y sends, and X must open every frame: Y's send
// generation has to advance exactly one step per rekey-bit frame it seals.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include "crypto_openssl.h"
#include "tcpcrypt_frame.h"
#include "tcpcrypt_handshake.h"
#include "tcpcrypt_key_schedule.h"
#include "tcpcrypt_rekey.h"
#include "tcpcrypt_session.h"
#include "session_fixture.h"

using namespace tcpinc;
using namespace tcpinc::tcpcrypt;
using tcpinc_test::Bytes;
using tcpinc_test::kTranscript;
using tcpinc_test::ops;
using tcpinc_test::SessionPtr;

namespace {

// RawPeer - X: one direction key per side, a generation counter per side,
// nothing else. It answers a rekey that puts Y ahead with its next frame
// (every round starts with a rekey frame, so that is always in time).
class RawPeer {
 public:
  ~RawPeer() {
    direction_release(*ops(), &send_);
    direction_release(*ops(), &recv_);
    handshake_wipe(&hs_);
  }

  // begin - handshake_begin for role; A's Init1 is then own_init().
  Status begin(Role role, const std::vector<u16>& aeads) {
    aeads_ = aeads;
    role_ = role;
    HandshakeConfig cfg{role,         TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript,
                        aeads_.data(), aeads_.size(),         nullptr,     nullptr,
                        nullptr};
    return handshake_begin(*ops(), cfg, &hs_);
  }
  Bytes own_init() const { return Bytes(hs_.own_init, hs_.own_init + hs_.own_init_len); }

  // on_peer_init - Y's whole Init1 (X is B) or Init2 (X is A): keys at
  // generation 0, offsets past both Init messages.
  Status on_peer_init(const Bytes& init) {
    u8 ss0[kKeyLen], mk0[kKeyLen];
    Status st = role_ == Role::kB
                    ? handshake_on_init1(*ops(), &hs_, init.data(), init.size(), ss0, &aead_)
                    : handshake_on_init2(*ops(), &hs_, init.data(), init.size(), ss0, &aead_);
    if (st != Status::kOk) return st;
    send_off_ = hs_.own_init_len;
    recv_off_ = init.size();
    st = first_mk(*ops(), ss0, nullptr, 0, mk0);
    const bool a = role_ == Role::kA;
    if (st == Status::kOk) st = direction_init(*ops(), aead_, mk0, a ? kConstKeyA : kConstKeyB, &send_);
    if (st == Status::kOk) st = direction_init(*ops(), aead_, mk0, a ? kConstKeyB : kConstKeyA, &recv_);
    return st;
  }

  // seal - one frame; with rekey the send generation steps first.
  Status seal(const Bytes& data, bool rekey, Bytes* wire) {
    if (rekey) {
      DirectionKeys next;
      Status st = direction_next(*ops(), send_, &next);
      if (st != Status::kOk) return st;
      direction_replace(*ops(), &send_, &next);
    }
    Bytes frame(sealed_frame_len(data.size(), false));
    usize n = 0;
    Status st = seal_frame(*ops(), send_.key, send_off_, SealFlags{rekey, false, false, 0},
                           data.data(), data.size(), frame.data(), frame.size(), &n);
    if (st != Status::kOk) return st;
    send_off_ += n;
    wire->insert(wire->end(), frame.begin(), frame.begin() + n);
    return Status::kOk;
  }

  // open_all - every frame in wire, in order, following the remote
  // generation one step per rekey bit. Counts frames and rekey bits.
  Status open_all(const Bytes& wire, Bytes* data, int* frames, int* rekey_bits) {
    usize pos = 0;
    while (pos < wire.size()) {
      FrameHeader h{};
      Status st = parse_frame_header(wire.data() + pos, wire.size() - pos, &h);
      if (st != Status::kOk) return st;
      const usize len = kFrameHeaderLen + h.clen;
      if (pos + len > wire.size()) return Status::kNeedMore;
      DirectionKeys next;
      const FrameKey* key = &recv_.key;
      if (h.rekey) {
        st = direction_next(*ops(), recv_, &next);
        if (st != Status::kOk) return st;
        key = &next.key;
      }
      Bytes plain(h.clen);
      OpenedFrame of{};
      st = open_frame(*ops(), *key, recv_off_, wire.data() + pos, len, plain.data(), &of);
      if (st != Status::kOk) {
        if (h.rekey) direction_release(*ops(), &next);
        return st;
      }
      if (h.rekey) direction_replace(*ops(), &recv_, &next);
      data->insert(data->end(), of.data, of.data + of.data_len);
      recv_off_ += len;
      pos += len;
      ++*frames;
      *rekey_bits += h.rekey;
    }
    return Status::kOk;
  }

  u64 send_generation() const { return send_.gen; }
  u64 recv_generation() const { return recv_.gen; }

 private:
  Role role_ = Role::kA;
  std::vector<u16> aeads_;
  Handshake hs_{};
  u16 aead_ = 0;
  DirectionKeys send_{};
  DirectionKeys recv_{};
  u64 send_off_ = 0;
  u64 recv_off_ = 0;
};

// Duo - X (raw) and Y (Session) after a fresh handshake; x_role is X's role.
struct Duo {
  RawPeer x;
  SessionPtr y{new Session()};
  std::mt19937_64 rng;
  std::vector<u16> y_aeads;

  explicit Duo(u64 seed) : rng(seed) {}

  void start(Role x_role) {
    const std::vector<u16> all = {1, 2, 0x10};
    y_aeads = {all[rng() % all.size()]};
    const Role y_role = x_role == Role::kA ? Role::kB : Role::kA;
    // X offers (as A) or prefers (as B) everything; Y's single AEAD decides.
    ASSERT_EQ(x.begin(x_role, all), Status::kOk);
    SessionConfig cy{};
    cy.hs = {y_role, TCPINC_CORE_KEX_X25519, kTranscript, sizeof kTranscript, y_aeads.data(),
             y_aeads.size()};
    cy.tep_byte = TCPINC_CORE_KEX_X25519;
    ASSERT_EQ(y->start(ops(), cy), Status::kOk);
    if (x_role == Role::kA) {
      ASSERT_EQ(feed_y(x.own_init()), Status::kOk);
      Bytes init2 = poll_y(4096);
      ASSERT_EQ(x.on_peer_init(init2), Status::kOk);
    } else {
      Bytes init1 = poll_y(4096);
      ASSERT_EQ(x.on_peer_init(init1), Status::kOk);
      ASSERT_EQ(feed_y(x.own_init()), Status::kOk);
    }
    ASSERT_TRUE(y->established());
    ASSERT_EQ(y->aead(), y_aeads[0]);
  }

  // feed_y - Y receives wire in random pieces; nothing is polled meanwhile.
  Status feed_y(const Bytes& wire, Bytes* data = nullptr, int* rekeys = nullptr) {
    usize pos = 0;
    while (pos < wire.size()) {
      usize piece = rng() % 3 == 0 ? 1 + rng() % 8 : wire.size() - pos;
      piece = std::min(piece, wire.size() - pos);
      usize used = 0;
      RecvEvent ev{};
      Status st = y->receive(wire.data() + pos, piece, &used, &ev);
      if (st != Status::kOk && st != Status::kNeedMore) return st;
      if (used == 0) return Status::kBadArgument;  // no progress: never spin
      if (ev.frame && data) data->insert(data->end(), ev.data, ev.data + ev.data_len);
      if (rekeys) *rekeys += ev.rekeyed;
      pos += used;
    }
    return Status::kOk;
  }

  // poll_y - whatever Y owes, with room for cap bytes per call.
  Bytes poll_y(usize cap) {
    Bytes out, buf(cap);
    for (;;) {
      usize n = 0;
      Status st = y->poll_output(buf.data(), buf.size(), &n);
      if (st != Status::kOk || n == 0) return out;
      out.insert(out.end(), buf.begin(), buf.begin() + n);
    }
  }

  Bytes random_bytes(usize n) {
    Bytes v(n);
    for (auto& b : v) b = static_cast<u8>(rng());
    return v;
  }
};

// Frames of a well-formed stream of frames, as (rekey bit, length).
std::vector<std::pair<bool, usize>> frames_of(const Bytes& wire) {
  std::vector<std::pair<bool, usize>> v;
  for (usize pos = 0; pos + kFrameHeaderLen <= wire.size();) {
    FrameHeader h{};
    if (parse_frame_header(wire.data() + pos, wire.size() - pos, &h) != Status::kOk) break;
    v.emplace_back(h.rekey, kFrameHeaderLen + h.clen);
    pos += kFrameHeaderLen + h.clen;
  }
  return v;
}

void burst_rounds(Role x_role, u64 seed, int rounds) {
  Duo d(seed);
  d.start(x_role);
  if (testing::Test::HasFatalFailure()) return;
  Bytes x_sent, y_got, y_sent, x_got;
  int k_above_one = 0;
  for (int round = 0; round < rounds; round++) {
    SCOPED_TRACE(testing::Message() << "seed " << seed << " round " << round);
    // X: k rekey frames back to back, with data, maybe plain frames between.
    const int k = 1 + static_cast<int>(d.rng() % 5);
    k_above_one += k > 1;
    Bytes to_y;
    for (int i = 0; i < k; i++) {
      Bytes m = d.random_bytes(d.rng() % 300);
      ASSERT_EQ(d.x.seal(m, true, &to_y), Status::kOk);
      x_sent.insert(x_sent.end(), m.begin(), m.end());
      if (d.rng() % 3 == 0) {
        Bytes p = d.random_bytes(d.rng() % 100);
        ASSERT_EQ(d.x.seal(p, false, &to_y), Status::kOk);
        x_sent.insert(x_sent.end(), p.begin(), p.end());
      }
    }
    // Y: transmit blocked; it opens everything first.
    const u64 y_local_before = d.y->local_generation();
    int y_rekeys_seen = 0;
    ASSERT_EQ(d.feed_y(to_y, &y_got, &y_rekeys_seen), Status::kOk);
    ASSERT_EQ(y_rekeys_seen, k);
    ASSERT_EQ(d.y->remote_generation(), d.x.send_generation());
    // What Y owes: the steps up to X's generation (fewer if Y's own rekey
    // of the last round already counted as one of them).
    const u64 owed = d.x.send_generation() - y_local_before;
    EXPECT_EQ(d.y->local_generation(), d.x.send_generation());
    // Y sends: data frames, owed answers polled with more or less room,
    // and (before a data frame) a rekey of its own when one may start.
    Bytes to_x;
    u64 own_rekeys = 0;
    const int actions = static_cast<int>(d.rng() % 6);
    for (int a = 0; a < actions; a++) {
      switch (d.rng() % 3) {
        case 0: {  // a data frame, maybe starting our own rekey
          if (d.rng() % 4 == 0) {
            const u64 before = d.y->local_generation();
            Status st = d.y->initiate_rekey();
            ASSERT_TRUE(st == Status::kOk || st == Status::kRekeyPending) << int(st);
            own_rekeys += d.y->local_generation() - before;
          }
          Bytes m = d.random_bytes(d.rng() % 200);
          Bytes fr(sealed_frame_len(m.size(), false));
          usize n = 0;
          ASSERT_EQ(d.y->seal(m.data(), m.size(), {}, fr.data(), fr.size(), &n), Status::kOk);
          to_x.insert(to_x.end(), fr.begin(), fr.begin() + n);
          y_sent.insert(y_sent.end(), m.begin(), m.end());
          break;
        }
        case 1: {  // poll with little room: whole frames or nothing
          Bytes out = d.poll_y(1 + d.rng() % (3 * kFrameOverhead));
          to_x.insert(to_x.end(), out.begin(), out.end());
          break;
        }
        default: {  // poll with plenty of room
          Bytes out = d.poll_y(4096);
          to_x.insert(to_x.end(), out.begin(), out.end());
          break;
        }
      }
    }
    Bytes rest = d.poll_y(4096);
    to_x.insert(to_x.end(), rest.begin(), rest.end());
    // Nothing owed is left behind, and what went out is one rekey bit per
    // generation step.
    u64 bits = 0;
    for (auto& [rekey, len] : frames_of(to_x)) bits += rekey;
    EXPECT_EQ(bits, owed + own_rekeys);
    EXPECT_EQ(d.y->local_generation(), y_local_before + bits);
    // X opens every frame of Y's, following one step per bit.
    int frames = 0, x_bits = 0;
    // As numbers: 39 is kAuthFailure.
    ASSERT_EQ(static_cast<int>(d.x.open_all(to_x, &x_got, &frames, &x_bits)), 0)
        << "X failed to open Y's frames: k " << k << ", Y went from generation "
        << y_local_before << " to " << d.y->local_generation() << " with "
        << bits << " rekey bit(s)";
    EXPECT_EQ(static_cast<u64>(x_bits), bits);
    EXPECT_EQ(d.x.recv_generation(), d.y->local_generation());
    EXPECT_EQ(d.x.recv_generation(), d.x.send_generation() + own_rekeys);
  }
  EXPECT_EQ(y_got, x_sent);
  EXPECT_EQ(x_got, y_sent);
  EXPECT_GT(k_above_one, rounds / 2);  // the case this is about did happen
}

}  // namespace

TEST(TcpcryptRekeyAnswer, BurstWhileBlockedXIsA) {
  for (u64 seed = 1; seed <= 4; seed++) {
    burst_rounds(Role::kA, seed, 50);
    if (HasFatalFailure()) return;
  }
}

TEST(TcpcryptRekeyAnswer, BurstWhileBlockedXIsB) {
  for (u64 seed = 11; seed <= 14; seed++) {
    burst_rounds(Role::kB, seed, 50);
    if (HasFatalFailure()) return;
  }
}

// Three rekeys back to back, nothing to send: poll_output owes three empty
// frames, each with the rekey bit, each one generation further.
TEST(TcpcryptRekeyAnswer, ThreeStepsThreeEmptyFrames) {
  Duo d(21);
  d.start(Role::kA);
  ASSERT_FALSE(HasFatalFailure());
  Bytes to_y;
  for (int i = 0; i < 3; i++) ASSERT_EQ(d.x.seal({u8(i)}, true, &to_y), Status::kOk);
  ASSERT_EQ(d.feed_y(to_y), Status::kOk);
  EXPECT_EQ(d.y->local_generation(), 3u);
  EXPECT_EQ(d.y->remote_generation(), 3u);
  // initiate_rekey adds nothing while steps are owed: the next frame
  // already carries a fresh generation.
  EXPECT_EQ(d.y->initiate_rekey(), Status::kOk);
  EXPECT_EQ(d.y->local_generation(), 3u);
  Bytes out = d.poll_y(4096);
  auto fr = frames_of(out);
  ASSERT_EQ(fr.size(), 3u);
  for (auto& [rekey, len] : fr) {
    EXPECT_TRUE(rekey);
    EXPECT_EQ(len, kFrameOverhead);
  }
  Bytes got;
  int frames = 0, bits = 0;
  ASSERT_EQ(d.x.open_all(out, &got, &frames, &bits), Status::kOk);
  EXPECT_EQ(bits, 3);
  EXPECT_EQ(d.x.recv_generation(), 3u);
  EXPECT_TRUE(d.poll_y(4096).empty());
  // Now even: Y may start one rekey of its own, and only one.
  EXPECT_EQ(d.y->initiate_rekey(), Status::kOk);
  EXPECT_EQ(d.y->local_generation(), 4u);
  EXPECT_TRUE(d.poll_y(4096).empty());  // our own rekey waits for data
}

// A keep-alive while two steps are owed seals one of them; poll_output
// sends the other. No step is lost, none is added.
TEST(TcpcryptRekeyAnswer, KeepaliveTakesOneOwedStep) {
  Duo d(22);
  d.start(Role::kB);
  ASSERT_FALSE(HasFatalFailure());
  Bytes to_y;
  for (int i = 0; i < 2; i++) ASSERT_EQ(d.x.seal({}, true, &to_y), Status::kOk);
  ASSERT_EQ(d.feed_y(to_y), Status::kOk);
  u8 ka[64];
  usize n = 0;
  ASSERT_EQ(d.y->keepalive(ka, sizeof ka, &n), Status::kOk);
  Bytes out(ka, ka + n);
  Bytes rest = d.poll_y(4096);
  out.insert(out.end(), rest.begin(), rest.end());
  auto fr = frames_of(out);
  ASSERT_EQ(fr.size(), 2u);
  EXPECT_TRUE(fr[0].first && fr[1].first);
  Bytes got;
  int frames = 0, bits = 0;
  ASSERT_EQ(d.x.open_all(out, &got, &frames, &bits), Status::kOk);
  EXPECT_EQ(d.x.recv_generation(), 2u);
  EXPECT_EQ(d.y->local_generation(), 2u);
  // Even again: the next keep-alive is a rekey of Y's own...
  ASSERT_EQ(d.y->keepalive(ka, sizeof ka, &n), Status::kOk);
  EXPECT_EQ(ka[0], kControlRekey);
  // ...and a second one must wait for X's answer (no empty-frame storm).
  EXPECT_EQ(d.y->keepalive(ka, sizeof ka, &n), Status::kRekeyPending);
}

// After our FIN nothing more may be sent: rekeys from the peer are opened
// and followed, but no answer is owed.
TEST(TcpcryptRekeyAnswer, NoAnswerAfterOurFin) {
  Duo d(23);
  d.start(Role::kA);
  ASSERT_FALSE(HasFatalFailure());
  u8 fr[64];
  usize n = 0;
  ASSERT_EQ(d.y->seal(nullptr, 0, SendOptions{true, false, 0}, fr, sizeof fr, &n), Status::kOk);
  Bytes to_y;
  for (int i = 0; i < 4; i++) ASSERT_EQ(d.x.seal({u8(i), 1}, true, &to_y), Status::kOk);
  Bytes got;
  ASSERT_EQ(d.feed_y(to_y, &got), Status::kOk);
  EXPECT_EQ(got.size(), 8u);
  EXPECT_EQ(d.y->remote_generation(), 4u);
  EXPECT_TRUE(d.poll_y(4096).empty());
  EXPECT_EQ(d.y->seal(nullptr, 0, {}, fr, sizeof fr, &n), Status::kSendAfterFin);
  EXPECT_EQ(d.y->initiate_rekey(), Status::kSendAfterFin);
}

// A FINp frame sealed while several steps are owed takes one of them; the
// rest can never be sent, and poll_output must neither try nor fail.
TEST(TcpcryptRekeyAnswer, FinWhileStepsAreOwed) {
  Duo d(24);
  d.start(Role::kB);
  ASSERT_FALSE(HasFatalFailure());
  Bytes to_y;
  for (int i = 0; i < 3; i++) ASSERT_EQ(d.x.seal({}, true, &to_y), Status::kOk);
  ASSERT_EQ(d.feed_y(to_y), Status::kOk);
  u8 fr[64];
  usize n = 0;
  const u8 last[] = {'b', 'y', 'e'};
  ASSERT_EQ(d.y->seal(last, sizeof last, SendOptions{true, false, 0}, fr, sizeof fr, &n),
            Status::kOk);
  EXPECT_EQ(fr[0], kControlRekey);
  u8 out[256];
  usize m = 1;
  EXPECT_EQ(d.y->poll_output(out, sizeof out, &m), Status::kOk);
  EXPECT_EQ(m, 0u);
  Bytes got;
  int frames = 0, bits = 0;
  ASSERT_EQ(d.x.open_all(Bytes(fr, fr + n), &got, &frames, &bits), Status::kOk);
  EXPECT_EQ(got, Bytes(last, last + sizeof last));
  EXPECT_EQ(d.x.recv_generation(), 1u);
}
