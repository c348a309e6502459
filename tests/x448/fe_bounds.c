// SPDX-License-Identifier: GPL-2.0
/*
 * fe_bounds.c - the field functions of crypto-glue/tcpinc_x448.c (static,
 * hence the #include of the .c) on inputs at the edge of their contract:
 * every limb 2^57 - 1, limbs just above 2^56, and random limbs below 2^57.
 * Prints inputs and outputs as limbs; fe_bounds.py recomputes every result
 * with Python integers and checks the output bound (limbs < 2^57) and that
 * fe_tobytes is canonical (< p). The ladder only ever feeds these
 * functions their own outputs, whose limbs stay far below these inputs.
 */
#include <stdio.h>

#include "../../crypto-glue/tcpinc_x448.c"

static void pr(const char *tag, const struct x448_fe *a)
{
	int i;

	printf("%s", tag);
	for (i = 0; i < 8; i++)
		printf(" %llx", (unsigned long long)a->l[i]);
	printf("\n");
}

static unsigned long long xs = 0x448;

static u64 rnd(void)
{
	xs ^= xs << 13;
	xs ^= xs >> 7;
	xs ^= xs << 17;
	return xs;
}

int main(void)
{
	const u64 lim = (1ULL << 57) - 1;
	struct x448_fe a, b, r;
	u8 out[TCPINC_X448_KEY_SIZE];
	int t, i;

	for (t = 0; t < 4000; t++) {
		for (i = 0; i < 8; i++) {
			switch (t % 4) {
			case 0:	/* the largest limbs allowed */
				a.l[i] = lim;
				b.l[i] = lim - (rnd() & 3);
				break;
			case 1:	/* what x448_carry_cols can leave in limbs 1 and 5 */
				a.l[i] = (1ULL << 56) + (1ULL << 10);
				b.l[i] = a.l[i] - (rnd() & 0xff);
				break;
			default:
				a.l[i] = rnd() & lim;
				b.l[i] = rnd() % ((1ULL << 56) + (1ULL << 10) + 1);
			}
		}
		pr("A", &a);
		pr("B", &b);
		x448_fe_mul(&r, &a, &b);
		pr("M", &r);
		x448_fe_sqr(&r, &a);
		pr("S", &r);
		x448_fe_add(&r, &a, &b);
		pr("D", &r);
		x448_fe_sub(&r, &a, &b);
		pr("U", &r);
		x448_fe_mul_a24(&r, &a);
		pr("K", &r);
		x448_fe_invert(&r, &a);
		pr("I", &r);
		x448_fe_tobytes(out, &a);
		printf("T ");
		for (i = TCPINC_X448_KEY_SIZE - 1; i >= 0; i--)
			printf("%02x", out[i]);
		printf("\n");
	}
	return 0;
}
