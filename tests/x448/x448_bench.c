// SPDX-License-Identifier: GPL-2.0
/*
 * x448_bench.c - keygen + shared secret per second in userspace: X448 of
 * crypto-glue/tcpinc_x448.c, and OpenSSL's X448 and X25519 for scale.
 * Printed, never asserted (the machine is shared: figures move with load).
 *
 * One operation = generate a key pair (random scalar, public key) and
 * compute the shared secret with a fixed peer public key: what one side of
 * a tcpcrypt handshake does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "tcpinc_x448.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double bench_ours(double secs)
{
	u8 k[56], pub[56], peer[56], out[56], pk[56];
	unsigned long n = 0;
	double t0, t;

	RAND_bytes(pk, sizeof(pk));
	tcpinc_x448_public(peer, pk);
	t0 = now();
	do {
		RAND_bytes(k, sizeof(k));
		if (tcpinc_x448_public(pub, k) || tcpinc_x448(out, k, peer))
			abort();
		n++;
	} while ((t = now() - t0) < secs);
	return n / t;
}

static double bench_openssl(int type, double secs)
{
	EVP_PKEY_CTX *gctx = EVP_PKEY_CTX_new_id(type, NULL);
	EVP_PKEY *peer = NULL;
	unsigned long n = 0;
	u8 out[56];
	double t0, t;

	if (!gctx || EVP_PKEY_keygen_init(gctx) != 1 || EVP_PKEY_keygen(gctx, &peer) != 1)
		abort();
	t0 = now();
	do {
		EVP_PKEY *key = NULL;
		EVP_PKEY_CTX *dctx;
		size_t len = sizeof(out);

		if (EVP_PKEY_keygen(gctx, &key) != 1)
			abort();
		dctx = EVP_PKEY_CTX_new(key, NULL);
		if (!dctx || EVP_PKEY_derive_init(dctx) != 1 ||
		    EVP_PKEY_derive_set_peer(dctx, peer) != 1 ||
		    EVP_PKEY_derive(dctx, out, &len) != 1)
			abort();
		EVP_PKEY_CTX_free(dctx);
		EVP_PKEY_free(key);
		n++;
	} while ((t = now() - t0) < secs);
	EVP_PKEY_free(peer);
	EVP_PKEY_CTX_free(gctx);
	return n / t;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3.0;
	double ours = bench_ours(secs);
	double o448 = bench_openssl(EVP_PKEY_X448, secs);
	double o25519 = bench_openssl(EVP_PKEY_X25519, secs);

	printf("BENCH userspace keygen+shared per second (%.0f s each, one core, shared machine):\n", secs);
	printf("BENCH   X448   tcpinc_x448.c  %8.0f /s  (%6.0f us)\n", ours, 1e6 / ours);
	printf("BENCH   X448   OpenSSL        %8.0f /s  (%6.0f us)\n", o448, 1e6 / o448);
	printf("BENCH   X25519 OpenSSL        %8.0f /s  (%6.0f us)\n", o25519, 1e6 / o25519);
	return 0;
}
