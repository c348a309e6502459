// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypt_pump.c - the tcpcrypt receive path and the pump: ciphertext
 * off TCP's receive queue into the core (tcp_read_sock), and
 * tcpinc_crypt_pump(), which moves a connection as far as it can without
 * the application. Calls tcpinc_crypt_output.c and _session.c only.
 * Socket lock held.
 */
#include <linux/mm.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_crypt.h"
#include "tcpinc_crypt_int.h"
#include "tcpinc_crypt_skb.h"
#include "tcpinc/core_api.h"

struct tcpinc_crypt_rx_state {
	struct tcpinc_crypt *cr;
	struct sock *sk;
	int status;
};

/*
 * tcp_read_sock() actor: feeds the skb's ciphertext to the core and
 * the core; stops (by consuming less) as soon as a frame with plaintext is
 * open, so that TCP keeps the rest and its window throttles the peer.
 */
static int tcpinc_crypt_rx_actor(read_descriptor_t *desc, struct sk_buff *skb,
		       unsigned int offset, size_t len)
{
	struct tcpinc_crypt_rx_state *rs = desc->arg.data;
	struct tcpinc_crypt *cr = rs->cr;
	struct tcpinc_core_seg segs[TCPINC_CORE_TC_MAX_SEGS];
	u8 chunk[TCPINC_CRYPT_RX_CHUNK];
	size_t done = 0;

	/*
	 * tcp_read_sock() calls us again for the rest of an skb we did not
	 * consume (it only checks desc->count between skbs). After a failure
	 * the session is wiped and would answer ABORTED, which must not
	 * replace the first status: a bad frame followed by more bytes in the
	 * same skb (the peer's FINp frame, coalesced by TCP) was reported as
	 * malformed input (EPROTO) instead of an authentication failure.
	 */
	if (!desc->count || rs->status)
		return 0;
	while (done < len && !cr->rx_len && !cr->eof && !cr->err) {
		struct tcpinc_core_tc_event ev = {};
		unsigned int nsegs = tcpinc_crypt_skb_segs(skb, offset + done, len - done, segs,
							   ARRAY_SIZE(segs));
		size_t n, used = 0;
		int st;

		if (!nsegs) {
			segs[0].len = min_t(size_t, len - done, sizeof(chunk));
			if (skb_copy_bits(skb, offset + done, chunk, segs[0].len))
				break;
			segs[0].data = chunk;
			nsegs = 1;
		}
		/*
		 * A frame lying across the pieces is opened where it lies;
		 * otherwise the core takes from the first piece.
		 */
		n = segs[0].len;
		st = tcpinc_core_tc_receive_segs(cr->sess, segs, nsegs, &used, &ev);
		done += used;
		if (st == TCPINC_CORE_TC_NO_MEMORY) {
			/* What was used is kept in the core; the rest waits in TCP. */
			cr->rx_nomem = true;
			break;
		}
		if (st != TCPINC_CORE_TC_OK && st != TCPINC_CORE_TC_NEED_MORE) {
			rs->status = st;
			break;
		}
		if (ev.established) {
			WRITE_ONCE(cr->established, true);
			TCPINC_INC_STATS(sock_net(rs->sk), TCPINC_MIB_TC_HANDSHAKES);
			tcpinc_crypt_cache_export(rs->sk, tcpinc_ctx(rs->sk), cr);
			tcpinc_crypt_summary_publish(tcpinc_ctx(rs->sk), cr);
		}
		if (ev.rekeyed) {
			struct tcpinc_sock *ctx = tcpinc_ctx(rs->sk);

			TCPINC_INC_STATS(sock_net(rs->sk), TCPINC_MIB_TC_REKEYS);
			if (ctx)
				WRITE_ONCE(ctx->rekeys_received, ctx->rekeys_received + 1);
		}
		if (ev.frame && ev.data_len) {
			cr->rx_data = ev.data;
			WRITE_ONCE(cr->rx_off, 0);
			WRITE_ONCE(cr->rx_len, ev.data_len);
		}
		if (ev.eof)
			WRITE_ONCE(cr->eof, true);
		if (st == TCPINC_CORE_TC_NEED_MORE && used == n)
			continue;
		if (!used && st == TCPINC_CORE_TC_OK && !ev.frame && !ev.established)
			break;	/* no progress: never spin */
	}
	desc->count = (cr->rx_len || cr->eof || cr->err || rs->status || cr->rx_nomem) ? 0 : 1;
	return done;
}

/*
 * A segment with URG set makes TCP mark an urgent byte (urg_data, urg_seq),
 * and tcp_read_sock() stops at that mark until tcp_recvmsg() reads past it,
 * which never happens here: the stream would stall for good. tcpcrypt has
 * no urgent data of its own in TCP's header (we refuse MSG_OOB, and the
 * header is not authenticated: anyone on the path can set URG), so the
 * mark is forgotten and the byte read in line with the ciphertext around
 * it, as it was sent. Socket lock held, so no segment changes it meanwhile.
 */
static void tcpinc_crypt_drop_urgent(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	sock_owned_by_me(sk);
	if (likely(!READ_ONCE(tp->urg_data)))
		return;
	WRITE_ONCE(tp->urg_data, 0);
	tcp_fast_path_check(sk);
}

/*
 * Moves the connection forward as far as it can without the application:
 * start the session, queue what is staged and what the core owes, read and
 * open ciphertext until a frame's plaintext waits for recvmsg. Socket lock
 * held. Returns false if the connection was aborted.
 */
bool tcpinc_crypt_pump(struct sock *sk, struct tcpinc_sock *ctx, int flags)
{
	struct tcpinc_crypt *cr = ctx->crypt;
	struct tcpinc_crypt_rx_state rs = { .cr = cr, .sk = sk };
	read_descriptor_t desc;
	int st;

	sock_owned_by_me(sk);
	if (cr->err)
		return false;
	if (!tcpinc_crypt_vm_ok(sk, cr))
		return false;
	if (!cr->started) {
		st = tcpinc_crypt_start(sk, ctx, cr);
		if (st != TCPINC_CORE_TC_OK) {
			tcpinc_crypt_abort_locked(sk, cr, TCPINC_ERR_PROTO, "cannot start the key exchange");
			return false;
		}
	}
	for (;;) {
		if (!tcpinc_crypt_flush(sk, cr, flags | MSG_DONTWAIT))
			break;
		st = tcpinc_crypt_poll_output(sk, cr);
		if (st >= TCPINC_CORE_TC_FIRST_ABORT) {
			tcpinc_crypt_abort_locked(sk, cr, tcpinc_crypt_status_errno(st), "key exchange failed");
			return false;
		}
		if (!cr->tx_len)
			break;
	}
	if (!cr->rx_len && !cr->eof && sk->sk_state != TCP_LISTEN) {
		cr->rx_nomem = false;
		tcpinc_crypt_drop_urgent(sk);
		desc.arg.data = &rs;
		desc.count = 1;
		tcp_read_sock(sk, &desc, tcpinc_crypt_rx_actor);
		if (rs.status) {
			tcpinc_crypt_abort_locked(sk, cr, tcpinc_crypt_status_errno(rs.status),
					rs.status == TCPINC_CORE_TC_AUTH_FAILURE ?
					"a frame failed authentication" : "malformed tcpcrypt input");
			if (rs.status == TCPINC_CORE_TC_AUTH_FAILURE)
				TCPINC_INC_STATS(sock_net(sk), TCPINC_MIB_TC_AUTH_FAIL);
			return false;
		}
		if (cr->rx_nomem)
			net_warn_ratelimited("tcpinc: no memory for a received tcpcrypt frame; recv says ENOMEM, the data stays queued\n");
		/* Receiving may owe the peer an answer (Init2, rekey). */
		if (!tcpinc_crypt_poll_output(sk, cr))
			tcpinc_crypt_flush(sk, cr, flags | MSG_DONTWAIT);
	}
	if (cr->established && !cr->ka_armed) {
		cr->ka_armed = true;
		if (sock_flag(sk, SOCK_KEEPOPEN) && !sock_flag(sk, SOCK_DEAD))
			tcpinc_crypt_ka_arm(sk, cr, keepalive_time_when(tcp_sk(sk)));
	}
	if (test_and_clear_bit(TCPINC_CRYPT_KA_DUE, &cr->ka_flags))
		tcpinc_crypt_ka_due(sk, cr);
	/*
	 * The peer's FIN (SOCK_DONE; not our own SHUT_RD, not a reset, which
	 * sets sk_err) with the stream exhausted and no FINp: truncation.
	 */
	if (!cr->eof && !cr->rx_len && sock_flag(sk, SOCK_DONE) && !READ_ONCE(sk->sk_err) &&
	    skb_queue_empty(&sk->sk_receive_queue)) {
		tcpinc_core_tc_on_peer_fin(cr->sess);
		tcpinc_crypt_abort_locked(sk, cr, TCPINC_ERR_FIN, "TCP FIN without a FINp frame");
		return false;
	}
	return true;
}
