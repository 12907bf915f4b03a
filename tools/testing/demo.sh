#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make demo`: boots Debian's kernel under QEMU and shows IVGMP working.
# Runs tests/vm/demo-3sites.sh (multicast across three sites) when it exists,
# else tools/testing/vm/demo-load.sh (load the module, read its config back).
# Extra arguments are passed to the demo scenario.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
demo=$TOP/tests/vm/demo-3sites.sh
[ -f "$demo" ] || demo=$TOP/tools/testing/vm/demo-load.sh
echo "demo: $(basename "$demo") in QEMU (TCG; boot takes 10-30 s)"
exec "$TOP/tools/testing/vm/run.sh" "$demo" "$@"
