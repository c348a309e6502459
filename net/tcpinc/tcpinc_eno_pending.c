// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_eno_pending.c - a listener's table of half-open ENO negotiations,
 * keyed by the connection's 4-tuple: created by the SYN (input hook), used
 * by the SYN-ACK (output hook, request sock) and the third ACK, moved into
 * the accepted child by the ULP clone op, evicted (oldest first) when the
 * table is full, expired by age (on access, and by a per-netns sweep).
 * Bounded per listener (net.tcpinc.eno_pending_max).
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "tcpinc.h"
#include "tcpinc_eno_pending.h"

/* The sweep's period: a quarter of the shortest lifetime, at least 1 s. */
static unsigned long pending_gc_period(const struct tcpinc_net *tn)
{
	return max_t(unsigned long, HZ, READ_ONCE(tn->eno_pending_timeout) * HZ / 4);
}

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

static bool entry_expired(const struct tcpinc_pending_entry *e)
{
	return time_after(jiffies, e->expires);
}

/* The entry of 4-tuple f whatever its ISN (at most one per tuple), or NULL. */
struct tcpinc_pending_entry *tcpinc_pending_find_tuple(struct tcpinc_pending *p,
						       const struct tcpinc_flow *f)
{
	struct tcpinc_pending_entry *e;

	lockdep_assert_held(&p->lock);
	hlist_for_each_entry(e, &p->buckets[flow_hash(f)], node)
		if (flow_eq(&e->flow, f))
			return e;
	return NULL;
}

/*
 * The entry of connection (f, isn), or NULL. An entry of the same 4-tuple
 * with another ISN belongs to an earlier connection and is not returned;
 * nor is one past its lifetime (freed here).
 */
struct tcpinc_pending_entry *tcpinc_pending_find(struct tcpinc_pending *p,
						 const struct tcpinc_flow *f, u32 isn)
{
	struct tcpinc_pending_entry *e;

	lockdep_assert_held(&p->lock);
	if (p->dead)
		return NULL;
	e = tcpinc_pending_find_tuple(p, f);
	if (!e || e->syn_isn != isn)
		return NULL;
	if (entry_expired(e)) {
		TCPINC_INC_STATS(p->net, TCPINC_MIB_ENO_PENDING_EXPIRED);
		tcpinc_pending_free(p, e);
		return NULL;
	}
	return e;
}

void tcpinc_pending_free(struct tcpinc_pending *p, struct tcpinc_pending_entry *e)
{
	lockdep_assert_held(&p->lock);
	hlist_del(&e->node);
	list_del(&e->age);
	p->count--;
	TCPINC_DEC_STATS(p->net, TCPINC_MIB_ENO_PENDING_LIVE);
	/* An accepted resumption attempt holds ss[i]; the core state, A's options. */
	kfree_sensitive(e);
}

/* Drops the entries past their lifetime: the oldest come first. */
static unsigned int pending_expire(struct tcpinc_pending *p)
{
	struct tcpinc_pending_entry *e, *tmp;
	unsigned int n = 0;

	lockdep_assert_held(&p->lock);
	list_for_each_entry_safe(e, tmp, &p->by_age, age) {
		if (!entry_expired(e))
			break;
		tcpinc_pending_free(p, e);
		n++;
	}
	if (n)
		TCPINC_ADD_STATS(p->net, TCPINC_MIB_ENO_PENDING_EXPIRED, n);
	return n;
}

/*
 * The per-netns sweep: frees entries by age on listeners that no SYN
 * reaches any more (a flood that stopped leaves up to eno_pending_max
 * entries per listener otherwise). Runs while some table has entries.
 */
static void pending_gc_fn(struct work_struct *work)
{
	struct tcpinc_net *tn = container_of(to_delayed_work(work), struct tcpinc_net, pending_gc);
	struct tcpinc_pending *p;
	bool again = false;

	spin_lock_bh(&tn->pending_lock);
	list_for_each_entry(p, &tn->pending_tables, node) {
		spin_lock(&p->lock);
		pending_expire(p);
		again |= p->count > 0;
		spin_unlock(&p->lock);
	}
	spin_unlock_bh(&tn->pending_lock);
	if (again)
		schedule_delayed_work(&tn->pending_gc, pending_gc_period(tn));
}

void tcpinc_pending_net_init(struct tcpinc_net *tn)
{
	spin_lock_init(&tn->pending_lock);
	INIT_LIST_HEAD(&tn->pending_tables);
	INIT_DELAYED_WORK(&tn->pending_gc, pending_gc_fn);
}

/*
 * Netns exit: every socket of the netns is gone, so are its listeners'
 * tables (each unlisted itself); only the sweep may still be queued.
 */
void tcpinc_pending_net_exit(struct tcpinc_net *tn)
{
	cancel_delayed_work_sync(&tn->pending_gc);
}

/*
 * tcpinc_pending_wipe_net - the wipes (device, address, suspend, VM
 * generation, resume_cache_flush) reach the ss[i] that half-open entries
 * accepted, too. The entry stays, marked WIPED: its SYN-ACK promised a
 * resumed session, so the child must abort rather than start a fresh
 * exchange the peer does not expect. Returns the secrets wiped.
 */
unsigned int tcpinc_pending_wipe_net(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	struct tcpinc_pending_entry *e;
	struct tcpinc_pending *p;
	unsigned int n = 0;

	spin_lock_bh(&tn->pending_lock);
	list_for_each_entry(p, &tn->pending_tables, node) {
		spin_lock(&p->lock);
		list_for_each_entry(e, &p->by_age, age) {
			if (e->rs.resume_state != TCPINC_RESUME_ACCEPTED)
				continue;
			tcpinc_core_tc_resume_wipe_attempt(&e->rs.resume);
			e->rs.resume_state = TCPINC_RESUME_WIPED;
			n++;
		}
		spin_unlock(&p->lock);
	}
	spin_unlock_bh(&tn->pending_lock);
	if (n)
		TCPINC_ADD_STATS(net, TCPINC_MIB_ENO_PENDING_WIPED, n);
	return n;
}

static void tcpinc_pending_holder_wipe(struct net *net, enum tcpinc_wipe_event ev,
				       struct tcpinc_wiped *w)
{
	w->half_open += tcpinc_pending_wipe_net(net);
}

const struct tcpinc_secret_holder tcpinc_pending_holder = {
	.wipe	= tcpinc_pending_holder_wipe,
};

/* The listener's table, created by its first SYN (softirq, under RCU). */
struct tcpinc_pending *tcpinc_pending_get(struct tcpinc_sock *lctx, struct net *net)
{
	struct tcpinc_pending *p = READ_ONCE(lctx->pending), *old;
	struct tcpinc_net *tn = tcpinc_pernet(net);
	int i;

	if (p)
		return p == TCPINC_PENDING_DEAD ? NULL : p;
	p = kzalloc(sizeof(*p), GFP_ATOMIC);
	if (!p)
		return NULL;
	p->net = net;
	spin_lock_init(&p->lock);
	INIT_LIST_HEAD(&p->by_age);
	for (i = 0; i < TCPINC_PENDING_BUCKETS; i++)
		INIT_HLIST_HEAD(&p->buckets[i]);
	/*
	 * Listed before it is published, under the lock that release takes
	 * to unlist it: release either sees it (and unlists it) or has
	 * already set DEAD, when the cmpxchg fails.
	 */
	spin_lock_bh(&tn->pending_lock);
	old = cmpxchg(&lctx->pending, NULL, p);
	if (!old)
		list_add(&p->node, &tn->pending_tables);
	spin_unlock_bh(&tn->pending_lock);
	if (old) {
		kfree(p);
		return old == TCPINC_PENDING_DEAD ? NULL : old;
	}
	return p;
}

/*
 * tcpinc_pending_add - a new entry for connection (f, isn), zeroed (its
 * core object is for the caller to initialise); NULL when memory is short.
 * A full table evicts its oldest entry: a half-open negotiation is needed
 * for one round trip, so a genuine one survives unless eno_pending_max
 * newer SYNs arrive within its round trip (refusing instead would let a
 * slow trickle of spoofed SYNs turn every genuine connection into plain
 * TCP). Documentation/operations.md, "Security properties and limits".
 */
struct tcpinc_pending_entry *tcpinc_pending_add(struct tcpinc_pending *p,
						const struct tcpinc_flow *f, u32 isn,
						unsigned int max, gfp_t gfp)
{
	struct tcpinc_net *tn = tcpinc_pernet(p->net);
	struct tcpinc_pending_entry *e;

	lockdep_assert_held(&p->lock);
	if (p->dead || !max)
		return NULL;
	pending_expire(p);
	while (p->count >= max) {
		TCPINC_INC_STATS(p->net, TCPINC_MIB_ENO_PENDING_EVICTED);
		tcpinc_pending_free(p, list_first_entry(&p->by_age, struct tcpinc_pending_entry, age));
	}
	e = kzalloc(sizeof(*e) + tcpinc_eno_size, gfp);
	if (!e)
		return NULL;
	e->flow = *f;
	e->syn_isn = isn;
	e->expires = jiffies + READ_ONCE(tn->eno_pending_timeout) * HZ;
	hlist_add_head(&e->node, &p->buckets[flow_hash(f)]);
	list_add_tail(&e->age, &p->by_age);
	TCPINC_INC_STATS(p->net, TCPINC_MIB_ENO_PENDING_LIVE);
	if (!p->count++ && !delayed_work_pending(&tn->pending_gc))
		schedule_delayed_work(&tn->pending_gc, pending_gc_period(tn));
	return e;
}

/*
 * The listener's context is released: no SYN may attach a table any more
 * (DEAD), every entry goes (wiped), and the table is freed after RCU.
 */
void tcpinc_pending_release(struct tcpinc_sock *lctx)
{
	struct tcpinc_pending *p = xchg(&lctx->pending, TCPINC_PENDING_DEAD);
	struct tcpinc_pending_entry *e, *tmp;
	struct tcpinc_net *tn;

	if (!p)
		return;
	tn = tcpinc_pernet(p->net);
	spin_lock_bh(&tn->pending_lock);
	list_del(&p->node);
	spin_lock(&p->lock);
	p->dead = true;
	list_for_each_entry_safe(e, tmp, &p->by_age, age)
		tcpinc_pending_free(p, e);
	spin_unlock(&p->lock);
	spin_unlock_bh(&tn->pending_lock);
	kfree_rcu(p, rcu);
}
