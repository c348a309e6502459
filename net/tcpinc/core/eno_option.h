// SPDX-License-Identifier: GPL-2.0
// eno_option.h - the TCP-ENO option (kind 69) codec, RFC 8547 section 4.1-4.4.
//
// An option is always handled whole, kind and length bytes included, because
// that is the form the negotiation transcript (section 4.8) is made of. The
// parser never keeps pointers into the caller's bytes: an EnoSynOption holds
// offsets into the option it was parsed from, so it can be copied freely and
// its owner decides where the bytes live.
#ifndef TCPINC_CORE_ENO_OPTION_H
#define TCPINC_CORE_ENO_OPTION_H

#include "types.h"

namespace tcpinc {

inline constexpr u8 kEnoKind = 69;
// TCP has 40 bytes of option space; an ENO option can never be longer.
inline constexpr usize kEnoMaxOptionLen = 40;
inline constexpr usize kEnoMaxContentsLen = kEnoMaxOptionLen - 2;
// Every suboption is at least one byte.
inline constexpr usize kEnoMaxSuboptions = kEnoMaxContentsLen;
// One TEP byte plus data fill the contents of a maximal option.
inline constexpr usize kEnoMaxSuboptionData = kEnoMaxContentsLen - 1;
// A length byte (100nnnnn) describes 1..32 data bytes.
inline constexpr usize kEnoMaxLengthByteData = 32;

inline constexpr u8 kEnoVBit = 0x80;
inline constexpr u8 kEnoGltMask = 0x7f;
inline constexpr u8 kEnoMinTepId = 0x20;
// Global suboption bits (Figure 5); 0x1c are the z bits.
inline constexpr u8 kEnoGlobalB = 0x01;
inline constexpr u8 kEnoGlobalA = 0x02;
inline constexpr u8 kEnoGlobalMax = 0x1f;
inline constexpr u8 kEnoLengthByteBase = 0x80;

// EnoSuboptionKind - what the first byte of a suboption says (Table 1).
enum class EnoSuboptionKind : u8 {
  kGlobal,  // 0x00-0x1f
  kTep,     // 0x20-0x7f (no data) or 0xa0-0xff (data follows)
};

// EnoSuboption - one parsed suboption. A length byte is not a suboption of
// its own: it is recorded as has_length_byte on the TEP suboption it governs.
struct EnoSuboption {
  EnoSuboptionKind kind;
  u8 byte;             // the global byte, or the TEP byte with its v bit
  bool has_length_byte;
  u8 data_off;         // offset of the data from the option's kind byte
  u8 data_len;         // 0 when v = 0, or v = 1 with nothing after the TEP byte
};

// EnoSynOption - a parsed SYN-form option.
struct EnoSynOption {
  u8 count;  // entries used in sub[]
  EnoSuboption sub[kEnoMaxSuboptions];
  // global - the first global suboption, or the implicit 0x00 (section 4.2:
  // later global suboptions are ignored, kept in sub[] only for re-encoding).
  u8 global;
  bool global_explicit;
  u8 tep_count;  // TEP suboptions in sub[]; 0 means the option is vacuous
};

enum class EnoParseStatus : u8 {
  kOk,
  kNotEno,          // kind byte is not 69
  kBadOptionLength, // length byte < 2, > 40, or not the length given
  // The two malformations of section 4.4, each of which makes a host
  // ignore the whole option and disable encryption:
  kLengthOverrun,        // a length byte claims data past the option's end
  kLengthNotFollowedByTep,  // a length byte followed by 0x00-0x9f (or nothing)
};

inline bool eno_is_tep_byte(u8 b) { return (b & kEnoGltMask) >= kEnoMinTepId; }
inline u8 eno_glt(u8 b) { return static_cast<u8>(b & kEnoGltMask); }
inline bool eno_global_b(u8 global) { return (global & kEnoGlobalB) != 0; }
inline bool eno_global_a(u8 global) { return (global & kEnoGlobalA) != 0; }

// eno_parse_syn_option - parse a whole SYN-form option (kind, length,
// contents) of opt_len bytes into *out. On failure *out is unspecified.
[[nodiscard]] EnoParseStatus eno_parse_syn_option(const u8* opt, usize opt_len, EnoSynOption* out);

// eno_check_option_header - the checks every ENO option must pass, SYN-form
// or not: kind 69 and a length byte equal to opt_len (2..40).
[[nodiscard]] EnoParseStatus eno_check_option_header(const u8* opt, usize opt_len);

// eno_last_tep - index in opt->sub of the last TEP suboption, or -1 when
// the option is vacuous. Its glt is the SYN TEP of section 4.7.
i32 eno_last_tep(const EnoSynOption* opt);

// eno_count_glt - how many TEP suboptions of opt carry this glt (v ignored).
u8 eno_count_glt(const EnoSynOption* opt, u8 glt);

// EnoSuboptionSpec - one suboption to encode. For a TEP with v = 1, data
// points at data_len bytes (the caller keeps them alive during the build).
struct EnoSuboptionSpec {
  EnoSuboptionKind kind;
  u8 byte;               // global byte (0x00-0x1f) or TEP byte with v bit
  bool force_length_byte;  // emit a length byte even when last (re-encoding)
  const u8* data;
  u8 data_len;
};

enum class EnoBuildStatus : u8 {
  kOk,
  kTooLong,       // does not fit 40 bytes / the caller's buffer
  kBadSuboption,  // byte out of range for its kind, data on a v = 0 TEP, or
                  // data a length byte cannot describe where one is needed
};

// eno_build_syn_option - encode kind, length and the suboptions in order.
// A TEP suboption with data that is not last gets a length byte (the data
// must then be 1..32 bytes); the last one runs to the option's end unless
// force_length_byte asks for the explicit form.
[[nodiscard]] EnoBuildStatus eno_build_syn_option(const EnoSuboptionSpec* subs, usize count, u8* out,
                                                  usize cap, usize* out_len);

// eno_build_non_syn_option - the non-SYN-form option with no contents,
// 45 02, the only one sent when the TEP gives the contents no meaning.
[[nodiscard]] EnoBuildStatus eno_build_non_syn_option(u8* out, usize cap, usize* out_len);

// eno_reencode_syn_option - re-encode a parsed option from the bytes it was
// parsed from; for every option that parses, the result equals the input.
// The fuzzer and tests use it to prove that the parser loses nothing.
[[nodiscard]] EnoBuildStatus eno_reencode_syn_option(const u8* opt, const EnoSynOption* parsed, u8* out,
                                                     usize cap, usize* out_len);

}  // namespace tcpinc

#endif  // TCPINC_CORE_ENO_OPTION_H
