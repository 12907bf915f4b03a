# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Four-site topology for the data path scenarios (tests/vm/2x-*.sh), sourced
# after tests/vm/lib.sh, whose check helpers (check, check_eq) it uses.
# Every site X in A B C D (number i = 1..4) is:
#
#   hX (LAN host)           eth0 10.0.i.2/24      fd00:0:i::2/64
#    |  veth
#   eX (edge router)        lan0 10.0.i.1/24      fd00:0:i::1/64
#    |                      wan0 172.16.i.2/24    fd10:0:i::2/64   ivgmp.ko
#    |  veth
#   wan (WAN router)        wX   172.16.i.1/24    fd10:0:i::1/64   forwarding
#
# All four wX hang off the one WAN router, so tcpdump in "wan" sees every
# WAN link. Site ids are 1..4, the tunnel port $TOPO_PORT, VPN 1 on lan0.

TOPO_PORT=${TOPO_PORT:-7654}
TOPO_SITES=${TOPO_SITES:-A B C D}
TOPO_RECV_PORT=5000
IVT=${IVT:-$IVGMP_TOP/tools/ivgmptool/ivgmptool}
MCAST=${MCAST:-$IVGMP_TOP/tests/vm/mcast.py}
PY=/usr/bin/python3
TOPO_OUT=${IVGMP_OUT:-/tmp}/topo
mkdir -p "$TOPO_OUT"

topo_num() {
	case $1 in A) echo 1 ;; B) echo 2 ;; C) echo 3 ;; D) echo 4 ;; esac
}

topo_wan4() { echo "172.16.$(topo_num "$1").2"; }
topo_wan6() { echo "fd10:0:$(topo_num "$1")::2"; }

# ivt SITE ARGS...: ivgmptool in site X's edge router.
ivt() {
	local s=$1
	shift
	ip netns exec "e$s" "$IVT" "$@"
}

# topo_json FILTER: one value from JSON on stdin (jq, it starts fast).
topo_json() {
	jq -r "$1"
}

# topo_drops SITE REASON: a drop counter, by ivgmptool's name for it.
topo_drops() {
	ivt "$1" -j stats | topo_json ".drops[\"$2\"]"
}

# topo_stat SITE COUNTER: a namespace counter (tx_packets, delivered, ...).
topo_stat() {
	ivt "$1" -j stats | topo_json ".stats.$2"
}

# topo_route SITE GROUP ORIGIN FILTER: a value from one route's JSON.
topo_route() {
	ivt "$1" -j route show vpn 1 group "$2" origin "$3" | topo_json "$4"
}

# topo_nh SITE GROUP ORIGIN NEXTHOP COUNTER: a next hop's counter.
topo_nh() {
	topo_route "$1" "$2" "$3" \
		".[0].nexthops[] | select(.site == $4) | .stats.$5"
}

# topo_site SITE PEER COUNTER: a counter of one of SITE's sites (by number).
topo_site() {
	ivt "$1" -j site show | topo_json ".[] | select(.id == $2) | .stats.$3"
}

topo_cleanup() {
	local s
	for pid in ${TOPO_PIDS:-}; do
		kill "$pid" 2>/dev/null
	done
	for s in $TOPO_SITES; do
		ip netns del "h$s" 2>/dev/null
		ip netns del "e$s" 2>/dev/null
	done
	ip netns del wan 2>/dev/null
	true
}

# topo_build: namespaces, links, addresses and routes; no ivgmp config.
topo_build() {
	local s i
	ip netns add wan
	ip netns exec wan ip link set lo up
	ip netns exec wan sysctl -qw net.ipv4.ip_forward=1
	ip netns exec wan sysctl -qw net.ipv6.conf.all.forwarding=1
	for s in $TOPO_SITES; do
		i=$(topo_num "$s")
		ip netns add "e$s"
		ip netns add "h$s"
		ip -n "e$s" link set lo up
		ip -n "h$s" link set lo up
		ip link add name "lan$s" type veth peer name "eth$s"
		ip link set "lan$s" netns "e$s"
		ip link set "eth$s" netns "h$s"
		ip -n "e$s" link set "lan$s" name lan0
		ip -n "h$s" link set "eth$s" name eth0
		ip link add name "wan$s" type veth peer name "w$s"
		ip link set "wan$s" netns "e$s"
		ip link set "w$s" netns wan
		ip -n "e$s" link set "wan$s" name wan0

		ip -n "e$s" addr add "10.0.$i.1/24" dev lan0
		ip -n "e$s" addr add "fd00:0:$i::1/64" dev lan0 nodad
		ip -n "e$s" addr add "172.16.$i.2/24" dev wan0
		ip -n "e$s" addr add "fd10:0:$i::2/64" dev wan0 nodad
		ip -n "e$s" link set lan0 up
		ip -n "e$s" link set wan0 up
		ip -n "e$s" route add default via "172.16.$i.1"
		ip -n "e$s" -6 route add default via "fd10:0:$i::1"

		ip -n "h$s" addr add "10.0.$i.2/24" dev eth0
		ip -n "h$s" addr add "fd00:0:$i::2/64" dev eth0 nodad
		ip -n "h$s" link set eth0 up
		ip -n "h$s" route add default via "10.0.$i.1"
		ip -n "h$s" -6 route add default via "fd00:0:$i::1"

		ip -n wan addr add "172.16.$i.1/24" dev "w$s"
		ip -n wan addr add "fd10:0:$i::1/64" dev "w$s" nodad
		ip -n wan link set "w$s" up
	done
}

# topo_config FAMILY [require-ipsec on|off]: every edge knows every other
# site at its v4 or v6 WAN address; LAN lan0 in VPN 1.
topo_config() {
	local fam=$1 ipsec=${2:-off} s t addr
	for s in $TOPO_SITES; do
		ivt "$s" config set site-id "$(topo_num "$s")" port "$TOPO_PORT" \
			require-ipsec "$ipsec" lan lan0:1 || return 1
		for t in $TOPO_SITES; do
			[ "$s" = "$t" ] && continue
			if [ "$fam" = 6 ]; then addr=$(topo_wan6 "$t"); else addr=$(topo_wan4 "$t"); fi
			ivt "$s" site add "$(topo_num "$t")" addr "$addr" || return 1
		done
	done
}

topo_load() {
	# The guest's usermode modprobe cannot see the chrooted root, so
	# nothing autoloads: load what veths and ESP (AES-GCM) need here.
	modprobe -a veth udp_tunnel ip6_udp_tunnel esp4 esp6 xfrm_user \
		gcm ghash-generic ctr seqiv echainiv || return 1
	lsmod | grep -q "^ivgmp " || insmod "$IVGMP_KO"
}

# The first SA instantiates the AEAD template through the crypto manager,
# which under a loaded TCG guest can time out: retry, as an admin would.
topo_xfrm() {
	local n
	for n in 1 2 3 4 5; do
		ip "$@" 2>"$TOPO_OUT/xfrm.err" && return 0
		sleep 1
	done
	cat "$TOPO_OUT/xfrm.err" >&2
	return 1
}

# topo_esp FAMILY: transport-mode ESP (AES-GCM) between every pair of WAN
# addresses, selecting UDP to the tunnel port in both directions.
topo_esp() {
	local fam=$1 s t i j src dst spi key
	for s in $TOPO_SITES; do
		for t in $TOPO_SITES; do
			[ "$s" = "$t" ] && continue
			i=$(topo_num "$s")
			j=$(topo_num "$t")
			if [ "$fam" = 6 ]; then
				src=$(topo_wan6 "$s")
				dst=$(topo_wan6 "$t")
			else
				src=$(topo_wan4 "$s")
				dst=$(topo_wan4 "$t")
			fi
			# One SA per direction, the same on both ends; the
			# template must name its reqid (0 only matches reqid 0).
			spi=$(printf '0x%x' $((0x1000 + i * 16 + j)))
			key=$(printf '0x%040x' $((0x1000 + i * 16 + j)))
			topo_xfrm -n "e$s" xfrm state add src "$src" dst "$dst" proto esp \
				spi "$spi" reqid "$spi" mode transport \
				aead 'rfc4106(gcm(aes))' "$key" 128 || return 1
			topo_xfrm -n "e$t" xfrm state add src "$src" dst "$dst" proto esp \
				spi "$spi" reqid "$spi" mode transport \
				aead 'rfc4106(gcm(aes))' "$key" 128 || return 1
			topo_xfrm -n "e$s" xfrm policy add src "$src" dst "$dst" \
				proto udp dport "$TOPO_PORT" dir out \
				tmpl src "$src" dst "$dst" proto esp reqid "$spi" \
				mode transport || return 1
			topo_xfrm -n "e$t" xfrm policy add src "$src" dst "$dst" \
				proto udp dport "$TOPO_PORT" dir in \
				tmpl src "$src" dst "$dst" proto esp reqid "$spi" \
				mode transport || return 1
		done
	done
}

# topo_timestamps_on HOST: a socket on HOST asks for receive timestamps
# (SO_TIMESTAMP, not in Python's socket module) for a minute, so that
# every skb received on the machine carries the wall-clock time. Sets
# TOPO_TS_PID; fails if the socket did not get going.
topo_timestamps_on() {
	ip netns exec "$1" $PY -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, 29, 1)
time.sleep(60)' &
	TOPO_TS_PID=$!
	TOPO_PIDS="${TOPO_PIDS:-} $TOPO_TS_PID"
	# net_enable_timestamp() switches the static key from a work item.
	sleep 1
	kill -0 "$TOPO_TS_PID"
}

# topo_fq NS DEV: an fq qdisc on DEV (veths have none by default).
topo_fq() {
	modprobe sch_fq
	ip -n "$1" link set "$2" txqueuelen 1000
	tc -n "$1" qdisc replace dev "$2" root fq
}

# topo_fq_horizon_drops NS DEV: packets fq dropped as scheduled too far
# ahead (tc prints the counter only when it is not 0).
topo_fq_horizon_drops() {
	tc -n "$1" -s qdisc show dev "$2" |
		sed -n 's/.*horizon_drops \([0-9]*\).*/\1/p' | grep . || echo 0
}

# recv_start SITE GROUP [NAME]: a receiving socket on site X's LAN host.
recv_start() {
	local s=$1 group=$2 name=${3:-$1} n
	rm -f "$TOPO_OUT/$name" "$TOPO_OUT/$name.ready"
	ip netns exec "h$s" $PY "$MCAST" recv "$group" "$TOPO_RECV_PORT" eth0 \
		"$TOPO_OUT/$name" &
	TOPO_PIDS="${TOPO_PIDS:-} $!"
	eval "TOPO_PID_${name//[^A-Za-z0-9_]/_}=$!"
	for n in $(seq 100); do
		[ -e "$TOPO_OUT/$name.ready" ] && return 0
		sleep 0.1
	done
	echo "receiver $name did not start" >&2
	return 1
}

# recv_stop NAME: stop a receiver, print "<total> <unique>". Usually run in
# $(...), a subshell that cannot wait(1) for it: poll for its result file.
recv_stop() {
	local name=$1 pid n
	eval "pid=\$TOPO_PID_${name//[^A-Za-z0-9_]/_}"
	kill -TERM "$pid" 2>/dev/null
	for n in $(seq 100); do
		[ -s "$TOPO_OUT/$name" ] && break
		sleep 0.1
	done
	cat "$TOPO_OUT/$name" 2>/dev/null || echo "none none"
}

# topo_settle [SECONDS]: wait until the sites' ivgmp counters (sent,
# received, delivered, relayed, drops) have not moved for half a second (at
# most SECONDS, default 15). After a send, instead of a fixed sleep that is
# too long on an idle guest and too short on a loaded one. The kernel's
# counters, not the interfaces': those also see IPv6 and IGMP chatter.
topo_settle() {
	local end=$((SECONDS + ${1:-15})) last= now t0 s
	t0=$(date +%s.%N)
	while [ "$SECONDS" -lt "$end" ]; do
		now=$(for s in $TOPO_SITES; do ivt "$s" stats 2>&1; done)
		if [ "$now" != "$last" ]; then
			last=$now
			t0=$(date +%s.%N)
		elif awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { exit !(b - a >= 0.5) }'; then
			return 0
		fi
		sleep 0.1
	done
	echo "topo_settle: counters still moving after ${1:-15} s" >&2
	return 1
}

# send SITE GROUP COUNT [mcast.py send options]: from site X's LAN host.
send() {
	local s=$1 group=$2 count=$3
	shift 3
	ip netns exec "h$s" $PY "$MCAST" send "$group" "$TOPO_RECV_PORT" eth0 \
		"$count" "$@"
}
