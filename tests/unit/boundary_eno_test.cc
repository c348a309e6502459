// SPDX-License-Identifier: GPL-2.0
// The ENO section of the extern "C" boundary, driven exactly as the kernel
// glue drives it: option bytes out of on_send, option areas into
// on_receive, results through the C structs.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "tcpinc/core_api.h"

namespace {

constexpr tcpinc_u8 kSyn = 0x02, kAck = 0x10;

struct Eno {
  std::vector<unsigned char> mem = std::vector<unsigned char>(tcpinc_core_eno_size() + 8);
  tcpinc_core_eno* get() { return reinterpret_cast<tcpinc_core_eno*>(mem.data()); }
};

tcpinc_core_eno_config Config(bool passive, std::vector<tcpinc_u8> teps) {
  tcpinc_core_eno_config c;
  std::memset(&c, 0, sizeof c);
  c.enabled = 1;
  c.passive = passive ? 1 : 0;
  c.tep_count = static_cast<tcpinc_u8>(teps.size());
  for (size_t i = 0; i < teps.size(); i++) c.teps[i] = teps[i];
  return c;
}

std::vector<tcpinc_u8> Send(tcpinc_core_eno* e, tcpinc_u8 flags, int* action) {
  tcpinc_u8 opt[TCPINC_CORE_ENO_MAX_OPTION];
  tcpinc_u8 len = 0xff;
  *action = tcpinc_core_eno_on_send(e, flags, 0, 0, opt, &len);
  return std::vector<tcpinc_u8>(opt, opt + len);
}

// A TCP option area as Linux sends it on a SYN: MSS, SACK-permitted,
// timestamps, NOP, window scale, then the ENO option.
std::vector<tcpinc_u8> OptionArea(const std::vector<tcpinc_u8>& eno) {
  std::vector<tcpinc_u8> a = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
  a.insert(a.end(), eno.begin(), eno.end());
  return a;
}

int Receive(tcpinc_core_eno* e, tcpinc_u8 flags, const std::vector<tcpinc_u8>& area) {
  int discard = -1;
  int action = tcpinc_core_eno_on_receive(e, flags, area.data(), area.size(), 0, &discard);
  EXPECT_EQ(discard, 0);
  return action;
}

TEST(BoundaryEno, FullHandshakeThroughTheCApi) {
  Eno a, b;
  auto ca = Config(false, {0x21, 0x23});
  auto cb = Config(true, {0x21, 0x23});
  ASSERT_EQ(tcpinc_core_eno_init(a.get(), &ca), 0);
  ASSERT_EQ(tcpinc_core_eno_init(b.get(), &cb), 0);

  int act = -1;
  auto syn = Send(a.get(), kSyn, &act);
  EXPECT_EQ(syn, (std::vector<tcpinc_u8>{0x45, 0x04, 0x21, 0x23}));
  EXPECT_EQ(act, TCPINC_CORE_ENO_NONE);
  EXPECT_EQ(Receive(b.get(), kSyn, OptionArea(syn)), TCPINC_CORE_ENO_NONE);

  auto synack = Send(b.get(), kSyn | kAck, &act);
  EXPECT_EQ(synack, (std::vector<tcpinc_u8>{0x45, 0x04, 0x01, 0x23}));
  EXPECT_EQ(Receive(a.get(), kSyn | kAck, OptionArea(synack)), TCPINC_CORE_ENO_NONE);

  auto ack = Send(a.get(), kAck, &act);
  EXPECT_EQ(ack, (std::vector<tcpinc_u8>{0x45, 0x02}));
  EXPECT_EQ(act, TCPINC_CORE_ENO_ENABLE);
  EXPECT_EQ(tcpinc_core_eno_state(a.get()), TCPINC_CORE_ENO_ENABLED);
  std::vector<tcpinc_u8> area = {1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 1, 1, 1, 0x45, 0x02};
  EXPECT_EQ(Receive(b.get(), kAck, area), TCPINC_CORE_ENO_ENABLE);

  tcpinc_core_eno_result ra, rb;
  ASSERT_EQ(tcpinc_core_eno_get_result(a.get(), &ra), 0);
  ASSERT_EQ(tcpinc_core_eno_get_result(b.get(), &rb), 0);
  EXPECT_EQ(ra.role, 0);
  EXPECT_EQ(rb.role, 1);
  EXPECT_EQ(ra.tep_byte, 0x23);
  EXPECT_EQ(rb.tep_byte, 0x23);
  EXPECT_EQ(ra.peer_gopt, 0x01);
  EXPECT_EQ(rb.peer_gopt, 0x00);
  const std::vector<tcpinc_u8> transcript = {0x45, 0x04, 0x21, 0x23, 0x45, 0x04, 0x01, 0x23};
  EXPECT_EQ(std::vector<tcpinc_u8>(ra.transcript, ra.transcript + ra.transcript_len), transcript);
  EXPECT_EQ(std::vector<tcpinc_u8>(rb.transcript, rb.transcript + rb.transcript_len), transcript);
  tcpinc_u8 g = 0xff;
  EXPECT_EQ(tcpinc_core_eno_peer_gopt(b.get(), &g), 0);
  EXPECT_EQ(g, 0x00);
}

TEST(BoundaryEno, NoResultBeforeEnableAndFallbackReason) {
  Eno a;
  auto ca = Config(false, {0x23});
  ASSERT_EQ(tcpinc_core_eno_init(a.get(), &ca), 0);
  tcpinc_core_eno_result r;
  EXPECT_EQ(tcpinc_core_eno_get_result(a.get(), &r), -1);
  tcpinc_u8 g;
  EXPECT_EQ(tcpinc_core_eno_peer_gopt(a.get(), &g), -1);
  int act;
  Send(a.get(), kSyn, &act);
  // The SYN-ACK of a host without ENO: only MSS.
  EXPECT_EQ(Receive(a.get(), kSyn | kAck, {2, 4, 0x05, 0xb4}), TCPINC_CORE_ENO_FALLBACK);
  EXPECT_EQ(tcpinc_core_eno_state(a.get()), TCPINC_CORE_ENO_DISABLED);
  EXPECT_EQ(tcpinc_core_eno_reason(a.get()), TCPINC_CORE_ENO_R_MISSING_ENO);
  EXPECT_EQ(tcpinc_core_eno_get_result(a.get(), &r), -1);
}

TEST(BoundaryEno, ConfigurationChecks) {
  Eno a;
  EXPECT_EQ(tcpinc_core_eno_tep_supported(0x23), 1);
  EXPECT_EQ(tcpinc_core_eno_tep_supported(0x21), 1);
  EXPECT_EQ(tcpinc_core_eno_tep_supported(0x22), 0);  // no P-521 in the kernel
  EXPECT_EQ(tcpinc_core_eno_tep_supported(0x24), 1);  // X448: the module's own KPP
  auto bad = Config(false, {0x22});
  EXPECT_NE(tcpinc_core_eno_init(a.get(), &bad), 0);
  auto off = Config(false, {0x23});
  off.enabled = 0;
  ASSERT_EQ(tcpinc_core_eno_init(a.get(), &off), 0);
  EXPECT_EQ(tcpinc_core_eno_state(a.get()), TCPINC_CORE_ENO_DISABLED);
  EXPECT_EQ(tcpinc_core_eno_reason(a.get()), TCPINC_CORE_ENO_R_CONFIG_DISABLED);
  auto too_many = Config(false, {0x23});
  too_many.tep_count = TCPINC_CORE_ENO_MAX_TEPS + 1;
  EXPECT_NE(tcpinc_core_eno_init(a.get(), &too_many), 0);
}

TEST(BoundaryEno, OptionScan) {
  tcpinc_core_opt_scan s;
  std::vector<tcpinc_u8> two_eno = {0x45, 0x02, 1, 1, 0x45, 0x02};
  tcpinc_core_scan_tcp_options(two_eno.data(), two_eno.size(), &s);
  EXPECT_EQ(s.eno_count, 2);
  EXPECT_EQ(s.tfo_nonempty, 0);
  std::vector<tcpinc_u8> tfo_cookie = {34, 10, 1, 2, 3, 4, 5, 6, 7, 8};
  tcpinc_core_scan_tcp_options(tfo_cookie.data(), tfo_cookie.size(), &s);
  EXPECT_EQ(s.tfo_nonempty, 1);
  std::vector<tcpinc_u8> tfo_request = {34, 2};
  tcpinc_core_scan_tcp_options(tfo_request.data(), tfo_request.size(), &s);
  EXPECT_EQ(s.tfo_nonempty, 0);
  std::vector<tcpinc_u8> broken = {0x45, 0x09, 0x21};
  tcpinc_core_scan_tcp_options(broken.data(), broken.size(), &s);
  EXPECT_EQ(s.malformed, 1);
}

// The option walk the glue uses (SYN-ACK room, NOP compaction): one step
// per option, NOPs skipped, EOL or the end stops it, a broken option is -1.
namespace {
struct Walked {
  std::vector<tcpinc_core_tcp_opt> opts;
  int last;  // the step that ended the walk: 0 or -1
  tcpinc_usize pos;
};
Walked walk(const std::vector<tcpinc_u8>& area) {
  Walked w{{}, 0, 0};
  tcpinc_core_tcp_opt o;
  while ((w.last = tcpinc_core_tcp_option_next(area.data(), area.size(), &w.pos, &o)) > 0)
    w.opts.push_back(o);
  return w;
}
}  // namespace

TEST(BoundaryEno, OptionWalkGivesEachOptionButNops) {
  // MSS, NOP, NOP, SACK-permitted, ENO<b=1,X>, wscale (Linux's SYN plus ENO)
  Walked w = walk({0x02, 0x04, 0x05, 0xb4, 0x01, 0x01, 0x04, 0x02, 0x45, 0x04, 0x01, 0x21, 0x03,
                   0x03, 0x07});
  EXPECT_EQ(w.last, 0);
  EXPECT_EQ(w.pos, 15u);
  ASSERT_EQ(w.opts.size(), 4u);
  const tcpinc_u8 kinds[] = {0x02, 0x04, 0x45, 0x03}, lens[] = {4, 2, 4, 3}, offs[] = {0, 6, 8, 12};
  for (size_t i = 0; i < 4; i++) {
    EXPECT_EQ(w.opts[i].kind, kinds[i]) << i;
    EXPECT_EQ(w.opts[i].len, lens[i]) << i;
    EXPECT_EQ(w.opts[i].off, offs[i]) << i;
  }
  EXPECT_EQ(walk({}).last, 0);
  EXPECT_TRUE(walk({0x01, 0x01, 0x01}).opts.empty());
}

TEST(BoundaryEno, OptionWalkStopsAtEol) {
  // Nothing after EOL counts, not even a broken option; asking again gives 0.
  std::vector<tcpinc_u8> area = {0x02, 0x04, 0x05, 0xb4, 0x00, 0x45, 0x09};
  Walked w = walk(area);
  EXPECT_EQ(w.last, 0);
  ASSERT_EQ(w.opts.size(), 1u);
  EXPECT_EQ(w.pos, area.size());
  tcpinc_core_tcp_opt o;
  EXPECT_EQ(tcpinc_core_tcp_option_next(area.data(), area.size(), &w.pos, &o), 0);
}

TEST(BoundaryEno, OptionWalkRefusesBrokenAreas) {
  // After a good option: a length past the end; the position stays at it.
  Walked w = walk({0x02, 0x04, 0x05, 0xb4, 0x01, 0x45, 0x09, 0x21});
  EXPECT_EQ(w.last, -1);
  EXPECT_EQ(w.opts.size(), 1u);
  EXPECT_EQ(w.pos, 4u);
  // A length byte below 2, a missing length byte, an area no TCP header holds.
  EXPECT_EQ(walk({0x45, 0x01}).last, -1);
  EXPECT_EQ(walk({0x45, 0x00}).last, -1);
  EXPECT_EQ(walk({0x01, 0x45}).last, -1);
  std::vector<tcpinc_u8> too_long(41, 0x01);
  EXPECT_EQ(walk(too_long).last, -1);
  EXPECT_EQ(walk(std::vector<tcpinc_u8>(40, 0x01)).last, 0);
  // A position past the area is refused, not read from.
  tcpinc_core_tcp_opt o;
  tcpinc_usize pos = 5;
  std::vector<tcpinc_u8> four = {0x02, 0x04, 0x05, 0xb4};
  EXPECT_EQ(tcpinc_core_tcp_option_next(four.data(), four.size(), &pos, &o), -1);
}

TEST(BoundaryEno, OptionWalkAgreesWithTheScan) {
  // Two ENO options and a legacy one: the walk sees the two of kind 69, the
  // scan counts all three; both find the same area well formed or not.
  std::vector<tcpinc_u8> area = {0x45, 0x02, 0x01, 0xfd, 0x04, 0x45, 0x4e, 0x45, 0x03, 0x21};
  Walked w = walk(area);
  tcpinc_core_opt_scan s;
  tcpinc_core_scan_tcp_options(area.data(), area.size(), &s);
  EXPECT_EQ(w.last, 0);
  EXPECT_EQ(s.malformed, 0);
  size_t eno = 0;
  for (const auto& o : w.opts) eno += o.kind == 0x45;
  EXPECT_EQ(eno, 2u);
  EXPECT_EQ(s.eno_count, 3);
}


// --- resumption suboptions through the C API (RFC 8548 3.5) ---------------

struct Lookup {
  std::vector<tcpinc_u8> known_half;  // the half we accept
  std::vector<tcpinc_u8> answer;      // our half + nonce
  int calls = 0;
  tcpinc_u8 seen_tep = 0;
};

int LookupFn(void* arg, tcpinc_u8 tep_id, const tcpinc_u8* peer_half, tcpinc_u8* out, tcpinc_u8* out_len) {
  Lookup* l = static_cast<Lookup*>(arg);
  l->calls++;
  l->seen_tep = tep_id;
  if (std::memcmp(peer_half, l->known_half.data(), 9) != 0) return 0;
  std::memcpy(out, l->answer.data(), l->answer.size());
  *out_len = static_cast<tcpinc_u8>(l->answer.size());
  return 1;
}

std::vector<tcpinc_u8> Seq(tcpinc_u8 first, size_t n) {
  std::vector<tcpinc_u8> v(n);
  for (size_t i = 0; i < n; i++) v[i] = static_cast<tcpinc_u8>(first + i);
  return v;
}

tcpinc_core_eno_config ResumeConfig(const std::vector<tcpinc_u8>& data, const std::vector<tcpinc_u8>& expect) {
  auto c = Config(false, {0x23});
  c.resume_tep = 0x23;
  c.resume_data_len = static_cast<tcpinc_u8>(data.size());
  std::memcpy(c.resume_data, data.data(), data.size());
  std::memcpy(c.resume_expect_half, expect.data(), 9);
  return c;
}

// A SYN-ACK's option area after the glue dropped the NOP in front of the
// window scale to make room for a 21-byte answer: exactly 40 bytes.
std::vector<tcpinc_u8> PackedArea(const std::vector<tcpinc_u8>& eno) {
  std::vector<tcpinc_u8> a = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 3, 3, 7};
  a.insert(a.end(), eno.begin(), eno.end());
  return a;
}

int ReceivePassive(tcpinc_core_eno* e, tcpinc_u8 flags, const std::vector<tcpinc_u8>& area, Lookup* l) {
  int discard = -1;
  return tcpinc_core_eno_on_receive_passive(e, flags, area.data(), area.size(), 0, &discard, LookupFn, l);
}

TEST(BoundaryEno, ResumptionSuboptionsBothWays) {
  const auto a_data = Seq(0x10, 17), b_half = Seq(0x40, 9), b_data = Seq(0x40, 17);
  Eno a, b, child;
  auto ca = ResumeConfig(a_data, b_half);
  auto cb = Config(true, {0x21, 0x23});
  ASSERT_EQ(tcpinc_core_eno_init(a.get(), &ca), 0);
  ASSERT_EQ(tcpinc_core_eno_init(b.get(), &cb), 0);
  int act = -1;
  auto syn = Send(a.get(), kSyn, &act);
  std::vector<tcpinc_u8> want = {0x45, 20, 0xa3};
  want.insert(want.end(), a_data.begin(), a_data.end());
  EXPECT_EQ(syn, want);  // 20 bytes: fits next to Linux's 20

  Lookup l{std::vector<tcpinc_u8>(a_data.begin(), a_data.begin() + 9), b_data};
  EXPECT_EQ(ReceivePassive(b.get(), kSyn, OptionArea(syn), &l), TCPINC_CORE_ENO_NONE);
  EXPECT_EQ(l.calls, 1);
  EXPECT_EQ(l.seen_tep, 0x23);
  // The listener's entry moves into the child by memcpy.
  std::memcpy(child.get(), b.get(), tcpinc_core_eno_size());
  std::memset(b.get(), 0xa5, tcpinc_core_eno_size());
  auto synack = Send(child.get(), kSyn | kAck, &act);
  want = {0x45, 21, 0x01, 0xa3};
  want.insert(want.end(), b_data.begin(), b_data.end());
  EXPECT_EQ(synack, want);  // 21 bytes: the glue must make room
  ASSERT_EQ(PackedArea(synack).size(), 40u);
  EXPECT_EQ(Receive(a.get(), kSyn | kAck, PackedArea(synack)), TCPINC_CORE_ENO_NONE);
  (void)Send(a.get(), kAck, &act);
  EXPECT_EQ(act, TCPINC_CORE_ENO_ENABLE);
  EXPECT_EQ(Receive(child.get(), kAck, {1, 1, 0x45, 0x02}), TCPINC_CORE_ENO_ENABLE);

  tcpinc_core_eno_result ra, rb;
  ASSERT_EQ(tcpinc_core_eno_get_result(a.get(), &ra), 0);
  ASSERT_EQ(tcpinc_core_eno_get_result(child.get(), &rb), 0);
  EXPECT_EQ(ra.tep_byte, 0xa3);
  EXPECT_EQ(rb.tep_byte, 0xa3);
  EXPECT_EQ(ra.peer_tep_byte, 0xa3);
  EXPECT_EQ(std::vector<tcpinc_u8>(ra.peer_data, ra.peer_data + ra.peer_data_len), b_data);
  EXPECT_EQ(std::vector<tcpinc_u8>(rb.peer_data, rb.peer_data + rb.peer_data_len), a_data);
}

TEST(BoundaryEno, ResumptionDeclinedIsAFreshExchange) {
  const auto a_data = Seq(0x10, 17), b_half = Seq(0x40, 9);
  Eno a, b;
  auto ca = ResumeConfig(a_data, b_half);
  auto cb = Config(true, {0x23});
  ASSERT_EQ(tcpinc_core_eno_init(a.get(), &ca), 0);
  ASSERT_EQ(tcpinc_core_eno_init(b.get(), &cb), 0);
  int act = -1;
  auto syn = Send(a.get(), kSyn, &act);
  Lookup l{Seq(0x99, 9), {}};  // knows another secret
  EXPECT_EQ(ReceivePassive(b.get(), kSyn, OptionArea(syn), &l), TCPINC_CORE_ENO_NONE);
  auto synack = Send(b.get(), kSyn | kAck, &act);
  EXPECT_EQ(synack, (std::vector<tcpinc_u8>{0x45, 0x04, 0x01, 0x23}));
  EXPECT_EQ(Receive(a.get(), kSyn | kAck, OptionArea(synack)), TCPINC_CORE_ENO_NONE);
  (void)Send(a.get(), kAck, &act);
  EXPECT_EQ(act, TCPINC_CORE_ENO_ENABLE);
  tcpinc_core_eno_result ra;
  ASSERT_EQ(tcpinc_core_eno_get_result(a.get(), &ra), 0);
  EXPECT_EQ(ra.tep_byte, 0x23);
  EXPECT_EQ(ra.peer_data_len, 0);
}

TEST(BoundaryEno, ResumptionAnswerWithTheWrongHalfDisablesEno) {
  const auto a_data = Seq(0x10, 17), b_half = Seq(0x40, 9);
  Eno a;
  auto ca = ResumeConfig(a_data, b_half);
  ASSERT_EQ(tcpinc_core_eno_init(a.get(), &ca), 0);
  int act = -1;
  (void)Send(a.get(), kSyn, &act);
  std::vector<tcpinc_u8> synack = {0x45, 21, 0x01, 0xa3};
  auto other = Seq(0x41, 17);  // not the half we expect
  synack.insert(synack.end(), other.begin(), other.end());
  EXPECT_EQ(Receive(a.get(), kSyn | kAck, PackedArea(synack)), TCPINC_CORE_ENO_FALLBACK);
  EXPECT_EQ(tcpinc_core_eno_state(a.get()), TCPINC_CORE_ENO_DISABLED);
  EXPECT_EQ(tcpinc_core_eno_reason(a.get()), TCPINC_CORE_ENO_R_NO_VALID_TEP);
}

TEST(BoundaryEno, ResumptionDataOfWrongLengthIsRefused) {
  Eno a;
  auto ca = ResumeConfig(Seq(0, 8), Seq(0, 9));
  EXPECT_NE(tcpinc_core_eno_init(a.get(), &ca), 0);
}

// The glue sizes a resumption proposal's room in the SYN with
// tcpinc_core_eno_syn_option_len: it must be the length
// of the option on_send then sends, for every global suboption setting.
// The old glue formula, 2 + (a ? 1 : 0) + 18, missed the global byte that
// mandatory application-aware mode sends with a = 0 (20 against 21).
TEST(BoundaryEno, SynOptionLenIsTheOptionSent) {
  for (int a = 0; a <= 1; a++)
    for (int aa = 0; aa <= 1; aa++)
      for (int b = 0; b <= 1; b++)
        for (size_t data : {0, 9, 13, 17}) {
          auto c = data ? ResumeConfig(Seq(0x10, data), Seq(0x40, 9)) : Config(false, {0x21, 0x23});
          c.a = a;
          c.aa_mandatory = aa;
          c.b = b;
          const int len = tcpinc_core_eno_syn_option_len(&c);
          Eno e;
          ASSERT_EQ(tcpinc_core_eno_init(e.get(), &c), 0);
          int act = -1;
          auto syn = Send(e.get(), kSyn, &act);
          EXPECT_EQ(len, static_cast<int>(syn.size())) << "a=" << a << " aa=" << aa << " b=" << b << " data=" << data;
        }
  auto c = ResumeConfig(Seq(0x10, 17), Seq(0x40, 9));
  c.aa_mandatory = 1;
  EXPECT_EQ(tcpinc_core_eno_syn_option_len(&c), 21);
  c.aa_mandatory = 0;
  EXPECT_EQ(tcpinc_core_eno_syn_option_len(&c), 20);
  c.enabled = 0;
  EXPECT_EQ(tcpinc_core_eno_syn_option_len(&c), 0);
  c = Config(false, {0x21, 0x22});  // 0x22 (P-521): not in this build
  EXPECT_LT(tcpinc_core_eno_syn_option_len(&c), 0);
}

// B answers A's proposal with v = 1 and n bytes of data, n = 0..36 (the
// option alone fills the area). ENO and the glue's tcpcrypt side
// (tc_resume_config) must agree: a resumption exactly when the data is a
// half and a 0..8-byte nonce (9..17 bytes), otherwise ENO enables the TEP
// as a fresh offer and tcpinc_core_tc_resume_data_valid says fresh too.
// The old glue accepted 9..40 as resumption data and aborted (EPROTO) on
// 18..36-byte answers that ENO had enabled as fresh.
TEST(BoundaryEno, ResumptionAnswerLengthsAgreeWithTcpcrypt) {
  const auto a_data = Seq(0x10, 17), b_half = Seq(0x40, 9);
  for (size_t n = 0; n <= 36; n++) {
    Eno a;
    auto ca = ResumeConfig(a_data, b_half);
    ASSERT_EQ(tcpinc_core_eno_init(a.get(), &ca), 0);
    int act = -1;
    (void)Send(a.get(), kSyn, &act);
    std::vector<tcpinc_u8> synack = {0x45, static_cast<tcpinc_u8>(4 + n), 0x01, 0xa3};
    auto data = Seq(0x40, n);  // starts with the expected half when n >= 9
    synack.insert(synack.end(), data.begin(), data.end());
    EXPECT_EQ(Receive(a.get(), kSyn | kAck, synack), TCPINC_CORE_ENO_NONE) << "n=" << n;
    (void)Send(a.get(), kAck, &act);
    ASSERT_EQ(act, TCPINC_CORE_ENO_ENABLE) << "n=" << n;
    tcpinc_core_eno_result r;
    ASSERT_EQ(tcpinc_core_eno_get_result(a.get(), &r), 0);
    EXPECT_EQ(r.tep_byte, 0xa3) << "n=" << n;
    EXPECT_EQ(r.peer_data_len, n);
    const bool resumes = (r.tep_byte & 0x80) && tcpinc_core_tc_resume_data_valid(r.peer_data_len);
    EXPECT_EQ(resumes, n >= 9 && n <= 17) << "n=" << n;
  }
}

}  // namespace
