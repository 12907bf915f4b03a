# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The data path under IPsec, for either WAN family: the body of
# 23-dp-ipsec.sh (IPv4 WAN) and 26-dp-ipsec6.sh (IPv6 WAN), sourced after
# tests/vm/topo.sh. See those scenarios for the topology.
#
# ipsec_scenario FAMILY NAME: transport-mode ESP between every pair of WAN
# addresses of FAMILY (4 or 6), require-ipsec on, an IPv4 and an IPv6 group
# routed A -> {B, C}. Asserts, with test names starting "NAME: ":
#  - copies sent before the SAs existed are refused at A (their route has
#    no XFRM bundle) and counted as tx-not-ipsec, none is on the wire; once
#    the SAs are in, no copy reuses that route;
#  - B and C receive every packet of both groups exactly once, D nothing,
#    including copies larger than the path MTU after ESP;
#  - tcpdump on every WAN link (all in the WAN router) sees ESP only
#    (besides ARP, ICMP and neighbour discovery), never the tunnel port in
#    clear, and the big copies as outer fragments of ESP;
#  - with C's WAN link shrunk to 1280 bytes, C still gets every big copy
#    in fragments that fit (on IPv6 after one Packet Too Big, which A
#    must apply to its cached route to C);
#  - clear datagrams spoofed to B's tunnel port from the WAN router's own
#    address are dropped and counted as not-ipsec; claiming site A's
#    address, the kernel's inbound policy check drops them
#    (XfrmInTmplMismatch); none reaches B's LAN;
#  - each transmit layer alone: with A's SA policies gone, A (require-ipsec
#    on) refuses every copy; with require-ipsec off, a catch-all block
#    policy refuses them (counted as tx-not-ipsec too); neither puts a
#    datagram on the wire;
#  - controls, so that the above can fail: the same spoofed datagrams are
#    delivered once B no longer insists on IPsec, and the same capture
#    filters see the tunnel port in clear once A has neither layer.

IPSEC_N=40
IPSEC_BIG=10
IPSEC_WARM=5
IPSEC_G4=239.3.3.3
IPSEC_G6=ff0e::3:3
IPSEC_TCPDUMP=

ipsec_cleanup() {
	local rc=$?
	[ -n "$IPSEC_TCPDUMP" ] && kill "$IPSEC_TCPDUMP" 2>/dev/null
	topo_cleanup
	lib_cleanup
	[ "$rc" -ne 0 ] || rc=$FAILED
	exit "$rc"
}

# ipsec_capture_start FILE [IFNAME]: tcpdump in the WAN router, on IFNAME or
# on every interface.
ipsec_capture_start() {
	ip netns exec wan tcpdump -i "${2:-any}" -n -U -w "$1" \
		2>"$TOPO_OUT/tcpdump.err" &
	IPSEC_TCPDUMP=$!
	for _ in $(seq 100); do
		grep -q listening "$TOPO_OUT/tcpdump.err" && return 0
		sleep 0.1
	done
	return 1
}

ipsec_capture_stop() {
	sleep 0.5
	kill "$IPSEC_TCPDUMP"
	wait "$IPSEC_TCPDUMP" 2>/dev/null
	IPSEC_TCPDUMP=
}

# ipsec_count FILE FILTER: packets in the capture that match FILTER.
ipsec_count() {
	tcpdump -r "$1" -n "$2" 2>/dev/null | wc -l
}

# The XFRM counter of clear datagrams an inbound policy said must be ESP.
ipsec_mismatch() {
	ip netns exec "e$1" awk '$1 == "XfrmInTmplMismatch" { print $2 }' \
		/proc/net/xfrm_stat
}

# Has A learnt the IPv6 path MTU to C?
ipsec_pmtu_learnt() {
	ip -n eA -6 route get "$(topo_wan6 C)" | grep -q "mtu 1280"
}

# ipsec_pmtu FAMILY NAME: C's WAN link shrinks to 1280 bytes, IPv6's
# minimum. Copies still arrive, in outer fragments that fit: an IPv4 router
# fragments them (no DF); on IPv6 the router answers the first with a Packet
# Too Big, which esp6 applies to A's route to C, and A fragments the next
# ones to 1280 bytes after ESP.
ipsec_pmtu() {
	local fam=$1 T=$2 BIG=$IPSEC_BIG pcap esp over
	local G=$IPSEC_G6

	ip -n wan link set wC mtu 1280
	ip -n eC link set wan0 mtu 1280
	pcap=$TOPO_OUT/wC$fam.pcap
	ipsec_capture_start "$pcap" wC || fail "$T: tcpdump did not start"
	# The probe that teaches A the path MTU (lost on IPv6); the receiver
	# starts after it, so it counts only the copies that follow.
	send A $G 1 --size 1400 --first 2000
	sleep 1
	recv_start C $G C-pmtu
	send A $G $BIG --size 1400 --first 3000
	sleep 1
	check_eq "$T: C behind a 1280-byte link receives every big copy" \
		"$(recv_stop C-pmtu)" "$BIG $BIG"
	ipsec_capture_stop
	if [ "$fam" = 6 ]; then
		esp=$(ipsec_count "$pcap" "ip6 protochain 50")
		over=$(ipsec_count "$pcap" "ip6 and ip6[4:2] > 1240")
		check "$T: A learnt the path MTU to C" ipsec_pmtu_learnt
	else
		esp=$(ipsec_count "$pcap" "ip proto 50")
		over=$(ipsec_count "$pcap" "ip and ip[2:2] > 1280")
	fi
	check "$T: big copies to C in fragments ($esp ESP packets)" \
		[ "$esp" -ge $((2 * BIG)) ]
	check_eq "$T: nothing over 1280 bytes on C's link" "$over" 0
	ip -n wan link set wC mtu 1500
	ip -n eC link set wan0 mtu 1500
}

# ipsec_refused FAMILY NAME: A sends IPSEC_N packets of the IPv6 group to
# B and C; each copy must be refused at A (tx-not-ipsec up by 2N), B must
# receive none and the WAN carry none.
ipsec_refused() {
	local T=$2 N=$IPSEC_N pcap d0

	d0=$(topo_drops A tx-not-ipsec)
	pcap=$TOPO_OUT/wan$1-refused.pcap
	ipsec_capture_start "$pcap" || fail "$T: tcpdump did not start"
	recv_start B $IPSEC_G6 B-refused
	send A $IPSEC_G6 $N
	sleep 1
	check_eq "$T: B receives nothing" "$(recv_stop B-refused)" "0 0"
	ipsec_capture_stop
	check_eq "$T: every copy refused at A as tx-not-ipsec" \
		"$(($(topo_drops A tx-not-ipsec) - d0))" $((2 * N))
	check_eq "$T: no tunnel datagram on the WAN" \
		"$(ipsec_count "$pcap" "udp port $TOPO_PORT")" 0
}

ipsec_scenario() {
	local fam=$1 T=$2 N=$IPSEC_N BIG=$IPSEC_BIG W=$IPSEC_WARM
	local G4=$IPSEC_G4 G6=$IPSEC_G6 g f s pcap esp clear other frags
	local esp_f frag_f other_f router mm0 d0 nonesp wan=topo_wan$fam any

	# ESP and its fragments. An IPv6 fragment's own next header is 44;
	# protochain follows it (and hop-by-hop options) to ESP.
	if [ "$fam" = 6 ]; then
		esp_f="ip6 protochain 50"
		frag_f="ip6 protochain 50 and ip6[6] == 44"
		router=fd10:0:2::1
		any=::/0
	else
		any=0.0.0.0/0
		esp_f="ip proto 50"
		frag_f="ip proto 50 and ip[6:2] & 0x3fff != 0"
		router=172.16.2.1
	fi
	# Everything that is neither ESP nor ARP, ICMP, ICMPv6 (ND and MLD).
	other_f="not (arp or icmp or ip proto 50 or ip6 protochain 50"
	other_f="$other_f or ip6 protochain 58)"

	trap ipsec_cleanup EXIT
	topo_load || { fail "$T: insmod"; exit 1; }
	topo_build
	topo_config "$fam" on || { fail "$T: config"; exit 1; }
	for g in $G4 $G6; do
		ivt A route add vpn 1 group "$g" origin 1 via 2,3
		for s in B C D; do
			ivt $s route add vpn 1 group "$g" origin 1 deliver-local
		done
	done

	# Before any SA: A's route to each site has no XFRM bundle (A caches
	# it); A, requiring IPsec, refuses every copy, and nothing leaves.
	pcap=$TOPO_OUT/wan$fam-nosa.pcap
	ipsec_capture_start "$pcap" || fail "$T: tcpdump did not start"
	send A $G6 $W
	sleep 1
	ipsec_capture_stop
	check_eq "$T: copies before the SAs refused at A as tx-not-ipsec" \
		"$(topo_drops A tx-not-ipsec)" $((2 * W))
	check_eq "$T: no tunnel datagram on the WAN before the SAs" \
		"$(ipsec_count "$pcap" "udp port $TOPO_PORT")" 0
	check_eq "$T: nothing reached B before the SAs" \
		"$(topo_drops B not-ipsec)" 0

	topo_esp "$fam" || { fail "$T: xfrm states and policies"; exit 1; }
	pass "$T: ESP SAs installed"

	pcap=$TOPO_OUT/wan$fam.pcap
	ipsec_capture_start "$pcap" || fail "$T: tcpdump did not start"
	for g in $G4 $G6; do
		f=4
		case $g in *:*) f=6 ;; esac
		for s in B C D; do recv_start $s "$g" "$s$f"; done
		send A "$g" $N
		# 1400 bytes of UDP payload: 1428 (IPv4) or 1448 (IPv6)
		# inner, with the tunnel headers and ESP over 1500 whatever
		# the outer family: each copy leaves as two outer fragments.
		send A "$g" $BIG --size 1400 --first 1000
	done
	sleep 1
	for g in $G4 $G6; do
		f=4
		case $g in *:*) f=6 ;; esac
		check_eq "$T: IPv$f group: B receives each packet once" \
			"$(recv_stop B$f)" "$((N + BIG)) $((N + BIG))"
		check_eq "$T: IPv$f group: C receives each packet once" \
			"$(recv_stop C$f)" "$((N + BIG)) $((N + BIG))"
		check_eq "$T: IPv$f group: D (not in the route) receives nothing" \
			"$(recv_stop D$f)" "0 0"
		# The refused warm-up copies were never sent: not counted.
		check_eq "$T: IPv$f group: next hop B tx_packets" \
			"$(topo_nh A "$g" 1 2 tx_packets)" $((N + BIG))
	done
	check_eq "$T: B delivered" "$(topo_stat B delivered)" $((2 * (N + BIG)))
	check_eq "$T: no copy refused once the SAs are in" \
		"$(topo_drops A tx-not-ipsec)" $((2 * W))
	check_eq "$T: no not-ipsec drops at B once the SAs are in" \
		"$(topo_drops B not-ipsec)" 0
	ipsec_capture_stop

	esp=$(ipsec_count "$pcap" "$esp_f")
	clear=$(ipsec_count "$pcap" "udp port $TOPO_PORT")
	other=$(ipsec_count "$pcap" "$other_f")
	frags=$(ipsec_count "$pcap" "$frag_f")
	# Two groups, two copies each (to B and C), each crossing two WAN
	# links (edge to router, router to edge), the big ones as two
	# fragments: exactly that many, so a duplicate shows too.
	check_eq "$T: ESP on the WAN, each copy once" "$esp" $((8 * (N + 2 * BIG)))
	check_eq "$T: no tunnel datagram in clear on the WAN" "$clear" 0
	check_eq "$T: nothing but ESP, ARP and ICMP on the WAN" "$other" 0
	check_eq "$T: big copies as two outer fragments of ESP" "$frags" \
		$((16 * BIG))

	ipsec_pmtu "$fam" "$T"

	# Spoofed clear datagrams, valid inside, to B's tunnel port: from the
	# WAN router's own address (no policy covers it) ivgmp drops and
	# counts them; from A's WAN address the inbound policy demands ESP,
	# so the kernel's UDP policy check drops them before the tunnel
	# socket sees them.
	mm0=$(ipsec_mismatch B)
	d0=$(topo_stat B delivered)
	recv_start B $G4 B-spoof4
	recv_start B $G6 B-spoof6
	for g in $G4 $G6; do
		ip netns exec wan "$PY" "$MCAST" spoof "$router" \
			"$("$wan" B)" "$TOPO_PORT" 10 --group "$g"
		ip netns exec wan "$PY" "$MCAST" spoof "$("$wan" A)" \
			"$("$wan" B)" "$TOPO_PORT" 10 --group "$g"
	done
	sleep 1
	check_eq "$T: spoofed IPv4 group never reaches B's LAN" \
		"$(recv_stop B-spoof4)" "0 0"
	check_eq "$T: spoofed IPv6 group never reaches B's LAN" \
		"$(recv_stop B-spoof6)" "0 0"
	check_eq "$T: spoofed from a non-site counted as not-ipsec" \
		"$(topo_drops B not-ipsec)" 20
	check "$T: spoofed from site A rejected by the inbound policy" \
		[ $(($(ipsec_mismatch B) - mm0)) -ge 20 ]
	check_eq "$T: spoofed datagrams not delivered" \
		"$(topo_stat B delivered)" "$d0"

	# Control: the same spoofed datagrams are delivered once B stops
	# insisting on IPsec (no inbound policy, require-ipsec off).
	ip -n eB xfrm policy flush
	ivt B config set require-ipsec off
	recv_start B $G4 B-clear4
	recv_start B $G6 B-clear6
	for g in $G4 $G6; do
		ip netns exec wan "$PY" "$MCAST" spoof "$("$wan" A)" \
			"$("$wan" B)" "$TOPO_PORT" 10 --group "$g"
	done
	sleep 1
	check_eq "$T: control: spoofed IPv4 group delivered without IPsec" \
		"$(recv_stop B-clear4)" "10 1"
	check_eq "$T: control: spoofed IPv6 group delivered without IPsec" \
		"$(recv_stop B-clear6)" "10 1"

	# The module's layer alone: A's SA policies are gone, A still
	# requires IPsec and refuses each copy.
	ip -n eA xfrm policy flush
	ipsec_refused "$fam" "$T: require-ipsec alone"
	# The XFRM layer alone: A no longer requires IPsec, a catch-all block
	# policy for the tunnel port (as the agent installs) prohibits the
	# flow; the route lookup fails with EPERM, counted the same.
	ivt A config set require-ipsec off
	ip -n eA xfrm policy add src "$any" dst "$any" proto udp \
		dport "$TOPO_PORT" dir out action block priority 4000000
	ipsec_refused "$fam" "$T: block policy alone"
	ip -n eA xfrm policy flush

	# Control: with neither layer A's copies leave in clear, and the
	# filters above see them.
	pcap=$TOPO_OUT/wan$fam-clear.pcap
	ipsec_capture_start "$pcap" || fail "$T: tcpdump did not start"
	recv_start B $G6 B-nopolicy
	send A $G6 $N
	sleep 1
	check_eq "$T: control: B receives copies sent without ESP" \
		"$(recv_stop B-nopolicy)" "$N $N"
	ipsec_capture_stop
	clear=$(ipsec_count "$pcap" "udp port $TOPO_PORT")
	nonesp=$(ipsec_count "$pcap" "$other_f")
	check "$T: control: the capture sees the tunnel port in clear ($clear)" \
		[ "$clear" -ge $((2 * N)) ]
	check "$T: control: and counts it as not ESP ($nonesp)" \
		[ "$nonesp" -ge $((2 * N)) ]
}
