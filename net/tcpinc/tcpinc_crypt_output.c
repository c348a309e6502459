// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypt_output.c - what the tcpcrypt data path queues to TCP: staged
 * ciphertext, what the core owes the peer (Init1/Init2, rekey answers), the
 * FINp frame, rekey frames (TCP_CRYPT_REKEY, after a byte count) and
 * keep-alive by rekey. Calls only tcpinc_crypt_session.c. Socket lock held.
 */
#include <linux/mm.h>
#include <linux/uio.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_crypt.h"
#include "tcpinc_crypt_int.h"
#include "tcpinc/core_api.h"

/*
 * The caller's send flags that mean something for our own ciphertext. The
 * rest must not reach TCP: MSG_ZEROCOPY would make TCP pin cr->tx_buf
 * (reused or freed after the frame) or, on a kvec, fail with EFAULT after
 * sendmsg already counted the frame as sent; MSG_OOB, MSG_FASTOPEN and
 * MSG_SENDPAGE_* describe the caller's data, not ours.
 */
#define TCPINC_CRYPT_TX_FLAGS	(MSG_DONTWAIT | MSG_MORE | MSG_EOR | MSG_NOSIGNAL)

/* Where the next staged byte would go: behind what is staged, else at 0. */
static size_t tcpinc_crypt_tx_end(const struct tcpinc_crypt *cr)
{
	return cr->tx_len ? cr->tx_off + cr->tx_len : 0;
}

/*
 * tcpinc_crypt_tx_buf - the send buffer with room for size bytes behind
 * whatever is staged, taken when a frame is to be staged; NULL (logged by
 * the caller's errno) when there is no memory, or when the buffer is too
 * small while a flusher sleeps on it (tx_busy: it cannot move then; only
 * tcpinc_crypt_send_rekey() stages behind other bytes, and checks first).
 *
 * Sized to the frame, so that a small one (a request, an echo, the FINp
 * frame) comes from a kmalloc slab cache rather than as an order-2 block
 * from the page allocator: connections that send little pay for little.
 * The size is rounded up to what the allocator hands out anyway, and that
 * is the capacity recorded (tx_cap) and given to the core. A buffer big
 * enough is kept; otherwise the staged bytes (ciphertext) move to offset 0
 * of a new one.
 */
u8 *tcpinc_crypt_tx_buf(struct tcpinc_crypt *cr, size_t size)
{
	size_t end = tcpinc_crypt_tx_end(cr);
	size_t cap;
	u8 *buf;

	if (cr->tx_buf && size <= cr->tx_cap - end)
		return cr->tx_buf;
	if (cr->tx_busy)
		return NULL;
	cap = kmalloc_size_roundup(cr->tx_len + size);
	buf = kvmalloc(cap, GFP_KERNEL | __GFP_NOWARN);
	if (!buf)
		return NULL;
	if (cr->tx_len)
		memcpy(buf, cr->tx_buf + cr->tx_off, cr->tx_len);
	kvfree(cr->tx_buf);	/* ciphertext only (tcpinc_crypt_int.h) */
	cr->tx_buf = buf;
	cr->tx_cap = cap;
	cr->tx_off = 0;
	return buf;
}

/* The send buffer goes once nothing is staged in it and no flusher uses it. */
void tcpinc_crypt_tx_buf_put(struct tcpinc_crypt *cr)
{
	if (cr->tx_len || cr->tx_busy)
		return;
	cr->tx_off = 0;
	kvfree(cr->tx_buf);
	cr->tx_buf = NULL;
	cr->tx_cap = 0;
}

/*
 * Queues staged ciphertext to TCP; false while some of it is still staged.
 * Once TCP has it all, the send buffer goes (TCP copied the bytes), so a
 * connection between sends holds none.
 */
bool tcpinc_crypt_flush(struct sock *sk, struct tcpinc_crypt *cr, int flags)
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
	WRITE_ONCE(cr->tx_busy, true);
	while (cr->tx_len) {
		iov.iov_base = cr->tx_buf + cr->tx_off;
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
		WRITE_ONCE(cr->tx_len, cr->tx_len - n);
	}
	WRITE_ONCE(cr->tx_busy, false);
	tcpinc_crypt_tx_buf_put(cr);
	return done;
}

/* Stages what the core owes the peer (Init1/Init2, rekey answers). */
int tcpinc_crypt_poll_output(struct sock *sk, struct tcpinc_crypt *cr)
{
	size_t len = 0;
	int st;

	if (cr->tx_len || cr->tx_busy)
		return 0;	/* ordered behind staged ciphertext */
	if (!tcpinc_core_tc_output_pending(cr->sess))
		return TCPINC_CORE_TC_OK;
	/* How much is owed is not known here: a full buffer. */
	if (!tcpinc_crypt_tx_buf(cr, TCPINC_CRYPT_TX_BUF))
		return TCPINC_CORE_TC_NO_MEMORY;	/* the next pump tries again */
	st = tcpinc_core_tc_poll_output(cr->sess, cr->tx_buf, cr->tx_cap, &len);
	cr->tx_off = 0;
	WRITE_ONCE(cr->tx_len, st == TCPINC_CORE_TC_OK ? len : 0);
	tcpinc_crypt_tx_buf_put(cr);	/* if nothing was staged */
	return st;
}

/* Stages and queues the FINp frame; socket lock held. */
void tcpinc_crypt_send_finp(struct sock *sk, struct tcpinc_sock *ctx)
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
	if (!tcpinc_crypt_tx_buf(cr, TCPINC_CORE_TC_FRAME_OVERHEAD)) {
		net_warn_ratelimited("tcpinc: no memory for the FINp frame; the peer will see a FIN without it\n");
		return;
	}
	if (tcpinc_core_tc_seal(cr->sess, NULL, 0, TCPINC_CORE_TC_SEAL_FIN, 0, cr->tx_buf,
				cr->tx_cap, &len) != TCPINC_CORE_TC_OK) {
		tcpinc_crypt_tx_buf_put(cr);
		return;
	}
	cr->fin_sent = true;
	cr->tx_off = 0;
	WRITE_ONCE(cr->tx_len, len);
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

/* A rekey we started: the namespace's counter and the connection's. Socket lock held. */
static void tcpinc_crypt_count_rekey_sent(struct sock *sk)
{
	struct tcpinc_sock *ctx = tcpinc_ctx(sk);

	TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_TC_REKEYS_SENT);
	if (ctx)
		WRITE_ONCE(ctx->rekeys_sent, ctx->rekeys_sent + 1);
}

/*
 * Stages and queues an empty frame that starts a rekey (RFC 8548 3.8);
 * TCP_CRYPT_REKEY and keep-alives. Socket lock held.
 */
int tcpinc_crypt_send_rekey(struct sock *sk, struct tcpinc_crypt *cr)
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
	 * the rekey frame is sealed right behind it, in the send buffer's
	 * slack (TCPINC_CRYPT_TX_SLACK), and the flusher sends both in order.
	 * tcpinc_crypt_flush() re-reads tx_len, so a sleeping flusher picks
	 * the frame up too. Without slack (behind the core's own output), the
	 * staged bytes move to a bigger buffer, unless a flusher sleeps on
	 * them.
	 */
	tcpinc_crypt_flush(sk, cr, MSG_DONTWAIT);
	end = tcpinc_crypt_tx_end(cr);
	if (cr->tx_busy && end + TCPINC_CORE_TC_FRAME_OVERHEAD > cr->tx_cap)
		return -EAGAIN;	/* no room behind the staged bytes (not seen in practice) */
	if (!tcpinc_crypt_tx_buf(cr, TCPINC_CORE_TC_FRAME_OVERHEAD))
		return -ENOMEM;
	end = tcpinc_crypt_tx_end(cr);	/* the staged bytes may have moved */
	st = tcpinc_core_tc_keepalive(cr->sess, cr->tx_buf + end, cr->tx_cap - end, &len);
	if (st != TCPINC_CORE_TC_OK) {
		tcpinc_crypt_tx_buf_put(cr);
		return st == TCPINC_CORE_TC_REKEY_PENDING ? -EBUSY : -EPROTO;
	}
	if (!end)
		cr->tx_off = 0;
	WRITE_ONCE(cr->tx_len, cr->tx_len + len);
	cr->tx_since_rekey = 0;
	tcpinc_crypt_flush(sk, cr, MSG_DONTWAIT);
	tcpinc_crypt_count_rekey_sent(sk);
	return 0;
}

/*
 * Automatic rekey: after tcpcrypt_rekey_bytes (or TCP_CRYPT_REKEY_BYTES)
 * application bytes under one key, the next data frame carries the rekey
 * bit. While the peer has not answered our last rekey the core refuses
 * (no rekey storms); we try again at the next frame. Socket lock held.
 */
void tcpinc_crypt_rekey_if_due(struct sock *sk, struct tcpinc_sock *ctx, struct tcpinc_crypt *cr)
{
	u64 limit = ctx->cfg.rekey_bytes_set ? ctx->cfg.rekey_bytes :
		    READ_ONCE(tcpinc_pernet(sock_net(sk))->tcpcrypt_rekey_bytes);

	if (!limit || cr->tx_since_rekey < limit)
		return;
	if (tcpinc_core_tc_initiate_rekey(cr->sess) != TCPINC_CORE_TC_OK)
		return;
	cr->tx_since_rekey = 0;
	tcpinc_crypt_count_rekey_sent(sk);
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
void tcpinc_crypt_ka_arm(struct sock *sk, struct tcpinc_crypt *cr, unsigned long delay)
{
	sk_reset_timer(sk, &cr->ka_timer, jiffies + max_t(unsigned long, delay, 1));
}

/* The timer fired: probe if idle long enough, then re-arm. Socket lock held. */
void tcpinc_crypt_ka_due(struct sock *sk, struct tcpinc_crypt *cr)
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
