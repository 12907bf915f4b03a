#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The netlink fuzzer (tools/testing/nlfuzz) against the module, then the
# module's reload: load, fuzz (hostile messages with every NEW read back,
# then writers against dumpers while namespaces come and go), rmmod with
# whatever state the fuzzer left, load again, fuzz briefly with the new
# family id, rmmod, and wait until every namespace the fuzzer made is gone.
# The rig adds the dmesg check (and, on the debug kernel, kmemleak).
#
#   60-nlfuzz.sh [MESSAGES [SECONDS [SEED]]]    (default 1500 10 random)
#
# `make fuzz` runs it long on the debug kernel; `make check` runs the
# default on both kernels.
# vm-timeout: 900
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
T=60-nlfuzz
NLFUZZ=$IVGMP_TOP/tools/testing/nlfuzz/nlfuzz
messages=${1:-1500}
seconds=${2:-10}
seed=${3:+--seed $3}

[ -x "$NLFUZZ" ] || { fail "$T: no $NLFUZZ (run make)"; exit 1; }

# Live network namespaces. On the debug kernel (slub_debug on every cache)
# alloc_calls lists exactly the live objects; elsewhere the slab's count
# may keep one freed object in a per-CPU slab (see 25-dp-unload).
exact=0
f=/sys/kernel/slab/net_namespace/alloc_calls
[ -r "$f" ] && ! grep -q 'No data' "$f" && exact=1
netns_objs() {
	if [ "$exact" = 1 ]; then
		awk '{ n += $1 } END { print n + 0 }' "$f"
		return
	fi
	echo 1 >/sys/kernel/slab/net_namespace/shrink 2>/dev/null
	awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo 2>/dev/null
}
before=$(netns_objs)

check "$T: load" load_ivgmp
# shellcheck disable=SC2086 # seed is an option and its value, or nothing
"$NLFUZZ" --messages "$messages" --seconds "$seconds" --netns 1 $seed \
	2>"$IVGMP_OUT/nlfuzz.err"
rc=$?
[ "$rc" = 0 ] || fail "$T: nlfuzz exit status $rc" "$(tail -n 3 "$IVGMP_OUT/nlfuzz.err")"
check "$T: rmmod with the fuzzed tables loaded" unload_ivgmp

check "$T: load again" load_ivgmp
"$NLFUZZ" --messages 200 --seconds 2 --netns 1 2>>"$IVGMP_OUT/nlfuzz.err" |
	sed 's/^\(PASS\|FAIL\): nlfuzz:/\1: nlfuzz (reloaded):/'
[ "${PIPESTATUS[0]}" = 0 ] || fail "$T: nlfuzz after the reload failed"
check "$T: rmmod after the reload" unload_ivgmp
check_fails "$T: module gone" test -d /sys/module/ivgmp

# The fuzzer's namespaces are freed by a workqueue after their last
# process exits; a reference the module kept would hold one for ever.
for _ in $(seq $((exact ? 180 : 1))); do
	now=$(netns_objs)
	[ -z "$before" ] || [ "${now:-0}" -le "$before" ] && break
	sleep 1
done
if [ "$exact" = 1 ]; then
	check "$T: no network namespace left behind ($now live, $before before)" \
		test "${now:-0}" -le "$before"
	cat /sys/kernel/slab/net_namespace/alloc_calls \
		>"$IVGMP_OUT/netns-alloc-calls.txt"
else
	# Seen here: 1 or 2 objects still counted 180 s on, with no leak
	# report; only the debug kernel's count is exact enough to fail on.
	skip "$T: namespaces freed" "count inexact without slub_debug" \
		"($now counted, $before before); exact on the debug kernel"
fi
