/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_crypt.h - the tcpcrypt data path (tcpinc_crypt_*.c) as the rest of
 * the glue calls it: the ULP and ENO layers start and free a session, the
 * proto copies (tcpinc_proto.c) install the entries, the socket options
 * (tcpinc_sockopt.c) call the getters. Grouped by the file that defines
 * them. What the tcpinc_crypt_*.c files share among themselves is in
 * tcpinc_crypt_int.h.
 */
#ifndef TCPINC_CRYPT_H
#define TCPINC_CRYPT_H

#include <linux/net.h>
#include <linux/poll.h>
#include <linux/types.h>

struct pipe_inode_info;
struct sock;
struct tcpinc_sock;

/* tcpinc_crypt_sock.c: lifecycle, socket callbacks, connect, poll. */
void tcpinc_crypt_enable(struct sock *sk, struct tcpinc_sock *ctx);
void tcpinc_crypt_free(struct tcpinc_sock *ctx);
void tcpinc_crypt_restore_callbacks(struct sock *sk, struct tcpinc_sock *ctx);
int tcpinc_crypt_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len, int flags);
__poll_t tcpinc_crypt_poll(struct file *file, struct socket *sock, poll_table *wait);
bool tcpinc_crypt_is_readable(struct sock *sk);
bool tcpinc_crypt_write_blocked(struct sock *sk);

/* tcpinc_crypt_tx.c: the send side's entries. */
int tcpinc_crypt_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
int tcpinc_crypt_sendpage(struct sock *sk, struct page *page, int offset, size_t size, int flags);
void tcpinc_crypt_shutdown(struct sock *sk, int how);
void tcpinc_crypt_close(struct sock *sk, long timeout);
int tcpinc_crypt_rekey(struct sock *sk, struct tcpinc_sock *ctx);
void tcpinc_crypt_keepalive_update(struct sock *sk, bool on);

/* tcpinc_crypt_rx.c: the receive side's entries, getters' preparation. */
int tcpinc_crypt_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
			 int *addr_len);
ssize_t tcpinc_crypt_splice_read(struct socket *sock, loff_t *ppos, struct pipe_inode_info *pipe,
				 size_t len, unsigned int flags);
bool tcpinc_crypt_raw_read_ok(struct sock *sk);
int tcpinc_crypt_peek_len(struct socket *sock);
int tcpinc_crypt_inq(struct sock *sk, int *out);
void tcpinc_crypt_prepare(struct sock *sk);
int tcpinc_crypt_resumed(struct sock *sk, struct tcpinc_sock *ctx);

/* tcpinc_crypt_session.c: getters (socket lock and ctx->lock held). */
int tcpinc_crypt_session_id(struct sock *sk, struct tcpinc_sock *ctx, u8 *out, size_t cap,
			    size_t *out_len);
int tcpinc_crypt_aead(struct sock *sk, struct tcpinc_sock *ctx);
void tcpinc_crypt_cache_flush(struct sock *sk, struct tcpinc_sock *ctx);

#endif /* TCPINC_CRYPT_H */
