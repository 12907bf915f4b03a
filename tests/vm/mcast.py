#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Multicast test endpoints for the VM scenarios (standard library only).

  mcast.py recv GROUP PORT IFNAME OUTFILE
      Join GROUP on IFNAME, count datagrams carrying this test's tag until
      SIGTERM, then write "<total> <unique>" to OUTFILE. total > unique
      means duplicates arrived.
  mcast.py send GROUP PORT IFNAME COUNT [--ttl N] [--size BYTES]
                [--interval SECONDS] [--first SEQ] [--segments K]
      Send COUNT tagged datagrams to GROUP out of IFNAME. With --segments,
      K datagrams of exactly BYTES go in one send (UDP_SEGMENT), so the
      kernel hands the LAN one GSO packet for each K.
  mcast.py spoof SRC DST DPORT COUNT --vpn V --origin O --group G --source S
      Send COUNT clear IVGMP datagrams from a forged IPv4 or IPv6 source
      address (raw socket, the family of SRC), each carrying a valid tagged
      multicast packet (the family of G) that a receiver would count if it
      were ever delivered. Checksums are right, so only IPsec can stop them.
  mcast.py echo IFNAME GROUP OUTFILE
      A misbehaving LAN host: send every IPv4 frame for GROUP that arrives
      on IFNAME straight back onto the LAN, unchanged, until SIGTERM; then
      write how many it echoed to OUTFILE (OUTFILE.ready once listening).
"""
import argparse
import signal
import socket
import struct
import sys
import time

TAG = b"ivgmp-test "
UDP_SEGMENT = 103       # linux/udp.h, not in Python's socket module
TOPO_RECV_PORT = 5000


def family_of(group):
    return socket.AF_INET6 if ":" in group else socket.AF_INET


def ifindex(name):
    return socket.if_nametoindex(name)


def recv(a):
    fam = family_of(a.group)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    idx = ifindex(a.ifname)
    if fam == socket.AF_INET:
        s.bind((a.group, a.port))
        mreqn = socket.inet_aton(a.group) + struct.pack("=4si", b"\0" * 4, idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreqn)
    else:
        s.bind((a.group, a.port, 0, idx))
        mreq = socket.inet_pton(fam, a.group) + struct.pack("=I", idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    total = 0
    seen = set()
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s.settimeout(0.2)
    # Tell the scenario we have joined, so it never sends too early.
    with open(a.outfile + ".ready", "w") as f:
        f.write("ready\n")
    while not stop:
        try:
            data = s.recv(65535)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        if not data.startswith(TAG):
            continue
        total += 1
        seen.add(data.split(b" ")[1])
    with open(a.outfile, "w") as f:
        f.write("%d %d\n" % (total, len(seen)))


def send(a):
    fam = family_of(a.group)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    idx = ifindex(a.ifname)
    if fam == socket.AF_INET:
        mreqn = struct.pack("=4s4si", b"\0" * 4, b"\0" * 4, idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, a.ttl)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        dst = (a.group, a.port)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, a.ttl)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        dst = (a.group, a.port, 0, idx)
    if a.segments > 1:
        if a.count % a.segments:
            sys.exit("send: COUNT must be a multiple of --segments")
        s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, a.size)
    for i in range(a.first, a.first + a.count, a.segments):
        msg = b""
        for j in range(i, i + a.segments):
            seg = TAG + b"%d " % j
            if a.segments > 1 and len(seg) > a.size:
                sys.exit("send: --size too small for the tag")
            msg += seg + b"x" * max(0, a.size - len(seg))
        s.sendto(msg, dst)
        if a.interval:
            time.sleep(a.interval)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(src, dst, proto, payload, ttl=64):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0, 0, ttl,
                    proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def ip6(src, dst, proto, payload, hops=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto, hops,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + payload


def udp(src, dst, sport, dport, data):
    """A UDP datagram, checksummed (IPv6 receivers demand it)."""
    length = 8 + len(data)
    if ":" in src:
        fam = socket.AF_INET6
        pseudo = struct.pack("!16s16sII", socket.inet_pton(fam, src),
                             socket.inet_pton(fam, dst), length,
                             socket.IPPROTO_UDP)
    else:
        pseudo = struct.pack("!4s4sBBH", socket.inet_aton(src),
                             socket.inet_aton(dst), 0, socket.IPPROTO_UDP,
                             length)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = csum(pseudo + hdr + data) or 0xffff
    return struct.pack("!HHHH", sport, dport, length, c) + data


def ip_any(src, dst, payload, ttl):
    if ":" in src:
        return ip6(src, dst, socket.IPPROTO_UDP, payload, ttl)
    return ip4(src, dst, socket.IPPROTO_UDP, payload, ttl)


def spoof(a):
    source = a.source
    if source is None:
        source = "fd00:0:1::2" if ":" in a.group else "10.0.1.2"
    if (":" in source) != (":" in a.group):
        sys.exit("spoof: --source and --group are of different families")
    if (":" in a.src) != (":" in a.dst):
        sys.exit("spoof: SRC and DST are of different families")
    inner = ip_any(source, a.group,
                   udp(source, a.group, 4321, TOPO_RECV_PORT,
                       TAG + b"spoof "), 16)
    hdr = struct.pack("!BBHII", 0x10, 8, 0, a.vpn, a.origin)
    pkt = ip_any(a.src, a.dst, udp(a.src, a.dst, a.dport, a.dport,
                                   hdr + inner), 64)
    # IPPROTO_RAW means IP_HDRINCL, and on IPv6 (Linux >= 4.5) IPV6_HDRINCL.
    fam = socket.AF_INET6 if ":" in a.src else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for _ in range(a.count):
        s.sendto(pkt, (a.dst, 0))


def echo(a):
    ETH_P_ALL = 3
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((a.ifname, 0))
    s.settimeout(0.2)
    group = socket.inet_aton(a.group)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    with open(a.outfile + ".ready", "w") as f:
        f.write("ready\n")
    n = 0
    while not stop:
        try:
            frame, addr = s.recvfrom(65535)
        except (socket.timeout, InterruptedError):
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        if frame[12:14] != b"\x08\x00" or frame[30:34] != group:
            continue
        s.send(frame)
        n += 1
    with open(a.outfile, "w") as f:
        f.write("%d\n" % n)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("recv")
    r.add_argument("group")
    r.add_argument("port", type=int)
    r.add_argument("ifname")
    r.add_argument("outfile")
    s = sub.add_parser("send")
    s.add_argument("group")
    s.add_argument("port", type=int)
    s.add_argument("ifname")
    s.add_argument("count", type=int)
    s.add_argument("--ttl", type=int, default=16)
    s.add_argument("--size", type=int, default=64)
    s.add_argument("--interval", type=float, default=0.005)
    s.add_argument("--first", type=int, default=0,
                   help="sequence number of the first datagram")
    s.add_argument("--segments", type=int, default=1,
                   help="datagrams per send, by UDP_SEGMENT")
    f = sub.add_parser("spoof")
    f.add_argument("src")
    f.add_argument("dst")
    f.add_argument("dport", type=int)
    f.add_argument("count", type=int)
    f.add_argument("--vpn", type=int, default=1)
    f.add_argument("--origin", type=int, default=1)
    f.add_argument("--group", default="239.1.1.1")
    f.add_argument("--source", default=None,
                   help="inner source (default: host A, family of --group)")
    e = sub.add_parser("echo")
    e.add_argument("ifname")
    e.add_argument("group")
    e.add_argument("outfile")
    a = p.parse_args()
    {"recv": recv, "send": send, "spoof": spoof, "echo": echo}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
