// SPDX-License-Identifier: GPL-2.0
// The ENO handshake (RFC 8547 4.3-4.7 and the flows of section 6), driven
// segment by segment between two state machines, with exact option bytes.
#include <gtest/gtest.h>

#include <vector>

#include "eno_negotiation.h"
#include "eno_tcp_options.h"
#include "eno_tcpcrypt.h"

using namespace tcpinc;
using Bytes = std::vector<u8>;

namespace {

constexpr u8 SYN = kTcpFlagSyn;
constexpr u8 SYNACK = kTcpFlagSyn | kTcpFlagAck;
constexpr u8 ACK = kTcpFlagAck;
constexpr u8 X = 0x21, Y = 0x22, Z = 0x23;

// Rec - what a TEP saw at the enable point.
struct Rec {
  int calls = 0;
  EnoNegotiated last{};
};

void record(void* ctx, const EnoNegotiated* neg) {
  Rec* r = static_cast<Rec*>(ctx);
  r->calls++;
  r->last = *neg;
}

// Plain test TEPs: any data accepted, no SYN data.
constexpr EnoTep kTepX = {X, false, false, nullptr, nullptr, record};
constexpr EnoTep kTepY = {Y, false, false, nullptr, nullptr, record};
constexpr EnoTep kTepZ = {Z, false, false, nullptr, nullptr, record};
// A TEP that finds every data-carrying suboption invalid.
EnoTepVerdict reject_data(void*, const EnoTepOffer*) { return EnoTepVerdict::kInvalid; }
constexpr EnoTep kTepYPicky = {Y, false, false, reject_data, nullptr, record};
// A TEP that defines SYN data.
constexpr EnoTep kTepZSynData = {Z, false, true, nullptr, nullptr, record};
constexpr EnoTep kTepYRepeat = {Y, true, false, nullptr, nullptr, record};

const EnoTep* tep_for(u8 id) {
  switch (id) {
    case X:
      return &kTepX;
    case Y:
      return &kTepY;
    default:
      return &kTepZ;
  }
}

EnoConfig config(std::vector<const EnoTep*> teps, bool passive, Rec* rec) {
  EnoConfig c{};
  c.enabled = true;
  c.passive = passive;
  c.tep_count = static_cast<u8>(teps.size());
  for (usize i = 0; i < teps.size(); i++) {
    c.teps[i].tep = teps[i];
    c.teps[i].ctx = rec;
  }
  return c;
}

EnoConfig ids(std::vector<u8> list, bool passive, Rec* rec) {
  std::vector<const EnoTep*> t;
  for (u8 id : list) t.push_back(tep_for(id));
  return config(t, passive, rec);
}

// Segment - one segment on the wire: flags, option area, payload length.
struct Segment {
  u8 flags = 0;
  Bytes options;  // the TCP option area
  usize payload = 0;
  bool acks_syn_data = false;
  Bytes eno;  // the ENO option the sender's machine asked for (empty: none)
};

// area - a realistic option area: MSS, then ENO when present, NOP padding.
Bytes area(const Bytes& eno) {
  Bytes a = {0x02, 0x04, 0x05, 0xb4};
  a.insert(a.end(), eno.begin(), eno.end());
  while (a.size() % 4 != 0) a.push_back(kTcpOptNop);
  return a;
}

struct Host {
  EnoNegotiation n;
  Rec rec;
  std::vector<EnoAction> actions;

  void init(EnoConfig c) {
    for (u8 i = 0; i < c.tep_count; i++)
      if (c.teps[i].ctx == nullptr) c.teps[i].ctx = &rec;
    ASSERT_EQ(n.init(&c), EnoConfigStatus::kOk);
  }
  Segment send(u8 flags, usize payload = 0, bool tfo = false) {
    EnoSendSegment s{flags, tfo, payload};
    EnoOptionOut o;
    actions.push_back(n.on_send(&s, &o));
    Segment seg;
    seg.flags = flags;
    seg.payload = payload;
    seg.eno.assign(o.bytes, o.bytes + o.len);
    seg.options = area(seg.eno);
    return seg;
  }
  EnoAction recv(const Segment& seg, bool* discard = nullptr) {
    EnoSegment s{seg.flags, seg.options.data(), seg.options.size(), seg.payload, seg.acks_syn_data};
    bool d = false;
    EnoAction a = n.on_receive(&s, &d);
    if (discard != nullptr) *discard = d;
    actions.push_back(a);
    return a;
  }
  EnoAction last() const { return actions.empty() ? EnoAction::kNone : actions.back(); }
};

Segment strip(Segment s) {
  s.eno.clear();
  s.options = area({});
  return s;
}

Segment with_eno(Segment s, const Bytes& eno) {
  s.eno = eno;
  s.options = area(eno);
  return s;
}

Bytes transcript(const EnoNegotiated* n) { return Bytes(n->transcript.bytes, n->transcript.bytes + n->transcript.len); }

// handshake - the three segments of an ordinary open; returns them.
struct Flow {
  Segment syn, synack, ack;
};
Flow three_way(Host& a, Host& b) {
  Flow f;
  f.syn = a.send(SYN);
  b.recv(f.syn);
  f.synack = b.send(SYNACK);
  a.recv(f.synack);
  f.ack = a.send(ACK);
  b.recv(f.ack);
  return f;
}

}  // namespace

// --- Figure 9: successful three-way handshake -------------------------------

TEST(EnoNegotiation, Figure9SuccessfulThreeWayHandshake) {
  Host a, b;
  a.init(ids({X, Y}, false, nullptr));
  b.init(ids({X, Y}, true, nullptr));  // B prefers Y (increasing priority)

  Segment syn = a.send(SYN);
  EXPECT_EQ(syn.eno, (Bytes{0x45, 0x04, X, Y}));  // ENO<X,Y>, implicit global
  EXPECT_EQ(a.last(), EnoAction::kNone);
  EXPECT_EQ(a.n.state(), EnoState::kSynSent);

  EXPECT_EQ(b.recv(syn), EnoAction::kNone);
  EXPECT_EQ(b.n.state(), EnoState::kSynReceived);
  Segment synack = b.send(SYNACK);
  EXPECT_EQ(synack.eno, (Bytes{0x45, 0x04, 0x01, Y}));  // ENO<b=1,Y>
  EXPECT_EQ(b.last(), EnoAction::kNone);              // B has not received an ACK yet

  EXPECT_EQ(a.recv(synack), EnoAction::kNone);
  EXPECT_EQ(a.n.state(), EnoState::kSynReceived);  // received, not yet sent, an ACK with ENO
  EXPECT_EQ(a.n.negotiated(), nullptr);
  Segment ack = a.send(ACK);
  EXPECT_EQ(ack.eno, (Bytes{0x45, 0x02}));  // ENO<>
  EXPECT_EQ(a.last(), EnoAction::kEnable);

  EXPECT_EQ(b.recv(ack), EnoAction::kEnable);

  const EnoNegotiated* na = a.n.negotiated();
  const EnoNegotiated* nb = b.n.negotiated();
  ASSERT_NE(na, nullptr);
  ASSERT_NE(nb, nullptr);
  EXPECT_EQ(na->role, EnoRole::kA);
  EXPECT_EQ(nb->role, EnoRole::kB);
  EXPECT_EQ(na->tep_id, Y);
  EXPECT_EQ(nb->tep_id, Y);
  EXPECT_EQ(na->tep_byte, Y);
  const Bytes t = {0x45, 0x04, X, Y, 0x45, 0x04, 0x01, Y};
  EXPECT_EQ(transcript(na), t);
  EXPECT_EQ(transcript(nb), t);
  EXPECT_EQ(na->peer_global, 0x01);
  EXPECT_EQ(nb->peer_global, 0x00);  // implicit
  EXPECT_EQ(na->local_global, 0x00);
  EXPECT_EQ(nb->local_global, 0x01);
  // The TEP hears about it exactly once, with the same transcript.
  EXPECT_EQ(a.rec.calls, 1);
  EXPECT_EQ(b.rec.calls, 1);
  EXPECT_EQ(Bytes(a.rec.last.transcript.bytes, a.rec.last.transcript.bytes + a.rec.last.transcript.len), t);
}

TEST(EnoNegotiation, DigestTranscriptExample) {
  // A sends 45 04 21 23, B sends 45 04 01 23 (rfc-digest A.8).
  Host a, b;
  a.init(ids({X, Z}, false, nullptr));
  b.init(ids({Z}, true, nullptr));
  three_way(a, b);
  ASSERT_NE(a.n.negotiated(), nullptr);
  EXPECT_EQ(transcript(a.n.negotiated()), (Bytes{0x45, 0x04, 0x21, 0x23, 0x45, 0x04, 0x01, 0x23}));
  EXPECT_EQ(transcript(b.n.negotiated()), transcript(a.n.negotiated()));
}

TEST(EnoNegotiation, TranscriptUsesRawBytesNotAReencoding) {
  // A peer's option with a second global suboption and a z bit goes into
  // the transcript unchanged.
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn = with_eno(syn, {0x45, 0x05, 0x1c, 0x01, X});
  b.recv(syn);
  b.send(SYNACK);
  Segment ack;
  ack.flags = ACK;
  ack = with_eno(ack, {0x45, 0x02});
  ASSERT_EQ(b.recv(ack), EnoAction::kEnable);
  EXPECT_EQ(transcript(b.n.negotiated()), (Bytes{0x45, 0x05, 0x1c, 0x01, X, 0x45, 0x04, 0x01, X}));
  EXPECT_EQ(b.n.negotiated()->peer_global, 0x1c);  // first global; z bits ignored: b = 0
}

// --- Figure 10: failed negotiation, four causes -----------------------------

TEST(EnoNegotiation, Figure10PassiveWithoutEno) {
  Host a, b;
  a.init(ids({X, Y}, false, nullptr));
  EnoConfig off{};
  b.init(off);  // B does not use ENO
  Flow f = three_way(a, b);
  EXPECT_TRUE(f.synack.eno.empty());
  EXPECT_EQ(a.n.state(), EnoState::kDisabled);
  EXPECT_EQ(a.n.reason(), EnoReason::kMissingEno);
  EXPECT_EQ(a.actions[1], EnoAction::kFallback);
  EXPECT_TRUE(f.ack.eno.empty());  // a disabled host sends no more ENO
  EXPECT_EQ(b.n.reason(), EnoReason::kConfigDisabled);
}

TEST(EnoNegotiation, Figure10PassiveSupportsNeitherTep) {
  Host a, b;
  a.init(ids({X, Y}, false, nullptr));
  b.init(ids({Z}, true, nullptr));
  Flow f = three_way(a, b);
  EXPECT_TRUE(f.synack.eno.empty());
  EXPECT_EQ(b.n.reason(), EnoReason::kNoValidTep);
  EXPECT_EQ(a.n.reason(), EnoReason::kMissingEno);
  EXPECT_TRUE(f.ack.eno.empty());
}

TEST(EnoNegotiation, Figure10PassiveInMandatoryAppAwareMode) {
  Host a, b;
  a.init(ids({X, Y}, false, nullptr));
  EnoConfig c = ids({X, Y}, true, nullptr);
  c.aa_mandatory = true;
  b.init(c);
  Flow f = three_way(a, b);
  EXPECT_TRUE(f.synack.eno.empty());
  EXPECT_EQ(b.n.reason(), EnoReason::kPeerNotAppAware);
  EXPECT_EQ(a.n.state(), EnoState::kDisabled);
}

TEST(EnoNegotiation, Figure10OptionStrippedOnForwardPath) {
  Host a, b;
  a.init(ids({X, Y}, false, nullptr));
  b.init(ids({X, Y}, true, nullptr));
  Segment syn = a.send(SYN);
  EXPECT_EQ(b.recv(strip(syn)), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMissingEno);
  Segment synack = b.send(SYNACK);
  EXPECT_TRUE(synack.eno.empty());
  EXPECT_EQ(a.recv(synack), EnoAction::kFallback);
  EXPECT_TRUE(a.send(ACK).eno.empty());
}

// --- Figure 11: stripped on the reverse path ----------------------------------

TEST(EnoNegotiation, Figure11OptionStrippedOnReversePath) {
  Host a, b;
  a.init(ids({X, Y}, false, nullptr));
  b.init(ids({X}, true, nullptr));
  Segment syn = a.send(SYN);
  b.recv(syn);
  Segment synack = b.send(SYNACK);
  EXPECT_EQ(synack.eno, (Bytes{0x45, 0x04, 0x01, X}));  // ENO<b=1,X>
  EXPECT_EQ(a.recv(strip(synack)), EnoAction::kFallback);
  Segment ack = a.send(ACK);
  EXPECT_TRUE(ack.eno.empty());  // the omission tells B
  EXPECT_EQ(b.recv(ack), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMissingEno);
  EXPECT_EQ(b.rec.calls, 0);
}

// --- Figure 12: simultaneous open -------------------------------------------

TEST(EnoNegotiation, Figure12SimultaneousOpen) {
  Host a, b;
  a.init(ids({Y, X}, false, nullptr));
  EnoConfig cb = ids({X, Y, Z}, false, nullptr);
  cb.b = true;  // pre-arranged: B's application set b = 1 before connect
  b.init(cb);

  Segment a_syn = a.send(SYN);
  Segment b_syn = b.send(SYN);
  EXPECT_EQ(a_syn.eno, (Bytes{0x45, 0x04, Y, X}));
  EXPECT_EQ(b_syn.eno, (Bytes{0x45, 0x06, 0x01, X, Y, Z}));
  EXPECT_EQ(b.recv(a_syn), EnoAction::kNone);
  EXPECT_EQ(a.recv(b_syn), EnoAction::kNone);
  Segment a_synack = a.send(SYNACK);
  Segment b_synack = b.send(SYNACK);
  // Each SYN-ACK repeats the host's SYN option byte for byte (4.6).
  EXPECT_EQ(a_synack.eno, a_syn.eno);
  EXPECT_EQ(b_synack.eno, b_syn.eno);
  EXPECT_EQ(b.recv(a_synack), EnoAction::kEnable);
  EXPECT_EQ(a.recv(b_synack), EnoAction::kEnable);

  const EnoNegotiated* na = a.n.negotiated();
  const EnoNegotiated* nb = b.n.negotiated();
  ASSERT_NE(na, nullptr);
  ASSERT_NE(nb, nullptr);
  EXPECT_EQ(na->tep_id, Y);  // last valid TEP in B's option: Z is not offered by A
  EXPECT_EQ(nb->tep_id, Y);
  EXPECT_EQ(na->role, EnoRole::kA);
  EXPECT_EQ(nb->role, EnoRole::kB);
  const Bytes t = {0x45, 0x04, Y, X, 0x45, 0x06, 0x01, X, Y, Z};
  EXPECT_EQ(transcript(na), t);
  EXPECT_EQ(transcript(nb), t);
  // After the ACK exchange both keep sending ENO until a non-SYN arrives.
  Segment a_ack = a.send(ACK);
  EXPECT_EQ(a_ack.eno, (Bytes{0x45, 0x02}));
  b.recv(a_ack);
  EXPECT_TRUE(b.send(ACK).eno.empty());
}

TEST(EnoNegotiation, SimultaneousOpenWithSameBFails) {
  Host a, b;
  a.init(ids({X}, false, nullptr));
  b.init(ids({X}, false, nullptr));  // nobody set b = 1
  Segment a_syn = a.send(SYN);
  Segment b_syn = b.send(SYN);
  EXPECT_EQ(a.recv(b_syn), EnoAction::kFallback);
  EXPECT_EQ(b.recv(a_syn), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kRoleConflict);
  // The active opener may (and we do) omit ENO from its SYN-ACK (4.6).
  EXPECT_TRUE(a.send(SYNACK).eno.empty());
}

TEST(EnoNegotiation, SimultaneousOpenSynAckMustRepeatSynOption) {
  Host a;
  a.init(ids({X}, false, nullptr));
  a.send(SYN);
  Segment b_syn;
  b_syn.flags = SYN;
  b_syn = with_eno(b_syn, {0x45, 0x04, 0x01, X});
  ASSERT_EQ(a.recv(b_syn), EnoAction::kNone);
  a.send(SYNACK);
  Segment b_synack = with_eno(b_syn, {0x45, 0x05, 0x01, Y, X});
  b_synack.flags = SYNACK;
  EXPECT_EQ(a.recv(b_synack), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kSynOptionChanged);
}

TEST(EnoNegotiation, SimultaneousOpenLostSynBehavesLikeNormalOpen) {
  // B's SYN is lost; A only sees B's SYN-ACK (B has b = 1).
  Host a, b;
  a.init(ids({X}, false, nullptr));
  EnoConfig cb = ids({X}, false, nullptr);
  cb.b = true;
  b.init(cb);
  Segment a_syn = a.send(SYN);
  (void)b.send(SYN);  // lost
  b.recv(a_syn);
  Segment b_synack = b.send(SYNACK);
  EXPECT_EQ(a.recv(b_synack), EnoAction::kNone);
  Segment a_ack = a.send(ACK);
  EXPECT_EQ(a.last(), EnoAction::kEnable);
  EXPECT_EQ(b.recv(a_ack), EnoAction::kEnable);
  EXPECT_EQ(a.n.negotiated()->role, EnoRole::kA);
  EXPECT_EQ(b.n.negotiated()->role, EnoRole::kB);
}

// --- roles and the global suboption (4.2, 4.3) ------------------------------

TEST(EnoNegotiation, ActiveOpenerWithBSetToListenerFails) {
  Host a, b;
  EnoConfig ca = ids({X}, false, nullptr);
  ca.b = true;
  a.init(ca);
  b.init(ids({X}, true, nullptr));
  Flow f = three_way(a, b);
  EXPECT_EQ(f.syn.eno, (Bytes{0x45, 0x04, 0x01, X}));
  EXPECT_EQ(b.n.reason(), EnoReason::kRoleConflict);
  EXPECT_TRUE(f.synack.eno.empty());
  EXPECT_EQ(a.n.state(), EnoState::kDisabled);
}

TEST(EnoNegotiation, EchoedSynOptionFailsOnRoles) {
  // A load balancer echoing A's SYN options back (8.1).
  Host a;
  a.init(ids({X}, false, nullptr));
  Segment syn = a.send(SYN);
  Segment echo = syn;
  echo.flags = SYNACK;
  EXPECT_EQ(a.recv(echo), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kRoleConflict);
}

TEST(EnoNegotiation, PassiveAlwaysSendsExplicitGlobalWithB) {
  Host a, b;
  a.init(ids({X}, false, nullptr));
  b.init(ids({X}, true, nullptr));
  Flow f = three_way(a, b);
  EnoSynOption o;
  ASSERT_EQ(eno_parse_syn_option(f.synack.eno.data(), f.synack.eno.size(), &o), EnoParseStatus::kOk);
  EXPECT_TRUE(o.global_explicit);
  EXPECT_EQ(o.global, 0x01);
  EXPECT_EQ(o.tep_count, 1);  // exactly one TEP (4.5 SHOULD)
}

TEST(EnoNegotiation, ApplicationAwareBitIsSentAndReported) {
  Host a, b;
  EnoConfig ca = ids({X}, false, nullptr);
  ca.a = true;
  a.init(ca);
  b.init(ids({X}, true, nullptr));
  Flow f = three_way(a, b);
  EXPECT_EQ(f.syn.eno, (Bytes{0x45, 0x04, 0x02, X}));
  EXPECT_EQ(f.synack.eno, (Bytes{0x45, 0x04, 0x01, X}));  // a defaults to 0
  u8 pg = 0xff;
  ASSERT_TRUE(b.n.peer_global(&pg));
  EXPECT_EQ(pg, 0x02);
  ASSERT_TRUE(a.n.peer_global(&pg));
  EXPECT_EQ(pg, 0x01);
  EXPECT_EQ(b.n.negotiated()->peer_global, 0x02);
  EXPECT_EQ(a.n.local_global(), 0x02);
}

TEST(EnoNegotiation, PeerGlobalUnknownBeforePeerSyn) {
  Host a;
  a.init(ids({X}, false, nullptr));
  u8 pg = 0;
  EXPECT_FALSE(a.n.peer_global(&pg));
}

TEST(EnoNegotiation, MandatoryAppAwareBothSidesSucceeds) {
  Host a, b;
  EnoConfig ca = ids({X}, false, nullptr);
  ca.aa_mandatory = true;  // sends a = 1 by itself
  a.init(ca);
  EnoConfig cb = ids({X}, true, nullptr);
  cb.aa_mandatory = true;
  b.init(cb);
  Flow f = three_way(a, b);
  EXPECT_EQ(f.syn.eno, (Bytes{0x45, 0x04, 0x02, X}));
  EXPECT_EQ(f.synack.eno, (Bytes{0x45, 0x04, 0x03, X}));
  EXPECT_EQ(a.n.state(), EnoState::kEnabled);
  EXPECT_EQ(b.n.state(), EnoState::kEnabled);
}

TEST(EnoNegotiation, MandatoryAppAwareActiveRejectsPeerWithoutA) {
  Host a, b;
  EnoConfig ca = ids({X}, false, nullptr);
  ca.aa_mandatory = true;
  a.init(ca);
  b.init(ids({X}, true, nullptr));
  Flow f = three_way(a, b);
  EXPECT_FALSE(f.synack.eno.empty());
  EXPECT_EQ(a.n.reason(), EnoReason::kPeerNotAppAware);
  EXPECT_TRUE(f.ack.eno.empty());
  EXPECT_EQ(b.n.reason(), EnoReason::kMissingEno);
}

TEST(EnoNegotiation, ZBitsInPeerGlobalAreIgnored) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn = with_eno(syn, {0x45, 0x04, 0x1c, X});  // z1 z2 z3 set, b = 0
  EXPECT_EQ(b.recv(syn), EnoAction::kNone);
  EXPECT_EQ(b.n.state(), EnoState::kSynReceived);
}

TEST(EnoNegotiation, OnlyFirstGlobalSuboptionCounts) {
  Host b1, b2;
  b1.init(ids({X}, true, nullptr));
  b2.init(ids({X}, true, nullptr));
  Segment s1;
  s1.flags = SYN;
  s1 = with_eno(s1, {0x45, 0x05, 0x00, 0x01, X});  // b = 0 first, then b = 1
  EXPECT_EQ(b1.recv(s1), EnoAction::kNone);
  Segment s2 = with_eno(s1, {0x45, 0x05, 0x01, 0x00, X});  // b = 1 first
  EXPECT_EQ(b2.recv(s2), EnoAction::kFallback);
  EXPECT_EQ(b2.n.reason(), EnoReason::kRoleConflict);
}

// --- the negotiated TEP (4.5) ------------------------------------------------

TEST(EnoNegotiation, PassiveChoosesItsMostPreferredCommonTep) {
  Host a, b;
  a.init(ids({Z, Y, X}, false, nullptr));
  b.init(ids({Y, Z, X}, true, nullptr));  // X most preferred
  Flow f = three_way(a, b);
  EXPECT_EQ(f.synack.eno, (Bytes{0x45, 0x04, 0x01, X}));
  EXPECT_EQ(a.n.negotiated()->tep_id, X);
}

TEST(EnoNegotiation, VBitIgnoredForMatchingButKeptInTepByte) {
  Host a, b;
  EnoConfig ca = ids({X}, false, nullptr);
  ca.teps[0].v = true;
  ca.teps[0].data_len = 2;
  ca.teps[0].data[0] = 0xde;
  ca.teps[0].data[1] = 0xad;
  a.init(ca);
  b.init(ids({X}, true, nullptr));
  Flow f = three_way(a, b);
  EXPECT_EQ(f.syn.eno, (Bytes{0x45, 0x05, 0xa1, 0xde, 0xad}));
  EXPECT_EQ(f.synack.eno, (Bytes{0x45, 0x04, 0x01, X}));  // B answers v = 0
  const EnoNegotiated* nb = b.n.negotiated();
  ASSERT_NE(nb, nullptr);
  EXPECT_EQ(nb->tep_id, X);
  EXPECT_EQ(nb->tep_byte, X);  // B's byte, v = 0
  EXPECT_EQ(nb->a_tep_byte, 0xa1);
  ASSERT_EQ(nb->a_data_len, 2);
  EXPECT_EQ(nb->a_data[0], 0xde);
  EXPECT_EQ(nb->peer_verdict, EnoTepVerdict::kWithData);
  EXPECT_EQ(a.n.negotiated()->peer_verdict, EnoTepVerdict::kFresh);
}

TEST(EnoNegotiation, InvalidDataMakesTepInvalidAndNextOneWins) {
  Host b;
  b.init(config({&kTepX, &kTepYPicky}, true, nullptr));  // prefers Y, but Y rejects data
  Segment syn;
  syn.flags = SYN;
  syn = with_eno(syn, {0x45, 0x06, X, 0xa2, 0x01, 0x02});
  b.recv(syn);
  Segment synack = b.send(SYNACK);
  EXPECT_EQ(synack.eno, (Bytes{0x45, 0x04, 0x01, X}));
}

TEST(EnoNegotiation, InvalidDataOnOnlyTepFallsBack) {
  Host b;
  b.init(config({&kTepYPicky}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn = with_eno(syn, {0x45, 0x04, 0xa2, 0x01});
  EXPECT_EQ(b.recv(syn), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kNoValidTep);
}

TEST(EnoNegotiation, RepeatedTepIsInvalidUnlessDefined) {
  Host b1, b2;
  b1.init(ids({X, Y}, true, nullptr));  // prefers Y
  b2.init(config({&kTepX, &kTepYRepeat}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn = with_eno(syn, {0x45, 0x05, Y, X, Y});
  b1.recv(syn);
  EXPECT_EQ(b1.send(SYNACK).eno, (Bytes{0x45, 0x04, 0x01, X}));
  b2.recv(syn);
  EXPECT_EQ(b2.send(SYNACK).eno, (Bytes{0x45, 0x04, 0x01, Y}));
}

TEST(EnoNegotiation, ActiveTakesLastValidTepInBsOption) {
  // B (not following the SHOULD) lists several TEPs.
  Host a;
  a.init(ids({X, Y}, false, nullptr));
  a.send(SYN);
  Segment synack;
  synack.flags = SYNACK;
  synack = with_eno(synack, {0x45, 0x06, 0x01, Y, X, Z});
  EXPECT_EQ(a.recv(synack), EnoAction::kNone);
  a.send(ACK);
  ASSERT_NE(a.n.negotiated(), nullptr);
  EXPECT_EQ(a.n.negotiated()->tep_id, X);  // Z not ours, so X is the last valid
}

TEST(EnoNegotiation, ActiveRejectsSynAckWithTepItDidNotOffer) {
  Host a;
  a.init(ids({X}, false, nullptr));
  a.send(SYN);
  Segment synack;
  synack.flags = SYNACK;
  synack = with_eno(synack, {0x45, 0x04, 0x01, Y});
  EXPECT_EQ(a.recv(synack), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kNoValidTep);
}

// --- vacuous options (4.6) -----------------------------------------------------

TEST(EnoNegotiation, VacuousActiveOptionAdvertisesAndFallsBack) {
  Host a, b;
  a.init(ids({}, false, nullptr));
  b.init(ids({X}, true, nullptr));
  Segment syn = a.send(SYN);
  EXPECT_EQ(syn.eno, (Bytes{0x45, 0x02}));
  EXPECT_EQ(a.last(), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kLocalVacuous);
  EXPECT_EQ(a.send(SYN).eno, syn.eno);  // retransmitted unchanged
  EXPECT_EQ(b.recv(syn), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kPeerVacuous);
  EXPECT_TRUE(b.send(SYNACK).eno.empty());
  EXPECT_TRUE(a.send(ACK).eno.empty());
}

TEST(EnoNegotiation, VacuousPassiveAnswersOnlyAnEnoSyn) {
  Host a, b, b2;
  a.init(ids({X}, false, nullptr));
  EnoConfig cb = ids({}, true, nullptr);
  cb.a = true;
  b.init(cb);
  Segment syn = a.send(SYN);
  EXPECT_EQ(b.recv(syn), EnoAction::kFallback);
  Segment synack = b.send(SYNACK);
  EXPECT_EQ(synack.eno, (Bytes{0x45, 0x03, 0x03}));  // still b = 1 (and a)
  EXPECT_EQ(a.recv(synack), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kPeerVacuous);

  b2.init(ids({}, true, nullptr));
  b2.recv(strip(syn));
  EXPECT_TRUE(b2.send(SYNACK).eno.empty());  // no ENO in the SYN: no vacuous reply
}

// --- malformed and multiple options --------------------------------------------

TEST(EnoNegotiation, MalformedSynOptionIsIgnoredAndDisables) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn = with_eno(syn, {0x45, 0x05, 0x83, 0xa1, 0x00});  // length overrun
  EXPECT_EQ(b.recv(syn), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMalformedEno);
  EXPECT_TRUE(b.send(SYNACK).eno.empty());
}

TEST(EnoNegotiation, LengthByteFollowedByLowByteDisables) {
  Host a;
  a.init(ids({X}, false, nullptr));
  a.send(SYN);
  Segment synack;
  synack.flags = SYNACK;
  synack = with_eno(synack, {0x45, 0x06, 0x01, 0x80, 0x21, 0x00});
  EXPECT_EQ(a.recv(synack), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kMalformedEno);
}

TEST(EnoNegotiation, TwoEnoOptionsInSynCountAsNone) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn.options = {0x45, 0x03, X, 0x45, 0x03, X, kTcpOptNop, kTcpOptNop};
  EXPECT_EQ(b.recv(syn), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMultipleEno);
  EXPECT_TRUE(b.send(SYNACK).eno.empty());
}

TEST(EnoNegotiation, LegacyExperimentalEnoPlusKind69CountsAsTwo) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn.options = {0x45, 0x03, X, 0xfd, 0x05, 0x45, 0x4e, X, kTcpOptEol};
  EXPECT_EQ(b.recv(syn), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMultipleEno);
}

TEST(EnoNegotiation, MalformedOptionAreaCountsAsNoEno) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn.options = {0x45, 0x03, X, 0x02, 0x09, 0x05};  // MSS length overruns the area
  EXPECT_EQ(b.recv(syn), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMissingEno);
}

// --- retransmissions (4.6) ------------------------------------------------------

TEST(EnoNegotiation, RetransmissionsCarryIdenticalOptions) {
  Host a, b;
  a.init(ids({X, Y}, false, nullptr));
  b.init(ids({X, Y}, true, nullptr));
  Segment syn1 = a.send(SYN);
  Segment syn2 = a.send(SYN);
  EXPECT_EQ(syn1.eno, syn2.eno);
  b.recv(syn1);
  Segment sa1 = b.send(SYNACK);
  EXPECT_EQ(b.recv(syn2), EnoAction::kNone);  // identical retransmission accepted
  Segment sa2 = b.send(SYNACK);
  EXPECT_EQ(sa1.eno, sa2.eno);
  a.recv(sa1);
  EXPECT_EQ(a.recv(sa2), EnoAction::kNone);  // after the first ACK: ignored
  Segment ack = a.send(ACK);
  EXPECT_EQ(b.recv(ack), EnoAction::kEnable);
  EXPECT_EQ(b.n.negotiated()->tep_id, Y);
  EXPECT_EQ(a.n.negotiated()->tep_id, Y);
}

TEST(EnoNegotiation, ChangedSynRetransmissionDisablesPassive) {
  Host b;
  b.init(ids({X, Y}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  b.recv(with_eno(syn, {0x45, 0x04, X, Y}));
  EXPECT_EQ(b.recv(with_eno(syn, {0x45, 0x03, X})), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kSynOptionChanged);
  EXPECT_TRUE(b.send(SYNACK).eno.empty());
}

TEST(EnoNegotiation, ActiveMayDropEnoBetweenSynRetransmissions) {
  Host a, b;
  a.init(ids({X}, false, nullptr));
  b.init(ids({X}, true, nullptr));
  Segment syn1 = a.send(SYN);
  EXPECT_FALSE(syn1.eno.empty());
  EXPECT_EQ(a.n.disable(), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kLocalDisable);
  Segment syn2 = a.send(SYN);
  EXPECT_TRUE(syn2.eno.empty());
  // B saw the first SYN, then the retransmission without ENO.
  b.recv(syn1);
  EXPECT_EQ(b.recv(syn2), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMissingEno);
  EXPECT_EQ(a.n.disable(), EnoAction::kNone);  // already off
}

TEST(EnoNegotiation, MalformedRetransmissionDisables) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  b.recv(with_eno(syn, {0x45, 0x03, X}));
  EXPECT_EQ(b.recv(with_eno(syn, {0x45, 0x04, 0x80, 0x00})), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMalformedEno);
}

TEST(EnoNegotiation, DoubledRetransmissionDisables) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  b.recv(with_eno(syn, {0x45, 0x03, X}));
  syn.options = {0x45, 0x03, X, 0x45, 0x03, X, kTcpOptEol, kTcpOptEol};
  EXPECT_EQ(b.recv(syn), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMultipleEno);
}

// --- the enable point and ENO on later segments (4.6) --------------------------

TEST(EnoNegotiation, ActiveKeepsSendingEnoUntilItReceivesNonSyn) {
  Host a, b;
  a.init(ids({X}, false, nullptr));
  b.init(ids({X}, true, nullptr));
  Segment syn = a.send(SYN);
  b.recv(syn);
  a.recv(b.send(SYNACK));
  Segment ack = a.send(ACK);  // lost
  (void)ack;
  Segment data1 = a.send(ACK, 100);
  EXPECT_EQ(data1.eno, (Bytes{0x45, 0x02}));
  EXPECT_EQ(a.n.state(), EnoState::kEnabled);
  // B's first received ACK is the data segment: it carries ENO.
  EXPECT_EQ(b.recv(data1), EnoAction::kEnable);
  Segment b_data = b.send(ACK, 50);
  EXPECT_TRUE(b_data.eno.empty());  // B has received a non-SYN segment
  a.recv(b_data);
  EXPECT_TRUE(a.send(ACK, 10).eno.empty());
}

TEST(EnoNegotiation, FirstAckWithoutEnoDisablesPassive) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  b.recv(with_eno(syn, {0x45, 0x03, X}));
  b.send(SYNACK);
  Segment ack;
  ack.flags = ACK;
  ack.options = area({});
  EXPECT_EQ(b.recv(ack), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kMissingEno);
  EXPECT_EQ(b.n.negotiated(), nullptr);
}

TEST(EnoNegotiation, SegmentsAfterFirstAckMayLackEno) {
  Host a, b;
  a.init(ids({X}, false, nullptr));
  b.init(ids({X}, true, nullptr));
  three_way(a, b);
  Segment later;
  later.flags = ACK;
  later.options = area({});
  EXPECT_EQ(b.recv(later), EnoAction::kNone);
  EXPECT_EQ(a.recv(later), EnoAction::kNone);
  EXPECT_EQ(b.n.state(), EnoState::kEnabled);
  EXPECT_EQ(a.n.state(), EnoState::kEnabled);
}

TEST(EnoNegotiation, NonSynEnoContentsAreIgnored) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  b.recv(with_eno(syn, {0x45, 0x03, X}));
  b.send(SYNACK);
  Segment ack;
  ack.flags = ACK;
  ack.options = {0x45, 0x04, 0xab, 0xcd, 0x45, 0x02, kTcpOptNop, kTcpOptNop};  // two, with contents
  EXPECT_EQ(b.recv(ack), EnoAction::kEnable);
  // The non-SYN option is not part of the transcript.
  EXPECT_EQ(transcript(b.n.negotiated()), (Bytes{0x45, 0x03, X, 0x45, 0x04, 0x01, X}));
}

TEST(EnoNegotiation, EnabledHostRepeatsSynAckOptionOnRetransmission) {
  Host a, b;
  a.init(ids({X}, false, nullptr));
  EnoConfig cb = ids({X}, false, nullptr);
  cb.b = true;
  b.init(cb);
  Segment a_syn = a.send(SYN);
  Segment b_syn = b.send(SYN);
  a.recv(b_syn);
  b.recv(a_syn);
  Segment a_sa = a.send(SYNACK);
  Segment b_sa = b.send(SYNACK);
  a.recv(b_sa);
  ASSERT_EQ(a.n.state(), EnoState::kEnabled);
  EXPECT_EQ(a.send(SYNACK).eno, a_sa.eno);
  // Never a SYN+ENO segment with a cookie or data, even now (4.7).
  EXPECT_TRUE(a.send(SYNACK, 0, /*tfo=*/true).eno.empty());
  EXPECT_TRUE(a.send(SYNACK, 5).eno.empty());
  EXPECT_EQ(a.n.state(), EnoState::kEnabled);
}

TEST(EnoNegotiation, ResetAndStraySegmentsChangeNothing) {
  Host a, b;
  a.init(ids({X}, false, nullptr));
  b.init(ids({X}, true, nullptr));
  Segment rst;
  rst.flags = kTcpFlagRst | ACK;
  rst.options = area({});
  EXPECT_EQ(b.recv(rst), EnoAction::kNone);
  EXPECT_EQ(b.n.state(), EnoState::kIdle);
  Segment stray;
  stray.flags = ACK;
  stray.options = area({});
  EXPECT_EQ(b.recv(stray), EnoAction::kNone);  // a listener ignores non-SYNs
  EXPECT_EQ(a.recv(stray), EnoAction::kNone);  // not yet sent a SYN
  Segment stray_synack;
  stray_synack.flags = SYNACK;
  stray_synack.options = area({});
  EXPECT_EQ(b.recv(stray_synack), EnoAction::kNone);
  EXPECT_TRUE(b.send(ACK).eno.empty());  // a listener never speaks first
  a.send(SYN);
  EXPECT_EQ(a.recv(stray), EnoAction::kNone);  // SYN-SENT ignores non-SYNs
  EXPECT_EQ(a.n.state(), EnoState::kSynSent);
  EXPECT_TRUE(a.send(ACK).eno.empty());
  EXPECT_TRUE(a.send(0).eno.empty());
}

TEST(EnoNegotiation, DisableAfterEnableHasNoEffect) {
  Host a, b;
  a.init(ids({X}, false, nullptr));
  b.init(ids({X}, true, nullptr));
  three_way(a, b);
  EXPECT_EQ(a.n.disable(), EnoAction::kNone);
  EXPECT_EQ(a.n.state(), EnoState::kEnabled);
}

// --- mandatory encryption mode ---------------------------------------------------

TEST(EnoNegotiation, MandatoryEncryptionAbortsOnFailure) {
  Host a, b;
  EnoConfig ca = ids({X}, false, nullptr);
  ca.tep_mandatory = true;
  a.init(ca);
  b.init(EnoConfig{});
  Flow f = three_way(a, b);
  EXPECT_EQ(a.actions[1], EnoAction::kAbort);
  EXPECT_EQ(a.n.state(), EnoState::kAborted);
  EXPECT_EQ(a.n.reason(), EnoReason::kMissingEno);
  EXPECT_TRUE(f.ack.eno.empty());

  Host p;
  EnoConfig cp = ids({Y}, true, nullptr);
  cp.tep_mandatory = true;
  p.init(cp);
  Segment syn;
  syn.flags = SYN;
  EXPECT_EQ(p.recv(with_eno(syn, {0x45, 0x03, X})), EnoAction::kAbort);
  EXPECT_EQ(p.n.reason(), EnoReason::kNoValidTep);
  EXPECT_EQ(p.n.disable(), EnoAction::kNone);
}

TEST(EnoNegotiation, MandatoryEncryptionLocalDisableAborts) {
  Host a;
  EnoConfig ca = ids({X}, false, nullptr);
  ca.tep_mandatory = true;
  a.init(ca);
  a.send(SYN);
  EXPECT_EQ(a.n.disable(), EnoAction::kAbort);
}

// --- SYN data and TFO (4.7) --------------------------------------------------------

TEST(EnoNegotiation, SynDataIsOffByDefaultAndTcpcryptDefinesNone) {
  Host a;
  a.init(ids({X}, false, nullptr));
  EXPECT_FALSE(a.n.syn_data_allowed());
  Host t;
  EnoConfig c{};
  c.enabled = true;
  c.syn_data = true;
  c.tep_count = 1;
  c.teps[0].tep = eno_tcpcrypt_tep(kTcpcryptTepCurve25519);
  t.init(c);
  EXPECT_FALSE(t.n.syn_data_allowed());
}

TEST(EnoNegotiation, SynWithDataTheSynTepDoesNotDefineGoesWithoutEno) {
  Host a;
  a.init(ids({X}, false, nullptr));
  Segment syn = a.send(SYN, 100);
  EXPECT_TRUE(syn.eno.empty());
  EXPECT_EQ(a.last(), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kConflictingSyn);
}

TEST(EnoNegotiation, SynWithFastOpenCookieGoesWithoutEno) {
  Host a, a2;
  a.init(ids({X}, false, nullptr));
  Segment syn = a.send(SYN, 0, /*tfo=*/true);
  EXPECT_TRUE(syn.eno.empty());
  EXPECT_EQ(a.n.reason(), EnoReason::kConflictingSyn);
  // Also on a retransmission.
  a2.init(ids({X}, false, nullptr));
  EXPECT_FALSE(a2.send(SYN).eno.empty());
  EXPECT_TRUE(a2.send(SYN, 0, true).eno.empty());
  EXPECT_EQ(a2.n.state(), EnoState::kDisabled);
}

TEST(EnoNegotiation, PassiveSynAckWithCookieOrDataGoesWithoutEno) {
  Host b, b2;
  b.init(ids({X}, true, nullptr));
  b2.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn = with_eno(syn, {0x45, 0x03, X});
  b.recv(syn);
  EXPECT_TRUE(b.send(SYNACK, 0, true).eno.empty());
  EXPECT_EQ(b.n.reason(), EnoReason::kConflictingSyn);
  b2.recv(syn);
  EXPECT_TRUE(b2.send(SYNACK, 10).eno.empty());
}

TEST(EnoNegotiation, ReceivedSynEnoDataIsDiscardedForTcpcrypt) {
  Host b;
  EnoConfig c{};
  c.enabled = true;
  c.passive = true;
  c.tep_count = 1;
  c.teps[0].tep = eno_tcpcrypt_tep(kTcpcryptTepP256);
  b.init(c);
  Segment syn;
  syn.flags = SYN;
  syn.payload = 20;
  syn = with_eno(syn, {0x45, 0x03, 0x21});
  bool discard = false;
  EXPECT_EQ(b.recv(syn, &discard), EnoAction::kNone);
  EXPECT_TRUE(discard);
}

TEST(EnoNegotiation, SynDataWithoutEnoIsNotEnosBusiness) {
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  syn.payload = 20;
  syn.options = area({});
  bool discard = true;
  b.recv(syn, &discard);
  EXPECT_FALSE(discard);
}

TEST(EnoNegotiation, HostWithEnoDisabledStillDiscardsSynEnoData) {
  Host b;
  b.init(EnoConfig{});
  Segment syn;
  syn.flags = SYN;
  syn.payload = 20;
  syn = with_eno(syn, {0x45, 0x03, Z});
  bool discard = false;
  b.recv(syn, &discard);
  EXPECT_TRUE(discard);
}

namespace {
// A pair configured for a TEP that defines SYN data.
void syn_data_pair(Host& a, Host& b, std::vector<const EnoTep*> bteps) {
  EnoConfig ca = config({&kTepX, &kTepZSynData}, false, nullptr);
  ca.syn_data = true;
  a.init(ca);
  EnoConfig cb = config(bteps, true, nullptr);
  cb.syn_data = true;
  b.init(cb);
}
}  // namespace

TEST(EnoNegotiation, SynDataAcceptedWhenSynTepIsNegotiatedAndDefinesIt) {
  Host a, b;
  syn_data_pair(a, b, {&kTepZSynData});
  EXPECT_TRUE(a.n.syn_data_allowed());
  Segment syn = a.send(SYN, 30);
  EXPECT_EQ(syn.eno, (Bytes{0x45, 0x04, X, Z}));
  bool discard = true;
  b.recv(syn, &discard);
  EXPECT_FALSE(discard);
  Segment sa = b.send(SYNACK);
  sa.acks_syn_data = true;
  EXPECT_EQ(a.recv(sa), EnoAction::kNone);
  a.send(ACK);
  EXPECT_EQ(a.n.state(), EnoState::kEnabled);
}

TEST(EnoNegotiation, SynDataDiscardedWhenAnotherTepIsNegotiated) {
  Host a, b;
  syn_data_pair(a, b, {&kTepZSynData, &kTepX});  // B prefers X
  Segment syn = a.send(SYN, 30);
  bool discard = false;
  b.recv(syn, &discard);
  EXPECT_TRUE(discard);
  Segment sa = b.send(SYNACK);
  EXPECT_EQ(sa.eno, (Bytes{0x45, 0x04, 0x01, X}));
  // B did not acknowledge the data: A goes on, with X.
  EXPECT_EQ(a.recv(sa), EnoAction::kNone);
  // Had it been acknowledged, A would have to abort.
  Host a2, b2;
  syn_data_pair(a2, b2, {&kTepZSynData, &kTepX});
  b2.recv(a2.send(SYN, 30));
  Segment sa2 = b2.send(SYNACK);
  sa2.acks_syn_data = true;
  EXPECT_EQ(a2.recv(sa2), EnoAction::kAbort);
  EXPECT_EQ(a2.n.reason(), EnoReason::kSynDataAtRisk);
}

TEST(EnoNegotiation, SynDataSenderAbortsOnSynAckWithoutEno) {
  Host a;
  EnoConfig ca = config({&kTepZSynData}, false, nullptr);
  ca.syn_data = true;
  a.init(ca);
  a.send(SYN, 30);
  Segment sa;
  sa.flags = SYNACK;
  sa.options = area({});
  EXPECT_EQ(a.recv(sa), EnoAction::kAbort);  // even though the data was not ACKed
  EXPECT_EQ(a.n.reason(), EnoReason::kSynDataAtRisk);
}

TEST(EnoNegotiation, SynDataDiscardedWithFastOpenCookieOrWhenReceiverDisallows) {
  Host a, b;
  syn_data_pair(a, b, {&kTepZSynData});
  Segment syn = a.send(SYN, 30);
  Segment with_tfo = syn;
  with_tfo.options = {0x22, 0x06, 1, 2, 3, 4};
  with_tfo.options.insert(with_tfo.options.end(), syn.eno.begin(), syn.eno.end());
  bool discard = false;
  b.recv(with_tfo, &discard);
  EXPECT_TRUE(discard);

  Host b2;
  b2.init(config({&kTepZSynData}, true, nullptr));  // syn_data off
  b2.recv(syn, &discard);
  EXPECT_TRUE(discard);

  // SYN TEP (last in A's option) differs from the one B negotiates.
  Host b3;
  EnoConfig c3 = config({&kTepZSynData}, true, nullptr);
  c3.syn_data = true;
  b3.init(c3);
  Segment odd = with_eno(syn, {0x45, 0x04, Z, X});
  b3.recv(odd, &discard);
  EXPECT_TRUE(discard);
}

// --- configuration ----------------------------------------------------------------

TEST(EnoNegotiation, ConfigValidation) {
  EnoNegotiation n;
  EnoConfig c = ids({X, X}, false, nullptr);
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kBadTep);
  EXPECT_EQ(n.state(), EnoState::kDisabled);
  c = ids({X}, false, nullptr);
  c.teps[0].tep = nullptr;
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kBadTep);
  constexpr EnoTep low = {0x1f, false, false, nullptr, nullptr, nullptr};
  c = config({&low}, false, nullptr);
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kBadTep);
  c = ids({X}, false, nullptr);
  c.tep_count = kEnoMaxTeps + 1;
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kBadTep);
  c = ids({X}, false, nullptr);
  c.teps[0].data_len = 1;  // data with v = 0
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kBadData);
  c.teps[0].v = true;
  c.teps[0].data_len = 38;
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kBadData);
  c = ids({X, Y}, false, nullptr);
  c.teps[0].v = true;  // v = 1, no data, not last: cannot be encoded
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kBadData);
  c = ids({X, Y}, false, nullptr);
  c.teps[1].v = true;
  c.teps[1].data_len = 36;  // 2 + 1 + 1 + 36 = 40 bytes: fits
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kOk);
  c.b = true;  // one more byte for the global suboption
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kTooLong);
  c = ids({}, false, nullptr);
  c.tep_mandatory = true;
  EXPECT_EQ(n.init(&c), EnoConfigStatus::kBadMode);
  EnoConfig off{};
  off.tep_mandatory = true;
  off.tep_count = 1;
  off.teps[0].tep = &kTepX;
  EXPECT_EQ(n.init(&off), EnoConfigStatus::kBadMode);
}

TEST(EnoNegotiation, BuildLocalOptionRejectsBadConfig) {
  EnoConfig c = ids({X}, false, nullptr);
  u8 buf[40];
  usize len = 0;
  c.tep_count = kEnoMaxTeps + 1;
  EXPECT_EQ(eno_build_local_option(&c, buf, sizeof buf, &len), EnoBuildStatus::kBadSuboption);
  c.tep_count = 1;
  c.teps[0].tep = nullptr;
  EXPECT_EQ(eno_build_local_option(&c, buf, sizeof buf, &len), EnoBuildStatus::kBadSuboption);
}

TEST(EnoNegotiation, DisabledByConfigSendsNothing) {
  Host a;
  a.init(EnoConfig{});
  EXPECT_TRUE(a.send(SYN).eno.empty());
  EXPECT_TRUE(a.send(ACK).eno.empty());
  EXPECT_EQ(a.n.reason(), EnoReason::kConfigDisabled);
  EXPECT_EQ(a.n.disable(), EnoAction::kNone);
}

TEST(EnoNegotiation, PassiveAnswerTooLongFallsBack) {
  // An answer hook that claims more data than fits.
  struct Big {
    static void answer(void*, const EnoTepOffer*, EnoTepAnswer* out) {
      out->v = true;
      out->data_len = 38;
    }
  };
  static constexpr EnoTep big = {X, false, false, nullptr, Big::answer, nullptr};
  Host b;
  b.init(config({&big}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  EXPECT_EQ(b.recv(with_eno(syn, {0x45, 0x03, X})), EnoAction::kFallback);
  EXPECT_EQ(b.n.reason(), EnoReason::kAnswerTooLong);
  struct Long {
    static void answer(void*, const EnoTepOffer*, EnoTepAnswer* out) {
      out->v = true;
      out->data_len = 37;  // 2 + 1 (global) + 1 + 37 = 41 > 40
    }
  };
  static constexpr EnoTep lng = {X, false, false, nullptr, Long::answer, nullptr};
  Host b2;
  b2.init(config({&lng}, true, nullptr));
  EXPECT_EQ(b2.recv(with_eno(syn, {0x45, 0x03, X})), EnoAction::kFallback);
  EXPECT_EQ(b2.n.reason(), EnoReason::kAnswerTooLong);
}

TEST(EnoNegotiation, VacuousRetransmissionWithCookieStopsAdvertising) {
  Host a;
  a.init(ids({}, false, nullptr));
  EXPECT_EQ(a.send(SYN).eno, (Bytes{0x45, 0x02}));
  EXPECT_TRUE(a.send(SYN, 0, /*tfo=*/true).eno.empty());
  EXPECT_TRUE(a.send(SYN).eno.empty());  // and does not start again
  Host a2;
  a2.init(ids({}, false, nullptr));
  a2.send(SYN);
  EXPECT_EQ(a2.n.disable(), EnoAction::kNone);
  EXPECT_TRUE(a2.send(SYN).eno.empty());
}

TEST(EnoNegotiation, NoEnableBeforeOwnSynFormOptionWasSent) {
  // A caller feeding an impossible order (an ACK sent before the SYN-ACK)
  // must not get a transcript holding an option that never went out.
  Host b;
  b.init(ids({X}, true, nullptr));
  Segment syn;
  syn.flags = SYN;
  b.recv(with_eno(syn, {0x45, 0x03, X}));
  EXPECT_EQ(b.send(ACK).eno, (Bytes{0x45, 0x02}));
  Segment ack;
  ack.flags = ACK;
  EXPECT_EQ(b.recv(with_eno(ack, {0x45, 0x02})), EnoAction::kNone);
  EXPECT_EQ(b.n.state(), EnoState::kSynReceived);
  EXPECT_EQ(b.send(SYNACK).eno, (Bytes{0x45, 0x04, 0x01, X}));
  EXPECT_EQ(b.last(), EnoAction::kEnable);
}

TEST(EnoNegotiation, SynDataSenderAbortsOnSynAckWithUnusableEno) {
  for (const Bytes& opts : {Bytes{0x45, 0x03, Z, 0x45, 0x03, Z}, Bytes{0x45, 0x04, 0x80, 0x00}}) {
    Host a;
    EnoConfig ca = config({&kTepZSynData}, false, nullptr);
    ca.syn_data = true;
    a.init(ca);
    a.send(SYN, 30);
    Segment sa;
    sa.flags = SYNACK;
    sa.options = opts;
    EXPECT_EQ(a.recv(sa), EnoAction::kAbort);
    EXPECT_EQ(a.n.reason(), EnoReason::kSynDataAtRisk);
  }
  // Role conflict with unacknowledged data: ENO was there, so no abort.
  Host a;
  EnoConfig ca = config({&kTepZSynData}, false, nullptr);
  ca.syn_data = true;
  a.init(ca);
  a.send(SYN, 30);
  Segment sa;
  sa.flags = SYNACK;
  sa.options = {0x45, 0x03, Z};
  EXPECT_EQ(a.recv(sa), EnoAction::kFallback);
  EXPECT_EQ(a.n.reason(), EnoReason::kRoleConflict);
}

TEST(EnoNegotiation, VacuousHostThatGaveUpBeforeItsFirstSynNeverAdvertises) {
  Host a;
  a.init(ids({}, false, nullptr));
  EXPECT_TRUE(a.send(SYN, 0, /*tfo=*/true).eno.empty());
  EXPECT_EQ(a.n.reason(), EnoReason::kConflictingSyn);
  EXPECT_TRUE(a.send(SYN).eno.empty());
}
