#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data path, what must never be forwarded: TTL/hop limit 1, link-local
# groups (224.0.0.0/24, ff02::/16), and a packet delivered from a remote
# site that a LAN host sends back (RPF on the local prefixes).
#
#    hA        hB (echoes every frame for G back onto its LAN)
#    |         |
#    eA        eB            A: G via B       B: (G, origin A) deliver-local
#     \        |                              B: (G, origin B) via A
#      +------ wan (router)       sites C and D idle
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
. "$IVGMP_TOP/tests/vm/topo.sh"
trap topo_cleanup EXIT
N=30
G=239.4.4.4

topo_load || { fail "insmod"; exit 1; }
topo_build
topo_config 4 off || { fail "scope: config"; exit 1; }
ivt A route add vpn 1 group $G origin 1 via 2
ivt B route add vpn 1 group $G origin 1 deliver-local
ivt B route add vpn 1 group $G origin 2 via 1

# TTL 1 stays on the LAN; TTL 2 crosses (and arrives with TTL 1).
recv_start B $G B-ttl1
send A $G $N --ttl 1
topo_settle
check_eq "scope: TTL 1 not forwarded" "$(recv_stop B-ttl1)" "0 0"
check_eq "scope: TTL 1 no copies" "$(topo_stat A tx_packets)" 0
recv_start B $G B-ttl2
send A $G $N --ttl 2
topo_settle
check_eq "scope: TTL 2 forwarded" "$(recv_stop B-ttl2)" "$N $N"

# Groups without a route raise NEW_SOURCE, link-local ones do not, nor do
# packets with TTL 1: the hook ignored them before the table lookup.
ip netns exec eA "$IVT" -j monitor >"$TOPO_OUT/monitor" 2>&1 &
mon=$!
TOPO_PIDS="$TOPO_PIDS $mon"
sleep 0.5
send A 224.0.0.100 5
send A ff02::1:100 5
send A 239.4.4.6 5 --ttl 1
send A ff05::100 5 --ttl 1
send A 239.4.4.5 5
send A ff05::100 5
topo_settle
kill $mon
events=$(tr -d ' \n' <"$TOPO_OUT/monitor")
has() { case $events in *"\"group\":\"$1\""*) return 0 ;; esac; return 1; }
check "scope: NEW_SOURCE for 239.4.4.5" has 239.4.4.5
check "scope: NEW_SOURCE for ff05::100" has ff05::100
check "scope: no NEW_SOURCE for 224.0.0.100" eval '! has 224.0.0.100'
check "scope: no NEW_SOURCE for ff02::1:100" eval '! has ff02::1:100'
check "scope: no NEW_SOURCE for TTL 1" eval '! has 239.4.4.6'
check_eq "scope: still only the TTL 2 copies sent" "$(topo_stat A tx_packets)" $N

# A LAN host at B sends every delivered packet back: B must not send it
# out again, although its route for (G, origin B) points at A.
rx_before=$(ip netns exec eB cat /sys/class/net/lan0/statistics/rx_packets)
rm -f "$TOPO_OUT/echoed" "$TOPO_OUT/echoed.ready"
ip netns exec hB $PY "$MCAST" echo eth0 $G "$TOPO_OUT/echoed" &
echo_pid=$!
TOPO_PIDS="$TOPO_PIDS $echo_pid"
for n in $(seq 100); do
	[ -e "$TOPO_OUT/echoed.ready" ] && break
	sleep 0.1
done
send A $G $N
topo_settle
kill -TERM $echo_pid
wait $echo_pid
rx_after=$(ip netns exec eB cat /sys/class/net/lan0/statistics/rx_packets)
check_eq "scope: the LAN host echoed every delivered packet" \
	"$(cat "$TOPO_OUT/echoed")" $N
check "scope: B's LAN interface got the echoes" \
	[ $((rx_after - rx_before)) -ge $N ]
check_eq "scope: B sent nothing back out" "$(topo_stat B tx_packets)" 0
check_eq "scope: A received nothing back" "$(topo_stat A rx_packets)" 0
exit 0
