// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypt_session.c - a tcpcrypt session's start (a fresh key exchange
 * or a resumption, RFC 8548 3.5), its abort, the VM generation check every
 * sealing path asks, the resumption cache export, and the getters that
 * read the session. The bottom of the tcpcrypt glue: it calls nothing in
 * the other tcpinc_crypt_*.c files. Socket lock held throughout.
 */
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_eph.h"
#include "tcpinc_vmgen.h"
#include "tcpinc_abort.h"
#include "tcpinc_crypt.h"
#include "tcpinc_crypt_int.h"
#include "tcpinc_cache.h"
#include "tcpinc/core_api.h"
#include "../../crypto-glue/tcpinc_crypto.h"

int tcpinc_crypt_status_errno(int st)
{
	switch (st) {
	case TCPINC_CORE_TC_AUTH_FAILURE:
		return TCPINC_ERR_AUTH;
	case TCPINC_CORE_TC_FIN_WITHOUT_FINP:
		return TCPINC_ERR_FIN;
	default:
		return TCPINC_ERR_PROTO;
	}
}

/*
 * RFC 793 ABORT from under the socket lock: the application sees err at
 * once; tcp_abort() (RST, state CLOSE) runs from the workqueue right after,
 * since it takes the socket lock itself.
 */
void tcpinc_crypt_abort_locked(struct sock *sk, struct tcpinc_crypt *cr, int err, const char *why)
{
	sock_owned_by_me(sk);
	if (cr->err)
		return;
	WRITE_ONCE(cr->err, err);
	TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_TC_ABORT);
	net_info_ratelimited("tcpinc: tcpcrypt connection aborted (errno %d): %s\n", err, why);
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
	tcpinc_abort_async(sk, err);
}

/*
 * Whether this session may still seal and open: false (and aborted) once
 * this VM was restored or cloned, as the notifier's generation or, before
 * the notifier ran, the generation ID itself says. Every path that seals
 * asks first (tcpinc_crypt_pump, the FINp and rekey frames). Socket lock held.
 */
bool tcpinc_crypt_vm_ok(struct sock *sk, struct tcpinc_crypt *cr)
{
	if (likely(cr->vmgen == atomic_read(&tcpinc_vm_generation) && !tcpinc_vm_copied()))
		return true;
	/*
	 * Another copy may send under the same keys and offsets. Seal
	 * nothing more (the notifier also aborts us, from its own context).
	 */
	if (READ_ONCE(tcpinc_pernet(sock_net(sk))->vmfork_abort)) {
		struct tcpinc_sock *ctx = tcpinc_ctx(sk);

		/* Ahead of the notifier, which would not find us any more. */
		if (ctx && !test_and_set_bit(TCPINC_CRYPT_VMFORK_COUNTED, &ctx->crypt_flags))
			TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_VMFORK_ABORTS);
		tcpinc_crypt_abort_locked(sk, cr, TCPINC_ERR_VMFORK,
				"VM generation changed (snapshot restore or clone)");
		return false;
	}
	cr->vmgen = atomic_read(&tcpinc_vm_generation);
	return true;
}

/*
 * Resumption (RFC 8548 3.5): if the negotiated TEP byte has the v bit, B
 * accepted a resumption suboption and the session is keyed from the ss[i]
 * this connection burnt (ctx->resume), with the peer's nonce from its
 * suboption. A's answer was already checked by ENO (an answer naming
 * another secret makes the TEP invalid); it is checked again here, in
 * constant time, by the core. Without the v bit a proposal was refused:
 * the attempt is wiped and the key exchange is fresh.
 */
static int tcpinc_crypt_resume_config(struct sock *sk, struct tcpinc_sock *ctx,
			    const struct tcpinc_core_eno_result *res,
			    struct tcpinc_core_tc_resume_attempt *attempt,
			    struct tcpinc_core_tc_config *cfg)
{
	u8 sub[1 + sizeof(res->peer_data)];
	const tcpinc_u8 *nonce = NULL;
	tcpinc_usize nonce_len = 0;
	u8 state;
	int st;

	spin_lock_bh(&ctx->lock);
	state = ctx->resume_state;
	memcpy(attempt, &ctx->resume, sizeof(*attempt));
	tcpinc_core_tc_resume_wipe_attempt(&ctx->resume);
	ctx->resume_state = state == TCPINC_RESUME_NONE ? state : TCPINC_RESUME_USED;
	ctx->resume_tep = res->tep_byte & 0x7f;
	spin_unlock_bh(&ctx->lock);

	if (state == TCPINC_RESUME_WIPED) {
		/* Our SYN-ACK accepted it; the peer keys from it; we cannot. */
		net_info_ratelimited("tcpinc: the resumption secret this connection's SYN-ACK accepted was wiped (device, address, suspend, VM generation or resume_cache_flush) before accept(): aborting\n");
		return TCPINC_CORE_TC_BAD_ARGUMENT;
	}
	/*
	 * A half and 0..8 nonce bytes (a 0-byte nonce is the peer's choice).
	 * B's v = 1 answer with fewer than 9 or more than 17 bytes is, to
	 * ENO, the TEP offered with v = 0 (RFC 8548 3.5; rfc-digest Part
	 * E.10): ENO enabled it as a fresh offer, so the session is a fresh
	 * key exchange here too. Both ends of that check are the core's
	 * tcpinc_core_tc_resume_data_valid().
	 */
	if (!(res->tep_byte & 0x80) ||
	    (state == TCPINC_RESUME_PROPOSED &&
	     !tcpinc_core_tc_resume_data_valid(res->peer_data_len))) {
		if (state == TCPINC_RESUME_PROPOSED)
			TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_RESUME_REFUSED);
		return TCPINC_CORE_TC_OK;
	}
	/* B accepted only a valid proposal: anything else is our bug. */
	if (!tcpinc_core_tc_resume_data_valid(res->peer_data_len))
		return TCPINC_CORE_TC_BAD_ARGUMENT;
	if (state == TCPINC_RESUME_PROPOSED) {
		sub[0] = res->peer_tep_byte;
		memcpy(sub + 1, res->peer_data, res->peer_data_len);
		st = tcpinc_core_tc_resume_check_answer(attempt, sub, 1 + res->peer_data_len,
							&nonce, &nonce_len);
		if (st != TCPINC_CORE_TC_OK)
			return st;
		/* nonce points into sub, a local: point at the same bytes in res. */
		nonce = res->peer_data + (nonce - (sub + 1));
	} else if (state == TCPINC_RESUME_ACCEPTED) {
		nonce = res->peer_data + TCPINC_CORE_TC_RESUME_HALF_LEN;
		nonce_len = res->peer_data_len - TCPINC_CORE_TC_RESUME_HALF_LEN;
	} else {
		/* v = 1 without an attempt of ours: simultaneous open (not resumed). */
		return TCPINC_CORE_TC_BAD_ARGUMENT;
	}
	cfg->resume = attempt;
	cfg->peer_resume_nonce = nonce;
	cfg->peer_resume_nonce_len = nonce_len;
	return TCPINC_CORE_TC_OK;
}

int tcpinc_crypt_start(struct sock *sk, struct tcpinc_sock *ctx, struct tcpinc_crypt *cr)
{
	const struct tcpinc_net *tn = tcpinc_pernet(sock_net(sk));
	struct tcpinc_core_tc_resume_attempt attempt = {};
	u8 eph_priv[TCPINC_CORE_KEX_PRIV_LEN], eph_pub[TCPINC_CORE_KEX_PUB_MAX_LEN];
	struct tcpinc_core_eno_result res;
	struct tcpinc_core_tc_config cfg = {};
	u16 aeads[8];
	size_t naeads;
	int st;

	/* The socket's list (TCP_CRYPT_AEADS) or the netns's, best first. */
	spin_lock_bh(&ctx->lock);
	if (ctx->cfg.aead_count) {
		naeads = ctx->cfg.aead_count;
		memcpy(aeads, ctx->cfg.aeads, naeads * sizeof(aeads[0]));
	} else {
		naeads = READ_ONCE(tn->tcpcrypt_aead_count);
		memcpy(aeads, tn->tcpcrypt_aeads, naeads * sizeof(aeads[0]));
	}
	spin_unlock_bh(&ctx->lock);

	if (tcpinc_core_eno_get_result(ctx->eno, &res))
		return TCPINC_CORE_TC_BAD_ARGUMENT;
	cfg.role = res.role ? TCPINC_CORE_TC_ROLE_B : TCPINC_CORE_TC_ROLE_A;
	cfg.kex = res.tep_byte & 0x7f;	/* the core names groups by their TEP id */
	cfg.tep_byte = res.tep_byte;
	/* A fresh session's ss[1] goes to the cache unless told otherwise. */
	cfg.no_cache = ctx->cfg.no_cache || !READ_ONCE(tn->resume_enable) ||
		       READ_ONCE(tn->resume_cache_max) <= 0;
	cfg.transcript = res.transcript;
	cfg.transcript_len = res.transcript_len;
	cfg.aeads = aeads;
	cfg.naeads = naeads;
	st = tcpinc_crypt_resume_config(sk, ctx, &res, &attempt, &cfg);
	/* A fresh exchange takes the namespace's current key pair (tcpinc_eph.c). */
	if (st == TCPINC_CORE_TC_OK && !cfg.resume &&
	    !tcpinc_eph_get(sock_net(sk), cfg.kex, eph_priv, eph_pub)) {
		cfg.ephemeral_priv = eph_priv;
		cfg.ephemeral_pub = eph_pub;
	}
	if (st == TCPINC_CORE_TC_OK)
		st = tcpinc_core_tc_session_start(cr->sess, tcpinc_crypto_ops(), &cfg);
	tcpinc_core_tc_resume_wipe_attempt(&attempt);
	memzero_explicit(eph_priv, sizeof(eph_priv));
	memzero_explicit(&res, sizeof(res));
	if (st != TCPINC_CORE_TC_OK)
		return st;
	cr->started = true;
	if (cfg.resume) {
		/* No Init messages: the keys exist now (RFC 8548 3.5). */
		cr->resumed = true;
		WRITE_ONCE(cr->established, true);
		TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_RESUMED);
		tcpinc_crypt_summary_publish(ctx, cr);
	}
	return st;
}

/*
 * After a fresh key exchange: ss[1] of the new chain goes to the netns's
 * cache (unless this connection said do-not-cache, in which case the core
 * has nothing to export).
 */
void tcpinc_crypt_cache_export(struct sock *sk, struct tcpinc_sock *ctx, struct tcpinc_crypt *cr)
{
	struct tcpinc_core_tc_resume_secret s;
	struct in6_addr peer;
	u64 chain;

	if (!ctx || tcpinc_core_tc_export_resumption(cr->sess, &s) != TCPINC_CORE_TC_OK)
		return;
	tcpinc_sk_peer(sk, &peer);
	chain = tcpinc_cache_insert(sock_net(sk), &peer, ctx->resume_tep, &s);	/* wipes s */
	spin_lock_bh(&ctx->lock);
	ctx->chain = chain;
	spin_unlock_bh(&ctx->lock);
}

/*
 * The keys exist (socket lock held): copy what diag and the netlink family
 * show into ctx->info and publish it, once (struct tcpinc_summary).
 */
void tcpinc_crypt_summary_publish(struct tcpinc_sock *ctx, struct tcpinc_crypt *cr)
{
	struct tcpinc_summary *in;
	size_t len = 0;

	if (!ctx)
		return;
	sock_owned_by_me(ctx->sk);
	in = &ctx->info;
	if (in->ready)
		return;
	if (tcpinc_core_tc_session_id(cr->sess, in->sid, sizeof(in->sid), &len) != TCPINC_CORE_TC_OK)
		len = 0;
	in->sid_len = len;
	in->aead = tcpinc_core_tc_aead(cr->sess);
	in->tep = ctx->resume_tep;
	in->resumed = cr->resumed;
	smp_store_release(&in->ready, 1);
}

/* Socket lock and ctx->lock held; tcpinc_crypt_prepare() first. */
int tcpinc_crypt_session_id(struct sock *sk, struct tcpinc_sock *ctx, u8 *out, size_t cap,
			 size_t *out_len)
{
	sock_owned_by_me(sk);
	if (!ctx->crypt || !ctx->crypt->established)
		return -ENOTCONN;
	if (tcpinc_core_tc_session_id(ctx->crypt->sess, out, cap, out_len) != TCPINC_CORE_TC_OK)
		return -ENOTCONN;
	return 0;
}

/*
 * tcpinc_crypt_aead - TCP_CRYPT_CONF: the AEAD in use. Socket lock and
 * ctx->lock held; tcpinc_crypt_prepare() first.
 */
int tcpinc_crypt_aead(struct sock *sk, struct tcpinc_sock *ctx)
{
	sock_owned_by_me(sk);
	if (!ctx->crypt || !ctx->crypt->established)
		return -ENOTCONN;
	return tcpinc_core_tc_aead(ctx->crypt->sess);
}

/*
 * TCP_CRYPT_CACHE_FLUSH on a connection (draft-ietf-tcpinc-api-06 4.2;
 * RFC 8548 3.5 MUST): forget every secret it used or produced - the
 * session's not yet exported ss[i+1] and the cached chain it came from or
 * went to. Socket lock held.
 */
void tcpinc_crypt_cache_flush(struct sock *sk, struct tcpinc_sock *ctx)
{
	u64 chain;

	sock_owned_by_me(sk);
	if (ctx->crypt && ctx->crypt->started)
		tcpinc_core_tc_flush_resumption(ctx->crypt->sess);
	spin_lock_bh(&ctx->lock);
	chain = ctx->chain;
	ctx->chain = 0;
	ctx->cfg.no_cache = 1;	/* nothing more from this connection */
	spin_unlock_bh(&ctx->lock);
	tcpinc_cache_flush_chain(sock_net(sk), chain);
}
