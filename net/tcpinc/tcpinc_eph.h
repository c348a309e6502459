/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_eph.h - ephemeral key pairs per network namespace (tcpinc_eph.c).
 */
#ifndef TCPINC_EPH_H
#define TCPINC_EPH_H

#include "tcpinc.h"

void tcpinc_eph_init(struct tcpinc_net *tn);
int tcpinc_eph_get(struct net *net, u8 kex, u8 *priv, u8 *pub);
void tcpinc_eph_wipe(struct net *net);
extern const struct tcpinc_secret_holder tcpinc_eph_holder;

#endif /* TCPINC_EPH_H */
