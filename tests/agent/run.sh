#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host integration test of ivgmp-agent against a real ivgmp-vnoc, without
# the kernel module (-K): IGMP/MLD snooping, JoinGroup/LeaveGroup, denial,
# announcements, the status command, VNOC outage and recovery, reload.
#
#   netns ivt-a-$$ (edge router A)              netns ivt-h-$$ (LAN host)
#   +--------------------------------+          +------------------------+
#   | ivgmp-vnoc  127.0.0.1:PORT     |          |                        |
#   | ivgmp-agent (site-a, site 1)   |          | python: IP_ADD_MEMBER- |
#   |   lan0 10.9.0.1/24 ------------+--veth----+ eth0 10.9.0.2/24  SHIP |
#   +--------------------------------+          | ivgmp-announce         |
#                                                +------------------------+
# The VNOC runs in A's namespace so that only loopback and the test's own
# veth carry traffic.  Prints PASS:/FAIL: lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/vnoc/pki.sh"

NA=ivt-a-$$
NH=ivt-h-$$
PORT=$((20000 + $$ % 20000))
fails=0
pass() { echo "PASS: agent/host/$1"; }
fail() { echo "FAIL: agent/host/$1${2:+ ($2)}"; fails=$((fails + 1)); }

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: agent/host (needs root for network namespaces)"
	exit 0
fi
make -s -C "$top/lib" >/dev/null && make -s -C "$top/agent" ivgmp-agent >/dev/null &&
	make -s -C "$top/vnoc" all >/dev/null &&
	make -s -C "$top/tools/ivgmp-announce" >/dev/null ||
	{ echo "FAIL: agent/host/build"; exit 1; }

W=$(mktemp -d /tmp/ivgmp-agent-test.XXXXXX)
agent_pid=
vnoc_pid=
cleanup() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	[ -n "$vnoc_pid" ] && kill "$vnoc_pid" 2>/dev/null
	[ -n "${host_pid:-}" ] && kill "$host_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NH" 2>/dev/null
	if [ $fails -ne 0 ]; then
		echo "# agent log:"; sed 's/^/# /' "$W/agent.log" | tail -40
		echo "# vnoc log:"; sed 's/^/# /' "$W/vnoc.log" | tail -15
	fi
	rm -rf "$W"
}
trap cleanup EXIT
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE

mkdir -p "$W/pki"
pki_ca "$W/pki" ca && pki_cert "$W/pki" localhost && pki_cert "$W/pki" admin &&
	pki_cert "$W/pki" site-a && pki_cert "$W/pki" site-b ||
	{ echo "FAIL: agent/host/pki"; exit 1; }

ip netns add "$NA" && ip netns add "$NH" &&
	ip -n "$NA" link add name lan0 type veth peer name eth0 netns "$NH" &&
	ip -n "$NA" addr add 10.9.0.1/24 dev lan0 &&
	ip -n "$NH" addr add 10.9.0.2/24 dev eth0 &&
	ip -n "$NA" link set lo up && ip -n "$NA" link set lan0 up &&
	ip -n "$NH" link set lo up && ip -n "$NH" link set eth0 up ||
	{ echo "FAIL: agent/host/topology"; exit 1; }

A() { ip netns exec "$NA" "$@"; }
H() { ip netns exec "$NH" "$@"; }
URL=https://localhost:$PORT/
ctl() {
	A "$top/vnoc/ivgmp-vnocctl" -u "$URL" -C "$W/pki/$1.crt" \
		-K "$W/pki/$1.key" -A "$W/pki/ca.crt" "${@:2}"
}
status() { "$top/agent/ivgmp-agent" -s "$W/ctl" status; }
member() { ctl admin group list 1 | grep -A3 "$1" | grep -q "site 1 $2"; }
not_member() { ! member "$@"; }
agent_status_has() { status | grep -q "$1"; }
# wait_for SECONDS COMMAND...: retry until it succeeds
wait_for() {
	local t=$(($1 * 10)); shift
	while ! "$@" >/dev/null 2>&1; do
		t=$((t - 1)); [ $t -le 0 ] && return 1; sleep 0.1
	done
}
start_vnoc() {
	# not through A(): $! must be the VNOC itself, for kill
	ip netns exec "$NA" "$top/vnoc/ivgmp-vnoc" -D "$W/vnoc.db" -C "$W/pki/localhost.crt" \
		-K "$W/pki/localhost.key" -A "$W/pki/ca.crt" -l 127.0.0.1 \
		-p "$PORT" -a admin -d -f /dev/null >>"$W/vnoc.log" 2>&1 &
	vnoc_pid=$!
	wait_for 10 ctl admin site list
}

start_vnoc || { fail vnoc-start; exit 1; }
ctl admin site add 1 site-a 192.0.2.1 7654 >/dev/null &&
	ctl admin site add 2 site-b 192.0.2.2 7654 >/dev/null &&
	ctl admin policy add 1 239.1.0.0/16 both permit >/dev/null &&
	ctl admin policy add 1 ff3e::/16 both permit >/dev/null ||
	{ fail vnoc-setup; exit 1; }

cat >"$W/agent.conf" <<EOF
[site]
vpn = 1
lan = lan0
[membership]
query_interval = 20
query_response_interval = 2
[vnoc]
url = $URL
cert = $W/pki/site-a.crt
key = $W/pki/site-a.key
ca = $W/pki/ca.crt
poll_wait = 5
backoff_min = 1
backoff_max = 2
[multisubnet]
subscribe = 239.1.5.5
subscribe = ff3e::5
EOF
ip netns exec "$NA" "$top/agent/ivgmp-agent" -d -K -v -f "$W/agent.conf" -s "$W/ctl" \
	-P "$W/pid" -S "$W/spool" >"$W/agent.log" 2>&1 &
agent_pid=$!
if wait_for 10 test -S "$W/ctl"; then pass start; else fail start; exit 1; fi

# the site id comes from the VNOC (the certificate says who we are)
if wait_for 10 agent_status_has '^ivgmp-agent: site 1,'; then
	pass site-id-from-vnoc
else
	fail site-id-from-vnoc "$(status | head -1)"
fi

# proactive subscriptions (paper §3.2): the edge itself is a member on lan0
igmp_has() { A grep -A20 lan0 /proc/net/igmp | grep -qi "$1"; }
if wait_for 5 igmp_has 050501EF; then pass subscribe-igmp; else fail subscribe-igmp; fi
if wait_for 5 sh -c "ip netns exec $NA grep lan0 /proc/net/igmp6 | grep -q ff3e0000000000000000000000000005"; then
	pass subscribe-mld
else
	fail subscribe-mld
fi

# a LAN host joins with an ordinary socket: the VNOC gets JoinGroup
ip netns exec "$NH" /usr/bin/python3 - "$W/host.ctl" <<'EOF' &
import socket, struct, sys, time, os
fifo = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def mreq(g): return struct.pack("4s4s", socket.inet_aton(g), socket.inet_aton("10.9.0.2"))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
idx = socket.if_nametoindex("eth0")
def m6(g): return socket.inet_pton(socket.AF_INET6, g) + struct.pack("@I", idx)
os.mkfifo(fifo)
while True:
	with open(fifo) as f:
		for line in f:
			cmd, g = line.split()
			if cmd == "join" and ":" in g:
				s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, m6(g))
			elif cmd == "join":
				s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq(g))
			elif cmd == "leave":
				s.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, mreq(g))
			elif cmd == "exit":
				sys.exit(0)
EOF
host_pid=$!
wait_for 5 test -p "$W/host.ctl"
hostcmd() { timeout 5 sh -c "echo $1 $2 >'$W/host.ctl'"; }

hostcmd join 239.1.1.1
if wait_for 10 member 239.1.1.1 receiver; then pass igmp-join-reaches-vnoc; else
	fail igmp-join-reaches-vnoc "$(ctl admin group list 1 | tr '\n' ' ')"; fi

hostcmd join ff3e::1:2
if wait_for 10 member ff3e::1:2 receiver; then pass mld-join-reaches-vnoc; else
	fail mld-join-reaches-vnoc; fi

# policy denies 239.9.0.0/16 by default: logged, no membership
hostcmd join 239.9.9.9
denied_shown() { status | grep -A1 'group 239.9.9.9' | grep -q denied; }
if wait_for 10 denied_shown; then
	pass denied-join-logged
else
	fail denied-join-logged
fi
if ctl admin group list 1 | grep -q 239.9.9.9; then fail denied-no-branch; else
	pass denied-no-branch; fi
grep -q "join 239.9.9.9 as receiver (VPN 1) denied" "$W/agent.log" &&
	pass denied-in-log || fail denied-in-log

# the last member leaves: after the last-member queries, LeaveGroup
hostcmd leave 239.1.1.1
t0=$(date +%s%N)
if wait_for 10 not_member 239.1.1.1 receiver; then
	pass leave-reaches-vnoc
	echo "# leave took $((($(date +%s%N) - t0) / 1000000)) ms (LMQT 2 s)"
else
	fail leave-reaches-vnoc
fi

# an announced sender (multi-subnet site)
if H "$top/tools/ivgmp-announce/ivgmp-announce" --agent 10.9.0.1 \
	--group 239.1.7.7 --role sender --lifetime 3 && wait_for 10 member 239.1.7.7 sender; then
	pass announce-sender
else
	fail announce-sender
fi
if igmp_has 070701EF; then pass announced-sender-subscribed; else
	fail announced-sender-subscribed; fi
# ... which lapses without renewal
if wait_for 10 not_member 239.1.7.7 sender; then
	pass announce-expires
else
	fail announce-expires
fi
# ... and so does the subscription made for it (configured ones stay)
if wait_for 5 sh -c "! ip netns exec $NA grep -A20 lan0 /proc/net/igmp | grep -qi 070701EF"; then
	pass announced-sender-unsubscribed
else
	fail announced-sender-unsubscribed "still a member of 239.1.7.7"
fi
if igmp_has 050501EF; then pass configured-subscription-kept; else
	fail configured-subscription-kept; fi
# a withdrawn sender announcement (IPv6) ends its subscription at once
mld_has() { A grep lan0 /proc/net/igmp6 | grep -q "$1"; }
if H "$top/tools/ivgmp-announce/ivgmp-announce" --agent 10.9.0.1 \
	--group ff3e::7:7 --role sender --lifetime 60 && wait_for 10 member ff3e::7:7 sender &&
	mld_has ff3e0000000000000000000000070007; then
	pass announce-sender-mld
else
	fail announce-sender-mld
fi
if H "$top/tools/ivgmp-announce/ivgmp-announce" --agent 10.9.0.1 \
	--group ff3e::7:7 --role sender --lifetime 0 &&
	wait_for 5 sh -c "! ip netns exec $NA grep lan0 /proc/net/igmp6 | grep -q ff3e0000000000000000000000070007" &&
	wait_for 10 not_member ff3e::7:7 sender; then
	pass announce-withdraw-unsubscribes
else
	fail announce-withdraw-unsubscribes
fi
if H "$top/tools/ivgmp-announce/ivgmp-announce" --agent 10.9.0.1 \
	--group 239.1.7.7 --role receiver --vpn 9 --retries 0 2>/dev/null; then
	fail announce-wrong-vpn-refused
else
	pass announce-wrong-vpn-refused
fi

# site B sends to 239.1.1.1 while A has a receiver: A's view gets a route
hostcmd join 239.1.1.1
wait_for 10 member 239.1.1.1 receiver
ctl site-b join 1 239.1.1.1 sender >/dev/null
if wait_for 10 agent_status_has 'view pending\|view applied'; then
	pass view-received
else
	fail view-received
fi

# VNOC outage: forwarding state stays, joins wait and go through later
kill "$vnoc_pid"; wait "$vnoc_pid" 2>/dev/null; vnoc_pid=
hostcmd join 239.1.3.3
if wait_for 15 agent_status_has 'vnoc: .* down'; then
	pass vnoc-down-seen
else
	fail vnoc-down-seen
fi
sleep 2
start_vnoc || fail vnoc-restart
if wait_for 15 member 239.1.3.3 receiver; then pass join-after-outage; else
	fail join-after-outage; fi

# status shows groups, members, senders and VNOC state
st=$(status)
for want in "vnoc: $URL up" "group 239.1.1.1" "member 239.1.1.1" "IGMP: querier us" "MLD: querier"; do
	if grep -qF "$want" <<<"$st"; then pass "status-shows-${want%% *}"; else
		fail "status-shows-${want%% *}" "$want"; fi
done

# status -j: the same state as one JSON object (ivgmptool -j's style),
# read back field by field against the text status
js=$("$top/agent/ivgmp-agent" -s "$W/ctl" -j status)
st=$(status)
jq_is() {	# NAME FILTER WANT
	local got
	got=$(jq -c "$2" <<<"$js" 2>&1)
	if [ "$got" = "$3" ]; then pass "status-json-$1"; else
		fail "status-json-$1" "jq '$2' gave '$got', want '$3'"; fi
}
if jq -e 'type == "object"' <<<"$js" >/dev/null 2>&1; then
	pass status-json-parses
else
	fail status-json-parses "$(head -c 200 <<<"$js")"
fi
jq_is site '.site' "$(sed -n 's/^ivgmp-agent: site \([0-9]*\),.*/\1/p' <<<"$st")"
jq_is vnoc '[.vnoc.url, .vnoc.up]' "[\"$URL\",true]"
jq_is view-version '.vnoc.view_version' \
	"$(sed -n 's/^vnoc: .* view version \([0-9]*\),.*/\1/p' <<<"$st")"
jq_is group-count '.groups | length' "$(sed -n 's/^groups: //p' <<<"$st")"
jq_is group-receiver \
	'[.groups[] | select(.group == "239.1.1.1") | .receiver.state]' '["synced"]'
jq_is lan-member \
	'[.lans[] | select(.name == "lan0") | .igmp.members[].group] | index("239.1.1.1") != null' true
jq_is igmp-querier '[.lans[] | select(.name == "lan0") | .igmp.querier]' '["us"]'
jq_is usage-spool '.usage.spool' "\"$W/spool\""

# SIGHUP with a broken file keeps the running configuration
cp "$W/agent.conf" "$W/agent.conf.good"
echo "bogus = 1" >>"$W/agent.conf"
kill -HUP "$agent_pid"
if wait_for 5 grep -q "reload: .* not changed" "$W/agent.log" && kill -0 "$agent_pid"; then
	pass reload-bad-config-kept
else
	fail reload-bad-config-kept
fi
cp "$W/agent.conf.good" "$W/agent.conf"

# SIGTERM: clean exit, socket and pidfile gone
kill "$agent_pid"
gone() { ! kill -0 "$1" 2>/dev/null; }
if wait_for 5 gone "$agent_pid" && [ ! -e "$W/ctl" ] && [ ! -e "$W/pid" ]; then
	pass sigterm-clean-exit
else
	fail sigterm-clean-exit
fi
agent_pid=

# Usage numbering against the VNOC's lastSeq (its duplicate check).  Site A
# receives 239.1.1.1 from B, so A may report that route.  Someone reports
# up to seq 7 for A (an older spool, say); then A's spool is cut short
# with one whole report numbered 2 in it, and later replaced by an old one
# whose report 1 was never sent.  Both must be counted, not taken for
# retries of reports the VNOC has already counted.
counted() {	# packets the VNOC counted for site 1, 239.1.1.1
	ctl admin usage site 1 group 239.1.1.1 csv |
		awk -F, 'NR > 1 && $7 == 0 { n += $8 } END { print n + 0 }'
}
start_agent() {
	ip netns exec "$NA" "$top/agent/ivgmp-agent" -d -K -v -f "$W/agent.conf" \
		-s "$W/ctl" -P "$W/pid" -S "$W/spool" >>"$W/agent.log" 2>&1 &
	agent_pid=$!
	wait_for 10 test -S "$W/ctl"
}
stop_agent() {
	kill "$agent_pid"; wait "$agent_pid" 2>/dev/null; agent_pid=
}
counted_is() { [ "$(counted)" = "$1" ]; }
usage_status_has() { status | grep -q "usage: $1"; }
# spool_case NAME SPOOL COUNTED STATUS: restart A on that spool; the VNOC
# must have counted COUNTED packets in all, and status show STATUS
spool_case() {
	[ -n "$agent_pid" ] && stop_agent
	printf '%b' "$2" >"$W/spool"
	start_agent
	# status first: once it shows the outcome, the count is final
	if wait_for 15 usage_status_has "$4"; then pass "usage-$1-numbering"; else
		fail "usage-$1-numbering" "$(status | grep usage:)"; fi
	if counted_is "$3"; then pass "usage-$1-counted"; else
		fail "usage-$1-counted" "counted $(counted), want $3"; fi
}
if ctl site-a report 7 1 239.1.1.1 2 100 1000 >/dev/null && counted_is 100; then
	pass usage-vnoc-at-7
else
	fail usage-vnoc-at-7 "counted $(counted)"
fi
spool_case cut-spool \
	'ivgmp-usage 1\nseq 3\nreport 2 1 0\nroute 1 239.1.1.1 * 2 42 4200 0\nbase 1 239.1' \
	142 'next seq 9, 0 report(s) pending.* 1 renumbered, 1 salvaged, VNOC last 8 (in sync)'
[ -e "$W/spool.corrupt" ] && grep -q "cut short, kept as" "$W/agent.log" &&
	grep -q "renumbered 8..8 so the VNOC counts them" "$W/agent.log" &&
	pass usage-resync-logged || fail usage-resync-logged
spool_case stale-spool \
	'ivgmp-usage 1\nseq 2\nreport 1 1 0\nroute 1 239.1.1.1 * 2 5 500 0\nend\n' \
	147 'next seq 10, 0 report(s) pending'
# a sent report whose acknowledgement was lost is not counted twice
spool_case lost-ack \
	'ivgmp-usage 1\nseq 10\nreport 9 1 1\nroute 1 239.1.1.1 * 2 5 500 0\nend\n' \
	147 'next seq 10, 0 report(s) pending, 1 acked'
# the spool is gone altogether: numbering resumes above the VNOC's last
stop_agent
rm -f "$W/spool"
start_agent
if wait_for 15 usage_status_has 'next seq 10, 0 report(s) pending.*VNOC last 9 (in sync)'; then
	pass usage-lost-spool-numbering
else
	fail usage-lost-spool-numbering "$(status | grep usage:)"
fi
stop_agent
hostcmd exit now
# IPsec keying against a fake charon (its own namespace, VNOC and agent)
bash "$here/ipsec.sh" || fails=$((fails + 1))
# ... and against the real charon, two sites keying each other
bash "$here/charon.sh" || fails=$((fails + 1))
# the XFRM block policies, in a namespace of their own, without -K
bash "$here/xfrm.sh" || fails=$((fails + 1))
# failover between two VNOCs: the agent's URL list, then haproxy
bash "$here/failover.sh" || fails=$((fails + 1))
exit $((fails > 0))
