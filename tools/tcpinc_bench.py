#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_bench.py - throughput and connection-rate benchmarks for the VM
bench scenarios. Prints one JSON object; never asserts on a speed.

  serve --addr A --port P --mode M          (runs until killed)
  bulk  --addr A --port P --mode M --size N  one connection, N bytes one way
  rate  --addr A --port P --mode M --count N connect, 1-byte echo, close
  (--tep T with tcpcrypt/resume: offer only TEP T, e.g. 0x24 for X448)

  cost  --addr A --port P --mode M --count N --server-ns S --client-ns C
        both ends in this one process (listener in netns S, client in C,
        entered with setns): connect, accept, 1 byte each way, close both.
        No context switch between client and server, so this is the CPU
        cost of a connection, split into phases (microseconds each).

  hold  --addr A --port P --mode M --count N --server-ns S --client-ns C
        [--bulk-conns K --size B]
        both ends in this one process as in cost, but every connection stays
        open: connect, accept, 1 byte each way, keep. Prints the kernel
        memory per connection pair (Slab, MemFree and MemAvailable deltas from
        /proc/meminfo once all N are open) and the setup rate while the
        earlier ones stay open. With --bulk-conns, K of the pairs then
        queue up to B bytes each client->server without the server reading
        (TCP's buffers fill: memory with data in flight), the memory is
        sampled there, and the server drains and checks every byte.

Modes: plain (TCP), tcpcrypt (the tcpinc ULP), ktls (Linux kTLS software
AES-128-GCM, keys set directly with setsockopt(SOL_TLS), no handshake);
rate and cost also take resume; cost also takes eno-off (the ULP on both
ends, ENO turned off on the client: a plain connection through the module)
and ktls (its keys set in the connect phase).
cost --tcg-mark marks the timed loop for tools/tcg-count (bench conn-tcg).
"""
import argparse
import errno
import json
import os
import resource
import socket
import struct
import sys
import time

from tcpinc_netns import setns

SOL_TCP, TCP_ULP, SOL_TLS, TLS_TX, TLS_RX = 6, 31, 282, 1, 2
TCP_CRYPT_NO_RESUME = 0x4571  # include/uapi/linux/tcpinc.h
TCP_ENO_TEPS = 0x4543
TCP_ENO_ENABLED = 0x4540
TCP_ENO_NEGTEP = 0x4542
TEP = None  # --tep: the one TEP both ends offer (TCP_ENO_TEPS), else the defaults
TLS_1_2, AES_GCM_128 = 0x0303, 51


def ktls_info(direction):
    # Fixed test keys: this measures the record layer, not key exchange.
    key, salt, iv, seq = bytes(range(16)), b"salt", b"iv" * 4, bytes(8)
    if direction:
        seq = bytes(8)
    return struct.pack("<HH", TLS_1_2, AES_GCM_128) + iv + key + salt + seq


def prepare(sock, mode, listening=False):
    # "tcpcrypt": every connection does the full key exchange (Init1/Init2);
    # "resume": connections resume from the cache once one exchange filled it;
    # "eno-off": both ends take the ULP but the client turns ENO off, so the
    # connection stays plain TCP: what the module's presence alone costs.
    if mode in ("tcpcrypt", "resume", "eno-off"):
        sock.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
        if TEP is not None:
            sock.setsockopt(SOL_TCP, TCP_ENO_TEPS, bytes([TEP]))
    if mode == "eno-off" and not listening:
        sock.setsockopt(SOL_TCP, TCP_ENO_ENABLED, 0)
    if mode == "tcpcrypt" and not listening:
        sock.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)


# Built once: cost's loop then times kTLS's setsockopts, not Python
# building the same bytes for every connection.
KTLS_INFO = (ktls_info(0), ktls_info(1))


def after_connect(sock, mode, server):
    if mode == "ktls":
        sock.setsockopt(SOL_TCP, TCP_ULP, b"tls")
        sock.setsockopt(SOL_TLS, TLS_TX, KTLS_INFO[0])
        sock.setsockopt(SOL_TLS, TLS_RX, KTLS_INFO[1])


def negotiated_tep(sock):
    # TCP_ENO_NEGTEP: the TEP byte once ENO is enabled; EINVAL on a socket
    # with the ULP whose ENO is off, ENOPROTOOPT on one without the ULP.
    try:
        return "0x%02x" % sock.getsockopt(SOL_TCP, TCP_ENO_NEGTEP)
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(a):
    srv = socket.socket(fam(a.addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    prepare(srv, a.mode, True)
    srv.bind((a.addr, a.port))
    srv.listen(128)
    if a.ready:
        open(a.ready, "w").write("ok\n")
    while True:
        c, _ = srv.accept()
        after_connect(c, a.mode, True)
        total = 0
        while True:
            d = c.recv(262144)
            if not d:
                break
            total += len(d)
            if a.echo:
                c.sendall(d)
        if not a.echo:
            c.sendall(struct.pack("!Q", total))
        c.close()


def connect(a):
    s = socket.socket(fam(a.addr), socket.SOCK_STREAM)
    prepare(s, a.mode)
    s.connect((a.addr, a.port))
    after_connect(s, a.mode, False)
    return s


def bulk(a):
    block = bytes(65536)
    t0 = time.monotonic()
    s = connect(a)
    left = a.size
    while left:
        n = min(left, len(block))
        s.sendall(block[:n])
        left -= n
    s.shutdown(socket.SHUT_WR)
    got = b""
    while len(got) < 8:
        d = s.recv(8 - len(got))
        if not d:
            break
        got += d
    dt = time.monotonic() - t0
    s.close()
    received = struct.unpack("!Q", got)[0] if len(got) == 8 else -1
    print(json.dumps({"mode": a.mode, "bytes": a.size, "received": received, "seconds": round(dt, 3),
                      "mbit_s": round(a.size * 8 / dt / 1e6, 1)}))


def rate(a):
    t0 = time.monotonic()
    ok = 0
    for _ in range(a.count):
        s = connect(a)
        s.sendall(b"x")
        if s.recv(1) == b"x":
            ok += 1
        s.close()
    dt = time.monotonic() - t0
    print(json.dumps({"mode": a.mode, "connections": a.count, "echoed": ok, "seconds": round(dt, 3),
                      "per_second": round(a.count / dt, 1)}))


def listener_then_client_ns(a, backlog):
    """The listener in the server's netns; the caller is then in the client's."""
    setns(a.server_ns)
    ls = socket.socket(fam(a.addr), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    prepare(ls, a.mode, True)
    ls.bind((a.addr, a.port))
    ls.listen(backlog)
    setns(a.client_ns)
    return ls


def cost(a):
    ls = listener_then_client_ns(a, 128)
    names = ("setup", "connect_accept", "client_to_server", "server_to_client", "client_close_eof",
             "server_close")
    spent = [0.0] * len(names)

    negtep = []

    def one():
        t = [time.monotonic()]
        c = socket.socket(fam(a.addr), socket.SOCK_STREAM)
        prepare(c, a.mode)
        t.append(time.monotonic())
        c.connect((a.addr, a.port))
        s, _ = ls.accept()
        # kTLS: the keys go in once the connection is up (no handshake).
        after_connect(c, a.mode, False)
        after_connect(s, a.mode, True)
        t.append(time.monotonic())
        if not negtep:  # the warm-up connection, outside the figures
            negtep.append(negotiated_tep(s))
        c.send(b"x")
        ok = s.recv(1) == b"x"
        t.append(time.monotonic())
        s.send(b"y")
        ok = c.recv(1) == b"y" and ok
        t.append(time.monotonic())
        c.close()
        ok = s.recv(1) == b"" and ok
        t.append(time.monotonic())
        s.close()
        t.append(time.monotonic())
        for i in range(len(names)):
            spent[i] += t[i + 1] - t[i]
        return ok

    one()  # fills the resumption cache
    spent = [0.0] * len(names)
    if a.tcg_mark:
        tcg_mark(a.mode + "-start")
    t0 = time.monotonic()
    ok = sum(one() for _ in range(a.count))
    dt = time.monotonic() - t0
    if a.tcg_mark:
        tcg_mark(a.mode + "-end")
    out = {"mode": a.mode, "connections": a.count, "echoed": ok, "us_per_connection": round(dt / a.count * 1e6),
           "negtep": negtep[0]}
    out.update((n + "_us", round(v / a.count * 1e6)) for n, v in zip(names, spent))
    print(json.dumps(out))


def tcg_mark(name):
    """Has tools/tcg-count's plugin (loaded by QEMU when the scenario says
    '# needs: tcg-count') snapshot its counters now: writes NAME to the mark
    file and waits until the dump shows it (the plugin polls every 10 ms).
    The counts include this wait's own reads of the dump, once per mark, not
    per connection."""
    mark, dump = os.environ["TCPINC_TCG_MARK"], os.environ["TCPINC_TCG_DUMP"]
    with open(mark, "w") as f:
        f.write(name + "\n")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(dump) as f:
                if ("mark %s\n" % name) in f.read():
                    return
        except FileNotFoundError:
            pass
        time.sleep(0.005)
    sys.exit("tcg-count: no snapshot for mark %r in %s after 10 s" % (name, dump))


def meminfo():
    out = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":")
            out[k] = int(v.split()[0])  # kB
    return out


def settled_meminfo():
    # Deferred frees (RCU, TCP's delayed work) and per-CPU slab caches move
    # the figures for a moment after a burst: wait, then read.
    time.sleep(2)
    return meminfo()


def per_pair(before, after, n):
    # Slab grows; MemFree and MemAvailable shrink. MemAvailable is MemFree
    # plus what the kernel estimates it could reclaim (page cache,
    # reclaimable slab): what an operator sizing a server reads.
    return {k + "_kib_per_pair": round((before[k] - after[k]) / n, 2) if k != "Slab"
            else round((after[k] - before[k]) / n, 2) for k in ("Slab", "MemFree", "MemAvailable")}


def hold(a):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 2 * a.count + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, hard), max(want, hard)))
    ls = listener_then_client_ns(a, 4096)
    if a.mode == "resume":  # fill the cache first, outside the figures
        c = socket.socket(fam(a.addr), socket.SOCK_STREAM)
        prepare(c, a.mode)
        c.connect((a.addr, a.port))
        s, _ = ls.accept()
        c.send(b"x")
        s.recv(1)
        c.close()
        s.close()
    pairs, ok = [], 0
    before = settled_meminfo()
    t0 = time.monotonic()
    tenth = max(1, a.count // 10)
    t_first = t_last0 = None
    for i in range(a.count):
        if i == tenth:
            t_first = time.monotonic() - t0
        if i == a.count - tenth:
            t_last0 = time.monotonic()
        c = socket.socket(fam(a.addr), socket.SOCK_STREAM)
        prepare(c, a.mode)
        c.connect((a.addr, a.port))
        s, _ = ls.accept()
        after_connect(c, a.mode, False)
        after_connect(s, a.mode, True)
        c.send(b"x")
        good = s.recv(1) == b"x"
        s.send(b"y")
        ok += good and c.recv(1) == b"y"
        pairs.append((c, s))
    dt = time.monotonic() - t0
    t_last = time.monotonic() - t_last0 if t_last0 is not None else dt
    after = settled_meminfo()
    out = {"mode": a.mode, "connections": a.count, "echoed": ok, "seconds": round(dt, 3),
           "per_second": round(a.count / dt, 1),
           "first_tenth_per_second": round(tenth / t_first, 1) if t_first else None,
           "last_tenth_per_second": round(tenth / t_last, 1) if t_last else None}
    out.update(per_pair(before, after, a.count))
    if a.bulk_conns:
        out.update(hold_bulk(pairs[:a.bulk_conns], a.size, after))
    for c, s in pairs:
        c.close()
        s.close()
    print(json.dumps(out))


def hold_bulk(pairs, size, base):
    """Client sides queue up to size bytes each (non-blocking, until TCP
    takes no more) while the servers do not read; memory sampled then;
    then the servers drain and every byte is counted."""
    chunk = bytes(range(256)) * 256  # 64 KiB
    queued = []
    for c, _ in pairs:
        c.setblocking(False)
        n = 0
        while n < size:
            try:
                n += c.send(chunk[:min(len(chunk), size - n)])
            except BlockingIOError:
                break
        queued.append(n)
    time.sleep(1)
    peak = meminfo()
    got = []
    for (c, s), n in zip(pairs, queued):
        m = 0
        s.settimeout(5)  # no progress for 5 s: count what came
        while m < n:
            try:
                m += len(s.recv(1 << 16))
            except socket.timeout:
                break
        got.append(m)
    k = len(pairs)
    res = {"bulk_conns": k, "bulk_queued_bytes": sum(queued), "bulk_received_bytes": sum(got)}
    res.update({"bulk_" + key: v for key, v in per_pair(base, peak, k).items()})
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["serve", "bulk", "rate", "cost", "hold"])
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", choices=["plain", "tcpcrypt", "resume", "eno-off", "ktls"], required=True)
    ap.add_argument("--size", type=int, default=64 << 20)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--echo", action="store_true")
    ap.add_argument("--tep", type=lambda s: int(s, 0))
    ap.add_argument("--ready")
    ap.add_argument("--server-ns")
    ap.add_argument("--client-ns")
    ap.add_argument("--bulk-conns", type=int, default=0)
    ap.add_argument("--tcg-mark", action="store_true",
                    help="cost: snapshot the tcg-count plugin's counters around the timed loop")
    a = ap.parse_args()
    global TEP
    TEP = a.tep
    {"serve": serve, "bulk": bulk, "rate": rate, "cost": cost, "hold": hold}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
