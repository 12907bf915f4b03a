#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The table side of the netlink API, driven by raw requests
# (tests/vm/ivgmp_nl.py tables): create (NEW_*) and replace (SET_*)
# commands, header flags refused by the core, EBUSY for a site in use, the
# route rules with their extack messages, a route with 1024 next hops in a
# multi-batch dump, NLM_F_DUMP_INTR when the table changes during a dump,
# dumps that resume by key when objects already sent are deleted, replace
# and flush read back. Then the
# namespace is deleted and the module unloaded with 1100 sites still
# loaded in a second namespace.
#
#   ns n1: lo only, config site-id 1, the table under test
#   ns n2: lo only, the same table, left loaded for the teardown
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"

T=11-netlink-tables
IVT=$IVGMP_TOP/tools/ivgmptool/ivgmptool
NLPY=$IVGMP_TOP/tests/vm/ivgmp_nl.py

cleanup() {
	ip netns del n1 2>/dev/null
	ip netns del n2 2>/dev/null
	rmmod ivgmp 2>/dev/null
	lib_cleanup
}
trap cleanup EXIT

lsmod | grep -q '^ivgmp ' && rmmod ivgmp
modprobe -a udp_tunnel ip6_udp_tunnel && insmod "$IVGMP_KO" ||
	{ fail "$T: insmod"; exit 1; }
for ns in n1 n2; do
	ip netns add $ns && ip -n $ns link set lo up ||
		{ fail "$T: netns $ns"; exit 1; }
	ip netns exec $ns "$IVT" config set site-id 1 ||
		fail "$T: $ns: config set"
done

ip netns exec n1 /usr/bin/python3 "$NLPY" tables "$T" || FAILED=1

# n2 keeps a full table (minus the flush) for the teardown below.
ip netns exec n2 /usr/bin/python3 - "$NLPY" <<'PY' || fail "$T: n2: fill"
import sys, importlib.util
spec = importlib.util.spec_from_file_location("nl", sys.argv[1])
nl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nl)
g = nl.Genl()
for sid in range(2, 1102):
    assert g.cmd(nl.CMD_NEW_SITE, nl.site_msg(sid, "10.%d.%d.1" % (
        sid >> 8, sid & 255)))[0] == 0
for i in range(1000):
    assert g.cmd(nl.CMD_NEW_ROUTE, nl.route_msg(1, "239.7.%d.%d" % (
        i >> 8, i & 255), 1, range(2 + i % 1000, 2 + i % 1000 + 8)))[0] == 0
PY
n=$(ip netns exec n2 "$IVT" -j route show | jq length)
if [ "$n" = 1000 ]; then
	pass "$T: n2: 1000 routes with 8 next hops each"
else
	fail "$T: n2: $n routes, want 1000"
fi

ip netns del n1 && pass "$T: delete n1"
if rmmod ivgmp; then
	pass "$T: rmmod with 1100 sites and 1000 routes loaded"
else
	fail "$T: rmmod"
fi
exit "$FAILED"
