/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_eno.h - what the ENO glue files share: a listener's table of
 * half-open negotiations (tcpinc_eno_pending.c) and option insertion into
 * outgoing segments (tcpinc_eno_skb.c), used by the hooks in tcpinc_eno.c.
 */
#ifndef TCPINC_ENO_H
#define TCPINC_ENO_H

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
 * the accept (clone) or expiry. Lives in its listener's table, under the
 * table's lock.
 */
struct tcpinc_pending_entry {
	struct hlist_node node;
	struct tcpinc_flow flow;
	unsigned long created;		/* jiffies */
	/* A resumption proposal we accepted: ss[i] for the child (secret). */
	u8 resume_state;		/* enum tcpinc_resume_state */
	int resume_vmgen;		/* as tcpinc_sock.resume_vmgen */
	u64 chain;
	struct tcpinc_core_tc_resume_attempt resume;
	u64 eno[];			/* tcpinc_eno_size bytes */
};

#define TCPINC_PENDING_BUCKETS	64

/*
 * A listener's half-open negotiations. Allocated by the first SYN that
 * reaches the listener (published with cmpxchg), freed after an RCU grace
 * period once the listener is released: the hooks reach it under RCU.
 */
struct tcpinc_pending {
	struct rcu_head rcu;
	spinlock_t lock;		/* protects all below; _bh */
	bool dead;			/* listener released: find nothing */
	unsigned int count;
	struct hlist_head buckets[TCPINC_PENDING_BUCKETS];
};

/* Size of the core's negotiation object; set once at module init. */
extern size_t tcpinc_eno_size;

static inline struct tcpinc_core_eno *tcpinc_entry_eno(struct tcpinc_pending_entry *e)
{
	return (struct tcpinc_core_eno *)e->eno;
}

void tcpinc_flow_from_rx(struct sk_buff *skb, const struct tcphdr *th, struct tcpinc_flow *f);
void tcpinc_flow_from_tx(struct sk_buff *skb, const struct tcphdr *th, struct tcpinc_flow *f);
void tcpinc_flow_from_req(const struct request_sock *req, struct tcpinc_flow *f);

struct tcpinc_pending *tcpinc_pending_get(struct tcpinc_sock *lctx);
struct tcpinc_pending_entry *tcpinc_pending_find(struct tcpinc_pending *p,
						 const struct tcpinc_flow *f);
struct tcpinc_pending_entry *tcpinc_pending_add(struct tcpinc_pending *p,
						const struct tcpinc_flow *f,
						unsigned int max, gfp_t gfp);
void tcpinc_pending_free(struct tcpinc_pending *p, struct tcpinc_pending_entry *e);
void tcpinc_pending_destroy(struct tcpinc_pending *p);

int tcpinc_skb_add_option(struct sk_buff *skb, const u8 *opt, u8 len);
int tcpinc_skb_options_compact_len(const struct tcphdr *th);

#endif /* TCPINC_ENO_H */
