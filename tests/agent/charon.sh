#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The agent's VICI client against the real strongSwan charon
# (/usr/lib/ipsec/charon), on the host, without the kernel module (-K):
#
#   netns ivc1-$$ (site-a, id 1)                netns ivc2-$$ (site-b, id 2)
#   ivgmp-vnoc 192.0.2.1:PORT                   ivgmp-agent -> VICI -> charon
#   ivgmp-agent -> VICI -> charon   wan --veth-- wan
#   192.0.2.1/24                                192.0.2.2/24
#
# Each charon runs in its router's namespace with a private /run (its pid
# file is compiled in) and its own strongswan.conf, its VICI socket in the
# test directory.  B sends to a group A receives, so each is the other's
# peer; A (the lower id) initiates.  Checked: charon accepts the agent's
# credentials and connections, IKEv2 authenticates both sites by their
# certificates and names (IKE_SA ESTABLISHED on both sides, seen through
# the agent's status), only A initiated, and after charon is killed and
# restarted the agent reloads and the IKE_SA comes back.  If the kernel has
# ESP with AES-GCM (a Debian kernel: modules esp4, gcm), the CHILD_SA too:
# installed, transport mode, UDP 7654 both ways, ESP on the wire, and a
# CHILD rekey with the DH group shown (PFS).  Without them (this build
# machine's host kernel) those checks print SKIP: the VM scenario covers
# them.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/vnoc/pki.sh"

CHARON=${CHARON:-/usr/lib/ipsec/charon}
N1=ivc1-$$
N2=ivc2-$$
PORT=$((20000 + ($$ + 13) % 20000))
fails=0
pass() { echo "PASS: agent/charon/$1"; }
fail() { echo "FAIL: agent/charon/$1${2:+ ($2)}"; fails=$((fails + 1)); }

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: agent/charon (needs root for network namespaces)"
	exit 0
fi
if [ ! -x "$CHARON" ]; then
	echo "FAIL: agent/charon/installed ($CHARON: install strongswan-charon," \
		"tools/testing/install-deps.sh)"
	exit 1
fi
# Also runs in the VM rig (tools/testing/vm/run.sh tests/agent/charon.sh),
# whose Debian kernel has ESP: there the repository is read-only and built,
# and everything is slower.
slow=1
if [ -n "${IVGMP_KVER:-}" ]; then
	slow=4
else
	make -s -C "$top/lib" >/dev/null && make -s -C "$top/agent" ivgmp-agent >/dev/null &&
		make -s -C "$top/vnoc" all >/dev/null ||
		{ echo "FAIL: agent/charon/build"; exit 1; }
fi

W=$(mktemp -d /tmp/ivgmp-charon-test.XXXXXX)
declare -A charon_pid agent_pid
vnoc_pid=
cleanup() {
	local p
	for p in "${agent_pid[@]}" "${charon_pid[@]}" $vnoc_pid; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$N1" 2>/dev/null
	ip netns del "$N2" 2>/dev/null
	# the VM rig keeps $IVGMP_OUT of a failed run
	if [ -n "${IVGMP_OUT:-}" ] && [ $fails -ne 0 ]; then
		cp "$W"/agent?.log "$IVGMP_OUT/" 2>/dev/null
		for i in 1 2; do cp "$W/r$i/charon.log" "$IVGMP_OUT/charon$i.log"; done 2>/dev/null
	fi
	if [ $fails -ne 0 ]; then
		for i in 1 2; do
			echo "# agent $i log:"; tail -25 "$W/agent$i.log" | sed 's/^/# /'
			echo "# charon $i log:"; tail -25 "$W/r$i/charon.log" | sed 's/^/# /'
		done
	fi
	[ -n "${KEEP:-}" ] && echo "# kept $W" || rm -rf "$W"
}
trap cleanup EXIT
unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE

mkdir -p "$W/pki" "$W/r1" "$W/r2"
pki_ca "$W/pki" ca && pki_cert "$W/pki" localhost && pki_cert "$W/pki" admin &&
	pki_cert "$W/pki" site-a && pki_cert "$W/pki" site-b ||
	{ echo "FAIL: agent/charon/pki"; exit 1; }
ip netns add "$N1" && ip netns add "$N2" &&
	ip -n "$N1" link add wan type veth peer name wan netns "$N2" &&
	for i in 1 2; do
		n=ivc$i-$$
		ip -n "$n" link set lo up && ip -n "$n" addr add 192.0.2.$i/24 dev wan &&
			ip -n "$n" link set wan up &&
			ip -n "$n" link add lan0 type veth peer name lan1 &&
			ip -n "$n" link set lan0 up || exit 1
	done || { echo "FAIL: agent/charon/topology"; exit 1; }

wait_for() {
	local t=$(($1 * 10 * slow)); shift
	while ! "$@" >/dev/null 2>&1; do
		t=$((t - 1)); [ $t -le 0 ] && return 1; sleep 0.1
	done
}
# the VNOC's certificate names localhost: A and vnocctl use that name, B
# the WAN address without the host check
URL=https://localhost:$PORT/
URL_B=https://192.0.2.1:$PORT/
ctl() {
	ip netns exec "$N1" "$top/vnoc/ivgmp-vnocctl" -u "$URL" -C "$W/pki/$1.crt" \
		-K "$W/pki/$1.key" -A "$W/pki/ca.crt" "${@:2}"
}
# bounded: a stuck agent or charon is a FAIL with logs, not a hung test
status() { timeout $((10 * slow)) "$top/agent/ivgmp-agent" -s "$W/ctl$1" status; }
swan() {	# swan I ARGS: swanctl against router I's charon
	local i=$1; shift
	STRONGSWAN_CONF="$W/r$i/strongswan.conf" timeout $((20 * slow)) swanctl "$@" \
		--uri "unix://$W/r$i/charon.vici" 2>/dev/null
}

start_charon() {
	local i=$1
	cat >"$W/r$i/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce aes sha2 hmac gcm kdf openssl pem pkcs1 pkcs8 x509 constraints pubkey kernel-netlink socket-default vici
  install_routes = no
  retransmit_timeout = 1.0
  plugins {
    vici {
      socket = unix://$W/r$i/charon.vici
    }
  }
  filelog {
    rlog {
      path = $W/r$i/charon.log
      time_format = %T
      ike_name = yes
      default = 1
      flush_line = yes
    }
  }
}
swanctl {
  load = random openssl pem pkcs1 pkcs8 x509 pubkey
}
EOF
	rm -f "$W/r$i/charon.vici"
	ip netns exec "ivc$i-$$" unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=755 tmpfs /run && exec env STRONGSWAN_CONF="$0/strongswan.conf" "$1"' \
		"$W/r$i" "$CHARON" >>"$W/r$i/charon.out" 2>&1 &
	charon_pid[$i]=$!
	wait_for 20 test -S "$W/r$i/charon.vici"
}

ip netns exec "$N1" "$top/vnoc/ivgmp-vnoc" -d -D "$W/vnoc.db" -C "$W/pki/localhost.crt" \
	-K "$W/pki/localhost.key" -A "$W/pki/ca.crt" -l 0.0.0.0 -p "$PORT" \
	-a admin -f /dev/null >>"$W/vnoc.log" 2>&1 &
vnoc_pid=$!
wait_for 10 ctl admin site list || { fail vnoc-start "$(tail -3 "$W/vnoc.log")"; exit 1; }
ctl admin site add 1 site-a 192.0.2.1 7654 >/dev/null &&
	ctl admin site add 2 site-b 192.0.2.2 7654 >/dev/null &&
	ctl admin policy add 1 239.1.0.0/16 both permit >/dev/null ||
	{ fail vnoc-setup; exit 1; }

for i in 1 2; do
	start_charon $i || { fail "charon-$i-start" "$(tail -3 "$W/r$i/charon.out")"; exit 1; }
	site=site-$(printf "\\x$(printf %x $((96 + i)))")
	cat >"$W/agent$i.conf" <<EOF
[site]
lan = lan0
[vnoc]
url = $([ $i = 1 ] && echo "$URL" || echo "$URL_B")
cert = $W/pki/$site.crt
key = $W/pki/$site.key
ca = $W/pki/ca.crt
verify_host = no
poll_wait = 5
backoff_min = 1
backoff_max = 2
[ipsec]
mode = strongswan
vici_socket = $W/r$i/charon.vici
EOF
	ip netns exec "ivc$i-$$" "$top/agent/ivgmp-agent" -d -K -v -f "$W/agent$i.conf" \
		-s "$W/ctl$i" -P "$W/pid$i" -S "$W/spool$i" >>"$W/agent$i.log" 2>&1 &
	agent_pid[$i]=$!
	wait_for 10 test -S "$W/ctl$i" || { fail "agent-$i-start"; exit 1; }
done

# credentials over VICI: charon holds both certificates and the key
if wait_for 10 sh -c "STRONGSWAN_CONF='$W/r1/strongswan.conf' swanctl --list-certs \
	--uri 'unix://$W/r1/charon.vici' 2>/dev/null | grep -q 'has private key'" &&
	swan 1 --list-certs | grep -q 'subject: *"CN=IVGMP test ca"'; then
	pass credentials-accepted
else
	fail credentials-accepted "$(swan 1 --list-certs | grep subject | tr '\n' ' ')"
fi

ctl site-a join 1 239.1.1.1 receiver >/dev/null &&
	ctl site-b join 1 239.1.1.1 sender >/dev/null || fail joins
# load-conn accepted: charon lists the agent's connection, shaped as asked
conn_ok() { swan "$1" --list-conns | grep -q "^ivgmp-$2: IKEv2"; }
if wait_for 20 conn_ok 1 2 && wait_for 10 conn_ok 2 1; then
	pass load-conn-accepted
else
	fail load-conn-accepted "$(grep -i 'load-conn\|error' "$W/agent1.log" | tail -3)"
fi
conns=$(swan 1 --list-conns)
shape=1
for want in 'id: CN=site-b' 'ivgmp-2: TRANSPORT' 'local:  dynamic\[udp/7654\]' \
	'remote: dynamic\[udp/7654\]' 'remote: .*192.0.2.2' 'local public key authentication' \
	'certs: CN=site-a' 'cacerts: CN=IVGMP test ca'; do
	grep -q "$want" <<<"$conns" || { shape=0; echo "# --list-conns lacks: $want"; }
done
[ $shape = 1 ] && pass conn-as-charon-sees-it ||
	fail conn-as-charon-sees-it "$(tr '\n' '|' <<<"$conns")"

# IKEv2 authenticates both sites by certificate and name
ike_up() { status "$1" | grep -A1 "peer $2 " | grep -q "IKE ESTABLISHED"; }
if wait_for 40 ike_up 1 2 && wait_for 10 ike_up 2 1; then
	pass ike-established
else
	fail ike-established "$(status 1 | grep -A2 'peer 2')"
fi
if swan 2 --list-sas | grep -q "ivgmp-1: #.*ESTABLISHED, IKEv2" &&
	swan 2 --list-sas | grep -A2 "ivgmp-1: #" | grep -q 'remote .CN=site-a. @ 192.0.2.1'; then
	pass peer-identity-checked
else
	fail peer-identity-checked "$(swan 2 --list-sas | head -3)"
fi
# A (site 1) initiated, B only responded
if grep -q "initiating IKE_SA ivgmp-2" "$W/r1/charon.log" &&
	! grep -q "initiating IKE_SA" "$W/r2/charon.log"; then
	pass lower-id-initiated
else
	fail lower-id-initiated
fi

# CHILD_SA: only where the kernel has ESP with AES-GCM
esp_ok() {
	ip netns add "ivce-$$" && timeout $((30 * slow)) ip -n "ivce-$$" xfrm state add src 192.0.2.1 \
		dst 192.0.2.2 proto esp spi 0x100 mode transport \
		aead 'rfc4106(gcm(aes))' 0x0102030405060708090a0b0c0d0e0f1011121314 128
	local r=$?
	ip netns del "ivce-$$"
	return $r
}
child_up() { status "$1" | grep -A2 "peer $2 " | grep -q "CHILD INSTALLED"; }
echo "# does this kernel have ESP with AES-GCM?"
if esp_ok 2>/dev/null; then
	echo "# yes: CHILD_SA checks"
	if wait_for 20 child_up 1 2 && wait_for 10 child_up 2 1 &&
		ip -n "$N1" xfrm policy | grep -q "proto udp sport 7654 dport 7654" &&
		ip -n "$N1" xfrm state | grep -q "mode transport"; then
		pass child-installed
	else
		fail child-installed "$(status 1 | grep -A2 'peer 2')"
	fi
	spi0=$(status 1 | sed -n 's/.*CHILD INSTALLED spi in \([0-9a-f]*\).*/\1/p')
	swan 1 --rekey --child ivgmp-2 >/dev/null
	rekeyed() { status 1 | grep -A2 "peer 2 " | grep -q "CHILD INSTALLED .*CURVE_25519.* rekeys 1" &&
		! status 1 | grep -q "spi in $spi0"; }
	if wait_for 20 rekeyed; then pass child-rekey-pfs; else
		fail child-rekey-pfs "$(status 1 | grep -A2 'peer 2')"; fi
else
	echo "SKIP: agent/charon/child-installed (no ESP with AES-GCM in this kernel)"
	echo "SKIP: agent/charon/child-rekey-pfs (no ESP with AES-GCM in this kernel)"
	# the failure is the kernel's, not the configuration's
	if grep -q "unable to add SAD entry\|unable to install" "$W/r1/charon.log" "$W/r2/charon.log"; then
		echo "# charon: CHILD_SA not installed by this kernel (expected here)"
	fi
fi

# charon killed and restarted: the agent reconnects and keys again
kill -9 "${charon_pid[1]}"; wait "${charon_pid[1]}" 2>/dev/null
if wait_for 10 sh -c "timeout 10 '$top/agent/ivgmp-agent' -s '$W/ctl1' status | grep -q 'charon .* down'"; then
	pass charon-loss-seen
else
	fail charon-loss-seen
fi
start_charon 1 || fail charon-restart
t_back=$(date +%s%N)
if wait_for 20 conn_ok 1 2 && wait_for 40 ike_up 1 2; then
	echo "# keyed again $((($(date +%s%N) - t_back) / 1000000)) ms after charon's socket came back"
	pass reconnect-keys-again
else
	fail reconnect-keys-again "$(status 1 | grep -A2 'peer 2')"
fi
echo "# $(status 1 | grep '^ipsec:')"
exit $((fails > 0))
