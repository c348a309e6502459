/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpinc_proto.h - the proto/proto_ops copies a socket runs while it carries
 * the ULP (tcpinc_proto.c); called by the ULP layer and the module's init.
 */
#ifndef TCPINC_PROTO_H
#define TCPINC_PROTO_H

struct proto;
struct sock;
struct tcpinc_sock;

int tcpinc_proto_init(void);
void tcpinc_proto_exit(void);
int tcpinc_proto_install(struct sock *sk, struct tcpinc_sock *ctx);
void tcpinc_proto_restore(struct sock *sk, const struct tcpinc_sock *ctx);
struct proto *tcpinc_proto_origin(const struct sock *sk);

#endif /* TCPINC_PROTO_H */
