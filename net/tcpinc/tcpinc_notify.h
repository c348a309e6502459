/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_notify.h - the events after which secrets must not survive
 * (tcpinc_notify.c), and the holders of those secrets it wipes.
 */
#ifndef TCPINC_NOTIFY_H
#define TCPINC_NOTIFY_H

#include "tcpinc.h"

/*
 * tcpinc_notify_set_holders - the secret holders every event wipes, in
 * this order (the array is kept, not copied). Set by the layer above
 * before tcpinc_notifiers_register() and left alone while the notifiers
 * are registered, so the callbacks read it without a lock.
 */
void tcpinc_notify_set_holders(const struct tcpinc_secret_holder *const *holders,
			       unsigned int n);

/* Runs every holder's wipe for net (resume_cache_flush; the notifiers). */
void tcpinc_notify_wipe_net(struct net *net, enum tcpinc_wipe_event ev,
			    struct tcpinc_wiped *w);

int tcpinc_notifiers_register(void);
void tcpinc_notifiers_unregister(void);

/*
 * The notifier callbacks, not static so that the KUnit suite can feed them
 * synthetic events (tests/kunit/resume_cache_test.c).
 */
struct notifier_block;
int tcpinc_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr);
int tcpinc_inetaddr_event(struct notifier_block *nb, unsigned long event, void *ptr);
int tcpinc_inet6addr_event(struct notifier_block *nb, unsigned long event, void *ptr);
int tcpinc_pm_event(struct notifier_block *nb, unsigned long event, void *unused);
int tcpinc_vmfork_event(struct notifier_block *nb, unsigned long event, void *unused);

#endif /* TCPINC_NOTIFY_H */
