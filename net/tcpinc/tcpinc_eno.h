/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_eno.h - the ENO layer's netfilter hooks per network namespace and
 * its module init and exit (tcpinc_eno.c), as the ULP and pernet layers
 * call them. A socket's negotiation is in tcpinc_eno_sock.h.
 */
#ifndef TCPINC_ENO_H
#define TCPINC_ENO_H

#include <net/net_namespace.h>

int tcpinc_eno_hooks_ensure(struct net *net);
void tcpinc_eno_hooks_remove(struct net *net);
int tcpinc_eno_init(void);
void tcpinc_eno_exit(void);

#endif /* TCPINC_ENO_H */
