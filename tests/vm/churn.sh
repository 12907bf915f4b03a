#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Churn: module unload/load and namespace create/destroy while traffic
# flows, many times over; not part of `make check` (see `make churn`).
#
#   churn.sh [ROUNDS]      (default 20)
#
# Two sites A and B (topo.sh); hA sends 239.7.7.7 without pause. Each
# round: configure both edges, route A -> B, make a namespace xN with its
# own config (tunnel socket), sites and routes, check that B delivers,
# delete xN, and rmmod/insmod the module with the traffic still flowing.
# At the end every namespace must be gone (exactly, on the debug kernel)
# and the rig checks dmesg and kmemleak.
# vm-timeout: 7200
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
TOPO_SITES="A B"
. "$IVGMP_TOP/tests/vm/topo.sh"
T=churn
G=239.7.7.7
rounds=${1:-20}

netns_exact=0
f=/sys/kernel/slab/net_namespace/alloc_calls
[ -r "$f" ] && ! grep -q 'No data' "$f" && netns_exact=1
netns_objs() {
	if [ "$netns_exact" = 1 ]; then
		awk '{ n += $1 } END { print n + 0 }' "$f"
		return
	fi
	echo 1 >/sys/kernel/slab/net_namespace/shrink 2>/dev/null
	awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo 2>/dev/null
}
cleanup() {
	topo_cleanup
	for n in $(ip netns list | awk '/^x[0-9]/ { print $1 }'); do
		ip netns del "$n"
	done
	lib_cleanup
}
trap cleanup EXIT
before=$(netns_objs)

topo_load || { fail "$T: load"; exit 1; }
_lib_loaded=1
topo_build
ip netns exec hA $PY "$MCAST" send $G "$TOPO_RECV_PORT" eth0 100000000 \
	--interval 0.002 >/dev/null 2>&1 &
TOPO_PIDS="${TOPO_PIDS:-} $!"

bad=0
t0=$SECONDS
for r in $(seq "$rounds"); do
	why=
	if ! topo_config 4 off >/dev/null 2>&1 ||
	   ! ivt A route add vpn 1 group $G origin 1 via 2 >/dev/null ||
	   ! ivt B route add vpn 1 group $G origin 1 deliver-local >/dev/null; then
		why="configure"
	fi
	x=x$r
	ip netns add "$x"
	ip -n "$x" link set lo up
	ip link add name "v$x" type veth peer name eth0 netns "$x"
	ip -n "$x" link set eth0 up
	if [ -z "$why" ] && ! { ip netns exec "$x" "$IVT" config set site-id 7 \
			port 7654 lan eth0:1 &&
		ip netns exec "$x" "$IVT" site add 8 addr 192.0.2.8 &&
		ip netns exec "$x" "$IVT" route add vpn 1 group $G origin 7 via 8 &&
		ip netns exec "$x" "$IVT" route add vpn 1 group 239.8.8.8 origin 8 deliver-local
	} >/dev/null 2>&1; then
		why="configure $x"
	fi
	d0=$(topo_stat B delivered 2>/dev/null)
	for _ in $(seq 50); do
		d1=$(topo_stat B delivered 2>/dev/null)
		[ "${d1:-0}" -gt "${d0:-0}" ] && break
		sleep 0.1
	done
	[ -n "$why" ] || [ "${d1:-0}" -gt "${d0:-0}" ] || why="B delivered nothing"
	ip link del "v$x" 2>/dev/null
	ip netns del "$x"
	rmmod ivgmp || why="${why:+$why, }rmmod under traffic"
	insmod "$IVGMP_KO" || why="${why:+$why, }insmod"
	if [ -n "$why" ]; then
		fail "$T: round $r: $why"
		bad=$((bad + 1))
		[ "$bad" -lt 5 ] || break
	fi
	[ $((r % 10)) != 0 ] || echo "churn: $r rounds, $((SECONDS - t0)) s"
done
check_eq "$T: $rounds rounds of reload and namespace churn under traffic" "$bad" 0
echo "churn: $r rounds in $((SECONDS - t0)) s"

topo_cleanup
rmmod ivgmp && _lib_loaded=0
slack=1
for _ in $(seq 300); do
	now=$(netns_objs)
	[ "$netns_exact" = 0 ] || slack=0
	[ -z "$before" ] || [ "${now:-0}" -le $((before + slack)) ] && break
	sleep 1
done
if [ -n "$before" ]; then
	check "$T: every namespace freed ($now live, $before before, exact=$netns_exact)" \
		test "${now:-0}" -le $((before + slack))
	[ "$netns_exact" = 0 ] ||
		cp /sys/kernel/slab/net_namespace/alloc_calls "$IVGMP_OUT/netns-alloc-calls.txt"
fi
