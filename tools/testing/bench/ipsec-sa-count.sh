#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# IPsec SAs each site keys for one sender and N-1 receivers (default 1000
# sites), under star, reflector (32 reflectors) and tree (every receiver a
# relay, the VNOC's default fan-out 16 and depth 4): one connection per
# peer of a site's view, from the VNOC's own topology code.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
N=${IVGMP_BENCH_SITES:-1000}
W=$(mktemp -d /tmp/ivgmp-bench-sa.XXXXXX)
trap 'rm -rf "$W"' EXIT
cc -O2 -std=c11 -D_GNU_SOURCE -I"$TOP/vnoc" -o "$W/sa-count" \
	"$TOP/tools/testing/bench/ipsec_sa_count.c" "$TOP/vnoc/topology.c"
echo "IPsec connections (= IKE_SAs) per site, 1 sender + $((N - 1)) receivers"
"$W/sa-count" "$N" 32
