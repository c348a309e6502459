// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_eno_pending.c - a listener's table of half-open ENO negotiations,
 * keyed by the connection's 4-tuple: created by the SYN (input hook), used
 * by the SYN-ACK (output hook, request sock) and the third ACK, moved into
 * the accepted child by the ULP clone op, expired if the handshake never
 * completes. Bounded per listener (net.tcpinc.eno_pending_max).
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "tcpinc_eno.h"

/* Longer than a SYN-ACK retransmission series (1+2+4+8+16+32 s). */
#define TCPINC_PENDING_LIFETIME	(75 * HZ)

size_t tcpinc_eno_size __read_mostly;

static u32 flow_hash(const struct tcpinc_flow *f)
{
	return jhash2((const u32 *)f, offsetof(struct tcpinc_flow, lport) / 4,
		      ((u32)f->lport << 16) | f->rport) % TCPINC_PENDING_BUCKETS;
}

static bool flow_eq(const struct tcpinc_flow *a, const struct tcpinc_flow *b)
{
	return a->lport == b->lport && a->rport == b->rport &&
	       ipv6_addr_equal(&a->laddr, &b->laddr) &&
	       ipv6_addr_equal(&a->raddr, &b->raddr);
}

/* Flow of a received segment (we are the destination). */
void tcpinc_flow_from_rx(struct sk_buff *skb, const struct tcphdr *th,
			 struct tcpinc_flow *f)
{
	memset(f, 0, sizeof(*f));
	if (ip_hdr(skb)->version == 4) {
		ipv6_addr_set_v4mapped(ip_hdr(skb)->daddr, &f->laddr);
		ipv6_addr_set_v4mapped(ip_hdr(skb)->saddr, &f->raddr);
	} else {
		f->laddr = ipv6_hdr(skb)->daddr;
		f->raddr = ipv6_hdr(skb)->saddr;
	}
	f->lport = th->dest;
	f->rport = th->source;
}

/* Flow of a segment we send. */
void tcpinc_flow_from_tx(struct sk_buff *skb, const struct tcphdr *th,
			 struct tcpinc_flow *f)
{
	memset(f, 0, sizeof(*f));
	if (ip_hdr(skb)->version == 4) {
		ipv6_addr_set_v4mapped(ip_hdr(skb)->saddr, &f->laddr);
		ipv6_addr_set_v4mapped(ip_hdr(skb)->daddr, &f->raddr);
	} else {
		f->laddr = ipv6_hdr(skb)->saddr;
		f->raddr = ipv6_hdr(skb)->daddr;
	}
	f->lport = th->source;
	f->rport = th->dest;
}

void tcpinc_flow_from_req(const struct request_sock *req, struct tcpinc_flow *f)
{
	const struct inet_request_sock *ireq = inet_rsk(req);

	memset(f, 0, sizeof(*f));
#if IS_ENABLED(CONFIG_IPV6)
	if (req->rsk_ops->family == AF_INET6) {
		f->laddr = ireq->ir_v6_loc_addr;
		f->raddr = ireq->ir_v6_rmt_addr;
	} else
#endif
	{
		ipv6_addr_set_v4mapped(ireq->ir_loc_addr, &f->laddr);
		ipv6_addr_set_v4mapped(ireq->ir_rmt_addr, &f->raddr);
	}
	f->lport = htons(ireq->ir_num);
	f->rport = ireq->ir_rmt_port;
}

struct tcpinc_pending_entry *tcpinc_pending_find(struct tcpinc_pending *p,
						 const struct tcpinc_flow *f)
{
	struct tcpinc_pending_entry *e;

	lockdep_assert_held(&p->lock);
	if (p->dead)
		return NULL;
	hlist_for_each_entry(e, &p->buckets[flow_hash(f)], node)
		if (flow_eq(&e->flow, f))
			return e;
	return NULL;
}

void tcpinc_pending_free(struct tcpinc_pending *p, struct tcpinc_pending_entry *e)
{
	lockdep_assert_held(&p->lock);
	hlist_del(&e->node);
	p->count--;
	kfree_sensitive(e);	/* an accepted resumption attempt holds ss[i] */
}

/* Drops entries whose connection can no longer complete. */
static void pending_expire(struct tcpinc_pending *p)
{
	struct tcpinc_pending_entry *e;
	struct hlist_node *tmp;
	int i;

	lockdep_assert_held(&p->lock);
	for (i = 0; i < TCPINC_PENDING_BUCKETS; i++)
		hlist_for_each_entry_safe(e, tmp, &p->buckets[i], node)
			if (time_after(jiffies, e->created + TCPINC_PENDING_LIFETIME))
				tcpinc_pending_free(p, e);
}

struct tcpinc_pending *tcpinc_pending_get(struct tcpinc_sock *lctx)
{
	struct tcpinc_pending *p = READ_ONCE(lctx->pending), *old;
	int i;

	if (p)
		return p;
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		return NULL;
	spin_lock_init(&p->lock);
	for (i = 0; i < TCPINC_PENDING_BUCKETS; i++)
		INIT_HLIST_HEAD(&p->buckets[i]);
	old = cmpxchg(&lctx->pending, NULL, p);
	if (old) {
		kfree(p);
		return old;
	}
	return p;
}

/*
 * tcpinc_pending_add - a new entry for flow f, zeroed (its core object is
 * for the caller to initialise). Expired entries make room first; NULL when
 * the table stays full or memory is short.
 */
struct tcpinc_pending_entry *tcpinc_pending_add(struct tcpinc_pending *p,
						const struct tcpinc_flow *f,
						unsigned int max, gfp_t gfp)
{
	struct tcpinc_pending_entry *e;

	lockdep_assert_held(&p->lock);
	if (p->count >= max) {
		pending_expire(p);
		if (p->count >= max)
			return NULL;
	}
	e = kzalloc(sizeof(*e) + tcpinc_eno_size, gfp);
	if (!e)
		return NULL;
	e->flow = *f;
	e->created = jiffies;
	hlist_add_head(&e->node, &p->buckets[flow_hash(f)]);
	p->count++;
	return e;
}

/* The listener is released: drop every entry, free the table after RCU. */
void tcpinc_pending_destroy(struct tcpinc_pending *p)
{
	struct tcpinc_pending_entry *e;
	struct hlist_node *tmp;
	int i;

	spin_lock_bh(&p->lock);
	p->dead = true;
	for (i = 0; i < TCPINC_PENDING_BUCKETS; i++)
		hlist_for_each_entry_safe(e, tmp, &p->buckets[i], node)
			tcpinc_pending_free(p, e);
	spin_unlock_bh(&p->lock);
	kfree_rcu(p, rcu);
}
