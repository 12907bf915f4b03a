#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# VNOC throughput on the host (loopback, test CA): JoinGroup/s over
# keep-alive TLS and the time to push one change to 1,000 waiting sites.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
exec make -s -C "$TOP/vnoc" bench
