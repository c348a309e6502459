// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_resumption.h - session resumption logic (RFC 8548 section 3.5
// and 4.3), without the cache itself: the glue owns the cache (memory,
// locking, expiry by time) and hands entries to these functions.
//
// Suboption (v = 1 TEP byte, then data):
//   originally-A host:  TEP|0x80 | resume[i][0..8]  | nonce_a (0..8 bytes)
//   originally-B host:  TEP|0x80 | resume[i][9..17] | nonce_b (0..8 bytes)
// sn[i] = nonce_a | nonce_b. The half and the key direction follow the
// roles of the original (ss[0]) session, never the current ones.
//
// Secret lifecycle: a ResumeSecret holds the lowest unused ss[i] of a
// chain. resumption_take() moves ss[i] into a ResumeAttempt and ratchets the
// entry to ss[i+1] at once, so that every attempt burns its index whether or
// not it succeeds; the session erases ss[i] right after deriving mk[0].
#ifndef TCPINC_CORE_TCPCRYPT_RESUMPTION_H
#define TCPINC_CORE_TCPCRYPT_RESUMPTION_H

#include "crypto.h"
#include "tcpcrypt_handshake.h"
#include "tcpcrypt_key_schedule.h"
#include "tcpcrypt_status.h"
#include "types.h"

namespace tcpinc::tcpcrypt {

constexpr usize kResumeHalfLen = 9;
constexpr usize kMaxResumeNonceLen = 8;
constexpr usize kDefaultResumeNonceLen = 8;  // MUST default (no reuse prohibition here)
constexpr usize kMaxResumeSuboptionLen = 1 + kResumeHalfLen + kMaxResumeNonceLen;
constexpr u8 kTepVBit = 0x80;
constexpr u8 kPrimedNone = 0, kPrimedResume = 1, kPrimedNext = 2;  // ResumeSecret::primed
constexpr u8 kResumeNonceLenDefault = TCPINC_CORE_TC_RESUME_NONCE_DEFAULT;  // 8 bytes
constexpr u8 kResumeNonceLenNone = TCPINC_CORE_TC_RESUME_NONCE_NONE;        // 0 bytes

// ResumePolicy - the per-connection cache controls of RFC 8548 section 3.5.
struct ResumePolicy {
  bool ignore_resumption;  // never offer or accept resumption (force fresh)
  bool no_cache;           // leave nothing in the cache: a take ends the chain
  // kResumeNonceLenDefault (0, what a zeroed policy says) = 8 bytes;
  // 1..8 = that many; kResumeNonceLenNone = no nonce (only where reuse of
  // session secrets is otherwise prevented).
  u8 nonce_len;
};

// ChainSecret - the next unused secret of one ss[0] chain, and what the
// original session fixed (group, AEAD - Part E.9 - and role): what a
// session hands the cache (Session::export_resumption).
struct ChainSecret {
  u8 ss[kKeyLen];
  u64 index;
  u8 kex;
  u16 aead;
  Role original_role;
  bool valid;
};

// ResumeSecret - a cache entry: a ChainSecret and what its index i will
// need, derived once (see prime() in the .cc): kPrimedResume: resume[i]
// (both halves: the cache's index); kPrimedNext: ss[i+1] as well. A take
// or accept of a primed entry derives nothing more, and every ratchet
// unprimes. Derived from ss alone: the entry holds nothing that ss does
// not already give. Kept out of ChainSecret so that a session, which
// holds one from its key exchange to the cache, stays within its
// allocation (kmalloc-1k with the glue's part).
struct ResumeSecret : ChainSecret {
  u8 primed;
  u8 resume[kResumeLen];
  u8 next[kKeyLen];
};

// ResumeAttempt - one connection's use of one ss[i]; owned by that
// connection and wiped when it is done (success or not).
struct ResumeAttempt {
  u8 ss[kKeyLen];
  u64 index;
  u8 kex;
  u16 aead;
  Role original_role;
  u8 resume[kResumeLen];
  u8 nonce[kMaxResumeNonceLen];
  u8 nonce_len;
  bool valid;
};

// ResumeSuboption - a parsed resumption suboption; pointers into the option.
struct ResumeSuboption {
  u8 tep;  // with the v bit
  const u8* half;
  const u8* nonce;
  usize nonce_len;
};

// resumption_take - A (or B after a match): burn the entry's index into an
// attempt with a fresh random nonce of policy.nonce_len bytes.
Status resumption_take(const CryptoOps& ops, const ResumePolicy& policy, ResumeSecret* entry,
                       ResumeAttempt* out);

// resumption_build_suboption - TEP|0x80, own half, own nonce.
Status resumption_build_suboption(const ResumeAttempt& a, u8* out, usize cap, usize* out_len);

// resumption_parse_suboption - sub starts at the TEP byte. kNotResumption
// when v = 0 or the data is shorter than 9 (RFC) or longer than 17 bytes
// (Part E.10): the caller then treats it as a fresh offer for that TEP.
Status resumption_parse_suboption(const u8* sub, usize len, ResumeSuboption* out);

// resumption_peer_half - the 9 bytes the peer of this chain sends for the
// entry's current index (what B indexes its cache by). Primes the entry.
Status resumption_peer_half(const CryptoOps& ops, ResumeSecret* entry, u8* out);

// resumption_accept - B: if the offer names this entry (same TEP, matching
// half), take it; kResumeMismatch otherwise, kNotResumption if ignored.
Status resumption_accept(const CryptoOps& ops, const ResumePolicy& policy, ResumeSecret* entry,
                         const ResumeSuboption& offer, ResumeAttempt* out);

// resumption_check_answer - A: whether B's answer carries the other half of
// our attempt (constant-time). A mismatch must be ignored (RFC 8548 3.5).
Status resumption_check_answer(const ResumeAttempt& a, const ResumeSuboption& answer);

// resumption_answer_half - out[9] = the half the peer must answer our
// attempt with (what the ENO layer's EnoTcpcryptCtx::peer_half expects).
Status resumption_answer_half(const ResumeAttempt& a, u8* out);

// resumption_sn - out = nonce_a | nonce_b for our attempt and the peer's
// nonce; *out_len <= kMaxSnLen.
Status resumption_sn(const ResumeAttempt& a, const u8* peer_nonce, usize peer_nonce_len,
                     u8* out, usize* out_len);

inline void resumption_wipe(ResumeAttempt* a) { wipe(a, sizeof *a); }
inline void resumption_wipe(ResumeSecret* s) { wipe(s, sizeof *s); }
inline void resumption_wipe(ChainSecret* s) { wipe(s, sizeof *s); }

}  // namespace tcpinc::tcpcrypt

#endif  // TCPINC_CORE_TCPCRYPT_RESUMPTION_H
