// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypt_rx.c - the receive side's entries of an encrypted socket:
 * recvmsg, splice_read, read_sock/read_skb, peek_len, SIOCINQ, and the
 * getters' preparation (TCP_CRYPT_RESUMED and those under ctx->lock). A
 * connection that is not encrypted goes to the base protocol
 * (ctx->sk_proto) or TCP's own ops.
 */
#include <linux/mm.h>
#include <linux/pipe_fs_i.h>
#include <linux/splice.h>
#include <linux/uio.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_crypt.h"
#include "tcpinc_crypt_int.h"
#include "tcpinc/core_api.h"

/*
 * Copies up to n bytes of the open frame's plaintext to msg; returns how
 * many. A short copy (a fault, or no page for a pipe when splicing) still
 * consumes what was copied: those bytes are gone to the caller and must
 * not come again. Socket lock held.
 */
static size_t tcpinc_crypt_copy_open(struct sock *sk, struct tcpinc_crypt *cr,
				     struct msghdr *msg, size_t n, int flags)
{
	size_t c = copy_to_iter(cr->rx_data + cr->rx_off, n, &msg->msg_iter);

	if (!(flags & MSG_PEEK)) {
		WRITE_ONCE(cr->rx_off, cr->rx_off + c);
		TCPINC_ADD_STATS(sock_net(sk), TCPINC_MIB_TC_RX_BYTES, c);
		if (cr->rx_off == cr->rx_len) {
			WRITE_ONCE(cr->rx_len, 0);
			WRITE_ONCE(cr->rx_off, 0);
			/* Read whole: its buffer goes now, not at the next frame. */
			cr->rx_data = NULL;
			tcpinc_core_tc_rx_done(cr->sess);
		}
	}
	return c;
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
	if (!tcpinc_ctx_encrypted(ctx)) {
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
			size_t want = min(len - copied, cr->rx_len - cr->rx_off);
			size_t c = tcpinc_crypt_copy_open(sk, cr, msg, want, flags);

			copied += c;
			if (c != want) {
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
		if (cr->rx_nomem) {
			err = -ENOMEM;
			break;
		}
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
	struct msghdr msg = {};
	int mflags = 0, addr_len = 0;

	if (!tcpinc_sk_encrypted(sk))
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
	if (tcpinc_ctx_encrypted(ctx)) {
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
	if (!tcpinc_ctx_encrypted(ctx)) {
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

/*
 * tcpinc_crypt_prepare - for the getters that run under ctx->lock
 * (tcpinc_crypt_session_id, tcpinc_crypt_aead in tcpinc_crypt_session.c):
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

/* TCP_CRYPT_RESUMED: 1 if keyed from a cached secret, 0 if by Init1/Init2. */
int tcpinc_crypt_resumed(struct sock *sk, struct tcpinc_sock *ctx)
{
	sock_owned_by_me(sk);
	if (!tcpinc_crypt_get_started(sk, ctx) || !ctx->crypt->established)
		return -ENOTCONN;
	return ctx->crypt->resumed;
}
