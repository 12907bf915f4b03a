#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host tests of the ivgmptool command line, where no kernel module is
# needed: help and version, exit 2 with a message for bad command lines
# (global options, batch files), and exit 1 naming the missing module when
# the ivgmp family is absent; the command grammar is the same in --help,
# Documentation/ivgmptool.md and ivgmptool.8. The netlink paths run in the
# VM (tests/vm/15-ivgmptool.sh). One PASS:/FAIL:/SKIP: line per case.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
IVT=$TOP/tools/ivgmptool/ivgmptool
T=ivgmptool-cli
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# case NAME RC PATTERN ARGS...: exit status RC and PATTERN in stdout+stderr.
case_() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	"$IVT" "$@" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ] && grep -Eq -- "$pat" "$tmp/out"; then
		echo "PASS: $T: $name"
	else
		echo "FAIL: $T: $name (exit $rc, want $want; output: $(head -c 200 "$tmp/out" | tr '\n' ' '))"
		failed=1
	fi
}

[ -x "$IVT" ] || { echo "FAIL: $T: $IVT not built"; exit 1; }

case_ "--help exits 0" 0 '^usage: ivgmptool' --help
case_ "help route" 0 'route add' help route
case_ "-V" 0 'netlink API version 1' -V
case_ "no command" 2 'no command given' 
case_ "unknown option" 2 'usage:' --frobnicate
case_ "unknown command" 2 "unknown command 'frob'" frob
case_ "help unknown" 2 "unknown command 'frob'" help frob
case_ "config show extra" 2 'takes no arguments' config show now
case_ "config set empty" 2 'at least one setting' config set
case_ "site add no id" 2 'needs a site ID' site add
case_ "route add huge vpn" 2 "vpn '4294967296' is out of range" \
	route add vpn 4294967296 group 239.1.1.1 origin 1
case_ "route IPv6 group v4 source" 2 'different families' \
	route add vpn 1 group ff0e::1 source 10.0.0.1 origin 1
case_ "stats extra" 2 'takes no arguments' stats now
case_ "monitor count x" 2 "count 'x' is not a decimal number" monitor count x
case_ "-b with command" 2 '-b takes no command' -b - stats
case_ "-b missing file" 1 'No such file' -b "$tmp/none"
printf '# comment\n\nroute add vpn 1 group 10.1.1.1 origin 1\n' >"$tmp/b1"
case_ "batch usage error names line 3" 2 "$tmp/b1:3: command failed" \
	-b "$tmp/b1"
printf 'help\n' >"$tmp/b2"
case_ "batch of help" 0 'usage:' -b "$tmp/b2"

if [ -d /sys/module/ivgmp ]; then
	echo "SKIP: $T: module missing (ivgmp is loaded on this host)"
else
	case_ "module missing: exit 1" 1 \
		'^ivgmptool: Error: generic netlink family "ivgmp" not found' \
		config show
	case_ "module missing: -j stats" 1 'not found' -j stats
fi

# The command grammar: the same in ivgmptool.md, ivgmptool.8 and --help.
/usr/bin/python3 "$TOP/tests/ivgmptool/doc_grammar.py" \
	"$TOP/Documentation/ivgmptool.md" "$TOP/Documentation/man/ivgmptool.8" \
	"$IVT" || failed=1
exit $failed
