/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_sockopt.h - the TCP_ENO_* / TCP_CRYPT_* socket option handlers
 * (tcpinc_sockopt.c), which the proto copies (tcpinc_proto.c) install.
 */
#ifndef TCPINC_SOCKOPT_H
#define TCPINC_SOCKOPT_H

#include <linux/sockptr.h>

struct sock;

int tcpinc_setsockopt(struct sock *sk, int level, int optname, sockptr_t optval,
		      unsigned int optlen);
int tcpinc_getsockopt(struct sock *sk, int level, int optname, char __user *optval,
		      int __user *optlen);
void tcpinc_no_fastopen(struct sock *sk);

#endif /* TCPINC_SOCKOPT_H */
