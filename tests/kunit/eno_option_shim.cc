// SPDX-License-Identifier: GPL-2.0
// eno_option_shim.cc - drives the ENO option codec (eno_option.h) and the
// TCP option scan (eno_tcp_options.h) for eno_option_test.c. Every option
// handed to the core sits in an exactly sized heap buffer (tcpinc_kt_alloc),
// so a parser that reads one byte too far is a KASAN report.
#include "eno_option.h"
#include "eno_tcp_options.h"
#include "kt.h"
#include "memory.h"

using namespace tcpinc;

namespace {

template <usize N>
u8* heap(tcpinc_kt* t, const u8 (&src)[N]) {
  u8* p = static_cast<u8*>(tcpinc_kt_alloc(t, N));
  if (p) copy_bytes(p, src, N);
  return p;
}

template <usize N>
EnoParseStatus parse(tcpinc_kt* t, const u8 (&src)[N], EnoSynOption* o) {
  u8* p = heap(t, src);
  return p ? eno_parse_syn_option(p, N, o) : EnoParseStatus::kNotEno;
}

}  // namespace

// RFC 8547 Figure 9: the SYN ENO<X,Y> and the SYN-ACK ENO<b=1,Y>.
extern "C" void tcpinc_kt_eno_parses_rfc_examples(tcpinc_kt* t) {
  static constexpr u8 syn[] = {0x45, 0x04, 0x21, 0x23};
  static constexpr u8 synack[] = {0x45, 0x04, 0x01, 0x23};
  EnoSynOption o;
  KT_EXPECT(t, parse(t, syn, &o) == EnoParseStatus::kOk);
  KT_EXPECT(t, o.count == 2 && o.tep_count == 2 && !o.global_explicit && o.global == 0);
  KT_EXPECT(t, o.sub[0].byte == 0x21 && o.sub[1].byte == 0x23 && eno_last_tep(&o) == 1);
  KT_EXPECT(t, parse(t, synack, &o) == EnoParseStatus::kOk);
  KT_EXPECT(t, o.global_explicit && eno_global_b(o.global) && !eno_global_a(o.global));
  KT_EXPECT(t, o.tep_count == 1 && eno_last_tep(&o) == 1);
}

extern "C" void tcpinc_kt_eno_parses_data_and_length_bytes(tcpinc_kt* t) {
  // 0x81: 2 data bytes for TEP 0xa1, then TEP 0x22 with no data.
  static constexpr u8 opt[] = {0x45, 0x07, 0x81, 0xa1, 0xaa, 0xbb, 0x22};
  EnoSynOption o;
  KT_EXPECT(t, parse(t, opt, &o) == EnoParseStatus::kOk);
  KT_EXPECT(t, o.count == 2 && o.sub[0].has_length_byte);
  KT_EXPECT(t, o.sub[0].data_off == 4 && o.sub[0].data_len == 2);
  KT_EXPECT(t, eno_count_glt(&o, 0x21) == 1 && eno_count_glt(&o, 0x22) == 1);
}

extern "C" void tcpinc_kt_eno_rejects_malformed(tcpinc_kt* t) {
  static constexpr u8 not_eno[] = {0x44, 0x02};
  static constexpr u8 short_len[] = {0x45, 0x05, 0x21};
  static constexpr u8 len_1[] = {0x45, 0x01};
  static constexpr u8 overrun[] = {0x45, 0x05, 0x81, 0xa1, 0xaa};
  static constexpr u8 no_tep[] = {0x45, 0x04, 0x81, 0x10};
  static constexpr u8 dangling[] = {0x45, 0x03, 0x81};
  EnoSynOption o;
  KT_EXPECT(t, parse(t, not_eno, &o) == EnoParseStatus::kNotEno);
  KT_EXPECT(t, parse(t, short_len, &o) == EnoParseStatus::kBadOptionLength);
  KT_EXPECT(t, parse(t, len_1, &o) == EnoParseStatus::kBadOptionLength);
  KT_EXPECT(t, parse(t, overrun, &o) == EnoParseStatus::kLengthOverrun);
  KT_EXPECT(t, parse(t, no_tep, &o) == EnoParseStatus::kLengthNotFollowedByTep);
  KT_EXPECT(t, parse(t, dangling, &o) == EnoParseStatus::kLengthNotFollowedByTep);
}

// Every option length 2..40 with pseudo-random contents, each in a buffer
// of exactly that size: whatever parses must re-encode to the same bytes.
extern "C" void tcpinc_kt_eno_parse_stays_in_bounds(tcpinc_kt* t) {
  u32 x = 0x2545f491;
  unsigned parsed = 0;
  bool same = true;
  for (usize len = 2; len <= kEnoMaxOptionLen; len++) {
    for (int round = 0; round < 64; round++) {
      u8* p = static_cast<u8*>(tcpinc_kt_alloc(t, len));
      if (!p) return;
      p[0] = kEnoKind;
      p[1] = static_cast<u8>(len);
      for (usize i = 2; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = static_cast<u8>(x);
      }
      EnoSynOption o;
      if (eno_parse_syn_option(p, len, &o) != EnoParseStatus::kOk) continue;
      parsed++;
      u8 out[kEnoMaxOptionLen];
      usize out_len = 0;
      same = same && eno_reencode_syn_option(p, &o, out, sizeof out, &out_len) == EnoBuildStatus::kOk &&
             out_len == len && equal_bytes(out, p, len);
    }
  }
  KT_EXPECT(t, parsed > 0);
  KT_EXPECT(t, same);
}

extern "C" void tcpinc_kt_eno_build_round_trip(tcpinc_kt* t) {
  static constexpr u8 data[] = {0xde, 0xad};
  const EnoSuboptionSpec subs[] = {
      {EnoSuboptionKind::kGlobal, 0x01, false, nullptr, 0},
      {EnoSuboptionKind::kTep, 0xa1, false, data, 2},
      {EnoSuboptionKind::kTep, 0x23, false, nullptr, 0},
  };
  u8* out = static_cast<u8*>(tcpinc_kt_alloc(t, kEnoMaxOptionLen));
  if (!out) return;
  usize len = 0;
  KT_EXPECT(t, eno_build_syn_option(subs, 3, out, kEnoMaxOptionLen, &len) == EnoBuildStatus::kOk);
  KT_EXPECT(t, len == 8);  // 45 08 01 81 a1 de ad 23: a length byte, as 0xa1 is not last
  EnoSynOption o;
  KT_EXPECT(t, eno_parse_syn_option(out, len, &o) == EnoParseStatus::kOk);
  KT_EXPECT(t, o.tep_count == 2 && o.global == 0x01 && eno_last_tep(&o) == 2);
  // Too small a buffer: refused, nothing claimed written.
  usize small = 0;
  KT_EXPECT(t, eno_build_syn_option(subs, 3, out, 4, &small) == EnoBuildStatus::kTooLong);
}

// A Linux SYN's options (MSS, SACK-permitted, timestamps, NOP, window
// scale: 20 bytes) followed by ENO, then the same with the 40-byte option
// space filled exactly, then broken areas.
extern "C" void tcpinc_kt_eno_scan_linux_syn(tcpinc_kt* t) {
  static constexpr u8 syn[] = {
      0x02, 0x04, 0x05, 0xb4,                          // MSS 1460
      0x04, 0x02,                                      // SACK permitted
      0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 0,              // timestamps
      0x01,                                            // NOP
      0x03, 0x03, 0x07,                                // window scale 7
      0x45, 0x04, 0x21, 0x23,                          // ENO<X,Y>
  };
  static constexpr u8 full[] = {
      0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 0,
      0x01, 0x03, 0x03, 0x07,
      0x45, 0x14, 0x21, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
  };
  static_assert(sizeof full == kTcpMaxOptionsLen, "full option space");
  static constexpr u8 overrun[] = {0x02, 0x04, 0x05, 0xb4, 0x45, 0x06, 0x21, 0x23};
  static constexpr u8 two[] = {0x45, 0x03, 0x21, 0x45, 0x03, 0x23, 0x00, 0x00};
  static constexpr u8 tfo[] = {0x22, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8, 0x45, 0x03, 0x21, 0x00};
  EnoScan s;
  u8* p = heap(t, syn);
  if (!p) return;
  eno_scan_tcp_options(p, sizeof syn, &s);
  KT_EXPECT(t, !s.malformed && s.eno_count == 1 && s.eno_off == 20 && s.eno_len == 4);
  KT_EXPECT(t, !s.tfo_nonempty && s.legacy_eno_count == 0);
  p = heap(t, full);
  if (!p) return;
  eno_scan_tcp_options(p, sizeof full, &s);
  KT_EXPECT(t, !s.malformed && s.eno_count == 1 && s.eno_off == 20 && s.eno_len == 20);
  EnoSynOption o;
  KT_EXPECT(t, eno_parse_syn_option(p + s.eno_off, s.eno_len, &o) == EnoParseStatus::kOk);
  KT_EXPECT(t, o.tep_count == 2 && o.sub[1].data_len == 16);
  p = heap(t, overrun);
  if (!p) return;
  eno_scan_tcp_options(p, sizeof overrun, &s);
  KT_EXPECT(t, s.malformed);
  p = heap(t, two);
  if (!p) return;
  eno_scan_tcp_options(p, sizeof two, &s);
  KT_EXPECT(t, !s.malformed && s.eno_count == 2 && s.eno_off == 0);
  p = heap(t, tfo);
  if (!p) return;
  eno_scan_tcp_options(p, sizeof tfo, &s);
  KT_EXPECT(t, s.tfo_nonempty && s.eno_count == 1 && s.eno_off == 10);
}
