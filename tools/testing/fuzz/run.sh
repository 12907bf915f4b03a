#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the libFuzzer harnesses listed in tests/fuzz/targets.
#
#   tools/testing/fuzz/run.sh [--time SECONDS] [NAME...]
#
# Each harness (all, or the NAMEs given) is built (`make -C DIR BINARY`),
# then run for SECONDS (default $IVGMP_FUZZ_TIME, else 300) on its seeds
# (tests/fuzz/corpus/NAME/, read only) and its working corpus
# ($CACHE/fuzz/corpus/NAME/, kept between runs so that long runs build on
# each other). Prints per harness
#   PASS: fuzz/NAME: N execs in S s (C inputs in corpus)
#   FAIL: fuzz/NAME: crash, input saved as PATH        (and the report on stderr)
#   FAIL: fuzz/NAME: build failed
# then `fuzz: N execs in total`, and appends the counts to
# $CACHE/logs/fuzz.log. `make check` runs it with --time 10, `make fuzz` with
# the default. Runs niced: other work on the machine comes first.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
CACHE=${IVGMP_CACHE:-/var/cache/ivgmp}
secs=${IVGMP_FUZZ_TIME:-300}

usage() { echo "usage: $0 [--time SECONDS] [NAME...]" >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--time) [ $# -ge 2 ] || usage; secs=$2; shift 2 ;;
	--time=*) secs=${1#*=}; shift ;;
	-h|--help) sed -n '3,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	-*) usage ;;
	*) break ;;
	esac
done
[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || usage
want=" $* "

mkdir -p "$CACHE/fuzz/corpus" "$CACHE/fuzz/crashes" "$CACHE/logs" || exit 1
total=0
fails=0
ran=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

while read -r name dir bin maxlen opts; do
	case $name in ''|'#'*) continue ;; esac
	[ "$want" = "  " ] || [[ $want == *" $name "* ]] || continue
	ran=$((ran + 1))
	if ! nice -n 10 make -s -C "$TOP/$dir" "$bin" >"$log" 2>&1 &&
	   ! nice -n 10 make -s -C "$TOP/$dir" "$TOP/$dir/$bin" >>"$log" 2>&1; then
		cat "$log" >&2
		echo "FAIL: fuzz/$name: build failed"
		fails=$((fails + 1))
		continue
	fi
	seeds=$TOP/tests/fuzz/corpus/$name
	[ -d "$seeds" ] || seeds=$TOP/tests/fuzz/$name/corpus
	work=$CACHE/fuzz/corpus/$name
	mkdir -p "$work"
	dirs=("$work")
	[ -d "$seeds" ] && dirs+=("$seeds")
	t0=$SECONDS
	# shellcheck disable=SC2086 # opts is a list of options
	nice -n 10 "$TOP/$dir/$bin" -max_total_time="$secs" -max_len="$maxlen" \
		-timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$CACHE/fuzz/crashes/$name-" $opts "${dirs[@]}" \
		>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	execs=${execs:-0}
	total=$((total + execs))
	if [ "$rc" -ne 0 ]; then
		art=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -n1)
		grep -v '^#[0-9]' "$log" | tail -n 40 >&2
		echo "FAIL: fuzz/$name: crash (exit $rc) after $execs execs, input saved as ${art:-?}"
		fails=$((fails + 1))
	else
		echo "PASS: fuzz/$name: $execs execs in $((SECONDS - t0)) s ($(find "$work" -type f | wc -l) inputs in corpus)"
	fi
	echo "$(date -u +%FT%TZ) $name execs=$execs secs=$((SECONDS - t0)) rc=$rc load=$(cut -d' ' -f1 /proc/loadavg)" \
		>>"$CACHE/logs/fuzz.log"
done <"$TOP/tests/fuzz/targets"

[ "$ran" -gt 0 ] || { echo "FAIL: fuzz: no harness matches:$want"; exit 1; }
echo "fuzz: $total execs in total"
[ "$fails" -eq 0 ]
