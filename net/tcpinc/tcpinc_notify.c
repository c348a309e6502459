// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_notify.c - the events after which secrets must not survive:
 * a network device going away (per netns), suspend/hibernation (PM), and a
 * VM generation change (snapshot restore or clone, via vmgenid).
 *
 * Each event wipes the resumption cache of every namespace it concerns
 * (tcpinc_cache.c), is counted there and logged once. A VM generation
 * change also aborts live tcpcrypt connections (net.tcpinc.vmfork_abort,
 * default 1): the other copy of this VM holds the same keys and stream
 * offsets, so both would seal different bytes under one (key, nonce).
 * Documentation/resumption.md has the threat model.
 */
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/random.h>
#include <linux/suspend.h>
#include <linux/inetdevice.h>
#include <net/addrconf.h>

#include "tcpinc.h"
#include "tcpinc_cache.h"

atomic_t tcpinc_vm_generation = ATOMIC_INIT(0);

void tcpinc_tc_register(struct net *net, struct tcpinc_sock *ctx)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	spin_lock_bh(&tn->tc_lock);
	list_add(&ctx->tc_node, &tn->tc_socks);
	spin_unlock_bh(&tn->tc_lock);
}

void tcpinc_tc_unregister(struct net *net, struct tcpinc_sock *ctx)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	spin_lock_bh(&tn->tc_lock);
	if (!list_empty(&ctx->tc_node))
		list_del_init(&ctx->tc_node);
	spin_unlock_bh(&tn->tc_lock);
}

unsigned int tcpinc_tc_abort_all(struct net *net, int err)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	struct tcpinc_sock *ctx;
	unsigned int n = 0;

	/*
	 * A context is unlinked (under tc_lock) by the ULP release, which runs
	 * while its socket is still referenced: every socket on the list is
	 * alive here, and tcpinc_abort_async() takes its own reference.
	 */
	spin_lock_bh(&tn->tc_lock);
	list_for_each_entry(ctx, &tn->tc_socks, tc_node) {
		WRITE_ONCE(ctx->sk->sk_err, err);
		tcpinc_abort_async(ctx->sk, err);
		n++;
	}
	spin_unlock_bh(&tn->tc_lock);
	TCPINC_ADD_STATS(net, TCPINC_MIB_VMFORK_ABORTS, n);
	return n;
}

/* Wipes one namespace's cache for a local event and says so once. */
static void tcpinc_wipe_netns(struct net *net, enum tcpinc_mib_field field, const char *what,
			      const char *dev)
{
	unsigned int n;

	TCPINC_INC_STATS(net, field);
	n = tcpinc_cache_wipe(net);
	/* A dying namespace unregisters all its devices: no news there. */
	if (check_net(net))
		pr_info("tcpinc: %s %s: resumption cache of netns %u wiped (%u entries)\n",
			what, dev, net->ns.inum, n);
}

/* Wipes every namespace's cache (and counts field there); returns entries. */
static unsigned int tcpinc_wipe_all(enum tcpinc_mib_field field, unsigned int *nets,
				    unsigned int *aborted)
{
	unsigned int n = 0;
	struct net *net;

	*nets = 0;
	if (aborted)
		*aborted = 0;
	/*
	 * cleanup_net() unlinks a namespace and waits for a grace period
	 * before our pernet exit frees its counters, so RCU suffices.
	 */
	rcu_read_lock();
	for_each_net_rcu(net) {
		TCPINC_INC_STATS(net, field);
		n += tcpinc_cache_wipe(net);
		tcpinc_eph_wipe(net);	/* the copies must not share a key pair either */
		if (aborted && READ_ONCE(tcpinc_pernet(net)->vmfork_abort))
			*aborted += tcpinc_tc_abort_all(net, TCPINC_ERR_VMFORK);
		(*nets)++;
	}
	rcu_read_unlock();
	return n;
}

int tcpinc_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	/* Runs under RTNL. */
	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	tcpinc_wipe_netns(dev_net(dev), TCPINC_MIB_NETDEV_EVENTS, "network device", dev->name);
	return NOTIFY_DONE;
}

/*
 * An address went away: sessions resumed later may come from a host that
 * now owns it. Process context (IPv4) or atomic (IPv6): the wipe only
 * takes a _bh spinlock.
 */
int tcpinc_inetaddr_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	const struct in_ifaddr *ifa = ptr;
	struct net_device *dev = ifa->ifa_dev->dev;

	if (event == NETDEV_DOWN)
		tcpinc_wipe_netns(dev_net(dev), TCPINC_MIB_ADDR_EVENTS, "IPv4 address removed from",
				  dev->name);
	return NOTIFY_DONE;
}

int tcpinc_inet6addr_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	const struct inet6_ifaddr *ifa = ptr;
	struct net_device *dev = ifa->idev->dev;

	if (event == NETDEV_DOWN)
		tcpinc_wipe_netns(dev_net(dev), TCPINC_MIB_ADDR_EVENTS, "IPv6 address removed from",
				  dev->name);
	return NOTIFY_DONE;
}

static struct notifier_block tcpinc_inetaddr_nb = {
	.notifier_call = tcpinc_inetaddr_event,
};

static struct notifier_block tcpinc_inet6addr_nb = {
	.notifier_call = tcpinc_inet6addr_event,
};

static struct notifier_block tcpinc_netdev_nb = {
	.notifier_call = tcpinc_netdev_event,
};

int tcpinc_pm_event(struct notifier_block *nb, unsigned long event,
			   void *unused)
{
	unsigned int n, nets;

	if (event != PM_SUSPEND_PREPARE && event != PM_HIBERNATION_PREPARE)
		return NOTIFY_DONE;
	/*
	 * A hibernation image, or a suspended VM's memory, may be resumed
	 * more than once: no resumption secret may be in it.
	 */
	n = tcpinc_wipe_all(TCPINC_MIB_PM_EVENTS, &nets, NULL);
	pr_info("tcpinc: %s: resumption caches wiped (%u entries in %u network namespaces)\n",
		event == PM_SUSPEND_PREPARE ? "suspend" : "hibernation", n, nets);
	return NOTIFY_DONE;
}

static struct notifier_block tcpinc_pm_nb = {
	.notifier_call = tcpinc_pm_event,
};

int tcpinc_vmfork_event(struct notifier_block *nb, unsigned long event,
			       void *unused)
{
	unsigned int n, nets, aborted;

	/* First, so that no session seals another frame under old keys. */
	atomic_inc(&tcpinc_vm_generation);
	n = tcpinc_wipe_all(TCPINC_MIB_VMFORK_EVENTS, &nets, &aborted);
	pr_info("tcpinc: VM generation changed (snapshot restore or clone): resumption caches wiped (%u entries in %u network namespaces), %u tcpcrypt connections aborted (errno %d)\n",
		n, nets, aborted, TCPINC_ERR_VMFORK);
	return NOTIFY_DONE;
}

static struct notifier_block tcpinc_vmfork_nb = {
	.notifier_call = tcpinc_vmfork_event,
};

int tcpinc_notifiers_register(void)
{
	int err;

	err = register_netdevice_notifier(&tcpinc_netdev_nb);
	if (err)
		return err;
	err = register_pm_notifier(&tcpinc_pm_nb);
	if (err)
		goto err_netdev;
	err = register_random_vmfork_notifier(&tcpinc_vmfork_nb);
	if (err)
		goto err_pm;
	err = register_inetaddr_notifier(&tcpinc_inetaddr_nb);
	if (err)
		goto err_vmfork;
	err = register_inet6addr_notifier(&tcpinc_inet6addr_nb);
	if (err)
		goto err_inet;
	return 0;

err_inet:
	unregister_inetaddr_notifier(&tcpinc_inetaddr_nb);
err_vmfork:
	unregister_random_vmfork_notifier(&tcpinc_vmfork_nb);
err_pm:
	unregister_pm_notifier(&tcpinc_pm_nb);
err_netdev:
	unregister_netdevice_notifier(&tcpinc_netdev_nb);
	return err;
}

void tcpinc_notifiers_unregister(void)
{
	unregister_inet6addr_notifier(&tcpinc_inet6addr_nb);
	unregister_inetaddr_notifier(&tcpinc_inetaddr_nb);
	unregister_random_vmfork_notifier(&tcpinc_vmfork_nb);
	unregister_pm_notifier(&tcpinc_pm_nb);
	unregister_netdevice_notifier(&tcpinc_netdev_nb);
}
