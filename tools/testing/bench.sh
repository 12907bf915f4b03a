#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: runs every tools/testing/bench/*.sh and prints its tables.
# A bench script with the line `# bench: vm` runs inside the QEMU guest via
# tools/testing/vm/run.sh (same environment as a VM scenario); any other
# runs on the host. Exits non-zero if any bench fails.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
rc=0 n=0
for b in "$TOP"/tools/testing/bench/*.sh; do
	[ -f "$b" ] || continue
	n=$((n + 1))
	echo "=== bench: $(basename "$b" .sh)"
	if grep -q '^# bench: vm' "$b"; then
		"$TOP/tools/testing/vm/run.sh" "$b" || rc=1
	else
		bash "$b" || rc=1
	fi
done
[ "$n" -gt 0 ] || echo "bench: no benchmarks in tools/testing/bench/"
exit "$rc"
