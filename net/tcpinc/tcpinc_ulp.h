/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_ulp.h - registering the "tcpcrypt" ULP (tcpinc_ulp.c). tcpinc_ulp_ops itself
 * is declared in tcpinc.h: it identifies the shared context.
 */
#ifndef TCPINC_ULP_H
#define TCPINC_ULP_H


int tcpinc_ulp_register(void);
void tcpinc_ulp_unregister(void);

#endif /* TCPINC_ULP_H */
