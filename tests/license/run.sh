#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Licence hygiene: every source file in the tree (tracked, or new and not
# ignored) names its licence with an SPDX line at the top (line 1, or line
# 2 after #!), each licence it names has its text in COPYING or LICENSES/,
# and the module's MODULE_LICENSE agrees with COPYING (GPL-2.0).
# Source files: C (.c .h .cpp), shell (.sh, #!), Python (.py), make
# (Makefile, .mk, Kbuild, debian/rules), systemd units, manual pages.
# Prints PASS:/FAIL: lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
T=license
fails=0
pass() { echo "PASS: $T: $1"; }
fail() { echo "FAIL: $T: $1${2:+ ($2)}"; fails=$((fails + 1)); }

if ! files=$(git ls-files --cached --others --exclude-standard 2>/dev/null); then
	fail "list the tree's files" "not a git work tree"
	exit 1
fi

is_source() {
	case $1 in
	*.c|*.h|*.cpp|*.sh|*.py|*.mk|*/Makefile|Makefile|Kbuild|*/Kbuild) return 0 ;;
	*.service|debian/rules|Documentation/man/*.[1-8]|*.[1-8]) return 0 ;;
	*.md|*.txt|*.json|*.yaml|*.wsdl|*.conf|*.example|*.png|*.svg) return 1 ;;
	esac
	# anything else that is a script
	[ -f "$1" ] && head -c 2 "$1" | grep -q '^#!'
}

missing=()
bad_expr=()
n=0
while IFS= read -r f; do
	[ -f "$f" ] || continue		# deleted in the work tree
	is_source "$f" || continue
	n=$((n + 1))
	line=$(head -n 2 "$f" | grep -m1 'SPDX-License-Identifier:')
	if [ -z "$line" ]; then
		missing+=("$f")
		continue
	fi
	expr=${line#*SPDX-License-Identifier:}
	expr=${expr%%\*/*}
	# every identifier must be one whose text we ship
	for id in $(echo "$expr" | tr '()' '  ' | tr ' ' '\n' | grep -v -x -e '' -e OR -e AND -e WITH); do
		case $id in
		GPL-2.0|GPL-2.0-only) ;;
		MIT) [ -f LICENSES/MIT ] || bad_expr+=("$f: MIT without LICENSES/MIT") ;;
		Linux-syscall-note) [ -f LICENSES/Linux-syscall-note ] ||
			bad_expr+=("$f: $id without LICENSES/$id") ;;
		*) bad_expr+=("$f: unknown licence '$id'") ;;
		esac
	done
done <<<"$files"

if [ $n -gt 50 ] && [ ${#missing[@]} -eq 0 ]; then
	pass "every source file has an SPDX line ($n files)"
else
	fail "every source file has an SPDX line" \
		"$n files; without: ${missing[*]:-none (too few files found)}"
fi
if [ ${#bad_expr[@]} -eq 0 ]; then
	pass "every SPDX licence is one whose text is in COPYING or LICENSES/"
else
	fail "every SPDX licence is one whose text is in COPYING or LICENSES/" \
		"${bad_expr[*]}"
fi
if [ -f COPYING ] && grep -q 'GNU GENERAL PUBLIC LICENSE' COPYING &&
   grep -q 'Version 2, June 1991' COPYING; then
	pass "COPYING holds the GPL version 2"
else
	fail "COPYING holds the GPL version 2"
fi
ml=$(grep -rho 'MODULE_LICENSE("[^"]*")' kmod | sort -u)
if [ "$ml" = 'MODULE_LICENSE("GPL")' ]; then
	pass "the module's MODULE_LICENSE is GPL, as COPYING says"
else
	fail "the module's MODULE_LICENSE is GPL, as COPYING says" "$ml"
fi
[ $fails -eq 0 ]
