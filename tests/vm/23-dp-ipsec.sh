#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data path under IPsec: transport-mode ESP between every pair of IPv4 WAN
# addresses (ip xfrm, selecting UDP to the tunnel port), require-ipsec on.
# An IPv4 and an IPv6 group over the IPv4 WAN; tcpdump on every WAN link
# (all in the WAN router) sees ESP and never the tunnel port in clear;
# copies larger than the path MTU arrive, fragmented on the outer header.
# Clear datagrams spoofed to the tunnel port from the WAN are dropped and
# counted (by ivgmp, or by the kernel's inbound policy check when they claim
# a site's address), and never reach a LAN. What is asserted, in detail:
# tests/vm/ipsec.sh (26-dp-ipsec6 is the same over an IPv6 WAN).
#
#    hA        hB        hC        hD
#    |         |         |         |
#    eA ====== eB ====== eC ====== eD      ESP SAs between every pair
#     \        |         |        /        route at A: 239.3.3.3, ff0e::3:3
#      +-- wan (router, tcpdump) +         via B, C
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
. "$IVGMP_TOP/tests/vm/topo.sh"
. "$IVGMP_TOP/tests/vm/ipsec.sh"
ipsec_scenario 4 ipsec
