/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_x448.h - X448 (RFC 7748 section 5), constant time, and its
 * registration as the kernel KPP algorithm "curve448" (driver
 * "curve448-tcpinc").
 *
 * tcpinc_x448.c is built twice: into tcpinc.ko (and the self-test/KUnit
 * modules) and, unchanged, into the userspace tests of tests/x448/ (vectors,
 * OpenSSL comparison, valgrind constant-time check, benchmark). Hence the
 * small type shim: the kernel has u8/u64, userspace gets them here.
 */
#ifndef TCPINC_X448_H
#define TCPINC_X448_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stdint.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

#define TCPINC_X448_KEY_SIZE 56

/*
 * tcpinc_x448 - out = X448(scalar, u): the scalar is clamped (a copy; the
 * caller's bytes are not modified), u is taken as 448 bits little endian
 * and may be non-canonical (>= p). Returns 0, or -EINVAL when the result is
 * all zero (u of small order, RFC 7748 section 6.2); out is written (all
 * zero) either way. Runs in time independent of scalar and u; never sleeps,
 * allocates nothing: any context.
 */
int tcpinc_x448(u8 *out, const u8 *scalar, const u8 *u);

/* tcpinc_x448_public - pub = X448(scalar, 5), the public key. Same rules. */
int tcpinc_x448_public(u8 *pub, const u8 *scalar);

#ifdef __KERNEL__
/*
 * The KPP algorithm "curve448" / "curve448-tcpinc" (tcpinc_x448_kpp.c).
 * Register may sleep; a failure is logged and leaves X448 unavailable
 * through the crypto API (TEP 0x24), nothing else.
 */
int tcpinc_x448_kpp_register(void);
void tcpinc_x448_kpp_unregister(void);
bool tcpinc_x448_kpp_registered(void);
#endif

#endif /* TCPINC_X448_H */
