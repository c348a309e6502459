// SPDX-License-Identifier: GPL-2.0
// eno_tcpcrypt.h - tcpcrypt as seen by TCP-ENO: its TEP identifiers and the
// rules for its suboption data (RFC 8548 3.2, 3.5).
//
// tcpcrypt's only suboption data is the resumption suboption: 9 bytes of a
// resumption identifier half followed by a 0..8-byte nonce. The readings we
// apply (see Documentation/eno-core.md and rfc-digest Part E.10):
//   fewer than 9 bytes  -> the same TEP offered with v = 0 (RFC 8548 3.5 MUST)
//   more than 17 bytes  -> likewise a fresh offer (the RFC is silent)
//   9..17 bytes         -> a resumption suboption
// An active opener that proposed resumption ignores (invalidates) a reply
// whose identifier half is not the expected one (RFC 8548 3.5 MUST). The
// session cache itself belongs to the tcpcrypt core, reached via ctx.
#ifndef TCPINC_CORE_ENO_TCPCRYPT_H
#define TCPINC_CORE_ENO_TCPCRYPT_H

#include "eno_tep.h"
#include "types.h"

namespace tcpinc {

inline constexpr u8 kTcpcryptTepP256 = 0x21;
inline constexpr u8 kTcpcryptTepP521 = 0x22;
inline constexpr u8 kTcpcryptTepCurve25519 = 0x23;
inline constexpr u8 kTcpcryptTepCurve448 = 0x24;
inline constexpr u8 kTcpcryptResumeHalfLen = 9;
inline constexpr u8 kTcpcryptMaxNonceLen = 8;
inline constexpr u8 kTcpcryptMinResumeData = kTcpcryptResumeHalfLen;
inline constexpr u8 kTcpcryptMaxResumeData = kTcpcryptResumeHalfLen + kTcpcryptMaxNonceLen;

// EnoTcpcryptCtx - per-connection state the tcpcrypt TEP table reads (the
// ctx of its EnoLocalTep; may be null: no resumption).
struct EnoTcpcryptCtx {
  // Active opener that sent a resumption suboption for this TEP: the
  // identifier half the peer must answer with.
  bool expect_peer_half;
  u8 peer_half[kTcpcryptResumeHalfLen];
  // Passive opener: look up the identifier half A offered; on a hit fill
  // *out_answer with v = 1 and our half plus nonce, else leave it (fresh).
  void (*resume_lookup)(void* cache, u8 tep_id, const u8* peer_half, EnoTepAnswer* out_answer);
  void* cache;
};

// eno_tcpcrypt_classify - the verdict for data_len bytes of v = 1 data.
EnoTepVerdict eno_tcpcrypt_classify(usize data_len);

// eno_tcpcrypt_tep - the TEP table for a tcpcrypt identifier (0x21-0x24),
// or null for any other id.
const EnoTep* eno_tcpcrypt_tep(u8 id);

}  // namespace tcpinc

#endif  // TCPINC_CORE_ENO_TCPCRYPT_H
