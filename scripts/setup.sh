#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# setup.sh - install what building and testing tcpinc needs (Debian packages
# only) and extract the stock kernel image matching the installed headers.
#
# Idempotent: a second run checks dpkg and the cache and returns in seconds.
# The image is extracted (never installed into /boot) into $TCPINC_CACHE,
# outside the work tree so that fresh clones on the same machine share it.
set -euo pipefail

CACHE=${TCPINC_CACHE:-/var/cache/tcpinc}

PKGS=(
	build-essential kmod cpio rsync
	linux-headers-amd64
	qemu-system-x86 busybox-static
	libgtest-dev googletest libbenchmark-dev libssl-dev
	clang-14 libclang-rt-14-dev llvm-14 gcovr
	python3 python3-cryptography
	valgrind
	man-db groff-base curl
	iproute2 iptables tcpdump tshark iperf3 ethtool socat
	debhelper dh-dkms dkms
)

log() { printf 'setup: %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { log "must run as root (apt-get, qemu, netns)"; exit 1; }

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture; answer no, quietly.
	echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The headers metapackage depends on exactly one ABI, e.g.
# "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)"; the image must be that one.
kver=$(scripts/kver.sh)
kimg=$CACHE/kernel/$kver
if [ ! -e "$kimg/.complete" ]; then
	hver=$(dpkg-query -W -f='${Version}' "linux-headers-$kver")
	log "extracting linux-image-$kver ($hver) into $kimg"
	rm -rf "$kimg" && mkdir -p "$kimg"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# apt-get download writes into the current directory and runs as _apt.
	chmod 777 "$tmp"
	(cd "$tmp" && apt-get download -q "linux-image-$kver=$hver" >&2)
	dpkg-deb -x "$tmp"/linux-image-"$kver"_*.deb "$kimg"
	[ -r "$kimg/boot/vmlinuz-$kver" ] || { log "no vmlinuz in the image package"; exit 1; }
	touch "$kimg/.complete"
fi
log "ok: kernel $kver, image $kimg"
