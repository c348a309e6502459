// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_eno.c - TCP-ENO on real connections: writing the ENO option into
 * outgoing handshake segments and reading it from incoming ones, for
 * sockets that carry the "tcpcrypt" ULP. The negotiation logic itself is
 * the C++ core's (tcpinc_core_eno_*); this file only moves bytes between
 * segments and the core and keeps per-connection state.
 *
 * Hooks (Documentation/eno-kernel.md has the measurements and the choice):
 * - NF_INET_LOCAL_OUT (IPv4 and IPv6) sees every segment we send with
 *   skb->sk set: the full socket for SYN, ACK and data, the request sock
 *   for a SYN-ACK, nothing for a SYN cookie SYN-ACK (which thus carries no
 *   ENO, so the connection falls back as RFC 8547 needs). It works the same
 *   for v4-mapped IPv6 sockets, whose icsk_af_ops tcp_v6_connect() swaps.
 * - NF_INET_LOCAL_IN looks only at SYN segments and at segments carrying an
 *   option of kind 69, so ordinary traffic costs an option scan at most.
 * - The ULP clone op moves a listener's half-open negotiation (keyed by
 *   the 4-tuple) into the accepted child.
 * Both hooks are registered per network namespace, and only once a socket
 * of that namespace took the ULP.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_abort.h"
#include "tcpinc_cache.h"
#include "tcpinc_eno.h"
#include "tcpinc_eno_pending.h"
#include "tcpinc_eno_skb.h"
#include "tcpinc_ids.h"
#include "tcpinc_vmgen.h"
#include "tcpinc/core_api.h"

/* --- counting outcomes ---------------------------------------------------- */

/*
 * Who is told that ENO enabled encryption: set once by the ULP layer
 * before its ULP is registered (so before any hook or clone can run), read
 * locklessly after. ENO reports upwards through it and calls nothing of
 * the layers above.
 */
static const struct tcpinc_eno_ops *tcpinc_eno_ops;

void tcpinc_eno_set_ops(const struct tcpinc_eno_ops *ops)
{
	WRITE_ONCE(tcpinc_eno_ops, ops);
}

/* A resumption attempt that will not key a session: ss[i] goes (already burnt). */
static void resume_drop(struct tcpinc_sock *ctx)
{
	if (ctx->resume_state == TCPINC_RESUME_PROPOSED || ctx->resume_state == TCPINC_RESUME_ACCEPTED) {
		tcpinc_core_tc_resume_wipe_attempt(&ctx->resume);
		ctx->resume_state = TCPINC_RESUME_NONE;
	}
}

static void count_outcome(struct net *net, struct tcpinc_sock *ctx, int action)
{
	int reason;

	switch (action) {
	case TCPINC_CORE_ENO_ENABLE:
		WRITE_ONCE(ctx->phase, TCPINC_ENO_ENABLED);
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_OK);
		/* Every TEP we negotiate is tcpcrypt: the ULP starts its data path. */
		READ_ONCE(tcpinc_eno_ops)->enabled(ctx->sk, ctx);
		return;
	case TCPINC_CORE_ENO_ABORT:
		WRITE_ONCE(ctx->phase, TCPINC_ENO_ABORTED);
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_ABORT);
		resume_drop(ctx);
		return;
	case TCPINC_CORE_ENO_FALLBACK:
		break;
	default:
		return;
	}
	WRITE_ONCE(ctx->phase, TCPINC_ENO_DISABLED);
	resume_drop(ctx);
	reason = tcpinc_core_eno_reason(ctx->eno);
	ctx->reason = reason;
	switch (reason) {
	case TCPINC_CORE_ENO_R_MISSING_ENO:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_MISSING);
		break;
	case TCPINC_CORE_ENO_R_ROLE_CONFLICT:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_ROLE);
		break;
	case TCPINC_CORE_ENO_R_NO_VALID_TEP:
	case TCPINC_CORE_ENO_R_PEER_VACUOUS:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_NO_TEP);
		break;
	case TCPINC_CORE_ENO_R_PEER_NOT_APP_AWARE:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_AA);
		break;
	case TCPINC_CORE_ENO_R_MULTIPLE_ENO:
	case TCPINC_CORE_ENO_R_MALFORMED_ENO:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_MALFORMED);
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_MALFORMED);
		break;
	case TCPINC_CORE_ENO_R_CONFIG_DISABLED:
	case TCPINC_CORE_ENO_R_LOCAL_VACUOUS:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_OFF);
		break;
	default:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_OTHER);
		break;
	}
}

/* --- configuration -------------------------------------------------------- */

static bool port_is_bad(const struct tcpinc_net *tn, __be16 port)
{
	int i;

	for (i = 0; i < tn->eno_bad_port_count; i++)
		if (tn->eno_bad_ports[i] == ntohs(port))
			return true;
	return false;
}

/*
 * The core configuration of a socket's negotiation: socket options where
 * set, the namespace's sysctls otherwise (draft-ietf-tcpinc-api-06 5).
 */
static void core_config(const struct tcpinc_sock *ctx, struct net *net, bool passive,
			__be16 lport, __be16 rport, struct tcpinc_core_eno_config *c)
{
	const struct tcpinc_net *tn = tcpinc_pernet(net);
	const struct tcpinc_eno_cfg *cfg = &ctx->cfg;
	const u8 *teps;
	u8 n, i;

	memset(c, 0, sizeof(*c));
	if (cfg->enabled >= 0)
		c->enabled = cfg->enabled;
	else
		c->enabled = (passive ? tn->eno_enable_listen : tn->eno_enable_connect) &&
			     !port_is_bad(tn, lport) && !port_is_bad(tn, rport);
	/*
	 * RFC 8547 section 10: ENO must not be sent before the RNG can give
	 * the TEP its fresh randomness (tcpcrypt's nonces and keys).
	 */
	if (c->enabled && !rng_is_initialized()) {
		net_info_ratelimited("tcpinc: random number generator not seeded yet: ENO off for this connection\n");
		c->enabled = 0;
	}
	c->passive = passive;
	c->b = cfg->gopt & 0x01;
	c->a = !!(cfg->gopt & 0x02);
	c->aa_mandatory = cfg->aa_mandatory;
	c->tep_mandatory = cfg->tep_mandatory;
	if (cfg->tep_count != 0xff) {
		n = cfg->tep_count;
		teps = cfg->teps;
	} else {
		n = min_t(u8, READ_ONCE(tn->eno_tep_count), ARRAY_SIZE(tn->eno_teps));
		teps = tn->eno_teps;
	}
	/*
	 * What we offer (A) and what we may select (B) are the same list:
	 * the configured TEPs this kernel can run. A TEP left out here
	 * falls back (no valid TEP) where selecting it would have ENO
	 * enable a session that cannot start (EPROTO).
	 */
	for (i = 0; i < n && i < ARRAY_SIZE(c->teps); i++) {
		u8 id = READ_ONCE(teps[i]);

		if (tcpinc_tep_runnable(id))
			c->teps[c->tep_count++] = id;
		else
			net_info_ratelimited("tcpinc: TEP 0x%02x is configured but this kernel cannot run its key exchange: left out of ENO (no valid TEP if it was the only one)\n",
					     id);
	}
}

/* --- resumption (RFC 8548 3.5) ---------------------------------------------- */

/*
 * The cache controls in force for a connection of this socket (or of a
 * listener's children); false if resumption is off altogether.
 */
static bool resume_policy(const struct tcpinc_sock *ctx, struct net *net,
			  struct tcpinc_core_tc_resume_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->ignore_resumption = ctx->cfg.no_resume || !READ_ONCE(tcpinc_pernet(net)->resume_enable);
	pol->no_cache = ctx->cfg.no_cache;
	pol->nonce_len = ctx->cfg.nonce_len;
	return !pol->ignore_resumption;
}

/*
 * The longest SYN option a proposal can make for config c: one TEP with v = 1
 * and a 9-byte half plus an 8-byte nonce. Asked of the core, which builds
 * the option itself, so the global suboption is counted exactly when it is
 * sent (a = 1 or mandatory application-aware mode alike). Too long
 * (negative) is answered with more than any SYN has room for.
 */
static int resume_option_len(const struct tcpinc_core_eno_config *c)
{
	struct tcpinc_core_eno_config probe = *c;
	int len;

	probe.tep_count = 1;
	probe.teps[0] = c->teps[c->tep_count - 1];
	probe.resume_tep = probe.teps[0];
	probe.resume_data_len = TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN - 1;
	len = tcpinc_core_eno_syn_option_len(&probe);
	return len > 0 ? len : MAX_TCP_OPTION_SPACE + 1;
}

/*
 * An active opener proposes resumption when the cache holds a chain for the
 * peer with a TEP it would offer. The SYN then carries that TEP alone, with
 * v = 1 (B may still answer it with v = 0: a fresh key exchange), so the ENO
 * option is 20 bytes and fits next to Linux's 20. The proposal burns ss[i]
 * whatever happens next (RFC 8548 3.5). Called once per connection, before
 * the first SYN, so SYN retransmissions repeat it byte for byte.
 */
static void resume_propose(struct tcpinc_sock *ctx, struct net *net, const struct tcpinc_flow *f,
			   const struct tcphdr *th, struct tcpinc_core_eno_config *c)
{
	struct tcpinc_core_tc_resume_policy pol;
	u8 sub[TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN];
	tcpinc_usize len = 0;
	int have;
	u8 tep;

	lockdep_assert_held(&ctx->lock);
	/* b = 1 on an active open only works in simultaneous open: no resumption there. */
	if (!c->enabled || !c->tep_count || c->b || !resume_policy(ctx, net, &pol))
		return;
	/*
	 * The proposal must fit this SYN (its options without NOPs, e.g. with
	 * a Fast Open cookie request they do not): otherwise the SYN would go
	 * without ENO at all. Then offer fresh and keep the secret unused.
	 */
	have = tcpinc_skb_options_compact_len(th);
	if (have < 0 || have + resume_option_len(c) > MAX_TCP_OPTION_SPACE)
		return;
	/* Before the take: a VM generation change after it must show. */
	ctx->resume_vmgen = atomic_read(&tcpinc_vm_generation);
	if (tcpinc_cache_take(net, &f->raddr, c->teps, c->tep_count, &pol, &ctx->resume, &tep,
			      &ctx->chain))
		return;
	if (tcpinc_core_tc_resume_build(&ctx->resume, sub, sizeof(sub), &len) != TCPINC_CORE_TC_OK ||
	    len <= TCPINC_CORE_TC_RESUME_HALF_LEN || len > sizeof(sub) ||
	    tcpinc_core_tc_resume_answer_half(&ctx->resume, c->resume_expect_half) != TCPINC_CORE_TC_OK) {
		tcpinc_core_tc_resume_wipe_attempt(&ctx->resume);
		return;
	}
	c->tep_count = 1;
	c->teps[0] = tep;
	c->resume_tep = tep;
	c->resume_data_len = len - 1;
	memcpy(c->resume_data, sub + 1, len - 1);
	ctx->resume_state = TCPINC_RESUME_PROPOSED;
	TCPINC_INC_STATS(net, TCPINC_MIB_RESUME_OFFERED);
}

#define TCPINC_TCPOPT_ENO	69	/* RFC 8547 */

/* What the SYN's resumption lookup needs; lives on in_listener_syn's stack. */
struct resume_lookup_arg {
	struct net *net;
	struct tcpinc_pending_entry *e;	/* receives the attempt; under the pending lock */
	struct tcpinc_core_tc_resume_policy pol;
	bool allowed;
	bool room;
};

/*
 * Whether B's 21-byte resumption answer fits the SYN-ACK. Linux answers a
 * SYN with the options the SYN asked for, so their sizes are read off the
 * SYN: NOPs are padding that tcpinc_skb_add_option() may drop, a Fast Open
 * option may be answered with a 16-byte cookie, MPTCP with 12 bytes. With
 * MSS, SACK, timestamps and window scale that is 19 + 21 = 40 bytes.
 */
static bool syn_answer_room(const u8 *opts, unsigned int len)
{
	unsigned int i = 0, used = 0;

	while (i < len) {
		u8 kind = opts[i], olen;

		if (kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len || (olen = opts[i + 1]) < 2 || i + olen > len)
			return false;
		switch (kind) {
		case TCPINC_TCPOPT_ENO:
			break;			/* the peer's ENO: ours replaces it */
		case TCPOPT_FASTOPEN:
			used += 18;
			break;
		case TCPOPT_MPTCP:
			used += 12;
			break;
		default:
			used += olen;
			break;
		}
		i += olen;
	}
	return used + 21 <= MAX_TCP_OPTION_SPACE;
}

/* The passive opener's lookup (tcpinc_core_eno_resume_lookup_fn). */
static int resume_lookup(void *arg, tcpinc_u8 tep, const tcpinc_u8 *half, tcpinc_u8 *out,
			 tcpinc_u8 *out_len)
{
	struct resume_lookup_arg *a = arg;
	struct tcpinc_pending_entry *e = a->e;
	u8 sub[TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN];
	tcpinc_usize len = 0;

	if (!a->allowed) {
		/* TCP_CRYPT_NO_RESUME on the listener, or resume_enable = 0. */
		TCPINC_INC_STATS(a->net, TCPINC_MIB_RESUME_DECLINED);
		return 0;
	}
	if (!a->room) {
		/* Declining costs nothing: the secret stays unused in the cache. */
		TCPINC_INC_STATS(a->net, TCPINC_MIB_RESUME_NO_ROOM);
		TCPINC_INC_STATS(a->net, TCPINC_MIB_RESUME_DECLINED);
		return 0;
	}
	e->rs.resume_vmgen = atomic_read(&tcpinc_vm_generation);	/* before, as above */
	if (tcpinc_cache_accept(a->net, tep, half, &a->pol, &e->rs.resume, &e->rs.chain)) {
		TCPINC_INC_STATS(a->net, TCPINC_MIB_RESUME_DECLINED);
		return 0;
	}
	if (tcpinc_core_tc_resume_build(&e->rs.resume, sub, sizeof(sub), &len) != TCPINC_CORE_TC_OK ||
	    len <= TCPINC_CORE_TC_RESUME_HALF_LEN || len > sizeof(sub)) {
		tcpinc_core_tc_resume_wipe_attempt(&e->rs.resume);
		TCPINC_INC_STATS(a->net, TCPINC_MIB_RESUME_DECLINED);
		return 0;
	}
	memcpy(out, sub + 1, len - 1);
	*out_len = len - 1;
	e->rs.resume_state = TCPINC_RESUME_ACCEPTED;
	TCPINC_INC_STATS(a->net, TCPINC_MIB_RESUME_ACCEPTED);
	return 1;
}

/*
 * Puts the core's option into skb; counts a lack of space. The core is not
 * told: a SYN or SYN-ACK that leaves without ENO makes the peer fall back,
 * which brings this end down too (its peer's next segment lacks ENO), and
 * A's first ACK (45 02 after at most 12 bytes of timestamps) always fits.
 */
static void emit_option(struct net *net, struct sk_buff *skb, const u8 *opt, u8 len)
{
	int err;

	if (!len)
		return;
	err = tcpinc_skb_add_option(skb, opt, len);
	if (err == -ENOSPC || err == -EOPNOTSUPP)
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_NO_SPACE);
}

/* --- LOCAL_OUT -------------------------------------------------------------- */

static bool tx_tcp_header(struct sk_buff *skb)
{
	if (ip_hdr(skb)->version == 4)
		return ip_hdr(skb)->protocol == IPPROTO_TCP;
	return ipv6_hdr(skb)->nexthdr == IPPROTO_TCP;
}

/*
 * Has the peer sent us a non-SYN segment? RFC 8547 4.6 makes us repeat ENO
 * until then. The stack does not tell a ULP about pure ACKs, so it is read
 * off the socket: any byte received or acknowledged beyond the SYNs, or
 * more segments in than the SYN segments the input hook counted (a
 * retransmitted SYN-ACK must not end the repetition).
 */
static bool peer_sent_non_syn(const struct sock *sk, const struct tcpinc_sock *ctx)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	lockdep_assert_held(&ctx->lock);
	return READ_ONCE(tp->bytes_received) > 0 || READ_ONCE(tp->bytes_acked) > 1 ||
	       READ_ONCE(tp->segs_in) > ctx->syn_segs_in;
}

/*
 * What A's repeated non-SYN ENO (45 02) adds to a segment's TCP header:
 * tcpinc_skb_add_option() NOP-pads it to a 4-byte multiple.
 */
#define TCPINC_ENO_NON_SYN_ROOM	4

/*
 * While A repeats ENO on its non-SYN segments (RFC 8547 4.6) every segment
 * is 4 bytes longer than TCP sized it: a full-sized one would exceed the
 * path MTU (dropped under DF, and TCP's PMTU update cannot fix it, the MTU
 * being unchanged). TCP is told the room the way IP options tell it
 * (icsk_ext_hdr_len, then tcp_sync_mss): the MSS, and the GSO size with
 * it, shrink by 4 while the repetition lasts and grow back when it ends.
 * Under the socket lock (the output path holds it, owned or bh-locked) and
 * ctx->lock. The undo never takes more than it gave, should something
 * else have rewritten icsk_ext_hdr_len meanwhile (IPv6 options set it
 * absolutely).
 */
static void eno_mss_reserve(struct sock *sk, struct tcpinc_sock *ctx, bool on)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	sock_owned_by_me(sk);
	lockdep_assert_held(&ctx->lock);
	if (ctx->mss_reserved == on)
		return;
	ctx->mss_reserved = on;
	if (on)
		icsk->icsk_ext_hdr_len += TCPINC_ENO_NON_SYN_ROOM;
	else if (icsk->icsk_ext_hdr_len >= TCPINC_ENO_NON_SYN_ROOM)
		icsk->icsk_ext_hdr_len -= TCPINC_ENO_NON_SYN_ROOM;
	if (icsk->icsk_pmtu_cookie)
		tcp_sync_mss(sk, icsk->icsk_pmtu_cookie);
}

static unsigned int out_full_sock(struct sock *sk, struct sk_buff *skb)
{
	struct tcpinc_sock *ctx = tcpinc_ctx(sk);
	struct tcpinc_core_opt_scan scan;
	struct tcpinc_core_eno_config c;
	struct net *net = sock_net(sk);
	struct tcpinc_flow f;
	unsigned int verdict = NF_ACCEPT;
	u8 opt[TCPINC_CORE_ENO_MAX_OPTION], len = 0;
	const struct tcphdr *th;
	u8 flags;
	int action, dummy;

	if (!ctx || READ_ONCE(ctx->quiet))
		return NF_ACCEPT;
	th = tcp_hdr(skb);
	flags = tcp_flag_byte(th);

	spin_lock_bh(&ctx->lock);
	if (ctx->phase == TCPINC_ENO_UNSTARTED) {
		if (!(flags & TCPHDR_SYN)) {
			/* Connected before we saw a SYN: nothing to negotiate. */
			WRITE_ONCE(ctx->quiet, 1);
			goto out;
		}
		core_config(ctx, net, false, th->source, th->dest, &c);
		tcpinc_flow_from_tx(skb, th, &f);
		resume_propose(ctx, net, &f, th, &c);
		if (tcpinc_core_eno_init(ctx->eno, &c) != 0) {
			/*
			 * The options were checked one by one when set; what is
			 * left is a combination such as mandatory encryption
			 * with ENO off, which no connection can satisfy.
			 */
			bool mandatory = c.tep_mandatory;

			net_info_ratelimited("tcpinc: ENO settings cannot be satisfied (e.g. TCP_ENO_TEP_MANDATORY with ENO off): %s\n",
					     mandatory ? "aborting (ECONNABORTED)" : "plain TCP");
			memset(&c, 0, sizeof(c));
			(void)tcpinc_core_eno_init(ctx->eno, &c);
			resume_drop(ctx);
			if (mandatory) {
				count_outcome(net, ctx, TCPINC_CORE_ENO_ABORT);
				WRITE_ONCE(ctx->quiet, 1);
				tcpinc_abort_async(sk, ECONNABORTED);
				verdict = NF_DROP;
				goto out;
			}
		}
		ctx->phase = TCPINC_ENO_NEGOTIATING;
		if (tcpinc_core_eno_state(ctx->eno) == TCPINC_CORE_ENO_DISABLED) {
			/* Off by configuration (or no TEP): nothing to send, ever. */
			count_outcome(net, ctx, TCPINC_CORE_ENO_FALLBACK);
			WRITE_ONCE(ctx->quiet, 1);
			goto out;
		}
	}
	if (!(flags & TCPHDR_SYN) && !ctx->told_non_syn && peer_sent_non_syn(sk, ctx)) {
		ctx->told_non_syn = 1;
		action = tcpinc_core_eno_on_receive(ctx->eno, TCPHDR_ACK, NULL, 0, 0, &dummy);
		count_outcome(net, ctx, action);
	}
	tcpinc_core_scan_tcp_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th), &scan);
	action = tcpinc_core_eno_on_send(ctx->eno, flags, skb->len - skb_transport_offset(skb) - th->doff * 4,
					 scan.tfo_nonempty, opt, &len);
	count_outcome(net, ctx, action);
	if (action == TCPINC_CORE_ENO_ABORT) {
		tcpinc_abort_async(sk, ECONNABORTED);
		verdict = NF_DROP;
		len = 0;
	}
	switch (tcpinc_core_eno_state(ctx->eno)) {
	case TCPINC_CORE_ENO_DISABLED:
	case TCPINC_CORE_ENO_ABORTED:
		WRITE_ONCE(ctx->quiet, 1);
		break;
	case TCPINC_CORE_ENO_ENABLED:
		if (ctx->told_non_syn && !len)
			WRITE_ONCE(ctx->quiet, 1);
		break;
	}
	/*
	 * Room for the option from the first non-SYN segment that carries it
	 * (A's handshake ACK: no data goes before it, see tcpinc_crypt_sendmsg)
	 * until the last; given back in the call that makes us quiet.
	 */
	eno_mss_reserve(sk, ctx, !(flags & TCPHDR_SYN) && len && !ctx->told_non_syn &&
			!READ_ONCE(ctx->quiet));
out:
	spin_unlock_bh(&ctx->lock);
	if (len)
		emit_option(net, skb, opt, len);
	return verdict;
}

/* A SYN-ACK of a listener: skb->sk is the request sock. */
static unsigned int out_request_sock(struct sock *sk, struct sk_buff *skb)
{
	struct request_sock *req = inet_reqsk(sk);
	struct sock *lsk = req->rsk_listener;
	struct tcpinc_pending_entry *e;
	struct tcpinc_sock *lctx;
	struct tcpinc_flow f;
	u8 opt[TCPINC_CORE_ENO_MAX_OPTION], len = 0;
	const struct tcphdr *th;
	int action;

	struct tcpinc_pending *p;

	if (!lsk || !(lctx = tcpinc_ctx(lsk)) || !(p = tcpinc_pending_of(lctx)))
		return NF_ACCEPT;
	th = tcp_hdr(skb);
	tcpinc_flow_from_tx(skb, th, &f);
	spin_lock_bh(&p->lock);
	e = tcpinc_pending_find(p, &f, tcp_rsk(req)->rcv_isn);
	if (e) {
		action = tcpinc_core_eno_on_send(tcpinc_entry_eno(e), tcp_flag_byte(th), 0, 0, opt, &len);
		(void)action;	/* outcomes are counted once, at accept */
	}
	spin_unlock_bh(&p->lock);
	if (len)
		emit_option(sock_net(lsk), skb, opt, len);
	return NF_ACCEPT;
}

/*
 * A SYN-ACK that TCP sent from the syncookie path: it belongs to no socket
 * (tcp_make_synack() leaves skb->sk NULL for TCP_SYNACK_COOKIE), so the
 * listener is looked up by the segment's source, and the negotiation by
 * the 4-tuple and the ISN it acknowledges. Without this, every connection
 * to a listener under a SYN flood would be answered without ENO.
 */
static unsigned int out_cookie_synack(struct net *net, struct sk_buff *skb)
{
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	const struct tcphdr *th = tcp_hdr(skb);
	struct tcpinc_pending_entry *e;
	struct tcpinc_pending *p;
	struct tcpinc_sock *lctx;
	struct tcpinc_flow f;
	u8 opt[TCPINC_CORE_ENO_MAX_OPTION], len = 0;
	struct sock *lsk;

	if (!th->syn || !th->ack)
		return NF_ACCEPT;
	/* Not a reuseport selection (no skb of the peer's): any listener of the port. */
	if (ip_hdr(skb)->version == 4)
		lsk = __inet_lookup_listener(net, hinfo, NULL, 0, ip_hdr(skb)->daddr, th->dest,
					     ip_hdr(skb)->saddr, ntohs(th->source), 0, 0);
#if IS_ENABLED(CONFIG_IPV6)
	else
		lsk = inet6_lookup_listener(net, hinfo, NULL, 0, &ipv6_hdr(skb)->daddr, th->dest,
					    &ipv6_hdr(skb)->saddr, ntohs(th->source), 0, 0);
#else
	else
		lsk = NULL;
#endif
	if (!lsk || lsk->sk_state != TCP_LISTEN || !(lctx = tcpinc_ctx(lsk)) ||
	    !(p = tcpinc_pending_of(lctx)))
		return NF_ACCEPT;
	tcpinc_flow_from_tx(skb, th, &f);
	spin_lock_bh(&p->lock);
	e = tcpinc_pending_find(p, &f, ntohl(th->ack_seq) - 1);
	if (e)
		(void)tcpinc_core_eno_on_send(tcpinc_entry_eno(e), tcp_flag_byte(th), 0, 0, opt, &len);
	spin_unlock_bh(&p->lock);
	if (len)
		emit_option(net, skb, opt, len);
	return NF_ACCEPT;
}

static unsigned int tcpinc_out_hook(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct sock *sk = skb->sk;

	if (!sk)
		return tx_tcp_header(skb) ? out_cookie_synack(state->net, skb) : NF_ACCEPT;
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		if (!tx_tcp_header(skb))
			return NF_ACCEPT;
		return out_request_sock(sk, skb);
	}
	/*
	 * Only a TCP socket has an inet_connection_sock behind it: a raw
	 * socket of protocol IPPROTO_TCP (which writes TCP segments itself)
	 * has the same sk_protocol, and reading icsk_ulp_ops from it reads
	 * past its object (KASAN caught it in tcpcrypt-flags).
	 */
	if (!sk_fullsock(sk) || sk->sk_type != SOCK_STREAM || sk->sk_protocol != IPPROTO_TCP ||
	    inet_csk(sk)->icsk_ulp_ops != &tcpinc_ulp_ops || !tx_tcp_header(skb))
		return NF_ACCEPT;
	return out_full_sock(sk, skb);
}

/* --- LOCAL_IN --------------------------------------------------------------- */

/* SYN-form segment (or ENO-carrying one) for a socket of ours in SYN_SENT/SYN_RECV. */
static unsigned int in_full_sock(struct sock *sk, const struct tcphdr *th, const u8 *opts,
				 unsigned int optlen, unsigned int payload)
{
	struct tcpinc_sock *ctx = tcpinc_ctx(sk);
	unsigned int verdict = NF_ACCEPT;
	u8 flags = tcp_flag_byte(th);
	int action, discard;

	if (!ctx)
		return NF_ACCEPT;
	if (flags & TCPHDR_SYN) {
		spin_lock_bh(&ctx->lock);
		ctx->syn_segs_in++;
		spin_unlock_bh(&ctx->lock);
	}
	if (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV)
		return NF_ACCEPT;
	/*
	 * A SYN-ACK that TCP will reject (its ACK does not cover our SYN) must
	 * not steer the negotiation. The bound is write_seq, not snd_nxt: on
	 * veth the SYN-ACK can arrive before tcp_connect() advanced snd_nxt
	 * past the SYN it just transmitted.
	 */
	if ((flags & TCPHDR_ACK) && sk->sk_state == TCP_SYN_SENT) {
		const struct tcp_sock *tp = tcp_sk(sk);
		u32 ack = ntohl(th->ack_seq);

		if (!after(ack, READ_ONCE(tp->snd_una)) || after(ack, READ_ONCE(tp->write_seq)))
			return NF_ACCEPT;
	}
	spin_lock_bh(&ctx->lock);
	if (ctx->phase == TCPINC_ENO_NEGOTIATING) {
		action = tcpinc_core_eno_on_receive(ctx->eno, flags, opts, optlen, payload, &discard);
		count_outcome(sock_net(sk), ctx, action);
		if (action == TCPINC_CORE_ENO_ABORT) {
			tcpinc_abort_async(sk, ECONNABORTED);
			verdict = NF_DROP;
		}
		if (tcpinc_core_eno_state(ctx->eno) == TCPINC_CORE_ENO_DISABLED)
			WRITE_ONCE(ctx->quiet, 1);
	}
	spin_unlock_bh(&ctx->lock);
	return verdict;
}

/* The peer's SYN reaches one of our listeners: start a half-open negotiation. */
static void in_listener_syn(struct sock *lsk, struct sk_buff *skb, const struct tcphdr *th,
			    const u8 *opts, unsigned int optlen, unsigned int payload)
{
	struct tcpinc_sock *lctx = tcpinc_ctx(lsk);
	struct net *net = sock_net(lsk);
	struct tcpinc_pending_entry *e;
	struct tcpinc_core_eno_config c;
	struct resume_lookup_arg ra = { .net = net };
	struct tcpinc_pending *p;
	struct tcpinc_flow f;
	u32 isn = ntohl(th->seq);
	int discard;

	if (!lctx || !(p = tcpinc_pending_get(lctx, net)))
		return;
	tcpinc_flow_from_rx(skb, th, &f);
	spin_lock_bh(&p->lock);
	e = tcpinc_pending_find(p, &f, isn);
	if (e) {
		/* A retransmitted SYN: the core checks the option did not change. */
		(void)tcpinc_core_eno_on_receive(tcpinc_entry_eno(e), tcp_flag_byte(th), opts, optlen,
						 payload, &discard);
		goto out;
	}
	/*
	 * Not this connection's: an entry of the same 4-tuple belongs to an
	 * earlier one (its request sock is gone, or the peer reuses the
	 * tuple) and must not judge this SYN. It goes, secrets and all.
	 */
	e = tcpinc_pending_find_tuple(p, &f);
	if (e) {
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_PENDING_REPLACED);
		tcpinc_pending_free(p, e);
	}
	e = tcpinc_pending_add(p, &f, isn, READ_ONCE(tcpinc_pernet(net)->eno_pending_max),
			       GFP_ATOMIC);
	if (!e) {
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_PENDING_FULL);
		goto out;
	}
	spin_lock(&lctx->lock);
	core_config(lctx, net, true, th->dest, th->source, &c);
	ra.allowed = resume_policy(lctx, net, &ra.pol);
	spin_unlock(&lctx->lock);
	if (tcpinc_core_eno_init(tcpinc_entry_eno(e), &c) != 0) {
		memset(&c, 0, sizeof(c));	/* disabled: the SYN-ACK carries no ENO */
		(void)tcpinc_core_eno_init(tcpinc_entry_eno(e), &c);
	}
	ra.e = e;
	ra.room = syn_answer_room(opts, optlen);
	/* The lookup runs inside, under p->lock (then the cache's lock). */
	(void)tcpinc_core_eno_on_receive_passive(tcpinc_entry_eno(e), tcp_flag_byte(th), opts, optlen,
						 payload, &discard, resume_lookup, &ra);
out:
	spin_unlock_bh(&p->lock);
}

/*
 * A non-SYN segment that carries ENO would complete a handshake with a
 * listener of ours, but no half-open negotiation matches it: the peer
 * enabled ENO on our SYN-ACK (it repeats ENO only after a SYN-ACK that had
 * it) and we lost the state (evicted by a flood, expired). A child made
 * now would have no negotiation: it would send the application's bytes in
 * the clear to a peer that expects tcpcrypt. The segment is dropped
 * instead, and the request sock with it (if there is one), so that the
 * peer's next segment finds only the listener, which answers with an RST.
 */
static unsigned int lost_negotiation(struct net *net, struct sock *lsk,
				     struct request_sock *req)
{
	TCPINC_INC_STATS(net, TCPINC_MIB_ENO_PENDING_LOST);
	net_info_ratelimited("tcpinc: ENO handshake for port %u completed with no negotiation state left (evicted by newer SYNs or expired): segment dropped, %s\n",
			     inet_sk(lsk)->inet_num,
			     req ? "request dropped (the peer gets an RST)" : "no child made (syncookie)");
	if (req)
		inet_csk_reqsk_queue_drop(lsk, req);
	return NF_DROP;
}

/* A segment for a request sock (the third ACK, a retransmitted SYN). */
static unsigned int in_request_sock(struct sock *sk, struct sk_buff *skb, const struct tcphdr *th,
				    const u8 *opts, unsigned int optlen, unsigned int payload)
{
	struct request_sock *req = inet_reqsk(sk);
	struct tcpinc_pending_entry *e = NULL;
	struct tcpinc_sock *lctx;
	struct tcpinc_pending *p;
	struct tcpinc_flow f;
	int discard;

	if (!req->rsk_listener || !(lctx = tcpinc_ctx(req->rsk_listener)))
		return NF_ACCEPT;
	/*
	 * A SYN of another connection that still meets this request is not
	 * its; an RST (ours repeat ENO too) ends the request anyway.
	 */
	if (th->rst || (th->syn && ntohl(th->seq) != tcp_rsk(req)->rcv_isn))
		return NF_ACCEPT;
	p = tcpinc_pending_of(lctx);
	tcpinc_flow_from_rx(skb, th, &f);
	if (p) {
		spin_lock_bh(&p->lock);
		e = tcpinc_pending_find(p, &f, tcp_rsk(req)->rcv_isn);
		if (e)
			(void)tcpinc_core_eno_on_receive(tcpinc_entry_eno(e), tcp_flag_byte(th), opts,
							 optlen, payload, &discard);
		spin_unlock_bh(&p->lock);
	}
	if (e || th->syn)
		return NF_ACCEPT;
	return lost_negotiation(sock_net(sk), req->rsk_listener, req);
}

/*
 * A non-SYN segment with ENO for a listener (no request sock): with
 * syncookies, the third ACK of a handshake whose SYN-ACK left from the
 * cookie path. Its negotiation must still be in the table.
 */
static unsigned int in_listener_cookie_ack(struct sock *lsk, struct sk_buff *skb,
					   const struct tcphdr *th, const u8 *opts,
					   unsigned int optlen, unsigned int payload)
{
	struct tcpinc_sock *lctx = tcpinc_ctx(lsk);
	struct tcpinc_pending_entry *e = NULL;
	struct tcpinc_pending *p;
	struct tcpinc_flow f;
	int discard;

	/*
	 * Without a recent SYN queue overflow TCP accepts no cookie: the
	 * listener answers this segment with an RST itself.
	 */
	if (!lctx || tcp_synq_no_recent_overflow(lsk))
		return NF_ACCEPT;
	p = tcpinc_pending_of(lctx);
	if (p) {
		tcpinc_flow_from_rx(skb, th, &f);
		spin_lock_bh(&p->lock);
		/* The cookie's request will have rcv_isn = seq - 1. */
		e = tcpinc_pending_find(p, &f, ntohl(th->seq) - 1);
		/* As in_request_sock() does: the clone reads what the ACK said. */
		if (e)
			(void)tcpinc_core_eno_on_receive(tcpinc_entry_eno(e), tcp_flag_byte(th), opts,
							 optlen, payload, &discard);
		spin_unlock_bh(&p->lock);
	}
	return e ? NF_ACCEPT : lost_negotiation(sock_net(lsk), lsk, NULL);
}

static unsigned int tcpinc_in_hook(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	struct net *net = state->net;
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	u8 buf[60];
	const struct tcphdr *th;
	struct tcpinc_core_opt_scan scan;
	unsigned int thoff = skb_transport_offset(skb), optlen, payload;
	unsigned int verdict = NF_ACCEPT;
	const u8 *opts;
	struct sock *sk;
	bool v4 = ip_hdr(skb)->version == 4;

	if (v4 ? ip_hdr(skb)->protocol != IPPROTO_TCP : ipv6_hdr(skb)->nexthdr != IPPROTO_TCP)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, thoff, sizeof(struct tcphdr), buf);
	if (!th || th->doff < 5)
		return NF_ACCEPT;
	if (!th->syn && th->doff == 5)
		return NF_ACCEPT;	/* no option at all: the common data path */
	th = skb_header_pointer(skb, thoff, th->doff * 4, buf);
	if (!th)
		return NF_ACCEPT;
	opts = (const u8 *)(th + 1);
	optlen = th->doff * 4 - sizeof(*th);
	if (!th->syn) {
		tcpinc_core_scan_tcp_options(opts, optlen, &scan);
		if (!scan.eno_count)
			return NF_ACCEPT;
	}
	if (skb->len < thoff + th->doff * 4)
		return NF_ACCEPT;
	payload = skb->len - thoff - th->doff * 4;

	if (v4)
		sk = __inet_lookup_established(net, hinfo, ip_hdr(skb)->saddr, th->source,
					       ip_hdr(skb)->daddr, ntohs(th->dest),
					       inet_iif(skb), inet_sdif(skb));
	else
		sk = __inet6_lookup_established(net, hinfo, &ipv6_hdr(skb)->saddr, th->source,
						&ipv6_hdr(skb)->daddr, ntohs(th->dest),
						inet6_iif(skb), inet6_sdif(skb));
	if (sk) {
		if (sk->sk_state == TCP_NEW_SYN_RECV)
			verdict = in_request_sock(sk, skb, th, opts, optlen, payload);
		else if (sk_fullsock(sk))
			verdict = in_full_sock(sk, th, opts, optlen, payload);
		sock_gen_put(sk);
		return verdict;
	}
	if (th->rst || (th->syn && th->ack))
		return NF_ACCEPT;
	/* Here: a SYN, or a non-SYN carrying ENO (a third ACK with syncookies). */
	if (v4)
		sk = __inet_lookup_listener(net, hinfo, skb, thoff + th->doff * 4,
					    ip_hdr(skb)->saddr, th->source, ip_hdr(skb)->daddr,
					    ntohs(th->dest), inet_iif(skb), inet_sdif(skb));
#if IS_ENABLED(CONFIG_IPV6)
	else
		sk = inet6_lookup_listener(net, hinfo, skb, thoff + th->doff * 4,
					   &ipv6_hdr(skb)->saddr, th->source, &ipv6_hdr(skb)->daddr,
					   ntohs(th->dest), inet6_iif(skb), inet6_sdif(skb));
#endif
	/* Listeners are RCU-freed and not refcounted by the lookup. */
	if (!sk || sk->sk_state != TCP_LISTEN)
		return NF_ACCEPT;
	if (th->syn && tcpinc_ctx(sk) &&
	    READ_ONCE(inet_csk(sk)->icsk_accept_queue.fastopenq.max_qlen)) {
		/*
		 * Fast Open still on for a ULP listener: the SYN came between
		 * listen()/setsockopt() enabling it and tcpinc_no_fastopen()
		 * undoing it. Data, or a cookie, would make TCP create a child
		 * at SYN time with the data queued (4.7 says discard it). The
		 * SYN is dropped; the peer's retransmission finds it off.
		 */
		tcpinc_core_scan_tcp_options(opts, optlen, &scan);
		if (payload || scan.tfo_nonempty) {
			TCPINC_INC_STATS(net, TCPINC_MIB_ENO_TFO_DROPPED);
			net_info_ratelimited("tcpinc: SYN with Fast Open data or cookie to a listener whose Fast Open is being turned off (port %u): dropped\n",
					     inet_sk(sk)->inet_num);
			return NF_DROP;
		}
	}
	if (th->syn)
		in_listener_syn(sk, skb, th, opts, optlen, payload);
	else
		verdict = in_listener_cookie_ack(sk, skb, th, opts, optlen, payload);
	return verdict;
}

static const struct nf_hook_ops tcpinc_nf_ops[] = {
	{ .hook = tcpinc_out_hook, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP_PRI_LAST - 1 },
	{ .hook = tcpinc_in_hook, .pf = NFPROTO_IPV4, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP_PRI_FIRST + 1 },
	{ .hook = tcpinc_out_hook, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_OUT,
	  .priority = NF_IP6_PRI_LAST - 1 },
	{ .hook = tcpinc_in_hook, .pf = NFPROTO_IPV6, .hooknum = NF_INET_LOCAL_IN,
	  .priority = NF_IP6_PRI_FIRST + 1 },
};

int tcpinc_eno_hooks_ensure(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	int err = 0;

	if (READ_ONCE(tn->hooks_on))
		return 0;
	mutex_lock(&tn->hooks_lock);
	if (!tn->hooks_on) {
		err = nf_register_net_hooks(net, tcpinc_nf_ops, ARRAY_SIZE(tcpinc_nf_ops));
		if (!err)
			WRITE_ONCE(tn->hooks_on, true);
		else
			pr_err("tcpinc: cannot register netfilter hooks (%d): ENO stays off in this namespace\n",
			       err);
	}
	mutex_unlock(&tn->hooks_lock);
	return err;
}

void tcpinc_eno_hooks_remove(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	mutex_lock(&tn->hooks_lock);
	if (tn->hooks_on)
		nf_unregister_net_hooks(net, tcpinc_nf_ops, ARRAY_SIZE(tcpinc_nf_ops));
	tn->hooks_on = false;
	mutex_unlock(&tn->hooks_lock);
}

/* --- socket lifetime --------------------------------------------------------- */

void tcpinc_eno_sock_init(struct tcpinc_sock *ctx, struct sock *sk)
{
	spin_lock_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->crypt_node);
	ctx->eno = (struct tcpinc_core_eno *)(ctx + 1);
	ctx->cfg.enabled = -1;
	ctx->cfg.tep_count = 0xff;
	ctx->phase = TCPINC_ENO_UNSTARTED;
}

/*
 * The accepted child takes over the listener's half-open negotiation. lctx
 * is the listener's context: not taken from req->rsk_listener, which is
 * NULL for a request rebuilt from a SYN cookie. Its
 * third ACK was already fed by the input hook if it carried ENO; if it did
 * not, the handshake's first ACK lacked ENO and the core falls back.
 */
void tcpinc_eno_sock_clone(struct tcpinc_sock *ctx, struct tcpinc_sock *lctx,
			   const struct request_sock *req, struct sock *newsk)
{
	struct net *net = sock_net(newsk);
	struct tcpinc_pending_entry *e = NULL;
	struct tcpinc_flow f;
	int action, discard;

	tcpinc_eno_sock_init(ctx, newsk);
	WRITE_ONCE(ctx->quiet, 1);			/* B never adds ENO after its SYN-ACK */
	if (lctx) {
		struct tcpinc_pending *p = tcpinc_pending_of(lctx);

		ctx->cfg = lctx->cfg;
		if (p) {
			tcpinc_flow_from_req(req, &f);
			spin_lock(&p->lock);
			e = tcpinc_pending_find(p, &f, tcp_rsk(req)->rcv_isn);
			if (e) {
				memcpy(ctx->eno, tcpinc_entry_eno(e), tcpinc_eno_size);
				/* The accepted resumption moves too; the entry is wiped. */
				ctx->rs = e->rs;
				tcpinc_pending_free(p, e);
			}
			spin_unlock(&p->lock);
		}
	}
	if (!e) {
		ctx->phase = TCPINC_ENO_DISABLED;
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_NO_STATE);
		return;
	}
	ctx->phase = TCPINC_ENO_NEGOTIATING;
	switch (tcpinc_core_eno_state(ctx->eno)) {
	case TCPINC_CORE_ENO_ENABLED:
		count_outcome(net, ctx, TCPINC_CORE_ENO_ENABLE);
		break;
	case TCPINC_CORE_ENO_SYN_RECEIVED:
		action = tcpinc_core_eno_on_receive(ctx->eno, TCPHDR_ACK, NULL, 0, 0, &discard);
		count_outcome(net, ctx, action);
		if (action == TCPINC_CORE_ENO_ABORT)
			tcpinc_abort_async(newsk, ECONNABORTED);
		break;
	case TCPINC_CORE_ENO_ABORTED:
		count_outcome(net, ctx, TCPINC_CORE_ENO_ABORT);
		tcpinc_abort_async(newsk, ECONNABORTED);
		break;
	default:
		count_outcome(net, ctx, TCPINC_CORE_ENO_FALLBACK);
		break;
	}
}

/* After the ULP layer freed the tcpcrypt session (tcpinc_ulp_release). */
void tcpinc_eno_sock_release(struct tcpinc_sock *ctx)
{
	tcpinc_core_tc_resume_wipe_attempt(&ctx->resume);
	tcpinc_pending_release(ctx);
	/* The negotiation holds option bytes and flags, no secret; still wipe. */
	memzero_explicit(ctx->eno, tcpinc_eno_size);
}

size_t tcpinc_eno_ctx_extra(void)
{
	return tcpinc_eno_size;
}

int tcpinc_eno_init(void)
{
	tcpinc_eno_size = tcpinc_core_eno_size();
	return tcpinc_abort_init();
}

void tcpinc_eno_exit(void)
{
	tcpinc_abort_exit();
}
