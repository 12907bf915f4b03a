#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vnoc-soap.sh - ivgmp-vnoc benchmark on 127.0.0.1: JoinGroup/s over kept-alive
# mutual TLS with N sites, and the time to push one change to N parked long
# polls. Runs with the default sync=full and with sync=normal. Prints the
# numbers; with IVGMP_OUT set, also writes the table to $IVGMP_OUT/vnoc.md
# (`make bench-docs` puts it into Documentation/vnoc.md between the BENCH
# markers; nothing here writes into the repository).
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
# The VNOC, and the load generator vnoc-bench.c beside this script.
make -s -C "$top/vnoc" all vnoc-bench
. "$top/tests/vnoc/pki.sh"

NSITES=${NSITES:-1000}
JOINS=${JOINS:-5}
THREADS=${THREADS:-64}
PORT=${PORT:-$((30000 + $$ % 20000))}

ulimit -n 16384
work=$(mktemp -d /tmp/ivgmp-vnoc-bench.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
pki_ca "$work" ca
pki_cert "$work" localhost
pki_cert "$work" admin

run() {
	local sync=$1 out=$work/out-$1
	rm -f "$work/db" "$work/db-wal" "$work/db-shm"
	cat > "$work/conf" <<CONF
listen = 127.0.0.1
port = $PORT
database = $work/db
sync = $sync
cert = $work/localhost.crt
key = $work/localhost.key
ca = $work/ca.crt
admin = admin
max_connections = $((NSITES + 200))
web_listen = 127.0.0.1:$((PORT + 1))
CONF
	"$top/vnoc/ivgmp-vnoc" -d -f "$work/conf" 2>"$work/log-$sync" &
	pid=$!
	for _ in $(seq 100); do
		(exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break
		sleep 0.05
	done
	"$top/build/vnoc/vnoc-bench" "https://127.0.0.1:$PORT/" "$work/ca.crt" \
		"$work/ca.key" "$work/admin.crt" "$work/admin.key" \
		"$NSITES" "$JOINS" "$THREADS" > "$out"
	# the operator page of what the run left: JOINS groups of NSITES
	# receivers, one of them with a sender (a star of NSITES edges); the
	# best of 3 fetches (the server holds its lock for most of it)
	for _ in 1 2 3; do
		curl -s -o "$work/page.html" -w '%{time_total} %{size_download}\n' \
			"http://127.0.0.1:$((PORT + 1))/"
	done | sort -n | awk 'NR == 1 { printf "page_seconds %s\npage_bytes %d\n", $1, $2 }' >> "$out"
	kill "$pid"
	wait "$pid" || true
	pid=
	sed "s/^/$sync: /" "$out"
}

run full
run normal

val() { awk -v k="$2" '$1 == k { print $2 }' "$work/out-$1"; }
cpu=$(nproc)
table=$(cat <<T
Measured $(date -u +%Y-%m-%d) on this machine ($cpu cores, shared), server and
load generator on 127.0.0.1, $NSITES sites, each with its own certificate and a
kept-alive TLS 1.3 connection (EC P-256), $THREADS requests in flight,
$JOINS joins per site to distinct groups (each join committed before its
reply; concurrent joins share a commit). Machine load average at the end: $(cut -d" " -f1 /proc/loadavg).

| sync (config) | JoinGroup/s | change pushed to $NSITES parked long polls | TLS handshakes/s |
|---|---|---|---|
| full (default) | $(val full joins_per_s) | $(val full fanout_seconds) s ($(val full fanout_woken) woken) | $(val full handshakes_per_s) |
| normal | $(val normal joins_per_s) | $(val normal fanout_seconds) s ($(val normal fanout_woken) woken) | $(val normal handshakes_per_s) |

Operator page (\`GET /\` on \`web_listen\`) after that run: $NSITES sites,
$JOINS groups of $NSITES receivers, one of them with a sender (a star of $NSITES
edges, listed, not drawn): $(val full page_bytes) bytes in $(val full page_seconds) s (best of 3, sync = full).
T
)
echo "$table"
if [ -n "${IVGMP_OUT:-}" ]; then
	mkdir -p "$IVGMP_OUT"
	echo "$table" >"$IVGMP_OUT/vnoc.md"
	echo "written to $IVGMP_OUT/vnoc.md"
fi
