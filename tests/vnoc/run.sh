#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs the VNOC integration tests on 127.0.0.1 with a throwaway CA.
# Prints PASS:/FAIL: lines; exits non-zero on any failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/pki.sh"

make -s -C "$top/vnoc" all asan >/dev/null || { echo "FAIL: vnoc/build"; exit 1; }

# a site name made to break out of HTML text and attributes (test_web.py)
hostile='<img src=x onerror=alert(1)>"'"'"'&amp;<script>x</script>'
# VNOC_TESTS=web: only the operator page's test
only=${VNOC_TESTS:-all}

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
	pki_raw_cert "$pki" nulcn 'admin\x00.example' &&
	pki_raw_cert "$pki" hostile "$hostile" ||
	{ echo "FAIL: vnoc/pki"; exit 1; }

port=${VNOC_PORT:-$((20000 + $$ % 20000))}
rc=0
if [ "$only" = all ]; then
	IVGMP_TOP=$top VNOC_PKI=$pki VNOC_WORK=$work VNOC_PORT=$port \
		/usr/bin/python3 "$here/test_vnoc.py" || rc=1
	# hostile input: malformed and strict-parsing cases, fault codes, fuzz
	IVGMP_TOP=$top VNOC_PKI=$pki VNOC_WORK=$work VNOC_PORT=$port \
		/usr/bin/python3 "$here/test_hostile.py" || rc=1
	if [ $rc -ne 0 ] && [ -f "$work/vnoc.log" ]; then
		echo "# server log (last 30 lines):"
		tail -30 "$work/vnoc.log" | sed 's/^/# /'
	fi
fi
# the operator page in headless Chromium, on ports of its own
IVGMP_TOP=$top VNOC_PKI=$pki VNOC_WORK=$work VNOC_HOSTILE_CN=$hostile \
	VNOC_WEB_TEST_PORT=$((port + 100)) \
	/usr/bin/python3 "$here/test_web.py" || {
	rc=1
	echo "# server log (last 30 lines):"
	tail -30 "$work/web.log" 2>/dev/null | sed 's/^/# /'
}
exit $rc
