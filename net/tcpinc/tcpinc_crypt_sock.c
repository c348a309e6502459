// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypt_sock.c - the tcpcrypt data path (RFC 8548) for sockets whose
 * ENO negotiation enabled a tcpcrypt TEP: the key exchange (Init1/Init2)
 * and every application byte in encryption frames, driven by the C++ core
 * (tcpinc_core_tc_*) with the kernel crypto provider (crypto-glue/).
 *
 * Model (kTLS's software path, simplified):
 * - Send: sendmsg copies at most TCPINC_CRYPT_FRAME_DATA bytes from the user
 *   straight to their place in a staging frame buffer, seals them there in
 *   place, once, and queues the ciphertext to TCP with
 *   tcp_sendmsg_locked(); TCP retransmits those same bytes. Ciphertext that
 *   TCP could not take yet (non-blocking socket, signal) stays staged and is
 *   queued before anything else; it is never sealed again.
 * - Receive: the ciphertext is taken off TCP's receive queue with
 *   tcp_read_sock() and fed to the core straight from the skb's memory
 *   (copied only from shared or highmem fragments); the core opens one
 *   frame at a time, into its own buffer;
 *   the frame's plaintext is handed out by recvmsg before more is read
 *   (TCP's window pushes back on the peer meanwhile).
 * - Nobody may wait for the application during the key exchange: A's
 *   Init1 goes out from a work item scheduled when ENO enables, and B's
 *   Init2 answers from one scheduled when data arrives (sk_data_ready), so
 *   server-speaks-first protocols work. Nothing else is owed to the peer
 *   unasked, so no work item runs otherwise: once keyed, and for resumed
 *   sessions (no Init messages) from the start, the data path moves when
 *   the application looks - recvmsg, sendmsg, poll (which opens what
 *   arrived before it reports readiness), close. Each work item costs two
 *   context switches per connection, the largest cost of a resumed one.
 * - Until the keys exist, sends wait (EAGAIN when non-blocking) and the
 *   socket does not poll writable. EOF only on a FINp frame; an
 *   authentication failure or a FIN without FINp aborts the connection
 *   (RST) with an errno that is never 0 (Documentation/socket-api.md).
 *
 * Locking: everything in struct tcpinc_crypt is under the socket lock
 * (lock_sock), which every path here takes; the softirq callbacks only
 * schedule the work item.
 */
#include <linux/mm.h>
#include <linux/pipe_fs_i.h>
#include <linux/slab.h>
#include <linux/splice.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include <net/inet_common.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_cache.h"
#include "tcpinc/core_api.h"
#include "../../crypto-glue/tcpinc_crypto.h"

/* Application bytes per frame: big enough for kTLS-like throughput. */
#define TCPINC_CRYPT_FRAME_DATA	16384
/* One full frame, plus slack for an empty rekey frame staged behind it. */
#define TCPINC_CRYPT_SCRATCH	(TCPINC_CRYPT_FRAME_DATA + TCPINC_CORE_TC_FRAME_OVERHEAD + 64)
/*
 * Ciphertext copied off TCP's queue per core call where it cannot be read
 * in place (tcpinc_crypt_skb_piece: shared fragments, highmem, frag_list; rare).
 */
#define TCPINC_CRYPT_RX_CHUNK	4096
/* Where sendmsg copies the data: behind the frame header and flags byte. */
#define TCPINC_CRYPT_DATA_OFF	4

/* Errnos an aborted tcpcrypt connection reports (socket-api.md). */
#define TCPINC_ERR_AUTH		EBADMSG		/* a frame failed authentication */
#define TCPINC_ERR_FIN		EPIPE		/* TCP FIN without a FINp frame */
#define TCPINC_ERR_PROTO	EPROTO		/* bad Init, unoffered AEAD, bad key... */

struct tcpinc_crypt {
	/*
	 * sess, scratch and rx_chunk share one block from tcpinc_crypt_mem_get(). The
	 * session is wiped (to all zero) when the connection goes; the other
	 * two only hold ciphertext and Init messages once a call returns
	 * (sendmsg seals in place, and wipes what it could not seal).
	 */
	void *sess;			/* core session */
	u8 *scratch;			/* TCPINC_CRYPT_SCRATCH bytes: staged ciphertext */
	u8 *rx_chunk;			/* TCPINC_CRYPT_RX_CHUNK bytes */
	size_t tx_off, tx_len;		/* staged ciphertext not yet queued */
	const u8 *rx_data;		/* plaintext of the open frame (in sess) */
	size_t rx_off, rx_len;
	bool started;			/* session_start done */
	bool established;		/* keys exist in both directions */
	bool eof;			/* FINp received */
	bool fin_sent;			/* FINp frame staged/queued */
	bool internal_tx;		/* inside tcpinc_crypt_flush: poll must not block us */
	bool tx_busy;			/* a tcpinc_crypt_flush is running (maybe asleep) */
	bool resumed;			/* keyed from a cached secret, no Init1/Init2 */
	int vmgen;			/* tcpinc_vm_generation when created */
	bool ka_armed;			/* keep-alive looked at since established */
	/*
	 * Syscalls asleep in sendmsg/recvmsg waiting for this socket: each
	 * pumps (tcpinc_crypt_pump) as soon as it wakes, so the callbacks need not
	 * schedule the work item for them. Changed under the socket lock,
	 * read locklessly by the callbacks.
	 */
	int waiters;
	int err;			/* positive errno once aborted */
	u64 tx_since_rekey;		/* application bytes sealed since our last rekey */
	struct sock *sk;		/* for the timer */
	/*
	 * Keep-alive by rekey (SO_KEEPALIVE): armed with sk_reset_timer(),
	 * so it holds a socket reference while pending; the callback only
	 * sets TCPINC_CRYPT_KA_DUE and schedules the work item, which sends.
	 */
	struct timer_list ka_timer;
	unsigned long ka_flags;		/* TCPINC_CRYPT_KA_DUE; atomic bitops */
};

#define TCPINC_CRYPT_KA_DUE	0

struct tcpinc_crypt_work {
	struct work_struct work;
	struct sock *sk;		/* holds a reference */
};

static int tcpinc_crypt_status_errno(int st)
{
	switch (st) {
	case TCPINC_CORE_TC_AUTH_FAILURE:
		return TCPINC_ERR_AUTH;
	case TCPINC_CORE_TC_FIN_WITHOUT_FINP:
		return TCPINC_ERR_FIN;
	default:
		return TCPINC_ERR_PROTO;
	}
}

/*
 * RFC 793 ABORT from under the socket lock: the application sees err at
 * once; tcp_abort() (RST, state CLOSE) runs from the workqueue right after,
 * since it takes the socket lock itself.
 */
static void tcpinc_crypt_abort_locked(struct sock *sk, struct tcpinc_crypt *cr, int err, const char *why)
{
	sock_owned_by_me(sk);
	if (cr->err)
		return;
	cr->err = err;
	TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_TC_ABORT);
	net_info_ratelimited("tcpinc: tcpcrypt connection aborted (errno %d): %s\n", err, why);
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
	tcpinc_abort_async(sk, err);
}

static bool tcpinc_crypt_active(const struct tcpinc_sock *ctx)
{
	return ctx && ctx->crypt;
}

/*
 * Whether this session may still seal and open: false (and aborted) once
 * this VM was restored or cloned, as the notifier's generation or, before
 * the notifier ran, the generation ID itself says. Every path that seals
 * asks first (tcpinc_crypt_pump, the FINp and rekey frames). Socket lock held.
 */
static bool tcpinc_crypt_vm_ok(struct sock *sk, struct tcpinc_crypt *cr)
{
	if (likely(cr->vmgen == atomic_read(&tcpinc_vm_generation) && !tcpinc_vm_copied()))
		return true;
	/*
	 * Another copy may send under the same keys and offsets. Seal
	 * nothing more (the notifier also aborts us, from its own context).
	 */
	if (READ_ONCE(tcpinc_pernet(sock_net(sk))->vmfork_abort)) {
		struct tcpinc_sock *ctx = tcpinc_ctx(sk);

		/* Ahead of the notifier, which would not find us any more. */
		if (ctx && !test_and_set_bit(TCPINC_CRYPT_VMFORK_COUNTED, &ctx->crypt_flags))
			TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_VMFORK_ABORTS);
		tcpinc_crypt_abort_locked(sk, cr, TCPINC_ERR_VMFORK,
				"VM generation changed (snapshot restore or clone)");
		return false;
	}
	cr->vmgen = atomic_read(&tcpinc_vm_generation);
	return true;
}

/*
 * The caller's send flags that mean something for our own ciphertext. The
 * rest must not reach TCP: MSG_ZEROCOPY would make TCP pin cr->scratch
 * (reused for the next frame) or, on a kvec, fail with EFAULT after
 * sendmsg already counted the frame as sent; MSG_OOB, MSG_FASTOPEN and
 * MSG_SENDPAGE_* describe the caller's data, not ours.
 */
#define TCPINC_CRYPT_TX_FLAGS	(MSG_DONTWAIT | MSG_MORE | MSG_EOR | MSG_NOSIGNAL)

/* Queues staged ciphertext to TCP; false while some of it is still staged. */
static bool tcpinc_crypt_flush(struct sock *sk, struct tcpinc_crypt *cr, int flags)
{
	struct msghdr msg = { .msg_flags = (flags & TCPINC_CRYPT_TX_FLAGS) | MSG_NOSIGNAL };
	struct kvec iov;
	bool done = true;
	int n;

	/*
	 * tcp_sendmsg_locked() may sleep for memory and drop the socket lock
	 * meanwhile; whoever else gets the lock then (the work item, a
	 * receiver, a second sender) must neither send the staged bytes again
	 * nor seal over them.
	 */
	if (cr->tx_busy)
		return !cr->tx_len;
	cr->tx_busy = true;
	while (cr->tx_len) {
		iov.iov_base = cr->scratch + cr->tx_off;
		iov.iov_len = cr->tx_len;
		iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &iov, 1, cr->tx_len);
		/* Our own bytes may go out before the keys exist (Init1). */
		WRITE_ONCE(cr->internal_tx, true);
		n = tcp_sendmsg_locked(sk, &msg, cr->tx_len);
		WRITE_ONCE(cr->internal_tx, false);
		if (n <= 0) {
			done = false;
			break;
		}
		cr->tx_off += n;
		cr->tx_len -= n;
	}
	if (done)
		cr->tx_off = 0;
	cr->tx_busy = false;
	return done;
}

/* Stages what the core owes the peer (Init1/Init2, rekey answers). */
static int tcpinc_crypt_poll_output(struct sock *sk, struct tcpinc_crypt *cr)
{
	size_t len = 0;
	int st;

	if (cr->tx_len || cr->tx_busy)
		return 0;	/* ordered behind staged ciphertext */
	st = tcpinc_core_tc_poll_output(cr->sess, cr->scratch, TCPINC_CRYPT_SCRATCH, &len);
	if (st != TCPINC_CORE_TC_OK)
		return st;
	cr->tx_off = 0;
	cr->tx_len = len;
	return TCPINC_CORE_TC_OK;
}

/*
 * Resumption (RFC 8548 3.5): if the negotiated TEP byte has the v bit, B
 * accepted a resumption suboption and the session is keyed from the ss[i]
 * this connection burnt (ctx->resume), with the peer's nonce from its
 * suboption. A's answer was already checked by ENO (an answer naming
 * another secret makes the TEP invalid); it is checked again here, in
 * constant time, by the core. Without the v bit a proposal was refused:
 * the attempt is wiped and the key exchange is fresh.
 */
static int tcpinc_crypt_resume_config(struct sock *sk, struct tcpinc_sock *ctx,
			    const struct tcpinc_core_eno_result *res,
			    struct tcpinc_core_tc_resume_attempt *attempt,
			    struct tcpinc_core_tc_config *cfg)
{
	u8 sub[1 + sizeof(res->peer_data)];
	const tcpinc_u8 *nonce = NULL;
	tcpinc_usize nonce_len = 0;
	u8 state;
	int st;

	spin_lock_bh(&ctx->lock);
	state = ctx->resume_state;
	memcpy(attempt, &ctx->resume, sizeof(*attempt));
	tcpinc_core_tc_resume_wipe_attempt(&ctx->resume);
	ctx->resume_state = state == TCPINC_RESUME_NONE ? state : TCPINC_RESUME_USED;
	ctx->resume_tep = res->tep_byte & 0x7f;
	spin_unlock_bh(&ctx->lock);

	if (state == TCPINC_RESUME_WIPED) {
		/* Our SYN-ACK accepted it; the peer keys from it; we cannot. */
		net_info_ratelimited("tcpinc: the resumption secret this connection's SYN-ACK accepted was wiped (device, address, suspend, VM generation or resume_cache_flush) before accept(): aborting\n");
		return TCPINC_CORE_TC_BAD_ARGUMENT;
	}
	/*
	 * A half and 0..8 nonce bytes (a 0-byte nonce is the peer's choice).
	 * B's v = 1 answer with fewer than 9 or more than 17 bytes is, to
	 * ENO, the TEP offered with v = 0 (RFC 8548 3.5; rfc-digest Part
	 * E.10): ENO enabled it as a fresh offer, so the session is a fresh
	 * key exchange here too. Both ends of that check are the core's
	 * tcpinc_core_tc_resume_data_valid().
	 */
	if (!(res->tep_byte & 0x80) ||
	    (state == TCPINC_RESUME_PROPOSED &&
	     !tcpinc_core_tc_resume_data_valid(res->peer_data_len))) {
		if (state == TCPINC_RESUME_PROPOSED)
			TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_RESUME_REFUSED);
		return TCPINC_CORE_TC_OK;
	}
	/* B accepted only a valid proposal: anything else is our bug. */
	if (!tcpinc_core_tc_resume_data_valid(res->peer_data_len))
		return TCPINC_CORE_TC_BAD_ARGUMENT;
	if (state == TCPINC_RESUME_PROPOSED) {
		sub[0] = res->peer_tep_byte;
		memcpy(sub + 1, res->peer_data, res->peer_data_len);
		st = tcpinc_core_tc_resume_check_answer(attempt, sub, 1 + res->peer_data_len,
							&nonce, &nonce_len);
		if (st != TCPINC_CORE_TC_OK)
			return st;
		/* nonce points into sub, a local: point at the same bytes in res. */
		nonce = res->peer_data + (nonce - (sub + 1));
	} else if (state == TCPINC_RESUME_ACCEPTED) {
		nonce = res->peer_data + TCPINC_CORE_TC_RESUME_HALF_LEN;
		nonce_len = res->peer_data_len - TCPINC_CORE_TC_RESUME_HALF_LEN;
	} else {
		/* v = 1 without an attempt of ours: simultaneous open (not resumed). */
		return TCPINC_CORE_TC_BAD_ARGUMENT;
	}
	cfg->resume = attempt;
	cfg->peer_resume_nonce = nonce;
	cfg->peer_resume_nonce_len = nonce_len;
	return TCPINC_CORE_TC_OK;
}

static int tcpinc_crypt_start(struct sock *sk, struct tcpinc_sock *ctx, struct tcpinc_crypt *cr)
{
	const struct tcpinc_net *tn = tcpinc_pernet(sock_net(sk));
	struct tcpinc_core_tc_resume_attempt attempt = {};
	u8 eph_priv[TCPINC_CORE_KEX_PRIV_LEN], eph_pub[TCPINC_CORE_KEX_PUB_MAX_LEN];
	struct tcpinc_core_eno_result res;
	struct tcpinc_core_tc_config cfg = {};
	u16 aeads[8];
	size_t naeads;
	int st;

	/* The socket's list (TCP_CRYPT_AEADS) or the netns's, best first. */
	spin_lock_bh(&ctx->lock);
	if (ctx->cfg.aead_count) {
		naeads = ctx->cfg.aead_count;
		memcpy(aeads, ctx->cfg.aeads, naeads * sizeof(aeads[0]));
	} else {
		naeads = READ_ONCE(tn->tcpcrypt_aead_count);
		memcpy(aeads, tn->tcpcrypt_aeads, naeads * sizeof(aeads[0]));
	}
	spin_unlock_bh(&ctx->lock);

	if (tcpinc_core_eno_get_result(ctx->eno, &res))
		return TCPINC_CORE_TC_BAD_ARGUMENT;
	cfg.role = res.role ? TCPINC_CORE_TC_ROLE_B : TCPINC_CORE_TC_ROLE_A;
	cfg.kex = res.tep_byte & 0x7f;	/* the core names groups by their TEP id */
	cfg.tep_byte = res.tep_byte;
	/* A fresh session's ss[1] goes to the cache unless told otherwise. */
	cfg.no_cache = ctx->cfg.no_cache || !READ_ONCE(tn->resume_enable) ||
		       READ_ONCE(tn->resume_cache_max) <= 0;
	cfg.transcript = res.transcript;
	cfg.transcript_len = res.transcript_len;
	cfg.aeads = aeads;
	cfg.naeads = naeads;
	st = tcpinc_crypt_resume_config(sk, ctx, &res, &attempt, &cfg);
	/* A fresh exchange takes the namespace's current key pair (tcpinc_eph.c). */
	if (st == TCPINC_CORE_TC_OK && !cfg.resume &&
	    !tcpinc_eph_get(sock_net(sk), cfg.kex, eph_priv, eph_pub)) {
		cfg.ephemeral_priv = eph_priv;
		cfg.ephemeral_pub = eph_pub;
	}
	if (st == TCPINC_CORE_TC_OK)
		st = tcpinc_core_tc_session_start(cr->sess, tcpinc_crypto_ops(), &cfg);
	tcpinc_core_tc_resume_wipe_attempt(&attempt);
	memzero_explicit(eph_priv, sizeof(eph_priv));
	memzero_explicit(&res, sizeof(res));
	if (st != TCPINC_CORE_TC_OK)
		return st;
	cr->started = true;
	if (cfg.resume) {
		/* No Init messages: the keys exist now (RFC 8548 3.5). */
		cr->resumed = true;
		cr->established = true;
		TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_RESUMED);
	}
	return st;
}

static void tcpinc_crypt_ka_timer_fn(struct timer_list *t);
static void tcpinc_crypt_kick(struct sock *sk, struct tcpinc_sock *ctx);
static struct tcpinc_crypt *tcpinc_crypt_get_started(struct sock *sk, struct tcpinc_sock *ctx);

/*
 * Session memory is recycled. A block is the core session, then the
 * staging buffers: about 87 KiB, which the page allocator rounds to
 * 128 KiB. Allocating, zeroing and freeing it per connection was the
 * largest memory cost of a resumed connection's setup. A block comes back
 * with its session part all zero (the core's destroy wipes what the session
 * wrote; see tcpinc_crypt_free), so it is handed out again as it is, like
 * zeroed memory. At most TCPINC_CRYPT_POOL_MAX blocks (2 MiB) wait; the rest are
 * freed, and the module's exit frees the pool.
 */
#define TCPINC_CRYPT_POOL_MAX	16
static DEFINE_SPINLOCK(tcpinc_crypt_pool_lock);
static void *tcpinc_crypt_pool[TCPINC_CRYPT_POOL_MAX];	/* under tcpinc_crypt_pool_lock */
static unsigned int tcpinc_crypt_pool_n;		/* under tcpinc_crypt_pool_lock */

static size_t tcpinc_crypt_sess_size(void)
{
	return ALIGN(tcpinc_core_tc_session_size(), SMP_CACHE_BYTES);
}

static size_t tcpinc_crypt_mem_size(void)
{
	return tcpinc_crypt_sess_size() + TCPINC_CRYPT_SCRATCH + TCPINC_CRYPT_RX_CHUNK;
}

static void *tcpinc_crypt_mem_get(void)
{
	void *mem = NULL;

	spin_lock_bh(&tcpinc_crypt_pool_lock);
	if (tcpinc_crypt_pool_n)
		mem = tcpinc_crypt_pool[--tcpinc_crypt_pool_n];
	spin_unlock_bh(&tcpinc_crypt_pool_lock);
	if (mem)
		return mem;
	/* Zero only the session: the buffers are written before they are read. */
	mem = kvmalloc(tcpinc_crypt_mem_size(), GFP_KERNEL);
	if (mem)
		memset(mem, 0, tcpinc_crypt_sess_size());
	return mem;
}

/* mem's session part is all zero. */
static void tcpinc_crypt_mem_put(void *mem)
{
	if (IS_ENABLED(CONFIG_DEBUG_VM) && WARN_ON_ONCE(memchr_inv(mem, 0, tcpinc_crypt_sess_size())))
		memzero_explicit(mem, tcpinc_crypt_sess_size());
	spin_lock_bh(&tcpinc_crypt_pool_lock);
	if (tcpinc_crypt_pool_n < TCPINC_CRYPT_POOL_MAX) {
		tcpinc_crypt_pool[tcpinc_crypt_pool_n++] = mem;
		mem = NULL;
	}
	spin_unlock_bh(&tcpinc_crypt_pool_lock);
	kvfree(mem);
}

/* Module exit: no session is left, so neither is a user of the pool. */
void tcpinc_crypt_pool_drain(void)
{
	while (tcpinc_crypt_pool_n)
		kvfree(tcpinc_crypt_pool[--tcpinc_crypt_pool_n]);
}

/* Creates the data path state; process context, socket lock held. */
static struct tcpinc_crypt *tcpinc_crypt_create(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt *cr = kzalloc(sizeof(*cr), GFP_KERNEL);

	if (!cr)
		return NULL;
	cr->sess = tcpinc_crypt_mem_get();
	if (!cr->sess) {
		kfree(cr);
		return NULL;
	}
	cr->scratch = (u8 *)cr->sess + tcpinc_crypt_sess_size();
	cr->rx_chunk = cr->scratch + TCPINC_CRYPT_SCRATCH;
	/*
	 * A resumption attempt's secret left the cache in generation
	 * ctx->resume_vmgen: tcpinc_crypt_pump refuses to key a session from it if
	 * this VM was restored or cloned since, however late the session is
	 * created.
	 */
	spin_lock_bh(&ctx->lock);
	if (ctx->resume_state == TCPINC_RESUME_PROPOSED || ctx->resume_state == TCPINC_RESUME_ACCEPTED)
		cr->vmgen = ctx->resume_vmgen;
	else
		cr->vmgen = atomic_read(&tcpinc_vm_generation);
	spin_unlock_bh(&ctx->lock);
	tcpinc_crypt_register(sock_net(sk), ctx);
	cr->sk = sk;
	timer_setup(&cr->ka_timer, tcpinc_crypt_ka_timer_fn, 0);
	return cr;
}

void tcpinc_crypt_free(struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt *cr = ctx->crypt;

	if (!cr)
		return;
	tcpinc_crypt_unregister(sock_net(ctx->sk), ctx);
	ctx->crypt = NULL;
	/*
	 * close stopped the keep-alive timer (tcpinc_crypt_close) and nothing
	 * re-arms it on a SOCK_DEAD socket, so it should not be pending. But
	 * ULP release means destroyed, not freed (other references exist),
	 * so if it ever were, drop the pending timer's socket reference
	 * rather than leak the socket; the caller holds another.
	 */
	sk_stop_timer_sync(ctx->sk, &cr->ka_timer);
	/* Every secret goes, and the session part is all zero again. */
	if (cr->started)
		tcpinc_core_tc_session_destroy(cr->sess);
	else
		memzero_explicit(cr->sess, tcpinc_core_tc_session_size());
	tcpinc_crypt_mem_put(cr->sess);
	kfree(cr);
}

/*
 * After a fresh key exchange: ss[1] of the new chain goes to the netns's
 * cache (unless this connection said do-not-cache, in which case the core
 * has nothing to export).
 */
static void tcpinc_crypt_cache_export(struct sock *sk, struct tcpinc_sock *ctx, struct tcpinc_crypt *cr)
{
	struct tcpinc_core_tc_resume_secret s;
	struct in6_addr peer;
	u64 chain;

	if (!ctx || tcpinc_core_tc_export_resumption(cr->sess, &s) != TCPINC_CORE_TC_OK)
		return;
	tcpinc_sk_peer(sk, &peer);
	chain = tcpinc_cache_insert(sock_net(sk), &peer, ctx->resume_tep, &s);	/* wipes s */
	spin_lock_bh(&ctx->lock);
	ctx->chain = chain;
	spin_unlock_bh(&ctx->lock);
}

struct tcpinc_crypt_rx_state {
	struct tcpinc_crypt *cr;
	struct sock *sk;
	int status;
};

/*
 * tcpinc_crypt_skb_piece - the contiguous bytes of skb from off on (at most len) that
 * the core may read in place, their count in *n; NULL if they must be
 * copied. The linear part and the skb's own page fragments qualify. Shared
 * fragments (sendfile/splice pages that a local sender may still change)
 * do not: the core authenticates, then decrypts, the same bytes, and they
 * must not change in between. Neither do highmem pages or a frag_list.
 */
static const u8 *tcpinc_crypt_skb_piece(const struct sk_buff *skb, unsigned int off, size_t len,
			      size_t *n)
{
	unsigned int start = skb_headlen(skb);
	int i;

	if (off < start) {
		*n = min_t(size_t, len, start - off);
		return skb->data + off;
	}
	if (skb_has_shared_frag(skb))
		return NULL;
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];
		unsigned int end = start + skb_frag_size(f);

		if (off < end) {
			struct page *pg = skb_frag_page(f);

			if (PageHighMem(pg))
				return NULL;
			*n = min_t(size_t, len, end - off);
			return (const u8 *)page_address(pg) + skb_frag_off(f) + (off - start);
		}
		start = end;
	}
	return NULL;
}

/*
 * tcp_read_sock() actor: feeds the skb's ciphertext to the core and
 * the core; stops (by consuming less) as soon as a frame with plaintext is
 * open, so that TCP keeps the rest and its window throttles the peer.
 */
static int tcpinc_crypt_rx_actor(read_descriptor_t *desc, struct sk_buff *skb,
		       unsigned int offset, size_t len)
{
	struct tcpinc_crypt_rx_state *rs = desc->arg.data;
	struct tcpinc_crypt *cr = rs->cr;
	size_t done = 0;

	/*
	 * tcp_read_sock() calls us again for the rest of an skb we did not
	 * consume (it only checks desc->count between skbs). After a failure
	 * the session is wiped and would answer ABORTED, which must not
	 * replace the first status: a bad frame followed by more bytes in the
	 * same skb (the peer's FINp frame, coalesced by TCP) was reported as
	 * malformed input (EPROTO) instead of an authentication failure.
	 */
	if (!desc->count || rs->status)
		return 0;
	while (done < len && !cr->rx_len && !cr->eof && !cr->err) {
		struct tcpinc_core_tc_event ev = {};
		size_t n = 0, used = 0;
		const u8 *in = tcpinc_crypt_skb_piece(skb, offset + done, len - done, &n);
		int st;

		if (!in) {
			n = min_t(size_t, len - done, TCPINC_CRYPT_RX_CHUNK);
			if (skb_copy_bits(skb, offset + done, cr->rx_chunk, n))
				break;
			in = cr->rx_chunk;
		}
		st = tcpinc_core_tc_receive(cr->sess, in, n, &used, &ev);
		done += used;
		if (st != TCPINC_CORE_TC_OK && st != TCPINC_CORE_TC_NEED_MORE) {
			rs->status = st;
			break;
		}
		if (ev.established) {
			cr->established = true;
			TCPINC_INC_STATS(sock_net(rs->sk), TCPINC_MIB_TC_HANDSHAKES);
			tcpinc_crypt_cache_export(rs->sk, tcpinc_ctx(rs->sk), cr);
		}
		if (ev.rekeyed)
			TCPINC_INC_STATS(sock_net(rs->sk), TCPINC_MIB_TC_REKEYS);
		if (ev.frame && ev.data_len) {
			cr->rx_data = ev.data;
			cr->rx_off = 0;
			cr->rx_len = ev.data_len;
		}
		if (ev.eof)
			cr->eof = true;
		if (st == TCPINC_CORE_TC_NEED_MORE && used == n)
			continue;
		if (!used && st == TCPINC_CORE_TC_OK && !ev.frame && !ev.established)
			break;	/* no progress: never spin */
	}
	desc->count = (cr->rx_len || cr->eof || cr->err || rs->status) ? 0 : 1;
	return done;
}

/*
 * Stages and queues an empty frame that starts a rekey (RFC 8548 3.8);
 * TCP_CRYPT_REKEY and keep-alives. Socket lock held.
 */
static int tcpinc_crypt_send_rekey(struct sock *sk, struct tcpinc_crypt *cr)
{
	size_t end, len = 0;
	int st;

	if (!cr->established)
		return -ENOTCONN;
	if (cr->err || !tcpinc_crypt_vm_ok(sk, cr))
		return -cr->err;
	if (cr->fin_sent)
		return -EPIPE;
	/*
	 * Ciphertext TCP could not take yet (a non-blocking sender left it
	 * staged, or a flusher is asleep in tcp_sendmsg_locked()) goes first;
	 * the rekey frame is sealed right behind it, in the scratch buffer's
	 * slack, and the flusher sends both in order. tcpinc_crypt_flush() re-reads
	 * tx_len, so a sleeping flusher picks the frame up too.
	 */
	tcpinc_crypt_flush(sk, cr, MSG_DONTWAIT);
	end = cr->tx_len ? cr->tx_off + cr->tx_len : 0;
	if (end + TCPINC_CORE_TC_FRAME_OVERHEAD > TCPINC_CRYPT_SCRATCH)
		return -EAGAIN;	/* no room behind the staged bytes (not seen in practice) */
	st = tcpinc_core_tc_keepalive(cr->sess, cr->scratch + end, TCPINC_CRYPT_SCRATCH - end, &len);
	if (st == TCPINC_CORE_TC_REKEY_PENDING)
		return -EBUSY;
	if (st != TCPINC_CORE_TC_OK)
		return -EPROTO;
	if (!end)
		cr->tx_off = 0;
	cr->tx_len += len;
	cr->tx_since_rekey = 0;
	tcpinc_crypt_flush(sk, cr, MSG_DONTWAIT);
	TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_TC_REKEYS_SENT);
	return 0;
}

/*
 * Automatic rekey: after tcpcrypt_rekey_bytes (or TCP_CRYPT_REKEY_BYTES)
 * application bytes under one key, the next data frame carries the rekey
 * bit. While the peer has not answered our last rekey the core refuses
 * (no rekey storms); we try again at the next frame. Socket lock held.
 */
static void tcpinc_crypt_rekey_if_due(struct sock *sk, struct tcpinc_sock *ctx, struct tcpinc_crypt *cr)
{
	u64 limit = ctx->cfg.rekey_bytes_set ? ctx->cfg.rekey_bytes :
		    READ_ONCE(tcpinc_pernet(sock_net(sk))->tcpcrypt_rekey_bytes);

	if (!limit || cr->tx_since_rekey < limit)
		return;
	if (tcpinc_core_tc_initiate_rekey(cr->sess) != TCPINC_CORE_TC_OK)
		return;
	cr->tx_since_rekey = 0;
	TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_TC_REKEYS_SENT);
	TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_TC_REKEYS_AUTO);
}

/* --- keep-alive by rekey ---------------------------------------------------- */

/*
 * RFC 8548 section 3.8: TCP keep-alives cannot be authenticated, so a
 * tcpcrypt host SHOULD probe liveness with a rekey, which the peer must
 * answer with a frame of its own. With SO_KEEPALIVE on an encrypted
 * connection, after TCP's keep-alive time (TCP_KEEPIDLE or
 * net.ipv4.tcp_keepalive_time) without anything received, an empty rekey
 * frame goes out. It is data, so a dead peer is found by TCP's
 * retransmission timeout (tcp_retries2, TCP_USER_TIMEOUT); TCP's own
 * probes still run while nothing is in flight.
 */
static void tcpinc_crypt_ka_arm(struct sock *sk, struct tcpinc_crypt *cr, unsigned long delay)
{
	sk_reset_timer(sk, &cr->ka_timer, jiffies + max_t(unsigned long, delay, 1));
}

static void tcpinc_crypt_ka_timer_fn(struct timer_list *t)
{
	struct tcpinc_crypt *cr = from_timer(cr, t, ka_timer);
	struct sock *sk = cr->sk;
	struct tcpinc_sock *ctx;

	set_bit(TCPINC_CRYPT_KA_DUE, &cr->ka_flags);
	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx)
		tcpinc_crypt_kick(sk, ctx);
	rcu_read_unlock();
	sock_put(sk);	/* the pending timer's reference */
}

/* The timer fired: probe if idle long enough, then re-arm. Socket lock held. */
static void tcpinc_crypt_ka_due(struct sock *sk, struct tcpinc_crypt *cr)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 when = keepalive_time_when(tp), idle;

	if (!sock_flag(sk, SOCK_KEEPOPEN) || sock_flag(sk, SOCK_DEAD) || cr->fin_sent ||
	    cr->err || !((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)))
		return;	/* not re-armed: SO_KEEPALIVE on re-arms */
	/*
	 * Idle since the last data segment, not the last ACK: an ACK, like
	 * TCP's own keep-alive answer, proves nothing about the peer.
	 */
	idle = tcp_jiffies32 - READ_ONCE(inet_csk(sk)->icsk_ack.lrcvtime);
	if (idle < when) {
		tcpinc_crypt_ka_arm(sk, cr, when - idle);
		return;
	}
	/*
	 * EBUSY: our last rekey is still unanswered, i.e. TCP is delivering
	 * (or retransmitting) it; nothing to add until it is answered.
	 */
	if (!tcpinc_crypt_send_rekey(sk, cr))
		TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_TC_KEEPALIVES);
	tcpinc_crypt_ka_arm(sk, cr, when);
}

/*
 * tcpinc_crypt_keepalive_update - SO_KEEPALIVE or TCP_KEEPIDLE changed (socket
 * lock held): (re)start or stop the keep-alive timer of an established
 * session. Sessions not established yet look at SO_KEEPALIVE when they are.
 */
void tcpinc_crypt_keepalive_update(struct sock *sk, bool on)
{
	struct tcpinc_sock *ctx = tcpinc_ctx(sk);
	struct tcpinc_crypt *cr;

	sock_owned_by_me(sk);
	/* A resumed session nobody used yet: arm on the session, now. */
	cr = ctx ? (on ? tcpinc_crypt_get_started(sk, ctx) : ctx->crypt) : NULL;
	if (!cr || !cr->ka_armed)
		return;
	if (on && !cr->fin_sent && !cr->err)
		tcpinc_crypt_ka_arm(sk, cr, keepalive_time_when(tcp_sk(sk)));
	else
		sk_stop_timer(sk, &cr->ka_timer);
}

/*
 * Moves the connection forward as far as it can without the application:
 * start the session, queue what is staged and what the core owes, read and
 * open ciphertext until a frame's plaintext waits for recvmsg. Socket lock
 * held. Returns false if the connection was aborted.
 */
/*
 * A segment with URG set makes TCP mark an urgent byte (urg_data, urg_seq),
 * and tcp_read_sock() stops at that mark until tcp_recvmsg() reads past it,
 * which never happens here: the stream would stall for good. tcpcrypt has
 * no urgent data of its own in TCP's header (we refuse MSG_OOB, and the
 * header is not authenticated: anyone on the path can set URG), so the
 * mark is forgotten and the byte read in line with the ciphertext around
 * it, as it was sent. Socket lock held, so no segment changes it meanwhile.
 */
static void tcpinc_crypt_drop_urgent(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	sock_owned_by_me(sk);
	if (likely(!READ_ONCE(tp->urg_data)))
		return;
	WRITE_ONCE(tp->urg_data, 0);
	tcp_fast_path_check(sk);
}

static bool tcpinc_crypt_pump(struct sock *sk, struct tcpinc_sock *ctx, int flags)
{
	struct tcpinc_crypt *cr = ctx->crypt;
	struct tcpinc_crypt_rx_state rs = { .cr = cr, .sk = sk };
	read_descriptor_t desc;
	int st;

	sock_owned_by_me(sk);
	if (cr->err)
		return false;
	if (!tcpinc_crypt_vm_ok(sk, cr))
		return false;
	if (!cr->started) {
		st = tcpinc_crypt_start(sk, ctx, cr);
		if (st != TCPINC_CORE_TC_OK) {
			tcpinc_crypt_abort_locked(sk, cr, TCPINC_ERR_PROTO, "cannot start the key exchange");
			return false;
		}
	}
	for (;;) {
		if (!tcpinc_crypt_flush(sk, cr, flags | MSG_DONTWAIT))
			break;
		st = tcpinc_crypt_poll_output(sk, cr);
		if (st >= TCPINC_CORE_TC_FIRST_ABORT) {
			tcpinc_crypt_abort_locked(sk, cr, tcpinc_crypt_status_errno(st), "key exchange failed");
			return false;
		}
		if (!cr->tx_len)
			break;
	}
	if (!cr->rx_len && !cr->eof && sk->sk_state != TCP_LISTEN) {
		tcpinc_crypt_drop_urgent(sk);
		desc.arg.data = &rs;
		desc.count = 1;
		tcp_read_sock(sk, &desc, tcpinc_crypt_rx_actor);
		if (rs.status) {
			tcpinc_crypt_abort_locked(sk, cr, tcpinc_crypt_status_errno(rs.status),
					rs.status == TCPINC_CORE_TC_AUTH_FAILURE ?
					"a frame failed authentication" : "malformed tcpcrypt input");
			if (rs.status == TCPINC_CORE_TC_AUTH_FAILURE)
				TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_TC_AUTH_FAIL);
			return false;
		}
		/* Receiving may owe the peer an answer (Init2, rekey). */
		if (!tcpinc_crypt_poll_output(sk, cr))
			tcpinc_crypt_flush(sk, cr, flags | MSG_DONTWAIT);
	}
	if (cr->established && !cr->ka_armed) {
		cr->ka_armed = true;
		if (sock_flag(sk, SOCK_KEEPOPEN) && !sock_flag(sk, SOCK_DEAD))
			tcpinc_crypt_ka_arm(sk, cr, keepalive_time_when(tcp_sk(sk)));
	}
	if (test_and_clear_bit(TCPINC_CRYPT_KA_DUE, &cr->ka_flags))
		tcpinc_crypt_ka_due(sk, cr);
	/*
	 * The peer's FIN (SOCK_DONE; not our own SHUT_RD, not a reset, which
	 * sets sk_err) with the stream exhausted and no FINp: truncation.
	 */
	if (!cr->eof && !cr->rx_len && sock_flag(sk, SOCK_DONE) && !READ_ONCE(sk->sk_err) &&
	    skb_queue_empty(&sk->sk_receive_queue)) {
		tcpinc_core_tc_on_peer_fin(cr->sess);
		tcpinc_crypt_abort_locked(sk, cr, TCPINC_ERR_FIN, "TCP FIN without a FINp frame");
		return false;
	}
	return true;
}

/*
 * The data path of an encrypted connection, created by whoever needs it
 * first (a resumed one has nothing to do until then). Socket lock held.
 * NULL if ENO did not enable tcpcrypt, the socket is orphaned, or there is
 * no memory (logged).
 */
static struct tcpinc_crypt *tcpinc_crypt_get(struct sock *sk, struct tcpinc_sock *ctx)
{
	sock_owned_by_me(sk);
	if (!ctx->crypt && READ_ONCE(ctx->phase) == TCPINC_ENO_ENABLED && !sock_flag(sk, SOCK_DEAD)) {
		ctx->crypt = tcpinc_crypt_create(sk, ctx);
		if (!ctx->crypt)
			net_warn_ratelimited("tcpinc: no memory for a tcpcrypt session\n");
	}
	return ctx->crypt;
}

/* tcpinc_crypt_get, and the session started (keyed, if resumed); for the getters. */
static struct tcpinc_crypt *tcpinc_crypt_get_started(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt *cr = tcpinc_crypt_get(sk, ctx);

	if (cr && !cr->started)
		tcpinc_crypt_pump(sk, ctx, 0);
	return cr;
}

/* --- work item: progress without the application ------------------------- */

static void tcpinc_crypt_work_fn(struct work_struct *work)
{
	struct tcpinc_crypt_work *w = container_of(work, struct tcpinc_crypt_work, work);
	struct sock *sk = w->sk;
	struct tcpinc_sock *ctx;
	/*
	 * The wake-ups run after release_sock() (a woken reader should not
	 * find the lock taken), when ctx may be gone: an orphaned socket can
	 * be destroyed by the softirq as soon as we release it, and the ULP
	 * release frees ctx. Our socket reference keeps sk, not ctx; so the
	 * callbacks are copied while the lock still pins ctx.
	 */
	void (*wake_read)(struct sock *sk) = NULL;
	void (*wake_write)(struct sock *sk) = NULL;

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		clear_bit(TCPINC_CRYPT_WORK_QUEUED, &ctx->crypt_flags);
		if (tcpinc_crypt_get(sk, ctx)) {
			bool was = ctx->crypt->established;

			tcpinc_crypt_pump(sk, ctx, 0);
			if (ctx->crypt->rx_len || ctx->crypt->eof || ctx->crypt->err)
				wake_read = ctx->saved_data_ready;
			if (ctx->crypt->established != was || ctx->crypt->err)
				wake_write = ctx->saved_write_space;
		}
	}
	release_sock(sk);
	if (wake_read)
		wake_read(sk);
	if (wake_write)
		wake_write(sk);
	sock_put(sk);
	kfree(w);
}

/* Schedules the work; any context. Duplicates are coalesced. */
static void tcpinc_crypt_kick(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt_work *w;

	if (test_and_set_bit(TCPINC_CRYPT_WORK_QUEUED, &ctx->crypt_flags))
		return;
	w = kzalloc(sizeof(*w), GFP_ATOMIC);
	if (!w) {
		clear_bit(TCPINC_CRYPT_WORK_QUEUED, &ctx->crypt_flags);
		return;	/* the next syscall or data_ready pumps instead */
	}
	INIT_WORK(&w->work, tcpinc_crypt_work_fn);
	sock_hold(sk);
	w->sk = sk;
	queue_work(tcpinc_wq, &w->work);
}

static void tcpinc_crypt_data_ready(struct sock *sk)
{
	struct tcpinc_sock *ctx;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		/*
		 * Only the key exchange needs a work item (B's Init2 to send,
		 * A's keys for a sender or keep-alive). A syscall asleep on
		 * the socket is woken below and pumps itself; once keyed,
		 * recvmsg and poll open what arrived when the application
		 * looks.
		 */
		if (cr ? !READ_ONCE(cr->waiters) && !READ_ONCE(cr->established) :
			 !READ_ONCE(ctx->crypt_lazy))
			tcpinc_crypt_kick(sk, ctx);
		ctx->saved_data_ready(sk);
	}
	rcu_read_unlock();
}

static void tcpinc_crypt_write_space(struct sock *sk)
{
	struct tcpinc_sock *ctx;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		/*
		 * Likewise, and a flusher at work (tx_busy) carries on itself;
		 * otherwise only staged ciphertext (a non-blocking send TCP
		 * could not take whole) or the key exchange needs us.
		 */
		if (cr ? !(READ_ONCE(cr->waiters) || READ_ONCE(cr->tx_busy)) &&
			 (READ_ONCE(cr->tx_len) || !READ_ONCE(cr->established)) :
			 !READ_ONCE(ctx->crypt_lazy))
			tcpinc_crypt_kick(sk, ctx);
		ctx->saved_write_space(sk);
	}
	rcu_read_unlock();
}

/*
 * tcpinc_crypt_enable - ENO enabled a tcpcrypt TEP on sk: take over its
 * callbacks; if we are A of a fresh key exchange, send Init1 from the work
 * item (or from tcpinc_crypt_connect()). B waits for Init1 (sk_data_ready
 * schedules the work), and a resumed session sends nothing unasked: its
 * first user creates it (tcpinc_crypt_get). Any context; ctx->lock may be held.
 */
void tcpinc_crypt_enable(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_core_eno_result res;
	bool work = true;

	if (!tcpinc_core_eno_get_result(ctx->eno, &res)) {
		bool resumed = res.tep_byte & 0x80;

		WRITE_ONCE(ctx->crypt_lazy, resumed);
		/*
		 * A's Init1 (unless connect() sends it), or keep-alive by
		 * rekey, which must run even if the application never
		 * touches the connection.
		 */
		work = (!res.role && !resumed && !READ_ONCE(ctx->connecting)) ||
		       sock_flag(sk, SOCK_KEEPOPEN);
	}
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_data_ready != tcpinc_crypt_data_ready) {
		ctx->saved_data_ready = sk->sk_data_ready;
		ctx->saved_write_space = sk->sk_write_space;
		sk->sk_data_ready = tcpinc_crypt_data_ready;
		sk->sk_write_space = tcpinc_crypt_write_space;
	}
	write_unlock_bh(&sk->sk_callback_lock);
	if (work)
		tcpinc_crypt_kick(sk, ctx);
}

/*
 * tcpinc_crypt_restore_callbacks - ULP release: give sk_data_ready and
 * sk_write_space back to their owners, so that the destroyed socket, which
 * may outlive the module, points at no code of ours. Only where they are
 * still ours (something stacked later keeps its own).
 */
void tcpinc_crypt_restore_callbacks(struct sock *sk, struct tcpinc_sock *ctx)
{
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_data_ready == tcpinc_crypt_data_ready)
		sk->sk_data_ready = ctx->saved_data_ready;
	if (sk->sk_write_space == tcpinc_crypt_write_space)
		sk->sk_write_space = ctx->saved_write_space;
	write_unlock_bh(&sk->sk_callback_lock);
}

/* --- proto ops ------------------------------------------------------------ */

/*
 * proto_ops.connect: A's Init1 goes out from the connecting process when
 * connect returns (or returns EINPROGRESS) rather than from a work item
 * (see tcpinc_crypt_enable): that work item cost a wakeup and two context
 * switches per connection. Whatever enabled ENO before the flag is
 * cleared is seen below, under the socket lock; anything later schedules
 * the work item as usual.
 */
int tcpinc_crypt_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	struct tcpinc_sock *ctx;
	int rc;

	bool fo_connect = false;

	/*
	 * TCP_FASTOPEN_CONNECT with a cookie cached would defer the SYN to the
	 * first send() and put that send's bytes, in the clear, in a SYN that
	 * carries a cookie and so no ENO (RFC 8547 4.7): connect as without
	 * it. The option is set aside for the call and given back after.
	 */
	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		WRITE_ONCE(ctx->connecting, 1);
		fo_connect = tcp_sk(sk)->fastopen_connect;
		tcp_sk(sk)->fastopen_connect = 0;
	}
	release_sock(sk);
	rc = inet_stream_connect(sock, uaddr, addr_len, flags);
	lock_sock(sk);
	if (fo_connect)
		tcp_sk(sk)->fastopen_connect = 1;
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		WRITE_ONCE(ctx->connecting, 0);
		if (READ_ONCE(ctx->phase) == TCPINC_ENO_ENABLED && !READ_ONCE(ctx->crypt_lazy)) {
			struct tcpinc_crypt *cr = tcpinc_crypt_get(sk, ctx);

			if (cr && !cr->started) {
				bool was = cr->established;

				tcpinc_crypt_pump(sk, ctx, 0);
				if (cr->established != was)
					ctx->saved_write_space(sk);
			}
		}
	}
	release_sock(sk);
	return rc;
}

/* Waits (bounded by the socket timeout) until cond, an error or a signal. */
#define tcpinc_crypt_wait(sk, timeo, cond)						\
	({									\
		DEFINE_WAIT_FUNC(__wait, woken_wake_function);			\
		int __rc;							\
		add_wait_queue(sk_sleep(sk), &__wait);				\
		__rc = sk_wait_event(sk, timeo, (cond), &__wait);		\
		remove_wait_queue(sk_sleep(sk), &__wait);			\
		__rc;								\
	})

int tcpinc_crypt_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct tcpinc_sock *ctx;
	struct tcpinc_crypt *cr;
	size_t sent = 0;
	long timeo;
	int err = 0;

	/*
	 * sendto(MSG_FASTOPEN) connects and queues the data in one call, in
	 * the clear, in a SYN that (with a cookie cached) carries no ENO: the
	 * connection would fall back and the bytes leave in the clear.
	 * tcpcrypt defines no SYN data (RFC 8547 4.7), so this is an ordinary
	 * connect() (no cookie, no SYN data) through our connect(), and the
	 * data follows below once the negotiation decided. Non-blocking, that
	 * is EINPROGRESS with nothing queued, as TCP answers when it could not
	 * use Fast Open.
	 */
	if ((msg->msg_flags & MSG_FASTOPEN) && sk->sk_state == TCP_CLOSE && sk->sk_socket) {
		int rc = sk->sk_socket->ops->connect(sk->sk_socket, msg->msg_name, msg->msg_namelen,
						     (msg->msg_flags & MSG_DONTWAIT) ? O_NONBLOCK : 0);

		if (rc < 0)
			return rc;
		msg->msg_flags &= ~MSG_FASTOPEN;
	}

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	/*
	 * A send() while our connect() is still in progress: TCP would wait
	 * for the handshake inside the base sendmsg and then queue the bytes
	 * unframed, whatever ENO decided meanwhile. Wait here instead (as TCP
	 * does: errors, EAGAIN, signals alike), so the phase read below is the
	 * handshake's outcome. A deferred connect (no SYN sent yet) cannot be
	 * ours: our connect() never defers.
	 */
	if (ctx && ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) &&
	    !tcp_passive_fastopen(sk) && !inet_sk(sk)->defer_connect) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err) {
			release_sock(sk);
			return err;
		}
		ctx = tcpinc_ctx(sk);
	}
	/*
	 * A's ENO enables when its first ACK leaves; if that ACK was delayed,
	 * no byte may go out in the clear meanwhile: wait for it.
	 */
	while (ctx && tcpinc_eno_will_encrypt(ctx) && READ_ONCE(ctx->phase) != TCPINC_ENO_ENABLED) {
		long t = min_t(long, timeo, HZ / 20);

		if (sk->sk_err || !((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))) {
			release_sock(sk);
			return sk->sk_err ? sock_error(sk) : -ENOTCONN;
		}
		if (!timeo) {
			release_sock(sk);
			return -EAGAIN;
		}
		if (signal_pending(current)) {
			release_sock(sk);
			return sock_intr_errno(timeo);
		}
		tcpinc_crypt_wait(sk, &t, READ_ONCE(ctx->phase) != TCPINC_ENO_NEGOTIATING);
		timeo = timeo == MAX_SCHEDULE_TIMEOUT ? timeo : max_t(long, 0, timeo - HZ / 20);
	}
	if (!ctx || (READ_ONCE(ctx->phase) != TCPINC_ENO_ENABLED)) {
		release_sock(sk);
		return tcpinc_sk_proto(sk)->sendmsg(sk, msg, size);
	}
	if (msg->msg_flags & MSG_OOB) {
		err = -EOPNOTSUPP;	/* urgent data: socket-api.md */
		goto out;
	}
	/*
	 * Zerocopy sends the caller's pages; ours are sealed copies in
	 * scratch. Refused like kTLS refuses it, so that no application
	 * waits for a completion that never comes (without SO_ZEROCOPY TCP
	 * ignores the flag, and so do we).
	 */
	if ((msg->msg_flags & MSG_ZEROCOPY) && sock_flag(sk, SOCK_ZEROCOPY)) {
		net_info_ratelimited("tcpinc: send(MSG_ZEROCOPY) on a tcpcrypt connection refused (EOPNOTSUPP): ciphertext is a copy\n");
		err = -EOPNOTSUPP;
		goto out;
	}
	cr = tcpinc_crypt_get(sk, ctx);
	if (!cr) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		if (!tcpinc_crypt_pump(sk, ctx, msg->msg_flags) || cr->err) {
			err = -cr->err;
			goto out;
		}
		if (cr->fin_sent || (sk->sk_shutdown & SEND_SHUTDOWN)) {
			err = -EPIPE;
			goto out;
		}
		if (cr->established && !cr->tx_len && !cr->tx_busy)
			break;
		if (!timeo) {
			err = -EAGAIN;
			goto out;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			goto out;
		}
		WRITE_ONCE(cr->waiters, cr->waiters + 1);	/* the loop pumps once woken */
		tcpinc_crypt_wait(sk, &timeo, cr->err || (cr->established && !cr->tx_len && !cr->tx_busy) ||
			!skb_queue_empty(&sk->sk_receive_queue) ||
			sk_stream_memory_free(sk));
		WRITE_ONCE(cr->waiters, cr->waiters - 1);
	}
	while (sent < size) {
		size_t n = min_t(size_t, size - sent, TCPINC_CRYPT_FRAME_DATA), len = 0;
		int st;

		tcpinc_crypt_rekey_if_due(sk, ctx, cr);
		/*
		 * In place: the data goes where the frame carries it (after
		 * header and flags byte) and is sealed there; the provider
		 * does not copy a segment that is already in place. Nothing
		 * is staged now (the loop only continues once flushed).
		 */
		if (copy_from_iter(cr->scratch + TCPINC_CRYPT_DATA_OFF, n, &msg->msg_iter) != n) {
			memzero_explicit(cr->scratch + TCPINC_CRYPT_DATA_OFF, n);
			err = -EFAULT;
			break;
		}
		st = tcpinc_core_tc_seal(cr->sess, cr->scratch + TCPINC_CRYPT_DATA_OFF, n, 0, 0,
					 cr->scratch, TCPINC_CRYPT_SCRATCH, &len);
		if (st != TCPINC_CORE_TC_OK) {
			memzero_explicit(cr->scratch, TCPINC_CRYPT_SCRATCH);
			tcpinc_crypt_abort_locked(sk, cr, TCPINC_ERR_PROTO, "cannot seal a frame");
			err = -cr->err;
			break;
		}
		cr->tx_off = 0;
		cr->tx_len = len;
		sent += n;
		cr->tx_since_rekey += n;
		TCPINC_ADD_STATS(sock_net(sk), TCPINC_MIB_TC_TX_BYTES, n);
		/* Blocking sockets wait here for TCP memory, like tcp_sendmsg. */
		if (!tcpinc_crypt_flush(sk, cr, msg->msg_flags))
			break;
		if (!tcpinc_crypt_poll_output(sk, cr) && !tcpinc_crypt_flush(sk, cr, msg->msg_flags))
			break;
	}
out:
	release_sock(sk);
	return sent ? sent : err;
}

int tcpinc_crypt_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		      int *addr_len)
{
	struct tcpinc_sock *ctx;
	struct tcpinc_crypt *cr;
	size_t copied = 0, target;
	long timeo;
	int err = 0;

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	if (!ctx || READ_ONCE(ctx->phase) != TCPINC_ENO_ENABLED) {
		release_sock(sk);
		return tcpinc_sk_proto(sk)->recvmsg(sk, msg, len, flags, addr_len);
	}
	if (flags & MSG_OOB) {
		err = -EINVAL;
		goto out;
	}
	cr = tcpinc_crypt_get(sk, ctx);
	if (!cr) {
		err = -ENOMEM;
		goto out;
	}
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	while (copied < len) {
		if (cr->rx_len) {
			size_t n = min(len - copied, cr->rx_len - cr->rx_off), c;

			/*
			 * A short copy (a fault, or no page for a pipe when
			 * splicing) still consumes what was copied: those
			 * bytes are gone to the caller and must not come again.
			 */
			c = copy_to_iter(cr->rx_data + cr->rx_off, n, &msg->msg_iter);
			copied += c;
			if (!(flags & MSG_PEEK)) {
				cr->rx_off += c;
				TCPINC_ADD_STATS(sock_net(sk), TCPINC_MIB_TC_RX_BYTES, c);
				if (cr->rx_off == cr->rx_len)
					cr->rx_len = cr->rx_off = 0;
			}
			if (c != n) {
				err = -EFAULT;
				break;
			}
			if (flags & MSG_PEEK)
				break;	/* peek at the open frame only */
			continue;
		}
		if (cr->eof)
			break;
		if (!tcpinc_crypt_pump(sk, ctx, 0)) {
			err = -cr->err;
			break;
		}
		if (cr->rx_len || cr->eof)
			continue;
		if (copied >= target)
			break;
		if (sk->sk_err) {		/* reset by the peer, timeout... */
			err = sock_error(sk);
			break;
		}
		if ((sk->sk_shutdown & RCV_SHUTDOWN) || sk->sk_state == TCP_CLOSE)
			break;			/* our own SHUT_RD: like TCP, 0 */
		if (!timeo) {
			err = -EAGAIN;
			break;
		}
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
		/* Wait for a new skb: the ones queued were all fed to the core. */
		WRITE_ONCE(cr->waiters, cr->waiters + 1);	/* the loop pumps once woken */
		sk_wait_data(sk, &timeo, skb_peek_tail(&sk->sk_receive_queue));
		WRITE_ONCE(cr->waiters, cr->waiters - 1);
	}
out:
	release_sock(sk);
	return copied ? copied : err;
}

/*
 * splice(2) from the socket (proto_ops.splice_read): tcp_splice_read() would
 * put the ciphertext skbs into the pipe. On an encrypted connection the
 * opened plaintext is copied into pipe pages instead, by recvmsg through a
 * pipe iterator: same blocking, EOF and errno rules as recv(). Otherwise
 * (plain TCP) TCP's zero-copy splice.
 */
ssize_t tcpinc_crypt_splice_read(struct socket *sock, loff_t *ppos, struct pipe_inode_info *pipe,
			      size_t len, unsigned int flags)
{
	struct sock *sk = sock->sk;
	struct tcpinc_sock *ctx;
	struct msghdr msg = {};
	int mflags = 0, addr_len = 0;
	bool encrypted;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	encrypted = ctx && READ_ONCE(ctx->phase) == TCPINC_ENO_ENABLED;
	rcu_read_unlock();
	if (!encrypted)
		return tcp_splice_read(sock, ppos, pipe, len, flags);
	if ((flags & SPLICE_F_NONBLOCK) || (sock->file && (sock->file->f_flags & O_NONBLOCK)))
		mflags |= MSG_DONTWAIT;
	iov_iter_pipe(&msg.msg_iter, ITER_DEST, pipe, len);
	return tcpinc_crypt_recvmsg(sk, &msg, len, mflags, &addr_len);
}

/*
 * tcpinc_crypt_raw_read_ok - whether in-kernel readers of TCP's queue
 * (proto_ops.read_sock/read_skb: strparser, NVMe/TCP, sockmap...) may have
 * it: only once the connection is known to be plain TCP (or before any
 * SYN). Anywhere else they would get ciphertext, so they get EOPNOTSUPP.
 */
bool tcpinc_crypt_raw_read_ok(struct sock *sk)
{
	struct tcpinc_sock *ctx;
	u8 phase = TCPINC_ENO_DISABLED;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx)
		phase = READ_ONCE(ctx->phase);
	rcu_read_unlock();
	if (phase == TCPINC_ENO_DISABLED || phase == TCPINC_ENO_UNSTARTED)
		return true;
	net_info_ratelimited("tcpinc: in-kernel read_sock/read_skb on a tcpcrypt connection refused (EOPNOTSUPP): it would get ciphertext\n");
	return false;
}

/* proto_ops.peek_len: the plaintext waiting in the open frame, not TCP's ciphertext count. */
int tcpinc_crypt_peek_len(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct tcpinc_sock *ctx;
	int n = -1;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx && READ_ONCE(ctx->phase) == TCPINC_ENO_ENABLED) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		n = cr ? READ_ONCE(cr->rx_len) - READ_ONCE(cr->rx_off) : 0;
	}
	rcu_read_unlock();
	return n >= 0 ? n : tcp_peek_len(sock);
}

/*
 * ioctl(SIOCINQ/FIONREAD) on an encrypted connection: the plaintext recv
 * returns now without blocking, that is what is left of the open frame,
 * after opening the next one if none is open (as poll does). TCP's own
 * count would include frame headers, tags and Init messages. A later
 * frame already queued is not counted, so recv may return more. 0 after
 * an abort (recv reports the error). -ENOIOCTLCMD: not encrypted, TCP's
 * answer stands.
 */
int tcpinc_crypt_inq(struct sock *sk, int *out)
{
	struct tcpinc_sock *ctx;
	struct tcpinc_crypt *cr;

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	if (!ctx || READ_ONCE(ctx->phase) != TCPINC_ENO_ENABLED) {
		release_sock(sk);
		return -ENOIOCTLCMD;
	}
	cr = tcpinc_crypt_get(sk, ctx);
	if (cr && !cr->err && !cr->rx_len && !cr->eof)
		tcpinc_crypt_pump(sk, ctx, 0);
	*out = cr && !cr->err ? cr->rx_len - cr->rx_off : 0;
	release_sock(sk);
	return 0;
}

/* Stages and queues the FINp frame; socket lock held. */
static void tcpinc_crypt_send_finp(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt *cr = ctx->crypt;
	size_t len = 0;
	u8 shutdown;
	int tries;

	sock_owned_by_me(sk);
	if (!cr || cr->fin_sent || cr->err || !cr->established || !tcpinc_crypt_vm_ok(sk, cr))
		return;
	/* A sender asleep in tcpinc_crypt_flush: let it finish (bounded, 5 s). */
	for (tries = 0; cr->tx_busy && tries < 50; tries++) {
		long t = HZ / 10;

		tcpinc_crypt_wait(sk, &t, !cr->tx_busy);
	}
	/* Staged ciphertext first: FINp must be on the last frame. */
	if (!tcpinc_crypt_flush(sk, cr, 0))
		return;
	if (tcpinc_core_tc_seal(cr->sess, NULL, 0, TCPINC_CORE_TC_SEAL_FIN, 0, cr->scratch,
				TCPINC_CRYPT_SCRATCH, &len) != TCPINC_CORE_TC_OK)
		return;
	cr->fin_sent = true;
	cr->tx_off = 0;
	cr->tx_len = len;
	/*
	 * inet_shutdown() sets SEND_SHUTDOWN before it calls us, and
	 * tcp_sendmsg_locked() refuses to queue after it: lift it for the
	 * FINp frame only (we hold the socket lock), so the frame goes out
	 * ahead of the FIN that tcp_shutdown() or tcp_close() sends next.
	 * Both callers always send that FIN (or a reset), so MSG_MORE may
	 * hold the frame back: tcp_send_fin() then sets FIN on its segment
	 * and pushes, one segment instead of two.
	 */
	shutdown = sk->sk_shutdown;
	WRITE_ONCE(sk->sk_shutdown, shutdown & ~SEND_SHUTDOWN);
	tcpinc_crypt_flush(sk, cr, MSG_MORE);
	WRITE_ONCE(sk->sk_shutdown, shutdown);
}

/*
 * The session that owes the FINp frame: a resumed one nobody used yet is
 * created for it, unless the connection cannot send any more anyway.
 */
static struct tcpinc_crypt *tcpinc_crypt_for_finp(struct sock *sk, struct tcpinc_sock *ctx)
{
	if (ctx->crypt || !((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)))
		return ctx->crypt;
	return tcpinc_crypt_get_started(sk, ctx);
}

/* inet_shutdown() calls this with the socket lock held. */
void tcpinc_crypt_shutdown(struct sock *sk, int how)
{
	struct tcpinc_sock *ctx;

	sock_owned_by_me(sk);
	if (how & SEND_SHUTDOWN) {
		ctx = tcpinc_ctx(sk);
		if (ctx && tcpinc_crypt_for_finp(sk, ctx))
			tcpinc_crypt_send_finp(sk, ctx);
	}
	tcpinc_sk_proto(sk)->shutdown(sk, how);
}

void tcpinc_crypt_close(struct sock *sk, long timeout)
{
	/* Read first: base->close destroys the socket and with it the context. */
	struct proto *base = tcpinc_sk_proto(sk);
	struct tcpinc_sock *ctx;

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	if (ctx && tcpinc_crypt_for_finp(sk, ctx)) {
		/* The FINp frame ends what we may send: no more keep-alives. */
		sk_stop_timer(sk, &ctx->crypt->ka_timer);
		tcpinc_crypt_send_finp(sk, ctx);
	}
	release_sock(sk);
	base->close(sk, timeout);
}

/*
 * proto_ops.poll. Once keyed, no work item opens what arrives (see
 * tcpinc_crypt_data_ready): poll does, before TCP reports readiness, and
 * creates a resumed session nobody used yet. So readable means recvmsg has
 * plaintext, EOF or an error (not a partial frame's ciphertext), and
 * writable means keyed. Process context; sleeps on the socket lock only
 * when there is something to do, like recvmsg.
 */
__poll_t tcpinc_crypt_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct tcpinc_sock *ctx;
	bool pump = false;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx && READ_ONCE(ctx->phase) == TCPINC_ENO_ENABLED) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		pump = !cr || (!READ_ONCE(cr->err) && !READ_ONCE(cr->rx_len) && !READ_ONCE(cr->eof) &&
			       (!skb_queue_empty_lockless(&sk->sk_receive_queue) ||
				sock_flag(sk, SOCK_DONE)));
	}
	rcu_read_unlock();
	if (pump) {
		lock_sock(sk);
		ctx = tcpinc_ctx(sk);
		if (ctx && tcpinc_crypt_get(sk, ctx))
			tcpinc_crypt_pump(sk, ctx, 0);
		release_sock(sk);
	}
	return tcp_poll(file, sock, wait);
}

/* Poll: readable when recvmsg has something to say, writable once keyed. */
bool tcpinc_crypt_is_readable(struct sock *sk)
{
	struct tcpinc_sock *ctx;
	bool r = false;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (tcpinc_crypt_active(ctx)) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		r = READ_ONCE(cr->rx_len) || READ_ONCE(cr->eof) || READ_ONCE(cr->err);
	}
	rcu_read_unlock();
	return r;
}

bool tcpinc_crypt_write_blocked(struct sock *sk)
{
	struct tcpinc_sock *ctx;
	bool blocked = false;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx && READ_ONCE(ctx->phase) == TCPINC_ENO_ENABLED) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		blocked = (!cr || !READ_ONCE(cr->established)) && !(cr && READ_ONCE(cr->internal_tx));
	}
	rcu_read_unlock();
	return blocked;
}

/*
 * tcpinc_crypt_prepare - for the getters below, which run under ctx->lock:
 * create and start a session nobody used yet first. Takes the socket lock.
 */
void tcpinc_crypt_prepare(struct sock *sk)
{
	struct tcpinc_sock *ctx;

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	if (ctx)
		tcpinc_crypt_get_started(sk, ctx);
	release_sock(sk);
}

/* Socket lock and ctx->lock held; tcpinc_crypt_prepare() first. */
int tcpinc_crypt_session_id(struct sock *sk, struct tcpinc_sock *ctx, u8 *out, size_t cap,
			 size_t *out_len)
{
	sock_owned_by_me(sk);
	if (!ctx->crypt || !ctx->crypt->established)
		return -ENOTCONN;
	if (tcpinc_core_tc_session_id(ctx->crypt->sess, out, cap, out_len) != TCPINC_CORE_TC_OK)
		return -ENOTCONN;
	return 0;
}

/* sendfile/splice into the socket: the pages are sealed like sendmsg data. */
int tcpinc_crypt_sendpage(struct sock *sk, struct page *page, int offset, size_t size, int flags)
{
	struct tcpinc_sock *ctx;
	struct msghdr msg = { .msg_flags = flags };
	struct bio_vec bv = { .bv_page = page, .bv_offset = offset, .bv_len = size };
	bool encrypt;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	encrypt = ctx && (READ_ONCE(ctx->phase) == TCPINC_ENO_ENABLED ||
			  tcpinc_eno_will_encrypt(ctx));
	rcu_read_unlock();
	if (!encrypt)
		return tcpinc_sk_proto(sk)->sendpage(sk, page, offset, size, flags);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bv, 1, size);
	return tcpinc_crypt_sendmsg(sk, &msg, size);
}

/*
 * tcpinc_crypt_rekey - TCP_CRYPT_REKEY: an empty frame opens our next key
 * generation (RFC 8548 3.8). Socket lock held.
 */
int tcpinc_crypt_rekey(struct sock *sk, struct tcpinc_sock *ctx)
{
	sock_owned_by_me(sk);
	if (!tcpinc_crypt_get_started(sk, ctx))
		return -ENOTCONN;
	return tcpinc_crypt_send_rekey(sk, ctx->crypt);
}

/*
 * tcpinc_crypt_aead - TCP_CRYPT_CONF: the AEAD in use. Socket lock and
 * ctx->lock held; tcpinc_crypt_prepare() first.
 */
int tcpinc_crypt_aead(struct sock *sk, struct tcpinc_sock *ctx)
{
	sock_owned_by_me(sk);
	if (!ctx->crypt || !ctx->crypt->established)
		return -ENOTCONN;
	return tcpinc_core_tc_aead(ctx->crypt->sess);
}

/*
 * TCP_CRYPT_CACHE_FLUSH on a connection (draft-ietf-tcpinc-api-06 4.2;
 * RFC 8548 3.5 MUST): forget every secret it used or produced - the
 * session's not yet exported ss[i+1] and the cached chain it came from or
 * went to. Socket lock held.
 */
void tcpinc_crypt_cache_flush(struct sock *sk, struct tcpinc_sock *ctx)
{
	u64 chain;

	sock_owned_by_me(sk);
	if (ctx->crypt && ctx->crypt->started)
		tcpinc_core_tc_flush_resumption(ctx->crypt->sess);
	spin_lock_bh(&ctx->lock);
	chain = ctx->chain;
	ctx->chain = 0;
	ctx->cfg.no_cache = 1;	/* nothing more from this connection */
	spin_unlock_bh(&ctx->lock);
	tcpinc_cache_flush_chain(sock_net(sk), chain);
}

/* TCP_CRYPT_RESUMED: 1 if keyed from a cached secret, 0 if by Init1/Init2. */
int tcpinc_crypt_resumed(struct sock *sk, struct tcpinc_sock *ctx)
{
	sock_owned_by_me(sk);
	if (!tcpinc_crypt_get_started(sk, ctx) || !ctx->crypt->established)
		return -ENOTCONN;
	return ctx->crypt->resumed;
}
