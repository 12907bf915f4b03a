# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The whole system in the guest, for 27-ipsec-ike.sh and the demo: a PKI,
# the VNOC in the WAN router, and per site a charon (tests/vm/ike.sh) and an
# ivgmp-agent that keys IPsec through it. Sourced after lib.sh, topo.sh,
# tests/vnoc/pki.sh and ike.sh, with W set (a writable directory).
#
# SYS_PORTS: "SITE=PORT ..." for sites whose tunnel port is not the default.
# IKE_KEYING: agent (the agent drives charon, [ipsec] mode = strongswan), or
# swanctl (charon gets the same connections from swanctl; for an agent
# without the keying). Unset: agent if the agent accepts it.

SYS_URL=https://10.255.0.1:8443/
SYS_PORTS=${SYS_PORTS:-}
declare -A AGENT_PID

sys_bin() {
	mkdir -p "$W/bin"
	cp "$IVGMP_TOP/agent/ivgmp-agent" "$IVGMP_TOP/vnoc/ivgmp-vnoc" \
		"$IVGMP_TOP/vnoc/ivgmp-vnocctl" \
		"$IVGMP_TOP/tools/ivgmptool/ivgmptool" "$W/bin/" || return 1
	AGENT=$W/bin/ivgmp-agent
	# shellcheck disable=SC2034 # topo.sh's ivt() runs it
	IVT=$W/bin/ivgmptool
	unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE SSL_CERT_FILE
	if [ -z "${IKE_KEYING:-}" ]; then
		printf '[site]\nlan = lan0\n[ipsec]\nmode = strongswan\n' \
			>"$W/probe.conf"
		if "$AGENT" -n -f "$W/probe.conf" >/dev/null 2>&1; then
			IKE_KEYING=agent
		else
			IKE_KEYING=swanctl
		fi
	fi
}

# sys_port SITE: its tunnel port.
sys_port() {
	local kv
	for kv in $SYS_PORTS; do
		[ "${kv%%=*}" = "$1" ] && { echo "${kv#*=}"; return; }
	done
	echo "$TOPO_PORT"
}

# sys_pki: CA, a certificate per site (CN site-x), the admin's, the VNOC's.
sys_pki() {
	local s
	mkdir -p "$W/pki"
	pki_ca "$W/pki" ca || return 1
	for s in $TOPO_SITES; do pki_cert "$W/pki" "site-${s,,}" || return 1; done
	pki_cert "$W/pki" admin || return 1
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$W/pki/vnoc.key" -out "$W/pki/vnoc.csr" -subj "/CN=vnoc" \
		2>/dev/null &&
		printf 'subjectAltName=IP:10.255.0.1\nextendedKeyUsage=serverAuth\n' \
			>"$W/pki/vnoc.ext" &&
		openssl x509 -req -in "$W/pki/vnoc.csr" -CA "$W/pki/ca.crt" \
			-CAkey "$W/pki/ca.key" -CAcreateserial -out "$W/pki/vnoc.crt" \
			-days 2 -extfile "$W/pki/vnoc.ext" 2>/dev/null
}

ctl() {
	ip netns exec wan "$W/bin/ivgmp-vnocctl" -u "$SYS_URL" \
		-C "$W/pki/admin.crt" -K "$W/pki/admin.key" -A "$W/pki/ca.crt" "$@"
}

# sys_vnoc: the VNOC in the WAN router, every site registered with its
# port, 239.1.0.0/16 permitted.
sys_vnoc() {
	local s
	ip -n wan addr add 10.255.0.1/32 dev lo
	ip netns exec wan "$W/bin/ivgmp-vnoc" -D "$W/vnoc.db" \
		-C "$W/pki/vnoc.crt" -K "$W/pki/vnoc.key" -A "$W/pki/ca.crt" \
		-l 10.255.0.1 -p 8443 -a admin -d -f /dev/null \
		>>"$IVGMP_OUT/vnoc.log" 2>&1 &
	VNOC_PID=$!
	wait_for 30 ctl site list || return 1
	for s in $TOPO_SITES; do
		ctl site add "$(topo_num "$s")" "site-${s,,}" "$(topo_wan4 "$s")" \
			"$(sys_port "$s")" >/dev/null || return 1
	done
	ctl policy add 1 239.1.0.0/16 both permit >/dev/null
}

# sys_agent SITE: site X's agent, keying through its charon if
# IKE_KEYING=agent.
sys_agent() {
	local s=$1 n=site-${1,,}
	cat >"$W/agent-$s.conf" <<EOF
[site]
lan = lan0
[membership]
query_interval = 10
query_response_interval = 2
last_member_query_ms = 1000
[senders]
silence = 10
counter_interval = 1
[vnoc]
url = $SYS_URL
cert = $W/pki/$n.crt
key = $W/pki/$n.key
ca = $W/pki/ca.crt
poll_wait = 20
backoff_min = 1
backoff_max = 2
[usage]
interval = 5
EOF
	if [ "$IKE_KEYING" = agent ]; then
		printf '[ipsec]\nmode = strongswan\nvici_socket = %s\ngrace = 5\n' \
			"$IKE_DIR/e$s/charon.vici" >>"$W/agent-$s.conf"
	fi
	ip netns exec "e$s" "$AGENT" -d -v -f "$W/agent-$s.conf" \
		-s "$W/ctl-$s" -P "$W/pid-$s" -S "$W/spool-$s" \
		>>"$IVGMP_OUT/agent-$s.log" 2>&1 &
	AGENT_PID[$s]=$!
}

agent_status() { "$AGENT" -s "$W/ctl-$1" status; }
sys_site_known() {
	agent_status "$1" | grep -q "^ivgmp-agent: site $(topo_num "$1"),"
}
# sys_blocks SITE: the agent's block policies in eX (8 when in place)
sys_blocks() {
	ip -n "e$1" xfrm policy list action block priority 4000000 | grep -c '^src'
}

# swanctl_conn SITE PEER: what the agent loads for PEER at SITE (the lower
# site id initiates), as a swanctl.conf, for IKE_KEYING=swanctl.
swanctl_conn() {
	local s=$1 p=$2 i j sa
	i=$(topo_num "$s")
	j=$(topo_num "$p")
	sa=start
	[ "$i" -lt "$j" ] || sa=none
	cat <<EOF
connections { ivgmp-$j { version = 2
 local_addrs = $(topo_wan4 "$s")
 remote_addrs = $(topo_wan4 "$p")
 proposals = aes128gcm16-prfsha256-x25519
 local { auth = pubkey
  certs = site-${s,,}.crt
  id = "CN=site-${s,,}" }
 remote { auth = pubkey
  id = "CN=site-${p,,}" }
 children { ivgmp-$j { mode = transport
  local_ts = dynamic[udp/$(sys_port "$s")]
  remote_ts = dynamic[udp/$(sys_port "$p")]
  esp_proposals = aes128gcm16-x25519
  start_action = $sa } } } }
EOF
}

# swanctl_load SITE PEER...: those connections into site X's charon.
swanctl_load() {
	local s=$1 d=$IKE_DIR/e$1/swanctl p
	shift
	cp "$W/pki/ca.crt" "$d/x509ca/"
	cp "$W/pki/site-${s,,}.crt" "$d/x509/"
	cp "$W/pki/site-${s,,}.key" "$d/private/"
	rm -f "$d"/conf.d/*.conf
	for p in "$@"; do swanctl_conn "$s" "$p" >"$d/conf.d/$p.conf"; done
	swan "$s" --load-all >>"$W/swanctl-$s.log" 2>&1
}

sys_cleanup() {
	local p
	for p in "${AGENT_PID[@]}" ${VNOC_PID:-}; do
		kill "$p" 2>/dev/null
	done
	ike_cleanup
	for p in $TOPO_SITES; do
		cp "$IKE_DIR/e$p/charon.log" "$IVGMP_OUT/charon-$p.log" 2>/dev/null
		ip -n "e$p" xfrm policy flush 2>/dev/null
		ip -n "e$p" xfrm state flush 2>/dev/null
	done
}
