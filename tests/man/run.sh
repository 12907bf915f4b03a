#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The manual pages (Documentation/man/) against the programs and units:
#  - every page renders without a groff/man warning;
#  - every option a program's --help prints appears in its page;
#  - `make install-userspace` installs a page for every program it
#    installs, and every man: page a systemd unit's Documentation= names.
# Prints PASS:/FAIL: lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
T="man"
fails=0
pass() { echo "PASS: $T: $1"; }
fail() { echo "FAIL: $T: $1${2:+ ($2)}"; fails=$((fails + 1)); }
M=$top/Documentation/man
W=$(mktemp -d /tmp/ivgmp-man-test.XXXXXX)
trap 'rm -rf "$W"' EXIT

for page in "$M"/*.[1-8]; do
	n=$(basename "$page")
	if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>"$W/warn" >/dev/null &&
	   [ ! -s "$W/warn" ]; then
		pass "$n renders without warnings"
	else
		fail "$n renders without warnings" "$(head -c 300 "$W/warn")"
	fi
done

# options PROGRAM: every -x and --long-option its --help output names
options() {
	"$1" --help 2>&1 | grep -oE '(^|[][ |,(])--?[A-Za-z][A-Za-z0-9-]*' |
		sed 's/^[][ |,(]//' | while read -r o; do
			case $o in
			--*) echo "$o" ;;
			-?) echo "$o" ;;
			*) echo "${o#-}" | grep -o . | sed 's/^/-/' ;;	# -dFKnv
			esac
		done | sort -u
}
# the page's text as a reader sees it: \- is -, fonts dropped
page_text() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$1"
}
for prog in agent/ivgmp-agent:8 vnoc/ivgmp-vnoc:8 vnoc/ivgmp-vnocctl:8 \
	    tools/ivgmptool/ivgmptool:8 tools/ivgmp-announce/ivgmp-announce:8; do
	bin=$top/${prog%:*}
	name=$(basename "$bin")
	page=$M/$name.${prog#*:}
	if [ ! -x "$bin" ] || [ ! -f "$page" ]; then
		fail "$name: options in its page" "no $bin or no $page"
		continue
	fi
	opts=$(options "$bin")
	missing=()
	for o in $opts; do
		page_text "$page" | grep -q -e "\(^\|[^A-Za-z0-9-]\)$o\($\|[^A-Za-z0-9-]\)" ||
			missing+=("$o")
	done
	if [ -z "$opts" ]; then
		fail "$name: options in its page" "--help printed no option"
	elif [ ${#missing[@]} -eq 0 ]; then
		pass "$name: all $(echo "$opts" | wc -w) options of --help in $name.${prog#*:}"
	else
		fail "$name: options in its page" "missing: ${missing[*]}"
	fi
done

# what make install-userspace installs
if ! make -s -C "$top" install-userspace DESTDIR="$W/root" PREFIX=/usr \
	>"$W/install.log" 2>&1; then
	fail "make install-userspace" "$(tail -c 300 "$W/install.log")"
	exit 1
fi
R=$W/root
for b in "$R"/usr/sbin/* "$R"/usr/bin/*; do
	[ -e "$b" ] || continue
	n=$(basename "$b")
	if ls "$R"/usr/share/man/man[18]/"$n".[18] >/dev/null 2>&1; then
		pass "installed program $n has an installed page"
	else
		fail "installed program $n has an installed page"
	fi
done
nunits=0
for u in "$R"/lib/systemd/system/*.service; do
	[ -e "$u" ] || continue
	nunits=$((nunits + 1))
	n=$(basename "$u")
	refs=$(sed -n 's/^Documentation=//p' "$u" | tr ' ' '\n' | grep '^man:')
	bad=()
	for r in $refs; do	# man:NAME(SECTION)
		r=${r#man:}
		f=${r%(*}.${r#*(}
		f=${f%)}
		[ -f "$R/usr/share/man/man${f##*.}/$f" ] || bad+=("$r")
	done
	if [ -z "$refs" ]; then
		fail "$n: Documentation= names man pages" "none"
	elif [ ${#bad[@]} -eq 0 ]; then
		pass "$n: Documentation= pages are installed ($(echo "$refs" | wc -w))"
	else
		fail "$n: Documentation= pages are installed" "not installed: ${bad[*]}"
	fi
done
[ $nunits -ge 2 ] || fail "units installed" "$nunits in /lib/systemd/system"
[ $fails -eq 0 ]
