// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_notify.c - the events after which secrets must not survive:
 * a network device going away (per netns), suspend/hibernation (PM), and a
 * VM generation change (snapshot restore or clone, via vmgenid).
 *
 * Each event runs the wipe of every secret holder the layer above
 * registered (tcpinc_notify_set_holders: the resumption cache, listeners'
 * half-open entries, ephemeral key pairs, the registry of live sessions)
 * for every namespace it concerns, is counted there and logged once; this
 * file calls none of them by name. A VM generation change also aborts
 * live tcpcrypt connections (net.tcpinc.vmfork_abort, default 1): the
 * other copy of this VM holds the same keys and stream offsets, so both
 * would seal different bytes under one (key, nonce). The VM generation
 * itself is tcpinc_vmgen.c's.
 * Documentation/resumption.md has the threat model.
 */
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/random.h>
#include <linux/suspend.h>
#include <linux/inetdevice.h>
#include <net/addrconf.h>

#include "tcpinc.h"
#include "tcpinc_notify.h"
#include "tcpinc_vmgen.h"

/*
 * The holders every event wipes (tcpinc_notify_set_holders): set before
 * the notifiers are registered, unchanged while they are.
 */
static const struct tcpinc_secret_holder *const *tcpinc_holders;
static unsigned int tcpinc_nholders;

void tcpinc_notify_set_holders(const struct tcpinc_secret_holder *const *holders,
			       unsigned int n)
{
	tcpinc_holders = holders;
	tcpinc_nholders = n;
}

void tcpinc_notify_wipe_net(struct net *net, enum tcpinc_wipe_event ev,
			    struct tcpinc_wiped *w)
{
	unsigned int i;

	for (i = 0; i < tcpinc_nholders; i++)
		tcpinc_holders[i]->wipe(net, ev, w);
}

/* Wipes one namespace's cache for a local event and says so once. */
static void tcpinc_wipe_netns(struct net *net, enum tcpinc_mib_field field, const char *what,
			      const char *dev)
{
	struct tcpinc_wiped w = {};

	TCPINC_INC_STATS(net, field);
	tcpinc_notify_wipe_net(net, TCPINC_WIPE_NET, &w);
	/* A dying namespace unregisters all its devices: no news there. */
	if (check_net(net))
		pr_info("tcpinc: %s %s: resumption cache of netns %u wiped (%u entries, %u accepted by half-open connections)\n",
			what, dev, net->ns.inum, w.cached, w.half_open);
}

/*
 * Wipes every holder's secrets in every namespace (and counts field
 * there); returns the secrets wiped, *aborted the connections aborted.
 */
static unsigned int tcpinc_wipe_all(enum tcpinc_mib_field field, enum tcpinc_wipe_event ev,
				    unsigned int *nets, unsigned int *aborted)
{
	struct tcpinc_wiped w = {};
	struct net *net;

	*nets = 0;
	/*
	 * cleanup_net() unlinks a namespace and waits for a grace period
	 * before our pernet exit frees its counters, so RCU suffices.
	 */
	rcu_read_lock();
	for_each_net_rcu(net) {
		TCPINC_INC_STATS(net, field);
		tcpinc_notify_wipe_net(net, ev, &w);
		(*nets)++;
	}
	rcu_read_unlock();
	if (aborted)
		*aborted = w.aborted;
	return w.cached + w.half_open;
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
	n = tcpinc_wipe_all(TCPINC_MIB_PM_EVENTS, TCPINC_WIPE_SLEEP, &nets, NULL);
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
	tcpinc_vmgen_next();
	n = tcpinc_wipe_all(TCPINC_MIB_VMFORK_EVENTS, TCPINC_WIPE_VMFORK, &nets, &aborted);
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
	tcpinc_vmgen_map();
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
	tcpinc_vmgen_unmap();
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
	tcpinc_vmgen_unmap();
	unregister_pm_notifier(&tcpinc_pm_nb);
	unregister_netdevice_notifier(&tcpinc_netdev_nb);
}
