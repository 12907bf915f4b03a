#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The README's "Layout" list names every entry of the repository's top
# directory, and names nothing that is not there. One PASS:/FAIL: line.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=layout

# Entries the README names: the first column of the indented block under
# "Layout", split at ", ", each cut to its first path component.
listed=$(awk '/^Layout$/ { on = 1; next } on && /^---/ && seen { exit }
	on && /^---/ { seen = 1 } on { print }' "$TOP/README" |
	sed -n 's/^    \([^ ].*\)$/\1/p' | sed 's/  .*//' | tr -d ' ' |
	tr ',' '\n' | sed 's|/.*||' | grep -v '^$' | sort -u)
# Entries the repository has at its top (git's view: tracked files only).
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	present=$(git -C "$TOP" ls-files | sed 's|/.*||' | sort -u)
else
	echo "SKIP: $T: not a git checkout"
	exit 0
fi
missing=$(comm -13 <(echo "$listed") <(echo "$present") | tr '\n' ' ')
extra=$(comm -23 <(echo "$listed") <(echo "$present") | tr '\n' ' ')
if [ -z "$missing$extra" ]; then
	echo "PASS: $T: README lists exactly the top directory ($(echo "$present" | wc -l) entries)"
else
	echo "FAIL: $T: README layout: not listed: ${missing:-none}; listed but absent: ${extra:-none}"
	exit 1
fi
