#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A static inner multicast router for the multi-subnet scenarios.

  mroute.py IN_IF OUT_IF SOURCE GROUP

Makes this namespace forward (SOURCE, GROUP) from IN_IF to OUT_IF with the
kernel's IPv4 multicast routing (MRT_INIT, two VIFs, one MFC entry), the way
a site's inner router would, until SIGTERM. Prints "ready" once installed.
"""
import signal
import socket
import struct
import sys
import time

MRT_INIT, MRT_DONE, MRT_ADD_VIF, MRT_ADD_MFC = 200, 201, 202, 204
VIFF_USE_IFINDEX = 0x8


def main():
    in_if, out_if, source, group = sys.argv[1:5]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    s.setsockopt(socket.IPPROTO_IP, MRT_INIT, struct.pack("i", 1))
    for vifi, name in ((0, in_if), (1, out_if)):
        vif = struct.pack("=HBBIi4s", vifi, VIFF_USE_IFINDEX, 1, 0,
                          socket.if_nametoindex(name), b"\0" * 4)
        s.setsockopt(socket.IPPROTO_IP, MRT_ADD_VIF, vif)
    ttls = bytes([0, 1] + [0] * 30)
    mfc = struct.pack("=4s4sH32s2xIIIi", socket.inet_aton(source),
                      socket.inet_aton(group), 0, ttls, 0, 0, 0, 0)
    s.setsockopt(socket.IPPROTO_IP, MRT_ADD_MFC, mfc)
    print("ready", flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s.settimeout(0.2)
    while not stop:
        try:
            s.recv(65535)	# upcalls (IGMPMSG_NOCACHE...): not needed
        except (socket.timeout, InterruptedError):
            pass
    s.setsockopt(socket.IPPROTO_IP, MRT_DONE, struct.pack("i", 1))


if __name__ == "__main__":
    main()
