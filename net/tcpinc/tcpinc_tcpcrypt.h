/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_tcpcrypt.h - the tcpcrypt data path, sessions and socket callbacks
 * (tcpinc_tcpcrypt.c), as the ULP layer and the proto copies call them.
 */
#ifndef TCPINC_TCPCRYPT_H
#define TCPINC_TCPCRYPT_H

#include <linux/net.h>
#include <linux/poll.h>

#include "tcpinc.h"

void tcpinc_tc_enable(struct sock *sk, struct tcpinc_sock *ctx);
int tcpinc_tc_inq(struct sock *sk, int *out);
__poll_t tcpinc_tc_poll(struct file *file, struct socket *sock, poll_table *wait);
int tcpinc_tc_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len, int flags,
		      int (*base)(struct socket *, struct sockaddr *, int, int));
void tcpinc_tc_free(struct tcpinc_sock *ctx);
void tcpinc_tc_restore_callbacks(struct sock *sk, struct tcpinc_sock *ctx);
void tcpinc_tc_pool_drain(void);
void tcpinc_tc_prepare(struct sock *sk);
int tcpinc_tc_sendmsg(struct sock *sk, struct msghdr *msg, size_t size,
		      int (*base)(struct sock *, struct msghdr *, size_t));
int tcpinc_tc_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		      int *addr_len,
		      int (*base)(struct sock *, struct msghdr *, size_t, int, int *));
int tcpinc_tc_sendpage(struct sock *sk, struct page *page, int offset, size_t size, int flags,
		       int (*base_sendpage)(struct sock *, struct page *, int, size_t, int),
		       int (*base_sendmsg)(struct sock *, struct msghdr *, size_t));
void tcpinc_tc_shutdown(struct sock *sk, int how, void (*base)(struct sock *, int));
void tcpinc_tc_close(struct sock *sk, long timeout, void (*base)(struct sock *, long));
bool tcpinc_tc_is_readable(struct sock *sk);
int tcpinc_tc_rekey(struct sock *sk, struct tcpinc_sock *ctx);
int tcpinc_tc_aead(struct sock *sk, struct tcpinc_sock *ctx);
void tcpinc_tc_keepalive_update(struct sock *sk, bool on);
ssize_t tcpinc_tc_splice_read(struct socket *sock, loff_t *ppos, struct pipe_inode_info *pipe,
			      size_t len, unsigned int flags,
			      int (*base_recvmsg)(struct sock *, struct msghdr *, size_t, int, int *));
bool tcpinc_tc_raw_read_ok(struct sock *sk);
int tcpinc_tc_peek_len(struct socket *sock);
bool tcpinc_tc_write_blocked(struct sock *sk);
void tcpinc_tc_cache_flush(struct sock *sk, struct tcpinc_sock *ctx);
int tcpinc_tc_resumed(struct sock *sk, struct tcpinc_sock *ctx);
int tcpinc_tc_session_id(struct sock *sk, struct tcpinc_sock *ctx, u8 *out, size_t cap,
			 size_t *out_len);

#endif /* TCPINC_TCPCRYPT_H */
