#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ivgmptool against the real module: the whole table round trip (config,
# sites, routes set, replaced, shown as text and JSON, deleted, flushed),
# usage errors that exit 2 and send nothing, kernel rejections that show
# the kernel's extack message and exit 1, an unprivileged caller, and a
# NEW_SOURCE event seen by `monitor`.
#
#   ns h1                       ns t1 (ivgmp instance under test)
#   eth0 10.1.0.2/24 --veth-- lan0 10.1.0.1/24   LAN of VPN 5
#                                                ns t2: a second instance,
#                                                must stay untouched
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"

T=15-ivgmptool
IVT=$IVGMP_TOP/tools/ivgmptool/ivgmptool
OUT=${IVGMP_OUT:-/tmp}/ivgmptool
mkdir -p "$OUT"
ERR=$OUT/stderr

# ivt NS ARGS...: run ivgmptool in NS; stdout on stdout, stderr in $ERR.
ivt() {
	local ns=$1
	shift
	ip netns exec "$ns" "$IVT" "$@" 2>"$ERR"
}

# expect NAME RC CMD...: CMD exits with RC.
expect() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >/dev/null
	rc=$?
	if [ "$rc" = "$want" ]; then
		pass "$T: $name"
	else
		fail "$T: $name (exit $rc, want $want: $(head -c 300 "$ERR"))"
	fi
}

# jcheck NAME JSON JQ-EXPR: JSON parses and JQ-EXPR is true.
jcheck() {
	if printf '%s' "$2" | jq -e "$3" >/dev/null 2>&1; then
		pass "$T: $1"
	else
		fail "$T: $1 (jq '$3' false on: $(printf '%s' "$2" | head -c 400))"
	fi
}

# errcheck NAME RC PATTERN CMD...: CMD exits RC and stderr matches PATTERN.
errcheck() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	"$@" >/dev/null
	rc=$?
	if [ "$rc" = "$want" ] && grep -Eq -- "$pat" "$ERR"; then
		pass "$T: $name"
	else
		fail "$T: $name (exit $rc, want $want; stderr '$(head -c 300 "$ERR")' !~ /$pat/)"
	fi
}

check "$T: namespaces" netns_add t1 t2 h1
check "$T: LAN veth" veth_add t1 lan0 h1 eth0
check "$T: addresses" sh -c 'ip -n t1 addr add 10.1.0.1/24 dev lan0 &&
	ip -n h1 addr add 10.1.0.2/24 dev eth0'
LAN0=$(ip netns exec t1 cat /sys/class/net/lan0/ifindex)

# --- without the module ------------------------------------------------------
[ -d /sys/module/ivgmp ] && rmmod ivgmp
errcheck "no module: exit 1, says so" 1 'family "ivgmp" not found' \
	ivt t1 config show

check "$T: load ivgmp.ko" load_ivgmp
[ -d /sys/module/ivgmp ] || exit 1

# --- config ------------------------------------------------------------------
j=$(ivt t1 -j config show)
jcheck "config defaults" "$j" \
	'.port == 7654 and .hop_limit == 8 and .event_rate == 100 and
	 .require_ipsec == true and .site_id == 0 and .lans == [] and
	 .prefixes == []'

expect "config set" 0 ivt t1 config set site-id 1 port 8000 hop-limit 4 \
	event-rate 50 require-ipsec off lan lan0:5 prefix 10.1.0.0/16 \
	prefix fd00:1::/48
j=$(ivt t1 -j config show)
jcheck "config set read back" "$j" \
	".site_id == 1 and .port == 8000 and .hop_limit == 4 and
	 .event_rate == 50 and .require_ipsec == false and .flags == 0 and
	 .lans == [{\"ifindex\": $LAN0, \"ifname\": \"lan0\", \"vpn\": 5}] and
	 .prefixes == [\"10.1.0.0/16\", \"fd00:1::/48\"]"

# Text output is the `config set` grammar: feed it back, nothing changes.
text=$(ivt t1 config show)
expect "config show | config set" 0 ivt t1 config set $text
j2=$(ivt t1 -j config show)
jcheck "config text round trip" "$j2" ". == $j"

expect "config set only port" 0 ivt t1 config set port 8001
j=$(ivt t1 -j config show)
jcheck "config set changes only what is given" "$j" \
	'.port == 8001 and .site_id == 1 and (.lans | length) == 1'

j=$(ivt t2 -j config show)
jcheck "other namespace untouched" "$j" '.port == 7654 and .site_id == 0'

expect "config set nolans noprefixes" 0 ivt t2 config set nolans noprefixes
j=$(ivt t2 -j config show)
jcheck "empty lists clear" "$j" '.lans == [] and .prefixes == []'

# --- sites -------------------------------------------------------------------
expect "site add v4" 0 ivt t1 site add 2 addr 192.0.2.2
expect "site add v6 with port" 0 ivt t1 site add 3 addr 2001:db8::3 port 9000
expect "site add 4" 0 ivt t1 site add 4 addr 192.0.2.4
j=$(ivt t1 -j site show)
jcheck "site dump" "$j" \
	'length == 3 and
	 (map(select(.id == 2))[0] | .addr == "192.0.2.2" and .port == 8001) and
	 (map(select(.id == 3))[0] | .addr == "2001:db8::3" and .port == 9000) and
	 (map(.stats.tx_packets) | add) == 0'
errcheck "site add existing: extack" 1 \
	'^ivgmptool: Error: site exists \(File exists\)$' \
	ivt t1 site add 2 addr 192.0.2.22
errcheck "site add same WAN address: extack" 1 '^ivgmptool: Error: .*WAN address' \
	ivt t1 site add 5 addr 192.0.2.2
expect "site replace" 0 ivt t1 site replace 2 addr 192.0.2.22 port 8100
j=$(ivt t1 -j site show 2)
jcheck "site show ID after replace" "$j" \
	'length == 1 and .[0].id == 2 and .[0].addr == "192.0.2.22" and
	 .[0].port == 8100'
out=$(ivt t1 site show 3)
case $out in
"site 3 addr 2001:db8::3 port 9000"*) pass "$T: site show text" ;;
*) fail "$T: site show text ('$out')" ;;
esac
errcheck "site show unknown: exit 1" 1 '^ivgmptool: Error: ' ivt t1 site show 77
errcheck "site del unknown: extack" 1 '^ivgmptool: Error: no such site' \
	ivt t1 site del 77

# --- routes ------------------------------------------------------------------
expect "route add (*,G)" 0 ivt t1 route add vpn 5 group 239.1.1.1 origin 1 \
	deliver-local via 2,3
expect "route add (S,G)" 0 ivt t1 route add vpn 5 group 239.1.1.1 \
	source 10.1.0.5 origin 1 via 2
expect "route add IPv6" 0 ivt t1 route add vpn 5 group ff0e::1 origin 2 \
	deliver-local
expect "route add relay" 0 ivt t1 route add vpn 5 group 239.1.1.2 origin 2 \
	via 3,4
j=$(ivt t1 -j route show)
jcheck "route dump" "$j" \
	'length == 4 and
	 (map(select(.group == "239.1.1.1" and .source == null))[0] |
	  .origin == 1 and .deliver_local == true and
	  (.nexthops | map(.site)) == [2, 3] and .stats.tx_packets == 0) and
	 (map(select(.source == "10.1.0.5"))[0] | (.nexthops | map(.site)) == [2]) and
	 (map(select(.group == "ff0e::1"))[0] | .nexthops == [] and .origin == 2)'
errcheck "route add existing: extack" 1 '^ivgmptool: Error: route exists' \
	ivt t1 route add vpn 5 group 239.1.1.1 origin 1 via 4
errcheck "route via unknown site: extack" 1 '^ivgmptool: Error: .+ \(.+\)$' \
	ivt t1 route add vpn 5 group 239.1.1.9 origin 1 via 99
errcheck "route unknown origin: extack" 1 '^ivgmptool: Error: .+ \(.+\)$' \
	ivt t1 route add vpn 5 group 239.1.1.9 origin 98 via 2
# The extack offset, mapped back onto the request's attributes.
errcheck "extack offset: next hop named" 1 \
	'^ivgmptool: offending attribute: route\.nexthops\.nexthop\[1\]' \
	ivt t1 route add vpn 5 group 239.1.1.9 origin 1 via 2,99
errcheck "extack offset: origin named" 1 \
	'^ivgmptool: offending attribute: route\.origin$' \
	ivt t1 route add vpn 5 group 239.1.1.9 origin 98 via 2
expect "route replace" 0 ivt t1 route replace vpn 5 group 239.1.1.1 \
	origin 1 via 4,3
j=$(ivt t1 -j route show vpn 5 group 239.1.1.1 origin 1)
jcheck "route show key after replace" "$j" \
	'length == 1 and .[0].deliver_local == false and
	 (.[0].nexthops | map(.site) | sort) == [3, 4]'
j=$(ivt t1 -j route show origin 2)
jcheck "route show filter" "$j" \
	'length == 2 and all(.[]; .origin == 2)'
out=$(ivt t1 route show vpn 5 group 239.1.1.2 origin 2)
case $out in
"vpn 5 group 239.1.1.2 origin 2 via 3,4"*) pass "$T: route show text" ;;
*) fail "$T: route show text ('$out')" ;;
esac
errcheck "site del in use: EBUSY" 1 '^ivgmptool: Error: .*\(Device or resource busy\)$' \
	ivt t1 site del 3
expect "route del" 0 ivt t1 route del vpn 5 group 239.1.1.1 source 10.1.0.5 \
	origin 1
errcheck "route del again: extack" 1 '^ivgmptool: Error: no such route' \
	ivt t1 route del vpn 5 group 239.1.1.1 source 10.1.0.5 origin 1
j=$(ivt t1 -j route show)
jcheck "route gone" "$j" 'length == 3 and all(.[]; .source == null)'

# --- stats -------------------------------------------------------------------
j=$(ivt t1 -j stats)
jcheck "stats JSON" "$j" \
	'(.stats | keys | length) == 6 and (.drops | keys | length) == 14 and
	 (.drops | has("not-ipsec")) and (.drops | has("tx-not-ipsec")) and (.drops | has("no-route"))'
out=$(ivt t1 stats)
case $out in
*"drops:"*"not-ipsec"*) pass "$T: stats text" ;;
*) fail "$T: stats text ('$out')" ;;
esac

# --- usage errors: exit 2, nothing sent ---------------------------------------
before=$(ivt t1 -j route show; ivt t1 -j site show; ivt t1 -j config show)
expect "usage: unknown command" 2 ivt t1 frobnicate
expect "usage: bad number" 2 ivt t1 site add 1x addr 192.0.2.9
expect "usage: bad address" 2 ivt t1 site add 9 addr 192.0.2.300
expect "usage: missing argument" 2 ivt t1 route add vpn 5 group
expect "usage: unicast group" 2 ivt t1 route add vpn 5 group 10.0.0.1 origin 1
expect "usage: family mismatch" 2 ivt t1 route add vpn 5 group 239.1.1.1 \
	source fd00:1::1 origin 1
expect "usage: port range" 2 ivt t1 config set port 65536
expect "usage: no such LAN" 2 ivt t1 config set lan nosuchif0
expect "usage: flush what" 2 ivt t1 flush everything
after=$(ivt t1 -j route show; ivt t1 -j site show; ivt t1 -j config show)
if [ "$before" = "$after" ]; then
	pass "$T: usage errors changed nothing"
else
	fail "$T: usage errors changed the tables"
fi

# --- unprivileged --------------------------------------------------------------
if command -v setpriv >/dev/null; then
	unpriv() {
		ip netns exec t1 setpriv --reuid=65534 --regid=65534 \
			--clear-groups "$IVT" "$@" 2>"$ERR"
	}
	errcheck "unprivileged: EPERM" 1 \
		'^ivgmptool: Error: .*Operation not permitted' unpriv config show
	errcheck "unprivileged: no site add" 1 \
		'^ivgmptool: Error: .*Operation not permitted' \
		unpriv site add 9 addr 192.0.2.9
else
	echo "SKIP: $T: unprivileged (no setpriv)"
fi

# stop_monitor PID: SIGINT until it exits, at most 10 s; returns its exit
# status, or 124 if it had to be killed. Repeated because a background job
# starts with SIGINT ignored until ivgmptool installs its handler.
stop_monitor() {
	local pid=$1 i
	for i in $(seq 50); do
		kill -INT "$pid" 2>/dev/null || break
		sleep 0.2
		kill -0 "$pid" 2>/dev/null || break
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid"
		return 124
	fi
	wait "$pid"
}

# --- monitor: a local source with no route raises NEW_SOURCE ------------------
# Signal or feed ivgmptool itself, not `ip netns exec` still setting up.
is_ivt() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = ivgmptool ]; }

bg monitor ip netns exec t1 "$IVT" -j monitor count 1
MONPID=$BG_PID
wait_for 20 is_ivt "$MONPID" || fail "$T: monitor did not start"
sleep 0.5
# Sent from h1 into lan0: a local source (10.1.0.0/16) to a group with no
# route. A few tries, since the event is rate limited and the monitor may
# still be subscribing.
for _ in 1 2 3 4 5; do
	ip netns exec h1 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
             socket.inet_aton("10.1.0.2"))
s.sendto(b"x" * 32, ("239.9.9.9", 5000))'
	sleep 0.5
	kill -0 "$MONPID" 2>/dev/null || break
done
if kill -0 "$MONPID" 2>/dev/null; then
	stop_monitor "$MONPID"
	fail "$T: monitor saw no NEW_SOURCE event" "$(head -c 300 "$IVGMP_OUT/monitor.log")"
else
	wait "$MONPID"
	rc=$?
	j=$(cat "$IVGMP_OUT/monitor.log")
	if [ "$rc" = 0 ]; then pass "$T: monitor count 1 exits 0"; else
		fail "$T: monitor exit $rc"; fi
	jcheck "monitor event" "$j" \
		".event == \"new-source\" and .vpn == 5 and
		 .group == \"239.9.9.9\" and .source == \"10.1.0.2\" and
		 .ifindex == $LAN0 and .ifname == \"lan0\""
fi
MONPID=
# SIGINT ends a monitor cleanly.
bg monitor2 ip netns exec t1 "$IVT" monitor
MONPID=$BG_PID
wait_for 20 is_ivt "$MONPID" || fail "$T: monitor did not start"
sleep 0.3
stop_monitor "$MONPID"
rc=$?
MONPID=
if [ "$rc" = 0 ]; then pass "$T: monitor stops on SIGINT"; else
	fail "$T: monitor exit $rc on SIGINT"; fi

# --- batch and large messages --------------------------------------------------
# 1024 sites and a route through all of them (IVGMP_MAX_NEXTHOPS: a reply
# bigger than one page), and 3000 routes (a dump over many messages), all
# from one batch file on one netlink socket.
B=$OUT/batch
{
	echo "# sites 100..1123"
	for i in $(seq 100 1123); do
		echo "site add $i addr 10.$((i / 256)).$((i % 256)).1"
	done
	echo "route add vpn 7 group 239.7.7.7 origin 1 via $(seq -s, 100 1123)"
	for i in $(seq 1 3000); do
		echo "route add vpn 8 group 239.8.$((i / 256)).$((i % 256)) origin 100"
	done
} >"$B"
expect "batch: 1024 sites, 3001 routes" 0 ivt t1 -b "$B"
j=$(ivt t1 -j route show vpn 7 group 239.7.7.7 origin 1)
jcheck "1024 next hops read back" "$j" \
	'(.[0].nexthops | length) == 1024 and .[0].nexthops[1023].site == 1123'
j=$(ivt t1 -j route show)
jcheck "dump of 3001+ routes" "$j" \
	'(map(select(.vpn == 8)) | length) == 3000 and
	 (map(select(.vpn == 7))[0].nexthops | length) == 1024'
j=$(ivt t1 -j site show)
jcheck "dump of 1024+ sites" "$j" 'length >= 1024'
printf 'site show\nsite add 5\nsite show\n' >"$B.bad"
errcheck "batch stops at a bad line, names it" 2 ':2: command failed' \
	ivt t1 -b "$B.bad"

# --- flush -------------------------------------------------------------------
expect "flush routes" 0 ivt t1 flush routes
j=$(ivt t1 -j route show)
jcheck "flush routes: no routes" "$j" '. == []'
j=$(ivt t1 -j site show)
jcheck "flush routes: sites stay" "$j" 'length == 1027'
expect "route add after flush" 0 ivt t1 route add vpn 5 group 239.1.1.1 \
	origin 1 via 2
expect "flush sites" 0 ivt t1 flush sites
j=$(ivt t1 -j site show)
jcheck "flush sites: no sites" "$j" '. == []'
j=$(ivt t1 -j route show)
jcheck "flush sites: implies routes" "$j" '. == []'
expect "site add after flush" 0 ivt t1 site add 2 addr 192.0.2.2
expect "flush (all)" 0 ivt t1 flush
j=$(ivt t1 -j site show)
jcheck "flush all: no sites" "$j" '. == []'
j=$(ivt t1 -j config show)
jcheck "flush keeps config" "$j" '.site_id == 1 and .port == 8001'
