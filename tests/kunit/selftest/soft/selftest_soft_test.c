// SPDX-License-Identifier: GPL-2.0
/* selftest_soft_test.c - must make scripts/kunit.sh fail (see ../README). */
#include <kunit/test.h>
#include <linux/slab.h>

static void selftest_expectation_fails(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 1, 2);
}

static void selftest_skips(struct kunit *test)
{
	kunit_skip(test, "deliberately skipped");
}

static void selftest_leaks(struct kunit *test)
{
	void *p = kmalloc(128, GFP_KERNEL);

	OPTIMIZER_HIDE_VAR(p);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, p);
	p = NULL;	/* the only reference is gone: a leak */
}

static struct kunit_case selftest_soft_cases[] = {
	KUNIT_CASE(selftest_expectation_fails),
	KUNIT_CASE(selftest_skips),
	KUNIT_CASE(selftest_leaks),
	{}
};

static struct kunit_suite selftest_soft_suite = {
	.name = "tcpinc_selftest_soft",
	.test_cases = selftest_soft_cases,
};
kunit_test_suite(selftest_soft_suite);
