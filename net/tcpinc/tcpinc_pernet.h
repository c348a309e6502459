/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_pernet.h - per network namespace state: sysctls, counters (tcpinc_pernet.c).
 */
#ifndef TCPINC_PERNET_H
#define TCPINC_PERNET_H

#include "tcpinc.h"

int tcpinc_pernet_register(void);
void tcpinc_pernet_unregister(void);

#endif /* TCPINC_PERNET_H */
