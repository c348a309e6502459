#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tcpinc_profile.py - where a tcpcrypt connection's CPU goes, from
`perf script -F comm,ip,sym` of whole-system call-graph samples (perf
record -a -g -e cpu-clock -F FREQ) taken while tcpinc_bench.py cost ran
COUNT connections in one mode.

  tcpinc_profile.py --freq F --count N BASE=plain.txt MODE=mode.txt...

Prints, per mode, microseconds of sampled CPU per connection: busy (idle
loop samples left out), then for the samples under one of the module's
functions a split by what the innermost module function was doing -
crypto (SHA-256, HMAC, GCM, AES, ...), allocation, TCP's own work called
by the module (sending, connecting), the module's own logic - and the
functions whose inclusive time grew most over BASE. "TCP's own work"
holds what plain TCP does too (the module calls it instead of the
application), so only the other kinds are what tcpcrypt adds. The busy
time also holds the interpreter's start, the same in every mode.
Sampling under TCG is coarse and its totals drift with the host's load:
read the split as shares within one run, and take per-connection times
from conn-cost. Under ICOUNT=1 (make bench-vm) the guest's clock counts
instructions, so the samples fall every so many instructions and the
figures are thousands of instructions, steady from run to run."""
import argparse
import collections
import re

IDLE = {"native_safe_halt", "default_idle_call", "do_idle", "cpu_startup_entry"}
MODULE = re.compile(r"^(tcpinc_|_ZN6tcpinc|in_listener|in_request|out_start|emit_option|resume_lookup)")
TCP_WORK = re.compile(r"^(tcp_sendmsg_locked|tcp_write_xmit|__tcp_transmit_skb|tcp_v[46]_connect|"
                      r"tcp_connect|__tcp_read_sock|tcp_read_sock|tcp_rcv_established|tcp_v[46]_rcv|"
                      r"ip_output|ip6_output|tcp_close|__tcp_close|tcp_v[46]_send_reset)$")
CRYPTO = re.compile(r"(sha256|hmac|gcm|ghash|aes|gf128|chacha|poly1305|curve25519|crypto_)")
ALLOC = re.compile(r"(kmalloc|kfree|kmem_cache|alloc_pages|free_unref|__free_pages|kvmalloc|kvfree|"
                   r"slab|get_page_from_freelist|call_rcu|clear_page)")


def load(path):
    """Samples as lists: [comm, leaf frame, ..., root frame]."""
    samples, cur = [], None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if cur:
                    samples.append(cur)
                cur = None
            elif not line[0].isspace() or cur is None:
                if cur:
                    samples.append(cur)
                cur = [line.strip()]
            else:
                parts = line.split(None, 1)
                cur.append(parts[1] if len(parts) > 1 else parts[0])
    if cur:
        samples.append(cur)
    return [s for s in samples if not IDLE.intersection(s[1:])]


def inclusive(samples):
    c = collections.Counter()
    for s in samples:
        for fn in set(s[1:]):
            c[fn] += 1
    return c


def split(samples):
    kinds, tops = collections.Counter(), collections.defaultdict(collections.Counter)
    for s in samples:
        frames = s[1:]
        idx = next((i for i, fn in enumerate(frames) if MODULE.match(fn)), None)
        if idx is None:
            continue
        below = frames[:idx]
        if any(TCP_WORK.match(fn) for fn in below):
            kind = "TCP's own work called by the module"
        elif any(CRYPTO.search(fn) for fn in below + [frames[idx]]):
            kind = "crypto"
        elif any(ALLOC.search(fn) for fn in below):
            kind = "allocation and freeing"
        else:
            kind = "module logic (and what it calls)"
        kinds[kind] += 1
        tops[kind][frames[idx]] += 1
    return kinds, tops


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--freq", type=float, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument("runs", nargs="+", help="MODE=FILE, the first is the baseline")
    a = ap.parse_args()
    us = lambda n: n / a.freq / a.count * 1e6
    runs = [r.split("=", 1) for r in a.runs]
    base_name, base = runs[0][0], load(runs[0][1])
    base_inc = inclusive(base)
    print("%s: %.0f us busy per connection (%d samples)" % (base_name, us(len(base)), len(base)))
    for name, path in runs[1:]:
        s = load(path)
        print("\n%s: %.0f us busy per connection (%d samples), %.2fx %s" %
              (name, us(len(s)), len(s), len(s) / max(len(base), 1), base_name))
        kinds, tops = split(s)
        for kind, n in kinds.most_common():
            print("  %7.1f us  %s; most under: %s" % (us(n), kind, ", ".join(
                "%s %.1f" % (fn[:48], us(v)) for fn, v in tops[kind].most_common(4))))
        inc = inclusive(s)
        print("  functions whose inclusive time grew most over %s (us per connection):" % base_name)
        grown = sorted(inc, key=lambda fn: base_inc[fn] - inc[fn])[:a.top]
        for fn in grown:
            print("  %+8.1f  (%7.1f -> %7.1f)  %s" % (us(inc[fn] - base_inc[fn]), us(base_inc[fn]),
                                                    us(inc[fn]), fn[:80]))


if __name__ == "__main__":
    main()
