// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: netlink parsing and policies. Every request is built with
 * nla_put() into an skb and handed to the same parser the doit uses, so
 * each malformed case is checked without a socket: it must fail, with an
 * extack message, and each well-formed one must parse to what was sent.
 */

#include <kunit/test.h>
#include <linux/skbuff.h>
#include <net/netlink.h>
#include "netlink.h"

typedef void (*ivgmp_build_fn)(struct sk_buff *skb);

struct ivgmp_nl_case {
	const char *name;
	ivgmp_build_fn build;
	bool valid;
};

static void put_lan(struct sk_buff *skb, u32 ifindex, u32 vpn)
{
	struct nlattr *lan = nla_nest_start(skb, IVGMP_A_LAN);

	nla_put_u32(skb, IVGMP_LAN_A_IFINDEX, ifindex);
	nla_put_u32(skb, IVGMP_LAN_A_VPN, vpn);
	nla_nest_end(skb, lan);
}

static void put_prefix(struct sk_buff *skb, int type, const void *addr,
		       int len, u8 plen)
{
	struct nlattr *p = nla_nest_start(skb, IVGMP_A_PREFIX);

	nla_put(skb, type, len, addr);
	nla_put_u8(skb, IVGMP_PREFIX_A_PLEN, plen);
	nla_nest_end(skb, p);
}

static void put_prefix4(struct sk_buff *skb, __be32 a, u8 plen)
{
	put_prefix(skb, IVGMP_PREFIX_A_ADDR4, &a, 4, plen);
}

static const struct in6_addr test_p6 = {
	.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 }
};

/* ---- Config cases (inside IVGMP_A_CONFIG) ---- */

static void cfg_full(struct sk_buff *skb)
{
	struct nlattr *l;

	nla_put_u32(skb, IVGMP_CONFIG_A_SITE_ID, 7);
	nla_put_u16(skb, IVGMP_CONFIG_A_PORT, 9000);
	nla_put_u32(skb, IVGMP_CONFIG_A_FLAGS, 0);
	nla_put_u8(skb, IVGMP_CONFIG_A_HOP_LIMIT, 3);
	nla_put_u32(skb, IVGMP_CONFIG_A_EVENT_RATE, 5);
	l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);
	put_lan(skb, 1, 100);
	put_lan(skb, 2, 200);
	nla_nest_end(skb, l);
	l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);
	put_prefix4(skb, htonl(0x0a010000), 16);
	put_prefix(skb, IVGMP_PREFIX_A_ADDR6, &test_p6, 16, 48);
	nla_nest_end(skb, l);
}

static void cfg_empty(struct sk_buff *skb)
{
}

static void cfg_port_only(struct sk_buff *skb)
{
	nla_put_u16(skb, IVGMP_CONFIG_A_PORT, 4789);
}

static void cfg_site_u8(struct sk_buff *skb)
{
	nla_put_u8(skb, IVGMP_CONFIG_A_SITE_ID, 1);
}

static void cfg_site_u64(struct sk_buff *skb)
{
	nla_put_u64_64bit(skb, IVGMP_CONFIG_A_SITE_ID, 1, 0);
}

static void cfg_port_zero(struct sk_buff *skb)
{
	nla_put_u16(skb, IVGMP_CONFIG_A_PORT, 0);
}

static void cfg_port_u32(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_CONFIG_A_PORT, 9000);
}

static void cfg_hop_zero(struct sk_buff *skb)
{
	nla_put_u8(skb, IVGMP_CONFIG_A_HOP_LIMIT, 0);
}

static void cfg_unknown_flag(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_CONFIG_A_FLAGS, 1U << 5);
}

static void cfg_rate_huge(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_CONFIG_A_EVENT_RATE, 2000000);
}

static void cfg_unknown_attr(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_CONFIG_A_MAX + 1, 1);
}

static void cfg_unspec_attr(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_CONFIG_A_UNSPEC, 1);
}

static void cfg_lans_flat(struct sk_buff *skb)
{
	/* A list given as a plain integer, not a nest of LANs. */
	nla_put_u32(skb, IVGMP_CONFIG_A_LANS, 1);
}

static void cfg_lans_empty(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);

	nla_nest_end(skb, l);
}

static void cfg_lans_too_many(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);
	int i;

	for (i = 1; i <= IVGMP_MAX_LANS + 1; i++)
		put_lan(skb, i, 1);
	nla_nest_end(skb, l);
}

static void cfg_lans_max(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);
	int i;

	for (i = 1; i <= IVGMP_MAX_LANS; i++)
		put_lan(skb, i, 1);
	nla_nest_end(skb, l);
}

static void cfg_lan_no_vpn(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);
	struct nlattr *lan = nla_nest_start(skb, IVGMP_A_LAN);

	nla_put_u32(skb, IVGMP_LAN_A_IFINDEX, 3);
	nla_nest_end(skb, lan);
	nla_nest_end(skb, l);
}

static void cfg_lan_ifindex_zero(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);

	put_lan(skb, 0, 1);
	nla_nest_end(skb, l);
}

static void cfg_lan_ifindex_negative(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);

	put_lan(skb, 0x80000000U, 1);
	nla_nest_end(skb, l);
}

static void cfg_lan_dup(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);

	put_lan(skb, 4, 1);
	put_lan(skb, 4, 2);
	nla_nest_end(skb, l);
}

static void cfg_lan_wrong_type(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);

	put_prefix4(skb, htonl(0x0a000000), 8);
	nla_nest_end(skb, l);
}

static void cfg_lan_unknown_attr(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);
	struct nlattr *lan = nla_nest_start(skb, IVGMP_A_LAN);

	nla_put_u32(skb, IVGMP_LAN_A_IFINDEX, 3);
	nla_put_u32(skb, IVGMP_LAN_A_VPN, 3);
	nla_put_u32(skb, IVGMP_LAN_A_MAX + 1, 3);
	nla_nest_end(skb, lan);
	nla_nest_end(skb, l);
}

static void cfg_prefix_both(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);
	struct nlattr *p = nla_nest_start(skb, IVGMP_A_PREFIX);

	nla_put_in_addr(skb, IVGMP_PREFIX_A_ADDR4, htonl(0x0a000000));
	nla_put_in6_addr(skb, IVGMP_PREFIX_A_ADDR6, &test_p6);
	nla_put_u8(skb, IVGMP_PREFIX_A_PLEN, 8);
	nla_nest_end(skb, p);
	nla_nest_end(skb, l);
}

static void cfg_prefix_none(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);
	struct nlattr *p = nla_nest_start(skb, IVGMP_A_PREFIX);

	nla_put_u8(skb, IVGMP_PREFIX_A_PLEN, 8);
	nla_nest_end(skb, p);
	nla_nest_end(skb, l);
}

static void cfg_prefix_no_len(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);
	struct nlattr *p = nla_nest_start(skb, IVGMP_A_PREFIX);

	nla_put_in_addr(skb, IVGMP_PREFIX_A_ADDR4, htonl(0x0a000000));
	nla_nest_end(skb, p);
	nla_nest_end(skb, l);
}

static void cfg_prefix4_len33(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);

	put_prefix4(skb, htonl(0x0a000000), 33);
	nla_nest_end(skb, l);
}

static void cfg_prefix6_len129(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);

	put_prefix(skb, IVGMP_PREFIX_A_ADDR6, &test_p6, 16, 129);
	nla_nest_end(skb, l);
}

static void cfg_prefix4_host_bits(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);

	put_prefix4(skb, htonl(0x0a000001), 24);
	nla_nest_end(skb, l);
}

static void cfg_prefix6_host_bits(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);

	put_prefix(skb, IVGMP_PREFIX_A_ADDR6, &test_p6, 16, 40);
	nla_nest_end(skb, l);
}

static void cfg_prefix4_short(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);
	u8 a[3] = { 10, 0, 0 };

	put_prefix(skb, IVGMP_PREFIX_A_ADDR4, a, 3, 8);
	nla_nest_end(skb, l);
}

static void cfg_prefix6_as_v4(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);

	put_prefix(skb, IVGMP_PREFIX_A_ADDR4, &test_p6, 16, 48);
	nla_nest_end(skb, l);
}

static void cfg_prefix_too_many(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);
	int i;

	for (i = 0; i <= IVGMP_MAX_PREFIXES; i++)
		put_prefix4(skb, htonl(0x0a000000 | (i << 8)), 24);
	nla_nest_end(skb, l);
}

static void cfg_prefix_dup(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);

	put_prefix4(skb, htonl(0x0a000000), 8);
	put_prefix4(skb, htonl(0x0a000000), 8);
	nla_nest_end(skb, l);
}

static void cfg_prefix_zero_len(struct sk_buff *skb)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);

	put_prefix4(skb, 0, 0);
	nla_nest_end(skb, l);
}

static void cfg_truncated(struct sk_buff *skb)
{
	struct nlattr *a;

	a = (struct nlattr *)skb_tail_pointer(skb);
	nla_put_u32(skb, IVGMP_CONFIG_A_SITE_ID, 1);
	/* Claims more bytes than the nest holds. */
	a->nla_len = nla_attr_size(64);
}

static const struct ivgmp_nl_case ivgmp_config_cases[] = {
	{ "full config", cfg_full, true },
	{ "empty update", cfg_empty, true },
	{ "port only", cfg_port_only, true },
	{ "empty LAN list", cfg_lans_empty, true },
	{ "32 LANs", cfg_lans_max, true },
	{ "prefix 0/0", cfg_prefix_zero_len, true },
	{ "site id as u8", cfg_site_u8, false },
	{ "site id as u64", cfg_site_u64, false },
	{ "port 0", cfg_port_zero, false },
	{ "port as u32", cfg_port_u32, false },
	{ "hop limit 0", cfg_hop_zero, false },
	{ "unknown flag bit", cfg_unknown_flag, false },
	{ "event rate too high", cfg_rate_huge, false },
	{ "unknown config attribute", cfg_unknown_attr, false },
	{ "UNSPEC config attribute", cfg_unspec_attr, false },
	{ "LAN list not nested", cfg_lans_flat, false },
	{ "33 LANs", cfg_lans_too_many, false },
	{ "LAN without VPN", cfg_lan_no_vpn, false },
	{ "LAN ifindex 0", cfg_lan_ifindex_zero, false },
	{ "LAN ifindex negative", cfg_lan_ifindex_negative, false },
	{ "duplicate LAN", cfg_lan_dup, false },
	{ "prefix inside LAN list", cfg_lan_wrong_type, false },
	{ "unknown LAN attribute", cfg_lan_unknown_attr, false },
	{ "prefix with v4 and v6", cfg_prefix_both, false },
	{ "prefix without address", cfg_prefix_none, false },
	{ "prefix without length", cfg_prefix_no_len, false },
	{ "IPv4 prefix /33", cfg_prefix4_len33, false },
	{ "IPv6 prefix /129", cfg_prefix6_len129, false },
	{ "IPv4 prefix host bits", cfg_prefix4_host_bits, false },
	{ "IPv6 prefix host bits", cfg_prefix6_host_bits, false },
	{ "IPv4 prefix 3 bytes", cfg_prefix4_short, false },
	{ "IPv6 address as ADDR4", cfg_prefix6_as_v4, false },
	{ "65 prefixes", cfg_prefix_too_many, false },
	{ "duplicate prefix", cfg_prefix_dup, false },
	{ "truncated attribute", cfg_truncated, false },
};

static void ivgmp_case_desc(const struct ivgmp_nl_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ivgmp_config, ivgmp_config_cases, ivgmp_case_desc);

static struct nlattr *build_nest(struct kunit *test, struct sk_buff **skbp,
				 int type, ivgmp_build_fn build)
{
	struct sk_buff *skb = alloc_skb(16384, GFP_KERNEL);
	struct nlattr *nest;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	nest = nla_nest_start(skb, type);
	KUNIT_ASSERT_NOT_NULL(test, nest);
	build(skb);
	nla_nest_end(skb, nest);
	*skbp = skb;
	return nest;
}

/* A rejected request must say why, in extack. */
static void check_result(struct kunit *test, const struct ivgmp_nl_case *c,
			 int err, const struct netlink_ext_ack *extack)
{
	if (c->valid) {
		KUNIT_EXPECT_EQ_MSG(test, err, 0, "%s: %s", c->name,
				    extack->_msg ?: "(no message)");
		return;
	}
	KUNIT_EXPECT_LT_MSG(test, err, 0, "%s accepted", c->name);
	KUNIT_EXPECT_NOT_NULL_MSG(test, extack->_msg,
				  "%s rejected without a message", c->name);
	if (extack->_msg)
		kunit_info(test, "%s: %d %s", c->name, err, extack->_msg);
}

static void ivgmp_test_config_policy(struct kunit *test)
{
	const struct ivgmp_nl_case *c = test->param_value;
	struct netlink_ext_ack extack = {};
	struct ivgmp_config *cfg;
	struct sk_buff *skb;
	struct nlattr *nest;
	u32 has;
	int err;

	cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	ivgmp_config_init_defaults(cfg);
	nest = build_nest(test, &skb, IVGMP_A_CONFIG, c->build);
	err = ivgmp_config_parse(nest, cfg, &has, NULL, &extack);
	check_result(test, c, err, &extack);
	kfree_skb(skb);
}

/* What a full config parses to, and that it survives a fill/parse trip. */
static void ivgmp_test_config_roundtrip(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct ivgmp_config *cfg, *back;
	struct sk_buff *skb, *out;
	struct nlattr *nest;
	u32 has;

	cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	back = kunit_kzalloc(test, sizeof(*back), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	KUNIT_ASSERT_NOT_NULL(test, back);
	ivgmp_config_init_defaults(cfg);
	nest = build_nest(test, &skb, IVGMP_A_CONFIG, cfg_full);
	KUNIT_ASSERT_EQ(test, ivgmp_config_parse(nest, cfg, &has, NULL,
						 &extack), 0);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, has, 0x7fU);
	KUNIT_EXPECT_EQ(test, cfg->site_id, 7U);
	KUNIT_EXPECT_EQ(test, cfg->port, 9000);
	KUNIT_EXPECT_EQ(test, cfg->flags, 0U);
	KUNIT_EXPECT_EQ(test, cfg->hop_limit, 3);
	KUNIT_EXPECT_EQ(test, cfg->event_rate, 5U);
	KUNIT_ASSERT_EQ(test, cfg->n_lans, 2U);
	KUNIT_EXPECT_EQ(test, cfg->lans[1].ifindex, 2);
	KUNIT_EXPECT_EQ(test, cfg->lans[1].vpn, 200U);
	KUNIT_ASSERT_EQ(test, cfg->n_prefixes, 2U);
	KUNIT_EXPECT_EQ(test, cfg->prefixes[0].family, AF_INET);
	KUNIT_EXPECT_EQ(test, cfg->prefixes[0].addr.v4, htonl(0x0a010000));
	KUNIT_EXPECT_EQ(test, cfg->prefixes[1].family, AF_INET6);
	KUNIT_EXPECT_EQ(test, cfg->prefixes[1].plen, 48);

	out = alloc_skb(NLMSG_GOODSIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_EQ(test, ivgmp_config_fill(out, cfg), 0);
	ivgmp_config_init_defaults(back);
	KUNIT_ASSERT_EQ(test, ivgmp_config_parse((struct nlattr *)out->data,
						 back, &has, NULL, &extack),
			0);
	kfree_skb(out);
	KUNIT_EXPECT_EQ(test, memcmp(cfg, back, sizeof(*cfg)), 0);
}

/* Only the attributes present change; a list present replaces the list. */
static void ivgmp_test_config_partial(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct ivgmp_config *cfg;
	struct sk_buff *skb;
	struct nlattr *nest;
	u32 has;

	cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	ivgmp_config_init_defaults(cfg);
	nest = build_nest(test, &skb, IVGMP_A_CONFIG, cfg_full);
	KUNIT_ASSERT_EQ(test, ivgmp_config_parse(nest, cfg, &has, NULL,
						 &extack), 0);
	kfree_skb(skb);

	nest = build_nest(test, &skb, IVGMP_A_CONFIG, cfg_port_only);
	KUNIT_ASSERT_EQ(test, ivgmp_config_parse(nest, cfg, &has, NULL,
						 &extack), 0);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, has, (u32)IVGMP_CONFIG_HAS_PORT);
	KUNIT_EXPECT_EQ(test, cfg->port, 4789);
	KUNIT_EXPECT_EQ(test, cfg->site_id, 7U);
	KUNIT_EXPECT_EQ(test, cfg->hop_limit, 3);
	KUNIT_EXPECT_EQ(test, cfg->n_lans, 2U);
	KUNIT_EXPECT_EQ(test, cfg->n_prefixes, 2U);

	nest = build_nest(test, &skb, IVGMP_A_CONFIG, cfg_lans_empty);
	KUNIT_ASSERT_EQ(test, ivgmp_config_parse(nest, cfg, &has, NULL,
						 &extack), 0);
	kfree_skb(skb);
	KUNIT_EXPECT_EQ(test, cfg->n_lans, 0U);
	KUNIT_EXPECT_EQ(test, cfg->n_prefixes, 2U);
}

static void ivgmp_test_config_defaults(struct kunit *test)
{
	struct ivgmp_config cfg;
	u32 vpn = 0;

	ivgmp_config_init_defaults(&cfg);
	KUNIT_EXPECT_EQ(test, cfg.port, IVGMP_DEFAULT_PORT);
	KUNIT_EXPECT_EQ(test, cfg.hop_limit, IVGMP_DEFAULT_HOP_LIMIT);
	KUNIT_EXPECT_TRUE(test, ivgmp_config_require_ipsec(&cfg));
	KUNIT_EXPECT_EQ(test, cfg.site_id, 0U);
	KUNIT_EXPECT_FALSE(test, ivgmp_config_lan_vpn(&cfg, 1, &vpn));
	cfg.lans[0].ifindex = 5;
	cfg.lans[0].vpn = 42;
	cfg.n_lans = 1;
	KUNIT_EXPECT_TRUE(test, ivgmp_config_lan_vpn(&cfg, 5, &vpn));
	KUNIT_EXPECT_EQ(test, vpn, 42U);
	KUNIT_EXPECT_FALSE(test, ivgmp_config_lan_vpn(&cfg, 6, &vpn));
}

static void ivgmp_test_local_source(struct kunit *test)
{
	struct in6_addr in = test_p6, out = test_p6;
	struct ivgmp_config cfg;

	ivgmp_config_init_defaults(&cfg);
	cfg.prefixes[0].family = AF_INET;
	cfg.prefixes[0].plen = 16;
	cfg.prefixes[0].addr.v4 = htonl(0x0a010000);
	cfg.prefixes[1].family = AF_INET6;
	cfg.prefixes[1].plen = 48;
	cfg.prefixes[1].addr.v6 = test_p6;
	cfg.n_prefixes = 2;
	rcu_read_lock();
	KUNIT_EXPECT_TRUE(test, ivgmp_config_local_source4(&cfg, NULL,
							   htonl(0x0a01fe01)));
	KUNIT_EXPECT_FALSE(test, ivgmp_config_local_source4(&cfg, NULL,
							    htonl(0x0a020001)));
	in.s6_addr[15] = 9;
	out.s6_addr[5] = 2;
	KUNIT_EXPECT_TRUE(test, ivgmp_config_local_source6(&cfg, NULL, &in));
	KUNIT_EXPECT_FALSE(test, ivgmp_config_local_source6(&cfg, NULL, &out));
	/* No prefix of a family and no device: nothing of it is local. */
	cfg.n_prefixes = 1;
	KUNIT_EXPECT_FALSE(test, ivgmp_config_local_source6(&cfg, NULL, &in));
	rcu_read_unlock();
}

/* ---- Site cases (inside IVGMP_A_SITE) ---- */

static void site_ok4(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_SITE_A_ID, 2);
	nla_put_in_addr(skb, IVGMP_SITE_A_ADDR4, htonl(0xc0000202));
	nla_put_u16(skb, IVGMP_SITE_A_PORT, 7000);
}

static void site_ok6(struct sk_buff *skb)
{
	struct in6_addr a = test_p6;

	a.s6_addr[15] = 1;
	nla_put_u32(skb, IVGMP_SITE_A_ID, 3);
	nla_put_in6_addr(skb, IVGMP_SITE_A_ADDR6, &a);
}

static void site_id0(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_SITE_A_ID, 0);
	nla_put_in_addr(skb, IVGMP_SITE_A_ADDR4, htonl(0xc0000202));
}

static void site_no_id(struct sk_buff *skb)
{
	nla_put_in_addr(skb, IVGMP_SITE_A_ADDR4, htonl(0xc0000202));
}

static void site_both(struct sk_buff *skb)
{
	site_ok6(skb);
	nla_put_in_addr(skb, IVGMP_SITE_A_ADDR4, htonl(0xc0000202));
}

static void site_none(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_SITE_A_ID, 2);
}

static void site_mcast(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_SITE_A_ID, 2);
	nla_put_in_addr(skb, IVGMP_SITE_A_ADDR4, htonl(0xe0010101));
}

static void site_thisnet(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_SITE_A_ID, 2);
	nla_put_in_addr(skb, IVGMP_SITE_A_ADDR4, htonl(0x00010203));
}

static void site_any6(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_SITE_A_ID, 2);
	nla_put_in6_addr(skb, IVGMP_SITE_A_ADDR6, &in6addr_any);
}

static void site_port0(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_SITE_A_ID, 2);
	nla_put_in_addr(skb, IVGMP_SITE_A_ADDR4, htonl(0xc0000202));
	nla_put_u16(skb, IVGMP_SITE_A_PORT, 0);
}

static void site_stats(struct sk_buff *skb)
{
	struct nlattr *s;

	site_ok4(skb);
	s = nla_nest_start(skb, IVGMP_SITE_A_STATS);
	nla_nest_end(skb, s);
}

static void site_addr_long(struct sk_buff *skb)
{
	u8 a[5] = { 192, 0, 2, 2, 0 };

	nla_put_u32(skb, IVGMP_SITE_A_ID, 2);
	nla_put(skb, IVGMP_SITE_A_ADDR4, sizeof(a), a);
}

static const struct ivgmp_nl_case ivgmp_site_cases[] = {
	{ "IPv4 site", site_ok4, true },
	{ "IPv6 site", site_ok6, true },
	{ "site id 0", site_id0, false },
	{ "site without id", site_no_id, false },
	{ "site with v4 and v6", site_both, false },
	{ "site without address", site_none, false },
	{ "multicast WAN address", site_mcast, false },
	{ "unspecified WAN address", site_any6, false },
	{ "WAN address in 0.0.0.0/8", site_thisnet, false },
	{ "site port 0", site_port0, false },
	{ "site counters in request", site_stats, false },
	{ "site address 5 bytes", site_addr_long, false },
};

KUNIT_ARRAY_PARAM(ivgmp_site, ivgmp_site_cases, ivgmp_case_desc);

static void ivgmp_test_site_policy(struct kunit *test)
{
	const struct ivgmp_nl_case *c = test->param_value;
	struct netlink_ext_ack extack = {};
	struct ivgmp_site_spec spec;
	struct sk_buff *skb;
	struct nlattr *nest;
	int err;

	nest = build_nest(test, &skb, IVGMP_A_SITE, c->build);
	err = ivgmp_site_parse(nest, &spec, IVGMP_PARSE_FULL, &extack);
	check_result(test, c, err, &extack);
	kfree_skb(skb);
}

/* ---- Route cases (inside IVGMP_A_ROUTE) ---- */

static void route_key4(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_in_addr(skb, IVGMP_ROUTE_A_GROUP4, htonl(0xef010101));
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 1);
}

static void put_nexthops(struct sk_buff *skb, unsigned int n, u32 first)
{
	struct nlattr *l = nla_nest_start(skb, IVGMP_ROUTE_A_NEXTHOPS);
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct nlattr *nh = nla_nest_start(skb, IVGMP_A_NEXTHOP);

		nla_put_u32(skb, IVGMP_NEXTHOP_A_SITE, first + i);
		nla_nest_end(skb, nh);
	}
	nla_nest_end(skb, l);
}

static void route_ok4(struct sk_buff *skb)
{
	route_key4(skb);
	nla_put_u32(skb, IVGMP_ROUTE_A_FLAGS, IVGMP_ROUTE_F_DELIVER_LOCAL);
	put_nexthops(skb, 3, 2);
}

static void route_ok_sg6(struct sk_buff *skb)
{
	struct in6_addr g = { .s6_addr = { 0xff, 0x0e, [15] = 1 } };
	struct in6_addr s = test_p6;

	s.s6_addr[15] = 7;
	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_in6_addr(skb, IVGMP_ROUTE_A_GROUP6, &g);
	nla_put_in6_addr(skb, IVGMP_ROUTE_A_SOURCE6, &s);
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 1);
}

static void route_max_nexthops(struct sk_buff *skb)
{
	route_key4(skb);
	put_nexthops(skb, IVGMP_MAX_NEXTHOPS, 2);
}

static void route_too_many_nexthops(struct sk_buff *skb)
{
	route_key4(skb);
	put_nexthops(skb, IVGMP_MAX_NEXTHOPS + 1, 2);
}

static void route_no_vpn(struct sk_buff *skb)
{
	nla_put_in_addr(skb, IVGMP_ROUTE_A_GROUP4, htonl(0xef010101));
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 1);
}

static void route_no_origin(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_in_addr(skb, IVGMP_ROUTE_A_GROUP4, htonl(0xef010101));
}

static void route_origin0(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_in_addr(skb, IVGMP_ROUTE_A_GROUP4, htonl(0xef010101));
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 0);
}

static void route_no_group(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 1);
}

static void route_both_groups(struct sk_buff *skb)
{
	struct in6_addr g = { .s6_addr = { 0xff, 0x0e, [15] = 1 } };

	route_key4(skb);
	nla_put_in6_addr(skb, IVGMP_ROUTE_A_GROUP6, &g);
}

static void route_unicast_group(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_in_addr(skb, IVGMP_ROUTE_A_GROUP4, htonl(0x0a000001));
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 1);
}

static void route_linklocal4(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_in_addr(skb, IVGMP_ROUTE_A_GROUP4, htonl(0xe0000005));
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 1);
}

static void route_linklocal6(struct sk_buff *skb)
{
	struct in6_addr g = { .s6_addr = { 0xff, 0x02, [15] = 1 } };

	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_in6_addr(skb, IVGMP_ROUTE_A_GROUP6, &g);
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 1);
}

static void route_ifacelocal6(struct sk_buff *skb)
{
	struct in6_addr g = { .s6_addr = { 0xff, 0x01, [15] = 1 } };

	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_in6_addr(skb, IVGMP_ROUTE_A_GROUP6, &g);
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 1);
}

static void route_source_family(struct sk_buff *skb)
{
	route_key4(skb);
	nla_put_in6_addr(skb, IVGMP_ROUTE_A_SOURCE6, &test_p6);
}

static void route_source_mcast(struct sk_buff *skb)
{
	route_key4(skb);
	nla_put_in_addr(skb, IVGMP_ROUTE_A_SOURCE4, htonl(0xef000001));
}

static void route_source_zero(struct sk_buff *skb)
{
	route_key4(skb);
	nla_put_in_addr(skb, IVGMP_ROUTE_A_SOURCE4, 0);
}

static void route_source_thisnet(struct sk_buff *skb)
{
	route_key4(skb);
	nla_put_in_addr(skb, IVGMP_ROUTE_A_SOURCE4, htonl(0x00ffffff));
}

static void route_unknown_flag(struct sk_buff *skb)
{
	route_key4(skb);
	nla_put_u32(skb, IVGMP_ROUTE_A_FLAGS, 2);
}

static void route_stats(struct sk_buff *skb)
{
	struct nlattr *s;

	route_key4(skb);
	s = nla_nest_start(skb, IVGMP_ROUTE_A_STATS);
	nla_nest_end(skb, s);
}

static void route_nh_no_site(struct sk_buff *skb)
{
	struct nlattr *l, *nh;

	route_key4(skb);
	l = nla_nest_start(skb, IVGMP_ROUTE_A_NEXTHOPS);
	nh = nla_nest_start(skb, IVGMP_A_NEXTHOP);
	nla_nest_end(skb, nh);
	nla_nest_end(skb, l);
}

static void route_nh_site0(struct sk_buff *skb)
{
	route_key4(skb);
	put_nexthops(skb, 1, 0);
}

static void route_nh_stats(struct sk_buff *skb)
{
	struct nlattr *l, *nh, *s;

	route_key4(skb);
	l = nla_nest_start(skb, IVGMP_ROUTE_A_NEXTHOPS);
	nh = nla_nest_start(skb, IVGMP_A_NEXTHOP);
	nla_put_u32(skb, IVGMP_NEXTHOP_A_SITE, 2);
	s = nla_nest_start(skb, IVGMP_NEXTHOP_A_STATS);
	nla_nest_end(skb, s);
	nla_nest_end(skb, nh);
	nla_nest_end(skb, l);
}

static void route_nh_wrong_type(struct sk_buff *skb)
{
	struct nlattr *l;

	route_key4(skb);
	l = nla_nest_start(skb, IVGMP_ROUTE_A_NEXTHOPS);
	put_lan(skb, 1, 1);
	nla_nest_end(skb, l);
}

static void route_group_short(struct sk_buff *skb)
{
	nla_put_u32(skb, IVGMP_ROUTE_A_VPN, 1);
	nla_put_u16(skb, IVGMP_ROUTE_A_GROUP4, 0xef01);
	nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, 1);
}

static const struct ivgmp_nl_case ivgmp_route_cases[] = {
	{ "IPv4 (*,G) route", route_ok4, true },
	{ "IPv6 (S,G) route", route_ok_sg6, true },
	{ "1024 next hops", route_max_nexthops, true },
	{ "1025 next hops", route_too_many_nexthops, false },
	{ "route without VPN", route_no_vpn, false },
	{ "route without origin", route_no_origin, false },
	{ "origin 0", route_origin0, false },
	{ "route without group", route_no_group, false },
	{ "route with v4 and v6 group", route_both_groups, false },
	{ "unicast group", route_unicast_group, false },
	{ "link-local IPv4 group", route_linklocal4, false },
	{ "link-local IPv6 group", route_linklocal6, false },
	{ "interface-local IPv6 group", route_ifacelocal6, false },
	{ "IPv6 source, IPv4 group", route_source_family, false },
	{ "multicast source", route_source_mcast, false },
	{ "source 0.0.0.0", route_source_zero, false },
	{ "source 0.255.255.255", route_source_thisnet, false },
	{ "unknown route flag", route_unknown_flag, false },
	{ "route counters in request", route_stats, false },
	{ "next hop without site", route_nh_no_site, false },
	{ "next hop site 0", route_nh_site0, false },
	{ "next-hop counters in request", route_nh_stats, false },
	{ "LAN inside next-hop list", route_nh_wrong_type, false },
	{ "group 2 bytes", route_group_short, false },
};

KUNIT_ARRAY_PARAM(ivgmp_route, ivgmp_route_cases, ivgmp_case_desc);

static void ivgmp_test_route_policy(struct kunit *test)
{
	const struct ivgmp_nl_case *c = test->param_value;
	struct netlink_ext_ack extack = {};
	struct ivgmp_route_spec spec;
	struct sk_buff *skb;
	struct nlattr *nest;
	int err;

	nest = build_nest(test, &skb, IVGMP_A_ROUTE, c->build);
	err = ivgmp_route_parse(nest, &spec, IVGMP_PARSE_FULL, &extack);
	check_result(test, c, err, &extack);
	if (!err)
		ivgmp_route_spec_free(&spec);
	kfree_skb(skb);
}

static void ivgmp_test_route_parse(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct ivgmp_route_spec spec;
	struct sk_buff *skb;
	struct nlattr *nest;

	nest = build_nest(test, &skb, IVGMP_A_ROUTE, route_ok4);
	KUNIT_ASSERT_EQ(test, ivgmp_route_parse(nest, &spec, IVGMP_PARSE_FULL,
						&extack), 0);
	KUNIT_EXPECT_EQ(test, spec.key.family, (u32)AF_INET);
	KUNIT_EXPECT_EQ(test, spec.key.vpn, 1U);
	KUNIT_EXPECT_EQ(test, spec.key.origin, 1U);
	KUNIT_EXPECT_EQ(test, spec.key.group.v4, htonl(0xef010101));
	KUNIT_EXPECT_TRUE(test, ipv6_addr_any(&spec.key.source.v6));
	KUNIT_EXPECT_EQ(test, spec.flags, (u32)IVGMP_ROUTE_F_DELIVER_LOCAL);
	KUNIT_ASSERT_EQ(test, spec.n_nexthops, 3U);
	KUNIT_EXPECT_EQ(test, spec.nexthops[0], 2U);
	KUNIT_EXPECT_EQ(test, spec.nexthops[2], 4U);
	ivgmp_route_spec_free(&spec);

	/* DEL and GET name a route by its key only. */
	memset(&extack, 0, sizeof(extack));
	KUNIT_EXPECT_EQ(test, ivgmp_route_parse(nest, &spec, IVGMP_PARSE_KEY,
						&extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	kfree_skb(skb);
}

static void ivgmp_test_event_limit(struct kunit *test)
{
	struct ivgmp_event_limit el;
	unsigned long now = jiffies;
	int i, n = 0;

	spin_lock_init(&el.lock);
	el.last = now;
	el.tokens = 0;
	KUNIT_EXPECT_FALSE(test, ivgmp_events_allow(&el, 10, now));
	/* One second later: exactly rate events, then none. */
	for (i = 0; i < 20; i++)
		n += ivgmp_events_allow(&el, 10, now + HZ);
	KUNIT_EXPECT_EQ(test, n, 10);
	/* A long pause refills one second's worth, not more. */
	n = 0;
	for (i = 0; i < 50; i++)
		n += ivgmp_events_allow(&el, 10, now + 100 * HZ);
	KUNIT_EXPECT_EQ(test, n, 10);
	/* Rate 0 turns events off. */
	KUNIT_EXPECT_FALSE(test, ivgmp_events_allow(&el, 0, now + 200 * HZ));
}

static struct kunit_case ivgmp_netlink_test_cases[] = {
	KUNIT_CASE_PARAM(ivgmp_test_config_policy, ivgmp_config_gen_params),
	KUNIT_CASE(ivgmp_test_config_roundtrip),
	KUNIT_CASE(ivgmp_test_config_partial),
	KUNIT_CASE(ivgmp_test_config_defaults),
	KUNIT_CASE(ivgmp_test_local_source),
	KUNIT_CASE_PARAM(ivgmp_test_site_policy, ivgmp_site_gen_params),
	KUNIT_CASE_PARAM(ivgmp_test_route_policy, ivgmp_route_gen_params),
	KUNIT_CASE(ivgmp_test_route_parse),
	KUNIT_CASE(ivgmp_test_event_limit),
	{}
};

static struct kunit_suite ivgmp_netlink_test_suite = {
	.name = "ivgmp-netlink",
	.test_cases = ivgmp_netlink_test_cases,
};

kunit_test_suite(ivgmp_netlink_test_suite);
