#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Documentation/netlink/specs/ivgmp.yaml (the family in the YNL format of
# the kernel's tools/net/ynl) against the module as loaded: its commands,
# admin flags and multicast groups (CTRL_CMD_GETFAMILY), every command's
# request policy nest by nest (CTRL_CMD_GETPOLICY), and the numbers of
# include/uapi/linux/ivgmp.h. One namespace, no traffic.
#
#   ns s1: lo only, ivgmp loaded
set -u
. "$IVGMP_TOP/tests/vm/lib.sh"
T=12-netlink-spec

check "$T: load" load_ivgmp
check "$T: namespace" netns_add s1
ip netns exec s1 /usr/bin/python3 "$IVGMP_TOP/tests/vm/ivgmp_spec.py" \
	"$IVGMP_TOP/Documentation/netlink/specs/ivgmp.yaml" \
	"$IVGMP_TOP/include/uapi/linux/ivgmp.h" "$T" || FAILED=1
