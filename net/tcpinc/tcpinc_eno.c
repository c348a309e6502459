// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_eno.c - TCP-ENO on real connections, as the ULP layer sees it: the
 * netfilter hooks, registered per network namespace once a socket of that
 * namespace took the "tcpcrypt" ULP, and the layer's module init and exit.
 * The rest is split by job:
 * - tcpinc_eno_sock.c: a socket's negotiation (configuration, resumption
 *   proposal, outcomes, lifetime, the accepted child's takeover);
 * - tcpinc_eno_output.c: NF_INET_LOCAL_OUT, ENO into SYN, SYN-ACK and ACK;
 * - tcpinc_eno_input.c: NF_INET_LOCAL_IN, ENO off incoming segments;
 * - tcpinc_eno_pending.c: a listener's half-open negotiations;
 * - tcpinc_eno_skb.c: the option inserted into an outgoing segment.
 * Documentation/eno-kernel.md has the measurements behind the choice of
 * hooks.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/net_namespace.h>

#include "tcpinc.h"
#include "tcpinc_abort.h"
#include "tcpinc_eno.h"
#include "tcpinc_eno_input.h"
#include "tcpinc_eno_output.h"
#include "tcpinc_eno_pending.h"
#include "tcpinc/core_api.h"

static const struct nf_hook_ops tcpinc_nf_ops[] = {
	{ .hook = tcpinc_eno_out_hook, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP_PRI_LAST - 1 },
	{ .hook = tcpinc_eno_in_hook, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP_PRI_FIRST + 1 },
	{ .hook = tcpinc_eno_out_hook, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP6_PRI_LAST - 1 },
	{ .hook = tcpinc_eno_in_hook, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP6_PRI_FIRST + 1 },
};

int tcpinc_eno_hooks_ensure(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	int err = 0;

	if (READ_ONCE(tn->hooks_on))
		return 0;
	mutex_lock(&tn->hooks_lock);
	if (!tn->hooks_on) {
		err = nf_register_net_hooks(net, tcpinc_nf_ops, ARRAY_SIZE(tcpinc_nf_ops));
		if (!err)
			WRITE_ONCE(tn->hooks_on, true);
		else
			pr_err("tcpinc: cannot register netfilter hooks (%d): ENO stays off in this namespace\n",
			       err);
	}
	mutex_unlock(&tn->hooks_lock);
	return err;
}

void tcpinc_eno_hooks_remove(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	mutex_lock(&tn->hooks_lock);
	if (tn->hooks_on)
		nf_unregister_net_hooks(net, tcpinc_nf_ops, ARRAY_SIZE(tcpinc_nf_ops));
	WRITE_ONCE(tn->hooks_on, false);
	mutex_unlock(&tn->hooks_lock);
}

int tcpinc_eno_init(void)
{
	tcpinc_eno_size = tcpinc_core_eno_size();
	return tcpinc_abort_init();
}

void tcpinc_eno_exit(void)
{
	tcpinc_abort_exit();
}
