/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_socks.h - the registry of sockets with a live tcpcrypt session
 * (tcpinc_socks.c), per network namespace (tcpinc_net.crypt_socks).
 */
#ifndef TCPINC_SOCKS_H
#define TCPINC_SOCKS_H

#include "tcpinc.h"

void tcpinc_socks_add(struct net *net, struct tcpinc_sock *ctx);
void tcpinc_socks_del(struct net *net, struct tcpinc_sock *ctx);
/* Aborts every live tcpcrypt connection of net with err; returns how many. */
unsigned int tcpinc_socks_abort_all(struct net *net, int err);

/* Aborts them on a VM generation change if net.tcpinc.vmfork_abort says so. */
extern const struct tcpinc_secret_holder tcpinc_socks_holder;

#endif /* TCPINC_SOCKS_H */
