#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs everything the build, the demo and the tests need, from Debian's
# packages only, and unpacks Debian's stock kernel image into a cache for the
# VM rig. Idempotent: a second run installs nothing and returns quickly.
set -euo pipefail

CACHE=${IVGMP_CACHE:-/var/cache/ivgmp}

PKGS=(
	build-essential bc bison flex libelf-dev kmod cpio xz-utils zstd rsync
	linux-headers-amd64 linux-source-6.1 sparse dkms
	qemu-system-x86 busybox-static
	libmnl-dev
	gsoap libgsoap-dev libssl-dev openssl libsqlite3-dev sqlite3
	libcmocka-dev pkg-config clang ccache
	iproute2 tcpdump iputils-ping socat ethtool procps psmisc jq
	python3 python3-zeep python3-scapy python3-cryptography python3-yaml
	strongswan-charon strongswan-swanctl libstrongswan-standard-plugins
	debhelper dh-dkms dpkg-dev devscripts fakeroot lintian man-db systemd
	chromium fonts-dejavu-core python3-pil curl haproxy
	gnuplot-nox
)

log() { printf 'install-deps: %s\n' "$*" >&2; }

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || apt-get update
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The kernel under test is Debian's stock image matching the installed headers.
# Resolve it through the metapackage so a newer point release still works.
kver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 |
	sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p')
[ -n "$kver" ] || { log "cannot resolve kernel version from linux-headers-amd64"; exit 1; }
img="$CACHE/kernel/$kver"
if [ ! -e "$img/.done" ]; then
	log "unpacking linux-image-$kver into $img"
	rm -rf "$img" && mkdir -p "$img"
	tmp=$(mktemp -d)
	( cd "$tmp" && apt-get download -qq "linux-image-$kver" 2>/dev/null ||
		{ apt-get update -qq && apt-get download -qq "linux-image-$kver"; } )
	dpkg -x "$tmp"/linux-image-"$kver"_*.deb "$img"
	rm -rf "$tmp"
	depmod -b "$img" "$kver"
	touch "$img/.done"
fi
ln -sfn "$kver" "$CACHE/kernel/current"
