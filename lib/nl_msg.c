// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ivgmp netlink objects <-> C structs. The parsers are strict because the
 * agent reconciles kernel state from them: a message it cannot read fully
 * must be an error, never a half-filled struct. Attribute types beyond this
 * header's *_MAX are skipped so an older tool still reads a newer kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "nl.h"

/* What an attribute must look like: its payload length, or a nest. */
enum pol_kind { POL_IGNORE, POL_U8, POL_U16, POL_U32, POL_U64, POL_ADDR4,
		POL_ADDR6, POL_NESTED };

static const uint16_t pol_len[] = {
	[POL_U8] = 1, [POL_U16] = 2, [POL_U32] = 4, [POL_U64] = 8,
	[POL_ADDR4] = 4, [POL_ADDR6] = 16,
};

/*
 * Walk the attributes in [payload, payload + len): each must be well
 * formed and the walk must end exactly at the end. With a policy, tb[type]
 * collects each attribute <= maxtype, checked against pol[type];
 * duplicates are an error.
 */
static int parse_attrs(const void *payload, size_t len,
		       const enum pol_kind *pol, unsigned int maxtype,
		       const struct nlattr **tb)
{
	const char *p = payload;

	memset(tb, 0, sizeof(*tb) * (maxtype + 1));
	while (len >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)p;
		uint16_t type = mnl_attr_get_type(a);
		size_t step;

		if (a->nla_len < sizeof(struct nlattr) || a->nla_len > len)
			return -EINVAL;
		step = MNL_ALIGN(a->nla_len);
		if (step > len)
			step = len;
		p += step;
		len -= step;
		if (type > maxtype || pol[type] == POL_IGNORE)
			continue;
		if (tb[type])
			return -EINVAL;
		if (pol[type] == POL_NESTED) {
			/* The inner framing is checked when it is parsed. */
			if (mnl_attr_get_payload_len(a) &&
			    mnl_attr_get_payload_len(a) < sizeof(struct nlattr))
				return -EINVAL;
		} else if (mnl_attr_get_payload_len(a) != pol_len[pol[type]]) {
			return -EINVAL;
		}
		tb[type] = a;
	}
	return len ? -EINVAL : 0;
}

static int parse_nested(const struct nlattr *nest, const enum pol_kind *pol,
			unsigned int maxtype, const struct nlattr **tb)
{
	return parse_attrs(mnl_attr_get_payload(nest),
			   mnl_attr_get_payload_len(nest), pol, maxtype, tb);
}

static uint64_t get_u64(const struct nlattr *a)
{
	uint64_t v;

	/* nla_put_u64_64bit aligns, but do not rely on it. */
	memcpy(&v, mnl_attr_get_payload(a), sizeof(v));
	return v;
}

/* Exactly one of a v4/v6 pair, or none (-ENOENT), into *out. */
static int get_addr_pair(const struct nlattr *a4, const struct nlattr *a6,
			 struct ivgmp_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (a4 && a6)
		return -EINVAL;
	if (a4)
		return addr_from_raw(out, mnl_attr_get_payload(a4), 4);
	if (a6)
		return addr_from_raw(out, mnl_attr_get_payload(a6), 16);
	return -ENOENT;
}

static const enum pol_kind counters_pol[IVGMP_STATS_A_MAX + 1] = {
	[IVGMP_STATS_A_TX_PACKETS] = POL_U64,
	[IVGMP_STATS_A_TX_BYTES] = POL_U64,
	[IVGMP_STATS_A_RX_PACKETS] = POL_U64,
	[IVGMP_STATS_A_RX_BYTES] = POL_U64,
	[IVGMP_STATS_A_DELIVERED] = POL_U64,
	[IVGMP_STATS_A_RELAYED] = POL_U64,
};

int ivgmp_parse_counters(const struct nlattr *nest, struct ivgmp_counters *out)
{
	const struct nlattr *tb[IVGMP_STATS_A_MAX + 1];
	uint64_t *field[IVGMP_STATS_A_MAX + 1] = {
		[IVGMP_STATS_A_TX_PACKETS] = &out->tx_packets,
		[IVGMP_STATS_A_TX_BYTES] = &out->tx_bytes,
		[IVGMP_STATS_A_RX_PACKETS] = &out->rx_packets,
		[IVGMP_STATS_A_RX_BYTES] = &out->rx_bytes,
		[IVGMP_STATS_A_DELIVERED] = &out->delivered,
		[IVGMP_STATS_A_RELAYED] = &out->relayed,
	};
	unsigned int i;
	int err;

	memset(out, 0, sizeof(*out));
	err = parse_nested(nest, counters_pol, IVGMP_STATS_A_MAX, tb);
	if (err)
		return err;
	for (i = 0; i <= IVGMP_STATS_A_MAX; i++) {
		if (!tb[i] || !field[i])
			continue;
		*field[i] = get_u64(tb[i]);
		out->present |= 1U << i;
	}
	return 0;
}

/* Find the one top-level attribute of a reply. */
static const struct nlattr *top_attr(const struct nlmsghdr *nlh,
				     unsigned int type)
{
	const struct nlattr *tb[IVGMP_A_MAX + 1];
	enum pol_kind pol[IVGMP_A_MAX + 1] = { 0 };
	const void *payload;
	size_t len;

	pol[type] = POL_NESTED;
	payload = ivgmp_nl_payload(nlh, &len);
	if (!payload || parse_attrs(payload, len, pol, IVGMP_A_MAX, tb))
		return NULL;
	return tb[type];
}

/* ---- config ------------------------------------------------------------ */

static const enum pol_kind config_pol[IVGMP_CONFIG_A_MAX + 1] = {
	[IVGMP_CONFIG_A_SITE_ID] = POL_U32,
	[IVGMP_CONFIG_A_PORT] = POL_U16,
	[IVGMP_CONFIG_A_FLAGS] = POL_U32,
	[IVGMP_CONFIG_A_HOP_LIMIT] = POL_U8,
	[IVGMP_CONFIG_A_EVENT_RATE] = POL_U32,
	[IVGMP_CONFIG_A_LANS] = POL_NESTED,
	[IVGMP_CONFIG_A_PREFIXES] = POL_NESTED,
};

static const enum pol_kind lan_pol[IVGMP_LAN_A_MAX + 1] = {
	[IVGMP_LAN_A_IFINDEX] = POL_U32,
	[IVGMP_LAN_A_VPN] = POL_U32,
};

static const enum pol_kind prefix_pol[IVGMP_PREFIX_A_MAX + 1] = {
	[IVGMP_PREFIX_A_ADDR4] = POL_ADDR4,
	[IVGMP_PREFIX_A_ADDR6] = POL_ADDR6,
	[IVGMP_PREFIX_A_PLEN] = POL_U8,
};

static int parse_lans(const struct nlattr *nest, struct ivgmp_config_info *c)
{
	const struct nlattr *a;
	int err;

	/* parse_attrs with no policy only checks the framing. */
	err = parse_nested(nest, lan_pol, 0, (const struct nlattr *[1]){ 0 });
	if (err)
		return err;
	mnl_attr_for_each_nested(a, nest) {
		const struct nlattr *tb[IVGMP_LAN_A_MAX + 1];

		if (mnl_attr_get_type(a) != IVGMP_A_LAN)
			return -EINVAL;
		if (c->n_lans >= IVGMP_MAX_LANS)
			return -EINVAL;
		err = parse_nested(a, lan_pol, IVGMP_LAN_A_MAX, tb);
		if (err)
			return err;
		if (!tb[IVGMP_LAN_A_IFINDEX] || !tb[IVGMP_LAN_A_VPN])
			return -EINVAL;
		c->lans[c->n_lans].ifindex = mnl_attr_get_u32(tb[IVGMP_LAN_A_IFINDEX]);
		c->lans[c->n_lans].vpn = mnl_attr_get_u32(tb[IVGMP_LAN_A_VPN]);
		c->n_lans++;
	}
	return 0;
}

static int parse_prefixes(const struct nlattr *nest,
			  struct ivgmp_config_info *c)
{
	const struct nlattr *a;
	int err;

	err = parse_nested(nest, prefix_pol, 0, (const struct nlattr *[1]){ 0 });
	if (err)
		return err;
	mnl_attr_for_each_nested(a, nest) {
		const struct nlattr *tb[IVGMP_PREFIX_A_MAX + 1];
		struct ivgmp_prefix *p;

		if (mnl_attr_get_type(a) != IVGMP_A_PREFIX)
			return -EINVAL;
		if (c->n_prefixes >= IVGMP_MAX_PREFIXES)
			return -EINVAL;
		err = parse_nested(a, prefix_pol, IVGMP_PREFIX_A_MAX, tb);
		if (err)
			return err;
		p = &c->prefixes[c->n_prefixes];
		if (get_addr_pair(tb[IVGMP_PREFIX_A_ADDR4],
				  tb[IVGMP_PREFIX_A_ADDR6], &p->addr))
			return -EINVAL;
		if (!tb[IVGMP_PREFIX_A_PLEN])
			return -EINVAL;
		p->plen = mnl_attr_get_u8(tb[IVGMP_PREFIX_A_PLEN]);
		if (p->plen > addr_len(p->addr.family) * 8)
			return -EINVAL;
		c->n_prefixes++;
	}
	return 0;
}

int ivgmp_parse_config_attr(const struct nlattr *nest,
			    struct ivgmp_config_info *out)
{
	const struct nlattr *tb[IVGMP_CONFIG_A_MAX + 1];
	unsigned int i;
	int err;

	memset(out, 0, sizeof(*out));
	err = parse_nested(nest, config_pol, IVGMP_CONFIG_A_MAX, tb);
	if (err)
		return err;
	for (i = 1; i <= IVGMP_CONFIG_A_MAX; i++)
		if (tb[i])
			out->present |= IVGMP_CONFIG_HAS(i);
	if (tb[IVGMP_CONFIG_A_SITE_ID])
		out->site_id = mnl_attr_get_u32(tb[IVGMP_CONFIG_A_SITE_ID]);
	if (tb[IVGMP_CONFIG_A_PORT])
		out->port = mnl_attr_get_u16(tb[IVGMP_CONFIG_A_PORT]);
	if (tb[IVGMP_CONFIG_A_FLAGS])
		out->flags = mnl_attr_get_u32(tb[IVGMP_CONFIG_A_FLAGS]);
	if (tb[IVGMP_CONFIG_A_HOP_LIMIT])
		out->hop_limit = mnl_attr_get_u8(tb[IVGMP_CONFIG_A_HOP_LIMIT]);
	if (tb[IVGMP_CONFIG_A_EVENT_RATE])
		out->event_rate = mnl_attr_get_u32(tb[IVGMP_CONFIG_A_EVENT_RATE]);
	if (tb[IVGMP_CONFIG_A_LANS]) {
		err = parse_lans(tb[IVGMP_CONFIG_A_LANS], out);
		if (err)
			return err;
	}
	if (tb[IVGMP_CONFIG_A_PREFIXES]) {
		err = parse_prefixes(tb[IVGMP_CONFIG_A_PREFIXES], out);
		if (err)
			return err;
	}
	return 0;
}

int ivgmp_parse_config(const struct nlmsghdr *nlh,
		       struct ivgmp_config_info *out)
{
	const struct nlattr *a = top_attr(nlh, IVGMP_A_CONFIG);

	if (!a)
		return -EINVAL;
	return ivgmp_parse_config_attr(a, out);
}

/* ---- sites ------------------------------------------------------------- */

static const enum pol_kind site_pol[IVGMP_SITE_A_MAX + 1] = {
	[IVGMP_SITE_A_ID] = POL_U32,
	[IVGMP_SITE_A_ADDR4] = POL_ADDR4,
	[IVGMP_SITE_A_ADDR6] = POL_ADDR6,
	[IVGMP_SITE_A_PORT] = POL_U16,
	[IVGMP_SITE_A_STATS] = POL_NESTED,
};

int ivgmp_parse_site_attr(const struct nlattr *nest,
			  struct ivgmp_site_info *out)
{
	const struct nlattr *tb[IVGMP_SITE_A_MAX + 1];
	int err;

	memset(out, 0, sizeof(*out));
	err = parse_nested(nest, site_pol, IVGMP_SITE_A_MAX, tb);
	if (err)
		return err;
	if (!tb[IVGMP_SITE_A_ID])
		return -EINVAL;
	out->id = mnl_attr_get_u32(tb[IVGMP_SITE_A_ID]);
	if (!out->id)
		return -EINVAL;
	if (get_addr_pair(tb[IVGMP_SITE_A_ADDR4], tb[IVGMP_SITE_A_ADDR6],
			  &out->addr))
		return -EINVAL;
	if (tb[IVGMP_SITE_A_PORT]) {
		out->has_port = true;
		out->port = mnl_attr_get_u16(tb[IVGMP_SITE_A_PORT]);
	}
	if (tb[IVGMP_SITE_A_STATS]) {
		out->has_stats = true;
		err = ivgmp_parse_counters(tb[IVGMP_SITE_A_STATS], &out->stats);
		if (err)
			return err;
	}
	return 0;
}

int ivgmp_parse_site(const struct nlmsghdr *nlh, struct ivgmp_site_info *out)
{
	const struct nlattr *a = top_attr(nlh, IVGMP_A_SITE);

	if (!a)
		return -EINVAL;
	return ivgmp_parse_site_attr(a, out);
}

/* ---- routes ------------------------------------------------------------ */

static const enum pol_kind route_pol[IVGMP_ROUTE_A_MAX + 1] = {
	[IVGMP_ROUTE_A_VPN] = POL_U32,
	[IVGMP_ROUTE_A_GROUP4] = POL_ADDR4,
	[IVGMP_ROUTE_A_GROUP6] = POL_ADDR6,
	[IVGMP_ROUTE_A_SOURCE4] = POL_ADDR4,
	[IVGMP_ROUTE_A_SOURCE6] = POL_ADDR6,
	[IVGMP_ROUTE_A_ORIGIN] = POL_U32,
	[IVGMP_ROUTE_A_FLAGS] = POL_U32,
	[IVGMP_ROUTE_A_NEXTHOPS] = POL_NESTED,
	[IVGMP_ROUTE_A_STATS] = POL_NESTED,
};

static const enum pol_kind nexthop_pol[IVGMP_NEXTHOP_A_MAX + 1] = {
	[IVGMP_NEXTHOP_A_SITE] = POL_U32,
	[IVGMP_NEXTHOP_A_STATS] = POL_NESTED,
};

void ivgmp_route_info_free(struct ivgmp_route_info *r)
{
	if (!r)
		return;
	free(r->nexthops);
	r->nexthops = NULL;
	r->n_nexthops = 0;
}

static int parse_nexthops(const struct nlattr *nest,
			  struct ivgmp_route_info *r)
{
	const struct nlattr *a;
	unsigned int n = 0, i;
	int err;

	err = parse_nested(nest, nexthop_pol, 0,
			   (const struct nlattr *[1]){ 0 });
	if (err)
		return err;
	mnl_attr_for_each_nested(a, nest) {
		if (mnl_attr_get_type(a) != IVGMP_A_NEXTHOP)
			return -EINVAL;
		if (++n > IVGMP_MAX_NEXTHOPS)
			return -EINVAL;
	}
	r->has_nexthops = true;
	if (!n)
		return 0;
	r->nexthops = calloc(n, sizeof(*r->nexthops));
	if (!r->nexthops)
		return -ENOMEM;
	mnl_attr_for_each_nested(a, nest) {
		const struct nlattr *tb[IVGMP_NEXTHOP_A_MAX + 1];
		struct ivgmp_nexthop_info *nh = &r->nexthops[r->n_nexthops];

		err = parse_nested(a, nexthop_pol, IVGMP_NEXTHOP_A_MAX, tb);
		if (err)
			return err;
		if (!tb[IVGMP_NEXTHOP_A_SITE])
			return -EINVAL;
		nh->site = mnl_attr_get_u32(tb[IVGMP_NEXTHOP_A_SITE]);
		if (!nh->site)
			return -EINVAL;
		for (i = 0; i < r->n_nexthops; i++)
			if (r->nexthops[i].site == nh->site)
				return -EINVAL;
		if (tb[IVGMP_NEXTHOP_A_STATS]) {
			nh->has_stats = true;
			err = ivgmp_parse_counters(tb[IVGMP_NEXTHOP_A_STATS],
						   &nh->stats);
			if (err)
				return err;
		}
		r->n_nexthops++;
	}
	return 0;
}

static int parse_route_attr(const struct nlattr *nest,
			    struct ivgmp_route_info *out)
{
	const struct nlattr *tb[IVGMP_ROUTE_A_MAX + 1];
	int err;

	err = parse_nested(nest, route_pol, IVGMP_ROUTE_A_MAX, tb);
	if (err)
		return err;
	if (!tb[IVGMP_ROUTE_A_VPN] || !tb[IVGMP_ROUTE_A_ORIGIN])
		return -EINVAL;
	out->vpn = mnl_attr_get_u32(tb[IVGMP_ROUTE_A_VPN]);
	out->origin = mnl_attr_get_u32(tb[IVGMP_ROUTE_A_ORIGIN]);
	if (get_addr_pair(tb[IVGMP_ROUTE_A_GROUP4], tb[IVGMP_ROUTE_A_GROUP6],
			  &out->group) || !addr_is_multicast(&out->group))
		return -EINVAL;
	err = get_addr_pair(tb[IVGMP_ROUTE_A_SOURCE4],
			    tb[IVGMP_ROUTE_A_SOURCE6], &out->source);
	if (err && err != -ENOENT)
		return err;
	if (!err && out->source.family != out->group.family)
		return -EINVAL;
	if (tb[IVGMP_ROUTE_A_FLAGS])
		out->flags = mnl_attr_get_u32(tb[IVGMP_ROUTE_A_FLAGS]);
	if (tb[IVGMP_ROUTE_A_NEXTHOPS]) {
		err = parse_nexthops(tb[IVGMP_ROUTE_A_NEXTHOPS], out);
		if (err)
			return err;
	}
	if (tb[IVGMP_ROUTE_A_STATS]) {
		out->has_stats = true;
		err = ivgmp_parse_counters(tb[IVGMP_ROUTE_A_STATS],
					   &out->stats);
		if (err)
			return err;
	}
	return 0;
}

int ivgmp_parse_route_attr(const struct nlattr *nest,
			   struct ivgmp_route_info *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = parse_route_attr(nest, out);
	if (err)
		ivgmp_route_info_free(out);
	return err;
}

int ivgmp_parse_route(const struct nlmsghdr *nlh,
		      struct ivgmp_route_info *out)
{
	const struct nlattr *a = top_attr(nlh, IVGMP_A_ROUTE);

	memset(out, 0, sizeof(*out));
	if (!a)
		return -EINVAL;
	return ivgmp_parse_route_attr(a, out);
}

/* ---- stats and events -------------------------------------------------- */

int ivgmp_parse_stats(const struct nlmsghdr *nlh,
		      struct ivgmp_stats_info *out)
{
	static const enum pol_kind top_pol[IVGMP_A_MAX + 1] = {
		[IVGMP_A_STATS] = POL_NESTED,
		[IVGMP_A_DROPS] = POL_NESTED,
	};
	const struct nlattr *tb[IVGMP_A_MAX + 1];
	const struct nlattr *a;
	const void *payload;
	size_t len;
	int err;

	memset(out, 0, sizeof(*out));
	payload = ivgmp_nl_payload(nlh, &len);
	if (!payload)
		return -EINVAL;
	err = parse_attrs(payload, len, top_pol, IVGMP_A_MAX, tb);
	if (err)
		return err;
	if (!tb[IVGMP_A_STATS])
		return -EINVAL;
	err = ivgmp_parse_counters(tb[IVGMP_A_STATS], &out->global);
	if (err)
		return err;
	if (!tb[IVGMP_A_DROPS])
		return 0;
	err = parse_nested(tb[IVGMP_A_DROPS], top_pol, 0,
			   (const struct nlattr *[1]){ 0 });
	if (err)
		return err;
	mnl_attr_for_each_nested(a, tb[IVGMP_A_DROPS]) {
		uint16_t reason = mnl_attr_get_type(a);

		/* UNSPEC is the kernel's 64-bit alignment pad here. */
		if (reason == IVGMP_DROP_UNSPEC || reason > IVGMP_DROP_MAX)
			continue;
		if (mnl_attr_get_payload_len(a) != sizeof(uint64_t) ||
		    (out->drop_present & (1ULL << reason)))
			return -EINVAL;
		out->drops[reason] = get_u64(a);
		out->drop_present |= 1ULL << reason;
	}
	return 0;
}

static const enum pol_kind event_pol[IVGMP_EVENT_A_MAX + 1] = {
	[IVGMP_EVENT_A_VPN] = POL_U32,
	[IVGMP_EVENT_A_GROUP4] = POL_ADDR4,
	[IVGMP_EVENT_A_GROUP6] = POL_ADDR6,
	[IVGMP_EVENT_A_SOURCE4] = POL_ADDR4,
	[IVGMP_EVENT_A_SOURCE6] = POL_ADDR6,
	[IVGMP_EVENT_A_IFINDEX] = POL_U32,
};

int ivgmp_parse_event(const struct nlmsghdr *nlh,
		      struct ivgmp_event_info *out)
{
	const struct nlattr *tb[IVGMP_EVENT_A_MAX + 1];
	const struct nlattr *a = top_attr(nlh, IVGMP_A_EVENT);
	int err;

	memset(out, 0, sizeof(*out));
	if (!a)
		return -EINVAL;
	err = parse_nested(a, event_pol, IVGMP_EVENT_A_MAX, tb);
	if (err)
		return err;
	if (!tb[IVGMP_EVENT_A_VPN] || !tb[IVGMP_EVENT_A_IFINDEX])
		return -EINVAL;
	out->vpn = mnl_attr_get_u32(tb[IVGMP_EVENT_A_VPN]);
	out->ifindex = mnl_attr_get_u32(tb[IVGMP_EVENT_A_IFINDEX]);
	if (get_addr_pair(tb[IVGMP_EVENT_A_GROUP4], tb[IVGMP_EVENT_A_GROUP6],
			  &out->group) || !addr_is_multicast(&out->group))
		return -EINVAL;
	if (get_addr_pair(tb[IVGMP_EVENT_A_SOURCE4],
			  tb[IVGMP_EVENT_A_SOURCE6], &out->source) ||
	    out->source.family != out->group.family)
		return -EINVAL;
	return 0;
}

/* ---- put helpers ------------------------------------------------------- */

static bool put_addr(struct nlmsghdr *nlh, size_t buflen, uint16_t type4,
		     uint16_t type6, const struct ivgmp_addr *a)
{
	if (a->family == AF_INET)
		return mnl_attr_put_check(nlh, buflen, type4, 4, a->raw);
	if (a->family == AF_INET6)
		return mnl_attr_put_check(nlh, buflen, type6, 16, a->raw);
	return false;
}

int ivgmp_put_config(struct nlmsghdr *nlh, size_t buflen,
		     const struct ivgmp_config_info *c)
{
	struct nlattr *nest, *list, *elem;
	unsigned int i;

	if (c->n_lans > IVGMP_MAX_LANS || c->n_prefixes > IVGMP_MAX_PREFIXES)
		return -EINVAL;
	nest = mnl_attr_nest_start_check(nlh, buflen, IVGMP_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	if ((c->present & IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_SITE_ID)) &&
	    !mnl_attr_put_u32_check(nlh, buflen, IVGMP_CONFIG_A_SITE_ID,
				    c->site_id))
		return -EMSGSIZE;
	if ((c->present & IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PORT)) &&
	    !mnl_attr_put_u16_check(nlh, buflen, IVGMP_CONFIG_A_PORT, c->port))
		return -EMSGSIZE;
	if ((c->present & IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_FLAGS)) &&
	    !mnl_attr_put_u32_check(nlh, buflen, IVGMP_CONFIG_A_FLAGS,
				    c->flags))
		return -EMSGSIZE;
	if ((c->present & IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_HOP_LIMIT)) &&
	    !mnl_attr_put_u8_check(nlh, buflen, IVGMP_CONFIG_A_HOP_LIMIT,
				   c->hop_limit))
		return -EMSGSIZE;
	if ((c->present & IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_EVENT_RATE)) &&
	    !mnl_attr_put_u32_check(nlh, buflen, IVGMP_CONFIG_A_EVENT_RATE,
				    c->event_rate))
		return -EMSGSIZE;
	if (c->present & IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_LANS)) {
		list = mnl_attr_nest_start_check(nlh, buflen,
						 IVGMP_CONFIG_A_LANS);
		if (!list)
			return -EMSGSIZE;
		for (i = 0; i < c->n_lans; i++) {
			elem = mnl_attr_nest_start_check(nlh, buflen,
							 IVGMP_A_LAN);
			if (!elem ||
			    !mnl_attr_put_u32_check(nlh, buflen,
						    IVGMP_LAN_A_IFINDEX,
						    c->lans[i].ifindex) ||
			    !mnl_attr_put_u32_check(nlh, buflen,
						    IVGMP_LAN_A_VPN,
						    c->lans[i].vpn))
				return -EMSGSIZE;
			mnl_attr_nest_end(nlh, elem);
		}
		mnl_attr_nest_end(nlh, list);
	}
	if (c->present & IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PREFIXES)) {
		list = mnl_attr_nest_start_check(nlh, buflen,
						 IVGMP_CONFIG_A_PREFIXES);
		if (!list)
			return -EMSGSIZE;
		for (i = 0; i < c->n_prefixes; i++) {
			const struct ivgmp_prefix *p = &c->prefixes[i];

			if (!addr_len(p->addr.family))
				return -EINVAL;
			elem = mnl_attr_nest_start_check(nlh, buflen,
							 IVGMP_A_PREFIX);
			if (!elem ||
			    !put_addr(nlh, buflen, IVGMP_PREFIX_A_ADDR4,
				      IVGMP_PREFIX_A_ADDR6, &p->addr) ||
			    !mnl_attr_put_u8_check(nlh, buflen,
						   IVGMP_PREFIX_A_PLEN,
						   p->plen))
				return -EMSGSIZE;
			mnl_attr_nest_end(nlh, elem);
		}
		mnl_attr_nest_end(nlh, list);
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

int ivgmp_put_site(struct nlmsghdr *nlh, size_t buflen,
		   const struct ivgmp_site_info *s, bool id_only)
{
	struct nlattr *nest;

	if (!id_only && !addr_len(s->addr.family))
		return -EINVAL;
	nest = mnl_attr_nest_start_check(nlh, buflen, IVGMP_A_SITE);
	if (!nest ||
	    !mnl_attr_put_u32_check(nlh, buflen, IVGMP_SITE_A_ID, s->id))
		return -EMSGSIZE;
	if (!id_only) {
		if (!put_addr(nlh, buflen, IVGMP_SITE_A_ADDR4,
			      IVGMP_SITE_A_ADDR6, &s->addr))
			return -EMSGSIZE;
		if (s->has_port &&
		    !mnl_attr_put_u16_check(nlh, buflen, IVGMP_SITE_A_PORT,
					    s->port))
			return -EMSGSIZE;
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

int ivgmp_put_route(struct nlmsghdr *nlh, size_t buflen,
		    const struct ivgmp_route_info *r, bool key_only)
{
	struct nlattr *nest, *list, *elem;
	unsigned int i;

	if (!addr_len(r->group.family) ||
	    (!addr_is_unspec(&r->source) &&
	     r->source.family != r->group.family) ||
	    r->n_nexthops > IVGMP_MAX_NEXTHOPS ||
	    (r->n_nexthops && !r->nexthops))
		return -EINVAL;
	nest = mnl_attr_nest_start_check(nlh, buflen, IVGMP_A_ROUTE);
	if (!nest ||
	    !mnl_attr_put_u32_check(nlh, buflen, IVGMP_ROUTE_A_VPN, r->vpn) ||
	    !put_addr(nlh, buflen, IVGMP_ROUTE_A_GROUP4, IVGMP_ROUTE_A_GROUP6,
		      &r->group) ||
	    (!addr_is_unspec(&r->source) &&
	     !put_addr(nlh, buflen, IVGMP_ROUTE_A_SOURCE4,
		       IVGMP_ROUTE_A_SOURCE6, &r->source)) ||
	    !mnl_attr_put_u32_check(nlh, buflen, IVGMP_ROUTE_A_ORIGIN,
				    r->origin))
		return -EMSGSIZE;
	if (!key_only) {
		if (!mnl_attr_put_u32_check(nlh, buflen, IVGMP_ROUTE_A_FLAGS,
					    r->flags))
			return -EMSGSIZE;
		if (r->has_nexthops || r->n_nexthops) {
			list = mnl_attr_nest_start_check(nlh, buflen,
							 IVGMP_ROUTE_A_NEXTHOPS);
			if (!list)
				return -EMSGSIZE;
			for (i = 0; i < r->n_nexthops; i++) {
				elem = mnl_attr_nest_start_check(nlh, buflen,
								 IVGMP_A_NEXTHOP);
				if (!elem ||
				    !mnl_attr_put_u32_check(nlh, buflen,
							    IVGMP_NEXTHOP_A_SITE,
							    r->nexthops[i].site))
					return -EMSGSIZE;
				mnl_attr_nest_end(nlh, elem);
			}
			mnl_attr_nest_end(nlh, list);
		}
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
}

/* ---- names ------------------------------------------------------------- */

static const char *const drop_names[IVGMP_DROP_MAX + 1] = {
	[IVGMP_DROP_UNSPEC] = "unspec",
	[IVGMP_DROP_NOT_IPSEC] = "not-ipsec",
	[IVGMP_DROP_TRUNCATED] = "truncated",
	[IVGMP_DROP_BAD_VERSION] = "bad-version",
	[IVGMP_DROP_BAD_FLAGS] = "bad-flags",
	[IVGMP_DROP_BAD_INNER] = "bad-inner",
	[IVGMP_DROP_UNKNOWN_SITE] = "unknown-site",
	[IVGMP_DROP_NO_ROUTE] = "no-route",
	[IVGMP_DROP_TTL] = "ttl",
	[IVGMP_DROP_HOPS] = "hops",
	[IVGMP_DROP_LOOP] = "loop",
	[IVGMP_DROP_NOMEM] = "nomem",
	[IVGMP_DROP_NO_OUTPUT] = "no-output",
	[IVGMP_DROP_XMIT] = "xmit",
	[IVGMP_DROP_TX_NOT_IPSEC] = "tx-not-ipsec",
};

const char *ivgmp_drop_name(unsigned int reason)
{
	if (reason > IVGMP_DROP_MAX || !drop_names[reason])
		return "unknown";
	return drop_names[reason];
}

static const char *const cmd_names[IVGMP_CMD_MAX + 1] = {
	[IVGMP_CMD_GET_CONFIG] = "get-config",
	[IVGMP_CMD_SET_CONFIG] = "set-config",
	[IVGMP_CMD_NEW_SITE] = "new-site",
	[IVGMP_CMD_DEL_SITE] = "del-site",
	[IVGMP_CMD_GET_SITE] = "get-site",
	[IVGMP_CMD_NEW_ROUTE] = "new-route",
	[IVGMP_CMD_DEL_ROUTE] = "del-route",
	[IVGMP_CMD_GET_ROUTE] = "get-route",
	[IVGMP_CMD_FLUSH] = "flush",
	[IVGMP_CMD_GET_STATS] = "get-stats",
	[IVGMP_CMD_NEW_SOURCE] = "new-source",
	[IVGMP_CMD_SET_SITE] = "set-site",
	[IVGMP_CMD_SET_ROUTE] = "set-route",
};

const char *ivgmp_cmd_name(unsigned int cmd)
{
	if (cmd > IVGMP_CMD_MAX || !cmd_names[cmd])
		return "unknown";
	return cmd_names[cmd];
}

/* ---- attribute paths for extack offsets --------------------------------- */

/* children, when set, has max + 1 entries, like names. */
struct attr_level {
	unsigned int max;
	const char *const *names;
	const struct attr_level *const *children;	/* NULL: leaves */
	bool list;		/* repeated elements: print their index */
};

#define LEVEL(n, c) { sizeof(n) / sizeof((n)[0]) - 1, n, c, false }
#define LIST(n, c) { sizeof(n) / sizeof((n)[0]) - 1, n, c, true }

static const char *const stats_names[] = {
	[IVGMP_STATS_A_PAD] = "pad",
	[IVGMP_STATS_A_TX_PACKETS] = "tx-packets",
	[IVGMP_STATS_A_TX_BYTES] = "tx-bytes",
	[IVGMP_STATS_A_RX_PACKETS] = "rx-packets",
	[IVGMP_STATS_A_RX_BYTES] = "rx-bytes",
	[IVGMP_STATS_A_DELIVERED] = "delivered",
	[IVGMP_STATS_A_RELAYED] = "relayed",
};
static const struct attr_level stats_level = LEVEL(stats_names, NULL);

static const char *const lan_names[] = {
	[IVGMP_LAN_A_IFINDEX] = "ifindex",
	[IVGMP_LAN_A_VPN] = "vpn",
};
static const struct attr_level lan_level = LEVEL(lan_names, NULL);
static const char *const lans_names[] = { [IVGMP_A_LAN] = "lan" };
static const struct attr_level *const lans_children[] = {
	[IVGMP_A_LAN] = &lan_level,
};
static const struct attr_level lans_level = LIST(lans_names, lans_children);

static const char *const prefix_names[] = {
	[IVGMP_PREFIX_A_ADDR4] = "addr4",
	[IVGMP_PREFIX_A_ADDR6] = "addr6",
	[IVGMP_PREFIX_A_PLEN] = "plen",
};
static const struct attr_level prefix_level = LEVEL(prefix_names, NULL);
static const char *const prefixes_names[] = { [IVGMP_A_PREFIX] = "prefix" };
static const struct attr_level *const prefixes_children[] = {
	[IVGMP_A_PREFIX] = &prefix_level,
};
static const struct attr_level prefixes_level =
	LIST(prefixes_names, prefixes_children);

static const char *const config_names[] = {
	[IVGMP_CONFIG_A_SITE_ID] = "site-id",
	[IVGMP_CONFIG_A_PORT] = "port",
	[IVGMP_CONFIG_A_FLAGS] = "flags",
	[IVGMP_CONFIG_A_HOP_LIMIT] = "hop-limit",
	[IVGMP_CONFIG_A_EVENT_RATE] = "event-rate",
	[IVGMP_CONFIG_A_LANS] = "lans",
	[IVGMP_CONFIG_A_PREFIXES] = "prefixes",
};
static const struct attr_level *const config_children[IVGMP_CONFIG_A_MAX + 1] = {
	[IVGMP_CONFIG_A_LANS] = &lans_level,
	[IVGMP_CONFIG_A_PREFIXES] = &prefixes_level,
};
static const struct attr_level config_level =
	LEVEL(config_names, config_children);

static const char *const site_names[] = {
	[IVGMP_SITE_A_ID] = "id",
	[IVGMP_SITE_A_ADDR4] = "addr4",
	[IVGMP_SITE_A_ADDR6] = "addr6",
	[IVGMP_SITE_A_PORT] = "port",
	[IVGMP_SITE_A_STATS] = "stats",
};
static const struct attr_level *const site_children[IVGMP_SITE_A_MAX + 1] = {
	[IVGMP_SITE_A_STATS] = &stats_level,
};
static const struct attr_level site_level = LEVEL(site_names, site_children);

static const char *const nexthop_names[] = {
	[IVGMP_NEXTHOP_A_SITE] = "site",
	[IVGMP_NEXTHOP_A_STATS] = "stats",
};
static const struct attr_level *const nexthop_children[IVGMP_NEXTHOP_A_MAX + 1] = {
	[IVGMP_NEXTHOP_A_STATS] = &stats_level,
};
static const struct attr_level nexthop_level =
	LEVEL(nexthop_names, nexthop_children);
static const char *const nexthops_names[] = { [IVGMP_A_NEXTHOP] = "nexthop" };
static const struct attr_level *const nexthops_children[] = {
	[IVGMP_A_NEXTHOP] = &nexthop_level,
};
static const struct attr_level nexthops_level =
	LIST(nexthops_names, nexthops_children);

static const char *const route_names[] = {
	[IVGMP_ROUTE_A_VPN] = "vpn",
	[IVGMP_ROUTE_A_GROUP4] = "group4",
	[IVGMP_ROUTE_A_GROUP6] = "group6",
	[IVGMP_ROUTE_A_SOURCE4] = "source4",
	[IVGMP_ROUTE_A_SOURCE6] = "source6",
	[IVGMP_ROUTE_A_ORIGIN] = "origin",
	[IVGMP_ROUTE_A_FLAGS] = "flags",
	[IVGMP_ROUTE_A_NEXTHOPS] = "nexthops",
	[IVGMP_ROUTE_A_STATS] = "stats",
};
static const struct attr_level *const route_children[IVGMP_ROUTE_A_MAX + 1] = {
	[IVGMP_ROUTE_A_NEXTHOPS] = &nexthops_level,
	[IVGMP_ROUTE_A_STATS] = &stats_level,
};
static const struct attr_level route_level =
	LEVEL(route_names, route_children);

static const char *const top_names[IVGMP_A_MAX + 1] = {
	[IVGMP_A_CONFIG] = "config",
	[IVGMP_A_SITE] = "site",
	[IVGMP_A_ROUTE] = "route",
	[IVGMP_A_FLUSH] = "flush",
	[IVGMP_A_STATS] = "stats",
	[IVGMP_A_DROPS] = "drops",
	[IVGMP_A_EVENT] = "event",
	[IVGMP_A_LAN] = "lan",
	[IVGMP_A_PREFIX] = "prefix",
	[IVGMP_A_NEXTHOP] = "nexthop",
};
static const struct attr_level *const top_children[IVGMP_A_MAX + 1] = {
	[IVGMP_A_CONFIG] = &config_level,
	[IVGMP_A_SITE] = &site_level,
	[IVGMP_A_ROUTE] = &route_level,
	[IVGMP_A_STATS] = &stats_level,
};
static const struct attr_level top_level = LEVEL(top_names, top_children);

/* Append to buf at *pos, never past len; the result stays NUL-terminated. */
static void path_add(char *buf, size_t len, size_t *pos, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));

static void path_add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

static bool attr_path_walk(const char *p, size_t rem, size_t off,
			   const struct attr_level *lvl, char *buf, size_t len,
			   size_t *pos)
{
	unsigned int idx = 0;
	size_t at = 0;

	while (rem - at >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const struct nlattr *)(p + at);
		uint16_t type = mnl_attr_get_type(a);
		size_t alen = a->nla_len;
		const char *name = NULL;

		if (alen < sizeof(*a) || alen > rem - at)
			return false;
		if (off >= at && off < at + alen) {
			if (lvl && type <= lvl->max)
				name = lvl->names[type];
			if (*pos)
				path_add(buf, len, pos, ".");
			if (name)
				path_add(buf, len, pos, "%s", name);
			else
				path_add(buf, len, pos, "%u", type);
			/* List elements get their position: nexthop[3]. */
			if (lvl && lvl->list)
				path_add(buf, len, pos, "[%u]", idx);
			if (off == at)
				return true;
			if (off < at + MNL_ATTR_HDRLEN || !lvl ||
			    !lvl->children || type > lvl->max ||
			    !lvl->children[type])
				return true;
			return attr_path_walk(p + at + MNL_ATTR_HDRLEN,
					      alen - MNL_ATTR_HDRLEN,
					      off - at - MNL_ATTR_HDRLEN,
					      lvl->children[type], buf, len,
					      pos);
		}
		at += MNL_ALIGN(alen);
		idx++;
		if (at > rem)
			break;
	}
	return false;
}

int ivgmp_attr_path(const struct nlmsghdr *req, uint32_t off, char *buf,
		    size_t len)
{
	size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(GENL_HDRLEN);
	size_t pos = 0;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	if (off < hdr || off >= req->nlmsg_len)
		return -ENOENT;
	if (!attr_path_walk((const char *)req + hdr, req->nlmsg_len - hdr,
			    off - hdr, &top_level, buf, len, &pos)) {
		buf[0] = '\0';
		return -ENOENT;
	}
	return 0;
}
