#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_sock.py - small socket client/server used by the VM scenarios and
the demo. Every result is one JSON object on stdout so that scenarios can
assert on exact values; errors are reported as errno names, never swallowed.

  serve   --addr A --port P [--ulp] [--ready FILE] [--hold SECONDS]
          accept one connection, echo what arrives until EOF, report
  connect --addr A --port P [--ulp] [--message TEXT] [--hold SECONDS]
          connect, send, read the echo, report
  sockopt --addr A --port P
          check the TCP_ULP error semantics against a listening peer
  many    --addr A --port P --count N
          N concurrent ULP connections to a ULP listener in one process
  eno-sockopt --addr A --port P --plain-port Q
          check the TCP_ENO_* error semantics: P has a ULP listener, Q a
          plain one
"""
import argparse
import errno
import hashlib
import json
import os
import socket
import sys
import time

SOL_TCP = 6
TCP_ULP = 31  # include/uapi/linux/tcp.h
ULP_NAME = b"tcpcrypt"

# include/uapi/linux/tcpinc.h
TCP_ENO_BASE = 0x4540
TCP_ENO_ENABLED = TCP_ENO_BASE + 0
TCP_ENO_SESSID = TCP_ENO_BASE + 1
TCP_ENO_NEGTEP = TCP_ENO_BASE + 2
TCP_ENO_TEPS = TCP_ENO_BASE + 3
TCP_ENO_SELF_GOPT = TCP_ENO_BASE + 4
TCP_ENO_PEER_GOPT = TCP_ENO_BASE + 5
TCP_ENO_AA_MANDATORY = TCP_ENO_BASE + 6
TCP_ENO_TEP_MANDATORY = TCP_ENO_BASE + 7
TCP_ENO_ROLE = TCP_ENO_BASE + 8
TCP_ENO_SELF_NAME = TCP_ENO_BASE + 9
TCP_ENO_PEER_NAME = TCP_ENO_BASE + 10
TCP_ENO_TRANSCRIPT = TCP_ENO_BASE + 11
TCP_CRYPT_REKEY = 0x4560
TCP_CRYPT_CONF = 0x4561
TCP_CRYPT_AEADS = 0x4562
TCP_CRYPT_CACHE_FLUSH = 0x4570
TCP_CRYPT_NO_RESUME = 0x4571
TCP_CRYPT_NO_CACHE = 0x4572
TCP_CRYPT_RESUME_NONCE = 0x4573
TCP_CRYPT_RESUMED = 0x4574
TCP_CRYPT_REKEY_BYTES = 0x4563


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def set_ulp(sock):
    sock.setsockopt(SOL_TCP, TCP_ULP, ULP_NAME)


def get_ulp(sock):
    raw = sock.getsockopt(SOL_TCP, TCP_ULP, 16)
    return raw.split(b"\0", 1)[0].decode()


def configure_eno(sock, args):
    """Applies the --eno-* options (before connect()/listen())."""
    if getattr(args, "eno_enabled", None) is not None:
        sock.setsockopt(SOL_TCP, TCP_ENO_ENABLED, args.eno_enabled)
    if getattr(args, "eno_teps", None):
        ids = bytes(int(t, 0) for t in args.eno_teps.split(","))
        sock.setsockopt(SOL_TCP, TCP_ENO_TEPS, ids)
    if getattr(args, "eno_gopt", None) is not None:
        sock.setsockopt(SOL_TCP, TCP_ENO_SELF_GOPT, args.eno_gopt)
    if getattr(args, "eno_aa_mandatory", False):
        sock.setsockopt(SOL_TCP, TCP_ENO_AA_MANDATORY, 1)
    if getattr(args, "eno_tep_mandatory", False):
        sock.setsockopt(SOL_TCP, TCP_ENO_TEP_MANDATORY, 1)
    if getattr(args, "rekey_bytes", None) is not None:
        sock.setsockopt(SOL_TCP, TCP_CRYPT_REKEY_BYTES, args.rekey_bytes.to_bytes(8, sys.byteorder))
    if getattr(args, "aeads", None):
        ids = [int(t, 0) for t in args.aeads.split(",")]
        sock.setsockopt(SOL_TCP, TCP_CRYPT_AEADS, b"".join(i.to_bytes(2, sys.byteorder) for i in ids))
    if getattr(args, "no_resume", False):
        sock.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)
    if getattr(args, "no_cache", False):
        sock.setsockopt(SOL_TCP, TCP_CRYPT_NO_CACHE, 1)
    if getattr(args, "resume_nonce", None) is not None:
        sock.setsockopt(SOL_TCP, TCP_CRYPT_RESUME_NONCE, args.resume_nonce)
    if getattr(args, "flush_before", False):
        sock.setsockopt(SOL_TCP, TCP_CRYPT_CACHE_FLUSH, 1)


def cache_flush(sock, args):
    """--cache-flush: TCP_CRYPT_CACHE_FLUSH on the established connection."""
    if getattr(args, "cache_flush", False):
        return try_errno(lambda: sock.setsockopt(SOL_TCP, TCP_CRYPT_CACHE_FLUSH, 1))
    return None


def eno_info(sock):
    """What the TCP_ENO_* read options say; each value or its errno name."""
    def intopt(opt):
        try:
            return int.from_bytes(sock.getsockopt(SOL_TCP, opt, 4), "little", signed=True)
        except OSError as exc:
            return errname(exc)

    def u64opt(opt):
        try:
            return int.from_bytes(sock.getsockopt(SOL_TCP, opt, 8), sys.byteorder)
        except OSError as exc:
            return errname(exc)

    def bytesopt(opt, size):
        try:
            return sock.getsockopt(SOL_TCP, opt, size).hex()
        except OSError as exc:
            return errname(exc)

    return {"negtep": intopt(TCP_ENO_NEGTEP), "role": intopt(TCP_ENO_ROLE),
            "peer_gopt": intopt(TCP_ENO_PEER_GOPT), "self_gopt": intopt(TCP_ENO_SELF_GOPT),
            "transcript": bytesopt(TCP_ENO_TRANSCRIPT, 80),
            "sessid": bytesopt(TCP_ENO_SESSID, 64),
            "self_name": bytesopt(TCP_ENO_SELF_NAME, 64),
            "aead": intopt(TCP_CRYPT_CONF),
            "resumed": intopt(TCP_CRYPT_RESUMED),
            "rekey_bytes": u64opt(TCP_CRYPT_REKEY_BYTES),
            "peer_name": bytesopt(TCP_ENO_PEER_NAME, 64)}


def errname(exc):
    return errno.errorcode.get(exc.errno, str(exc.errno))


def try_errno(fn):
    """Runs fn; returns "ok" or the errno name it failed with."""
    try:
        fn()
        return "ok"
    except OSError as exc:
        return errname(exc)


def emit(obj):
    print(json.dumps(obj, sort_keys=True), flush=True)


def splice_reader(conn, timeout):
    """A recv() made of splice(2) from the socket into a pipe and a read
    from the pipe: what the socket's splice_read hands out. Non-blocking
    splices after poll, so that every wait is bounded by timeout."""
    import select
    rfd, wfd = os.pipe()
    # conn has a timeout, so Python keeps its fd O_NONBLOCK: sendall still works.

    def recv():
        deadline = time.monotonic() + timeout
        while True:
            try:
                n = os.splice(conn.fileno(), wfd, 65536, flags=os.SPLICE_F_NONBLOCK)
                break
            except BlockingIOError:
                # poll may say readable while only part of a frame is in.
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout("splice: no data")
                select.select([conn], [], [], min(left, 0.2))
        data = b""
        while len(data) < n:
            data += os.read(rfd, n - len(data))
        return data
    return recv


def cmd_serve(args):
    srv = socket.socket(family_of(args.addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if args.ulp:
        set_ulp(srv)
        configure_eno(srv, args)
    srv.bind((args.addr, args.port))
    if args.fastopen:
        srv.setsockopt(SOL_TCP, 23, args.fastopen)  # TCP_FASTOPEN
    srv.listen(args.backlog)
    srv.settimeout(args.timeout)
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("listening\n")
    conn, peer = srv.accept()
    conn.settimeout(args.timeout)
    if not args.keep_listener:
        srv.close()
    if args.greeting:
        # Server speaks first (SMTP-like): nothing from the client yet.
        conn.sendall(args.greeting.encode())
    report = {"listener_ulp": get_ulp(srv) if args.keep_listener else None,
              "accepted_ulp": get_ulp(conn), "peer": peer[0]}
    received = b""
    digest = hashlib.sha256()
    total = 0
    recv = splice_reader(conn, args.timeout) if args.splice else lambda: conn.recv(65536)
    while True:
        chunk = recv()
        if not chunk:
            break
        total += len(chunk)
        digest.update(chunk)
        if total <= 4096:
            received += chunk
        if not args.no_echo:
            conn.sendall(chunk)
    # Read after the exchange: the session ID exists once the key exchange
    # completed, which may be after accept() returned.
    if args.ulp:
        report["eno"] = eno_info(conn)
        report["cache_flush"] = cache_flush(conn, args)
    report["received"] = received.decode(errors="replace") if total <= 4096 else None
    report["received_len"] = total
    report["received_sha256"] = digest.hexdigest()
    if args.hold:
        time.sleep(args.hold)
    conn.close()
    emit(report)


def set_keepalive(sock, secs):
    """SO_KEEPALIVE with TCP's keep-alive time (and interval) of secs."""
    sock.setsockopt(SOL_TCP, socket.TCP_KEEPIDLE, secs)
    sock.setsockopt(SOL_TCP, socket.TCP_KEEPINTVL, secs)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)


def cmd_connect(args):
    sock = socket.socket(family_of(args.addr), socket.SOCK_STREAM)
    sock.settimeout(args.timeout)
    if args.ulp:
        set_ulp(sock)
        configure_eno(sock, args)
    if args.keepalive and not args.keepalive_after_connect:
        set_keepalive(sock, args.keepalive)
    if args.bind_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.bind_addr or "", args.bind_port))
    msg = args.message.encode()
    try:
        if args.fastopen:
            # Python implements timeouts with a non-blocking socket, which
            # makes a Fast Open sendto return EINPROGRESS: block for it.
            sock.settimeout(None)
            sock.sendto(msg, socket.MSG_FASTOPEN, (args.addr, args.port))
            sock.settimeout(args.timeout)
        elif args.fastopen_connect:
            # TCP_FASTOPEN_CONNECT: connect() returns at once when a cookie
            # is cached and the first send() carries the data in the SYN.
            sock.setsockopt(SOL_TCP, 30, 1)  # TCP_FASTOPEN_CONNECT
            sock.settimeout(None)
            sock.connect((args.addr, args.port))
            sock.settimeout(args.timeout)
        elif args.nonblock_connect:
            # A non-blocking connect() left in progress, then a blocking
            # send() of the message while the handshake is still under way.
            sock.setblocking(False)
            rc = sock.connect_ex((args.addr, args.port))
            if rc not in (0, errno.EINPROGRESS):
                raise OSError(rc, os.strerror(rc))
            sock.settimeout(None)
            sock.sendall(msg)
            sock.settimeout(args.timeout)
        else:
            sock.connect((args.addr, args.port))
    except OSError as exc:
        emit({"connect_error": errname(exc)})
        return
    report = {"ulp": get_ulp(sock)}
    if args.keepalive and args.keepalive_after_connect:
        set_keepalive(sock, args.keepalive)
    if args.idle:
        # Nothing sent or received meanwhile: keep-alives may go out.
        time.sleep(args.idle)
    if args.expect_greeting:
        greeting = b""
        while len(greeting) < len(args.expect_greeting):
            chunk = sock.recv(len(args.expect_greeting) - len(greeting))
            if not chunk:
                break
            greeting += chunk
        report["greeting"] = greeting.decode(errors="replace")
    if args.size:
        # Bulk: a deterministic pseudo-random stream, sent by a thread while
        # this one reads the echo (so neither side's buffers fill up).
        import threading
        sent_digest = hashlib.sha256()
        rekeys = [0]

        def sender(half_close=True):
            block = hashlib.sha256(b"tcpinc").digest() * 2048  # 64 KiB
            left = args.size
            n = 0
            while left:
                part = block[:min(left, len(block))]
                part = bytes([n & 0xff]) + part[1:]
                sock.sendall(part)
                sent_digest.update(part)
                left -= len(part)
                n += 1
                if args.rekey_every and (args.size - left) // args.rekey_every != \
                        (args.size - left - len(part)) // args.rekey_every:
                    try:
                        sock.setsockopt(SOL_TCP, TCP_CRYPT_REKEY, 1)
                        rekeys[0] += 1
                    except OSError as exc:
                        if exc.errno != errno.EBUSY:  # previous one unanswered
                            raise
            if half_close:
                sock.shutdown(socket.SHUT_WR)

        if args.close_after_send:
            # close() with data still queued: the FINp frame and FIN must
            # follow every byte (the receiver checks them by SHA-256).
            sender(half_close=False)
            report["sent_sha256"] = sent_digest.hexdigest()
            sock.close()
            emit(report)
            return
        t = threading.Thread(target=sender)
        t.start()
        digest = hashlib.sha256()
        total = 0
        while True:
            chunk = sock.recv(262144)
            if not chunk:
                break
            total += len(chunk)
            digest.update(chunk)
        t.join()
        if args.ulp:
            report["eno"] = eno_info(sock)
        report["sent_sha256"] = sent_digest.hexdigest()
        report["rekeys_started"] = rekeys[0]
        report["echo_len"] = total
        report["echo_sha256"] = digest.hexdigest()
        sock.close()
        emit(report)
        return
    if args.cork:
        # The message and the FINp frame (shutdown) leave in one segment.
        sock.setsockopt(SOL_TCP, socket.TCP_CORK, 1)
    if not args.fastopen and not args.nonblock_connect:
        sock.sendall(msg)
    sock.shutdown(socket.SHUT_WR)
    echo = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        echo += chunk
    report["echo"] = echo.decode(errors="replace")
    if args.ulp:
        report["eno"] = eno_info(sock)
        report["cache_flush"] = cache_flush(sock, args)
    if args.hold:
        time.sleep(args.hold)
    sock.close()
    emit(report)


def cmd_sockopt(args):
    """TCP_ULP semantics: settable before connect and on listeners, EISCONN
    once past the SYN, EEXIST when set twice, ENOENT for unknown names."""
    fam = family_of(args.addr)
    report = {}
    s = socket.socket(fam, socket.SOCK_STREAM)
    report["before_connect"] = try_errno(lambda: set_ulp(s))
    report["twice"] = try_errno(lambda: set_ulp(s))
    s.close()
    s = socket.socket(fam, socket.SOCK_STREAM)
    report["unknown_name"] = try_errno(
        lambda: s.setsockopt(SOL_TCP, TCP_ULP, b"no-such-ulp"))
    s.close()
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(args.timeout)
    s.connect((args.addr, args.port))
    report["after_connect"] = try_errno(lambda: set_ulp(s))
    s.close()
    emit(report)


def cmd_eno_sockopt(args):
    """TCP_ENO_* semantics (draft-ietf-tcpinc-api-06 section 4 and ours)."""
    fam = family_of(args.addr)
    r = {}

    def setint(sock, opt, val):
        return try_errno(lambda: sock.setsockopt(SOL_TCP, opt, val))

    def getint(sock, opt):
        try:
            return int.from_bytes(sock.getsockopt(SOL_TCP, opt, 4), "little", signed=True)
        except OSError as exc:
            return errname(exc)

    plain = socket.socket(fam, socket.SOCK_STREAM)
    r["plain_get_role"] = getint(plain, TCP_ENO_ROLE)
    r["plain_set_enabled"] = setint(plain, TCP_ENO_ENABLED, 1)
    plain.close()

    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(args.timeout)
    set_ulp(s)
    r["teps_bad_id"] = try_errno(lambda: s.setsockopt(SOL_TCP, TCP_ENO_TEPS, b"\x99"))
    r["teps_unsupported"] = try_errno(lambda: s.setsockopt(SOL_TCP, TCP_ENO_TEPS, b"\x22"))
    r["teps_duplicate"] = try_errno(lambda: s.setsockopt(SOL_TCP, TCP_ENO_TEPS, b"\x23\x23"))
    r["teps_too_long"] = try_errno(lambda: s.setsockopt(SOL_TCP, TCP_ENO_TEPS, b"\x21" * 9))
    r["teps_ok"] = try_errno(lambda: s.setsockopt(SOL_TCP, TCP_ENO_TEPS, b"\x21\x23"))
    r["teps_read"] = s.getsockopt(SOL_TCP, TCP_ENO_TEPS, 16).hex()
    r["gopt_32"] = setint(s, TCP_ENO_SELF_GOPT, 32)
    r["enabled_2"] = setint(s, TCP_ENO_ENABLED, 2)
    r["set_readonly_role"] = setint(s, TCP_ENO_ROLE, 1)
    r["negtep_before_connect"] = getint(s, TCP_ENO_NEGTEP)
    r["transcript_before_connect"] = try_errno(lambda: s.getsockopt(SOL_TCP, TCP_ENO_TRANSCRIPT, 80))
    s.connect((args.addr, args.port))
    r["teps_after_connect"] = try_errno(lambda: s.setsockopt(SOL_TCP, TCP_ENO_TEPS, b"\x23"))
    r["enabled_after_connect"] = setint(s, TCP_ENO_ENABLED, 0)
    r["gopt_after_connect"] = setint(s, TCP_ENO_SELF_GOPT, 1)
    r["aa_after_connect"] = setint(s, TCP_ENO_AA_MANDATORY, 1)
    r["tep_mandatory_after_connect_on_encrypted"] = setint(s, TCP_ENO_TEP_MANDATORY, 1)
    r["negtep_after_connect"] = getint(s, TCP_ENO_NEGTEP)
    s.close()

    # An established connection whose ENO failed: TEP_MANDATORY aborts it.
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(args.timeout)
    set_ulp(s)
    s.connect((args.addr, args.plain_port))
    r["negtep_fallback"] = getint(s, TCP_ENO_NEGTEP)
    r["tep_mandatory_on_plain"] = setint(s, TCP_ENO_TEP_MANDATORY, 1)
    r["recv_after_mandatory"] = try_errno(lambda: s.recv(1))
    s.close()
    emit(r)


def cmd_many(args):
    """--count connections at once from one process (bounded by --timeout):
    a ULP listener echoing, clients each sending their index. Reports how
    many echoed correctly and how many negotiated ENO on each side."""
    fam = family_of(args.addr)
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    set_ulp(srv)
    srv.bind((args.addr, args.port))
    srv.listen(args.count)
    clients = []
    for i in range(args.count):
        c = socket.socket(fam, socket.SOCK_STREAM)
        set_ulp(c)
        c.setblocking(False)
        try:
            c.connect((args.connect_addr or args.addr, args.port))
        except BlockingIOError:
            pass
        clients.append(c)
    srv.settimeout(args.timeout)
    accepted = []
    deadline = time.time() + args.timeout
    while len(accepted) < args.count and time.time() < deadline:
        srv.settimeout(max(0.1, deadline - time.time()))
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            break   # connections the listener refused (RST) never arrive
        accepted.append(conn)
    report = {"accepted": len(accepted)}
    server_ok = sum(1 for a in accepted if isinstance(eno_info(a)["negtep"], int))
    ok = 0
    client_eno = 0
    for i, c in enumerate(clients):
        c.setblocking(True)
        c.settimeout(max(1.0, deadline - time.time()))
        try:
            c.sendall(b"%d." % i)
            if isinstance(eno_info(c)["negtep"], int):
                client_eno += 1
        except OSError:
            pass
    for a in accepted:
        a.settimeout(max(1.0, deadline - time.time()))
        try:
            data = b""
            while not data.endswith(b"."):
                chunk = a.recv(64)
                if not chunk:
                    break
                data += chunk
            a.sendall(data)
        except OSError:
            pass
    for i, c in enumerate(clients):
        try:
            if c.recv(64) == b"%d." % i:
                ok += 1
        except OSError:
            pass
    for x in clients + accepted + [srv]:
        x.close()
    report.update({"echoed": ok, "client_eno": client_eno, "server_eno": server_ok})
    emit(report)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("serve", "connect", "sockopt", "eno-sockopt", "many"):
        p = sub.add_parser(name)
        p.add_argument("--addr", required=True)
        p.add_argument("--port", type=int, required=True)
        p.add_argument("--timeout", type=float, default=20.0)
        if name == "eno-sockopt":
            p.add_argument("--plain-port", type=int, required=True)
        if name == "many":
            p.add_argument("--count", type=int, default=200)
            p.add_argument("--connect-addr")
        if name not in ("sockopt", "eno-sockopt", "many"):
            p.add_argument("--ulp", action="store_true")
            p.add_argument("--hold", type=float, default=0.0)
            p.add_argument("--eno-enabled", type=int)
            p.add_argument("--eno-teps", help="comma-separated TEP ids, e.g. 0x21,0x23")
            p.add_argument("--eno-gopt", type=int)
            p.add_argument("--eno-aa-mandatory", action="store_true")
            p.add_argument("--eno-tep-mandatory", action="store_true")
            p.add_argument("--aeads", help="TCP_CRYPT_AEADS, best first, e.g. 0x0010,0x0001")
            p.add_argument("--no-resume", action="store_true", help="TCP_CRYPT_NO_RESUME")
            p.add_argument("--no-cache", action="store_true", help="TCP_CRYPT_NO_CACHE")
            p.add_argument("--resume-nonce", type=int, help="TCP_CRYPT_RESUME_NONCE bytes")
            p.add_argument("--flush-before", action="store_true",
                           help="TCP_CRYPT_CACHE_FLUSH before connect/listen")
            p.add_argument("--cache-flush", action="store_true",
                           help="TCP_CRYPT_CACHE_FLUSH on the connection after the exchange")
            p.add_argument("--rekey-bytes", type=int, help="TCP_CRYPT_REKEY_BYTES (0 = never)")
        if name == "serve":
            p.add_argument("--greeting", help="send this right after accept()")
            p.add_argument("--no-echo", action="store_true", help="only read and count")
            p.add_argument("--splice", action="store_true",
                           help="read with splice(2) from the socket into a pipe")
            p.add_argument("--fastopen", type=int, default=0,
                           help="TCP_FASTOPEN queue length on the listener")
            p.add_argument("--ready")
            p.add_argument("--keep-listener", action="store_true")
            p.add_argument("--backlog", type=int, default=8, help="listen() backlog")
        if name == "connect":
            p.add_argument("--fastopen", action="store_true",
                           help="send the message with MSG_FASTOPEN (data in the SYN)")
            p.add_argument("--fastopen-connect", action="store_true",
                           help="TCP_FASTOPEN_CONNECT before connect()")
            p.add_argument("--nonblock-connect", action="store_true",
                           help="non-blocking connect(), then a blocking send() at once")
            p.add_argument("--message", default="hello over tcpinc")
            p.add_argument("--expect-greeting", help="read this many bytes' greeting first")
            p.add_argument("--size", type=int, default=0,
                           help="bulk: send SIZE bytes and check the echo by SHA-256")
            p.add_argument("--close-after-send", action="store_true",
                           help="bulk: close() right after the last send, read nothing")
            p.add_argument("--rekey-every", type=int, default=0,
                           help="bulk: TCP_CRYPT_REKEY after every N bytes sent")
            p.add_argument("--cork", action="store_true",
                           help="TCP_CORK before sending: message and shutdown in one segment")
            p.add_argument("--keepalive", type=int, default=0,
                           help="SO_KEEPALIVE with TCP_KEEPIDLE/TCP_KEEPINTVL of this many seconds")
            p.add_argument("--keepalive-after-connect", action="store_true",
                           help="set --keepalive on the connected socket instead of before connect()")
            p.add_argument("--idle", type=float, default=0.0,
                           help="sleep this long after connect() before sending")
            p.add_argument("--bind-addr")
            p.add_argument("--bind-port", type=int, default=0)
    args = ap.parse_args()
    # TCPINC_VM_TIME_FACTOR (set by the VM harness, > 1 on the slow debug
    # kernel) stretches this run's bound and hold alike, so the steps a
    # scenario times against each other keep their order.
    factor = int(os.environ.get("TCPINC_VM_TIME_FACTOR", "1") or 1)
    args.timeout *= factor
    if getattr(args, "hold", 0):
        args.hold *= factor
    try:
        {"serve": cmd_serve, "connect": cmd_connect, "sockopt": cmd_sockopt,
         "eno-sockopt": cmd_eno_sockopt, "many": cmd_many}[args.cmd](args)
    except OSError as exc:
        emit({"error": errname(exc) if exc.errno else str(exc)})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
