#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make bench-docs`: puts the results of a `make bench` run into the
# documentation, when asked (make bench itself never writes the tree):
#
#   tools/testing/bench-docs.sh [RESULTS]    default: $IVGMP_CACHE/bench/latest
#
#   Documentation/vnoc.md        the VNOC table, between <!-- BENCH START -->
#                                and <!-- BENCH END -->
#   Documentation/benchmarks.md  the replication and join tables, between
#                                <!-- RESULTS START --> and <!-- RESULTS END -->
#   Documentation/bench-*.svg    the plots (RESULTS/plots/*.svg)
#
# Review the diff before committing: the text around the tables says what
# they showed when it was written.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
R=${1:-${IVGMP_CACHE:-/var/cache/ivgmp}/bench/latest}
[ -d "$R" ] || { echo "bench-docs: no results directory $R (run make bench)" >&2; exit 1; }
R=$(cd "$R" && pwd -P)

# between FILE START END TEXTFILE: replaces what lies between the markers
between() {
	local f=$1 start=$2 end=$3 text=$4
	grep -q -- "$start" "$f" || { echo "bench-docs: no '$start' in $f" >&2; return 1; }
	awk -v s="$start" -v e="$end" -v t="$text" '
		index($0, s) { print; while ((getline l < t) > 0) print l; skip = 1; next }
		index($0, e) { skip = 0 }
		!skip { print }' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
	echo "bench-docs: $f"
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if [ -s "$R/vnoc-soap/vnoc.md" ]; then
	between "$TOP/Documentation/vnoc.md" '<!-- BENCH START -->' \
		'<!-- BENCH END -->' "$R/vnoc-soap/vnoc.md"
fi
{
	echo "Results of \`make bench\` ($(basename "$R")):"
	echo
	echo '```'
	cat "$R/run.txt" 2>/dev/null
	if [ -s "$R/ivgmp-vs-vxlan/table.txt" ]; then
		echo
		cat "$R/ivgmp-vs-vxlan/table.txt"
	fi
	if grep -q '^BENCH: join latency' "$R/agent-join.log" 2>/dev/null; then
		echo
		grep '^BENCH: \|^P7' "$R/agent-join.log"
	fi
	echo '```'
	for svg in "$R"/plots/*.svg; do
		[ -e "$svg" ] || continue
		echo
		echo "![$(basename "$svg" .svg)](bench-$(basename "$svg"))"
	done
} >"$tmp"
between "$TOP/Documentation/benchmarks.md" '<!-- RESULTS START -->' \
	'<!-- RESULTS END -->' "$tmp"
for svg in "$R"/plots/*.svg; do
	[ -e "$svg" ] || continue
	cp "$svg" "$TOP/Documentation/bench-$(basename "$svg")"
	echo "bench-docs: Documentation/bench-$(basename "$svg")"
done
