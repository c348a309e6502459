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
#include "tcpinc_ids.h"
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

/* TCP_REPAIR: a repaired copy would send again under the same keys and nonces. */
static int do_tcp_repair(struct sock *sk, int level, int optname, sockptr_t optval,
			 unsigned int optlen)
{
	if (tcpinc_sk_encrypted(sk)) {
		net_info_ratelimited("tcpinc: TCP_REPAIR refused (EPERM) on a tcpcrypt connection: a restored copy would reuse (key, nonce) pairs\n");
		return -EPERM;
	}
	return tcpinc_sk_proto(sk)->setsockopt(sk, level, optname, optval, optlen);
}

/* TCP_CRYPT_REKEY sends a frame: socket lock only, no context spinlock. */
static int do_tcpcrypt_rekey(struct sock *sk)
{
	struct tcpinc_sock *ctx;
	int err;

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	err = ctx ? tcpinc_crypt_rekey(sk, ctx) : -ENOPROTOOPT;
	release_sock(sk);
	return err;
}

/*
 * TCP_CRYPT_CACHE_FLUSH: before the SYN, no resumption for this connection;
 * after it, forget every secret it used or produced.
 */
static int do_tcpcrypt_cache_flush(struct sock *sk, sockptr_t optval, unsigned int optlen)
{
	struct tcpinc_sock *ctx;
	int val, err = 0;

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

/* TCP's own options whose effect ours must follow. */
static int do_tcp_follow(struct sock *sk, int level, int optname, sockptr_t optval,
			 unsigned int optlen)
{
	int err = tcpinc_sk_proto(sk)->setsockopt(sk, level, optname, optval, optlen);

	if (err)
		return err;
	if (optname == TCP_KEEPIDLE) {
		/* TCP re-arms its keep-alive timer; ours follows (keep-alive by rekey). */
		lock_sock(sk);
		tcpinc_crypt_keepalive_update(sk, sock_flag(sk, SOCK_KEEPOPEN));
		release_sock(sk);
	} else {
		/* TCP_FASTOPEN: accepted, then undone: a ULP listener does no Fast Open. */
		tcpinc_no_fastopen(sk);
	}
	return 0;
}

/* A setting as copied from the user, before any spinlock is taken. */
struct tcpinc_optin {
	int val;
	u64 val64;
	u8 list[16];		/* TEPS (<= 8 bytes) or AEADS (<= 8 u16) */
	unsigned int len;
};

/*
 * Copy from the user before taking the context spinlock: a fault may
 * sleep (found by DEBUG_ATOMIC_SLEEP on the debug kernel).
 */
static int do_copy_setting(int optname, sockptr_t optval, unsigned int optlen,
			   struct tcpinc_optin *in)
{
	in->len = optlen;
	if (optname == TCP_ENO_TEPS || optname == TCP_CRYPT_AEADS) {
		if (optlen > sizeof(in->list))
			return -EINVAL;
		if (copy_from_sockptr(in->list, optval, optlen))
			return -EFAULT;
	} else if (optname == TCP_CRYPT_REKEY_BYTES) {
		u32 v32;

		/* u64, or an unsigned int for callers that pass int options. */
		if (optlen >= sizeof(in->val64)) {
			if (copy_from_sockptr(&in->val64, optval, sizeof(in->val64)))
				return -EFAULT;
		} else if (optlen >= sizeof(v32)) {
			if (copy_from_sockptr(&v32, optval, sizeof(v32)))
				return -EFAULT;
			in->val64 = v32;
		} else {
			return -EINVAL;
		}
	} else {
		if (optlen < sizeof(int))
			return -EINVAL;
		if (copy_from_sockptr(&in->val, optval, sizeof(in->val)))
			return -EFAULT;
	}
	return 0;
}

/*
 * The ENO settings (socket lock and ctx->lock held). *abort_now: the draft's
 * TCP_ENO_TEP_MANDATORY on a connection that is already plain TCP.
 */
static int do_set_eno(struct sock *sk, struct tcpinc_sock *ctx, int optname,
		      const struct tcpinc_optin *in, bool *abort_now)
{
	int val = in->val;

	if (optname == TCP_ENO_TEP_MANDATORY) {
		if (val < 0 || val > 1)
			return -EINVAL;
		ctx->cfg.tep_mandatory = val;
		*abort_now = val && sk->sk_state == TCP_ESTABLISHED &&
			     ctx->phase != TCPINC_ENO_ENABLED;
		return 0;
	}
	if (optname == TCP_ENO_TEPS)
		return eno_started(sk, ctx) ? -EISCONN : set_teps(ctx, in->list, in->len);
	if (val < (optname == TCP_ENO_ENABLED ? -1 : 0) ||
	    val > (optname == TCP_ENO_SELF_GOPT ? 31 : 1))
		return -EINVAL;
	if (eno_started(sk, ctx))
		return -EISCONN;
	if (optname == TCP_ENO_ENABLED)
		ctx->cfg.enabled = val;
	else if (optname == TCP_ENO_SELF_GOPT)
		ctx->cfg.gopt = val;
	else
		ctx->cfg.aa_mandatory = val;
	return 0;
}

/* The tcpcrypt settings (socket lock and ctx->lock held). */
static int do_set_tcpcrypt(struct sock *sk, struct tcpinc_sock *ctx, int optname,
			   const struct tcpinc_optin *in)
{
	int val = in->val;

	if (optname == TCP_CRYPT_REKEY_BYTES) {
		/* Read by the data path under the socket lock, which we hold. */
		ctx->cfg.rekey_bytes = in->val64;
		ctx->cfg.rekey_bytes_set = 1;
		return 0;
	}
	if (optname == TCP_CRYPT_AEADS)
		return eno_started(sk, ctx) ? -EISCONN : set_aeads(ctx, in->list, in->len);
	if (val < 0 || val > (optname == TCP_CRYPT_RESUME_NONCE ?
			      TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN - 1 -
			      TCPINC_CORE_TC_RESUME_HALF_LEN : 1))
		return -EINVAL;
	if (eno_started(sk, ctx))
		return -EISCONN;
	if (optname == TCP_CRYPT_NO_RESUME)
		ctx->cfg.no_resume = val;
	else if (optname == TCP_CRYPT_NO_CACHE)
		ctx->cfg.no_cache = val;
	else	/* the core's encoding: 0 = the default 8, 0xff = none */
		ctx->cfg.nonce_len = val == 8 ? TCPINC_CORE_TC_RESUME_NONCE_DEFAULT :
				     val == 0 ? TCPINC_CORE_TC_RESUME_NONCE_NONE : val;
	return 0;
}

static bool is_eno_setting(int optname)
{
	return optname == TCP_ENO_ENABLED || optname == TCP_ENO_TEPS ||
	       optname == TCP_ENO_SELF_GOPT || optname == TCP_ENO_AA_MANDATORY ||
	       optname == TCP_ENO_TEP_MANDATORY;
}

static bool is_tcpcrypt_setting(int optname)
{
	return optname == TCP_CRYPT_AEADS || optname == TCP_CRYPT_NO_RESUME ||
	       optname == TCP_CRYPT_NO_CACHE || optname == TCP_CRYPT_RESUME_NONCE ||
	       optname == TCP_CRYPT_REKEY_BYTES;
}

/* Our settable options; the read-only results answer ENOPROTOOPT. */
static int do_set_setting(struct sock *sk, int optname, sockptr_t optval, unsigned int optlen)
{
	struct tcpinc_optin in = {};
	struct tcpinc_sock *ctx;
	bool abort_now = false;
	int err;

	err = do_copy_setting(optname, optval, optlen, &in);
	if (err)
		return err;
	ctx = tcpinc_lock_ctx(sk);
	if (!ctx)
		return -ENOPROTOOPT;
	if (is_eno_setting(optname))
		err = do_set_eno(sk, ctx, optname, &in, &abort_now);
	else if (is_tcpcrypt_setting(optname))
		err = do_set_tcpcrypt(sk, ctx, optname, &in);
	else
		err = -ENOPROTOOPT;	/* read-only */
	tcpinc_unlock_ctx(sk, ctx);
	if (abort_now) {
		net_info_ratelimited("tcpinc: TCP_ENO_TEP_MANDATORY set on an unencrypted connection: aborting it (ECONNABORTED)\n");
		TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_ENO_ABORT);
		tcp_abort(sk, ECONNABORTED);
	}
	return err;
}

int tcpinc_setsockopt(struct sock *sk, int level, int optname,
		      sockptr_t optval, unsigned int optlen)
{
	if (level == SOL_TCP) {
		switch (optname) {
		case TCP_REPAIR:
			return do_tcp_repair(sk, level, optname, optval, optlen);
		case TCP_CRYPT_REKEY:
			return do_tcpcrypt_rekey(sk);
		case TCP_CRYPT_CACHE_FLUSH:
			return do_tcpcrypt_cache_flush(sk, optval, optlen);
		case TCP_KEEPIDLE:
		case TCP_FASTOPEN:
			return do_tcp_follow(sk, level, optname, optval, optlen);
		}
	}
	if (!tcpinc_is_our_opt(level, optname))
		return tcpinc_sk_proto(sk)->setsockopt(sk, level, optname, optval, optlen);
	return do_set_setting(sk, optname, optval, optlen);
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

/* An answer, built under the locks and copied out after. */
struct tcpinc_optout {
	int val;
	u64 val64;
	int n;			/* bytes of buf for the variable-length options */
	u8 buf[TCPINC_CORE_ENO_MAX_TRANSCRIPT];
};

/* TCP_CRYPT_RESUMED (socket lock only: it may start the session). */
static int do_get_resumed(struct sock *sk, char __user *optval, int __user *optlen)
{
	struct tcpinc_sock *ctx;
	int len, val;

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

/* The ENO settings (socket lock and ctx->lock held). */
static void do_get_eno(struct sock *sk, struct tcpinc_sock *ctx, int optname,
		       struct tcpinc_optout *out)
{
	struct tcpinc_core_eno_result res;

	switch (optname) {
	case TCP_ENO_ENABLED:
		out->val = ctx->cfg.enabled;
		break;
	case TCP_ENO_TEPS:
		if (ctx->cfg.tep_count != 0xff) {
			out->n = ctx->cfg.tep_count;
			memcpy(out->buf, ctx->cfg.teps, out->n);
		} else {
			const struct tcpinc_net *tn = tcpinc_pernet(sock_net(sk));

			out->n = tn->eno_tep_count;
			memcpy(out->buf, tn->eno_teps, out->n);
		}
		break;
	case TCP_ENO_SELF_GOPT:
		out->val = ctx->cfg.gopt | (sk->sk_state == TCP_LISTEN ? 0x01 : 0);
		if (ctx->phase == TCPINC_ENO_ENABLED &&
		    tcpinc_core_eno_get_result(ctx->eno, &res) == 0)
			out->val = res.local_gopt;
		break;
	case TCP_ENO_AA_MANDATORY:
		out->val = ctx->cfg.aa_mandatory;
		break;
	case TCP_ENO_TEP_MANDATORY:
		out->val = ctx->cfg.tep_mandatory;
		break;
	}
}

/* The tcpcrypt settings (socket lock and ctx->lock held). */
static void do_get_tcpcrypt(struct sock *sk, struct tcpinc_sock *ctx, int optname,
			    struct tcpinc_optout *out)
{
	const struct tcpinc_net *tn = tcpinc_pernet(sock_net(sk));

	switch (optname) {
	case TCP_CRYPT_NO_RESUME:
		out->val = ctx->cfg.no_resume;
		break;
	case TCP_CRYPT_NO_CACHE:
		out->val = ctx->cfg.no_cache;
		break;
	case TCP_CRYPT_RESUME_NONCE:
		out->val = ctx->cfg.nonce_len == TCPINC_CORE_TC_RESUME_NONCE_DEFAULT ? 8 :
			   ctx->cfg.nonce_len == TCPINC_CORE_TC_RESUME_NONCE_NONE ? 0 :
			   ctx->cfg.nonce_len;
		break;
	case TCP_CRYPT_AEADS:
		if (ctx->cfg.aead_count) {
			out->n = ctx->cfg.aead_count * sizeof(u16);
			memcpy(out->buf, ctx->cfg.aeads, out->n);
		} else {
			out->n = tn->tcpcrypt_aead_count * sizeof(u16);
			memcpy(out->buf, tn->tcpcrypt_aeads, out->n);
		}
		break;
	case TCP_CRYPT_REKEY_BYTES:
		out->val64 = ctx->cfg.rekey_bytes_set ? ctx->cfg.rekey_bytes :
			     READ_ONCE(tn->tcpcrypt_rekey_bytes);
		break;
	}
}

/*
 * TCP_ENO_SESSID, TCP_ENO_SELF_NAME, TCP_ENO_PEER_NAME. The session ID is
 * the TEP's (tcpcrypt's key schedule); until its key exchange completed
 * there is none, and the API must say so rather than return an empty ID.
 */
static int do_get_session_id(struct sock *sk, struct tcpinc_sock *ctx, int optname,
			     struct tcpinc_optout *out)
{
	struct tcpinc_core_eno_result r;
	size_t idlen = 0;
	u8 *id = optname == TCP_ENO_SESSID ? out->buf : out->buf + 1;
	int err;

	err = tcpinc_crypt_session_id(sk, ctx, id, TCPINC_CORE_TC_SESSION_ID_LEN, &idlen);
	if (err)
		return err;
	out->n = idlen;
	if (optname == TCP_ENO_SESSID)
		return 0;
	if (tcpinc_core_eno_get_result(ctx->eno, &r))
		return -EINVAL;
	/* SELF: our role byte; PEER: the peer's, i.e. negated. */
	out->buf[0] = optname == TCP_ENO_SELF_NAME ? r.role : !r.role;
	out->n = idlen + 1;
	return 0;
}

/* The read-only results of the negotiation (socket lock and ctx->lock held). */
static int do_get_result(struct sock *sk, struct tcpinc_sock *ctx, int optname,
			 struct tcpinc_optout *out)
{
	struct tcpinc_core_eno_result res;
	int err = need_enabled(ctx);

	if (err)
		return err;
	if (optname == TCP_CRYPT_CONF) {
		out->val = tcpinc_crypt_aead(sk, ctx);
		return out->val < 0 ? out->val : 0;
	}
	if (optname == TCP_ENO_SESSID || optname == TCP_ENO_SELF_NAME ||
	    optname == TCP_ENO_PEER_NAME)
		return do_get_session_id(sk, ctx, optname, out);
	if (tcpinc_core_eno_get_result(ctx->eno, &res))
		return -EINVAL;
	if (optname == TCP_ENO_NEGTEP) {
		out->val = res.tep_byte;
	} else if (optname == TCP_ENO_PEER_GOPT) {
		out->val = res.peer_gopt;
	} else if (optname == TCP_ENO_ROLE) {
		out->val = res.role;
	} else {
		out->n = res.transcript_len;
		memcpy(out->buf, res.transcript, out->n);
	}
	return 0;
}

/* Copies the answer out: a u64, a byte string, or an int. */
static int do_put_answer(int optname, const struct tcpinc_optout *out, int len,
			 char __user *optval, int __user *optlen)
{
	const void *src = out->buf;

	if (optname == TCP_CRYPT_REKEY_BYTES) {
		u32 v32 = min_t(u64, out->val64, U32_MAX);

		/* u64; a 4-byte buffer gets the value saturated to an unsigned int. */
		if (len >= (int)sizeof(out->val64)) {
			len = sizeof(out->val64);
			src = &out->val64;
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
		len = min(len, out->n);
	} else {
		if (len < (int)sizeof(int))
			return -EINVAL;
		len = sizeof(int);
		src = &out->val;
	}
	if (put_user(len, optlen) || copy_to_user(optval, src, len))
		return -EFAULT;
	return 0;
}

int tcpinc_getsockopt(struct sock *sk, int level, int optname,
		      char __user *optval, int __user *optlen)
{
	struct tcpinc_optout out = { .n = sizeof(int) };
	struct tcpinc_sock *ctx;
	int len, err;

	/* TCP_ZEROCOPY_RECEIVE would map ciphertext. */
	if (level == SOL_TCP && optname == TCP_ZEROCOPY_RECEIVE && tcpinc_sk_encrypted(sk))
		return -EOPNOTSUPP;
	if (level == SOL_TCP && optname == TCP_CRYPT_RESUMED)
		return do_get_resumed(sk, optval, optlen);
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
	err = 0;
	if (is_eno_setting(optname))
		do_get_eno(sk, ctx, optname, &out);
	else if (is_tcpcrypt_setting(optname))
		do_get_tcpcrypt(sk, ctx, optname, &out);
	else
		err = do_get_result(sk, ctx, optname, &out);
	tcpinc_unlock_ctx(sk, ctx);
	if (err)
		return err;
	return do_put_answer(optname, &out, len, optval, optlen);
}

/*
 * tcpinc_no_fastopen - a ULP listener does no Fast Open (RFC 8547 4.7:
 * tcpcrypt defines no SYN data, so a SYN+ENO's data must be discarded and
 * not acknowledged; TCP would queue it to a child made at SYN time, which
 * also has no ENO negotiation). With a zero Fast Open queue TCP treats
 * every SYN as an ordinary one: no child, the data not acknowledged, no
 * cookie given. max_qlen is TCP's, written under the socket lock and read
 * locklessly (READ_ONCE) by tcp_fastopen_queue_check(); the input hook
 * drops what arrives before this ran (tcpinc_eno_input.c).
 */
void tcpinc_no_fastopen(struct sock *sk)
{
	lock_sock(sk);
	if (tcpinc_ctx(sk) && inet_csk(sk)->icsk_accept_queue.fastopenq.max_qlen)
		WRITE_ONCE(inet_csk(sk)->icsk_accept_queue.fastopenq.max_qlen, 0);
	release_sock(sk);
}
