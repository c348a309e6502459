#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 120
# needs: module
#
# The notifiers later wipes hang off, each with its counter:
# - netdevice: a device unregistered in h1 counts in h1 only;
# - PM: a test suspend (pm_test=freezer, freeze) counts in every netns and
#   logs once;
# (the vmfork notifier is exercised by the vmgenid-restore scenario).
set -euo pipefail
. "$TCPINC_TOP/tests/vm/lib.sh"

netns_pair
h1_before=$(tcpinc_stat TcpincNetdevEvents h1)
h2_before=$(tcpinc_stat TcpincNetdevEvents h2)
in_ns h1 ip link add tcpinc-dummy type dummy || fail "cannot create a dummy device"
in_ns h1 ip link del tcpinc-dummy
expect_eq "h1 netdev events" $((h1_before + 1)) "$(tcpinc_stat TcpincNetdevEvents h1)"
expect_eq "h2 netdev events (untouched)" "$h2_before" "$(tcpinc_stat TcpincNetdevEvents h2)"

[ -w /sys/power/pm_test ] || skip "no /sys/power/pm_test (CONFIG_PM_DEBUG off)"
grep -qw freeze /sys/power/state || skip "suspend-to-idle not offered: $(cat /sys/power/state)"
pm_init=$(tcpinc_stat TcpincPmEvents)
pm_h1=$(tcpinc_stat TcpincPmEvents h1)
# pm_test=freezer runs the PM notifier chain and freezes tasks but suspends
# no device: the 9p root and the serial ports stay up.
echo freezer >/sys/power/pm_test
# The test level holds for a fixed 5 s, then everything resumes.
timeout "$(scaled 60)" sh -c 'echo freeze > /sys/power/state' || fail "test suspend failed or hung"
echo none >/sys/power/pm_test
expect_eq "PM events in the initial netns" $((pm_init + 1)) "$(tcpinc_stat TcpincPmEvents)"
expect_eq "PM events in h1" $((pm_h1 + 1)) "$(tcpinc_stat TcpincPmEvents h1)"
dmesg | grep 'tcpinc: suspend: resumption caches wiped ([0-9]* entries in [0-9]* network namespaces)' >/dev/null || fail "no dmesg line for the PM event"
