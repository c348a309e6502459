// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_socks.c - the registry of sockets with a live tcpcrypt session,
 * per network namespace (tcpinc_net.crypt_socks under crypt_lock), so that a VM
 * generation change can abort them all: the other copy of this VM holds
 * the same keys and stream offsets.
 */
#include <linux/list.h>
#include <linux/spinlock.h>

#include "tcpinc.h"
#include "tcpinc_abort.h"
#include "tcpinc_socks.h"
#include "tcpinc_vmgen.h"

void tcpinc_socks_add(struct net *net, struct tcpinc_sock *ctx)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	spin_lock_bh(&tn->crypt_lock);
	list_add(&ctx->crypt_node, &tn->crypt_socks);
	spin_unlock_bh(&tn->crypt_lock);
}

void tcpinc_socks_del(struct net *net, struct tcpinc_sock *ctx)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	spin_lock_bh(&tn->crypt_lock);
	if (!list_empty(&ctx->crypt_node))
		list_del_init(&ctx->crypt_node);
	spin_unlock_bh(&tn->crypt_lock);
}

unsigned int tcpinc_socks_abort_all(struct net *net, int err)
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

int tcpinc_socks_walk(struct net *net, unsigned long *pos,
		      int (*fn)(struct tcpinc_sock *ctx, void *arg), void *arg)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	struct tcpinc_sock *ctx;
	unsigned long i = 0;
	int err = 0;

	/* Every context on the list has a live socket (see tcpinc_socks_abort_all). */
	spin_lock_bh(&tn->crypt_lock);
	list_for_each_entry(ctx, &tn->crypt_socks, crypt_node) {
		if (i++ < *pos)
			continue;
		err = fn(ctx, arg);
		if (err)
			break;
		*pos = i;
	}
	spin_unlock_bh(&tn->crypt_lock);
	return err;
}

static void tcpinc_socks_wipe(struct net *net, enum tcpinc_wipe_event ev, struct tcpinc_wiped *w)
{
	if (ev == TCPINC_WIPE_VMFORK && READ_ONCE(tcpinc_pernet(net)->vmfork_abort))
		w->aborted += tcpinc_socks_abort_all(net, TCPINC_ERR_VMFORK);
}

const struct tcpinc_secret_holder tcpinc_socks_holder = {
	.wipe	= tcpinc_socks_wipe,
};
