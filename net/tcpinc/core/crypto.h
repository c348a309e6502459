// SPDX-License-Identifier: GPL-2.0
// crypto.h - the core's view of the injected crypto provider.
//
// The provider is the C table struct tcpinc_core_crypto_ops (core_api.h), so
// that the kernel glue, written in C, can fill it. This header adds the AEAD
// parameter table and thin wrappers that turn provider return codes into
// tcpcrypt Status values; nothing here calls a crypto library.
#ifndef TCPINC_CORE_CRYPTO_H
#define TCPINC_CORE_CRYPTO_H

#include "tcpcrypt_status.h"
#include "tcpinc/core_api.h"
#include "types.h"

namespace tcpinc {

using CryptoOps = tcpinc_core_crypto_ops;
using Seg = tcpinc_core_seg;

constexpr usize kSha256Len = 32;
constexpr usize kAeadTagLen = TCPINC_CORE_AEAD_TAG_LEN;
constexpr usize kAeadNonceLen = TCPINC_CORE_AEAD_NONCE_LEN;
constexpr usize kAeadMaxKeyLen = 32;
constexpr usize kKexPrivLen = TCPINC_CORE_KEX_PRIV_LEN;
constexpr usize kKexSharedLen = TCPINC_CORE_KEX_SHARED_LEN;

// kex_priv_len / kex_shared_len - a group's own sizes (RFC 8548 section 5:
// X448 keys and ES are 56 bytes); 0 for an unknown group.
constexpr usize kex_priv_len(u8 kex) {
  return kex == TCPINC_CORE_KEX_X448                                         ? 56
         : kex == TCPINC_CORE_KEX_X25519 || kex == TCPINC_CORE_KEX_P256 ? 32
                                                                            : 0;
}
constexpr usize kex_shared_len(u8 kex) { return kex_priv_len(kex); }
static_assert(kex_priv_len(TCPINC_CORE_KEX_X448) <= kKexPrivLen);
static_assert(kex_shared_len(TCPINC_CORE_KEX_X448) <= kKexSharedLen);

// AeadParams - what RFC 8548 section 7 (Table 4) fixes for each AEAD id.
struct AeadParams {
  u16 id;
  u8 key_len;
};

inline constexpr AeadParams kAeadTable[] = {
    {TCPINC_CORE_AEAD_AES_128_GCM, 16},
    {TCPINC_CORE_AEAD_AES_256_GCM, 32},
    {TCPINC_CORE_AEAD_CHACHA20_POLY1305, 32},
};

// aead_params - the parameters of a supported AEAD id, or nullptr.
constexpr const AeadParams* aead_params(u16 id) {
  for (const AeadParams& p : kAeadTable)
    if (p.id == id) return &p;
  return nullptr;
}

// ops_complete - every operation the core may call is present.
inline bool ops_complete(const CryptoOps* ops) {
  return ops && ops->hmac_sha256 && ops->aead_new && ops->aead_free && ops->aead_seal &&
         ops->aead_open && ops->kex_keygen && ops->kex_validate && ops->kex_shared &&
         ops->random_bytes;
}

// map_crypto - provider code to Status; an authentication failure and a bad
// key keep their own codes, anything else is an internal failure.
constexpr tcpcrypt::Status map_crypto(int rc) {
  if (rc == TCPINC_CORE_CRYPTO_OK) return tcpcrypt::Status::kOk;
  if (rc == TCPINC_CORE_CRYPTO_EAUTH) return tcpcrypt::Status::kAuthFailure;
  if (rc == TCPINC_CORE_CRYPTO_EBADKEY) return tcpcrypt::Status::kInvalidPublicKey;
  return tcpcrypt::Status::kCryptoFailure;
}

}  // namespace tcpinc

#endif  // TCPINC_CORE_CRYPTO_H
