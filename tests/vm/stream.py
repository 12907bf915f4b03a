#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A steady multicast stream whose every packet can be accounted for, for
scenarios that disturb the path while it runs (tests/vm/27-ipsec-ike.sh).
Standard library only.

  stream.py send GROUP PORT IFNAME RATE LOG
      Send to GROUP at RATE packets/s from an ordinary socket (TTL 8) until
      SIGTERM; each datagram carries its sequence number, and LOG gets one
      line "<seq> <time>" per datagram sent.
  stream.py recv GROUP PORT IFNAME LOG
      Join GROUP on IFNAME and write "<seq> <time>" to LOG per datagram
      received (duplicates too), until SIGTERM. LOG.ready appears once
      joined.
  stream.py lost SENDLOG RECVLOG T0 T1
      Of the datagrams sent in [T0, T1), print "<sent> <lost> <dup>": how
      many were sent, how many of those never arrived, how many arrived
      more than once.
"""
import signal
import socket
import struct
import sys
import time

MAGIC = b"ivgmp-stream "


def fam(group):
    return socket.AF_INET6 if ":" in group else socket.AF_INET


def send(group, port, ifname, rate, log):
    f = fam(group)
    idx = socket.if_nametoindex(ifname)
    s = socket.socket(f, socket.SOCK_DGRAM)
    if f == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     struct.pack("=4s4si", b"\0" * 4, b"\0" * 4, idx))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
        dst = (group, port)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 8)
        dst = (group, port, 0, idx)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    period = 1.0 / rate
    seq = 0
    nxt = time.time()
    with open(log, "w", buffering=1) as out:
        while not stop:
            now = time.time()
            try:
                s.sendto(MAGIC + b"%d " % seq + b"x" * 32, dst)
            except OSError:
                pass        # counted as lost: it never arrives
            out.write("%d %.6f\n" % (seq, now))
            seq += 1
            nxt += period
            delay = nxt - time.time()
            if delay > 0:
                time.sleep(delay)
            else:
                nxt = time.time()   # a stall is not made up in a burst


def recv(group, port, ifname, log):
    f = fam(group)
    idx = socket.if_nametoindex(ifname)
    s = socket.socket(f, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if f == socket.AF_INET:
        s.bind((group, port))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                     socket.inet_aton(group) +
                     struct.pack("=4si", b"\0" * 4, idx))
    else:
        s.bind((group, port, 0, idx))
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                     socket.inet_pton(f, group) + struct.pack("=I", idx))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s.settimeout(0.1)
    with open(log + ".ready", "w") as r:
        r.write("%.6f\n" % time.time())
    with open(log, "w", buffering=1) as out:
        while not stop:
            try:
                data = s.recv(65535)
            except (socket.timeout, InterruptedError):
                continue
            if data.startswith(MAGIC):
                seq = data[len(MAGIC):].split(b" ")[0].decode()
                out.write("%s %.6f\n" % (seq, time.time()))


def lost(sendlog, recvlog, t0, t1):
    sent = set()
    with open(sendlog) as f:
        for line in f:
            p = line.split()
            if len(p) == 2 and t0 <= float(p[1]) < t1:
                sent.add(int(p[0]))
    got = {}
    with open(recvlog) as f:
        for line in f:
            p = line.split()
            if len(p) == 2 and int(p[0]) in sent:
                got[int(p[0])] = got.get(int(p[0]), 0) + 1
    print(len(sent), len(sent) - len(got),
          sum(n - 1 for n in got.values()))


def main(a):
    if len(a) == 6 and a[0] == "send":
        send(a[1], int(a[2]), a[3], float(a[4]), a[5])
    elif len(a) == 5 and a[0] == "recv":
        recv(a[1], int(a[2]), a[3], a[4])
    elif len(a) == 5 and a[0] == "lost":
        lost(a[1], a[2], float(a[3]), float(a[4]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
