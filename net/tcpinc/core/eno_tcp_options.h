// SPDX-License-Identifier: GPL-2.0
// eno_tcp_options.h - find the ENO option(s) and conflicting options in a
// segment's TCP option area.
//
// The negotiation needs more than "the" ENO option: RFC 8547 4.1 makes a SYN
// with two ENO options count as one with none, 11 counts the legacy
// experimental encoding (kind 253, ExID 0x454E) as an ENO option for that
// rule, and 4.7 forbids SYN data next to a non-empty TCP Fast Open option
// (kind 34, or kind 254 with ExID 0xF989, RFC 7413).
#ifndef TCPINC_CORE_ENO_TCP_OPTIONS_H
#define TCPINC_CORE_ENO_TCP_OPTIONS_H

#include "types.h"

namespace tcpinc {

inline constexpr u8 kTcpOptEol = 0;
inline constexpr u8 kTcpOptNop = 1;
inline constexpr u8 kTcpOptFastOpen = 34;
inline constexpr u8 kTcpOptExp1 = 253;
inline constexpr u8 kTcpOptExp2 = 254;
inline constexpr u16 kTcpExidEno = 0x454e;
inline constexpr u16 kTcpExidFastOpen = 0xf989;
// The TCP option area is at most 40 bytes (data offset 15 words).
inline constexpr usize kTcpMaxOptionsLen = 40;

// EnoScan - what eno_scan_tcp_options found. eno_off/eno_len locate the
// first kind-69 option (kind and length bytes included) in the area.
struct EnoScan {
  u8 eno_count;         // kind-69 options
  u8 legacy_eno_count;  // kind-253 options with ExID 0x454E
  u8 eno_off;
  u8 eno_len;
  bool tfo_nonempty;    // a Fast Open option carrying a cookie
  bool malformed;       // the option area itself is broken; scan stopped
};

// eno_scan_tcp_options - walk opts[0..len) as RFC 793 options (EOL ends the
// list, NOP is one byte, every other option has a length byte >= 2 that must
// fit). A malformed area stops the walk and sets malformed: a host cannot
// trust anything after the broken option, so the caller treats the segment
// as carrying no ENO option.
void eno_scan_tcp_options(const u8* opts, usize len, EnoScan* out);

// TcpOption - one option of an area: where it starts, its kind and its
// length (kind and length bytes included).
struct TcpOption {
  u8 kind;
  u8 len;
  u8 off;
};

enum class TcpOptStep : u8 { kOption, kEnd, kMalformed };

// eno_next_tcp_option - the walk itself, one option at a time, under the
// rules above; every reader of a TCP option area (the scan, and the glue
// through tcpinc_core_tcp_option_next) goes through it. From *pos: skips
// NOPs; kOption with *out filled and *pos past it; kEnd at EOL or the end
// of the area (*pos = len); kMalformed if the option at *pos is broken or
// the area is longer than a TCP header holds (*pos unchanged, so asking
// again answers the same).
TcpOptStep eno_next_tcp_option(const u8* opts, usize len, usize* pos, TcpOption* out);

}  // namespace tcpinc

#endif  // TCPINC_CORE_ENO_TCP_OPTIONS_H
