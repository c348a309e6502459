// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_pernet.c - per network namespace state and /proc/net/tcpinc_stat.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>

#include "tcpinc.h"
#include "tcpinc_cache.h"
#include "tcpinc_eno.h"
#include "tcpinc_eno_pending.h"
#include "tcpinc_eph.h"
#include "tcpinc_ids.h"
#include "tcpinc_notify.h"
#include "tcpinc_pernet.h"
#include "tcpinc/core_api.h"
#include "../../crypto-glue/tcpinc_crypto.h"

unsigned int tcpinc_net_id __read_mostly;

static const char *const tcpinc_mib_names[__TCPINC_MIB_MAX] = {
	[TCPINC_MIB_CTX_LIVE]		= "TcpincCtxLive",
	[TCPINC_MIB_CTX_TOTAL]		= "TcpincCtxTotal",
	[TCPINC_MIB_CTX_REFUSED]	= "TcpincCtxRefused",
	[TCPINC_MIB_CLONE_FAILED]	= "TcpincCloneFailed",
	[TCPINC_MIB_NETDEV_EVENTS]	= "TcpincNetdevEvents",
	[TCPINC_MIB_PM_EVENTS]		= "TcpincPmEvents",
	[TCPINC_MIB_VMFORK_EVENTS]	= "TcpincVmforkEvents",
	[TCPINC_MIB_ENO_OK]		= "TcpincEnoOk",
	[TCPINC_MIB_ENO_FB_MISSING]	= "TcpincEnoFallbackMissing",
	[TCPINC_MIB_ENO_FB_ROLE]	= "TcpincEnoFallbackRole",
	[TCPINC_MIB_ENO_FB_NO_TEP]	= "TcpincEnoFallbackNoTep",
	[TCPINC_MIB_ENO_FB_AA]		= "TcpincEnoFallbackAppAware",
	[TCPINC_MIB_ENO_FB_MALFORMED]	= "TcpincEnoFallbackMalformed",
	[TCPINC_MIB_ENO_FB_OTHER]	= "TcpincEnoFallbackOther",
	[TCPINC_MIB_ENO_FB_NO_STATE]	= "TcpincEnoFallbackNoState",
	[TCPINC_MIB_ENO_OFF]		= "TcpincEnoOff",
	[TCPINC_MIB_ENO_ABORT]		= "TcpincEnoAbort",
	[TCPINC_MIB_ENO_MALFORMED]	= "TcpincEnoMalformedOption",
	[TCPINC_MIB_ENO_NO_SPACE]	= "TcpincEnoNoSpace",
	[TCPINC_MIB_ENO_PENDING_FULL]	= "TcpincEnoPendingFull",
	[TCPINC_MIB_TC_HANDSHAKES]	= "TcpincTcHandshakes",
	[TCPINC_MIB_TC_ABORT]		= "TcpincTcAbort",
	[TCPINC_MIB_TC_AUTH_FAIL]	= "TcpincTcAuthFail",
	[TCPINC_MIB_TC_REKEYS]		= "TcpincTcRekeys",
	[TCPINC_MIB_TC_REKEYS_SENT]	= "TcpincTcRekeysSent",
	[TCPINC_MIB_TC_TX_BYTES]	= "TcpincTcTxBytes",
	[TCPINC_MIB_TC_RX_BYTES]	= "TcpincTcRxBytes",
	[TCPINC_MIB_RESUME_OFFERED]	= "TcpincResumeOffered",
	[TCPINC_MIB_RESUME_ACCEPTED]	= "TcpincResumeAccepted",
	[TCPINC_MIB_RESUME_DECLINED]	= "TcpincResumeDeclined",
	[TCPINC_MIB_RESUME_NO_ROOM]	= "TcpincResumeNoRoom",
	[TCPINC_MIB_RESUMED]		= "TcpincResumed",
	[TCPINC_MIB_RESUME_REFUSED]	= "TcpincResumeRefused",
	[TCPINC_MIB_CACHE_INSERTS]	= "TcpincCacheInserts",
	[TCPINC_MIB_CACHE_EVICTED]	= "TcpincCacheEvicted",
	[TCPINC_MIB_CACHE_EXPIRED]	= "TcpincCacheExpired",
	[TCPINC_MIB_CACHE_WIPES]	= "TcpincCacheWipes",
	[TCPINC_MIB_CACHE_WIPED_ENTRIES] = "TcpincCacheWipedEntries",
	[TCPINC_MIB_ADDR_EVENTS]	= "TcpincAddrEvents",
	[TCPINC_MIB_VMFORK_ABORTS]	= "TcpincVmforkAborts",
	[TCPINC_MIB_TC_REKEYS_AUTO]	= "TcpincTcRekeysAuto",
	[TCPINC_MIB_TC_KEEPALIVES]	= "TcpincTcKeepalives",
	[TCPINC_MIB_ENO_PENDING_EVICTED] = "TcpincEnoPendingEvicted",
	[TCPINC_MIB_ENO_PENDING_EXPIRED] = "TcpincEnoPendingExpired",
	[TCPINC_MIB_ENO_PENDING_REPLACED] = "TcpincEnoPendingReplaced",
	[TCPINC_MIB_ENO_PENDING_WIPED]	= "TcpincEnoPendingWiped",
	[TCPINC_MIB_ENO_PENDING_LOST]	= "TcpincEnoPendingLost",
	[TCPINC_MIB_ENO_TFO_DROPPED]	= "TcpincEnoFastOpenDropped",
	[TCPINC_MIB_ENO_PENDING_LIVE]	= "TcpincEnoPendingLive",
};

/* --- sysctls: net.tcpinc.* (per netns) ------------------------------------ */

/* Parses "0x21 0x23" (any base, spaces or commas) into ids; 0 or -EINVAL. */
static int parse_u16_list(const char *s, u16 *out, int max, int *count, u16 lo, u16 hi)
{
	char *buf, *p, *tok;
	int n = 0, err = 0;
	unsigned long v;

	buf = kstrdup(s, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = buf;
	while ((tok = strsep(&p, " ,\t\n")) != NULL) {
		if (!*tok)
			continue;
		if (n == max || kstrtoul(tok, 0, &v) || v < lo || v > hi) {
			err = -EINVAL;
			break;
		}
		out[n++] = v;
	}
	kfree(buf);
	if (!err)
		*count = n;
	return err;
}

/*
 * The part every list-valued sysctl shares: text holds the current value,
 * formatted by the caller; a read returns it, a write parses the new text
 * into ids. 1: ids and *n hold a new list for the caller to check and store;
 * 0: nothing to store (a read); <0: errno.
 */
static int tcpinc_sysctl_list(char *text, size_t size, int write, void *buffer, size_t *lenp,
			      loff_t *ppos, u16 *ids, int max, int *n, u16 lo, u16 hi)
{
	struct ctl_table tmp = { .data = text, .maxlen = size };
	int err = proc_dostring(&tmp, write, buffer, lenp, ppos);

	if (err || !write)
		return err;
	err = parse_u16_list(text, ids, max, n, lo, hi);
	return err ? err : 1;
}

static int tcpinc_sysctl_teps(struct ctl_table *table, int write, void *buffer,
			      size_t *lenp, loff_t *ppos)
{
	struct tcpinc_net *tn = table->data;
	char text[64] = "";
	u16 ids[8];
	int i, n, err, len = 0;

	for (i = 0; i < tn->eno_tep_count; i++)
		len += scnprintf(text + len, sizeof(text) - len, "%s0x%02x", i ? " " : "",
				 tn->eno_teps[i]);
	err = tcpinc_sysctl_list(text, sizeof(text), write, buffer, lenp, ppos, ids, 8, &n,
				 0x20, 0x7f);
	if (err <= 0)
		return err;
	if (!tcpinc_ids_ok(ids, n, tcpinc_tep_known))
		return -EINVAL;
	for (i = 0; i < n; i++)
		tn->eno_teps[i] = ids[i];
	WRITE_ONCE(tn->eno_tep_count, n);
	return 0;
}

static int tcpinc_sysctl_ports(struct ctl_table *table, int write, void *buffer,
			       size_t *lenp, loff_t *ppos)
{
	struct tcpinc_net *tn = table->data;
	char text[128] = "";
	u16 ports[16];
	int i, n, err, len = 0;

	for (i = 0; i < tn->eno_bad_port_count; i++)
		len += scnprintf(text + len, sizeof(text) - len, "%s%u", i ? "," : "",
				 tn->eno_bad_ports[i]);
	err = tcpinc_sysctl_list(text, sizeof(text), write, buffer, lenp, ppos, ports, 16, &n,
				 1, 65535);
	if (err <= 0)
		return err;
	memcpy(tn->eno_bad_ports, ports, sizeof(ports[0]) * n);
	WRITE_ONCE(tn->eno_bad_port_count, n);
	return 0;
}

/* tcpcrypt_aeads: AEAD ids (RFC 8548 section 7), best first. */
static int tcpinc_sysctl_aeads(struct ctl_table *table, int write, void *buffer,
			       size_t *lenp, loff_t *ppos)
{
	struct tcpinc_net *tn = table->data;
	char text[64] = "";
	u16 ids[8];
	int i, n, err, len = 0;

	for (i = 0; i < tn->tcpcrypt_aead_count; i++)
		len += scnprintf(text + len, sizeof(text) - len, "%s0x%04x", i ? " " : "",
				 tn->tcpcrypt_aeads[i]);
	err = tcpinc_sysctl_list(text, sizeof(text), write, buffer, lenp, ppos, ids, 8, &n,
				 1, 0xffff);
	if (!err)
		return 0;
	if (err < 0 || !n || !tcpinc_ids_ok(ids, n, tcpinc_aead_known))
		return -EINVAL;
	memcpy(tn->tcpcrypt_aeads, ids, n * sizeof(ids[0]));
	WRITE_ONCE(tn->tcpcrypt_aead_count, n);
	return 0;
}

/* resume_cache_flush: writing 1 wipes this namespace's cache (operators, tests). */
static int tcpinc_sysctl_cache_flush(struct ctl_table *table, int write, void *buffer,
				     size_t *lenp, loff_t *ppos)
{
	struct net *net = table->data;
	struct tcpinc_wiped w = {};
	int val = 0, err;
	struct ctl_table tmp = { .data = &val, .maxlen = sizeof(val),
				 .extra1 = SYSCTL_ONE, .extra2 = SYSCTL_ONE };

	err = proc_dointvec_minmax(&tmp, write, buffer, lenp, ppos);
	if (err || !write)
		return err;
	tcpinc_notify_wipe_net(net, TCPINC_WIPE_NET, &w);
	pr_info("tcpinc: net.tcpinc.resume_cache_flush: resumption cache of netns %u wiped (%u entries, %u accepted by half-open connections)\n",
		net->ns.inum, w.cached, w.half_open);
	return 0;
}

/* Upper bounds: the cache's memory and a chain's lifetime. */
static const int tcpinc_resume_cache_limit = 65536;
static const int tcpinc_resume_timeout_limit = 7 * 24 * 3600;
static const int tcpinc_key_lifetime_limit = 60 * 1000;
/* Half-open negotiations: about 0.5 KiB each, per listener; seconds. */
static const int tcpinc_pending_max_limit = 1 << 20;
static const int tcpinc_pending_timeout_limit = 600;

static const struct ctl_table tcpinc_sysctl_template[] = {
	{ .procname = "eno_enable_connect", .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "eno_enable_listen", .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "eno_teps", .mode = 0644, .proc_handler = tcpinc_sysctl_teps },
	{ .procname = "eno_bad_ports", .mode = 0644, .proc_handler = tcpinc_sysctl_ports },
	{ .procname = "eno_pending_max", .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ONE,
	  .extra2 = (void *)&tcpinc_pending_max_limit },
	{ .procname = "tcpcrypt_aeads", .mode = 0644, .proc_handler = tcpinc_sysctl_aeads },
	{ .procname = "resume_enable", .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "resume_cache_max", .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO,
	  .extra2 = (void *)&tcpinc_resume_cache_limit },
	{ .procname = "resume_cache_timeout", .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO,
	  .extra2 = (void *)&tcpinc_resume_timeout_limit },
	{ .procname = "vmfork_abort", .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO, .extra2 = SYSCTL_ONE },
	{ .procname = "resume_cache_flush", .mode = 0200, .proc_handler = tcpinc_sysctl_cache_flush },
	{ .procname = "tcpcrypt_key_lifetime_ms", .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ZERO,
	  .extra2 = (void *)&tcpinc_key_lifetime_limit },
	{ .procname = "tcpcrypt_rekey_bytes", .maxlen = sizeof(unsigned long), .mode = 0644,
	  .proc_handler = proc_doulongvec_minmax },
	{ .procname = "eno_pending_timeout", .maxlen = sizeof(int), .mode = 0644,
	  .proc_handler = proc_dointvec_minmax, .extra1 = SYSCTL_ONE,
	  .extra2 = (void *)&tcpinc_pending_timeout_limit },
	{ }
};

static int tcpinc_sysctl_register(struct net *net, struct tcpinc_net *tn)
{
	struct ctl_table *t, *e;

	t = kmemdup(tcpinc_sysctl_template, sizeof(tcpinc_sysctl_template), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t[0].data = &tn->eno_enable_connect;
	t[1].data = &tn->eno_enable_listen;
	t[2].data = tn;
	t[3].data = tn;
	t[4].data = &tn->eno_pending_max;
	t[5].data = tn;
	/* Found by name: other entries may be added in between. */
	for (e = t; e->procname; e++) {
		if (!strcmp(e->procname, "resume_enable"))
			e->data = &tn->resume_enable;
		else if (!strcmp(e->procname, "resume_cache_max"))
			e->data = &tn->resume_cache_max;
		else if (!strcmp(e->procname, "resume_cache_timeout"))
			e->data = &tn->resume_cache_timeout;
		else if (!strcmp(e->procname, "vmfork_abort"))
			e->data = &tn->vmfork_abort;
		else if (!strcmp(e->procname, "resume_cache_flush"))
			e->data = net;
		else if (!strcmp(e->procname, "tcpcrypt_key_lifetime_ms"))
			e->data = &tn->tcpcrypt_key_lifetime_ms;
		else if (!strcmp(e->procname, "tcpcrypt_rekey_bytes"))
			e->data = &tn->tcpcrypt_rekey_bytes;
		else if (!strcmp(e->procname, "eno_pending_timeout"))
			e->data = &tn->eno_pending_timeout;
	}
	tn->sysctl = register_net_sysctl(net, "net/tcpinc", t);
	if (!tn->sysctl) {
		kfree(t);
		return -ENOMEM;
	}
	return 0;
}

static void tcpinc_sysctl_unregister(struct tcpinc_net *tn)
{
	struct ctl_table *t = tn->sysctl->ctl_table_arg;

	unregister_net_sysctl_table(tn->sysctl);
	kfree(t);
}

static unsigned long tcpinc_stat_read(const struct net *net, enum tcpinc_mib_field field)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(tn->mib, cpu)->mibs[field];
	return sum;
}

int tcpinc_stat_get(struct net *net, unsigned int i, const char **name, u64 *val)
{
	if (i < __TCPINC_MIB_MAX) {
		*name = tcpinc_mib_names[i];
		*val = tcpinc_stat_read(net, i);
		return 0;
	}
	/* Gauges of the resumption cache: its entries and their memory. */
	switch (i - __TCPINC_MIB_MAX) {
	case 0:
		*name = "TcpincCacheEntries";
		*val = tcpinc_cache_count(net);
		return 0;
	case 1:
		*name = "TcpincCacheBytes";
		*val = (u64)tcpinc_cache_count(net) * tcpinc_cache_entry_size();
		return 0;
	}
	return -ENOENT;
}

static int tcpinc_stat_show(struct seq_file *seq, void *v)
{
	struct net *net = seq->private;
	const char *name;
	unsigned int i;
	u64 val;

	for (i = 0; !tcpinc_stat_get(net, i, &name, &val); i++)
		seq_printf(seq, "%-32s\t%llu\n", name, val);
	return 0;
}

static int __net_init tcpinc_net_init(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	int err = -ENOMEM;

	/*
	 * Defaults: a socket that took the ULP wants ENO; offer X25519
	 * (mandatory to implement, preferred, so last), then X448 (when its
	 * KPP "curve448" was allocated) and P-256, in increasing preference.
	 */
	tn->eno_enable_connect = 1;
	tn->eno_enable_listen = 1;
	tn->eno_tep_count = 0;
	tn->eno_teps[tn->eno_tep_count++] = TCPINC_CORE_KEX_P256;
	if (tcpinc_crypto_kex_available(TCPINC_CORE_KEX_X448))
		tn->eno_teps[tn->eno_tep_count++] = TCPINC_CORE_KEX_X448;
	tn->eno_teps[tn->eno_tep_count++] = TCPINC_CORE_KEX_X25519;
	tn->eno_pending_max = 1024;
	/* Longer than a SYN-ACK retransmission series (1+2+4+8+16+32 s). */
	tn->eno_pending_timeout = 75;
	/* AES-128-GCM is tcpcrypt's mandatory AEAD and kTLS's peer. */
	tn->tcpcrypt_aeads[0] = TCPINC_CORE_AEAD_AES_128_GCM;
	tn->tcpcrypt_aeads[1] = TCPINC_CORE_AEAD_CHACHA20_POLY1305;
	tn->tcpcrypt_aeads[2] = TCPINC_CORE_AEAD_AES_256_GCM;
	tn->tcpcrypt_aead_count = 3;
	/*
	 * One rekey per GiB: nonces never repeat (they count stream bytes),
	 * so this is about how much one key protects and how far back a
	 * stolen key reads, at the cost of one key derivation per GiB.
	 */
	tn->tcpcrypt_rekey_bytes = 1UL << 30;
	mutex_init(&tn->hooks_lock);
	/*
	 * Resumption on, 1024 chains for at most an hour; a VM generation
	 * change aborts live sessions (Documentation/resumption.md).
	 */
	tn->resume_enable = 1;
	tn->resume_cache_max = 1024;
	tn->resume_cache_timeout = 3600;
	tn->vmfork_abort = 1;
	/* One ephemeral key pair per group serves at most a second of handshakes. */
	tn->tcpcrypt_key_lifetime_ms = 1000;
	tcpinc_eph_init(tn);
	spin_lock_init(&tn->crypt_lock);
	INIT_LIST_HEAD(&tn->crypt_socks);
	tcpinc_pending_net_init(tn);

	tn->mib = alloc_percpu(struct tcpinc_mib);
	if (!tn->mib)
		return -ENOMEM;
	err = tcpinc_cache_create(net);
	if (err)
		goto err_mib;
	err = -ENOMEM;
	if (!proc_create_net_single("tcpinc_stat", 0444, net->proc_net,
				    tcpinc_stat_show, NULL))
		goto err_mib;
	err = tcpinc_sysctl_register(net, tn);
	if (err)
		goto err_proc;
	return 0;

err_proc:
	remove_proc_entry("tcpinc_stat", net->proc_net);
err_mib:
	tcpinc_cache_destroy(net);
	free_percpu(tn->mib);
	tn->mib = NULL;
	return err;
}

static void __net_exit tcpinc_net_exit(struct net *net)
{
	struct tcpinc_net *tn = tcpinc_pernet(net);

	unsigned int n;

	tcpinc_eno_hooks_remove(net);
	tcpinc_pending_net_exit(tn);
	n = tcpinc_cache_destroy(net);
	tcpinc_eph_wipe(net);
	if (n)
		pr_info("tcpinc: namespace exit or module unload: resumption cache wiped (%u entries)\n",
			n);
	tcpinc_sysctl_unregister(tn);
	remove_proc_entry("tcpinc_stat", net->proc_net);
	free_percpu(tn->mib);
	tn->mib = NULL;
}

static struct pernet_operations tcpinc_net_ops = {
	.init = tcpinc_net_init,
	.exit = tcpinc_net_exit,
	.id   = &tcpinc_net_id,
	.size = sizeof(struct tcpinc_net),
};

int tcpinc_pernet_register(void)
{
	return register_pernet_subsys(&tcpinc_net_ops);
}

void tcpinc_pernet_unregister(void)
{
	unregister_pernet_subsys(&tcpinc_net_ops);
}
