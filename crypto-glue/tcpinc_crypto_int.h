/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_crypto_int.h - what the crypto provider's files share among
 * themselves: the table's AEAD and key-exchange entries and the init/exit
 * steps of tcpinc_crypto_aead.c and tcpinc_crypto_kex.c. The rest of the
 * module uses tcpinc_crypto.h.
 */
#ifndef TCPINC_CRYPTO_INT_H
#define TCPINC_CRYPTO_INT_H

#include <linux/types.h>

#include "tcpinc/core_api.h"

/* tcpinc_crypto_aead.c */
int tcpinc_aead_new(void *ctx, u16 id, const u8 *key, size_t key_len, void **out);
void tcpinc_aead_free(void *ctx, void *handle);
int tcpinc_aead_seal(void *ctx, void *handle, const u8 *nonce,
		     const u8 *ad, size_t ad_len,
		     const struct tcpinc_core_seg *in, size_t nin, u8 *out);
int tcpinc_aead_open(void *ctx, void *handle, const u8 *nonce,
		     const u8 *ad, size_t ad_len,
		     const u8 *in, size_t in_len, u8 *out);
int tcpinc_aead_open_segs(void *ctx, void *handle, const u8 *nonce,
			  const u8 *ad, size_t ad_len,
			  const struct tcpinc_core_seg *in, size_t nin, u8 *out);
void tcpinc_gcm_pool_init(void);
void tcpinc_gcm_pool_exit(void);

/* tcpinc_crypto_kex.c */
int tcpinc_kex_keygen(void *ctx, u8 kex, u8 *out_priv, u8 *out_pub);
int tcpinc_kex_validate(void *ctx, u8 kex, const u8 *pub, size_t len);
int tcpinc_kex_shared(void *ctx, u8 kex, const u8 *priv, const u8 *pub,
		      size_t len, u8 *out);
int tcpinc_p256_init(void);
void tcpinc_p256_exit(void);
void tcpinc_x448_kex_init(void);
void tcpinc_x448_kex_exit(void);

#endif /* TCPINC_CRYPTO_INT_H */
