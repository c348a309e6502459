// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_eph.c - ephemeral key pairs for tcpcrypt's key exchange, reused for
 * a bounded time per network namespace and group.
 *
 * RFC 8548 3.3: ephemeral keys "MUST be refreshed frequently"; a key pair
 * reused across connections must have its lifetime limited as far as
 * practical, and private keys never reach persistent storage. Generating
 * a pair per connection is a scalar multiplication (X25519) or a KPP
 * request under a mutex (P-256, X448) on every connection, which is what a SYN
 * flood or a busy server pays for first. So a pair serves connections for
 * at most net.tcpinc.tcpcrypt_key_lifetime_ms (default 1000 ms; 0 = a
 * fresh pair every time) and at most TCPINC_EPH_MAX_USES key exchanges.
 * Every exchange still mixes in fresh nonces N_A/N_B and the peer's key,
 * so its session keys are its own. Pairs are per namespace (connections of
 * two namespaces cannot be linked by their public key) and are wiped on
 * suspend, on a VM generation change (the copies must not share one) and
 * at namespace exit.
 */
#include <linux/jiffies.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "tcpinc.h"
#include "tcpinc_eph.h"
#include "tcpinc_vmgen.h"
#include "../../crypto-glue/tcpinc_crypto.h"

#define TCPINC_EPH_MAX_USES	1024

static struct tcpinc_eph *eph_slot(struct tcpinc_net *tn, u8 kex)
{
	switch (kex) {
	case TCPINC_CORE_KEX_X25519:
		return &tn->eph[0];
	case TCPINC_CORE_KEX_P256:
		return &tn->eph[1];
	case TCPINC_CORE_KEX_X448:
		return &tn->eph[2];
	default:
		return NULL;
	}
}

void tcpinc_eph_init(struct tcpinc_net *tn)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tn->eph); i++)
		spin_lock_init(&tn->eph[i].lock);
}

/*
 * tcpinc_eph_get - the current pair for kex into priv[TCPINC_CORE_KEX_PRIV_LEN]
 * and pub[TCPINC_CORE_KEX_PUB_MAX_LEN] (the group uses 32..56 of each), made
 * anew if it is too old, used up, or from before a VM generation change.
 * Process context (P-256 generation may sleep). 0, or -ENOENT if reuse is
 * off (the caller then lets the core generate one) or generation failed.
 */
int tcpinc_eph_get(struct net *net, u8 kex, u8 *priv, u8 *pub)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	struct tcpinc_eph *e = eph_slot(tn, kex);
	int ms = READ_ONCE(tn->tcpcrypt_key_lifetime_ms);
	int gen = atomic_read(&tcpinc_vm_generation);
	u8 npriv[TCPINC_CORE_KEX_PRIV_LEN], npub[TCPINC_CORE_KEX_PUB_MAX_LEN];
	const struct tcpinc_core_crypto_ops *ops = tcpinc_crypto_ops();

	might_sleep();
	if (!e || ms <= 0)
		return -ENOENT;
	spin_lock_bh(&e->lock);
	if (e->valid && e->vmgen == gen && e->uses < TCPINC_EPH_MAX_USES &&
	    time_before(jiffies, e->born + msecs_to_jiffies(ms))) {
		e->uses++;
		memcpy(priv, e->priv, sizeof(e->priv));
		memcpy(pub, e->pub, sizeof(e->pub));
		spin_unlock_bh(&e->lock);
		return 0;
	}
	spin_unlock_bh(&e->lock);

	/* Outside the lock: P-256 generation sleeps. Racing callers both make one. */
	if (ops->kex_keygen(ops->ctx, kex, npriv, npub) != TCPINC_CORE_CRYPTO_OK) {
		memzero_explicit(npriv, sizeof(npriv));
		return -ENOENT;
	}
	spin_lock_bh(&e->lock);
	memcpy(e->priv, npriv, sizeof(npriv));
	memcpy(e->pub, npub, sizeof(npub));
	e->born = jiffies;
	e->uses = 1;
	e->vmgen = gen;
	e->valid = true;
	spin_unlock_bh(&e->lock);
	memcpy(priv, npriv, sizeof(npriv));
	memcpy(pub, npub, sizeof(npub));
	memzero_explicit(npriv, sizeof(npriv));
	return 0;
}

/* Forgets every pair of the namespace (suspend, VM generation, exit). */
void tcpinc_eph_wipe(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	int i;

	for (i = 0; i < ARRAY_SIZE(tn->eph); i++) {
		spin_lock_bh(&tn->eph[i].lock);
		memzero_explicit(tn->eph[i].priv, sizeof(tn->eph[i].priv));
		tn->eph[i].valid = false;
		spin_unlock_bh(&tn->eph[i].lock);
	}
}

/* A suspended or copied VM must not reuse a pair; a device going does not matter. */
static void tcpinc_eph_holder_wipe(struct net *net, enum tcpinc_wipe_event ev,
				   struct tcpinc_wiped *w)
{
	if (ev != TCPINC_WIPE_NET)
		tcpinc_eph_wipe(net);
}

const struct tcpinc_secret_holder tcpinc_eph_holder = {
	.wipe	= tcpinc_eph_holder_wipe,
};
