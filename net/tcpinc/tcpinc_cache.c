// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_cache.c - the per network namespace cache of tcpcrypt resumption
 * secrets (RFC 8548 3.5).
 *
 * An entry is one ss[0] chain: the lowest unused secret ss[i] with the
 * group, AEAD and original role of the session that created it (all held
 * opaquely by the core, tcpinc_core_tc_resume_secret). It is found two
 * ways: by peer address when we open a connection and propose resumption,
 * and by the identifier half the peer sends when it proposes. Any use
 * (proposal or acceptance) ratchets the entry to ss[i+1] under the cache
 * lock, so an index is never offered twice, and two crossing proposals of
 * the same secret both find nothing and fall back to a fresh key exchange
 * (RFC 8548 3.5 requires exactly that).
 *
 * Bounds: at most net.tcpinc.resume_cache_max entries (least recently used
 * evicted), each at most net.tcpinc.resume_cache_timeout seconds after the
 * session that created the chain (a timer drops expired ones even if
 * nobody looks). Secrets are wiped (kfree_sensitive) on every removal.
 * Wipes of the whole cache (device or address removal, suspend, VM
 * generation change, namespace exit, module unload) come from
 * tcpinc_notify.c and tcpinc_pernet.c.
 */
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <crypto/algapi.h>
#include <net/ipv6.h>

#include "tcpinc.h"
#include "tcpinc_cache.h"
#include "tcpinc_vmgen.h"
#include "../../crypto-glue/tcpinc_crypto.h"

#define TCPINC_CACHE_BITS	7
#define HALF_LEN		TCPINC_CORE_TC_RESUME_HALF_LEN

struct tcpinc_cache_entry {
	struct hlist_node by_peer;	/* cache->by_peer */
	struct hlist_node by_half;	/* cache->by_half, rehashed on every ratchet */
	struct list_head lru;		/* cache->lru, least recently used first */
	struct in6_addr peer;		/* v4 as v4-mapped */
	u64 chain;			/* names the chain for TCP_CRYPT_CACHE_FLUSH */
	unsigned long expires;		/* jiffies; fixed when the chain was cached */
	u8 tep;
	u8 peer_half[HALF_LEN];		/* what the peer proposes for the current index */
	struct tcpinc_core_tc_resume_secret secret;	/* ss[i]; wiped on removal */
};

struct tcpinc_cache {
	/*
	 * lock protects everything below. Taken from the netfilter hooks
	 * (softirq), socket calls and notifiers: always _bh. Lock order:
	 * a socket's ctx->lock or a listener's pending lock, then this.
	 */
	spinlock_t lock;
	DECLARE_HASHTABLE(by_peer, TCPINC_CACHE_BITS);
	DECLARE_HASHTABLE(by_half, TCPINC_CACHE_BITS);
	struct list_head lru;
	unsigned int count;
	bool dead;			/* namespace going away: cache nothing */
	u32 seed;			/* hash seed: peers choose the halves we hash */
	u64 next_chain;
	struct delayed_work gc;		/* drops expired entries; cancelled at destroy */
	unsigned long gc_at;		/* when gc is due, while it is pending */
	struct net *net;		/* owner; the cache dies in its pernet exit */
};

static struct tcpinc_cache *cache_of(struct net *net)
{
	return tcpinc_pernet(net)->cache;
}

static u32 peer_key(const struct tcpinc_cache *c, const struct in6_addr *a)
{
	return jhash2((const u32 *)a, 4, c->seed);
}

static u32 half_key(const struct tcpinc_cache *c, const u8 *half)
{
	return jhash(half, HALF_LEN, c->seed);
}

static bool expired(const struct tcpinc_cache_entry *e)
{
	return time_after_eq(jiffies, e->expires);
}

static void entry_remove(struct tcpinc_cache *c, struct tcpinc_cache_entry *e)
{
	lockdep_assert_held(&c->lock);
	hash_del(&e->by_peer);
	hash_del(&e->by_half);
	list_del(&e->lru);
	c->count--;
	kfree_sensitive(e);	/* the secret and the half with it */
}

/* After a ratchet: index the half the peer will propose next. */
static int entry_rehalf(struct tcpinc_cache *c, struct tcpinc_cache_entry *e)
{
	int st;

	lockdep_assert_held(&c->lock);
	hash_del(&e->by_half);
	st = tcpinc_core_tc_resume_peer_half(tcpinc_crypto_ops(), &e->secret, e->peer_half);
	if (st != TCPINC_CORE_TC_OK)
		return -EINVAL;
	hash_add(c->by_half, &e->by_half, half_key(c, e->peer_half));
	list_move_tail(&e->lru, &c->lru);
	return 0;
}

static bool tep_in(const u8 *teps, unsigned int n, u8 tep)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (teps[i] == tep)
			return true;
	return false;
}

/* What a take or accept leaves: the ratcheted chain, or nothing. */
static void after_use(struct tcpinc_cache *c, struct tcpinc_cache_entry *e,
		      const struct tcpinc_core_tc_resume_policy *pol, int st)
{
	if (st != TCPINC_CORE_TC_OK || pol->no_cache || entry_rehalf(c, e))
		entry_remove(c, e);
}

int tcpinc_cache_take(struct net *net, const struct in6_addr *peer, const u8 *teps,
		      unsigned int n, const struct tcpinc_core_tc_resume_policy *pol,
		      struct tcpinc_core_tc_resume_attempt *out, u8 *out_tep, u64 *out_chain)
{
	struct tcpinc_cache *c = cache_of(net);
	struct tcpinc_cache_entry *e, *best = NULL;
	struct hlist_node *tmp;
	int st, err = -ENOENT;

	/* A copy of this VM must not use what the other copy may use too. */
	if (!c || pol->ignore_resumption || tcpinc_vm_copied())
		return -ENOENT;
	spin_lock_bh(&c->lock);
	/*
	 * The newest chain: the peer is most likely to still hold it (its
	 * cache evicts least recently used first). hash_add() inserts at the
	 * head of the bucket, so the first live entry of this peer with a TEP
	 * we offer is the newest: the walk stops there instead of visiting
	 * every chain to this peer (up to resume_cache_max of them, under a
	 * lock taken in softirq, on every SYN we send).
	 */
	hash_for_each_possible_safe(c->by_peer, e, tmp, by_peer, peer_key(c, peer)) {
		if (!ipv6_addr_equal(&e->peer, peer))
			continue;
		if (expired(e)) {
			entry_remove(c, e);
			TCPINC_INC_STATS(net, TCPINC_MIB_CACHE_EXPIRED);
			continue;
		}
		if (tep_in(teps, n, e->tep)) {
			best = e;
			break;
		}
	}
	if (best) {
		st = tcpinc_core_tc_resume_take(tcpinc_crypto_ops(), pol, &best->secret, out);
		if (st == TCPINC_CORE_TC_OK) {
			*out_tep = best->tep;
			*out_chain = best->chain;
			err = 0;
		}
		after_use(c, best, pol, st);
	}
	spin_unlock_bh(&c->lock);
	return err;
}

int tcpinc_cache_accept(struct net *net, u8 tep, const u8 *half,
			const struct tcpinc_core_tc_resume_policy *pol,
			struct tcpinc_core_tc_resume_attempt *out, u64 *out_chain)
{
	struct tcpinc_cache *c = cache_of(net);
	struct tcpinc_cache_entry *e;
	u8 sub[1 + HALF_LEN];
	int st, err = -ENOENT;

	if (!c || pol->ignore_resumption || tcpinc_vm_copied())
		return -ENOENT;
	sub[0] = tep | 0x80;
	memcpy(sub + 1, half, HALF_LEN);
	spin_lock_bh(&c->lock);
	hash_for_each_possible(c->by_half, e, by_half, half_key(c, half)) {
		if (e->tep != tep || crypto_memneq(e->peer_half, half, HALF_LEN))
			continue;
		if (expired(e)) {
			entry_remove(c, e);
			TCPINC_INC_STATS(net, TCPINC_MIB_CACHE_EXPIRED);
			break;
		}
		/* The core checks the half again, in constant time. */
		st = tcpinc_core_tc_resume_accept(tcpinc_crypto_ops(), pol, &e->secret, sub,
						  sizeof(sub), out);
		if (st == TCPINC_CORE_TC_OK) {
			*out_chain = e->chain;
			err = 0;
		}
		after_use(c, e, pol, st);
		break;
	}
	spin_unlock_bh(&c->lock);
	return err;
}

static void cache_gc_arm(struct tcpinc_cache *c, unsigned long when)
{
	lockdep_assert_held(&c->lock);
	if (c->dead)
		return;
	c->gc_at = when;
	mod_delayed_work(system_wq, &c->gc, time_after(when, jiffies) ? when - jiffies : 0);
}

u64 tcpinc_cache_insert(struct net *net, const struct in6_addr *peer, u8 tep,
			struct tcpinc_core_tc_resume_secret *s)
{
	const struct tcpinc_net *tn = tcpinc_pernet(net);
	struct tcpinc_cache *c = cache_of(net);
	int max = READ_ONCE(tn->resume_cache_max);
	int timeout = READ_ONCE(tn->resume_cache_timeout);
	struct tcpinc_cache_entry *e;
	u64 chain = 0;

	if (!c || max <= 0 || timeout <= 0)
		goto out;
	e = kzalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		goto out;
	e->peer = *peer;
	e->tep = tep;
	e->expires = jiffies + (unsigned long)timeout * HZ;
	memcpy(&e->secret, s, sizeof(*s));
	if (tcpinc_core_tc_resume_peer_half(tcpinc_crypto_ops(), &e->secret, e->peer_half) !=
	    TCPINC_CORE_TC_OK) {
		kfree_sensitive(e);
		goto out;
	}
	INIT_LIST_HEAD(&e->lru);
	spin_lock_bh(&c->lock);
	if (c->dead) {
		spin_unlock_bh(&c->lock);
		kfree_sensitive(e);
		goto out;
	}
	while (c->count >= max && !list_empty(&c->lru)) {
		entry_remove(c, list_first_entry(&c->lru, struct tcpinc_cache_entry, lru));
		TCPINC_INC_STATS(net, TCPINC_MIB_CACHE_EVICTED);
	}
	e->chain = chain = ++c->next_chain;
	hash_add(c->by_peer, &e->by_peer, peer_key(c, peer));
	hash_add(c->by_half, &e->by_half, half_key(c, e->peer_half));
	list_add_tail(&e->lru, &c->lru);
	c->count++;
	/* A chain that expires before the timer (a shorter timeout): sooner. */
	if (!delayed_work_pending(&c->gc) || time_before(e->expires, c->gc_at))
		cache_gc_arm(c, e->expires);
	spin_unlock_bh(&c->lock);
	TCPINC_INC_STATS(net, TCPINC_MIB_CACHE_INSERTS);
out:
	tcpinc_core_tc_resume_wipe_secret(s);
	return chain;
}

bool tcpinc_cache_flush_chain(struct net *net, u64 chain)
{
	struct tcpinc_cache *c = cache_of(net);
	struct tcpinc_cache_entry *e;
	bool found = false;

	if (!c || !chain)
		return false;
	spin_lock_bh(&c->lock);
	list_for_each_entry(e, &c->lru, lru) {
		if (e->chain == chain) {
			entry_remove(c, e);
			found = true;
			break;
		}
	}
	spin_unlock_bh(&c->lock);
	return found;
}

static unsigned int cache_wipe_locked(struct tcpinc_cache *c)
{
	struct tcpinc_cache_entry *e, *tmp;
	unsigned int n = 0;

	lockdep_assert_held(&c->lock);
	list_for_each_entry_safe(e, tmp, &c->lru, lru) {
		entry_remove(c, e);
		n++;
	}
	return n;
}

unsigned int tcpinc_cache_wipe(struct net *net)
{
	struct tcpinc_cache *c = cache_of(net);
	unsigned int n;

	if (!c)
		return 0;
	spin_lock_bh(&c->lock);
	n = cache_wipe_locked(c);
	spin_unlock_bh(&c->lock);
	TCPINC_INC_STATS(net, TCPINC_MIB_CACHE_WIPES);
	TCPINC_ADD_STATS(net, TCPINC_MIB_CACHE_WIPED_ENTRIES, n);
	return n;
}

static void tcpinc_cache_holder_wipe(struct net *net, enum tcpinc_wipe_event ev,
				     struct tcpinc_wiped *w)
{
	w->cached += tcpinc_cache_wipe(net);
}

const struct tcpinc_secret_holder tcpinc_cache_holder = {
	.wipe	= tcpinc_cache_holder_wipe,
};

int tcpinc_cache_walk(struct net *net, unsigned long *pos,
		      int (*fn)(const struct tcpinc_cache_view *v, void *arg), void *arg)
{
	struct tcpinc_cache *c = cache_of(net);
	struct tcpinc_cache_entry *e;
	struct tcpinc_cache_view v;
	unsigned long i = 0;
	int err = 0;

	if (!c)
		return 0;
	spin_lock_bh(&c->lock);
	list_for_each_entry(e, &c->lru, lru) {
		if (i++ < *pos)
			continue;
		/* Only what identifies the chain: never the secret or the half. */
		v.peer = e->peer;
		v.chain = e->chain;
		v.tep = e->tep;
		v.expires_ms = expired(e) ? 0 : jiffies_to_msecs(e->expires - jiffies);
		err = fn(&v, arg);
		if (err)
			break;
		*pos = i;
	}
	spin_unlock_bh(&c->lock);
	return err;
}

unsigned int tcpinc_cache_count(struct net *net)
{
	struct tcpinc_cache *c = cache_of(net);

	return c ? READ_ONCE(c->count) : 0;
}

size_t tcpinc_cache_entry_size(void)
{
	return sizeof(struct tcpinc_cache_entry);
}

/* Drops expired chains even when nobody looks them up; re-arms for the next. */
static void cache_gc_fn(struct work_struct *work)
{
	struct tcpinc_cache *c = container_of(to_delayed_work(work), struct tcpinc_cache, gc);
	struct tcpinc_cache_entry *e, *tmp;
	unsigned long next = 0;
	unsigned int n = 0;

	spin_lock_bh(&c->lock);
	list_for_each_entry_safe(e, tmp, &c->lru, lru) {
		if (expired(e)) {
			entry_remove(c, e);
			n++;
		} else if (!next || time_before(e->expires, next)) {
			next = e->expires;
		}
	}
	if (next)
		cache_gc_arm(c, next);
	spin_unlock_bh(&c->lock);
	if (n)
		TCPINC_ADD_STATS(c->net, TCPINC_MIB_CACHE_EXPIRED, n);
}

int tcpinc_cache_create(struct net *net)
{
	struct tcpinc_cache *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	spin_lock_init(&c->lock);
	hash_init(c->by_peer);
	hash_init(c->by_half);
	INIT_LIST_HEAD(&c->lru);
	INIT_DELAYED_WORK(&c->gc, cache_gc_fn);
	c->seed = get_random_u32();
	c->net = net;
	tcpinc_pernet(net)->cache = c;
	return 0;
}

unsigned int tcpinc_cache_destroy(struct net *net)
{
	struct tcpinc_cache *c = cache_of(net);
	unsigned int n;

	if (!c)
		return 0;
	spin_lock_bh(&c->lock);
	c->dead = true;		/* gc does not re-arm, inserts are refused */
	spin_unlock_bh(&c->lock);
	cancel_delayed_work_sync(&c->gc);
	spin_lock_bh(&c->lock);
	n = cache_wipe_locked(c);
	spin_unlock_bh(&c->lock);
	tcpinc_pernet(net)->cache = NULL;
	kfree(c);
	return n;
}
