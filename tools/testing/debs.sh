#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the Debian packages of the work tree as it is (tracked files and
# new ones not ignored) with `dpkg-buildpackage -us -uc -b`, in a copy, so
# the tree is never written to, and prints the directory holding the .debs
# and the .changes. The result is cached by the tree's content in
# $IVGMP_CACHE/deb/<hash>/ (the last few kept): tests/debian and
# tests/deploy share one build.
#
#   tools/testing/debs.sh            build if needed, print the directory
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${IVGMP_CACHE:-/var/cache/ivgmp}
cd "$TOP"

files=$(git ls-files -co --exclude-standard)
key=$(printf '%s\n' "$files" | while IFS= read -r f; do
	[ -f "$f" ] && printf '%s %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$f"
done | sha256sum | cut -c1-16)
out=$CACHE/deb/$key
if [ -e "$out/.done" ]; then
	echo "$out"
	exit 0
fi
version=$(dpkg-parsechangelog -S Version)
rm -rf "$out"
mkdir -p "$out/src/ivgmp-$version"
printf '%s\n' "$files" | while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done |
	tar -cf - -T - | tar -xf - -C "$out/src/ivgmp-$version"
if ! (cd "$out/src/ivgmp-$version" &&
      nice -n 10 dpkg-buildpackage -us -uc -b -j2) >"$out/build.log" 2>&1; then
	echo "debs.sh: dpkg-buildpackage failed; last lines of $out/build.log:" >&2
	tail -25 "$out/build.log" >&2
	exit 1
fi
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
rm -rf "$out/src"
touch "$out/.done"
# keep the five newest builds
ls -1dt "$CACHE"/deb/*/ | tail -n +6 | xargs -r rm -rf
echo "$out"
