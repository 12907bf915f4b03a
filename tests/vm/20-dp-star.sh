#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data path, star: a host at site A sends N packets to 239.1.1.1; receivers
# at B and C get exactly N each, D (not in A's route) none; counters per
# route and per next hop add up; a sender's GSO packets arrive as the
# datagrams they stand for; deleting the route stops the flow and
# raises a NEW_SOURCE event instead.
#
#    hA        hB        hC        hD      LAN hosts (receivers at B, C, D)
#    |         |         |         |
#    eA        eB        eC        eD      edge routers, ivgmp.ko
#     \        |         |        /        route at A: 239.1.1.1 via B, C
#      +------ wan (router) -----+         IPv4 WAN, no IPsec here
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
. "$IVGMP_TOP/tests/vm/topo.sh"
trap topo_cleanup EXIT
N=50
G=239.1.1.1

topo_load || { fail "insmod"; exit 1; }
topo_build
topo_config 4 off || { fail "star: config"; exit 1; }

ivt A route add vpn 1 group $G origin 1 via 2,3
for s in B C D; do
	ivt $s route add vpn 1 group $G origin 1 deliver-local
done

for s in B C D; do recv_start $s $G; done
send A $G $N
topo_settle
check_eq "star: B receives each packet once" "$(recv_stop B)" "$N $N"
check_eq "star: C receives each packet once" "$(recv_stop C)" "$N $N"
check_eq "star: D (not in the route) receives nothing" "$(recv_stop D)" "0 0"

check_eq "star: route tx_packets at A" \
	"$(topo_route A $G 1 '.[0].stats.tx_packets')" $((2 * N))
check_eq "star: next hop B tx_packets" "$(topo_nh A $G 1 2 tx_packets)" $N
check_eq "star: next hop C tx_packets" "$(topo_nh A $G 1 3 tx_packets)" $N
# Bytes count the inner packet: 20 IP + 8 UDP + 64 payload.
check_eq "star: next hop B tx_bytes" "$(topo_nh A $G 1 2 tx_bytes)" $((N * 92))
check_eq "star: B delivered" "$(topo_stat B delivered)" $N
check_eq "star: B rx_packets" "$(topo_stat B rx_packets)" $N
check_eq "star: B route rx_packets" \
	"$(topo_route B $G 1 '.[0].stats.rx_packets')" $N
check_eq "star: D saw no datagram" "$(topo_stat D rx_packets)" 0
check_eq "star: B sent nothing back" "$(topo_stat B tx_packets)" 0
check_eq "star: A received nothing back" "$(topo_stat A rx_packets)" 0
check_eq "star: site 2 at A tx_packets" \
	"$(ivt A -j site show 2 |
		topo_json '(if type == "array" then .[0] else . end).stats.tx_packets')" $N

# A LAN host sending with UDP_SEGMENT hands eA one GSO packet per send
# (veth keeps it whole): the sites get the datagrams, each once.
K=8
for s in B C D; do recv_start $s $G; done
send A $G $((K * 10)) --segments $K --size 200 --first 1000
topo_settle
check_eq "star: GSO: B receives each datagram once" "$(recv_stop B)" \
	"$((K * 10)) $((K * 10))"
check_eq "star: GSO: C receives each datagram once" "$(recv_stop C)" \
	"$((K * 10)) $((K * 10))"
check_eq "star: GSO: D receives nothing" "$(recv_stop D)" "0 0"
# One copy per datagram, each 20 IP + 8 UDP + 200 bytes.
check_eq "star: GSO: next hop B tx_packets" "$(topo_nh A $G 1 2 tx_packets)" \
	$((N + K * 10))
check_eq "star: GSO: next hop B tx_bytes" "$(topo_nh A $G 1 2 tx_bytes)" \
	$((N * 92 + K * 10 * 228))
check_eq "star: GSO: no xmit drops at A" "$(topo_drops A xmit)" 0

# fq on B's LAN while some socket asks for receive timestamps (so every
# received skb carries the wall-clock time): a delivered packet must not
# keep that time, or fq reads it as a departure decades ahead and drops it.
check "star: a socket asks for timestamps" topo_timestamps_on hD
topo_fq eB lan0
recv_start B $G B-fq
send A $G $N --first 3000
topo_settle
check_eq "star: fq on the LAN, timestamps on: B receives each packet" \
	"$(recv_stop B-fq)" "$N $N"
check_eq "star: fq on the LAN: no horizon drops" \
	"$(topo_fq_horizon_drops eB lan0)" 0
tc -n eB qdisc del dev lan0 root
kill "$TOPO_TS_PID" 2>/dev/null

# Delete the route: no more copies, a NEW_SOURCE event for the agent.
ivt A route del vpn 1 group $G origin 1
ip netns exec eA "$IVT" -j monitor >"$TOPO_OUT/monitor" 2>&1 &
mon=$!
TOPO_PIDS="$TOPO_PIDS $mon"
sleep 0.5
for s in B C; do recv_start $s $G; done
send A $G $N
topo_settle
check_eq "star: B receives nothing after route delete" "$(recv_stop B)" "0 0"
check_eq "star: C receives nothing after route delete" "$(recv_stop C)" "0 0"
kill $mon 2>/dev/null
wait $mon 2>/dev/null
new_source_seen() {
	tr -d ' \n' <"$TOPO_OUT/monitor" |
		grep -q '"group":"239.1.1.1","source":"10.0.1.2"'
}
check "star: NEW_SOURCE event for 239.1.1.1 from 10.0.1.2" new_source_seen
check_eq "star: route tx unchanged at A" "$(topo_stat A tx_packets)" \
	$((2 * (2 * N + K * 10)))
exit 0
