// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_main.c - module init/exit ladder.
 *
 * Order matters: the per-netns state must exist before any notifier can
 * count into it, and the ULP is registered last so that no socket can use
 * the module before everything it relies on is in place.
 */
#include <linux/module.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_cache.h"
#include "tcpinc_eno.h"
#include "tcpinc_eno_pending.h"
#include "tcpinc_eph.h"
#include "tcpinc_genl.h"
#include "tcpinc_notify.h"
#include "tcpinc_pernet.h"
#include "tcpinc_proto.h"
#include "tcpinc_socks.h"
#include "tcpinc_crypt.h"
#include "tcpinc_ulp.h"
#include "tcpinc/core_api.h"
#include "../../crypto-glue/tcpinc_crypto.h"

/*
 * What the notifiers (and resume_cache_flush) wipe, in this order: the
 * cache, the ss[i] half-open connections accepted, the ephemeral key pairs
 * (suspend, VM generation), then, on a VM generation change, the live
 * sessions.
 */
static const struct tcpinc_secret_holder *const tcpinc_secret_holders[] = {
	&tcpinc_cache_holder,
	&tcpinc_pending_holder,
	&tcpinc_eph_holder,
	&tcpinc_socks_holder,
};

static int __init tcpinc_init(void)
{
	int err;

	if (tcpinc_core_abi_version() != TCPINC_CORE_ABI_VERSION) {
		pr_err("tcpinc: C++ core ABI %u does not match the glue's %u: stale build, not loading\n",
		       tcpinc_core_abi_version(), TCPINC_CORE_ABI_VERSION);
		return -EINVAL;
	}

	/* Before the per-netns state: its resume_cache_flush sysctl wipes them. */
	tcpinc_notify_set_holders(tcpinc_secret_holders, ARRAY_SIZE(tcpinc_secret_holders));
	err = tcpinc_eno_init();
	if (err)
		return err;
	err = tcpinc_proto_init();
	if (err)
		goto err_eno;
	/*
	 * Crypto before the per-netns state: a namespace's default TEP list
	 * (tcpinc_net_init) offers X448 only if its KPP was allocated, and
	 * init_net's is made at registration.
	 */
	err = tcpinc_crypto_init();
	if (err)
		goto err_proto;
	err = tcpinc_pernet_register();
	if (err)
		goto err_crypto;
	err = tcpinc_notifiers_register();
	if (err)
		goto err_pernet;
	/* Its handlers read the per-netns state, which exists by now. */
	err = tcpinc_genl_register();
	if (err)
		goto err_notifiers;
	err = tcpinc_ulp_register();
	if (err)
		goto err_genl;

	pr_info("tcpinc: loaded, TCP ULP \"tcpcrypt\" registered (core ABI %u)\n",
		TCPINC_CORE_ABI_VERSION);
	return 0;

err_genl:
	tcpinc_genl_unregister();
err_notifiers:
	tcpinc_notifiers_unregister();
err_pernet:
	tcpinc_pernet_unregister();
err_crypto:
	tcpinc_crypto_exit();
err_proto:
	tcpinc_proto_exit();
err_eno:
	tcpinc_eno_exit();
	return err;
}

static void __exit tcpinc_exit(void)
{
	tcpinc_ulp_unregister();
	tcpinc_genl_unregister();
	tcpinc_notifiers_unregister();
	tcpinc_pernet_unregister();
	tcpinc_crypto_exit();	/* after: reverse of init */
	tcpinc_proto_exit();
	tcpinc_eno_exit();
	pr_info("tcpinc: unloaded\n");
}

module_init(tcpinc_init);
module_exit(tcpinc_exit);

MODULE_LICENSE("GPL");
/* The one place the version is written: the Makefile, dkms.conf and the
 * Debian packages read it from here (make deb). */
MODULE_VERSION("0.1.0");
MODULE_DESCRIPTION("TCP-ENO (RFC 8547) and tcpcrypt (RFC 8548) for TCP sockets");
MODULE_ALIAS_TCP_ULP("tcpcrypt");
