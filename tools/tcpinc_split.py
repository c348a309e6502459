#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_split.py - tcpcrypt frames cut at every byte position by the
segment boundaries of a peer that segments deliberately (VM scenario
tcpcrypt-split). Both ends live in this one process (listener in
SERVER_NS, client in CLIENT_NS, entered with setns); IPv4.

  tcpinc_split.py --server-ns h2 --client-ns h1 --addr 192.0.2.2 \\
      --client-addr 192.0.2.1 --port P --mss M --pcap FILE

How the cuts are placed: both ends set TCP_MAXSEG before connect (M plus
the 12 bytes of the timestamp option, so M is the payload of a full
segment; the effective value is read back and must be coprime to every
frame size), TCP_NODELAY and a 4 MiB send buffer. Each send() of
d <= 16300 bytes (the module's largest frame) is one frame of F = d + 20 bytes (3-byte header, flags
byte, 16-byte tag). TCP_NODELAY alone starts a segment at every frame
while the send queue is empty, and a long corked stream is cut early
wherever the peer's window ends, so the sender places every cut itself:
for each target offset t in 0..min(F, M)-1 it sends one corked burst,
a filler frame of the size that puts the measured frame's start M - t
bytes past a segment boundary, then the measured frame, then uncorks.
A burst starts only when nothing is unsent (SIOCOUTQ, TCP_INFO) and the
peer's window (tcpi_snd_wnd) takes all of it, so TCP cuts it at exactly
every M bytes: the first cut falls at offset t of the frame, and for F > M
the others at t + M, t + 2M...: every offset of a frame F <= M, every
offset of the first M bytes (header, flags byte, data) and of the last M
bytes (data, tag) of a frame F > M. A warm-up of 512 KiB each way first
opens the receive windows (they start at 10 segments). The segmentation
must happen in the sender's stack: the scenario turns TSO, GSO and GRO
off on both veth ends. It also turns tail loss probes off
(net.ipv4.tcp_early_retrans=0): a probe that fires between the two sends
of a burst sends the corked partial segment (it ignores the cork).

Per data size d in 1, 2, 3, 17, 100, 1000, 16300 and each direction, the
receiver either waits 0.3 s before reading (segments queue and TCP
coalesces them into one skb with several frags) and then reads with
pauses, or reads at once. tcpdump (-s 0) in SERVER_NS captures the
connection; afterwards the capture is reassembled per direction, parsed
into frames (Init message, then frames that must tile the stream), and
for each frame size the offsets at which a segment starts inside a
measured frame are counted: the coverage comes from the wire, not from
the arithmetic above.

One JSON object per check on stdout ({"check": name, "ok": ...}), the
first failure ends the run with exit status 1:
- the plaintext of every group of bursts arrives identical (length and
  SHA-256);
- TCP_ENO_SESSID: 33 bytes, equal on both ends; TCP_ENO_NEGTEP set;
- the capture lost nothing and has no hole, the frames tile both streams,
  one frame per send in the order sent, then the FINp frame; no
  plaintext marker in either stream;
- coverage: distinct split offsets = min(F, M) at the head of the frames
  and, for F > M, M at their tail.
Every wait is bounded (socket timeouts 20 s, joins, tcpdump start/stop),
times TCPINC_VM_TIME_FACTOR.
"""
import argparse
import bisect
import fcntl
import hashlib
import json
import math
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

from tcpinc_netns import setns

SOL_TCP, TCP_NODELAY, TCP_MAXSEG, TCP_CORK, TCP_INFO, TCP_ULP = 6, 1, 2, 3, 11, 31
SO_SNDBUFFORCE = 32
SIOCOUTQ = 0x5411
# struct tcp_info (uapi/linux/tcp.h): its length up to tcpi_snd_wnd, and
# the offsets of tcpi_notsent_bytes and tcpi_snd_wnd.
TCP_INFO_LEN, TCPI_NOTSENT, TCPI_SND_WND = 232, 144, 228
TCP_ENO_SESSID, TCP_ENO_NEGTEP = 0x4541, 0x4542
TCP_CRYPT_NO_RESUME = 0x4571
# FRAME_MAX: the module's largest frame's data (TCPINC_CRYPT_FRAME_DATA:
# a 16 KiB send buffer less overhead and slack); a send() of more is cut.
FRAME_MAX = 16300
SIZES = (1, 2, 3, 17, 100, 1000, FRAME_MAX)
OVERHEAD = 20  # 3-byte frame header + flags byte + 16-byte tag
TS_OPT = 12    # the timestamp option, subtracted from TCP_MAXSEG
MARKER = b"tcpinc-split-plaintext-marker"
TF = max(1, int(os.environ.get("TCPINC_VM_TIME_FACTOR", "1") or 1))
TIMEOUT = 20 * TF


class CheckFailed(Exception):
    pass


def report(name, ok, **kw):
    print(json.dumps(dict([("check", name), ("ok", ok)] + sorted(kw.items()))), flush=True)
    if not ok:
        raise CheckFailed(name)


def expect(name, got, want, **kw):
    shown = [repr(x) if isinstance(x, bytes) else x for x in (got, want)]
    report(name, got == want, got=shown[0], want=shown[1], **kw)


# Frame payloads: the marker, then a counter, so every frame differs and any
# frame of 29 bytes or more carries the marker in plaintext.
BLOCK = (MARKER + bytes(range(256))) * 80


def frame_data(d, i):
    o = (i * 7) % 251
    return BLOCK[o:o + d] if d < len(MARKER) else (MARKER + BLOCK[o:])[:d]


# --- traffic -----------------------------------------------------------------

def prepare(sk, mss):
    sk.setsockopt(SOL_TCP, TCP_ULP, b"tcpcrypt")
    sk.setsockopt(SOL_TCP, TCP_MAXSEG, mss + TS_OPT)
    sk.setsockopt(SOL_TCP, TCP_NODELAY, 1)
    # A send buffer that never fills during a burst: when it does,
    # tcp_sendmsg_locked() pushes its partial last segment.
    sk.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, 4 << 20)


def bursts_of(d, mss):
    """The corked bursts for data size d: for each target offset t
    (0..min(F, M)-1), a filler frame that puts the measured frame's start
    at M - t bytes past a segment boundary, then the measured frame, so the
    first cut inside it is at offset t. [(filler data bytes or 0, d)]."""
    f = d + OVERHEAD
    out = []
    for t in range(min(f, mss)):
        p = (mss - t) % mss
        if p == 0:
            fill = 0
        elif p > OVERHEAD:
            fill = p - OVERHEAD
        else:  # an empty frame does not exist: one segment more
            fill = p + mss - OVERHEAD
        out.append((fill, d))
    return out


def tcp_room(sk):
    """(unsent bytes, bytes the peer's window still takes)."""
    info = sk.getsockopt(SOL_TCP, TCP_INFO, TCP_INFO_LEN)
    if len(info) < TCP_INFO_LEN:
        raise RuntimeError("TCP_INFO too short (%d bytes): no tcpi_snd_wnd" % len(info))
    notsent = struct.unpack_from("I", info, TCPI_NOTSENT)[0]
    snd_wnd = struct.unpack_from("I", info, TCPI_SND_WND)[0]
    outq = struct.unpack("i", fcntl.ioctl(sk.fileno(), SIOCOUTQ, b"\0" * 4))[0]
    return notsent, snd_wnd - (outq - notsent)


def send_bursts(snd, bursts, align, out):
    """Sender thread. With align, each burst starts on a segment boundary
    (nothing unsent) with the peer's window open for all of it (a window
    edge inside it would end a segment early), corked, then uncorked."""
    try:
        h, n, waited = hashlib.sha256(), 0, 0
        for i, (fill, d) in enumerate(bursts):
            need = (fill + OVERHEAD if fill else 0) + d + OVERHEAD
            deadline = time.monotonic() + TIMEOUT
            while align:
                notsent, room = tcp_room(snd)
                if notsent == 0 and room >= need:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("burst %d: %d bytes unsent, window room %d < %d after %d s"
                                       % (i, notsent, room, need, TIMEOUT))
                waited += 1
                time.sleep(0.001)
            snd.setsockopt(SOL_TCP, TCP_CORK, 1)
            for b in ([frame_data(fill, i + 1000)] if fill else []) + [frame_data(d, i)]:
                snd.sendall(b)
                h.update(b)
                n += len(b)
            snd.setsockopt(SOL_TCP, TCP_CORK, 0)
        out["sha256"], out["len"], out["waits"] = h.hexdigest(), n, waited
    except Exception as e:
        out["error"] = "%s: %s" % (type(e).__name__, e)


def receive(rcv, n, slow):
    h, got, calls = hashlib.sha256(), 0, 0
    if slow:
        time.sleep(0.3)  # segments queue: TCP coalesces them in one skb
    while got < n:
        b = rcv.recv(min(65536, n - got))
        if not b:
            break
        h.update(b)
        got += len(b)
        calls += 1
        if slow and calls % 16 == 0:
            time.sleep(0.02)
    return h.hexdigest(), got, calls


def exchange(name, snd, rcv, bursts, slow, align=True):
    out = {}
    total = sum(f + d for f, d in bursts)
    t = threading.Thread(target=send_bursts, args=(snd, bursts, align, out), daemon=True)
    t0 = time.monotonic()
    t.start()
    sha, got, calls = receive(rcv, total, slow)
    t.join(TIMEOUT)
    report("%s: sent" % name, not t.is_alive() and "error" not in out,
           error=out.get("error", "sender still blocked" if t.is_alive() else None))
    expect("%s: received length" % name, got, total)
    expect("%s: received SHA-256" % name, sha, out["sha256"], reader="slow" if slow else "at once",
           recv_calls=calls, window_waits=out["waits"], seconds=round(time.monotonic() - t0, 2))


def traffic(c, s, mss):
    """Returns per direction the data sizes of its frames in order, each
    with the data size it measures (None: not measured)."""
    sent = {"c2s": [(5, None)], "s2c": []}  # the client's "hello"
    dirs = (("c2s", c, s), ("s2c", s, c))
    # Warm-up: 512 KiB each way, read at once, so that both receive
    # windows grow beyond a burst (they start at 10 segments).
    for name, snd, rcv in dirs:
        warm = [(0, FRAME_MAX)] * 32
        exchange("warm-up %s" % name, snd, rcv, warm, False, align=False)
        sent[name] += [(FRAME_MAX, None)] * 32
    for si, d in enumerate(SIZES):
        for di, (name, snd, rcv) in enumerate(dirs):
            slow = (si + di) % 2 == 0
            bursts = bursts_of(d, mss)
            exchange("%s %d bursts for %d data bytes" % (name, len(bursts), d), snd, rcv, bursts, slow)
            for fill, dd in bursts:
                if fill:
                    sent[name].append((fill, None))
                sent[name].append((dd, (dd, slow)))
    return sent


def sessid(sk):
    return sk.getsockopt(SOL_TCP, TCP_ENO_SESSID, 64).hex()


# --- capture -----------------------------------------------------------------

def tcpdump_start(a):
    p = subprocess.Popen(["ip", "netns", "exec", a.server_ns, "tcpdump", "-i", "eth0", "-nn", "-U", "-s", "0",
                          "-B", "16384", "-w", a.pcap, "tcp port %d" % a.port],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline, err = time.monotonic() + 15 * TF, b""
    while time.monotonic() < deadline and b"listening on" not in err:
        r, _, _ = select.select([p.stderr], [], [], 0.2)
        if r:
            chunk = os.read(p.stderr.fileno(), 4096)
            if not chunk:
                break
            err += chunk
    report("tcpdump started", b"listening on" in err, stderr=err.decode(errors="replace")[-200:])
    return p


def tcpdump_stop(p, path):
    # tcpdump lags behind under TCG, and what its buffer holds at SIGINT is
    # lost ("received by filter" but not "captured"): stop it only once the
    # file (flushed per packet, -U) has stopped growing for two seconds.
    deadline, last, still = time.monotonic() + 30 * TF, -1, 0
    while time.monotonic() < deadline and still < 10:
        size = os.path.getsize(path)
        still = still + 1 if size == last else 0
        last = size
        time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=15 * TF)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    err = err.decode(errors="replace")
    def count(what):
        return [int(l.split()[0]) for l in err.splitlines() if l.endswith(what)][:1]
    expect("capture: no packet dropped by the kernel", count("dropped by kernel"), [0], stderr=err.strip()[-300:])
    expect("capture: every packet the filter took was written", count("captured"), count("received by filter"))


def read_pcap(path, a):
    """Per direction: {rel_seq: payload} of the first transmission of each
    segment start, and the number of retransmitted starts."""
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(end + "I", data[20:24])[0]
    report("capture: Ethernet link type", link == 1, link=link)
    off, isn, segs, rexmit = 24, {}, {"c2s": {}, "s2c": {}}, {"c2s": 0, "s2c": 0}
    ca, sa = socket.inet_aton(a.client_addr), socket.inet_aton(a.addr)
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(pkt) < 34 or pkt[12:14] != b"\x08\x00":
            continue
        ip = pkt[14:]
        if ip[9] != 6:
            continue
        ihl, tot = (ip[0] & 15) * 4, struct.unpack("!H", ip[2:4])[0]
        src, dst = ip[12:16], ip[16:20]
        if (src, dst) == (ca, sa):
            d = "c2s"
        elif (src, dst) == (sa, ca):
            d = "s2c"
        else:
            continue
        tcp = ip[ihl:tot]
        seq = struct.unpack("!I", tcp[4:8])[0]
        doff, flags = (tcp[12] >> 4) * 4, tcp[13]
        if flags & 0x02:
            isn[d] = seq
            continue
        pl = bytes(tcp[doff:])
        if not pl or d not in isn:
            continue
        rel = (seq - isn[d] - 1) & 0xFFFFFFFF
        if rel in segs[d]:
            rexmit[d] += 1
        else:
            segs[d][rel] = pl
    return segs, rexmit


def reassemble(name, segs):
    stream, pos, hole = bytearray(), 0, None
    for rel in sorted(segs):
        pl = segs[rel]
        if rel > pos:
            hole = (pos, rel)
            break
        if rel + len(pl) > pos:
            stream += pl[pos - rel:]
            pos = rel + len(pl)
    report("capture %s: no hole in the stream" % name, hole is None, hole=hole, bytes=len(stream))
    return bytes(stream)


def frames_of(name, stream):
    """(offset, size) of every frame after the Init message."""
    mlen = int.from_bytes(stream[4:8], "big")
    off, out = mlen, []
    while off + 3 <= len(stream):
        size = 3 + int.from_bytes(stream[off + 1:off + 3], "big")
        out.append((off, size))
        off += size
    expect("%s: Init (%d bytes) then frames tiling the stream" % (name, mlen), off, len(stream),
           frames=len(out))
    return out


def coverage(mss, segs, sent):
    covered = []
    for name in ("c2s", "s2c"):
        stream = reassemble(name, segs[name])
        report("%s: no plaintext marker in the stream" % name, MARKER not in stream, bytes=len(stream))
        frames = frames_of(name, stream)
        want = [d + OVERHEAD for d, _ in sent[name]]
        got = [sz for _, sz in frames]
        # Then the FINp frame (empty) of close().
        report("%s: one frame per send, in order, then the FINp frame" % name,
               got[:len(want)] == want and got[len(want):] == [OVERHEAD], frames=len(got), sends=len(want),
               first_difference=next((i for i, (x, y) in enumerate(zip(got, want)) if x != y), None),
               after=got[len(want):][:4])
        cuts = sorted(segs[name])
        sizes = [len(p) for p in segs[name].values()]
        expect("%s: full segments carry M bytes" % name, max(sizes), mss, segments=len(sizes),
               full=sum(1 for x in sizes if x == mss))
        for d in SIZES:
            f = d + OVERHEAD
            mine = [(fr[0], m[1]) for fr, (_, m) in zip(frames, sent[name]) if m and m[0] == d]
            head, tail, inside = set(), set(), 0
            for o, _ in mine:
                lo, hi = bisect.bisect_left(cuts, o), bisect.bisect_left(cuts, o + f)
                for c in cuts[lo:hi]:
                    r = c - o
                    inside += r > 0
                    if r < min(f, mss):
                        head.add(r)
                    if f > mss and r >= f - mss:
                        tail.add(f - r)
            want_n = min(f, mss)
            kw = {"mss": mss, "dir": name, "data": d, "frame": f, "frames": len(mine),
                  "cuts_inside_frames": inside, "head_offsets": len(head), "want": want_n,
                  "reader": "slow" if mine and mine[0][1] else "at once"}
            if f > mss:
                kw["tail_offsets"] = len(tail)
            kw["missing_head"] = sorted(set(range(want_n)) - head)[:10]
            report("coverage %s mss %d frame %d" % (name, mss, f),
                   len(head) == want_n and (f <= mss or len(tail) == mss), **kw)
            covered.append(kw)
    return covered


def run(a):
    setns(a.server_ns)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    prepare(ls, a.mss)
    ls.bind((a.addr, a.port))
    ls.listen(4)
    ls.settimeout(TIMEOUT)
    cap = tcpdump_start(a)
    setns(a.client_ns)
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    prepare(c, a.mss)
    c.setsockopt(SOL_TCP, TCP_CRYPT_NO_RESUME, 1)  # the stream starts with Init1/Init2
    c.settimeout(TIMEOUT)
    c.connect((a.addr, a.port))
    s, _ = ls.accept()
    s.settimeout(TIMEOUT)
    c.sendall(b"hello")
    expect("handshake: the server reads the first bytes", s.recv(5), b"hello")
    mss = c.getsockopt(SOL_TCP, TCP_MAXSEG)
    expect("the server's MSS equals the client's", s.getsockopt(SOL_TCP, TCP_MAXSEG), mss)
    bad = [d + OVERHEAD for d in SIZES if math.gcd(d + OVERHEAD, mss) != 1]
    report("effective MSS %d coprime to every frame size" % mss, not bad, mss=mss, not_coprime=bad)
    report("the connection is encrypted", c.getsockopt(SOL_TCP, TCP_ENO_NEGTEP) in (0x21, 0x23, 0x24),
           negtep=c.getsockopt(SOL_TCP, TCP_ENO_NEGTEP))
    cs, ss = sessid(c), sessid(s)
    expect("session ID: 33 bytes", len(cs) // 2, 33)
    expect("session ID: equal on both ends", ss, cs)
    t0 = time.monotonic()
    sent = traffic(c, s, mss)
    secs = round(time.monotonic() - t0, 1)
    c.close()
    expect("EOF after the client's close", s.recv(1), b"")
    s.close()
    ls.close()
    tcpdump_stop(cap, a.pcap)
    segs, rexmit = read_pcap(a.pcap, a)
    print(json.dumps({"note": "traffic", "mss": mss, "seconds": secs, "retransmitted_starts": rexmit,
                      "sessid": cs, "plaintext_c2s": sum(d for d, _ in sent["c2s"]),
                      "plaintext_s2c": sum(d for d, _ in sent["s2c"])}),
          flush=True)
    covered = coverage(mss, segs, sent)
    print(json.dumps({"summary": "mss %d: %d frame sizes x 2 directions, split offsets covered %s" %
                      (mss, len(SIZES), " ".join("%s/%d:%d%s" % (x["dir"], x["frame"], x["head_offsets"],
                                                                   "+%d" % x["tail_offsets"] if "tail_offsets" in x else "")
                                                  for x in covered))}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server-ns", required=True)
    ap.add_argument("--client-ns", required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--client-addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mss", type=int, required=True, help="payload of a full segment")
    ap.add_argument("--pcap", required=True)
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
