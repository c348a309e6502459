#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# demo.sh - `make demo`: install what is needed, build the module, boot the
# stock kernel in QEMU and show two hosts talking through tcpinc.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/setup.sh
make -s all
out=$(/usr/bin/python3 tests/vm/run.py --scenario-dir tests/vm/demo demo 2>&1) || {
	echo "$out"
	echo "demo: the guest run failed; see the logs named above" >&2
	exit 1
}
logdir=$(sed -n 's/.*logs in \(build\/vm\/logs\/[^ ;]*\).*/\1/p' <<<"$out" | tail -1)
cat "$logdir/out/demo.log"
echo
echo "(guest console log: $logdir/console.log)"
