#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the 9p ("virtme-style") guest initramfs, run by busybox sh.
# Loads virtio + 9p + overlay, mounts the host root (tag host0) read-only
# under a tmpfs overlay, mounts the read-write share (tag out) that carries
# the run configuration and receives artifacts, and runs the guest runner
# from the host tree as PID 1 after switch_root. Never returns: powers the
# guest off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

say() { echo "tcpinc-init: $*" >/dev/kmsg; }
res() { echo "@tcpinc $*" >/dev/ttyS1; }
die() { say "$*"; res "abort $*"; poweroff -f; sleep 5; echo o >/proc/sysrq-trigger; }

stty -F /dev/ttyS1 raw -echo 2>/dev/null
res boot
for m in $(cat /modules.list); do
	insmod "/modules/$m.ko" || die "insmod $m failed"
done

mkdir -p /mnt/lower /mnt/rw /mnt/out /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000 host0 /mnt/lower || die "mount host0 (9p)"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /mnt/out || die "mount out (9p)"
[ -r /mnt/out/.harness/conf.sh ] || die "no /mnt/out/.harness/conf.sh"
. /mnt/out/.harness/conf.sh

# With a root layer (run.py, TCPINC_VM_ROOT_LAYER, tests/pkg/dkms.sh): the
# upper layer of a root into which packages were installed on the host goes
# over the host tree.
lower=/mnt/lower
if [ -n "${TCPINC_VM_ROOT_LAYER:-}" ]; then
	mkdir -p /mnt/layer
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000 layer /mnt/layer || die "mount root layer (9p)"
	lower=/mnt/layer:/mnt/lower
fi
mount -t tmpfs -o mode=0755 rw /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
mount -t overlay -o lowerdir=$lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work overlay /newroot || die "overlay mount"
R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sys $R/sys
mount -t devtmpfs dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts devpts $R/dev/pts
mount -t tmpfs tmpfs $R/dev/shm
# ip netns needs /run/netns on a real tmpfs. /tmp stays the host's (written
# into the overlay's tmpfs): the repo may be a clone under /tmp.
mount -t tmpfs tmpfs $R/run
# The host runs another kernel: use the extracted stock modules.
mkdir -p $R/lib/modules
mount --bind "$R$TCPINC_MODDIR" $R/lib/modules || die "bind $TCPINC_MODDIR"
# With a modules layer (TCPINC_VM_MODULES_LAYER): what the packages added
# to /lib/modules/KVER (DKMS's module, depmod's indexes) over the stock ones.
if [ -n "${TCPINC_VM_MODULES_LAYER:-}" ]; then
	mkdir -p /mnt/modlayer /mnt/rw/mupper /mnt/rw/mwork
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000 modlayer /mnt/modlayer || die "mount modules layer (9p)"
	mount -t overlay -o lowerdir=/mnt/modlayer:/mnt/lower$TCPINC_MODDIR/$TCPINC_KVER,upperdir=/mnt/rw/mupper,workdir=/mnt/rw/mwork \
		modules $R/lib/modules/$TCPINC_KVER || die "modules overlay mount"
fi
mkdir -p "$R$TCPINC_OUT"
mount --bind /mnt/out "$R$TCPINC_OUT" || die "bind out share"
mount -t debugfs debugfs $R/sys/kernel/debug 2>/dev/null
hostname tcpinc-vm

say "root ready, starting runner"
# switch_root (not chroot): the kernel's usermode helpers (request_module ->
# /sbin/modprobe for "ip link add type veth", netfilter...) run in PID 1's
# root, which must be the host tree with the stock modules bound in.
# Power off with reboot(2) directly (busybox poweroff -f): sysrq-o returns at
# once and PID 1 may then die of SIGBUS when its 9p-backed text goes away,
# which panics the kernel.
exec switch_root $R /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb \
	TCPINC_CONF="$TCPINC_OUT/.harness/conf.sh" \
	/bin/bash -c 'bash "$0" || echo "<3>tcpinc-init: runner exited $?" >/dev/kmsg
		sync; busybox poweroff -f; echo o >/proc/sysrq-trigger; sleep 10' \
	"$TCPINC_TOP/tests/vm/guest-runner.sh"
die "switch_root failed"
