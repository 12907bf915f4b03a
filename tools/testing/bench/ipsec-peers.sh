#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPsec keying at scale, on the host: one agent (site 1, the sender of a
# group that N other sites receive: N peers in its view, star topology)
# keys its peers through a real charon in its own network namespace.
# Measured: the time from the agent's start until charon has accepted all
# N connections and the agent has asked for every IKE_SA, and the resident
# memory of the agent and of charon then.  The peers do not exist (no route
# to 198.18.0.0/15): this measures the agent, VICI and charon's config
# handling, not IKE exchanges (loading 1,000 connections with swanctl
# alone took 1.0 s on this host, 183 s in the TCG guest).
#   IVGMP_BENCH_PEERS=N (default 1000)
set -u
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
. "$TOP/tests/vnoc/pki.sh"
N=${IVGMP_BENCH_PEERS:-1000}
NS=ivb-$$
PORT=$((20000 + ($$ + 29) % 20000))
CHARON=/usr/lib/ipsec/charon

[ "$(id -u)" = 0 ] || { echo "ipsec-peers: needs root"; exit 0; }
[ -x "$CHARON" ] || { echo "ipsec-peers: $CHARON missing (install-deps.sh)"; exit 1; }
make -s -C "$TOP/lib" >/dev/null && make -s -C "$TOP/agent" ivgmp-agent >/dev/null &&
	make -s -C "$TOP/vnoc" all >/dev/null || exit 1

W=$(mktemp -d /tmp/ivgmp-bench-ipsec.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE

mkdir -p "$W/pki"
pki_ca "$W/pki" ca && pki_cert "$W/pki" localhost && pki_cert "$W/pki" admin &&
	pki_cert "$W/pki" site-a || exit 1
ip netns add "$NS" && ip -n "$NS" link set lo up &&
	ip -n "$NS" link add lan0 type veth peer name lan1 && ip -n "$NS" link set lan0 up || exit 1

vnoc() {
	ip netns exec "$NS" "$TOP/vnoc/ivgmp-vnoc" -d -D "$W/vnoc.db" -C "$W/pki/localhost.crt" \
		-K "$W/pki/localhost.key" -A "$W/pki/ca.crt" -l 127.0.0.1 -p "$PORT" \
		-a admin -f /dev/null >>"$W/vnoc.log" 2>&1 &
	vnoc_pid=$!
	pids+=($vnoc_pid)
}
ctl() {
	ip netns exec "$NS" "$TOP/vnoc/ivgmp-vnocctl" -u "https://localhost:$PORT/" \
		-C "$W/pki/$1.crt" -K "$W/pki/$1.key" -A "$W/pki/ca.crt" "${@:2}"
}
wait_for() {
	local t=$(($1 * 10)); shift
	while ! "$@" >/dev/null 2>&1; do
		t=$((t - 1)); [ $t -le 0 ] && return 1; sleep 0.1
	done
}

# the sites and memberships straight into the VNOC's database: N sites
# through SOAP would measure the VNOC instead
vnoc
wait_for 10 ctl admin site list || { echo "ipsec-peers: VNOC did not start"; exit 1; }
ctl admin site add 1 site-a 192.0.2.1 7654 >/dev/null &&
	ctl admin policy add 1 239.0.0.0/8 both permit >/dev/null || exit 1
kill "$vnoc_pid"; wait "$vnoc_pid" 2>/dev/null
{
	echo "BEGIN;"
	echo "INSERT INTO membership VALUES (1, 1, '239.1.1.1', 0, '');"
	for ((i = 2; i <= N + 1; i++)); do
		echo "INSERT INTO site (id, name, address, port) VALUES" \
			"($i, 'p$i', '198.18.$((i / 256)).$((i % 256))', 7654);"
		echo "INSERT INTO membership VALUES ($i, 1, '239.1.1.1', 1, '');"
	done
	echo "COMMIT;"
} | sqlite3 "$W/vnoc.db" || exit 1
vnoc
wait_for 20 ctl admin site list || exit 1

cat >"$W/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce aes sha2 hmac gcm kdf openssl pem pkcs1 pkcs8 x509 constraints pubkey kernel-netlink socket-default vici
  install_routes = no
  plugins { vici { socket = unix://$W/charon.vici } }
}
EOF
ip netns exec "$NS" unshare -m --propagation private sh -c \
	'mount -t tmpfs -o mode=755 tmpfs /run && exec env STRONGSWAN_CONF="$0/strongswan.conf" /usr/lib/ipsec/charon' \
	"$W" >"$W/charon.out" 2>&1 &
charon_pid=$!
pids+=($charon_pid)
wait_for 20 test -S "$W/charon.vici" || { echo "ipsec-peers: charon did not start"; exit 1; }
charon_rss0=$(awk '/VmRSS/ { print $2 }' /proc/$charon_pid/status)

cat >"$W/agent.conf" <<EOF
[site]
lan = lan0
[vnoc]
url = https://localhost:$PORT/
cert = $W/pki/site-a.crt
key = $W/pki/site-a.key
ca = $W/pki/ca.crt
[ipsec]
mode = strongswan
vici_socket = $W/charon.vici
block = no
retry = 3600
EOF
t0=$(date +%s%N)
ip netns exec "$NS" "$TOP/agent/ivgmp-agent" -d -K -f "$W/agent.conf" -s "$W/ctl" \
	-P "$W/pid" -S "$W/spool" >"$W/agent.log" 2>&1 &
agent_pid=$!
pids+=($agent_pid)
done_loading() {
	"$TOP/agent/ivgmp-agent" -s "$W/ctl" status 2>/dev/null |
		grep -q "^ipsec: .* $N peer(s), .* $N load(s), .* $N initiation(s)"
}
if ! wait_for 600 done_loading; then
	echo "ipsec-peers: not all $N peers loaded and initiated within 600 s"
	"$TOP/agent/ivgmp-agent" -s "$W/ctl" status | grep '^ipsec:'
	exit 1
fi
t1=$(date +%s%N)
agent_rss=$(awk '/VmRSS/ { print $2 }' /proc/$agent_pid/status)
charon_rss=$(awk '/VmRSS/ { print $2 }' /proc/$charon_pid/status)
loaded=$(STRONGSWAN_CONF="$W/strongswan.conf" swanctl --list-conns \
	--uri "unix://$W/charon.vici" 2>/dev/null | grep -c '^ivgmp-[0-9]*: IKEv2')
ts0=$(date +%s%N)
"$TOP/agent/ivgmp-agent" -s "$W/ctl" status >/dev/null
ts1=$(date +%s%N)

echo "IPsec keying, one agent, $N peers (host, charon $("$CHARON" --version 2>/dev/null | head -1 || echo))"
printf '%-44s %s\n' "view to all connections loaded + initiated" "$(((t1 - t0) / 1000000)) ms (incl. agent start, VNOC view)"
printf '%-44s %s\n' "connections charon lists" "$loaded"
printf '%-44s %s\n' "agent RSS" "$((agent_rss / 1024)) MiB ($agent_rss KiB)"
printf '%-44s %s\n' "charon RSS (before -> after)" "$((charon_rss0 / 1024)) -> $((charon_rss / 1024)) MiB"
printf '%-44s %s\n' "ivgmp-agent status ($N peers)" "$(((ts1 - ts0) / 1000000)) ms"
[ "$loaded" = "$N" ] || { echo "ipsec-peers: charon lists $loaded of $N"; exit 1; }
