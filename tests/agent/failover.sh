#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Agent failover between two VNOCs (issue 14): kill -9 the VNOC in use and
# the agent's long poll and its next join go through the other one, first
# from the agent's own URL list, then through haproxy in TCP mode (TLS
# passed through: the VNOC reads the client certificate).
#
#   netns ivf-a-$$                                   netns ivf-h-$$
#   ivgmp-vnoc #1 127.0.0.1:P1  (vnoc1.db)           ivgmp-announce
#   ivgmp-vnoc #2 127.0.0.1:P2  (vnoc2.db)             eth0 10.10.0.2
#   haproxy       127.0.0.1:P3 -> P1, P2                  |
#   ivgmp-agent -K (site 1) lan0 10.10.0.1 --------veth---+
#
# One VNOC per SQLite database is enforced (DATABASE.lock), so each VNOC
# has its own, holding the same sites and policies (set with
# ivgmp-vnocctl); memberships and versions differ between them, which the
# agent must cope with anyway.  Bound: a broken long poll re-attaches
# within backoff_min + timeout (1 s + 3 s here).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/vnoc/pki.sh"

NA=ivf-a-$$
NH=ivf-h-$$
P1=$((20000 + $$ % 20000))
P2=$((P1 + 1))
P3=$((P1 + 2))
P4=$((P1 + 3))	# TLS with a certificate from another CA
P5=$((P1 + 4))	# HTTP 503 to every request
BOUND_MS=4000
fails=0
pass() { echo "PASS: agent/failover/$1"; }
fail() { echo "FAIL: agent/failover/$1${2:+ ($2)}"; fails=$((fails + 1)); }

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: agent/failover (needs root for network namespaces)"
	exit 0
fi
if ! command -v haproxy >/dev/null; then
	echo "FAIL: agent/failover/haproxy (not installed: tools/testing/install-deps.sh)"
	exit 1
fi
make -s -C "$top/lib" >/dev/null && make -s -C "$top/agent" ivgmp-agent >/dev/null &&
	make -s -C "$top/vnoc" all >/dev/null &&
	make -s -C "$top/tools/ivgmp-announce" >/dev/null ||
	{ echo "FAIL: agent/failover/build"; exit 1; }

W=$(mktemp -d /tmp/ivgmp-failover-test.XXXXXX)
agent_pid= vnoc1= vnoc2= haproxy_pid= rogue_pid= busy_pid=
cleanup() {
	local p
	for p in "$agent_pid" "$vnoc1" "$vnoc2" "$haproxy_pid" "$rogue_pid" "$busy_pid"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$NA" 2>/dev/null
	ip netns del "$NH" 2>/dev/null
	if [ $fails -ne 0 ]; then
		echo "# agent log:"; sed 's/^/# /' "$W/agent.log" | tail -40
		echo "# haproxy log:"; sed 's/^/# /' "$W/haproxy.log" 2>/dev/null | tail -10
	fi
	rm -rf "$W"
}
trap cleanup EXIT
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE

mkdir -p "$W/pki"
pki_ca "$W/pki" ca && pki_cert "$W/pki" localhost && pki_cert "$W/pki" admin &&
	pki_cert "$W/pki" site-a && pki_ca "$W/pki" rogue &&
	pki_cert "$W/pki" rogue-vnoc rogue ||
	{ echo "FAIL: agent/failover/pki"; exit 1; }

ip netns add "$NA" && ip netns add "$NH" &&
	ip -n "$NA" link add name lan0 type veth peer name eth0 netns "$NH" &&
	ip -n "$NA" addr add 10.10.0.1/24 dev lan0 &&
	ip -n "$NH" addr add 10.10.0.2/24 dev eth0 &&
	ip -n "$NA" link set lo up && ip -n "$NA" link set lan0 up &&
	ip -n "$NH" link set lo up && ip -n "$NH" link set eth0 up ||
	{ echo "FAIL: agent/failover/topology"; exit 1; }

A() { ip netns exec "$NA" "$@"; }
wait_for() {
	local t=$(($1 * 10)); shift
	while ! "$@" >/dev/null 2>&1; do
		t=$((t - 1)); [ $t -le 0 ] && return 1; sleep 0.1
	done
}
# ctl PORT CERT ARGS...
ctl() {
	A "$top/vnoc/ivgmp-vnocctl" -u "https://localhost:$1/" -C "$W/pki/$2.crt" \
		-K "$W/pki/$2.key" -A "$W/pki/ca.crt" "${@:3}"
}
status() { "$top/agent/ivgmp-agent" -s "$W/ctl" status; }
status_has() { status | grep -q -- "$1"; }
member() { ctl "$1" admin group list 1 | grep -A3 "$2" | grep -q "site 1 sender"; }
views() { status | sed -n 's/^vnoc: .* \([0-9]*\) view(s).*/\1/p'; }
views_above() { [ "$(views)" -gt "$1" ]; }
ms() { echo $(($(date +%s%N) / 1000000)); }
announce() {
	ip netns exec "$NH" "$top/tools/ivgmp-announce/ivgmp-announce" \
		--agent 10.10.0.1 --group "$1" --role sender --lifetime 600
}
# start_vnoc N PORT: not through A(), so that $! is the VNOC itself
start_vnoc() {
	ip netns exec "$NA" "$top/vnoc/ivgmp-vnoc" -D "$W/vnoc$1.db" \
		-C "$W/pki/localhost.crt" -K "$W/pki/localhost.key" \
		-A "$W/pki/ca.crt" -l 127.0.0.1 -p "$2" -a admin -d -f /dev/null \
		>>"$W/vnoc$1.log" 2>&1 &
	eval "vnoc$1=\$!"
	wait_for 10 ctl "$2" admin site list
}
setup_vnoc() {
	ctl "$1" admin site add 1 site-a 192.0.2.1 7654 >/dev/null &&
		ctl "$1" admin policy add 1 239.1.0.0/16 both permit >/dev/null
}
start_agent() {
	cat >"$W/agent.conf" <<EOC
[site]
vpn = 1
lan = lan0
[vnoc]
url = $1
cert = $W/pki/site-a.crt
key = $W/pki/site-a.key
ca = $W/pki/ca.crt
poll_wait = 30
timeout = 3
backoff_min = 1
backoff_max = 4
EOC
	ip netns exec "$NA" "$top/agent/ivgmp-agent" -d -K -v -f "$W/agent.conf" \
		-s "$W/ctl" -P "$W/pid" -S "$W/spool" >>"$W/agent.log" 2>&1 &
	agent_pid=$!
	wait_for 10 test -S "$W/ctl"
}
stop_agent() { kill "$agent_pid"; wait "$agent_pid" 2>/dev/null; agent_pid=; }
kill9() { kill -9 "$1"; wait "$1" 2>/dev/null; }

start_vnoc 1 "$P1" && start_vnoc 2 "$P2" && setup_vnoc "$P1" && setup_vnoc "$P2" ||
	{ fail vnoc-setup; exit 1; }

# Two that fail: TLS from another CA, and an HTTP 503 (not through A(): $!)
ip netns exec "$NA" openssl s_server -quiet -accept "127.0.0.1:$P4" \
	-cert "$W/pki/rogue-vnoc.crt" -key "$W/pki/rogue-vnoc.key" -www \
	>/dev/null 2>&1 </dev/null &
rogue_pid=$!
ip netns exec "$NA" /usr/bin/python3 -c '
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
	def do_POST(self):
		self.rfile.read(int(self.headers.get("Content-Length", 0)))
		self.send_response(503)
		self.send_header("Content-Length", "0")
		self.end_headers()
	def log_message(self, *a):
		pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
' "$P5" >/dev/null 2>&1 &
busy_pid=$!
listening() { A ss -Hltn "sport = :$1" | grep -q .; }
wait_for 10 listening "$P4" && wait_for 10 listening "$P5" ||
	{ fail rogue-servers; exit 1; }

# ---- the agent's own list: past the 503 and the TLS failure to #1, then
# to #2 after a kill -9
U1=https://localhost:$P1/ U2=https://localhost:$P2/
U4=https://localhost:$P4/ U5=http://localhost:$P5/
start_agent "$U5 $U4, $U1, $U2" || { fail agent-start; exit 1; }
if wait_for 10 status_has "^vnoc: $U1 up" && status_has "in use: 3 of 4, 2 failover"; then
	pass list-skips-503-and-tls-failure
else
	fail list-skips-503-and-tls-failure "$(status | grep -A1 ^vnoc:)"
fi
if grep -q "vnoc: $U5 failed (.*); failing over to $U4" "$W/agent.log" &&
	grep -q "vnoc: $U4 failed (.*); failing over to $U1" "$W/agent.log"; then
	pass list-503-tls-logged
else
	fail list-503-tls-logged "$(grep "vnoc:" "$W/agent.log" | head -12 | tail -6)"
fi
if announce 239.1.1.1 && wait_for 10 member "$P1" 239.1.1.1; then
	pass list-join-via-first
else
	fail list-join-via-first
fi
# let the long poll park on #1, then kill it under the agent
sleep 1
v0=$(views)
t0=$(ms)
kill9 "$vnoc1"; vnoc1=
if wait_for 10 views_above "$v0"; then
	dt=$(($(ms) - t0))
	echo "# list: long poll re-attached on the second VNOC in $dt ms (bound $BOUND_MS)"
	if [ "$dt" -le $BOUND_MS ]; then pass list-reattach-bound; else
		fail list-reattach-bound "$dt ms > $BOUND_MS ms"; fi
else
	fail list-reattach-bound "no view within 10 s"
fi
if status_has "^vnoc: $U2 up" && status_has "in use: 4 of 4, 3 failover(s)"; then
	pass list-status-shows-second
else
	fail list-status-shows-second "$(status | grep -A1 ^vnoc:)"
fi
js() { "$top/agent/ivgmp-agent" -s "$W/ctl" status -j | jq -r "$1"; }
if [ "$(js '.vnoc.url')" = "$U2" ] && [ "$(js '.vnoc.failovers')" = 3 ] &&
	[ "$(js '.vnoc.urls | join(" ")')" = "$U5 $U4 $U1 $U2" ]; then
	pass list-status-json
else
	fail list-status-json "$(js .vnoc)"
fi
if grep -q "vnoc: $U1 failed (.*); failing over to $U2" "$W/agent.log" &&
	grep -q "vnoc: now using $U2 (was $U1)" "$W/agent.log"; then
	pass list-failover-logged
else
	fail list-failover-logged
fi
# #2 has its own database: the join #1 accepted is sent to it again
if wait_for 5 member "$P2" 239.1.1.1; then
	pass list-joins-sent-again
else
	fail list-joins-sent-again "$(ctl "$P2" admin group list 1 | tr '\n' ' ')"
fi
# the next request goes to #2 as well
if announce 239.1.2.2 && wait_for 10 member "$P2" 239.1.2.2; then
	pass list-join-via-second
else
	fail list-join-via-second
fi
# the long poll is parked on #2: a change there reaches the agent at once
v0=$(views)
ctl "$P2" admin site add 2 site-b 192.0.2.2 7654 >/dev/null
if announce 239.1.2.3 && wait_for 10 member "$P2" 239.1.2.3 &&
	wait_for 5 views_above "$v0"; then
	pass list-long-poll-on-second
else
	fail list-long-poll-on-second "views $(views), were $v0"
fi
stop_agent

# ---- one URL, haproxy (TCP mode, TLS passed through) in front of both
start_vnoc 1 "$P1" || { fail vnoc-restart; exit 1; }
cat >"$W/haproxy.cfg" <<EOH
global
	log stderr format short local0
defaults
	mode tcp
	log global
	timeout connect 1s
	timeout client 60s
	timeout server 60s
	retries 3
	option redispatch
frontend vnoc
	bind 127.0.0.1:$P3
	default_backend vnocs
backend vnocs
	balance first
	server v1 127.0.0.1:$P1 check inter 500 fall 1 rise 1
	server v2 127.0.0.1:$P2 check inter 500 fall 1 rise 1
EOH
ip netns exec "$NA" haproxy -db -f "$W/haproxy.cfg" >"$W/haproxy.log" 2>&1 &
haproxy_pid=$!
U3=https://localhost:$P3/
start_agent "$U3" || { fail haproxy-agent-start; exit 1; }
if wait_for 10 status_has "^vnoc: $U3 up" &&
	announce 239.1.3.3 && wait_for 10 member "$P1" 239.1.3.3; then
	pass haproxy-first-backend
else
	fail haproxy-first-backend "$(status | grep ^vnoc:)"
fi
sleep 1
v0=$(views)
t0=$(ms)
kill9 "$vnoc1"; vnoc1=
if wait_for 10 views_above "$v0"; then
	dt=$(($(ms) - t0))
	echo "# haproxy: long poll re-attached through the other backend in $dt ms (bound $BOUND_MS)"
	if [ "$dt" -le $BOUND_MS ]; then pass haproxy-reattach-bound; else
		fail haproxy-reattach-bound "$dt ms > $BOUND_MS ms"; fi
else
	fail haproxy-reattach-bound "no view within 10 s"
fi
if announce 239.1.4.4 && wait_for 10 member "$P2" 239.1.4.4; then
	pass haproxy-join-via-second
else
	fail haproxy-join-via-second
fi
if status_has "^vnoc: $U3 up" && grep -q "vnoc: unreachable" "$W/agent.log"; then
	pass haproxy-outage-logged
else
	fail haproxy-outage-logged "$(status | grep ^vnoc:)"
fi
stop_agent
exit $((fails > 0))
