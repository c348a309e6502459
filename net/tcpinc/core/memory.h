// SPDX-License-Identifier: GPL-2.0
// memory.h - byte copies, constant-time comparison and secret wiping.
//
// The builtins lower to memcpy/memset/memcmp calls (provided by the kernel
// and by libc), which are on the object gate's allowlist. wipe() is the
// core's memzero_explicit: the empty asm with a memory clobber keeps the
// compiler from dropping the stores as dead, even when the object is about
// to go out of scope.
#ifndef TCPINC_CORE_MEMORY_H
#define TCPINC_CORE_MEMORY_H

#include "types.h"

namespace tcpinc {

inline void copy_bytes(void* dst, const void* src, usize n) {
  if (n != 0) __builtin_memcpy(dst, src, n);
}

inline void move_bytes(void* dst, const void* src, usize n) {
  if (n != 0) __builtin_memmove(dst, src, n);
}

inline void zero_bytes(void* dst, usize n) {
  if (n != 0) __builtin_memset(dst, 0, n);
}

inline bool equal_bytes(const void* a, const void* b, usize n) {
  return n == 0 || __builtin_memcmp(a, b, n) == 0;
}

// wipe - erase a secret so that the store cannot be optimised away.
inline void wipe(void* p, usize n) {
  if (n == 0) return;
  __builtin_memset(p, 0, n);
  asm volatile("" : : "r"(p) : "memory");
}

// equal_secret - constant-time comparison (time depends on n only).
inline bool equal_secret(const void* a, const void* b, usize n) {
  const u8* x = static_cast<const u8*>(a);
  const u8* y = static_cast<const u8*>(b);
  u8 diff = 0;
  for (usize i = 0; i < n; i++) diff |= static_cast<u8>(x[i] ^ y[i]);
  return diff == 0;
}

}  // namespace tcpinc

#endif  // TCPINC_CORE_MEMORY_H
