/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_abort.h - aborting a connection from any context (tcpinc_abort.c), and the
 * module's workqueue that runs those aborts and the tcpcrypt work items.
 */
#ifndef TCPINC_ABORT_H
#define TCPINC_ABORT_H

#include <linux/workqueue.h>
#include <net/sock.h>

void tcpinc_abort_async(struct sock *sk, int err);
int tcpinc_abort_init(void);
void tcpinc_abort_exit(void);
extern struct workqueue_struct *tcpinc_wq;

#endif /* TCPINC_ABORT_H */
