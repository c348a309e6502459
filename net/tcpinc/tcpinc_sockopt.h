/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_sockopt.h - the socket options and the proto/proto_ops copies that carry them
 * (tcpinc_sockopt.c).
 */
#ifndef TCPINC_SOCKOPT_H
#define TCPINC_SOCKOPT_H

#include <net/sock.h>

int tcpinc_sockopt_init(void);
void tcpinc_sockopt_exit(void);
int tcpinc_sockopt_prepare(struct sock *sk);
void tcpinc_sockopt_restore(struct sock *sk);

#endif /* TCPINC_SOCKOPT_H */
