// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - tcpinc_kunit.ko: the module around the KUnit suites in
 * tests/kunit/ (every *_test.c registers its own suite with
 * kunit_test_suite(); KUnit runs them when the module loads) and the
 * helpers of kt.h that the C++ shims call.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "kt.h"

void tcpinc_kt_check(struct tcpinc_kt *t, int ok, const char *expr,
		     const char *file, int line)
{
	struct kunit *test = (struct kunit *)t;

	KUNIT_EXPECT_TRUE_MSG(test, ok, "%s:%d: expected %s", file, line, expr);
}

void *tcpinc_kt_alloc(struct tcpinc_kt *t, size_t n)
{
	struct kunit *test = (struct kunit *)t;
	void *p = kunit_kzalloc(test, n, GFP_KERNEL);

	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, p);
	return p;
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tcpinc KUnit suites (C++ core and kernel glue)");
