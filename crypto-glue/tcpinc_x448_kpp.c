// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_x448_kpp.c - X448 (tcpinc_x448.c) as the kernel KPP algorithm
 * "curve448", driver "curve448-tcpinc", shaped like 6.1's
 * "curve25519-generic": the secret is the raw 56-byte scalar (an empty
 * secret means "pick a random one"), generate_public_key gives X448(k, 5),
 * compute_shared_secret takes the peer's 56-byte u-coordinate from req->src
 * and refuses an all-zero result (RFC 7748 section 6.2) with -EINVAL.
 * Synchronous, never sleeps, allocates nothing per request.
 *
 * The kernel has no X448 of its own in 6.1. Registered by
 * tcpinc_crypto_init() and unregistered by tcpinc_crypto_exit(); while a
 * transform is allocated it holds a reference on the module that
 * registered it (cra_module), so the algorithm cannot go away under a user.
 * A failed registration is logged and only makes X448 unavailable through
 * the crypto API. Another module with this code (tcpinc_selftest.ko) loaded
 * at the same time registers a second "curve448-tcpinc": 6.1 refuses a
 * duplicate driver name only while the first one's test is pending, and
 * either may then serve crypto_alloc_kpp() (the same code).
 *
 * No MODULE_ALIAS_CRYPTO: asking the crypto API for "curve448" must not
 * load all of tcpinc (a TCP ULP) as a side effect.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/string.h>
#include <crypto/algapi.h>
#include <crypto/internal/kpp.h>
#include <crypto/kpp.h>

#include "tcpinc_x448.h"

#define X448_KS TCPINC_X448_KEY_SIZE

static bool tcpinc_x448_kpp_ok;

/* The tfm context is the raw scalar; it is clamped on every use (a copy). */
static int tcpinc_x448_set_secret(struct crypto_kpp *tfm, const void *buf, unsigned int len)
{
	u8 *secret = kpp_tfm_ctx(tfm);

	if (!len) {
		get_random_bytes(secret, X448_KS);
		return 0;
	}
	if (len != X448_KS)
		return -EINVAL;
	memcpy(secret, buf, X448_KS);
	return 0;
}

/* Copy the 56-byte result to req->dst (as curve25519-generic: at most dst_len). */
static int tcpinc_x448_put(struct kpp_request *req, const u8 *buf)
{
	unsigned int n = min_t(unsigned int, X448_KS, req->dst_len);

	if (sg_copy_from_buffer(req->dst, sg_nents_for_len(req->dst, n), buf, n) != n)
		return -EINVAL;
	return 0;
}

static int tcpinc_x448_gen_public(struct kpp_request *req)
{
	const u8 *secret = kpp_tfm_ctx(crypto_kpp_reqtfm(req));
	u8 pub[X448_KS];
	int err;

	/* A clamped scalar gives 0 only if it is 4 * (group order): not in practice. */
	err = tcpinc_x448_public(pub, secret) ?: tcpinc_x448_put(req, pub);
	memzero_explicit(pub, sizeof(pub));
	return err;
}

static int tcpinc_x448_shared(struct kpp_request *req)
{
	const u8 *secret = kpp_tfm_ctx(crypto_kpp_reqtfm(req));
	u8 peer[X448_KS], out[X448_KS];
	int err;

	if (!req->src || req->src_len != X448_KS ||
	    sg_copy_to_buffer(req->src, sg_nents_for_len(req->src, X448_KS), peer,
			      X448_KS) != X448_KS)
		return -EINVAL;
	/* On an all-zero result nothing is written to req->dst. */
	err = tcpinc_x448(out, secret, peer) ?: tcpinc_x448_put(req, out);
	memzero_explicit(out, sizeof(out));
	return err;
}

static unsigned int tcpinc_x448_max_size(struct crypto_kpp *tfm)
{
	return X448_KS;
}

/* crypto_free_kpp() frees the context with kfree_sensitive too; be explicit. */
static void tcpinc_x448_exit_tfm(struct crypto_kpp *tfm)
{
	memzero_explicit(kpp_tfm_ctx(tfm), X448_KS);
}

static struct kpp_alg tcpinc_x448_alg = {
	.base.cra_name		= "curve448",
	.base.cra_driver_name	= "curve448-tcpinc",
	.base.cra_priority	= 100,
	.base.cra_module	= THIS_MODULE,
	.base.cra_ctxsize	= X448_KS,

	.set_secret		= tcpinc_x448_set_secret,
	.generate_public_key	= tcpinc_x448_gen_public,
	.compute_shared_secret	= tcpinc_x448_shared,
	.max_size		= tcpinc_x448_max_size,
	.exit			= tcpinc_x448_exit_tfm,
};

int tcpinc_x448_kpp_register(void)
{
	int err = crypto_register_kpp(&tcpinc_x448_alg);

	if (err) {
		pr_warn("tcpinc: X448 not registered as KPP curve448-tcpinc (%d): TEP 0x24 unavailable\n",
			err);
		return err;
	}
	tcpinc_x448_kpp_ok = true;
	return 0;
}

void tcpinc_x448_kpp_unregister(void)
{
	if (!tcpinc_x448_kpp_ok)
		return;
	crypto_unregister_kpp(&tcpinc_x448_alg);
	tcpinc_x448_kpp_ok = false;
}

bool tcpinc_x448_kpp_registered(void)
{
	return tcpinc_x448_kpp_ok;
}
