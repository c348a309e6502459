// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_eno_input.c - the NF_INET_LOCAL_IN hook: reads the ENO option off
 * the segments we receive and feeds it to the socket's negotiation, or to a
 * listener's half-open one (tcpinc_eno_pending.c), where the passive
 * opener also answers a resumption proposal. It looks only at SYN segments
 * and at segments carrying an option of kind 69, so ordinary traffic costs
 * an option scan at most.
 */
#include <linux/netfilter.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_abort.h"
#include "tcpinc_cache.h"
#include "tcpinc_eno_input.h"
#include "tcpinc_eno_pending.h"
#include "tcpinc_eno_sock.h"
#include "tcpinc_vmgen.h"
#include "tcpinc/core_api.h"

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
	struct tcpinc_core_tcp_opt o;
	tcpinc_usize pos = 0;
	unsigned int used = 0;
	int step;

	while ((step = tcpinc_core_tcp_option_next(opts, len, &pos, &o)) > 0) {
		switch (o.kind) {
		case TCPINC_TCPOPT_ENO:
			break;			/* the peer's ENO: ours replaces it */
		case TCPOPT_FASTOPEN:
			used += 18;
			break;
		case TCPOPT_MPTCP:
			used += 12;
			break;
		default:
			used += o.len;
			break;
		}
	}
	return step == 0 && used + 21 <= MAX_TCP_OPTION_SPACE;
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
		tcpinc_eno_count_outcome(sock_net(sk), ctx, action);
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
	tcpinc_eno_core_config(lctx, net, true, th->dest, th->source, &c);
	ra.allowed = tcpinc_eno_resume_policy(lctx, net, &ra.pol);
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

/* NOP, NOP, kind 8 (timestamps), length 10: tcp_options_write()'s layout. */
#define TCPINC_NOP_NOP_TS	((TCPOPT_NOP << 24) | (TCPOPT_NOP << 16) | \
				 (TCPOPT_TIMESTAMP << 8) | TCPOLEN_TIMESTAMP)

/* An incoming segment as the hook reads it. */
struct in_seg {
	const struct tcphdr *th;	/* header and options, in buf or the skb */
	const u8 *opts;
	unsigned int thoff, optlen, payload;
	bool v4;
	u8 buf[60];
};

/*
 * Whether the hook looks at skb at all, and if so its TCP header into s: a
 * SYN, or another segment that carries ENO. Everything else (the common
 * data path) leaves after reading 20 bytes.
 */
static bool in_read_seg(struct sk_buff *skb, struct in_seg *s)
{
	struct tcpinc_core_opt_scan scan;
	const struct tcphdr *th;

	s->v4 = ip_hdr(skb)->version == 4;
	if (s->v4 ? ip_hdr(skb)->protocol != IPPROTO_TCP : ipv6_hdr(skb)->nexthdr != IPPROTO_TCP)
		return false;
	s->thoff = skb_transport_offset(skb);
	th = skb_header_pointer(skb, s->thoff, sizeof(struct tcphdr), s->buf);
	if (!th || th->doff < 5)
		return false;
	if (!th->syn && th->doff == 5)
		return false;	/* no option at all: the common data path */
	/*
	 * Timestamps alone, as Linux lays them out (NOP, NOP, TS): the 12
	 * bytes hold no other option, so no ENO. Most segments of a
	 * connection look like this; they skip the scan below.
	 */
	if (!th->syn && th->doff == 8) {
		__be32 first;
		const __be32 *p = skb_header_pointer(skb, s->thoff + sizeof(*th), sizeof(first),
						     &first);

		if (p && *p == htonl(TCPINC_NOP_NOP_TS))
			return false;
	}
	th = skb_header_pointer(skb, s->thoff, th->doff * 4, s->buf);
	if (!th)
		return false;
	s->th = th;
	s->opts = (const u8 *)(th + 1);
	s->optlen = th->doff * 4 - sizeof(*th);
	if (!th->syn) {
		tcpinc_core_scan_tcp_options(s->opts, s->optlen, &scan);
		if (!scan.eno_count)
			return false;
	}
	if (skb->len < s->thoff + th->doff * 4)
		return false;
	s->payload = skb->len - s->thoff - th->doff * 4;
	return true;
}

/* The segment's established or request sock, referenced; or NULL. */
static struct sock *in_lookup_established(struct net *net, struct sk_buff *skb,
					  const struct in_seg *s)
{
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	const struct tcphdr *th = s->th;

	if (s->v4)
		return __inet_lookup_established(net, hinfo, ip_hdr(skb)->saddr, th->source,
						 ip_hdr(skb)->daddr, ntohs(th->dest),
						 inet_iif(skb), inet_sdif(skb));
	return __inet6_lookup_established(net, hinfo, &ipv6_hdr(skb)->saddr, th->source,
					  &ipv6_hdr(skb)->daddr, ntohs(th->dest),
					  inet6_iif(skb), inet6_sdif(skb));
}

/* The listener the segment reaches, or NULL; RCU-freed, not referenced. */
static struct sock *in_lookup_listener(struct net *net, struct sk_buff *skb,
				       const struct in_seg *s)
{
	struct inet_hashinfo *hinfo = net->ipv4.tcp_death_row.hashinfo;
	const struct tcphdr *th = s->th;
	unsigned int doff = s->thoff + th->doff * 4;

	if (s->v4)
		return __inet_lookup_listener(net, hinfo, skb, doff, ip_hdr(skb)->saddr, th->source,
					      ip_hdr(skb)->daddr, ntohs(th->dest), inet_iif(skb),
					      inet_sdif(skb));
#if IS_ENABLED(CONFIG_IPV6)
	return inet6_lookup_listener(net, hinfo, skb, doff, &ipv6_hdr(skb)->saddr, th->source,
				     &ipv6_hdr(skb)->daddr, ntohs(th->dest), inet6_iif(skb),
				     inet6_sdif(skb));
#else
	return NULL;
#endif
}

/*
 * Fast Open still on for a ULP listener: the SYN came between listen() or
 * setsockopt() enabling it and tcpinc_no_fastopen() undoing it. Data, or a
 * cookie, would make TCP create a child at SYN time with the data queued
 * (RFC 8547 4.7 says discard it). True if the SYN must be dropped; the
 * peer's retransmission finds Fast Open off.
 */
static bool in_syn_races_fastopen(struct net *net, struct sock *lsk, const struct in_seg *s)
{
	struct tcpinc_core_opt_scan scan;

	if (!READ_ONCE(inet_csk(lsk)->icsk_accept_queue.fastopenq.max_qlen))
		return false;
	tcpinc_core_scan_tcp_options(s->opts, s->optlen, &scan);
	if (!s->payload && !scan.tfo_nonempty)
		return false;
	TCPINC_INC_STATS(net, TCPINC_MIB_ENO_TFO_DROPPED);
	net_info_ratelimited("tcpinc: SYN with Fast Open data or cookie to a listener whose Fast Open is being turned off (port %u): dropped\n",
			     inet_sk(lsk)->inet_num);
	return true;
}

/* A SYN, or a non-SYN carrying ENO (a third ACK with syncookies), for no socket. */
static unsigned int in_listener(struct net *net, struct sk_buff *skb, const struct in_seg *s)
{
	const struct tcphdr *th = s->th;
	struct sock *lsk = in_lookup_listener(net, skb, s);

	if (!lsk || lsk->sk_state != TCP_LISTEN)
		return NF_ACCEPT;
	if (th->syn && tcpinc_ctx(lsk) && in_syn_races_fastopen(net, lsk, s))
		return NF_DROP;
	if (!th->syn)
		return in_listener_cookie_ack(lsk, skb, th, s->opts, s->optlen, s->payload);
	in_listener_syn(lsk, skb, th, s->opts, s->optlen, s->payload);
	return NF_ACCEPT;
}

unsigned int tcpinc_eno_in_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	unsigned int verdict = NF_ACCEPT;
	struct in_seg s;
	struct sock *sk;

	if (!in_read_seg(skb, &s))
		return NF_ACCEPT;
	sk = in_lookup_established(state->net, skb, &s);
	if (sk) {
		if (sk->sk_state == TCP_NEW_SYN_RECV)
			verdict = in_request_sock(sk, skb, s.th, s.opts, s.optlen, s.payload);
		else if (sk_fullsock(sk))
			verdict = in_full_sock(sk, s.th, s.opts, s.optlen, s.payload);
		sock_gen_put(sk);
		return verdict;
	}
	if (s.th->rst || (s.th->syn && s.th->ack))
		return NF_ACCEPT;
	return in_listener(state->net, skb, &s);
}
