/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_eno.h - TCP-ENO on real connections (tcpinc_eno.c): the netfilter hooks
 * per network namespace and the per-socket negotiation, as the ULP layer
 * drives them.
 */
#ifndef TCPINC_ENO_H
#define TCPINC_ENO_H

#include <net/request_sock.h>

#include "tcpinc.h"

/*
 * What ENO reports to the layer above it (tcpinc_ulp.c): enabled() runs
 * when a connection's negotiation enables encryption, in the hook, clone
 * or process context that saw it, with ctx->lock held.
 */
struct tcpinc_eno_ops {
	void (*enabled)(struct sock *sk, struct tcpinc_sock *ctx);
};
void tcpinc_eno_set_ops(const struct tcpinc_eno_ops *ops);

int tcpinc_eno_hooks_ensure(struct net *net);
void tcpinc_eno_hooks_remove(struct net *net);
void tcpinc_eno_sock_init(struct tcpinc_sock *ctx, struct sock *sk);
void tcpinc_eno_sock_clone(struct tcpinc_sock *ctx, struct tcpinc_sock *lctx,
			   const struct request_sock *req, struct sock *newsk);
void tcpinc_eno_sock_release(struct tcpinc_sock *ctx);
size_t tcpinc_eno_ctx_extra(void);
int tcpinc_eno_init(void);
void tcpinc_eno_exit(void);

#endif /* TCPINC_ENO_H */
