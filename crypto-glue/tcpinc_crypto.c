// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypto.c - struct tcpinc_core_crypto_ops on the kernel crypto API.
 *
 * The core may call any operation from softirq (the receive path), so
 * nothing here may sleep. That rules out, in 6.1, every transform whose
 * setkey or request path allocates with GFP_KERNEL, and it rules out sharing
 * a keyed transform between CPUs. What is used, and why
 * (Documentation/crypto-glue.md has the measurements):
 *
 *  HMAC-SHA256   one shared unkeyed "sha256" shash; HMAC is built on it with
 *                the state on the stack. A shared "hmac(sha256)" tfm would
 *                hold the key (racy between CPUs) and keep key-derived
 *                state after use.
 *  AES-GCM       AES-NI's internal synchronous "__gcm(aes)" (its setkey does
 *                not allocate, unlike the gcm template's), from a pool of
 *                preallocated transforms; used only when the FPU is usable.
 *                Otherwise (softirq interrupting a kernel FPU section, no
 *                AES-NI, pool empty) a software GCM on the AES library and
 *                GHASH with a per-key 4 KiB table (gf128mul_4k_lle) once
 *                the key has carried 64 KiB, a 16-entry table of H's
 *                4-bit multiples built on the stack for each tag before
 *                that (and if the table could not be had), so that idle
 *                connections hold no table.
 *  ChaCha20-     the chacha and poly1305 libraries (as WireGuard): no
 *  Poly1305      transform, no allocation, SIMD when usable.
 *  X25519        the curve25519 library (stateless, never sleeps).
 *  P-256         KPP "ecdh-nist-p256" under a mutex (it allocates with
 *                GFP_KERNEL, so keygen/shared are process context only);
 *                point compression, decompression and validation here.
 *  random        get_random_bytes.
 *  X448          KPP "curve448" (TEP 0x24), as any other KPP through
 *                crypto_alloc_kpp(); in 6.1 only the module's own
 *                tcpinc_x448.c provides it (registered at init by
 *                tcpinc_x448_kpp.c). One transform under a mutex (its
 *                secret is per transform): keygen/shared are process
 *                context only, like P-256.
 *
 * This file holds the table, HMAC-SHA256, randomness and init/exit; the
 * AEADs are in tcpinc_crypto_aead.c, the key exchanges in
 * tcpinc_crypto_kex.c (what they share: tcpinc_crypto_int.h).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/string.h>
#include <asm/cpufeature.h>

#include <crypto/hash.h>
#include <crypto/sha2.h>

#include "tcpinc_crypto.h"
#include "tcpinc_crypto_int.h"
#include "tcpinc_x448.h"

/* Shared transforms, allocated at init, never keyed (sha256) or keyed only under the mutex (kpp). */
static struct crypto_shash *tcpinc_sha256;

/* ---- HMAC-SHA256 ------------------------------------------------------- */

#define TCPINC_HMAC_IPAD	0x3636363636363636ULL
#define TCPINC_HMAC_OPAD	0x5c5c5c5c5c5c5c5cULL

/*
 * The exported state of one SHA-256 block hashed (struct sha256_state for
 * every 6.1 sha256 driver: 104 bytes); a driver with a larger one makes
 * hmac_sha256_many compute each message on its own.
 */
#define TCPINC_SHA256_STATE_MAX	128
static bool tcpinc_sha256_exportable;

/* pad = the key padded to a block (hashed first if longer), XOR ipad. */
static int tcpinc_hmac_ipad(struct shash_desc *desc, const u8 *key, size_t key_len,
			    u64 pad[SHA256_BLOCK_SIZE / sizeof(u64)])
{
	size_t i;
	int err;

	memset(pad, 0, SHA256_BLOCK_SIZE);
	if (key_len > SHA256_BLOCK_SIZE) {
		err = crypto_shash_digest(desc, key, key_len, (u8 *)pad);
		if (err)
			return err;
	} else if (key_len) {
		memcpy(pad, key, key_len);
	}
	/* Whole words: byte loops cost more than they should under TCG. */
	for (i = 0; i < SHA256_BLOCK_SIZE / sizeof(u64); i++)
		pad[i] ^= TCPINC_HMAC_IPAD;
	return 0;
}

static void tcpinc_hmac_to_opad(u64 pad[SHA256_BLOCK_SIZE / sizeof(u64)])
{
	size_t i;

	for (i = 0; i < SHA256_BLOCK_SIZE / sizeof(u64); i++)
		pad[i] ^= TCPINC_HMAC_IPAD ^ TCPINC_HMAC_OPAD;
}

static int tcpinc_shash_segs(struct shash_desc *desc, const struct tcpinc_core_seg *segs,
			     size_t nsegs)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < nsegs; i++)
		if (segs[i].len)
			err = crypto_shash_update(desc, segs[i].data, segs[i].len);
	return err;
}

static int tcpinc_hmac_sha256(void *ctx, const u8 *key, size_t key_len,
			      const struct tcpinc_core_seg *segs, size_t nsegs, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, tcpinc_sha256);
	u64 pad[SHA256_BLOCK_SIZE / sizeof(u64)];
	u8 inner[SHA256_DIGEST_SIZE];
	int err;

	desc->tfm = tcpinc_sha256;
	err = tcpinc_hmac_ipad(desc, key, key_len, pad) ?:
	      crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, (u8 *)pad, sizeof(pad)) ?:
	      tcpinc_shash_segs(desc, segs, nsegs) ?:
	      crypto_shash_final(desc, inner);
	if (err)
		goto out;
	tcpinc_hmac_to_opad(pad);
	err = crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, (u8 *)pad, sizeof(pad)) ?:
	      crypto_shash_finup(desc, inner, sizeof(inner), out);
out:
	/* The pads are the key; the descriptor holds a keyed hash state. */
	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(inner, sizeof(inner));
	shash_desc_zero(desc);
	return err ? TCPINC_CORE_CRYPTO_ERR : TCPINC_CORE_CRYPTO_OK;
}

/*
 * Several messages under one key (the key schedule's two or three values
 * of ss[i] or mk[j]): the ipad and opad blocks are hashed once and their
 * states exported, and every message starts from those, so that each
 * one beyond the first costs two SHA-256 blocks fewer. Every out is
 * written only after its own segments were read (the CPRF chains T(n-1)
 * through its out).
 */
static int tcpinc_hmac_sha256_many(void *ctx, const u8 *key, size_t key_len,
				   const struct tcpinc_core_hmac_msg *msgs, size_t n)
{
	SHASH_DESC_ON_STACK(desc, tcpinc_sha256);
	u64 pad[SHA256_BLOCK_SIZE / sizeof(u64)];
	u8 istate[TCPINC_SHA256_STATE_MAX], ostate[TCPINC_SHA256_STATE_MAX];
	u8 inner[SHA256_DIGEST_SIZE];
	size_t i;
	int err = 0;

	if (!tcpinc_sha256_exportable || n > TCPINC_CORE_HMAC_MANY_MAX) {
		for (i = 0; !err && i < n; i++)
			err = tcpinc_hmac_sha256(ctx, key, key_len, msgs[i].segs, msgs[i].nsegs,
						 msgs[i].out);
		goto out;
	}
	desc->tfm = tcpinc_sha256;
	err = tcpinc_hmac_ipad(desc, key, key_len, pad) ?:
	      crypto_shash_init(desc) ?:
	      crypto_shash_update(desc, (u8 *)pad, sizeof(pad)) ?:
	      crypto_shash_export(desc, istate);
	if (!err) {
		tcpinc_hmac_to_opad(pad);
		err = crypto_shash_init(desc) ?:
		      crypto_shash_update(desc, (u8 *)pad, sizeof(pad)) ?:
		      crypto_shash_export(desc, ostate);
	}
	for (i = 0; !err && i < n; i++)
		err = crypto_shash_import(desc, istate) ?:
		      tcpinc_shash_segs(desc, msgs[i].segs, msgs[i].nsegs) ?:
		      crypto_shash_final(desc, inner) ?:
		      crypto_shash_import(desc, ostate) ?:
		      crypto_shash_finup(desc, inner, sizeof(inner), msgs[i].out);
	/* The states are the key as much as the pads are. */
	memzero_explicit(pad, sizeof(pad));
	memzero_explicit(istate, sizeof(istate));
	memzero_explicit(ostate, sizeof(ostate));
	memzero_explicit(inner, sizeof(inner));
	shash_desc_zero(desc);
out:
	if (err) {
		for (i = 0; i < n; i++)
			memzero_explicit(msgs[i].out, SHA256_DIGEST_SIZE);
		return TCPINC_CORE_CRYPTO_ERR;
	}
	return TCPINC_CORE_CRYPTO_OK;
}

static int tcpinc_random_bytes(void *ctx, u8 *out, size_t len)
{
	get_random_bytes(out, len);
	return TCPINC_CORE_CRYPTO_OK;
}

/*
 * A session's receive buffer: one Init or frame at a time (at most 65538
 * bytes), taken when its header arrives and given back once read. The
 * data path calls the core under the socket lock in process context
 * (recvmsg, poll, the work item), where this may sleep for memory, and
 * kvmalloc falls back to vmalloc for a peer's 64 KiB frames when no
 * order-5 block is free. Called with BHs off or from softirq (the
 * self-tests do), it must not sleep: GFP_ATOMIC, kmalloc only.
 */
static void *tcpinc_mem_alloc(void *ctx, size_t len)
{
	gfp_t gfp = preemptible() ? GFP_KERNEL : GFP_ATOMIC;

	return kvmalloc(len, gfp | __GFP_NOWARN);
}

/* The core wiped the buffer. */
static void tcpinc_mem_free(void *ctx, void *p, size_t len)
{
	kvfree(p);
}

static const struct tcpinc_core_crypto_ops tcpinc_crypto_table = {
	.ctx = NULL,
	.hmac_sha256 = tcpinc_hmac_sha256,
	.aead_new = tcpinc_aead_new,
	.aead_free = tcpinc_aead_free,
	.aead_seal = tcpinc_aead_seal,
	.aead_open = tcpinc_aead_open,
	.aead_open_segs = tcpinc_aead_open_segs,
	.kex_keygen = tcpinc_kex_keygen,
	.kex_validate = tcpinc_kex_validate,
	.kex_shared = tcpinc_kex_shared,
	.random_bytes = tcpinc_random_bytes,
	.mem_alloc = tcpinc_mem_alloc,
	.mem_free = tcpinc_mem_free,
	.hmac_sha256_many = tcpinc_hmac_sha256_many,
};

const struct tcpinc_core_crypto_ops *tcpinc_crypto_ops(void)
{
	return &tcpinc_crypto_table;
}

/* ---- init / exit ----------------------------------------------------------- */

int tcpinc_crypto_init(void)
{
	int err;

	tcpinc_sha256 = crypto_alloc_shash("sha256", 0, 0);
	if (IS_ERR(tcpinc_sha256)) {
		err = PTR_ERR(tcpinc_sha256);
		tcpinc_sha256 = NULL;
		pr_err("tcpinc: no sha256 (%d)\n", err);
		return err;
	}
	tcpinc_sha256_exportable = crypto_shash_statesize(tcpinc_sha256) <= TCPINC_SHA256_STATE_MAX;
	err = tcpinc_p256_init();
	if (err)
		goto err_sha;
	/*
	 * aesni_intel is normally loaded by udev from the CPU's modalias; a
	 * module loaded earlier (or a minimal guest) would otherwise miss it
	 * and use the software path for the life of the pool.
	 */
	if (boot_cpu_has(X86_FEATURE_AES))
		request_module("aesni_intel");
	tcpinc_gcm_pool_init();
	/*
	 * Last, so that nothing after it can fail. A failure is logged there
	 * and is not the module's: X448 (TEP 0x24) is then unavailable.
	 */
	tcpinc_x448_kpp_register();
	tcpinc_x448_kex_init();
	return 0;

err_sha:
	crypto_free_shash(tcpinc_sha256);
	tcpinc_sha256 = NULL;
	return err;
}

void tcpinc_crypto_exit(void)
{
	WARN_ON_ONCE(tcpinc_crypto_live_aead());
	tcpinc_x448_kex_exit();	/* drops its reference on the algorithm first */
	tcpinc_x448_kpp_unregister();
	tcpinc_gcm_pool_exit();
	tcpinc_p256_exit();
	crypto_free_shash(tcpinc_sha256);
	tcpinc_sha256 = NULL;
}
