#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One command-line style for every IVGMP program (ivgmp-agent, ivgmp-vnoc,
# ivgmp-vnocctl, ivgmptool, ivgmp-announce), checked on the built binaries:
# -h/--help (usage on stdout, exit 0), --version ("PROG VERSION"), a bad
# option (usage on stderr, exit 2); in both daemons -f/--config FILE with
# -n/--check, -c as the VNOC's alias of -f, -d = stay in the foreground,
# and both key styles ('_' documented, '-' accepted) in both files.
# Host only; the daemons run in a network namespace of their own.
# Prints PASS:/FAIL: lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
T=cli
fails=0
pass() { echo "PASS: $T: $1"; }
fail() { echo "FAIL: $T: $1${2:+ ($2)}"; fails=$((fails + 1)); }

AGENT=$top/agent/ivgmp-agent
VNOC=$top/vnoc/ivgmp-vnoc
declare -A BIN=(
	[ivgmp-agent]=$AGENT
	[ivgmp-vnoc]=$VNOC
	[ivgmp-vnocctl]=$top/vnoc/ivgmp-vnocctl
	[ivgmptool]=$top/tools/ivgmptool/ivgmptool
	[ivgmp-announce]=$top/tools/ivgmp-announce/ivgmp-announce
)
version=$(cat "$top/VERSION")
W=$(mktemp -d /tmp/ivgmp-cli-test.XXXXXX)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

for prog in "${!BIN[@]}"; do
	b=${BIN[$prog]}
	[ -x "$b" ] || { fail "$prog built" "$b"; continue; }
	for h in -h --help; do
		"$b" $h >"$W/out" 2>"$W/err"
		rc=$?
		if [ $rc = 0 ] && grep -q "^usage: $prog" "$W/out" && [ ! -s "$W/err" ]; then
			pass "$prog $h: usage on stdout, exit 0"
		else
			fail "$prog $h: usage on stdout, exit 0" "exit $rc"
		fi
	done
	"$b" --version >"$W/out" 2>"$W/err"
	rc=$?
	if [ $rc = 0 ] && grep -q "^$prog $version\b" "$W/out"; then
		pass "$prog --version: $prog $version"
	else
		fail "$prog --version" "exit $rc: $(head -c 100 "$W/out")"
	fi
	"$b" --no-such-option >"$W/out" 2>"$W/err"
	rc=$?
	if [ $rc = 2 ] && grep -q "usage: $prog" "$W/err" && [ ! -s "$W/out" ]; then
		pass "$prog bad option: usage on stderr, exit 2"
	else
		fail "$prog bad option: usage on stderr, exit 2" "exit $rc"
	fi
done

# ---- configuration files: -f/--config, -n/--check, both key styles
cat >"$W/agent.conf" <<CONF
[site]
lan = lo
[membership]
max_groups = 100
[vnoc]
url = https://127.0.0.1:1/
cert = $W/x.crt
key = $W/x.key
ca = $W/ca.crt
poll-wait = 5
[usage]
spool = $W/spool
[paths]
control = $W/agent.sock
pidfile = $W/agent.pid
CONF
check_ok() {	# NAME CMD...: exit 0
	local name=$1
	shift
	if "$@" >"$W/out" 2>&1; then
		pass "$name"
	else
		fail "$name" "exit $?: $(head -c 200 "$W/out" | tr '\n' ' ')"
	fi
}
check_err() {	# NAME PATTERN CMD...: exit 1, PATTERN in the output
	local name=$1 pat=$2 rc
	shift 2
	"$@" >"$W/out" 2>&1
	rc=$?
	if [ $rc = 1 ] && grep -q -- "$pat" "$W/out"; then
		pass "$name"
	else
		fail "$name" "exit $rc: $(head -c 200 "$W/out" | tr '\n' ' ')"
	fi
}
check_ok "agent -n -f FILE (keys with _ and -)" "$AGENT" -n -f "$W/agent.conf"
check_ok "agent --check --config FILE" "$AGENT" --check --config "$W/agent.conf"
sed 's/^max_groups = 100/max-groups = 100\nmax_groups = 5/' "$W/agent.conf" \
	>"$W/agent2.conf"
check_err "agent: one key in both styles is given twice" "given twice" \
	"$AGENT" -n -f "$W/agent2.conf"
check_err "agent -f missing file" "$W/none" "$AGENT" -n -f "$W/none"

cat >"$W/vnoc.conf" <<CONF
listen = 127.0.0.1
plain_http = yes
database = $W/vnoc.db
max-connections = 10
idle_timeout = 5
CONF
check_ok "vnoc -n -f FILE (keys with _ and -)" "$VNOC" -n -f "$W/vnoc.conf"
check_ok "vnoc -n -c FILE (-c is -f)" "$VNOC" -n -c "$W/vnoc.conf"
check_ok "vnoc --check --config FILE" "$VNOC" --check --config "$W/vnoc.conf"
printf 'max_connections = 11\n' >>"$W/vnoc.conf"
check_err "vnoc: one key in both styles is given twice" "given twice" \
	"$VNOC" -n -f "$W/vnoc.conf"
sed -i '$d' "$W/vnoc.conf"
check_err "vnoc -f missing file" "$W/none" "$VNOC" -n -f "$W/none"
# the example files name only keys the daemons know, with valid values
check_ok "agent -n -f agent/agent.conf.example" "$AGENT" -n -f "$top/agent/agent.conf.example"
check_ok "vnoc -n -f vnoc/vnoc.conf.example" "$VNOC" -n -f "$top/vnoc/vnoc.conf.example" \
	-H -l 127.0.0.1 -D "$W/example.db"

# ---- -d: both daemons stay in the foreground (the pid in the pidfile is
# the one we started), and without -d they detach (the command returns)
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
	echo "SKIP: $T: -d foreground (needs root for a network namespace)"
else
	# pidfile_is NAME FILE PID: FILE appears and holds PID
	pidfile_is() {
		for _ in $(seq 100); do
			[ -s "$2" ] && break
			sleep 0.05
		done
		if [ -s "$2" ] && [ "$(cat "$2")" = "$3" ]; then
			pass "$1"
		else
			fail "$1" "pidfile $(cat "$2" 2>/dev/null), started $3"
		fi
	}
	unshare -n "$AGENT" -d -K -f "$W/agent.conf" 2>"$W/agent.log" &
	pids+=($!)
	pidfile_is "agent -d stays in the foreground" "$W/agent.pid" $!
	unshare -n "$VNOC" -d -f "$W/vnoc.conf" -P "$W/vnoc.pid" -p 8443 \
		2>"$W/vnoc.log" &
	pids+=($!)
	pidfile_is "vnoc -d stays in the foreground" "$W/vnoc.pid" $!
	kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	pids=()

	rm -f "$W/agent.pid"
	if timeout 10 unshare -n "$AGENT" -K -f "$W/agent.conf" 2>"$W/agent.log"; then
		for _ in $(seq 100); do
			[ -s "$W/agent.pid" ] && break
			sleep 0.05
		done
		if [ -s "$W/agent.pid" ]; then
			pass "agent without -d detaches"
			kill "$(cat "$W/agent.pid")"	# the daemon we started
		else
			fail "agent without -d detaches" "no pidfile"
		fi
	else
		fail "agent without -d detaches" "exit $?"
	fi
fi

[ $fails -eq 0 ]
