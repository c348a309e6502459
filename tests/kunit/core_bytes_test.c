// SPDX-License-Identifier: GPL-2.0
/*
 * core_bytes_test.c - KUnit suite tcpinc_core_bytes: the core's
 * bounds-checked Reader/Writer and wipe() (net/tcpinc/core/bytes.h,
 * memory.h), compiled with the kernel's flags and sanitizers, run through
 * core_bytes_shim.cc.
 */
#include <kunit/test.h>

#include "kt.h"

KT_SHIM_CASE(tcpinc_kt_reader_reads_big_endian)
KT_SHIM_CASE(tcpinc_kt_reader_refuses_past_end)
KT_SHIM_CASE(tcpinc_kt_reader_views_stay_inside)
KT_SHIM_CASE(tcpinc_kt_writer_refuses_overflow)
KT_SHIM_CASE(tcpinc_kt_writer_fills_exactly)
KT_SHIM_CASE(tcpinc_kt_wipe_clears_only_its_range)
KT_SHIM_CASE(tcpinc_kt_compare_bytes)

static struct kunit_case core_bytes_cases[] = {
	KT_CASE(tcpinc_kt_reader_reads_big_endian),
	KT_CASE(tcpinc_kt_reader_refuses_past_end),
	KT_CASE(tcpinc_kt_reader_views_stay_inside),
	KT_CASE(tcpinc_kt_writer_refuses_overflow),
	KT_CASE(tcpinc_kt_writer_fills_exactly),
	KT_CASE(tcpinc_kt_wipe_clears_only_its_range),
	KT_CASE(tcpinc_kt_compare_bytes),
	{}
};

static struct kunit_suite core_bytes_suite = {
	.name = "tcpinc_core_bytes",
	.test_cases = core_bytes_cases,
};
kunit_test_suite(core_bytes_suite);
