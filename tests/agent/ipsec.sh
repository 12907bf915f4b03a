#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test of the agent's IPsec keying against a fake charon
# (tests/agent/fake_vici.py on a Unix socket) and a real ivgmp-vnoc, without
# the kernel module (-K):
#  - credentials and one connection per peer of the view, shaped as the
#    design says (transport, udp/<port> both ways, CN=<peer>, PFS, trap on
#    the initiator = the lower site id), then initiated;
#  - SA state, SPIs and rekeys in `ivgmp-agent status`;
#  - a port change reloads that peer only; a departed peer is unloaded
#    after the grace period, not before;
#  - the server disappears and comes back: reconnect, everything reloaded;
#  - malformed, truncated and never-answered replies: refused, reconnect;
#  - an agent restart adopts charon's connections and SAs: no gap.
# Site A is site 1; B (2) and C (3, port 7700) send to a group A receives.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/vnoc/pki.sh"

NA=ivi-a-$$
PORT=$((20000 + ($$ + 7) % 20000))
fails=0
pass() { echo "PASS: agent/ipsec/$1"; }
fail() { echo "FAIL: agent/ipsec/$1${2:+ ($2)}"; fails=$((fails + 1)); }

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: agent/ipsec (needs root for a network namespace)"
	exit 0
fi
make -s -C "$top/lib" >/dev/null && make -s -C "$top/agent" ivgmp-agent >/dev/null &&
	make -s -C "$top/vnoc" all >/dev/null ||
	{ echo "FAIL: agent/ipsec/build"; exit 1; }

W=$(mktemp -d /tmp/ivgmp-ipsec-test.XXXXXX)
agent_pid= vnoc_pid= fake_pid=
cleanup() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	[ -n "$vnoc_pid" ] && kill "$vnoc_pid" 2>/dev/null
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NA" 2>/dev/null
	if [ $fails -ne 0 ]; then
		echo "# agent log:"; sed 's/^/# /' "$W/agent.log" | tail -40
		echo "# fake charon log:"; cut -c1-200 "$W/vici.log" | sed 's/^/# /' | tail -30
	fi
	rm -rf "$W"
}
trap cleanup EXIT
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE

mkdir -p "$W/pki"
pki_ca "$W/pki" ca && pki_cert "$W/pki" localhost && pki_cert "$W/pki" admin &&
	pki_cert "$W/pki" site-a && pki_cert "$W/pki" site-b &&
	pki_cert "$W/pki" site-c || { echo "FAIL: agent/ipsec/pki"; exit 1; }
ip netns add "$NA" && ip -n "$NA" link set lo up &&
	ip -n "$NA" link add lan0 type veth peer name lan1 && ip -n "$NA" link set lan0 up ||
	{ echo "FAIL: agent/ipsec/topology"; exit 1; }

URL=https://localhost:$PORT/
ctl() {
	ip netns exec "$NA" "$top/vnoc/ivgmp-vnocctl" -u "$URL" -C "$W/pki/$1.crt" \
		-K "$W/pki/$1.key" -A "$W/pki/ca.crt" "${@:2}"
}
status() { "$top/agent/ivgmp-agent" -s "$W/ctl" status; }
wait_for() {
	local t=$(($1 * 10)); shift
	while ! "$@" >/dev/null 2>&1; do
		t=$((t - 1)); [ $t -le 0 ] && return 1; sleep 0.1
	done
}
# requests the fake charon got since the mark, by command
mark() { wc -l <"$W/vici.log"; }
since() { tail -n +$(($1 + 1)) "$W/vici.log"; }
got() { since "$1" | grep -q -- "$2"; }
count() { since "$1" | grep -c -- "$2"; }
start_fake() {
	/usr/bin/python3 "$here/fake_vici.py" "$W/charon.vici" "$W/vici.log" \
		"$W/fake.ctl" 2>>"$W/fake.err" &
	fake_pid=$!
	wait_for 10 test -S "$W/charon.vici"
}
stop_fake() {
	kill "$fake_pid"; wait "$fake_pid" 2>/dev/null; fake_pid=
	rm -f "$W/charon.vici"
}
start_agent() {
	ip netns exec "$NA" "$top/agent/ivgmp-agent" -d -K -v -f "$W/agent.conf" \
		-s "$W/ctl" -P "$W/pid" -S "$W/spool" >>"$W/agent.log" 2>&1 &
	agent_pid=$!
	wait_for 10 test -S "$W/ctl"
}

touch "$W/vici.log"
start_fake || { fail fake-start; exit 1; }
ip netns exec "$NA" "$top/vnoc/ivgmp-vnoc" -D "$W/vnoc.db" -C "$W/pki/localhost.crt" \
	-K "$W/pki/localhost.key" -A "$W/pki/ca.crt" -l 127.0.0.1 -p "$PORT" \
	-a admin -d -f /dev/null >>"$W/vnoc.log" 2>&1 &
vnoc_pid=$!
wait_for 10 ctl admin site list || { fail vnoc-start; exit 1; }
ctl admin site add 1 site-a 192.0.2.1 7654 >/dev/null &&
	ctl admin site add 2 site-b 192.0.2.2 7654 >/dev/null &&
	ctl admin site add 3 site-c 192.0.2.3 7700 >/dev/null &&
	ctl admin policy add 1 239.1.0.0/16 both permit >/dev/null ||
	{ fail vnoc-setup; exit 1; }

cat >"$W/agent.conf" <<EOF
[site]
lan = lan0
[vnoc]
url = $URL
cert = $W/pki/site-a.crt
key = $W/pki/site-a.key
ca = $W/pki/ca.crt
poll_wait = 5
backoff_min = 1
backoff_max = 2
[ipsec]
mode = strongswan
vici_socket = $W/charon.vici
grace = 3
retry = 1
timeout = 3
child_rekey = 1200
EOF
m0=$(mark)
start_agent || { fail start; exit 1; }

# credentials first, loaded over VICI (nothing in /etc/swanctl)
if wait_for 10 got "$m0" '^load-key type=any data=<' &&
	got "$m0" '^load-cert type=X509 flag=CA data=<' &&
	got "$m0" '^load-cert type=X509 flag=NONE data=<'; then
	pass credentials-loaded
else
	fail credentials-loaded
fi
if count "$m0" '^load-conn' | grep -qx 0; then pass no-peers-no-conns; else
	fail no-peers-no-conns; fi

# B and C send to a group A receives: both become peers of A's view
m1=$(mark)
ctl site-a join 1 239.1.1.1 receiver >/dev/null &&
	ctl site-b join 1 239.1.1.1 sender >/dev/null &&
	ctl site-c join 1 239.1.1.1 sender >/dev/null || fail joins
if wait_for 15 got "$m1" '^load-conn ivgmp-2\.' && wait_for 5 got "$m1" '^load-conn ivgmp-3\.'; then
	pass conn-per-peer
else
	fail conn-per-peer
fi
conn2=$(since "$m1" | grep '^load-conn ivgmp-2\.' | head -1)
shape_ok=1
for want in ivgmp-2.version=2 ivgmp-2.remote_addrs=192.0.2.2 \
	ivgmp-2.proposals=aes128gcm16-prfsha256-x25519 ivgmp-2.mobike=no \
	ivgmp-2.local.auth=pubkey ivgmp-2.remote.auth=pubkey \
	ivgmp-2.remote.id=CN=site-b \
	ivgmp-2.children.ivgmp-2.mode=transport \
	'ivgmp-2.children.ivgmp-2.local_ts=dynamic\[udp/7654\]' \
	'ivgmp-2.children.ivgmp-2.remote_ts=dynamic\[udp/7654\]' \
	ivgmp-2.children.ivgmp-2.esp_proposals=aes128gcm16-x25519 \
	ivgmp-2.children.ivgmp-2.rekey_time=1200s \
	ivgmp-2.children.ivgmp-2.start_action=trap; do
	grep -q " $want\( \|$\)" <<<"$conn2" || { shape_ok=0; echo "# missing $want"; }
done
grep -q ' ivgmp-2.local.certs=<' <<<"$conn2" &&
	grep -q ' ivgmp-2.remote.cacerts=<' <<<"$conn2" || shape_ok=0
[ $shape_ok = 1 ] && pass conn-shape || fail conn-shape "$conn2"
if since "$m1" | grep '^load-conn ivgmp-3\.' | grep -q 'remote_ts=dynamic\[udp/7700\]'; then
	pass peer-port-from-view
else
	fail peer-port-from-view
fi
# we are site 1: we initiate both
if wait_for 5 got "$m1" '^initiate child=ivgmp-2 ike=ivgmp-2 timeout=-1' &&
	wait_for 5 got "$m1" '^initiate child=ivgmp-3 '; then
	pass lower-id-initiates
else
	fail lower-id-initiates
fi
peer_up() { status | grep -A2 "peer $1 " | grep -q "CHILD INSTALLED spi in [0-9a-f]\{8\} out [0-9a-f]\{8\}"; }
if wait_for 10 peer_up 2 && wait_for 5 peer_up 3; then
	pass status-shows-sas
else
	fail status-shows-sas "$(status | grep -A2 peer)"
fi
if status | grep -A1 "peer 2 " | grep -q "IKE ESTABLISHED spi [0-9a-f]\{16\}_i [0-9a-f]\{16\}_r age"; then
	pass status-shows-ike
else
	fail status-shows-ike "$(status | grep -A1 'peer 2')"
fi
[ "$(count "$m1" '^initiate child=ivgmp-2 ')" = 1 ] && pass initiated-once ||
	fail initiated-once "$(count "$m1" '^initiate child=ivgmp-2 ')"

# rekeys: counted, new SPIs shown
spi_of() { status | grep -A2 "peer $1 " | sed -n 's/.*CHILD INSTALLED spi in \([0-9a-f]*\).*/\1/p'; }
old_spi=$(spi_of 2)
echo rekey >"$W/fake.ctl"
rekeyed() { status | grep -A2 "peer 2 " | grep -q "CHILD .*rekeys 1$" &&
	[ "$(spi_of 2)" != "$old_spi" ]; }
if wait_for 10 rekeyed && status | grep -A1 "peer 2 " | grep -q "IKE .* rekeys 1$"; then
	pass rekey-counted-new-spi
else
	fail rekey-counted-new-spi "$(status | grep -A2 'peer 2')"
fi

# site B's port changes: its connection is reloaded with new SAs; C's not
m2=$(mark)
ctl admin site update 2 site-b 192.0.2.2 7800 >/dev/null || fail site-update
if wait_for 15 got "$m2" '^load-conn ivgmp-2\..*remote_ts=dynamic\[udp/7800\]'; then
	pass port-change-reloads
else
	fail port-change-reloads
fi
if got "$m2" '^terminate ike=ivgmp-2 ' && wait_for 5 got "$m2" '^initiate child=ivgmp-2 '; then
	pass port-change-new-sas
else
	fail port-change-new-sas
fi
sleep 1
if ! got "$m2" 'ivgmp-3'; then pass port-change-touches-one; else
	fail port-change-touches-one "$(since "$m2" | grep ivgmp-3 | cut -c1-80)"; fi

# site C stops sending: unloaded after the 3 s grace, not before
m3=$(mark)
ctl site-c leave 1 239.1.1.1 sender >/dev/null || fail leave
left() { status | grep "peer 3 " | grep -q "left the view"; }
if wait_for 10 left && ! got "$m3" '^unload-conn'; then
	t_left=$(date +%s%N)
	pass departed-peer-kept-in-grace
else
	fail departed-peer-kept-in-grace
fi
if wait_for 10 got "$m3" '^unload-conn name=ivgmp-3$' && got "$m3" '^terminate ike=ivgmp-3 '; then
	ms=$((($(date +%s%N) - ${t_left:-0}) / 1000000))
	echo "# unloaded ${ms} ms after the view dropped it (grace 3 s)"
	pass departed-peer-unloaded
else
	fail departed-peer-unloaded
fi
if ! got "$m3" 'ivgmp-2'; then pass departure-touches-one; else
	fail departure-touches-one; fi

# charon disappears and comes back empty: reconnect, reload, initiate
stop_fake
if wait_for 10 sh -c "'$top/agent/ivgmp-agent' -s '$W/ctl' status | grep -q 'charon .* down'"; then
	pass charon-down-seen
else
	fail charon-down-seen
fi
sleep 1.5
m4=$(mark)
start_fake || fail fake-restart
if wait_for 15 got "$m4" '^load-conn ivgmp-2\..*remote_ts=dynamic\[udp/7800\]' &&
	got "$m4" '^load-key' && wait_for 5 got "$m4" '^initiate child=ivgmp-2 '; then
	pass reconnect-reloads
else
	fail reconnect-reloads
fi
got "$m4" 'ivgmp-3' && fail reconnect-no-departed || pass reconnect-no-departed
wait_for 10 peer_up 2 && pass sas-after-reconnect || fail sas-after-reconnect

# hostile replies: refused, connection dropped and made again; the agent lives
# (a view change makes the agent ask: the bad answer goes to that request)
port=7810
for bad in garbage truncate; do
	m5=$(mark)
	l5=$(wc -l <"$W/agent.log")
	echo $bad >"$W/fake.ctl"
	ctl admin site update 2 site-b 192.0.2.2 $port >/dev/null || fail "site-update-$port"
	port=$((port + 1))
	lost() { tail -n +$((l5 + 1)) "$W/agent.log" | grep -q "lost charon.*$1"; }
	case $bad in garbage) why=malformed;; truncate) why="closed inside";; esac
	if wait_for 15 lost "$why" &&
		wait_for 15 got "$m5" "client .* connected" &&
		wait_for 10 peer_up 2 && kill -0 "$agent_pid"; then
		pass "refuses-$bad"
	else
		fail "refuses-$bad" "$(tail -n +$((l5 + 1)) "$W/agent.log" | grep "lost charon")"
	fi
done
m6=$(mark)
l6=$(wc -l <"$W/agent.log")
echo hang >"$W/fake.ctl"
ctl admin site update 2 site-b 192.0.2.2 7900 >/dev/null
wait_for 10 test ! -e "$W/fake.ctl"
if timeout 5 "$top/agent/ivgmp-agent" -s "$W/ctl" status >/dev/null; then
	pass hung-charon-does-not-block
else
	fail hung-charon-does-not-block
fi
# ... and after [ipsec] timeout (3 s) the agent starts over
hung_seen() { tail -n +$((l6 + 1)) "$W/agent.log" | grep -q "lost charon.*no answer for 3 s"; }
if wait_for 15 hung_seen && wait_for 10 got "$m6" "client .* connected" &&
	wait_for 10 peer_up 2; then
	pass hung-charon-reconnected
else
	fail hung-charon-reconnected
fi

# an agent restart adopts what charon has: no unload, no new SAs
stop_fake
m7=$(mark)
start_fake
wait_for 15 peer_up 2 || fail adopt-setup
kill "$agent_pid"; wait "$agent_pid" 2>/dev/null; agent_pid=
m8=$(mark)
start_agent || fail restart
if wait_for 15 got "$m8" '^load-conn ivgmp-2\.' && wait_for 10 peer_up 2 && sleep 2 &&
	! got "$m8" '^terminate' && ! got "$m8" '^unload-conn' && ! got "$m8" '^initiate'; then
	pass restart-adopts-sas
else
	fail restart-adopts-sas "$(since "$m8" | cut -c1-60 | tr '\n' '|')"
fi

# charon refuses a connection: shown in status, loaded again later
m10=$(mark)
echo refuse >"$W/fake.ctl"
ctl admin site update 2 site-b 192.0.2.2 7654 >/dev/null || fail site-update-back
refused() { status | grep "peer 2 " | grep -q "error: load-conn: refused by the test"; }
if wait_for 15 refused && wait_for 15 peer_up 2 && ! refused &&
	[ "$(count "$m10" '^load-conn ivgmp-2\.')" = 2 ]; then
	pass refused-conn-retried
else
	fail refused-conn-retried "$(count "$m10" '^load-conn ivgmp-2\.') loads; $(status | grep -A2 'peer 2 ')"
fi

# C comes back, and its peer refuses the first CHILD_SA: the IKE_SA stays
# up without one, and the agent asks for the child again
m9=$(mark)
echo nochild >"$W/fake.ctl"
ctl site-c join 1 239.1.1.1 sender >/dev/null || fail rejoin
if wait_for 15 got "$m9" '^initiate child=ivgmp-3 ' && wait_for 15 peer_up 3 &&
	[ "$(count "$m9" '^initiate child=ivgmp-3 ')" = 2 ]; then
	pass child-refused-asked-again
else
	fail child-refused-asked-again "$(count "$m9" '^initiate child=ivgmp-3 ') initiations; $(status | grep -A2 'peer 3')"
fi

kill "$agent_pid"; wait "$agent_pid" 2>/dev/null; agent_pid=
grep -q "ERROR\|Traceback" "$W/fake.err" && fail fake-clean "$(tail -3 "$W/fake.err")"
exit $((fails > 0))
