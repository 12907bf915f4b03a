#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench: vm
# vm-timeout: 2400
# Join latency of the whole system: IGMP report at the receiving site to the
# first packet delivered there, p50 and p99 over 100 joins, four sites with
# ESP, in the QEMU guest (tests/vm/50-agent-system.sh does the work).
exec bash "$IVGMP_TOP/tests/vm/50-agent-system.sh" ipsec bench 100
