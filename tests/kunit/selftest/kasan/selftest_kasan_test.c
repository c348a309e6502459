// SPDX-License-Identifier: GPL-2.0
/* selftest_kasan_test.c - must make scripts/kunit.sh fail (see ../README). */
#include <kunit/test.h>

#include "kt.h"

KT_SHIM_CASE(tcpinc_kt_selftest_oob)

static struct kunit_case selftest_kasan_cases[] = {
	KT_CASE(tcpinc_kt_selftest_oob),
	{}
};

static struct kunit_suite selftest_kasan_suite = {
	.name = "tcpinc_selftest_kasan",
	.test_cases = selftest_kasan_cases,
};
kunit_test_suite(selftest_kasan_suite);
