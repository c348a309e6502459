// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_ulp.c - the "tcpcrypt" TCP upper-layer protocol: how a socket opts
 * in (setsockopt(fd, SOL_TCP, TCP_ULP, "tcpcrypt")), how accepted sockets
 * inherit it, and how the per-socket context is freed.
 *
 * Module lifetime: tcp_set_ulp() takes a module reference for the socket
 * that set the ULP and tcp_cleanup_ulp() drops one for every socket whose
 * icsk_ulp_ops is ours. Accepted children are copies of the listener, so
 * the clone op takes the child's reference itself; that is what makes
 * rmmod fail with EBUSY while any socket still uses the module.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <uapi/linux/tcpinc.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_eno.h"
#include "tcpinc_eno_sock.h"
#include "tcpinc_sockopt.h"
#include "tcpinc_crypt.h"
#include "tcpinc_proto.h"
#include "tcpinc_ulp.h"

/*
 * Contexts come from their own cache: a context with the core's ENO object
 * right behind it is about 1.1 KiB, which kmalloc would round up to 2 KiB,
 * on each end of every connection. Created by tcpinc_ulp_register() before
 * the ULP exists, destroyed by tcpinc_ulp_unregister() once the last
 * context's grace period is over.
 */
static struct kmem_cache *tcpinc_ctx_cache;

static struct tcpinc_sock *tcpinc_ctx_alloc(struct sock *sk, gfp_t gfp)
{
	struct tcpinc_sock *ctx = kmem_cache_zalloc(tcpinc_ctx_cache, gfp);

	if (!ctx)
		return NULL;
	ctx->sk = sk;
	TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_CTX_LIVE);
	TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_CTX_TOTAL);
	return ctx;
}

/*
 * ENO is negotiated on the SYN exchange, so the ULP can only be attached
 * before connect() (TCP_CLOSE) or to a listener, whose children inherit it.
 * Called from do_tcp_setsockopt() with the socket lock held.
 */
static int tcpinc_ulp_init(struct sock *sk)
{
	struct tcpinc_sock *ctx;
	int err;

	sock_owned_by_me(sk);

	if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN) {
		TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_CTX_REFUSED);
		net_info_ratelimited("tcpinc: TCP_ULP \"tcpcrypt\" refused (EISCONN): socket state %d is past the SYN; set it before connect() or listen()\n",
				     sk->sk_state);
		return -EISCONN;
	}

	/* Namespaces that never use tcpinc never run its hooks. */
	err = tcpinc_eno_hooks_ensure(sock_net(sk));
	if (err)
		goto refused;
	err = -ENOMEM;
	ctx = tcpinc_ctx_alloc(sk, GFP_KERNEL);
	if (!ctx)
		goto refused;
	tcpinc_eno_sock_init(ctx, sk);
	err = tcpinc_proto_install(sk, ctx);	/* publishes ctx on success */
	if (err) {
		net_info_ratelimited("tcpinc: TCP_ULP \"tcpcrypt\" refused (EOPNOTSUPP): the socket's protocol ops are already replaced (BPF sockmap?)\n");
		TCPINC_DEC_STATS(sock_net(sk), TCPINC_MIB_CTX_LIVE);
		kmem_cache_free(tcpinc_ctx_cache, ctx);
		goto refused;
	}
	return 0;

refused:
	TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_CTX_REFUSED);
	return err;
}

/*
 * Runs in softirq context from inet_csk_clone_lock() with the new child
 * bh-locked. The child starts as a byte copy of the listener, including
 * icsk_ulp_ops and the listener's icsk_ulp_data pointer, which must never
 * be shared (a listener's context is freed when the listener closes).
 * There is no way to fail the clone, so an allocation failure leaves the
 * child without the ULP: counted and logged.
 */
static void tcpinc_ulp_clone(const struct request_sock *req, struct sock *newsk,
			     const gfp_t priority)
{
	struct inet_connection_sock *icsk = inet_csk(newsk);
	/* Still the listener's pointer: the child is a byte copy of it. */
	struct tcpinc_sock *lctx = rcu_dereference(icsk->icsk_ulp_data);
	struct tcpinc_sock *ctx;

	ctx = tcpinc_ctx_alloc(newsk, priority);
	if (!ctx) {
		RCU_INIT_POINTER(icsk->icsk_ulp_data, NULL);
		icsk->icsk_ulp_ops = NULL;
		/* Without a module reference it must not keep our proto copy. */
		tcpinc_proto_restore(newsk, lctx);
		TCPINC_INC_STATS(sock_net(newsk), TCPINC_MIB_CLONE_FAILED);
		net_warn_ratelimited("tcpinc: accepted socket left without tcpcrypt context: out of memory\n");
		return;
	}
	__module_get(THIS_MODULE);
	/* The child runs the listener's proto copy, so it has its base. */
	ctx->sk_proto = lctx ? lctx->sk_proto : tcpinc_proto_origin(newsk);
	tcpinc_eno_sock_clone(ctx, lctx, req, newsk);
	rcu_assign_pointer(icsk->icsk_ulp_data, ctx);
}

/*
 * Called once from tcp_cleanup_ulp() when the socket is destroyed
 * (inet_csk_destroy_sock: socket lock or bh lock held, SOCK_DEAD set),
 * right before it drops the module reference. That is not the socket's
 * last reference: struct sock lives on while skbs it sent are still in a
 * qdisc (netem holds a socket reference, a pure ACK sk_wmem_alloc), a work
 * item or timer holds one, and so on; its final free runs
 * inet_sock_destruct(), which reads sk->sk_prot, maybe after rmmod.
 * So everything of ours the socket still points to goes back to TCP's
 * here, while the module is certainly loaded (as kTLS does at close):
 * sk_prot (our proto copy) and the data path's callbacks. sock->ops is not
 * ours to restore: the socket is orphaned, and sock_release() dropped
 * that copy's reference. The context is only reachable through
 * icsk_ulp_data (RCU readers in the callbacks) and is freed after a grace
 * period.
 */
/* After the grace period: no RCU reader (callbacks, get_info) sees ctx any more. */
static void tcpinc_ctx_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(tcpinc_ctx_cache, container_of(head, struct tcpinc_sock, rcu));
}

static void tcpinc_ulp_release(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcpinc_sock *ctx;

	ctx = rcu_dereference_protected(icsk->icsk_ulp_data, true);
	/* Never NULL: init and clone publish ctx before icsk_ulp_ops names us. */
	if (!ctx)
		return;
	tcpinc_proto_restore(sk, ctx);
	tcpinc_crypt_restore_callbacks(sk, ctx);
	RCU_INIT_POINTER(icsk->icsk_ulp_data, NULL);
	/* The session first: it may still hold ENO's negotiated result. */
	tcpinc_crypt_free(ctx);
	tcpinc_eno_sock_release(ctx);
	TCPINC_DEC_STATS(sock_net(sk), TCPINC_MIB_CTX_LIVE);
	/* call_rcu, not kfree_rcu: tcpinc_ulp_unregister's rcu_barrier() waits for it. */
	call_rcu(&ctx->rcu, tcpinc_ctx_free_rcu);
}

/*
 * inet_diag (ss -tie): tcp_diag has put INET_ULP_INFO_NAME; we add a
 * TCPINC_ULP_INFO nest once the keys exist. Runs without the socket lock,
 * so it reads only the published summary (struct tcpinc_summary), under
 * RCU: the context is freed after a grace period, its session at release.
 */
static int tcpinc_ulp_get_info(struct sock *sk, struct sk_buff *skb)
{
	const struct tcpinc_summary *in;
	struct tcpinc_sock *ctx;
	struct nlattr *nest;
	int err = 0;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (!ctx || !smp_load_acquire(&ctx->info.ready))
		goto out;
	in = &ctx->info;
	err = -EMSGSIZE;
	nest = nla_nest_start_noflag(skb, TCPINC_ULP_INFO);
	if (!nest)
		goto out;
	if (nla_put_u8(skb, TCPINC_ULP_TEP, in->tep) ||
	    nla_put_u16(skb, TCPINC_ULP_AEAD, in->aead) ||
	    nla_put_u8(skb, TCPINC_ULP_RESUMED, in->resumed) ||
	    nla_put(skb, TCPINC_ULP_SESSID, in->sid_len, in->sid)) {
		nla_nest_cancel(skb, nest);
		goto out;
	}
	nla_nest_end(skb, nest);
	err = 0;
out:
	rcu_read_unlock();
	return err;
}

/* The most get_info adds; tcp_diag sizes the message with it. */
static size_t tcpinc_ulp_get_info_size(const struct sock *sk)
{
	return nla_total_size(0) +			/* TCPINC_ULP_INFO */
	       nla_total_size(sizeof(u8)) +		/* TEP */
	       nla_total_size(sizeof(u16)) +		/* AEAD */
	       nla_total_size(sizeof(u8)) +		/* RESUMED */
	       nla_total_size(TCPINC_CORE_TC_SESSION_ID_LEN);
}

struct tcp_ulp_ops tcpinc_ulp_ops __read_mostly = {
	.name		= "tcpcrypt",
	.owner		= THIS_MODULE,
	.init		= tcpinc_ulp_init,
	.clone		= tcpinc_ulp_clone,
	.release	= tcpinc_ulp_release,
	.get_info	= tcpinc_ulp_get_info,
	.get_info_size	= tcpinc_ulp_get_info_size,
};

/* ENO enabled encryption: every TEP we negotiate is tcpcrypt, start it. */
static void tcpinc_ulp_eno_enabled(struct sock *sk, struct tcpinc_sock *ctx)
{
	tcpinc_crypt_enable(sk, ctx);
}

static const struct tcpinc_eno_ops tcpinc_ulp_eno_ops = {
	.enabled	= tcpinc_ulp_eno_enabled,
};

int tcpinc_ulp_register(void)
{
	int err;

	tcpinc_ctx_cache = kmem_cache_create("tcpinc_sock",
					     sizeof(struct tcpinc_sock) + tcpinc_eno_ctx_extra(),
					     0, 0, NULL);
	if (!tcpinc_ctx_cache)
		return -ENOMEM;
	/* Before the ULP exists: no hook or clone runs for it until then. */
	tcpinc_eno_set_ops(&tcpinc_ulp_eno_ops);
	err = tcp_register_ulp(&tcpinc_ulp_ops);
	if (err)
		kmem_cache_destroy(tcpinc_ctx_cache);
	return err;
}

void tcpinc_ulp_unregister(void)
{
	tcp_unregister_ulp(&tcpinc_ulp_ops);
	/*
	 * No socket holds the module (each ULP user holds a reference until
	 * its release), so no context is live; wait for the grace periods of
	 * the last ones freed.
	 */
	rcu_barrier();
	kmem_cache_destroy(tcpinc_ctx_cache);
}
