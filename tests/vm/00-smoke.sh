#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Smoke test of the VM rig and the module: the guest runs Debian's kernel,
# ivgmp.ko loads into it with its dependencies, shows up in sysfs, answers
# in two fresh namespaces without trouble, and unloads. The rig adds the
# dmesg check.
#
#   init netns (module loaded)   netns s1   netns s2   (no links)
. "$IVGMP_TOP/tests/vm/lib.sh"
T=00-smoke

check_eq "$T: guest kernel" "$(uname -r)" "$IVGMP_KVER"
check "$T: root is read-only" test ! -w "$IVGMP_TOP"
check "$T: results share writable" touch "$IVGMP_OUT/.probe"
check "$T: load ivgmp.ko" load_ivgmp
check "$T: /sys/module/ivgmp" test -d /sys/module/ivgmp
check "$T: two namespaces" netns_add s1 s2
check "$T: veth between namespaces" veth_add s1 a0 s2 b0
check "$T: ping across veth" sh -c \
	'ip -n s1 addr add 192.0.2.1/24 dev a0 &&
	 ip -n s2 addr add 192.0.2.2/24 dev b0 &&
	 ip netns exec s1 ping -c1 -W2 192.0.2.2'
lib_cleanup
check "$T: namespaces gone" test -z "$(ip netns list)"
check "$T: module unloaded" test ! -e /sys/module/ivgmp
