#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: runs every tools/testing/bench/*.sh (or those named in
# $BENCH, e.g. BENCH='ivgmp-vs-vxlan vnoc'), prints their rows as they are
# measured, keeps everything in a results directory, then draws the plots.
#
#   results: $IVGMP_OUT if set, else
#            $IVGMP_CACHE/bench/<UTC time>-<commit> (and .../bench/latest)
#   <results>/<bench>.log   the bench's output, as printed
#   <results>/<bench>/      what it wrote to $IVGMP_OUT (tables, raw data)
#   <results>/plots/*.svg   tools/testing/bench-plot.sh
#
# Nothing in the repository is written: `make bench-docs` copies the last
# results into Documentation/ when asked (tools/testing/bench-docs.sh).
#
# A bench script with the line `# bench: vm` runs inside the QEMU guest via
# tools/testing/vm/run.sh (same environment as a VM scenario, plus the
# host's BENCH_* variables as NAME=VALUE arguments); any other runs on the
# host. One with `# bench: estimate` prints its planned running
# time in seconds when called with --estimate (on the host, same
# environment); the guest's time limit then follows it (the 600 s default
# once cut a run short and lost its whole table). Exits non-zero if any
# bench fails.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${IVGMP_CACHE:-/var/cache/ivgmp}
if [ -n "${IVGMP_OUT:-}" ]; then
	OUT=$IVGMP_OUT
else
	rev=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo unknown)
	OUT=$CACHE/bench/$(date -u +%Y%m%dT%H%M%SZ)-$rev
fi
mkdir -p "$OUT" || exit 1
[ -n "${IVGMP_OUT:-}" ] || ln -sfn "$OUT" "$CACHE/bench/latest"
echo "bench: results in $OUT"
{
	echo "commit $(git -C "$TOP" rev-parse HEAD 2>/dev/null || echo unknown)"
	echo "date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "host $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/run.txt"

rc=0 n=0
make -s -C "$TOP/tools/testing/bench" || exit 1
for b in "$TOP"/tools/testing/bench/*.sh; do
	[ -f "$b" ] || continue
	name=$(basename "$b" .sh)
	case " ${BENCH:-$name} " in
	*" $name "*) ;;
	*) continue ;;
	esac
	n=$((n + 1))
	mkdir -p "$OUT/$name"
	echo "=== bench: $name ($(date -u +%H:%M:%S))"
	start=$SECONDS
	if grep -q '^# bench: vm' "$b"; then
		args=(--out "$OUT/$name")
		if grep -q '^# bench: estimate' "$b"; then
			est=$(IVGMP_TOP=$TOP bash "$b" --estimate) || est=
			if [[ $est =~ ^[0-9]+$ ]]; then
				# TCG on a shared host: room for a slow run, plus boot
				args+=(--timeout $((300 + 3 * est)))
				echo "bench: $name: planned ${est} s, guest limit $((300 + 3 * est)) s"
			fi
		fi
		# the guest sees only its arguments: BENCH_* settings go as
		# NAME=VALUE arguments
		mapfile -t settings < <(env | grep '^BENCH_[A-Z_]*=' || true)
		"$TOP/tools/testing/vm/run.sh" "${args[@]}" "$b" "${settings[@]}" |
			tee "$OUT/$name.log" || rc=1
	else
		IVGMP_OUT=$OUT/$name bash "$b" | tee "$OUT/$name.log" || rc=1
	fi
	echo "=== bench: $name: $((SECONDS - start)) s"
done
[ "$n" -gt 0 ] || echo "bench: no benchmarks matched in tools/testing/bench/"
if command -v gnuplot >/dev/null; then
	bash "$TOP/tools/testing/bench-plot.sh" "$OUT" || rc=1
else
	echo "bench: no gnuplot (package gnuplot-nox): no plots"
fi
echo "bench: results in $OUT (make bench-docs copies them into Documentation/)"
exit "$rc"
