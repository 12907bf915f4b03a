#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# KUnit rig: builds kmod/ into a UML kernel and runs its KUnit tests.
#
#   tools/testing/kunit/run.sh [KUNIT.PY RUN ARGS...]
#   e.g. tools/testing/kunit/run.sh                   all ivgmp suites
#        tools/testing/kunit/run.sh 'ivgmp-table.*'    one suite (filter glob)
#
# Prints `PASS: kunit: <suite>.<case>` / `FAIL: kunit: ...` per test case on
# stdout; kunit.py's own output (build errors, failed expectations) goes to
# stderr. Exits non-zero on any failure, including a build failure. If kmod/
# has no *_test.c yet, prints nothing and exits 0.
#
# How: linux-source-6.1 is unpacked once into $CACHE/linux-source/<version>;
# each run copies kmod/ into it as drivers/net/ivgmp (only changed files are
# rewritten, so make rebuilds only those), copies the uapi header, and runs
# kunit.py with tests/kunit/.kunitconfig and the build directory
# $CACHE/kunit-build. First build about 6 minutes on 2 idle cores; after that
# 30-60 s (make) plus a few seconds of tests.
# Runs are serialised with a lock, since the tree and build dir are shared.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
CACHE=${IVGMP_CACHE:-/var/cache/ivgmp}
BUILD=$CACHE/kunit-build
JOBS=${IVGMP_JOBS:-2}

case ${1:-} in
-h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
esac
compgen -G "$TOP/kmod/*_test.c" >/dev/null || exit 0

fail() { echo "FAIL: kunit: $*"; exit 1; }
log() { echo "kunit: $*" >&2; }

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	fail "rig: linux-source-6.1 not installed (run tools/testing/install-deps.sh)"
mkdir -p "$CACHE/linux-source" "$CACHE/logs"
exec 9>"$CACHE/kunit.lock"
flock -n 9 || { log "waiting for another KUnit run"; flock 9; }

src=$CACHE/linux-source/$ver/linux-source-6.1
if [ ! -d "$src" ]; then
	log "unpacking linux-source-$ver into $CACHE/linux-source/$ver"
	tmp=$CACHE/linux-source/.tmp-$ver
	rm -rf "$tmp" && mkdir -p "$tmp"
	tar xJf /usr/src/linux-source-6.1.tar.xz -C "$tmp" ||
		fail "rig: cannot unpack /usr/src/linux-source-6.1.tar.xz"
	mv "$tmp" "$CACHE/linux-source/$ver"
	# A new tree invalidates objects built from an older one.
	rm -rf "$BUILD"
fi

# Overlay. --checksum without --times: a file is rewritten (and gets a new
# mtime) only when its content differs, whichever clone it comes from.
rsync -r --checksum --delete \
	--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude='modules.order' --exclude='Module.symvers' \
	--exclude='*.a' \
	"$TOP/kmod/" "$src/drivers/net/ivgmp/"
cmp -s "$TOP/include/uapi/linux/ivgmp.h" "$src/include/uapi/linux/ivgmp.h" ||
	cp "$TOP/include/uapi/linux/ivgmp.h" "$src/include/uapi/linux/ivgmp.h"
grep -qx 'source "drivers/net/ivgmp/Kconfig"' "$src/drivers/net/Kconfig" ||
	echo 'source "drivers/net/ivgmp/Kconfig"' >>"$src/drivers/net/Kconfig"
# shellcheck disable=SC2016 # a make variable, not a shell one
grep -qx 'obj-$(CONFIG_IVGMP) += ivgmp/' "$src/drivers/net/Makefile" ||
	echo 'obj-$(CONFIG_IVGMP) += ivgmp/' >>"$src/drivers/net/Makefile"

json=$(mktemp)
trap 'rm -f "$json"' EXIT
krc=0
# kunit.py is plain python3 with the standard library only.
( cd "$src" && python3 tools/testing/kunit/kunit.py run --arch=um \
	--build_dir="$BUILD" --kunitconfig="$TOP/tests/kunit/.kunitconfig" \
	--jobs="$JOBS" --json="$json" "$@" ) >&2 || krc=$?

# One line per leaf test case; parameterised cases become suite.case.param.
n=0
if [ -s "$json" ]; then
	out=$(python3 - "$json" <<'PY'
import json, sys

def walk(group, prefix):
    for case in group.get("test_cases", []):
        name = prefix + [case["name"]]
        status = {"PASS": "PASS", "SKIP": "SKIP"}.get(case["status"], "FAIL")
        print(f"{status}: kunit: {'.'.join(name)}")
    for sub in group.get("sub_groups", []):
        walk(sub, prefix + [sub["name"]])

walk(json.load(open(sys.argv[1])), [])
PY
) || fail "rig: cannot parse kunit.py results"
	if [ -n "$out" ]; then
		echo "$out"
		n=$(grep -c . <<<"$out")
	fi
fi
if [ "$n" -eq 0 ]; then
	fail "no test results (kunit.py exit $krc: build or boot failed, see above)"
fi
if [ "$krc" -ne 0 ] && ! grep -q '^FAIL:' <<<"$out"; then
	fail "kunit.py exit status $krc"
fi
! grep -q '^FAIL:' <<<"$out"
