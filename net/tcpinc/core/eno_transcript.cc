// SPDX-License-Identifier: GPL-2.0
// eno_transcript.cc - concatenate A's and B's SYN-form options (RFC 8547 4.8).
#include "eno_transcript.h"

#include "bytes.h"

namespace tcpinc {

EnoTranscriptStatus eno_transcript_build(const u8* a_opt, usize a_len, const u8* b_opt, usize b_len,
                                         EnoTranscript* out) {
  // Each option's own length byte is what delimits A's from B's inside the
  // transcript, so both must be framed correctly.
  if (eno_check_option_header(a_opt, a_len) != EnoParseStatus::kOk ||
      eno_check_option_header(b_opt, b_len) != EnoParseStatus::kOk)
    return EnoTranscriptStatus::kBadOption;
  Writer w(out->bytes, sizeof out->bytes);
  w.put_bytes(a_opt, a_len);
  w.put_bytes(b_opt, b_len);
  // Cannot fail: 2 * 40 bytes fit by construction.
  out->len = static_cast<u8>(w.len());
  return EnoTranscriptStatus::kOk;
}

}  // namespace tcpinc
