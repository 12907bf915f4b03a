// SPDX-License-Identifier: GPL-2.0
/* Shared pieces of the IGMP and MLD codecs: checksums, codes, addresses. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "proto.h"

static const char *const mc_errstr[MC_ERR_MAX] = {
	[MC_OK] = "ok",
	[MC_ETRUNC] = "truncated",
	[MC_EIPHDR] = "malformed IP header",
	[MC_EFRAG] = "fragmented",
	[MC_ETTL] = "TTL or hop limit is not 1",
	[MC_ECSUM] = "bad checksum",
	[MC_ELEN] = "bad length",
	[MC_ENOTMCAST] = "group is not a multicast address",
	[MC_ERECS] = "record or source count exceeds the packet",
	[MC_E2BIG] = "too many records or sources",
	[MC_ESRC] = "source address not allowed",
	[MC_ETYPE] = "unknown message type",
	[MC_EPROTO] = "not an IGMP or MLD packet",
};

const char *mc_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err >= MC_ERR_MAX || !mc_errstr[err])
		return "unknown error";
	return mc_errstr[err];
}

uint32_t inet_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* Returns the checksum in host order; 0 when verifying a correct message. */
uint16_t inet_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t code_decode(uint32_t code, unsigned int mant_bits,
			    uint32_t limit)
{
	uint32_t exp, mant;

	if (code < limit)
		return code;
	exp = (code >> mant_bits) & 7;
	mant = code & ((1u << mant_bits) - 1);
	return (mant | (1u << mant_bits)) << (exp + 3);
}

/* Rounds down: a querier must never announce more time than it waits. */
static uint32_t code_encode(uint32_t value, unsigned int mant_bits,
			    uint32_t limit)
{
	uint32_t exp;

	if (value < limit)
		return value;
	for (exp = 0; exp < 8; exp++) {
		uint32_t mant = value >> (exp + 3);

		if (mant < (2u << mant_bits))
			return limit | exp << mant_bits |
			       (mant & ((1u << mant_bits) - 1));
	}
	return limit | 7u << mant_bits | ((1u << mant_bits) - 1);
}

uint32_t igmp_code_decode(uint8_t code)
{
	return code_decode(code, 4, 128);
}

uint8_t igmp_code_encode(uint32_t value)
{
	return (uint8_t)code_encode(value, 4, 128);
}

uint32_t mld_code_decode(uint16_t code)
{
	return code_decode(code, 12, 32768);
}

uint16_t mld_code_encode(uint32_t value)
{
	return (uint16_t)code_encode(value, 12, 32768);
}

void mc_addr_from_v4(struct in6_addr *a, uint32_t be_addr)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[10] = 0xff;
	a->s6_addr[11] = 0xff;
	memcpy(&a->s6_addr[12], &be_addr, 4);
}

bool mc_addr_is_v4(const struct in6_addr *a)
{
	return IN6_IS_ADDR_V4MAPPED(a);
}

uint32_t mc_addr_v4(const struct in6_addr *a)
{
	uint32_t v;

	memcpy(&v, &a->s6_addr[12], 4);
	return v;
}

bool mc_addr_is_mcast(const struct in6_addr *a)
{
	if (mc_addr_is_v4(a))
		return (a->s6_addr[12] & 0xf0) == 0xe0;
	return a->s6_addr[0] == 0xff;
}

bool mc_addr_is_linklocal_group(const struct in6_addr *a)
{
	if (mc_addr_is_v4(a))
		return a->s6_addr[12] == 224 && a->s6_addr[13] == 0 &&
		       a->s6_addr[14] == 0;
	return a->s6_addr[0] == 0xff && (a->s6_addr[1] & 0x0f) <= 2;
}

bool mc_addr_is_any(const struct in6_addr *a)
{
	static const struct in6_addr v4any = {
		.s6_addr = { [10] = 0xff, [11] = 0xff },
	};

	return IN6_IS_ADDR_UNSPECIFIED(a) || !memcmp(a, &v4any, sizeof(*a));
}

const char *mc_addr_str(const struct in6_addr *a, char *buf, size_t size)
{
	if (mc_addr_is_v4(a)) {
		if (!inet_ntop(AF_INET, &a->s6_addr[12], buf, size))
			snprintf(buf, size, "?");
	} else if (!inet_ntop(AF_INET6, a, buf, size)) {
		snprintf(buf, size, "?");
	}
	return buf;
}

void mc_msg_reset(struct mc_msg *m, int family)
{
	m->family = family;
	m->type = 0;
	m->version = 0;
	memset(&m->group, 0, sizeof(m->group));
	m->max_resp_ms = 0;
	m->s_flag = false;
	m->qrv = 0;
	m->qqi_s = 0;
	m->nrec = 0;
	m->skipped_records = 0;
	m->nsrc = 0;
}

/*
 * IGMPv3 (RFC 3376 §4.2) and MLDv2 (RFC 3810 §5.2) report records have the
 * same layout: type, aux data length, source count, group, sources, aux
 * data. Only the address length differs.
 */
int mc_parse_records(const uint8_t *p, size_t len, struct mc_msg *m,
		     size_t alen,
		     void (*get_addr)(struct in6_addr *a, const uint8_t *p))
{
	size_t nrec = (size_t)(p[6] << 8 | p[7]), off = 8, r;
	size_t minrec = 4 + alen;

	m->type = MC_REPORT_V3;
	/* Each record needs its header and group: reject absurd counts early. */
	if (nrec > (len - 8) / minrec)
		return -MC_ERECS;

	for (r = 0; r < nrec; r++) {
		const uint8_t *rec = p + off;
		size_t nsrc, aux, rlen, i;
		struct mc_record *mr;

		if (len - off < minrec)
			return -MC_ERECS;
		aux = (size_t)rec[1] * 4;
		nsrc = (size_t)(rec[2] << 8 | rec[3]);
		rlen = minrec + alen * nsrc + aux;
		if (rlen > len - off)
			return -MC_ERECS;
		off += rlen;

		if (rec[0] < MC_MODE_IS_INCLUDE || rec[0] > MC_BLOCK_OLD_SOURCES) {
			/* RFC 3376 §4.2.12, RFC 3810 §5.2.12: ignored. */
			m->skipped_records++;
			continue;
		}
		if (m->nrec >= MC_MAX_RECORDS ||
		    nsrc > (size_t)(MC_MAX_SOURCES - m->nsrc))
			return -MC_E2BIG;

		mr = &m->rec[m->nrec++];
		mr->type = rec[0];
		get_addr(&mr->group, rec + 4);
		if (!mc_addr_is_mcast(&mr->group))
			return -MC_ENOTMCAST;
		mr->nsrc = (uint16_t)nsrc;
		mr->src = &m->src[m->nsrc];
		for (i = 0; i < nsrc; i++)
			get_addr(&m->src[m->nsrc + i], rec + minrec + alen * i);
		m->nsrc = (uint16_t)(m->nsrc + nsrc);
	}
	return MC_OK;
}

int mc_parse(const void *pkt, size_t len, struct mc_msg *m)
{
	const uint8_t *p = pkt;

	if (len < 1)
		return -MC_ETRUNC;
	switch (p[0] >> 4) {
	case 4:
		return igmp_parse_ip(pkt, len, m);
	case 6:
		return mld_parse_ip(pkt, len, m);
	default:
		return -MC_EIPHDR;
	}
}
