#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# VM rig: runs one scenario script inside Debian's stock kernel under QEMU.
#
#   tools/testing/vm/run.sh [--timeout SECONDS] [--keep] [--out DIR] SCENARIO [ARGS...]
#   e.g. tools/testing/vm/run.sh tests/vm/00-smoke.sh
#
# The timeout (whole VM run, boot included) defaults to the scenario's
# `# vm-timeout: SECONDS` line, else 600.
#
# IVGMP_KERNEL=debug boots the debug kernel instead (KASAN, kmemleak, lockdep,
# refcount trackers; tools/testing/debugk/build.sh, which this calls to build
# ivgmp.ko against it) with panic_on_warn=1, clears kmemleak before the
# scenario and scans it after: a leak is `FAIL: <name>: kmemleak: ...`.
# Timeouts are multiplied by IVGMP_VM_TIMEOUT_SCALE (default 3 there, 1 else).
#
# Boots /var/cache/ivgmp/kernel/current (unpacked by install-deps.sh) with TCG,
# the host's / shared read-only over 9p, and runs SCENARIO with bash as root
# in the guest. The scenario sees:
#   IVGMP_TOP  the repo (same path as on the host, read-only)
#   IVGMP_KO   the built module, $IVGMP_TOP/kmod/ivgmp.ko
#   IVGMP_OUT  a writable directory, copied back to the host (see --keep;
#              --out DIR copies its contents to DIR in every case)
#   IVGMP_KVER the guest kernel's version
#   /tmp, /run, /var/tmp, /dev/shm  fresh tmpfs; everything else read-only.
#
# Prints the scenario's output (its PASS:/FAIL: lines) as it runs, then
#   PASS: <name>: dmesg clean          or FAIL: <name>: dmesg: <first bad line>
#   FAIL: <name>: exit status N        if the scenario exited non-zero
#   FAIL: <name>: timeout after Ss     if the VM did not finish in time
#   FAIL: <name>: no PASS/FAIL lines from the scenario   if it reported nothing
# and exits non-zero if any FAIL line was printed. The run's directory (console
# log, dmesg, IVGMP_OUT) is removed on success and kept, and named, on failure
# or with --keep.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../../.." && pwd)
CACHE=${IVGMP_CACHE:-/var/cache/ivgmp}
KDIR=$CACHE/kernel/current
kernel=${IVGMP_KERNEL:-stock}
timeout=
keep=0
outdir=

usage() {
	echo "usage: $0 [--timeout SECONDS] [--keep] [--out DIR] SCENARIO [ARGS...]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) [ $# -ge 2 ] || usage; timeout=$2; shift 2 ;;
	--timeout=*) timeout=${1#*=}; shift ;;
	--keep) keep=1; shift ;;
	--out) [ $# -ge 2 ] || usage; outdir=$2; shift 2 ;;
	--out=*) outdir=${1#*=}; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage
scenario=$(realpath -e "$1") || { echo "$0: no such scenario: $1" >&2; exit 2; }
shift
# A scenario may ask for more time with a line `# vm-timeout: SECONDS`.
[ -n "$timeout" ] ||
	timeout=$(sed -n 's/^# vm-timeout: *\([0-9]\+\).*/\1/p' "$scenario" | head -n1)
timeout=${timeout:-600}
[[ $timeout =~ ^[0-9]+$ ]] || usage
name=$(basename "$scenario" .sh)
case $kernel in
stock) scale=${IVGMP_VM_TIMEOUT_SCALE:-1} ;;
debug) scale=${IVGMP_VM_TIMEOUT_SCALE:-3}; name=$name@debug ;;
*) echo "$0: IVGMP_KERNEL=$kernel: want stock or debug" >&2; exit 2 ;;
esac
[[ $scale =~ ^[0-9]+$ ]] || usage
timeout=$((timeout * scale))
# The guest has its own /tmp, /run and /var/tmp; only the repo is shared
# wherever it lives.
case $scenario in
"$TOP"/*) ;;
/tmp/*|/run/*|/var/run/*|/var/tmp/*)
	echo "$0: $scenario is hidden in the guest; keep it in the repo" >&2
	exit 2 ;;
esac

die() { echo "FAIL: $name: rig: $*"; exit 1; }

ko=$TOP/kmod/ivgmp.ko
if [ "$kernel" = debug ]; then
	# Builds the kernel only if missing (half an hour cold), and
	# ivgmp.ko against it when kmod/ changed.
	KDIR=$(bash "$TOP/tools/testing/debugk/build.sh") &&
	ko=$(bash "$TOP/tools/testing/debugk/build.sh" --module) ||
		die "cannot build the debug kernel or ivgmp.ko for it"
	kver=$(ls "$KDIR/lib/modules")
else
	[ -e "$KDIR/.done" ] || die "no kernel in $KDIR (run tools/testing/install-deps.sh)"
	kver=$(basename "$(readlink -f "$KDIR")")
fi
vmlinuz=$KDIR/boot/vmlinuz-$kver
moddir=$KDIR/lib/modules/$kver
[ -f "$vmlinuz" ] || die "missing $vmlinuz"

# --- initramfs: busybox + virtio/9p modules + init, cached by content ------
bootmods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"
busybox=/bin/busybox
modpath() {
	local p
	p=$(sed -n "s|^\(\([^:]*/\)\?$1\.ko\):.*|\1|p" "$moddir/modules.dep")
	[ -n "$p" ] || return 1
	echo "$moddir/$p"
}
# The debug kernel has them built in (fscache not at all: 9p's loose cache
# does not need it).
builtin() {
	grep -q "/$1\.ko\$" "$moddir/modules.builtin" 2>/dev/null ||
		{ [ "$kernel" = debug ] && [ "$1" = fscache ]; }
}
modfiles=()
loadmods=
for m in $bootmods; do
	if p=$(modpath "$m"); then
		modfiles+=("$p")
		loadmods+="$m "
	else
		builtin "$m" || die "module $m not in $moddir"
	fi
done
bootmods=$loadmods
key=$( { echo "$kver"; cat "$TOP/tools/testing/vm/init"; echo "$bootmods";
	sha256sum "$busybox" "${modfiles[@]}"; } | sha256sum | cut -c1-16)
initrd=$CACHE/vm/initramfs-$key.cpio.gz
if [ ! -s "$initrd" ]; then
	mkdir -p "$CACHE/vm"
	stage=$(mktemp -d)
	mkdir -p "$stage"/{bin,dev,proc,sys,modules,newroot,share}
	cp "$busybox" "$stage/bin/busybox"
	cp "$TOP/tools/testing/vm/init" "$stage/init"
	chmod 755 "$stage/init"
	[ ${#modfiles[@]} -eq 0 ] || cp "${modfiles[@]}" "$stage/modules/"
	echo "$bootmods" >"$stage/modules.order"
	( cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1 ) >"$initrd.tmp.$$"
	mv "$initrd.tmp.$$" "$initrd"
	rm -rf "$stage"
fi

# --- run ---------------------------------------------------------------------
run=$(mktemp -d "${TMPDIR:-/tmp}/ivgmp-vm-$name.XXXXXX")
mkdir -p "$run/share/out"
{
	# Plain assignments only: busybox sh in the initramfs reads this too.
	printf 'KVER=%q\nTOP=%q\nSCENARIO=%q\nNAME=%q\nKO=%q\n' \
		"$kver" "$TOP" "$scenario" "$name" "$ko"
} >"$run/share/job.env"
{
	printf 'ARGS=('
	[ $# -eq 0 ] || printf '%q ' "$@"
	echo ')'
} >"$run/share/job.args"
: >"$run/console.log"

# quiet + loglevel=3 keeps the console to errors; WARNs still reach dmesg,
# which is scanned afterwards. An oops panics and -no-reboot ends QEMU, so a
# crash costs seconds, not the timeout. TCG on a busy 2-core host can starve
# the vCPUs for seconds: no_timer_check stops the boot-time IO-APIC timer
# test from panicking then (seen here), and the RCU-stall and soft-lockup
# limits are raised to 2 minutes so that only a real hang reports.
# tsc=reliable: without it the guest's clocksource is the HPET, and every
# clock read (packet timestamps, pktgen, the scheduler) is an emulated MMIO
# access that takes QEMU's global lock; TCG's TSC follows the host clock and
# is the same on every vCPU. Measured: 50-agent-system 139 s -> 125 s, and
# the benchmark's numbers move less between runs.
# The debug kernel panics on the first WARN (and KASAN report), so that
# nothing runs on after corruption; loglevel=5 puts the report itself on the
# console, as a panic leaves no dmesg dump.
if [ "$kernel" = debug ]; then
	cmdline="console=ttyS0 rdinit=/init quiet loglevel=5 oops=panic panic=-1"
	cmdline+=" panic_on_warn=1"
else
	cmdline="console=ttyS0 rdinit=/init quiet loglevel=3 oops=panic panic=-1"
	cmdline+=" panic_on_warn=0"
fi
cmdline+=" mitigations=off no_timer_check tsc=reliable"
cmdline+=" rcupdate.rcu_cpu_stall_timeout=120 watchdog_thresh=60"
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-nodefaults -no-reboot -display none -machine q35 \
	-accel tcg,thread=multi -smp 2 -m 2G \
	-kernel "$vmlinuz" -initrd "$initrd" -append "$cmdline" \
	-serial "file:$run/console.log" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$moddir,mount_tag=modules,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$TOP,mount_tag=top,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$run/share,mount_tag=share,security_model=none" \
	</dev/null >"$run/qemu.log" 2>&1 &
qpid=$!

# Stream the scenario's part of the console as it comes (a read loop: tr or
# mawk in a pipe would hold lines back in their buffers).
on=0
while IFS= read -r line; do
	line=${line%$'\r'}
	case $line in
	"=== ivgmp-vm: begin "*) on=1; continue ;;
	"=== ivgmp-vm: end "*) on=0 ;;
	esac
	[ "$on" = 0 ] || printf '%s\n' "$line"
done < <(tail -n +1 -F --pid=$qpid "$run/console.log" 2>/dev/null) |
	tee "$run/scenario.log"
qrc=0
wait $qpid || qrc=$?

fails=$(grep -c '^FAIL:' "$run/scenario.log" || true)
fail() { echo "FAIL: $name: $*"; fails=$((fails + 1)); }

bad='WARNING:|BUG:|kernel BUG|Oops|general protection|Call Trace|KASAN|UBSAN'
bad+='|refcount_t|leaked|unregister_netdevice: waiting|Kernel panic'
bad+='|soft lockup|hung_task|rcu: INFO:.*stall|list_(add|del) corruption|double free'
bad+='|ref_tracker|unreferenced object|possible circular locking|suspicious RCU usage'
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	fail "timeout after ${timeout}s"
fi
if [ -s "$run/share/dmesg.txt" ]; then
	line=$(grep -E -m1 "$bad" "$run/share/dmesg.txt" || true)
	if [ -n "$line" ]; then
		fail "dmesg: $line"
	else
		echo "PASS: $name: dmesg clean"
	fi
else
	# No dmesg dump: the guest died or hung. The console may say why.
	line=$(tr -d '\r' <"$run/console.log" | grep -E -m1 "$bad" || true)
	fail "dmesg: ${line:-not captured (guest did not finish)}"
	echo "--- last console lines ($run/console.log) ---" >&2
	tr -d '\r' <"$run/console.log" | tail -n 30 >&2
fi
# guest.sh leaves kmemleak's report after the scenario (debug kernel only).
if [ -s "$run/share/kmemleak.txt" ]; then
	fail "kmemleak: $(grep -c 'unreferenced object' "$run/share/kmemleak.txt")" \
		"leak(s), first: $(grep -m1 'unreferenced object' "$run/share/kmemleak.txt")"
elif [ -e "$run/share/kmemleak.txt" ]; then
	echo "PASS: $name: kmemleak clean"
fi
if [ -s "$run/share/rc" ]; then
	rc=$(cat "$run/share/rc")
	[ "$rc" = 0 ] || fail "exit status $rc"
	# A scenario that reports nothing has tested nothing.
	grep -q '^\(PASS\|FAIL\):' "$run/scenario.log" ||
		fail "no PASS/FAIL lines from the scenario"
elif [ "$qrc" != 124 ] && [ "$qrc" != 137 ]; then
	fail "no exit status (qemu exit $qrc)"
	[ -s "$run/qemu.log" ] && cat "$run/qemu.log" >&2
fi

if [ -n "$outdir" ]; then
	mkdir -p "$outdir" && cp -r "$run/share/out/." "$outdir/"
fi
if [ "$fails" -gt 0 ] || [ "$keep" = 1 ]; then
	echo "vm: run directory kept: $run" >&2
else
	rm -rf "$run"
fi
[ "$fails" -eq 0 ]
