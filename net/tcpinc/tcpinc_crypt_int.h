/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_crypt_int.h - what the tcpinc_crypt_*.c files share among
 * themselves: the per-connection data path state and the helpers one of
 * them calls in another. Not for other glue files (tcpinc_crypt.h is).
 * Every function here runs under the socket lock (lock_sock).
 */
#ifndef TCPINC_CRYPT_INT_H
#define TCPINC_CRYPT_INT_H

#include <linux/timer.h>
#include <net/sock.h>

#include "tcpinc/core_api.h"

/*
 * The send buffer (cr->tx_buf) is taken for a frame and given back once TCP
 * has queued it all, sized to that frame (tcpinc_crypt_tx_buf): a small
 * frame comes from a kmalloc slab cache, a full one is 16 KiB, one order-2
 * block (vmalloc when the page allocator has none: TCP copies from it
 * either way). Every data frame's buffer keeps room for an empty rekey
 * frame staged behind it (TCPINC_CRYPT_TX_SLACK). A full frame carries
 * 16,300 application bytes (kTLS's records carry 16,384), so that it and
 * the slack fit in 16 KiB. The core's own
 * output (Init1/Init2, rekey answers) has no size known in advance and gets
 * TCPINC_CRYPT_TX_BUF.
 */
#define TCPINC_CRYPT_TX_BUF	16384
#define TCPINC_CRYPT_TX_SLACK	TCPINC_CORE_TC_FRAME_OVERHEAD
#define TCPINC_CRYPT_FRAME_DATA	(TCPINC_CRYPT_TX_BUF - TCPINC_CORE_TC_FRAME_OVERHEAD - 64)
/*
 * Ciphertext copied off TCP's queue, on the stack, per core call where it
 * cannot be read in place (tcpinc_crypt_skb_segs: shared fragments,
 * highmem, frag_list; rare). The core gathers such pieces into its frame.
 */
#define TCPINC_CRYPT_RX_CHUNK	256
/* Where sendmsg copies the data: behind the frame header and flags byte. */
#define TCPINC_CRYPT_DATA_OFF	4

/* Errnos an aborted tcpcrypt connection reports (socket-api.md). */
#define TCPINC_ERR_AUTH		EBADMSG		/* a frame failed authentication */
#define TCPINC_ERR_FIN		EPIPE		/* TCP FIN without a FINp frame */
#define TCPINC_ERR_PROTO	EPROTO		/* bad Init, unoffered AEAD, bad key... */

/*
 * struct tcpinc_crypt - a connection's tcpcrypt data path (ctx->crypt).
 * Lock: every field is written under the socket lock (lock_sock). The
 * socket callbacks (softirq) and poll read some without it, to decide
 * whether to schedule work or report readiness: tx_len, tx_busy,
 * internal_tx, established, eof, err, rx_len, rx_off, waiters. Those are
 * written with WRITE_ONCE and read there with READ_ONCE, so no store or
 * load is torn or repeated; such a read is a hint, acted on again under
 * the lock. Lifetime: tcpinc_crypt_get() to tcpinc_crypt_free().
 */
struct tcpinc_crypt {
	/*
	 * The core session lives in the same allocation, right after this
	 * struct; it is wiped (destroy) when the connection goes. It holds
	 * keys and state only: an idle connection holds no buffer. The frame
	 * being received is in a buffer the core takes from the provider
	 * (mem_alloc) and gives back once read (tcpinc_core_tc_rx_done); the
	 * frame being sent is in tx_buf.
	 */
	struct tcpinc_core_tc_session *sess;	/* core session */
	/*
	 * Ciphertext being queued to TCP (tx_cap bytes of buffer), or NULL:
	 * taken by tcpinc_crypt_tx_buf() for the frame being staged, freed by
	 * tcpinc_crypt_flush() once TCP has it all (tx_len 0, no flusher
	 * asleep on it: tx_busy). It only ever holds ciphertext and Init
	 * messages once a call returns (sendmsg seals in place, and wipes
	 * what it could not seal). Both under the socket lock; neither
	 * changes while tx_busy (a flusher asleep in tcp_sendmsg_locked()
	 * still points into the buffer).
	 */
	u8 *tx_buf;
	size_t tx_cap;
	size_t tx_off, tx_len;		/* staged ciphertext not yet queued */
	const u8 *rx_data;		/* plaintext of the open frame (the core's buffer) */
	size_t rx_off, rx_len;
	bool rx_nomem;			/* the core had no memory for a frame: recvmsg says ENOMEM */
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

struct tcpinc_sock;

/* tcpinc_crypt_session.c */
int tcpinc_crypt_status_errno(int st);
void tcpinc_crypt_abort_locked(struct sock *sk, struct tcpinc_crypt *cr, int err, const char *why);
bool tcpinc_crypt_vm_ok(struct sock *sk, struct tcpinc_crypt *cr);
int tcpinc_crypt_start(struct sock *sk, struct tcpinc_sock *ctx, struct tcpinc_crypt *cr);
void tcpinc_crypt_cache_export(struct sock *sk, struct tcpinc_sock *ctx, struct tcpinc_crypt *cr);
void tcpinc_crypt_summary_publish(struct tcpinc_sock *ctx, struct tcpinc_crypt *cr);

/* tcpinc_crypt_output.c */
u8 *tcpinc_crypt_tx_buf(struct tcpinc_crypt *cr, size_t size);
void tcpinc_crypt_tx_buf_put(struct tcpinc_crypt *cr);
bool tcpinc_crypt_flush(struct sock *sk, struct tcpinc_crypt *cr, int flags);
int tcpinc_crypt_poll_output(struct sock *sk, struct tcpinc_crypt *cr);
void tcpinc_crypt_send_finp(struct sock *sk, struct tcpinc_sock *ctx);
int tcpinc_crypt_send_rekey(struct sock *sk, struct tcpinc_crypt *cr);
void tcpinc_crypt_rekey_if_due(struct sock *sk, struct tcpinc_sock *ctx, struct tcpinc_crypt *cr);
void tcpinc_crypt_ka_arm(struct sock *sk, struct tcpinc_crypt *cr, unsigned long delay);
void tcpinc_crypt_ka_due(struct sock *sk, struct tcpinc_crypt *cr);

/* tcpinc_crypt_pump.c */
bool tcpinc_crypt_pump(struct sock *sk, struct tcpinc_sock *ctx, int flags);

/* tcpinc_crypt_sock.c */
struct tcpinc_crypt *tcpinc_crypt_get(struct sock *sk, struct tcpinc_sock *ctx);
struct tcpinc_crypt *tcpinc_crypt_get_started(struct sock *sk, struct tcpinc_sock *ctx);

#endif /* TCPINC_CRYPT_INT_H */
