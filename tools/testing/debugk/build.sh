#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the debug kernel (KASAN, kmemleak, lockdep, refcount trackers, UBSAN)
# that the VM rig boots with IVGMP_KERNEL=debug, and ivgmp.ko against it.
#
#   tools/testing/debugk/build.sh [--module]
#
# Builds what is missing, then prints the kernel's directory (with --module:
# the path of ivgmp.ko) on stdout; progress goes to stderr. The layout:
#   $CACHE/debugk/<key>/                key = hash of the linux-source-6.1
#     boot/vmlinuz-<kver>               version, kernel.config, checkers.config
#     lib/modules/<kver>/               and this script
#     src/                              the built tree (for M= builds)
#     ivgmp/<hash>/kmod/ivgmp.ko        the module, keyed by kmod/ + uapi
#     .done
# and points $CACHE/debugk/current at it. The config is `make allnoconfig`
# + kernel.config (what the VM scenarios need, all built in) + the kernel's
# kernel/configs/debug.config + checkers.config, and fails if any line of
# kernel.config or checkers.config did not survive olddefconfig. Objects go
# through ccache in $CACHE/ccache, so a new key (script or fragment edited)
# rebuilds in minutes, not half an hour. Timings go to $CACHE/logs/debugk.log.
# Only one build runs at a time (flock).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
CACHE=${IVGMP_CACHE:-/var/cache/ivgmp}
JOBS=${IVGMP_JOBS:-2}
export ARCH=x86_64

log() { echo "debugk: $*" >&2; }
die() { echo "debugk: $*" >&2; exit 1; }

print=kernel
case ${1:-} in
--module) print=module ;;
-h|--help) sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
"") ;;
*) die "usage: $0 [--module]" ;;
esac

ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 not installed (run tools/testing/install-deps.sh)"
command -v ccache >/dev/null || die "ccache not installed (run tools/testing/install-deps.sh)"
# The key covers what makes the kernel: the source, the fragments, and the
# recipe between the two marker lines below (not the module build).
key=$( { echo "$ver"; cat "$HERE/kernel.config" "$HERE/checkers.config";
	sed -n '/^# --- kernel recipe/,/^# --- end of kernel recipe/p' "$0"; } |
	sha256sum | cut -c1-16)
dir=$CACHE/debugk/$key
src=$dir/src
mkdir -p "$CACHE/debugk" "$CACHE/logs"

# --- kernel recipe ----------------------------------------------------------
# Checks that each option of a fragment has its value in .config.
dropped() {
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$1" |
	while IFS= read -r l; do
		case $l in
		"# "*) o=${l#\# }; o=${o%% *}; w=n ;;
		*) o=${l%%=*}; w=${l#*=} ;;
		esac
		g=$(grep -E "^$o=" "$src/.config" | cut -d= -f2-) || true
		[ -n "$g" ] || g=n
		[ "$w" = "$g" ] || echo "$o: want $w, got $g"
	done
}

build_kernel() {
	local t0 t1 t2 kver
	t0=$(date +%s)
	log "building $key (linux-source-6.1 $ver) in $dir"
	rm -rf "$dir" && mkdir -p "$dir"
	tar xJf /usr/src/linux-source-6.1.tar.xz -C "$dir" ||
		die "cannot unpack /usr/src/linux-source-6.1.tar.xz"
	mv "$dir/linux-source-6.1" "$src"
	(
		cd "$src"
		make -s allnoconfig
		scripts/kconfig/merge_config.sh -m -O . .config "$HERE/kernel.config" \
			kernel/configs/debug.config "$HERE/checkers.config" >/dev/null
		make -s olddefconfig
	)
	local bad
	bad=$(dropped "$HERE/kernel.config"; dropped "$HERE/checkers.config")
	[ -z "$bad" ] || die "options lost by olddefconfig:"$'\n'"$bad"
	t1=$(date +%s)
	export CCACHE_DIR=$CACHE/ccache CCACHE_BASEDIR=$dir CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	ccache -z >/dev/null
	log "make -j$JOBS bzImage modules (cold: ~30 min on a busy 2-core host)"
	nice -n 10 make -C "$src" -s -j"$JOBS" CC="ccache gcc" bzImage modules >&2 ||
		die "kernel build failed"
	kver=$(make -C "$src" -s kernelrelease)
	mkdir -p "$dir/boot"
	cp "$src/arch/x86/boot/bzImage" "$dir/boot/vmlinuz-$kver"
	make -C "$src" -s INSTALL_MOD_PATH="$dir" modules_install >&2
	t2=$(date +%s)
	echo "$(date -u +%FT%TZ) key=$key kver=$kver config=$((t1 - t0))s" \
		"build=$((t2 - t1))s load=$(cut -d' ' -f1-3 /proc/loadavg)" \
		"ccache: $(ccache --print-stats 2>/dev/null |
			awk -F'\t' '/^direct_cache_hit|^preprocessed_cache_hit|^cache_miss/ {printf "%s=%s ", $1, $2}')" \
		>>"$CACHE/logs/debugk.log"
	touch "$dir/.done"
	log "kernel $kver built in $((t2 - t1))s"
}
# --- end of kernel recipe ---------------------------------------------------

exec 9>"$CACHE/debugk.lock"
flock -n 9 || { log "waiting for another debug kernel build"; flock 9; }

[ -e "$dir/.done" ] || build_kernel
ln -sfn "$key" "$CACHE/debugk/current"

# ivgmp.ko against this kernel, out of the repository (the repo's
# kmod/ivgmp.ko is the one for Debian's kernel), keyed by its sources.
mkey=$(cd "$TOP" && cat Kbuild kmod/Kbuild kmod/*.[ch] include/uapi/linux/*.h |
	sha256sum | cut -c1-16)
mdir=$dir/ivgmp/$mkey
if [ ! -e "$mdir/kmod/ivgmp.ko" ]; then
	log "building ivgmp.ko against $key"
	rm -rf "$mdir.tmp" && mkdir -p "$mdir.tmp/kmod" "$mdir.tmp/include"
	cp "$TOP/Kbuild" "$mdir.tmp/"
	cp "$TOP"/kmod/Kbuild "$TOP"/kmod/Kconfig "$TOP"/kmod/*.[ch] "$mdir.tmp/kmod/"
	cp -r "$TOP/include/uapi" "$mdir.tmp/include/"
	nice -n 10 make -C "$src" -s -j"$JOBS" M="$mdir.tmp" W=1 modules >&2 ||
		die "ivgmp.ko does not build against the debug kernel"
	rm -rf "$mdir" && mv "$mdir.tmp" "$mdir"
fi
if [ "$print" = module ]; then
	echo "$mdir/kmod/ivgmp.ko"
else
	echo "$dir"
fi
