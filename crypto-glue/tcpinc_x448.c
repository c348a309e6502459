// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_x448.c - X448 (RFC 7748 section 5) in constant time, written from
 * the RFC. Used by tcpinc.ko through the KPP algorithm "curve448"
 * (tcpinc_x448_kpp.c) and compiled unchanged in userspace by tests/x448/.
 *
 * Field GF(p), p = 2^448 - 2^224 - 1: eight unsigned 64-bit limbs of radix
 * 2^56 (a = sum a[i] 2^(56 i)), products in unsigned __int128. Since
 * 2^448 = 2^224 + 1 (mod p), a column k >= 8 of a product folds into
 * columns k - 8 and k - 4: the reduction is adds and shifts only.
 *
 * Bounds: every fe_* function accepts limbs < 2^57 and returns limbs
 * < 2^56 + 2^10 ("weakly reduced"; the value is not canonical). Then a
 * product column is < 8 * 2^114 = 2^117 and a folded one < 4 * 2^117 =
 * 2^119, inside 128 bits; and 2p's limbs (2^57 - 2, 2^57 - 4 for limb 4)
 * exceed every limb a function returns, so a - b is computed as
 * a + 2p - b without going negative. tests/x448/fe_bounds checks the
 * functions at these limits against Python integers. Only fe_tobytes()
 * makes the value canonical (< p).
 *
 * Constant time: no branch and no memory index depends on the scalar, the
 * u-coordinate or anything computed from them. The ladder's conditional
 * swap is a mask; the loop count (448) and the exponent of the inversion
 * (p - 2, an addition chain) are fixed; the final reduction selects with a
 * mask from the borrow; the all-zero test ORs every byte and turns the
 * result into the return value arithmetically. tests/x448 checks this on
 * the compiled code with valgrind (the secret marked undefined), and checks
 * that the check fails on a deliberately branchy build
 * (-DX448_CT_SELFTEST_BRANCH, never used in the module).
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
/* glibc's explicit_bzero is the userspace memzero_explicit. */
#define memzero_explicit(p, n) explicit_bzero((p), (n))
#endif

#include "tcpinc_x448.h"

#ifndef __SIZEOF_INT128__
#error "tcpinc_x448.c needs unsigned __int128 (64-bit targets)"
#endif

typedef unsigned __int128 x448_u128;

/*
 * The limb loops have fixed trip counts; fully unrolled, the 128-bit
 * columns stay in registers. Without this, -O2 (the kernel's level) keeps
 * them in memory and X448 is 2.4 times slower (measured in userspace).
 * Unrolling changes no control flow that depends on data.
 */
#define X448_UNROLL _Pragma("GCC unroll 16")

/*
 * The inversion (eleven chain values) and the output reduction are called
 * once per X448: kept out of tcpinc_x448()'s frame, which with KASAN's stack
 * redzones (the debug kernel's KUnit build) would otherwise exceed 2048
 * bytes (3376 measured with userspace ASan).
 */
#define X448_NOINLINE __attribute__((__noinline__))

#define X448_MASK56 ((((u64)1) << 56) - 1)

/* A field element: value sum l[i] 2^(56 i), every limb < 2^57. */
struct x448_fe {
	u64 l[8];
};

/* a24 = (156326 - 2) / 4, RFC 7748 section 5. */
#define X448_A24 39081

/*
 * Carry the 128-bit columns c[0..7] of a reduced product into r. The top
 * carry t (bits above 2^448) folds back as t * (2^224 + 1): into limbs 0
 * and 4. One more carry out of those two limbs brings every limb under
 * 2^57 (limbs 1 and 5 may exceed 2^56 by at most 2^10).
 */
static inline void x448_carry_cols(struct x448_fe *r, x448_u128 *c)
{
	x448_u128 t;
	int i;

	X448_UNROLL
	for (i = 0; i < 7; i++) {
		c[i + 1] += c[i] >> 56;
		c[i] &= X448_MASK56;
	}
	t = c[7] >> 56;
	c[7] &= X448_MASK56;
	c[0] += t;
	c[4] += t;
	c[1] += c[0] >> 56;
	c[0] &= X448_MASK56;
	c[5] += c[4] >> 56;
	c[4] &= X448_MASK56;
	X448_UNROLL
	for (i = 0; i < 8; i++)
		r->l[i] = (u64)c[i];
}

/* Strict carry (no folding): limbs < 2^56, returns the carry out of 2^448. */
static inline u64 x448_carry_strict(struct x448_fe *a)
{
	u64 t;
	int i;

	X448_UNROLL
	for (i = 0; i < 7; i++) {
		a->l[i + 1] += a->l[i] >> 56;
		a->l[i] &= X448_MASK56;
	}
	t = a->l[7] >> 56;
	a->l[7] &= X448_MASK56;
	return t;
}

/*
 * Carry limbs < 2^63 back under 2^57: the strict carry, then the carry out
 * of 2^448 folded back in (same folding of the top carry).
 */
static inline void x448_fe_carry(struct x448_fe *a)
{
	u64 t = x448_carry_strict(a);

	a->l[0] += t;
	a->l[4] += t;
}

static inline void x448_fe_add(struct x448_fe *r, const struct x448_fe *a,
			       const struct x448_fe *b)
{
	int i;

	X448_UNROLL
	for (i = 0; i < 8; i++)
		r->l[i] = a->l[i] + b->l[i];
	x448_fe_carry(r);
}

/*
 * r = a - b as a + 2p - b. 2p's limbs: 2^57 - 2, except limb 4 (the
 * -2^224 of p lives there): 2^57 - 4. Each exceeds b's limb (< 2^56 + 2^10
 * after any fe_* function, see x448_carry_cols), so no limb goes negative.
 */
static inline void x448_fe_sub(struct x448_fe *r, const struct x448_fe *a,
			       const struct x448_fe *b)
{
	const u64 two_p = 2 * X448_MASK56;	/* 2^57 - 2 */
	int i;

	X448_UNROLL
	for (i = 0; i < 8; i++)
		r->l[i] = a->l[i] + two_p - b->l[i];
	r->l[4] -= 2;
	x448_fe_carry(r);
}

/*
 * Fold columns 8..14 of a 15-column product: 2^(56 k) = 2^(56 (k-8)) *
 * (2^224 + 1) = 2^(56 (k-4)) + 2^(56 (k-8)) (mod p). From the top down, so
 * that columns 12..14, which land on 8..10, are folded again.
 */
static inline void x448_fold(x448_u128 *c)
{
	int k;

	X448_UNROLL
	for (k = 14; k >= 8; k--) {
		c[k - 4] += c[k];
		c[k - 8] += c[k];
	}
}

static void x448_fe_mul(struct x448_fe *r, const struct x448_fe *a,
			const struct x448_fe *b)
{
	x448_u128 c[15] = { 0 };
	int i, j;

	X448_UNROLL
	for (i = 0; i < 8; i++)
		X448_UNROLL
		for (j = 0; j < 8; j++)
			c[i + j] += (x448_u128)a->l[i] * b->l[j];
	x448_fold(c);
	x448_carry_cols(r, c);
}

/* Squaring: the cross products once, doubled (a limb doubled is < 2^58). */
static void x448_fe_sqr(struct x448_fe *r, const struct x448_fe *a)
{
	x448_u128 c[15] = { 0 };
	int i, j;

	X448_UNROLL
	for (i = 0; i < 8; i++) {
		u64 d = 2 * a->l[i];

		c[2 * i] += (x448_u128)a->l[i] * a->l[i];
		X448_UNROLL
		for (j = i + 1; j < 8; j++)
			c[i + j] += (x448_u128)d * a->l[j];
	}
	x448_fold(c);
	x448_carry_cols(r, c);
}

/* r = a^(2^n), n >= 1 (n is public). */
static void x448_fe_sqr_n(struct x448_fe *r, const struct x448_fe *a, int n)
{
	x448_fe_sqr(r, a);
	while (--n > 0)
		x448_fe_sqr(r, r);
}

/* r = a * X448_A24 (a small constant: no column exceeds 2^73). */
static X448_NOINLINE void x448_fe_mul_a24(struct x448_fe *r, const struct x448_fe *a)
{
	x448_u128 c[8];
	int i;

	X448_UNROLL
	for (i = 0; i < 8; i++)
		c[i] = (x448_u128)a->l[i] * X448_A24;
	x448_carry_cols(r, c);
}

/* Swap a and b when mask is all ones, leave them when it is zero. */
static inline void x448_fe_cswap(struct x448_fe *a, struct x448_fe *b, u64 mask)
{
	int i;

	X448_UNROLL
	for (i = 0; i < 8; i++) {
		u64 t = mask & (a->l[i] ^ b->l[i]);

		a->l[i] ^= t;
		b->l[i] ^= t;
	}
}

/*
 * r = a^(p-2) = 1/a (0 for a = 0). p - 2 = 2^448 - 2^224 - 3 is, from the
 * top: 223 ones, a zero, 222 ones, a zero, a one. With e_k = a^(2^k - 1):
 * e_223, one squaring, 222 squarings times e_222, two squarings times a.
 * 447 squarings and 13 multiplications, the same for every a.
 */
static X448_NOINLINE void x448_fe_invert(struct x448_fe *r, const struct x448_fe *a)
{
	struct x448_fe e2, e3, e6, e12, e24, e30, e48, e96, e192, e222, t;

	x448_fe_sqr(&t, a);
	x448_fe_mul(&e2, &t, a);		/* 2^2 - 1 */
	x448_fe_sqr(&t, &e2);
	x448_fe_mul(&e3, &t, a);		/* 2^3 - 1 */
	x448_fe_sqr_n(&t, &e3, 3);
	x448_fe_mul(&e6, &t, &e3);		/* 2^6 - 1 */
	x448_fe_sqr_n(&t, &e6, 6);
	x448_fe_mul(&e12, &t, &e6);		/* 2^12 - 1 */
	x448_fe_sqr_n(&t, &e12, 12);
	x448_fe_mul(&e24, &t, &e12);		/* 2^24 - 1 */
	x448_fe_sqr_n(&t, &e24, 6);
	x448_fe_mul(&e30, &t, &e6);		/* 2^30 - 1 */
	x448_fe_sqr_n(&t, &e24, 24);
	x448_fe_mul(&e48, &t, &e24);		/* 2^48 - 1 */
	x448_fe_sqr_n(&t, &e48, 48);
	x448_fe_mul(&e96, &t, &e48);		/* 2^96 - 1 */
	x448_fe_sqr_n(&t, &e96, 96);
	x448_fe_mul(&e192, &t, &e96);		/* 2^192 - 1 */
	x448_fe_sqr_n(&t, &e192, 30);
	x448_fe_mul(&e222, &t, &e30);		/* 2^222 - 1 */
	x448_fe_sqr(&t, &e222);
	x448_fe_mul(&t, &t, a);			/* 2^223 - 1 */
	x448_fe_sqr(&t, &t);			/* ...0 */
	x448_fe_sqr_n(&t, &t, 222);
	x448_fe_mul(&t, &t, &e222);		/* ...0, 222 ones */
	x448_fe_sqr_n(&t, &t, 2);
	x448_fe_mul(r, &t, a);			/* ...0, 1 */
	memzero_explicit(&e2, sizeof(e2));
	memzero_explicit(&e3, sizeof(e3));
	memzero_explicit(&e6, sizeof(e6));
	memzero_explicit(&e12, sizeof(e12));
	memzero_explicit(&e24, sizeof(e24));
	memzero_explicit(&e30, sizeof(e30));
	memzero_explicit(&e48, sizeof(e48));
	memzero_explicit(&e96, sizeof(e96));
	memzero_explicit(&e192, sizeof(e192));
	memzero_explicit(&e222, sizeof(e222));
	memzero_explicit(&t, sizeof(t));
}

/*
 * RFC 7748 decodeUCoordinate for X448: all 448 bits, little endian, no
 * masking; values >= p are accepted and reduced by the arithmetic.
 */
static void x448_fe_frombytes(struct x448_fe *r, const u8 *b)
{
	int i, j;

	X448_UNROLL
	for (i = 0; i < 8; i++) {
		u64 v = 0;

		X448_UNROLL
		for (j = 0; j < 7; j++)
			v |= (u64)b[7 * i + j] << (8 * j);
		r->l[i] = v;
	}
}

/*
 * RFC 7748 encodeUCoordinate: the canonical value (< p), little endian.
 * Three strict carries with the top carry h folded back as h (2^224 + 1):
 * after the first, value L + h 2^448 with L < 2^448 and h < 4; after the
 * second fold, either no carry or a remainder below 2^227; the third only
 * moves a possible carry out of limb 0. The result W < 2^448 < 2p; W - p
 * is taken when it does not borrow, chosen by mask.
 */
static X448_NOINLINE void x448_fe_tobytes(u8 *out, const struct x448_fe *a)
{
	struct x448_fe w = *a, d;
	u64 h, borrow = 0, keep;
	int i, j;

	h = x448_carry_strict(&w);
	w.l[0] += h;
	w.l[4] += h;
	h = x448_carry_strict(&w);
	w.l[0] += h;
	w.l[4] += h;
	x448_carry_strict(&w);

	X448_UNROLL
	for (i = 0; i < 8; i++) {
		/* p's limbs: 2^56 - 1, limb 4: 2^56 - 2. */
		u64 pl = X448_MASK56 - (i == 4);
		u64 s = w.l[i] - pl - borrow;

		borrow = s >> 63;
		d.l[i] = s & X448_MASK56;
	}
	/* borrow = 1: W < p, keep W; borrow = 0: W >= p, take W - p. */
	keep = 0 - borrow;
	X448_UNROLL
	for (i = 0; i < 8; i++) {
		u64 v = (w.l[i] & keep) | (d.l[i] & ~keep);

		X448_UNROLL
		for (j = 0; j < 7; j++)
			out[7 * i + j] = (u8)(v >> (8 * j));
	}
	memzero_explicit(&w, sizeof(w));
	memzero_explicit(&d, sizeof(d));
}

#ifdef X448_CT_SELFTEST_BRANCH
/*
 * Userspace only (tests/x448, ct-branchy): a ladder swap that branches on
 * the scalar bit, the mistake the valgrind check must catch. Never built
 * into any module (the kernel build does not define this).
 */
static void __attribute__((noinline))
x448_fe_swap_branchy(struct x448_fe *a, struct x448_fe *b, u64 swap)
{
	if (swap) {
		struct x448_fe t = *a;

		*a = *b;
		*b = t;
	}
}
#endif

/* State of the Montgomery ladder: one struct, so that one wipe covers it. */
struct x448_ladder {
	u8 k[TCPINC_X448_KEY_SIZE];
	struct x448_fe x1, x2, z2, x3, z3;
	struct x448_fe a, aa, b, bb, e, c, d, da, cb, t;
};

/*
 * RFC 7748 section 5 ladder, as written there: 448 rounds from bit 447,
 * swapping (x2, z2) and (x3, z3) by mask whenever the scalar bit changes.
 */
int tcpinc_x448(u8 *out, const u8 *scalar, const u8 *u)
{
	struct x448_ladder s;
	u64 swap = 0, bit;
	u32 acc = 0;
	int i;

	/* decodeScalar448: clear the two low bits, set the top one. */
	memcpy(s.k, scalar, TCPINC_X448_KEY_SIZE);
	s.k[0] &= 252;
	s.k[55] |= 128;

	x448_fe_frombytes(&s.x1, u);
	memset(&s.x2, 0, sizeof(s.x2));
	s.x2.l[0] = 1;
	memset(&s.z2, 0, sizeof(s.z2));
	s.x3 = s.x1;
	memset(&s.z3, 0, sizeof(s.z3));
	s.z3.l[0] = 1;

	for (i = 447; i >= 0; i--) {
		/* i is public: the byte index does not depend on the scalar. */
		bit = (s.k[i >> 3] >> (i & 7)) & 1;
		swap ^= bit;
#ifdef X448_CT_SELFTEST_BRANCH
		x448_fe_swap_branchy(&s.x2, &s.x3, swap);
		x448_fe_swap_branchy(&s.z2, &s.z3, swap);
#else
		x448_fe_cswap(&s.x2, &s.x3, 0 - swap);
		x448_fe_cswap(&s.z2, &s.z3, 0 - swap);
#endif
		swap = bit;

		x448_fe_add(&s.a, &s.x2, &s.z2);	/* A = x2 + z2 */
		x448_fe_sqr(&s.aa, &s.a);		/* AA = A^2 */
		x448_fe_sub(&s.b, &s.x2, &s.z2);	/* B = x2 - z2 */
		x448_fe_sqr(&s.bb, &s.b);		/* BB = B^2 */
		x448_fe_sub(&s.e, &s.aa, &s.bb);	/* E = AA - BB */
		x448_fe_add(&s.c, &s.x3, &s.z3);	/* C = x3 + z3 */
		x448_fe_sub(&s.d, &s.x3, &s.z3);	/* D = x3 - z3 */
		x448_fe_mul(&s.da, &s.d, &s.a);		/* DA = D * A */
		x448_fe_mul(&s.cb, &s.c, &s.b);		/* CB = C * B */
		x448_fe_add(&s.t, &s.da, &s.cb);
		x448_fe_sqr(&s.x3, &s.t);		/* x3 = (DA + CB)^2 */
		x448_fe_sub(&s.t, &s.da, &s.cb);
		x448_fe_sqr(&s.t, &s.t);
		x448_fe_mul(&s.z3, &s.x1, &s.t);	/* z3 = x1 * (DA - CB)^2 */
		x448_fe_mul(&s.x2, &s.aa, &s.bb);	/* x2 = AA * BB */
		x448_fe_mul_a24(&s.t, &s.e);
		x448_fe_add(&s.t, &s.aa, &s.t);
		x448_fe_mul(&s.z2, &s.e, &s.t);		/* z2 = E * (AA + a24 * E) */
	}
#ifdef X448_CT_SELFTEST_BRANCH
	x448_fe_swap_branchy(&s.x2, &s.x3, swap);
	x448_fe_swap_branchy(&s.z2, &s.z3, swap);
#else
	x448_fe_cswap(&s.x2, &s.x3, 0 - swap);
	x448_fe_cswap(&s.z2, &s.z3, 0 - swap);
#endif

	/* x2 * z2^(p-2): z2 = 0 (small-order u) gives 0, rejected below. */
	x448_fe_invert(&s.t, &s.z2);
	x448_fe_mul(&s.t, &s.x2, &s.t);
	x448_fe_tobytes(out, &s.t);
	memzero_explicit(&s, sizeof(s));

	/*
	 * RFC 7748 section 6.2: an all-zero result must be refused. acc is 0
	 * only then; (acc - 1) >> 31 is 1 exactly for acc = 0 (acc <= 255), so
	 * the answer is computed, not branched on. Whether the result was zero
	 * is public (the caller fails the exchange); its bytes are not.
	 */
	for (i = 0; i < TCPINC_X448_KEY_SIZE; i++)
		acc |= out[i];
	return -(int)(((acc - 1) >> 31) * EINVAL);
}

int tcpinc_x448_public(u8 *pub, const u8 *scalar)
{
	static const u8 base[TCPINC_X448_KEY_SIZE] = { 5 };

	return tcpinc_x448(pub, scalar, base);
}
