// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_notify.c - the events after which secrets must not survive:
 * a network device going away (per netns), suspend/hibernation (PM), and a
 * VM generation change (snapshot restore or clone, via vmgenid).
 *
 * For now each event is counted in the affected namespaces' stats and
 * logged; the resumption cache wipe hangs off these same callbacks.
 */
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/random.h>
#include <linux/suspend.h>

#include "tcpinc.h"

/* Counts an event in every namespace; returns how many were visited. */
static unsigned int tcpinc_count_all_netns(enum tcpinc_mib_field field)
{
	unsigned int n = 0;
	struct net *net;

	/*
	 * cleanup_net() unlinks a namespace and waits for a grace period
	 * before our pernet exit frees its counters, so RCU suffices.
	 */
	rcu_read_lock();
	for_each_net_rcu(net) {
		TCPINC_INC_STATS(net, field);
		n++;
	}
	rcu_read_unlock();
	return n;
}

static int tcpinc_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	/* Runs under RTNL. */
	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	TCPINC_INC_STATS(dev_net(dev), TCPINC_MIB_NETDEV_EVENTS);
	return NOTIFY_DONE;
}

static struct notifier_block tcpinc_netdev_nb = {
	.notifier_call = tcpinc_netdev_event,
};

static int tcpinc_pm_event(struct notifier_block *nb, unsigned long event,
			   void *unused)
{
	unsigned int n;

	if (event != PM_SUSPEND_PREPARE && event != PM_HIBERNATION_PREPARE)
		return NOTIFY_DONE;
	n = tcpinc_count_all_netns(TCPINC_MIB_PM_EVENTS);
	pr_info("tcpinc: %s: %u network namespaces notified\n",
		event == PM_SUSPEND_PREPARE ? "suspend" : "hibernation", n);
	return NOTIFY_DONE;
}

static struct notifier_block tcpinc_pm_nb = {
	.notifier_call = tcpinc_pm_event,
};

static int tcpinc_vmfork_event(struct notifier_block *nb, unsigned long event,
			       void *unused)
{
	unsigned int n = tcpinc_count_all_netns(TCPINC_MIB_VMFORK_EVENTS);

	pr_info("tcpinc: VM generation changed (snapshot restore or clone): %u network namespaces notified\n",
		n);
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
	return 0;

err_pm:
	unregister_pm_notifier(&tcpinc_pm_nb);
err_netdev:
	unregister_netdevice_notifier(&tcpinc_netdev_nb);
	return err;
}

void tcpinc_notifiers_unregister(void)
{
	unregister_random_vmfork_notifier(&tcpinc_vmfork_nb);
	unregister_pm_notifier(&tcpinc_pm_nb);
	unregister_netdevice_notifier(&tcpinc_netdev_nb);
}
