#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# tests/deploy/run.sh, inside fresh mount, network and pid namespaces: make
# the throwaway root (overlay of / on tmpfs), its network (the guide's
# addresses on dummy interfaces), then chroot into it for steps.sh.
#   flow.sh FLOW DIR DEBS TOP
set -u
flow=$1 dir=$2 debs=$3 top=$4
T=deploy/$flow
die() { echo "FAIL: $T: $*"; exit 1; }

mount --make-rprivate / || die "private mounts"
mount -t tmpfs -o mode=700 tmpfs "$dir" || die "tmpfs"
mkdir "$dir/u" "$dir/w" "$dir/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$dir/u,workdir=$dir/w" \
	"$dir/root" || die "overlay of /"
R=$dir/root
mount -t proc proc "$R/proc" || die "proc"
mount -t sysfs sysfs "$R/sys" || die "sysfs"
mount --rbind /dev "$R/dev" || die "dev"
for d in tmp run; do
	mount -t tmpfs -o mode=1777 tmpfs "$R/$d" || die "tmpfs /$d"
done
# the repository and the packages as they are (the overlay shows the same
# files, but the checks below must not see the overlay's own writes)
mkdir -p "$R/run/deploy"
cp -a "$debs"/*.deb "$R/run/deploy/" || die "packages"

# veth pairs: this host's kernel may lack the dummy driver
if ! { ip link set lo up &&
	ip link add wan0 type veth peer name wan0p &&
	ip addr add 192.0.2.10/24 dev wan0 && ip link set wan0 up &&
	ip link set wan0p up &&
	ip link add eth1 type veth peer name eth1p &&
	ip addr add 10.1.0.1/24 dev eth1 && ip link set eth1 up &&
	ip link set eth1p up; }; then
	die "network"
fi

# IVGMP_DEPLOY_KEEP=DIR keeps the logs of the commands (steps.sh)
if [ -n "${IVGMP_DEPLOY_KEEP:-}" ]; then
	mkdir -p "$IVGMP_DEPLOY_KEEP/$flow" "$R/run/keep" &&
		mount --bind "$IVGMP_DEPLOY_KEEP/$flow" "$R/run/keep"
fi

exec chroot "$R" /bin/bash "$top/tests/deploy/steps.sh" "$flow" /run/deploy "$top"
