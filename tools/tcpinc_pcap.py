#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_pcap.py - read a pcap written by tcpdump and print, for every TCP
segment, one JSON line: addresses, ports, flags, every ENO option (kind 69,
hex, kind and length bytes included) and the payload length. The VM
scenarios assert on these lines; standard library only.

  tcpinc_pcap.py FILE [--port P]
"""
import argparse
import json
import socket
import struct
import sys

LINKTYPE_ETHERNET = 1
LINKTYPE_LINUX_SLL = 113
LINKTYPE_RAW = 101


def packets(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        yield linktype, data[off:off + incl]
        off += incl


def ip_payload(linktype, frame):
    if linktype == LINKTYPE_ETHERNET:
        etype = struct.unpack("!H", frame[12:14])[0]
        body = frame[14:]
        if etype == 0x8100:
            etype = struct.unpack("!H", frame[16:18])[0]
            body = frame[18:]
    elif linktype == LINKTYPE_LINUX_SLL:
        etype = struct.unpack("!H", frame[14:16])[0]
        body = frame[16:]
    elif linktype == LINKTYPE_RAW:
        body = frame
        etype = 0x0800 if body and body[0] >> 4 == 4 else 0x86dd
    else:
        return None
    if etype == 0x0800 and len(body) >= 20:
        ihl = (body[0] & 15) * 4
        total = struct.unpack("!H", body[2:4])[0]
        if body[9] != 6:
            return None
        return (socket.inet_ntop(socket.AF_INET, body[12:16]),
                socket.inet_ntop(socket.AF_INET, body[16:20]), body[ihl:total])
    if etype == 0x86dd and len(body) >= 40:
        plen = struct.unpack("!H", body[4:6])[0]
        if body[6] != 6:
            return None
        return (socket.inet_ntop(socket.AF_INET6, body[8:24]),
                socket.inet_ntop(socket.AF_INET6, body[24:40]), body[40:40 + plen])
    return None


def tcp_options(opts):
    """Yields (kind, bytes-of-the-whole-option); stops at EOL or a bad length."""
    i = 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            return
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2 or i + opts[i + 1] > len(opts):
            yield kind, opts[i:]
            return
        yield kind, opts[i:i + opts[i + 1]]
        i += opts[i + 1]


def flag_string(b):
    names = [(0x02, "S"), (0x01, "F"), (0x04, "R"), (0x08, "P"), (0x10, "A"), (0x20, "U")]
    return "".join(n for bit, n in names if b & bit)


def segments(path, port=None):
    for linktype, frame in packets(path):
        ip = ip_payload(linktype, frame)
        if not ip:
            continue
        src, dst, tcp = ip
        if len(tcp) < 20:
            continue
        sport, dport = struct.unpack("!HH", tcp[:4])
        if port is not None and port not in (sport, dport):
            continue
        doff = (tcp[12] >> 4) * 4
        opts = tcp[20:doff]
        payload = tcp[doff:]
        yield {
            "src": src, "dst": dst, "sport": sport, "dport": dport,
            "flags": flag_string(tcp[13]),
            "seq": struct.unpack("!I", tcp[4:8])[0],
            "eno": [o.hex() for k, o in tcp_options(opts) if k == 69],
            "tfo": [o.hex() for k, o in tcp_options(opts) if k == 34],
            "options_len": len(opts),
            "payload_len": len(payload),
            "payload_hex": payload.hex(),
        }


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pcap")
    ap.add_argument("--port", type=int)
    ap.add_argument("--no-payload", action="store_true", help="omit payload_hex")
    args = ap.parse_args()
    for seg in segments(args.pcap, args.port):
        if args.no_payload:
            del seg["payload_hex"]
        print(json.dumps(seg, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
