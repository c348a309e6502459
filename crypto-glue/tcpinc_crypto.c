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
 *                GHASH with a per-key 4 KiB table (gf128mul_4k_lle; the
 *                bitwise gf128mul_lle if that table could not be had).
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
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <asm/cpufeature.h>
#include <asm/simd.h>
#include <asm/unaligned.h>

#include <crypto/aead.h>
#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/b128ops.h>
#include <crypto/chacha.h>
#include <crypto/curve25519.h>
#include <crypto/ecdh.h>
#include <crypto/gf128mul.h>
#include <crypto/hash.h>
#include <crypto/internal/ecc.h>
#include <crypto/internal/simd.h>
#include <crypto/kpp.h>
#include <crypto/poly1305.h>
#include <crypto/sha2.h>

#include "tcpinc_crypto.h"
#include "tcpinc_x448.h"

#define TCPINC_TAG_LEN		TCPINC_CORE_AEAD_TAG_LEN
#define TCPINC_NONCE_LEN	TCPINC_CORE_AEAD_NONCE_LEN
#define TCPINC_P256_DIGITS	ECC_CURVE_NIST_P256_DIGITS
#define TCPINC_P256_BYTES	32

/*
 * Scatterlist entries for one AES-GCM request: AD (3 bytes in tcpcrypt, at
 * most 2 pages), up to a whole frame of vmalloc memory (the session's
 * receive buffer may be vmalloc'ed), the detached tag, and slack.
 */
#define TCPINC_GCM_SG_MAX	(2 + DIV_ROUND_UP(TCPINC_CORE_TC_MAX_FRAME_LEN, PAGE_SIZE) + 2 + 2)

/* Pool of AES-NI GCM transforms: refilled to _TARGET, never above _MAX. */
#define TCPINC_GCM_POOL_TARGET	32
#define TCPINC_GCM_POOL_MAX	64

/* One preallocated AES-NI GCM transform with its request memory. */
struct tcpinc_gcm_tfm {
	struct list_head node;		/* in tcpinc_gcm_pool.free while pooled */
	struct crypto_aead *tfm;	/* keyed only while owned by a handle */
	struct aead_request *req;	/* sized for tfm at allocation */
	struct scatterlist sg[TCPINC_GCM_SG_MAX];
	u8 tag[TCPINC_TAG_LEN];		/* linear copy of the received tag */
};

static struct tcpinc_gcm_pool {
	spinlock_t lock;		/* protects free and nfree; taken with _bh */
	struct list_head free;
	unsigned int nfree;
	bool enabled;			/* "__gcm(aes)" exists (AES-NI); set at init */
	struct work_struct refill;	/* allocates in process context */
} tcpinc_gcm_pool;

/*
 * One keyed AEAD context, the core's opaque handle. Owned by the core
 * between aead_new and aead_free; calls on one handle are serialised by the
 * core's caller (one connection's lock), so the fields need no lock.
 */
struct tcpinc_aead {
	u16 id;
	u8 key_len;
	struct tcpinc_gcm_tfm *fast;	/* AES-GCM with AES-NI, or NULL */
	union {
		struct {
			/* always set for AES-GCM: the software path */
			struct crypto_aes_ctx aes;
			be128 h;
			/* H times every byte value, or NULL: see tcpinc_ghash_table() */
			struct gf128mul_4k *h4k;
		} gcm;
		u32 chacha_key[CHACHA_KEY_SIZE / 4];
	};
};

/* Shared transforms, allocated at init, never keyed (sha256) or keyed only under the mutex (kpp). */
static struct crypto_shash *tcpinc_sha256;

static struct tcpinc_p256 {
	struct mutex lock;		/* protects tfm's secret, req and buf */
	struct crypto_kpp *tfm;		/* NULL: P-256 unsupported */
	struct kpp_request *req;
	u8 *buf;			/* kmalloc: 64 B point in + 32 B secret out (sg needs linear memory) */
} tcpinc_p256;

#define TCPINC_X448_BYTES	56
/*
 * X448 through the KPP API. The algorithm neither sleeps nor allocates,
 * but the transform holds one secret at a time and a TCG-run X448 takes
 * milliseconds: a mutex, not a BH-disabling spinlock.
 */
static struct tcpinc_x448_kex {
	struct mutex lock;		/* protects tfm's secret, req and buf */
	struct crypto_kpp *tfm;		/* NULL: X448 unavailable (TEP 0x24 off) */
	struct kpp_request *req;
	u8 *buf;			/* kmalloc: 56 B peer key in + 56 B out (sg needs linear memory) */
	bool self_ref;			/* tfm's module reference is on tcpinc itself, dropped */
} tcpinc_x448_kex;

static atomic_long_t tcpinc_live_aead = ATOMIC_LONG_INIT(0);
static bool tcpinc_force_soft_gcm;

/* ---- HMAC-SHA256 ------------------------------------------------------- */

static int tcpinc_hmac_sha256(void *ctx, const u8 *key, size_t key_len,
			      const struct tcpinc_core_seg *segs, size_t nsegs, u8 *out)
{
	SHASH_DESC_ON_STACK(desc, tcpinc_sha256);
	/* Whole words: byte loops cost more than they should under TCG. */
	u64 pad[SHA256_BLOCK_SIZE / sizeof(u64)];
	u8 inner[SHA256_DIGEST_SIZE];
	size_t i;
	int err;

	desc->tfm = tcpinc_sha256;
	memset(pad, 0, sizeof(pad));
	if (key_len > SHA256_BLOCK_SIZE) {
		err = crypto_shash_digest(desc, key, key_len, (u8 *)pad);
		if (err)
			goto out;
	} else if (key_len) {
		memcpy(pad, key, key_len);
	}
	for (i = 0; i < ARRAY_SIZE(pad); i++)
		pad[i] ^= 0x3636363636363636ULL;
	err = crypto_shash_init(desc) ?: crypto_shash_update(desc, (u8 *)pad, sizeof(pad));
	for (i = 0; !err && i < nsegs; i++)
		if (segs[i].len)
			err = crypto_shash_update(desc, segs[i].data, segs[i].len);
	err = err ?: crypto_shash_final(desc, inner);
	if (err)
		goto out;
	for (i = 0; i < ARRAY_SIZE(pad); i++)
		pad[i] ^= 0x3636363636363636ULL ^ 0x5c5c5c5c5c5c5c5cULL;
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

/* ---- AEAD: shared helpers ---------------------------------------------- */

static size_t tcpinc_segs_len(const struct tcpinc_core_seg *in, size_t nin)
{
	size_t i, total = 0;

	for (i = 0; i < nin; i++)
		total += in[i].len;
	return total;
}

/*
 * The core's inputs are scattered; every AEAD here works in place on out.
 * A segment that already sits where it belongs is not copied: the data
 * path copies user data straight into its frame and seals it there.
 */
static void tcpinc_segs_copy(u8 *out, const struct tcpinc_core_seg *in, size_t nin)
{
	size_t i;

	for (i = 0; i < nin; i++) {
		if (in[i].len && in[i].data != out)
			memcpy(out, in[i].data, in[i].len);
		out += in[i].len;
	}
}

/* ---- AES-GCM, software path (AES library + gf128mul_4k_lle) ------------- */

/*
 * tcpinc_ghash_table - H times each of the 256 byte values, so that a GHASH
 * multiplication is 16 table lookups (gf128mul_4k_lle) instead of 128
 * conditional xors (gf128mul_lle): about 3x less GHASH work, which was a
 * third of the software path's time. 4 KiB per key, only for handles
 * without AES-NI; NULL (no memory) keeps the bitwise multiplication. Like
 * the kernel's own ghash-generic, lookups depend on secret data (cache
 * timing), as do gf128mul_lle's branches.
 */
static struct gf128mul_4k *tcpinc_ghash_table(const be128 *h)
{
	struct gf128mul_4k *t = kmalloc(sizeof(*t), GFP_ATOMIC | __GFP_NOWARN);
	unsigned int i, low;

	if (!t)
		return NULL;
	/* GHASH's bit order: byte value 0x80 >> k is x^k. */
	memset(&t->t[0], 0, sizeof(t->t[0]));
	t->t[0x80] = *h;
	for (i = 0x40; i; i >>= 1)
		gf128mul_x_lle(&t->t[i], &t->t[i << 1]);
	/* Linearity: any other byte is its lowest bit plus the rest. */
	for (i = 1; i < 256; i++) {
		low = i & -i;
		if (i != low)
			be128_xor(&t->t[i], &t->t[i ^ low], &t->t[low]);
	}
	return t;
}

static void tcpinc_ghash(be128 *x, const struct tcpinc_aead *a, const u8 *p, size_t len)
{
	while (len) {
		size_t n = min_t(size_t, len, 16);

		/* A short last block is zero padded: xor only n bytes. */
		crypto_xor((u8 *)x, p, n);
		if (a->gcm.h4k)
			gf128mul_4k_lle(x, a->gcm.h4k);
		else
			gf128mul_lle(x, &a->gcm.h);
		p += n;
		len -= n;
	}
}

static void tcpinc_gcm_soft_tag(const struct tcpinc_aead *a, const u8 *nonce,
				const u8 *ad, size_t ad_len, const u8 *ct,
				size_t ct_len, u8 *tag)
{
	be128 x = {}, lens;
	u8 j0[AES_BLOCK_SIZE];

	tcpinc_ghash(&x, a, ad, ad_len);
	tcpinc_ghash(&x, a, ct, ct_len);
	lens.a = cpu_to_be64((u64)ad_len * 8);
	lens.b = cpu_to_be64((u64)ct_len * 8);
	tcpinc_ghash(&x, a, (const u8 *)&lens, sizeof(lens));
	memcpy(j0, nonce, TCPINC_NONCE_LEN);
	put_unaligned_be32(1, j0 + TCPINC_NONCE_LEN);
	aes_encrypt(&a->gcm.aes, tag, j0);
	crypto_xor(tag, (const u8 *)&x, TCPINC_TAG_LEN);
	memzero_explicit(&x, sizeof(x));
}

/* dst = src xor keystream from counter 2 (GCM's first data block). */
static void tcpinc_gcm_soft_ctr(const struct tcpinc_aead *a, const u8 *nonce,
				u8 *dst, const u8 *src, size_t len)
{
	u8 ctr[AES_BLOCK_SIZE], ks[AES_BLOCK_SIZE];
	u32 c = 2;

	memcpy(ctr, nonce, TCPINC_NONCE_LEN);
	while (len) {
		size_t n = min_t(size_t, len, AES_BLOCK_SIZE);

		put_unaligned_be32(c++, ctr + TCPINC_NONCE_LEN);
		aes_encrypt(&a->gcm.aes, ks, ctr);
		crypto_xor_cpy(dst, src, ks, n);
		dst += n;
		src += n;
		len -= n;
	}
	memzero_explicit(ks, sizeof(ks));
}

/* ---- AES-GCM, AES-NI path ---------------------------------------------- */

/*
 * tcpinc_sg_add - describe [p, p + len) in sg from entry n on. Linear
 * memory is one entry; vmalloc, vmap'ed stack and module memory are split
 * at page boundaries (each page found by vmalloc_to_page). Returns the next
 * free entry, or -1 if max entries are not enough.
 */
static int tcpinc_sg_add(struct scatterlist *sg, int n, int max, const void *p, size_t len)
{
	while (len) {
		size_t off = offset_in_page(p), chunk;
		struct page *pg;

		if (n >= max)
			return -1;
		if (virt_addr_valid(p)) {
			pg = virt_to_page(p);
			chunk = len;
		} else {
			pg = vmalloc_to_page(p);
			chunk = min_t(size_t, len, PAGE_SIZE - off);
		}
		if (!pg)
			return -1;
		sg_set_page(&sg[n++], pg, chunk, off);
		p += chunk;
		len -= chunk;
	}
	return n;
}

static bool tcpinc_gcm_fast_ok(const struct tcpinc_aead *a)
{
	/* The internal AES-NI transform assumes the FPU is usable. */
	return a->fast && !READ_ONCE(tcpinc_force_soft_gcm) && crypto_simd_usable();
}

static int tcpinc_gcm_fast(struct tcpinc_aead *a, bool enc, const u8 *nonce,
			   const u8 *ad, size_t ad_len, u8 *buf, size_t len,
			   const u8 *tag_in)
{
	struct tcpinc_gcm_tfm *f = a->fast;
	u8 iv[TCPINC_NONCE_LEN];
	int n;

	sg_init_table(f->sg, TCPINC_GCM_SG_MAX);
	n = tcpinc_sg_add(f->sg, 0, TCPINC_GCM_SG_MAX, ad, ad_len);
	if (n >= 0)
		n = tcpinc_sg_add(f->sg, n, TCPINC_GCM_SG_MAX, buf, enc ? len + TCPINC_TAG_LEN : len);
	if (n >= 0 && !enc) {
		memcpy(f->tag, tag_in, TCPINC_TAG_LEN);
		n = tcpinc_sg_add(f->sg, n, TCPINC_GCM_SG_MAX, f->tag, TCPINC_TAG_LEN);
	}
	if (n <= 0)
		return -EINVAL;
	sg_mark_end(&f->sg[n - 1]);
	memcpy(iv, nonce, sizeof(iv));
	aead_request_set_tfm(f->req, f->tfm);
	aead_request_set_callback(f->req, 0, NULL, NULL);
	aead_request_set_ad(f->req, ad_len);
	aead_request_set_crypt(f->req, f->sg, f->sg, len + (enc ? 0 : TCPINC_TAG_LEN), iv);
	return enc ? crypto_aead_encrypt(f->req) : crypto_aead_decrypt(f->req);
}

static struct tcpinc_gcm_tfm *tcpinc_gcm_tfm_alloc(gfp_t gfp)
{
	struct tcpinc_gcm_tfm *f = kzalloc(sizeof(*f), gfp);

	if (!f)
		return NULL;
	/*
	 * CRYPTO_ALG_INTERNAL in type and mask selects AES-NI's inner
	 * synchronous algorithm, the one its "gcm(aes)" SIMD wrapper calls
	 * directly when the FPU is usable; CRYPTO_ALG_ASYNC in the mask keeps
	 * cryptd out.
	 */
	f->tfm = crypto_alloc_aead("__gcm(aes)", CRYPTO_ALG_INTERNAL,
				   CRYPTO_ALG_INTERNAL | CRYPTO_ALG_ASYNC);
	if (IS_ERR(f->tfm))
		goto err;
	if (crypto_aead_setauthsize(f->tfm, TCPINC_TAG_LEN))
		goto err_tfm;
	f->req = kzalloc(sizeof(*f->req) + crypto_aead_reqsize(f->tfm), gfp);
	if (!f->req)
		goto err_tfm;
	return f;
err_tfm:
	crypto_free_aead(f->tfm);
err:
	kfree(f);
	return NULL;
}

static void tcpinc_gcm_tfm_free(struct tcpinc_gcm_tfm *f)
{
	if (!f)
		return;
	kfree_sensitive(f->req);
	crypto_free_aead(f->tfm);	/* kfree_sensitive of the key schedule */
	kfree_sensitive(f);
}

static void tcpinc_gcm_pool_refill(struct work_struct *work)
{
	struct tcpinc_gcm_pool *p = &tcpinc_gcm_pool;

	for (;;) {
		struct tcpinc_gcm_tfm *f;

		spin_lock_bh(&p->lock);
		if (p->nfree >= TCPINC_GCM_POOL_TARGET) {
			spin_unlock_bh(&p->lock);
			return;
		}
		spin_unlock_bh(&p->lock);
		f = tcpinc_gcm_tfm_alloc(GFP_KERNEL);
		if (!f)
			return;		/* the software path covers the shortage */
		spin_lock_bh(&p->lock);
		list_add(&f->node, &p->free);
		p->nfree++;
		spin_unlock_bh(&p->lock);
	}
}

static struct tcpinc_gcm_tfm *tcpinc_gcm_pool_get(void)
{
	struct tcpinc_gcm_pool *p = &tcpinc_gcm_pool;
	struct tcpinc_gcm_tfm *f = NULL;
	bool low;

	if (!p->enabled)
		return NULL;
	spin_lock_bh(&p->lock);
	if (!list_empty(&p->free)) {
		f = list_first_entry(&p->free, struct tcpinc_gcm_tfm, node);
		list_del(&f->node);
		p->nfree--;
	}
	low = p->nfree < TCPINC_GCM_POOL_TARGET / 2;
	spin_unlock_bh(&p->lock);
	if (low)
		schedule_work(&p->refill);
	return f;
}

static void tcpinc_gcm_pool_put(struct tcpinc_gcm_tfm *f)
{
	static const u8 zero_key[AES_KEYSIZE_256];
	struct tcpinc_gcm_pool *p = &tcpinc_gcm_pool;

	/*
	 * Overwrite the expanded key and hash subkey before the transform
	 * waits in the pool (AES-NI's setkey neither sleeps nor allocates).
	 */
	if (crypto_aead_setkey(f->tfm, zero_key, AES_KEYSIZE_256)) {
		tcpinc_gcm_tfm_free(f);
		return;
	}
	memzero_explicit(f->tag, sizeof(f->tag));
	spin_lock_bh(&p->lock);
	if (p->nfree < TCPINC_GCM_POOL_MAX) {
		list_add(&f->node, &p->free);
		p->nfree++;
		f = NULL;
	}
	spin_unlock_bh(&p->lock);
	tcpinc_gcm_tfm_free(f);
}

/* ---- ChaCha20-Poly1305 (RFC 8439) on the libraries ---------------------- */

static void tcpinc_chacha_start(const struct tcpinc_aead *a, const u8 *nonce,
				u32 *state, struct poly1305_desc_ctx *poly)
{
	u8 iv[CHACHA_IV_SIZE];
	u8 block0[CHACHA_BLOCK_SIZE] = {};

	/* Block counter 0 gives the Poly1305 key; data starts at counter 1. */
	put_unaligned_le32(0, iv);
	memcpy(iv + 4, nonce, TCPINC_NONCE_LEN);
	chacha_init(state, a->chacha_key, iv);
	chacha_crypt(state, block0, block0, sizeof(block0), 20);
	poly1305_init(poly, block0);
	memzero_explicit(block0, sizeof(block0));
}

static void tcpinc_poly_pad(struct poly1305_desc_ctx *poly, size_t len)
{
	static const u8 zero[16];

	if (len % 16)
		poly1305_update(poly, zero, 16 - len % 16);
}

static void tcpinc_chacha_tag(struct poly1305_desc_ctx *poly, const u8 *ad,
			      size_t ad_len, const u8 *ct, size_t ct_len, u8 *tag)
{
	__le64 lens[2] = { cpu_to_le64(ad_len), cpu_to_le64(ct_len) };

	if (ad_len)
		poly1305_update(poly, ad, ad_len);
	tcpinc_poly_pad(poly, ad_len);
	if (ct_len)
		poly1305_update(poly, ct, ct_len);
	tcpinc_poly_pad(poly, ct_len);
	poly1305_update(poly, (const u8 *)lens, sizeof(lens));
	poly1305_final(poly, tag);	/* also wipes the descriptor */
}

/* ---- AEAD table entries -------------------------------------------------- */

static int tcpinc_aead_new(void *ctx, u16 id, const u8 *key, size_t key_len, void **out)
{
	struct tcpinc_aead *a;
	u8 zero[AES_BLOCK_SIZE] = {};
	int i;

	*out = NULL;
	switch (id) {
	case TCPINC_CORE_AEAD_AES_128_GCM:
		if (key_len != AES_KEYSIZE_128)
			return TCPINC_CORE_CRYPTO_EUNSUPP;
		break;
	case TCPINC_CORE_AEAD_AES_256_GCM:
	case TCPINC_CORE_AEAD_CHACHA20_POLY1305:
		if (key_len != 32)
			return TCPINC_CORE_CRYPTO_EUNSUPP;
		break;
	default:
		return TCPINC_CORE_CRYPTO_EUNSUPP;
	}
	/* Called on the receive path too (rekey): never sleep. */
	a = kzalloc(sizeof(*a), GFP_ATOMIC);
	if (!a)
		return TCPINC_CORE_CRYPTO_ERR;
	a->id = id;
	a->key_len = key_len;
	if (id == TCPINC_CORE_AEAD_CHACHA20_POLY1305) {
		for (i = 0; i < CHACHA_KEY_SIZE / 4; i++)
			a->chacha_key[i] = get_unaligned_le32(key + 4 * i);
	} else {
		if (aes_expandkey(&a->gcm.aes, key, key_len))
			goto err;
		aes_encrypt(&a->gcm.aes, (u8 *)&a->gcm.h, zero);
		a->fast = tcpinc_gcm_pool_get();
		if (a->fast && crypto_aead_setkey(a->fast->tfm, key, key_len)) {
			tcpinc_gcm_pool_put(a->fast);
			a->fast = NULL;
		}
		if (!a->fast)
			a->gcm.h4k = tcpinc_ghash_table(&a->gcm.h);
	}
	atomic_long_inc(&tcpinc_live_aead);
	*out = a;
	return TCPINC_CORE_CRYPTO_OK;
err:
	kfree_sensitive(a);
	return TCPINC_CORE_CRYPTO_ERR;
}

static void tcpinc_aead_free(void *ctx, void *handle)
{
	struct tcpinc_aead *a = handle;

	if (!a)
		return;
	if (a->fast)
		tcpinc_gcm_pool_put(a->fast);
	if (a->id != TCPINC_CORE_AEAD_CHACHA20_POLY1305)
		kfree_sensitive(a->gcm.h4k);	/* H's multiples are key material */
	kfree_sensitive(a);
	atomic_long_dec(&tcpinc_live_aead);
}

static int tcpinc_aead_seal(void *ctx, void *handle, const u8 *nonce,
			    const u8 *ad, size_t ad_len,
			    const struct tcpinc_core_seg *in, size_t nin, u8 *out)
{
	struct tcpinc_aead *a = handle;
	size_t len = tcpinc_segs_len(in, nin);
	struct poly1305_desc_ctx poly;
	u32 state[CHACHA_STATE_WORDS];

	tcpinc_segs_copy(out, in, nin);
	if (a->id == TCPINC_CORE_AEAD_CHACHA20_POLY1305) {
		tcpinc_chacha_start(a, nonce, state, &poly);
		if (len)
			chacha_crypt(state, out, out, len, 20);
		tcpinc_chacha_tag(&poly, ad, ad_len, out, len, out + len);
		memzero_explicit(state, sizeof(state));
		return TCPINC_CORE_CRYPTO_OK;
	}
	if (tcpinc_gcm_fast_ok(a))
		return tcpinc_gcm_fast(a, true, nonce, ad, ad_len, out, len, NULL) ?
		       TCPINC_CORE_CRYPTO_ERR : TCPINC_CORE_CRYPTO_OK;
	tcpinc_gcm_soft_ctr(a, nonce, out, out, len);
	tcpinc_gcm_soft_tag(a, nonce, ad, ad_len, out, len, out + len);
	return TCPINC_CORE_CRYPTO_OK;
}

static int tcpinc_aead_open(void *ctx, void *handle, const u8 *nonce,
			    const u8 *ad, size_t ad_len,
			    const u8 *in, size_t in_len, u8 *out)
{
	struct tcpinc_aead *a = handle;
	struct poly1305_desc_ctx poly;
	u32 state[CHACHA_STATE_WORDS];
	u8 tag[TCPINC_TAG_LEN];
	size_t len;
	int err;

	if (in_len < TCPINC_TAG_LEN)
		return TCPINC_CORE_CRYPTO_EAUTH;
	len = in_len - TCPINC_TAG_LEN;

	if (a->id == TCPINC_CORE_AEAD_CHACHA20_POLY1305) {
		/* Authenticate first: no plaintext is produced on failure. */
		tcpinc_chacha_start(a, nonce, state, &poly);
		tcpinc_chacha_tag(&poly, ad, ad_len, in, len, tag);
		if (crypto_memneq(tag, in + len, TCPINC_TAG_LEN)) {
			err = TCPINC_CORE_CRYPTO_EAUTH;
		} else {
			if (len)
				chacha_crypt(state, out, in, len, 20);
			err = TCPINC_CORE_CRYPTO_OK;
		}
		memzero_explicit(state, sizeof(state));
		goto out;
	}
	if (tcpinc_gcm_fast_ok(a)) {
		/* In place on out; the tag goes to a linear copy first. */
		memcpy(tag, in + len, TCPINC_TAG_LEN);
		if (out != in)
			memmove(out, in, len);
		err = tcpinc_gcm_fast(a, false, nonce, ad, ad_len, out, len, tag);
		err = !err ? TCPINC_CORE_CRYPTO_OK :
		      err == -EBADMSG ? TCPINC_CORE_CRYPTO_EAUTH : TCPINC_CORE_CRYPTO_ERR;
		goto out;
	}
	tcpinc_gcm_soft_tag(a, nonce, ad, ad_len, in, len, tag);
	if (crypto_memneq(tag, in + len, TCPINC_TAG_LEN)) {
		err = TCPINC_CORE_CRYPTO_EAUTH;
	} else {
		tcpinc_gcm_soft_ctr(a, nonce, out, in, len);
		err = TCPINC_CORE_CRYPTO_OK;
	}
out:
	/* The contract: nothing unauthenticated survives a failed open. */
	if (err && len)
		memzero_explicit(out, len);
	memzero_explicit(tag, sizeof(tag));
	return err;
}

/* ---- P-256: compressed points (SEC1 2.3.3/2.3.4, IEEE 1363 A.16.10) ------ */

static void tcpinc_vli_to_be(u8 *out, const u64 *v)
{
	int i;

	for (i = 0; i < TCPINC_P256_DIGITS; i++)
		put_unaligned_be64(v[TCPINC_P256_DIGITS - 1 - i], out + 8 * i);
}

/* r = a + b mod p, for a, b < p. */
static void tcpinc_p256_add(u64 *r, const u64 *a, const u64 *b, const u64 *p)
{
	u64 t[TCPINC_P256_DIGITS], carry = 0;
	int i;

	for (i = 0; i < TCPINC_P256_DIGITS; i++) {
		u64 s = a[i] + carry;

		carry = s < carry;
		t[i] = s + b[i];
		carry |= t[i] < s;
	}
	if (carry || vli_cmp(t, p, TCPINC_P256_DIGITS) >= 0)
		vli_sub(t, t, p, TCPINC_P256_DIGITS);
	memcpy(r, t, sizeof(t));
}

/*
 * Montgomery multiplication mod the P-256 prime (CIOS, 64-bit limbs):
 * r = a * b / 2^256 mod p for a, b < p. The square root below needs about
 * 380 multiplications; crypto/ecc.c exports only vli_mod_mult_slow (a
 * bit-serial reduction, about 20 times slower here), its fast P-256
 * reduction is static.
 */
static void tcpinc_p256_mont_mul(u64 *r, const u64 *a, const u64 *b, const u64 *p)
{
	const int n = TCPINC_P256_DIGITS;
	u64 t[TCPINC_P256_DIGITS + 2] = {};
	unsigned __int128 v;
	u64 c, m;
	int i, j;

	for (i = 0; i < n; i++) {
		c = 0;
		for (j = 0; j < n; j++) {
			v = (unsigned __int128)a[j] * b[i] + t[j] + c;
			t[j] = (u64)v;
			c = v >> 64;
		}
		v = (unsigned __int128)t[n] + c;
		t[n] = (u64)v;
		t[n + 1] = v >> 64;
		/* p = -1 mod 2^64, so -1/p mod 2^64 = 1: m = t[0]. */
		m = t[0];
		v = (unsigned __int128)m * p[0] + t[0];
		c = v >> 64;
		for (j = 1; j < n; j++) {
			v = (unsigned __int128)m * p[j] + t[j] + c;
			t[j - 1] = (u64)v;
			c = v >> 64;
		}
		v = (unsigned __int128)t[n] + c;
		t[n - 1] = (u64)v;
		t[n] = t[n + 1] + (u64)(v >> 64);
	}
	if (t[n] || vli_cmp(t, p, n) >= 0)
		vli_sub(t, t, p, n);
	memcpy(r, t, n * sizeof(u64));
}

/* y = a^((p + 1) / 4) mod p, in the Montgomery domain. */
static void tcpinc_p256_sqrt_candidate(u64 *y, const u64 *a, const u64 *p)
{
	const unsigned int nd = TCPINC_P256_DIGITS;
	u64 e[TCPINC_P256_DIGITS], rr[TCPINC_P256_DIGITS], am[TCPINC_P256_DIGITS];
	u64 one[TCPINC_P256_DIGITS] = { 1 };
	int i;

	/* R mod p = 2^256 - p; R^2 mod p by the slow exported multiply. */
	memset(rr, 0, sizeof(rr));
	vli_sub(rr, rr, p, nd);
	memcpy(y, rr, sizeof(rr));		/* 1 in Montgomery form */
	vli_mod_mult_slow(rr, rr, rr, p, nd);
	tcpinc_p256_mont_mul(am, a, rr, p);
	/* e = (p + 1) / 4; p + 1 < 2^256 */
	memcpy(e, p, sizeof(e));
	for (i = 0; i < nd && ++e[i] == 0; i++)
		;
	for (i = 0; i < nd; i++)
		e[i] = (e[i] >> 2) | (i + 1 < nd ? e[i + 1] << 62 : 0);
	for (i = nd * 64 - 1; i >= 0; i--) {
		tcpinc_p256_mont_mul(y, y, y, p);
		if (e[i / 64] >> (i % 64) & 1)
			tcpinc_p256_mont_mul(y, y, am, p);
	}
	tcpinc_p256_mont_mul(y, y, one, p);	/* out of Montgomery form */
}

/*
 * tcpinc_p256_decompress - 33-byte compressed point -> affine (x, y).
 * Fails unless the prefix is 02/03, x < p, x^3 + ax + b is a square mod p
 * (y is computed as its square root and checked), and the kernel's own
 * partial validation (coordinates in range, on the curve) agrees. P-256
 * has cofactor 1, so this is full public-key validation. All inputs are
 * public: the exponentiation need not be constant time.
 */
static int tcpinc_p256_decompress(const u8 *pub, size_t len, u64 *x, u64 *y)
{
	const struct ecc_curve *c = ecc_get_curve(ECC_CURVE_NIST_P256);
	const unsigned int nd = TCPINC_P256_DIGITS;
	u64 rhs[TCPINC_P256_DIGITS], chk[TCPINC_P256_DIGITS];
	struct ecc_point pt = ECC_POINT_INIT(x, y, TCPINC_P256_DIGITS);

	if (!c || len != TCPINC_CORE_P256_POINT_LEN || (pub[0] != 2 && pub[0] != 3))
		return -EINVAL;
	vli_from_be64(x, pub + 1, nd);
	if (vli_cmp(x, c->p, nd) >= 0)
		return -EINVAL;
	/* rhs = (x^2 + a) * x + b */
	vli_mod_mult_slow(rhs, x, x, c->p, nd);
	tcpinc_p256_add(rhs, rhs, c->a, c->p);
	vli_mod_mult_slow(rhs, rhs, x, c->p, nd);
	tcpinc_p256_add(rhs, rhs, c->b, c->p);
	/* p = 3 mod 4: y = rhs^((p + 1) / 4), a root if rhs is a square */
	tcpinc_p256_sqrt_candidate(y, rhs, c->p);
	vli_mod_mult_slow(chk, y, y, c->p, nd);
	if (vli_cmp(chk, rhs, nd))
		return -EINVAL;		/* not a square: x is off the curve */
	if ((y[0] & 1) != (pub[0] & 1)) {
		if (vli_is_zero(y, nd))
			return -EINVAL;
		vli_sub(y, c->p, y, nd);
	}
	return ecc_is_pubkey_valid_partial(c, &pt);
}

/*
 * Process context, tcpinc_p256.lock held: install priv as the KPP secret.
 * The packed format is include/crypto/kpp.h's struct kpp_secret header,
 * the key size, the key (what crypto_ecdh_encode_key() writes). It is
 * written here so that tcpinc.ko does not link against ecdh_generic: that
 * module is then loaded on demand by crypto_alloc_kpp() instead of as a
 * hard dependency at insmod (its load-time self test needs the stdrng
 * modules, which a minimal system may not be able to autoload).
 */
static int tcpinc_p256_set_secret(const u8 *priv)
{
	struct kpp_secret hdr = {
		.type = CRYPTO_KPP_SECRET_TYPE_ECDH,
		.len = sizeof(hdr) + sizeof(unsigned short) + TCPINC_P256_BYTES,
	};
	unsigned short key_size = TCPINC_P256_BYTES;
	u8 packed[sizeof(hdr) + sizeof(key_size) + TCPINC_P256_BYTES];
	int err;

	memcpy(packed, &hdr, sizeof(hdr));
	memcpy(packed + sizeof(hdr), &key_size, sizeof(key_size));
	memcpy(packed + sizeof(hdr) + sizeof(key_size), priv, TCPINC_P256_BYTES);
	err = crypto_kpp_set_secret(tcpinc_p256.tfm, packed, sizeof(packed));
	memzero_explicit(packed, sizeof(packed));
	return err;
}

/* The tfm keeps the last secret: replace it with the scalar 1 (public). */
static void tcpinc_p256_wipe_secret(void)
{
	u8 one[TCPINC_P256_BYTES] = {};

	one[TCPINC_P256_BYTES - 1] = 1;
	if (tcpinc_p256_set_secret(one))
		pr_warn_once("tcpinc: could not overwrite the P-256 KPP secret\n");
}

/*
 * Takes a KPP transform's mutex. A KPP transform holds one secret at a time,
 * so every use is under its mutex, and a mutex may sleep: refuse (never
 * sleep) when called from atomic context. crypto/ecdh.c and crypto/ecc.c
 * also allocate with GFP_KERNEL.
 */
static int tcpinc_kpp_lock(struct mutex *lock, const struct crypto_kpp *tfm, const char *what)
{
	if (!tfm)
		return TCPINC_CORE_CRYPTO_EUNSUPP;
	if (!preemptible() || !in_task()) {
		pr_warn_ratelimited("tcpinc: %s key exchange called from atomic context, refused\n",
				    what);
		return TCPINC_CORE_CRYPTO_ERR;
	}
	mutex_lock(lock);
	return TCPINC_CORE_CRYPTO_OK;
}

static int tcpinc_p256_lock(void)
{
	return tcpinc_kpp_lock(&tcpinc_p256.lock, tcpinc_p256.tfm, "P-256");
}

static int tcpinc_p256_keygen(u8 *out_priv, u8 *out_pub)
{
	const struct ecc_curve *c = ecc_get_curve(ECC_CURVE_NIST_P256);
	u64 d[TCPINC_P256_DIGITS];
	struct scatterlist dst;
	int err, tries, rc;

	rc = tcpinc_p256_lock();
	if (rc)
		return rc;
	rc = TCPINC_CORE_CRYPTO_ERR;
	for (tries = 0; tries < 16; tries++) {
		get_random_bytes(out_priv, TCPINC_P256_BYTES);
		vli_from_be64(d, out_priv, TCPINC_P256_DIGITS);
		if (vli_is_zero(d, TCPINC_P256_DIGITS) || vli_cmp(d, c->n, TCPINC_P256_DIGITS) >= 0)
			continue;
		/* set_secret may also refuse (its range check reads the bytes in another order). */
		if (!tcpinc_p256_set_secret(out_priv))
			break;
	}
	memzero_explicit(d, sizeof(d));
	if (tries == 16)
		goto out;
	sg_init_one(&dst, tcpinc_p256.buf, 2 * TCPINC_P256_BYTES);
	kpp_request_set_input(tcpinc_p256.req, NULL, 0);
	kpp_request_set_output(tcpinc_p256.req, &dst, 2 * TCPINC_P256_BYTES);
	kpp_request_set_callback(tcpinc_p256.req, 0, NULL, NULL);
	err = crypto_kpp_generate_public_key(tcpinc_p256.req);
	if (!err) {
		/* buf = X || Y, big endian: keep x and the parity of y. */
		out_pub[0] = 2 | (tcpinc_p256.buf[2 * TCPINC_P256_BYTES - 1] & 1);
		memcpy(out_pub + 1, tcpinc_p256.buf, TCPINC_P256_BYTES);
		rc = TCPINC_CORE_CRYPTO_OK;
	}
	tcpinc_p256_wipe_secret();
out:
	if (rc)
		memzero_explicit(out_priv, TCPINC_P256_BYTES);
	mutex_unlock(&tcpinc_p256.lock);
	return rc;
}

static int tcpinc_p256_shared(const u8 *priv, const u8 *pub, size_t len, u8 *out)
{
	u64 x[TCPINC_P256_DIGITS], y[TCPINC_P256_DIGITS];
	struct scatterlist src, dst;
	u8 *buf;
	int rc, err;

	if (tcpinc_p256_decompress(pub, len, x, y))
		return TCPINC_CORE_CRYPTO_EBADKEY;
	rc = tcpinc_p256_lock();
	if (rc)
		return rc;
	buf = tcpinc_p256.buf;
	tcpinc_vli_to_be(buf, x);
	tcpinc_vli_to_be(buf + TCPINC_P256_BYTES, y);
	err = tcpinc_p256_set_secret(priv);
	if (!err) {
		sg_init_one(&src, buf, 2 * TCPINC_P256_BYTES);
		sg_init_one(&dst, buf + 2 * TCPINC_P256_BYTES, TCPINC_P256_BYTES);
		kpp_request_set_input(tcpinc_p256.req, &src, 2 * TCPINC_P256_BYTES);
		kpp_request_set_output(tcpinc_p256.req, &dst, TCPINC_P256_BYTES);
		kpp_request_set_callback(tcpinc_p256.req, 0, NULL, NULL);
		err = crypto_kpp_compute_shared_secret(tcpinc_p256.req);
		if (!err)
			memcpy(out, buf + 2 * TCPINC_P256_BYTES, TCPINC_P256_BYTES);
		tcpinc_p256_wipe_secret();
	}
	memzero_explicit(buf, 3 * TCPINC_P256_BYTES);
	mutex_unlock(&tcpinc_p256.lock);
	/* -EINVAL from set_secret: a private key out of range is our caller's bug. */
	return err ? TCPINC_CORE_CRYPTO_ERR : TCPINC_CORE_CRYPTO_OK;
}

/* ---- X448 (KPP "curve448") ------------------------------------------------ */

static int tcpinc_x448_lock(void)
{
	return tcpinc_kpp_lock(&tcpinc_x448_kex.lock, tcpinc_x448_kex.tfm, "X448");
}

/*
 * Lock held. The transform keeps the last secret: an empty set_secret makes
 * the KPP pick a random one (as curve25519-generic), which overwrites it.
 */
static void tcpinc_x448_unlock(void)
{
	if (crypto_kpp_set_secret(tcpinc_x448_kex.tfm, NULL, 0))
		pr_warn_once("tcpinc: could not overwrite the X448 KPP secret\n");
	memzero_explicit(tcpinc_x448_kex.buf, 2 * TCPINC_X448_BYTES);
	mutex_unlock(&tcpinc_x448_kex.lock);
}

/* One KPP operation: pub = X448(priv, 5) if peer is NULL, else X448(priv, peer). */
static int tcpinc_x448_op(const u8 *priv, const u8 *peer, u8 *out)
{
	struct tcpinc_x448_kex *x = &tcpinc_x448_kex;
	struct scatterlist src, dst;
	int rc, err;

	rc = tcpinc_x448_lock();
	if (rc)
		return rc;
	err = crypto_kpp_set_secret(x->tfm, priv, TCPINC_X448_BYTES);
	if (!err) {
		sg_init_one(&dst, x->buf + TCPINC_X448_BYTES, TCPINC_X448_BYTES);
		kpp_request_set_output(x->req, &dst, TCPINC_X448_BYTES);
		kpp_request_set_callback(x->req, 0, NULL, NULL);
		if (peer) {
			memcpy(x->buf, peer, TCPINC_X448_BYTES);
			sg_init_one(&src, x->buf, TCPINC_X448_BYTES);
			kpp_request_set_input(x->req, &src, TCPINC_X448_BYTES);
			err = crypto_kpp_compute_shared_secret(x->req);
			/*
			 * The KPP refuses an all-zero result (small-order peer
			 * key) with -EINVAL; the input length is right, so that
			 * is the only -EINVAL. Return it as zero bytes: the core
			 * checks and names the abort (TCPINC_CORE_TC_ZERO_SECRET).
			 */
			if (err == -EINVAL) {
				memset(out, 0, TCPINC_X448_BYTES);
				tcpinc_x448_unlock();
				return TCPINC_CORE_CRYPTO_OK;
			}
		} else {
			kpp_request_set_input(x->req, NULL, 0);
			err = crypto_kpp_generate_public_key(x->req);
		}
		if (!err)
			memcpy(out, x->buf + TCPINC_X448_BYTES, TCPINC_X448_BYTES);
	}
	tcpinc_x448_unlock();
	return err ? TCPINC_CORE_CRYPTO_ERR : TCPINC_CORE_CRYPTO_OK;
}

static int tcpinc_x448_keygen(u8 *out_priv, u8 *out_pub)
{
	int rc;

	/* Any 56 bytes are a private key: the scalar is clamped on use. */
	get_random_bytes(out_priv, TCPINC_X448_BYTES);
	rc = tcpinc_x448_op(out_priv, NULL, out_pub);
	if (rc)
		memzero_explicit(out_priv, TCPINC_X448_BYTES);
	return rc;
}

bool tcpinc_crypto_kex_available(u8 kex)
{
	switch (kex) {
	case TCPINC_CORE_KEX_X25519:
		return true;
	case TCPINC_CORE_KEX_P256:
		return READ_ONCE(tcpinc_p256.tfm) != NULL;
	case TCPINC_CORE_KEX_X448:
		return READ_ONCE(tcpinc_x448_kex.tfm) != NULL;
	default:
		return false;
	}
}

/* ---- key exchange table entries ------------------------------------------ */

static int tcpinc_kex_keygen(void *ctx, u8 kex, u8 *out_priv, u8 *out_pub)
{
	if (kex == TCPINC_CORE_KEX_X25519) {
		/* The scalar is clamped inside every X25519 evaluation. */
		do {
			get_random_bytes(out_priv, CURVE25519_KEY_SIZE);
		} while (!curve25519_generate_public(out_pub, out_priv));
		return TCPINC_CORE_CRYPTO_OK;
	}
	if (kex == TCPINC_CORE_KEX_P256)
		return tcpinc_p256_keygen(out_priv, out_pub);
	if (kex == TCPINC_CORE_KEX_X448)
		return tcpinc_x448_keygen(out_priv, out_pub);
	return TCPINC_CORE_CRYPTO_EUNSUPP;
}

static int tcpinc_kex_validate(void *ctx, u8 kex, const u8 *pub, size_t len)
{
	u64 x[TCPINC_P256_DIGITS], y[TCPINC_P256_DIGITS];

	if (kex == TCPINC_CORE_KEX_X25519)
		/*
		 * Every 32-byte string is an X25519 public key (RFC 7748);
		 * low-order points give the all-zero result the core refuses.
		 */
		return len == CURVE25519_KEY_SIZE ? TCPINC_CORE_CRYPTO_OK :
						    TCPINC_CORE_CRYPTO_EBADKEY;
	if (kex == TCPINC_CORE_KEX_P256)
		return tcpinc_p256_decompress(pub, len, x, y) ? TCPINC_CORE_CRYPTO_EBADKEY :
								TCPINC_CORE_CRYPTO_OK;
	if (kex == TCPINC_CORE_KEX_X448)
		/* As X25519: any 56 bytes (RFC 7748 6.2); the core refuses a zero result. */
		return len == TCPINC_X448_BYTES ? TCPINC_CORE_CRYPTO_OK :
						  TCPINC_CORE_CRYPTO_EBADKEY;
	return TCPINC_CORE_CRYPTO_EUNSUPP;
}

static int tcpinc_kex_shared(void *ctx, u8 kex, const u8 *priv, const u8 *pub,
			     size_t len, u8 *out)
{
	if (kex == TCPINC_CORE_KEX_X25519) {
		if (len != CURVE25519_KEY_SIZE)
			return TCPINC_CORE_CRYPTO_EBADKEY;
		/*
		 * false means an all-zero result (low-order point): it is
		 * returned as is, the core names that abort.
		 */
		if (!curve25519(out, priv, pub))
			return TCPINC_CORE_CRYPTO_OK;
		return TCPINC_CORE_CRYPTO_OK;
	}
	if (kex == TCPINC_CORE_KEX_P256)
		return tcpinc_p256_shared(priv, pub, len, out);
	if (kex == TCPINC_CORE_KEX_X448) {
		if (len != TCPINC_X448_BYTES)
			return TCPINC_CORE_CRYPTO_EBADKEY;
		return tcpinc_x448_op(priv, pub, out);
	}
	return TCPINC_CORE_CRYPTO_EUNSUPP;
}

static int tcpinc_random_bytes(void *ctx, u8 *out, size_t len)
{
	get_random_bytes(out, len);
	return TCPINC_CORE_CRYPTO_OK;
}

static const struct tcpinc_core_crypto_ops tcpinc_crypto_table = {
	.ctx = NULL,
	.hmac_sha256 = tcpinc_hmac_sha256,
	.aead_new = tcpinc_aead_new,
	.aead_free = tcpinc_aead_free,
	.aead_seal = tcpinc_aead_seal,
	.aead_open = tcpinc_aead_open,
	.kex_keygen = tcpinc_kex_keygen,
	.kex_validate = tcpinc_kex_validate,
	.kex_shared = tcpinc_kex_shared,
	.random_bytes = tcpinc_random_bytes,
};

const struct tcpinc_core_crypto_ops *tcpinc_crypto_ops(void)
{
	return &tcpinc_crypto_table;
}

const char *tcpinc_crypto_gcm_impl(void)
{
	return tcpinc_gcm_pool.enabled ? "__generic-gcm-aesni (pooled), software fallback" :
					 "software (AES library + gf128mul_4k_lle)";
}

long tcpinc_crypto_live_aead(void)
{
	return atomic_long_read(&tcpinc_live_aead);
}

void tcpinc_crypto_test_soft_gcm(bool on)
{
	WRITE_ONCE(tcpinc_force_soft_gcm, on);
}

/* ---- init / exit ----------------------------------------------------------- */

static int tcpinc_p256_init(void)
{
	struct tcpinc_p256 *p = &tcpinc_p256;

	mutex_init(&p->lock);
	/*
	 * In 6.1 ecdh_generic's only module alias is "crypto-ecdh": the
	 * lookup of "ecdh-nist-p256" alone would not autoload it.
	 */
	request_module("crypto-ecdh");
	p->tfm = crypto_alloc_kpp("ecdh-nist-p256", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(p->tfm)) {
		pr_warn("tcpinc: no synchronous ecdh-nist-p256 (%ld): TEP 0x21 unavailable\n",
			PTR_ERR(p->tfm));
		p->tfm = NULL;
		return 0;
	}
	p->req = kpp_request_alloc(p->tfm, GFP_KERNEL);
	p->buf = kzalloc(3 * TCPINC_P256_BYTES, GFP_KERNEL);
	if (!p->req || !p->buf) {
		kpp_request_free(p->req);
		kfree(p->buf);
		crypto_free_kpp(p->tfm);
		p->tfm = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void tcpinc_p256_exit(void)
{
	struct tcpinc_p256 *p = &tcpinc_p256;

	if (!p->tfm)
		return;
	kpp_request_free(p->req);
	kfree_sensitive(p->buf);
	crypto_free_kpp(p->tfm);
	p->tfm = NULL;
}

/*
 * After tcpinc_x448_kpp_register(): allocate "curve448" exactly as any
 * other KPP. Failure only leaves TEP 0x24 unavailable (never offered).
 */
static void tcpinc_x448_kex_init(void)
{
	struct tcpinc_x448_kex *x = &tcpinc_x448_kex;
	struct crypto_kpp *tfm;

	mutex_init(&x->lock);
	tfm = crypto_alloc_kpp("curve448", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm)) {
		pr_warn("tcpinc: no synchronous curve448 KPP (%ld): TEP 0x24 unavailable\n",
			PTR_ERR(tfm));
		return;
	}
	x->req = kpp_request_alloc(tfm, GFP_KERNEL);
	x->buf = kzalloc(2 * TCPINC_X448_BYTES, GFP_KERNEL);
	if (!x->req || !x->buf) {
		pr_warn("tcpinc: no memory for the curve448 KPP: TEP 0x24 unavailable\n");
		kpp_request_free(x->req);
		kfree(x->buf);
		x->req = NULL;
		x->buf = NULL;
		crypto_free_kpp(tfm);
		return;
	}
	/*
	 * The tfm holds a reference on the module that registered the
	 * algorithm. When that is tcpinc.ko itself, the reference would keep
	 * it from ever being unloaded; it is dropped here and taken back in
	 * tcpinc_x448_kex_exit() just before crypto_free_kpp() puts it. The
	 * algorithm cannot go away in between: tcpinc unregisters it only
	 * after freeing this tfm.
	 */
	if (crypto_kpp_tfm(tfm)->__crt_alg->cra_module == THIS_MODULE) {
		module_put(THIS_MODULE);
		x->self_ref = true;
	}
	WRITE_ONCE(x->tfm, tfm);
}

static void tcpinc_x448_kex_exit(void)
{
	struct tcpinc_x448_kex *x = &tcpinc_x448_kex;

	if (!x->tfm)
		return;
	kpp_request_free(x->req);
	kfree_sensitive(x->buf);
	if (x->self_ref)
		__module_get(THIS_MODULE);	/* the reference crypto_free_kpp puts */
	x->self_ref = false;
	crypto_free_kpp(x->tfm);	/* the tfm context (secret) is freed sensitively */
	x->tfm = NULL;
	x->req = NULL;
	x->buf = NULL;
}

static void tcpinc_gcm_pool_init(void)
{
	struct tcpinc_gcm_pool *p = &tcpinc_gcm_pool;
	struct tcpinc_gcm_tfm *f;

	spin_lock_init(&p->lock);
	INIT_LIST_HEAD(&p->free);
	p->nfree = 0;
	INIT_WORK(&p->refill, tcpinc_gcm_pool_refill);
	f = tcpinc_gcm_tfm_alloc(GFP_KERNEL);
	if (!f) {
		pr_info("tcpinc: no AES-NI GCM, AES-GCM uses the software path\n");
		p->enabled = false;
		return;
	}
	p->enabled = true;
	list_add(&f->node, &p->free);
	p->nfree = 1;
	tcpinc_gcm_pool_refill(&p->refill);
}

static void tcpinc_gcm_pool_exit(void)
{
	struct tcpinc_gcm_pool *p = &tcpinc_gcm_pool;
	struct tcpinc_gcm_tfm *f, *tmp;

	p->enabled = false;
	cancel_work_sync(&p->refill);
	list_for_each_entry_safe(f, tmp, &p->free, node) {
		list_del(&f->node);
		tcpinc_gcm_tfm_free(f);
	}
	p->nfree = 0;
}

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
	WARN_ON_ONCE(atomic_long_read(&tcpinc_live_aead));
	tcpinc_x448_kex_exit();	/* drops its reference on the algorithm first */
	tcpinc_x448_kpp_unregister();
	tcpinc_gcm_pool_exit();
	tcpinc_p256_exit();
	crypto_free_shash(tcpinc_sha256);
	tcpinc_sha256 = NULL;
}
