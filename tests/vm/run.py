#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""run.py - the tcpinc QEMU test harness.

    tests/vm/run.py [--list] [--scenario-dir DIR] [SCENARIO ...]

Guest scenarios (tests/vm/scenarios/<name>.sh) all run in ONE boot of the
stock Debian kernel under TCG, with the host root as a read-only 9p root under
a tmpfs overlay. Host-orchestrated scenarios (two-guests, vmgenid-restore)
start their own QEMU processes with a self-contained ("mini") initramfs.

A scenario passes only if the guest reported "pass" on the dedicated result
channel (second serial port, a file on the host) AND the part of the console
log written while it ran holds no kernel warning/oops marker. Every wait is
bounded; every QEMU started here is killed on every exit path.

Prints "PASS name", "FAIL name (reason)", "SKIP name (reason)" per scenario,
then "N passed, N failed[, N skipped]"; exits 1 on any failure, 2 on usage
errors. Documentation/testing-vm.md has the details.

This file is the entry point: scenario discovery, the guest and
host-orchestrated runs, and main(). Next to it: image.py (kernel, modules,
initramfs images), qemu.py (QEMU processes) and report.py (result channel,
console scan, verdict lines).
"""

import argparse
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

# The harness's modules sit next to this file (sys.path[0] when run as a
# script); no __pycache__ in the tree the guests see.
sys.dont_write_bytecode = True
from image import BUILD, TOP, VMDIR, Env, image_9p, mini_initrd, shell_conf
from qemu import Qemu, _on_signal, kill_all, opt_path
from report import (Report, console_sections, console_tail, die, kernel_problem, rel,
                    subcase_failures)

HOST_SCENARIOS = ("two-guests", "vmgenid-restore", "vmgenid-live")




def _time_factor():
    """TCPINC_VM_TIME_FACTOR: an integer >= 1 (default 1) that multiplies
    every time bound of a run: the budgets below, each scenario's
    '# timeout:', and (through conf.sh) the guest's waits in lib.sh and
    tools/tcpinc_sock.py. The debug kernel (KASAN, lockdep, kmemleak) under
    TCG runs the same steps several times slower than the stock kernel;
    scripts/kunit.sh --vm sets it. Bounds only: a quick step waits no
    longer."""
    raw = os.environ.get("TCPINC_VM_TIME_FACTOR", "1")
    if not raw.isdigit() or int(raw) < 1:
        print(f"run.py: TCPINC_VM_TIME_FACTOR must be an integer >= 1, not '{raw}'",
              file=sys.stderr)
        sys.exit(2)
    return int(raw)


TIME_FACTOR = _time_factor()

# Time budgets (seconds). TCG on a shared 2-core machine is slow; these are
# upper bounds, not expectations (boot to first scenario is ~20 s).
BOOT_BUDGET = int(os.environ.get("TCPINC_VM_BOOT_BUDGET", str(240 * TIME_FACTOR)))
DEFAULT_SCENARIO_TIMEOUT = 120
PER_SCENARIO_SLACK = 20 * TIME_FACTOR
SHUTDOWN_GRACE = 20 * TIME_FACTOR




# --------------------------------------------------------------------------
# Scenario discovery

def header(path):
    """'# timeout: N', '# needs: a b' and '# memory: MiB' from the first 40
    lines. memory is what the guest needs at least (None: the default)."""
    tmo, needs, mem = DEFAULT_SCENARIO_TIMEOUT, [], None
    with open(path, errors="replace") as f:
        for _, line in zip(range(40), f):
            m = re.match(r"#\s*timeout:\s*(\d+)", line)
            if m:
                tmo = int(m.group(1))
            m = re.match(r"#\s*needs:\s*(.*)", line)
            if m:
                needs += m.group(1).split()
            m = re.match(r"#\s*memory:\s*(\d+)", line)
            if m:
                mem = int(m.group(1))
    return tmo, needs, mem


def tcg_count_plugin():
    """tools/tcg-count's QEMU plugin, built with the host's gcc when its
    sources are newer than the build."""
    src = TOP / "tools" / "tcg-count"
    so = BUILD / "tcpinc_tcg_count.so"
    newest = max(p.stat().st_mtime for p in src.glob("*.[ch]"))
    if not so.exists() or so.stat().st_mtime < newest:
        cmd = ["gcc", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror", "-shared",
               "-fPIC", "-fvisibility=hidden", "-pthread", "-o", str(so),
               str(src / "tcpinc_tcg_count.c")]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode:
            die(f"building the tcg-count plugin failed: {' '.join(cmd)}\n{r.stderr}")
    return so


def guest_scenarios(sdir):
    return {p.stem: p for p in sorted(sdir.glob("*.sh"))}


# --------------------------------------------------------------------------
# Guest scenarios: one 9p boot, all of them sequentially.

def run_guest_scenarios(env, names, paths, logdir, report, timing):
    out = logdir / "out"
    (out / ".harness").mkdir(parents=True, exist_ok=True)
    lines, budget, mem, tcg_count = [], BOOT_BUDGET, 512, False
    for n in names:
        tmo, needs, want = header(paths[n])
        mem = max(mem, want or 0)
        tcg_count |= "tcg-count" in needs
        tmo *= TIME_FACTOR
        budget += tmo + PER_SCENARIO_SLACK
        lines.append(f"{n}|{paths[n]}|{tmo}|{' '.join(needs)}")
    conf = {
        "TCPINC_TOP": TOP, "TCPINC_KO": env.ko, "TCPINC_OUT": out,
        "TCPINC_MODDIR": env.moddir.parent, "TCPINC_SCENARIOS": "\n".join(lines),
        "TCPINC_VM_TIME_FACTOR": TIME_FACTOR, "TCPINC_KVER": env.kver,
    }
    # TCPINC_VM_ROOT_LAYER and TCPINC_VM_MODULES_LAYER: directories (the
    # overlayfs upper layers of a root into which packages were installed
    # on the host, tests/pkg/dkms.sh) that the guest shows over the host
    # tree and over the kernel's /lib/modules/KVER: the guest sees that
    # installed system.
    extra_args = []
    for var, tag in (("TCPINC_VM_ROOT_LAYER", "layer"), ("TCPINC_VM_MODULES_LAYER", "modlayer")):
        if os.environ.get(var):
            conf[var] = tag
            extra_args += ["-virtfs", f"local,path={opt_path(Path(os.environ[var]))},"
                         f"mount_tag={tag},readonly=on,security_model=none,multidevs=remap"]
    # A benchmark's rounds and connections per round, when the caller sets
    # them (TCPINC_BENCH_ROUNDS=9 make bench-vm ...): more rounds for a
    # median and a spread on a noisy host.
    for var in ("TCPINC_BENCH_ROUNDS", "TCPINC_BENCH_COUNT"):
        if os.environ.get(var, "").isdigit():
            conf[var] = os.environ[var]
    # TCPINC_VM_ICOUNT=1 (benchmarks only): the guest's clock counts its own
    # instructions (-icount shift=0: one instruction is one nanosecond of
    # guest time; sleep=on: idle time passes at the host's pace, so the
    # guest's timeouts still bound its waits for I/O). A benchmark's
    # "microseconds" are then thousands of guest instructions, the same on
    # a busy host as on a quiet one.
    if os.environ.get("TCPINC_VM_ICOUNT") == "1":
        conf["TCPINC_VM_ICOUNT"] = "1"
        extra_args += ["-icount", "shift=0,sleep=on"]
    # "# needs: tcg-count" (benchmarks only): QEMU loads the block-counting
    # plugin of tools/tcg-count for the whole boot; the guest asks for a
    # snapshot of its counters through TCPINC_TCG_MARK and reads them from
    # TCPINC_TCG_DUMP (both in the out share, same path on both sides).
    if tcg_count:
        plugin = tcg_count_plugin()
        (out / ".tcg").mkdir(exist_ok=True)
        conf["TCPINC_TCG_MARK"] = out / ".tcg" / "mark"
        conf["TCPINC_TCG_DUMP"] = out / ".tcg" / "counts"
        extra_args += ["-plugin", f"{opt_path(plugin)},mark={opt_path(conf['TCPINC_TCG_MARK'])},"
                       f"dump={opt_path(conf['TCPINC_TCG_DUMP'])}"]
    (out / ".harness" / "conf.sh").write_text(shell_conf(conf))
    initrd = image_9p(env)
    q = Qemu("guest", env, logdir, initrd, mem=f"{mem}M", prefix="", extra=[
        "-virtfs", "local,path=/,mount_tag=host0,readonly=on,security_model=none,multidevs=remap",
        "-virtfs", f"local,path={opt_path(out)},mount_tag=out,security_model=none,multidevs=remap",
    ] + extra_args)
    t0 = time.monotonic()
    q.start()
    deadline = t0 + budget
    timed_out, done_at = False, None
    try:
        while True:
            ev = q.events()
            if timing.get("boot") is None and names and ev.has("start", names[0]):
                timing["boot"] = time.monotonic() - t0
            if ev.has("done") or ev.has("abort"):
                done_at = done_at or time.monotonic()
            if not q.alive():
                break
            if done_at and time.monotonic() - done_at > SHUTDOWN_GRACE:
                break
            if time.monotonic() > deadline:
                timed_out = True
                break
            time.sleep(0.25)
    finally:
        q.kill()
    timing["guest"] = time.monotonic() - t0
    ev = q.events()
    secs = console_sections(q.console)
    logs = [("console", rel(q.console)), ("results", rel(q.results))]
    abort = [a for v, a, _ in ev.lines if v == "abort"]
    why_missing = ("no report on the result channel: " +
                   (f"guest init aborted: {' '.join(abort[0])}" if abort else
                    f"QEMU killed after the global timeout of {budget} s" if timed_out else
                    f"QEMU exited early: {q.qemu_error()}" if not ev.has("boot") else
                    "the guest runner never started (see the console log)" if not ev.has("runner") else
                    "guest crashed or hung"))
    boot_problem = kernel_problem(secs.get("(boot)", ""))
    if boot_problem:
        report.add("(boot)", "fail", f"kernel problem during boot: {boot_problem}", logs)
    for n in names:
        slog = out / f"{n}.log"
        verdict = ev.verdicts.get(n)
        problem = kernel_problem(secs.get(n, "")) if n in secs else None
        nlogs = logs + ([("scenario log", rel(slog))] if slog.exists() else [])
        subs = subcase_failures(slog)
        if verdict is None:
            report.add(n, "fail", why_missing + (f"; console: {problem}" if problem else ""), nlogs,
                       subcases=subs)
        elif problem:
            report.add(n, "fail", f"kernel problem in console log: {problem}", nlogs, subcases=subs)
        else:
            report.add(n, verdict[0], verdict[1], nlogs, subcases=subs)


# --------------------------------------------------------------------------
# Host-orchestrated scenarios (mini guests, several QEMU processes).

def wait_until(pred, timeout, interval=0.2):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(interval)
    return pred()


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_listening(port):
    for f in ("/proc/net/tcp",):
        try:
            for line in open(f).read().splitlines()[1:]:
                parts = line.split()
                if parts[1].endswith(f":{port:04X}") and parts[3] == "0A":
                    return True
        except OSError:
            pass
    return False


def save_files(ev, dest):
    dest.mkdir(parents=True, exist_ok=True)
    for name, data in ev.files.items():
        (dest / name).write_bytes(data)


def guest_verdict(q, name):
    """(verb, reason) of one mini guest, from its channel and its console."""
    ev = q.events()
    v = ev.verdicts.get(name)
    problem = kernel_problem(q.console.read_text(errors="replace")) if q.console.exists() else None
    if v is None:
        abort = [a for vb, a, _ in ev.lines if vb == "abort"]
        if abort:
            return "fail", f"{q.name}: guest init aborted: {' '.join(abort[0])}"
        if problem:
            return "fail", f"{q.name}: no report; kernel problem in console log: {problem}"
        if not ev.has("boot"):
            return "fail", f"{q.name}: no report (QEMU: {q.qemu_error() or 'guest never booted'})"
        return "fail", f"{q.name}: no report on the result channel (crash, hang or timeout)"
    if problem:
        return "fail", f"{q.name}: kernel problem in console log: {problem}"
    return v[0], (f"{q.name}: {v[1]}" if v[1] else "")


def combine(verdicts):
    fails = [r for v, r in verdicts if v == "fail"]
    if fails:
        return "fail", "; ".join(fails)
    skips = [r for v, r in verdicts if v == "skip"]
    if skips:
        return "skip", "; ".join(skips)
    return "pass", ""


def scenario_two_guests(env, logdir, report, timing):
    name = "two-guests"
    d = logdir / name
    d.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    initrds = []
    for i, (addr, peer) in enumerate((("192.0.2.1", "192.0.2.2"), ("192.0.2.2", "192.0.2.1")), 1):
        conf = {"TCPINC_NAME": name, "TCPINC_TIMEOUT": 150 * TIME_FACTOR, "TCPINC_NEEDS": "",
                "TCPINC_LINGER": 150 * TIME_FACTOR, "TCPINC_ADDR": f"{addr}/24",
                "TCPINC_PEER": peer, "TCPINC_VM_TIME_FACTOR": TIME_FACTOR}
        initrds.append(mini_initrd(env, d / f"g{i}-initrd.img", VMDIR / "mini" / f"{name}.sh",
                                   conf, False))

    def make(i, role, port):
        return Qemu(f"g{i}", env, d, initrds[i - 1], mem="256M", prefix=f"g{i}-", extra=[
            "-netdev", f"socket,id=link,{role}=127.0.0.1:{port}",
            "-device", f"virtio-net-pci,netdev=link,mac=52:54:00:12:34:{i:02x}"])

    guests = []
    try:
        # The free port may be taken between the probe and QEMU's bind: retry.
        for _ in range(3):
            port = free_port()
            guests = [make(1, "listen", port)]
            guests[0].start()
            wait_until(lambda: port_listening(port) or not guests[0].alive(), 30)
            if guests[0].alive() and port_listening(port):
                break
            guests[0].kill()
        else:
            report.add(name, "fail", f"g1 QEMU did not listen on 127.0.0.1:{port}: "
                       f"{guests[0].qemu_error()}", [("qemu log", rel(guests[0].stderr))])
            return
        guests.append(make(2, "connect", port))
        guests[1].start()
        budget = BOOT_BUDGET + 150 * TIME_FACTOR + PER_SCENARIO_SLACK
        wait_until(lambda: all(name in g.events().verdicts or not g.alive() for g in guests),
                   budget, 0.5)
    finally:
        for g in guests:
            g.kill()
    timing[name] = time.monotonic() - t0
    for g in guests:
        save_files(g.events(), d / f"{g.name}-out")
    v, r = combine([guest_verdict(g, name) for g in guests])
    if v == "pass":
        for f in d.glob("g*-initrd.img"):
            f.unlink()
    logs = []
    for g in guests:
        logs += [(f"{g.name} console", rel(g.console)), (f"{g.name} results", rel(g.results)),
                 (f"{g.name} scenario log", rel(d / f"{g.name}-out" / "scenario.log"))]
    report.add(name, v, r, logs)


def cpu_state(q):
    """Busy or halted, and where (QEMU monitor): tells a livelock from a
    guest that waits for something that never comes."""
    q.hmp("info cpus")
    time.sleep(1)
    cpus = re.findall(r"CPU #\d+:[^\r\n]*", q.hmp_output())
    q.hmp("info registers")
    time.sleep(1)
    rip = re.search(r"RIP=([0-9a-f]+)", q.hmp_output())
    state = ", ".join(c.split(":")[0] + (" halted" if "halted" in c else " running") for c in cpus)
    return f"guest {state or 'CPU state unknown'}, RIP={rip.group(1) if rip else '?'}"


class Branch:
    def __init__(self, q, out):
        self.q, self.out = q, out


def snapshot_flow(env, name, script, logdir, conf=None, needs_module=False,
                  keep_source=False, ready_timeout=None, branch_timeout=150, mem="256M",
                  vmgenid=True):
    """Reusable save/restore flow for snapshot-safety scenarios.

    Boots a mini guest with vmgenid (-cpu max, random.trust_cpu=on) running
    SCRIPT; when the guest writes "@tcpinc ready" on its result channel, the
    host saves it with migrate "exec:cat > state.bin", then either quits it
    or (keep_source=True) lets it continue as branch 1; branch 2 is a NEW
    QEMU with the same command line plus -incoming "exec:cat state.bin".
    Both branches' result channels are collected; files the guest shipped with
    tcpinc_send_file land in <logdir>/<name>/branch<N>/.
    vmgenid=False leaves the vmgenid device out (a restore the guest cannot
    detect). Returns (branches, error): error is None or why the flow itself
    failed.
    """
    d = logdir / name
    d.mkdir(parents=True, exist_ok=True)
    state = d / "state.bin"
    conf = dict(conf or {})
    branch_timeout *= TIME_FACTOR
    conf.setdefault("TCPINC_VM_TIME_FACTOR", TIME_FACTOR)
    conf.setdefault("TCPINC_NAME", name)
    conf.setdefault("TCPINC_TIMEOUT", branch_timeout)
    conf.setdefault("TCPINC_NEEDS", "module" if needs_module else "")
    conf.setdefault("TCPINC_LINGER", 0)
    initrd = mini_initrd(env, d / "initrd.img", script, conf, needs_module)
    extra = ["-cpu", "max"] + (["-device", "vmgenid,guid=auto"] if vmgenid else [])
    append = "random.trust_cpu=on"

    def make_src():
        return Qemu("branch1", env, d, initrd, append, mem, extra, monitor=True, prefix="branch1-")

    src = make_src()
    dst = Qemu("branch2", env, d, initrd, append, mem,
               extra + ["-incoming", f"exec:cat {shlex.quote(str(state))}"],
               monitor=True, prefix="branch2-")
    branches = [Branch(src, d / "branch1")]
    err = None
    ready_timeout = ready_timeout or BOOT_BUDGET
    try:
        src.start()
        # The guest's /init says "boot" first thing. A debug kernel under
        # TCG with -cpu max was seen to hang in early boot, before /init
        # (scripts/kunit.sh retries its boot for the same reason): none of
        # our code ran yet, so one new boot is allowed, and reported.
        booted = wait_until(lambda: src.events().has("boot") or not src.alive(),
                            ready_timeout // 2)
        if not booted:
            hung = d / "branch1-console-hung.log"
            shutil.copyfile(src.console, hung)
            src.kill()
            print(f"  note: {name}: the source guest never reached /init within "
                  f"{ready_timeout // 2} s (kernel boot hang); booting it once more, "
                  f"first console kept as {rel(hung)}; its last lines:")
            for line in console_tail(hung, 6):
                print(f"    | {line}")
            sys.stdout.flush()
            src = make_src()
            branches[0] = Branch(src, d / "branch1")
            src.start()
        ok = wait_until(lambda: src.events().has("ready") or not src.alive()
                        or name in src.events().verdicts, ready_timeout)
        if not src.events().has("ready"):
            err = ("guest never said ready" + (" (QEMU exited)" if not src.alive() else
                                              "" if ok else f" within {ready_timeout} s"))
            if src.alive():
                err += f"; {cpu_state(src)}"
            return branches, err
        src.hmp(f"migrate -d \"exec:cat > {shlex.quote(str(state))}\"")
        status = {}

        def migrated():
            src.hmp("info migrate")
            time.sleep(0.3)
            m = re.search(r"Migration status: (\w+)", src.hmp_output())
            status["s"] = m.group(1) if m else status.get("s", "?")
            return status["s"] in ("completed", "failed", "cancelled") or not src.alive()

        if not wait_until(migrated, 180, 0.5) or status.get("s") != "completed":
            err = f"saving failed: migration status {status.get('s')} ({src.qemu_error()})"
            return branches, err
        if keep_source:
            src.hmp("cont")
        else:
            src.hmp("quit")
            if not src.wait_exit(15):
                src.kill()
        dst.start()
        branches.append(Branch(dst, d / "branch2"))
        live = [b.q for b in branches if b.q.alive()]
        wait_until(lambda: all(name in q.events().verdicts or not q.alive() for q in live),
                   branch_timeout + 60, 0.5)
        return branches, None
    finally:
        src.kill()
        dst.kill()
        for b in branches:
            save_files(b.q.events(), b.out)


def scenario_vmgenid_restore(env, logdir, report, timing):
    name = "vmgenid-restore"
    t0 = time.monotonic()
    expect = env.ko_has("TcpincVmforkEvents")
    branches, err = snapshot_flow(
        env, name, VMDIR / "mini" / f"{name}.sh", logdir, needs_module=True,
        conf={"TCPINC_EXPECT_VMFORK_COUNTER": "1" if expect else "0"},
        branch_timeout=120)
    timing[name] = time.monotonic() - t0
    d = logdir / name
    logs = []
    for b in branches:
        logs += [(f"{b.q.name} console", rel(b.q.console)),
                 (f"{b.q.name} results", rel(b.q.results)),
                 (f"{b.q.name} scenario log", rel(b.out / "scenario.log"))]
    if not env.ko.is_file():
        report.add(name, "fail", f"needs module: {env.ko} does not exist (run make module)", logs)
        return
    if err:
        # The source's own verdict explains a guest-side failure best.
        v = branches[0].q.events().verdicts.get(name)
        report.add(name, "fail", err + (f"; guest: {v[0]} {v[1]}" if v else ""), logs)
        return
    problem = kernel_problem(branches[0].q.console.read_text(errors="replace"))
    v, r = guest_verdict(branches[-1].q, name)
    if problem and v != "fail":
        v, r = "fail", f"branch1: kernel problem in console log: {problem}"
    notes = branches[-1].q.events().notes
    report.add(name, v, r, logs, notes)
    if v == "pass":   # reproducible, and large
        (d / "state.bin").unlink(missing_ok=True)
        (d / "initrd.img").unlink(missing_ok=True)


def scenario_vmgenid_live(env, logdir, report, timing):
    import snapshot_live   # tests/vm/snapshot_live.py
    snapshot_live.run(sys.modules[__name__], env, logdir, report, timing)


HOST_FUNCS = {"two-guests": scenario_two_guests, "vmgenid-restore": scenario_vmgenid_restore,
              "vmgenid-live": scenario_vmgenid_live}


# --------------------------------------------------------------------------

KEEP_LOGS = int(os.environ.get("TCPINC_VM_KEEP_LOGS", "30"))


def prune_logs():
    """Keep the newest KEEP_LOGS run directories under build/vm/logs."""
    runs = sorted((p for p in (BUILD / "logs").glob("*-*") if p.is_dir()), reverse=True)
    for old in runs[KEEP_LOGS:]:
        shutil.rmtree(old, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenarios", nargs="*", help="names (default: all)")
    ap.add_argument("--list", action="store_true", help="list scenarios and exit")
    ap.add_argument("--scenario-dir", type=Path,
                    default=Path(os.environ.get("TCPINC_VM_SCENARIO_DIR", VMDIR / "scenarios")),
                    help="directory of guest scenarios (default tests/vm/scenarios)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGHUP, _on_signal)

    sdir = args.scenario_dir.resolve()
    paths = guest_scenarios(sdir)
    allnames = list(paths) + list(HOST_SCENARIOS)
    if args.list:
        print("\n".join(allnames))
        return 0
    wanted = [w for s in args.scenarios for w in s.split()] or allnames
    unknown = [w for w in wanted if w not in allnames]
    if unknown:
        die(f"unknown scenario(s): {' '.join(unknown)}; known: {' '.join(allnames)}")
    wanted = list(dict.fromkeys(wanted))
    guest = [w for w in wanted if w in paths]
    host = [w for w in wanted if w in HOST_FUNCS]

    report = Report()
    env = Env()
    problem = env.problems()
    if problem:
        for w in wanted:
            report.add(w, "fail", problem)
        print(report.summary())
        return 1

    prune_logs()
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
    logdir = BUILD / "logs" / stamp
    logdir.mkdir(parents=True, exist_ok=True)
    ko_src = env.ko
    if env.ko.is_file():
        # Test one consistent module even if someone rebuilds it meanwhile.
        snap = logdir / "tcpinc.ko"
        shutil.copyfile(env.ko, snap)
        env.ko = snap
    print(f"tcpinc-vm: kernel {env.kver}, time factor {TIME_FACTOR}, module "
          f"{ko_src if env.ko.is_file() else '(none: ' + str(ko_src) + ' missing)'}, "
          f"logs {rel(logdir)}", flush=True)
    timing = {}
    t0 = time.monotonic()
    try:
        if guest:
            run_guest_scenarios(env, guest, paths, logdir, report, timing)
        for h in host:
            HOST_FUNCS[h](env, logdir, report, timing)
    finally:
        kill_all()
    total = time.monotonic() - t0
    parts = [f"total {total:.0f} s"]
    if timing.get("boot") is not None:
        parts.append(f"boot to first scenario {timing['boot']:.1f} s")
    parts += [f"{k} {v:.0f} s" for k, v in timing.items() if k not in ("boot",)]
    print(f"tcpinc-vm: {', '.join(parts)}; logs in {rel(logdir)}")
    print(report.summary())
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
