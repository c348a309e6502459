#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_flags.py - send flags and urgent data on a tcpcrypt connection
(issue 16 item 6). Both ends live in this one process (listener in
SERVER_NS, client in CLIENT_NS, entered with setns); IPv4 only (the raw
injection builds an IPv4 TCP segment).

  tcpinc_flags.py --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port P

Checks, one JSON object each on stdout ({"check": name, "ok": ...}; the
first failure ends the run with exit status 1):
- MSG_ZEROCOPY without SO_ZEROCOPY is ignored, as TCP ignores it: the bytes
  arrive, byte for byte;
- with SO_ZEROCOPY, send(MSG_ZEROCOPY) is refused (EOPNOTSUPP, as kTLS does)
  and queues nothing: no completion on the error queue, and the next plain
  send arrives byte for byte, nothing before it;
- MSG_MORE and MSG_EOR sends arrive byte for byte;
- a segment with URG set injected from the server's namespace (a raw
  socket, right sequence numbers read off the wire with AF_PACKET at the
  client) does not stall the stream: frames sent after it arrive byte for
  byte within the receive timeout.
Every wait is bounded: SO_RCVTIMEO/SO_SNDTIMEO 3 s, sniffing 3 s.
"""
import argparse
import errno
import json
import select
import socket
import struct
import sys
import time

from tcpinc_netns import setns

SOL_TCP, TCP_ULP = 6, 31
TCP_ENO_NEGTEP = 0x4542
TCP_CRYPT_NO_RESUME = 0x4571
SO_ZEROCOPY = 60
MSG_ZEROCOPY = 0x4000000
MSG_EOR = 0x80
MSG_MORE = 0x8000
MSG_ERRQUEUE = 0x2000


class CheckFailed(Exception):
    pass


def report(name, ok, **kw):
    print(json.dumps(dict([("check", name), ("ok", ok)] + sorted(kw.items()))), flush=True)
    if not ok:
        raise CheckFailed(name)


def expect(name, got, want, **kw):
    report(name, got == want, got=repr(got)[:120], want=repr(want)[:120], **kw)


def errname_of(fn):
    try:
        r = fn()
        return r if isinstance(r, int) else "no error"
    except OSError as e:
        if e.errno == errno.EOPNOTSUPP:
            return "EOPNOTSUPP"  # errorcode names 95 ENOTSUP, its alias
        return errno.errorcode.get(e.errno, str(e.errno))


def pattern(n, seed):
    return bytes((seed + i * 7) & 0xFF for i in range(n))


def timeouts(sk):
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 3, 0))
    sk.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 3, 0))


def recv_exactly(sk, n):
    """Up to n bytes, until n arrived or a receive timed out (EAGAIN)."""
    out = b""
    deadline = time.monotonic() + 5
    while len(out) < n and time.monotonic() < deadline:
        try:
            b = sk.recv(n - len(out))
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                break
            raise
        if not b:
            break
        out += b
    return out


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def sniff_last_segment(pkt, src, sport, deadline):
    """The last src:sport segment with payload seen by AF_PACKET socket pkt
    before deadline: (seq, payload_len, ack, window, tsval, tsecr, dport)."""
    last = None
    while time.monotonic() < deadline:
        r, _, _ = select.select([pkt], [], [], 0.1)
        if not r:
            if last:
                break
            continue
        frame, addr = pkt.recvfrom(65535)
        ip = frame[14:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6 or socket.inet_ntoa(ip[12:16]) != src:
            continue
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        tcp = ip[ihl:tot]
        sp, dp, seq, ack = struct.unpack("!HHII", tcp[:12])
        doff = (tcp[12] >> 4) * 4
        if sp != sport or len(tcp) - doff <= 0:
            continue
        win = struct.unpack("!H", tcp[14:16])[0]
        tsval = tsecr = None
        o = 20
        while o < doff:
            kind = tcp[o]
            if kind == 0:
                break
            if kind == 1:
                o += 1
                continue
            ln = tcp[o + 1]
            if kind == 8 and ln == 10:
                tsval, tsecr = struct.unpack("!II", tcp[o + 2:o + 10])
            o += max(ln, 2)
        last = (seq, len(tcp) - doff, ack, win, tsval, tsecr, dp)
    return last


def inject_urg(a, seg, urg_ptr):
    """From the server's namespace: an ACK|URG segment at the client's
    rcv_nxt, as the server's TCP would send it."""
    seq, plen, ack, win, tsval, tsecr, cport = seg
    opts = b""
    if tsval is not None:
        opts = b"\x01\x01\x08\x0a" + struct.pack("!II", tsval, tsecr)
    doff = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", a.port, cport, (seq + plen) & 0xFFFFFFFF, ack,
                      doff << 4, 0x10 | 0x20, win, 0, urg_ptr) + opts
    pseudo = socket.inet_aton(a.addr) + socket.inet_aton(a.client_addr) + struct.pack("!BBH", 0, 6, len(hdr))
    c = csum(pseudo + hdr)
    hdr = hdr[:16] + struct.pack("!H", c) + hdr[18:]
    setns(a.server_ns)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    raw.sendto(hdr, (a.client_addr, 0))
    raw.close()


def run(a):
    setns(a.server_ns)
    lst = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    lst.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)
    lst.bind((a.addr, a.port))
    lst.listen(4)
    lst.settimeout(5)
    setns(a.client_ns)
    pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    pkt.bind(("eth0", 0))
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    c.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)
    c.connect((a.addr, a.port))
    s, _ = lst.accept()
    for sk in (c, s):
        sk.settimeout(None)
        timeouts(sk)
    c.sendall(b"hello")
    expect("handshake: the server reads the first bytes", recv_exactly(s, 5), b"hello")
    report("the connection is encrypted", c.getsockopt(SOL_TCP, TCP_ENO_NEGTEP) in (0x21, 0x23))

    # MSG_ZEROCOPY without SO_ZEROCOPY: ignored, as by TCP.
    d = pattern(3000, 1)
    expect("MSG_ZEROCOPY without SO_ZEROCOPY: send returns the length",
           errname_of(lambda: c.send(d, MSG_ZEROCOPY)), len(d))
    expect("MSG_ZEROCOPY without SO_ZEROCOPY: the bytes arrive", recv_exactly(s, len(d)), d)

    # With SO_ZEROCOPY: refused, nothing staged, nothing pinned.
    c.setsockopt(socket.SOL_SOCKET, SO_ZEROCOPY, 1)
    d = pattern(5000, 2)
    got = errname_of(lambda: c.send(d, MSG_ZEROCOPY))
    if got == len(d):
        early = recv_exactly(s, len(d))
        print(json.dumps({"note": "send(MSG_ZEROCOPY) reported %d bytes sent; the server received %d of them within 3 s"
                          % (got, len(early))}), flush=True)
    expect("MSG_ZEROCOPY with SO_ZEROCOPY: refused", got, "EOPNOTSUPP")
    expect("no zerocopy completion queued",
           errname_of(lambda: c.recvmsg(64, 256, MSG_ERRQUEUE | socket.MSG_DONTWAIT)), "EAGAIN")
    d = pattern(7000, 3)
    c.sendall(d)
    expect("after the refusal: the next send arrives, nothing before it", recv_exactly(s, len(d)), d)
    c.setsockopt(socket.SOL_SOCKET, SO_ZEROCOPY, 0)

    # MSG_MORE, then MSG_EOR: passed to TCP, the bytes arrive.
    d1, d2 = pattern(1000, 4), pattern(1500, 5)
    expect("MSG_MORE send", errname_of(lambda: c.send(d1, MSG_MORE)), len(d1))
    expect("MSG_EOR send", errname_of(lambda: c.send(d2, MSG_EOR)), len(d2))
    expect("MSG_MORE + MSG_EOR: the bytes arrive", recv_exactly(s, len(d1) + len(d2)), d1 + d2)

    # Urgent: the server sends a frame, the client reads it all; a forged
    # ACK|URG at the client's rcv_nxt points 5 bytes into what comes next.
    d = pattern(300, 6)
    s.sendall(d)
    seg = sniff_last_segment(pkt, a.addr, a.port, time.monotonic() + 3)
    expect("urgent: the client reads the frame before", recv_exactly(c, len(d)), d)
    report("urgent: the server's last data segment was seen on the wire", seg is not None, seg=repr(seg))
    inject_urg(a, seg, 5)
    time.sleep(0.2)
    d = pattern(4000, 7) + pattern(4000, 8)
    s.sendall(d[:4000])
    time.sleep(0.05)
    s.sendall(d[4000:])
    expect("urgent: frames after the URG segment arrive byte for byte", recv_exactly(c, len(d)), d)
    c.sendall(b"still")
    expect("urgent: the other direction still works", recv_exactly(s, 5), b"still")
    pkt.close()
    c.close()
    s.close()
    lst.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server-ns", required=True)
    ap.add_argument("--client-ns", required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--client-addr", required=True)
    ap.add_argument("--port", type=int, required=True)
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
