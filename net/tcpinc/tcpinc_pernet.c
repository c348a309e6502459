// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_pernet.c - per network namespace state and /proc/net/tcpinc_stat.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "tcpinc.h"

unsigned int tcpinc_net_id __read_mostly;

static const char *const tcpinc_mib_names[__TCPINC_MIB_MAX] = {
	[TCPINC_MIB_CTX_LIVE]		= "TcpincCtxLive",
	[TCPINC_MIB_CTX_TOTAL]		= "TcpincCtxTotal",
	[TCPINC_MIB_CTX_REFUSED]	= "TcpincCtxRefused",
	[TCPINC_MIB_CLONE_FAILED]	= "TcpincCloneFailed",
	[TCPINC_MIB_NETDEV_EVENTS]	= "TcpincNetdevEvents",
	[TCPINC_MIB_PM_EVENTS]		= "TcpincPmEvents",
	[TCPINC_MIB_VMFORK_EVENTS]	= "TcpincVmforkEvents",
};

unsigned long tcpinc_stat_read(const struct net *net, enum tcpinc_mib_field field)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(tn->mib, cpu)->mibs[field];
	return sum;
}

static int tcpinc_stat_show(struct seq_file *seq, void *v)
{
	struct net *net = seq->private;
	int i;

	for (i = 0; i < __TCPINC_MIB_MAX; i++)
		seq_printf(seq, "%-32s\t%lu\n", tcpinc_mib_names[i],
			   tcpinc_stat_read(net, i));
	return 0;
}

static int __net_init tcpinc_net_init(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	tn->mib = alloc_percpu(struct tcpinc_mib);
	if (!tn->mib)
		return -ENOMEM;
	if (!proc_create_net_single("tcpinc_stat", 0444, net->proc_net,
				    tcpinc_stat_show, NULL)) {
		free_percpu(tn->mib);
		tn->mib = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit tcpinc_net_exit(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	remove_proc_entry("tcpinc_stat", net->proc_net);
	free_percpu(tn->mib);
	tn->mib = NULL;
}

static struct pernet_operations tcpinc_net_ops = {
	.init = tcpinc_net_init,
	.exit = tcpinc_net_exit,
	.id   = &tcpinc_net_id,
	.size = sizeof(struct tcpinc_net),
};

int tcpinc_pernet_register(void)
{
	return register_pernet_subsys(&tcpinc_net_ops);
}

void tcpinc_pernet_unregister(void)
{
	unregister_pernet_subsys(&tcpinc_net_ops);
}
