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
/*
 * tcpinc_socks_walk - calls fn for net's registered connections from the
 * *pos'th on, until fn returns nonzero (returned), advancing *pos past each
 * one fn accepted: a netlink dump resumes there. fn runs under crypt_lock,
 * a leaf: it must not sleep nor take any other lock of ours or the
 * socket's; it reads ctx->sk (alive while listed) and ctx->info.
 */
int tcpinc_socks_walk(struct net *net, unsigned long *pos,
		      int (*fn)(struct tcpinc_sock *ctx, void *arg), void *arg);

/* Aborts them on a VM generation change if net.tcpinc.vmfork_abort says so. */
extern const struct tcpinc_secret_holder tcpinc_socks_holder;

#endif /* TCPINC_SOCKS_H */
