#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1200
# `make demo`: the whole system on three sites. Each edge router runs
# ivgmp.ko, ivgmp-agent and strongSwan's charon; the VNOC runs in the WAN
# router. Nothing is configured by hand but the VNOC's sites and policy:
# hosts join 239.1.1.1 by IGMP (an ordinary socket), the agents ask the
# VNOC, load the routes and key ESP with IKEv2 between the sites the tree
# needs. Shows the SAs (swanctl --list-sas), the group's tree at the VNOC,
# what each receiver got (every packet once), that only ESP crossed the
# WAN, and the usage the VNOC billed.
#
#    hA 10.0.1.2      hB 10.0.2.2      hC 10.0.3.2       LAN hosts
#    |  (sender)      |  (receiver)    |  (receiver)
#    eA site 1        eB site 2        eC site 3         ivgmp.ko, agent, charon
#     \ 172.16.1.2    | 172.16.2.2    / 172.16.3.2
#      +------------ wan -----------+                    WAN router: VNOC,
#                                                        tcpdump
# Argument: seconds of counted stream (default 10, at 20 packets/s).
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
TOPO_SITES="A B C"
. "$IVGMP_TOP/tests/vm/topo.sh"
. "$IVGMP_TOP/tests/vnoc/pki.sh"
W=$(mktemp -d /tmp/demo.XXXXXX)
IKE_DIR=$W/ike
. "$IVGMP_TOP/tests/vm/ike.sh"
. "$IVGMP_TOP/tests/vm/system.sh"
STREAM=$IVGMP_TOP/tests/vm/stream.py
SECS=${1:-10}
RATE=20
G=239.1.1.1
T=demo
declare -A RX_PID
cleanup() {
	local p
	for p in "${RX_PID[@]}" ${TX_PID:-}; do kill "$p" 2>/dev/null; done
	sys_cleanup
	wan_capture_stop
	topo_cleanup
	lib_cleanup
}
trap 'cleanup; exit $FAILED' EXIT
say() { printf '\n### %s\n' "$*"; }

sys_bin || exit 1
say "three sites: ivgmp.ko, ivgmp-agent and charon each; the VNOC (keying: $IKE_KEYING)"
check "$T: PKI" sys_pki
check "$T: load ivgmp.ko" topo_load
_lib_loaded=1
modprobe -a drbg jitterentropy_rng crypto_null 2>/dev/null
topo_build
wan_capture_start "$W/wan.pcap" || { fail "$T: tcpdump"; exit 1; }
for s in $TOPO_SITES; do
	ike_conf $s
	check "$T: charon in e$s" ike_start $s
done
check "$T: VNOC up, sites and policy registered" sys_vnoc
for s in $TOPO_SITES; do sys_agent $s; done
for s in $TOPO_SITES; do
	check "$T: agent $s up" wait_for 30 sys_site_known $s
done
if [ "$IKE_KEYING" = swanctl ]; then
	swanctl_load A B C
	swanctl_load B A
	swanctl_load C A
fi

say "hB and hC join $G (IGMP); hA sends to it, $RATE packets/s"
rx_start() {
	ip netns exec "h$1" /usr/bin/python3 "$STREAM" recv $G 5000 eth0 "$W/rx-$1" &
	RX_PID[$1]=$!
	wait_for 10 test -e "$W/rx-$1.ready"
}
rx_moving() {
	[ -s "$W/rx-$1" ] &&
		awk -v t="$(date +%s)" 'END { exit !($2 > t - 2) }' "$W/rx-$1"
}
rx_start B
rx_start C
ip netns exec hA /usr/bin/python3 "$STREAM" send $G 5000 eth0 $RATE "$W/tx" &
TX_PID=$!
check "$T: hB receives" wait_for 120 rx_moving B
check "$T: hC receives" wait_for 120 rx_moving C
t0=$(now_s)
sleep "$SECS"
t1=$(now_s)
sleep 2

say "the SAs keyed by IKEv2 (swanctl --list-sas at site A, excerpt)"
swan A --list-sas 2>/dev/null | grep -E '^[^ ]|ESTABLISHED|INSTALLED|in  |out ' | head -12
echo "site B's IKE_SAs: $(ike_peers B); site C's: $(ike_peers C)"
echo "(a first CHILD_SA is keyed from its IKE_SA; each rekey adds a DH group:"
echo " ESP:AES_GCM_16-128/CURVE_25519, see tests/vm/27-ipsec-ike.sh)"

say "the group's tree at the VNOC (ivgmp-vnocctl group list)"
ctl group list 1

say "what the receivers got of what hA sent in the $SECS s counted"
for s in B C; do
	r=$(/usr/bin/python3 "$STREAM" lost "$W/tx" "$W/rx-$s" "$t0" "$t1")
	echo "h$s: sent ${r%% *}, lost $(echo "$r" | cut -d' ' -f2), duplicated ${r##* }"
	check_eq "$T: h$s received every packet once" "${r#* }" "0 0"
done

say "on the WAN in that window (tcpdump in the WAN router)"
tcpdump -r "$W/wan.pcap" -n -tt 'esp or udp' 2>/dev/null |
	awk -v a="$t0" -v b="$t1" '$1 >= a && $1 < b' | head -4
esp=$(wan_count esp "$t0" "$t1")
clear=$(wan_count "udp port $TOPO_PORT")
other=$(wan_count 'not (esp or arp or icmp or icmp6 or udp port 500 or udp port 4500)' "$t0" "$t1")
echo "ESP: $esp   tunnel UDP in clear (whole run): $clear   anything else: $other"
check "$T: ESP on the WAN" [ "$esp" -ge $((2 * 2 * SECS * RATE * 9 / 10)) ]
check_eq "$T: no tunnel datagram in clear, from start-up on" "$clear" 0
check_eq "$T: nothing but ESP (and IKE, ARP, ICMP) on the WAN" "$other" 0

say "the usage the VNOC billed (agents report every 5 s)"
sleep 7
ctl usage vpn 1
billed() { ctl usage vpn 1 csv | grep -q "$G"; }
check "$T: usage of $G billed" wait_for 20 billed
check "$T: the capture dropped nothing" wan_capture_stop
