// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_eno_sock.c - a socket's TCP-ENO negotiation: its configuration
 * (socket options over sysctls), the resumption proposal before the first
 * SYN, counting and reporting each outcome, and its lifetime (init, the
 * accepted child's takeover of a listener's half-open negotiation,
 * release). The hooks that move option bytes (tcpinc_eno_output.c,
 * tcpinc_eno_input.c) drive it; the negotiation logic itself is the C++
 * core's (tcpinc_core_eno_*).
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_abort.h"
#include "tcpinc_cache.h"
#include "tcpinc_eno_pending.h"
#include "tcpinc_eno_skb.h"
#include "tcpinc_eno_sock.h"
#include "tcpinc_ids.h"
#include "tcpinc_vmgen.h"
#include "tcpinc/core_api.h"

/* --- counting outcomes ---------------------------------------------------- */

/*
 * Who is told that ENO enabled encryption: set once by the ULP layer
 * before its ULP is registered (so before any hook or clone can run), read
 * locklessly after. ENO reports upwards through it and calls nothing of
 * the layers above.
 */
static const struct tcpinc_eno_ops *tcpinc_eno_ops;

void tcpinc_eno_set_ops(const struct tcpinc_eno_ops *ops)
{
	WRITE_ONCE(tcpinc_eno_ops, ops);
}

/* A resumption attempt that will not key a session: ss[i] goes (already burnt). */
void tcpinc_eno_resume_drop(struct tcpinc_sock *ctx)
{
	if (ctx->resume_state == TCPINC_RESUME_PROPOSED || ctx->resume_state == TCPINC_RESUME_ACCEPTED) {
		tcpinc_core_tc_resume_wipe_attempt(&ctx->resume);
		ctx->resume_state = TCPINC_RESUME_NONE;
	}
}

void tcpinc_eno_count_outcome(struct net *net, struct tcpinc_sock *ctx, int action)
{
	int reason;

	switch (action) {
	case TCPINC_CORE_ENO_ENABLE:
		WRITE_ONCE(ctx->phase, TCPINC_ENO_ENABLED);
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_OK);
		/* Every TEP we negotiate is tcpcrypt: the ULP starts its data path. */
		READ_ONCE(tcpinc_eno_ops)->enabled(ctx->sk, ctx);
		return;
	case TCPINC_CORE_ENO_ABORT:
		WRITE_ONCE(ctx->phase, TCPINC_ENO_ABORTED);
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_ABORT);
		tcpinc_eno_resume_drop(ctx);
		return;
	case TCPINC_CORE_ENO_FALLBACK:
		break;
	default:
		return;
	}
	WRITE_ONCE(ctx->phase, TCPINC_ENO_DISABLED);
	tcpinc_eno_resume_drop(ctx);
	reason = tcpinc_core_eno_reason(ctx->eno);
	ctx->reason = reason;
	switch (reason) {
	case TCPINC_CORE_ENO_R_MISSING_ENO:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_MISSING);
		break;
	case TCPINC_CORE_ENO_R_ROLE_CONFLICT:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_ROLE);
		break;
	case TCPINC_CORE_ENO_R_NO_VALID_TEP:
	case TCPINC_CORE_ENO_R_PEER_VACUOUS:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_NO_TEP);
		break;
	case TCPINC_CORE_ENO_R_PEER_NOT_APP_AWARE:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_AA);
		break;
	case TCPINC_CORE_ENO_R_MULTIPLE_ENO:
	case TCPINC_CORE_ENO_R_MALFORMED_ENO:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_MALFORMED);
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_MALFORMED);
		break;
	case TCPINC_CORE_ENO_R_CONFIG_DISABLED:
	case TCPINC_CORE_ENO_R_LOCAL_VACUOUS:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_OFF);
		break;
	default:
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_OTHER);
		break;
	}
}

/* --- configuration -------------------------------------------------------- */

static bool port_is_bad(const struct tcpinc_net *tn, __be16 port)
{
	u8 n = min_t(u8, READ_ONCE(tn->eno_bad_port_count), ARRAY_SIZE(tn->eno_bad_ports));
	int i;

	for (i = 0; i < n; i++)
		if (READ_ONCE(tn->eno_bad_ports[i]) == ntohs(port))
			return true;
	return false;
}

/*
 * The core configuration of a socket's negotiation: socket options where
 * set, the namespace's sysctls otherwise (draft-ietf-tcpinc-api-06 5).
 */
void tcpinc_eno_core_config(const struct tcpinc_sock *ctx, struct net *net, bool passive,
			__be16 lport, __be16 rport, struct tcpinc_core_eno_config *c)
{
	const struct tcpinc_net *tn = tcpinc_pernet(net);
	const struct tcpinc_eno_cfg *cfg = &ctx->cfg;
	const u8 *teps;
	u8 n, i;

	memset(c, 0, sizeof(*c));
	if (cfg->enabled >= 0)
		c->enabled = cfg->enabled;
	else
		c->enabled = (passive ? READ_ONCE(tn->eno_enable_listen) :
				       READ_ONCE(tn->eno_enable_connect)) &&
			     !port_is_bad(tn, lport) && !port_is_bad(tn, rport);
	/*
	 * RFC 8547 section 10: ENO must not be sent before the RNG can give
	 * the TEP its fresh randomness (tcpcrypt's nonces and keys).
	 */
	if (c->enabled && !rng_is_initialized()) {
		net_info_ratelimited("tcpinc: random number generator not seeded yet: ENO off for this connection\n");
		c->enabled = 0;
	}
	c->passive = passive;
	c->b = cfg->gopt & 0x01;
	c->a = !!(cfg->gopt & 0x02);
	c->aa_mandatory = cfg->aa_mandatory;
	c->tep_mandatory = cfg->tep_mandatory;
	if (cfg->tep_count != 0xff) {
		n = cfg->tep_count;
		teps = cfg->teps;
	} else {
		n = min_t(u8, READ_ONCE(tn->eno_tep_count), ARRAY_SIZE(tn->eno_teps));
		teps = tn->eno_teps;
	}
	/*
	 * What we offer (A) and what we may select (B) are the same list:
	 * the configured TEPs this kernel can run. A TEP left out here
	 * falls back (no valid TEP) where selecting it would have ENO
	 * enable a session that cannot start (EPROTO).
	 */
	for (i = 0; i < n && i < ARRAY_SIZE(c->teps); i++) {
		u8 id = READ_ONCE(teps[i]);

		if (tcpinc_tep_runnable(id))
			c->teps[c->tep_count++] = id;
		else
			net_info_ratelimited("tcpinc: TEP 0x%02x is configured but this kernel cannot run its key exchange: left out of ENO (no valid TEP if it was the only one)\n",
					     id);
	}
}

/* --- resumption (RFC 8548 3.5) ---------------------------------------------- */

/*
 * The cache controls in force for a connection of this socket (or of a
 * listener's children); false if resumption is off altogether.
 */
bool tcpinc_eno_resume_policy(const struct tcpinc_sock *ctx, struct net *net,
			  struct tcpinc_core_tc_resume_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->ignore_resumption = ctx->cfg.no_resume || !READ_ONCE(tcpinc_pernet(net)->resume_enable);
	pol->no_cache = ctx->cfg.no_cache;
	pol->nonce_len = ctx->cfg.nonce_len;
	return !pol->ignore_resumption;
}

/*
 * The longest SYN option a proposal can make for config c: one TEP with v = 1
 * and a 9-byte half plus an 8-byte nonce. Asked of the core, which builds
 * the option itself, so the global suboption is counted exactly when it is
 * sent (a = 1 or mandatory application-aware mode alike). Too long
 * (negative) is answered with more than any SYN has room for.
 */
static int resume_option_len(const struct tcpinc_core_eno_config *c)
{
	struct tcpinc_core_eno_config probe = *c;
	int len;

	probe.tep_count = 1;
	probe.teps[0] = c->teps[c->tep_count - 1];
	probe.resume_tep = probe.teps[0];
	probe.resume_data_len = TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN - 1;
	len = tcpinc_core_eno_syn_option_len(&probe);
	return len > 0 ? len : MAX_TCP_OPTION_SPACE + 1;
}

/*
 * An active opener proposes resumption when the cache holds a chain for the
 * peer with a TEP it would offer. The SYN then carries that TEP alone, with
 * v = 1 (B may still answer it with v = 0: a fresh key exchange), so the ENO
 * option is 20 bytes and fits next to Linux's 20. The proposal burns ss[i]
 * whatever happens next (RFC 8548 3.5). Called once per connection, before
 * the first SYN, so SYN retransmissions repeat it byte for byte.
 */
void tcpinc_eno_resume_propose(struct tcpinc_sock *ctx, struct net *net, const struct tcpinc_flow *f,
			   const struct tcphdr *th, struct tcpinc_core_eno_config *c)
{
	struct tcpinc_core_tc_resume_policy pol;
	u8 sub[TCPINC_CORE_TC_MAX_RESUME_SUBOPT_LEN];
	tcpinc_usize len = 0;
	int have;
	u8 tep;

	lockdep_assert_held(&ctx->lock);
	/* b = 1 on an active open only works in simultaneous open: no resumption there. */
	if (!c->enabled || !c->tep_count || c->b || !tcpinc_eno_resume_policy(ctx, net, &pol))
		return;
	/*
	 * The proposal must fit this SYN (its options without NOPs, e.g. with
	 * a Fast Open cookie request they do not): otherwise the SYN would go
	 * without ENO at all. Then offer fresh and keep the secret unused.
	 */
	have = tcpinc_skb_options_compact_len(th);
	if (have < 0 || have + resume_option_len(c) > MAX_TCP_OPTION_SPACE)
		return;
	/* Before the take: a VM generation change after it must show. */
	ctx->resume_vmgen = atomic_read(&tcpinc_vm_generation);
	if (tcpinc_cache_take(net, &f->raddr, c->teps, c->tep_count, &pol, &ctx->resume, &tep,
			      &ctx->chain))
		return;
	if (tcpinc_core_tc_resume_build(&ctx->resume, sub, sizeof(sub), &len) != TCPINC_CORE_TC_OK ||
	    len <= TCPINC_CORE_TC_RESUME_HALF_LEN || len > sizeof(sub) ||
	    tcpinc_core_tc_resume_answer_half(&ctx->resume, c->resume_expect_half) != TCPINC_CORE_TC_OK) {
		tcpinc_core_tc_resume_wipe_attempt(&ctx->resume);
		return;
	}
	c->tep_count = 1;
	c->teps[0] = tep;
	c->resume_tep = tep;
	c->resume_data_len = len - 1;
	memcpy(c->resume_data, sub + 1, len - 1);
	ctx->resume_state = TCPINC_RESUME_PROPOSED;
	TCPINC_INC_STATS(net, TCPINC_MIB_RESUME_OFFERED);
}

/* --- socket lifetime --------------------------------------------------------- */

void tcpinc_eno_sock_init(struct tcpinc_sock *ctx, struct sock *sk)
{
	spin_lock_init(&ctx->lock);
	INIT_LIST_HEAD(&ctx->crypt_node);
	ctx->eno = (struct tcpinc_core_eno *)(ctx + 1);
	ctx->cfg.enabled = -1;
	ctx->cfg.tep_count = 0xff;
	WRITE_ONCE(ctx->phase, TCPINC_ENO_UNSTARTED);
}

/*
 * The accepted child takes over the listener's half-open negotiation. lctx
 * is the listener's context: not taken from req->rsk_listener, which is
 * NULL for a request rebuilt from a SYN cookie. Its
 * third ACK was already fed by the input hook if it carried ENO; if it did
 * not, the handshake's first ACK lacked ENO and the core falls back.
 */
void tcpinc_eno_sock_clone(struct tcpinc_sock *ctx, struct tcpinc_sock *lctx,
			   const struct request_sock *req, struct sock *newsk)
{
	struct net *net = sock_net(newsk);
	struct tcpinc_pending_entry *e = NULL;
	struct tcpinc_flow f;
	int action, discard;

	tcpinc_eno_sock_init(ctx, newsk);
	WRITE_ONCE(ctx->quiet, 1);			/* B never adds ENO after its SYN-ACK */
	if (lctx) {
		struct tcpinc_pending *p = tcpinc_pending_of(lctx);

		/*
		 * The listener is not locked here (TCP's listeners are
		 * lockless): its ctx->lock keeps a setsockopt() on it from
		 * tearing the copy.
		 */
		spin_lock(&lctx->lock);
		ctx->cfg = lctx->cfg;
		spin_unlock(&lctx->lock);
		if (p) {
			tcpinc_flow_from_req(req, &f);
			spin_lock(&p->lock);
			e = tcpinc_pending_find(p, &f, tcp_rsk(req)->rcv_isn);
			if (e) {
				memcpy(ctx->eno, tcpinc_entry_eno(e), tcpinc_eno_size);
				/* The accepted resumption moves too; the entry is wiped. */
				ctx->rs = e->rs;
				tcpinc_pending_free(p, e);
			}
			spin_unlock(&p->lock);
		}
	}
	if (!e) {
		WRITE_ONCE(ctx->phase, TCPINC_ENO_DISABLED);
		TCPINC_INC_STATS(net, TCPINC_MIB_ENO_FB_NO_STATE);
		return;
	}
	WRITE_ONCE(ctx->phase, TCPINC_ENO_NEGOTIATING);
	switch (tcpinc_core_eno_state(ctx->eno)) {
	case TCPINC_CORE_ENO_ENABLED:
		tcpinc_eno_count_outcome(net, ctx, TCPINC_CORE_ENO_ENABLE);
		break;
	case TCPINC_CORE_ENO_SYN_RECEIVED:
		action = tcpinc_core_eno_on_receive(ctx->eno, TCPHDR_ACK, NULL, 0, 0, &discard);
		tcpinc_eno_count_outcome(net, ctx, action);
		if (action == TCPINC_CORE_ENO_ABORT)
			tcpinc_abort_async(newsk, ECONNABORTED);
		break;
	case TCPINC_CORE_ENO_ABORTED:
		tcpinc_eno_count_outcome(net, ctx, TCPINC_CORE_ENO_ABORT);
		tcpinc_abort_async(newsk, ECONNABORTED);
		break;
	default:
		tcpinc_eno_count_outcome(net, ctx, TCPINC_CORE_ENO_FALLBACK);
		break;
	}
}

/* After the ULP layer freed the tcpcrypt session (tcpinc_ulp_release). */
void tcpinc_eno_sock_release(struct tcpinc_sock *ctx)
{
	tcpinc_core_tc_resume_wipe_attempt(&ctx->resume);
	tcpinc_pending_release(ctx);
	/* The negotiation holds option bytes and flags, no secret; still wipe. */
	memzero_explicit(ctx->eno, tcpinc_eno_size);
}

size_t tcpinc_eno_ctx_extra(void)
{
	return tcpinc_eno_size;
}
