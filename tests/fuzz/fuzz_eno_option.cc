// SPDX-License-Identifier: GPL-2.0
// fuzz_eno_option - the ENO option parser and the TCP option area scan.
//
// The input is used three ways: as a whole option (kind and length bytes
// included), as the contents of a well-framed option (so that the fuzzer
// does not have to guess the length byte), and as a TCP option area (both
// scanned and walked option by option, as the kernel glue walks it). For
// everything that parses, the invariants below must hold; the strongest is
// that re-encoding the parse gives back the input byte for byte.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "eno_option.h"
#include "eno_tcp_options.h"
#include "eno_transcript.h"
#include "tcpinc/core_api.h"

using namespace tcpinc;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

void check_parsed(const u8* opt, usize len) {
  EnoSynOption o;
  const EnoParseStatus st = eno_parse_syn_option(opt, len, &o);
  if (st != EnoParseStatus::kOk) {
    // A failure is either a framing error or one of the two malformations
    // of 4.4, and the framing check agrees with the full parse.
    check((eno_check_option_header(opt, len) == EnoParseStatus::kOk) ==
          (st == EnoParseStatus::kLengthOverrun || st == EnoParseStatus::kLengthNotFollowedByTep));
    return;
  }
  check(len >= 2 && len <= kEnoMaxOptionLen && opt[0] == kEnoKind && opt[1] == len);
  check(o.count <= kEnoMaxSuboptions && o.tep_count <= o.count);
  u8 teps = 0;
  bool seen_global = false;
  u8 first_global = 0;
  for (u8 i = 0; i < o.count; i++) {
    const EnoSuboption& s = o.sub[i];
    if (s.kind == EnoSuboptionKind::kGlobal) {
      check(s.byte <= kEnoGlobalMax && s.data_len == 0 && !s.has_length_byte);
      if (!seen_global) first_global = s.byte;
      seen_global = true;
      continue;
    }
    teps++;
    check(eno_is_tep_byte(s.byte));
    check(static_cast<usize>(s.data_off) + s.data_len <= len);
    if ((s.byte & kEnoVBit) == 0) check(s.data_len == 0 && !s.has_length_byte);
    if (s.has_length_byte) check(s.data_len >= 1 && s.data_len <= kEnoMaxLengthByteData);
    // Data without a length byte runs to the end, so only the last can.
    if ((s.byte & kEnoVBit) != 0 && !s.has_length_byte) check(i + 1 == o.count && s.data_off + s.data_len == len);
  }
  check(teps == o.tep_count);
  check(o.global_explicit == seen_global && o.global == (seen_global ? first_global : 0));
  const i32 last = eno_last_tep(&o);
  check((last < 0) == (o.tep_count == 0));
  if (last >= 0) check(eno_count_glt(&o, eno_glt(o.sub[last].byte)) >= 1);

  u8 out[kEnoMaxOptionLen];
  usize out_len = 0;
  check(eno_reencode_syn_option(opt, &o, out, sizeof out, &out_len) == EnoBuildStatus::kOk);
  check(out_len == len && memcmp(out, opt, len) == 0);

  EnoTranscript t;
  check(eno_transcript_build(opt, len, opt, len, &t) == EnoTranscriptStatus::kOk);
  check(t.len == 2 * len && memcmp(t.bytes, opt, len) == 0 && memcmp(t.bytes + len, opt, len) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // 1. The input as a whole option.
  check_parsed(data, size);

  // 2. The input as contents of a correctly framed option.
  if (size <= kEnoMaxContentsLen) {
    u8 opt[kEnoMaxOptionLen];
    opt[0] = kEnoKind;
    opt[1] = static_cast<u8>(size + 2);
    if (size != 0) memcpy(opt + 2, data, size);
    check_parsed(opt, size + 2);
  }

  // 3. The input as a TCP option area.
  EnoScan scan;
  eno_scan_tcp_options(data, size, &scan);
  if (size > kTcpMaxOptionsLen) check(scan.malformed && scan.eno_count == 0);
  if (scan.eno_count != 0) {
    check(static_cast<usize>(scan.eno_off) + scan.eno_len <= size && data[scan.eno_off] == kEnoKind);
    check(data[scan.eno_off + 1] == scan.eno_len);
    check_parsed(data + scan.eno_off, scan.eno_len);
  }

  // 4. The same area walked through the boundary, as the glue walks it:
  // every option lies inside the area, after the one before, and the walk
  // ends the way the scan did (malformed or not, the same ENO options).
  tcpinc_core_tcp_opt o;
  tcpinc_usize pos = 0, next_off = 0;
  usize eno = 0;
  int step;
  while ((step = tcpinc_core_tcp_option_next(data, size, &pos, &o)) > 0) {
    check(o.off >= next_off && o.len >= 2 && static_cast<usize>(o.off) + o.len <= size);
    check(data[o.off] == o.kind && data[o.off + 1] == o.len && pos == o.off + o.len);
    if (o.kind == kEnoKind && eno++ == 0) check(o.off == scan.eno_off && o.len == scan.eno_len);
    next_off = pos;
  }
  check(step == (scan.malformed ? -1 : 0) && eno == scan.eno_count);
  return 0;
}
