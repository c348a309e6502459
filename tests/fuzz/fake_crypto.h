// SPDX-License-Identifier: GPL-2.0
// fake_crypto.h - the deterministic stand-in crypto provider the tcpcrypt
// fuzz targets share: HMAC is an FNV mix, the AEAD is the identity with an
// all-zero tag (any nonzero tag byte fails), random bytes are constant.
// The targets are about parsing and state, not about the primitives, and a
// fake lets the fuzzer forge "authentic" frames. Key agreement differs per
// target, so each passes its own three kex functions to fake_crypto_ops().
#ifndef TCPINC_FUZZ_FAKE_CRYPTO_H
#define TCPINC_FUZZ_FAKE_CRYPTO_H

#include <stdlib.h>
#include <string.h>

#include "tcpinc/core_api.h"
#include "types.h"

namespace fake_crypto {

using tcpinc::u8;
using tcpinc::u16;
using tcpinc::u32;
using tcpinc::usize;

inline u8 g_dummy_aead;

inline int fake_hmac(void*, const u8* key, usize key_len, const tcpinc_core_seg* segs, usize n, u8* out) {
  u32 h = 2166136261u;
  for (usize i = 0; i < key_len; i++) h = (h ^ key[i]) * 16777619u;
  for (usize s = 0; s < n; s++)
    for (usize i = 0; i < segs[s].len; i++) h = (h ^ segs[s].data[i]) * 16777619u;
  for (int i = 0; i < 32; i++) out[i] = static_cast<u8>(h >> (8 * (i % 4))) ^ static_cast<u8>(i);
  return 0;
}
inline int fake_aead_new(void*, u16, const u8*, usize, void** out) {
  *out = &g_dummy_aead;
  return 0;
}
inline void fake_aead_free(void*, void*) {}
inline int fake_seal(void*, void*, const u8*, const u8*, usize, const tcpinc_core_seg* in, usize n, u8* out) {
  usize pos = 0;
  for (usize s = 0; s < n; s++) {
    if (in[s].len) memcpy(out + pos, in[s].data, in[s].len);
    pos += in[s].len;
  }
  memset(out + pos, 0, 16);
  return 0;
}
inline int fake_open(void*, void*, const u8*, const u8*, usize, const u8* in, usize len, u8* out) {
  for (usize i = len - 16; i < len; i++)
    if (in[i]) {
      memset(out, 0, len - 16);
      return TCPINC_CORE_CRYPTO_EAUTH;
    }
  memmove(out, in, len - 16);
  return 0;
}
inline int fake_random(void*, u8* out, usize len) {
  memset(out, 0x5a, len);
  return 0;
}


// Plain heap memory: the fuzzer's sanitizers see any leak or overrun of a
// receive buffer.
inline void* fake_mem_alloc(void*, usize len) { return malloc(len); }
inline void fake_mem_free(void*, void* p, usize) { free(p); }

inline tcpinc_core_crypto_ops fake_crypto_ops(decltype(tcpinc_core_crypto_ops::kex_keygen) keygen,
                                              decltype(tcpinc_core_crypto_ops::kex_validate) validate,
                                              decltype(tcpinc_core_crypto_ops::kex_shared) shared) {
  return {nullptr, fake_hmac, fake_aead_new, fake_aead_free, fake_seal,
          fake_open, nullptr,  keygen,        validate,       shared,         fake_random,
          fake_mem_alloc, fake_mem_free};
}

}  // namespace fake_crypto

#endif  // TCPINC_FUZZ_FAKE_CRYPTO_H
