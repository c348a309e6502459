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

Modes: plain (TCP), tcpcrypt (the tcpinc ULP), ktls (Linux kTLS software
AES-128-GCM, keys set directly with setsockopt(SOL_TLS), no handshake);
rate and cost also take resume.
"""
import argparse
import json
import socket
import struct
import sys
import time

from tcpinc_netns import setns

SOL_TCP, TCP_ULP, SOL_TLS, TLS_TX, TLS_RX = 6, 31, 282, 1, 2
TCP_CRYPT_NO_RESUME = 0x4571  # include/uapi/linux/tcpinc.h
TCP_ENO_TEPS = 0x4543
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
    # "resume": connections resume from the cache once one exchange filled it.
    if mode in ("tcpcrypt", "resume"):
        sock.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
        if TEP is not None:
            sock.setsockopt(SOL_TCP, TCP_ENO_TEPS, bytes([TEP]))
    if mode == "tcpcrypt" and not listening:
        sock.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)


def after_connect(sock, mode, server):
    if mode == "ktls":
        sock.setsockopt(SOL_TCP, TCP_ULP, b"tls")
        sock.setsockopt(SOL_TLS, TLS_TX, ktls_info(0))
        sock.setsockopt(SOL_TLS, TLS_RX, ktls_info(1))


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


def cost(a):
    setns(a.server_ns)
    ls = socket.socket(fam(a.addr), socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    prepare(ls, a.mode, True)
    ls.bind((a.addr, a.port))
    ls.listen(128)
    setns(a.client_ns)
    names = ("setup", "connect_accept", "client_to_server", "server_to_client", "client_close_eof",
             "server_close")
    spent = [0.0] * len(names)

    def one():
        t = [time.monotonic()]
        c = socket.socket(fam(a.addr), socket.SOCK_STREAM)
        prepare(c, a.mode)
        t.append(time.monotonic())
        c.connect((a.addr, a.port))
        s, _ = ls.accept()
        t.append(time.monotonic())
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
    t0 = time.monotonic()
    ok = sum(one() for _ in range(a.count))
    dt = time.monotonic() - t0
    out = {"mode": a.mode, "connections": a.count, "echoed": ok, "us_per_connection": round(dt / a.count * 1e6)}
    out.update((n + "_us", round(v / a.count * 1e6)) for n, v in zip(names, spent))
    print(json.dumps(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["serve", "bulk", "rate", "cost"])
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mode", choices=["plain", "tcpcrypt", "resume", "ktls"], required=True)
    ap.add_argument("--size", type=int, default=64 << 20)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--echo", action="store_true")
    ap.add_argument("--tep", type=lambda s: int(s, 0))
    ap.add_argument("--ready")
    ap.add_argument("--server-ns")
    ap.add_argument("--client-ns")
    a = ap.parse_args()
    global TEP
    TEP = a.tep
    {"serve": serve, "bulk": bulk, "rate": rate, "cost": cost}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
