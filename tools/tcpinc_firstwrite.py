#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""First writes of every size in a range, each on its own (resumed) tcpcrypt
connection to a silent peer (issue 16 item 3): the peer sends nothing until
the client's EOF, so the client's first data segments still repeat ENO.
  serve:   accept --count connections; read each to EOF, then answer the
           8-byte count received and close.
  connect: one fresh connection (fills the resumption cache), then one per
           size in [--first, --last]; JSON: per size the bytes the peer
           counted, resumed, TCP_MAXSEG after the answer, seconds taken."""
import argparse
import json
import socket
import struct
import sys
import time

SOL_TCP = 6
TCP_ULP = 31
TCP_CRYPT_RESUMED = 0x4574


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def ulp(s):
    s.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")


def serve(a):
    srv = socket.socket(fam(a.addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ulp(srv)
    srv.bind((a.addr, a.port))
    srv.listen(8)
    srv.settimeout(a.timeout)
    open(a.ready, "w").write("ready\n")
    for _ in range(a.count):
        try:
            c, _ = srv.accept()
        except OSError:
            break
        c.settimeout(a.timeout)
        n = 0
        try:
            while True:
                b = c.recv(65536)
                if not b:
                    break
                n += len(b)
            c.sendall(struct.pack("!Q", n))
        except OSError:
            pass
        c.close()


def one(a, size):
    s = socket.socket(fam(a.addr), socket.SOCK_STREAM)
    ulp(s)
    s.settimeout(a.timeout)
    t0 = time.monotonic()
    r = {"size": size}
    try:
        s.connect((a.addr, a.port))
        s.sendall(b"w" * size)
        # Reported, not judged: 4 less while A still repeats ENO.
        r["mss_during"] = s.getsockopt(SOL_TCP, socket.TCP_MAXSEG)
        s.shutdown(socket.SHUT_WR)
        got = b""
        while len(got) < 8:
            b = s.recv(8 - len(got))
            if not b:
                break
            got += b
        r["counted"] = struct.unpack("!Q", got)[0] if len(got) == 8 else None
        r["resumed"] = int.from_bytes(s.getsockopt(SOL_TCP, TCP_CRYPT_RESUMED, 4), "little")
        while s.recv(4096):
            pass
        # A gives the room back when it sends after B's first non-SYN
        # segment (its ACK of B's answer and FIN): wait for that, bounded.
        deadline = time.monotonic() + 1.0
        while True:
            r["mss_after"] = s.getsockopt(SOL_TCP, socket.TCP_MAXSEG)
            if r["mss_after"] == a.mss or time.monotonic() > deadline:
                break
            time.sleep(0.01)
    except OSError as e:
        r["error"] = type(e).__name__ + ":" + str(e)
    r["secs"] = round(time.monotonic() - t0, 3)
    s.close()
    return r


def connect(a):
    fresh = one(a, 10)
    res = [one(a, n) for n in range(a.first, a.last + 1)]
    print(json.dumps({"fresh": fresh, "results": res}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["serve", "connect"])
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--ready")
    ap.add_argument("--mss", type=int, default=0, help="the full MSS expected after")
    ap.add_argument("--first", type=int)
    ap.add_argument("--last", type=int)
    a = ap.parse_args()
    serve(a) if a.mode == "serve" else connect(a)


if __name__ == "__main__":
    sys.exit(main())
