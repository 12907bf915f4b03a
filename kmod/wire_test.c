// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the IVGMP wire format: header encode/decode and the
 * checks on the inner multicast packet. Every malformed case the receive
 * path can meet must be rejected with the drop reason rx.c counts.
 */

#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <net/checksum.h>
#include <net/ip.h>

#include "wire.h"

#define PAYLOAD 32

struct pkt4 {
	struct iphdr ip;
	u8 payload[PAYLOAD];
} __packed;

struct pkt6 {
	struct ipv6hdr ip;
	u8 payload[PAYLOAD];
} __packed;

static void pkt4_csum(struct pkt4 *p)
{
	p->ip.check = 0;
	p->ip.check = ip_fast_csum(&p->ip, p->ip.ihl);
}

static void pkt4_init(struct pkt4 *p)
{
	memset(p, 0, sizeof(*p));
	p->ip.version = 4;
	p->ip.ihl = 5;
	p->ip.ttl = 16;
	p->ip.protocol = IPPROTO_UDP;
	p->ip.tot_len = htons(sizeof(*p));
	p->ip.saddr = htonl(0x0a010002);	/* 10.1.0.2 */
	p->ip.daddr = htonl(0xef010101);	/* 239.1.1.1 */
	pkt4_csum(p);
}

static void pkt6_init(struct pkt6 *p)
{
	memset(p, 0, sizeof(*p));
	p->ip.version = 6;
	p->ip.hop_limit = 16;
	p->ip.nexthdr = IPPROTO_UDP;
	p->ip.payload_len = htons(PAYLOAD);
	p->ip.saddr.s6_addr[0] = 0xfd;
	p->ip.saddr.s6_addr[15] = 2;
	p->ip.daddr.s6_addr[0] = 0xff;
	p->ip.daddr.s6_addr[1] = 0x0e;		/* global scope */
	p->ip.daddr.s6_addr[15] = 0x42;
}

static enum ivgmp_drop check4(const struct pkt4 *p, u8 family)
{
	struct ivgmp_inner in;

	return ivgmp_inner_check(p, sizeof(*p), sizeof(*p), family, &in);
}

static enum ivgmp_drop check6(const struct pkt6 *p, u8 family)
{
	struct ivgmp_inner in;

	return ivgmp_inner_check(p, sizeof(*p), sizeof(*p), family, &in);
}

static void wire_roundtrip(struct kunit *test)
{
	struct ivgmp_hdr h;
	struct ivgmp_wire w;
	const u8 *b = (const u8 *)&h;

	ivgmp_wire_encode(&h, 8, 0x01020304, 0xfffffffe);
	/* The exact bytes on the wire, not only what decode thinks. */
	KUNIT_EXPECT_EQ(test, b[0], 0x10);
	KUNIT_EXPECT_EQ(test, b[1], 8);
	KUNIT_EXPECT_EQ(test, b[2], 0);
	KUNIT_EXPECT_EQ(test, b[3], 0);
	KUNIT_EXPECT_EQ(test, b[4], 0x01);
	KUNIT_EXPECT_EQ(test, b[7], 0x04);
	KUNIT_EXPECT_EQ(test, b[8], 0xff);
	KUNIT_EXPECT_EQ(test, b[11], 0xfe);

	KUNIT_ASSERT_EQ(test, ivgmp_wire_decode(&h, sizeof(h), &w),
			IVGMP_DROP_UNSPEC);
	KUNIT_EXPECT_EQ(test, w.hops, 8);
	KUNIT_EXPECT_EQ(test, w.vpn, 0x01020304U);
	KUNIT_EXPECT_EQ(test, w.origin, 0xfffffffeU);

	/* Trailing bytes are the inner packet, not an error. */
	KUNIT_EXPECT_EQ(test, ivgmp_wire_decode(&h, sizeof(h) + 100, &w),
			IVGMP_DROP_UNSPEC);
}

static void wire_truncated(struct kunit *test)
{
	struct ivgmp_hdr h;
	struct ivgmp_wire w;
	unsigned int len;

	ivgmp_wire_encode(&h, 1, 1, 1);
	for (len = 0; len < IVGMP_HDR_LEN; len++)
		KUNIT_EXPECT_EQ(test, ivgmp_wire_decode(&h, len, &w),
				IVGMP_DROP_TRUNCATED);
}

static void wire_bad_version(struct kunit *test)
{
	struct ivgmp_hdr h;
	struct ivgmp_wire w;
	unsigned int v;

	for (v = 0; v < 16; v++) {
		if (v == IVGMP_WIRE_VERSION)
			continue;
		ivgmp_wire_encode(&h, 1, 1, 1);
		h.ver_flags = v << IVGMP_WIRE_VER_SHIFT;
		KUNIT_EXPECT_EQ(test, ivgmp_wire_decode(&h, sizeof(h), &w),
				IVGMP_DROP_BAD_VERSION);
	}
}

static void wire_bad_flags(struct kunit *test)
{
	struct ivgmp_hdr h;
	struct ivgmp_wire w;
	unsigned int bit;

	for (bit = 0; bit < 4; bit++) {
		ivgmp_wire_encode(&h, 1, 1, 1);
		h.ver_flags |= 1U << bit;
		KUNIT_EXPECT_EQ(test, ivgmp_wire_decode(&h, sizeof(h), &w),
				IVGMP_DROP_BAD_FLAGS);
	}
	for (bit = 0; bit < 16; bit++) {
		ivgmp_wire_encode(&h, 1, 1, 1);
		h.reserved = htons(1U << bit);
		KUNIT_EXPECT_EQ(test, ivgmp_wire_decode(&h, sizeof(h), &w),
				IVGMP_DROP_BAD_FLAGS);
	}
}

static void wire_hops_zero(struct kunit *test)
{
	struct ivgmp_hdr h;
	struct ivgmp_wire w;

	ivgmp_wire_encode(&h, 0, 1, 1);
	KUNIT_EXPECT_EQ(test, ivgmp_wire_decode(&h, sizeof(h), &w),
			IVGMP_DROP_HOPS);
	ivgmp_wire_encode(&h, 255, 1, 1);
	KUNIT_EXPECT_EQ(test, ivgmp_wire_decode(&h, sizeof(h), &w),
			IVGMP_DROP_UNSPEC);
	KUNIT_EXPECT_EQ(test, w.hops, 255);
}

static void wire_origin_zero(struct kunit *test)
{
	struct ivgmp_hdr h;
	struct ivgmp_wire w;

	ivgmp_wire_encode(&h, 1, 1, 0);
	KUNIT_EXPECT_EQ(test, ivgmp_wire_decode(&h, sizeof(h), &w),
			IVGMP_DROP_UNKNOWN_SITE);
}

static void inner4_valid(struct kunit *test)
{
	struct ivgmp_inner in;
	struct pkt4 p;

	pkt4_init(&p);
	KUNIT_ASSERT_EQ(test,
			ivgmp_inner_check(&p, sizeof(p), sizeof(p), 0, &in),
			IVGMP_DROP_UNSPEC);
	KUNIT_EXPECT_EQ(test, in.family, AF_INET);
	KUNIT_EXPECT_EQ(test, in.ttl, 16);
	KUNIT_EXPECT_EQ(test, in.len, sizeof(p));
	KUNIT_EXPECT_EQ(test, ntohl(in.group.v4), 0xef010101U);
	KUNIT_EXPECT_EQ(test, ntohl(in.source.v4), 0x0a010002U);
	KUNIT_EXPECT_EQ(test, check4(&p, AF_INET), IVGMP_DROP_UNSPEC);

	/* Options: IHL 6 with a NOP word, still valid. */
	{
		u8 buf[sizeof(p) + 4];
		struct iphdr *iph = (struct iphdr *)buf;

		memcpy(buf, &p.ip, sizeof(p.ip));
		memset(buf + sizeof(p.ip), IPOPT_NOOP, 4);
		memset(buf + sizeof(p.ip) + 4, 0, PAYLOAD);
		iph->ihl = 6;
		iph->tot_len = htons(sizeof(buf));
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
		KUNIT_EXPECT_EQ(test, ivgmp_inner_check(buf, sizeof(buf),
							sizeof(buf), 0, &in),
				IVGMP_DROP_UNSPEC);
		/* The options are part of the header: not readable, rejected. */
		KUNIT_EXPECT_EQ(test, ivgmp_inner_check(buf, sizeof(p.ip),
							sizeof(buf), 0, &in),
				IVGMP_DROP_BAD_INNER);
	}
}

static void inner4_truncated(struct kunit *test)
{
	struct ivgmp_inner in;
	struct pkt4 p;
	unsigned int len;

	pkt4_init(&p);
	KUNIT_EXPECT_EQ(test, ivgmp_inner_check(&p, 0, 0, 0, &in),
			IVGMP_DROP_BAD_INNER);
	for (len = 1; len < sizeof(p.ip); len++)
		KUNIT_EXPECT_EQ(test, ivgmp_inner_check(&p, len, len, 0, &in),
				IVGMP_DROP_BAD_INNER);
	/* A header that claims more than the datagram holds. */
	KUNIT_EXPECT_EQ(test, ivgmp_inner_check(&p, sizeof(p), sizeof(p) - 1,
						0, &in),
			IVGMP_DROP_BAD_INNER);
}

static void inner4_bad_ihl(struct kunit *test)
{
	struct pkt4 p;
	unsigned int ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		pkt4_init(&p);
		p.ip.ihl = ihl;
		pkt4_csum(&p);
		KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_BAD_INNER);
	}
	/* IHL 15 = 60 bytes, more than the readable 52. */
	pkt4_init(&p);
	p.ip.ihl = 15;
	KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_BAD_INNER);
}

static void inner4_bad_length(struct kunit *test)
{
	struct pkt4 p;

	pkt4_init(&p);
	p.ip.tot_len = htons(sizeof(p) + 1);
	pkt4_csum(&p);
	KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_BAD_INNER);

	pkt4_init(&p);
	p.ip.tot_len = htons(sizeof(p) - 1);
	pkt4_csum(&p);
	KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_BAD_INNER);

	pkt4_init(&p);
	p.ip.tot_len = htons(0);
	pkt4_csum(&p);
	KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_BAD_INNER);
}

static void inner4_bad_csum(struct kunit *test)
{
	struct pkt4 p;

	pkt4_init(&p);
	p.ip.check = (__force __sum16)((__force u16)p.ip.check ^ 1);
	KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_BAD_INNER);

	/* A field changed after the checksum was computed. */
	pkt4_init(&p);
	p.ip.ttl--;
	KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_BAD_INNER);
}

static void inner4_bad_dest(struct kunit *test)
{
	static const u32 bad[] = {
		0x0a020001,	/* unicast 10.2.0.1 */
		0xffffffff,	/* broadcast */
		0xe0000001,	/* 224.0.0.1, link-local scope */
		0xe00000fb,	/* 224.0.0.251, mDNS */
		0xe0000016,	/* 224.0.0.22, IGMPv3 */
		0xf0000001,	/* class E */
	};
	struct pkt4 p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		pkt4_init(&p);
		p.ip.daddr = htonl(bad[i]);
		pkt4_csum(&p);
		KUNIT_EXPECT_EQ_MSG(test, check4(&p, 0), IVGMP_DROP_BAD_INNER,
				    "daddr %08x", bad[i]);
	}
	/* 224.0.1.0 is the first group outside link-local scope. */
	pkt4_init(&p);
	p.ip.daddr = htonl(0xe0000100);
	pkt4_csum(&p);
	KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_UNSPEC);
}

static void inner4_bad_source(struct kunit *test)
{
	/* 0.0.0.0/8 whole: ipv4_is_zeronet() in 6.1 matches 0.0.0.0 only. */
	static const u32 bad[] = { 0, 0x00000001, 0x00010203, 0x00ffffff,
				   0xffffffff, 0xef010101 };
	struct pkt4 p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		pkt4_init(&p);
		p.ip.saddr = htonl(bad[i]);
		pkt4_csum(&p);
		KUNIT_EXPECT_EQ_MSG(test, check4(&p, 0), IVGMP_DROP_BAD_INNER,
				    "saddr %08x", bad[i]);
	}
}

/* The edges of 0.0.0.0/8 and 255.255.255.255 are sources like any other. */
static void inner4_source_edges(struct kunit *test)
{
	static const u32 ok[] = { 0x01000000, 0x0a000000, 0xdfffffff,
				  0xf0000001, 0xfffffffe };
	struct pkt4 p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		pkt4_init(&p);
		p.ip.saddr = htonl(ok[i]);
		pkt4_csum(&p);
		KUNIT_EXPECT_EQ_MSG(test, check4(&p, 0), IVGMP_DROP_UNSPEC,
				    "saddr %08x", ok[i]);
	}
}

static void inner_bad_version(struct kunit *test)
{
	struct pkt4 p;
	struct pkt6 q;
	unsigned int v;

	pkt4_init(&p);
	KUNIT_EXPECT_EQ(test, check4(&p, AF_INET6), IVGMP_DROP_BAD_INNER);
	pkt6_init(&q);
	KUNIT_EXPECT_EQ(test, check6(&q, AF_INET), IVGMP_DROP_BAD_INNER);

	for (v = 0; v < 16; v++) {
		if (v == 4 || v == 6)
			continue;
		pkt4_init(&p);
		p.ip.version = v;
		pkt4_csum(&p);
		KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_BAD_INNER);
	}
	/* An IPv4 packet whose nibble claims 6 is read as a short IPv6 one. */
	pkt4_init(&p);
	p.ip.version = 6;
	pkt4_csum(&p);
	KUNIT_EXPECT_EQ(test, check4(&p, 0), IVGMP_DROP_BAD_INNER);
}

static void inner6_valid(struct kunit *test)
{
	struct ivgmp_inner in;
	struct pkt6 p;

	pkt6_init(&p);
	KUNIT_ASSERT_EQ(test,
			ivgmp_inner_check(&p, sizeof(p), sizeof(p), 0, &in),
			IVGMP_DROP_UNSPEC);
	KUNIT_EXPECT_EQ(test, in.family, AF_INET6);
	KUNIT_EXPECT_EQ(test, in.ttl, 16);
	KUNIT_EXPECT_EQ(test, in.len, sizeof(p));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&in.group.v6, &p.ip.daddr));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_equal(&in.source.v6, &p.ip.saddr));
	KUNIT_EXPECT_EQ(test, check6(&p, AF_INET6), IVGMP_DROP_UNSPEC);
}

static void inner6_truncated(struct kunit *test)
{
	struct ivgmp_inner in;
	struct pkt6 p;
	unsigned int len;

	pkt6_init(&p);
	for (len = 1; len < sizeof(p.ip); len++)
		KUNIT_EXPECT_EQ(test, ivgmp_inner_check(&p, len, len, 0, &in),
				IVGMP_DROP_BAD_INNER);
}

static void inner6_bad_length(struct kunit *test)
{
	struct pkt6 p;

	pkt6_init(&p);
	p.ip.payload_len = htons(PAYLOAD + 1);
	KUNIT_EXPECT_EQ(test, check6(&p, 0), IVGMP_DROP_BAD_INNER);
	p.ip.payload_len = htons(PAYLOAD - 1);
	KUNIT_EXPECT_EQ(test, check6(&p, 0), IVGMP_DROP_BAD_INNER);
	p.ip.payload_len = 0;		/* jumbogram */
	KUNIT_EXPECT_EQ(test, check6(&p, 0), IVGMP_DROP_BAD_INNER);
}

static void inner6_scope(struct kunit *test)
{
	struct pkt6 p;
	unsigned int scope;

	for (scope = 0; scope < 16; scope++) {
		pkt6_init(&p);
		p.ip.daddr.s6_addr[1] = scope;
		/* ff00::/16 to ff02::/16 stay on their link. */
		KUNIT_EXPECT_EQ_MSG(test, check6(&p, 0),
				    scope <= 2 ? IVGMP_DROP_BAD_INNER :
						 IVGMP_DROP_UNSPEC,
				    "scope %u", scope);
	}
}

static void inner6_bad_addrs(struct kunit *test)
{
	struct pkt6 p;

	pkt6_init(&p);
	p.ip.daddr.s6_addr[0] = 0xfd;		/* unicast */
	KUNIT_EXPECT_EQ(test, check6(&p, 0), IVGMP_DROP_BAD_INNER);

	pkt6_init(&p);
	memset(&p.ip.saddr, 0, sizeof(p.ip.saddr));	/* :: */
	KUNIT_EXPECT_EQ(test, check6(&p, 0), IVGMP_DROP_BAD_INNER);

	pkt6_init(&p);
	p.ip.saddr = p.ip.daddr;		/* multicast source */
	KUNIT_EXPECT_EQ(test, check6(&p, 0), IVGMP_DROP_BAD_INNER);
}

/* The sk_buff wrapper: offsets, pulls and non-linear data. */
static void inner_pull_skb(struct kunit *test)
{
	struct ivgmp_inner in;
	struct sk_buff *skb;
	struct pkt4 p;

	pkt4_init(&p);
	skb = alloc_skb(IVGMP_HDR_LEN + sizeof(p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	ivgmp_wire_encode(skb_put(skb, IVGMP_HDR_LEN), 3, 7, 9);
	skb_put_data(skb, &p, sizeof(p));
	KUNIT_EXPECT_EQ(test, ivgmp_inner_pull(skb, IVGMP_HDR_LEN, 0, &in),
			IVGMP_DROP_UNSPEC);
	KUNIT_EXPECT_EQ(test, in.len, sizeof(p));

	/* Cut inside the IP header: the pull fails, nothing is read. */
	skb_trim(skb, IVGMP_HDR_LEN + 10);
	KUNIT_EXPECT_EQ(test, ivgmp_inner_pull(skb, IVGMP_HDR_LEN, 0, &in),
			IVGMP_DROP_BAD_INNER);
	skb_trim(skb, IVGMP_HDR_LEN);
	KUNIT_EXPECT_EQ(test, ivgmp_inner_pull(skb, IVGMP_HDR_LEN, 0, &in),
			IVGMP_DROP_BAD_INNER);
	kfree_skb(skb);
}

static void inner_pull_nonlinear(struct kunit *test)
{
	struct ivgmp_inner in;
	struct sk_buff *skb;
	struct page *page;
	struct pkt6 p;
	void *va;

	pkt6_init(&p);
	skb = alloc_skb(64, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	page = alloc_page(GFP_KERNEL);
	if (!page) {
		kfree_skb(skb);
		KUNIT_FAIL(test, "no page");
		return;
	}
	/* Only 8 bytes of the IPv6 header are linear, the rest is a frag. */
	skb_put_data(skb, &p, 8);
	va = page_address(page);
	memcpy(va, (u8 *)&p + 8, sizeof(p) - 8);
	skb_add_rx_frag(skb, 0, page, 0, sizeof(p) - 8, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ivgmp_inner_pull(skb, 0, AF_INET6, &in),
			IVGMP_DROP_UNSPEC);
	KUNIT_EXPECT_GE(test, skb_headlen(skb), sizeof(p.ip));
	kfree_skb(skb);
}

static struct kunit_case ivgmp_wire_cases[] = {
	KUNIT_CASE(wire_roundtrip),
	KUNIT_CASE(wire_truncated),
	KUNIT_CASE(wire_bad_version),
	KUNIT_CASE(wire_bad_flags),
	KUNIT_CASE(wire_hops_zero),
	KUNIT_CASE(wire_origin_zero),
	KUNIT_CASE(inner4_valid),
	KUNIT_CASE(inner4_truncated),
	KUNIT_CASE(inner4_bad_ihl),
	KUNIT_CASE(inner4_bad_length),
	KUNIT_CASE(inner4_bad_csum),
	KUNIT_CASE(inner4_bad_dest),
	KUNIT_CASE(inner4_bad_source),
	KUNIT_CASE(inner4_source_edges),
	KUNIT_CASE(inner_bad_version),
	KUNIT_CASE(inner6_valid),
	KUNIT_CASE(inner6_truncated),
	KUNIT_CASE(inner6_bad_length),
	KUNIT_CASE(inner6_scope),
	KUNIT_CASE(inner6_bad_addrs),
	KUNIT_CASE(inner_pull_skb),
	KUNIT_CASE(inner_pull_nonlinear),
	{}
};

static struct kunit_suite ivgmp_wire_suite = {
	.name = "ivgmp_wire",
	.test_cases = ivgmp_wire_cases,
};

kunit_test_suite(ivgmp_wire_suite);
