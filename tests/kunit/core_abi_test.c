// SPDX-License-Identifier: GPL-2.0
/*
 * core_abi_test.c - KUnit suite tcpinc_core_abi: the extern "C" boundary
 * (include/tcpinc/core_api.h) links and agrees with the header.
 */
#include <kunit/test.h>

#include "tcpinc/core_api.h"

static void abi_version_matches_header(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tcpinc_core_abi_version(), (u32)TCPINC_CORE_ABI_VERSION);
}

static void boundary_types_have_kernel_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(tcpinc_usize), sizeof(size_t));
	KUNIT_EXPECT_EQ(test, sizeof(tcpinc_u64), sizeof(u64));
	KUNIT_EXPECT_EQ(test, sizeof(tcpinc_u32), sizeof(u32));
	KUNIT_EXPECT_EQ(test, sizeof(struct tcpinc_core_seg),
			sizeof(void *) + sizeof(size_t));
}

static struct kunit_case core_abi_cases[] = {
	KUNIT_CASE(abi_version_matches_header),
	KUNIT_CASE(boundary_types_have_kernel_sizes),
	{}
};

static struct kunit_suite core_abi_suite = {
	.name = "tcpinc_core_abi",
	.test_cases = core_abi_cases,
};
kunit_test_suite(core_abi_suite);
