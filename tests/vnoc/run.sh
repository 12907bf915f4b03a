#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the VNOC integration tests on 127.0.0.1 with a throwaway CA.
# Prints PASS:/FAIL: lines; exits non-zero on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/pki.sh"

make -s -C "$top/vnoc" all asan >/dev/null || { echo "FAIL: vnoc/build"; exit 1; }

work=$(mktemp -d /tmp/ivgmp-vnoc-test.XXXXXX)
# a daemon a failed test could not stop is still ours: stop it by its pidfile
trap '[ -s "$work/daemon.pid" ] && kill "$(cat "$work/daemon.pid")" 2>/dev/null
	rm -rf "$work"' EXIT
mkdir -p "$work/pki"
pki=$work/pki
pki_ca "$pki" ca && pki_ca "$pki" evilca &&
	pki_cert "$pki" localhost && pki_cert "$pki" admin &&
	pki_many "$pki" site 5 && pki_cert "$pki" stranger &&
	pki_cert "$pki" evil1 evilca &&
	pki_raw_cert "$pki" twocn admin stranger &&
	pki_raw_cert "$pki" nulcn 'admin\x00.example' ||
	{ echo "FAIL: vnoc/pki"; exit 1; }

IVGMP_TOP=$top VNOC_PKI=$pki VNOC_WORK=$work \
	VNOC_PORT=${VNOC_PORT:-$((20000 + $$ % 20000))} \
	/usr/bin/python3 "$here/test_vnoc.py"
rc=$?
# hostile input: malformed and strict-parsing cases, fault codes, fuzz
IVGMP_TOP=$top VNOC_PKI=$pki VNOC_WORK=$work \
	VNOC_PORT=${VNOC_PORT:-$((20000 + $$ % 20000))} \
	/usr/bin/python3 "$here/test_hostile.py" || rc=1
if [ $rc -ne 0 ] && [ -f "$work/vnoc.log" ]; then
	echo "# server log (last 30 lines):"
	tail -30 "$work/vnoc.log" | sed 's/^/# /'
fi
exit $rc
