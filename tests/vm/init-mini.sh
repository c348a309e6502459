#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /init of the self-contained ("mini") guest: no 9p, so QEMU can migrate it
# (QEMU refuses migration while a virtio-9p export is mounted). Everything
# the guest runs is in the initramfs: a cached base archive (busybox, tools
# from tests/vm/mini-image.list with their shared libraries, kernel modules)
# plus a per-run archive appended by the host (/harness: conf.sh, lib.sh,
# scenario.sh, and tcpinc.ko with its dependencies under /harness/modules).
#
# Result channel: /dev/ttyS1 ("@tcpinc ..." lines, see testing-vm.md).
/bin/busybox --install -s /bin
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts /run /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname tcpinc-mini

R=/dev/ttyS1
stty -F $R raw -echo 2>/dev/null
res() { echo "@tcpinc $*" >$R; }
kmsg() { echo "<5>tcpinc-vm: $*" >/dev/kmsg; }
halt_now() { sync; poweroff -f; sleep 5; echo o >/proc/sysrq-trigger; }

res boot
for m in $(cat /modules.list); do
	insmod "/modules/$m.ko" || { res abort "insmod $m failed"; halt_now; }
done
[ -r /harness/conf.sh ] || { res abort "no /harness/conf.sh in the initramfs"; halt_now; }
set -a    # every TCPINC_* setting reaches the scenario
. /harness/conf.sh    # TCPINC_NAME TCPINC_TIMEOUT TCPINC_NEEDS TCPINC_LINGER ...
set +a
export TCPINC_RESULT_DEV=$R TCPINC_OUT=/tmp/out TCPINC_KO=/harness/tcpinc.ko
mkdir -p $TCPINC_OUT

reason=""
case " $TCPINC_NEEDS " in
*" module "*)
	if [ ! -r /harness/tcpinc.ko ]; then
		reason="needs module: tcpinc.ko was not built (run make module)"
	else
		for m in $(cat /harness/modules.list 2>/dev/null); do
			insmod "/harness/modules/$m.ko" 2>/dev/null
		done
		insmod /harness/tcpinc.ko || reason="needs module: insmod tcpinc.ko failed"
	fi ;;
esac
kmsg "start $TCPINC_NAME"
res start "$TCPINC_NAME"
if [ -z "$reason" ]; then
	timeout -s KILL "$TCPINC_TIMEOUT" bash /harness/scenario.sh </dev/null >/tmp/scenario.log 2>&1
	rc=$?
	case $rc in
	0) ;;
	77) reason="skip:$(grep -m1 '^SKIP: ' /tmp/scenario.log | cut -c7-)" ;;
	137|124) reason="timeout after ${TCPINC_TIMEOUT}s" ;;
	*) why=$(grep -m1 '^FAIL: ' /tmp/scenario.log | cut -c7-)
	   [ -n "$why" ] || why=$(grep -v '^ *$' /tmp/scenario.log | tail -n1 | cut -c1-120)
	   reason="exit $rc${why:+: $why}" ;;
	esac
	# The scenario log travels back on the result channel.
	{ echo "@tcpinc file-begin scenario.log"; base64 </tmp/scenario.log; echo "@tcpinc file-end scenario.log"; } >$R
fi
kmsg "end $TCPINC_NAME"
case $reason in
"") res pass "$TCPINC_NAME" ;;
skip:*) res skip "$TCPINC_NAME" "${reason#skip:}" ;;
*) res fail "$TCPINC_NAME" "$reason" ;;
esac
res done
# Peers (two-guests) may still need us: stay up for a bounded time, the host
# kills the guest as soon as it has every report it waits for.
sleep "${TCPINC_LINGER:-0}"
halt_now
