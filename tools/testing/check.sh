#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite, as `make check` and CI run it:
#
#   tools/testing/check.sh [kbuild|unit|kunit|fuzz|vm|debugk|host|all]...
#                                                         (default: all)
#
# Builds everything (make all), then runs the chosen layers in this order:
#   kbuild tools/testing/kbuild.sh: kmod/ built with W=1 and sparse (C=1)
#          without a warning, checkpatch --strict clean
#   unit   `make -C D check-unit` for each of lib tools agent vnoc with a Makefile
#   kunit  tools/testing/kunit/run.sh (kmod/*_test.c under UML)
#   fuzz   every libFuzzer harness (tests/fuzz/targets) for
#          $IVGMP_FUZZ_CHECK_TIME seconds (10) through tools/testing/fuzz/run.sh
#   vm     every tests/vm/[0-9]*.sh through tools/testing/vm/run.sh, one by one
#          (IVGMP_VM_TESTS='1*' runs only tests/vm/1*.sh)
#   debugk the debug kernel (tools/testing/debugk/build.sh; cached, about
#          half an hour when the cache is empty), then the scenarios named in
#          $IVGMP_DEBUGK_TESTS on it (IVGMP_KERNEL=debug: KASAN, kmemleak,
#          lockdep, refcount trackers, panic_on_warn); only when named
#   host   every tests/<component>/run.sh (host integration tests, loopback
#          only; tests/vm, tests/kunit and tests/unit are not host tests)
# Each step's output streams to stdout and to a log in $CACHE/logs/. Results
# are the `PASS: ` / `FAIL: ` lines the steps print. A step that exits non-zero
# without printing a FAIL line counts as one more FAIL named after the step,
# so a crash never looks like success. The last line is always
# `N passed, M failed`; the exit status is 1 if M > 0 or N == 0.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${IVGMP_CACHE:-/var/cache/ivgmp}
STEP_TIMEOUT=${IVGMP_STEP_TIMEOUT:-1800}
cd "$TOP" || exit 1

layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=(all)
for l in "${layers[@]}"; do
	case $l in
	kbuild|unit|kunit|fuzz|vm|debugk|host|all) ;;
	*) echo "usage: $0 [kbuild|unit|kunit|fuzz|vm|debugk|host|all]..." >&2; exit 2 ;;
	esac
done
[[ " ${layers[*]} " == *" all "* ]] && layers=(kbuild unit kunit fuzz vm host)
# The debug kernel's share of the CI budget (Documentation/testing.md).
DEBUGK_TESTS=${IVGMP_DEBUGK_TESTS:-11-netlink-tables 20-dp-star 21-dp-relay 23-dp-ipsec 25-dp-unload 50-agent-system 60-nlfuzz}

logdir=$CACHE/logs
if ! mkdir -p "$logdir" 2>/dev/null || ! [ -w "$logdir" ]; then
	logdir=$TOP/build
	mkdir -p "$logdir" || exit 1
fi
LOG=$logdir/check-$(date +%Y%m%d-%H%M%S).log
: >"$LOG"

npass=0
nfail=0
nskip=0
failed=()
out=$(mktemp)
trap 'rm -f "$out"' EXIT

say() { echo "$*" | tee -a "$LOG"; }

# step NAME CMD...: run CMD, stream and log its output, count its results.
step() {
	local name=$1 rc t0 p f s line
	shift
	t0=$SECONDS
	say "=== $name${progress:+ $progress}"
	timeout -k 30 "$STEP_TIMEOUT" "$@" </dev/null 2>&1 | tee -a "$LOG" | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS:' "$out")
	f=$(grep -c '^FAIL:' "$out")
	s=$(grep -c '^SKIP:' "$out")
	while IFS= read -r line; do
		failed+=("${line#FAIL: }")
	done < <(grep '^FAIL:' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			line="$name: timeout after ${STEP_TIMEOUT}s"
		else
			line="$name: exit status $rc"
		fi
		say "FAIL: $line"
		failed+=("$line")
		f=1
	fi
	npass=$((npass + p))
	nfail=$((nfail + f))
	nskip=$((nskip + s))
	say "--- $name: $p passed, $f failed, $s skipped, $((SECONDS - t0))s"
}

# The plan first, so that each step can say where the run is:
# "=== vm/20-dp-star [7/31, vm 3/12; so far 250 passed, 0 failed]".
plan=()		# "layer<TAB>name<TAB>what" per step
for layer in "${layers[@]}"; do
	case $layer in
	kbuild)
		plan+=("kbuild	kbuild	-")
		;;
	unit)
		for d in lib tools agent vnoc; do
			[ -f "$d/Makefile" ] && plan+=("unit	unit/$d	$d")
		done
		;;
	kunit)
		plan+=("kunit	kunit	-")
		;;
	fuzz)
		plan+=("fuzz	fuzz	-")
		;;
	debugk)
		plan+=("debugk	debugk/build	-")
		for t in $DEBUGK_TESTS; do
			plan+=("debugk	debugk/$t	tests/vm/$t.sh")
		done
		;;
	vm)
		# IVGMP_VM_TESTS='2*' narrows the layer to matching scenarios.
		# shellcheck disable=SC2231 # the pattern is meant to glob
		for t in tests/vm/${IVGMP_VM_TESTS:-[0-9]*}.sh; do
			[ -f "$t" ] && plan+=("vm	vm/$(basename "$t" .sh)	$t")
		done
		;;
	host)
		for t in tests/*/run.sh; do
			[ -f "$t" ] || continue
			d=$(basename "$(dirname "$t")")
			case $d in vm|kunit|unit) continue ;; esac
			plan+=("host	host/$d	$t")
		done
		;;
	esac
done
declare -A in_layer=()
for p in "${plan[@]}"; do
	l=${p%%	*}
	in_layer[$l]=$((${in_layer[$l]:-0} + 1))
done

say "check: layers ${layers[*]}; ${#plan[@]} steps after the build; log $LOG"
progress=
step build make -C "$TOP" -j2 all

i=0
declare -A done_in=()
for p in "${plan[@]}"; do
	IFS='	' read -r layer name what <<<"$p"
	i=$((i + 1))
	done_in[$layer]=$((${done_in[$layer]:-0} + 1))
	progress="[$i/${#plan[@]}, $layer ${done_in[$layer]}/${in_layer[$layer]};"
	progress+=" so far $npass passed, $nfail failed]"
	case $layer in
	kbuild)	step "$name" bash tools/testing/kbuild.sh ;;
	unit)	step "$name" make -s -C "$TOP/$what" check-unit ;;
	kunit)	step "$name" bash tools/testing/kunit/run.sh ;;
	fuzz)	step "$name" bash tools/testing/fuzz/run.sh \
			--time "${IVGMP_FUZZ_CHECK_TIME:-10}" ;;
	vm)	step "$name" bash tools/testing/vm/run.sh "$what" ;;
	debugk)
		# A cold build takes longer than a step may; scenarios run
		# about three times slower on the debug kernel.
		if [ "$what" = - ]; then
			STEP_TIMEOUT=${IVGMP_DEBUGK_BUILD_TIMEOUT:-5400} \
				step "$name" bash tools/testing/debugk/build.sh
		else
			STEP_TIMEOUT=$((STEP_TIMEOUT * 3)) \
				step "$name" env IVGMP_KERNEL=debug \
				bash tools/testing/vm/run.sh "$what"
		fi
		;;
	host)	step "$name" bash "$what" ;;
	esac
done

if [ ${#failed[@]} -gt 0 ]; then
	say "Failed:"
	for line in "${failed[@]}"; do
		say "  $line"
	done
fi
[ "$nskip" -eq 0 ] || say "($nskip skipped)"
say "log: $LOG ($((SECONDS / 60)) min $((SECONDS % 60)) s)"
say "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ] && [ "$npass" -gt 0 ]
