/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_eno_pending.h - a listener's table of half-open negotiations
 * (tcpinc_eno_pending.c), used by the hooks (tcpinc_eno_output.c,
 * tcpinc_eno_input.c) and the accepted child (tcpinc_eno_sock.c), and the
 * per-netns list of those tables the wipes and the expiry walk.
 */
#ifndef TCPINC_ENO_PENDING_H
#define TCPINC_ENO_PENDING_H

#include <linux/skbuff.h>
#include <net/ipv6.h>
#include <net/request_sock.h>
#include <net/tcp.h>

#include "tcpinc.h"

struct tcpinc_core_eno;

/* The 4-tuple of a connection, as seen from our side. */
struct tcpinc_flow {
	struct in6_addr laddr, raddr;	/* v4 as v4-mapped */
	__be16 lport, rport;
};

/*
 * A listener's negotiation for one half-open connection, from the SYN to
 * the accept (clone), eviction or expiry. Lives in its listener's table,
 * under the table's lock. The connection is the 4-tuple *and* A's ISN: a
 * new SYN of the same 4-tuple with another ISN is another connection, and
 * replaces the entry (a retransmitted SYN has the same ISN).
 */
struct tcpinc_pending_entry {
	struct hlist_node node;		/* in buckets[] */
	struct list_head age;		/* in by_age, oldest first */
	struct tcpinc_flow flow;
	u32 syn_isn;			/* A's SYN sequence number */
	unsigned long expires;		/* jiffies: created + eno_pending_timeout */
	/* A resumption proposal we accepted: ss[i] for the child (secret). */
	struct tcpinc_resume rs;
	u64 eno[];			/* tcpinc_eno_size bytes */
};

#define TCPINC_PENDING_BUCKETS	64

/*
 * A listener's half-open negotiations. Allocated by the first SYN that
 * reaches the listener (published with cmpxchg), unlinked from its netns's
 * list and freed after an RCU grace period once the listener is released:
 * the hooks reach it under RCU. Bounded by eno_pending_max entries (the
 * oldest is evicted to make room) and by age (eno_pending_timeout).
 */
struct tcpinc_pending {
	struct rcu_head rcu;
	struct list_head node;		/* tcpinc_net.pending_tables, under pending_lock */
	struct net *net;		/* the listener's; outlives the table */
	spinlock_t lock;		/* protects all below; _bh */
	bool dead;			/* listener released: find nothing */
	unsigned int count;
	struct list_head by_age;	/* entries, oldest first */
	struct hlist_head buckets[TCPINC_PENDING_BUCKETS];
};

/*
 * What a released listener's ctx->pending holds, so that a SYN racing the
 * release cannot attach a new table that nobody would free.
 */
#define TCPINC_PENDING_DEAD	((struct tcpinc_pending *)1UL)

/* The listener's table, or NULL (none yet, or released). RCU or ctx owner. */
static inline struct tcpinc_pending *tcpinc_pending_of(struct tcpinc_sock *lctx)
{
	struct tcpinc_pending *p = READ_ONCE(lctx->pending);

	return p == TCPINC_PENDING_DEAD ? NULL : p;
}

/* Size of the core's negotiation object; set once at module init. */
extern size_t tcpinc_eno_size;

static inline struct tcpinc_core_eno *tcpinc_entry_eno(struct tcpinc_pending_entry *e)
{
	return (struct tcpinc_core_eno *)e->eno;
}

void tcpinc_flow_from_rx(struct sk_buff *skb, const struct tcphdr *th, struct tcpinc_flow *f);
void tcpinc_flow_from_tx(struct sk_buff *skb, const struct tcphdr *th, struct tcpinc_flow *f);
void tcpinc_flow_from_req(const struct request_sock *req, struct tcpinc_flow *f);

struct tcpinc_pending *tcpinc_pending_get(struct tcpinc_sock *lctx, struct net *net);
struct tcpinc_pending_entry *tcpinc_pending_find(struct tcpinc_pending *p,
						 const struct tcpinc_flow *f, u32 isn);
struct tcpinc_pending_entry *tcpinc_pending_find_tuple(struct tcpinc_pending *p,
						       const struct tcpinc_flow *f);
struct tcpinc_pending_entry *tcpinc_pending_add(struct tcpinc_pending *p,
						const struct tcpinc_flow *f, u32 isn,
						unsigned int max, gfp_t gfp);
void tcpinc_pending_free(struct tcpinc_pending *p, struct tcpinc_pending_entry *e);
void tcpinc_pending_release(struct tcpinc_sock *lctx);

void tcpinc_pending_net_init(struct tcpinc_net *tn);
void tcpinc_pending_net_exit(struct tcpinc_net *tn);
unsigned int tcpinc_pending_wipe_net(struct net *net);
extern const struct tcpinc_secret_holder tcpinc_pending_holder;


#endif /* TCPINC_ENO_PENDING_H */
