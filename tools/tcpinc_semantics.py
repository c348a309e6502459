#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_semantics.py - what recv, send, poll, epoll and FIONREAD say on a
tcpcrypt connection, checked byte for byte. Both ends live in this one
process (the listener in network namespace SERVER_NS, the client in
CLIENT_NS, entered with setns), so every step happens in a known order.

  tcpinc_semantics.py --server-ns h2 --client-ns h1 --addr 192.0.2.2 --port P
        [--hold-init2 CMD_ON CMD_OFF]

--hold-init2: two shell commands that start and stop dropping the server's
payload segments at the client (its Init2 and later frames), so that the
client is seen without keys: non-blocking send EAGAIN, poll not writable.

One JSON object per check on stdout: {"check": name, "ok": true, ...}; the
first failing check prints "ok": false with what was expected and got, and
the exit status is 1. Every wait is bounded (a few seconds).
"""
import argparse
import ctypes
import errno
import hashlib
import json
import select
import socket
import struct
import subprocess
import sys
import threading
import time

from tcpinc_netns import setns

SOL_TCP, TCP_ULP = 6, 31
TCP_ENO_NEGTEP = 0x4542  # include/uapi/linux/tcpinc.h
TCP_CRYPT_NO_RESUME = 0x4571
FIONREAD = 0x541B  # asm-generic/ioctls.h (x86)

libc = ctypes.CDLL(None, use_errno=True)


class CheckFailed(Exception):
    pass


def report(name, ok, **kw):
    print(json.dumps(dict([("check", name), ("ok", ok)] + sorted(kw.items()))), flush=True)
    if not ok:
        raise CheckFailed(name)


def show(v):
    if isinstance(v, bytes) and len(v) > 16:
        return "%d bytes, sha256 %s" % (len(v), hashlib.sha256(v).hexdigest()[:16])
    return repr(v)[:200]


def expect(name, got, want, **kw):
    report(name, got == want, got=show(got), want=show(want), **kw)


def fionread(sock):
    buf = ctypes.c_int(-1)
    if libc.ioctl(sock.fileno(), FIONREAD, ctypes.byref(buf)) != 0:
        return "errno %s" % errno.errorcode.get(ctypes.get_errno(), "?")
    return buf.value


def readable(sock, timeout_ms):
    p = select.poll()
    p.register(sock, select.POLLIN)
    return bool(p.poll(timeout_ms))


def writable(sock, timeout_ms):
    p = select.poll()
    p.register(sock, select.POLLOUT)
    return bool(p.poll(timeout_ms))


def errname_of(fn):
    try:
        fn()
        return "no error"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def tcp_out_rsts():
    """Tcp OutRsts (RSTs sent, IPv4 and IPv6) of the current network
    namespace (/proc/net follows the calling thread's namespace)."""
    with open("/proc/net/snmp") as f:
        lines = f.read().splitlines()
    for head, vals in zip(lines[::2], lines[1::2]):
        if head.startswith("Tcp:"):
            return int(dict(zip(head.split()[1:], vals.split()[1:]))["OutRsts"])
    raise KeyError("Tcp: OutRsts")


def tcp_states(port):
    """TCP states (hex codes of /proc/net/tcp{,6}: 06 = TIME_WAIT) of the
    sockets in the current namespace whose local port is port."""
    out = []
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(path) as f:
            for line in f.read().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    out.append(fields[3])
    return out


def pattern(n, seed):
    return bytes((seed + i * 7) & 0xFF for i in range(n))


def connect_pair(a, listener):
    c = socket.socket(socket.AF_INET6 if ":" in a.addr else socket.AF_INET, socket.SOCK_STREAM)
    c.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    c.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)  # Init1/Init2 every time
    # Blocking connect: it returns with TCP's handshake. A socket with a
    # timeout connects non-blocking and waits for POLLOUT, which tcpcrypt
    # gives only once the keys exist (and the first check holds them back).
    c.connect((a.addr, a.port))
    s, _ = listener.accept()
    # Blocking sockets for Python (which would otherwise poll before every
    # call, MSG_DONTWAIT or not), bounded by the kernel's own timeouts.
    for sk in (c, s):
        sk.settimeout(None)
        sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 5, 0))
        sk.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 5, 0))
    return c, s


def run(a):
    setns(a.server_ns)
    fam = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    listener = socket.socket(fam, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    listener.bind((a.addr, a.port))
    listener.listen(8)
    listener.settimeout(5)
    setns(a.client_ns)

    # 1. No keys yet: the server's Init2 is held back on the way.
    if a.hold_init2:
        on, off = a.hold_init2
        subprocess.run(on, shell=True, check=True)
        try:
            c, s = connect_pair(a, listener)
            c.setblocking(False)
            time.sleep(0.3)  # the server answered Init1 by now (work item)
            expect("keys-pending: poll has no POLLOUT", writable(c, 0), False)
            expect("keys-pending: non-blocking send", errname_of(lambda: c.send(b"early")), "EAGAIN")
            expect("keys-pending: nothing readable", readable(c, 0), False)
        finally:
            subprocess.run(off, shell=True, check=True)
        # TCP retransmits Init2 (RTO about 1 s at first: 5 s bound).
        expect("keys-pending: POLLOUT once Init2 arrives", writable(c, 5000), True)
        c.setblocking(True)
        expect("keys-pending: send after keys", c.send(b"late"), 4)
        expect("keys-pending: the server reads it", s.recv(100), b"late")
        expect("keys-pending: TEP negotiated", c.getsockopt(SOL_TCP, TCP_ENO_NEGTEP), 0x23)
        c.close()
        s.close()

    c, s = connect_pair(a, listener)
    # 2. Partial reads: one 1000-byte frame read 10 bytes at a time.
    msg = pattern(1000, 1)
    s.sendall(msg)
    got = b"".join(c.recv(10) for _ in range(100))
    expect("partial reads of one frame", got, msg)

    # 3. Nothing left: poll, FIONREAD, non-blocking recv and epoll agree.
    expect("drained: poll not readable", readable(c, 0), False)
    expect("drained: FIONREAD", fionread(c), 0)
    expect("drained: recv(MSG_DONTWAIT)", errname_of(lambda: c.recv(10, socket.MSG_DONTWAIT)), "EAGAIN")
    ep = select.epoll()
    ep.register(c.fileno(), select.EPOLLIN)
    expect("drained: epoll_wait", ep.poll(0), [])

    # 4. One 3000-byte frame: FIONREAD counts plaintext (TCP would count
    # 3000 + 4 bytes of frame header + 16 of tag), epoll and poll say
    # readable, and recv takes exactly what FIONREAD said.
    msg = pattern(3000, 2)
    s.sendall(msg)
    expect("frame: epoll_wait EPOLLIN", ep.poll(5), [(c.fileno(), select.EPOLLIN)])
    expect("frame: poll readable", readable(c, 0), True)
    expect("frame: FIONREAD is plaintext", fionread(c), 3000)
    expect("frame: recv 1000", c.recv(1000), msg[:1000])
    expect("frame: FIONREAD after recv 1000", fionread(c), 2000)

    # 5. MSG_PEEK leaves the bytes where they are.
    expect("peek: 5 bytes", c.recv(5, socket.MSG_PEEK), msg[1000:1005])
    expect("peek: the rest of the frame", c.recv(5000, socket.MSG_PEEK), msg[1000:])
    expect("peek: FIONREAD unchanged", fionread(c), 2000)
    expect("peek: recv gets the same bytes", c.recv(5000), msg[1000:])
    expect("peek: drained again", ep.poll(0), [])

    # 6. MSG_WAITALL across frames that arrive 50 ms apart.
    parts = [pattern(5000, 3 + i) for i in range(3)]

    def slow_sender():
        for p in parts:
            time.sleep(0.05)
            s.sendall(p)

    t = threading.Thread(target=slow_sender)
    t.start()
    got = c.recv(15000, socket.MSG_WAITALL)
    t.join(5)
    expect("waitall: one recv returns all three frames", got, b"".join(parts))

    # 7. Client to server the same way (the server is B: its own session).
    msg = pattern(777, 9)
    c.sendall(msg)
    expect("server: poll readable", readable(s, 5000), True)
    expect("server: FIONREAD", fionread(s), 777)
    expect("server: recv", s.recv(1000), msg)

    # 8. EOF only on FINp: readable, FIONREAD 0, recv returns b"".
    s.shutdown(socket.SHUT_WR)
    expect("eof: epoll_wait EPOLLIN", ep.poll(5), [(c.fileno(), select.EPOLLIN)])
    expect("eof: FIONREAD", fionread(c), 0)
    expect("eof: recv", c.recv(100), b"")
    # The other direction still works after the half-close.
    c.sendall(b"after-eof")
    expect("eof: the other direction still carries data", s.recv(100), b"after-eof")
    ep.close()
    c.close()
    s.close()

    # 9. Who closes first. The server's close sends a FINp frame, which is
    # data: a client that already closed answers it the way TCP answers
    # data after close, with an RST, and skips TIME_WAIT.
    # A client that half-closes, reads to EOF and then closes ends cleanly
    # in TIME_WAIT. (Documentation/socket-api.md, "Closing".)
    for graceful in (False, True):
        tag = "graceful close" if graceful else "client closes first"
        c, s = connect_pair(a, listener)
        c.sendall(b"x")
        expect(tag + ": data", s.recv(10), b"x")
        port = c.getsockname()[1]
        rsts = tcp_out_rsts()
        if graceful:
            c.shutdown(socket.SHUT_WR)
        else:
            c.close()
        expect(tag + ": the server reads EOF", s.recv(10), b"")
        s.close()
        if graceful:
            expect(tag + ": the client reads EOF", c.recv(10), b"")
            c.close()
        # The segments cross in softirq context; give a slow (debug) kernel
        # up to 5 s to reach the expected end state, then check both facts.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not (
                ("06" in tcp_states(port)) if graceful else tcp_out_rsts() > rsts):
            time.sleep(0.05)
        time.sleep(0.1)
        expect(tag + ": RSTs the client namespace sent", tcp_out_rsts() - rsts, 0 if graceful else 1)
        expect(tag + ": client in TIME_WAIT", "06" in tcp_states(port), graceful)
    listener.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server-ns", required=True)
    ap.add_argument("--client-ns", required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--hold-init2", nargs=2, metavar=("CMD_ON", "CMD_OFF"))
    a = ap.parse_args()
    try:
        run(a)
    except CheckFailed:
        return 1
    except Exception as e:  # a socket error mid-way is a failure, with its name
        print(json.dumps({"check": "unexpected exception", "ok": False,
                          "error": "%s: %s" % (type(e).__name__, e)}), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
