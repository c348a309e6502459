// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypto_kex.c - the key exchanges of the crypto provider: X25519
 * (library), P-256 (KPP "ecdh-nist-p256" with point compression here) and
 * X448 (KPP "curve448"). Why these: tcpinc_crypto.c's header comment.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <crypto/algapi.h>
#include <crypto/curve25519.h>
#include <crypto/ecdh.h>
#include <crypto/internal/ecc.h>
#include <crypto/kpp.h>

#include "tcpinc_crypto.h"
#include "tcpinc_crypto_int.h"
#include "tcpinc_x448.h"

#define TCPINC_P256_DIGITS	ECC_CURVE_NIST_P256_DIGITS
#define TCPINC_P256_BYTES	32

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

int tcpinc_kex_keygen(void *ctx, u8 kex, u8 *out_priv, u8 *out_pub)
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

int tcpinc_kex_validate(void *ctx, u8 kex, const u8 *pub, size_t len)
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

int tcpinc_kex_shared(void *ctx, u8 kex, const u8 *priv, const u8 *pub,
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

/* ---- init / exit ----------------------------------------------------------- */

int tcpinc_p256_init(void)
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

void tcpinc_p256_exit(void)
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
void tcpinc_x448_kex_init(void)
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

void tcpinc_x448_kex_exit(void)
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
