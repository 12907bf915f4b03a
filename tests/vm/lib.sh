# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Helpers for VM scenarios (tests/vm/NN-name.sh), run in the guest by
# tools/testing/vm/run.sh. Source it first thing:
#
#	. "$IVGMP_TOP/tests/vm/lib.sh"
#
# Results: one line per case on stdout, `PASS: <name>` or `FAIL: <name>: why`.
# Names are printed as given; start them with the scenario's name ("10-config:
# ...") so they stay unique across the suite. Any fail sets FAILED=1, and at
# exit the status becomes non-zero if anything failed, so `exit "$FAILED"` and
# plain falling off the end both work.
#
# Cleanup: netns_add, load_ivgmp and bg register what they create; it is undone
# at exit (background jobs killed, namespaces deleted, module unloaded) so the
# rig's dmesg scan sees the teardown. A scenario that sets its own EXIT trap
# must call lib_cleanup from it.
#
# Pitfall: ip abbreviates keywords (`ip link add a type veth` reads `a` as
# "address"), so always write `ip link add name X ...`, as the helpers do.

IVGMP_TOP=${IVGMP_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
IVGMP_KO=${IVGMP_KO:-$IVGMP_TOP/kmod/ivgmp.ko}
IVGMP_OUT=${IVGMP_OUT:-/tmp/ivgmp-out}
IVGMP_TEST=${IVGMP_TEST:-$(basename "$0" .sh)}
mkdir -p "$IVGMP_OUT"
# The repo's own programs come first.
PATH=$IVGMP_TOP/tools/ivgmptool:$IVGMP_TOP/agent:$IVGMP_TOP/vnoc:$PATH
FAILED=0

_lib_netns=()
_lib_pids=()
_lib_loaded=0
_lib_log=$(mktemp)

# pass NAME; fail NAME [WHY...]; skip NAME [WHY...]
pass() { echo "PASS: $*"; }
fail() {
	local name=$1
	shift
	echo "FAIL: $name${1:+: $*}"
	FAILED=1
}
skip() {
	local name=$1
	shift
	echo "SKIP: $name${1:+: $*}"
}

# check NAME CMD...: PASS if CMD exits 0; else FAIL with its output's tail.
# CMD runs in this shell (not a subshell), so helpers it calls can register
# what they create for cleanup.
check() {
	local name=$1 rc=0
	shift
	"$@" >"$_lib_log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		pass "$name"
	else
		fail "$name" "exit $rc: $(tail -c 300 "$_lib_log" | tr '\n' ' ')"
	fi
}

# check_fails NAME CMD...: PASS if CMD exits non-zero (an expected refusal).
check_fails() {
	local name=$1
	shift
	if "$@" >"$_lib_log" 2>&1; then
		fail "$name" "succeeded but should have failed: $(tail -c 300 "$_lib_log" | tr '\n' ' ')"
	else
		pass "$name"
	fi
}

# check_eq NAME GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "got '$2', want '$3'"
	fi
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 on timeout.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# netns_add NS...: new namespaces with lo up, deleted at exit.
netns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || return 1
		_lib_netns+=("$ns")
		ip -n "$ns" link set lo up || return 1
	done
}

# veth_add NS1 IF1 NS2 IF2: a veth pair from NS1/IF1 to NS2/IF2, both up.
veth_add() {
	modprobe veth 2>/dev/null
	ip -n "$1" link add name "$2" type veth peer name "$4" netns "$3" &&
		ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# addr_add NS IF ADDR/LEN...: add addresses (IPv6 ones without DAD delay).
addr_add() {
	local ns=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		case $a in
		*:*) ip -n "$ns" addr add "$a" dev "$dev" nodad || return 1 ;;
		*) ip -n "$ns" addr add "$a" dev "$dev" || return 1 ;;
		esac
	done
}

# bg NAME CMD...: start CMD in the background, output in $IVGMP_OUT/NAME.log;
# its pid is in $BG_PID and it is killed at exit. Bash makes background jobs
# of a script ignore SIGINT and SIGQUIT; a program started by bg gets them
# back (env --default-signal), so `kill -INT $BG_PID` works. A shell function
# cannot be given that back: stop those with SIGTERM.
bg() {
	local name=$1
	shift
	if declare -F "$1" >/dev/null; then
		"$@" >"$IVGMP_OUT/$name.log" 2>&1 &
	else
		env --default-signal=INT,QUIT "$@" >"$IVGMP_OUT/$name.log" 2>&1 &
	fi
	BG_PID=$!
	_lib_pids+=("$BG_PID")
}

# load_ivgmp [PARAM=VALUE...]: insmod $IVGMP_KO. insmod does not resolve
# dependencies, so load the module's declared ones from Debian's tree first.
load_ivgmp() {
	local deps
	[ -f "$IVGMP_KO" ] || { echo "load_ivgmp: no $IVGMP_KO (run make)" >&2; return 1; }
	deps=$(modinfo -F depends "$IVGMP_KO" | tr ',' ' ')
	# shellcheck disable=SC2086
	[ -z "$deps" ] || modprobe -a $deps || return 1
	insmod "$IVGMP_KO" "$@" || return 1
	_lib_loaded=1
}

# unload_ivgmp: rmmod ivgmp.
unload_ivgmp() {
	rmmod ivgmp && _lib_loaded=0
}

lib_cleanup() {
	local i
	for i in "${_lib_pids[@]}"; do
		kill "$i" 2>/dev/null || true
	done
	for i in "${_lib_pids[@]}"; do
		{ wait "$i"; } 2>/dev/null || true
	done
	_lib_pids=()
	for ((i = ${#_lib_netns[@]} - 1; i >= 0; i--)); do
		ip netns del "${_lib_netns[i]}" 2>/dev/null || true
	done
	_lib_netns=()
	if [ "$_lib_loaded" = 1 ] && [ -d /sys/module/ivgmp ]; then
		rmmod ivgmp || fail "$IVGMP_TEST: rmmod ivgmp at exit"
	fi
	_lib_loaded=0
}

_lib_exit() {
	local rc=$?
	set +e
	lib_cleanup
	rm -f "$_lib_log"
	[ "$rc" -ne 0 ] || rc=$FAILED
	exit "$rc"
}
trap _lib_exit EXIT
