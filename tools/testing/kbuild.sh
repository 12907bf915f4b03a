#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel module's static checks, as netdev would run them:
#
#   tools/testing/kbuild.sh
#
#   PASS: kbuild: W=1 C=1      a full build of kmod/ against the installed
#                              headers with W=1 and sparse (C=1): no warning
#   PASS: kbuild: checkpatch   scripts/checkpatch.pl --strict on every kmod/
#                              file: no error, warning or check
#
# The build runs in a scratch copy, so every file is compiled (and checked)
# whatever the state of the in-place build. checkpatch comes from the
# linux-source-6.1 tree the KUnit rig unpacks, or is extracted from the
# package's tarball into $CACHE/checkpatch on first use.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${IVGMP_CACHE:-/var/cache/ivgmp}
JOBS=${IVGMP_JOBS:-2}

pass() { echo "PASS: kbuild: $*"; }
fail() { echo "FAIL: kbuild: $*"; status=1; }
status=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- W=1 C=1 ---
mkdir -p "$tmp/tree/kmod" "$tmp/tree/include"
cp "$TOP/Kbuild" "$tmp/tree/"
cp "$TOP"/kmod/*.[ch] "$TOP/kmod/Kbuild" "$TOP/kmod/Kconfig" "$tmp/tree/kmod/"
cp -r "$TOP/include/uapi" "$tmp/tree/include/"
# TOP= points the top Makefile's M= at the copy; its KDIR logic is reused.
if ! nice -n 10 make -C "$TOP" -s TOP="$tmp/tree" \
	IVGMP_KFLAGS="W=1 C=1" -j"$JOBS" modules >"$tmp/build.log" 2>&1; then
	fail "W=1 C=1: build failed: $(tail -c 400 "$tmp/build.log" | tr '\n' ' ')"
elif grep -E ': (warning|error): ' "$tmp/build.log" >"$tmp/warn"; then
	fail "W=1 C=1: $(wc -l <"$tmp/warn") warnings, first: $(head -1 "$tmp/warn")"
	cat "$tmp/warn" >&2
else
	pass "W=1 C=1"
fi

# --- checkpatch --strict ---
checkpatch=
for f in "$CACHE"/linux-source/*/linux-source-6.1/scripts/checkpatch.pl \
	 "$CACHE"/checkpatch/linux-source-6.1/scripts/checkpatch.pl; do
	[ -f "$f" ] && checkpatch=$f && break
done
if [ -z "$checkpatch" ] && [ -f /usr/src/linux-source-6.1.tar.xz ]; then
	mkdir -p "$CACHE/checkpatch" &&
		tar xJf /usr/src/linux-source-6.1.tar.xz -C "$CACHE/checkpatch" \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch &&
		checkpatch=$CACHE/checkpatch/linux-source-6.1/scripts/checkpatch.pl
fi
if [ -z "$checkpatch" ]; then
	fail "checkpatch: no linux-source-6.1 (run tools/testing/install-deps.sh)"
else
	srcs=()
	for f in "$TOP"/kmod/*.[ch]; do
		case $f in *.mod.c) ;; *) srcs+=("$f") ;; esac	# modpost output
	done
	perl "$checkpatch" --strict --no-tree --quiet --terse -f "${srcs[@]}" 2>&1 | grep -v '^total: ' >"$tmp/cp.log"
	if [ "${PIPESTATUS[0]}" -eq 0 ] && ! [ -s "$tmp/cp.log" ]; then
		pass "checkpatch --strict"
	else
		fail "checkpatch --strict: $(wc -l <"$tmp/cp.log") findings, first: $(head -1 "$tmp/cp.log")"
		cat "$tmp/cp.log" >&2
	fi
fi
exit $status
