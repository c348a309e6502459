// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_genl.c - the "tcpinc" generic netlink family (tcpinc(8) is its
 * client; Documentation/netlink.md the reference; attributes and commands
 * in include/uapi/linux/tcpinc.h). Everything is per network namespace,
 * the caller's: the live tcpcrypt connections (from the session registry),
 * the counters of /proc/net/tcpinc_stat, the resumption cache's entries,
 * and a cache flush. Reading is open to anyone in the namespace, like
 * /proc/net/tcpinc_stat and ss; the flush needs CAP_NET_ADMIN in the
 * namespace's user namespace (GENL_UNS_ADMIN_PERM). Nothing here reads a
 * key or a resumption secret: sessions are shown from their published
 * summary (struct tcpinc_summary), cache entries from a view without the
 * secret (struct tcpinc_cache_view).
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/tcp.h>
#include <uapi/linux/tcpinc.h>

#include "tcpinc.h"
#include "tcpinc_cache.h"
#include "tcpinc_notify.h"
#include "tcpinc_pernet.h"
#include "tcpinc_socks.h"

static struct genl_family tcpinc_genl_family;

/* Requests carry no attributes; replies use them all. */
static const struct nla_policy tcpinc_genl_policy[TCPINC_A_MAX + 1] = {
	[TCPINC_A_FAMILY]	= { .type = NLA_U16 },
};

struct tcpinc_genl_dump {
	struct sk_buff *skb;
	struct netlink_callback *cb;
};

static void *tcpinc_genl_dump_hdr(struct tcpinc_genl_dump *d, u8 cmd)
{
	return genlmsg_put(d->skb, NETLINK_CB(d->cb->skb).portid, d->cb->nlh->nlmsg_seq,
			   &tcpinc_genl_family, NLM_F_MULTI, cmd);
}

/*
 * One connection, under the registry's crypt_lock: the socket is alive
 * while listed, but its lock is not ours to take here (crypt_lock is a
 * leaf), so its fields are read once each (READ_ONCE, or the published
 * summary). Returns -EMSGSIZE when the message is full: the dump resumes
 * at this connection.
 */
static int tcpinc_genl_put_session(struct tcpinc_sock *ctx, void *arg)
{
	struct tcpinc_genl_dump *d = arg;
	const struct sock *sk = ctx->sk;
	const struct inet_sock *inet = inet_sk(sk);
	const struct tcp_sock *tp = tcp_sk(sk);
	const struct tcpinc_summary *in = &ctx->info;
	bool keyed = smp_load_acquire(&in->ready);
	void *hdr;

	hdr = tcpinc_genl_dump_hdr(d, TCPINC_CMD_GET_SESSIONS);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u16(d->skb, TCPINC_A_FAMILY, sk->sk_family))
		goto full;
	if (sk->sk_family == AF_INET) {
		if (nla_put_in_addr(d->skb, TCPINC_A_SADDR, READ_ONCE(inet->inet_saddr)) ||
		    nla_put_in_addr(d->skb, TCPINC_A_DADDR, READ_ONCE(inet->inet_daddr)))
			goto full;
#if IS_ENABLED(CONFIG_IPV6)
	} else {
		if (nla_put_in6_addr(d->skb, TCPINC_A_SADDR, &sk->sk_v6_rcv_saddr) ||
		    nla_put_in6_addr(d->skb, TCPINC_A_DADDR, &sk->sk_v6_daddr))
			goto full;
#endif
	}
	if (nla_put_u16(d->skb, TCPINC_A_SPORT, ntohs(READ_ONCE(inet->inet_sport))) ||
	    nla_put_u16(d->skb, TCPINC_A_DPORT, ntohs(READ_ONCE(inet->inet_dport))) ||
	    nla_put_u8(d->skb, TCPINC_A_STATE, READ_ONCE(sk->sk_state)) ||
	    nla_put_u8(d->skb, TCPINC_A_KEYED, keyed) ||
	    nla_put_u64_64bit(d->skb, TCPINC_A_BYTES_SENT, READ_ONCE(tp->bytes_sent),
			      TCPINC_A_PAD) ||
	    nla_put_u64_64bit(d->skb, TCPINC_A_BYTES_RECEIVED, READ_ONCE(tp->bytes_received),
			      TCPINC_A_PAD) ||
	    nla_put_u32(d->skb, TCPINC_A_REKEYS_SENT, READ_ONCE(ctx->rekeys_sent)) ||
	    nla_put_u32(d->skb, TCPINC_A_REKEYS_RECEIVED, READ_ONCE(ctx->rekeys_received)))
		goto full;
	if (keyed &&
	    (nla_put_u8(d->skb, TCPINC_A_TEP, in->tep) ||
	     nla_put_u16(d->skb, TCPINC_A_AEAD, in->aead) ||
	     nla_put_u8(d->skb, TCPINC_A_RESUMED, in->resumed) ||
	     nla_put(d->skb, TCPINC_A_SESSID, in->sid_len, in->sid)))
		goto full;
	genlmsg_end(d->skb, hdr);
	return 0;

full:
	genlmsg_cancel(d->skb, hdr);
	return -EMSGSIZE;
}

/*
 * The end of one dump part: cb->args[0] keeps where the next part starts. A
 * full message is sent and the dump goes on; an empty one cannot fit one
 * entry, so its error is returned.
 */
static int tcpinc_genl_dump_done(struct sk_buff *skb, struct netlink_callback *cb,
				 unsigned long pos, int err)
{
	cb->args[0] = pos;
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err ? err : skb->len;
}

/* cb->args[0]: the next connection's position in the registry. */
static int tcpinc_genl_dump_sessions(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tcpinc_genl_dump d = { .skb = skb, .cb = cb };
	unsigned long pos = cb->args[0];
	int err;

	err = tcpinc_socks_walk(sock_net(skb->sk), &pos, tcpinc_genl_put_session, &d);
	return tcpinc_genl_dump_done(skb, cb, pos, err);
}

static int tcpinc_genl_put_cache(const struct tcpinc_cache_view *v, void *arg)
{
	struct tcpinc_genl_dump *d = arg;
	void *hdr;

	hdr = tcpinc_genl_dump_hdr(d, TCPINC_CMD_GET_CACHE);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_in6_addr(d->skb, TCPINC_A_PEER, &v->peer) ||
	    nla_put_u8(d->skb, TCPINC_A_TEP, v->tep) ||
	    nla_put_u64_64bit(d->skb, TCPINC_A_CHAIN, v->chain, TCPINC_A_PAD) ||
	    nla_put_u32(d->skb, TCPINC_A_EXPIRES_MS, v->expires_ms)) {
		genlmsg_cancel(d->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(d->skb, hdr);
	return 0;
}

static int tcpinc_genl_dump_cache(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tcpinc_genl_dump d = { .skb = skb, .cb = cb };
	unsigned long pos = cb->args[0];
	int err;

	err = tcpinc_cache_walk(sock_net(skb->sk), &pos, tcpinc_genl_put_cache, &d);
	return tcpinc_genl_dump_done(skb, cb, pos, err);
}

static int tcpinc_genl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *msg;
	struct nlattr *nest;
	const char *name;
	unsigned int i;
	void *hdr;
	u64 val;

	/* About 50 counters of some 60 bytes each. */
	msg = genlmsg_new(2 * NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tcpinc_genl_family, 0, TCPINC_CMD_GET_STATS);
	if (!hdr)
		goto full;
	for (i = 0; !tcpinc_stat_get(net, i, &name, &val); i++) {
		nest = nla_nest_start(msg, TCPINC_A_STAT);
		if (!nest ||
		    nla_put_string(msg, TCPINC_A_STAT_NAME, name) ||
		    nla_put_u64_64bit(msg, TCPINC_A_STAT_VALUE, val, TCPINC_A_PAD))
			goto full;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

full:
	nlmsg_free(msg);
	pr_warn_ratelimited("tcpinc: netlink GET_STATS: reply does not fit its buffer\n");
	return -EMSGSIZE;
}

/* The same wipe as net.tcpinc.resume_cache_flush: cache and accepted half-open resumptions. */
static int tcpinc_genl_flush_cache(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct tcpinc_wiped w = {};
	struct sk_buff *msg;
	void *hdr;

	tcpinc_notify_wipe_net(net, TCPINC_WIPE_NET, &w);
	pr_info("tcpinc: netlink FLUSH_CACHE: resumption cache of netns %u wiped (%u entries, %u accepted by half-open connections)\n",
		net->ns.inum, w.cached, w.half_open);
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tcpinc_genl_family, 0, TCPINC_CMD_FLUSH_CACHE);
	if (!hdr || nla_put_u32(msg, TCPINC_A_FLUSHED, w.cached)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops tcpinc_genl_ops[] = {
	{
		.cmd	= TCPINC_CMD_GET_SESSIONS,
		.dumpit	= tcpinc_genl_dump_sessions,
	}, {
		.cmd	= TCPINC_CMD_GET_STATS,
		.doit	= tcpinc_genl_get_stats,
	}, {
		.cmd	= TCPINC_CMD_GET_CACHE,
		.dumpit	= tcpinc_genl_dump_cache,
	}, {
		.cmd	= TCPINC_CMD_FLUSH_CACHE,
		.doit	= tcpinc_genl_flush_cache,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family tcpinc_genl_family __ro_after_init = {
	.name		= TCPINC_GENL_NAME,
	.version	= TCPINC_GENL_VERSION,
	.maxattr	= TCPINC_A_MAX,
	.policy		= tcpinc_genl_policy,
	.ops		= tcpinc_genl_ops,
	.n_ops		= ARRAY_SIZE(tcpinc_genl_ops),
	/* A new family: strict validation for every command. */
	.resv_start_op	= TCPINC_CMD_UNSPEC + 1,
	.netnsok	= true,
	.module		= THIS_MODULE,
};

int tcpinc_genl_register(void)
{
	return genl_register_family(&tcpinc_genl_family);
}

void tcpinc_genl_unregister(void)
{
	genl_unregister_family(&tcpinc_genl_family);
}
