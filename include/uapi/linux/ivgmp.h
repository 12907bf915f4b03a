/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * IVGMP: multicast across an IPsec VPN by per-site unicast replication.
 *
 * Generic netlink API, version 1. Family IVGMP_GENL_NAME, one instance per
 * network namespace. Every command needs CAP_NET_ADMIN in the namespace's
 * user namespace (GENL_UNS_ADMIN_PERM). Policies are strict: unknown
 * attributes, unknown flag bits, wrong lengths and out-of-range values are
 * rejected with an extack message naming the attribute.
 *
 * Addresses are raw network-order bytes: 4 bytes for the *4 attributes,
 * 16 bytes (struct in6_addr) for the *6 attributes. Where an object has both
 * a v4 and a v6 form, exactly one must be given.
 *
 * IVGMP_CMD_GET_CONFIG
 *   Request: no attributes. Reply:
 *     IVGMP_A_CONFIG: NLA_NESTED
 *       IVGMP_CONFIG_A_SITE_ID: NLA_U32      local site id, 0 = not set
 *       IVGMP_CONFIG_A_PORT: NLA_U16         tunnel UDP port, host order
 *       IVGMP_CONFIG_A_FLAGS: NLA_U32        IVGMP_CONFIG_F_*
 *       IVGMP_CONFIG_A_HOP_LIMIT: NLA_U8     initial header hop count
 *       IVGMP_CONFIG_A_EVENT_RATE: NLA_U32   NEW_SOURCE events per second
 *       IVGMP_CONFIG_A_LANS: NLA_NESTED
 *         IVGMP_A_LAN: NLA_NESTED            repeated, one per LAN interface
 *           IVGMP_LAN_A_IFINDEX: NLA_U32
 *           IVGMP_LAN_A_VPN: NLA_U32         VPN of traffic sent from this LAN
 *       IVGMP_CONFIG_A_PREFIXES: NLA_NESTED  local prefixes (RPF)
 *         IVGMP_A_PREFIX: NLA_NESTED         repeated
 *           IVGMP_PREFIX_A_ADDR4 or IVGMP_PREFIX_A_ADDR6
 *           IVGMP_PREFIX_A_PLEN: NLA_U8
 *
 * IVGMP_CMD_SET_CONFIG
 *   Request: IVGMP_A_CONFIG with any subset of the attributes above. Only
 *   the attributes present change. IVGMP_CONFIG_A_LANS and
 *   IVGMP_CONFIG_A_PREFIXES, when present, replace the whole list (an empty
 *   nest clears it). Changing the port or the site id while routes exist is
 *   allowed; the tunnel socket is rebound. No reply beyond the ack.
 *
 * Requests carry no nlmsg_flags beyond NLM_F_REQUEST, NLM_F_ACK, NLM_F_ECHO
 * and NLM_F_DUMP, and a zero reserved field in the genetlink header; the
 * core rejects anything else. Create and replace are separate commands.
 *
 * IVGMP_CMD_NEW_SITE: create a site; EEXIST if the id exists.
 * IVGMP_CMD_SET_SITE: create a site, or replace the address and port of
 *   an existing one (its counters and routes stay).
 *   IVGMP_A_SITE: NLA_NESTED
 *     IVGMP_SITE_A_ID: NLA_U32               1 .. U32_MAX, required
 *     IVGMP_SITE_A_ADDR4 or IVGMP_SITE_A_ADDR6   WAN address, required
 *     IVGMP_SITE_A_PORT: NLA_U16             default: the configured port
 *     IVGMP_SITE_A_STATS: NLA_NESTED         reply only: IVGMP_STATS_A_*
 *
 * IVGMP_CMD_DEL_SITE
 *   IVGMP_A_SITE with IVGMP_SITE_A_ID. Fails with EBUSY while a route names
 *   the site (as origin or next hop).
 *
 * IVGMP_CMD_GET_SITE
 *   doit: IVGMP_A_SITE with IVGMP_SITE_A_ID. dumpit: every site, one
 *   IVGMP_A_SITE per message.
 *
 * IVGMP_CMD_NEW_ROUTE: create a route; EEXIST if the key exists.
 * IVGMP_CMD_SET_ROUTE: create a route, or replace the flags and the whole
 *   next-hop list of an existing one, atomically; its counters stay.
 *   IVGMP_A_ROUTE: NLA_NESTED
 *     IVGMP_ROUTE_A_VPN: NLA_U32             required (key)
 *     IVGMP_ROUTE_A_GROUP4 or _GROUP6        multicast, required (key)
 *     IVGMP_ROUTE_A_SOURCE4 or _SOURCE6      optional (key): an (S,G) route;
 *                                            same family as the group; an
 *                                            (S,G) route wins over (*,G)
 *     IVGMP_ROUTE_A_ORIGIN: NLA_U32          origin site id, required (key)
 *     IVGMP_ROUTE_A_FLAGS: NLA_U32           IVGMP_ROUTE_F_*
 *     IVGMP_ROUTE_A_NEXTHOPS: NLA_NESTED     at most IVGMP_MAX_NEXTHOPS
 *       IVGMP_A_NEXTHOP: NLA_NESTED          repeated, no duplicates
 *         IVGMP_NEXTHOP_A_SITE: NLA_U32      must be a known site
 *         IVGMP_NEXTHOP_A_STATS: NLA_NESTED  reply only: IVGMP_STATS_A_*
 *     IVGMP_ROUTE_A_STATS: NLA_NESTED        reply only: IVGMP_STATS_A_*
 *   The origin must be a known site or the local site id.
 *
 *   With NLM_F_ECHO, the reply (same command) holds the key and the next
 *   hops a SET_ROUTE replacement removed, with their final counters (read
 *   after a grace period; none when nothing was removed).
 *
 * IVGMP_CMD_DEL_ROUTE
 *   IVGMP_A_ROUTE with the key attributes. With NLM_F_ECHO, a DEL_ROUTE
 *   reply holds the deleted route, its counters final.
 *
 * IVGMP_CMD_GET_ROUTE
 *   doit: IVGMP_A_ROUTE with the key. dumpit: every route, one IVGMP_A_ROUTE
 *   per message, with counters. A dump interrupted by a table change is
 *   flagged NLM_F_DUMP_INTR.
 *
 * IVGMP_CMD_FLUSH
 *   IVGMP_A_FLUSH: NLA_U32                   IVGMP_FLUSH_* (0 = everything)
 *
 * IVGMP_CMD_GET_STATS
 *   Reply: IVGMP_A_STATS: NLA_NESTED with IVGMP_STATS_A_*, and
 *          IVGMP_A_DROPS: NLA_NESTED with one NLA_U64 per enum ivgmp_drop,
 *          the attribute type being the drop reason.
 *
 * IVGMP_CMD_NEW_SOURCE (event, multicast group IVGMP_MCGRP_EVENTS)
 *   IVGMP_A_EVENT: NLA_NESTED
 *     IVGMP_EVENT_A_VPN: NLA_U32
 *     IVGMP_EVENT_A_GROUP4 or _GROUP6
 *     IVGMP_EVENT_A_SOURCE4 or _SOURCE6
 *     IVGMP_EVENT_A_IFINDEX: NLA_U32         LAN interface it arrived on
 *   Sent when a local source sends to a group that has no route, at most
 *   IVGMP_CONFIG_A_EVENT_RATE times a second per namespace.
 *
 * IVGMP_STATS_A_* (all NLA_U64, padded with IVGMP_STATS_A_PAD):
 *   TX_PACKETS, TX_BYTES    encapsulated copies sent (route, next hop, site)
 *   RX_PACKETS, RX_BYTES    datagrams received (route, site, namespace)
 *   DELIVERED               inner packets put on a LAN
 *   RELAYED                 copies relayed to further sites
 *   Bytes count the inner multicast packet, not the outer headers.
 */
#ifndef _UAPI_LINUX_IVGMP_H
#define _UAPI_LINUX_IVGMP_H

#include <linux/types.h>

#define IVGMP_GENL_NAME		"ivgmp"
#define IVGMP_GENL_VERSION	1
#define IVGMP_MCGRP_EVENTS	"events"

#define IVGMP_DEFAULT_PORT	7654	/* tunnel UDP port unless configured */
#define IVGMP_DEFAULT_HOP_LIMIT	8	/* relays a copy may cross */
#define IVGMP_DEFAULT_EVENT_RATE 100	/* NEW_SOURCE events per second */
#define IVGMP_MAX_NEXTHOPS	1024	/* per route */
#define IVGMP_MAX_LANS		32
#define IVGMP_MAX_PREFIXES	64

enum ivgmp_cmd {
	IVGMP_CMD_UNSPEC,
	IVGMP_CMD_GET_CONFIG,
	IVGMP_CMD_SET_CONFIG,
	IVGMP_CMD_NEW_SITE,
	IVGMP_CMD_DEL_SITE,
	IVGMP_CMD_GET_SITE,
	IVGMP_CMD_NEW_ROUTE,
	IVGMP_CMD_DEL_ROUTE,
	IVGMP_CMD_GET_ROUTE,
	IVGMP_CMD_FLUSH,
	IVGMP_CMD_GET_STATS,
	IVGMP_CMD_NEW_SOURCE,
	/* Added later; command numbers never change. */
	IVGMP_CMD_SET_SITE,
	IVGMP_CMD_SET_ROUTE,
	__IVGMP_CMD_MAX
};
#define IVGMP_CMD_MAX (__IVGMP_CMD_MAX - 1)

enum ivgmp_attr {
	IVGMP_A_UNSPEC,
	IVGMP_A_CONFIG,
	IVGMP_A_SITE,
	IVGMP_A_ROUTE,
	IVGMP_A_FLUSH,
	IVGMP_A_STATS,
	IVGMP_A_DROPS,
	IVGMP_A_EVENT,
	IVGMP_A_LAN,		/* inside IVGMP_CONFIG_A_LANS */
	IVGMP_A_PREFIX,		/* inside IVGMP_CONFIG_A_PREFIXES */
	IVGMP_A_NEXTHOP,	/* inside IVGMP_ROUTE_A_NEXTHOPS */
	__IVGMP_A_MAX
};
#define IVGMP_A_MAX (__IVGMP_A_MAX - 1)

enum ivgmp_config_flag {
	/* Drop tunnel datagrams that did not arrive through IPsec (XFRM). */
	IVGMP_CONFIG_F_REQUIRE_IPSEC = 1U << 0,
	__IVGMP_CONFIG_F_ALL = IVGMP_CONFIG_F_REQUIRE_IPSEC
};

enum ivgmp_config_attr {
	IVGMP_CONFIG_A_UNSPEC,
	IVGMP_CONFIG_A_SITE_ID,
	IVGMP_CONFIG_A_PORT,
	IVGMP_CONFIG_A_FLAGS,
	IVGMP_CONFIG_A_HOP_LIMIT,
	IVGMP_CONFIG_A_EVENT_RATE,
	IVGMP_CONFIG_A_LANS,
	IVGMP_CONFIG_A_PREFIXES,
	__IVGMP_CONFIG_A_MAX
};
#define IVGMP_CONFIG_A_MAX (__IVGMP_CONFIG_A_MAX - 1)

enum ivgmp_lan_attr {
	IVGMP_LAN_A_UNSPEC,
	IVGMP_LAN_A_IFINDEX,
	IVGMP_LAN_A_VPN,
	__IVGMP_LAN_A_MAX
};
#define IVGMP_LAN_A_MAX (__IVGMP_LAN_A_MAX - 1)

enum ivgmp_prefix_attr {
	IVGMP_PREFIX_A_UNSPEC,
	IVGMP_PREFIX_A_ADDR4,
	IVGMP_PREFIX_A_ADDR6,
	IVGMP_PREFIX_A_PLEN,
	__IVGMP_PREFIX_A_MAX
};
#define IVGMP_PREFIX_A_MAX (__IVGMP_PREFIX_A_MAX - 1)

enum ivgmp_site_attr {
	IVGMP_SITE_A_UNSPEC,
	IVGMP_SITE_A_ID,
	IVGMP_SITE_A_ADDR4,
	IVGMP_SITE_A_ADDR6,
	IVGMP_SITE_A_PORT,
	IVGMP_SITE_A_STATS,
	__IVGMP_SITE_A_MAX
};
#define IVGMP_SITE_A_MAX (__IVGMP_SITE_A_MAX - 1)

enum ivgmp_route_flag {
	/* Put traffic of this route on the local LANs. */
	IVGMP_ROUTE_F_DELIVER_LOCAL = 1U << 0,
	__IVGMP_ROUTE_F_ALL = IVGMP_ROUTE_F_DELIVER_LOCAL
};

enum ivgmp_route_attr {
	IVGMP_ROUTE_A_UNSPEC,
	IVGMP_ROUTE_A_VPN,
	IVGMP_ROUTE_A_GROUP4,
	IVGMP_ROUTE_A_GROUP6,
	IVGMP_ROUTE_A_SOURCE4,
	IVGMP_ROUTE_A_SOURCE6,
	IVGMP_ROUTE_A_ORIGIN,
	IVGMP_ROUTE_A_FLAGS,
	IVGMP_ROUTE_A_NEXTHOPS,
	IVGMP_ROUTE_A_STATS,
	__IVGMP_ROUTE_A_MAX
};
#define IVGMP_ROUTE_A_MAX (__IVGMP_ROUTE_A_MAX - 1)

enum ivgmp_nexthop_attr {
	IVGMP_NEXTHOP_A_UNSPEC,
	IVGMP_NEXTHOP_A_SITE,
	IVGMP_NEXTHOP_A_STATS,
	__IVGMP_NEXTHOP_A_MAX
};
#define IVGMP_NEXTHOP_A_MAX (__IVGMP_NEXTHOP_A_MAX - 1)

enum ivgmp_flush_flag {
	IVGMP_FLUSH_ROUTES = 1U << 0,
	IVGMP_FLUSH_SITES = 1U << 1,	/* implies IVGMP_FLUSH_ROUTES */
	__IVGMP_FLUSH_ALL = IVGMP_FLUSH_ROUTES | IVGMP_FLUSH_SITES
};

enum ivgmp_stats_attr {
	IVGMP_STATS_A_UNSPEC,
	IVGMP_STATS_A_PAD,
	IVGMP_STATS_A_TX_PACKETS,
	IVGMP_STATS_A_TX_BYTES,
	IVGMP_STATS_A_RX_PACKETS,
	IVGMP_STATS_A_RX_BYTES,
	IVGMP_STATS_A_DELIVERED,
	IVGMP_STATS_A_RELAYED,
	__IVGMP_STATS_A_MAX
};
#define IVGMP_STATS_A_MAX (__IVGMP_STATS_A_MAX - 1)

/* Why a packet was dropped; the attribute type inside IVGMP_A_DROPS. */
enum ivgmp_drop {
	IVGMP_DROP_UNSPEC,
	IVGMP_DROP_NOT_IPSEC,	/* tunnel datagram not protected by XFRM */
	IVGMP_DROP_TRUNCATED,	/* shorter than the IVGMP header */
	IVGMP_DROP_BAD_VERSION,	/* header version is not 1 */
	IVGMP_DROP_BAD_FLAGS,	/* reserved flags or bits set */
	IVGMP_DROP_BAD_INNER,	/* inner IP header invalid or not multicast */
	IVGMP_DROP_UNKNOWN_SITE, /* outer source is no known site */
	IVGMP_DROP_NO_ROUTE,	/* no route for (vpn, group, origin) */
	IVGMP_DROP_TTL,		/* inner TTL or hop limit would reach 0 */
	IVGMP_DROP_HOPS,	/* header hop count exhausted */
	IVGMP_DROP_LOOP,	/* copy came back to its origin */
	IVGMP_DROP_NOMEM,	/* allocation or headroom failure */
	IVGMP_DROP_NO_OUTPUT,	/* no route to the next hop's WAN address */
	IVGMP_DROP_XMIT,	/* transmit failed */
	/*
	 * A copy not sent because its route to the site carries no IPsec:
	 * require_ipsec is on and the route has no XFRM bundle, or an XFRM
	 * policy blocks the flow.
	 */
	IVGMP_DROP_TX_NOT_IPSEC,
	__IVGMP_DROP_MAX
};
#define IVGMP_DROP_MAX (__IVGMP_DROP_MAX - 1)

enum ivgmp_event_attr {
	IVGMP_EVENT_A_UNSPEC,
	IVGMP_EVENT_A_VPN,
	IVGMP_EVENT_A_GROUP4,
	IVGMP_EVENT_A_GROUP6,
	IVGMP_EVENT_A_SOURCE4,
	IVGMP_EVENT_A_SOURCE6,
	IVGMP_EVENT_A_IFINDEX,
	__IVGMP_EVENT_A_MAX
};
#define IVGMP_EVENT_A_MAX (__IVGMP_EVENT_A_MAX - 1)

/*
 * Wire format: the payload of a tunnel UDP datagram. All fields are in
 * network byte order. The original multicast packet (IPv4 or IPv6, from its
 * IP header on) follows the header; its version nibble gives its family.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ver  | flags |   hop count   |          reserved (0)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             vpn id                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         origin site id                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Version 1 defines no flags: a receiver drops a datagram with a flag or a
 * reserved bit set, so a later version can give them a meaning safely.
 */
#define IVGMP_WIRE_VERSION	1

struct ivgmp_hdr {
	__u8	ver_flags;	/* version in the high nibble */
	__u8	hops;
	__be16	reserved;
	__be32	vpn;
	__be32	origin;
};

#define IVGMP_HDR_LEN		12

#endif /* _UAPI_LINUX_IVGMP_H */
