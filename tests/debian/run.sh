#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian packages, built and installed as an administrator would:
#  - `dpkg-buildpackage -us -uc -b` (tools/testing/debs.sh, in a copy of the
#    tree) gives ivgmp-dkms, ivgmp-agent, ivgmp-vnoc and ivgmptool, and
#    leaves the tree as it was;
#  - lintian reports no error and no warning;
#  - the versions of VERSION, debian/changelog and dkms.conf agree;
#  - `dpkg -i` installs them on this host; DKMS then builds and installs
#    ivgmp.ko for every kernel it targets here (those with headers), and
#    the module is the one modprobe would load for that kernel;
#  - the installed programs run (--version), their pages are found by man,
#    the units verify, the VNOC's user and state directory exist and the
#    VNOC creates its database there as that user.
# The packages stay installed (a later run reinstalls them). Needs root.
# Prints PASS:/FAIL: lines.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
T=debian
fails=0
pass() { echo "PASS: $T: $1"; }
fail() { echo "FAIL: $T: $1${2:+ ($2)}"; fails=$((fails + 1)); }
check() {	# NAME CMD...
	local name=$1
	shift
	if "$@" >"$W/out" 2>&1; then
		pass "$name"
	else
		fail "$name" "exit $?: $(tail -c 300 "$W/out" | tr '\n' ' ')"
	fi
}
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: $T: needs root (dpkg -i)"
	exit 0
fi
W=$(mktemp -d /tmp/ivgmp-debian-test.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$top" || exit 1

version=$(cat VERSION)
dv=$(dpkg-parsechangelog -S Version)
kv=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
if [ "$dv" = "$version" ] && [ "$kv" = "$version" ]; then
	pass "VERSION, debian/changelog and dkms.conf agree ($version)"
else
	fail "VERSION, debian/changelog and dkms.conf agree" \
		"VERSION $version, changelog $dv, dkms.conf $kv"
fi

before=$(git status --porcelain)
if ! d=$(bash tools/testing/debs.sh 2>"$W/err"); then
	fail "dpkg-buildpackage -us -uc -b" "$(tail -c 600 "$W/err")"
	exit 1
fi
pkgs=(ivgmp-dkms ivgmp-agent ivgmp-vnoc ivgmptool)
debs=()
for p in "${pkgs[@]}"; do
	f=$(ls "$d/${p}_${dv}_"*.deb 2>/dev/null | head -1)
	[ -n "$f" ] && debs+=("$f")
done
if [ ${#debs[@]} -eq 4 ]; then
	pass "dpkg-buildpackage -us -uc -b builds the four packages"
else
	fail "dpkg-buildpackage -us -uc -b builds the four packages" "in $d: $(ls "$d")"
	exit 1
fi
if [ "$(git status --porcelain)" = "$before" ]; then
	pass "building the packages leaves the tree as it was"
else
	fail "building the packages leaves the tree as it was" \
		"$(diff <(echo "$before") <(git status --porcelain) | tr '\n' ' ')"
fi

# lintian: no error, no warning (information tags are printed, not failed)
lintian --allow-root --suppress-tags-from-file /dev/null "$d"/ivgmp_*.changes \
	>"$W/lintian" 2>&1
sed 's/^/# lintian: /' "$W/lintian"
if grep -q '^[EW]: ' "$W/lintian"; then
	fail "lintian: no error, no warning" "$(grep -c '^E: ' "$W/lintian") errors, $(grep -c '^W: ' "$W/lintian") warnings"
elif grep -q '^[IN]: \|^$' "$W/lintian" || [ ! -s "$W/lintian" ]; then
	pass "lintian: no error, no warning"
else
	fail "lintian ran" "$(head -c 300 "$W/lintian")"
fi

# what the contents must be
contents() { dpkg-deb -c "$1" | awk '{print $6}'; }
want_in() {	# PACKAGE PATH...
	local p=$1 f miss=()
	shift
	f=$(ls "$d/${p}_${dv}_"*.deb)
	contents "$f" >"$W/c"
	for x in "$@"; do grep -qx "./$x" "$W/c" || miss+=("$x"); done
	if [ ${#miss[@]} -eq 0 ]; then
		pass "$p holds $*"
	else
		fail "$p contents" "missing ${miss[*]}"
	fi
}
want_in ivgmp-dkms usr/src/ivgmp-$version/dkms.conf usr/src/ivgmp-$version/Kbuild \
	usr/src/ivgmp-$version/kmod/Kbuild usr/src/ivgmp-$version/include/uapi/linux/ivgmp.h
want_in ivgmp-agent usr/sbin/ivgmp-agent usr/bin/ivgmp-announce \
	lib/systemd/system/ivgmp-agent.service \
	usr/share/doc/ivgmp-agent/examples/agent.conf.example \
	usr/share/man/man8/ivgmp-agent.8.gz usr/share/man/man5/ivgmp-agent.conf.5.gz
want_in ivgmp-vnoc usr/sbin/ivgmp-vnoc usr/sbin/ivgmp-vnocctl \
	usr/share/doc/ivgmp-vnoc/examples/vnoc.conf.example \
	lib/systemd/system/ivgmp-vnoc.service usr/lib/sysusers.d/ivgmp-vnoc.conf \
	usr/lib/tmpfiles.d/ivgmp-vnoc.conf usr/share/man/man8/ivgmp-vnoc.8.gz
want_in ivgmptool usr/sbin/ivgmptool usr/share/man/man8/ivgmptool.8.gz
if contents "$d/ivgmp-dkms_${dv}_all.deb" | grep -q '\.o$\|\.ko$\|_test\.c$'; then
	fail "ivgmp-dkms ships sources only" "$(contents "$d/ivgmp-dkms_${dv}_all.deb" | grep '\.o$\|\.ko$\|_test\.c$' | head -3)"
else
	pass "ivgmp-dkms ships sources only (no objects, no KUnit tests)"
fi

# ---- install on this host
export DEBIAN_FRONTEND=noninteractive
if dpkg -i "${debs[@]}" >"$W/dpkg" 2>&1; then
	pass "dpkg -i of the four packages"
else
	fail "dpkg -i of the four packages" "$(tail -c 600 "$W/dpkg" | tr '\n' ' ')"
fi
sed -n 's/^/# dpkg: /p' "$W/dpkg" | grep -i 'dkms\|building\|kernel' | head -20

# DKMS: every kernel with headers here has the module, built for it
nk=0
for kdir in /lib/modules/*/; do
	k=$(basename "$kdir")
	[ -e "$kdir/build/Makefile" ] || continue	# no headers: DKMS skips it
	nk=$((nk + 1))
	st=$(dkms status -m ivgmp -v "$version" -k "$k" 2>&1)
	if echo "$st" | grep -q 'installed'; then
		pass "DKMS built and installed ivgmp $version for $k"
	else
		fail "DKMS built and installed ivgmp $version for $k" "$st"
		continue
	fi
	ko=$(modinfo -k "$k" -F filename ivgmp 2>/dev/null)
	vm=$(modinfo -k "$k" -F vermagic ivgmp 2>/dev/null)
	lic=$(modinfo -k "$k" -F license ivgmp 2>/dev/null)
	case $ko in
	/lib/modules/"$k"/updates/dkms/ivgmp.ko*)
		if [ "${vm%% *}" = "$k" ] && [ "$lic" = GPL ]; then
			pass "modprobe for $k finds DKMS's ivgmp.ko (vermagic $k, licence GPL)"
		else
			fail "DKMS's ivgmp.ko for $k" "vermagic '$vm', licence '$lic'"
		fi ;;
	*) fail "modprobe for $k finds DKMS's ivgmp.ko" "modinfo: '$ko'" ;;
	esac
done
[ $nk -gt 0 ] || fail "a kernel with headers for DKMS" "none in /lib/modules"

# ---- the installed programs
for p in /usr/sbin/ivgmp-agent /usr/bin/ivgmp-announce /usr/sbin/ivgmp-vnoc \
	 /usr/sbin/ivgmp-vnocctl /usr/sbin/ivgmptool; do
	n=$(basename "$p")
	out=$("$p" --version 2>&1)
	if [ "${out%% (*}" = "$n $version" ]; then
		pass "installed $n --version: $n $version"
	else
		fail "installed $n --version" "$out"
	fi
	if man -w "$n" >/dev/null 2>&1; then
		pass "man $n finds the installed page"
	else
		fail "man $n finds the installed page"
	fi
done
for pg in ivgmp.7 ivgmp-agent.conf.5 ivgmp-vnoc.conf.5; do
	check "man ${pg##*.} ${pg%.*} finds the installed page" man -w "${pg##*.}" "${pg%.*}"
done
for u in ivgmp-agent ivgmp-vnoc; do
	check "systemd-analyze verify $u.service" \
		systemd-analyze verify "/lib/systemd/system/$u.service"
done

# the VNOC's user, its state directory, and a database created there
if getent passwd ivgmp-vnoc >/dev/null; then
	pass "system user ivgmp-vnoc exists"
else
	fail "system user ivgmp-vnoc exists"
fi
st=$(stat -c '%U:%G %a' /var/lib/ivgmp-vnoc 2>&1)
if [ "$st" = "ivgmp-vnoc:ivgmp-vnoc 750" ]; then
	pass "/var/lib/ivgmp-vnoc is ivgmp-vnoc's, mode 750"
else
	fail "/var/lib/ivgmp-vnoc is ivgmp-vnoc's, mode 750" "$st"
fi
if [ ! -e /var/lib/ivgmp-vnoc/vnoc.db ]; then
	check "ivgmp-vnoc -n as ivgmp-vnoc creates its database in its state directory" \
		runuser -u ivgmp-vnoc -- /usr/sbin/ivgmp-vnoc -n -H -l 127.0.0.1 -f /dev/null
	if [ "$(stat -c %U /var/lib/ivgmp-vnoc/vnoc.db 2>&1)" = ivgmp-vnoc ]; then
		pass "the database is ivgmp-vnoc's"
	else
		fail "the database is ivgmp-vnoc's" "$(ls -l /var/lib/ivgmp-vnoc 2>&1)"
	fi
	rm -f /var/lib/ivgmp-vnoc/vnoc.db*
fi
[ $fails -eq 0 ]
