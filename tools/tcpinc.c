// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc - show and configure the tcpinc module (TCP-ENO + tcpcrypt) in
 * the caller's network namespace. Manual: Documentation/man/tcpinc.8.
 *
 *   tcpinc show [--json]               encrypted connections
 *   tcpinc stats [INTERVAL [COUNT]]    counters; deltas every INTERVAL s
 *   tcpinc cache [--json]              resumption cache, per peer
 *   tcpinc cache flush                 wipe it (CAP_NET_ADMIN)
 *   tcpinc config [NAME [VALUE]]       net.tcpinc.* sysctls
 *
 * Talks to the kernel over the "tcpinc" generic netlink family
 * (include/uapi/linux/tcpinc.h, Documentation/netlink.md) with plain
 * sockets, no library. Exit status: 0 ok, 1 error (a message on stderr
 * says what and why), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "../include/uapi/linux/tcpinc.h"
#include "tcpinc_tool.h"

#define BUFSZ 65536

static const char *prog = "tcpinc";

static void die_errno(const char *what, int e)
{
	fprintf(stderr, "%s: %s: %s (%s)\n", prog, what, strerror(e), tcpinc_errname(e));
	exit(1);
}

/* --- netlink ----------------------------------------------------------- */

struct nl {
	int fd;
	uint16_t family;
	uint32_t seq;
};

static void nl_parse(const void *p, int len, const struct nlattr **tb, int max)
{
	const struct nlattr *a = p;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type <= max)
			tb[type] = a;
		len -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
}

static const void *nla_data(const struct nlattr *a) { return (const char *)a + NLA_HDRLEN; }
static int nla_len(const struct nlattr *a) { return a->nla_len - NLA_HDRLEN; }
static uint8_t get_u8(const struct nlattr *a) { return a ? *(const uint8_t *)nla_data(a) : 0; }
static uint16_t get_u16(const struct nlattr *a) { uint16_t v = 0; if (a) memcpy(&v, nla_data(a), 2); return v; }
static uint32_t get_u32(const struct nlattr *a) { uint32_t v = 0; if (a) memcpy(&v, nla_data(a), 4); return v; }
static uint64_t get_u64(const struct nlattr *a) { uint64_t v = 0; if (a) memcpy(&v, nla_data(a), 8); return v; }

/* Sends a request; attrs: optional (type, len, data) one attribute. */
static void nl_send(struct nl *nl, uint16_t type, uint16_t flags, uint8_t cmd,
		    uint16_t atype, const void *adata, uint16_t alen)
{
	char buf[256] = { 0 };
	struct nlmsghdr *h = (void *)buf;
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };

	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++nl->seq;
	h->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 2 : TCPINC_GENL_VERSION;
	if (atype) {
		struct nlattr *a = (void *)(buf + NLMSG_ALIGN(h->nlmsg_len));

		a->nla_type = atype;
		a->nla_len = NLA_HDRLEN + alen;
		memcpy((char *)a + NLA_HDRLEN, adata, alen);
		h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
	}
	if (sendto(nl->fd, buf, h->nlmsg_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		die_errno("netlink send", errno);
}

/* Attribute tables big enough for our family's and the controller's replies. */
#define NL_TB_MAX (TCPINC_A_MAX > CTRL_ATTR_MAX ? TCPINC_A_MAX : CTRL_ATTR_MAX)

/*
 * Receives replies to the last request, calling fn for each message's
 * attributes (types up to maxattr), until the ACK or NLMSG_DONE. Returns 0
 * or the negative errno the kernel answered with.
 */
static int nl_recv(struct nl *nl, int maxattr, void (*fn)(const struct nlattr **tb, void *arg),
		   void *arg)
{
	static char buf[BUFSZ];

	for (;;) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_errno("netlink receive", errno);
		}
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			const struct nlattr *tb[NL_TB_MAX + 1];

			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;	/* 0: the ACK */
			}
			nl_parse((const char *)NLMSG_DATA(h) + GENL_HDRLEN,
				 h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN), tb, maxattr);
			fn(tb, arg);
		}
	}
}

/* The controller's answer: our family's id (its attribute space is not ours). */
static void family_one(const struct nlattr **ctl, void *arg)
{
	if (ctl[CTRL_ATTR_FAMILY_ID])
		*(uint16_t *)arg = get_u16(ctl[CTRL_ATTR_FAMILY_ID]);
}

static void nl_open(struct nl *nl)
{
	struct sockaddr_nl me = { .nl_family = AF_NETLINK };
	uint16_t family = 0;
	int err;

	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		die_errno("netlink socket", errno);
	if (bind(nl->fd, (struct sockaddr *)&me, sizeof(me)) < 0)
		die_errno("netlink bind", errno);
	nl->seq = (uint32_t)time(NULL);
	nl_send(nl, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
		TCPINC_GENL_NAME, sizeof(TCPINC_GENL_NAME));
	err = nl_recv(nl, CTRL_ATTR_MAX, family_one, &family);
	if (!err && family) {
		nl->family = family;
		return;
	}
	if (err && err != -ENOENT)
		die_errno("netlink family lookup", -err);
	fprintf(stderr, "%s: the tcpinc module is not loaded (no generic netlink family \"%s\"): modprobe tcpinc\n",
		prog, TCPINC_GENL_NAME);
	exit(1);
}

/* --- names ------------------------------------------------------------- */

static const char *tep_name(unsigned int t)
{
	switch (t) {
	case TCP_ENO_TEP_TCPCRYPT_ECDHE_P256: return "tcpcrypt-p256";
	case TCP_ENO_TEP_TCPCRYPT_ECDHE_CURVE25519: return "tcpcrypt-x25519";
	case TCP_ENO_TEP_TCPCRYPT_ECDHE_CURVE448: return "tcpcrypt-x448";
	}
	return "unknown";
}

static const char *aead_name(unsigned int a)
{
	switch (a) {
	case 0x0001: return "aes-128-gcm";
	case 0x0002: return "aes-256-gcm";
	case 0x0010: return "chacha20-poly1305";
	}
	return "unknown";
}

static const char *state_name(unsigned int s)
{
	static const char *const n[] = {
		"?", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
		"TIME-WAIT", "CLOSE", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
	};

	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "?";
}

static void hex(const uint8_t *p, int n, char *out)
{
	int i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = 0;
}

/*
 * The short form people read to each other (tcpinc(8), SESSION IDS), the
 * same as tcpinc-auth's: bytes 1..9 of the session ID (byte 0 is the TEP,
 * the same for every session of that TEP) as one big-endian number, modulo
 * 10^20, in 20 decimal digits in four groups of five, e.g.
 * 04096-65535-00017-31337.
 */
static void short_id(const uint8_t *p, int n, char *out)
{
	unsigned __int128 v = 0, ten20 = 1;
	char d[21];
	int i;

	if (n < 10) {
		strcpy(out, "-");
		return;
	}
	for (i = 1; i <= 9; i++)
		v = v << 8 | p[i];
	for (i = 0; i < 20; i++)
		ten20 *= 10;
	v %= ten20;
	for (i = 19; i >= 0; i--, v /= 10)
		d[i] = '0' + (int)(v % 10);
	d[20] = 0;
	sprintf(out, "%.5s-%.5s-%.5s-%.5s", d, d + 5, d + 10, d + 15);
}

static void addr_text(int fam, const struct nlattr *a, char *out, size_t cap)
{
	if (!a || inet_ntop(fam, nla_data(a), out, cap) == NULL)
		snprintf(out, cap, "?");
}

/* --- show -------------------------------------------------------------- */

struct show {
	bool json;
	int n;
};

static void show_one(const struct nlattr **tb, void *arg)
{
	struct show *s = arg;
	int fam = get_u16(tb[TCPINC_A_FAMILY]);
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], sid[2 * 64 + 1] = "", sh[40] = "-";
	char l[INET6_ADDRSTRLEN + 10], r[INET6_ADDRSTRLEN + 10];
	bool keyed = get_u8(tb[TCPINC_A_KEYED]);
	unsigned int tep = get_u8(tb[TCPINC_A_TEP]), aead = get_u16(tb[TCPINC_A_AEAD]);
	int sidlen = tb[TCPINC_A_SESSID] ? nla_len(tb[TCPINC_A_SESSID]) : 0;

	addr_text(fam, tb[TCPINC_A_SADDR], src, sizeof(src));
	addr_text(fam, tb[TCPINC_A_DADDR], dst, sizeof(dst));
	if (sidlen > 64)
		sidlen = 64;
	if (keyed && sidlen) {
		hex(nla_data(tb[TCPINC_A_SESSID]), sidlen, sid);
		short_id(nla_data(tb[TCPINC_A_SESSID]), sidlen, sh);
	}
	if (s->json) {
		printf("%s\n  {\"family\": \"%s\", \"local\": \"%s\", \"local_port\": %u, "
		       "\"remote\": \"%s\", \"remote_port\": %u, \"state\": \"%s\", \"keyed\": %s",
		       s->n ? "," : "", fam == AF_INET ? "inet" : "inet6", src,
		       get_u16(tb[TCPINC_A_SPORT]), dst, get_u16(tb[TCPINC_A_DPORT]),
		       state_name(get_u8(tb[TCPINC_A_STATE])), keyed ? "true" : "false");
		if (keyed)
			printf(", \"tep\": %u, \"tep_name\": \"%s\", \"aead\": %u, \"aead_name\": \"%s\", "
			       "\"resumed\": %u, \"session_id\": \"%s\", \"session_id_short\": \"%s\"",
			       tep, tep_name(tep), aead, aead_name(aead),
			       get_u8(tb[TCPINC_A_RESUMED]), sid, sh);
		printf(", \"bytes_sent\": %" PRIu64 ", \"bytes_received\": %" PRIu64
		       ", \"rekeys_sent\": %u, \"rekeys_received\": %u}",
		       get_u64(tb[TCPINC_A_BYTES_SENT]), get_u64(tb[TCPINC_A_BYTES_RECEIVED]),
		       get_u32(tb[TCPINC_A_REKEYS_SENT]), get_u32(tb[TCPINC_A_REKEYS_RECEIVED]));
	} else {
		snprintf(l, sizeof(l), fam == AF_INET6 ? "[%s]:%u" : "%s:%u", src, get_u16(tb[TCPINC_A_SPORT]));
		snprintf(r, sizeof(r), fam == AF_INET6 ? "[%s]:%u" : "%s:%u", dst, get_u16(tb[TCPINC_A_DPORT]));
		printf("%s %s %s\n", l, r, state_name(get_u8(tb[TCPINC_A_STATE])));
		if (keyed)
			printf("  tep 0x%02x %s  aead 0x%04x %s  %s\n  session %s\n  short %s\n",
			       tep, tep_name(tep), aead, aead_name(aead),
			       get_u8(tb[TCPINC_A_RESUMED]) ? "resumed" : "fresh", sid, sh);
		else
			printf("  keying (no session ID yet)\n");
		printf("  bytes sent %" PRIu64 " received %" PRIu64 " (TCP, ciphertext)\n"
		       "  rekeys sent %u received %u\n",
		       get_u64(tb[TCPINC_A_BYTES_SENT]), get_u64(tb[TCPINC_A_BYTES_RECEIVED]),
		       get_u32(tb[TCPINC_A_REKEYS_SENT]), get_u32(tb[TCPINC_A_REKEYS_RECEIVED]));
	}
	s->n++;
}

static int cmd_show(struct nl *nl, bool json)
{
	struct show s = { .json = json };
	int err;

	nl_send(nl, nl->family, NLM_F_DUMP, TCPINC_CMD_GET_SESSIONS, 0, NULL, 0);
	if (json)
		printf("[");
	err = nl_recv(nl, TCPINC_A_MAX, show_one, &s);
	if (err)
		die_errno("listing sessions", -err);
	if (json)
		printf("%s]\n", s.n ? "\n" : "");
	return 0;
}

/* --- stats ------------------------------------------------------------- */

#define MAXSTAT 128
struct stats {
	int n;
	char name[MAXSTAT][48];
	uint64_t val[MAXSTAT];
};

/* GET_STATS has repeated TCPINC_A_STAT nests, which nl_parse keeps one of: walk them here. */
static void get_stats(struct nl *nl, struct stats *st)
{
	static char buf[BUFSZ];
	int err = 0;

	st->n = 0;
	nl_send(nl, nl->family, 0, TCPINC_CMD_GET_STATS, 0, NULL, 0);
	for (;;) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die_errno("netlink receive", errno);
		}
		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			const struct nlattr *a;
			int len;

			if (h->nlmsg_seq != nl->seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				err = -((const struct nlmsgerr *)NLMSG_DATA(h))->error;
				if (err)
					die_errno("reading counters", err);
				return;
			}
			a = (const void *)((const char *)NLMSG_DATA(h) + GENL_HDRLEN);
			len = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			while (len >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) && a->nla_len <= len) {
				if ((a->nla_type & NLA_TYPE_MASK) == TCPINC_A_STAT && st->n < MAXSTAT) {
					const struct nlattr *in[TCPINC_A_MAX + 1];

					nl_parse(nla_data(a), nla_len(a), in, TCPINC_A_MAX);
					if (in[TCPINC_A_STAT_NAME] && in[TCPINC_A_STAT_VALUE]) {
						snprintf(st->name[st->n], sizeof(st->name[0]), "%.*s",
							 nla_len(in[TCPINC_A_STAT_NAME]),
							 (const char *)nla_data(in[TCPINC_A_STAT_NAME]));
						st->val[st->n++] = get_u64(in[TCPINC_A_STAT_VALUE]);
					}
				}
				len -= NLA_ALIGN(a->nla_len);
				a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
			}
		}
	}
}

static int cmd_stats(struct nl *nl, int interval, int count, bool json)
{
	static struct stats a, b;
	int i, round;

	get_stats(nl, &a);
	if (!interval) {
		if (json)
			printf("{");
		for (i = 0; i < a.n; i++) {
			if (json)
				printf("%s\n  \"%s\": %" PRIu64, i ? "," : "", a.name[i], a.val[i]);
			else
				printf("%-32s\t%" PRIu64 "\n", a.name[i], a.val[i]);
		}
		if (json)
			printf("\n}\n");
		return 0;
	}
	/* Deltas: counters that changed over each interval (gauges as the change too). */
	for (round = 0; !count || round < count; round++) {
		sleep(interval);
		get_stats(nl, &b);
		printf("--- %d s\n", interval);
		for (i = 0; i < b.n && i < a.n; i++)
			if (b.val[i] != a.val[i])
				printf("%-32s\t%+" PRId64 "\t%" PRIu64 "\n", b.name[i],
				       (int64_t)(b.val[i] - a.val[i]), b.val[i]);
		fflush(stdout);
		a = b;
	}
	return 0;
}

/* --- cache ------------------------------------------------------------- */

#define MAXPEER 65536	/* resume_cache_max's limit: one peer per entry at most */
struct cache {
	bool json;
	int n;
	struct {
		uint8_t peer[16];
		unsigned int entries;
		uint32_t max_ms;
		uint8_t teps[8];
		int nteps;
	} p[MAXPEER];
};

static void cache_one(const struct nlattr **tb, void *arg)
{
	struct cache *c = arg;
	const struct nlattr *pa = tb[TCPINC_A_PEER];
	uint8_t tep = get_u8(tb[TCPINC_A_TEP]);
	uint32_t ms = get_u32(tb[TCPINC_A_EXPIRES_MS]);
	int i, j;

	if (!pa || nla_len(pa) != 16)
		return;
	for (i = 0; i < c->n; i++)
		if (!memcmp(c->p[i].peer, nla_data(pa), 16))
			break;
	if (i == c->n) {
		if (c->n == MAXPEER)
			return;
		memset(&c->p[i], 0, sizeof(c->p[i]));
		memcpy(c->p[i].peer, nla_data(pa), 16);
		c->n++;
	}
	c->p[i].entries++;
	if (ms > c->p[i].max_ms)
		c->p[i].max_ms = ms;
	for (j = 0; j < c->p[i].nteps; j++)
		if (c->p[i].teps[j] == tep)
			break;
	if (j == c->p[i].nteps && j < 8)
		c->p[i].teps[c->p[i].nteps++] = tep;
}

static void peer_text(const uint8_t *a, char *out, size_t cap)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (!memcmp(a, mapped, 12))
		inet_ntop(AF_INET, a + 12, out, cap);
	else
		inet_ntop(AF_INET6, a, out, cap);
}

static int cmd_cache(struct nl *nl, bool json)
{
	static struct cache c;
	char peer[INET6_ADDRSTRLEN];
	unsigned int total = 0;
	int i, j, err;

	c.json = json;
	nl_send(nl, nl->family, NLM_F_DUMP, TCPINC_CMD_GET_CACHE, 0, NULL, 0);
	err = nl_recv(nl, TCPINC_A_MAX, cache_one, &c);
	if (err)
		die_errno("listing the resumption cache", -err);
	if (json)
		printf("[");
	for (i = 0; i < c.n; i++) {
		peer_text(c.p[i].peer, peer, sizeof(peer));
		total += c.p[i].entries;
		if (json) {
			printf("%s\n  {\"peer\": \"%s\", \"entries\": %u, \"expires_ms\": %u, \"teps\": [",
			       i ? "," : "", peer, c.p[i].entries, c.p[i].max_ms);
			for (j = 0; j < c.p[i].nteps; j++)
				printf("%s%u", j ? ", " : "", c.p[i].teps[j]);
			printf("]}");
		} else {
			printf("%-40s entries %u  expires in %u s  teps", peer, c.p[i].entries,
			       (c.p[i].max_ms + 999) / 1000);
			for (j = 0; j < c.p[i].nteps; j++)
				printf(" 0x%02x", c.p[i].teps[j]);
			printf("\n");
		}
	}
	if (json)
		printf("%s]\n", c.n ? "\n" : "");
	else
		printf("total %u entries, %d peers\n", total, c.n);
	return 0;
}

static void flushed_one(const struct nlattr **tb, void *arg)
{
	*(uint32_t *)arg = get_u32(tb[TCPINC_A_FLUSHED]);
}

static int cmd_cache_flush(struct nl *nl)
{
	uint32_t n = 0;
	int err;

	nl_send(nl, nl->family, 0, TCPINC_CMD_FLUSH_CACHE, 0, NULL, 0);
	err = nl_recv(nl, TCPINC_A_MAX, flushed_one, &n);
	if (err == -EPERM) {
		fprintf(stderr, "%s: cache flush: %s (EPERM): needs CAP_NET_ADMIN in this network namespace's user namespace\n",
			prog, strerror(EPERM));
		return 1;
	}
	if (err)
		die_errno("cache flush", -err);
	printf("flushed %u entries\n", n);
	return 0;
}

/* --- config ------------------------------------------------------------ */

enum kind { K_INT, K_ULONG, K_TEPS, K_PORTS, K_AEADS, K_FLUSH };

/* The kernel's rules (tcpinc_pernet.c's sysctl table), checked before writing. */
static const struct setting {
	const char *name;
	enum kind kind;
	long lo, hi;
	const char *what;
} settings[] = {
	{ "eno_enable_connect", K_INT, 0, 1, "0 or 1: ULP sockets try ENO on connect()" },
	{ "eno_enable_listen", K_INT, 0, 1, "0 or 1: ULP listeners answer with ENO" },
	{ "eno_teps", K_TEPS, 0, 0, "up to 8 TEP ids (0x21 P-256, 0x23 X25519, 0x24 X448), increasing preference, no repeats" },
	{ "eno_bad_ports", K_PORTS, 1, 65535, "up to 16 ports 1..65535, comma or space separated" },
	{ "eno_pending_max", K_INT, 1, 1 << 20, "half-open negotiations per listener, 1..1048576" },
	{ "eno_pending_timeout", K_INT, 1, 600, "seconds, 1..600" },
	{ "tcpcrypt_aeads", K_AEADS, 0, 0, "1 to 8 AEAD ids (0x0001 AES-128-GCM, 0x0002 AES-256-GCM, 0x0010 ChaCha20-Poly1305), best first, no repeats" },
	{ "tcpcrypt_rekey_bytes", K_ULONG, 0, 0, "bytes under one key before a rekey, 0 = never" },
	{ "tcpcrypt_key_lifetime_ms", K_INT, 0, 60000, "milliseconds an ephemeral key pair is reused, 0..60000" },
	{ "resume_enable", K_INT, 0, 1, "0 or 1: propose and accept resumption" },
	{ "resume_cache_max", K_INT, 0, 65536, "cached chains, 0..65536" },
	{ "resume_cache_timeout", K_INT, 0, 7 * 24 * 3600, "seconds a chain lives, 0..604800" },
	{ "resume_cache_flush", K_FLUSH, 1, 1, "write-only: 1 wipes the cache" },
	{ "vmfork_abort", K_INT, 0, 1, "0 or 1: abort live sessions on a VM generation change" },
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static const struct setting *setting_find(const char *name)
{
	size_t i;

	if (!strncmp(name, "net.tcpinc.", 11))
		name += 11;
	for (i = 0; i < NSETTINGS; i++)
		if (!strcmp(settings[i].name, name))
			return &settings[i];
	return NULL;
}

/* A list of ids: each in [lo, hi], known (ok), no repeats, at most max, at least min. */
static bool id_list_ok(const char *v, int min, int max, long lo, long hi,
		       bool (*ok)(long), bool repeats_ok, char *why, size_t cap)
{
	char *s = strdup(v), *p = s, *tok, *end;
	long ids[32];
	int n = 0, i;

	if (!s)
		return false;
	while ((tok = strsep(&p, " ,\t\n")) != NULL) {
		long x;

		if (!*tok)
			continue;
		errno = 0;
		x = strtol(tok, &end, 0);
		if (errno || *end || x < lo || x > hi) {
			snprintf(why, cap, "'%s' is not a number in %#lx..%#lx", tok, lo, hi);
			goto bad;
		}
		if (ok && !ok(x)) {
			snprintf(why, cap, "'%s' is not an id this module knows", tok);
			goto bad;
		}
		if (n == max) {
			snprintf(why, cap, "more than %d entries", max);
			goto bad;
		}
		for (i = 0; i < n && !repeats_ok; i++)
			if (ids[i] == x) {
				snprintf(why, cap, "'%s' is repeated", tok);
				goto bad;
			}
		ids[n++] = x;
	}
	free(s);
	if (n < min) {
		snprintf(why, cap, "at least %d entr%s needed", min, min == 1 ? "y is" : "ies are");
		return false;
	}
	return true;
bad:
	free(s);
	return false;
}

static bool tep_ok(long x)
{
	return x == 0x21 || x == 0x23 || x == 0x24;
}

static bool aead_ok(long x)
{
	return x == 0x0001 || x == 0x0002 || x == 0x0010;
}

static bool value_ok(const struct setting *s, const char *v, char *why, size_t cap)
{
	char *end;

	switch (s->kind) {
	case K_INT:
	case K_FLUSH: {
		long x;

		errno = 0;
		x = strtol(v, &end, 10);
		if (errno || end == v || (*end && strcmp(end, "\n")) || x < s->lo || x > s->hi) {
			snprintf(why, cap, "'%s' is not an integer in %ld..%ld", v, s->lo, s->hi);
			return false;
		}
		return true;
	}
	case K_ULONG:
		errno = 0;
		if (*v == '-' || (strtoull(v, &end, 10), errno) || end == v || *end) {
			snprintf(why, cap, "'%s' is not an unsigned integer", v);
			return false;
		}
		return true;
	case K_TEPS:
		return id_list_ok(v, 0, 8, 0x20, 0x7f, tep_ok, false, why, cap);
	case K_PORTS:
		return id_list_ok(v, 0, 16, 1, 65535, NULL, true, why, cap);
	case K_AEADS:
		return id_list_ok(v, 1, 8, 1, 0xffff, aead_ok, false, why, cap);
	}
	return false;
}

static int config_show(const struct setting *s)
{
	char path[128], buf[256];
	FILE *f;

	if (s->kind == K_FLUSH) {
		printf("net.tcpinc.%s = (write-only)\n", s->name);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/sys/net/tcpinc/%s", s->name);
	f = fopen(path, "r");
	if (!f) {
		int e = errno;

		fprintf(stderr, "%s: %s: %s (%s)%s\n", prog, path, strerror(e), tcpinc_errname(e),
			e == ENOENT ? ": is the tcpinc module loaded?" : "");
		return 1;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	printf("net.tcpinc.%s = %s\n", s->name, buf);
	return 0;
}

static int config_set(const struct setting *s, const char *v)
{
	char path[128], why[160] = "";
	FILE *f;
	int e = 0;

	if (!value_ok(s, v, why, sizeof(why))) {
		fprintf(stderr, "%s: net.tcpinc.%s: invalid value: %s (expected %s)\n",
			prog, s->name, why, s->what);
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/sys/net/tcpinc/%s", s->name);
	f = fopen(path, "w");
	if (!f)
		e = errno;
	else if (fputs(v, f) < 0 || fflush(f) != 0)
		e = errno;
	if (f && fclose(f) != 0 && !e)
		e = errno;
	if (e) {
		fprintf(stderr, "%s: net.tcpinc.%s = %s: %s (%s): %s\n", prog, s->name, v, strerror(e),
			tcpinc_errname(e),
			e == EACCES || e == EPERM ? "needs root (CAP_NET_ADMIN) in this network namespace" :
			e == ENOENT ? "is the tcpinc module loaded?" :
			e == EINVAL ? "the kernel refused the value" : "write failed");
		return 1;
	}
	return s->kind == K_FLUSH ? 0 : config_show(s);
}

static int cmd_config(int argc, char **argv)
{
	const struct setting *s;
	size_t i;
	int rc = 0;

	if (argc == 0) {
		for (i = 0; i < NSETTINGS; i++)
			if (settings[i].kind != K_FLUSH)
				rc |= config_show(&settings[i]);
		return rc;
	}
	s = setting_find(argv[0]);
	if (!s) {
		fprintf(stderr, "%s: config: no setting '%s'; known:", prog, argv[0]);
		for (i = 0; i < NSETTINGS; i++)
			fprintf(stderr, " %s", settings[i].name);
		fprintf(stderr, "\n");
		return 1;
	}
	if (argc == 1)
		return config_show(s);
	if (argc == 2)
		return config_set(s, argv[1]);
	return -1;
}

/* --- main -------------------------------------------------------------- */

static int usage(void)
{
	fprintf(stderr,
		"usage: tcpinc show [--json]\n"
		"       tcpinc stats [--json] [INTERVAL [COUNT]]\n"
		"       tcpinc cache [--json]\n"
		"       tcpinc cache flush\n"
		"       tcpinc config [NAME [VALUE]]\n"
		"See tcpinc(8).\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct nl nl = { .fd = -1 };
	bool json = false;
	int i, j, rc;

	/* --json anywhere after the command. */
	for (i = j = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j"))
			json = true;
		else
			argv[j++] = argv[i];
	}
	argc = j;
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage();
	if (!strcmp(argv[1], "config")) {
		rc = cmd_config(argc - 2, argv + 2);
		return rc < 0 ? usage() : rc;
	}
	if (!strcmp(argv[1], "show") && argc == 2) {
		nl_open(&nl);
		return cmd_show(&nl, json);
	}
	if (!strcmp(argv[1], "stats") && argc <= 4) {
		int interval = argc > 2 ? atoi(argv[2]) : 0, count = argc > 3 ? atoi(argv[3]) : 0;

		if ((argc > 2 && interval <= 0) || (argc > 3 && count <= 0)) {
			fprintf(stderr, "%s: stats: INTERVAL and COUNT are positive integers\n", prog);
			return 2;
		}
		nl_open(&nl);
		return cmd_stats(&nl, interval, count, json);
	}
	if (!strcmp(argv[1], "cache") && argc == 2) {
		nl_open(&nl);
		return cmd_cache(&nl, json);
	}
	if (!strcmp(argv[1], "cache") && argc == 3 && !strcmp(argv[2], "flush")) {
		nl_open(&nl);
		return cmd_cache_flush(&nl);
	}
	return usage();
}
