#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data path, relay: A sends to the relay R (site D) only; R relays to B and
# C. Each receiver gets every packet exactly once; R never sends back to
# the origin A, nor B back to R (the sender of its copy, which B's route
# lists as a next hop); R does not deliver on its own LAN. With a hop limit
# of 1 at A, R must drop instead of relaying. Datagrams larger than the
# WAN MTU are relayed whole; a relay that also delivers locally relays
# copies. (A route naming its origin as
# a next hop is refused by the table, so that case cannot be set up.)
#
#    hA        hB        hC        hD=hR
#    |         |         |         |
#    eA        eB        eC        eD=R     A: via R   R: via B,C (relay)
#     \        |         |        /         B, C: deliver-local, via R
#      +------ wan (router) -----+
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
. "$IVGMP_TOP/tests/vm/topo.sh"
trap topo_cleanup EXIT
N=40
G=239.2.2.2

topo_load || { fail "insmod"; exit 1; }
topo_build
topo_config 4 off || { fail "relay: config"; exit 1; }

ivt A route add vpn 1 group $G origin 1 via 4
ivt D route add vpn 1 group $G origin 1 via 2,3
ivt B route add vpn 1 group $G origin 1 deliver-local via 4
ivt C route add vpn 1 group $G origin 1 deliver-local via 4

for s in B C D; do recv_start $s $G; done
send A $G $N
topo_settle
check_eq "relay: B receives each packet once" "$(recv_stop B)" "$N $N"
check_eq "relay: C receives each packet once" "$(recv_stop C)" "$N $N"
check_eq "relay: R does not deliver on its LAN" "$(recv_stop D)" "0 0"
check_eq "relay: A sent N copies (one next hop)" "$(topo_stat A tx_packets)" $N
check_eq "relay: R received N" "$(topo_stat D rx_packets)" $N
check_eq "relay: R relayed 2N" "$(topo_stat D relayed)" $((2 * N))
check_eq "relay: R route relayed 2N" \
	"$(topo_route D $G 1 '.[0].stats.relayed')" $((2 * N))
check_eq "relay: R to B" "$(topo_nh D $G 1 2 tx_packets)" $N
# per site: R's site A relayed all it received; B's site R delivered all
check_eq "relay: R's site A: received N" "$(topo_site D 1 rx_packets)" $N
check_eq "relay: R's site A: relayed 2N" "$(topo_site D 1 relayed)" $((2 * N))
check_eq "relay: R's site A: delivered none" "$(topo_site D 1 delivered)" 0
check_eq "relay: B's site R: delivered N" "$(topo_site B 4 delivered)" $N
check_eq "relay: B's site R: relayed none" "$(topo_site B 4 relayed)" 0
check_eq "relay: A got nothing back" "$(topo_stat A rx_packets)" 0
check_eq "relay: B sent nothing back to R" "$(topo_stat B tx_packets)" 0
check_eq "relay: C sent nothing back to R" "$(topo_stat C tx_packets)" 0
check_eq "relay: no loop drops at A" "$(topo_drops A loop)" 0

# Datagrams over the WAN MTU: A's copies leave in outer fragments, R's
# stack reassembles them, R relays the whole datagram (a copy to one next
# hop, the datagram itself to the last) and it is fragmented again.
BIG=10
for s in B C; do recv_start $s $G; done
send A $G $BIG --size 1460 --first 1000
topo_settle
check_eq "relay: big datagrams reach B once each" "$(recv_stop B)" "$BIG $BIG"
check_eq "relay: big datagrams reach C once each" "$(recv_stop C)" "$BIG $BIG"
check_eq "relay: R relayed the big ones" "$(topo_stat D relayed)" \
	$((2 * N + 2 * BIG))

# fq on R's WAN while a socket asks for receive timestamps: the datagram
# R relays itself must not keep its receive time, which fq would read as
# a departure time decades ahead and drop.
check "relay: a socket asks for timestamps" topo_timestamps_on hD
topo_fq eD wan0
for s in B C; do recv_start $s $G; done
send A $G $N --first 4000
topo_settle
check_eq "relay: fq on R's WAN: B receives each packet" "$(recv_stop B)" "$N $N"
check_eq "relay: fq on R's WAN: C receives each packet" "$(recv_stop C)" "$N $N"
check_eq "relay: fq on R's WAN: no horizon drops" \
	"$(topo_fq_horizon_drops eD wan0)" 0
tc -n eD qdisc del dev wan0 root
kill "$TOPO_TS_PID" 2>/dev/null

# R delivers on its own LAN as well: every relay is then a copy.
ivt D route replace vpn 1 group $G origin 1 deliver-local via 2,3
for s in B C D; do recv_start $s $G; done
send A $G $N --first 2000
topo_settle
check_eq "relay: delivering R: B receives each packet once" "$(recv_stop B)" \
	"$N $N"
check_eq "relay: delivering R: C receives each packet once" "$(recv_stop C)" \
	"$N $N"
check_eq "relay: delivering R: R's LAN receives each packet once" \
	"$(recv_stop D)" "$N $N"
RELAYED=$((6 * N + 2 * BIG))
check_eq "relay: delivering R: relayed" "$(topo_stat D relayed)" $RELAYED
check_eq "relay: delivering R: R's site A relayed" "$(topo_site D 1 relayed)" \
	$RELAYED
check_eq "relay: delivering R: R's site A delivered N" \
	"$(topo_site D 1 delivered)" $N

# Hop count: A allows no relay at all, R drops every copy.
ivt A config set hop-limit 1
for s in B C; do recv_start $s $G; done
send A $G $N
topo_settle
check_eq "relay: hop limit 1, B gets nothing" "$(recv_stop B)" "0 0"
check_eq "relay: hop limit 1, C gets nothing" "$(recv_stop C)" "0 0"
check_eq "relay: hop limit 1, R counts hop drops" "$(topo_drops D hops)" $N
check_eq "relay: hop limit 1, R relayed no more" "$(topo_stat D relayed)" \
	$RELAYED
exit 0
