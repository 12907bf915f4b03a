#!/usr/bin/python3
"""Raw generic-netlink client for the ivgmp family, for tests that must send
what ivgmptool refuses to build: malformed and oversized attributes, and
requests from unprivileged callers.

    ivgmp_nl.py malformed [PREFIX]   send each malformed request; print one
                                     PASS:/FAIL: line per case (rejected with
                                     an extack message = PASS)
    ivgmp_nl.py eperm [PREFIX]       every command and the events group must
                                     fail with EPERM (run it unprivileged)

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
NLM_F_DUMP = 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2

# include/uapi/linux/ivgmp.h
(CMD_GET_CONFIG, CMD_SET_CONFIG, CMD_NEW_SITE, CMD_DEL_SITE, CMD_GET_SITE,
 CMD_NEW_ROUTE, CMD_DEL_ROUTE, CMD_GET_ROUTE, CMD_FLUSH,
 CMD_GET_STATS) = range(1, 11)
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
NEXTHOP_A_SITE = 1


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
        err, text, _offs, _r = g.cmd(cmd, payload, NLM_F_CREATE | NLM_F_EXCL)
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
         nest(A_SITE, u32(SITE_A_ID, 9), ip4(SITE_A_ADDR4, "192.0.2.9")),
         NLM_F_CREATE),
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


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("malformed", "eperm"):
        print(__doc__, file=sys.stderr)
        return 2
    prefix = sys.argv[2] + ": " if len(sys.argv) > 2 else ""
    g = Genl()
    if sys.argv[1] == "malformed":
        return run_malformed(g, prefix)
    return run_eperm(g, prefix)


if __name__ == "__main__":
    sys.exit(main())
