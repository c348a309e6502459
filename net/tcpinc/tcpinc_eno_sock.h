/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_eno_sock.h - a socket's TCP-ENO negotiation (tcpinc_eno_sock.c):
 * its lifetime, as the ULP layer drives it, and what the hooks
 * (tcpinc_eno_output.c, tcpinc_eno_input.c) call to configure it and to
 * report its outcomes.
 */
#ifndef TCPINC_ENO_SOCK_H
#define TCPINC_ENO_SOCK_H

#include <linux/tcp.h>
#include <net/request_sock.h>

#include "tcpinc.h"
#include "tcpinc/core_api.h"

struct tcpinc_flow;

/*
 * What ENO reports to the layer above it (tcpinc_ulp.c): enabled() runs
 * when a connection's negotiation enables encryption, in the hook, clone
 * or process context that saw it, with ctx->lock held.
 */
struct tcpinc_eno_ops {
	void (*enabled)(struct sock *sk, struct tcpinc_sock *ctx);
};
void tcpinc_eno_set_ops(const struct tcpinc_eno_ops *ops);

/* Lifetime, for the ULP layer. */
void tcpinc_eno_sock_init(struct tcpinc_sock *ctx, struct sock *sk);
void tcpinc_eno_sock_clone(struct tcpinc_sock *ctx, struct tcpinc_sock *lctx,
			   const struct request_sock *req, struct sock *newsk);
void tcpinc_eno_sock_release(struct tcpinc_sock *ctx);
size_t tcpinc_eno_ctx_extra(void);

/*
 * For the hooks, with ctx->lock held (a listener's, for core_config and
 * resume_policy of a half-open connection); the clone calls count_outcome
 * on a child nothing else can reach yet.
 */
void tcpinc_eno_core_config(const struct tcpinc_sock *ctx, struct net *net, bool passive,
			    __be16 lport, __be16 rport, struct tcpinc_core_eno_config *c);
bool tcpinc_eno_resume_policy(const struct tcpinc_sock *ctx, struct net *net,
			      struct tcpinc_core_tc_resume_policy *pol);
void tcpinc_eno_resume_propose(struct tcpinc_sock *ctx, struct net *net,
			       const struct tcpinc_flow *f, const struct tcphdr *th,
			       struct tcpinc_core_eno_config *c);
void tcpinc_eno_resume_drop(struct tcpinc_sock *ctx);
void tcpinc_eno_count_outcome(struct net *net, struct tcpinc_sock *ctx, int action);

#endif /* TCPINC_ENO_SOCK_H */
