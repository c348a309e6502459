// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_proto.c - the protocol a socket runs while it carries the ULP.
 *
 * Like kTLS, the ULP points sk->sk_prot at a module copy of tcp_prot or
 * tcpv6_prot whose entries run the tcpcrypt data path (tcpinc_crypt_*) and
 * the socket options (tcpinc_sockopt.c), and pass everything else on to
 * the protocol the socket had before (ctx->sk_proto). Children inherit the
 * copy with the socket. Release puts ctx->sk_proto back.
 */
#include <linux/module.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <net/inet_common.h>
#include <net/tcp.h>
#include <net/transp_v6.h>

#include "tcpinc.h"
#include "tcpinc_crypt.h"
#include "tcpinc_proto.h"
#include "tcpinc_sockopt.h"

enum { TCPINC_PROT_V4, TCPINC_PROT_V6, TCPINC_NPROTS };
/* Built once at module init; read-only afterwards. */
static struct proto tcpinc_prots[TCPINC_NPROTS] __ro_after_init;

/*
 * The socket layer's ops (sock->ops): splice(2) from the socket and
 * in-kernel read_sock/read_skb users reach TCP through them, not through
 * sk->sk_prot, and would get ciphertext. Like kTLS, a socket taking the ULP
 * gets a copy of TCP's ops with those entries replaced, and poll and
 * connect too (the data path's work there: tcpinc_crypt_poll/connect). inet6_stream_ops
 * is not exported, so each copy is built from the first socket of its
 * family (under tcpinc_ops_lock, published with a release store). The
 * copies name this module as owner: sock_release() and accept() count
 * module references by ops->owner, so no socket outlives the code.
 */
static struct proto_ops tcpinc_ops[TCPINC_NPROTS];
static bool tcpinc_ops_built[TCPINC_NPROTS];
static DEFINE_MUTEX(tcpinc_ops_lock);

/*
 * proto.connect, the one place every new connection of a socket starts
 * (connect(), sendto(MSG_FASTOPEN), io_uring; socket lock held by
 * __inet_stream_connect). A socket carrying the ULP connects once: its
 * negotiation state (ENO's SYN record, the tcpcrypt session and its session
 * ID, a burnt resumption secret and nonce) belongs to the first connection,
 * and nothing in TCP tells a ULP that connect(AF_UNSPEC) or a failed
 * attempt ended it. Running a second connection on that state would send
 * a SYN without ENO, report the old session ID, or hand the old resumption
 * secret to another peer; so it is refused with EISCONN, which TCP itself
 * never returns for a closed, unconnected socket (socket-api.md).
 */
static int tcpinc_proto_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	struct tcpinc_sock *ctx;
	int rc;

	sock_owned_by_me(sk);
	ctx = tcpinc_ctx(sk);
	if (ctx && (ctx->connect_used || READ_ONCE(ctx->phase) != TCPINC_ENO_UNSTARTED)) {
		net_info_ratelimited("tcpinc: connect() refused (EISCONN): this tcpcrypt socket already made a connection; its negotiation state cannot be reused, open a new socket\n");
		return -EISCONN;
	}
	rc = tcpinc_sk_proto(sk)->connect(sk, uaddr, addr_len);
	/*
	 * 0: the SYN left or is deferred (TCP_FASTOPEN_CONNECT); either way
	 * this socket's state now belongs to this connection. An error
	 * (no route, no port) sent nothing: the socket may try again.
	 */
	if (ctx && rc == 0)
		ctx->connect_used = 1;
	return rc;
}

/*
 * listen(): refused after a connection (the same stale state as a second
 * connect, the same answer); otherwise TCP's, then Fast Open is switched
 * off again (with net.ipv4.tcp_fastopen 0x400 TCP enables it here).
 */
static int tcpinc_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct tcpinc_sock *ctx;
	bool used;
	int rc;

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	used = ctx && (ctx->connect_used || READ_ONCE(ctx->phase) != TCPINC_ENO_UNSTARTED) &&
	       sk->sk_state != TCP_LISTEN;
	release_sock(sk);
	if (used) {
		net_info_ratelimited("tcpinc: listen() refused (EISCONN): this tcpcrypt socket already made a connection; open a new socket\n");
		return -EISCONN;
	}
	rc = inet_listen(sock, backlog);
	tcpinc_no_fastopen(sk);
	return rc;
}

static int tcpinc_read_sock(struct sock *sk, read_descriptor_t *desc, sk_read_actor_t actor)
{
	return tcpinc_crypt_raw_read_ok(sk) ? tcp_read_sock(sk, desc, actor) : -EOPNOTSUPP;
}

static int tcpinc_read_skb(struct sock *sk, skb_read_actor_t actor)
{
	return tcpinc_crypt_raw_read_ok(sk) ? tcp_read_skb(sk, actor) : -EOPNOTSUPP;
}

/* TCP's own stream ops of the right family, and nobody else's. */
static bool tcpinc_ops_are_tcp(const struct proto_ops *ops, int idx)
{
	return ops->family == (idx == TCPINC_PROT_V6 ? PF_INET6 : PF_INET) &&
	       ops->poll == tcp_poll && ops->connect == inet_stream_connect &&
	       ops->listen == inet_listen &&
	       ops->splice_read == tcp_splice_read && ops->read_sock == tcp_read_sock &&
	       ops->read_skb == tcp_read_skb && ops->peek_len == tcp_peek_len;
}

static const struct proto_ops *tcpinc_ops_get(const struct proto_ops *base, int idx)
{
	if (smp_load_acquire(&tcpinc_ops_built[idx]))
		return &tcpinc_ops[idx];
	mutex_lock(&tcpinc_ops_lock);
	if (!tcpinc_ops_built[idx]) {
		struct proto_ops *ops = &tcpinc_ops[idx];

		*ops = *base;
		ops->owner = THIS_MODULE;
		ops->poll = tcpinc_crypt_poll;
		ops->connect = tcpinc_crypt_connect;
		ops->listen = tcpinc_listen;
		ops->splice_read = tcpinc_crypt_splice_read;
		ops->read_sock = tcpinc_read_sock;
		ops->read_skb = tcpinc_read_skb;
		ops->peek_len = tcpinc_crypt_peek_len;
		smp_store_release(&tcpinc_ops_built[idx], true);
	}
	mutex_unlock(&tcpinc_ops_lock);
	return &tcpinc_ops[idx];
}

/*
 * tcpinc_proto_install - ULP init: keep the socket's protocol in ctx, publish
 * ctx, then swap in our proto copy and, if the socket has a struct socket,
 * our proto_ops copy. ctx is published first so that every entry of the
 * copy finds ctx->sk_proto (tcpinc_sk_proto), even before tcp_set_ulp()
 * names our ULP in icsk_ulp_ops. Sockets whose proto or ops are not plain
 * TCP's (e.g. in a BPF sockmap) are refused and ctx is not published: our
 * copy would drop whatever the other owner installed. Socket lock held,
 * process context.
 */
int tcpinc_proto_install(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct socket *sock = sk->sk_socket;
	const struct proto_ops *ops = NULL;
	int idx;

	sock_owned_by_me(sk);
	if (sk->sk_prot == &tcp_prot)
		idx = TCPINC_PROT_V4;
	else if (sk->sk_prot == &tcpv6_prot)
		idx = TCPINC_PROT_V6;
	else
		return -EOPNOTSUPP;
	if (sock) {
		if (!tcpinc_ops_are_tcp(sock->ops, idx))
			return -EOPNOTSUPP;
		ops = tcpinc_ops_get(sock->ops, idx);
	}
	ctx->sk_proto = sk->sk_prot;
	rcu_assign_pointer(inet_csk(sk)->icsk_ulp_data, ctx);
	WRITE_ONCE(sk->sk_prot, &tcpinc_prots[idx]);
	if (ops) {
		/* Dropped by sock_release() through ops->owner. */
		__module_get(THIS_MODULE);
		WRITE_ONCE(sock->ops, ops);
	}
	return 0;
}

/*
 * The data path's entries (sendmsg, recvmsg, sendpage, shutdown, close,
 * sock_is_readable) are tcpinc_crypt_*() themselves; they pass a connection
 * that is not encrypted on to ctx->sk_proto.
 */

/* SIOCINQ counts plaintext on an encrypted connection (tcpinc_crypt_inq). */
static int tcpinc_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	if (cmd == SIOCINQ) {
		int n, err = tcpinc_crypt_inq(sk, &n);

		if (err != -ENOIOCTLCMD)
			return err ?: put_user(n, (int __user *)arg);
	}
	return tcpinc_sk_proto(sk)->ioctl(sk, cmd, arg);
}

/* Not writable before the keys exist: poll must not say POLLOUT. */
static bool tcpinc_stream_memory_free(const struct sock *sk, int wake)
{
	if (tcpinc_crypt_write_blocked((struct sock *)sk))
		return false;
	return tcp_stream_memory_free(sk, wake);
}

/*
 * SO_KEEPALIVE (sk_setsockopt, socket lock held; SOCK_KEEPOPEN is updated
 * after this returns, hence the argument): TCP's keep-alive probes cannot
 * be authenticated, so an encrypted connection also probes with a rekey.
 */
static void tcpinc_keepalive(struct sock *sk, int valbool)
{
	tcpinc_sk_proto(sk)->keepalive(sk, valbool);
	tcpinc_crypt_keepalive_update(sk, valbool);
}

/*
 * tcpinc_proto_origin - the protocol our copy on sk was built from. Only for
 * an accepted child whose listener's context is gone (the listener is being
 * released while the child is cloned): every other socket finds its base
 * protocol in its context (ctx->sk_proto).
 */
struct proto *tcpinc_proto_origin(const struct sock *sk)
{
	return sk->sk_prot == &tcpinc_prots[TCPINC_PROT_V6] ? &tcpv6_prot : &tcp_prot;
}

/*
 * tcpinc_proto_restore - put back the protocol ctx kept (ctx->sk_proto): at
 * ULP release (the socket is destroyed but struct sock may outlive the
 * module; see tcpinc_ulp_release), and on a child that could not get a
 * context of its own (ctx is then the listener's, whose protocol the child
 * copied, or NULL, see tcpinc_proto_origin). Only our copies are replaced:
 * a protocol someone else installed stays theirs.
 */
void tcpinc_proto_restore(struct sock *sk, const struct tcpinc_sock *ctx)
{
	if (sk->sk_prot == &tcpinc_prots[TCPINC_PROT_V4] ||
	    sk->sk_prot == &tcpinc_prots[TCPINC_PROT_V6])
		WRITE_ONCE(sk->sk_prot, ctx ? ctx->sk_proto : tcpinc_proto_origin(sk));
}

int __init tcpinc_proto_init(void)
{
	int i;

	tcpinc_prots[TCPINC_PROT_V4] = tcp_prot;
	tcpinc_prots[TCPINC_PROT_V6] = tcpv6_prot;
	for (i = 0; i < TCPINC_NPROTS; i++) {
		struct proto *p = &tcpinc_prots[i];

		p->setsockopt = tcpinc_setsockopt;
		p->getsockopt = tcpinc_getsockopt;
		p->sendmsg = tcpinc_crypt_sendmsg;
		p->recvmsg = tcpinc_crypt_recvmsg;
		p->sendpage = tcpinc_crypt_sendpage;
		p->shutdown = tcpinc_crypt_shutdown;
		p->close = tcpinc_crypt_close;
		p->ioctl = tcpinc_ioctl;
		p->sock_is_readable = tcpinc_crypt_is_readable;
		p->stream_memory_free = tcpinc_stream_memory_free;
		p->keepalive = tcpinc_keepalive;
		p->connect = tcpinc_proto_connect;
	}
	return 0;
}

void tcpinc_proto_exit(void)
{
}
