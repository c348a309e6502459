// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_sockopt.c - the TCP_ENO_* socket options (include/uapi/linux/tcpinc.h,
 * after draft-ietf-tcpinc-api-06) on sockets carrying the ULP.
 *
 * Like kTLS, the ULP points sk->sk_prot at a module copy of tcp_prot or
 * tcpv6_prot whose setsockopt/getsockopt handle our option numbers and pass
 * everything else to TCP. Children inherit the copy with the socket.
 */
#include <linux/module.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <net/inet_common.h>
#include <net/tcp.h>
#include <net/transp_v6.h>
#include <uapi/linux/tcpinc.h>

#include "tcpinc.h"
#include "tcpinc_ids.h"
#include "tcpinc_sockopt.h"
#include "tcpinc_tcpcrypt.h"
#include "tcpinc/core_api.h"

enum { TCPINC_PROT_V4, TCPINC_PROT_V6, TCPINC_NPROTS };
/* Built once at module init; read-only afterwards. */
static struct proto tcpinc_prots[TCPINC_NPROTS] __ro_after_init;

/*
 * The socket layer's ops (sock->ops): splice(2) from the socket and
 * in-kernel read_sock/read_skb users reach TCP through them, not through
 * sk->sk_prot, and would get ciphertext. Like kTLS, a socket taking the ULP
 * gets a copy of TCP's ops with those entries replaced, and poll and
 * connect too (the data path's work there: tcpinc_tc_poll/connect). inet6_stream_ops
 * is not exported, so each copy is built from the first socket of its
 * family (under tcpinc_ops_lock, published with a release store). The
 * copies name this module as owner: sock_release() and accept() count
 * module references by ops->owner, so no socket outlives the code.
 */
static struct proto_ops tcpinc_ops[TCPINC_NPROTS];
static bool tcpinc_ops_built[TCPINC_NPROTS];
static DEFINE_MUTEX(tcpinc_ops_lock);

static struct proto *tcpinc_base_prot(const struct sock *sk)
{
	return sk->sk_prot == &tcpinc_prots[TCPINC_PROT_V6] ? &tcpv6_prot : &tcp_prot;
}

static bool tcpinc_is_our_opt(int level, int optname)
{
	return level == SOL_TCP &&
	       ((optname >= TCP_ENO_ENABLED && optname <= TCP_ENO_TRANSCRIPT) ||
		optname == TCP_CRYPT_CONF || optname == TCP_CRYPT_AEADS ||
		optname == TCP_CRYPT_NO_RESUME || optname == TCP_CRYPT_NO_CACHE ||
		optname == TCP_CRYPT_RESUME_NONCE || optname == TCP_CRYPT_REKEY_BYTES);
}

/* The list setters get the option already copied in (no fault under a spinlock). */
static int set_aeads(struct tcpinc_sock *ctx, const u8 *optval, unsigned int optlen)
{
	u16 ids[8];
	unsigned int n = optlen / sizeof(u16);

	if (optlen % sizeof(u16) || n == 0 || n > ARRAY_SIZE(ids))
		return -EINVAL;
	memcpy(ids, optval, optlen);
	if (!tcpinc_ids_ok(ids, n, tcpinc_aead_known))
		return -EINVAL;
	memcpy(ctx->cfg.aeads, ids, optlen);
	ctx->cfg.aead_count = n;
	return 0;
}

/*
 * Both handlers work under the socket lock (against connect/listen changing
 * the state) and the context lock (against the hooks, in softirq).
 */
static struct tcpinc_sock *tcpinc_lock_ctx(struct sock *sk)
{
	struct tcpinc_sock *ctx;

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	if (!ctx) {
		release_sock(sk);
		return NULL;
	}
	spin_lock_bh(&ctx->lock);
	return ctx;
}

static void tcpinc_unlock_ctx(struct sock *sk, struct tcpinc_sock *ctx)
{
	spin_unlock_bh(&ctx->lock);
	release_sock(sk);
}

/* Options that shape our SYN can only change before it is sent. */
static bool eno_started(const struct sock *sk, const struct tcpinc_sock *ctx)
{
	return ctx->phase != TCPINC_ENO_UNSTARTED ||
	       (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN);
}

static int set_teps(struct tcpinc_sock *ctx, const u8 *optval, unsigned int optlen)
{
	u8 teps[TCPINC_CORE_ENO_MAX_TEPS];
	u16 ids[TCPINC_CORE_ENO_MAX_TEPS];
	unsigned int i;

	if (optlen > sizeof(teps))
		return -EINVAL;
	memcpy(teps, optval, optlen);
	for (i = 0; i < optlen; i++) {
		teps[i] &= 0x7f;	/* the v bit is not part of an id */
		ids[i] = teps[i];
	}
	if (!tcpinc_ids_ok(ids, optlen, tcpinc_tep_known))
		return -EINVAL;
	memcpy(ctx->cfg.teps, teps, optlen);
	ctx->cfg.tep_count = optlen;
	if (optlen == 0)
		ctx->cfg.enabled = 0;	/* the draft: an empty list disables ENO */
	return 0;
}

static void tcpinc_no_fastopen(struct sock *sk);

static int tcpinc_setsockopt(struct sock *sk, int level, int optname,
			     sockptr_t optval, unsigned int optlen)
{
	struct tcpinc_sock *ctx;
	bool abort_now = false;
	u8 list[16];	/* TEPS (<= 8 bytes) or AEADS (<= 8 u16) */
	int val = 0, err = 0;
	u64 val64 = 0;

	if (level == SOL_TCP && optname == TCP_REPAIR) {
		struct tcpinc_sock *c;
		bool encrypted;

		rcu_read_lock();
		c = tcpinc_ctx(sk);
		encrypted = c && READ_ONCE(c->phase) == TCPINC_ENO_ENABLED;
		rcu_read_unlock();
		/* A repaired copy would send again under the same keys and nonces. */
		if (encrypted) {
			net_info_ratelimited("tcpinc: TCP_REPAIR refused (EPERM) on a tcpcrypt connection: a restored copy would reuse (key, nonce) pairs\n");
			return -EPERM;
		}
	}
	if (level == SOL_TCP && optname == TCP_CRYPT_REKEY) {
		/* Sends a frame: socket lock only, no context spinlock. */
		lock_sock(sk);
		ctx = tcpinc_ctx(sk);
		err = ctx ? tcpinc_tc_rekey(sk, ctx) : -ENOPROTOOPT;
		release_sock(sk);
		return err;
	}
	if (level == SOL_TCP && optname == TCP_CRYPT_CACHE_FLUSH) {
		if (optlen < sizeof(int))
			return -EINVAL;
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
		if (val != 1)
			return -EINVAL;
		lock_sock(sk);
		ctx = tcpinc_ctx(sk);
		if (!ctx) {
			err = -ENOPROTOOPT;
		} else if (!eno_started(sk, ctx)) {
			spin_lock_bh(&ctx->lock);
			ctx->cfg.no_resume = 1;
			spin_unlock_bh(&ctx->lock);
		} else {
			tcpinc_tc_cache_flush(sk, ctx);
		}
		release_sock(sk);
		return err;
	}
	if (level == SOL_TCP && optname == TCP_KEEPIDLE) {
		/* TCP re-arms its keep-alive timer; ours follows (keep-alive by rekey). */
		err = tcpinc_base_prot(sk)->setsockopt(sk, level, optname, optval, optlen);
		if (!err) {
			lock_sock(sk);
			tcpinc_tc_keepalive_update(sk, sock_flag(sk, SOCK_KEEPOPEN));
			release_sock(sk);
		}
		return err;
	}
	if (level == SOL_TCP && optname == TCP_FASTOPEN) {
		/* Accepted, then undone: a ULP listener does no Fast Open. */
		err = tcpinc_base_prot(sk)->setsockopt(sk, level, optname, optval, optlen);
		if (!err)
			tcpinc_no_fastopen(sk);
		return err;
	}
	if (!tcpinc_is_our_opt(level, optname))
		return tcpinc_base_prot(sk)->setsockopt(sk, level, optname, optval, optlen);

	/*
	 * Copy from the user before taking the context spinlock: a fault may
	 * sleep (found by DEBUG_ATOMIC_SLEEP on the debug kernel).
	 */
	if (optname == TCP_ENO_TEPS || optname == TCP_CRYPT_AEADS) {
		if (optlen > sizeof(list))
			return -EINVAL;
		if (copy_from_sockptr(list, optval, optlen))
			return -EFAULT;
	} else if (optname == TCP_CRYPT_REKEY_BYTES) {
		u32 v32;

		/* u64, or an unsigned int for callers that pass int options. */
		if (optlen >= sizeof(val64)) {
			if (copy_from_sockptr(&val64, optval, sizeof(val64)))
				return -EFAULT;
		} else if (optlen >= sizeof(v32)) {
			if (copy_from_sockptr(&v32, optval, sizeof(v32)))
				return -EFAULT;
			val64 = v32;
		} else {
			return -EINVAL;
		}
	} else {
		if (optlen < sizeof(int))
			return -EINVAL;
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
	}

	ctx = tcpinc_lock_ctx(sk);
	if (!ctx)
		return -ENOPROTOOPT;
	switch (optname) {
	case TCP_ENO_ENABLED:
		if (val < -1 || val > 1)
			err = -EINVAL;
		else if (eno_started(sk, ctx))
			err = -EISCONN;
		else
			ctx->cfg.enabled = val;
		break;
	case TCP_ENO_TEPS:
		err = eno_started(sk, ctx) ? -EISCONN : set_teps(ctx, list, optlen);
		break;
	case TCP_CRYPT_AEADS:
		err = eno_started(sk, ctx) ? -EISCONN : set_aeads(ctx, list, optlen);
		break;
	case TCP_ENO_SELF_GOPT:
		if (val < 0 || val > 31)
			err = -EINVAL;
		else if (eno_started(sk, ctx))
			err = -EISCONN;
		else
			ctx->cfg.gopt = val;
		break;
	case TCP_ENO_AA_MANDATORY:
		if (val < 0 || val > 1)
			err = -EINVAL;
		else if (eno_started(sk, ctx))
			err = -EISCONN;
		else
			ctx->cfg.aa_mandatory = val;
		break;
	case TCP_CRYPT_NO_RESUME:
	case TCP_CRYPT_NO_CACHE:
		if (val < 0 || val > 1)
			err = -EINVAL;
		else if (eno_started(sk, ctx))
			err = -EISCONN;
		else if (optname == TCP_CRYPT_NO_RESUME)
			ctx->cfg.no_resume = val;
		else
			ctx->cfg.no_cache = val;
		break;
	case TCP_CRYPT_RESUME_NONCE:
		if (val < 0 || val > TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN - 1 - TCPINC_CORE_TC_RESUME_HALF_LEN)
			err = -EINVAL;
		else if (eno_started(sk, ctx))
			err = -EISCONN;
		else	/* the core's encoding: 0 = the default 8, 0xff = none */
			ctx->cfg.nonce_len = val == 8 ? TCPINC_CORE_TC_RESUME_NONCE_DEFAULT :
					     val == 0 ? TCPINC_CORE_TC_RESUME_NONCE_NONE : val;
		break;
	case TCP_CRYPT_REKEY_BYTES:
		/* Read by the data path under the socket lock, which we hold. */
		ctx->cfg.rekey_bytes = val64;
		ctx->cfg.rekey_bytes_set = 1;
		break;
	case TCP_ENO_TEP_MANDATORY:
		if (val < 0 || val > 1) {
			err = -EINVAL;
			break;
		}
		ctx->cfg.tep_mandatory = val;
		/* The draft: on a connection that is already plain TCP, abort now. */
		abort_now = val && sk->sk_state == TCP_ESTABLISHED &&
			    ctx->phase != TCPINC_ENO_ENABLED;
		break;
	default:
		err = -ENOPROTOOPT;	/* read-only */
		break;
	}
	tcpinc_unlock_ctx(sk, ctx);
	if (abort_now) {
		net_info_ratelimited("tcpinc: TCP_ENO_TEP_MANDATORY set on an unencrypted connection: aborting it (ECONNABORTED)\n");
		TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_ENO_ABORT);
		tcp_abort(sk, ECONNABORTED);
	}
	return err;
}

/* For the read-only options: the draft's ENOTCONN / EINVAL split. */
static int need_enabled(const struct tcpinc_sock *ctx)
{
	switch (ctx->phase) {
	case TCPINC_ENO_ENABLED:
		return 0;
	case TCPINC_ENO_UNSTARTED:
	case TCPINC_ENO_NEGOTIATING:
		return -ENOTCONN;
	default:
		return -EINVAL;
	}
}

static int tcpinc_getsockopt(struct sock *sk, int level, int optname,
			     char __user *optval, int __user *optlen)
{
	struct tcpinc_core_eno_result res;
	struct tcpinc_sock *ctx;
	u8 buf[TCPINC_CORE_ENO_MAX_TRANSCRIPT];
	const void *src = buf;
	int len, n = sizeof(int), val = 0, err = 0;
	u64 val64 = 0;

	if (level == SOL_TCP && optname == TCP_ZEROCOPY_RECEIVE) {
		struct tcpinc_sock *c;
		bool encrypted;

		rcu_read_lock();
		c = tcpinc_ctx(sk);
		encrypted = c && READ_ONCE(c->phase) == TCPINC_ENO_ENABLED;
		rcu_read_unlock();
		if (encrypted)
			return -EOPNOTSUPP;	/* it would map ciphertext */
	}
	if (level == SOL_TCP && optname == TCP_CRYPT_RESUMED) {
		if (get_user(len, optlen))
			return -EFAULT;
		if (len < (int)sizeof(int))
			return -EINVAL;
		lock_sock(sk);
		ctx = tcpinc_ctx(sk);
		val = ctx ? tcpinc_tc_resumed(sk, ctx) : -ENOPROTOOPT;
		release_sock(sk);
		if (val < 0)
			return val;
		if (put_user(sizeof(int), optlen) || copy_to_user(optval, &val, sizeof(int)))
			return -EFAULT;
		return 0;
	}
	if (!tcpinc_is_our_opt(level, optname))
		return tcpinc_base_prot(sk)->getsockopt(sk, level, optname, optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	/* These read the session, which a resumed connection creates lazily. */
	if (optname == TCP_CRYPT_CONF || optname == TCP_ENO_SESSID ||
	    optname == TCP_ENO_SELF_NAME || optname == TCP_ENO_PEER_NAME)
		tcpinc_tc_prepare(sk);
	ctx = tcpinc_lock_ctx(sk);
	if (!ctx)
		return -ENOPROTOOPT;
	switch (optname) {
	case TCP_ENO_ENABLED:
		val = ctx->cfg.enabled;
		break;
	case TCP_ENO_TEPS:
		if (ctx->cfg.tep_count != 0xff) {
			n = ctx->cfg.tep_count;
			memcpy(buf, ctx->cfg.teps, n);
		} else {
			const struct tcpinc_net *tn = tcpinc_pernet(sock_net(sk));

			n = tn->eno_tep_count;
			memcpy(buf, tn->eno_teps, n);
		}
		break;
	case TCP_ENO_SELF_GOPT:
		val = ctx->cfg.gopt | (sk->sk_state == TCP_LISTEN ? 0x01 : 0);
		if (ctx->phase == TCPINC_ENO_ENABLED &&
		    tcpinc_core_eno_get_result(ctx->eno, &res) == 0)
			val = res.local_gopt;
		break;
	case TCP_ENO_AA_MANDATORY:
		val = ctx->cfg.aa_mandatory;
		break;
	case TCP_ENO_TEP_MANDATORY:
		val = ctx->cfg.tep_mandatory;
		break;
	case TCP_CRYPT_NO_RESUME:
		val = ctx->cfg.no_resume;
		break;
	case TCP_CRYPT_NO_CACHE:
		val = ctx->cfg.no_cache;
		break;
	case TCP_CRYPT_RESUME_NONCE:
		val = ctx->cfg.nonce_len == TCPINC_CORE_TC_RESUME_NONCE_DEFAULT ? 8 :
		      ctx->cfg.nonce_len == TCPINC_CORE_TC_RESUME_NONCE_NONE ? 0 : ctx->cfg.nonce_len;
		break;
	case TCP_CRYPT_AEADS:
		if (ctx->cfg.aead_count) {
			n = ctx->cfg.aead_count * sizeof(u16);
			memcpy(buf, ctx->cfg.aeads, n);
		} else {
			const struct tcpinc_net *tn = tcpinc_pernet(sock_net(sk));

			n = tn->tcpcrypt_aead_count * sizeof(u16);
			memcpy(buf, tn->tcpcrypt_aeads, n);
		}
		break;
	case TCP_CRYPT_REKEY_BYTES:
		val64 = ctx->cfg.rekey_bytes_set ? ctx->cfg.rekey_bytes :
			READ_ONCE(tcpinc_pernet(sock_net(sk))->tcpcrypt_rekey_bytes);
		break;
	case TCP_CRYPT_CONF:
		err = need_enabled(ctx);
		if (!err) {
			val = tcpinc_tc_aead(sk, ctx);
			if (val < 0)
				err = val;
		}
		break;
	case TCP_ENO_NEGTEP:
	case TCP_ENO_PEER_GOPT:
	case TCP_ENO_ROLE:
	case TCP_ENO_TRANSCRIPT:
		err = need_enabled(ctx);
		if (err)
			break;
		if (tcpinc_core_eno_get_result(ctx->eno, &res)) {
			err = -EINVAL;
			break;
		}
		if (optname == TCP_ENO_NEGTEP) {
			val = res.tep_byte;
		} else if (optname == TCP_ENO_PEER_GOPT) {
			val = res.peer_gopt;
		} else if (optname == TCP_ENO_ROLE) {
			val = res.role;
		} else {
			n = res.transcript_len;
			memcpy(buf, res.transcript, n);
		}
		break;
	case TCP_ENO_SESSID:
	case TCP_ENO_SELF_NAME:
	case TCP_ENO_PEER_NAME: {
		/*
		 * The session ID is the TEP's (tcpcrypt's key schedule); until
		 * its key exchange completed there is none, and the API must
		 * say so rather than return an empty ID.
		 */
		size_t idlen = 0;
		u8 *id = optname == TCP_ENO_SESSID ? buf : buf + 1;

		err = need_enabled(ctx);
		if (!err)
			err = tcpinc_tc_session_id(sk, ctx, id, TCPINC_CORE_TC_SESSION_ID_LEN, &idlen);
		if (err)
			break;
		n = idlen;
		if (optname != TCP_ENO_SESSID) {
			struct tcpinc_core_eno_result r;

			if (tcpinc_core_eno_get_result(ctx->eno, &r)) {
				err = -EINVAL;
				break;
			}
			/* SELF: our role byte; PEER: the peer's, i.e. negated. */
			buf[0] = optname == TCP_ENO_SELF_NAME ? r.role : !r.role;
			n = idlen + 1;
		}
		break;
	}
	}
	tcpinc_unlock_ctx(sk, ctx);
	if (err)
		return err;

	if (optname == TCP_CRYPT_REKEY_BYTES) {
		u32 v32 = min_t(u64, val64, U32_MAX);

		/* u64; a 4-byte buffer gets the value saturated to an unsigned int. */
		if (len >= (int)sizeof(val64)) {
			len = sizeof(val64);
			src = &val64;
		} else if (len >= (int)sizeof(v32)) {
			len = sizeof(v32);
			src = &v32;
		} else {
			return -EINVAL;
		}
		if (put_user(len, optlen) || copy_to_user(optval, src, len))
			return -EFAULT;
		return 0;
	}
	if (optname == TCP_ENO_TEPS || optname == TCP_ENO_TRANSCRIPT || optname == TCP_ENO_SESSID ||
	    optname == TCP_ENO_SELF_NAME || optname == TCP_ENO_PEER_NAME ||
	    optname == TCP_CRYPT_AEADS) {
		len = min(len, n);
	} else {
		if (len < (int)sizeof(int))
			return -EINVAL;
		len = sizeof(int);
		src = &val;
	}
	if (put_user(len, optlen) || copy_to_user(optval, src, len))
		return -EFAULT;
	return 0;
}

/*
 * tcpinc_no_fastopen - a ULP listener does no Fast Open (RFC 8547 4.7:
 * tcpcrypt defines no SYN data, so a SYN+ENO's data must be discarded and
 * not acknowledged; TCP would queue it to a child made at SYN time, which
 * also has no ENO negotiation). With a zero Fast Open queue TCP treats
 * every SYN as an ordinary one: no child, the data not acknowledged, no
 * cookie given. max_qlen is TCP's, written under the socket lock and read
 * locklessly (READ_ONCE) by tcp_fastopen_queue_check(); the input hook
 * drops what arrives before this ran (tcpinc_eno.c).
 */
static void tcpinc_no_fastopen(struct sock *sk)
{
	lock_sock(sk);
	if (tcpinc_ctx(sk) && inet_csk(sk)->icsk_accept_queue.fastopenq.max_qlen)
		WRITE_ONCE(inet_csk(sk)->icsk_accept_queue.fastopenq.max_qlen, 0);
	release_sock(sk);
}

static int tcpinc_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len, int flags)
{
	return tcpinc_tc_connect(sock, uaddr, addr_len, flags, inet_stream_connect);
}

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
	rc = tcpinc_base_prot(sk)->connect(sk, uaddr, addr_len);
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

static ssize_t tcpinc_splice_read(struct socket *sock, loff_t *ppos,
				  struct pipe_inode_info *pipe, size_t len, unsigned int flags)
{
	return tcpinc_tc_splice_read(sock, ppos, pipe, len, flags,
				     tcpinc_base_prot(sock->sk)->recvmsg);
}

static int tcpinc_read_sock(struct sock *sk, read_descriptor_t *desc, sk_read_actor_t actor)
{
	return tcpinc_tc_raw_read_ok(sk) ? tcp_read_sock(sk, desc, actor) : -EOPNOTSUPP;
}

static int tcpinc_read_skb(struct sock *sk, skb_read_actor_t actor)
{
	return tcpinc_tc_raw_read_ok(sk) ? tcp_read_skb(sk, actor) : -EOPNOTSUPP;
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
		ops->poll = tcpinc_tc_poll;
		ops->connect = tcpinc_connect;
		ops->listen = tcpinc_listen;
		ops->splice_read = tcpinc_splice_read;
		ops->read_sock = tcpinc_read_sock;
		ops->read_skb = tcpinc_read_skb;
		ops->peek_len = tcpinc_tc_peek_len;
		smp_store_release(&tcpinc_ops_built[idx], true);
	}
	mutex_unlock(&tcpinc_ops_lock);
	return &tcpinc_ops[idx];
}

/*
 * tcpinc_sockopt_prepare - swap in our proto copy and, if the socket has a
 * struct socket, our proto_ops copy. Sockets whose proto or ops are not
 * plain TCP's (e.g. in a BPF sockmap) are refused: our copy would drop
 * whatever the other owner installed. Socket lock held, process context.
 */
int tcpinc_sockopt_prepare(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	const struct proto_ops *ops = NULL;
	int idx;

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
	WRITE_ONCE(sk->sk_prot, &tcpinc_prots[idx]);
	if (ops) {
		/* Dropped by sock_release() through ops->owner. */
		__module_get(THIS_MODULE);
		WRITE_ONCE(sock->ops, ops);
	}
	return 0;
}

/* The data path's entry points, with TCP's own functions as the fallback. */
static int tcpinc_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	return tcpinc_tc_sendmsg(sk, msg, size, tcpinc_base_prot(sk)->sendmsg);
}

static int tcpinc_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
			  int *addr_len)
{
	return tcpinc_tc_recvmsg(sk, msg, len, flags, addr_len, tcpinc_base_prot(sk)->recvmsg);
}

static int tcpinc_sendpage(struct sock *sk, struct page *page, int offset, size_t size,
			   int flags)
{
	return tcpinc_tc_sendpage(sk, page, offset, size, flags, tcpinc_base_prot(sk)->sendpage,
				  tcpinc_base_prot(sk)->sendmsg);
}

static void tcpinc_shutdown(struct sock *sk, int how)
{
	tcpinc_tc_shutdown(sk, how, tcpinc_base_prot(sk)->shutdown);
}

/* SIOCINQ counts plaintext on an encrypted connection (tcpinc_tc_inq). */
static int tcpinc_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	if (cmd == SIOCINQ) {
		int n, err = tcpinc_tc_inq(sk, &n);

		if (err != -ENOIOCTLCMD)
			return err ?: put_user(n, (int __user *)arg);
	}
	return tcpinc_base_prot(sk)->ioctl(sk, cmd, arg);
}

static void tcpinc_close(struct sock *sk, long timeout)
{
	tcpinc_tc_close(sk, timeout, tcpinc_base_prot(sk)->close);
}

static bool tcpinc_sock_is_readable(struct sock *sk)
{
	return tcpinc_tc_is_readable(sk);
}

/* Not writable before the keys exist: poll must not say POLLOUT. */
static bool tcpinc_stream_memory_free(const struct sock *sk, int wake)
{
	if (tcpinc_tc_write_blocked((struct sock *)sk))
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
	tcpinc_base_prot(sk)->keepalive(sk, valbool);
	tcpinc_tc_keepalive_update(sk, valbool);
}

/*
 * Undo tcpinc_sockopt_prepare()'s sk_prot swap: on a child that could not
 * get a context, and at ULP release (the socket is destroyed but struct
 * sock may outlive the module; see tcpinc_ulp_release). Only our copies
 * are replaced: a protocol someone else installed stays theirs.
 */
void tcpinc_sockopt_restore(struct sock *sk)
{
	if (sk->sk_prot == &tcpinc_prots[TCPINC_PROT_V4])
		WRITE_ONCE(sk->sk_prot, &tcp_prot);
	else if (sk->sk_prot == &tcpinc_prots[TCPINC_PROT_V6])
		WRITE_ONCE(sk->sk_prot, &tcpv6_prot);
}

int __init tcpinc_sockopt_init(void)
{
	int i;

	tcpinc_prots[TCPINC_PROT_V4] = tcp_prot;
	tcpinc_prots[TCPINC_PROT_V6] = tcpv6_prot;
	tcpinc_prots[TCPINC_PROT_V4].setsockopt = tcpinc_setsockopt;
	tcpinc_prots[TCPINC_PROT_V4].getsockopt = tcpinc_getsockopt;
	tcpinc_prots[TCPINC_PROT_V6].setsockopt = tcpinc_setsockopt;
	tcpinc_prots[TCPINC_PROT_V6].getsockopt = tcpinc_getsockopt;
	for (i = 0; i < TCPINC_NPROTS; i++) {
		struct proto *p = &tcpinc_prots[i];

		p->sendmsg = tcpinc_sendmsg;
		p->recvmsg = tcpinc_recvmsg;
		p->sendpage = tcpinc_sendpage;
		p->shutdown = tcpinc_shutdown;
		p->close = tcpinc_close;
		p->ioctl = tcpinc_ioctl;
		p->sock_is_readable = tcpinc_sock_is_readable;
		p->stream_memory_free = tcpinc_stream_memory_free;
		p->keepalive = tcpinc_keepalive;
		p->connect = tcpinc_proto_connect;
	}
	return 0;
}

void tcpinc_sockopt_exit(void)
{
}
