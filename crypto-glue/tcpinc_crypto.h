/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_crypto.h - the kernel crypto provider for the C++ core
 * (struct tcpinc_core_crypto_ops, include/tcpinc/core_api.h).
 *
 * One provider serves every connection: it has no per-connection state
 * except the AEAD handles it gives out, so tcpinc_crypto_ops() returns one
 * shared table. Context rules (Documentation/crypto-glue.md):
 *
 *   hmac_sha256, aead_*, random_bytes, kex_* for X25519,
 *   kex_validate for P-256          any context but hard IRQ/NMI: never
 *                                   sleep, allocate only with GFP_ATOMIC
 *   kex_keygen, kex_shared, P-256   process context only (the 6.1 ECC code
 *   and X448                        allocates with GFP_KERNEL; X448's one
 *                                   transform is under a mutex); from atomic
 *                                   context they fail with
 *                                   TCPINC_CORE_CRYPTO_ERR, never sleep
 */
#ifndef TCPINC_CRYPTO_H
#define TCPINC_CRYPTO_H

#include <linux/types.h>

#include "tcpinc/core_api.h"

/* tcpinc_crypto_init - allocate the shared transforms; may sleep. */
int tcpinc_crypto_init(void);
/* tcpinc_crypto_exit - free them; every AEAD handle must be freed before. */
void tcpinc_crypto_exit(void);
/* tcpinc_crypto_ops - the provider table, valid between init and exit. */
const struct tcpinc_core_crypto_ops *tcpinc_crypto_ops(void);

/*
 * tcpinc_crypto_kex_available - whether this kernel can run the key
 * exchange of group kex (TCPINC_CORE_KEX_*: the TEP id): X25519 always,
 * P-256 only if init could allocate ecdh-nist-p256, X448 only if it could
 * allocate the KPP "curve448" ("TEP 0x.. unavailable" otherwise). Fixed
 * between init and exit; any context.
 */
bool tcpinc_crypto_kex_available(u8 kex);

/* For tests and the documentation: which implementation each AEAD uses. */
const char *tcpinc_crypto_gcm_impl(void);
/* AEAD handles given out by aead_new and not yet freed (leak checks). */
long tcpinc_crypto_live_aead(void);
/*
 * tcpinc_crypto_test_soft_gcm - make AES-GCM take the path it takes when
 * the FPU is not usable (tests only: that path is otherwise rare).
 */
void tcpinc_crypto_test_soft_gcm(bool on);

#endif /* TCPINC_CRYPTO_H */
