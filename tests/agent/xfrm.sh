#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test of the agent's catch-all XFRM block policies (agent/xfrm.c), in a
# network namespace of its own, with a real ivgmp-vnoc and no ivgmp module
# (the agent retries the module; the block does not wait for it):
#  - the eight policies (IPv4/IPv6 x in/out x sport/dport 7654, action
#    block, priority 4000000) are read back from the kernel with ip xfrm;
#  - one deleted, one turned into "allow", or the whole SPD flushed: each
#    is put back within a check interval;
#  - the port set for the site at the VNOC moves them: the new port's are
#    in place, the old port's gone;
#  - a clean exit leaves them (default) or removes them
#    (block_remove_on_exit = yes); block = no installs none;
#  - a datagram sent to the tunnel port is refused by the kernel (EPERM)
#    while they are in place, and leaves without them (control).
# Run by tests/agent/run.sh; prints PASS:/FAIL: lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/vnoc/pki.sh"

N=ivx-$$
PORT=$((20000 + ($$ + 7) % 20000))
fails=0
pass() { echo "PASS: agent/xfrm/$1"; }
fail() { echo "FAIL: agent/xfrm/$1${2:+ ($2)}"; fails=$((fails + 1)); }

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: agent/xfrm (needs root for network namespaces)"
	exit 0
fi
make -s -C "$top/lib" >/dev/null && make -s -C "$top/agent" ivgmp-agent >/dev/null &&
	make -s -C "$top/vnoc" all >/dev/null ||
	{ echo "FAIL: agent/xfrm/build"; exit 1; }

W=$(mktemp -d /tmp/ivgmp-xfrm-test.XXXXXX)
agent_pid=
vnoc_pid=
cleanup() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	[ -n "$vnoc_pid" ] && kill "$vnoc_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$N" 2>/dev/null
	if [ $fails -ne 0 ]; then
		echo "# agent log:"; sed 's/^/# /' "$W/agent.log" | tail -30
	fi
	rm -rf "$W"
}
trap cleanup EXIT
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE

wait_for() {
	local t=$(($1 * 10)); shift
	while ! "$@" >/dev/null 2>&1; do
		t=$((t - 1)); [ $t -le 0 ] && return 1; sleep 0.1
	done
}

mkdir -p "$W/pki"
pki_ca "$W/pki" ca && pki_cert "$W/pki" localhost && pki_cert "$W/pki" admin &&
	pki_cert "$W/pki" site-a || { echo "FAIL: agent/xfrm/pki"; exit 1; }
ip netns add "$N" && ip -n "$N" link set lo up &&
	ip -n "$N" link add name lan0 type veth peer name lan1 &&
	ip -n "$N" link set lan0 up && ip -n "$N" link set lan1 up &&
	ip -n "$N" addr add 10.9.0.1/24 dev lan0 ||
	{ echo "FAIL: agent/xfrm/topology"; exit 1; }

X() { ip netns exec "$N" "$@"; }
URL=https://localhost:$PORT/
ctl() {
	X "$top/vnoc/ivgmp-vnocctl" -u "$URL" -C "$W/pki/admin.crt" \
		-K "$W/pki/admin.key" -A "$W/pki/ca.crt" "$@"
}
X "$top/vnoc/ivgmp-vnoc" -D "$W/vnoc.db" -C "$W/pki/localhost.crt" \
	-K "$W/pki/localhost.key" -A "$W/pki/ca.crt" -l 127.0.0.1 \
	-p "$PORT" -a admin -d -f /dev/null >>"$W/vnoc.log" 2>&1 &
vnoc_pid=$!
wait_for 10 ctl site list && ctl site add 1 site-a 192.0.2.1 7654 >/dev/null ||
	{ fail vnoc-setup; exit 1; }

# blocks PORT: how many of the eight block policies for PORT are in place
blocks() {
	X ip xfrm policy list action block priority 4000000 |
		grep -cE "^src (0\.0\.0\.0|::)/0 dst (0\.0\.0\.0|::)/0 proto udp (sport $1|dport $1) *$"
}
nblocks_is() { [ "$(blocks "$1")" = "$2" ]; }
# spd_lines: every policy line in the namespace
spd_count() { X ip xfrm policy | grep -c '^src'; }

# start_agent [[ipsec] lines...]
start_agent() {
	{
		printf '[site]\nlan = lan0\n[senders]\ncounter_interval = 1\n'
		printf '[vnoc]\nurl = %s\ncert = %s\nkey = %s\nca = %s\n' "$URL" \
			"$W/pki/site-a.crt" "$W/pki/site-a.key" "$W/pki/ca.crt"
		printf 'poll_wait = 2\nbackoff_min = 1\nbackoff_max = 1\n'
		if [ $# -gt 0 ]; then
			printf '[ipsec]\n'
			printf '%s\n' "$@"
		fi
	} >"$W/agent.conf"
	rm -f "$W/ctl"
	# not through X(): $! must be the agent itself
	ip netns exec "$N" "$top/agent/ivgmp-agent" -d -f "$W/agent.conf" \
		-s "$W/ctl" -P "$W/pid" -S "$W/spool" >>"$W/agent.log" 2>&1 &
	agent_pid=$!
	wait_for 10 test -S "$W/ctl"
}
stop_agent() {
	kill -TERM "$agent_pid"
	wait "$agent_pid" 2>/dev/null
	agent_pid=
}
# send_to PORT: one UDP datagram to 192.0.2.1:PORT from the namespace;
# prints "sent" or the error
send_to() {
	X ip route replace 192.0.2.0/24 dev lan0 2>/dev/null
	X /usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b"x", ("192.0.2.1", int(sys.argv[1])))
    print("sent")
except OSError as e:
    print(e.strerror)' "$1"
}

start_agent || { fail start; exit 1; }
if wait_for 10 nblocks_is 7654 8; then pass installed; else
	fail installed "$(blocks 7654) of 8"; fi
X ip xfrm policy list action block | grep -q 'dir in' &&
	X ip xfrm policy list action block | grep -q 'dir out' &&
	pass both-directions || fail both-directions
X ip -6 xfrm policy list action block | grep -q '::/0' &&
	pass ipv6 || fail ipv6
r=$(send_to 7654)
[ "$r" = "Operation not permitted" ] && pass clear-send-refused ||
	fail clear-send-refused "$r"

X ip xfrm policy delete src 0.0.0.0/0 dst 0.0.0.0/0 proto udp dport 7654 dir out
if wait_for 5 nblocks_is 7654 8; then pass deleted-put-back; else
	fail deleted-put-back "$(blocks 7654) of 8"; fi
X ip xfrm policy update src ::/0 dst ::/0 proto udp sport 7654 dir in \
	action allow priority 4000000
if wait_for 5 nblocks_is 7654 8; then pass changed-put-back; else
	fail changed-put-back "$(blocks 7654) of 8"; fi
X ip xfrm policy flush
if wait_for 5 nblocks_is 7654 8; then pass flush-put-back; else
	fail flush-put-back "$(blocks 7654) of 8"; fi
"$top/agent/ivgmp-agent" -s "$W/ctl" status | grep -q 'xfrm: block policies for port 7654 in place.* [1-9][0-9]* put back' &&
	pass status || fail status "$("$top/agent/ivgmp-agent" -s "$W/ctl" status | grep xfrm)"

# the VNOC moves the site to another port
ctl site update 1 site-a 192.0.2.1 7700 >/dev/null
if wait_for 15 nblocks_is 7700 8; then pass port-from-view; else
	fail port-from-view "$(blocks 7700) of 8"; fi
nblocks_is 7654 0 && pass old-port-removed || fail old-port-removed "$(blocks 7654)"
r=$(send_to 7700)
[ "$r" = "Operation not permitted" ] && pass new-port-refused ||
	fail new-port-refused "$r"
ctl site update 1 site-a 192.0.2.1 7654 >/dev/null
wait_for 15 nblocks_is 7654 8 || fail port-back

stop_agent
nblocks_is 7654 8 && pass kept-on-exit || fail kept-on-exit "$(blocks 7654)"

X ip xfrm policy flush
start_agent "block_remove_on_exit = yes" || fail start-remove
wait_for 10 nblocks_is 7654 8 || fail installed-again
stop_agent
[ "$(spd_count)" = 0 ] && pass removed-on-exit || fail removed-on-exit "$(spd_count)"
# control: without the policies the same datagram leaves
r=$(send_to 7654)
[ "$r" = sent ] && pass control-clear-send || fail control-clear-send "$r"

start_agent "block = no" || fail start-noblock
sleep 2
[ "$(spd_count)" = 0 ] && pass block-off || fail block-off "$(spd_count)"
stop_agent
exit $((fails > 0))
