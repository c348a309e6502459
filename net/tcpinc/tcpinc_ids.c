// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_ids.c - which TEP and AEAD identifiers users may configure
 * (sysctls, socket options) and which a connection may use.
 */
#include "tcpinc_ids.h"
#include "tcpinc/core_api.h"
#include "../../crypto-glue/tcpinc_crypto.h"

bool tcpinc_tep_known(u16 id)
{
	/*
	 * Known to the core. Whether this kernel can run it (P-256 and X448
	 * need their KPPs) is tcpinc_tep_runnable's question, asked when a
	 * connection uses the list, so a configured list stays valid.
	 */
	return id <= 0x7f && tcpinc_core_eno_tep_supported(id);
}

/*
 * The one test of which configured TEPs a connection may use: both the
 * active opener's offer and the passive opener's choice are the configured
 * list filtered by it (tcpinc_eno_core_config), so B never selects a TEP whose group
 * the kernel cannot run (ecdh-nist-p256 missing: "TEP 0x21 unavailable")
 * and A never offers one.
 */
bool tcpinc_tep_runnable(u8 id)
{
	return tcpinc_tep_known(id) && tcpinc_crypto_kex_available(id);
}

bool tcpinc_aead_known(u16 id)
{
	return id == TCPINC_CORE_AEAD_AES_128_GCM || id == TCPINC_CORE_AEAD_AES_256_GCM ||
	       id == TCPINC_CORE_AEAD_CHACHA20_POLY1305;
}
