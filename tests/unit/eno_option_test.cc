// SPDX-License-Identifier: GPL-2.0
// The ENO option codec (RFC 8547 4.1-4.4): exact bytes in, exact fields out.
#include <gtest/gtest.h>

#include <vector>

#include "eno_option.h"

using namespace tcpinc;
using Bytes = std::vector<u8>;

namespace {

EnoParseStatus parse(const Bytes& b, EnoSynOption* out) { return eno_parse_syn_option(b.data(), b.size(), out); }

Bytes build(const std::vector<EnoSuboptionSpec>& specs, EnoBuildStatus* st = nullptr, usize cap = 40) {
  u8 buf[64];
  usize len = 0;
  EnoBuildStatus s = eno_build_syn_option(specs.data(), specs.size(), buf, cap, &len);
  if (st != nullptr) *st = s;
  if (s != EnoBuildStatus::kOk) return {};
  return Bytes(buf, buf + len);
}

EnoSuboptionSpec g(u8 byte) { return {EnoSuboptionKind::kGlobal, byte, false, nullptr, 0}; }
EnoSuboptionSpec t(u8 byte, const u8* data = nullptr, u8 len = 0, bool force = false) {
  return {EnoSuboptionKind::kTep, byte, force, data, len};
}

}  // namespace

// Figure 9's SYN: ENO<X,Y> with no global suboption.
TEST(EnoOption, ParsesTwoTepsWithImplicitGlobal) {
  EnoSynOption o;
  ASSERT_EQ(parse({0x45, 0x04, 0x21, 0x23}, &o), EnoParseStatus::kOk);
  EXPECT_EQ(o.count, 2);
  EXPECT_EQ(o.tep_count, 2);
  EXPECT_FALSE(o.global_explicit);
  EXPECT_EQ(o.global, 0x00);  // implicit global suboption 0x00 (4.2)
  EXPECT_EQ(o.sub[0].kind, EnoSuboptionKind::kTep);
  EXPECT_EQ(o.sub[0].byte, 0x21);
  EXPECT_EQ(o.sub[0].data_len, 0);
  EXPECT_EQ(o.sub[1].byte, 0x23);
  EXPECT_EQ(eno_last_tep(&o), 1);
}

// Figure 9's SYN-ACK: ENO<b=1,Y>.
TEST(EnoOption, ParsesExplicitGlobalWithBBit) {
  EnoSynOption o;
  ASSERT_EQ(parse({0x45, 0x04, 0x01, 0x23}, &o), EnoParseStatus::kOk);
  EXPECT_TRUE(o.global_explicit);
  EXPECT_EQ(o.global, 0x01);
  EXPECT_TRUE(eno_global_b(o.global));
  EXPECT_FALSE(eno_global_a(o.global));
  EXPECT_EQ(o.sub[0].kind, EnoSuboptionKind::kGlobal);
  EXPECT_EQ(o.tep_count, 1);
}

TEST(EnoOption, FirstGlobalSuboptionWinsLaterOnesKept) {
  EnoSynOption o;
  ASSERT_EQ(parse({0x45, 0x06, 0x02, 0x01, 0x21, 0x1f}, &o), EnoParseStatus::kOk);
  EXPECT_EQ(o.global, 0x02);  // a = 1, b = 0: the later 0x01 and 0x1f are ignored
  EXPECT_EQ(o.count, 4);
  EXPECT_EQ(o.tep_count, 1);
  EXPECT_EQ(o.sub[1].kind, EnoSuboptionKind::kGlobal);
  EXPECT_EQ(o.sub[3].byte, 0x1f);
}

TEST(EnoOption, ZBitsDoNotChangeAOrB) {
  EXPECT_FALSE(eno_global_b(0x1c));
  EXPECT_FALSE(eno_global_a(0x1c));
  EXPECT_TRUE(eno_global_b(0x1d));
  EXPECT_TRUE(eno_global_a(0x1e));
}

TEST(EnoOption, TepWithVBitLastRunsToEndOfOption) {
  EnoSynOption o;
  // 0xa1 has no length byte: everything after it is its data, including
  // bytes that would otherwise read as suboptions.
  ASSERT_EQ(parse({0x45, 0x07, 0x22, 0xa1, 0x01, 0x80, 0x23}, &o), EnoParseStatus::kOk);
  EXPECT_EQ(o.tep_count, 2);
  EXPECT_EQ(o.sub[1].byte, 0xa1);
  EXPECT_FALSE(o.sub[1].has_length_byte);
  EXPECT_EQ(o.sub[1].data_off, 4);
  EXPECT_EQ(o.sub[1].data_len, 3);
}

TEST(EnoOption, TepWithVBitAndNoDataAtEnd) {
  EnoSynOption o;
  ASSERT_EQ(parse({0x45, 0x03, 0xa1}, &o), EnoParseStatus::kOk);
  EXPECT_EQ(o.sub[0].byte, 0xa1);
  EXPECT_EQ(o.sub[0].data_len, 0);
}

TEST(EnoOption, LengthByteDelimitsData) {
  EnoSynOption o;
  // 0x81 -> 2 data bytes for TEP 0xa1, then TEP 0x22.
  ASSERT_EQ(parse({0x45, 0x07, 0x81, 0xa1, 0xaa, 0xbb, 0x22}, &o), EnoParseStatus::kOk);
  EXPECT_EQ(o.count, 2);
  EXPECT_EQ(o.sub[0].byte, 0xa1);
  EXPECT_TRUE(o.sub[0].has_length_byte);
  EXPECT_EQ(o.sub[0].data_off, 4);
  EXPECT_EQ(o.sub[0].data_len, 2);
  EXPECT_EQ(o.sub[1].byte, 0x22);
  EXPECT_EQ(eno_count_glt(&o, 0x21), 1);
  EXPECT_EQ(eno_count_glt(&o, 0x22), 1);
  EXPECT_EQ(eno_count_glt(&o, 0x23), 0);
}

TEST(EnoOption, LengthByteOf32DataBytes) {
  Bytes b = {0x45, 36, 0x9f, 0xa1};
  for (int i = 0; i < 32; i++) b.push_back(static_cast<u8>(i));
  ASSERT_EQ(b.size(), 36u);
  EnoSynOption o;
  ASSERT_EQ(parse(b, &o), EnoParseStatus::kOk);
  EXPECT_EQ(o.sub[0].data_len, 32);
}

TEST(EnoOption, LastSuboptionMayExceed32Bytes) {
  Bytes b = {0x45, 40, 0xa1};
  for (int i = 0; i < 37; i++) b.push_back(0x55);
  EnoSynOption o;
  ASSERT_EQ(parse(b, &o), EnoParseStatus::kOk);
  EXPECT_EQ(o.sub[0].data_len, 37);
}

// 4.4 malformation 1: data past the end of the option.
TEST(EnoOption, LengthByteOverrunIsMalformed) {
  EnoSynOption o;
  EXPECT_EQ(parse({0x45, 0x05, 0x83, 0xa1, 0xaa}, &o), EnoParseStatus::kLengthOverrun);
  EXPECT_EQ(parse({0x45, 0x04, 0x80, 0xa1}, &o), EnoParseStatus::kLengthOverrun);
  EXPECT_EQ(parse({0x45, 0x05, 0x80, 0xa1, 0x00}, &o), EnoParseStatus::kOk);
}

// 4.4 malformation 2: a length byte followed by 0x00-0x9f.
TEST(EnoOption, LengthByteFollowedByNonTepIsMalformed) {
  EnoSynOption o;
  for (int next = 0x00; next <= 0x9f; next++) {
    EXPECT_EQ(parse({0x45, 0x05, 0x80, static_cast<u8>(next), 0x00}, &o),
              EnoParseStatus::kLengthNotFollowedByTep)
        << "next byte " << next;
  }
  for (int next = 0xa0; next <= 0xff; next++) {
    EXPECT_EQ(parse({0x45, 0x05, 0x80, static_cast<u8>(next), 0x00}, &o), EnoParseStatus::kOk) << next;
  }
  // A length byte with nothing after it has no TEP byte either.
  EXPECT_EQ(parse({0x45, 0x03, 0x80}, &o), EnoParseStatus::kLengthNotFollowedByTep);
}

TEST(EnoOption, HeaderChecks) {
  EnoSynOption o;
  EXPECT_EQ(parse({0x44, 0x02}, &o), EnoParseStatus::kNotEno);
  EXPECT_EQ(parse({0x45, 0x03, 0x21, 0x22}, &o), EnoParseStatus::kBadOptionLength);
  EXPECT_EQ(parse({0x45, 0x01}, &o), EnoParseStatus::kBadOptionLength);
  EXPECT_EQ(parse({0x45}, &o), EnoParseStatus::kBadOptionLength);
  EXPECT_EQ(parse({}, &o), EnoParseStatus::kBadOptionLength);
  Bytes big(41, 0x21);
  big[0] = 0x45;
  big[1] = 41;
  EXPECT_EQ(parse(big, &o), EnoParseStatus::kBadOptionLength);
  ASSERT_EQ(parse({0x45, 0x02}, &o), EnoParseStatus::kOk);  // vacuous, implicit global
  EXPECT_EQ(o.count, 0);
  EXPECT_EQ(o.tep_count, 0);
  EXPECT_EQ(eno_last_tep(&o), -1);
}

TEST(EnoOption, BuildsFigure9Options) {
  EXPECT_EQ(build({t(0x21), t(0x23)}), (Bytes{0x45, 0x04, 0x21, 0x23}));
  EXPECT_EQ(build({g(0x01), t(0x23)}), (Bytes{0x45, 0x04, 0x01, 0x23}));
  EXPECT_EQ(build({}), (Bytes{0x45, 0x02}));
}

TEST(EnoOption, BuildsNonSynForm) {
  u8 buf[2];
  usize len = 0;
  ASSERT_EQ(eno_build_non_syn_option(buf, sizeof buf, &len), EnoBuildStatus::kOk);
  EXPECT_EQ(Bytes(buf, buf + len), (Bytes{0x45, 0x02}));
  EXPECT_EQ(eno_build_non_syn_option(buf, 1, &len), EnoBuildStatus::kTooLong);
}

TEST(EnoOption, BuildPutsLengthByteOnlyWhereNeeded) {
  const u8 d[3] = {1, 2, 3};
  EXPECT_EQ(build({t(0xa1, d, 3), t(0x22)}), (Bytes{0x45, 0x08, 0x82, 0xa1, 1, 2, 3, 0x22}));
  EXPECT_EQ(build({t(0x22), t(0xa1, d, 3)}), (Bytes{0x45, 0x07, 0x22, 0xa1, 1, 2, 3}));
  EXPECT_EQ(build({t(0xa1, d, 3, true)}), (Bytes{0x45, 0x07, 0x82, 0xa1, 1, 2, 3}));
  EXPECT_EQ(build({t(0xa1)}), (Bytes{0x45, 0x03, 0xa1}));
}

TEST(EnoOption, BuildRejectsWhatCannotBeEncoded) {
  EnoBuildStatus st;
  const u8 d[40] = {};
  build({g(0x20)}, &st);  // not a global byte
  EXPECT_EQ(st, EnoBuildStatus::kBadSuboption);
  build({t(0x1f)}, &st);  // not a TEP byte
  EXPECT_EQ(st, EnoBuildStatus::kBadSuboption);
  build({t(0x21, d, 1)}, &st);  // data with v = 0
  EXPECT_EQ(st, EnoBuildStatus::kBadSuboption);
  build({t(0xa1), t(0x22)}, &st);  // v = 1, no data, not last: no length byte can say 0
  EXPECT_EQ(st, EnoBuildStatus::kBadSuboption);
  build({t(0xa1, d, 33), t(0x22)}, &st);  // > 32 bytes not last
  EXPECT_EQ(st, EnoBuildStatus::kBadSuboption);
  build({t(0x21, nullptr, 0, true)}, &st);
  EXPECT_EQ(st, EnoBuildStatus::kBadSuboption);
  EnoSuboptionSpec gd = g(0x01);
  gd.data_len = 1;
  gd.data = d;
  build({gd}, &st);
  EXPECT_EQ(st, EnoBuildStatus::kBadSuboption);
  build({t(0xa1, d, 38)}, &st);  // 2 + 1 + 38 > 40
  EXPECT_EQ(st, EnoBuildStatus::kTooLong);
  EXPECT_EQ(build({t(0xa1, d, 37)}).size(), 40u);
  build({t(0x21), t(0x22)}, &st, 3);  // caller's buffer
  EXPECT_EQ(st, EnoBuildStatus::kTooLong);
}

TEST(EnoOption, ReencodeIsIdentityOnShortOptions) {
  // Every option with up to 2 content bytes, and every 5th one with 3 (the
  // fuzzer covers the rest): whatever parses re-encodes to the same bytes.
  int ok = 0;
  for (u32 n = 0; n <= 3; n++) {
    const u32 limit = 1u << (8 * n);
    const u32 step = n == 3 ? 5 : 1;
    for (u32 v = 0; v < limit; v += step) {
      u8 b[5] = {0x45, static_cast<u8>(2 + n)};
      for (u32 i = 0; i < n; i++) b[2 + i] = static_cast<u8>(v >> (8 * i));
      EnoSynOption o;
      if (eno_parse_syn_option(b, 2 + n, &o) != EnoParseStatus::kOk) continue;
      ok++;
      u8 out[40];
      usize len = 0;
      ASSERT_EQ(eno_reencode_syn_option(b, &o, out, sizeof out, &len), EnoBuildStatus::kOk);
      ASSERT_EQ(len, 2 + n);
      ASSERT_EQ(Bytes(out, out + len), Bytes(b, b + len));
    }
  }
  EXPECT_GT(ok, 1000);
}
