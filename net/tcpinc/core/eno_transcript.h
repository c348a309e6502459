// SPDX-License-Identifier: GPL-2.0
// eno_transcript.h - the TCP-ENO negotiation transcript, RFC 8547 4.8.
//
// The transcript is host A's SYN-form option followed by host B's, each with
// its kind and length bytes, exactly as they crossed the wire. It is made of
// the stored raw bytes and never of a re-serialisation: a re-encoder could
// normalise something (a second global suboption, an explicit length byte on
// the last suboption) and then the two ends would bind different bytes.
#ifndef TCPINC_CORE_ENO_TRANSCRIPT_H
#define TCPINC_CORE_ENO_TRANSCRIPT_H

#include "eno_option.h"
#include "types.h"

namespace tcpinc {

inline constexpr usize kEnoMaxTranscriptLen = 2 * kEnoMaxOptionLen;

// EnoTranscript - a transcript by value (fixed size, C-friendly).
struct EnoTranscript {
  u8 len;
  u8 bytes[kEnoMaxTranscriptLen];
};

enum class EnoTranscriptStatus : u8 {
  kOk,
  kBadOption,  // an input is not a well-framed ENO option (kind 69, 2..40)
};

// eno_transcript_build - out = a_opt | b_opt. Both inputs are whole options
// (kind and length included) as sent by host A and host B respectively.
[[nodiscard]] EnoTranscriptStatus eno_transcript_build(const u8* a_opt, usize a_len, const u8* b_opt,
                                                       usize b_len, EnoTranscript* out);

}  // namespace tcpinc

#endif  // TCPINC_CORE_ENO_TRANSCRIPT_H
