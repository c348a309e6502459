# SPDX-License-Identifier: GPL-2.0
"""vmgenid-live: save a guest that has live tcpcrypt connections and a warm
resumption cache, let it run on (branch 1) and restore it into a new QEMU
(branch 2); with -device vmgenid,guid=auto, again with the device but
Linux's vmgenid driver unbound in the guest (the restore is never notified:
only the module's own reading of the generation ID can catch it), and
without the device.

The guest part (tests/vm/mini/vmgenid-live.sh) checks what each branch
must see. Here the two branches' captures of the live connection are
compared frame by frame: a tcpcrypt frame's AEAD nonce is its stream offset
(RFC 8548 4.2) under the key of its connection and direction, so two
frames at the same (connection, direction, offset) with different bytes
are two ciphertexts under one (key, nonce) - the failure this product
exists to prevent. With vmgenid the count must be 0 (driver bound or
not); without it the guest cannot know it was copied, and the count is
reported as measured.
"""
import importlib.util
import re
import time

# (flow suffix, vmgenid device, unbind Linux's vmgenid driver in the guest)
FLOWS = (("with-vmgenid", 1, 0), ("with-vmgenid-unnotified", 1, 1), ("without-vmgenid", 0, 0))


def _pcap_module(top):
    spec = importlib.util.spec_from_file_location("tcpinc_pcap", top / "tools" / "tcpinc_pcap.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def frames(pcap_mod, path, port):
    """{(src, sport, dst, dport, offset): frame bytes} of every complete
    frame at the start of each direction's stream; and the number of
    stream bytes seen twice with different values within this capture."""
    isn, data, conflicts = {}, {}, 0
    for s in pcap_mod.segments(str(path), port):
        key = (s["src"], s["sport"], s["dst"], s["dport"])
        if "S" in s["flags"]:
            isn[key] = s["seq"]
            continue
        if not s["payload_len"] or key not in isn:
            continue
        payload = bytes.fromhex(s["payload_hex"])
        base = (s["seq"] - isn[key] - 1) % (1 << 32)
        stream = data.setdefault(key, {})
        for i, b in enumerate(payload):
            old = stream.setdefault(base + i, b)
            conflicts += old != b
    out = {}
    for key, stream in data.items():
        off = 0
        while off in stream and off + 2 in stream:
            clen = (stream[off + 1] << 8) | stream[off + 2]
            end = off + 3 + clen
            if any(o not in stream for o in range(off, end)):
                break
            out[key + (off,)] = bytes(stream[o] for o in range(off, end))
            off = end
    return out, conflicts


def compare(pcap_mod, a, b, port=7801):
    fa, ca = frames(pcap_mod, a, port)
    fb, cb = frames(pcap_mod, b, port)
    both = set(fa) & set(fb)
    reused = sum(fa[k] != fb[k] for k in both)
    return {"compared": len(both), "reused": reused, "only1": len(set(fa) - both),
            "only2": len(set(fb) - both), "conflicts": ca + cb}


def run(R, env, logdir, report, timing):
    name = "vmgenid-live"
    t0 = time.monotonic()
    pcap_mod = _pcap_module(R.TOP)
    results, logs, notes, fails = {}, [], [], []
    if not env.ko.is_file():
        report.add(name, "fail", f"needs module: {env.ko} does not exist (run make module)")
        return
    for suffix, vmgenid, unbind in FLOWS:
        flow = f"{name}-{suffix}"
        branches, err = R.snapshot_flow(
            env, flow, R.VMDIR / "mini" / f"{name}.sh", logdir, needs_module=True,
            conf={"TCPINC_VMGENID": vmgenid, "TCPINC_VMGENID_UNBIND": unbind},
            keep_source=True, branch_timeout=240, vmgenid=bool(vmgenid))
        for b in branches:
            logs += [(f"{flow} {b.q.name} console", R.rel(b.q.console)),
                     (f"{flow} {b.q.name} scenario log", R.rel(b.out / "scenario.log"))]
        if err:
            v = branches[0].q.events().verdicts.get(flow)
            fails.append(f"{flow}: {err}" + (f"; guest: {v[0]} {v[1]}" if v else ""))
            continue
        verdicts = [R.guest_verdict(b.q, flow) for b in branches]
        for b in branches:
            notes += [f"{flow} {b.q.name}: {n}" for n in b.q.events().notes]
        v, r = R.combine(verdicts)
        if v != "pass":
            fails.append(f"{flow}: {r}")
            continue
        if vmgenid:
            # Each guest says which branch it found itself in (from the
            # crng's fork line, or, unnotified, from how its live connection
            # ended); it must be the QEMU it runs in: branch2 is the restore.
            for b in branches:
                said = [m.group(1) for n in b.q.events().notes
                        for m in [re.match(r"branch (\d)", n)] if m]
                if said != [b.q.name[-1]]:
                    fails.append(f"{flow}: QEMU {b.q.name} reported branch {said or 'none'}")
        pcaps = [b.out / "live.pcap" for b in branches]
        if len(pcaps) != 2 or not all(p.is_file() for p in pcaps):
            fails.append(f"{flow}: a branch shipped no capture")
            continue
        c = compare(pcap_mod, *pcaps)
        results[suffix] = c
        notes.append(f"{flow}: {c['compared']} frames at the same (connection, direction, offset) "
                     f"in both branches, {c['reused']} with different ciphertext; "
                     f"{c['only1']} frames only in branch 1, {c['only2']} only in branch 2")
        if vmgenid and (c["reused"] or c["conflicts"]):
            fails.append(f"{flow}: {c['reused']} (key, nonce) pairs carry two ciphertexts")
        if vmgenid and c["compared"] == 0:
            fails.append(f"{flow}: nothing to compare (captures empty?)")
        if not vmgenid and c["reused"] == 0:
            notes.append(f"{flow}: no reuse observed this time; the guest still cannot detect "
                         "the copy (see Documentation/resumption.md)")
    timing[name] = time.monotonic() - t0
    if fails:
        report.add(name, "fail", "; ".join(fails), logs, notes)
    else:
        report.add(name, "pass", "", logs, notes)
        for suffix, _, _ in FLOWS:
            d = logdir / f"{name}-{suffix}"
            (d / "state.bin").unlink(missing_ok=True)
            (d / "initrd.img").unlink(missing_ok=True)
