#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data path under IPsec over an IPv6 WAN: transport-mode ESP between every
# pair of the sites' fd10:: WAN addresses (ip xfrm, selecting UDP to the
# tunnel port), require-ipsec on, sites known by their IPv6 addresses. An
# IPv6 and an IPv4 group, both carried over IPv6 + ESP; tcpdump on every
# WAN link sees only ESP (next header 50, through the fragment header for
# the big copies, which leave as outer IPv6 fragments); clear datagrams
# spoofed over IPv6 to the tunnel port are dropped and counted, never
# reach a LAN. What is asserted, in detail: tests/vm/ipsec.sh.
#
#    hA        hB        hC        hD      LAN fd00:0:i::2, 10.0.i.2
#    |         |         |         |
#    eA ====== eB ====== eC ====== eD      WAN fd10:0:i::2, ESP SAs between
#     \        |         |        /        every pair; route at A:
#      +-- wan (router, tcpdump) +         ff0e::3:3, 239.3.3.3 via B, C
#          fd10:0:i::1
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
. "$IVGMP_TOP/tests/vm/topo.sh"
. "$IVGMP_TOP/tests/vm/ipsec.sh"
ipsec_scenario 6 ipsec6
