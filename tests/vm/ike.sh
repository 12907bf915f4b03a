# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# strongSwan's charon, one per edge router namespace, for the IKE scenarios
# (tests/vm/27-ipsec-ike.sh), sourced after tests/vm/topo.sh. The recipe is
# ../shared/charon-in-vm.md's, checked on this kind of machine:
#  - each charon in its own mount namespace with a tmpfs on /run (its pid
#    file path is compiled in), its own strongswan.conf (STRONGSWAN_CONF),
#    its VICI socket at $IKE_DIR/eX/charon.vici;
#  - an explicit plugin list, with kdf (without it IKE_AUTH fails after
#    IKE_SA_INIT), nothing else loaded.
# Also: the WAN capture that the scenario counts clear tunnel datagrams
# with, over time windows.

IKE_DIR=${IKE_DIR:-/tmp/ike}
declare -A IKE_PID

# ike_conf SITE: site X's strongswan.conf (and an empty swanctl dir).
ike_conf() {
	local d=$IKE_DIR/e$1
	mkdir -p "$d/swanctl/x509" "$d/swanctl/x509ca" "$d/swanctl/private" \
		"$d/swanctl/conf.d"
	cat >"$d/strongswan.conf" <<EOF
charon {
  load_modular = no
  load = random nonce aes sha2 hmac gcm kdf openssl pem pkcs1 pkcs8 x509 constraints pubkey kernel-netlink socket-default vici
  install_routes = no
  retransmit_timeout = 2.0
  plugins {
    vici {
      socket = unix://$d/charon.vici
    }
  }
  filelog {
    log {
      path = $d/charon.log
      time_format = %T
      ike_name = yes
      default = 1
      flush_line = yes
    }
  }
}
swanctl {
  load = random openssl pem pkcs1 pkcs8 x509 pubkey
  socket = unix://$d/charon.vici
}
EOF
	cat >"$d/swanctl/swanctl.conf" <<EOF
include conf.d/*.conf
EOF
}

# ike_start SITE: charon in eX, in a mount namespace of its own with a
# fresh /run; waits (bounded) for its VICI socket.
ike_start() {
	local d=$IKE_DIR/e$1
	rm -f "$d/charon.vici"
	ip netns exec "e$1" unshare -m --propagation private sh -c \
		'mount -t tmpfs -o mode=755 tmpfs /run &&
		 exec env STRONGSWAN_CONF="$0/strongswan.conf" /usr/lib/ipsec/charon' \
		"$d" >>"$d/charon.out" 2>&1 &
	IKE_PID[$1]=$!		# ip, unshare and sh exec: charon's pid
	wait_for 60 test -S "$d/charon.vici"
}

# ike_kill SITE [SIGNAL]: stop site X's charon (default SIGTERM) and wait.
ike_kill() {
	local p=${IKE_PID[$1]:-}
	[ -n "$p" ] || return 0
	kill "-${2:-TERM}" "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	IKE_PID[$1]=
}

ike_cleanup() {
	local s
	for s in "${!IKE_PID[@]}"; do
		ike_kill "$s" KILL
	done
}

# swan SITE ARGS...: swanctl against site X's charon (the command option
# first, as swanctl wants).
swan() {
	local s=$1
	shift
	STRONGSWAN_CONF=$IKE_DIR/e$s/strongswan.conf \
		SWANCTL_DIR=$IKE_DIR/e$s/swanctl swanctl "$@"
}

# ike_sas SITE: `swanctl --list-sas --raw`, one IKE_SA per line.
ike_sas() {
	swan "$1" --list-sas --raw 2>/dev/null
}

# ike_peers SITE: the peer names (connection names) with an ESTABLISHED
# IKE_SA, sorted, space-separated.
ike_peers() {
	ike_sas "$1" | grep 'state=ESTABLISHED' |
		sed -n 's/^list-sa event {\([^ ]*\) {.*/\1/p' | sort -u |
		tr '\n' ' ' | sed 's/ $//'
}

# ike_count SITE CONN: IKE_SAs of CONN in any state.
ike_count() {
	ike_sas "$1" | grep -c "^list-sa event {$2 {"
}

# ike_spi SITE CONN: "<initiator SPI>:<responder SPI>" of CONN's IKE_SA.
ike_spi() {
	ike_sas "$1" | grep "^list-sa event {$2 {" | head -1 |
		sed 's/.*initiator-spi=\([0-9a-f]*\) responder-spi=\([0-9a-f]*\).*/\1:\2/'
}

# ike_children SITE: one line per INSTALLED CHILD_SA: "<conn> <spi-in>
# <spi-out> <encr-alg>-<keysize> <dh-group or ->".
ike_children() {
	ike_sas "$1" | awk '{
		conn = $3; sub(/^\{/, "", conn)
		n = split($0, c, /child-sas \{/)
		if (n < 2) next
		m = split(c[2], e, /\} /)
		for (i = 1; i <= m; i++) {
			if (e[i] !~ /state=INSTALLED/) continue
			si = so = alg = ks = dh = "-"
			k = split(e[i], f, / /)
			for (j = 1; j <= k; j++) {
				split(f[j], kv, "=")
				if (kv[1] == "spi-in") si = kv[2]
				else if (kv[1] == "spi-out") so = kv[2]
				else if (kv[1] == "encr-alg") alg = kv[2]
				else if (kv[1] == "encr-keysize") ks = kv[2]
				else if (kv[1] == "dh-group") dh = kv[2]
			}
			print conn, si, so, alg "-" ks, dh
		}
	}'
}

# xfrm_spis SITE: the SPIs of every ESP state in eX's kernel, sorted.
xfrm_spis() {
	ip -n "e$1" xfrm state | sed -n 's/.*proto esp spi \(0x[0-9a-f]*\).*/\1/p' |
		sort | tr '\n' ' ' | sed 's/ $//'
}

# --- the WAN capture -----------------------------------------------------

# wan_capture_start FILE: tcpdump on every WAN link (all in "wan"), the
# first 96 bytes of everything but the VNOC's TCP.
wan_capture_start() {
	WAN_PCAP=$1
	ip netns exec wan tcpdump -i any -n -U -s 96 -w "$1" 'not tcp' \
		2>"$1.err" &
	WAN_TCPDUMP=$!
	# tcpdump takes its time to start on a loaded TCG guest
	wait_for 60 grep -q listening "$1.err"
}

# wan_capture_stop: stop it; fails if the kernel dropped any packet, since
# then a count of 0 would prove nothing.
wan_capture_stop() {
	[ -n "${WAN_TCPDUMP:-}" ] || return 0
	sleep 0.5
	kill "$WAN_TCPDUMP"
	wait "$WAN_TCPDUMP" 2>/dev/null
	WAN_TCPDUMP=
	grep -q '^0 packets dropped by kernel' "$WAN_PCAP.err"
}

# wan_count FILTER [T0 [T1]]: packets of the capture so far matching the
# pcap FILTER, with time in [T0, T1) (epoch seconds) if given.
wan_count() {
	tcpdump -r "$WAN_PCAP" -n -tt "$1" 2>/dev/null |
		awk -v t0="${2:-0}" -v t1="${3:-1e18}" \
			'$1 >= t0 && $1 < t1 { n++ } END { print n + 0 }'
}

now_s() { date +%s.%N; }
