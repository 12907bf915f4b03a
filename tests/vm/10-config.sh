#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Issue 2: ivgmp.ko in Debian's kernel keeps one config per network
# namespace, set and read back with ivgmptool; unprivileged callers get
# EPERM; malformed requests get an extack message and change nothing; a
# configured namespace is deleted and the module unloaded while other
# configured namespaces are alive (the rig then checks dmesg).
#
#   ns c1 (instance 1)              ns h1
#   lan0 10.1.0.1/24 ---- veth ---- eth0 10.1.0.2/24
#
#   ns c2 (instance 2)              ns h2
#   lan0 10.2.0.1/24 ---- veth ---- eth0 10.2.0.2/24
#
#   ns c3 (instance 3): dummy0, sites and routes; deleted mid-test
#   user+net ns made by an unprivileged user: its own instance
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"

T=10-config
IVT=$IVGMP_TOP/tools/ivgmptool/ivgmptool
NLPY=$IVGMP_TOP/tests/vm/ivgmp_nl.py
PY=/usr/bin/python3
OUT=${IVGMP_OUT:-/tmp}/10-config
mkdir -p "$OUT"
ERR=$OUT/stderr
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all
	--bounding-set=-all)

ivt() {
	local ns=$1
	shift
	ip netns exec "$ns" "$IVT" "$@" 2>"$ERR"
}

# jcheck NAME JSON JQ-EXPR
jcheck() {
	if printf '%s' "$2" | jq -e "$3" >/dev/null 2>&1; then
		pass "$T: $1"
	else
		fail "$T: $1 (jq '$3' false on: $(printf '%s' "$2" | head -c 400))"
	fi
}

# expect NAME RC CMD...
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

cleanup() {
	for ns in c1 c2 c3 h1 h2; do
		ip netns del "$ns" 2>/dev/null
	done
	rmmod ivgmp 2>/dev/null
	lib_cleanup
}
trap cleanup EXIT

lsmod | grep -q '^ivgmp ' && rmmod ivgmp
modprobe -a veth dummy || fail "$T: modprobe veth dummy"
for ns in c1 c2 c3 h1 h2; do
	ip netns add "$ns" || { fail "$T: netns $ns"; exit 1; }
	ip -n "$ns" link set lo up
done
for i in 1 2; do
	ip -n c$i link add name lan0 type veth peer name eth0 netns h$i
	ip -n c$i addr add 10.$i.0.1/24 dev lan0
	ip -n h$i addr add 10.$i.0.2/24 dev eth0
	ip -n c$i link set lan0 up
	ip -n h$i link set eth0 up
done
ip -n c3 link add name dummy0 type dummy
ip -n c3 link set dummy0 up
LAN1=$(ip netns exec c1 cat /sys/class/net/lan0/ifindex)
LAN2=$(ip netns exec c2 cat /sys/class/net/lan0/ifindex)

load_ivgmp || { fail "$T: insmod"; exit 1; }
pass "$T: insmod"

# --- defaults, then a different config in each namespace ---------------------
DEFAULTS='.site_id == 0 and .port == 7654 and .hop_limit == 8 and
	.event_rate == 100 and .require_ipsec == true and .lans == [] and
	.prefixes == []'
for ns in c1 c2 c3; do
	jcheck "$ns: defaults" "$(ivt $ns -j config show)" "$DEFAULTS"
done

expect "c1: config set" 0 ivt c1 config set site-id 1 port 7001 hop-limit 3 \
	event-rate 10 require-ipsec off lan lan0:11 prefix 10.1.0.0/16 \
	prefix fd00:1::/48
expect "c2: config set" 0 ivt c2 config set site-id 2 port 7002 hop-limit 5 \
	event-rate 20 lan lan0:22 prefix 10.2.0.0/16

C1='.site_id == 1 and .port == 7001 and .hop_limit == 3 and
	.event_rate == 10 and .require_ipsec == false and
	.lans == [{"ifindex": '$LAN1', "ifname": "lan0", "vpn": 11}] and
	.prefixes == ["10.1.0.0/16", "fd00:1::/48"]'
C2='.site_id == 2 and .port == 7002 and .hop_limit == 5 and
	.event_rate == 20 and .require_ipsec == true and
	.lans == [{"ifindex": '$LAN2', "ifname": "lan0", "vpn": 22}] and
	.prefixes == ["10.2.0.0/16"]'
jcheck "c1: read back" "$(ivt c1 -j config show)" "$C1"
jcheck "c2: read back" "$(ivt c2 -j config show)" "$C2"
jcheck "c3: still defaults" "$(ivt c3 -j config show)" "$DEFAULTS"

# Partial update: only what is sent changes; a list sent replaces the list.
expect "c1: set port only" 0 ivt c1 config set port 7101
jcheck "c1: only the port changed" "$(ivt c1 -j config show)" \
	"${C1/.port == 7001/.port == 7101}"
expect "c1: clear prefixes" 0 ivt c1 config set noprefixes
jcheck "c1: prefixes cleared, LANs kept" "$(ivt c1 -j config show)" \
	'.prefixes == [] and (.lans | length) == 1 and .port == 7101'
expect "c1: set back" 0 ivt c1 config set port 7001 prefix 10.1.0.0/16 \
	prefix fd00:1::/48
jcheck "c2: untouched by c1" "$(ivt c2 -j config show)" "$C2"

# --- unprivileged callers ------------------------------------------------------
BEFORE=$(ivt c1 -j config show)
if ip netns exec c1 "${NOBODY[@]}" "$IVT" config set port 9999 2>"$ERR" \
	>/dev/null; then
	fail "$T: unprivileged config set succeeded"
elif grep -q 'Operation not permitted' "$ERR"; then
	pass "$T: unprivileged ivgmptool config set: EPERM"
else
	fail "$T: unprivileged config set: $(head -c 300 "$ERR")"
fi
if ip netns exec c1 "${NOBODY[@]}" "$IVT" config show 2>"$ERR" >/dev/null
then
	fail "$T: unprivileged config show succeeded"
elif grep -q 'Operation not permitted' "$ERR"; then
	pass "$T: unprivileged ivgmptool config show: EPERM"
else
	fail "$T: unprivileged config show: $(head -c 300 "$ERR")"
fi
ip netns exec c1 "${NOBODY[@]}" $PY "$NLPY" eperm "$T" || FAILED=1
jcheck "c1: unchanged after unprivileged attempts" \
	"$(ivt c1 -j config show)" ". == $BEFORE"

# A user owns the namespaces it creates: GENL_UNS_ADMIN_PERM lets it
# configure its own instance, and only that one. Try as nobody; where
# unprivileged user namespaces are off, as root with every capability
# dropped (it still owns the user namespace it makes).
USERNS=()
if "${NOBODY[@]}" unshare --user --map-root-user --net true 2>"$ERR"; then
	USERNS=("${NOBODY[@]}")
	who=nobody
else
	echo "# unprivileged userns: $(head -c 200 "$ERR")"
	USERNS=(setpriv --inh-caps=-all --bounding-set=-all)
	who="root without capabilities"
fi
j=$("${USERNS[@]}" unshare --user --map-root-user --net sh -c \
	"'$IVT' config set site-id 9 port 7009 && '$IVT' -j config show" \
	2>"$ERR")
jcheck "own user+net namespace ($who): configurable" "$j" \
	'.site_id == 9 and .port == 7009'
if "${USERNS[@]}" "$IVT" config set port 9998 2>"$ERR" >/dev/null; then
	fail "$T: $who changed the init namespace's config"
else
	pass "$T: $who cannot configure the init namespace"
fi
jcheck "c1: not touched from a user namespace" \
	"$(ivt c1 -j config show)" ". == $BEFORE"

# --- malformed requests: extack, and nothing changes ---------------------------
ip netns exec c1 $PY "$NLPY" malformed "$T" || FAILED=1
jcheck "c1: unchanged after malformed requests" "$(ivt c1 -j config show)" \
	". == $BEFORE"
expect "c1: no site left behind" 0 test -z "$(ivt c1 site show)"

# --- event_rate limits NEW_SOURCE events ------------------------------------
# h1 (a local source on c1's LAN) sends one datagram to each of N groups that
# have no route; a listener in c1 counts the events. The bucket holds one
# second's worth and refills at event_rate per second.
events() { # RATE N -> prints "<events> <seconds spent sending>"
	local rate=$1 n=$2 t0 t1 lpid i
	ivt c1 config set event-rate "$rate" || return 1
	rm -f "$OUT/ready" "$OUT/events"
	ip netns exec c1 $PY "$NLPY" events "$OUT/ready" "$OUT/events" &
	lpid=$!
	i=0
	while [ ! -e "$OUT/ready" ] && [ $((i++)) -lt 300 ]; do
		sleep 0.1
	done
	t0=$(date +%s%N)
	ip netns exec h1 $PY "$NLPY" send-groups 10.1.0.2 "$n"
	t1=$(date +%s%N)
	# Events are sent from the hook, before the sender's sendto returns.
	sleep 0.5
	kill -TERM "$lpid"
	wait "$lpid"
	echo "$(cat "$OUT/events") $(( (t1 - t0) / 1000000000 + 1 ))"
}
read -r ev secs <<<"$(events 1000 100)"
if [ "${ev:-0}" = 100 ]; then
	pass "$T: event rate 1000: one event per new group (100)"
else
	fail "$T: event rate 1000: ${ev:-none} events for 100 new groups"
fi
read -r ev secs <<<"$(events 5 300)"
if [ "${ev:-0}" -ge 5 ] && [ "${ev:-0}" -le $(( 5 + 5 * secs )) ]; then
	pass "$T: event rate 5: $ev events for 300 groups in ${secs}s"
else
	fail "$T: event rate 5: ${ev:-none} events in ${secs}s, want 5..$(( 5 + 5 * secs ))"
fi
read -r ev secs <<<"$(events 0 50)"
if [ "${ev:-x}" = 0 ]; then
	pass "$T: event rate 0: no events"
else
	fail "$T: event rate 0: ${ev:-none} events"
fi
expect "c1: event rate back" 0 ivt c1 config set event-rate 10
jcheck "c1: config as before" "$(ivt c1 -j config show)" ". == $BEFORE"

# --- a LAN interface that goes away leaves the LAN list ----------------------
# (deleted, or moved to another namespace); the rest of the config stays.
ip -n c2 link add name lanx type dummy
ip -n c2 link add name lany type dummy
expect "c2: three LANs" 0 ivt c2 config set lan lan0:22 lan lanx:23 lan lany:24
ip -n c2 link del lanx
ip -n c2 link set lany netns c3
lans_left() {
	ivt c2 -j config show | jq -e '[.lans[].vpn] == [22]' >/dev/null
}
i=0
while ! lans_left && [ $((i++)) -lt 50 ]; do
	sleep 0.1
done
jcheck "c2: deleted and moved LANs dropped" "$(ivt c2 -j config show)" \
	"$C2"
text=$(ivt c2 config show)
# shellcheck disable=SC2086
expect "c2: config show | config set after the deletion" 0 ivt c2 config set $text

# --- a configured namespace with sites and routes goes away --------------------
expect "c3: config" 0 ivt c3 config set site-id 3 lan dummy0:1
expect "c3: site" 0 ivt c3 site add 4 addr 192.0.2.4
expect "c3: site 5" 0 ivt c3 site add 5 addr 2001:db8::5
expect "c3: route" 0 ivt c3 route add vpn 1 group 239.1.1.1 origin 3 via 4 \
	via 5
expect "c3: relay route" 0 ivt c3 route add vpn 1 group ff0e::1 origin 4 \
	via 5 deliver-local
if ip netns del c3; then
	pass "$T: delete configured namespace"
else
	fail "$T: delete configured namespace"
fi
jcheck "c1: alive after c3 went" "$(ivt c1 -j config show)" ". == $BEFORE"

# --- unload with configured namespaces alive -----------------------------------
expect "c2: site before unload" 0 ivt c2 site add 7 addr 192.0.2.7
expect "c2: route before unload" 0 ivt c2 route add vpn 22 \
	group 239.2.2.2 origin 2 via 7
if rmmod ivgmp; then
	pass "$T: rmmod with namespaces alive"
else
	fail "$T: rmmod with namespaces alive"
fi
if lsmod | grep -q '^ivgmp '; then
	fail "$T: module still loaded"
else
	pass "$T: module gone"
fi
if ivt c1 config show >/dev/null; then
	fail "$T: family still answers after rmmod"
else
	pass "$T: family gone after rmmod"
fi

# A reload starts from defaults: nothing outlives the module.
load_ivgmp || fail "$T: second insmod"
jcheck "c1: defaults after reload" "$(ivt c1 -j config show)" "$DEFAULTS"
jcheck "c2: no sites after reload" "$(ivt c2 -j site show)" '. == []'
ip netns del c2 && pass "$T: delete namespace after reload"
rmmod ivgmp && pass "$T: second rmmod"

exit "$FAILED"
