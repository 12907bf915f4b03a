#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic-netlink client for the ivgmp family, for tests that must send
what ivgmptool refuses to build: malformed and oversized attributes, and
requests from unprivileged callers.

    ivgmp_nl.py malformed [PREFIX]   send each malformed request; print one
                                     PASS:/FAIL: line per case (rejected with
                                     an extack message = PASS)
    ivgmp_nl.py eperm [PREFIX]       every command and the events group must
                                     fail with EPERM (run it unprivileged)
    ivgmp_nl.py events READY OUT     count NEW_SOURCE events until SIGTERM;
                                     touch READY once listening, write the
                                     count to OUT
    ivgmp_nl.py send-groups SRC N    send one datagram (TTL 8) from SRC to
                                     each of N groups 239.50.x.y
    ivgmp_nl.py echo-replace VPN GROUP ORIGIN [NH,...]
                                     replace the route's next hops (SET_ROUTE) with
                                     NLM_F_ECHO; print "nh SITE PACKETS" for
                                     each next hop the reply says it removed
    ivgmp_nl.py echo-del VPN GROUP ORIGIN
                                     delete the route with NLM_F_ECHO; print
                                     "route TX_PACKETS" and "nh SITE PACKETS"
                                     lines from the reply
    ivgmp_nl.py tables [PREFIX]      create and replace commands, header
                                     flags refused, EBUSY, a route with 1024
                                     next hops in a dump, NLM_F_DUMP_INTR,
                                     dumps resumed by key (needs an empty
                                     table and config site-id 1)

Only the standard library: it runs under any python3.
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
NLM_F_ECHO = 8
NLM_F_DUMP = 0x300
NLM_F_MULTI, NLM_F_DUMP_INTR, NLM_F_REPLACE = 2, 0x10, 0x100
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2

# include/uapi/linux/ivgmp.h
(CMD_GET_CONFIG, CMD_SET_CONFIG, CMD_NEW_SITE, CMD_DEL_SITE, CMD_GET_SITE,
 CMD_NEW_ROUTE, CMD_DEL_ROUTE, CMD_GET_ROUTE, CMD_FLUSH,
 CMD_GET_STATS, CMD_NEW_SOURCE, CMD_SET_SITE, CMD_SET_ROUTE) = range(1, 14)
(A_CONFIG, A_SITE, A_ROUTE, A_FLUSH, A_STATS, A_DROPS, A_EVENT, A_LAN,
 A_PREFIX, A_NEXTHOP) = range(1, 11)
(CONFIG_A_SITE_ID, CONFIG_A_PORT, CONFIG_A_FLAGS, CONFIG_A_HOP_LIMIT,
 CONFIG_A_EVENT_RATE, CONFIG_A_LANS, CONFIG_A_PREFIXES) = range(1, 8)
LAN_A_IFINDEX, LAN_A_VPN = 1, 2
PREFIX_A_ADDR4, PREFIX_A_ADDR6, PREFIX_A_PLEN = 1, 2, 3
SITE_A_ID, SITE_A_ADDR4, SITE_A_ADDR6, SITE_A_PORT, SITE_A_STATS = range(1, 6)
(ROUTE_A_VPN, ROUTE_A_GROUP4, ROUTE_A_GROUP6, ROUTE_A_SOURCE4,
 ROUTE_A_SOURCE6, ROUTE_A_ORIGIN, ROUTE_A_FLAGS, ROUTE_A_NEXTHOPS,
 ROUTE_A_STATS) = range(1, 10)
NEXTHOP_A_SITE, NEXTHOP_A_STATS = 1, 2
STATS_A_TX_PACKETS = 2
IVGMP_ROUTE_F_DELIVER_LOCAL = 1


def attr(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def nest(atype, *children):
    return attr(atype | NLA_F_NESTED, b"".join(children))


def u8(t, v):
    return attr(t, struct.pack("=B", v))


def u16(t, v):
    return attr(t, struct.pack("=H", v))


def u32(t, v):
    return attr(t, struct.pack("=I", v))


def ip4(t, s):
    return attr(t, socket.inet_pton(socket.AF_INET, s))


def ip6(t, s):
    return attr(t, socket.inet_pton(socket.AF_INET6, s))


def parse_attrs(buf):
    out = {}
    while len(buf) >= 4:
        alen, atype = struct.unpack_from("=HH", buf)
        if alen < 4:
            break
        out.setdefault(atype & 0x3fff, buf[4:alen])
        buf = buf[(alen + 3) & ~3:]
    return out


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.seq = 1
        ctrl = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                            attr(CTRL_ATTR_FAMILY_NAME, b"ivgmp\0"), 0)
        if ctrl[0]:
            raise OSError(-ctrl[0], "family ivgmp not found")
        attrs = parse_attrs(ctrl[3][0][4:])
        self.family = struct.unpack("=H", attrs[CTRL_ATTR_FAMILY_ID])[0]
        self.mcgrps = {}
        for grp in parse_attrs(attrs.get(CTRL_ATTR_MCAST_GROUPS, b"")).values():
            g = parse_attrs(grp)
            name = g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()
            self.mcgrps[name] = struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID])[0]

    def request(self, ftype, cmd, payload, flags, raw=None):
        """Returns (error, extack message, extack offset, [genl payloads])."""
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        msg = struct.pack("=IHHII", 16 + len(body), ftype,
                          NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, 0) + body
        self.sock.send(raw if raw is not None else msg)
        replies = []
        while True:
            data = self.sock.recv(1 << 17)
            while len(data) >= 16:
                mlen, mtype, mflags, _seq, _pid = struct.unpack_from("=IHHII",
                                                                     data)
                m = data[16:mlen]
                data = data[(mlen + 3) & ~3:]
                if mtype == NLMSG_DONE:
                    return 0, None, None, replies
                if mtype != NLMSG_ERROR:
                    replies.append(m)
                    continue
                err = struct.unpack_from("=i", m)[0]
                # With NETLINK_CAP_ACK only the request's header is echoed.
                tlv = parse_attrs(m[4 + 16:])
                text = tlv.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
                offs = tlv.get(NLMSGERR_ATTR_OFFS)
                if offs is not None:
                    offs = struct.unpack("=I", offs)[0]
                return err, text or None, offs, replies

    def cmd(self, cmd, payload=b"", flags=0):
        return self.request(self.family, cmd, payload, flags)


def malformed_cases():
    lan = lambda i, v: nest(A_LAN, u32(LAN_A_IFINDEX, i), u32(LAN_A_VPN, v))
    pfx4 = lambda a, l: nest(A_PREFIX, ip4(PREFIX_A_ADDR4, a),
                             u8(PREFIX_A_PLEN, l))
    cfg = lambda *c: nest(A_CONFIG, *c)
    site = lambda *c: nest(A_SITE, *c)
    key = (u32(ROUTE_A_VPN, 1), ip4(ROUTE_A_GROUP4, "239.1.1.1"))
    return [
        ("config: port 0", CMD_SET_CONFIG, cfg(u16(CONFIG_A_PORT, 0)),
         "integer out of range"),
        ("config: port as u32", CMD_SET_CONFIG, cfg(u32(CONFIG_A_PORT, 80)),
         "invalid attribute length"),
        ("config: hop limit 0", CMD_SET_CONFIG,
         cfg(u8(CONFIG_A_HOP_LIMIT, 0)),
         "integer out of range"),
        ("config: unknown flag bit", CMD_SET_CONFIG,
         cfg(u32(CONFIG_A_FLAGS, 0x80)),
         "reserved bit set"),
        ("config: event rate too high", CMD_SET_CONFIG,
         cfg(u32(CONFIG_A_EVENT_RATE, 10 ** 7)),
         "integer out of range"),
        ("config: site id as u16", CMD_SET_CONFIG,
         cfg(u16(CONFIG_A_SITE_ID, 1)),
         "invalid attribute length"),
        ("config: unknown attribute", CMD_SET_CONFIG, cfg(u32(42, 1)),
         "Unknown attribute type"),
        ("config: missing", CMD_SET_CONFIG, b"",
         "missing IVGMP_A_CONFIG"),
        ("config: nest without NLA_F_NESTED", CMD_SET_CONFIG,
         attr(A_CONFIG, u16(CONFIG_A_PORT, 9000)),
         "NLA_F_NESTED is missing"),
        ("config: site object in SET_CONFIG", CMD_SET_CONFIG,
         site(u32(SITE_A_ID, 1)),
         "Unsupported attribute"),
        ("config: 33 LANs", CMD_SET_CONFIG,
         cfg(nest(CONFIG_A_LANS, *[lan(1, 1)] * 33)),
         "too many LAN interfaces"),
        ("config: LAN without VPN", CMD_SET_CONFIG,
         cfg(nest(CONFIG_A_LANS, nest(A_LAN, u32(LAN_A_IFINDEX, 1)))),
         "LAN needs an ifindex and a VPN"),
        ("config: LAN ifindex that does not exist", CMD_SET_CONFIG,
         cfg(nest(CONFIG_A_LANS, lan(999999, 1))),
         "no such interface"),
        ("config: 65 prefixes", CMD_SET_CONFIG,
         cfg(nest(CONFIG_A_PREFIXES,
                  *[pfx4("10.%d.0.0" % i, 16) for i in range(65)])),
         "too many prefixes"),
        ("config: prefix with v4 and v6", CMD_SET_CONFIG,
         cfg(nest(CONFIG_A_PREFIXES,
                  nest(A_PREFIX, ip4(PREFIX_A_ADDR4, "10.0.0.0"),
                       ip6(PREFIX_A_ADDR6, "fd00::"),
                       u8(PREFIX_A_PLEN, 8)))),
         "exactly one of ADDR4 and ADDR6"),
        ("config: IPv4 prefix /33", CMD_SET_CONFIG,
         cfg(nest(CONFIG_A_PREFIXES, pfx4("10.0.0.0", 33))),
         "above 32"),
        ("config: prefix host bits", CMD_SET_CONFIG,
         cfg(nest(CONFIG_A_PREFIXES, pfx4("10.0.0.1", 24))),
         "host bits set"),
        ("config: oversized address", CMD_SET_CONFIG,
         cfg(nest(CONFIG_A_PREFIXES,
                  nest(A_PREFIX, attr(PREFIX_A_ADDR4, b"\1" * 4000),
                       u8(PREFIX_A_PLEN, 8)))),
         "binary attribute size out of range"),
        ("config: truncated attribute", CMD_SET_CONFIG,
         attr(A_CONFIG | NLA_F_NESTED,
              struct.pack("=HHI", 40, CONFIG_A_SITE_ID, 1)),
         "bytes leftover"),
        ("site: v4 and v6 address", CMD_NEW_SITE,
         site(u32(SITE_A_ID, 2), ip4(SITE_A_ADDR4, "192.0.2.2"),
              ip6(SITE_A_ADDR6, "2001:db8::2")),
         "exactly one of ADDR4 and ADDR6"),
        ("site: oversized address", CMD_NEW_SITE,
         site(u32(SITE_A_ID, 2), attr(SITE_A_ADDR6, b"\0" * 2000)),
         "binary attribute size out of range"),
        ("site: counters in a request", CMD_NEW_SITE,
         site(u32(SITE_A_ID, 2), ip4(SITE_A_ADDR4, "192.0.2.2"),
              nest(SITE_A_STATS)),
         "reply-only"),
        ("route: link-local group", CMD_NEW_ROUTE,
         nest(A_ROUTE, u32(ROUTE_A_VPN, 1), ip4(ROUTE_A_GROUP4, "224.0.0.5"),
              u32(ROUTE_A_ORIGIN, 1)),
         "link-local groups are never forwarded"),
        ("route: unicast group", CMD_NEW_ROUTE,
         nest(A_ROUTE, u32(ROUTE_A_VPN, 1), ip4(ROUTE_A_GROUP4, "10.0.0.1"),
              u32(ROUTE_A_ORIGIN, 1)),
         "not multicast"),
        ("route: unknown origin site", CMD_NEW_ROUTE,
         nest(A_ROUTE, *key, u32(ROUTE_A_ORIGIN, 77)),
         "neither the local site nor a known site"),
        ("route: unknown next-hop site", CMD_NEW_ROUTE,
         nest(A_ROUTE, *key, u32(ROUTE_A_ORIGIN, 1),
              nest(ROUTE_A_NEXTHOPS, nest(A_NEXTHOP,
                                          u32(NEXTHOP_A_SITE, 78)))),
         "unknown next-hop site"),
        ("route: 1025 next hops", CMD_NEW_ROUTE,
         nest(A_ROUTE, *key, u32(ROUTE_A_ORIGIN, 1),
              nest(ROUTE_A_NEXTHOPS,
                   *[nest(A_NEXTHOP, u32(NEXTHOP_A_SITE, i + 2))
                     for i in range(1025)])),
         "too many next hops"),
        ("flush: unknown flag", CMD_FLUSH, u32(A_FLUSH, 0x10),
         "reserved bit set"),
    ]


def run_malformed(g, prefix):
    failed = 0
    for name, cmd, payload, want in malformed_cases():
        err, text, _offs, _r = g.cmd(cmd, payload)
        if err < 0 and text and want in text:
            print("PASS: %s%s: %s (%s)" % (prefix, name, text,
                                           errno.errorcode.get(-err, err)))
        else:
            failed = 1
            print("FAIL: %s%s: error %d, extack %r, want %r" %
                  (prefix, name, err, text, want))
    return failed


def run_eperm(g, prefix):
    failed = 0
    checks = [
        ("GET_CONFIG", CMD_GET_CONFIG, b"", 0),
        ("SET_CONFIG", CMD_SET_CONFIG,
         nest(A_CONFIG, u16(CONFIG_A_PORT, 9999)), 0),
        ("NEW_SITE", CMD_NEW_SITE,
         nest(A_SITE, u32(SITE_A_ID, 9), ip4(SITE_A_ADDR4, "192.0.2.9")), 0),
        ("SET_ROUTE", CMD_SET_ROUTE,
         nest(A_ROUTE, u32(ROUTE_A_VPN, 1), ip4(ROUTE_A_GROUP4, "239.1.1.1"),
              u32(ROUTE_A_ORIGIN, 1)), 0),
        ("GET_SITE dump", CMD_GET_SITE, b"", NLM_F_DUMP),
        ("GET_ROUTE dump", CMD_GET_ROUTE, b"", NLM_F_DUMP),
        ("FLUSH", CMD_FLUSH, b"", 0),
        ("GET_STATS", CMD_GET_STATS, b"", 0),
    ]
    for name, cmd, payload, flags in checks:
        err = g.cmd(cmd, payload, flags)[0]
        if err == -errno.EPERM:
            print("PASS: %sunprivileged %s: EPERM" % (prefix, name))
        else:
            failed = 1
            print("FAIL: %sunprivileged %s: error %d, want EPERM" %
                  (prefix, name, err))
    try:
        g.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                          g.mcgrps["events"])
        failed = 1
        print("FAIL: %sunprivileged join of events group allowed" % prefix)
    except OSError as e:
        ok = e.errno == errno.EPERM
        failed |= not ok
        print("%s: %sunprivileged join of events group: %s" %
              ("PASS" if ok else "FAIL", prefix, os.strerror(e.errno)))
    return failed


def site_msg(sid, addr):
    fam = ip6(SITE_A_ADDR6, addr) if ":" in addr else ip4(SITE_A_ADDR4, addr)
    return nest(A_SITE, u32(SITE_A_ID, sid), fam)


def route_msg(vpn, group, origin, nexthops=(), flags=None):
    parts = [u32(ROUTE_A_VPN, vpn), ip4(ROUTE_A_GROUP4, group),
             u32(ROUTE_A_ORIGIN, origin)]
    if flags is not None:
        parts.append(u32(ROUTE_A_FLAGS, flags))
    if nexthops:
        parts.append(nest(ROUTE_A_NEXTHOPS,
                          *[nest(A_NEXTHOP, u32(NEXTHOP_A_SITE, n))
                            for n in nexthops]))
    return nest(A_ROUTE, *parts)


def dump(g, cmd, between=None):
    """Dump by hand, one recv per batch. Once at least 5 messages are in,
    call between(messages so far) before the next batch is asked for.
    Returns (messages, flags seen, batches)."""
    g.seq += 1
    body = struct.pack("=BBH", cmd, 1, 0)
    g.sock.send(struct.pack("=IHHII", 16 + len(body), g.family,
                            NLM_F_REQUEST | NLM_F_DUMP, g.seq, 0) + body)
    msgs, flags, batches = [], 0, 0
    while True:
        data = g.sock.recv(1 << 17)
        batches += 1
        while len(data) >= 16:
            mlen, mtype, mflags, _seq, _pid = struct.unpack_from("=IHHII",
                                                                 data)
            m = data[16:mlen]
            data = data[(mlen + 3) & ~3:]
            if mtype == NLMSG_DONE:
                return msgs, flags, batches
            if mtype == NLMSG_ERROR:
                raise OSError(-struct.unpack_from("=i", m)[0], "dump failed")
            flags |= mflags
            msgs.append(parse_attrs(m[4:]))
        if between and len(msgs) >= 5:
            between(msgs)
            between = None


def run_tables(g, prefix):
    failed = [0]

    def check(name, ok, detail=""):
        print("%s: %s%s%s" % ("PASS" if ok else "FAIL", prefix, name,
                              (" (%s)" % detail) if detail and not ok else ""))
        if not ok:
            failed[0] = 1

    def expect(name, res, want, text=None):
        err, msg = res[0], res[1]
        ok = err == want and (text is None or (msg and text in msg))
        check(name, ok, "error %d %r, want %d %r" % (err, msg, want, text))

    # create and replace are commands; the header flags mean nothing here
    for name, fl in (("CREATE", NLM_F_CREATE), ("EXCL", NLM_F_EXCL),
                     ("REPLACE", NLM_F_REPLACE)):
        expect("NEW_SITE with NLM_F_%s: refused by the core" % name,
               g.cmd(CMD_NEW_SITE, site_msg(2, "192.0.2.2"), fl),
               -errno.EINVAL, "nlmsg_flags")
    expect("NEW_SITE", g.cmd(CMD_NEW_SITE, site_msg(2, "192.0.2.2")), 0)
    expect("NEW_SITE again: EEXIST",
           g.cmd(CMD_NEW_SITE, site_msg(2, "192.0.2.22")), -errno.EEXIST,
           "site exists")
    expect("SET_SITE replaces",
           g.cmd(CMD_SET_SITE, site_msg(2, "2001:db8::2")), 0)
    r = g.cmd(CMD_GET_SITE, nest(A_SITE, u32(SITE_A_ID, 2)))
    site = parse_attrs(r[3][0][4:]).get(A_SITE, b"") if r[3] else b""
    check("SET_SITE read back",
          parse_attrs(site).get(SITE_A_ADDR6) ==
          socket.inet_pton(socket.AF_INET6, "2001:db8::2") and
          SITE_A_ADDR4 not in parse_attrs(site), repr(site))
    expect("SET_SITE creates a missing site",
           g.cmd(CMD_SET_SITE, site_msg(1103, "192.0.2.103")), 0)
    expect("site with another's WAN address: EEXIST",
           g.cmd(CMD_NEW_SITE, site_msg(3, "2001:db8::2")), -errno.EEXIST,
           "WAN address")

    # 1100 sites, a route through 1024 of them
    for sid in range(3, 1103):
        if g.cmd(CMD_NEW_SITE, site_msg(sid, "10.%d.%d.1" % (sid >> 8,
                                                           sid & 255)))[0]:
            check("add 1100 sites", False, "site %d" % sid)
            break
    expect("route with 1024 next hops",
           g.cmd(CMD_NEW_ROUTE, route_msg(1, "239.9.9.9", 1,
                                          range(3, 3 + 1024))), 0)
    expect("NEW_ROUTE with NLM_F_REPLACE: refused by the core",
           g.cmd(CMD_NEW_ROUTE, route_msg(1, "239.9.9.9", 1, [3]),
                 NLM_F_REPLACE), -errno.EINVAL, "nlmsg_flags")
    expect("NEW_ROUTE again: EEXIST",
           g.cmd(CMD_NEW_ROUTE, route_msg(1, "239.9.9.9", 1, [3])),
           -errno.EEXIST, "route exists")
    expect("delete a site in use: EBUSY",
           g.cmd(CMD_DEL_SITE, nest(A_SITE, u32(SITE_A_ID, 500))),
           -errno.EBUSY, "used by a route")
    expect("next hop == origin",
           g.cmd(CMD_NEW_ROUTE, route_msg(1, "239.9.9.7", 3, [3])),
           -errno.EINVAL, "origin")
    expect("duplicate next hop",
           g.cmd(CMD_NEW_ROUTE, route_msg(1, "239.9.9.7", 1, [4, 5, 4])),
           -errno.EINVAL, "duplicate")
    expect("next hop == local site",
           g.cmd(CMD_NEW_ROUTE, route_msg(1, "239.9.9.7", 3, [1])),
           -errno.EINVAL, "local site")

    # 2000 more routes, then dumps
    for i in range(2000):
        if g.cmd(CMD_NEW_ROUTE, route_msg(2, "239.8.%d.%d" % (i >> 8,
                                                            i & 255), 1,
                                          [3 + i % 50]))[0]:
            check("add 2000 routes", False, "route %d" % i)
            break
    msgs, flags, batches = dump(g, CMD_GET_ROUTE)
    check("dump: 2001 routes, not interrupted",
          len(msgs) == 2001 and not flags & NLM_F_DUMP_INTR,
          "%d routes, flags %#x" % (len(msgs), flags))
    big = [parse_attrs(m[A_ROUTE]) for m in msgs
           if parse_attrs(m[A_ROUTE]).get(ROUTE_A_VPN) == struct.pack("=I", 1)]
    nh = len(parse_attrs_all(big[0][ROUTE_A_NEXTHOPS])) if big else 0
    check("dump: the 1024 next hops of one route", nh == 1024, "%d" % nh)
    check("dump: more than one batch", batches > 2, "%d" % batches)

    g2 = Genl()
    msgs, flags, _ = dump(g, CMD_GET_ROUTE, lambda _m: g2.cmd(
        CMD_DEL_ROUTE, route_msg(2, "239.8.7.207", 1)))
    check("dump with a delete in between: NLM_F_DUMP_INTR",
          flags & NLM_F_DUMP_INTR, "flags %#x, %d routes" % (flags, len(msgs)))

    # A batch resumes after the last object it sent, found by key: deleting
    # objects the dump has already passed shifts nothing.
    def route_key(m):
        r = parse_attrs(m[A_ROUTE])
        return r[ROUTE_A_VPN], r[ROUTE_A_GROUP4]

    def del_sent_routes(sent):
        # the 2nd to 4th: not the big route, not the last one sent
        for m in sent[1:4]:
            vpn, grp = route_key(m)
            g2.cmd(CMD_DEL_ROUTE, route_msg(struct.unpack("=I", vpn)[0],
                                            socket.inet_ntoa(grp), 1))
    msgs, flags, batches = dump(g, CMD_GET_ROUTE, del_sent_routes)
    keys = [route_key(m) for m in msgs]
    check("route dump: routes already sent deleted between batches: "
          "every route once", len(keys) == 2000 and len(set(keys)) == 2000,
          "%d routes, %d distinct, %d batches" % (len(keys), len(set(keys)),
                                                  batches))
    msgs, flags, _ = dump(g, CMD_GET_ROUTE)
    check("route dump: 1997 routes after the deletes", len(msgs) == 1997,
          "%d" % len(msgs))

    msgs, flags, _ = dump(g, CMD_GET_SITE)
    check("site dump: 1102 sites", len(msgs) == 1102 and
          not flags & NLM_F_DUMP_INTR, "%d, flags %#x" % (len(msgs), flags))

    expect("SET_ROUTE replaces the big route's next hops",
           g.cmd(CMD_SET_ROUTE, route_msg(1, "239.9.9.9", 1, [3, 4],
                                          IVGMP_ROUTE_F_DELIVER_LOCAL)), 0)
    r = g.cmd(CMD_GET_ROUTE, route_msg(1, "239.9.9.9", 1))
    route = parse_attrs(parse_attrs(r[3][0][4:])[A_ROUTE]) if r[3] else {}
    check("replaced route read back",
          len(parse_attrs_all(route.get(ROUTE_A_NEXTHOPS, b""))) == 2 and
          route.get(ROUTE_A_FLAGS) == struct.pack("=I", 1), repr(route)[:200])
    expect("site 500 free after the replace",
           g.cmd(CMD_DEL_SITE, nest(A_SITE, u32(SITE_A_ID, 500))), 0)

    # The same for sites: delete sites the dump has passed (not used by a
    # route any more) between two batches.
    def site_id(m):
        return struct.unpack("=I", parse_attrs(m[A_SITE])[SITE_A_ID])[0]

    deleted = []

    def del_sent_sites(sent):
        # not the last one sent: the batch resumes after that one
        for sid in [site_id(m) for m in sent[:-1]]:
            if sid > 52 and len(deleted) < 3 and not g2.cmd(
                    CMD_DEL_SITE, nest(A_SITE, u32(SITE_A_ID, sid)))[0]:
                deleted.append(sid)
    msgs, flags, batches = dump(g, CMD_GET_SITE, del_sent_sites)
    ids = [site_id(m) for m in msgs]
    check("site dump: sites already sent deleted between batches: "
          "every site once", len(deleted) == 3 and len(ids) == 1101 and
          len(set(ids)) == 1101, "%d deleted, %d sites, %d distinct, "
          "%d batches" % (len(deleted), len(ids), len(set(ids)), batches))
    expect("flush", g.cmd(CMD_FLUSH), 0)
    msgs, _, _ = dump(g, CMD_GET_SITE)
    check("flush: no sites left", not msgs, "%d" % len(msgs))
    return failed[0]


def parse_attrs_all(buf):
    out = []
    while len(buf) >= 4:
        alen, atype = struct.unpack_from("=HH", buf)
        if alen < 4:
            break
        out.append((atype & 0x3fff, buf[4:alen]))
        buf = buf[(alen + 3) & ~3:]
    return out


def echo_request(argv):
    """echo-replace / echo-del: print what the reply counted, exit 1 when
    the kernel refused or sent no reply."""
    vpn, group, origin = int(argv[2]), argv[3], int(argv[4])
    g = Genl()
    if argv[1] == "echo-replace":
        nhs = [int(n) for n in argv[5].split(",")] if len(argv) > 5 and argv[5] else []
        err, text, _, replies = g.cmd(
            CMD_SET_ROUTE, route_msg(vpn, group, origin, nhs, flags=0),
            NLM_F_ECHO)
    else:
        err, text, _, replies = g.cmd(CMD_DEL_ROUTE,
                                      route_msg(vpn, group, origin),
                                      NLM_F_ECHO)
    if err:
        print("error %s: %s" % (os.strerror(-err), text), file=sys.stderr)
        return 1
    if not replies:
        print("no reply", file=sys.stderr)
        return 1
    route = parse_attrs(parse_attrs(replies[0][4:])[A_ROUTE])
    if ROUTE_A_STATS in route:
        st = parse_attrs(route[ROUTE_A_STATS])
        print("route %d" % struct.unpack("=Q", st[STATS_A_TX_PACKETS])[0])
    for atype, item in parse_attrs_all(route.get(ROUTE_A_NEXTHOPS, b"")):
        nh = parse_attrs(item)
        st = parse_attrs(nh.get(NEXTHOP_A_STATS, b""))
        print("nh %d %d" % (struct.unpack("=I", nh[NEXTHOP_A_SITE])[0],
                            struct.unpack("=Q", st[STATS_A_TX_PACKETS])[0]))
    return 0


def count_events(ready, out):
    """Count NEW_SOURCE events from joining the group until SIGTERM; touch
    READY once joined, write the count to OUT at the end."""
    import select
    import signal
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    g = Genl()
    g.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g.mcgrps["events"])
    g.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    open(ready, "w").close()
    n = 0
    while not stop:
        try:
            if not select.select([g.sock], [], [], 0.2)[0]:
                continue
        except InterruptedError:
            continue
        data = g.sock.recv(1 << 16)
        while len(data) >= 20:
            mlen, mtype = struct.unpack_from("=IH", data)
            if mtype == g.family and data[16] == 11:  # IVGMP_CMD_NEW_SOURCE
                n += 1
            data = data[(mlen + 3) & ~3:]
    with open(out, "w") as f:
        f.write("%d\n" % n)
    return 0


def send_groups(src, count):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                 socket.inet_aton(src))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 8)
    for i in range(count):
        s.sendto(b"ivgmp-event-test", ("239.50.%d.%d" % (i >> 8, 1 + i % 250),
                                       5000))
    return 0


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "events":
        return count_events(sys.argv[2], sys.argv[3])
    if len(sys.argv) >= 5 and sys.argv[1] in ("echo-replace", "echo-del"):
        return echo_request(sys.argv)
    if len(sys.argv) >= 4 and sys.argv[1] == "send-groups":
        return send_groups(sys.argv[2], int(sys.argv[3]))
    if len(sys.argv) < 2 or sys.argv[1] not in ("malformed", "eperm",
                                                "tables"):
        print(__doc__, file=sys.stderr)
        return 2
    prefix = sys.argv[2] + ": " if len(sys.argv) > 2 else ""
    g = Genl()
    if sys.argv[1] == "malformed":
        return run_malformed(g, prefix)
    if sys.argv[1] == "tables":
        return run_tables(g, prefix)
    return run_eperm(g, prefix)


if __name__ == "__main__":
    sys.exit(main())
