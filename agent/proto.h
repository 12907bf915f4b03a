/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IGMP (v1, v2, v3) and MLD (v1, v2) messages as the agent sees them.
 *
 * Both families parse into one representation so that the membership state
 * machine (membership.c) is written once.  Addresses are struct in6_addr; an
 * IPv4 address is stored IPv4-mapped (::ffff:a.b.c.d) so that comparison,
 * hashing and ordering (querier election) are one memcmp for both families.
 *
 * Parsers take the whole IP datagram (IPv4 header or IPv6 header with its
 * extension headers), because validation needs the IP layer: the TTL or hop
 * limit must be 1, MLD needs the pseudo-header for its checksum and a
 * link-local source, and querier election needs the sender's address.
 */
#ifndef IVGMP_AGENT_PROTO_H
#define IVGMP_AGENT_PROTO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A full-sized report on a 1500-byte link carries at most 366 IPv4 or 89
 * IPv6 sources; the limits leave room for jumbo links and refuse more,
 * because an attacker must not make the agent allocate state without bound.
 */
#define MC_MAX_RECORDS	128
#define MC_MAX_SOURCES	512

enum mc_type {
	MC_QUERY = 1,
	MC_REPORT,	/* IGMPv1/v2 report, MLDv1 report: join one group */
	MC_LEAVE,	/* IGMPv2 leave, MLDv1 done */
	MC_REPORT_V3,	/* IGMPv3 or MLDv2 report: list of records */
};

/* RFC 3376 §4.2.12 and RFC 3810 §5.2.12 share the values. */
enum mc_rec_type {
	MC_MODE_IS_INCLUDE = 1,
	MC_MODE_IS_EXCLUDE = 2,
	MC_CHANGE_TO_INCLUDE = 3,
	MC_CHANGE_TO_EXCLUDE = 4,
	MC_ALLOW_NEW_SOURCES = 5,
	MC_BLOCK_OLD_SOURCES = 6,
};

struct mc_record {
	uint8_t type;			/* enum mc_rec_type */
	uint16_t nsrc;
	struct in6_addr group;
	const struct in6_addr *src;	/* points into mc_msg.src */
};

struct mc_msg {
	int family;			/* AF_INET or AF_INET6 */
	enum mc_type type;
	uint8_t version;		/* IGMP 1..3, MLD 1..2 */
	struct in6_addr saddr;		/* IP source of the message */
	struct in6_addr daddr;
	struct in6_addr group;		/* query (:: if general), v1/v2 report, leave */

	/* queries */
	uint32_t max_resp_ms;		/* decoded; 0 for an IGMPv1 query */
	bool s_flag;			/* suppress router-side processing */
	uint8_t qrv;
	uint32_t qqi_s;			/* decoded QQIC, seconds */

	uint16_t nrec;			/* v3 reports */
	uint16_t skipped_records;	/* unknown types, ignored per RFC */
	struct mc_record rec[MC_MAX_RECORDS];

	uint16_t nsrc;			/* query sources, or all records' sources */
	struct in6_addr src[MC_MAX_SOURCES];
};

enum mc_err {
	MC_OK = 0,
	MC_ETRUNC,		/* shorter than its headers say */
	MC_EIPHDR,		/* malformed IP header */
	MC_EFRAG,		/* fragments are never valid for IGMP/MLD */
	MC_ETTL,		/* TTL / hop limit not 1: not from the link */
	MC_ECSUM,
	MC_ELEN,		/* length fits no version of the message */
	MC_ENOTMCAST,		/* group is not a multicast address */
	MC_ERECS,		/* record or source count exceeds the packet */
	MC_E2BIG,		/* more records or sources than we keep */
	MC_ESRC,		/* source address not allowed */
	MC_ETYPE,		/* not IGMP/MLD or unknown message type */
	MC_EPROTO,		/* not an IGMP/MLD packet at all */
	MC_ERR_MAX,
};

const char *mc_strerror(int err);
/* Clears what a parse fills in, keeping saddr and daddr. */
void mc_msg_reset(struct mc_msg *m, int family);

/* Whole IP datagram, either family. */
int mc_parse(const void *pkt, size_t len, struct mc_msg *m);
int igmp_parse_ip(const void *pkt, size_t len, struct mc_msg *m);
int mld_parse_ip(const void *pkt, size_t len, struct mc_msg *m);

/*
 * The records of an IGMPv3 or MLDv2 report (p at the message, len >= 8),
 * addresses of @alen bytes read with @get_addr. Shared by igmp.c and mld.c.
 */
int mc_parse_records(const uint8_t *p, size_t len, struct mc_msg *m,
		     size_t alen,
		     void (*get_addr)(struct in6_addr *a, const uint8_t *p));

/* The IGMP message alone (after the IPv4 header); saddr etc. are kept. */
int igmp_parse(const void *buf, size_t len, struct mc_msg *m);
/* The ICMPv6 message alone; src and dst form the checksum's pseudo-header. */
int mld_parse(const void *buf, size_t len, const struct in6_addr *src,
	      const struct in6_addr *dst, struct mc_msg *m);

/*
 * Build a query into buf (IGMP message, or ICMPv6 message without the
 * checksum, which raw ICMPv6 sockets fill in).  version 1..3 for IGMP,
 * 1..2 for MLD.  group NULL or :: for a general query.  Returns the length,
 * or -1 if buf is too small.
 */
struct mc_query_args {
	uint8_t version;
	const struct in6_addr *group;
	uint32_t max_resp_ms;
	bool s_flag;
	uint8_t qrv;
	uint32_t qqi_s;
	uint16_t nsrc;
	const struct in6_addr *src;
};
int igmp_build_query(void *buf, size_t size, const struct mc_query_args *q);
int mld_build_query(void *buf, size_t size, const struct mc_query_args *q,
		    const struct in6_addr *saddr, const struct in6_addr *daddr);

/* RFC 3376 §4.1.1/§4.1.7 and RFC 3810 §5.1.3/§5.1.9 floating-point codes */
uint32_t igmp_code_decode(uint8_t code);
uint8_t igmp_code_encode(uint32_t value);
uint32_t mld_code_decode(uint16_t code);
uint16_t mld_code_encode(uint32_t value);

/* Internet checksum helpers, shared by the builders and tests. */
uint32_t inet_csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t inet_csum_fold(uint32_t sum);

/* Address helpers for the mapped representation. */
void mc_addr_from_v4(struct in6_addr *a, uint32_t be_addr);
bool mc_addr_is_v4(const struct in6_addr *a);
uint32_t mc_addr_v4(const struct in6_addr *a);	/* network order */
bool mc_addr_is_mcast(const struct in6_addr *a);
/* Link-local scope groups are never routed (224.0.0.0/24, ff0X::/16 X<=2). */
bool mc_addr_is_linklocal_group(const struct in6_addr *a);
bool mc_addr_is_any(const struct in6_addr *a);
const char *mc_addr_str(const struct in6_addr *a, char *buf, size_t size);

#endif
