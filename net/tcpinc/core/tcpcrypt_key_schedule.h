// SPDX-License-Identifier: GPL-2.0
// tcpcrypt_key_schedule.h - RFC 8548 section 3.3/3.4 key derivations.
//
// Extract and CPRF are HKDF-SHA256 Extract and Expand (RFC 5869) computed
// through the provider's HMAC. Every function writes its result to caller
// storage and leaves no secret behind on its own stack.
//
//   PRK        = Extract(N_A, eno_transcript | Init1 | Init2 | ES)
//   ss[0]      = PRK,  ss[i] = CPRF(ss[i-1], CONST_NEXTK, 32)
//   mk[0]      = CPRF(ss[i], CONST_REKEY | sn[i], 32),  mk[j] = CPRF(mk[j-1], CONST_REKEY, 32)
//   k_ab[j]    = CPRF(mk[j], CONST_KEY_A, key_len + 12),  k_ba[j] likewise with CONST_KEY_B
//   session_id = B's TEP byte | CPRF(ss[i], CONST_SESSID | sn[i], 32)
//   resume[i]  = CPRF(ss[i], CONST_RESUME, 18)
#ifndef TCPINC_CORE_TCPCRYPT_KEY_SCHEDULE_H
#define TCPINC_CORE_TCPCRYPT_KEY_SCHEDULE_H

#include "crypto.h"
#include "memory.h"
#include "tcpcrypt_status.h"
#include "types.h"

namespace tcpinc::tcpcrypt {

constexpr usize kKeyLen = 32;      // K_LEN of every tcpcrypt TEP
constexpr usize kNonceLen = 32;    // N_A_LEN = N_B_LEN
constexpr usize kSessionIdLen = 33;
constexpr usize kResumeLen = 18;
constexpr usize kMaxSnLen = 16;    // two resumption nonces of at most 8 bytes

constexpr u8 kConstNextK = 0x01;
constexpr u8 kConstSessId = 0x02;
constexpr u8 kConstRekey = 0x03;
constexpr u8 kConstKeyA = 0x04;
constexpr u8 kConstKeyB = 0x05;
constexpr u8 kConstResume = 0x06;

// TrafficKey - one direction's k_ab[j] or k_ba[j], split into the AEAD key
// and the nonce randomizer NR. Wipes itself.
struct TrafficKey {
  u8 key[kAeadMaxKeyLen];
  u8 key_len;
  u8 nr[kAeadNonceLen];
  void wipe() { tcpinc::wipe(this, sizeof *this); }
  ~TrafficKey() { wipe(); }
};

// hkdf_extract - out[32] = HMAC-SHA256(salt, ikm segments).
Status hkdf_extract(const CryptoOps& ops, const u8* salt, usize salt_len, const Seg* ikm,
                    usize nikm, u8* out);

// cprf - out_len bytes of HKDF-Expand(key[32], info); out_len <= 255 * 32.
Status cprf(const CryptoOps& ops, const u8* key, const u8* info, usize info_len, u8* out,
            usize out_len);

// CprfReq - one output of cprf_many: out_len bytes of CPRF(key, info).
struct CprfReq {
  const u8* info;
  usize info_len;
  u8* out;
  usize out_len;
};

// cprf_many - the n (1..TCPINC_CORE_HMAC_MANY_MAX) CPRF outputs of one key,
// computed in step, so that each round of HMACs is one provider call and
// a provider with hmac_sha256_many hashes the key's pads once. No out may
// overlap key, an info or another out; on failure every out is zeroed.
Status cprf_many(const CryptoOps& ops, const u8* key, const CprfReq* reqs, usize n);

// session_keys - what an established session takes from ss[i] and sn[i]:
// mk0[32] = mk[0], sid[33] = the session ID (see session_id), and, unless
// next is nullptr, next[32] = ss[i+1]. One key, so one cprf_many.
Status session_keys(const CryptoOps& ops, const u8* ss, const u8* sn, usize sn_len, u8 tep_byte,
                    u8* mk0, u8* sid, u8* next);

// traffic_keys - k_ab[j] and k_ba[j] from mk[j], in one cprf_many.
Status traffic_keys(const CryptoOps& ops, const u8* mk, u16 aead, TrafficKey* ab, TrafficKey* ba);

// resume_and_next - resume[18] = resume[i] and next[32] = ss[i+1] from
// ss[i] in one cprf_many; neither may be ss.
Status resume_and_next(const CryptoOps& ops, const u8* ss, u8* resume, u8* next);

// next_ss - out[32] = ss[i+1] from ss[i]. out may equal ss.
Status next_ss(const CryptoOps& ops, const u8* ss, u8* out);

// first_mk - out[32] = mk[0] from ss[i] and sn[i] (sn_len 0 for fresh sessions).
Status first_mk(const CryptoOps& ops, const u8* ss, const u8* sn, usize sn_len, u8* out);

// next_mk - out[32] = mk[j+1] from mk[j]. out may equal mk.
Status next_mk(const CryptoOps& ops, const u8* mk, u8* out);

// traffic_key - k_ab[j] (key_const = kConstKeyA) or k_ba[j] from mk[j].
Status traffic_key(const CryptoOps& ops, const u8* mk, u8 key_const, u16 aead, TrafficKey* out);

// session_id - out[33] = tep_byte | CPRF(ss[i], CONST_SESSID | sn, 32).
Status session_id(const CryptoOps& ops, const u8* ss, const u8* sn, usize sn_len, u8 tep_byte,
                  u8* out);

// resume_id - out[18] = resume[i] from ss[i].
Status resume_id(const CryptoOps& ops, const u8* ss, u8* out);

}  // namespace tcpinc::tcpcrypt

#endif  // TCPINC_CORE_TCPCRYPT_KEY_SCHEDULE_H
