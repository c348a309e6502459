// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypto_aead.c - the AEADs of the crypto provider: AES-GCM (AES-NI
 * from a pool of transforms, else software) and ChaCha20-Poly1305 on the
 * libraries. Why these: tcpinc_crypto.c's header comment.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
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
#include <crypto/gf128mul.h>
#include <crypto/internal/simd.h>
#include <crypto/poly1305.h>

#include "tcpinc_crypto.h"
#include "tcpinc_crypto_int.h"

#define TCPINC_TAG_LEN		TCPINC_CORE_AEAD_TAG_LEN
#define TCPINC_NONCE_LEN	TCPINC_CORE_AEAD_NONCE_LEN

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
			/* bytes through the software path, up to TCPINC_GHASH_TABLE_AFTER */
			u32 soft_bytes;
		} gcm;
		u32 chacha_key[CHACHA_KEY_SIZE / 4];
	};
};

static atomic_long_t tcpinc_live_aead = ATOMIC_LONG_INIT(0);
/*
 * Handles come from their own cache: a struct tcpinc_aead is a little over
 * 512 bytes, which kmalloc would round up to 1 KiB, and every encrypted
 * connection holds two per end. NULL (no cache at init): kmalloc.
 */
static struct kmem_cache *tcpinc_aead_cache;
static bool tcpinc_force_soft_gcm;

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

/*
 * The table is built only once a key has carried this many bytes on the
 * software path: a bulk transfer gets the fast multiplication after its
 * first few frames, while the many connections that stay idle or carry
 * little do not hold 4 KiB per key (two keys per end) for their whole life.
 */
#define TCPINC_GHASH_TABLE_AFTER	(64 * 1024)

static void tcpinc_gcm_soft_account(struct tcpinc_aead *a, size_t len)
{
	if (a->gcm.h4k || a->gcm.soft_bytes >= TCPINC_GHASH_TABLE_AFTER)
		return;
	a->gcm.soft_bytes += min_t(size_t, len, TCPINC_GHASH_TABLE_AFTER);
	if (a->gcm.soft_bytes >= TCPINC_GHASH_TABLE_AFTER)
		a->gcm.h4k = tcpinc_ghash_table(&a->gcm.h);
}

/*
 * Until a key has its 4 KiB table, each tag builds a 16-entry one on the
 * stack: H times each 4-bit value, so that a multiplication is 32 nibble
 * steps instead of gf128mul_lle's 128 bit tests. A small frame's tag
 * takes three multiplications (AD, data, lengths): the whole tag went
 * from about 4,100 to 2,900 guest instructions, table set-up included
 * (make bench-vm BENCHES=conn-trace ICOUNT=1). Words are host-order
 * loads of the big-endian halves, so GHASH's x^0 is the top bit of hi.
 */
struct tcpinc_ghash4 {
	u64 hi[16], lo[16];
};

/*
 * What x^124..x^127, the four bits a shift by x^4 pushes out of lo (x^127
 * is bit 0), come back as: x^(124+k) * x^4 = x^k * x^128, and x^128 is
 * x^7 + x^2 + x + 1, GHASH's 0xe1 in the top byte. Bit j of the index
 * (x^(127-j)) contributes 0xe1 << 56 shifted right by 3 - j.
 */
static const u64 tcpinc_ghash4_reduce[16] = {
#define TCPINC_R(d) ((((d) & 1) ? 0x1c20ULL << 48 : 0) ^ (((d) & 2) ? 0x3840ULL << 48 : 0) ^ \
		     (((d) & 4) ? 0x7080ULL << 48 : 0) ^ (((d) & 8) ? 0xe100ULL << 48 : 0))
	TCPINC_R(0), TCPINC_R(1), TCPINC_R(2), TCPINC_R(3), TCPINC_R(4), TCPINC_R(5),
	TCPINC_R(6), TCPINC_R(7), TCPINC_R(8), TCPINC_R(9), TCPINC_R(10), TCPINC_R(11),
	TCPINC_R(12), TCPINC_R(13), TCPINC_R(14), TCPINC_R(15),
#undef TCPINC_R
};

static void tcpinc_ghash4_init(struct tcpinc_ghash4 *t, const be128 *h)
{
	unsigned int i, low;

	/* A nibble's top bit (8) is x^0, as a byte's 0x80 is. */
	t->hi[0] = 0;
	t->lo[0] = 0;
	t->hi[8] = be64_to_cpu(h->a);
	t->lo[8] = be64_to_cpu(h->b);
	for (i = 4; i; i >>= 1) {	/* times x: one bit towards x^127 */
		u64 hi = t->hi[i << 1], lo = t->lo[i << 1];

		t->lo[i] = (lo >> 1) | (hi << 63);
		t->hi[i] = (hi >> 1) ^ ((0 - (lo & 1)) & (0xe1ULL << 56));
	}
	for (i = 1; i < 16; i++) {
		low = i & -i;
		if (i != low) {
			t->hi[i] = t->hi[i ^ low] ^ t->hi[low];
			t->lo[i] = t->lo[i ^ low] ^ t->lo[low];
		}
	}
}

/* x = x * H: Horner's rule from x^127 down, four coefficients a step. */
static void tcpinc_ghash4_mul(be128 *x, const struct tcpinc_ghash4 *t)
{
	const u8 *p = (const u8 *)x;
	u64 hi = 0, lo = 0, out;
	int i, half;

	for (i = 15; i >= 0; i--) {
		for (half = 0; half < 2; half++) {
			unsigned int n = half ? p[i] >> 4 : p[i] & 0xf;

			out = lo & 0xf;
			lo = (lo >> 4) | (hi << 60);
			hi = (hi >> 4) ^ tcpinc_ghash4_reduce[out];
			hi ^= t->hi[n];
			lo ^= t->lo[n];
		}
	}
	x->a = cpu_to_be64(hi);
	x->b = cpu_to_be64(lo);
}

static void tcpinc_ghash(be128 *x, const struct tcpinc_aead *a, const struct tcpinc_ghash4 *t4,
			 const u8 *p, size_t len)
{
	while (len) {
		size_t n = min_t(size_t, len, 16);

		/* A short last block is zero padded: xor only n bytes. */
		crypto_xor((u8 *)x, p, n);
		if (a->gcm.h4k)
			gf128mul_4k_lle(x, a->gcm.h4k);
		else
			tcpinc_ghash4_mul(x, t4);
		p += n;
		len -= n;
	}
}

static void tcpinc_gcm_soft_tag(const struct tcpinc_aead *a, const u8 *nonce,
				const u8 *ad, size_t ad_len, const u8 *ct,
				size_t ct_len, u8 *tag)
{
	struct tcpinc_ghash4 t4;
	be128 x = {}, lens;
	u8 j0[AES_BLOCK_SIZE];

	if (!a->gcm.h4k)
		tcpinc_ghash4_init(&t4, &a->gcm.h);
	tcpinc_ghash(&x, a, &t4, ad, ad_len);
	tcpinc_ghash(&x, a, &t4, ct, ct_len);
	lens.a = cpu_to_be64((u64)ad_len * 8);
	lens.b = cpu_to_be64((u64)ct_len * 8);
	tcpinc_ghash(&x, a, &t4, (const u8 *)&lens, sizeof(lens));
	memcpy(j0, nonce, TCPINC_NONCE_LEN);
	put_unaligned_be32(1, j0 + TCPINC_NONCE_LEN);
	aes_encrypt(&a->gcm.aes, tag, j0);
	crypto_xor(tag, (const u8 *)&x, TCPINC_TAG_LEN);
	memzero_explicit(&x, sizeof(x));
	/* H's multiples are key material. */
	if (!a->gcm.h4k)
		memzero_explicit(&t4, sizeof(t4));
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

/* The handle's memory, wiped: it holds the key schedule. */
static void tcpinc_aead_release(struct tcpinc_aead *a)
{
	if (!tcpinc_aead_cache) {
		kfree_sensitive(a);
		return;
	}
	memzero_explicit(a, sizeof(*a));
	kmem_cache_free(tcpinc_aead_cache, a);
}

int tcpinc_aead_new(void *ctx, u16 id, const u8 *key, size_t key_len, void **out)
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
	a = tcpinc_aead_cache ? kmem_cache_zalloc(tcpinc_aead_cache, GFP_ATOMIC) :
				kzalloc(sizeof(*a), GFP_ATOMIC);
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
		/* Without AES-NI the GHASH table comes with use: tcpinc_gcm_soft_account(). */
	}
	atomic_long_inc(&tcpinc_live_aead);
	*out = a;
	return TCPINC_CORE_CRYPTO_OK;
err:
	tcpinc_aead_release(a);
	return TCPINC_CORE_CRYPTO_ERR;
}

void tcpinc_aead_free(void *ctx, void *handle)
{
	struct tcpinc_aead *a = handle;

	if (!a)
		return;
	if (a->fast)
		tcpinc_gcm_pool_put(a->fast);
	if (a->id != TCPINC_CORE_AEAD_CHACHA20_POLY1305)
		kfree_sensitive(a->gcm.h4k);	/* H's multiples are key material */
	tcpinc_aead_release(a);
	atomic_long_dec(&tcpinc_live_aead);
}

int tcpinc_aead_seal(void *ctx, void *handle, const u8 *nonce,
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
	tcpinc_gcm_soft_account(a, len);
	tcpinc_gcm_soft_ctr(a, nonce, out, out, len);
	tcpinc_gcm_soft_tag(a, nonce, ad, ad_len, out, len, out + len);
	return TCPINC_CORE_CRYPTO_OK;
}

/*
 * Opens len bytes of ciphertext at in, with the received tag at tag_in,
 * into out (which may equal in).
 */
static int tcpinc_aead_open_at(struct tcpinc_aead *a, const u8 *nonce, const u8 *ad,
			       size_t ad_len, const u8 *in, size_t len, const u8 *tag_in, u8 *out)
{
	struct poly1305_desc_ctx poly;
	u32 state[CHACHA_STATE_WORDS];
	u8 tag[TCPINC_TAG_LEN];
	int err;

	if (a->id == TCPINC_CORE_AEAD_CHACHA20_POLY1305) {
		/* Authenticate first: no plaintext is produced on failure. */
		tcpinc_chacha_start(a, nonce, state, &poly);
		tcpinc_chacha_tag(&poly, ad, ad_len, in, len, tag);
		if (crypto_memneq(tag, tag_in, TCPINC_TAG_LEN)) {
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
		memcpy(tag, tag_in, TCPINC_TAG_LEN);
		if (out != in)
			memmove(out, in, len);
		err = tcpinc_gcm_fast(a, false, nonce, ad, ad_len, out, len, tag);
		err = !err ? TCPINC_CORE_CRYPTO_OK :
		      err == -EBADMSG ? TCPINC_CORE_CRYPTO_EAUTH : TCPINC_CORE_CRYPTO_ERR;
		goto out;
	}
	tcpinc_gcm_soft_account(a, len);
	tcpinc_gcm_soft_tag(a, nonce, ad, ad_len, in, len, tag);
	if (crypto_memneq(tag, tag_in, TCPINC_TAG_LEN)) {
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

int tcpinc_aead_open(void *ctx, void *handle, const u8 *nonce,
		     const u8 *ad, size_t ad_len,
		     const u8 *in, size_t in_len, u8 *out)
{
	if (in_len < TCPINC_TAG_LEN)
		return TCPINC_CORE_CRYPTO_EAUTH;
	return tcpinc_aead_open_at(handle, nonce, ad, ad_len, in, in_len - TCPINC_TAG_LEN,
				   in + in_len - TCPINC_TAG_LEN, out);
}

/*
 * A frame spread over an skb's pieces: each ciphertext byte is read where
 * it lies and written once, to its place in out, where it is then opened in
 * place (every AEAD path here works on one contiguous buffer: the AES
 * library, GHASH, ChaCha20's block counter and AES-NI's in-place request);
 * the tag, which may itself be cut, goes to a linear copy. No buffer of the
 * frame's size is needed.
 */
int tcpinc_aead_open_segs(void *ctx, void *handle, const u8 *nonce,
			  const u8 *ad, size_t ad_len,
			  const struct tcpinc_core_seg *in, size_t nin, u8 *out)
{
	size_t total = tcpinc_segs_len(in, nin), len, pos = 0, i;
	u8 tag[TCPINC_TAG_LEN];
	int err;

	if (total < TCPINC_TAG_LEN)
		return TCPINC_CORE_CRYPTO_EAUTH;
	len = total - TCPINC_TAG_LEN;
	for (i = 0; i < nin; i++) {
		size_t n = in[i].len, c = pos < len ? min(n, len - pos) : 0;

		memcpy(out + pos, in[i].data, c);
		if (n > c)	/* the rest of this piece is tag: pos + c >= len */
			memcpy(tag + (pos + c - len), in[i].data + c, n - c);
		pos += n;
	}
	err = tcpinc_aead_open_at(handle, nonce, ad, ad_len, out, len, tag, out);
	memzero_explicit(tag, sizeof(tag));
	return err;
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

void tcpinc_gcm_pool_init(void)
{
	struct tcpinc_gcm_pool *p = &tcpinc_gcm_pool;
	struct tcpinc_gcm_tfm *f;

	tcpinc_aead_cache = kmem_cache_create("tcpinc_aead", sizeof(struct tcpinc_aead), 0, 0, NULL);
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

void tcpinc_gcm_pool_exit(void)
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
	kmem_cache_destroy(tcpinc_aead_cache);	/* NULL is fine */
	tcpinc_aead_cache = NULL;
}
