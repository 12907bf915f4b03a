// SPDX-License-Identifier: GPL-2.0
/*
 * MLDv1 (RFC 2710) and MLDv2 (RFC 3810) parsing and query building.
 * The IPv6 walk accepts only what MLD may carry: a hop-by-hop header (for
 * Router Alert) and destination options; a fragment header is refused.
 */
#include <arpa/inet.h>
#include <string.h>

#include "proto.h"

#define MLD_QUERY		130
#define MLD_V1_REPORT		131
#define MLD_V1_DONE		132
#define MLD_V2_REPORT		143

#define NH_HOPOPTS		0
#define NH_ROUTING		43
#define NH_FRAGMENT		44
#define NH_ICMPV6		58
#define NH_DSTOPTS		60

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool is_linklocal(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

int mld_parse_ip(const void *pkt, size_t len, struct mc_msg *m)
{
	const uint8_t *ip = pkt;
	size_t plen, off = 40;
	uint8_t nh;

	if (len < 40)
		return -MC_ETRUNC;
	if (ip[0] >> 4 != 6)
		return -MC_EIPHDR;
	plen = get16(ip + 4);
	/* A jumbogram (payload length 0) is never an MLD message. */
	if (plen == 0)
		return -MC_EIPHDR;
	if (plen > len - 40)
		return -MC_ETRUNC;
	len = 40 + plen;
	if (ip[7] != 1)
		return -MC_ETTL;

	nh = ip[6];
	for (;;) {
		size_t hlen;

		if (nh == NH_ICMPV6)
			break;
		if (nh == NH_FRAGMENT)
			return -MC_EFRAG;
		if (nh != NH_DSTOPTS && !(nh == NH_HOPOPTS && off == 40))
			return -MC_EPROTO;
		if (len - off < 8)
			return -MC_ETRUNC;
		hlen = ((size_t)ip[off + 1] + 1) * 8;
		if (hlen > len - off)
			return -MC_ETRUNC;
		nh = ip[off];
		off += hlen;
	}

	memcpy(&m->saddr, ip + 8, 16);
	memcpy(&m->daddr, ip + 24, 16);
	return mld_parse(ip + off, len - off, &m->saddr, &m->daddr, m);
}

static uint16_t mld_csum(const uint8_t *p, size_t len,
			 const struct in6_addr *src, const struct in6_addr *dst)
{
	uint8_t ph[8] = { 0 };
	uint32_t sum;

	ph[0] = (uint8_t)(len >> 24);
	ph[1] = (uint8_t)(len >> 16);
	ph[2] = (uint8_t)(len >> 8);
	ph[3] = (uint8_t)len;
	ph[7] = NH_ICMPV6;
	sum = inet_csum_add(0, src, 16);
	sum = inet_csum_add(sum, dst, 16);
	sum = inet_csum_add(sum, ph, sizeof(ph));
	return inet_csum_fold(inet_csum_add(sum, p, len));
}

static int mld_parse_query(const uint8_t *p, size_t len, struct mc_msg *m)
{
	size_t n, i;

	m->type = MC_QUERY;
	memcpy(&m->group, p + 8, 16);
	if (!IN6_IS_ADDR_UNSPECIFIED(&m->group) && !mc_addr_is_mcast(&m->group))
		return -MC_ENOTMCAST;
	if (len == 24) {
		m->version = 1;
		m->max_resp_ms = get16(p + 4);
		return MC_OK;
	}
	/* RFC 3810 §8.1: 25..27 octets is neither version. */
	if (len < 28)
		return -MC_ELEN;
	m->version = 2;
	m->max_resp_ms = mld_code_decode(get16(p + 4));
	m->s_flag = p[24] & 0x08;
	m->qrv = p[24] & 0x07;
	m->qqi_s = igmp_code_decode(p[25]);
	n = get16(p + 26);
	if (n > (len - 28) / 16)
		return -MC_ERECS;
	if (n > MC_MAX_SOURCES)
		return -MC_E2BIG;
	if (n && IN6_IS_ADDR_UNSPECIFIED(&m->group))
		return -MC_ENOTMCAST;
	for (i = 0; i < n; i++)
		memcpy(&m->src[i], p + 28 + 16 * i, 16);
	m->nsrc = (uint16_t)n;
	return MC_OK;
}

static void get_v6(struct in6_addr *a, const uint8_t *p)
{
	memcpy(a, p, sizeof(*a));
}

static int mld_parse_v2_report(const uint8_t *p, size_t len,
			       struct mc_msg *m)
{
	m->version = 2;
	return mc_parse_records(p, len, m, 16, get_v6);
}

int mld_parse(const void *buf, size_t len, const struct in6_addr *src,
	      const struct in6_addr *dst, struct mc_msg *m)
{
	const uint8_t *p = buf;

	mc_msg_reset(m, AF_INET6);
	if (len < 4)
		return -MC_ETRUNC;
	switch (p[0]) {
	case MLD_QUERY:
	case MLD_V1_REPORT:
	case MLD_V1_DONE:
	case MLD_V2_REPORT:
		break;
	default:
		/* Other ICMPv6 is not ours; say so before judging it. */
		return -MC_ETYPE;
	}
	if (len < (p[0] == MLD_V2_REPORT ? 8u : 24u))
		return -MC_ETRUNC;
	if (mld_csum(p, len, src, dst) != 0)
		return -MC_ECSUM;
	/*
	 * RFC 3810 §5.1.14/§5.2.13: only link-local sources count; a report
	 * from :: (duplicate address detection) must not create state.
	 */
	if (!is_linklocal(src))
		return -MC_ESRC;

	switch (p[0]) {
	case MLD_QUERY:
		return mld_parse_query(p, len, m);
	case MLD_V1_REPORT:
	case MLD_V1_DONE:
		m->type = p[0] == MLD_V1_DONE ? MC_LEAVE : MC_REPORT;
		m->version = 1;
		memcpy(&m->group, p + 8, 16);
		if (!mc_addr_is_mcast(&m->group))
			return -MC_ENOTMCAST;
		return MC_OK;
	default:
		return mld_parse_v2_report(p, len, m);
	}
}

int mld_build_query(void *buf, size_t size, const struct mc_query_args *q,
		    const struct in6_addr *saddr, const struct in6_addr *daddr)
{
	uint8_t *p = buf;
	size_t len = q->version == 2 ? 28 + 16 * (size_t)q->nsrc : 24;
	uint16_t code, csum;
	size_t i;

	if (q->version < 1 || q->version > 2 || size < len ||
	    (q->version < 2 && q->nsrc))
		return -1;
	memset(p, 0, len);
	p[0] = MLD_QUERY;
	code = q->version == 2 ? mld_code_encode(q->max_resp_ms) :
	       (uint16_t)(q->max_resp_ms > 65535 ? 65535 : q->max_resp_ms);
	p[4] = (uint8_t)(code >> 8);
	p[5] = (uint8_t)code;
	if (q->group)
		memcpy(p + 8, q->group, 16);
	if (q->version == 2) {
		p[24] = (uint8_t)((q->s_flag ? 0x08 : 0) |
				  (q->qrv <= 7 ? q->qrv : 0));
		p[25] = igmp_code_encode(q->qqi_s);
		p[26] = (uint8_t)(q->nsrc >> 8);
		p[27] = (uint8_t)q->nsrc;
		for (i = 0; i < q->nsrc; i++)
			memcpy(p + 28 + 16 * i, &q->src[i], 16);
	}
	/* Raw ICMPv6 sockets fill the checksum themselves. */
	if (saddr && daddr) {
		csum = mld_csum(p, len, saddr, daddr);
		p[2] = (uint8_t)(csum >> 8);
		p[3] = (uint8_t)csum;
	}
	return (int)len;
}
