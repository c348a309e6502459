// SPDX-License-Identifier: GPL-2.0
/*
 * eno_option_test.c - KUnit suite tcpinc_eno_option: the ENO option codec
 * and the TCP option scan of the C++ core (RFC 8547 4.1-4.4), in the
 * kernel, through eno_option_shim.cc. (ENO on synthetic skbs comes with the
 * kernel ENO glue.)
 */
#include <kunit/test.h>

#include "kt.h"

KT_SHIM_CASE(tcpinc_kt_eno_parses_rfc_examples)
KT_SHIM_CASE(tcpinc_kt_eno_parses_data_and_length_bytes)
KT_SHIM_CASE(tcpinc_kt_eno_rejects_malformed)
KT_SHIM_CASE(tcpinc_kt_eno_parse_stays_in_bounds)
KT_SHIM_CASE(tcpinc_kt_eno_build_round_trip)
KT_SHIM_CASE(tcpinc_kt_eno_scan_linux_syn)

static struct kunit_case eno_option_cases[] = {
	KT_CASE(tcpinc_kt_eno_parses_rfc_examples),
	KT_CASE(tcpinc_kt_eno_parses_data_and_length_bytes),
	KT_CASE(tcpinc_kt_eno_rejects_malformed),
	KT_CASE(tcpinc_kt_eno_parse_stays_in_bounds),
	KT_CASE(tcpinc_kt_eno_build_round_trip),
	KT_CASE(tcpinc_kt_eno_scan_linux_syn),
	{}
};

static struct kunit_suite eno_option_suite = {
	.name = "tcpinc_eno_option",
	.test_cases = eno_option_cases,
};
kunit_test_suite(eno_option_suite);
