#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: three sites joined over an IPsec (ESP) WAN. A host at site A
# sends multicast to 239.1.1.1; hosts at B and C receive it. Shows the
# configuration, ESP (and never the tunnel port) on the WAN, what the
# receivers got, and the counters.
#
#    hA 10.0.1.2      hB 10.0.2.2      hC 10.0.3.2       LAN hosts
#    |                |                |
#    eA site 1        eB site 2        eC site 3         edge routers, ivgmp.ko
#     \ 172.16.1.2    | 172.16.2.2    / 172.16.3.2
#      +------------ wan -----------+                    WAN router (tcpdump)
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
TOPO_SITES="A B C"
. "$IVGMP_TOP/tests/vm/topo.sh"
cleanup() {
	[ -n "${TCPDUMP:-}" ] && kill "$TCPDUMP" 2>/dev/null
	topo_cleanup
	lib_cleanup
}
trap cleanup EXIT
N=${1:-20}
G=239.1.1.1
say() { printf '\n### %s\n' "$*"; }

topo_load || { fail "demo: insmod"; exit 1; }
topo_build
topo_config 4 on || { fail "demo: config"; exit 1; }
topo_esp 4 || { fail "demo: ESP SAs"; exit 1; }
ivt A route add vpn 1 group $G origin 1 via 2,3
ivt B route add vpn 1 group $G origin 1 deliver-local
ivt C route add vpn 1 group $G origin 1 deliver-local

say "site A: ivgmptool config show; site show; route show"
ivt A config show
ivt A site show
ivt A route show
say "site A: ESP policies (ip xfrm policy)"
ip -n eA xfrm policy | grep -E '^src|proto'

PCAP=$TOPO_OUT/demo-wan.pcap
ip netns exec wan tcpdump -i any -n -U -w "$PCAP" 2>"$TOPO_OUT/tcpdump.err" &
TCPDUMP=$!
for n in $(seq 100); do
	grep -q listening "$TOPO_OUT/tcpdump.err" && break
	sleep 0.1
done

say "receivers join $G at hB and hC; hA sends $N packets"
recv_start B $G
recv_start C $G
send A $G "$N"
sleep 1
b=$(recv_stop B)
c=$(recv_stop C)
echo "hB received (total unique): $b"
echo "hC received (total unique): $c"
sleep 0.5
kill $TCPDUMP
wait $TCPDUMP 2>/dev/null
TCPDUMP=

say "on the WAN (tcpdump in the WAN router, first lines)"
tcpdump -r "$PCAP" -n 'esp or udp' 2>/dev/null | head -6
esp=$(tcpdump -r "$PCAP" -n esp 2>/dev/null | wc -l)
clear=$(tcpdump -r "$PCAP" -n "udp port $TOPO_PORT" 2>/dev/null | wc -l)
echo "ESP packets: $esp   tunnel UDP (port $TOPO_PORT) in clear: $clear"

say "counters: site A (ivgmptool route show; stats)"
ivt A route show
ivt A stats
say "counters: site B"
ivt B stats

check_eq "demo: hB received every packet once" "$b" "$N $N"
check_eq "demo: hC received every packet once" "$c" "$N $N"
check "demo: ESP on the WAN" [ "$esp" -gt 0 ]
check_eq "demo: nothing in clear on the WAN" "$clear" 0
exit 0
