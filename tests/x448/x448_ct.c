// SPDX-License-Identifier: GPL-2.0
/*
 * x448_ct.c - constant-time check of crypto-glue/tcpinc_x448.c under
 * valgrind memcheck (the "ctgrind" technique): the private scalar and the
 * peer's u-coordinate are marked undefined, so memcheck reports every
 * conditional jump and every memory address computed from them ("Conditional
 * jump or move depends on uninitialised value(s)", "Use of uninitialised
 * value of size 8"). Run as
 *   valgrind --error-exitcode=1 build/x448/x448_ct
 * A clean run means the compiled code (this compiler, these flags) has no
 * secret-dependent branch or index. What is public is declassified
 * explicitly: the return value (was the result all zero: the exchange fails
 * either way) and the output bytes once computed, before printing them.
 *
 * Built twice by tests/x448/Makefile: x448_ct (the real file) must be
 * clean; x448_ct_branchy (-DX448_CT_SELFTEST_BRANCH: the ladder swap is an
 * if) must be reported, which shows the check can fail.
 */
#include <stdio.h>
#include <string.h>

#include <valgrind/memcheck.h>

#include "tcpinc_x448.h"

#define KS TCPINC_X448_KEY_SIZE

int main(void)
{
	u8 k[KS], u[KS], pub[KS], out[KS];
	unsigned int round, i, sum = 0;
	int r1, r2;

	for (round = 0; round < 3; round++) {
		/* Fixed, varied inputs: their values do not matter, their definedness does. */
		for (i = 0; i < KS; i++) {
			k[i] = (u8)(i * 29 + round * 101 + 7);
			u[i] = (u8)(i * 53 + round * 17 + 1);
		}
		VALGRIND_MAKE_MEM_UNDEFINED(k, sizeof(k));
		VALGRIND_MAKE_MEM_UNDEFINED(u, sizeof(u));

		r1 = tcpinc_x448_public(pub, k);
		r2 = tcpinc_x448(out, k, u);

		/* Declassify what is public, then use it. */
		VALGRIND_MAKE_MEM_DEFINED(&r1, sizeof(r1));
		VALGRIND_MAKE_MEM_DEFINED(&r2, sizeof(r2));
		VALGRIND_MAKE_MEM_DEFINED(pub, sizeof(pub));
		VALGRIND_MAKE_MEM_DEFINED(out, sizeof(out));
		for (i = 0; i < KS; i++)
			sum += pub[i] + out[i];
		printf("round %u: public %d, shared %d\n", round, r1, r2);
	}
	printf("checksum %u (%s)\n", sum,
	       RUNNING_ON_VALGRIND ? "under valgrind" : "NOT under valgrind: this proves nothing");
	return 0;
}
