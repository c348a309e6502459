// SPDX-License-Identifier: GPL-2.0
/*
 * core_abi_sizes.c - build-time checks that the extern "C" boundary
 * (include/tcpinc/core_api.h) has the kernel's sizes as the KUnit module
 * compiles it. No KUnit suite: a size mismatch is known when this file
 * compiles, so it fails the build instead of waiting for a test run.
 *
 * There is no ABI version case either: tcpinc_core_abi_version() returns
 * TCPINC_CORE_ABI_VERSION from this same header, built in the same
 * kbuild run, so comparing the two could not fail. The check that can
 * (a core object from another build) is the module's refusal to load.
 */
#include <linux/build_bug.h>
#include <linux/types.h>

#include "tcpinc/core_api.h"

/* The header takes its integer types from compiler macros, not the kernel's. */
static_assert(sizeof(tcpinc_usize) == sizeof(size_t), "tcpinc_usize is not size_t");
static_assert(sizeof(tcpinc_u64) == sizeof(u64), "tcpinc_u64 is not u64");
static_assert(sizeof(tcpinc_u32) == sizeof(u32), "tcpinc_u32 is not u32");
static_assert(sizeof(tcpinc_u16) == sizeof(u16), "tcpinc_u16 is not u16");
static_assert(sizeof(tcpinc_u8) == sizeof(u8), "tcpinc_u8 is not u8");
/* A segment is a pointer and a length with no padding, as the glue fills it. */
static_assert(sizeof(struct tcpinc_core_seg) == sizeof(void *) + sizeof(size_t),
	      "struct tcpinc_core_seg is not {pointer, length}");
