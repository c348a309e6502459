// SPDX-License-Identifier: GPL-2.0
// abi.cc - the core's side of the ABI handshake with its callers.
//
// The C glue calls tcpinc_core_abi_version() at module load and refuses to
// load on a mismatch; the userspace tests call it too, so both builds prove
// that the boundary links.
#include "tcpinc/core_api.h"

extern "C" tcpinc_u32 tcpinc_core_abi_version(void) { return TCPINC_CORE_ABI_VERSION; }
