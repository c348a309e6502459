#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_many.py - many concurrent encrypted connections with data (VM
scenario tcpcrypt-many). Both ends live in this one process (listener in
SERVER_NS, clients in CLIENT_NS, entered with setns); IPv4.

  tcpinc_many.py --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port P \\
      --count N --size B --show build/tools/tcpinc

1. Opens N connections, all held at once: non-blocking connect()s in waves
   of 100 (so the listener's SYN queue never overflows into SYN cookies),
   each wave accepted before the next; every client sets
   TCP_CRYPT_NO_RESUME, so each does a full key exchange. The key
   exchanges run concurrently in the kernel while later waves connect.
2. On every connection a distinct B-byte payload each way (derived from
   the connection's index and direction), all 2N sockets driven by one
   poll() loop until every byte arrived or the deadline passed (a socket
   is not writable before its keys exist).
3. Checks every byte; TCP_ENO_SESSID on both ends of every connection
   (33 bytes, equal, all N distinct); with everything still open, both
   namespaces' `tcpinc show --json` (N sessions each, the same session
   IDs) and TcpincCtxLive (N + the listener in the server's namespace,
   N in the client's).
4. Closes everything (clients first) and prints one JSON object:
   counts, phase times, connection rate, and the Slab growth per pair
   with everything open (printed, never asserted).

Exit status 1 when a check failed (the JSON says which); every wait is
bounded by --deadline (seconds, times TCPINC_VM_TIME_FACTOR).
"""
import argparse
import errno
import hashlib
import json
import os
import resource
import select
import socket
import subprocess
import sys
import time

from tcpinc_netns import setns

SOL_TCP, TCP_ULP = 6, 31
TCP_ENO_SESSID, TCP_ENO_NEGTEP = 0x4541, 0x4542
TCP_CRYPT_NO_RESUME = 0x4571
TF = max(1, int(os.environ.get("TCPINC_VM_TIME_FACTOR", "1") or 1))
WAVE = 100


def payload(direction, i, size):
    seed = hashlib.sha256(b"%s-%d" % (direction, i)).digest()
    return (seed * (size // len(seed) + 1))[:size]


def stat(ns, name):
    out = subprocess.run(["ip", "netns", "exec", ns, "cat", "/proc/net/tcpinc_stat"], capture_output=True,
                         text=True, timeout=30 * TF).stdout
    for line in out.splitlines():
        k, _, v = line.partition(" ")
        if k == name:
            return int(v)
    return None


def slab_kib():
    with open("/proc/meminfo") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("Slab:"))


def show(tool, ns):
    r = subprocess.run(["ip", "netns", "exec", ns, tool, "show", "--json"], capture_output=True, text=True,
                       timeout=60 * TF)
    if r.returncode:
        return None, r.stderr.strip()[-200:]
    return json.loads(r.stdout), None


def open_all(a, ls, deadline):
    """N client/server pairs, in index order. Raises on the deadline."""
    clients, servers = [], [None] * a.count
    by_port = {}
    for start in range(0, a.count, WAVE):
        wave = range(start, min(start + WAVE, a.count))
        for i in wave:
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
            c.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)
            c.setblocking(False)
            e = c.connect_ex((a.addr, a.port))
            if e not in (0, errno.EINPROGRESS):
                raise OSError(e, "connect %d" % i)
            clients.append(c)
            by_port[c.getsockname()[1]] = i  # the port is bound by connect()
        pending = set(wave)
        while pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("%d of wave %d..%d not accepted" % (len(pending), wave[0], wave[-1]))
            r, _, _ = select.select([ls], [], [], min(left, 1.0))
            if not r:
                continue
            while True:
                try:
                    s, peer = ls.accept()
                except BlockingIOError:
                    break
                j = by_port[peer[1]]
                s.setblocking(False)
                servers[j] = s
                pending.discard(j)
    return clients, servers


def exchange(a, clients, servers, deadline):
    """Each socket sends its payload and reads the peer's; returns what
    every socket received (client side first), and the poll rounds."""
    socks = clients + servers
    n = len(clients)
    out = [payload(b"c2s", i, a.size) for i in range(n)] + [payload(b"s2c", i, a.size) for i in range(n)]
    got = [bytearray() for _ in socks]
    fd_of = {sk.fileno(): k for k, sk in enumerate(socks)}
    p = select.poll()
    for sk in socks:
        p.register(sk, select.POLLIN | select.POLLOUT)
    left_in, rounds = 2 * n, 0
    while left_in:
        t = deadline - time.monotonic()
        if t <= 0:
            break
        rounds += 1
        for fd, ev in p.poll(min(t, 1.0) * 1000):
            k = fd_of[fd]
            sk = socks[k]
            if ev & select.POLLOUT and out[k]:
                try:
                    m = sk.send(out[k])
                    out[k] = out[k][m:]
                except BlockingIOError:
                    pass
            if ev & (select.POLLIN | select.POLLERR | select.POLLHUP):
                try:
                    b = sk.recv(65536)
                except BlockingIOError:
                    b = None
                except OSError as e:
                    raise OSError(e.errno, "socket %d: %s" % (k, e.strerror))
                if b == b"":
                    raise ConnectionError("socket %d: EOF before its %d bytes" % (k, a.size))
                if b:
                    got[k] += b
                    if len(got[k]) >= a.size:
                        left_in -= 1
            want = (select.POLLOUT if out[k] else 0) | (select.POLLIN if len(got[k]) < a.size else 0)
            if want:
                p.modify(sk, want)
            else:
                p.unregister(sk)
    return got, rounds


def run(a):
    res = {"count": a.count, "size": a.size}
    ok = True

    def check(name, good, **kw):
        nonlocal ok
        res.setdefault("checks", []).append(dict([("check", name), ("ok", bool(good))] + sorted(kw.items())))
        ok = ok and bool(good)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 2 * a.count + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, hard), max(want, hard)))
    deadline = time.monotonic() + a.deadline * TF
    setns(a.server_ns)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    ls.bind((a.addr, a.port))
    ls.listen(a.backlog)
    ls.setblocking(False)
    setns(a.client_ns)

    slab0 = slab_kib()
    t0 = time.monotonic()
    clients, servers = open_all(a, ls, deadline)
    res["open_seconds"] = round(time.monotonic() - t0, 2)
    t1 = time.monotonic()
    got, rounds = exchange(a, clients, servers, deadline)
    res["data_seconds"] = round(time.monotonic() - t1, 2)
    res["connections_per_second"] = round(a.count / (time.monotonic() - t0), 1)
    res["poll_rounds"] = rounds
    # Printed, not asserted: what a pair with its data read costs (Slab
    # includes kmalloc's large allocations on 6.1).
    res["slab_kib_per_pair"] = round((slab_kib() - slab0) / a.count, 1)
    n = a.count
    bad_c = [i for i in range(n) if bytes(got[i]) != payload(b"s2c", i, a.size)]
    bad_s = [i for i in range(n) if bytes(got[n + i]) != payload(b"c2s", i, a.size)]
    check("every client got its server's bytes", not bad_c, wrong=len(bad_c), first=bad_c[:5])
    check("every server got its client's bytes", not bad_s, wrong=len(bad_s), first=bad_s[:5])

    cs = [c.getsockopt(SOL_TCP, TCP_ENO_SESSID, 64).hex() for c in clients]
    ss = [s.getsockopt(SOL_TCP, TCP_ENO_SESSID, 64).hex() for s in servers]
    teps = {c.getsockopt(SOL_TCP, TCP_ENO_NEGTEP) for c in clients}
    check("every connection encrypted (NEGTEP)", teps <= {0x21, 0x23, 0x24}, teps=sorted(teps))
    check("session IDs of 33 bytes", all(len(x) == 66 for x in cs + ss))
    check("session ID equal on both ends", cs == ss, differ=sum(1 for x, y in zip(cs, ss) if x != y))
    check("session IDs distinct", len(set(cs)) == n, distinct=len(set(cs)))

    for ns, side, ids, extra in ((a.client_ns, "clients", cs, 0), (a.server_ns, "servers", ss, 1)):
        entries, err = show(a.show, ns)
        listed = {e.get("session_id", "").lower() for e in entries or []}
        check("tcpinc show lists the %s' sessions" % side, entries is not None and listed == set(ids),
              listed=len(entries or []), missing=len(set(ids) - listed), error=err)
        live = stat(ns, "TcpincCtxLive")
        check("TcpincCtxLive with the %s open" % side, live == n + extra, got=live, want=n + extra)

    t2 = time.monotonic()
    for c in clients:
        c.close()
    for s in servers:
        s.close()
    ls.close()
    res["close_seconds"] = round(time.monotonic() - t2, 2)
    res["ok"] = ok
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server-ns", required=True)
    ap.add_argument("--client-ns", required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--backlog", type=int, default=2048)
    ap.add_argument("--deadline", type=float, default=150, help="seconds for opening and the exchange")
    ap.add_argument("--show", required=True, help="the tcpinc(8) binary")
    a = ap.parse_args()
    try:
        res = run(a)
    except Exception as e:
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}), flush=True)
        return 1
    print(json.dumps(res), flush=True)
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
