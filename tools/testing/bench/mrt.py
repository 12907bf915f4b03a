#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Minimal multicast routing daemon for the GRE baseline of the benchmark.

  mrt.py SOURCE GROUP IIF OIF...

Takes the kernel's IPv4 multicast routing table (MRT_INIT), makes IIF and
every OIF a VIF, installs one (SOURCE, GROUP) MFC entry from IIF to all
OIFs, and holds it until SIGTERM (closing the socket removes everything).
"""
import signal
import socket
import struct
import sys

MRT_INIT, MRT_ADD_VIF, MRT_ADD_MFC = 200, 202, 204
VIFF_USE_IFINDEX = 0x8
MAXVIFS = 32


def main():
    src, grp, iif, oifs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    s.setsockopt(socket.IPPROTO_IP, MRT_INIT, 1)
    ttls = bytearray(MAXVIFS)
    for vifi, name in enumerate([iif] + oifs):
        # struct vifctl: vifi, flags, threshold, rate_limit, ifindex, rmt
        vif = struct.pack("=HBBIi4s", vifi, VIFF_USE_IFINDEX, 1, 0,
                          socket.if_nametoindex(name), b"\0" * 4)
        s.setsockopt(socket.IPPROTO_IP, MRT_ADD_VIF, vif)
        if vifi:
            ttls[vifi] = 1
    # struct mfcctl: origin, group, parent, ttls[32], pkt, byte, wrong_if,
    # expire
    mfc = struct.pack("=4s4sH32s2xIIIi", socket.inet_aton(src),
                      socket.inet_aton(grp), 0, bytes(ttls), 0, 0, 0, 0)
    s.setsockopt(socket.IPPROTO_IP, MRT_ADD_MFC, mfc)
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.pause()


if __name__ == "__main__":
    main()
