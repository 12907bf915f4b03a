#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test VM after the initramfs init has chrooted into the host's
# read-only /. Sets up what scenarios may rely on, runs the one scenario named
# in job.env as a child, leaves its exit status and the kernel log on the
# results share for run.sh on the host, and powers off. As PID 1 it must never
# exit (the kernel would panic), hence no `set -e`/`set -u` here.
rig=/run/ivgmp
# shellcheck source=/dev/null
. "$rig/job.env"
# shellcheck source=/dev/null
. "$rig/job.args"

mkdir -p /dev/pts && mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs -o mode=1777 tmpfs /var/tmp
mkdir -p /run/netns /run/lock
ip link set lo up

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TMPDIR=/tmp LANG=C.UTF-8 TERM=dumb
export IVGMP_TOP="$TOP" IVGMP_KVER="$KVER" IVGMP_OUT="$rig/out"
export IVGMP_KO="${KO:-$TOP/kmod/ivgmp.ko}"
mkdir -p "$IVGMP_OUT"
cd /tmp || true

# Debug kernel: forget what boot allocated, so that the scan after the
# scenario reports only what the scenario leaked.
leak=/sys/kernel/debug/kmemleak
[ -w "$leak" ] && echo clear >"$leak"

echo "ivgmp-vm: guest ready $(cut -d" " -f1 /proc/uptime)s after boot"
echo "=== ivgmp-vm: begin $NAME ==="
bash "$SCENARIO" "${ARGS[@]}" </dev/null 2>&1
rc=$?
echo "=== ivgmp-vm: end $NAME rc=$rc ==="
if [ -w "$leak" ]; then
	# An object is reported only once it is 5 s old and was unreferenced
	# in two scans; RCU-freed objects need a grace period first.
	sleep 6
	echo scan >"$leak"
	sleep 6
	echo scan >"$leak"
	cat "$leak" >"$rig/kmemleak.txt"
fi
dmesg >"$rig/dmesg.txt"
echo "$rc" >"$rig/rc"
sync
echo o >/proc/sysrq-trigger
while :; do sleep 60; done
