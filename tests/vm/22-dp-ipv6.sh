#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data path, IPv6: an IPv6 group over an IPv6 WAN (sites known by their
# fd10:: addresses), both inner families across either outer family, and
# a GSO sender.
#
#    hA        hB        hC        hD      fd00:0:i::2
#    |         |         |         |
#    eA        eB        eC        eD      WAN fd10:0:i::2 (IPv6 tunnel)
#     \        |         |        /        route at A: ff0e::1:1 via B, C
#      +------ wan (router) -----+
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
. "$IVGMP_TOP/tests/vm/topo.sh"
trap topo_cleanup EXIT
N=40
G6=ff0e::1:1
G4=239.6.6.6

topo_load || { fail "insmod"; exit 1; }
topo_build
topo_config 6 off || { fail "ipv6: config"; exit 1; }

for g in $G6 $G4; do
	ivt A route add vpn 1 group $g origin 1 via 2,3
	for s in B C D; do
		ivt $s route add vpn 1 group $g origin 1 deliver-local
	done
done

for s in B C D; do recv_start $s $G6; done
send A $G6 $N
topo_settle
check_eq "ipv6: B receives each packet once" "$(recv_stop B)" "$N $N"
check_eq "ipv6: C receives each packet once" "$(recv_stop C)" "$N $N"
check_eq "ipv6: D (not in the route) receives nothing" "$(recv_stop D)" "0 0"
check_eq "ipv6: next hop B tx_packets" "$(topo_nh A $G6 1 2 tx_packets)" $N
# Inner bytes: 40 IPv6 + 8 UDP + 64 payload.
check_eq "ipv6: next hop B tx_bytes" "$(topo_nh A $G6 1 2 tx_bytes)" $((N * 112))
check_eq "ipv6: B delivered" "$(topo_stat B delivered)" $N

# A GSO sender (UDP_SEGMENT over IPv6): each datagram once at B.
recv_start B $G6 B-gso
send A $G6 40 --segments 8 --size 300 --first 1000
topo_settle
check_eq "ipv6: GSO datagrams arrive once each" "$(recv_stop B-gso)" "40 40"
check_eq "ipv6: GSO: no xmit drops at A" "$(topo_drops A xmit)" 0

# IPv4 inner over the IPv6 WAN.
for s in B C; do recv_start $s $G4 "$s-4"; done
send A $G4 $N
topo_settle
check_eq "ipv6: IPv4 group over IPv6 WAN at B" "$(recv_stop B-4)" "$N $N"
check_eq "ipv6: IPv4 group over IPv6 WAN at C" "$(recv_stop C-4)" "$N $N"

# IPv6 inner over an IPv4 WAN: site 2 moves to its IPv4 address.
ivt A site replace 2 addr "$(topo_wan4 B)"
ivt B site replace 1 addr "$(topo_wan4 A)"
recv_start B $G6 B-6o4
send A $G6 $N
topo_settle
check_eq "ipv6: IPv6 group over IPv4 WAN" "$(recv_stop B-6o4)" "$N $N"
check_eq "ipv6: no unknown-site drops at B" "$(topo_drops B unknown-site)" 0
exit 0
