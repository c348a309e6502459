/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core_api.h - the one extern "C" boundary between the C++ protocol core
 * (net/tcpinc/core/) and everything else (the C kernel glue, the userspace
 * tests).
 *
 * Rules for this header: plain C structs, fixed-width integers from the
 * compiler's predefined macros, function pointers, no kernel header and no
 * C++ header. Every symbol it declares starts with tcpinc_core_ (functions)
 * or TCPINC_CORE_ (constants); the object gate (scripts/check-core-objects.sh)
 * refuses any other global C symbol in a core object.
 *
 * Ownership: the caller allocates every object the core works on and passes
 * the storage in; the core never allocates, never sleeps and never takes a
 * lock, so the glue decides the locking (documented at each glue call site).
 */
#ifndef TCPINC_CORE_API_H
#define TCPINC_CORE_API_H

#ifdef __cplusplus
extern "C" {
#endif

typedef __UINT8_TYPE__ tcpinc_u8;
typedef __UINT16_TYPE__ tcpinc_u16;
typedef __UINT32_TYPE__ tcpinc_u32;
typedef __UINT64_TYPE__ tcpinc_u64;
typedef __INT32_TYPE__ tcpinc_i32;
typedef __SIZE_TYPE__ tcpinc_usize;

/*
 * Bumped whenever a struct or function below changes shape; the module
 * refuses to load when the core it was linked with disagrees (a stale
 * object from another build would otherwise corrupt memory quietly).
 */
#define TCPINC_CORE_ABI_VERSION 1

/* tcpinc_core_abi_version - TCPINC_CORE_ABI_VERSION as compiled into the core. */
tcpinc_u32 tcpinc_core_abi_version(void);

#ifdef __cplusplus
}
#endif

#endif /* TCPINC_CORE_API_H */
