// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_eno_output.c - the NF_INET_LOCAL_OUT hook: writes the ENO option
 * into the handshake segments we send. It sees every segment with skb->sk
 * set: the full socket for SYN, ACK and data (A's side, and B's after the
 * accept), the request sock for a SYN-ACK, nothing for a SYN cookie
 * SYN-ACK (whose listener and half-open negotiation are looked up by the
 * segment's addresses). It works the same for v4-mapped IPv6 sockets, whose
 * icsk_af_ops tcp_v6_connect() swaps.
 */
#include <linux/netfilter.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_abort.h"
#include "tcpinc_eno_output.h"
#include "tcpinc_eno_pending.h"
#include "tcpinc_eno_skb.h"
#include "tcpinc_eno_sock.h"
#include "tcpinc/core_api.h"

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

/* What out_start() left to do with the segment. */
enum out_start_result {
	OUT_NEGOTIATE,		/* the negotiation runs: let it see the segment */
	OUT_QUIET,		/* nothing to send, ever: the segment goes as it is */
	OUT_DROP,		/* the connection aborts: the segment goes nowhere */
};

/*
 * Starts the negotiation on the first segment a socket sends: its SYN (A's,
 * or a simultaneous open's). Under ctx->lock.
 */
static enum out_start_result out_start(struct sock *sk, struct tcpinc_sock *ctx,
				       struct sk_buff *skb, const struct tcphdr *th)
{
	struct net *net = sock_net(sk);
	struct tcpinc_core_eno_config c;
	struct tcpinc_flow f;
	bool mandatory;

	lockdep_assert_held(&ctx->lock);
	if (!th->syn) {
		/* Connected before we saw a SYN: nothing to negotiate. */
		WRITE_ONCE(ctx->quiet, 1);
		return OUT_QUIET;
	}
	tcpinc_eno_core_config(ctx, net, false, th->source, th->dest, &c);
	tcpinc_flow_from_tx(skb, th, &f);
	tcpinc_eno_resume_propose(ctx, net, &f, th, &c);
	if (tcpinc_core_eno_init(ctx->eno, &c) != 0) {
		/*
		 * The options were checked one by one when set; what is left
		 * is a combination such as mandatory encryption with ENO off,
		 * which no connection can satisfy.
		 */
		mandatory = c.tep_mandatory;
		net_info_ratelimited("tcpinc: ENO settings cannot be satisfied (e.g. TCP_ENO_TEP_MANDATORY with ENO off): %s\n",
				     mandatory ? "aborting (ECONNABORTED)" : "plain TCP");
		memset(&c, 0, sizeof(c));
		(void)tcpinc_core_eno_init(ctx->eno, &c);
		tcpinc_eno_resume_drop(ctx);
		if (mandatory) {
			tcpinc_eno_count_outcome(net, ctx, TCPINC_CORE_ENO_ABORT);
			WRITE_ONCE(ctx->quiet, 1);
			tcpinc_abort_async(sk, ECONNABORTED);
			return OUT_DROP;
		}
	}
	WRITE_ONCE(ctx->phase, TCPINC_ENO_NEGOTIATING);
	if (tcpinc_core_eno_state(ctx->eno) == TCPINC_CORE_ENO_DISABLED) {
		/* Off by configuration (or no TEP): nothing to send, ever. */
		tcpinc_eno_count_outcome(net, ctx, TCPINC_CORE_ENO_FALLBACK);
		WRITE_ONCE(ctx->quiet, 1);
		return OUT_QUIET;
	}
	return OUT_NEGOTIATE;
}

/*
 * After the core chose the segment's option (len bytes): whether this
 * socket goes quiet, and the MSS room for A's repeated ENO. Under ctx->lock.
 */
static void out_settle(struct sock *sk, struct tcpinc_sock *ctx, bool syn, u8 len)
{
	lockdep_assert_held(&ctx->lock);
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
	eno_mss_reserve(sk, ctx, !syn && len && !ctx->told_non_syn && !READ_ONCE(ctx->quiet));
}

/*
 * The negotiation's turn on a segment of a started socket: tell the core
 * of the peer's first non-SYN segment, then have it choose this segment's
 * option (into opt, *len bytes). NF_DROP if the connection aborts.
 */
static unsigned int out_negotiate(struct sock *sk, struct tcpinc_sock *ctx,
				  struct sk_buff *skb, const struct tcphdr *th,
				  u8 *opt, u8 *len)
{
	struct net *net = sock_net(sk);
	struct tcpinc_core_opt_scan scan;
	u8 flags = tcp_flag_byte(th);
	int action, dummy;

	lockdep_assert_held(&ctx->lock);
	if (!(flags & TCPHDR_SYN) && !ctx->told_non_syn && peer_sent_non_syn(sk, ctx)) {
		ctx->told_non_syn = 1;
		action = tcpinc_core_eno_on_receive(ctx->eno, TCPHDR_ACK, NULL, 0, 0, &dummy);
		tcpinc_eno_count_outcome(net, ctx, action);
	}
	tcpinc_core_scan_tcp_options((const u8 *)(th + 1), th->doff * 4 - sizeof(*th), &scan);
	action = tcpinc_core_eno_on_send(ctx->eno, flags,
					 skb->len - skb_transport_offset(skb) - th->doff * 4,
					 scan.tfo_nonempty, opt, len);
	tcpinc_eno_count_outcome(net, ctx, action);
	if (action == TCPINC_CORE_ENO_ABORT) {
		tcpinc_abort_async(sk, ECONNABORTED);
		*len = 0;
	}
	out_settle(sk, ctx, flags & TCPHDR_SYN, *len);
	return action == TCPINC_CORE_ENO_ABORT ? NF_DROP : NF_ACCEPT;
}

/* A segment of a full socket of ours: SYN, ACK or data. */
static unsigned int out_full_sock(struct sock *sk, struct sk_buff *skb)
{
	struct tcpinc_sock *ctx = tcpinc_ctx(sk);
	const struct tcphdr *th = tcp_hdr(skb);
	u8 opt[TCPINC_CORE_ENO_MAX_OPTION], len = 0;
	unsigned int verdict = NF_ACCEPT;

	if (!ctx || READ_ONCE(ctx->quiet))
		return NF_ACCEPT;
	spin_lock_bh(&ctx->lock);
	if (ctx->phase == TCPINC_ENO_UNSTARTED) {
		switch (out_start(sk, ctx, skb, th)) {
		case OUT_DROP:
			verdict = NF_DROP;
			goto out;
		case OUT_QUIET:
			goto out;
		case OUT_NEGOTIATE:
			break;
		}
	}
	verdict = out_negotiate(sk, ctx, skb, th, opt, &len);
out:
	spin_unlock_bh(&ctx->lock);
	if (len)
		emit_option(sock_net(sk), skb, opt, len);
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

unsigned int tcpinc_eno_out_hook(void *priv, struct sk_buff *skb,
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
