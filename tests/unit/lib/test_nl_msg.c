// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The ivgmp message parsers and put helpers, on netlink messages built in
 * memory with libmnl: round trips, and every malformed shape the strict
 * parsers must refuse.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "nl.h"

#define BUFLEN (128 * 1024)
static char buf[BUFLEN];

static struct nlmsghdr *msg_start(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = 0x20;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = IVGMP_GENL_VERSION;
	return nlh;
}

static void put_u64(struct nlmsghdr *nlh, uint16_t type, uint64_t v)
{
	mnl_attr_put(nlh, type, sizeof(v), &v);
}

static void put_counters(struct nlmsghdr *nlh, uint16_t type, uint64_t base)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	/* nla_put_u64_64bit may add pads, several per nest */
	mnl_attr_put(nlh, IVGMP_STATS_A_PAD, 0, NULL);
	put_u64(nlh, IVGMP_STATS_A_TX_PACKETS, base + 1);
	mnl_attr_put(nlh, IVGMP_STATS_A_PAD, 0, NULL);
	put_u64(nlh, IVGMP_STATS_A_TX_BYTES, base + 2);
	put_u64(nlh, IVGMP_STATS_A_RX_PACKETS, base + 3);
	put_u64(nlh, IVGMP_STATS_A_RX_BYTES, base + 4);
	put_u64(nlh, IVGMP_STATS_A_DELIVERED, base + 5);
	put_u64(nlh, IVGMP_STATS_A_RELAYED, base + 6);
	mnl_attr_nest_end(nlh, n);
}

static void check_counters(const struct ivgmp_counters *c, uint64_t base)
{
	assert_int_equal(c->tx_packets, base + 1);
	assert_int_equal(c->tx_bytes, base + 2);
	assert_int_equal(c->rx_packets, base + 3);
	assert_int_equal(c->rx_bytes, base + 4);
	assert_int_equal(c->delivered, base + 5);
	assert_int_equal(c->relayed, base + 6);
}

/* ---- config ---- */

static void fill_config(struct ivgmp_config_info *c)
{
	memset(c, 0, sizeof(*c));
	c->present = IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_SITE_ID) |
		     IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PORT) |
		     IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_FLAGS) |
		     IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_HOP_LIMIT) |
		     IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_EVENT_RATE) |
		     IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_LANS) |
		     IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PREFIXES);
	c->site_id = 42;
	c->port = 7777;
	c->flags = IVGMP_CONFIG_F_REQUIRE_IPSEC;
	c->hop_limit = 5;
	c->event_rate = 250;
	c->n_lans = 2;
	c->lans[0].ifindex = 3;
	c->lans[0].vpn = 10;
	c->lans[1].ifindex = 4;
	c->lans[1].vpn = 0;
	c->n_prefixes = 2;
	prefix_parse("10.1.0.0/16", AF_UNSPEC, &c->prefixes[0]);
	prefix_parse("2001:db8:1::/48", AF_UNSPEC, &c->prefixes[1]);
}

static void test_config_round_trip(void **state)
{
	struct ivgmp_config_info in, out;
	struct nlmsghdr *nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	unsigned int i;

	fill_config(&in);
	assert_int_equal(ivgmp_put_config(nlh, BUFLEN, &in), 0);
	assert_int_equal(ivgmp_parse_config(nlh, &out), 0);
	assert_int_equal(out.present, in.present);
	assert_int_equal(out.site_id, 42);
	assert_int_equal(out.port, 7777);
	assert_int_equal(out.flags, IVGMP_CONFIG_F_REQUIRE_IPSEC);
	assert_int_equal(out.hop_limit, 5);
	assert_int_equal(out.event_rate, 250);
	assert_int_equal(out.n_lans, 2);
	assert_memory_equal(out.lans, in.lans, sizeof(in.lans[0]) * 2);
	assert_int_equal(out.n_prefixes, 2);
	for (i = 0; i < 2; i++) {
		assert_int_equal(out.prefixes[i].plen, in.prefixes[i].plen);
		assert_true(addr_equal(&out.prefixes[i].addr,
				       &in.prefixes[i].addr));
	}
}

static void test_config_partial_and_clear(void **state)
{
	struct ivgmp_config_info in = { 0 }, out;
	struct nlmsghdr *nlh = msg_start(IVGMP_CMD_SET_CONFIG);

	/* Only the port, and an empty LAN list (= clear). */
	in.present = IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PORT) |
		     IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_LANS);
	in.port = 1;
	assert_int_equal(ivgmp_put_config(nlh, BUFLEN, &in), 0);
	assert_int_equal(ivgmp_parse_config(nlh, &out), 0);
	assert_int_equal(out.present, in.present);
	assert_int_equal(out.port, 1);
	assert_int_equal(out.n_lans, 0);
}

static void test_config_rejects(void **state)
{
	struct ivgmp_config_info out;
	struct nlmsghdr *nlh;
	struct nlattr *n, *l, *e;
	unsigned int i;

	/* port as u32 */
	nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	n = mnl_attr_nest_start(nlh, IVGMP_A_CONFIG);
	mnl_attr_put_u32(nlh, IVGMP_CONFIG_A_PORT, 7654);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);

	/* the same attribute twice */
	nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	n = mnl_attr_nest_start(nlh, IVGMP_A_CONFIG);
	mnl_attr_put_u32(nlh, IVGMP_CONFIG_A_SITE_ID, 1);
	mnl_attr_put_u32(nlh, IVGMP_CONFIG_A_SITE_ID, 2);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);

	/* LAN without its VPN */
	nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	n = mnl_attr_nest_start(nlh, IVGMP_A_CONFIG);
	l = mnl_attr_nest_start(nlh, IVGMP_CONFIG_A_LANS);
	e = mnl_attr_nest_start(nlh, IVGMP_A_LAN);
	mnl_attr_put_u32(nlh, IVGMP_LAN_A_IFINDEX, 3);
	mnl_attr_nest_end(nlh, e);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);

	/* a prefix element of the wrong type inside PREFIXES */
	nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	n = mnl_attr_nest_start(nlh, IVGMP_A_CONFIG);
	l = mnl_attr_nest_start(nlh, IVGMP_CONFIG_A_PREFIXES);
	e = mnl_attr_nest_start(nlh, IVGMP_A_LAN);
	mnl_attr_nest_end(nlh, e);
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);

	/* prefix with both families, then with plen 33 on IPv4 */
	for (i = 0; i < 2; i++) {
		uint8_t a4[4] = { 10 }, a6[16] = { 0x20 };

		nlh = msg_start(IVGMP_CMD_GET_CONFIG);
		n = mnl_attr_nest_start(nlh, IVGMP_A_CONFIG);
		l = mnl_attr_nest_start(nlh, IVGMP_CONFIG_A_PREFIXES);
		e = mnl_attr_nest_start(nlh, IVGMP_A_PREFIX);
		mnl_attr_put(nlh, IVGMP_PREFIX_A_ADDR4, 4, a4);
		if (i == 0)
			mnl_attr_put(nlh, IVGMP_PREFIX_A_ADDR6, 16, a6);
		mnl_attr_put_u8(nlh, IVGMP_PREFIX_A_PLEN, i == 0 ? 8 : 33);
		mnl_attr_nest_end(nlh, e);
		mnl_attr_nest_end(nlh, l);
		mnl_attr_nest_end(nlh, n);
		assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);
	}

	/* more LANs than the API allows */
	nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	n = mnl_attr_nest_start(nlh, IVGMP_A_CONFIG);
	l = mnl_attr_nest_start(nlh, IVGMP_CONFIG_A_LANS);
	for (i = 0; i <= IVGMP_MAX_LANS; i++) {
		e = mnl_attr_nest_start(nlh, IVGMP_A_LAN);
		mnl_attr_put_u32(nlh, IVGMP_LAN_A_IFINDEX, i + 1);
		mnl_attr_put_u32(nlh, IVGMP_LAN_A_VPN, 0);
		mnl_attr_nest_end(nlh, e);
	}
	mnl_attr_nest_end(nlh, l);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);

	/* no IVGMP_A_CONFIG at all */
	nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);
}

static void test_framing_rejects(void **state)
{
	struct ivgmp_config_info out;
	struct nlmsghdr *nlh;
	struct nlattr *n, *a;

	/* inner attribute claims more bytes than its nest holds */
	nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	n = mnl_attr_nest_start(nlh, IVGMP_A_CONFIG);
	a = mnl_nlmsg_get_payload_tail(nlh);
	mnl_attr_put_u32(nlh, IVGMP_CONFIG_A_SITE_ID, 1);
	mnl_attr_nest_end(nlh, n);
	a->nla_len = 40;
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);

	/* attribute header shorter than a header */
	a->nla_len = 2;
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);

	/* trailing bytes that are no attribute */
	nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	n = mnl_attr_nest_start(nlh, IVGMP_A_CONFIG);
	mnl_attr_put_u32(nlh, IVGMP_CONFIG_A_SITE_ID, 1);
	mnl_attr_nest_end(nlh, n);
	n->nla_len += 2;
	nlh->nlmsg_len += 4;
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);

	/* message shorter than the genl header */
	nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	assert_int_equal(ivgmp_parse_config(nlh, &out), -EINVAL);
}

static void test_unknown_attrs_ignored(void **state)
{
	struct ivgmp_config_info out;
	struct nlmsghdr *nlh = msg_start(IVGMP_CMD_GET_CONFIG);
	struct nlattr *n;

	/* A newer kernel's attributes, top level and nested. */
	mnl_attr_put_u32(nlh, IVGMP_A_MAX + 5, 1);
	n = mnl_attr_nest_start(nlh, IVGMP_A_CONFIG);
	mnl_attr_put_u32(nlh, IVGMP_CONFIG_A_SITE_ID, 9);
	mnl_attr_put_u64(nlh, IVGMP_CONFIG_A_MAX + 1, 1);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ivgmp_parse_config(nlh, &out), 0);
	assert_int_equal(out.site_id, 9);
	assert_int_equal(out.present, IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_SITE_ID));
}

/* ---- sites ---- */

static void test_site_round_trip_and_stats(void **state)
{
	struct ivgmp_site_info in = { .id = 7, .has_port = true, .port = 9000 };
	struct ivgmp_site_info out;
	struct nlmsghdr *nlh = msg_start(IVGMP_CMD_GET_SITE);
	struct nlattr *n;

	addr_parse("2001:db8::7", AF_UNSPEC, &in.addr);
	assert_int_equal(ivgmp_put_site(nlh, BUFLEN, &in, false), 0);
	assert_int_equal(ivgmp_parse_site(nlh, &out), 0);
	assert_int_equal(out.id, 7);
	assert_true(out.has_port);
	assert_int_equal(out.port, 9000);
	assert_true(addr_equal(&out.addr, &in.addr));
	assert_false(out.has_stats);

	/* a reply with counters, as the kernel sends it */
	nlh = msg_start(IVGMP_CMD_GET_SITE);
	n = mnl_attr_nest_start(nlh, IVGMP_A_SITE);
	mnl_attr_put_u32(nlh, IVGMP_SITE_A_ID, 3);
	mnl_attr_put(nlh, IVGMP_SITE_A_ADDR4, 4, (uint8_t[]){ 192, 0, 2, 3 });
	put_counters(nlh, IVGMP_SITE_A_STATS, 100);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ivgmp_parse_site(nlh, &out), 0);
	assert_int_equal(out.id, 3);
	assert_false(out.has_port);
	assert_true(out.has_stats);
	check_counters(&out.stats, 100);
}

static void test_site_rejects(void **state)
{
	struct ivgmp_site_info out;
	struct nlmsghdr *nlh;
	struct nlattr *n;
	int i;

	for (i = 0; i < 5; i++) {
		nlh = msg_start(IVGMP_CMD_GET_SITE);
		n = mnl_attr_nest_start(nlh, IVGMP_A_SITE);
		if (i != 0)	/* 0: no id */
			mnl_attr_put_u32(nlh, IVGMP_SITE_A_ID, i == 1 ? 0 : 4);
		if (i != 2)	/* 2: no address */
			mnl_attr_put(nlh, IVGMP_SITE_A_ADDR4, 4,
				     (uint8_t[]){ 192, 0, 2, 3 });
		if (i == 3)	/* 3: both families */
			mnl_attr_put(nlh, IVGMP_SITE_A_ADDR6, 16,
				     (uint8_t[16]){ 0x20 });
		if (i == 4)	/* 4: v4 address of 16 bytes */
			mnl_attr_put(nlh, IVGMP_SITE_A_ADDR6, 4,
				     (uint8_t[]){ 1, 2, 3, 4 });
		mnl_attr_nest_end(nlh, n);
		if (ivgmp_parse_site(nlh, &out) != -EINVAL)
			fail_msg("malformed site case %d accepted", i);
	}
}

/* ---- routes ---- */

static void test_route_round_trip(void **state)
{
	struct ivgmp_nexthop_info hops[3] = { { .site = 2 }, { .site = 3 },
					      { .site = 9 } };
	struct ivgmp_route_info in = {
		.vpn = 5, .origin = 1, .flags = IVGMP_ROUTE_F_DELIVER_LOCAL,
		.has_nexthops = true, .n_nexthops = 3, .nexthops = hops,
	};
	struct ivgmp_route_info out;
	struct nlmsghdr *nlh = msg_start(IVGMP_CMD_GET_ROUTE);

	addr_parse("232.1.1.1", AF_UNSPEC, &in.group);
	addr_parse("10.1.0.5", AF_UNSPEC, &in.source);
	assert_int_equal(ivgmp_put_route(nlh, BUFLEN, &in, false), 0);
	assert_int_equal(ivgmp_parse_route(nlh, &out), 0);
	assert_int_equal(out.vpn, 5);
	assert_int_equal(out.origin, 1);
	assert_int_equal(out.flags, IVGMP_ROUTE_F_DELIVER_LOCAL);
	assert_true(addr_equal(&out.group, &in.group));
	assert_true(addr_equal(&out.source, &in.source));
	assert_true(out.has_nexthops);
	assert_int_equal(out.n_nexthops, 3);
	assert_int_equal(out.nexthops[0].site, 2);
	assert_int_equal(out.nexthops[2].site, 9);
	ivgmp_route_info_free(&out);
	assert_null(out.nexthops);

	/* key only: no flags, no next hops */
	nlh = msg_start(IVGMP_CMD_DEL_ROUTE);
	assert_int_equal(ivgmp_put_route(nlh, BUFLEN, &in, true), 0);
	assert_int_equal(ivgmp_parse_route(nlh, &out), 0);
	assert_int_equal(out.flags, 0);
	assert_false(out.has_nexthops);
	assert_int_equal(out.n_nexthops, 0);
	ivgmp_route_info_free(&out);
}

static void test_route_max_nexthops_with_stats(void **state)
{
	struct ivgmp_route_info out;
	struct nlmsghdr *nlh = msg_start(IVGMP_CMD_GET_ROUTE);
	struct nlattr *n, *l, *e;
	unsigned int i;

	n = mnl_attr_nest_start(nlh, IVGMP_A_ROUTE);
	mnl_attr_put_u32(nlh, IVGMP_ROUTE_A_VPN, 1);
	mnl_attr_put(nlh, IVGMP_ROUTE_A_GROUP6, 16,
		     (uint8_t[16]){ 0xff, 0x0e, [15] = 1 });
	mnl_attr_put_u32(nlh, IVGMP_ROUTE_A_ORIGIN, 1);
	l = mnl_attr_nest_start(nlh, IVGMP_ROUTE_A_NEXTHOPS);
	for (i = 0; i < IVGMP_MAX_NEXTHOPS; i++) {
		e = mnl_attr_nest_start(nlh, IVGMP_A_NEXTHOP);
		mnl_attr_put_u32(nlh, IVGMP_NEXTHOP_A_SITE, i + 2);
		if (i == 7)
			put_counters(nlh, IVGMP_NEXTHOP_A_STATS, 70);
		mnl_attr_nest_end(nlh, e);
	}
	mnl_attr_nest_end(nlh, l);
	put_counters(nlh, IVGMP_ROUTE_A_STATS, 1000);
	mnl_attr_nest_end(nlh, n);
	assert_true(nlh->nlmsg_len < BUFLEN);
	assert_int_equal(ivgmp_parse_route(nlh, &out), 0);
	assert_int_equal(out.group.family, AF_INET6);
	assert_true(addr_is_unspec(&out.source));
	assert_int_equal(out.n_nexthops, IVGMP_MAX_NEXTHOPS);
	assert_int_equal(out.nexthops[IVGMP_MAX_NEXTHOPS - 1].site,
			 IVGMP_MAX_NEXTHOPS + 1);
	assert_true(out.nexthops[7].has_stats);
	assert_false(out.nexthops[6].has_stats);
	check_counters(&out.nexthops[7].stats, 70);
	assert_true(out.has_stats);
	check_counters(&out.stats, 1000);
	ivgmp_route_info_free(&out);
}

/* Build a route message with one defect selected by `which`. */
static struct nlmsghdr *bad_route(int which)
{
	struct nlmsghdr *nlh = msg_start(IVGMP_CMD_GET_ROUTE);
	struct nlattr *n, *l, *e;
	unsigned int i, hops = which == 6 ? IVGMP_MAX_NEXTHOPS + 1 : 2;

	n = mnl_attr_nest_start(nlh, IVGMP_A_ROUTE);
	if (which != 0)
		mnl_attr_put_u32(nlh, IVGMP_ROUTE_A_VPN, 1);
	if (which == 1)		/* unicast group */
		mnl_attr_put(nlh, IVGMP_ROUTE_A_GROUP4, 4,
			     (uint8_t[]){ 10, 0, 0, 1 });
	else if (which != 2)
		mnl_attr_put(nlh, IVGMP_ROUTE_A_GROUP4, 4,
			     (uint8_t[]){ 239, 1, 1, 1 });
	if (which == 3)		/* v6 source for a v4 group */
		mnl_attr_put(nlh, IVGMP_ROUTE_A_SOURCE6, 16,
			     (uint8_t[16]){ 0x20, 1 });
	if (which != 4)
		mnl_attr_put_u32(nlh, IVGMP_ROUTE_A_ORIGIN, 1);
	l = mnl_attr_nest_start(nlh, IVGMP_ROUTE_A_NEXTHOPS);
	for (i = 0; i < hops; i++) {
		e = mnl_attr_nest_start(nlh, IVGMP_A_NEXTHOP);
		/* 5: duplicate next hop; 7: next hop without a site */
		if (which != 7)
			mnl_attr_put_u32(nlh, IVGMP_NEXTHOP_A_SITE,
					 which == 5 ? 2 : i + 2);
		mnl_attr_nest_end(nlh, e);
	}
	mnl_attr_nest_end(nlh, l);
	if (which == 8) {	/* counter of the wrong width */
		e = mnl_attr_nest_start(nlh, IVGMP_ROUTE_A_STATS);
		mnl_attr_put_u32(nlh, IVGMP_STATS_A_TX_PACKETS, 1);
		mnl_attr_nest_end(nlh, e);
	}
	if (which == 9)		/* flags as u8 */
		mnl_attr_put_u8(nlh, IVGMP_ROUTE_A_FLAGS, 1);
	mnl_attr_nest_end(nlh, n);
	return nlh;
}

static void test_route_rejects(void **state)
{
	struct ivgmp_route_info out;
	int which;

	/* the builder itself is fine without a defect */
	assert_int_equal(ivgmp_parse_route(bad_route(-1), &out), 0);
	ivgmp_route_info_free(&out);
	for (which = 0; which <= 9; which++) {
		if (ivgmp_parse_route(bad_route(which), &out) != -EINVAL)
			fail_msg("malformed route case %d accepted", which);
		/* nothing to free after an error */
		assert_null(out.nexthops);
	}
}

static void test_put_route_errors(void **state)
{
	struct ivgmp_nexthop_info hops[2] = { { .site = 2 }, { .site = 3 } };
	struct ivgmp_route_info r = { .vpn = 1, .origin = 1, .n_nexthops = 2,
				      .nexthops = hops };
	struct nlmsghdr *nlh;

	nlh = msg_start(IVGMP_CMD_NEW_ROUTE);
	assert_int_equal(ivgmp_put_route(nlh, BUFLEN, &r, false), -EINVAL);
	addr_parse("239.1.1.1", AF_UNSPEC, &r.group);
	addr_parse("2001:db8::1", AF_UNSPEC, &r.source);
	assert_int_equal(ivgmp_put_route(nlh, BUFLEN, &r, false), -EINVAL);
	memset(&r.source, 0, sizeof(r.source));
	nlh = msg_start(IVGMP_CMD_NEW_ROUTE);
	/* a buffer too small for the next hops */
	assert_int_equal(ivgmp_put_route(nlh, nlh->nlmsg_len + 40, &r, false),
			 -EMSGSIZE);
	r.n_nexthops = IVGMP_MAX_NEXTHOPS + 1;
	assert_int_equal(ivgmp_put_route(nlh, BUFLEN, &r, false), -EINVAL);
}

/* ---- stats and events ---- */

static void test_stats(void **state)
{
	struct ivgmp_stats_info st;
	struct nlmsghdr *nlh = msg_start(IVGMP_CMD_GET_STATS);
	struct nlattr *n;

	put_counters(nlh, IVGMP_A_STATS, 0);
	n = mnl_attr_nest_start(nlh, IVGMP_A_DROPS);
	mnl_attr_put(nlh, IVGMP_DROP_UNSPEC, 0, NULL);	/* alignment pad */
	put_u64(nlh, IVGMP_DROP_NOT_IPSEC, 11);
	mnl_attr_put(nlh, IVGMP_DROP_UNSPEC, 0, NULL);
	put_u64(nlh, IVGMP_DROP_XMIT, 12);
	put_u64(nlh, IVGMP_DROP_MAX + 3, 99);	/* newer reason: skipped */
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ivgmp_parse_stats(nlh, &st), 0);
	check_counters(&st.global, 0);
	assert_int_equal(st.drops[IVGMP_DROP_NOT_IPSEC], 11);
	assert_int_equal(st.drops[IVGMP_DROP_XMIT], 12);
	assert_int_equal(st.drops[IVGMP_DROP_TTL], 0);
	assert_int_equal(st.drop_present, (1ULL << IVGMP_DROP_NOT_IPSEC) |
					  (1ULL << IVGMP_DROP_XMIT));
	assert_string_equal(ivgmp_drop_name(IVGMP_DROP_NOT_IPSEC), "not-ipsec");
	assert_string_equal(ivgmp_drop_name(IVGMP_DROP_TX_NOT_IPSEC),
			    "tx-not-ipsec");
	assert_string_equal(ivgmp_drop_name(IVGMP_DROP_MAX + 1), "unknown");

	/* a drop counter of 4 bytes */
	nlh = msg_start(IVGMP_CMD_GET_STATS);
	put_counters(nlh, IVGMP_A_STATS, 0);
	n = mnl_attr_nest_start(nlh, IVGMP_A_DROPS);
	mnl_attr_put_u32(nlh, IVGMP_DROP_TTL, 1);
	mnl_attr_nest_end(nlh, n);
	assert_int_equal(ivgmp_parse_stats(nlh, &st), -EINVAL);

	/* no IVGMP_A_STATS */
	nlh = msg_start(IVGMP_CMD_GET_STATS);
	assert_int_equal(ivgmp_parse_stats(nlh, &st), -EINVAL);
}

static void test_event(void **state)
{
	struct ivgmp_event_info ev;
	struct nlmsghdr *nlh;
	struct nlattr *n;
	int i;

	for (i = 0; i < 4; i++) {
		nlh = msg_start(IVGMP_CMD_NEW_SOURCE);
		n = mnl_attr_nest_start(nlh, IVGMP_A_EVENT);
		mnl_attr_put_u32(nlh, IVGMP_EVENT_A_VPN, 3);
		mnl_attr_put(nlh, IVGMP_EVENT_A_GROUP4, 4,
			     (uint8_t[]){ 239, 2, 2, 2 });
		if (i == 1)	/* source of the other family */
			mnl_attr_put(nlh, IVGMP_EVENT_A_SOURCE6, 16,
				     (uint8_t[16]){ 0x20 });
		else if (i != 2)	/* 2: no source */
			mnl_attr_put(nlh, IVGMP_EVENT_A_SOURCE4, 4,
				     (uint8_t[]){ 10, 1, 0, 9 });
		if (i != 3)	/* 3: no ifindex */
			mnl_attr_put_u32(nlh, IVGMP_EVENT_A_IFINDEX, 4);
		mnl_attr_nest_end(nlh, n);
		if (i == 0) {
			char b[ADDR_STRLEN];

			assert_int_equal(ivgmp_parse_event(nlh, &ev), 0);
			assert_int_equal(ev.vpn, 3);
			assert_int_equal(ev.ifindex, 4);
			assert_string_equal(addr_ntop(&ev.group, b, sizeof(b)),
					    "239.2.2.2");
			assert_string_equal(addr_ntop(&ev.source, b, sizeof(b)),
					    "10.1.0.9");
			assert_int_equal(ivgmp_nl_cmd(nlh),
					 IVGMP_CMD_NEW_SOURCE);
		} else if (ivgmp_parse_event(nlh, &ev) != -EINVAL) {
			fail_msg("malformed event case %d accepted", i);
		}
	}
}

static uint32_t off_of(const struct nlmsghdr *nlh, const void *p)
{
	return (uint32_t)((const char *)p - (const char *)nlh);
}

static void test_attr_path(void **state)
{
	struct ivgmp_nexthop_info hops[3] = { { .site = 2 }, { .site = 3 },
					      { .site = 4 } };
	struct ivgmp_route_info r = { .vpn = 1, .origin = 1, .n_nexthops = 3,
				      .nexthops = hops };
	struct nlmsghdr *nlh = msg_start(IVGMP_CMD_NEW_ROUTE);
	const struct nlattr *route, *a, *hop = NULL, *vpn = NULL, *site = NULL;
	const void *payload;
	char path[128];
	size_t len;
	int i = 0;

	addr_parse("239.1.1.1", AF_UNSPEC, &r.group);
	assert_int_equal(ivgmp_put_route(nlh, BUFLEN, &r, false), 0);
	payload = ivgmp_nl_payload(nlh, &len);
	route = payload;
	mnl_attr_for_each_nested(a, route) {
		if (mnl_attr_get_type(a) == IVGMP_ROUTE_A_VPN)
			vpn = a;
		if (mnl_attr_get_type(a) == IVGMP_ROUTE_A_NEXTHOPS)
			mnl_attr_for_each_nested(hop, a)
				if (i++ == 2)
					break;
	}
	assert_non_null(vpn);
	assert_non_null(hop);
	site = mnl_attr_get_payload(hop);

	assert_int_equal(ivgmp_attr_path(nlh, off_of(nlh, route), path,
					 sizeof(path)), 0);
	assert_string_equal(path, "route");
	assert_int_equal(ivgmp_attr_path(nlh, off_of(nlh, vpn), path,
					 sizeof(path)), 0);
	assert_string_equal(path, "route.vpn");
	/* an offset inside the payload names the attribute too */
	assert_int_equal(ivgmp_attr_path(nlh, off_of(nlh, vpn) + 5, path,
					 sizeof(path)), 0);
	assert_string_equal(path, "route.vpn");
	assert_int_equal(ivgmp_attr_path(nlh, off_of(nlh, hop), path,
					 sizeof(path)), 0);
	assert_string_equal(path, "route.nexthops.nexthop[2]");
	assert_int_equal(ivgmp_attr_path(nlh, off_of(nlh, site), path,
					 sizeof(path)), 0);
	assert_string_equal(path, "route.nexthops.nexthop[2].site");
	/* too small a buffer truncates, never overflows */
	assert_int_equal(ivgmp_attr_path(nlh, off_of(nlh, site), path, 8), 0);
	assert_string_equal(path, "route.n");
	/* offsets in the headers or past the end */
	assert_int_equal(ivgmp_attr_path(nlh, 3, path, sizeof(path)), -ENOENT);
	assert_string_equal(path, "");
	assert_int_equal(ivgmp_attr_path(nlh, nlh->nlmsg_len, path,
					 sizeof(path)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_round_trip),
		cmocka_unit_test(test_config_partial_and_clear),
		cmocka_unit_test(test_config_rejects),
		cmocka_unit_test(test_framing_rejects),
		cmocka_unit_test(test_unknown_attrs_ignored),
		cmocka_unit_test(test_site_round_trip_and_stats),
		cmocka_unit_test(test_site_rejects),
		cmocka_unit_test(test_route_round_trip),
		cmocka_unit_test(test_route_max_nexthops_with_stats),
		cmocka_unit_test(test_route_rejects),
		cmocka_unit_test(test_put_route_errors),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_attr_path),
	};

	return cmocka_run_group_tests_name("nl_msg", tests, NULL, NULL);
}
