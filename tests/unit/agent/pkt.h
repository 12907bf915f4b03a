/* SPDX-License-Identifier: GPL-2.0 */
/* Test-only builders for IPv4/IGMP and IPv6/MLD datagrams. */
#ifndef IVGMP_TEST_PKT_H
#define IVGMP_TEST_PKT_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "proto.h"

struct pkt {
	uint8_t b[16384];
	size_t len;	/* whole datagram */
	size_t l4;	/* offset of the IGMP/ICMPv6 message */
};

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_v4(uint8_t *p, const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	memcpy(p, &a, 4);
}

static inline void put_v6(uint8_t *p, const char *s)
{
	inet_pton(AF_INET6, s, p);
}

static inline struct in6_addr v4(const char *s)
{
	struct in6_addr a;
	struct in_addr b;

	inet_pton(AF_INET, s, &b);
	mc_addr_from_v4(&a, b.s_addr);
	return a;
}

static inline struct in6_addr v6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

/* IPv4 header with a router alert option, TTL 1, protocol IGMP. */
static inline uint8_t *ip4_start(struct pkt *p, const char *src,
				 const char *dst)
{
	uint8_t *h = p->b;

	memset(p, 0, sizeof(*p));
	h[0] = 0x46;		/* IHL 6: router alert option */
	h[8] = 1;
	h[9] = 2;
	put_v4(h + 12, src);
	put_v4(h + 16, dst);
	h[20] = 0x94;
	h[21] = 4;
	p->l4 = 24;
	return h + 24;
}

/* Fix lengths and checksums once the IGMP message (l4len bytes) is in. */
static inline void ip4_finish(struct pkt *p, size_t l4len)
{
	uint8_t *h = p->b;
	uint16_t c;

	p->len = p->l4 + l4len;
	put16(h + 2, (uint16_t)p->len);
	put16(h + 10, 0);
	c = inet_csum_fold(inet_csum_add(0, h, p->l4));
	put16(h + 10, c);
	put16(h + p->l4 + 2, 0);
	c = inet_csum_fold(inet_csum_add(0, h + p->l4, l4len));
	put16(h + p->l4 + 2, c);
}

/* Only the IP header checksum, after a test changed the header. */
static inline void ip4_recsum(struct pkt *p)
{
	put16(p->b + 10, 0);
	put16(p->b + 10, inet_csum_fold(inet_csum_add(0, p->b, p->l4)));
}

/* IPv6 header + hop-by-hop Router Alert, hop limit 1, next header ICMPv6 */
static inline uint8_t *ip6_start(struct pkt *p, const char *src,
				 const char *dst)
{
	uint8_t *h = p->b;

	memset(p, 0, sizeof(*p));
	h[0] = 0x60;
	h[6] = 0;		/* hop-by-hop */
	h[7] = 1;
	put_v6(h + 8, src);
	put_v6(h + 24, dst);
	h[40] = 58;
	h[41] = 0;
	h[42] = 5;		/* router alert */
	h[43] = 2;
	h[44] = 0;
	h[45] = 0;
	h[46] = 1;		/* PadN */
	h[47] = 0;
	p->l4 = 48;
	return h + 48;
}

static inline void ip6_finish(struct pkt *p, size_t l4len)
{
	uint8_t *h = p->b, ph[8] = { 0 };
	uint32_t sum;

	p->len = p->l4 + l4len;
	put16(h + 4, (uint16_t)(p->len - 40));
	put16(h + p->l4 + 2, 0);
	ph[2] = (uint8_t)(l4len >> 8);
	ph[3] = (uint8_t)l4len;
	ph[7] = 58;
	sum = inet_csum_add(0, h + 8, 32);
	sum = inet_csum_add(sum, ph, 8);
	sum = inet_csum_add(sum, h + p->l4, l4len);
	put16(h + p->l4 + 2, inet_csum_fold(sum));
}

#endif
