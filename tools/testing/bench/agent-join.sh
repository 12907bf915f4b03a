#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench: vm
# bench: estimate
# vm-timeout: 2400
# Join latency of the whole system: IGMP report at the receiving site to the
# first packet delivered there, p50 and p99 over BENCH_JOINS (100) joins,
# four sites with ESP, in the QEMU guest (tests/vm/50-agent-system.sh does
# the work; one row per join as it is measured, then the P7 goal row).
for a in "$@"; do
	case $a in BENCH_[A-Z_]*=*) export "${a?}" ;; esac
done
JOINS=${BENCH_JOINS:-100}
if [ "${1:-}" = --estimate ]; then	# on the host
	# set-up ~60 s; a join, its second of traffic and the leave ~6 s
	echo $((60 + JOINS * 6))
	exit 0
fi
exec bash "$IVGMP_TOP/tests/vm/50-agent-system.sh" ipsec bench "$JOINS"
