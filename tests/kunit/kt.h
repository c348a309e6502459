/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kt.h - what the KUnit suites (C, tests/kunit/NAME_test.c) and the C++ shims
 * (tests/kunit/NAME_shim.cc) share. The core is C++ and header-heavy (Reader,
 * Writer, wipe are inline), and KUnit is C, so a suite that drives the core
 * calls extern "C" functions of a shim, which report each expectation back
 * through tcpinc_kt_check() with the C++ expression text and line.
 *
 * Plain C, no kernel header: the shims are compiled like the core (no
 * kernel headers, see Kbuild).
 */
#ifndef TCPINC_KT_H
#define TCPINC_KT_H

#ifdef __cplusplus
extern "C" {
#endif

/* The C side's struct kunit, opaque to the shims. */
struct tcpinc_kt;

/* tcpinc_kt_check - one KUNIT_EXPECT_TRUE on behalf of a shim. */
void tcpinc_kt_check(struct tcpinc_kt *t, int ok, const char *expr,
		     const char *file, int line);

/*
 * tcpinc_kt_alloc - n bytes (n > 0) of zeroed heap memory, freed when the
 * test case ends. Exactly n bytes: KASAN flags any access past them, so
 * shims put the buffers the core reads or writes here, not on the stack.
 * Returns NULL (and fails the test) when allocation fails.
 */
void *tcpinc_kt_alloc(struct tcpinc_kt *t, __SIZE_TYPE__ n);

/*
 * KT_SHIM_CASE(fn) - in a suite (.c): a KUnit case function fn_case that
 * runs the shim function fn(struct tcpinc_kt *); declares fn, too.
 * KT_CASE(fn) - its entry in the suite's kunit_case array, named fn.
 */
#ifndef __cplusplus
#define KT_SHIM_CASE(fn)						\
	void fn(struct tcpinc_kt *t);					\
	static void fn##_case(struct kunit *test)			\
	{								\
		fn((struct tcpinc_kt *)test);				\
	}
#define KT_CASE(fn) { .run_case = fn##_case, .name = #fn }
#endif

#ifdef __cplusplus
}
/* KT_EXPECT(t, cond) - in a shim (.cc): expect cond, report its text. */
#define KT_EXPECT(t, cond) tcpinc_kt_check((t), !!(cond), #cond, __FILE__, __LINE__)
#endif

#endif /* TCPINC_KT_H */
