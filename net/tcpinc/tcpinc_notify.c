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
#include <linux/acpi.h>
#include <linux/io.h>
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/random.h>
#include <linux/suspend.h>
#include <linux/inetdevice.h>
#include <net/addrconf.h>

#include "tcpinc.h"
#include "tcpinc_cache.h"

atomic_t tcpinc_vm_generation = ATOMIC_INIT(0);

/*
 * The VM generation ID itself, 16 bytes of guest memory that the
 * hypervisor rewrites before a restored or cloned copy runs (the vmgenid
 * ACPI device's ADDR). The vmfork notifier only runs once the guest has
 * handled the device's ACPI notification, a few milliseconds later under
 * QEMU; a session sealing a frame in between would use the keys and
 * nonces the other copy uses (vmgenid-live caught one such frame and its
 * echo). Reading the ID before sealing closes that window.
 * tcpinc_vmgenid: mapped at load, or NULL; tcpinc_vmgenid_known: written
 * by tcpinc_vmgenid_attach() and the notifier (a torn read there can only
 * say "copied" during a real change).
 */
#define TCPINC_VMGENID_LEN	16
static void *tcpinc_vmgenid;
static u8 tcpinc_vmgenid_known[TCPINC_VMGENID_LEN];

bool tcpinc_vm_copied(void)
{
	const void *id = READ_ONCE(tcpinc_vmgenid);
	u8 now[TCPINC_VMGENID_LEN];

	if (!id)
		return false;
	memcpy(now, id, sizeof(now));
	return memcmp(now, tcpinc_vmgenid_known, sizeof(now)) != 0;
}

/*
 * tcpinc_vmgenid_attach - watch the 16 bytes at id (NULL: none) as the VM
 * generation ID, taking their value now as this generation's. At load,
 * with the ACPI mapping; KUnit passes a buffer of its own and rewrites it
 * the way a restore does. Not concurrent with sessions sealing: the
 * pointer is set once before use and cleared at unload.
 */
/* The ID at id (NULL: none) as it reads now becomes this generation's. */
static void tcpinc_vmgenid_known_from(const void *id)
{
	if (id)
		memcpy(tcpinc_vmgenid_known, id, TCPINC_VMGENID_LEN);
	else
		memset(tcpinc_vmgenid_known, 0, TCPINC_VMGENID_LEN);
}

void tcpinc_vmgenid_attach(void *id)
{
	tcpinc_vmgenid_known_from(id);
	WRITE_ONCE(tcpinc_vmgenid, id);
}

#ifdef CONFIG_ACPI
/* The QEMU device's _HID and the ids Linux's vmgenid driver binds to. */
static const char *const tcpinc_vmgenid_hids[] = { "VMGENCTR", "VM_GEN_COUNTER", "QEMUVGID" };

static void tcpinc_vmgenid_map(void)
{
	struct acpi_buffer buf = { ACPI_ALLOCATE_BUFFER, NULL };
	struct acpi_device *adev = NULL;
	union acpi_object *pkg;
	unsigned int i;
	void *id;
	u64 phys;

	for (i = 0; i < ARRAY_SIZE(tcpinc_vmgenid_hids) && !adev; i++)
		adev = acpi_dev_get_first_match_dev(tcpinc_vmgenid_hids[i], NULL, -1);
	if (!adev)
		return;
	if (ACPI_FAILURE(acpi_evaluate_object(adev->handle, "ADDR", NULL, &buf)))
		goto out;
	pkg = buf.pointer;
	/* ADDR: a package of two integers, the low and high 32 bits. */
	if (!pkg || pkg->type != ACPI_TYPE_PACKAGE || pkg->package.count != 2 ||
	    pkg->package.elements[0].type != ACPI_TYPE_INTEGER ||
	    pkg->package.elements[1].type != ACPI_TYPE_INTEGER)
		goto out;
	phys = (pkg->package.elements[0].integer.value & 0xffffffffULL) |
	       (pkg->package.elements[1].integer.value << 32);
	id = memremap(phys, TCPINC_VMGENID_LEN, MEMREMAP_WB);
	if (id) {
		tcpinc_vmgenid_attach(id);
		pr_info("tcpinc: VM generation ID found (ACPI vmgenid): sessions check it before they seal or open\n");
	}
out:
	kfree(buf.pointer);
	acpi_dev_put(adev);
}
#else
static void tcpinc_vmgenid_map(void)
{
}
#endif

static void tcpinc_vmgenid_unmap(void)
{
	void *id = tcpinc_vmgenid;

	tcpinc_vmgenid_attach(NULL);
	if (id)
		memunmap(id);
}

void tcpinc_crypt_register(struct net *net, struct tcpinc_sock *ctx)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	spin_lock_bh(&tn->crypt_lock);
	list_add(&ctx->crypt_node, &tn->crypt_socks);
	spin_unlock_bh(&tn->crypt_lock);
}

void tcpinc_crypt_unregister(struct net *net, struct tcpinc_sock *ctx)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	spin_lock_bh(&tn->crypt_lock);
	if (!list_empty(&ctx->crypt_node))
		list_del_init(&ctx->crypt_node);
	spin_unlock_bh(&tn->crypt_lock);
}

unsigned int tcpinc_crypt_abort_all(struct net *net, int err)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	struct tcpinc_sock *ctx;
	unsigned int n = 0;

	/*
	 * A context is unlinked (under crypt_lock) by the ULP release, which runs
	 * while its socket is still referenced: every socket on the list is
	 * alive here, and tcpinc_abort_async() takes its own reference.
	 */
	spin_lock_bh(&tn->crypt_lock);
	list_for_each_entry(ctx, &tn->crypt_socks, crypt_node) {
		WRITE_ONCE(ctx->sk->sk_err, err);
		tcpinc_abort_async(ctx->sk, err);
		/* Once per connection: tcpinc_crypt_vm_ok() may have got there first. */
		if (!test_and_set_bit(TCPINC_CRYPT_VMFORK_COUNTED, &ctx->crypt_flags))
			n++;
	}
	spin_unlock_bh(&tn->crypt_lock);
	TCPINC_ADD_STATS(net, TCPINC_MIB_VMFORK_ABORTS, n);
	return n;
}

/* Wipes one namespace's cache for a local event and says so once. */
static void tcpinc_wipe_netns(struct net *net, enum tcpinc_mib_field field, const char *what,
			      const char *dev)
{
	unsigned int n, h;

	TCPINC_INC_STATS(net, field);
	n = tcpinc_cache_wipe(net);
	h = tcpinc_pending_wipe_net(net);
	/* A dying namespace unregisters all its devices: no news there. */
	if (check_net(net))
		pr_info("tcpinc: %s %s: resumption cache of netns %u wiped (%u entries, %u accepted by half-open connections)\n",
			what, dev, net->ns.inum, n, h);
}

/*
 * Wipes every namespace's cache and the secrets its listeners' half-open
 * connections accepted (and counts field there); returns secrets wiped.
 */
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
		n += tcpinc_pending_wipe_net(net);
		tcpinc_eph_wipe(net);	/* the copies must not share a key pair either */
		if (aborted && READ_ONCE(tcpinc_pernet(net)->vmfork_abort))
			*aborted += tcpinc_crypt_abort_all(net, TCPINC_ERR_VMFORK);
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
	/* This generation's ID: sessions created from now on may seal. */
	tcpinc_vmgenid_known_from(tcpinc_vmgenid);
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
	tcpinc_vmgenid_map();
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
	tcpinc_vmgenid_unmap();
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
	tcpinc_vmgenid_unmap();
	unregister_pm_notifier(&tcpinc_pm_nb);
	unregister_netdevice_notifier(&tcpinc_netdev_nb);
}
