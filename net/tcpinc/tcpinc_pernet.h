/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_pernet.h - per network namespace state: sysctls, counters (tcpinc_pernet.c).
 */
#ifndef TCPINC_PERNET_H
#define TCPINC_PERNET_H

#include "tcpinc.h"

int tcpinc_pernet_register(void);
void tcpinc_pernet_unregister(void);

/*
 * tcpinc_stat_get - the i'th line of /proc/net/tcpinc_stat (counters, then
 * the cache's gauges): 0, or -ENOENT past the last.
 */
int tcpinc_stat_get(struct net *net, unsigned int i, const char **name, u64 *val);

#endif /* TCPINC_PERNET_H */
