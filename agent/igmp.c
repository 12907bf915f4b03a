// SPDX-License-Identifier: GPL-2.0
/*
 * IGMPv1 (RFC 1112), IGMPv2 (RFC 2236) and IGMPv3 (RFC 3376) parsing and
 * query building.  Every length and count is checked against the bytes
 * actually present before it is used.
 */
#include <arpa/inet.h>
#include <string.h>

#include "proto.h"

#define IGMP_QUERY		0x11
#define IGMP_V1_REPORT		0x12
#define IGMP_V2_REPORT		0x16
#define IGMP_V2_LEAVE		0x17
#define IGMP_V3_REPORT		0x22

#define IPPROTO_IGMP_		2

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void get_v4(struct in6_addr *a, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	mc_addr_from_v4(a, v);
}

int igmp_parse_ip(const void *pkt, size_t len, struct mc_msg *m)
{
	const uint8_t *ip = pkt;
	size_t ihl, tot;

	if (len < 20)
		return -MC_ETRUNC;
	if (ip[0] >> 4 != 4)
		return -MC_EIPHDR;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = get16(ip + 2);
	if (ihl < 20 || tot < ihl)
		return -MC_EIPHDR;
	if (tot > len || ihl > len)
		return -MC_ETRUNC;
	/* AF_PACKET sees frames before the IP layer checked anything. */
	if (inet_csum_fold(inet_csum_add(0, ip, ihl)) != 0)
		return -MC_EIPHDR;
	if (get16(ip + 6) & 0x3fff)
		return -MC_EFRAG;
	if (ip[9] != IPPROTO_IGMP_)
		return -MC_EPROTO;
	/* RFC 3376 §4: always TTL 1; anything else was routed to us. */
	if (ip[8] != 1)
		return -MC_ETTL;

	get_v4(&m->saddr, ip + 12);
	get_v4(&m->daddr, ip + 16);
	/* Ethernet padding past tot is not part of the message. */
	return igmp_parse(ip + ihl, tot - ihl, m);
}

static int igmp_parse_query(const uint8_t *p, size_t len, struct mc_msg *m)
{
	size_t n, i;

	m->type = MC_QUERY;
	get_v4(&m->group, p + 4);
	if (!mc_addr_is_any(&m->group) && !mc_addr_is_mcast(&m->group))
		return -MC_ENOTMCAST;

	if (len == 8) {
		/* RFC 3376 §7.1: v1 if Max Resp Code is 0, else v2. */
		m->version = p[1] ? 2 : 1;
		m->max_resp_ms = p[1] ? p[1] * 100u : 0;
		if (m->version == 1 && !mc_addr_is_any(&m->group))
			return -MC_ENOTMCAST;
		return MC_OK;
	}
	/* 9..11 octets is no version of the query: RFC 3376 §7.1 ignores it. */
	if (len < 12)
		return -MC_ELEN;

	m->version = 3;
	m->max_resp_ms = igmp_code_decode(p[1]) * 100u;
	m->s_flag = p[8] & 0x08;
	m->qrv = p[8] & 0x07;
	m->qqi_s = igmp_code_decode(p[9]);
	n = get16(p + 10);
	if (n > (len - 12) / 4)
		return -MC_ERECS;
	if (n > MC_MAX_SOURCES)
		return -MC_E2BIG;
	/* Group-and-source-specific query needs a group. */
	if (n && mc_addr_is_any(&m->group))
		return -MC_ENOTMCAST;
	for (i = 0; i < n; i++)
		get_v4(&m->src[i], p + 12 + 4 * i);
	m->nsrc = (uint16_t)n;
	return MC_OK;
}

static int igmp_parse_v3_report(const uint8_t *p, size_t len,
				struct mc_msg *m)
{
	m->version = 3;
	return mc_parse_records(p, len, m, 4, get_v4);
}

int igmp_parse(const void *buf, size_t len, struct mc_msg *m)
{
	const uint8_t *p = buf;

	mc_msg_reset(m, AF_INET);
	if (len < 8)
		return -MC_ETRUNC;
	if (inet_csum_fold(inet_csum_add(0, p, len)) != 0)
		return -MC_ECSUM;

	switch (p[0]) {
	case IGMP_QUERY:
		return igmp_parse_query(p, len, m);
	case IGMP_V1_REPORT:
	case IGMP_V2_REPORT:
	case IGMP_V2_LEAVE:
		m->type = p[0] == IGMP_V2_LEAVE ? MC_LEAVE : MC_REPORT;
		m->version = p[0] == IGMP_V1_REPORT ? 1 : 2;
		get_v4(&m->group, p + 4);
		if (!mc_addr_is_mcast(&m->group))
			return -MC_ENOTMCAST;
		return MC_OK;
	case IGMP_V3_REPORT:
		return igmp_parse_v3_report(p, len, m);
	default:
		return -MC_ETYPE;
	}
}

int igmp_build_query(void *buf, size_t size, const struct mc_query_args *q)
{
	uint8_t *p = buf;
	size_t len = q->version == 3 ? 12 + 4 * (size_t)q->nsrc : 8;
	uint16_t csum;
	size_t i;

	if (q->version < 1 || q->version > 3 || size < len ||
	    (q->version < 3 && q->nsrc))
		return -1;
	memset(p, 0, len);
	p[0] = IGMP_QUERY;
	if (q->version == 2)
		p[1] = (uint8_t)(q->max_resp_ms / 100 > 255 ? 255 :
				 q->max_resp_ms / 100);
	else if (q->version == 3)
		p[1] = igmp_code_encode(q->max_resp_ms / 100);
	if (q->group && q->version > 1 && !mc_addr_is_any(q->group))
		memcpy(p + 4, &q->group->s6_addr[12], 4);
	if (q->version == 3) {
		p[8] = (uint8_t)((q->s_flag ? 0x08 : 0) |
				 (q->qrv <= 7 ? q->qrv : 0));
		p[9] = igmp_code_encode(q->qqi_s);
		p[10] = (uint8_t)(q->nsrc >> 8);
		p[11] = (uint8_t)q->nsrc;
		for (i = 0; i < q->nsrc; i++)
			memcpy(p + 12 + 4 * i, &q->src[i].s6_addr[12], 4);
	}
	csum = inet_csum_fold(inet_csum_add(0, p, len));
	p[2] = (uint8_t)(csum >> 8);
	p[3] = (uint8_t)csum;
	return (int)len;
}
