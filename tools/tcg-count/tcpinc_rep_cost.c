// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_rep_cost.c - what zeroing 1 KiB costs with rep stosq against an
 * unrolled loop (bench tcg-rep). Under TCG a rep-prefixed string
 * instruction runs one step per translated block, so conn-tcg counts its
 * steps apart from other blocks; this prints what a step costs on the wall
 * clock next to a loop block, on whatever CPU (or emulator) runs it.
 * Prints one JSON object: nanoseconds per 1 KiB zeroing, median of 5 runs
 * of 20,000 each.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BYTES 1024
#define RUNS 5
#define ITERS 20000

static uint64_t buf[BYTES / 8] __attribute__((aligned(64)));

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((noinline)) static void zero_rep(void *p)
{
	long n = BYTES / 8;

	asm volatile("rep stosq" : "+D"(p), "+c"(n) : "a"(0L) : "memory");
}

/* Eight stores per iteration, as the kernel's memset_orig does. */
__attribute__((noinline)) static void zero_loop(void *p)
{
	uint64_t *q = p;

	for (int i = 0; i < BYTES / 8; i += 8) {
		asm volatile("" : : "r"(q) : "memory");
		q[i] = 0, q[i + 1] = 0, q[i + 2] = 0, q[i + 3] = 0;
		q[i + 4] = 0, q[i + 5] = 0, q[i + 6] = 0, q[i + 7] = 0;
	}
}

__attribute__((noinline)) static void zero_none(void *p)
{
	asm volatile("" : : "r"(p) : "memory");
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_ns(void (*fn)(void *))
{
	double r[RUNS];

	for (int k = 0; k < RUNS; k++) {
		double t = now();

		for (int i = 0; i < ITERS; i++)
			fn(buf);
		r[k] = (now() - t) / ITERS * 1e9;
	}
	qsort(r, RUNS, sizeof(r[0]), cmp);
	return r[RUNS / 2];
}

int main(void)
{
	double none = median_ns(zero_none), rep = median_ns(zero_rep), loop = median_ns(zero_loop);

	printf("{\"bytes\": %d, \"call_ns\": %.0f, \"rep_stosq_ns\": %.0f, \"rep_steps\": %d, "
	       "\"unrolled_loop_ns\": %.0f, \"loop_iterations\": %d}\n",
	       BYTES, none, rep, BYTES / 8, loop, BYTES / 64);
	return 0;
}
