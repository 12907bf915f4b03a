#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The minimal demo, run by tools/testing/demo.sh until a data-path demo
# (tests/vm/demo-3sites.sh) exists: Debian's kernel loads ivgmp.ko, and
# ivgmptool reads the per-namespace configuration back from it.
#
#   init netns: ivgmp.ko loaded, ivgmptool talks to it over generic netlink
. "$IVGMP_TOP/tests/vm/lib.sh"
T=demo

echo "# guest kernel $(uname -r)"
check "$T: load ivgmp.ko" load_ivgmp
grep -H . /sys/module/ivgmp/taint /sys/module/ivgmp/initstate 2>/dev/null
if command -v ivgmptool >/dev/null; then
	echo "# ivgmptool config show"
	ivgmptool config show
	check "$T: ivgmptool config show" ivgmptool config show
else
	echo "# ivgmptool not built yet (make)"
fi
check "$T: unload ivgmp.ko" unload_ivgmp
