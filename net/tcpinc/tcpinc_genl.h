/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_genl.h - the "tcpinc" generic netlink family (tcpinc_genl.c).
 */
#ifndef TCPINC_GENL_H
#define TCPINC_GENL_H

/* After the per-netns state (its handlers read it), before the ULP. */
int tcpinc_genl_register(void);
void tcpinc_genl_unregister(void);

#endif /* TCPINC_GENL_H */
