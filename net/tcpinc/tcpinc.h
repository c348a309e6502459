/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc.h - the context the C glue files share: the per-netns state
 * (struct tcpinc_net), the per-socket context (struct tcpinc_sock), the
 * counters, and the types of the secret holders the notifiers wipe. What
 * one glue file offers the others is in its own header (tcpinc_<file>.h);
 * which file may use which is scripts/layers.sh's table. Nothing here is
 * seen by the C++ core; the core's interface is include/tcpinc/core_api.h.
 *
 * Lock order of the module, outermost first: a lock is taken only while
 * holding locks listed above it, never one listed below.
 *
 *   1. the socket lock: lock_sock() in process context (socket calls, the
 *      work items), bh_lock_sock() of the child in the ULP clone
 *   2. tcpinc_net.hooks_lock (mutex): the ULP init registering the hooks
 *   3. tcpinc_net.pending_lock (_bh): the wipes and pending_gc walking the
 *      listeners' tables
 *   4. tcpinc_pending.lock (_bh): a listener's half-open table
 *   5. tcpinc_sock.lock (_bh): a listener's is taken under its table's
 *      lock when a SYN arrives
 *   6. sk->sk_callback_lock: the data path takes over the callbacks when
 *      ENO enables, which may run under 5
 *   7. tcpinc_cache.lock (_bh): resumption lookups run under 4 or 5
 *
 * Leaves, under which nothing else of ours is taken: tcpinc_net.crypt_lock
 * (the session registry; its abort only queues work), tcpinc_eph.lock
 * (a key pair is generated outside it: it may sleep). Each struct below
 * says which lock protects which field. Documentation/design.md points
 * here rather than repeating the list.
 */
#ifndef TCPINC_H
#define TCPINC_H

#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "tcpinc/core_api.h"

/*
 * Per-netns counters shown in /proc/net/tcpinc_stat (one "Name value" line
 * each, like /proc/net/tls_stat). Order and names are ABI for scripts: add
 * at the end.
 */
enum tcpinc_mib_field {
	TCPINC_MIB_CTX_LIVE,		/* gauge: contexts allocated, not freed */
	TCPINC_MIB_CTX_TOTAL,		/* contexts ever allocated */
	TCPINC_MIB_CTX_REFUSED,		/* setsockopt(TCP_ULP) refused */
	TCPINC_MIB_CLONE_FAILED,	/* accepted child left without a context */
	TCPINC_MIB_NETDEV_EVENTS,	/* a netdevice of this netns unregistered */
	TCPINC_MIB_PM_EVENTS,		/* suspend or hibernation began */
	TCPINC_MIB_VMFORK_EVENTS,	/* VM generation ID changed */
	TCPINC_MIB_ENO_OK,		/* negotiations that enabled encryption */
	TCPINC_MIB_ENO_FB_MISSING,	/* fallback: a handshake segment lacked ENO */
	TCPINC_MIB_ENO_FB_ROLE,		/* fallback: both hosts sent the same b bit */
	TCPINC_MIB_ENO_FB_NO_TEP,	/* fallback: no common TEP / vacuous option */
	TCPINC_MIB_ENO_FB_AA,		/* fallback: mandatory application-aware mismatch */
	TCPINC_MIB_ENO_FB_MALFORMED,	/* fallback: malformed or repeated ENO in a SYN */
	TCPINC_MIB_ENO_FB_OTHER,	/* fallback: any other reason (counted, logged at debug) */
	TCPINC_MIB_ENO_FB_NO_STATE,	/* fallback: no negotiation state for an accepted child */
	TCPINC_MIB_ENO_OFF,		/* ENO disabled by configuration for a ULP socket */
	TCPINC_MIB_ENO_ABORT,		/* mandatory encryption mode aborted a connection */
	TCPINC_MIB_ENO_MALFORMED,	/* received SYN-form ENO options that were malformed */
	TCPINC_MIB_ENO_NO_SPACE,	/* ENO left out: not enough TCP option space */
	TCPINC_MIB_ENO_PENDING_FULL,	/* a SYN got no half-open entry (out of memory): answered without ENO */
	TCPINC_MIB_TC_HANDSHAKES,	/* tcpcrypt key exchanges completed */
	TCPINC_MIB_TC_ABORT,		/* tcpcrypt connections aborted (any reason) */
	TCPINC_MIB_TC_AUTH_FAIL,	/* frames that failed authentication */
	TCPINC_MIB_TC_REKEYS,		/* rekeys received from peers */
	TCPINC_MIB_TC_REKEYS_SENT,	/* rekeys we started (TCP_CRYPT_REKEY, byte count, keep-alive) */
	TCPINC_MIB_TC_TX_BYTES,		/* application bytes sealed */
	TCPINC_MIB_TC_RX_BYTES,		/* application bytes opened and delivered */
	TCPINC_MIB_RESUME_OFFERED,	/* SYNs that proposed resumption (an ss[i] burnt) */
	TCPINC_MIB_RESUME_ACCEPTED,	/* proposals we accepted as passive opener */
	TCPINC_MIB_RESUME_DECLINED,	/* proposals we answered with a fresh offer */
	TCPINC_MIB_RESUME_NO_ROOM,	/* ...because our 21-byte answer would not fit */
	TCPINC_MIB_RESUMED,		/* sessions keyed by resumption (no Init1/Init2) */
	TCPINC_MIB_RESUME_REFUSED,	/* our proposals the peer answered fresh */
	TCPINC_MIB_CACHE_INSERTS,	/* chains cached after a fresh key exchange */
	TCPINC_MIB_CACHE_EVICTED,	/* chains evicted (resume_cache_max, LRU) */
	TCPINC_MIB_CACHE_EXPIRED,	/* chains dropped after resume_cache_timeout */
	TCPINC_MIB_CACHE_WIPES,		/* whole-cache wipes (device, address, PM, vmfork...) */
	TCPINC_MIB_CACHE_WIPED_ENTRIES,	/* chains those wipes destroyed */
	TCPINC_MIB_ADDR_EVENTS,		/* an address was removed in this netns */
	TCPINC_MIB_VMFORK_ABORTS,	/* live tcpcrypt connections aborted by a VM generation change */
	TCPINC_MIB_TC_REKEYS_AUTO,	/* rekeys started after tcpcrypt_rekey_bytes */
	TCPINC_MIB_TC_KEEPALIVES,	/* keep-alive rekey frames sent (SO_KEEPALIVE) */
	TCPINC_MIB_ENO_PENDING_EVICTED,	/* half-open negotiations evicted, oldest first, by a full table */
	TCPINC_MIB_ENO_PENDING_EXPIRED,	/* half-open negotiations dropped after their lifetime */
	TCPINC_MIB_ENO_PENDING_REPLACED, /* a new SYN (other ISN) replaced its 4-tuple's stale entry */
	TCPINC_MIB_ENO_PENDING_WIPED,	/* accepted resumptions of half-open entries wiped by an event */
	TCPINC_MIB_ENO_PENDING_LOST,	/* ENO handshakes completed with no state left: segment dropped */
	TCPINC_MIB_ENO_TFO_DROPPED,	/* SYN with Fast Open data/cookie to a ULP listener still doing Fast Open */
	TCPINC_MIB_ENO_PENDING_LIVE,	/* gauge: half-open negotiations held by listeners */
	__TCPINC_MIB_MAX
};

struct tcpinc_mib {
	unsigned long mibs[__TCPINC_MIB_MAX];
};

/*
 * An ephemeral key pair shared by this namespace's key exchanges for a
 * bounded time (tcpinc_eph.c). lock (_bh) protects every field.
 */
struct tcpinc_eph {
	spinlock_t lock;
	bool valid;
	int vmgen;			/* tcpinc_vm_generation when made */
	unsigned int uses;
	unsigned long born;		/* jiffies */
	u8 priv[TCPINC_CORE_KEX_PRIV_LEN];	/* secret: wiped by tcpinc_eph_wipe */
	u8 pub[TCPINC_CORE_KEX_PUB_MAX_LEN];	/* 33 (P-256) .. 56 (X448) bytes used */
};

/*
 * struct tcpinc_net - per network namespace state (net_generic slot).
 * Lifetime: from pernet init to pernet exit of its netns; readers outside
 * the netns's own sockets (the PM and vmfork notifiers) walk namespaces
 * under rcu_read_lock(), which cleanup_net() waits for before exit runs.
 */
struct tcpinc_net {
	struct tcpinc_mib __percpu *mib;	/* set once at init, freed at exit */
	struct ctl_table_header *sysctl;	/* net.tcpinc.*; set at init */
	/*
	 * Defaults for ULP sockets (draft-ietf-tcpinc-api-06 section 5).
	 * sysctls: written by their proc handlers (WRITE_ONCE, or an array's
	 * entries then its count with WRITE_ONCE) and read by the hooks with
	 * no lock, each value once with READ_ONCE, the counts bounded by the
	 * array: a connection that races a write may see part of the old
	 * list, never past its end.
	 */
	int eno_enable_connect;
	int eno_enable_listen;
	u8 eno_tep_count;
	u8 eno_teps[8];				/* increasing preference */
	u16 eno_bad_ports[16];			/* ports ENO stays off on (local or remote) */
	u8 eno_bad_port_count;
	int eno_pending_max;			/* per listener */
	int eno_pending_timeout;		/* seconds a half-open negotiation may live */
	u16 tcpcrypt_aeads[8];			/* best first */
	u8 tcpcrypt_aead_count;
	unsigned long tcpcrypt_rekey_bytes;	/* 0: no rekey after a byte count */
	/*
	 * hooks_on: the netfilter hooks are registered lazily, by the first
	 * socket of this netns that takes the ULP, so namespaces that never
	 * use tcpinc never run them. Written under hooks_lock with WRITE_ONCE,
	 * read locklessly with READ_ONCE (and again under hooks_lock).
	 */
	struct mutex hooks_lock;
	bool hooks_on;
	/* Resumption (tcpinc_cache.c): sysctls and the cache itself. */
	int resume_enable;			/* propose and accept resumption */
	int resume_cache_max;			/* chains; 0 caches nothing */
	int resume_cache_timeout;		/* seconds a chain may live */
	int vmfork_abort;			/* abort live sessions on a VM generation change */
	int tcpcrypt_key_lifetime_ms;		/* ephemeral key pair reuse; 0 = never */
	struct tcpinc_eph eph[3];		/* X25519, P-256, X448 (tcpinc_eph.c) */
	struct tcpinc_cache *cache;		/* set at init, freed at exit */
	/* Sockets with a tcpcrypt session (tcpinc_socks.c), for the VM generation abort. */
	spinlock_t crypt_lock;			/* _bh */
	struct list_head crypt_socks;		/* struct tcpinc_sock.crypt_node */
	/*
	 * Listeners' tables of half-open negotiations (tcpinc_eno_pending.c),
	 * for the wipes (an accepted resumption holds ss[i]) and for
	 * pending_gc, which frees entries by age when no SYN comes to do it.
	 * Lock order: pending_lock, then a table's lock.
	 */
	spinlock_t pending_lock;		/* _bh; protects pending_tables */
	struct list_head pending_tables;	/* struct tcpinc_pending.node */
	struct delayed_work pending_gc;		/* cancelled (sync) at netns exit */
};

extern unsigned int tcpinc_net_id;

/*
 * The events after which secrets must not survive (tcpinc_notify.c) and
 * what holds such secrets: each holder (the resumption cache, listeners'
 * half-open entries, ephemeral key pairs, the registry of live sessions)
 * exports one of these, which the layer above hands to the notifiers at
 * load (tcpinc_notify_set_holders), so that the notifiers call no holder
 * by name.
 */
enum tcpinc_wipe_event {
	TCPINC_WIPE_NET,	/* a device or address of this netns went; resume_cache_flush */
	TCPINC_WIPE_SLEEP,	/* suspend or hibernation */
	TCPINC_WIPE_VMFORK,	/* VM generation change */
};

/* What one event destroyed, summed over holders and namespaces. */
struct tcpinc_wiped {
	unsigned int cached;		/* resumption cache entries */
	unsigned int half_open;		/* ss[i] accepted by half-open connections */
	unsigned int aborted;		/* live tcpcrypt connections aborted */
};

struct tcpinc_secret_holder {
	/* Wipes what net holds after ev and adds it to *w; any context the notifiers run in. */
	void (*wipe)(struct net *net, enum tcpinc_wipe_event ev, struct tcpinc_wiped *w);
};


static inline struct tcpinc_net *tcpinc_pernet(const struct net *net)
{
	return net_generic(net, tcpinc_net_id);
}

/* Counters are per-CPU sums, so a gauge may go up on one CPU and down on another. */
#define TCPINC_INC_STATS(net, field) \
	this_cpu_inc(tcpinc_pernet(net)->mib->mibs[field])
#define TCPINC_DEC_STATS(net, field) \
	this_cpu_dec(tcpinc_pernet(net)->mib->mibs[field])
#define TCPINC_ADD_STATS(net, field, n) \
	this_cpu_add(tcpinc_pernet(net)->mib->mibs[field], n)


/*
 * struct tcpinc_sock - per-socket context, hung off icsk_ulp_data.
 * Lifetime: allocated by the ULP init (setsockopt, under the socket lock)
 * or clone (accept path, child socket locked by bh_lock_sock); freed by the
 * ULP release when the socket is destroyed. icsk_ulp_data is RCU so that
 * diag readers may look at it; the context is freed after a grace period.
 */
struct tcpinc_core_eno;
struct tcpinc_cache;
struct tcpinc_pending;
struct tcpinc_crypt;

#define TCPINC_CRYPT_WORK_QUEUED	0
/* Counted in TcpincVmforkAborts already (by tcpinc_crypt_vm_ok or the notifier). */
#define TCPINC_CRYPT_VMFORK_COUNTED	1

/* Per-socket ENO settings (socket options); fixed once the SYN left. */
struct tcpinc_eno_cfg {
	s8 enabled;			/* -1: sysctl decides, 0 off, 1 on */
	u8 gopt;			/* TCP_ENO_SELF_GOPT (a, b bits) */
	u8 aa_mandatory;
	u8 tep_mandatory;
	u8 tep_count;			/* 0xff: sysctl list */
	u8 teps[8];
	u8 aead_count;			/* 0: sysctl list */
	u16 aeads[8];			/* best first */
	/* Resumption controls (RFC 8548 3.5), for new connections. */
	u8 no_resume;			/* TCP_CRYPT_NO_RESUME: never propose/accept */
	u8 no_cache;			/* TCP_CRYPT_NO_CACHE: leave no secret behind */
	u8 nonce_len;			/* TCP_CRYPT_RESUME_NONCE: 0 = default 8; 0xff = none */
	u8 rekey_bytes_set;		/* 0: tcpcrypt_rekey_bytes decides */
	u64 rekey_bytes;		/* TCP_CRYPT_REKEY_BYTES; any time */
};

/* Where a socket's resumption attempt stands (ctx->resume_state). */
enum tcpinc_resume_state {
	TCPINC_RESUME_NONE,		/* no attempt; a fresh key exchange if ENO enables */
	TCPINC_RESUME_PROPOSED,		/* A: our SYN proposes ctx->resume */
	TCPINC_RESUME_ACCEPTED,		/* B: our SYN-ACK accepted; ctx->resume holds ss[i] */
	TCPINC_RESUME_USED,		/* the session was keyed from it (attempt wiped) */
	/*
	 * B: our SYN-ACK accepted a resumption, then a wipe (suspend, device,
	 * address, flush, VM generation) destroyed ss[i] before the child was
	 * accepted: the session cannot be keyed and is aborted.
	 */
	TCPINC_RESUME_WIPED,
};

/* Where a socket's negotiation stands, as the glue sees it. */
enum tcpinc_eno_phase {
	TCPINC_ENO_UNSTARTED,		/* no SYN yet (or a listener) */
	TCPINC_ENO_NEGOTIATING,
	TCPINC_ENO_ENABLED,		/* both enable conditions met */
	TCPINC_ENO_DISABLED,		/* plain TCP */
	TCPINC_ENO_ABORTED,
};

/*
 * struct tcpinc_summary - what diag (the ULP's get_info) and the netlink
 * family (tcpinc_genl.c) show of a session. Nothing here is secret: the
 * session ID is public by design (RFC 8548 section 3.4, it is what
 * applications compare out of band). Written once, under the socket lock,
 * when the session's keys exist (tcpinc_crypt_summary_publish), and then
 * published by smp_store_release() of ready; readers hold no socket lock
 * (RCU in get_info, the registry's crypt_lock in the netlink dump), check
 * ready with smp_load_acquire() and read only this, never ctx->crypt,
 * which the ULP release frees before the context's grace period ends.
 */
struct tcpinc_summary {
	u8 ready;			/* the fields below are set */
	u8 tep;				/* negotiated TEP id (7 bits) */
	u8 resumed;			/* keyed from a cached secret */
	u8 sid_len;
	u16 aead;			/* RFC 8548 AEAD id */
	u8 sid[TCPINC_CORE_TC_SESSION_ID_LEN];
};

/*
 * Each field says how it is protected; "lock" is ctx->lock, "socket lock"
 * the owner's. Fields without a note are under lock.
 */
struct tcpinc_sock {
	struct sock *sk;		/* owner, set at alloc; never outlives it */
	/*
	 * The protocol sk had before it took the ULP (tcp_prot or
	 * tcpv6_prot), which our proto copy's entries pass on to, like
	 * kTLS's ctx->sk_proto. Set before the context is published (ULP
	 * init: tcpinc_proto_install; clone: the listener's), never changed
	 * after; read without a lock through tcpinc_sk_proto(). The ULP
	 * release puts it back in sk->sk_prot (tcpinc_proto_restore).
	 */
	struct proto *sk_proto;
	/*
	 * The netfilter hooks take lock in softirq, socket calls in process
	 * context: always _bh (a listener's under its table's lock: plain).
	 */
	spinlock_t lock;
	/*
	 * Written by socket options under the socket lock and lock; read
	 * under either. The ULP clone, which holds neither of the
	 * listener's, copies a listener's under its lock.
	 */
	struct tcpinc_eno_cfg cfg;
	/*
	 * phase: enum tcpinc_eno_phase. Written under lock with WRITE_ONCE
	 * (at init and in the clone before the socket can be reached, the
	 * same, for one rule); read under lock, or without it once with
	 * READ_ONCE (tcpinc_ctx_encrypted, the proto and data path checks).
	 * WRITE_ONCE, not smp_store_release: a lockless reader only decides
	 * plain or encrypted from it and reads nothing the writer stored
	 * before it; what it then uses is under lock (the negotiation) or
	 * published on its own (crypt, smp_store_release).
	 */
	u8 phase;
	u8 quiet;			/* nothing left for the output hook to add;
					 * WRITE_ONCE under lock, READ_ONCE without
					 * (the output hook's early exit) */
	u8 told_non_syn;		/* core told that a non-SYN segment arrived */
	u8 mss_reserved;		/* icsk_ext_hdr_len holds room for A's
					 * repeated ENO; under lock and the socket
					 * lock (tcpinc_eno_output.c, eno_mss_reserve) */
	u8 reason;			/* enum tcpinc_core_eno_reason when DISABLED */
	u32 syn_segs_in;		/* SYN segments the input hook saw for us */
	/*
	 * tcpcrypt data path (tcpinc_crypt_*.c). crypt: created under the
	 * socket lock, not lock, and published with smp_store_release
	 * (tcpinc_crypt_get) for the socket callbacks and poll, which read it
	 * with READ_ONCE under RCU; cleared (WRITE_ONCE) and freed by the ULP
	 * release, the last user: no callback or poll runs on a destroyed
	 * socket. The saved callbacks are set once under sk_callback_lock
	 * when ENO enables.
	 */
	struct tcpinc_crypt *crypt;
	unsigned long crypt_flags;	/* TCPINC_CRYPT_*; atomic bitops, no lock */
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	/*
	 * Listeners: half-open negotiations (tcpinc_eno_pending.c). NULL until
	 * the first SYN publishes a table (cmpxchg), TCPINC_PENDING_DEAD once
	 * released; read with tcpinc_pending_of() under RCU or by the owner.
	 */
	struct tcpinc_pending *pending;
	/*
	 * Resumption (struct tcpinc_resume, under lock): the attempt burnt
	 * for this connection, until the session takes it (then wiped). A
	 * listener's half-open entry holds the same struct and the ULP clone
	 * copies it into the child as one (ctx->rs = e->rs). The members keep
	 * their names in the context (ctx->resume_state, ...) for the data
	 * path; struct_group_tagged defines the struct here, once.
	 */
	struct_group_tagged(tcpinc_resume, rs,
		u8 resume_state;	/* enum tcpinc_resume_state */
		/*
		 * tcpinc_vm_generation read before resume was taken from
		 * the cache: a session keyed from it in another generation
		 * (this VM was restored or cloned since) would share keys
		 * with the other copy.
		 */
		int resume_vmgen;
		/* The cache entry used or created, for TCP_CRYPT_CACHE_FLUSH. */
		u64 chain;
		struct tcpinc_core_tc_resume_attempt resume;	/* ss[i], nonce: secret */
	);
	/*
	 * Set once when ENO enables, before the callbacks are ours: the
	 * session is resumed, so no Init message is owed to the peer and the
	 * data path is created by the first syscall or poll that needs it.
	 * WRITE_ONCE under lock, READ_ONCE without.
	 */
	u8 crypt_lazy;
	/*
	 * Set by tcpinc_crypt_connect() around the connect call (READ_ONCE
	 * elsewhere): it sends A's Init1 itself when that returns, so ENO's
	 * enable schedules no work item for it.
	 */
	u8 connecting;
	/*
	 * Set (under the socket lock, by tcpinc_proto_connect) once a connect
	 * started a connection on this socket: its ENO, tcpcrypt and
	 * resumption state belong to that connection, so a later connect or
	 * listen on the same socket (after AF_UNSPEC or a failed attempt) is
	 * refused rather than run on stale state. Never cleared.
	 */
	u8 connect_used;
	u8 resume_tep;			/* negotiated TEP id, set when the session
					 * starts, under lock */
	/* See struct tcpinc_summary: written once, then read without locks. */
	struct tcpinc_summary info;
	/*
	 * Rekeys of this connection, for tcpinc show: the ones we started and
	 * the peer's. Incremented under the socket lock (WRITE_ONCE), read by
	 * the netlink dump without it (READ_ONCE).
	 */
	u32 rekeys_sent;
	u32 rekeys_received;
	/* In tcpinc_net.crypt_socks while a tcpcrypt session exists: crypt_lock, not lock. */
	struct list_head crypt_node;
	/* Set at init to the tcpinc_core_eno_size() bytes after the struct; the object is under lock. */
	struct tcpinc_core_eno *eno;
	struct rcu_head rcu;		/* the ULP release's call_rcu */
};

extern struct tcp_ulp_ops tcpinc_ulp_ops;

/*
 * tcpinc_ctx - the context of a full TCP socket carrying our ULP, or NULL.
 * Callers hold rcu_read_lock() (hooks) or own the socket.
 */
static inline struct tcpinc_sock *tcpinc_ctx(const struct sock *sk)
{
	if (inet_csk(sk)->icsk_ulp_ops != &tcpinc_ulp_ops)
		return NULL;
	return rcu_dereference_check(inet_csk(sk)->icsk_ulp_data,
				     lockdep_sock_is_held(sk));
}

/*
 * tcpinc_sk_proto - the base protocol of a socket running our proto copy
 * (the caller is one of the copy's entries, which the socket's owner keeps
 * alive). Its icsk_ulp_data holds our context from before the copy is
 * installed until after it is removed, also while icsk_ulp_ops does not
 * name us yet (inside the ULP init), hence not tcpinc_ctx().
 */
static inline struct proto *tcpinc_sk_proto(const struct sock *sk)
{
	const struct tcpinc_sock *ctx = rcu_dereference_raw(inet_csk(sk)->icsk_ulp_data);

	return ctx->sk_proto;
}

/*
 * tcpinc_ctx_encrypted - whether ENO enabled encryption on ctx's socket (its
 * tcpcrypt session runs, or is created by the first user). ctx may be NULL
 * (callers hold RCU or own the socket, as for tcpinc_ctx). phase is read
 * without ctx->lock, once (READ_ONCE): the hooks write the negotiation's
 * outcome under ctx->lock, in softirq, with WRITE_ONCE.
 */
static inline bool tcpinc_ctx_encrypted(const struct tcpinc_sock *ctx)
{
	return ctx && READ_ONCE(ctx->phase) == TCPINC_ENO_ENABLED;
}

/* tcpinc_sk_encrypted - the same for a socket, from any context. */
static inline bool tcpinc_sk_encrypted(const struct sock *sk)
{
	bool encrypted;

	rcu_read_lock();
	encrypted = tcpinc_ctx_encrypted(tcpinc_ctx(sk));
	rcu_read_unlock();
	return encrypted;
}

/*
 * tcpinc_ctx_will_encrypt - ENO is enabled, or certain to enable with our
 * next segment (A has accepted B's SYN-ACK and owes the ACK that carries
 * ENO): no application byte may leave in the clear. Read from the shared
 * context by the data path, which thus never calls into ENO.
 */
static inline bool tcpinc_ctx_will_encrypt(struct tcpinc_sock *ctx)
{
	bool r;

	spin_lock_bh(&ctx->lock);
	r = ctx->phase == TCPINC_ENO_ENABLED ||
	    (ctx->phase == TCPINC_ENO_NEGOTIATING &&
	     tcpinc_core_eno_state(ctx->eno) == TCPINC_CORE_ENO_SYN_RECEIVED);
	spin_unlock_bh(&ctx->lock);
	return r;
}

#endif /* TCPINC_H */
