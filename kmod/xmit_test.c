// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for one copy's transmit: a route without IPsec is refused
 * under require_ipsec; a copy must leave with a complete inner checksum,
 * since no far side can finish one that was deferred to hardware, and a
 * relayed datagram's stale partial checksum for an outer header it no
 * longer has must not be "finished" into its inner packet.
 */

#include <kunit/test.h>
#include <linux/ip.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/xfrm.h>

#include "config.h"
#include "xmit.h"

#define PAYLOAD 40

struct pkt4 {
	struct iphdr ip;
	struct udphdr udp;
	u8 payload[PAYLOAD];
} __packed;

/*
 * A UDP datagram to 239.1.1.1 as a veth hands it over from a local
 * sender: CHECKSUM_PARTIAL, the UDP check field holding only the
 * pseudo-header sum, @headroom bytes of (outer) headers before it.
 */
static struct sk_buff *partial_udp4(struct kunit *test, unsigned int headroom)
{
	struct sk_buff *skb;
	struct pkt4 *p;
	unsigned int i;

	skb = alloc_skb(headroom + sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, headroom);
	p = skb_put_zero(skb, sizeof(*p));
	p->ip.version = 4;
	p->ip.ihl = 5;
	p->ip.ttl = 8;
	p->ip.protocol = IPPROTO_UDP;
	p->ip.tot_len = htons(sizeof(*p));
	p->ip.saddr = htonl(0x0a000102);
	p->ip.daddr = htonl(0xef010101);
	p->ip.check = ip_fast_csum(&p->ip, p->ip.ihl);
	p->udp.source = htons(4321);
	p->udp.dest = htons(5000);
	p->udp.len = htons(sizeof(p->udp) + PAYLOAD);
	for (i = 0; i < PAYLOAD; i++)
		p->payload[i] = i * 7 + 1;
	p->udp.check = ~csum_tcpudp_magic(p->ip.saddr, p->ip.daddr,
					  ntohs(p->udp.len), IPPROTO_UDP, 0);
	skb_reset_network_header(skb);
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + sizeof(struct iphdr);
	skb->csum_offset = offsetof(struct udphdr, check);
	return skb;
}

/* A receiver's verdict: the UDP checksum over the pseudo header is valid. */
static bool udp4_csum_ok(const struct pkt4 *p)
{
	unsigned int len = ntohs(p->udp.len);

	return !csum_tcpudp_magic(p->ip.saddr, p->ip.daddr, len, IPPROTO_UDP,
				  csum_partial(&p->udp, len, 0));
}

static void prepare_finishes_partial(struct kunit *test)
{
	struct sk_buff *skb = partial_udp4(test, 64);
	struct pkt4 *p = (struct pkt4 *)skb->data;

	KUNIT_EXPECT_FALSE(test, udp4_csum_ok(p));
	KUNIT_EXPECT_EQ(test, ivgmp_xmit_prepare(skb), 0);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_NONE);
	p = (struct pkt4 *)skb->data;
	KUNIT_EXPECT_TRUE(test, udp4_csum_ok(p));
	kfree_skb(skb);
}

/* A clone (a tap, a relay) must keep its own view of the data. */
static void prepare_partial_cloned(struct kunit *test)
{
	struct sk_buff *skb = partial_udp4(test, 64);
	struct sk_buff *clone = skb_clone(skb, GFP_KERNEL);
	struct pkt4 before;

	KUNIT_ASSERT_NOT_NULL(test, clone);
	memcpy(&before, clone->data, sizeof(before));
	KUNIT_EXPECT_EQ(test, ivgmp_xmit_prepare(skb), 0);
	KUNIT_EXPECT_TRUE(test, udp4_csum_ok((struct pkt4 *)skb->data));
	KUNIT_EXPECT_EQ(test, memcmp(clone->data, &before, sizeof(before)), 0);
	KUNIT_EXPECT_EQ(test, (int)clone->ip_summed, CHECKSUM_PARTIAL);
	kfree_skb(clone);
	kfree_skb(skb);
}

/*
 * A relayed datagram that crossed a veth: the partial checksum was the
 * outer UDP header's, which has been pulled. The inner packet is left
 * exactly as it arrived.
 */
static void prepare_stale_outer_partial(struct kunit *test)
{
	struct sk_buff *skb = partial_udp4(test, 64);
	struct pkt4 before;

	/* The outer UDP header sat 20 bytes before the inner packet. */
	skb->csum_start = skb_headroom(skb) - 20;
	skb->csum_offset = offsetof(struct udphdr, check);
	memcpy(&before, skb->data, sizeof(before));
	KUNIT_EXPECT_EQ(test, ivgmp_xmit_prepare(skb), 0);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_NONE);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, &before, sizeof(before)), 0);
	kfree_skb(skb);
}

static void prepare_leaves_complete(struct kunit *test)
{
	static const u8 states[] = {
		CHECKSUM_NONE, CHECKSUM_UNNECESSARY, CHECKSUM_COMPLETE,
	};
	struct sk_buff *skb = partial_udp4(test, 64);
	struct pkt4 before;
	unsigned int i;

	memcpy(&before, skb->data, sizeof(before));
	for (i = 0; i < ARRAY_SIZE(states); i++) {
		skb->ip_summed = states[i];
		KUNIT_EXPECT_EQ(test, ivgmp_xmit_prepare(skb), 0);
		KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, (int)states[i]);
		KUNIT_EXPECT_EQ(test,
				memcmp(skb->data, &before, sizeof(before)), 0);
	}
	kfree_skb(skb);
}

/*
 * The transmit refusal: with require_ipsec (the default) a plain route is
 * refused and a bundle (a route whose dst->xfrm names a state) taken; with
 * it off, both are taken.
 */
static void route_ok_requires_bundle(struct kunit *test)
{
	struct ivgmp_config *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	struct dst_entry *dst = kunit_kzalloc(test, sizeof(*dst), GFP_KERNEL);
	struct xfrm_state *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	KUNIT_ASSERT_NOT_NULL(test, x);
	ivgmp_config_init_defaults(cfg);
	KUNIT_ASSERT_TRUE(test, ivgmp_config_require_ipsec(cfg));

	KUNIT_EXPECT_FALSE(test, ivgmp_xmit_route_ok(cfg, dst));
	dst->xfrm = x;
	KUNIT_EXPECT_TRUE(test, ivgmp_xmit_route_ok(cfg, dst));

	cfg->flags &= ~IVGMP_CONFIG_F_REQUIRE_IPSEC;
	KUNIT_EXPECT_TRUE(test, ivgmp_xmit_route_ok(cfg, dst));
	dst->xfrm = NULL;
	KUNIT_EXPECT_TRUE(test, ivgmp_xmit_route_ok(cfg, dst));
}

static struct kunit_case ivgmp_xmit_cases[] = {
	KUNIT_CASE(route_ok_requires_bundle),
	KUNIT_CASE(prepare_finishes_partial),
	KUNIT_CASE(prepare_partial_cloned),
	KUNIT_CASE(prepare_stale_outer_partial),
	KUNIT_CASE(prepare_leaves_complete),
	{}
};

static struct kunit_suite ivgmp_xmit_suite = {
	.name = "ivgmp_xmit",
	.test_cases = ivgmp_xmit_cases,
};

kunit_test_suite(ivgmp_xmit_suite);
