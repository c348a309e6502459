#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh - build (once) and cache the tcpinc debug kernel: Debian's
# linux-source-6.1, `make tinyconfig` + scripts/debug-kernel.config (KUnit,
# KASAN, kmemleak, lockdep, UBSAN, and what the VM scenarios need).
#
#   scripts/debug-kernel.sh          build if needed, print where it is
#   scripts/debug-kernel.sh --env    same, then print shell assignments:
#       DK_DIR DK_KREL DK_KDIR DK_BZIMAGE DK_MODROOT
#
# Cache: ${TCPINC_CACHE:-/var/cache/tcpinc}/debug-kernel/<key>/ with
#   key = sha256(config fragment, linux-source-6.1 package version, this
#   script)[:16]. A complete entry has .complete and is never rebuilt; a
#   second run only computes the key (seconds).
#   <key>/src       the build tree after `make clean`: config, headers,
#                   scripts, Module.symvers -> `make -C src M=<dir> modules`
#   <key>/bzImage   <key>/vmlinux   <key>/config   <key>/build.log
#   <key>/modroot/lib/modules/<krel>/   (modules_install; all drivers are
#                   built in, so it holds modules.builtin & co.)
#   <key>/env       the --env assignments
# Jobs: nice -n 19 make -j${TCPINC_JOBS:-2} (the machine is shared).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/scripts/debug-kernel.config
self=$top/scripts/debug-kernel.sh
CACHE=${TCPINC_CACHE:-/var/cache/tcpinc}
JOBS=${TCPINC_JOBS:-2}
SRC_PKG=linux-source-6.1
SRC_TAR=/usr/src/linux-source-6.1.tar.xz

PKGS=(build-essential bc bison flex libelf-dev libssl-dev dwarves rsync
      xz-utils cpio kmod "$SRC_PKG" qemu-system-x86 busybox-static)

log() { printf 'debug-kernel: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

want_env=0
case ${1:-} in
--env) want_env=1;;
"") ;;
*) die "usage: $0 [--env]";;
esac

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, cache in $CACHE)"

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

srcver=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
key=$({ printf 'fragment\n'; cat "$frag"; printf 'source %s\nscript\n' "$srcver"; cat "$self"; } |
	sha256sum | cut -c1-16)
base=$CACHE/debug-kernel
dir=$base/$key

print_env() {
	cat "$dir/env"
}

if [ -e "$dir/.complete" ]; then
	log "cached: $dir (key $key: fragment + $SRC_PKG $srcver + script)"
	[ $want_env = 1 ] && print_env || echo "$dir"
	exit 0
fi

# check_config - every option the fragment sets (or unsets) must be so in
# the final .config; prints the ones that are not, fails if any.
check_config() {
	local cfg=$1 line opt bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			if ! grep -qxF -- "$line" "$cfg"; then
				opt=${line%%=*}
				log "missing: $line (final .config: $(grep -E "^(# )?$opt[= ]" "$cfg" || echo "absent"))"
				bad=1
			fi;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			if grep -qE "^$opt=" "$cfg"; then
				log "missing: $line (final .config: $(grep -E "^$opt=" "$cfg"))"
				bad=1
			fi;;
		esac
	done <"$frag"
	return $bad
}

mkdir -p "$base"
exec 9>"$base/.lock"
flock -n 9 || { log "waiting for another build (lock $base/.lock)"; flock 9; }
if [ -e "$dir/.complete" ]; then   # built by another run meanwhile
	[ $want_env = 1 ] && print_env || echo "$dir"
	exit 0
fi

t0=$(date +%s)
log "building key $key ($SRC_PKG $srcver) in $dir; log: $dir/build.log"
rm -rf "$dir"
mkdir -p "$dir"
blog=$dir/build.log
configure() {
	tar -C "$dir" -xf "$SRC_TAR" &&
	mv "$dir/linux-source-6.1" "$dir/src" &&
	cd "$dir/src" &&
	make -s tinyconfig &&
	./scripts/kconfig/merge_config.sh -m .config "$frag" &&
	make -s olddefconfig
}
(configure) >"$blog" 2>&1 || { tail -30 "$blog" >&2; die "configuring failed (see $blog)"; }
cd "$dir/src"
check_config .config || die "the final .config lacks the options above (their dependencies are not met; see scripts/debug-kernel.config)"
cp .config "$dir/config"
t1=$(date +%s)
log "configured in $((t1 - t0)) s; building bzImage + modules (nice -n 19 make -j$JOBS)"
{ nice -n 19 make -j"$JOBS" bzImage modules &&
  make -s modules_install INSTALL_MOD_PATH="$dir/modroot"; } >>"$blog" 2>&1 || { tail -40 "$blog" >&2; die "build failed (see $blog)"; }
krel=$(make -s kernelrelease)
cp arch/x86/boot/bzImage "$dir/bzImage"
cp vmlinux "$dir/vmlinux"
# `make clean` keeps the config, headers, scripts and Module.symvers that
# out-of-tree module builds need, and frees most of the object files.
make -s clean >>"$blog" 2>&1
# modules_install pointed lib/modules/<krel>/build at the tree; keep it so.
ln -sfn "$dir/src" "$dir/modroot/lib/modules/$krel/build"
t2=$(date +%s)
cat >"$dir/env" <<EOF
DK_DIR=$dir
DK_KREL=$krel
DK_KDIR=$dir/src
DK_BZIMAGE=$dir/bzImage
DK_MODROOT=$dir/modroot
EOF
printf 'configure %s s, build %s s, total %s s (jobs %s)\n' $((t1 - t0)) $((t2 - t1)) $((t2 - t0)) "$JOBS" >"$dir/times"
touch "$dir/.complete"
log "built $krel in $((t2 - t0)) s: $dir"
# Older entries (other keys) are only disk space now.
for old in "$base"/*/; do
	old=${old%/}
	[ "$old" = "$dir" ] || { log "removing old entry $old"; rm -rf "$old"; }
done
[ $want_env = 1 ] && print_env || echo "$dir"
