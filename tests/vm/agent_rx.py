#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Endpoints for the agent scenarios (tests/vm/5x-*.sh), standard library only.

  agent_rx.py recv GROUP PORT IFNAME OUTFILE [--source S]
      Join GROUP (any-source, or source-specific with --source) on IFNAME
      with an ordinary socket, as an application would. Writes OUTFILE.ready
      (time of the join) at once, OUTFILE.first (arrival time of the first
      packet) when it comes, and on SIGTERM "<total> <unique> <sources>
      <first seq> <last seq>" to OUTFILE, sources being the comma-separated
      senders seen: unique = last - first + 1 means no packet was lost.
  agent_rx.py send GROUP PORT IFNAME COUNT INTERVAL [--bind SRC] [--tag T]
      Send COUNT tagged datagrams, INTERVAL seconds apart, from SRC.
"""
import argparse
import signal
import socket
import struct
import sys
import time

TAG = b"ivgmp-test "


def fam(group):
    return socket.AF_INET6 if ":" in group else socket.AF_INET


def recv(a):
    f = fam(a.group)
    idx = socket.if_nametoindex(a.ifname)
    s = socket.socket(f, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if f == socket.AF_INET:
        s.bind((a.group, a.port))
        if a.source:
            # struct ip_mreq_source: multiaddr, interface, sourceaddr
            ifaddr = socket.inet_aton(a.ifaddr or "0.0.0.0")
            mreq = (socket.inet_aton(a.group) + ifaddr +
                    socket.inet_aton(a.source))
            s.setsockopt(socket.IPPROTO_IP, 39, mreq)  # IP_ADD_SOURCE_MEMBERSHIP
        else:
            mreqn = socket.inet_aton(a.group) + struct.pack("=4si", b"\0" * 4, idx)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreqn)
    else:
        s.bind((a.group, a.port, 0, idx))
        mreq = socket.inet_pton(f, a.group) + struct.pack("=I", idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
    total, seen, sources, stop, seqs = 0, set(), set(), [], []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s.settimeout(0.05)
    with open(a.outfile + ".ready", "w") as out:
        out.write("%.6f\n" % time.time())
    while not stop:
        try:
            data, peer = s.recvfrom(65535)
        except (socket.timeout, InterruptedError):
            continue
        if not data.startswith(TAG):
            continue
        if not total:
            with open(a.outfile + ".first", "w") as out:
                out.write("%.6f\n" % time.time())
        total += 1
        field = data.split(b" ")[1]
        seen.add(field)
        try:
            seqs.append(int(field.split(b":")[-1]))
        except ValueError:
            pass
        sources.add(peer[0])
    s.close()
    with open(a.outfile, "w") as out:
        out.write("%d %d %s %d %d\n" % (total, len(seen),
                                        ",".join(sorted(sources)) or "-",
                                        min(seqs or [0]), max(seqs or [-1])))


def send(a):
    f = fam(a.group)
    idx = socket.if_nametoindex(a.ifname)
    s = socket.socket(f, socket.SOCK_DGRAM)
    if a.bind:
        s.bind((a.bind, 0))
    if f == socket.AF_INET:
        mreqn = struct.pack("=4s4si", b"\0" * 4, b"\0" * 4, idx)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        dst = (a.group, a.port)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 8)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        dst = (a.group, a.port, 0, idx)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    sent = 0
    for i in range(a.count):
        if stop:
            break
        s.sendto(TAG + b"%s:%d " % (a.tag.encode(), i) + b"x" * 32, dst)
        sent += 1
        time.sleep(a.interval)
    print(sent)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("recv")
    r.add_argument("group")
    r.add_argument("port", type=int)
    r.add_argument("ifname")
    r.add_argument("outfile")
    r.add_argument("--source")
    r.add_argument("--ifaddr")
    t = sub.add_parser("send")
    t.add_argument("group")
    t.add_argument("port", type=int)
    t.add_argument("ifname")
    t.add_argument("count", type=int)
    t.add_argument("interval", type=float)
    t.add_argument("--bind")
    t.add_argument("--tag", default="")
    a = p.parse_args()
    recv(a) if a.cmd == "recv" else send(a)


if __name__ == "__main__":
    sys.exit(main())
