// SPDX-License-Identifier: GPL-2.0
/*
 * tcpinc_crypt_sock.c - the tcpcrypt data path (RFC 8548) for sockets whose
 * ENO negotiation enabled a tcpcrypt TEP: the key exchange (Init1/Init2)
 * and every application byte in encryption frames, driven by the C++ core
 * (tcpinc_core_tc_*) with the kernel crypto provider (crypto-glue/).
 *
 * Model (kTLS's software path, simplified):
 * - Send: sendmsg copies at most TCPINC_CRYPT_FRAME_DATA bytes from the user
 *   straight to their place in a per-frame buffer, seals them there in
 *   place, once, and queues the ciphertext to TCP with
 *   tcp_sendmsg_locked(), which copies it; TCP retransmits those same
 *   bytes, and the buffer goes. Ciphertext that TCP could not take yet
 *   (non-blocking socket, signal) stays staged and is queued before
 *   anything else; it is never sealed again.
 * - Receive: the ciphertext is taken off TCP's receive queue with
 *   tcp_read_sock() and fed to the core straight from the skb's memory
 *   (copied only from shared or highmem fragments); the core opens one
 *   frame at a time: a frame whole in one piece of an skb straight from
 *   there, a frame cut across pieces once gathered into a buffer of its
 *   size. Either way its plaintext lands in a per-frame buffer, handed out
 *   by recvmsg and freed once read, before more is read (TCP's window
 *   pushes back on the peer meanwhile). An idle connection holds no
 *   buffer.
 * - Nobody may wait for the application during the key exchange: A's
 *   Init1 goes out from a work item scheduled when ENO enables, and B's
 *   Init2 answers from one scheduled when data arrives (sk_data_ready), so
 *   server-speaks-first protocols work. Nothing else is owed to the peer
 *   unasked, so no work item runs otherwise: once keyed, and for resumed
 *   sessions (no Init messages) from the start, the data path moves when
 *   the application looks - recvmsg, sendmsg, poll (which opens what
 *   arrived before it reports readiness), close. Each work item costs two
 *   context switches per connection, the largest cost of a resumed one.
 * - Until the keys exist, sends wait (EAGAIN when non-blocking) and the
 *   socket does not poll writable. EOF only on a FINp frame; an
 *   authentication failure or a FIN without FINp aborts the connection
 *   (RST) with an errno that is never 0 (Documentation/socket-api.md).
 *
 * Locking: everything in struct tcpinc_crypt is under the socket lock
 * (lock_sock), which every path here takes; the softirq callbacks only
 * schedule the work item.
 *
 * Files (each calls only those listed after it): tcpinc_crypt_tx.c and
 * _rx.c (the socket entries), _sock.c (this one: lifecycle, the work
 * item and keep-alive timer callback, which create sessions, the socket
 * callbacks, connect and poll), _pump.c (receive and the pump), _skb.c
 * (where a received skb's ciphertext lies), _output.c (what goes to TCP, rekey and keep-alive),
 * _session.c (start, abort, getters).
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/inet_common.h>
#include <net/tcp.h>

#include "tcpinc.h"
#include "tcpinc_abort.h"
#include "tcpinc_socks.h"
#include "tcpinc_vmgen.h"
#include "tcpinc_crypt.h"
#include "tcpinc_crypt_int.h"
#include "tcpinc_cache.h"
#include "tcpinc/core_api.h"

/*
 * The data path state and the core session in one allocation of about
 * 1 KiB (the session is keys and state; frames in flight take their own
 * buffers). Sized once, as the core's size does not change.
 */
static size_t tcpinc_crypt_alloc_size(void)
{
	return ALIGN(sizeof(struct tcpinc_crypt), 8) + tcpinc_core_tc_session_size();
}

static void tcpinc_crypt_ka_timer_fn(struct timer_list *t);

/* Creates the data path state; process context, socket lock held. */
static struct tcpinc_crypt *tcpinc_crypt_create(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt *cr = kzalloc(tcpinc_crypt_alloc_size(), GFP_KERNEL);

	if (!cr)
		return NULL;
	/* All zero is the core's idle session. */
	cr->sess = (void *)cr + ALIGN(sizeof(*cr), 8);
	/*
	 * A resumption attempt's secret left the cache in generation
	 * ctx->resume_vmgen: tcpinc_crypt_pump refuses to key a session from it if
	 * this VM was restored or cloned since, however late the session is
	 * created.
	 */
	spin_lock_bh(&ctx->lock);
	if (ctx->resume_state == TCPINC_RESUME_PROPOSED || ctx->resume_state == TCPINC_RESUME_ACCEPTED)
		cr->vmgen = ctx->resume_vmgen;
	else
		cr->vmgen = atomic_read(&tcpinc_vm_generation);
	spin_unlock_bh(&ctx->lock);
	tcpinc_socks_add(sock_net(sk), ctx);
	cr->sk = sk;
	timer_setup(&cr->ka_timer, tcpinc_crypt_ka_timer_fn, 0);
	return cr;
}

void tcpinc_crypt_free(struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt *cr = ctx->crypt;

	if (!cr)
		return;
	tcpinc_socks_del(sock_net(ctx->sk), ctx);
	WRITE_ONCE(ctx->crypt, NULL);
	/*
	 * close stopped the keep-alive timer (tcpinc_crypt_close) and nothing
	 * re-arms it on a SOCK_DEAD socket, so it should not be pending. But
	 * ULP release means destroyed, not freed (other references exist),
	 * so if it ever were, drop the pending timer's socket reference
	 * rather than leak the socket; the caller holds another.
	 */
	sk_stop_timer_sync(ctx->sk, &cr->ka_timer);
	/*
	 * Every secret goes, with the receive buffer the core may hold. The
	 * send buffer holds ciphertext only (tcpinc_crypt_int.h).
	 */
	if (cr->started)
		tcpinc_core_tc_session_destroy(cr->sess);
	kvfree(cr->tx_buf);
	kfree(cr);
}

/*
 * The data path of an encrypted connection, created by whoever needs it
 * first (a resumed one has nothing to do until then). Socket lock held.
 * NULL if ENO did not enable tcpcrypt, the socket is orphaned, or there is
 * no memory (logged).
 */
struct tcpinc_crypt *tcpinc_crypt_get(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt *cr;

	sock_owned_by_me(sk);
	if (!ctx->crypt && tcpinc_ctx_encrypted(ctx) && !sock_flag(sk, SOCK_DEAD)) {
		cr = tcpinc_crypt_create(sk, ctx);
		if (!cr)
			net_warn_ratelimited("tcpinc: no memory for a tcpcrypt session\n");
		/*
		 * The socket callbacks and poll read ctx->crypt without the
		 * socket lock: publish it only once it is initialized (their
		 * READ_ONCE and dereference depend on this release).
		 */
		smp_store_release(&ctx->crypt, cr);
	}
	return ctx->crypt;
}

/* tcpinc_crypt_get, and the session started (keyed, if resumed); for the getters. */
struct tcpinc_crypt *tcpinc_crypt_get_started(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt *cr = tcpinc_crypt_get(sk, ctx);

	if (cr && !cr->started)
		tcpinc_crypt_pump(sk, ctx, 0);
	return cr;
}

/* --- work item: progress without the application ------------------------- */

struct tcpinc_crypt_work {
	struct work_struct work;
	struct sock *sk;		/* holds a reference */
};

static void tcpinc_crypt_work_fn(struct work_struct *work)
{
	struct tcpinc_crypt_work *w = container_of(work, struct tcpinc_crypt_work, work);
	struct sock *sk = w->sk;
	struct tcpinc_sock *ctx;
	/*
	 * The wake-ups run after release_sock() (a woken reader should not
	 * find the lock taken), when ctx may be gone: an orphaned socket can
	 * be destroyed by the softirq as soon as we release it, and the ULP
	 * release frees ctx. Our socket reference keeps sk, not ctx; so the
	 * callbacks are copied while the lock still pins ctx.
	 */
	void (*wake_read)(struct sock *sk) = NULL;
	void (*wake_write)(struct sock *sk) = NULL;

	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		clear_bit(TCPINC_CRYPT_WORK_QUEUED, &ctx->crypt_flags);
		if (tcpinc_crypt_get(sk, ctx)) {
			bool was = ctx->crypt->established;

			tcpinc_crypt_pump(sk, ctx, 0);
			if (ctx->crypt->rx_len || ctx->crypt->eof || ctx->crypt->err)
				wake_read = ctx->saved_data_ready;
			if (ctx->crypt->established != was || ctx->crypt->err)
				wake_write = ctx->saved_write_space;
		}
	}
	release_sock(sk);
	if (wake_read)
		wake_read(sk);
	if (wake_write)
		wake_write(sk);
	sock_put(sk);
	kfree(w);
}

/* Schedules the work; any context. Duplicates are coalesced. */
static void tcpinc_crypt_kick(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_crypt_work *w;

	if (test_and_set_bit(TCPINC_CRYPT_WORK_QUEUED, &ctx->crypt_flags))
		return;
	w = kzalloc(sizeof(*w), GFP_ATOMIC);
	if (!w) {
		clear_bit(TCPINC_CRYPT_WORK_QUEUED, &ctx->crypt_flags);
		return;	/* the next syscall or data_ready pumps instead */
	}
	INIT_WORK(&w->work, tcpinc_crypt_work_fn);
	sock_hold(sk);
	w->sk = sk;
	queue_work(tcpinc_wq, &w->work);
}

/* Keep-alive by rekey (tcpinc_crypt_output.c): the timer only schedules the work. */
static void tcpinc_crypt_ka_timer_fn(struct timer_list *t)
{
	struct tcpinc_crypt *cr = from_timer(cr, t, ka_timer);
	struct sock *sk = cr->sk;
	struct tcpinc_sock *ctx;

	set_bit(TCPINC_CRYPT_KA_DUE, &cr->ka_flags);
	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx)
		tcpinc_crypt_kick(sk, ctx);
	rcu_read_unlock();
	sock_put(sk);	/* the pending timer's reference */
}

static void tcpinc_crypt_data_ready(struct sock *sk)
{
	struct tcpinc_sock *ctx;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		/*
		 * Only the key exchange needs a work item (B's Init2 to send,
		 * A's keys for a sender or keep-alive). A syscall asleep on
		 * the socket is woken below and pumps itself; once keyed,
		 * recvmsg and poll open what arrived when the application
		 * looks.
		 */
		if (cr ? !READ_ONCE(cr->waiters) && !READ_ONCE(cr->established) :
			 !READ_ONCE(ctx->crypt_lazy))
			tcpinc_crypt_kick(sk, ctx);
		ctx->saved_data_ready(sk);
	}
	rcu_read_unlock();
}

static void tcpinc_crypt_write_space(struct sock *sk)
{
	struct tcpinc_sock *ctx;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		/*
		 * Likewise, and a flusher at work (tx_busy) carries on itself;
		 * otherwise only staged ciphertext (a non-blocking send TCP
		 * could not take whole) or the key exchange needs us.
		 */
		if (cr ? !(READ_ONCE(cr->waiters) || READ_ONCE(cr->tx_busy)) &&
			 (READ_ONCE(cr->tx_len) || !READ_ONCE(cr->established)) :
			 !READ_ONCE(ctx->crypt_lazy))
			tcpinc_crypt_kick(sk, ctx);
		ctx->saved_write_space(sk);
	}
	rcu_read_unlock();
}

/*
 * tcpinc_crypt_enable - ENO enabled a tcpcrypt TEP on sk: take over its
 * callbacks; if we are A of a fresh key exchange, send Init1 from the work
 * item (or from tcpinc_crypt_connect()). B waits for Init1 (sk_data_ready
 * schedules the work), and a resumed session sends nothing unasked: its
 * first user creates it (tcpinc_crypt_get). Any context; ctx->lock may be held.
 */
void tcpinc_crypt_enable(struct sock *sk, struct tcpinc_sock *ctx)
{
	struct tcpinc_core_eno_result res;
	bool work = true;

	if (!tcpinc_core_eno_get_result(ctx->eno, &res)) {
		bool resumed = res.tep_byte & 0x80;

		WRITE_ONCE(ctx->crypt_lazy, resumed);
		/*
		 * A's Init1 (unless connect() sends it), or keep-alive by
		 * rekey, which must run even if the application never
		 * touches the connection.
		 */
		work = (!res.role && !resumed && !READ_ONCE(ctx->connecting)) ||
		       sock_flag(sk, SOCK_KEEPOPEN);
	}
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_data_ready != tcpinc_crypt_data_ready) {
		ctx->saved_data_ready = sk->sk_data_ready;
		ctx->saved_write_space = sk->sk_write_space;
		sk->sk_data_ready = tcpinc_crypt_data_ready;
		sk->sk_write_space = tcpinc_crypt_write_space;
	}
	write_unlock_bh(&sk->sk_callback_lock);
	if (work)
		tcpinc_crypt_kick(sk, ctx);
}

/*
 * tcpinc_crypt_restore_callbacks - ULP release: give sk_data_ready and
 * sk_write_space back to their owners, so that the destroyed socket, which
 * may outlive the module, points at no code of ours. Only where they are
 * still ours (something stacked later keeps its own).
 */
void tcpinc_crypt_restore_callbacks(struct sock *sk, struct tcpinc_sock *ctx)
{
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_data_ready == tcpinc_crypt_data_ready)
		sk->sk_data_ready = ctx->saved_data_ready;
	if (sk->sk_write_space == tcpinc_crypt_write_space)
		sk->sk_write_space = ctx->saved_write_space;
	write_unlock_bh(&sk->sk_callback_lock);
}

/*
 * proto_ops.connect: A's Init1 goes out from the connecting process when
 * connect returns (or returns EINPROGRESS) rather than from a work item
 * (see tcpinc_crypt_enable): that work item cost a wakeup and two context
 * switches per connection. Whatever enabled ENO before the flag is
 * cleared is seen below, under the socket lock; anything later schedules
 * the work item as usual.
 */
int tcpinc_crypt_connect(struct socket *sock, struct sockaddr *uaddr, int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	struct tcpinc_sock *ctx;
	int rc;

	bool fo_connect = false;

	/*
	 * TCP_FASTOPEN_CONNECT with a cookie cached would defer the SYN to the
	 * first send() and put that send's bytes, in the clear, in a SYN that
	 * carries a cookie and so no ENO (RFC 8547 4.7): connect as without
	 * it. The option is set aside for the call and given back after.
	 */
	lock_sock(sk);
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		WRITE_ONCE(ctx->connecting, 1);
		fo_connect = tcp_sk(sk)->fastopen_connect;
		tcp_sk(sk)->fastopen_connect = 0;
	}
	release_sock(sk);
	rc = inet_stream_connect(sock, uaddr, addr_len, flags);
	lock_sock(sk);
	if (fo_connect)
		tcp_sk(sk)->fastopen_connect = 1;
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		WRITE_ONCE(ctx->connecting, 0);
		if (tcpinc_ctx_encrypted(ctx) && !READ_ONCE(ctx->crypt_lazy)) {
			struct tcpinc_crypt *cr = tcpinc_crypt_get(sk, ctx);

			if (cr && !cr->started) {
				bool was = cr->established;

				tcpinc_crypt_pump(sk, ctx, 0);
				if (cr->established != was)
					ctx->saved_write_space(sk);
			}
		}
	}
	release_sock(sk);
	return rc;
}

/*
 * proto_ops.poll. Once keyed, no work item opens what arrives (see
 * tcpinc_crypt_data_ready): poll does, before TCP reports readiness, and
 * creates a resumed session nobody used yet. So readable means recvmsg has
 * plaintext, EOF or an error (not a partial frame's ciphertext), and
 * writable means keyed. Process context; sleeps on the socket lock only
 * when there is something to do, like recvmsg.
 */
__poll_t tcpinc_crypt_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct tcpinc_sock *ctx;
	bool pump = false;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (tcpinc_ctx_encrypted(ctx)) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		pump = !cr || (!READ_ONCE(cr->err) && !READ_ONCE(cr->rx_len) && !READ_ONCE(cr->eof) &&
			       (!skb_queue_empty_lockless(&sk->sk_receive_queue) ||
				sock_flag(sk, SOCK_DONE)));
	}
	rcu_read_unlock();
	if (pump) {
		lock_sock(sk);
		ctx = tcpinc_ctx(sk);
		if (ctx && tcpinc_crypt_get(sk, ctx))
			tcpinc_crypt_pump(sk, ctx, 0);
		release_sock(sk);
	}
	return tcp_poll(file, sock, wait);
}

/* Poll: readable when recvmsg has something to say, writable once keyed. */
bool tcpinc_crypt_is_readable(struct sock *sk)
{
	struct tcpinc_sock *ctx;
	bool r = false;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (ctx) {
		/* Read once: the test and the use must see the same pointer. */
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		r = cr && (READ_ONCE(cr->rx_len) || READ_ONCE(cr->eof) || READ_ONCE(cr->err));
	}
	rcu_read_unlock();
	return r;
}

bool tcpinc_crypt_write_blocked(struct sock *sk)
{
	struct tcpinc_sock *ctx;
	bool blocked = false;

	rcu_read_lock();
	ctx = tcpinc_ctx(sk);
	if (tcpinc_ctx_encrypted(ctx)) {
		struct tcpinc_crypt *cr = READ_ONCE(ctx->crypt);

		blocked = (!cr || !READ_ONCE(cr->established)) && !(cr && READ_ONCE(cr->internal_tx));
	}
	rcu_read_unlock();
	return blocked;
}
