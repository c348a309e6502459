#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_rekey_burst.py - rekey requests while the peer's transmit is
blocked (issue 16 item 0), both ends in this one process (the listener in
network namespace SERVER_NS, the client in CLIENT_NS, entered with setns).

  tcpinc_rekey_burst.py --server-ns h2 --client-ns h1 --addr A --port P
        --rekeyer client|server [--rounds N] [--max-k K] [--seed S]

X (the --rekeyer end) has a small receive buffer, Y a small send buffer.
Each round: Y writes (non-blocking) until its transmit stays blocked, X
reading nothing, so that Y's module holds ciphertext it cannot queue and
with it any rekey answer it owes; then k times (k random, 2..K) X sends a
few bytes that Y reads (Y's module opens X's frames, rekey ones included)
and asks for a rekey with TCP_CRYPT_REKEY; then X reads everything Y
wrote, and a marker Y writes after it (so X has opened Y's answer). Every
byte both ways is checked (SHA-256 of each direction at the end).

The module never has more than one rekey of its own unanswered (the core
answers EBUSY), so only the first request of a round is accepted and Y
owes one generation step at a time; the check "one request accepted" says
so. k > 1 owed steps needs a peer that rekeys with data frames while
unanswered, which the unit test tcpcrypt_rekey_answer_test.cc models.

One JSON object per check on stdout, {"check": name, "ok": true, ...}, and
a last one {"summary": ...} with the rekeys X had accepted; the first
failing check prints "ok": false and the exit status is 1. Every wait is
bounded (5 s socket timeouts, a bounded number of tries).
"""
import argparse
import errno
import hashlib
import json
import random
import socket
import struct
import sys
import time

from tcpinc_netns import setns

SOL_TCP, TCP_ULP = 6, 31
TCP_CRYPT_REKEY = 0x4560  # include/uapi/linux/tcpinc.h
TCP_CRYPT_NO_RESUME = 0x4571
SMALL_BUF = 32768


class CheckFailed(Exception):
    pass


def report(name, ok, **kw):
    print(json.dumps(dict([("check", name), ("ok", ok)] + sorted(kw.items()))), flush=True)
    if not ok:
        raise CheckFailed(name)


def expect(name, got, want, **kw):
    report(name, got == want, got=repr(got)[:200], want=repr(want)[:200], **kw)


def timeouts(sk):
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 5, 0))


def recv_exactly(sk, n, h=None):
    got = bytearray()
    while len(got) < n:
        b = sk.recv(min(n - len(got), 65536))
        if not b:
            raise CheckFailed("EOF after %d of %d bytes" % (len(got), n))
        got += b
    if h is not None:
        h.update(got)
    return bytes(got)


def fill(y, rng, h):
    """Y writes until its transmit stays blocked: EAGAIN, and EAGAIN again
    50 ms later (X's window is shut, not just a burst in flight)."""
    total = 0
    for _ in range(400):
        while True:
            chunk = rng.randbytes(rng.randint(1000, 20000))
            try:
                n = y.send(chunk, socket.MSG_DONTWAIT)
            except BlockingIOError:
                break
            h.update(chunk[:n])
            total += n
            if total > 64 << 20:
                raise CheckFailed("Y never blocked (64 MiB written)")
        time.sleep(0.05)
        try:
            chunk = rng.randbytes(1000)
            n = y.send(chunk, socket.MSG_DONTWAIT)
            h.update(chunk[:n])
            total += n
        except BlockingIOError:
            return total
    raise CheckFailed("Y's transmit did not stay blocked")


def rekey(x):
    try:
        x.setsockopt(SOL_TCP, TCP_CRYPT_REKEY, 1)
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def run(a):
    rng = random.Random(a.seed)
    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    setns(a.server_ns)
    listener = socket.socket(fam, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    # Buffers before listen/connect: the window follows SO_RCVBUF from the
    # SYN on, and accepted sockets inherit the listener's.
    listener.setsockopt(socket.SOL_SOCKET,
                        socket.SO_RCVBUF if a.rekeyer == "server" else socket.SO_SNDBUF, SMALL_BUF)
    listener.bind((a.addr, a.port))
    listener.listen(4)
    listener.settimeout(5)
    setns(a.client_ns)
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    c.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)  # Init1/Init2 every time
    c.setsockopt(socket.SOL_SOCKET,
                 socket.SO_RCVBUF if a.rekeyer == "client" else socket.SO_SNDBUF, SMALL_BUF)
    c.settimeout(5)
    c.connect((a.addr, a.port))
    s, _ = listener.accept()
    for sk in (c, s):
        sk.settimeout(None)
        timeouts(sk)
    x, y = (c, s) if a.rekeyer == "client" else (s, c)

    # Keys both ways before the rounds.
    x.sendall(b"hello-y")
    expect("start: Y reads X", recv_exactly(y, 7), b"hello-y")
    y.sendall(b"hello-x")
    expect("start: X reads Y", recv_exactly(x, 7), b"hello-x")

    hy_sent, hx_got = hashlib.sha256(), hashlib.sha256()  # Y -> X
    hx_sent, hy_got = hashlib.sha256(), hashlib.sha256()  # X -> Y
    y_total = 0
    accepted = 0
    requested = 0
    for r in range(a.rounds):
        k = rng.randint(2, a.max_k)
        n = fill(y, rng, hy_sent)
        y_total += n
        results = []
        for _ in range(k):
            # One request per step, before or after X's data; Y reads the
            # data, which makes Y's module open X's frames (the rekey
            # frame too, when it came first) while its own output is held.
            data = rng.randbytes(rng.randint(1, 3000))
            first = rng.random() < 0.5
            if first:
                results.append(rekey(x))
            x.sendall(data)
            hx_sent.update(data)
            recv_exactly(y, len(data), hy_got)
            if not first:
                results.append(rekey(x))
            if rng.random() < 0.3:
                try:
                    extra = rng.randbytes(500)
                    m = y.send(extra, socket.MSG_DONTWAIT)
                    hy_sent.update(extra[:m])
                    y_total += m
                except BlockingIOError:
                    pass
        requested += len(results)
        # Only the first is accepted: X's rekey stays unanswered while Y's
        # transmit is blocked (no second rekey of ours until then).
        expect("round %d: first rekey request accepted" % r, results[:1], ["ok"], k=k, blocked_after=n)
        expect("round %d: later requests EBUSY while unanswered" % r, results[1:],
               ["EBUSY"] * (len(results) - 1))
        accepted += 1
        # X reads all of it; Y's staged ciphertext, then its answer, flow.
        got = 0
        while got < y_total:
            b = x.recv(65536)
            if not b:
                raise CheckFailed("X: EOF in round %d" % r)
            hx_got.update(b)
            got += len(b)
        y_total = 0
        # A marker behind the answer: once X has it, X opened the answer.
        marker = b"round-%d-done" % r
        y.sendall(marker)
        hy_sent.update(marker)
        expect("round %d: X reads everything, then the marker" % r,
               recv_exactly(x, len(marker), hx_got), marker)
    expect("after the rounds: X's rekey is answered (a new one is accepted)", rekey(x), "ok")
    accepted += 1
    x.sendall(b"last")
    hx_sent.update(b"last")
    expect("after the rounds: Y reads X's last bytes", recv_exactly(y, 4, hy_got), b"last")
    y.sendall(b"ack")
    hy_sent.update(b"ack")
    expect("after the rounds: X reads Y's answer and bytes", recv_exactly(x, 3, hx_got), b"ack")
    expect("Y -> X bytes intact (sha256)", hx_got.hexdigest(), hy_sent.hexdigest())
    expect("X -> Y bytes intact (sha256)", hy_got.hexdigest(), hx_sent.hexdigest())
    x.shutdown(socket.SHUT_WR)
    expect("Y reads EOF (FINp)", y.recv(10), b"")
    y.shutdown(socket.SHUT_WR)
    expect("X reads EOF (FINp)", x.recv(10), b"")
    for sk in (c, s, listener):
        sk.close()
    print(json.dumps({"summary": True, "rounds": a.rounds, "rekeys_accepted": accepted,
                      "rekeys_requested": requested + 1}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server-ns", required=True)
    ap.add_argument("--client-ns", required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--rekeyer", choices=("client", "server"), required=True)
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--max-k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    try:
        run(a)
    except CheckFailed as e:
        print(json.dumps({"check": "failed", "ok": False, "error": str(e)}), flush=True)
        return 1
    except Exception as e:  # a socket error mid-way is a failure, with its name
        print(json.dumps({"check": "unexpected exception", "ok": False,
                          "error": "%s: %s" % (type(e).__name__, e)}), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
