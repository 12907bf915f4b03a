#!/usr/bin/python3
"""Multicast test endpoints for the VM scenarios (standard library only).

  mcast.py recv GROUP PORT IFNAME OUTFILE
      Join GROUP on IFNAME, count datagrams carrying this test's tag until
      SIGTERM, then write "<total> <unique>" to OUTFILE. total > unique
      means duplicates arrived.
  mcast.py send GROUP PORT IFNAME COUNT [--ttl N] [--size BYTES]
                [--interval SECONDS]
      Send COUNT tagged datagrams to GROUP out of IFNAME.
  mcast.py spoof SRC DST DPORT PAYLOAD_HEX
      Send one IPv4 UDP datagram with a forged source address (raw socket).
"""
import argparse
import signal
import socket
import struct
import sys
import time

TAG = b"ivgmp-test "


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
    for i in range(a.count):
        msg = TAG + b"%d " % i
        msg += b"x" * max(0, a.size - len(msg))
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


def spoof(a):
    payload = bytes.fromhex(a.payload)
    udp = struct.pack("!HHHH", a.dport, a.dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64,
                     socket.IPPROTO_UDP, 0, socket.inet_aton(a.src),
                     socket.inet_aton(a.dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(ip + udp, (a.dst, 0))


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
    f = sub.add_parser("spoof")
    f.add_argument("src")
    f.add_argument("dst")
    f.add_argument("dport", type=int)
    f.add_argument("payload")
    a = p.parse_args()
    {"recv": recv, "send": send, "spoof": spoof}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
