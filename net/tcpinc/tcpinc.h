/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc.h - what the C glue files share. Nothing here is seen by the C++
 * core; the core's interface is include/tcpinc/core_api.h.
 */
#ifndef TCPINC_H
#define TCPINC_H

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

/*
 * Per-netns counters shown in /proc/net/tcpinc_stat (one "Name value" line
 * each, like /proc/net/tls_stat). Order and names are ABI for scripts: add
 * at the end.
 */
enum tcpinc_mib_field {
	TCPINC_MIB_CTX_LIVE,		/* gauge: contexts allocated, not freed */
	TCPINC_MIB_CTX_TOTAL,		/* contexts ever allocated */
	TCPINC_MIB_CTX_REFUSED,		/* setsockopt(TCP_ULP) refused */
	TCPINC_MIB_CLONE_FAILED,	/* accepted child left without a context */
	TCPINC_MIB_NETDEV_EVENTS,	/* a netdevice of this netns unregistered */
	TCPINC_MIB_PM_EVENTS,		/* suspend or hibernation began */
	TCPINC_MIB_VMFORK_EVENTS,	/* VM generation ID changed */
	__TCPINC_MIB_MAX
};

struct tcpinc_mib {
	unsigned long mibs[__TCPINC_MIB_MAX];
};

/*
 * struct tcpinc_net - per network namespace state (net_generic slot).
 * Lifetime: from pernet init to pernet exit of its netns; readers outside
 * the netns's own sockets (the PM and vmfork notifiers) walk namespaces
 * under rcu_read_lock(), which cleanup_net() waits for before exit runs.
 */
struct tcpinc_net {
	struct tcpinc_mib __percpu *mib;	/* set once at init, freed at exit */
};

extern unsigned int tcpinc_net_id;

static inline struct tcpinc_net *tcpinc_pernet(const struct net *net)
{
	return net_generic(net, tcpinc_net_id);
}

/* Counters are per-CPU sums, so a gauge may go up on one CPU and down on another. */
#define TCPINC_INC_STATS(net, field) \
	this_cpu_inc(tcpinc_pernet(net)->mib->mibs[field])
#define TCPINC_DEC_STATS(net, field) \
	this_cpu_dec(tcpinc_pernet(net)->mib->mibs[field])

unsigned long tcpinc_stat_read(const struct net *net, enum tcpinc_mib_field field);

/*
 * struct tcpinc_sock - per-socket context, hung off icsk_ulp_data.
 * Lifetime: allocated by the ULP init (setsockopt, under the socket lock)
 * or clone (accept path, child socket locked by bh_lock_sock); freed by the
 * ULP release when the socket is destroyed. icsk_ulp_data is RCU so that
 * diag readers may look at it; the context is freed after a grace period.
 */
struct tcpinc_sock {
	struct sock *sk;		/* owner; never outlives it */
	struct rcu_head rcu;
};

int tcpinc_pernet_register(void);
void tcpinc_pernet_unregister(void);
int tcpinc_ulp_register(void);
void tcpinc_ulp_unregister(void);
int tcpinc_notifiers_register(void);
void tcpinc_notifiers_unregister(void);

#endif /* TCPINC_H */
