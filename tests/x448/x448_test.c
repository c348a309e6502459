// SPDX-License-Identifier: GPL-2.0
/*
 * x448_test.c - crypto-glue/tcpinc_x448.c in userspace: RFC 7748 vectors
 * (section 5.2 single and iterated, section 6.2 Diffie-Hellman), refusal of
 * small-order points, clamping, non-canonical u, and agreement with
 * OpenSSL's X448 on random key pairs (seeded, so a failure reproduces).
 *
 *   x448_test [--pairs N] [--seed S] [--long]
 *
 * --long adds the 1,000,000-iteration vector (minutes: `make long`).
 * Ends with "N passed, N failed"; exit status 1 on any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "tcpinc_x448.h"
#include "x448_vectors.h"

#define KS TCPINC_X448_KEY_SIZE

static unsigned int n_pass, n_fail;

static int check(int ok, const char *name)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", name);
	if (ok)
		n_pass++;
	else
		n_fail++;
	return ok;
}

static void unhex(u8 *out, const char *hex)
{
	size_t i;

	for (i = 0; i < KS; i++) {
		unsigned int v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			abort();
		out[i] = (u8)v;
	}
}

static void puthex(const char *label, const u8 *b)
{
	int i;

	printf("  %s ", label);
	for (i = 0; i < KS; i++)
		printf("%02x", b[i]);
	printf("\n");
}

static int eq_hex(const u8 *b, const char *hex)
{
	u8 want[KS];

	unhex(want, hex);
	return !memcmp(b, want, KS);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* splitmix64: a seeded, reproducible source of test keys (not for keys!). */
static unsigned long long rng_state;

static unsigned long long rng_next(void)
{
	unsigned long long z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_bytes(u8 *b, size_t n)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(i % 8))
			v = rng_next();
		b[i] = (u8)(v >> (8 * (i % 8)));
	}
}

static void test_kat(void)
{
	u8 k[KS], u[KS], out[KS];
	char name[96];
	size_t i;

	for (i = 0; i < sizeof(x448_kat) / sizeof(x448_kat[0]); i++) {
		unhex(k, x448_kat[i].scalar);
		unhex(u, x448_kat[i].u);
		snprintf(name, sizeof(name), "%s", x448_kat[i].name);
		if (!check(tcpinc_x448(out, k, u) == 0 && eq_hex(out, x448_kat[i].out), name))
			puthex("got", out);
	}
}

/* k = u = 5; k, u = X448(k, u), k; checks after 1, 1000 (and 10^6). */
static void test_iterated(int long_run)
{
	u8 k[KS] = { 5 }, u[KS] = { 5 }, out[KS];
	unsigned long i, n = long_run ? 1000000 : 1000;
	int ok = 1;
	double t0 = now();

	for (i = 1; i <= n; i++) {
		ok &= tcpinc_x448(out, k, u) == 0;
		memcpy(u, k, KS);
		memcpy(k, out, KS);
		if (i == 1)
			check(ok && eq_hex(k, X448_ITER1), "rfc7748_5.2_iterated_1");
		if (i == 1000)
			check(ok && eq_hex(k, X448_ITER1000), "rfc7748_5.2_iterated_1000");
	}
	if (long_run) {
		check(ok && eq_hex(k, X448_ITER1000000), "rfc7748_5.2_iterated_1000000");
		printf("# 1,000,000 iterations: %.1f s\n", now() - t0);
	}
}

static void test_dh(void)
{
	u8 a[KS], b[KS], pa[KS], pb[KS], sa[KS], sb[KS];

	unhex(a, X448_ALICE_PRIV);
	unhex(b, X448_BOB_PRIV);
	check(tcpinc_x448_public(pa, a) == 0 && eq_hex(pa, X448_ALICE_PUB),
	      "rfc7748_6.2_alice_public");
	check(tcpinc_x448_public(pb, b) == 0 && eq_hex(pb, X448_BOB_PUB),
	      "rfc7748_6.2_bob_public");
	check(tcpinc_x448(sa, a, pb) == 0 && eq_hex(sa, X448_SHARED),
	      "rfc7748_6.2_alice_shared");
	check(tcpinc_x448(sb, b, pa) == 0 && eq_hex(sb, X448_SHARED),
	      "rfc7748_6.2_bob_shared");
}

static void test_small_order(void)
{
	u8 k[KS], u[KS], out[KS], zero[KS] = { 0 };
	char name[64];
	size_t i;
	int r;

	for (i = 0; i < sizeof(x448_small_order) / sizeof(x448_small_order[0]); i++) {
		rng_bytes(k, KS);
		unhex(u, x448_small_order[i]);
		memset(out, 0xaa, KS);
		r = tcpinc_x448(out, k, u);
		snprintf(name, sizeof(name), "small_order_u_%zu_refused", i);
		check(r == -EINVAL && !memcmp(out, zero, KS), name);
	}
}

/* Clamping is done on a copy; bits it clears or sets do not matter. */
static void test_clamp(void)
{
	u8 k[KS], k2[KS], saved[KS], u[KS], o1[KS], o2[KS];

	unhex(k, x448_kat[0].scalar);
	unhex(u, x448_kat[0].u);
	memcpy(k2, k, KS);
	k2[0] ^= 3;		/* the two bits clamping clears */
	k2[55] ^= 0x80;		/* the bit it sets */
	memcpy(saved, k2, KS);
	check(tcpinc_x448(o1, k, u) == 0 && tcpinc_x448(o2, k2, u) == 0 && !memcmp(o1, o2, KS),
	      "clamping_ignores_low_and_top_bits");
	check(!memcmp(k2, saved, KS), "scalar_input_not_modified");
}

/* u and u + p (both below 2^448) give the same result. */
static void test_noncanonical(void)
{
	u8 k[KS], u[KS], up[KS], o1[KS], o2[KS];
	unsigned int c = 0;
	int i, ok = 1, round;

	for (round = 0; round < 16; round++) {
		rng_bytes(k, KS);
		rng_bytes(u, KS);
		/* u < 2^224 + 1 so that u + p < 2^448 */
		memset(u + 28, 0, KS - 28);
		/* up = u + p, p = 2^448 - 2^224 - 1 (little endian bytes) */
		c = 0;
		for (i = 0; i < KS; i++) {
			unsigned int pb = i == 28 ? 0xfe : 0xff;

			c += u[i] + pb;
			up[i] = (u8)c;
			c >>= 8;
		}
		ok &= tcpinc_x448(o1, k, u) == tcpinc_x448(o2, k, up) && !memcmp(o1, o2, KS);
	}
	check(ok, "noncanonical_u_plus_p_equals_u");
}

static EVP_PKEY *ossl_priv(const u8 *k)
{
	return EVP_PKEY_new_raw_private_key(EVP_PKEY_X448, NULL, k, KS);
}

/* OpenSSL's X448(k, u); returns 0, or -1 if it refused (all-zero result). */
static int ossl_x448(u8 *out, const u8 *k, const u8 *u)
{
	EVP_PKEY *priv = ossl_priv(k);
	EVP_PKEY *peer = EVP_PKEY_new_raw_public_key(EVP_PKEY_X448, NULL, u, KS);
	EVP_PKEY_CTX *ctx = priv ? EVP_PKEY_CTX_new(priv, NULL) : NULL;
	size_t len = KS;
	int r = -1;

	if (ctx && peer && EVP_PKEY_derive_init(ctx) == 1 &&
	    EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1 &&
	    EVP_PKEY_derive(ctx, out, &len) == 1 && len == KS)
		r = 0;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(peer);
	EVP_PKEY_free(priv);
	return r;
}

static int ossl_public(u8 *pub, const u8 *k)
{
	EVP_PKEY *priv = ossl_priv(k);
	size_t len = KS;
	int r = priv && EVP_PKEY_get_raw_public_key(priv, pub, &len) == 1 && len == KS ? 0 : -1;

	EVP_PKEY_free(priv);
	return r;
}

/*
 * Per pair: A's public key (ours and OpenSSL's), B's public key (OpenSSL),
 * the shared secret X448(a, B) both ways; every 8th pair also X448(a, u)
 * for a random 56-byte u (any value, non-canonical ones included).
 */
static void test_openssl(unsigned long pairs, unsigned long long seed)
{
	u8 a[KS], b[KS], pa[KS], pa_o[KS], pb[KS], s[KS], s_o[KS], u[KS];
	unsigned long i, bad = 0, random_u = 0;
	char name[128];
	double t0 = now();

	rng_state = seed;
	for (i = 0; i < pairs; i++) {
		int ok;

		rng_bytes(a, KS);
		rng_bytes(b, KS);
		ok = tcpinc_x448_public(pa, a) == 0 && ossl_public(pa_o, a) == 0 &&
		     !memcmp(pa, pa_o, KS) && ossl_public(pb, b) == 0 &&
		     tcpinc_x448(s, a, pb) == 0 && ossl_x448(s_o, a, pb) == 0 &&
		     !memcmp(s, s_o, KS);
		if (ok && !(i % 8)) {
			int r1, r2;

			rng_bytes(u, KS);
			r1 = tcpinc_x448(s, a, u);
			r2 = ossl_x448(s_o, a, u);
			ok = (r1 == 0) == (r2 == 0) && (r1 != 0 || !memcmp(s, s_o, KS));
			random_u++;
		}
		if (!ok && bad++ < 5) {
			printf("  mismatch at pair %lu (seed %llu)\n", i, seed);
			puthex("a", a);
			puthex("b", b);
		}
	}
	snprintf(name, sizeof(name),
		 "openssl_agrees_on_%lu_random_pairs_and_%lu_random_u (seed %llu, %lu mismatches, %.1f s)",
		 pairs, random_u, seed, bad, now() - t0);
	check(bad == 0, name);
}

int main(int argc, char **argv)
{
	unsigned long pairs = 100000;
	unsigned long long seed = 448;
	int long_run = 0, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pairs") && i + 1 < argc)
			pairs = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--long"))
			long_run = 1;
		else {
			fprintf(stderr, "usage: %s [--pairs N] [--seed S] [--long]\n", argv[0]);
			return 2;
		}
	}
	rng_state = seed;
	test_kat();
	test_iterated(long_run);
	test_dh();
	test_small_order();
	test_clamp();
	test_noncanonical();
	if (pairs)
		test_openssl(pairs, seed);
	printf("%u passed, %u failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}
