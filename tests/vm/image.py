# SPDX-License-Identifier: GPL-2.0
"""image.py - what the VM harness boots: the kernel image and its modules
(stock, extracted into the cache, or another kernel named by
TCPINC_VM_KERNEL), tcpinc.ko, and the initramfs images (the cached 9p and
mini images, and a mini guest's per-run initrd). Part of tests/vm/run.py."""
import gzip
import hashlib
import io
import os
import re
import shlex
import shutil
import stat
import subprocess
import time
from pathlib import Path

from qemu import QEMU_BIN
from report import die

TOP = Path(__file__).resolve().parents[2]
VMDIR = TOP / "tests" / "vm"
BUILD = TOP / "build" / "vm"

# Bump when the image layout written below changes (part of the cache key).
IMAGE_FORMAT = 2


# --------------------------------------------------------------------------
# Environment: kernel version, extracted image, module.

def kver():
    try:
        out = subprocess.run([str(TOP / "scripts" / "kver.sh")], check=True,
                             capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as e:
        die(f"scripts/kver.sh failed ({e}); run 'make setup'")
    return out.stdout.strip()


class Env:
    def __init__(self):
        # TCPINC_VM_KERNEL (an image) with TCPINC_VM_MODULES (the directory
        # holding its lib/modules/<version>/) boots another kernel, e.g. the
        # debug kernel (scripts/kunit.sh --vm); unset: the stock image.
        other = os.environ.get("TCPINC_VM_KERNEL")
        self.cache = Path(os.environ.get("TCPINC_CACHE", "/var/cache/tcpinc"))
        if other:
            self.kimg = Path(os.environ.get("TCPINC_VM_MODULES", "/nonexistent")).resolve()
            vers = [p.name for p in (self.kimg / "lib" / "modules").glob("*")]
            self.kver = vers[0] if len(vers) == 1 else "(TCPINC_VM_MODULES: want one lib/modules/<version>)"
            self.vmlinuz = Path(other).resolve()
        else:
            self.kver = kver()
            self.kimg = self.cache / "kernel" / self.kver
            self.vmlinuz = self.kimg / "boot" / f"vmlinuz-{self.kver}"
        self.moddir = self.kimg / "lib" / "modules" / self.kver
        self.ko = Path(os.environ.get("TCPINC_KO", str(TOP / "tcpinc.ko"))).resolve()
        self.mods = None

    def problems(self):
        if not self.vmlinuz.is_file():
            return f"no kernel image {self.vmlinuz} (run 'make setup')"
        if not self.moddir.is_dir():
            return f"no modules in {self.moddir} (run 'make setup')"
        if shutil.which(QEMU_BIN) is None:
            return f"{QEMU_BIN} not found (run 'make setup')"
        if not Path("/bin/busybox").exists() and shutil.which("busybox") is None:
            return "busybox not found (run 'make setup')"
        return None

    def modules(self):
        if self.mods is None:
            ensure_depmod(self)
            self.mods = Modules(self.moddir)
        return self.mods

    def ko_has(self, needle):
        try:
            return needle.encode() in self.ko.read_bytes()
        except OSError:
            return False


def ensure_depmod(env):
    """The extracted image has no modules.dep: generate it once, in the cache."""
    dep = env.moddir / "modules.dep"
    order = env.moddir / "modules.order"
    if dep.exists() and dep.stat().st_mtime >= order.stat().st_mtime:
        return
    depmod = shutil.which("depmod", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin")
    if depmod is None:
        die("depmod not found (install kmod)")
    subprocess.run([depmod, "-b", str(env.kimg), env.kver], check=True)


class Modules:
    """modules.dep of the extracted image: name -> file, dependencies."""

    def __init__(self, moddir):
        self.moddir = moddir
        self.dep = {}
        for line in (moddir / "modules.dep").read_text().splitlines():
            mod, _, deps = line.partition(":")
            self.dep[self.name(mod)] = (mod, [self.name(d) for d in deps.split()])
        self.builtin = set()
        bi = moddir / "modules.builtin"
        if bi.exists():
            self.builtin = {self.name(l) for l in bi.read_text().split()}

    @staticmethod
    def name(path):
        return os.path.basename(path).split(".ko")[0].replace("-", "_")

    def resolve(self, names):
        """Ordered (dependencies first) list of (name, path) to insmod."""
        out, seen = [], set()

        def visit(n, chain):
            n = n.replace("-", "_")
            if n in seen or n in self.builtin:
                return
            if n not in self.dep:
                die(f"kernel module {n} not found in {self.moddir} (needed by {' <- '.join(chain) or 'the harness'})")
            seen.add(n)
            rel, deps = self.dep[n]
            for d in deps:
                visit(d, chain + [n])
            out.append((n, self.moddir / rel))

        for n in names:
            visit(n, [])
        return out


# --------------------------------------------------------------------------
# initramfs: a newc cpio writer (no root, no cpio binary needed).

class Cpio:
    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 100
        self.dirs = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        self.ino += 1
        nb = name.encode() + b"\0"
        hdr = "070701" + "".join(f"{v:08x}" for v in (
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0))
        self.buf.write(hdr.encode() + nb)
        self.buf.write(b"\0" * (-(110 + len(nb)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def mkdir(self, path, mode=0o755):
        path = path.strip("/")
        if not path or path in self.dirs:
            return
        self.mkdir(os.path.dirname(path))
        self.dirs.add(path)
        self._entry(path, stat.S_IFDIR | mode)

    def file(self, path, data, mode=0o644):
        path = path.strip("/")
        self.mkdir(os.path.dirname(path))
        self._entry(path, stat.S_IFREG | mode, data)

    def symlink(self, path, target):
        path = path.strip("/")
        self.mkdir(os.path.dirname(path))
        self._entry(path, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, path, major, minor):
        path = path.strip("/")
        self.mkdir(os.path.dirname(path))
        self._entry(path, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self.buf.getvalue()


def busybox_path():
    for p in ("/bin/busybox", "/usr/bin/busybox"):
        if Path(p).is_file():
            return Path(p)
    return Path(shutil.which("busybox"))


def base_skeleton(cp, init_text):
    cp.file("init", init_text.encode(), 0o755)
    cp.file("bin/busybox", busybox_path().read_bytes(), 0o755)
    cp.symlink("bin/sh", "busybox")
    for d in ("proc", "sys", "dev", "run", "tmp", "mnt", "root", "etc", "usr/bin",
              "usr/sbin", "sbin"):
        cp.mkdir(d)
    cp.chardev("dev/console", 5, 1)
    cp.chardev("dev/null", 1, 3)
    cp.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    cp.file("etc/group", b"root:x:0:\n")


def add_modules(cp, resolved, prefix="modules", listname="modules.list"):
    for n, path in resolved:
        cp.file(f"{prefix}/{n}.ko", path.read_bytes())
    cp.file(listname, "".join(n + "\n" for n, _ in resolved).encode())


def cached_image(kind, key_parts, builder):
    """build/vm/initramfs-<kind>-<hash>.cpio.gz, rebuilt only if the key changes."""
    h = hashlib.sha256()
    for p in [IMAGE_FORMAT] + list(key_parts):
        h.update(p if isinstance(p, bytes) else str(p).encode())
        h.update(b"\0")
    path = BUILD / f"initramfs-{kind}-{h.hexdigest()[:16]}.cpio.gz"
    if path.exists():
        return path
    BUILD.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    data = gzip.compress(builder(), compresslevel=6)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    for old in BUILD.glob(f"initramfs-{kind}-*.cpio.gz"):
        if old != path:
            old.unlink(missing_ok=True)
    print(f"  built {path.relative_to(TOP)} ({len(data) >> 10} KiB, "
          f"{time.monotonic() - t0:.1f} s)", flush=True)
    return path


NINEP_MODULES = ["virtio_pci", "9pnet_virtio", "9p", "overlay"]


def image_9p(env):
    init = (VMDIR / "init-9p.sh").read_text()
    resolved = env.modules().resolve(NINEP_MODULES)

    def build():
        cp = Cpio()
        base_skeleton(cp, init)
        add_modules(cp, resolved)
        return cp.finish()

    return cached_image("9p", [env.kver, init, " ".join(str(p) for _, p in resolved),
                               busybox_path().stat().st_size], build)


def read_mini_list():
    bins, mods = [], []
    for raw in (VMDIR / "mini-image.list").read_text().splitlines():
        line = raw.split("#", 1)[0].split()
        if not line:
            continue
        if line[0] == "bin" and len(line) == 2:
            bins.append(line[1])
        elif line[0] == "mod" and len(line) == 2:
            mods.append(line[1])
        else:
            die(f"tests/vm/mini-image.list: cannot parse '{raw}'")
    return bins, mods


def ldd_closure(binaries):
    """Host files (binaries + shared libraries + loader) a mini image needs."""
    files = []
    for b in binaries:
        if not Path(b).is_file():
            die(f"tests/vm/mini-image.list: {b} does not exist on the host")
        files.append(b)
        r = subprocess.run(["ldd", b], capture_output=True, text=True)
        for line in r.stdout.splitlines():
            m = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
            if m:
                files.append(m.group(1))
    return sorted(set(files))


def image_mini(env):
    init = (VMDIR / "init-mini.sh").read_text()
    listing = (VMDIR / "mini-image.list").read_text()
    bins, mods = read_mini_list()
    files = ldd_closure(bins)
    resolved = env.modules().resolve(mods)

    def build():
        cp = Cpio()
        base_skeleton(cp, init)
        for f in files:
            st = os.stat(f)
            cp.file(f, Path(f).read_bytes(), stat.S_IMODE(st.st_mode))
        add_modules(cp, resolved)
        return cp.finish()

    key = [env.kver, init, listing, " ".join(str(p) for _, p in resolved),
           busybox_path().stat().st_size]
    key += [f"{f}:{os.stat(f).st_size}:{int(os.stat(f).st_mtime)}" for f in files]
    return cached_image("mini", key, build)


def shell_conf(vals):
    return "".join(f"{k}={shlex.quote(str(v))}\n" for k, v in vals.items())


def mini_initrd(env, dest, scenario_script, conf, needs_module):
    """Per-run initrd: cached mini base + an appended uncompressed archive
    with /harness (conf.sh, lib.sh, scenario.sh, tcpinc.ko and its deps)."""
    base = image_mini(env)
    cp = Cpio()
    cp.file("harness/conf.sh", shell_conf(conf).encode())
    cp.file("harness/lib.sh", (VMDIR / "lib.sh").read_bytes())
    cp.file("harness/scenario.sh", Path(scenario_script).read_bytes(), 0o755)
    # The mini guest has no Python: its tcpcrypt client/server (make tools).
    stream = TOP / "build" / "tools" / "tcpinc-stream"
    if stream.is_file():
        cp.file("harness/tcpinc-stream", stream.read_bytes(), 0o755)
    if needs_module and env.ko.is_file():
        cp.file("harness/tcpinc.ko", env.ko.read_bytes())
        deps = subprocess.run(["modinfo", "-F", "depends", str(env.ko)],
                              capture_output=True, text=True).stdout.strip()
        _, basemods = read_mini_list()
        have = {n for n, _ in env.modules().resolve(basemods)}
        extra = [(n, p) for n, p in env.modules().resolve([d for d in deps.split(",") if d])
                 if n not in have]
        add_modules(cp, extra, "harness/modules", "harness/modules.list")
    dest.parent.mkdir(parents=True, exist_ok=True)
    data = base.read_bytes()
    # The kernel reads the next archive only at a 4-byte boundary (zeros skipped).
    dest.write_bytes(data + b"\0" * (-len(data) % 4) + cp.finish())
    return dest
