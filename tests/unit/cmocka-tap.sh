#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run cmocka test binaries and print one line per test case:
#   PASS: <prefix>/<binary>/<case>   FAIL: ...   SKIP: ...
# cmocka's own TAP output (CMOCKA_MESSAGE_OUTPUT=TAP) is translated; its
# diagnostics ("# ..." lines) go to stderr so a failure still says why.
# A binary that crashes, or exits non-zero without reporting a failed case,
# or reports fewer cases than its plan, yields a FAIL line of its own, so a
# broken test can never pass silently.
#
# Usage: cmocka-tap.sh [-p prefix] binary...
# Exit status: 0 if every case passed (or was skipped), 1 otherwise.
prefix=
if [ "$1" = "-p" ]; then
	prefix="$2/"
	shift 2
fi

status=0
for bin in "$@"; do
	name="$prefix$(basename "$bin")"
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	rc=$?
	result=$(printf '%s\n' "$out" | awk -v name="$name" '
		/^1\.\.[0-9]+$/ { split($0, p, "\\.\\."); plan += p[2]; next }
		/^not ok [0-9]+ # SKIP/ {
			sub(/^not ok [0-9]+ # SKIP */, ""); print "SKIP: " name "/" $0
			seen++; next
		}
		/^ok [0-9]+ - / {
			sub(/^ok [0-9]+ - /, ""); print "PASS: " name "/" $0
			seen++; next
		}
		/^not ok [0-9]+ - / {
			sub(/^not ok [0-9]+ - /, ""); print "FAIL: " name "/" $0
			seen++; failed++; next
		}
		{ print $0 > "/dev/stderr" }
		END {
			if (seen < plan) {
				print "FAIL: " name " (ran " seen " of " plan " cases)"
				failed++
			}
			if (failed) exit 1
		}')
	arc=$?
	printf '%s\n' "$result" | grep -v '^$'
	if [ $arc -ne 0 ]; then
		status=1
	elif [ $rc -ne 0 ]; then
		echo "FAIL: $name (exit status $rc)"
		printf '%s\n' "$out" >&2
		status=1
	elif [ -z "$result" ]; then
		echo "FAIL: $name (no test cases reported)"
		status=1
	fi
done
exit $status
