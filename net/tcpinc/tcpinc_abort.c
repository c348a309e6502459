// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_abort.c - aborting a connection from a context that may not take
 * the socket lock (netfilter hooks, the ULP clone op).
 */
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_abort.h"

struct workqueue_struct *tcpinc_wq;

struct tcpinc_abort_work {
	struct work_struct work;
	struct sock *sk;	/* holds a reference */
	int err;
};

static void tcpinc_abort_fn(struct work_struct *work)
{
	struct tcpinc_abort_work *w = container_of(work, struct tcpinc_abort_work, work);

	tcp_abort(w->sk, w->err);
	sock_put(w->sk);
	kfree(w);
}

/*
 * tcpinc_abort_async - abort sk with err from a context that may not take
 * the socket lock (hooks, clone). tcp_abort() does the RFC 793 ABORT: the
 * application sees err, never a clean EOF.
 */
void tcpinc_abort_async(struct sock *sk, int err)
{
	struct tcpinc_abort_work *w = kzalloc(sizeof(*w), GFP_ATOMIC);

	if (!w) {
		/* Cannot queue: at least make every later call fail with err. */
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
		return;
	}
	INIT_WORK(&w->work, tcpinc_abort_fn);
	sock_hold(sk);
	w->sk = sk;
	w->err = err;
	queue_work(tcpinc_wq, &w->work);
}


int tcpinc_abort_init(void)
{
	tcpinc_wq = alloc_workqueue("tcpinc", 0, 0);
	return tcpinc_wq ? 0 : -ENOMEM;
}

void tcpinc_abort_exit(void)
{
	destroy_workqueue(tcpinc_wq);	/* waits for queued aborts */
}
