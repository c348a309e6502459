// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_sockopt.c - the TCP_ENO_* socket options (include/uapi/linux/tcpinc.h,
 * after draft-ietf-tcpinc-api-06) on sockets carrying the ULP.
 *
 * The proto copies (tcpinc_proto.c) install these handlers; they handle our
 * option numbers and pass everything else on to the socket's base protocol
 * (ctx->sk_proto).
 */
#include <net/tcp.h>
#include <uapi/linux/tcpinc.h>

#include "tcpinc.h"
#include "tcpinc_crypt.h"
#include "tcpinc_sockopt.h"
#include "tcpinc/core_api.h"

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

int tcpinc_setsockopt(struct sock *sk, int level, int optname,
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
		err = ctx ? tcpinc_crypt_rekey(sk, ctx) : -ENOPROTOOPT;
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
			tcpinc_crypt_cache_flush(sk, ctx);
		}
		release_sock(sk);
		return err;
	}
	if (level == SOL_TCP && optname == TCP_KEEPIDLE) {
		/* TCP re-arms its keep-alive timer; ours follows (keep-alive by rekey). */
		err = tcpinc_sk_proto(sk)->setsockopt(sk, level, optname, optval, optlen);
		if (!err) {
			lock_sock(sk);
			tcpinc_crypt_keepalive_update(sk, sock_flag(sk, SOCK_KEEPOPEN));
			release_sock(sk);
		}
		return err;
	}
	if (level == SOL_TCP && optname == TCP_FASTOPEN) {
		/* Accepted, then undone: a ULP listener does no Fast Open. */
		err = tcpinc_sk_proto(sk)->setsockopt(sk, level, optname, optval, optlen);
		if (!err)
			tcpinc_no_fastopen(sk);
		return err;
	}
	if (!tcpinc_is_our_opt(level, optname))
		return tcpinc_sk_proto(sk)->setsockopt(sk, level, optname, optval, optlen);

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

int tcpinc_getsockopt(struct sock *sk, int level, int optname,
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
		val = ctx ? tcpinc_crypt_resumed(sk, ctx) : -ENOPROTOOPT;
		release_sock(sk);
		if (val < 0)
			return val;
		if (put_user(sizeof(int), optlen) || copy_to_user(optval, &val, sizeof(int)))
			return -EFAULT;
		return 0;
	}
	if (!tcpinc_is_our_opt(level, optname))
		return tcpinc_sk_proto(sk)->getsockopt(sk, level, optname, optval, optlen);
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	/* These read the session, which a resumed connection creates lazily. */
	if (optname == TCP_CRYPT_CONF || optname == TCP_ENO_SESSID ||
	    optname == TCP_ENO_SELF_NAME || optname == TCP_ENO_PEER_NAME)
		tcpinc_crypt_prepare(sk);
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
			val = tcpinc_crypt_aead(sk, ctx);
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
			err = tcpinc_crypt_session_id(sk, ctx, id, TCPINC_CORE_TC_SESSION_ID_LEN, &idlen);
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
void tcpinc_no_fastopen(struct sock *sk)
{
	lock_sock(sk);
	if (tcpinc_ctx(sk) && inet_csk(sk)->icsk_accept_queue.fastopenq.max_qlen)
		WRITE_ONCE(inet_csk(sk)->icsk_accept_queue.fastopenq.max_qlen, 0);
	release_sock(sk);
}
