#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sends one hand-made IPv4 SYN (optional ENO option, optional Fast Open
option, payload) from a raw socket and reports the SYN-ACK that answers
it as JSON: {"synack": bool, "acked_beyond_syn": N, "eno": [hex...]}.
acked_beyond_syn is how many bytes of SYN data the SYN-ACK acknowledges.
The caller keeps its own kernel from answering the SYN-ACK with an RST
(e.g. an iptables OUTPUT rule). Test use only, inside a test namespace."""
import argparse
import json
import random
import socket
import struct
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--dst", required=True)
    ap.add_argument("--sport", type=int, required=True)
    ap.add_argument("--dport", type=int, required=True)
    ap.add_argument("--eno", default="", help="ENO option body, hex (kind/len added)")
    ap.add_argument("--tfo", action="store_true", help="add an empty Fast Open option")
    ap.add_argument("--payload", default="")
    ap.add_argument("--timeout", type=float, default=5.0)
    a = ap.parse_args()
    isn = random.getrandbits(32)
    opts = b"\x02\x04\x05\xb4"  # MSS 1460
    if a.eno:
        body = bytes.fromhex(a.eno)
        opts += bytes([69, 2 + len(body)]) + body
    if a.tfo:
        opts += b"\x22\x02"
    opts += b"\x01" * (-len(opts) % 4)
    payload = a.payload.encode()
    doff = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", a.sport, a.dport, isn, 0, doff << 4, 0x02, 65535, 0, 0)
    seg = hdr + opts + payload
    pseudo = socket.inet_aton(a.src) + socket.inet_aton(a.dst) + struct.pack("!BBH", 0, 6, len(seg))
    c = csum(pseudo + seg)
    seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    tx.sendto(seg, (a.dst, 0))
    out = {"synack": False}
    deadline = time.monotonic() + a.timeout
    while time.monotonic() < deadline:
        rx.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            pkt = rx.recv(65535)
        except socket.timeout:
            break
        ihl = (pkt[0] & 15) * 4
        t = pkt[ihl:]
        sp, dp, seq, ack, off, flags = struct.unpack("!HHIIBB", t[:14])
        if sp != a.dport or dp != a.sport or (flags & 0x12) != 0x12:
            continue
        out["synack"] = True
        out["acked_beyond_syn"] = (ack - isn - 1) & 0xffffffff
        enos, o, i = [], t[20:(off >> 4) * 4], 0
        while i < len(o):
            if o[i] == 0:
                break
            if o[i] == 1:
                i += 1
                continue
            if i + 1 >= len(o) or o[i + 1] < 2:
                break
            if o[i] == 69:
                enos.append(o[i:i + o[i + 1]].hex())
            i += o[i + 1]
        out["eno"] = enos
        break
    print(json.dumps(out))


if __name__ == "__main__":
    main()
