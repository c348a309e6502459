/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_cache.h - the per network namespace cache of tcpcrypt resumption
 * secrets (tcpinc_cache.c).
 */
#ifndef TCPINC_CACHE_H
#define TCPINC_CACHE_H

#include <linux/in6.h>
#include <linux/types.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "tcpinc/core_api.h"

struct net;
struct tcpinc_cache;
struct tcpinc_secret_holder;

/* The peer's address as the cache keys it: IPv4 as v4-mapped. */
static inline void tcpinc_sk_peer(const struct sock *sk, struct in6_addr *out)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		*out = sk->sk_v6_daddr;
		return;
	}
#endif
	ipv6_addr_set_v4mapped(inet_sk(sk)->inet_daddr, out);
}

int tcpinc_cache_create(struct net *net);
/* Marks the cache dead, stops its timer, wipes and frees every entry. */
unsigned int tcpinc_cache_destroy(struct net *net);

/*
 * tcpinc_cache_take - an active opener's proposal: burns the lowest unused
 * index of the newest chain cached for peer whose TEP is in teps[] (RFC
 * 8548 3.5: every proposal uses up its ss[i], successful or not) into *out.
 * 0 on success (*out_tep, *out_chain set), -ENOENT if nothing fits.
 */
int tcpinc_cache_take(struct net *net, const struct in6_addr *peer, const u8 *teps,
		      unsigned int n, const struct tcpinc_core_tc_resume_policy *pol,
		      struct tcpinc_core_tc_resume_attempt *out, u8 *out_tep, u64 *out_chain);

/*
 * tcpinc_cache_accept - a passive opener's answer to a proposal for tep
 * whose identifier half is half[9]: takes the matching chain's current
 * secret into *out. 0 on success, -ENOENT if no cached secret matches.
 */
int tcpinc_cache_accept(struct net *net, u8 tep, const u8 *half,
			const struct tcpinc_core_tc_resume_policy *pol,
			struct tcpinc_core_tc_resume_attempt *out, u64 *out_chain);

/*
 * tcpinc_cache_insert - caches ss[1] of a fresh session with peer; *s is
 * wiped in every case. Returns the new chain's id (0: not cached).
 */
u64 tcpinc_cache_insert(struct net *net, const struct in6_addr *peer, u8 tep,
			struct tcpinc_core_tc_resume_secret *s);

/* Drops the chain (TCP_CRYPT_CACHE_FLUSH); true if it was cached. */
bool tcpinc_cache_flush_chain(struct net *net, u64 chain);

/* Wipes every entry; counts the wipe. Returns the number of entries. */
unsigned int tcpinc_cache_wipe(struct net *net);

/* What the netlink family shows of an entry: no secret, no identifier half. */
struct tcpinc_cache_view {
	struct in6_addr peer;
	u64 chain;
	u32 expires_ms;
	u8 tep;
};

/*
 * tcpinc_cache_walk - calls fn for net's entries, least recently used
 * first, from the *pos'th on, until fn returns nonzero (returned),
 * advancing *pos past each one fn accepted. fn runs under the cache's
 * lock (_bh): it must not sleep nor take a lock of ours.
 */
int tcpinc_cache_walk(struct net *net, unsigned long *pos,
		      int (*fn)(const struct tcpinc_cache_view *v, void *arg), void *arg);

unsigned int tcpinc_cache_count(struct net *net);
size_t tcpinc_cache_entry_size(void);

/* Wipes every entry on every event (tcpinc_notify.c). */
extern const struct tcpinc_secret_holder tcpinc_cache_holder;

#endif /* TCPINC_CACHE_H */
