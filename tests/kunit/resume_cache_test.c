// SPDX-License-Identifier: GPL-2.0
/*
 * resume_cache_test.c - KUnit suite tcpinc_resume_cache: the per-netns
 * cache of tcpcrypt resumption secrets (net/tcpinc/tcpinc_cache.c) and the
 * notifier callbacks that wipe it (net/tcpinc/tcpinc_notify.c), on the
 * debug kernel.
 *
 * Secrets come from two real core sessions that handshake in memory through
 * the kernel crypto glue and export ss[1]; each is cached at "its" end
 * (A's chain keyed by B's address and the reverse), as two hosts would.
 * The cases check: a proposal takes the lowest index and ratchets, the
 * peer accepts exactly once, both ends then key equal resumed sessions;
 * TEP filters; do-not-cache ends a chain; LRU eviction at the bound;
 * expiry by lookup and by the timer; every wipe trigger, fed with
 * synthetic notifier events, empties the cache and counts; and a changed
 * VM generation ID shuts the cache before the vmfork notifier runs. The
 * listener's table of half-open negotiations (tcpinc_eno_pending.c):
 * eviction, ISN matching, expiry, the wipes reaching an accepted ss[i],
 * and release (no table can be attached afterwards).
 *
 * tcpinc_pernet.c is not linked: this file provides tcpinc_net_id and a
 * pernet registration with the fields the cache and the notifiers use.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <net/addrconf.h>
#include <net/net_namespace.h>

#include "../../net/tcpinc/tcpinc.h"
#include "../../net/tcpinc/tcpinc_cache.h"
#include "../../net/tcpinc/tcpinc_eno_pending.h"
#include "../../net/tcpinc/tcpinc_eph.h"
#include "../../net/tcpinc/tcpinc_notify.h"
#include "../../net/tcpinc/tcpinc_socks.h"
#include "../../net/tcpinc/tcpinc_vmgen.h"
#include "../../crypto-glue/tcpinc_crypto.h"

unsigned int tcpinc_net_id;

static int kt_net_init(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	tn->mib = alloc_percpu(struct tcpinc_mib);
	if (!tn->mib)
		return -ENOMEM;
	tn->resume_enable = 1;
	tn->resume_cache_max = 1024;
	tn->resume_cache_timeout = 3600;
	tn->vmfork_abort = 1;
	tn->eno_pending_timeout = 75;
	spin_lock_init(&tn->crypt_lock);
	INIT_LIST_HEAD(&tn->crypt_socks);
	tcpinc_pending_net_init(tn);	/* the wipes also reach half-open entries */
	tcpinc_eph_init(tn);	/* the wipes also forget ephemeral key pairs */
	return tcpinc_cache_create(net);
}

static void kt_net_exit(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	tcpinc_pending_net_exit(tn);
	tcpinc_cache_destroy(net);
	free_percpu(tn->mib);
}

static struct pernet_operations kt_net_ops = {
	.init = kt_net_init,
	.exit = kt_net_exit,
	.id = &tcpinc_net_id,
	.size = sizeof(struct tcpinc_net),
};

static unsigned long stat(enum tcpinc_mib_field f)
{
	struct tcpinc_net *tn = tcpinc_pernet(&init_net);
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(tn->mib, cpu)->mibs[f];
	return sum;
}

#define NET (&init_net)
#define TEP 0x23

static const struct in6_addr addr_a = { .s6_addr = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 } };
static const struct in6_addr addr_b = { .s6_addr = { [10] = 0xff, [11] = 0xff, 192, 0, 2, 2 } };

/* Sessions of the running case, destroyed (wiped) and freed by kt_exit. */
static struct tcpinc_core_tc_session *kt_sessions[8];
static unsigned int kt_nsessions;

static struct tcpinc_core_tc_session *kt_sess(struct kunit *test)
{
	struct tcpinc_core_tc_session *s;

	KUNIT_ASSERT_LT(test, kt_nsessions, (unsigned int)ARRAY_SIZE(kt_sessions));
	s = kvzalloc(tcpinc_core_tc_session_size(), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	kt_sessions[kt_nsessions++] = s;
	return s;
}

/* Destroys (wipes) and frees the n most recent sessions. */
static void kt_sess_drop(unsigned int n)
{
	while (n-- && kt_nsessions) {
		struct tcpinc_core_tc_session *s = kt_sessions[--kt_nsessions];

		tcpinc_core_tc_session_destroy(s);
		kvfree(s);
	}
}

static void kt_exit(struct kunit *test)
{
	kt_sess_drop(ARRAY_SIZE(kt_sessions));
}

/* Moves everything a owes b into b; returns the core status of b's receive. */
static int kt_pass(struct kunit *test, struct tcpinc_core_tc_session *a,
		   struct tcpinc_core_tc_session *b, bool *established)
{
	u8 *buf = kunit_kzalloc(test, 2048, GFP_KERNEL);
	tcpinc_usize len = 0, used = 0, off = 0;
	struct tcpinc_core_tc_event ev;
	int st;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	st = tcpinc_core_tc_poll_output(a, buf, 2048, &len);
	KUNIT_ASSERT_EQ(test, st, TCPINC_CORE_TC_OK);
	while (off < len) {
		st = tcpinc_core_tc_receive(b, buf + off, len - off, &used, &ev);
		if (st != TCPINC_CORE_TC_OK && st != TCPINC_CORE_TC_NEED_MORE)
			return st;
		if (ev.established)
			*established = true;
		if (!used)
			break;
		off += used;
	}
	return TCPINC_CORE_TC_OK;
}

/* Two sessions, fresh X25519 key exchange, AES-128-GCM; ss[1] exported. */
static void kt_fresh_pair(struct kunit *test, struct tcpinc_core_tc_resume_secret *sa,
			  struct tcpinc_core_tc_resume_secret *sb)
{
	static const u8 transcript[] = { 0x45, 0x04, 0x21, 0x23, 0x45, 0x04, 0x01, 0x23 };
	static const u16 aeads[] = { TCPINC_CORE_AEAD_AES_128_GCM };
	struct tcpinc_core_tc_config ca = {
		.role = TCPINC_CORE_TC_ROLE_A, .kex = TEP, .tep_byte = TEP,
		.transcript = transcript, .transcript_len = sizeof(transcript),
		.aeads = aeads, .naeads = 1,
	};
	struct tcpinc_core_tc_config cb = ca;
	struct tcpinc_core_tc_resume_secret again;
	struct tcpinc_core_tc_session *a = kt_sess(test), *b = kt_sess(test);
	bool ea = false, eb = false;
	int i;

	cb.role = TCPINC_CORE_TC_ROLE_B;
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_session_start(a, tcpinc_crypto_ops(), &ca), TCPINC_CORE_TC_OK);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_session_start(b, tcpinc_crypto_ops(), &cb), TCPINC_CORE_TC_OK);
	for (i = 0; i < 4 && !(ea && eb); i++) {
		KUNIT_ASSERT_EQ(test, kt_pass(test, a, b, &eb), TCPINC_CORE_TC_OK);
		KUNIT_ASSERT_EQ(test, kt_pass(test, b, a, &ea), TCPINC_CORE_TC_OK);
	}
	KUNIT_ASSERT_TRUE(test, ea && eb);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_export_resumption(a, sa), TCPINC_CORE_TC_OK);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_export_resumption(b, sb), TCPINC_CORE_TC_OK);
	/* One export per session: ss[1] is handed out once. */
	KUNIT_EXPECT_EQ(test, tcpinc_core_tc_export_resumption(a, &again), TCPINC_CORE_TC_NOT_CACHEABLE);
	kt_sess_drop(2);	/* a and b: their work is done */
}

/* Caches A's chain under B's address and B's under A's: two hosts in one cache. */
static void kt_cache_pair(struct kunit *test)
{
	struct tcpinc_core_tc_resume_secret sa, sb;

	kt_fresh_pair(test, &sa, &sb);
	KUNIT_ASSERT_NE(test, tcpinc_cache_insert(NET, &addr_b, TEP, &sa), 0ULL);
	KUNIT_ASSERT_NE(test, tcpinc_cache_insert(NET, &addr_a, TEP, &sb), 0ULL);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(&sa, 0, sizeof(sa)));	/* insert wipes */
}

static int kt_init(struct kunit *test)
{
	struct tcpinc_net *tn = tcpinc_pernet(NET);

	tcpinc_cache_wipe(NET);
	WRITE_ONCE(tn->resume_cache_max, 1024);
	WRITE_ONCE(tn->resume_cache_timeout, 3600);
	return 0;
}

static const struct tcpinc_core_tc_resume_policy pol_default = {};

static void kt_take_accept_once(struct kunit *test)
{
	struct tcpinc_core_tc_resume_attempt att_a, att_b, att_a2;
	u8 sub_a[TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN], sub_b[TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN];
	u8 sub_a2[TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN], id_a[64], id_b[64];
	static const u8 teps[] = { TEP }, other[] = { 0x21 };
	static const u16 aeads[] = { TCPINC_CORE_AEAD_AES_128_GCM };
	tcpinc_usize la = 0, lb = 0, la2 = 0, ida = 0, idb = 0;
	struct tcpinc_core_tc_config ca = {}, cb = {};
	u64 chain_a = 0, chain_b = 0;
	struct tcpinc_core_tc_session *ra, *rb;
	u8 tep = 0;

	kt_cache_pair(test);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 2U);
	/* A TEP we do not offer finds nothing. */
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &addr_b, other, 1, &pol_default, &att_a, &tep,
						&chain_a), -ENOENT);
	KUNIT_ASSERT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &pol_default, &att_a, &tep,
						&chain_a), 0);
	KUNIT_EXPECT_EQ(test, tep, TEP);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_resume_build(&att_a, sub_a, sizeof(sub_a), &la), TCPINC_CORE_TC_OK);
	KUNIT_EXPECT_EQ(test, la, (tcpinc_usize)18);	/* TEP byte, half, 8-byte nonce */
	KUNIT_EXPECT_EQ(test, sub_a[0], (u8)(TEP | 0x80));
	/* B finds the chain by A's half, for that TEP only, and only once. */
	KUNIT_EXPECT_EQ(test, tcpinc_cache_accept(NET, 0x21, sub_a + 1, &pol_default, &att_b, &chain_b),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, tcpinc_cache_accept(NET, TEP, sub_a + 1, &pol_default, &att_b, &chain_b), 0);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_accept(NET, TEP, sub_a + 1, &pol_default, &att_a2, &chain_b),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_resume_build(&att_b, sub_b, sizeof(sub_b), &lb), TCPINC_CORE_TC_OK);
	/* A's next proposal uses the next index: another half. */
	KUNIT_ASSERT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &pol_default, &att_a2, &tep,
						&chain_a), 0);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_resume_build(&att_a2, sub_a2, sizeof(sub_a2), &la2),
			TCPINC_CORE_TC_OK);
	KUNIT_EXPECT_NE(test, memcmp(sub_a + 1, sub_a2 + 1, TCPINC_CORE_TC_RESUME_HALF_LEN), 0);
	tcpinc_core_tc_resume_wipe_attempt(&att_a2);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 2U);	/* ratcheted, not removed */

	/* Both ends key a resumed session from their attempts: equal IDs, v bit. */
	ca.role = TCPINC_CORE_TC_ROLE_A;
	ca.kex = TEP;
	ca.tep_byte = TEP | 0x80;
	ca.aeads = aeads;
	ca.naeads = 1;
	cb = ca;
	cb.role = TCPINC_CORE_TC_ROLE_B;
	ca.resume = &att_a;
	ca.peer_resume_nonce = sub_b + 1 + TCPINC_CORE_TC_RESUME_HALF_LEN;
	ca.peer_resume_nonce_len = lb - 1 - TCPINC_CORE_TC_RESUME_HALF_LEN;
	cb.resume = &att_b;
	cb.peer_resume_nonce = sub_a + 1 + TCPINC_CORE_TC_RESUME_HALF_LEN;
	cb.peer_resume_nonce_len = la - 1 - TCPINC_CORE_TC_RESUME_HALF_LEN;
	ra = kt_sess(test);
	rb = kt_sess(test);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_session_start(ra, tcpinc_crypto_ops(), &ca), TCPINC_CORE_TC_OK);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_session_start(rb, tcpinc_crypto_ops(), &cb), TCPINC_CORE_TC_OK);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_session_id(ra, id_a, sizeof(id_a), &ida), TCPINC_CORE_TC_OK);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_session_id(rb, id_b, sizeof(id_b), &idb), TCPINC_CORE_TC_OK);
	KUNIT_EXPECT_EQ(test, ida, (tcpinc_usize)TCPINC_CORE_TC_SESSION_ID_LEN);
	KUNIT_EXPECT_EQ(test, memcmp(id_a, id_b, TCPINC_CORE_TC_SESSION_ID_LEN), 0);
	KUNIT_EXPECT_EQ(test, id_a[0], (u8)(TEP | 0x80));
	/* The session consumed (wiped) the attempt. */
	KUNIT_EXPECT_TRUE(test, !memchr_inv(&att_a, 0, sizeof(att_a)));
	KUNIT_EXPECT_TRUE(test, !memchr_inv(&att_b, 0, sizeof(att_b)));
}

static void kt_no_cache_ends_chain(struct kunit *test)
{
	const struct tcpinc_core_tc_resume_policy no_cache = { .no_cache = 1 };
	const struct tcpinc_core_tc_resume_policy ignore = { .ignore_resumption = 1 };
	struct tcpinc_core_tc_resume_attempt att;
	static const u8 teps[] = { TEP };
	u64 chain;
	u8 tep;

	kt_cache_pair(test);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &ignore, &att, &tep, &chain), -ENOENT);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 2U);
	KUNIT_ASSERT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &no_cache, &att, &tep, &chain), 0);
	tcpinc_core_tc_resume_wipe_attempt(&att);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 1U);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &pol_default, &att, &tep, &chain),
			-ENOENT);
	/* TCP_CRYPT_CACHE_FLUSH of the other chain. */
	KUNIT_ASSERT_EQ(test, tcpinc_cache_take(NET, &addr_a, teps, 1, &pol_default, &att, &tep, &chain), 0);
	tcpinc_core_tc_resume_wipe_attempt(&att);
	KUNIT_EXPECT_TRUE(test, tcpinc_cache_flush_chain(NET, chain));
	KUNIT_EXPECT_FALSE(test, tcpinc_cache_flush_chain(NET, chain));
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
}

static void kt_lru_eviction(struct kunit *test)
{
	struct tcpinc_core_tc_resume_secret sa, sb, copy;
	struct tcpinc_core_tc_resume_attempt att;
	static const u8 teps[] = { TEP };
	struct in6_addr peer[3] = { addr_a, addr_a, addr_a };
	unsigned long ev = stat(TCPINC_MIB_CACHE_EVICTED);
	u64 chain;
	u8 tep;
	int i;

	WRITE_ONCE(tcpinc_pernet(NET)->resume_cache_max, 2);
	kt_fresh_pair(test, &sa, &sb);
	for (i = 0; i < 3; i++) {
		peer[i].s6_addr[15] = 10 + i;
		memcpy(&copy, &sa, sizeof(copy));
		KUNIT_ASSERT_NE(test, tcpinc_cache_insert(NET, &peer[i], TEP, &copy), 0ULL);
	}
	tcpinc_core_tc_resume_wipe_secret(&sa);
	tcpinc_core_tc_resume_wipe_secret(&sb);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 2U);
	KUNIT_EXPECT_EQ(test, stat(TCPINC_MIB_CACHE_EVICTED), ev + 1);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &peer[0], teps, 1, &pol_default, &att, &tep, &chain),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &peer[2], teps, 1, &pol_default, &att, &tep, &chain), 0);
	tcpinc_core_tc_resume_wipe_attempt(&att);
	/* peer[2] was just used: inserting evicts peer[1], the least recent. */
	kt_fresh_pair(test, &sa, &sb);
	KUNIT_ASSERT_NE(test, tcpinc_cache_insert(NET, &peer[0], TEP, &sa), 0ULL);
	tcpinc_core_tc_resume_wipe_secret(&sb);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &peer[1], teps, 1, &pol_default, &att, &tep, &chain),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &peer[2], teps, 1, &pol_default, &att, &tep, &chain), 0);
	tcpinc_core_tc_resume_wipe_attempt(&att);
	/* max 0: nothing is cached at all. */
	WRITE_ONCE(tcpinc_pernet(NET)->resume_cache_max, 0);
	tcpinc_cache_wipe(NET);
	kt_fresh_pair(test, &sa, &sb);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_insert(NET, &addr_b, TEP, &sa), 0ULL);
	tcpinc_core_tc_resume_wipe_secret(&sb);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
}

/*
 * Many chains to one peer: a take proposes the newest chain with a TEP
 * we offer, and keeps proposing it as it ratchets. The walk stops at the
 * first such entry (tcpinc_cache_take); this says which one it must be.
 */
static void kt_take_newest_chain(struct kunit *test)
{
	struct tcpinc_core_tc_resume_secret sa, sb, copy;
	struct tcpinc_core_tc_resume_attempt att;
	static const u8 teps[] = { TEP }, both[] = { TEP, 0x21 };
	u64 chain[4], got = 0;
	u8 tep = 0;
	int i;

	kt_fresh_pair(test, &sa, &sb);
	tcpinc_core_tc_resume_wipe_secret(&sb);
	for (i = 0; i < 3; i++) {
		memcpy(&copy, &sa, sizeof(copy));
		chain[i] = tcpinc_cache_insert(NET, &addr_b, TEP, &copy);
		KUNIT_ASSERT_NE(test, chain[i], 0ULL);
	}
	/* The newest entry of all is for a TEP the first takes do not offer. */
	memcpy(&copy, &sa, sizeof(copy));
	chain[3] = tcpinc_cache_insert(NET, &addr_b, 0x21, &copy);
	KUNIT_ASSERT_NE(test, chain[3], 0ULL);
	tcpinc_core_tc_resume_wipe_secret(&sa);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 4U);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &pol_default, &att,
							&tep, &got), 0);
		tcpinc_core_tc_resume_wipe_attempt(&att);
		KUNIT_EXPECT_EQ(test, tep, TEP);
		KUNIT_EXPECT_EQ(test, got, chain[2]);	/* ratcheted, still the newest */
	}
	/* Offering that TEP too: the newest chain is the 0x21 one. */
	KUNIT_ASSERT_EQ(test, tcpinc_cache_take(NET, &addr_b, both, 2, &pol_default, &att, &tep,
						&got), 0);
	tcpinc_core_tc_resume_wipe_attempt(&att);
	KUNIT_EXPECT_EQ(test, tep, (u8)0x21);
	KUNIT_EXPECT_EQ(test, got, chain[3]);
	/* Flushing the newest TEP chain brings the previous one back. */
	KUNIT_EXPECT_TRUE(test, tcpinc_cache_flush_chain(NET, chain[2]));
	KUNIT_ASSERT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &pol_default, &att, &tep,
						&got), 0);
	tcpinc_core_tc_resume_wipe_attempt(&att);
	KUNIT_EXPECT_EQ(test, got, chain[1]);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 3U);
}

static void kt_expiry(struct kunit *test)
{
	struct tcpinc_core_tc_resume_attempt att;
	static const u8 teps[] = { TEP };
	unsigned long exp = stat(TCPINC_MIB_CACHE_EXPIRED);
	u64 chain;
	u8 tep;

	WRITE_ONCE(tcpinc_pernet(NET)->resume_cache_timeout, 1);
	kt_cache_pair(test);
	msleep(1200);
	/* Found expired by a lookup (the timer may have been first: either counts). */
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &pol_default, &att, &tep, &chain),
			-ENOENT);
	KUNIT_EXPECT_GE(test, stat(TCPINC_MIB_CACHE_EXPIRED), exp + 1);
	/* Nobody looks: the timer drops the other one within a second or so. */
	msleep(1500);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
	KUNIT_EXPECT_EQ(test, stat(TCPINC_MIB_CACHE_EXPIRED), exp + 2);
}

/* Each trigger, synthetic: the cache is full before, empty after, counted. */
static void kt_wipe_triggers(struct kunit *test)
{
	struct net_device *dev = alloc_netdev(0, "tcpinckt%d", NET_NAME_ENUM, ether_setup);
	struct netdev_notifier_info info = {};
	struct in_device *idev = kunit_kzalloc(test, sizeof(*idev), GFP_KERNEL);
	struct in_ifaddr *ifa = kunit_kzalloc(test, sizeof(*ifa), GFP_KERNEL);
	struct inet6_dev *idev6 = kunit_kzalloc(test, sizeof(*idev6), GFP_KERNEL);
	struct inet6_ifaddr *ifa6 = kunit_kzalloc(test, sizeof(*ifa6), GFP_KERNEL);
	unsigned long wipes = stat(TCPINC_MIB_CACHE_WIPES);
	int gen = atomic_read(&tcpinc_vm_generation);

	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_ASSERT_NOT_NULL(test, idev);
	KUNIT_ASSERT_NOT_NULL(test, ifa);
	KUNIT_ASSERT_NOT_NULL(test, idev6);
	KUNIT_ASSERT_NOT_NULL(test, ifa6);
	info.dev = dev;
	idev->dev = dev;
	ifa->ifa_dev = idev;
	idev6->dev = dev;
	ifa6->idev = idev6;

	/* Events that are not removals leave the cache alone. */
	kt_cache_pair(test);
	tcpinc_netdev_event(NULL, NETDEV_UP, &info);
	tcpinc_inetaddr_event(NULL, NETDEV_UP, ifa);
	tcpinc_inet6addr_event(NULL, NETDEV_UP, ifa6);
	tcpinc_pm_event(NULL, PM_POST_SUSPEND, NULL);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 2U);

	tcpinc_netdev_event(NULL, NETDEV_UNREGISTER, &info);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
	kt_cache_pair(test);
	tcpinc_inetaddr_event(NULL, NETDEV_DOWN, ifa);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
	kt_cache_pair(test);
	tcpinc_inet6addr_event(NULL, NETDEV_DOWN, ifa6);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
	kt_cache_pair(test);
	tcpinc_pm_event(NULL, PM_SUSPEND_PREPARE, NULL);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
	kt_cache_pair(test);
	tcpinc_pm_event(NULL, PM_HIBERNATION_PREPARE, NULL);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
	kt_cache_pair(test);
	tcpinc_vmfork_event(NULL, 0, NULL);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&tcpinc_vm_generation), gen + 1);
	KUNIT_EXPECT_EQ(test, stat(TCPINC_MIB_CACHE_WIPES), wipes + 6);
	KUNIT_EXPECT_GE(test, stat(TCPINC_MIB_NETDEV_EVENTS), 1UL);
	KUNIT_EXPECT_GE(test, stat(TCPINC_MIB_ADDR_EVENTS), 2UL);
	KUNIT_EXPECT_GE(test, stat(TCPINC_MIB_PM_EVENTS), 2UL);
	KUNIT_EXPECT_GE(test, stat(TCPINC_MIB_VMFORK_EVENTS), 1UL);
	free_netdev(dev);

	/* Namespace exit and module unload: destroy wipes, and refuses inserts. */
	kt_cache_pair(test);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_destroy(NET), 2U);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
	KUNIT_ASSERT_EQ(test, tcpinc_cache_create(NET), 0);
}

/*
 * The window between a restore and its vmfork notifier: the hypervisor has
 * already rewritten the generation ID, the notifier has not run. The cache
 * must hand out nothing then (the other copy holds the same secrets), and
 * for that reason only: the same take and accept succeed once the ID is
 * back. After the notifier the cache is empty and new secrets may be used.
 */
static void kt_vmgenid_window(struct kunit *test)
{
	u8 *id = kunit_kzalloc(test, 16, GFP_KERNEL);
	struct tcpinc_core_tc_resume_attempt att_a, att_b;
	u8 sub_a[TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN];
	static const u8 teps[] = { TEP };
	int gen = atomic_read(&tcpinc_vm_generation);
	tcpinc_usize la = 0;
	u64 chain;
	u8 tep;

	KUNIT_ASSERT_NOT_NULL(test, id);
	get_random_bytes(id, 16);
	tcpinc_vmgenid_attach(id);
	KUNIT_EXPECT_FALSE(test, tcpinc_vm_copied());
	kt_cache_pair(test);
	/* A's proposal, taken before the copy: B's accept is tried below. */
	KUNIT_ASSERT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &pol_default, &att_a, &tep,
						&chain), 0);
	KUNIT_ASSERT_EQ(test, tcpinc_core_tc_resume_build(&att_a, sub_a, sizeof(sub_a), &la),
			TCPINC_CORE_TC_OK);
	tcpinc_core_tc_resume_wipe_attempt(&att_a);

	id[7] ^= 0x01;	/* restored: the hypervisor wrote a new ID */
	KUNIT_EXPECT_TRUE(test, tcpinc_vm_copied());
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &pol_default, &att_a, &tep,
						&chain), -ENOENT);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_accept(NET, TEP, sub_a + 1, &pol_default, &att_b, &chain),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 2U);	/* refused, not consumed */
	KUNIT_EXPECT_EQ(test, atomic_read(&tcpinc_vm_generation), gen);

	id[7] ^= 0x01;	/* only the ID made the difference */
	KUNIT_EXPECT_FALSE(test, tcpinc_vm_copied());
	KUNIT_EXPECT_EQ(test, tcpinc_cache_accept(NET, TEP, sub_a + 1, &pol_default, &att_b, &chain), 0);
	tcpinc_core_tc_resume_wipe_attempt(&att_b);

	id[0] ^= 0x80;
	KUNIT_EXPECT_TRUE(test, tcpinc_vm_copied());
	tcpinc_vmfork_event(NULL, 0, NULL);	/* the notifier, late */
	KUNIT_EXPECT_FALSE(test, tcpinc_vm_copied());
	KUNIT_EXPECT_EQ(test, tcpinc_cache_count(NET), 0U);
	KUNIT_EXPECT_EQ(test, atomic_read(&tcpinc_vm_generation), gen + 1);
	/* Secrets of the new generation may be cached and used. */
	kt_cache_pair(test);
	KUNIT_EXPECT_EQ(test, tcpinc_cache_take(NET, &addr_b, teps, 1, &pol_default, &att_a, &tep,
						&chain), 0);
	tcpinc_core_tc_resume_wipe_attempt(&att_a);

	tcpinc_vmgenid_attach(NULL);	/* before kunit frees id */
	KUNIT_EXPECT_FALSE(test, tcpinc_vm_copied());
}

/* What tcpinc_main.c hands the notifiers, in its order. */
static const struct tcpinc_secret_holder *const kt_holders[] = {
	&tcpinc_cache_holder,
	&tcpinc_pending_holder,
	&tcpinc_eph_holder,
	&tcpinc_socks_holder,
};

static int kt_suite_init(struct kunit_suite *suite)
{
	int err = tcpinc_crypto_init();

	tcpinc_notify_set_holders(kt_holders, ARRAY_SIZE(kt_holders));
	if (err)
		return err;
	err = register_pernet_subsys(&kt_net_ops);
	if (err)
		tcpinc_crypto_exit();
	return err;
}

static void kt_suite_exit(struct kunit_suite *suite)
{
	unregister_pernet_subsys(&kt_net_ops);
	tcpinc_crypto_exit();
}

/* A flow 192.0.2.1:port -> 192.0.2.2:7000, as the listener sees it. */
static void kt_flow(struct tcpinc_flow *f, u16 port)
{
	memset(f, 0, sizeof(*f));
	ipv6_addr_set_v4mapped(htonl(0xc0000202), &f->laddr);
	ipv6_addr_set_v4mapped(htonl(0xc0000201), &f->raddr);
	f->lport = htons(7000);
	f->rport = htons(port);
}

static void kt_pending_table(struct kunit *test)
{
	struct tcpinc_sock *lctx = kunit_kzalloc(test, sizeof(*lctx), GFP_KERNEL);
	struct tcpinc_core_tc_resume_attempt *wiped_ref, *seen;
	struct tcpinc_pending_entry *e1, *e2, *e3, *f1_found, *f2_found, *f2_other, *f2_tuple,
		*f3_found;
	unsigned long evicted = stat(TCPINC_MIB_ENO_PENDING_EVICTED);
	unsigned long expired = stat(TCPINC_MIB_ENO_PENDING_EXPIRED);
	unsigned long wiped = stat(TCPINC_MIB_ENO_PENDING_WIPED);
	unsigned long live = stat(TCPINC_MIB_ENO_PENDING_LIVE);
	unsigned int count_after_add, count_after_expiry;
	struct tcpinc_flow f1, f2, f3;
	struct tcpinc_pending *p;
	u8 state;

	wiped_ref = kunit_kzalloc(test, sizeof(*wiped_ref), GFP_KERNEL);
	seen = kunit_kzalloc(test, sizeof(*seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lctx);
	KUNIT_ASSERT_NOT_NULL(test, wiped_ref);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	/* What the core's wipe leaves of an attempt full of 0xa5 (layout is the core's). */
	memset(wiped_ref, 0xa5, sizeof(*wiped_ref));
	tcpinc_core_tc_resume_wipe_attempt(wiped_ref);
	KUNIT_ASSERT_NOT_NULL(test, memchr_inv(wiped_ref, 0xa5, sizeof(*wiped_ref)));

	kt_flow(&f1, 40001);
	kt_flow(&f2, 40002);
	kt_flow(&f3, 40003);
	p = tcpinc_pending_get(lctx, NET);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, tcpinc_pending_get(lctx, NET), p);

	/* A table of 2: the third SYN evicts the oldest entry. */
	spin_lock_bh(&p->lock);
	e1 = tcpinc_pending_add(p, &f1, 1, 2, GFP_ATOMIC);
	e2 = tcpinc_pending_add(p, &f2, 2, 2, GFP_ATOMIC);
	e3 = tcpinc_pending_add(p, &f3, 3, 2, GFP_ATOMIC);
	count_after_add = p->count;
	f1_found = tcpinc_pending_find(p, &f1, 1);
	f2_found = tcpinc_pending_find(p, &f2, 2);
	/* Same 4-tuple, another ISN: another connection, not this entry's. */
	f2_other = tcpinc_pending_find(p, &f2, 99);
	f2_tuple = tcpinc_pending_find_tuple(p, &f2);
	/* An accepted resumption holds ss[i] until the child takes it. */
	if (e2) {
		e2->rs.resume_state = TCPINC_RESUME_ACCEPTED;
		memset(&e2->rs.resume, 0xa5, sizeof(e2->rs.resume));
	}
	spin_unlock_bh(&p->lock);
	KUNIT_ASSERT_TRUE(test, e1 && e2 && e3);
	KUNIT_EXPECT_EQ(test, count_after_add, 2U);
	KUNIT_EXPECT_NULL(test, f1_found);
	KUNIT_EXPECT_PTR_EQ(test, f2_found, e2);
	KUNIT_EXPECT_NULL(test, f2_other);
	KUNIT_EXPECT_PTR_EQ(test, f2_tuple, e2);
	KUNIT_EXPECT_EQ(test, stat(TCPINC_MIB_ENO_PENDING_EVICTED), evicted + 1);
	KUNIT_EXPECT_EQ(test, stat(TCPINC_MIB_ENO_PENDING_LIVE), live + 2);

	/* Suspend wipes ss[i]; the entry stays, marked, for the child to abort. */
	tcpinc_pm_event(NULL, PM_SUSPEND_PREPARE, NULL);
	spin_lock_bh(&p->lock);
	state = e2->rs.resume_state;
	memcpy(seen, &e2->rs.resume, sizeof(*seen));
	/* Past its lifetime an entry is found by nobody, and freed. */
	e3->expires = jiffies - 1;
	f3_found = tcpinc_pending_find(p, &f3, 3);
	count_after_expiry = p->count;
	spin_unlock_bh(&p->lock);
	KUNIT_EXPECT_EQ(test, state, (u8)TCPINC_RESUME_WIPED);
	KUNIT_EXPECT_EQ(test, memcmp(seen, wiped_ref, sizeof(*seen)), 0);
	KUNIT_EXPECT_NULL(test, f3_found);
	KUNIT_EXPECT_EQ(test, count_after_expiry, 1U);
	KUNIT_EXPECT_EQ(test, stat(TCPINC_MIB_ENO_PENDING_WIPED), wiped + 1);
	KUNIT_EXPECT_EQ(test, stat(TCPINC_MIB_ENO_PENDING_EXPIRED), expired + 1);

	/* Release: entries freed, and a SYN racing it attaches no new table. */
	tcpinc_pending_release(lctx);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(lctx->pending), TCPINC_PENDING_DEAD);
	KUNIT_EXPECT_NULL(test, tcpinc_pending_get(lctx, NET));
	KUNIT_EXPECT_NULL(test, tcpinc_pending_of(lctx));
	KUNIT_EXPECT_EQ(test, stat(TCPINC_MIB_ENO_PENDING_LIVE), live);
}

static struct kunit_case kt_cases[] = {
	KUNIT_CASE(kt_take_accept_once),
	KUNIT_CASE(kt_no_cache_ends_chain),
	KUNIT_CASE(kt_lru_eviction),
	KUNIT_CASE(kt_take_newest_chain),
	KUNIT_CASE(kt_expiry),
	KUNIT_CASE(kt_wipe_triggers),
	KUNIT_CASE(kt_vmgenid_window),
	KUNIT_CASE(kt_pending_table),
	{}
};

static struct kunit_suite tcpinc_kt_resume_cache_suite = {
	.name = "tcpinc_resume_cache",
	.suite_init = kt_suite_init,
	.suite_exit = kt_suite_exit,
	.init = kt_init,
	.exit = kt_exit,
	.test_cases = kt_cases,
};
kunit_test_suite(tcpinc_kt_resume_cache_suite);
