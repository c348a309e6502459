// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypt_tx.c - the send side's entries of an encrypted socket:
 * sendmsg and sendpage (seal in place, once), shutdown and close (the FINp
 * frame), TCP_CRYPT_REKEY and SO_KEEPALIVE. A connection that is not
 * encrypted goes to the base protocol (ctx->sk_proto).
 */
#include <linux/uio.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_crypt.h"
#include "tcpinc_crypt_int.h"
#include "tcpinc/core_api.h"

/*
 * sendto(MSG_FASTOPEN) connects and queues the data in one call, in the
 * clear, in a SYN that (with a cookie cached) carries no ENO: the
 * connection would fall back and the bytes leave in the clear. tcpcrypt
 * defines no SYN data (RFC 8547 4.7), so this is an ordinary connect() (no
 * cookie, no SYN data) through our connect(), and the data follows once
 * the negotiation decided. Non-blocking, that is EINPROGRESS with nothing
 * queued, as TCP answers when it could not use Fast Open.
 */
static int tcpinc_crypt_fastopen_connect(struct sock *sk, struct msghdr *msg)
{
	int rc;

	if (!(msg->msg_flags & MSG_FASTOPEN) || sk->sk_state != TCP_CLOSE || !sk->sk_socket)
		return 0;
	rc = sk->sk_socket->ops->connect(sk->sk_socket, msg->msg_name, msg->msg_namelen,
					 (msg->msg_flags & MSG_DONTWAIT) ? O_NONBLOCK : 0);
	if (rc < 0)
		return rc;
	msg->msg_flags &= ~MSG_FASTOPEN;
	return 0;
}

/*
 * Waits until the handshake decided whether this connection is encrypted,
 * so that no byte goes out unframed meanwhile. Socket lock held; *ctxp is
 * read again after a wait.
 */
static int tcpinc_crypt_wait_decided(struct sock *sk, struct tcpinc_sock **ctxp, long *timeo)
{
	struct tcpinc_sock *ctx = *ctxp;
	int err;

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
		err = sk_stream_wait_connect(sk, timeo);
		if (err)
			return err;
		ctx = tcpinc_ctx(sk);
		*ctxp = ctx;
	}
	/*
	 * A's ENO enables when its first ACK leaves; if that ACK was delayed,
	 * no byte may go out in the clear meanwhile: wait for it.
	 */
	while (ctx && tcpinc_ctx_will_encrypt(ctx) && !tcpinc_ctx_encrypted(ctx)) {
		long t = min_t(long, *timeo, HZ / 20);

		if (sk->sk_err || !((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)))
			return sk->sk_err ? sock_error(sk) : -ENOTCONN;
		if (!*timeo)
			return -EAGAIN;
		if (signal_pending(current))
			return sock_intr_errno(*timeo);
		tcpinc_crypt_wait(sk, &t, READ_ONCE(ctx->phase) != TCPINC_ENO_NEGOTIATING);
		*timeo = *timeo == MAX_SCHEDULE_TIMEOUT ? *timeo : max_t(long, 0, *timeo - HZ / 20);
	}
	return 0;
}

/* Waits for the keys and for staged ciphertext to be queued; socket lock held. */
static int tcpinc_crypt_wait_keys(struct sock *sk, struct tcpinc_sock *ctx,
				  struct tcpinc_crypt *cr, int flags, long *timeo)
{
	for (;;) {
		if (!tcpinc_crypt_pump(sk, ctx, flags) || cr->err)
			return -cr->err;
		if (cr->fin_sent || (sk->sk_shutdown & SEND_SHUTDOWN))
			return -EPIPE;
		if (cr->established && !cr->tx_len && !cr->tx_busy)
			return 0;
		if (!*timeo)
			return -EAGAIN;
		if (signal_pending(current))
			return sock_intr_errno(*timeo);
		WRITE_ONCE(cr->waiters, cr->waiters + 1);	/* the loop pumps once woken */
		tcpinc_crypt_wait(sk, timeo, cr->err ||
				  (cr->established && !cr->tx_len && !cr->tx_busy) ||
				  !skb_queue_empty(&sk->sk_receive_queue) ||
				  sk_stream_memory_free(sk));
		WRITE_ONCE(cr->waiters, cr->waiters - 1);
	}
}

/*
 * Seals msg's data frame by frame and queues it; *sent counts what was
 * sealed. Socket lock held, keys established, nothing staged.
 */
static int tcpinc_crypt_seal_frames(struct sock *sk, struct tcpinc_sock *ctx,
				    struct tcpinc_crypt *cr, struct msghdr *msg, size_t size,
				    size_t *sent)
{
	/* A full frame and its slack stay one order-2 block. */
	BUILD_BUG_ON(TCPINC_CRYPT_FRAME_DATA + TCPINC_CORE_TC_FRAME_OVERHEAD +
		     TCPINC_CRYPT_TX_SLACK > TCPINC_CRYPT_TX_BUF);
	while (*sent < size) {
		size_t n = min_t(size_t, size - *sent, TCPINC_CRYPT_FRAME_DATA), len = 0;
		/* The frame (n + overhead: data at TCPINC_CRYPT_DATA_OFF, tag last) and slack. */
		u8 *buf = tcpinc_crypt_tx_buf(cr, n + TCPINC_CORE_TC_FRAME_OVERHEAD +
					      TCPINC_CRYPT_TX_SLACK);
		int st;

		if (!buf) {
			net_warn_ratelimited("tcpinc: no memory to seal a frame (ENOMEM)\n");
			return -ENOMEM;
		}
		tcpinc_crypt_rekey_if_due(sk, ctx, cr);
		/*
		 * In place: the data goes where the frame carries it (after
		 * header and flags byte) and is sealed there; the provider
		 * does not copy a segment that is already in place. Nothing
		 * is staged now (the loop only continues once flushed).
		 */
		if (copy_from_iter(buf + TCPINC_CRYPT_DATA_OFF, n, &msg->msg_iter) != n) {
			memzero_explicit(buf + TCPINC_CRYPT_DATA_OFF, n);
			tcpinc_crypt_tx_buf_put(cr);
			return -EFAULT;
		}
		st = tcpinc_core_tc_seal(cr->sess, buf + TCPINC_CRYPT_DATA_OFF, n, 0, 0,
					 buf, cr->tx_cap, &len);
		if (st != TCPINC_CORE_TC_OK) {
			memzero_explicit(buf, cr->tx_cap);
			tcpinc_crypt_tx_buf_put(cr);
			tcpinc_crypt_abort_locked(sk, cr, TCPINC_ERR_PROTO, "cannot seal a frame");
			return -cr->err;
		}
		cr->tx_off = 0;
		WRITE_ONCE(cr->tx_len, len);
		*sent += n;
		cr->tx_since_rekey += n;
		TCPINC_ADD_STATS(sock_net(sk), TCPINC_MIB_TC_TX_BYTES, n);
		/* Blocking sockets wait here for TCP memory, like tcp_sendmsg. */
		if (!tcpinc_crypt_flush(sk, cr, msg->msg_flags))
			break;
		if (!tcpinc_crypt_poll_output(sk, cr) && !tcpinc_crypt_flush(sk, cr, msg->msg_flags))
			break;
	}
	return 0;
}

int tcpinc_crypt_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct tcpinc_sock *ctx;
	struct tcpinc_crypt *cr;
	size_t sent = 0;
	long timeo;
	int err;

	err = tcpinc_crypt_fastopen_connect(sk, msg);
	if (err)
		return err;
	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	err = tcpinc_crypt_wait_decided(sk, &ctx, &timeo);
	if (err)
		goto out;
	if (!tcpinc_ctx_encrypted(ctx)) {
		release_sock(sk);
		return tcpinc_sk_proto(sk)->sendmsg(sk, msg, size);
	}
	if (msg->msg_flags & MSG_OOB) {
		err = -EOPNOTSUPP;	/* urgent data: socket-api.md */
		goto out;
	}
	/*
	 * Zerocopy sends the caller's pages; ours are sealed copies in
	 * the send buffer. Refused like kTLS refuses it, so that no application
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
	err = tcpinc_crypt_wait_keys(sk, ctx, cr, msg->msg_flags, &timeo);
	if (!err)
		err = tcpinc_crypt_seal_frames(sk, ctx, cr, msg, size, &sent);
out:
	release_sock(sk);
	return sent ? sent : err;
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
	encrypt = tcpinc_ctx_encrypted(ctx) || (ctx && tcpinc_ctx_will_encrypt(ctx));
	rcu_read_unlock();
	if (!encrypt)
		return tcpinc_sk_proto(sk)->sendpage(sk, page, offset, size, flags);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bv, 1, size);
	return tcpinc_crypt_sendmsg(sk, &msg, size);
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
