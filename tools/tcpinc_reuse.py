#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_reuse.py - a tcpcrypt socket used for a second connection (issue
16 item 5). Both ends live in this one process (listener in SERVER_NS,
client in CLIENT_NS, entered with setns), so every step happens in order.

  tcpinc_reuse.py --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port P
                  --unreachable 198.51.100.1

Checks, one JSON object each on stdout ({"check": name, "ok": ...}; the
first failure ends the run with exit status 1):
- a first connection is encrypted (TCP_ENO_NEGTEP), carries bytes both ways
  and both ends report the same TCP_ENO_SESSID;
- connect(AF_UNSPEC) disconnects it (0, as TCP does);
- a second connect() on that socket is refused with EISCONN, and so is
  listen(); a fresh socket still connects (the listener is fine);
- a connect the peer refused (RST to our SYN with ENO: ECONNREFUSED) leaves
  the socket refused for another attempt (EISCONN);
- a connect that failed before any SYN (no route: ENETUNREACH) may be
  retried, and the retry makes an encrypted connection.
Every wait is bounded by SO_RCVTIMEO/SO_SNDTIMEO (5 s) or select timeouts.
"""
import argparse
import ctypes
import errno
import json
import socket
import struct
import sys

from tcpinc_netns import setns

SOL_TCP, TCP_ULP = 6, 31
TCP_ENO_SESSID = 0x4541
TCP_ENO_NEGTEP = 0x4542
TCP_CRYPT_NO_RESUME = 0x4571

libc = ctypes.CDLL(None, use_errno=True)


class CheckFailed(Exception):
    pass


def report(name, ok, **kw):
    print(json.dumps(dict([("check", name), ("ok", ok)] + sorted(kw.items()))), flush=True)
    if not ok:
        raise CheckFailed(name)


def expect(name, got, want, **kw):
    report(name, got == want, got=repr(got)[:200], want=repr(want)[:200], **kw)


def errname_of(fn):
    try:
        fn()
        return "no error"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def disconnect(sock):
    """connect(fd, {AF_UNSPEC}) - TCP's disconnect (tcp_disconnect)."""
    sa = (ctypes.c_ubyte * 28)()  # sa_family 0 = AF_UNSPEC, rest zero
    if libc.connect(sock.fileno(), sa, 28) != 0:
        return errno.errorcode.get(ctypes.get_errno(), "?")
    return "no error"


def sessid(sock):
    try:
        return sock.getsockopt(SOL_TCP, TCP_ENO_SESSID, 64).hex()
    except OSError as e:
        return "errno " + errno.errorcode.get(e.errno, str(e.errno))


def negtep(sock):
    try:
        return sock.getsockopt(SOL_TCP, TCP_ENO_NEGTEP)
    except OSError as e:
        return "errno " + errno.errorcode.get(e.errno, str(e.errno))


def timeouts(sk):
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 5, 0))


def client(fam, ns):
    setns(ns)
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    c.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)
    timeouts(c)
    return c


def exchange(tag, c, s):
    c.sendall(b"ping " + tag.encode())
    expect(tag + ": server reads the client's bytes", s.recv(100), b"ping " + tag.encode())
    s.sendall(b"pong " + tag.encode())
    expect(tag + ": client reads the server's bytes", c.recv(100), b"pong " + tag.encode())


def run(a):
    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    v = "IPv6" if fam == socket.AF_INET6 else "IPv4"
    setns(a.server_ns)
    lst = socket.socket(fam, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    lst.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)
    lst.bind((a.addr, a.port))
    lst.listen(8)
    lst.settimeout(5)

    c = client(fam, a.client_ns)
    c.connect((a.addr, a.port))
    s, _ = lst.accept()
    timeouts(s)
    s.settimeout(None)
    exchange(v + " first", c, s)
    expect(v + " first: encrypted (client NEGTEP)", negtep(c) in (0x21, 0x23), True, tep=negtep(c))
    sid1 = sessid(c)
    expect(v + " first: both ends report the same session ID", sessid(s), sid1, sid=sid1)

    expect(v + ": connect(AF_UNSPEC) disconnects", disconnect(c), "no error")
    s.close()
    got = errname_of(lambda: c.connect((a.addr, a.port)))
    if got == "no error":
        # Old behaviour: the socket connected again on stale state. Say
        # what the two ends report before failing.
        try:
            s2, _ = lst.accept()
            print(json.dumps({"note": v + " second connection accepted",
                              "client_sessid": sessid(c), "first_sessid": sid1,
                              "server_sessid": sessid(s2), "server_negtep": negtep(s2),
                              "client_negtep": negtep(c)}), flush=True)
            s2.close()
        except OSError as e:
            print(json.dumps({"note": v + " second connection not accepted: %s" % e}), flush=True)
    expect(v + ": a second connect() on the same socket is refused", got, "EISCONN")
    expect(v + ": listen() on it is refused too", errname_of(lambda: c.listen(1)), "EISCONN")
    c.close()

    # The listener is unharmed: a fresh socket connects and is encrypted.
    c = client(fam, a.client_ns)
    c.connect((a.addr, a.port))
    s, _ = lst.accept()
    timeouts(s)
    s.settimeout(None)
    exchange(v + " fresh", c, s)
    expect(v + " fresh: a new session ID", sessid(c) != sid1 and sessid(c) == sessid(s), True)
    c.close()
    s.close()

    # Refused by the peer (RST to a SYN that carried ENO): no second try.
    c = client(fam, a.client_ns)
    expect(v + ": connect to a closed port", errname_of(lambda: c.connect((a.addr, a.port + 1))),
           "ECONNREFUSED")
    expect(v + ": another connect after the refusal", errname_of(lambda: c.connect((a.addr, a.port))),
           "EISCONN")
    c.close()

    # No route: the SYN never left, so the socket may try again.
    c = client(fam, a.client_ns)
    expect(v + ": connect without a route", errname_of(lambda: c.connect((a.unreachable, a.port))),
           "ENETUNREACH")
    c.connect((a.addr, a.port))
    s, _ = lst.accept()
    timeouts(s)
    s.settimeout(None)
    exchange(v + " retried", c, s)
    expect(v + " retried: encrypted", negtep(c) in (0x21, 0x23), True, tep=negtep(c))
    c.close()
    s.close()
    lst.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server-ns", required=True)
    ap.add_argument("--client-ns", required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--unreachable", required=True)
    a = ap.parse_args()
    try:
        run(a)
    except CheckFailed:
        return 1
    except Exception as e:
        print(json.dumps({"check": "unexpected exception", "ok": False,
                          "error": "%s: %s" % (type(e).__name__, e)}), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
