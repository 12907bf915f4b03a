#!/bin/bash
# Data path under IPsec: transport-mode ESP between every pair of WAN
# addresses (ip xfrm, selecting UDP to the tunnel port), require-ipsec on.
# tcpdump on every WAN link (all in the WAN router) sees ESP and never the
# tunnel port in clear; copies larger than the path MTU arrive, fragmented
# on the outer header. Clear datagrams spoofed to the tunnel port from the
# WAN are dropped and counted (by ivgmp, or by the kernel's inbound policy
# check when they claim a site's address), and never reach a LAN.
#
#    hA        hB        hC        hD
#    |         |         |         |
#    eA ====== eB ====== eC ====== eD      ESP SAs between every pair
#     \        |         |        /        route at A: 239.3.3.3 via B, C
#      +-- wan (router, tcpdump) +
set -u
. "$IVGMP_TOP/tests/vm/lib.sh" 2>/dev/null || true
. "$IVGMP_TOP/tests/vm/topo.sh"
cleanup() {
	[ -n "${TCPDUMP:-}" ] && kill "$TCPDUMP" 2>/dev/null
	topo_cleanup
}
trap cleanup EXIT
N=40
BIG=10
G=239.3.3.3

topo_load || { fail "insmod"; exit 1; }
topo_build
topo_config 4 on || { fail "ipsec: config"; exit 1; }
topo_esp 4 || { fail "ipsec: xfrm states and policies"; exit 1; }
pass "ipsec: ESP SAs installed"

ivt A route add vpn 1 group $G origin 1 via 2,3
for s in B C D; do
	ivt $s route add vpn 1 group $G origin 1 deliver-local
done

PCAP=$TOPO_OUT/wan.pcap
ip netns exec wan tcpdump -i any -n -U -w "$PCAP" 2>"$TOPO_OUT/tcpdump.err" &
TCPDUMP=$!
for n in $(seq 100); do
	grep -q listening "$TOPO_OUT/tcpdump.err" && break
	sleep 0.1
done

for s in B C D; do recv_start $s $G; done
send A $G $N
# 1400 bytes of UDP payload: 1428 inner, 1468 with the tunnel headers,
# over 1500 with ESP: each copy leaves as two outer fragments.
send A $G $BIG --size 1400 --first 1000
sleep 1
topo_eq "ipsec: B receives each packet once" "$(recv_stop B)" \
	"$((N + BIG)) $((N + BIG))"
topo_eq "ipsec: C receives each packet once" "$(recv_stop C)" \
	"$((N + BIG)) $((N + BIG))"
topo_eq "ipsec: D receives nothing" "$(recv_stop D)" "0 0"
topo_eq "ipsec: no not-ipsec drops at B" "$(topo_drops B not-ipsec)" 0

sleep 0.5
kill $TCPDUMP
wait $TCPDUMP 2>/dev/null
TCPDUMP=
count() { tcpdump -r "$PCAP" -n "$@" 2>/dev/null | wc -l; }
esp=$(count esp)
clear=$(count "udp port $TOPO_PORT")
frags=$(count "esp and ip[6:2] & 0x3fff != 0")
# Each copy crosses two WAN links (edge to router, router to edge).
topo_check "ipsec: ESP on the WAN ($esp packets, >= $((4 * (N + BIG))))" \
	[ "$esp" -ge $((4 * (N + BIG))) ]
topo_eq "ipsec: no tunnel datagram in clear on the WAN" "$clear" 0
topo_check "ipsec: big copies fragmented on the outer header ($frags)" \
	[ "$frags" -ge $((4 * BIG)) ]

# Spoofed clear datagrams, valid inside, to B's tunnel port. From the WAN
# router's own address (no policy covers it): no secpath, so ivgmp drops
# and counts them. From A's WAN address: the inbound policy demands ESP, so
# the kernel's UDP policy check drops them before the tunnel socket sees
# them (XfrmInTmplMismatch).
mismatch() {
	ip netns exec eB awk '$1 == "XfrmInTmplMismatch" { print $2 }' \
		/proc/net/xfrm_stat
}
mm0=$(mismatch)
recv_start B $G B-spoof
ip netns exec wan $PY "$MCAST" spoof "$(topo_wan4 A)" "$(topo_wan4 B)" \
	"$TOPO_PORT" 20 --group $G
ip netns exec wan $PY "$MCAST" spoof 172.16.2.1 "$(topo_wan4 B)" \
	"$TOPO_PORT" 20 --group $G
sleep 1
topo_eq "ipsec: spoofed datagrams never reach B's LAN" "$(recv_stop B-spoof)" "0 0"
topo_eq "ipsec: spoofed from a non-site counted as not-ipsec" \
	"$(topo_drops B not-ipsec)" 20
topo_check "ipsec: spoofed from site A rejected by the inbound policy" \
	[ $(($(mismatch) - mm0)) -ge 20 ]
topo_eq "ipsec: spoofed datagrams not delivered" "$(topo_stat B delivered)" \
	$((N + BIG))

# Control: the same spoofed datagram is deliverable once B stops insisting
# on IPsec (no inbound policy, require-ipsec off), so the test above can
# fail.
ip -n eB xfrm policy flush
ivt B config set require-ipsec off
recv_start B $G B-clear
ip netns exec wan $PY "$MCAST" spoof "$(topo_wan4 A)" "$(topo_wan4 B)" \
	"$TOPO_PORT" 20 --group $G
sleep 1
topo_eq "ipsec: control: clear datagrams delivered without require-ipsec" \
	"$(recv_stop B-clear)" "20 1"
exit 0
