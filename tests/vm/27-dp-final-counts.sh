#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Final counters: while a host at A floods a group, A's route loses next
# hop B by replacement and is then deleted, both with NLM_F_ECHO. Each
# reply must count every copy the route made to the next hops it took
# away, to the last one: equal to A's per-site counters read once the
# flood is over (nothing can be sent to B or C after the change). An agent
# that read the route and then deleted it lost the copies in between.
#
#    hA        hB        hC      LAN hosts (sender at A)
#    |         |         |
#    eA        eB        eC      route at A: $G via B, C; then via C; then none
#     \        |         /
#      +---- wan (router) -+     IPv4 WAN, no IPsec here
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
TOPO_SITES="A B C"
. "$IVGMP_TOP/tests/vm/topo.sh"
trap topo_cleanup EXIT
T=final-counts
G=239.1.7.7
NLPY=$IVGMP_TOP/tests/vm/ivgmp_nl.py

topo_load || { fail "$T: insmod"; exit 1; }
topo_build
topo_config 4 off || { fail "$T: config"; exit 1; }

ivt A route add vpn 1 group $G origin 1 via 2,3
for s in B C; do ivt $s route add vpn 1 group $G origin 1 deliver-local; done

# until stopped: the changes below happen while copies are being made
ip netns exec hA $PY "$MCAST" send $G "$TOPO_RECV_PORT" eth0 1000000 \
	--interval 0.0005 &
FLOOD=$!	# python itself: ip netns exec execs it
TOPO_PIDS="${TOPO_PIDS:-} $FLOOD"
moving() { [ "$(topo_nh A $G 1 2 tx_packets)" -gt 200 ] 2>/dev/null; }
for _ in $(seq 100); do moving && break; sleep 0.1; done
check "$T: the flood reaches A's next hops" moving

rep=$(ip netns exec eA /usr/bin/python3 "$NLPY" echo-replace 1 $G 1 3)
check "$T: replace with NLM_F_ECHO answered" test -n "$rep"
check_eq "$T: the reply lists only the removed next hop" \
	"$(awk '{print $1, $2}' <<<"$rep" | tr '\n' ' ')" "nh 2 "
p2=$(awk '$1 == "nh" && $2 == 2 {print $3}' <<<"$rep")
sleep 1
del=$(ip netns exec eA /usr/bin/python3 "$NLPY" echo-del 1 $G 1)
check "$T: delete with NLM_F_ECHO answered" test -n "$del"
r=$(awk '$1 == "route" {print $2}' <<<"$del")
p3=$(awk '$1 == "nh" && $2 == 3 {print $3}' <<<"$del")
sleep 0.5
kill "$FLOOD" 2>/dev/null
wait "$FLOOD" 2>/dev/null
sleep 0.5

gone() { ! ivt A -j route show vpn 1 group $G origin 1 2>/dev/null | grep -q origin; }
check "$T: A's route is gone" gone
s2=$(topo_site A 2 tx_packets)
s3=$(topo_site A 3 tx_packets)
echo "# $T: replaced: B $p2; deleted: route $r, C $p3; A's sites: B $s2, C $s3"
check_eq "$T: replaced next hop B: final count = A's copies to B" "$p2" "$s2"
check_eq "$T: deleted route: next hop C's final count = A's copies to C" \
	"$p3" "$s3"
check_eq "$T: deleted route: its final count = all its copies" \
	"$r" "$((s2 + s3))"
exit 0
