// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "ivgmp", version 1: config, sites, routes with
 * counters, flush, stats and NEW_SOURCE events. Each op has its own strict
 * policy, so an attribute that does not belong to a command is rejected
 * rather than ignored. Every policy of the family is in this file, and
 * Documentation/netlink/specs/ivgmp.yaml describes them (a VM test compares
 * the two through CTRL_CMD_GETPOLICY).
 */

#include <linux/inetdevice.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include "netlink.h"
#include "socket.h"
#include "wire.h"

/*
 * Counters are reply-only. Their nest has a policy all the same, so that
 * the policy the family reports describes every attribute; the parsers
 * then reject it with ivgmp_reply_only() (NLA_REJECT would fail on
 * NLA_F_NESTED first, with a confusing message).
 */
static const struct nla_policy ivgmp_stats_policy[IVGMP_STATS_A_MAX + 1] = {
	[IVGMP_STATS_A_TX_PACKETS] = { .type = NLA_U64 },
	[IVGMP_STATS_A_TX_BYTES] = { .type = NLA_U64 },
	[IVGMP_STATS_A_RX_PACKETS] = { .type = NLA_U64 },
	[IVGMP_STATS_A_RX_BYTES] = { .type = NLA_U64 },
	[IVGMP_STATS_A_DELIVERED] = { .type = NLA_U64 },
	[IVGMP_STATS_A_RELAYED] = { .type = NLA_U64 },
};

static bool ivgmp_reply_only(const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	if (!attr)
		return false;
	NL_SET_ERR_MSG_ATTR(extack, attr, "counters are reply-only");
	return true;
}

static const struct nla_policy ivgmp_site_policy[IVGMP_SITE_A_MAX + 1] = {
	[IVGMP_SITE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[IVGMP_SITE_A_ADDR4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[IVGMP_SITE_A_ADDR6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IVGMP_SITE_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[IVGMP_SITE_A_STATS] = NLA_POLICY_NESTED(ivgmp_stats_policy),
};

static const struct nla_policy ivgmp_nexthop_policy[IVGMP_NEXTHOP_A_MAX + 1] = {
	[IVGMP_NEXTHOP_A_SITE] = NLA_POLICY_MIN(NLA_U32, 1),
	[IVGMP_NEXTHOP_A_STATS] = NLA_POLICY_NESTED(ivgmp_stats_policy),
};

/* Only IVGMP_A_NEXTHOP may appear inside IVGMP_ROUTE_A_NEXTHOPS. */
static const struct nla_policy ivgmp_nexthops_policy[IVGMP_A_NEXTHOP + 1] = {
	[IVGMP_A_NEXTHOP] = NLA_POLICY_NESTED(ivgmp_nexthop_policy),
};

static const struct nla_policy ivgmp_route_policy[IVGMP_ROUTE_A_MAX + 1] = {
	[IVGMP_ROUTE_A_VPN] = { .type = NLA_U32 },
	[IVGMP_ROUTE_A_GROUP4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[IVGMP_ROUTE_A_GROUP6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IVGMP_ROUTE_A_SOURCE4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[IVGMP_ROUTE_A_SOURCE6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IVGMP_ROUTE_A_ORIGIN] = NLA_POLICY_MIN(NLA_U32, 1),
	[IVGMP_ROUTE_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __IVGMP_ROUTE_F_ALL),
	[IVGMP_ROUTE_A_NEXTHOPS] = NLA_POLICY_NESTED(ivgmp_nexthops_policy),
	[IVGMP_ROUTE_A_STATS] = NLA_POLICY_NESTED(ivgmp_stats_policy),
};

#define IVGMP_MAX_EVENT_RATE	1000000

static struct netlink_range_validation ivgmp_event_rate_range = {
	.min = 0,
	.max = IVGMP_MAX_EVENT_RATE,
};

static struct netlink_range_validation ivgmp_ifindex_range = {
	.min = 1,
	.max = INT_MAX,
};

static const struct nla_policy ivgmp_lan_policy[IVGMP_LAN_A_MAX + 1] = {
	[IVGMP_LAN_A_IFINDEX] = NLA_POLICY_FULL_RANGE(NLA_U32,
						      &ivgmp_ifindex_range),
	[IVGMP_LAN_A_VPN] = { .type = NLA_U32 },
};

/* Only IVGMP_A_LAN may appear inside IVGMP_CONFIG_A_LANS. */
static const struct nla_policy ivgmp_lans_policy[IVGMP_A_LAN + 1] = {
	[IVGMP_A_LAN] = NLA_POLICY_NESTED(ivgmp_lan_policy),
};

static const struct nla_policy ivgmp_prefix_policy[IVGMP_PREFIX_A_MAX + 1] = {
	[IVGMP_PREFIX_A_ADDR4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[IVGMP_PREFIX_A_ADDR6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IVGMP_PREFIX_A_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

static const struct nla_policy ivgmp_prefixes_policy[IVGMP_A_PREFIX + 1] = {
	[IVGMP_A_PREFIX] = NLA_POLICY_NESTED(ivgmp_prefix_policy),
};

static const struct nla_policy ivgmp_config_policy[IVGMP_CONFIG_A_MAX + 1] = {
	[IVGMP_CONFIG_A_SITE_ID] = { .type = NLA_U32 },
	[IVGMP_CONFIG_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[IVGMP_CONFIG_A_FLAGS] = NLA_POLICY_MASK(NLA_U32,
						 __IVGMP_CONFIG_F_ALL),
	[IVGMP_CONFIG_A_HOP_LIMIT] = NLA_POLICY_MIN(NLA_U8, 1),
	[IVGMP_CONFIG_A_EVENT_RATE] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ivgmp_event_rate_range),
	[IVGMP_CONFIG_A_LANS] = NLA_POLICY_NESTED(ivgmp_lans_policy),
	[IVGMP_CONFIG_A_PREFIXES] = NLA_POLICY_NESTED(ivgmp_prefixes_policy),
};

/* Top-level policies, one per op: anything not listed is rejected. */
static const struct nla_policy ivgmp_policy_none[IVGMP_A_MAX + 1] = {};

static const struct nla_policy ivgmp_policy_config[IVGMP_A_MAX + 1] = {
	[IVGMP_A_CONFIG] = NLA_POLICY_NESTED(ivgmp_config_policy),
};

static const struct nla_policy ivgmp_policy_site[IVGMP_A_MAX + 1] = {
	[IVGMP_A_SITE] = NLA_POLICY_NESTED(ivgmp_site_policy),
};

static const struct nla_policy ivgmp_policy_route[IVGMP_A_MAX + 1] = {
	[IVGMP_A_ROUTE] = NLA_POLICY_NESTED(ivgmp_route_policy),
};

static const struct nla_policy ivgmp_policy_flush[IVGMP_A_MAX + 1] = {
	[IVGMP_A_FLUSH] = NLA_POLICY_MASK(NLA_U32, __IVGMP_FLUSH_ALL),
};

/* ---- Parsing ---- */

static bool ivgmp_unicast4(__be32 a)
{
	return !ipv4_is_multicast(a) && !ivgmp_ipv4_is_thisnet(a) &&
	       !ipv4_is_lbcast(a);
}

static bool ivgmp_unicast6(const struct in6_addr *a)
{
	return !ipv6_addr_is_multicast(a) && !ipv6_addr_any(a);
}

int ivgmp_site_parse(const struct nlattr *nest, struct ivgmp_site_spec *spec,
		     enum ivgmp_parse_mode mode,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IVGMP_SITE_A_MAX + 1];
	int err;

	memset(spec, 0, sizeof(*spec));
	err = nla_parse_nested(tb, IVGMP_SITE_A_MAX, nest, ivgmp_site_policy,
			       extack);
	if (err)
		return err;
	if (ivgmp_reply_only(tb[IVGMP_SITE_A_STATS], extack))
		return -EINVAL;
	if (!tb[IVGMP_SITE_A_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "site needs an id");
		return -EINVAL;
	}
	spec->id = nla_get_u32(tb[IVGMP_SITE_A_ID]);
	if (mode == IVGMP_PARSE_KEY) {
		if (tb[IVGMP_SITE_A_ADDR4] || tb[IVGMP_SITE_A_ADDR6] ||
		    tb[IVGMP_SITE_A_PORT]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "only the site id names a site here");
			return -EINVAL;
		}
		return 0;
	}
	if (!!tb[IVGMP_SITE_A_ADDR4] == !!tb[IVGMP_SITE_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "site needs exactly one of ADDR4 and ADDR6");
		return -EINVAL;
	}
	if (tb[IVGMP_SITE_A_ADDR4]) {
		spec->family = AF_INET;
		spec->addr.v4 = nla_get_in_addr(tb[IVGMP_SITE_A_ADDR4]);
		if (!ivgmp_unicast4(spec->addr.v4)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IVGMP_SITE_A_ADDR4],
					    "WAN address must be unicast");
			return -EINVAL;
		}
	} else {
		spec->family = AF_INET6;
		spec->addr.v6 = nla_get_in6_addr(tb[IVGMP_SITE_A_ADDR6]);
		if (!ivgmp_unicast6(&spec->addr.v6)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IVGMP_SITE_A_ADDR6],
					    "WAN address must be unicast");
			return -EINVAL;
		}
	}
	if (tb[IVGMP_SITE_A_PORT])
		spec->port = nla_get_u16(tb[IVGMP_SITE_A_PORT]);
	return 0;
}

/* Link-local scope is never forwarded, so a route for it is a mistake. */
static int ivgmp_parse_group(struct nlattr **tb, struct ivgmp_route_key *key,
			     const struct nlattr *nest,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *g4 = tb[IVGMP_ROUTE_A_GROUP4];
	struct nlattr *g6 = tb[IVGMP_ROUTE_A_GROUP6];
	struct nlattr *s4 = tb[IVGMP_ROUTE_A_SOURCE4];
	struct nlattr *s6 = tb[IVGMP_ROUTE_A_SOURCE6];

	if (!!g4 == !!g6) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "route needs exactly one of GROUP4 and GROUP6");
		return -EINVAL;
	}
	if ((g4 && s6) || (g6 && s4)) {
		NL_SET_ERR_MSG_ATTR(extack, g4 ? s6 : s4,
				    "source and group must be of one family");
		return -EINVAL;
	}
	if (g4) {
		key->family = AF_INET;
		key->group.v4 = nla_get_in_addr(g4);
		if (!ipv4_is_multicast(key->group.v4)) {
			NL_SET_ERR_MSG_ATTR(extack, g4, "group is not multicast");
			return -EINVAL;
		}
		if (ipv4_is_local_multicast(key->group.v4)) {
			NL_SET_ERR_MSG_ATTR(extack, g4,
					    "link-local groups are never forwarded");
			return -EINVAL;
		}
		if (s4) {
			key->source.v4 = nla_get_in_addr(s4);
			if (!ivgmp_unicast4(key->source.v4)) {
				NL_SET_ERR_MSG_ATTR(extack, s4,
						    "source must be unicast");
				return -EINVAL;
			}
		}
		return 0;
	}
	key->family = AF_INET6;
	key->group.v6 = nla_get_in6_addr(g6);
	if (!ipv6_addr_is_multicast(&key->group.v6)) {
		NL_SET_ERR_MSG_ATTR(extack, g6, "group is not multicast");
		return -EINVAL;
	}
	if (IPV6_ADDR_MC_SCOPE(&key->group.v6) <= IPV6_ADDR_SCOPE_LINKLOCAL) {
		NL_SET_ERR_MSG_ATTR(extack, g6,
				    "link-local groups are never forwarded");
		return -EINVAL;
	}
	if (s6) {
		key->source.v6 = nla_get_in6_addr(s6);
		if (!ivgmp_unicast6(&key->source.v6)) {
			NL_SET_ERR_MSG_ATTR(extack, s6, "source must be unicast");
			return -EINVAL;
		}
	}
	return 0;
}

static int ivgmp_parse_nexthops(const struct nlattr *list,
				struct ivgmp_route_spec *spec,
				struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IVGMP_NEXTHOP_A_MAX + 1];
	struct nlattr *attr;
	unsigned int n = 0;
	int rem, err;

	nla_for_each_nested(attr, list, rem)
		n++;
	if (n > IVGMP_MAX_NEXTHOPS) {
		NL_SET_ERR_MSG_ATTR(extack, list, "too many next hops (at most "
				    __stringify(IVGMP_MAX_NEXTHOPS) ")");
		return -E2BIG;
	}
	if (!n)
		return 0;
	spec->nexthops = kcalloc(n, sizeof(*spec->nexthops), GFP_KERNEL);
	spec->nh_attrs = kcalloc(n, sizeof(*spec->nh_attrs), GFP_KERNEL);
	if (!spec->nexthops || !spec->nh_attrs)
		return -ENOMEM;
	n = 0;
	nla_for_each_nested(attr, list, rem) {
		err = nla_parse_nested(tb, IVGMP_NEXTHOP_A_MAX, attr,
				       ivgmp_nexthop_policy, extack);
		if (err)
			return err;
		if (ivgmp_reply_only(tb[IVGMP_NEXTHOP_A_STATS], extack))
			return -EINVAL;
		if (!tb[IVGMP_NEXTHOP_A_SITE]) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "next hop needs a site id");
			return -EINVAL;
		}
		spec->nexthops[n] = nla_get_u32(tb[IVGMP_NEXTHOP_A_SITE]);
		spec->nh_attrs[n] = tb[IVGMP_NEXTHOP_A_SITE];
		n++;
	}
	spec->n_nexthops = n;
	return 0;
}

void ivgmp_route_spec_free(struct ivgmp_route_spec *spec)
{
	kfree(spec->nexthops);
	kfree(spec->nh_attrs);
	spec->nexthops = NULL;
	spec->nh_attrs = NULL;
	spec->n_nexthops = 0;
}

int ivgmp_route_parse(const struct nlattr *nest, struct ivgmp_route_spec *spec,
		      enum ivgmp_parse_mode mode,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IVGMP_ROUTE_A_MAX + 1];
	int err;

	memset(spec, 0, sizeof(*spec));
	err = nla_parse_nested(tb, IVGMP_ROUTE_A_MAX, nest, ivgmp_route_policy,
			       extack);
	if (err)
		return err;
	if (ivgmp_reply_only(tb[IVGMP_ROUTE_A_STATS], extack))
		return -EINVAL;
	if (!tb[IVGMP_ROUTE_A_VPN] || !tb[IVGMP_ROUTE_A_ORIGIN]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "route needs a VPN id, a group and an origin");
		return -EINVAL;
	}
	spec->key.vpn = nla_get_u32(tb[IVGMP_ROUTE_A_VPN]);
	spec->key.origin = nla_get_u32(tb[IVGMP_ROUTE_A_ORIGIN]);
	spec->origin_attr = tb[IVGMP_ROUTE_A_ORIGIN];
	err = ivgmp_parse_group(tb, &spec->key, nest, extack);
	if (err)
		return err;
	if (mode == IVGMP_PARSE_KEY) {
		if (tb[IVGMP_ROUTE_A_FLAGS] || tb[IVGMP_ROUTE_A_NEXTHOPS]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IVGMP_ROUTE_A_FLAGS] ?:
					    tb[IVGMP_ROUTE_A_NEXTHOPS],
					    "only the key names a route here");
			return -EINVAL;
		}
		return 0;
	}
	if (tb[IVGMP_ROUTE_A_FLAGS])
		spec->flags = nla_get_u32(tb[IVGMP_ROUTE_A_FLAGS]);
	if (tb[IVGMP_ROUTE_A_NEXTHOPS]) {
		err = ivgmp_parse_nexthops(tb[IVGMP_ROUTE_A_NEXTHOPS], spec,
					   extack);
		if (err) {
			ivgmp_route_spec_free(spec);
			return err;
		}
	}
	return 0;
}

/* ---- Config ---- */

static int ivgmp_parse_lans(const struct nlattr *lans, struct ivgmp_config *cfg,
			    struct net *net, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IVGMP_LAN_A_MAX + 1];
	const struct nlattr *lan;
	unsigned int n = 0, i;
	int rem, err;

	/* Count first: the size of the list is the first thing wrong. */
	nla_for_each_nested(lan, lans, rem) {
		if (++n > IVGMP_MAX_LANS) {
			NL_SET_ERR_MSG_ATTR(extack, lan,
					    "too many LAN interfaces (at most "
					    __stringify(IVGMP_MAX_LANS) ")");
			return -E2BIG;
		}
	}
	n = 0;
	nla_for_each_nested(lan, lans, rem) {
		int ifindex;

		err = nla_parse_nested(tb, IVGMP_LAN_A_MAX, lan,
				       ivgmp_lan_policy, extack);
		if (err)
			return err;
		if (!tb[IVGMP_LAN_A_IFINDEX] || !tb[IVGMP_LAN_A_VPN]) {
			NL_SET_ERR_MSG_ATTR(extack, lan,
					    "LAN needs an ifindex and a VPN id");
			return -EINVAL;
		}
		ifindex = nla_get_u32(tb[IVGMP_LAN_A_IFINDEX]);
		for (i = 0; i < n; i++) {
			if (cfg->lans[i].ifindex == ifindex) {
				NL_SET_ERR_MSG_ATTR(extack,
						    tb[IVGMP_LAN_A_IFINDEX],
						    "duplicate LAN interface");
				return -EINVAL;
			}
		}
		if (net) {
			bool found;

			rcu_read_lock();
			found = dev_get_by_index_rcu(net, ifindex);
			rcu_read_unlock();
			if (!found) {
				NL_SET_ERR_MSG_ATTR(extack,
						    tb[IVGMP_LAN_A_IFINDEX],
						    "no such interface in this namespace");
				return -ENODEV;
			}
		}
		cfg->lans[n].ifindex = ifindex;
		cfg->lans[n].vpn = nla_get_u32(tb[IVGMP_LAN_A_VPN]);
		n++;
	}
	cfg->n_lans = n;
	return 0;
}

static bool ivgmp_prefix_equal(const struct ivgmp_prefix *a,
			       const struct ivgmp_prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       !memcmp(&a->addr, &b->addr, sizeof(a->addr));
}

static int ivgmp_parse_prefix(const struct nlattr *attr, struct ivgmp_prefix *p,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IVGMP_PREFIX_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, IVGMP_PREFIX_A_MAX, attr,
			       ivgmp_prefix_policy, extack);
	if (err)
		return err;
	if (!!tb[IVGMP_PREFIX_A_ADDR4] == !!tb[IVGMP_PREFIX_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "prefix needs exactly one of ADDR4 and ADDR6");
		return -EINVAL;
	}
	if (!tb[IVGMP_PREFIX_A_PLEN]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "prefix needs a length");
		return -EINVAL;
	}
	memset(p, 0, sizeof(*p));
	p->plen = nla_get_u8(tb[IVGMP_PREFIX_A_PLEN]);
	if (tb[IVGMP_PREFIX_A_ADDR4]) {
		p->family = AF_INET;
		p->addr.v4 = nla_get_in_addr(tb[IVGMP_PREFIX_A_ADDR4]);
		if (p->plen > 32) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IVGMP_PREFIX_A_PLEN],
					    "IPv4 prefix length above 32");
			return -EINVAL;
		}
		if (p->addr.v4 & ~inet_make_mask(p->plen)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IVGMP_PREFIX_A_ADDR4],
					    "host bits set in prefix");
			return -EINVAL;
		}
	} else {
		struct in6_addr masked;

		p->family = AF_INET6;
		p->addr.v6 = nla_get_in6_addr(tb[IVGMP_PREFIX_A_ADDR6]);
		ipv6_addr_prefix(&masked, &p->addr.v6, p->plen);
		if (!ipv6_addr_equal(&masked, &p->addr.v6)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IVGMP_PREFIX_A_ADDR6],
					    "host bits set in prefix");
			return -EINVAL;
		}
	}
	return 0;
}

static int ivgmp_parse_prefixes(const struct nlattr *prefixes,
				struct ivgmp_config *cfg,
				struct netlink_ext_ack *extack)
{
	const struct nlattr *attr;
	unsigned int n = 0, i;
	int rem, err;

	nla_for_each_nested(attr, prefixes, rem) {
		if (++n > IVGMP_MAX_PREFIXES) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "too many prefixes (at most "
					    __stringify(IVGMP_MAX_PREFIXES) ")");
			return -E2BIG;
		}
	}
	n = 0;
	nla_for_each_nested(attr, prefixes, rem) {
		err = ivgmp_parse_prefix(attr, &cfg->prefixes[n], extack);
		if (err)
			return err;
		for (i = 0; i < n; i++) {
			if (ivgmp_prefix_equal(&cfg->prefixes[i],
					       &cfg->prefixes[n])) {
				NL_SET_ERR_MSG_ATTR(extack, attr,
						    "duplicate prefix");
				return -EINVAL;
			}
		}
		n++;
	}
	cfg->n_prefixes = n;
	return 0;
}

int ivgmp_config_parse(const struct nlattr *nest, struct ivgmp_config *cfg,
		       u32 *has, struct net *net,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IVGMP_CONFIG_A_MAX + 1];
	int err;

	*has = 0;
	err = nla_parse_nested(tb, IVGMP_CONFIG_A_MAX, nest,
			       ivgmp_config_policy, extack);
	if (err)
		return err;

	/* Lists first: they are the only part that can fail. */
	if (tb[IVGMP_CONFIG_A_LANS]) {
		err = ivgmp_parse_lans(tb[IVGMP_CONFIG_A_LANS], cfg, net,
				       extack);
		if (err)
			return err;
		*has |= IVGMP_CONFIG_HAS_LANS;
	}
	if (tb[IVGMP_CONFIG_A_PREFIXES]) {
		err = ivgmp_parse_prefixes(tb[IVGMP_CONFIG_A_PREFIXES], cfg,
					   extack);
		if (err)
			return err;
		*has |= IVGMP_CONFIG_HAS_PREFIXES;
	}
	if (tb[IVGMP_CONFIG_A_SITE_ID]) {
		cfg->site_id = nla_get_u32(tb[IVGMP_CONFIG_A_SITE_ID]);
		*has |= IVGMP_CONFIG_HAS_SITE_ID;
	}
	if (tb[IVGMP_CONFIG_A_PORT]) {
		cfg->port = nla_get_u16(tb[IVGMP_CONFIG_A_PORT]);
		*has |= IVGMP_CONFIG_HAS_PORT;
	}
	if (tb[IVGMP_CONFIG_A_FLAGS]) {
		cfg->flags = nla_get_u32(tb[IVGMP_CONFIG_A_FLAGS]);
		*has |= IVGMP_CONFIG_HAS_FLAGS;
	}
	if (tb[IVGMP_CONFIG_A_HOP_LIMIT]) {
		cfg->hop_limit = nla_get_u8(tb[IVGMP_CONFIG_A_HOP_LIMIT]);
		*has |= IVGMP_CONFIG_HAS_HOP_LIMIT;
	}
	if (tb[IVGMP_CONFIG_A_EVENT_RATE]) {
		cfg->event_rate = nla_get_u32(tb[IVGMP_CONFIG_A_EVENT_RATE]);
		*has |= IVGMP_CONFIG_HAS_EVENT_RATE;
	}
	return 0;
}

static int ivgmp_config_fill_lists(struct sk_buff *skb,
				   const struct ivgmp_config *cfg)
{
	struct nlattr *list, *item;
	unsigned int i;

	list = nla_nest_start(skb, IVGMP_CONFIG_A_LANS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < cfg->n_lans; i++) {
		item = nla_nest_start(skb, IVGMP_A_LAN);
		if (!item ||
		    nla_put_u32(skb, IVGMP_LAN_A_IFINDEX, cfg->lans[i].ifindex) ||
		    nla_put_u32(skb, IVGMP_LAN_A_VPN, cfg->lans[i].vpn))
			return -EMSGSIZE;
		nla_nest_end(skb, item);
	}
	nla_nest_end(skb, list);

	list = nla_nest_start(skb, IVGMP_CONFIG_A_PREFIXES);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; i < cfg->n_prefixes; i++) {
		const struct ivgmp_prefix *p = &cfg->prefixes[i];
		int err;

		item = nla_nest_start(skb, IVGMP_A_PREFIX);
		if (!item)
			return -EMSGSIZE;
		if (p->family == AF_INET)
			err = nla_put_in_addr(skb, IVGMP_PREFIX_A_ADDR4,
					      p->addr.v4);
		else
			err = nla_put_in6_addr(skb, IVGMP_PREFIX_A_ADDR6,
					       &p->addr.v6);
		if (err || nla_put_u8(skb, IVGMP_PREFIX_A_PLEN, p->plen))
			return -EMSGSIZE;
		nla_nest_end(skb, item);
	}
	nla_nest_end(skb, list);
	return 0;
}

/* Puts IVGMP_A_CONFIG; on -EMSGSIZE the caller cancels the message. */
int ivgmp_config_fill(struct sk_buff *skb, const struct ivgmp_config *cfg)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, IVGMP_A_CONFIG);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, IVGMP_CONFIG_A_SITE_ID, cfg->site_id) ||
	    nla_put_u16(skb, IVGMP_CONFIG_A_PORT, cfg->port) ||
	    nla_put_u32(skb, IVGMP_CONFIG_A_FLAGS, cfg->flags) ||
	    nla_put_u8(skb, IVGMP_CONFIG_A_HOP_LIMIT, cfg->hop_limit) ||
	    nla_put_u32(skb, IVGMP_CONFIG_A_EVENT_RATE, cfg->event_rate) ||
	    ivgmp_config_fill_lists(skb, cfg))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* ---- Replies ---- */

static int ivgmp_put_stats(struct sk_buff *skb, int type,
			   const struct ivgmp_stats_sum *s)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_u64_64bit(skb, IVGMP_STATS_A_TX_PACKETS, s->tx_packets,
			      IVGMP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IVGMP_STATS_A_TX_BYTES, s->tx_bytes,
			      IVGMP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IVGMP_STATS_A_RX_PACKETS, s->rx_packets,
			      IVGMP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IVGMP_STATS_A_RX_BYTES, s->rx_bytes,
			      IVGMP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IVGMP_STATS_A_DELIVERED, s->delivered,
			      IVGMP_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, IVGMP_STATS_A_RELAYED, s->relayed,
			      IVGMP_STATS_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int ivgmp_put_addr(struct sk_buff *skb, int type4, int type6, u32 family,
			  const union ivgmp_addr *a)
{
	if (family == AF_INET)
		return nla_put_in_addr(skb, type4, a->v4);
	return nla_put_in6_addr(skb, type6, &a->v6);
}

static int ivgmp_site_fill(struct sk_buff *skb, struct ivgmp_site *site,
			   const struct ivgmp_config *cfg)
{
	struct ivgmp_stats_sum sum;
	struct ivgmp_endpoint ep;
	struct nlattr *nest;

	ivgmp_site_endpoint(site, cfg, &ep);
	ivgmp_stats_sum(site->stats, &sum);
	nest = nla_nest_start(skb, IVGMP_A_SITE);
	if (!nest ||
	    nla_put_u32(skb, IVGMP_SITE_A_ID, site->id) ||
	    ivgmp_put_addr(skb, IVGMP_SITE_A_ADDR4, IVGMP_SITE_A_ADDR6,
			   ep.family, &ep.addr) ||
	    nla_put_u16(skb, IVGMP_SITE_A_PORT, ntohs(ep.port)) ||
	    ivgmp_put_stats(skb, IVGMP_SITE_A_STATS, &sum))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* @gone_only: only next hops a replacement took off (not kept). */
static int ivgmp_nexthops_fill(struct sk_buff *skb,
			       const struct ivgmp_nexthops *nhs, bool gone_only)
{
	struct nlattr *list, *item, *stats;
	unsigned int i;

	list = nla_nest_start(skb, IVGMP_ROUTE_A_NEXTHOPS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; nhs && i < nhs->count; i++) {
		u64 packets, bytes;

		if (gone_only && nhs->nh[i].kept)
			continue;
		ivgmp_nexthop_stats_sum(nhs->nh[i].stats, &packets, &bytes);
		item = nla_nest_start(skb, IVGMP_A_NEXTHOP);
		if (!item ||
		    nla_put_u32(skb, IVGMP_NEXTHOP_A_SITE, nhs->nh[i].site->id))
			return -EMSGSIZE;
		stats = nla_nest_start(skb, IVGMP_NEXTHOP_A_STATS);
		if (!stats ||
		    nla_put_u64_64bit(skb, IVGMP_STATS_A_TX_PACKETS, packets,
				      IVGMP_STATS_A_PAD) ||
		    nla_put_u64_64bit(skb, IVGMP_STATS_A_TX_BYTES, bytes,
				      IVGMP_STATS_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, stats);
		nla_nest_end(skb, item);
	}
	nla_nest_end(skb, list);
	return 0;
}

/* Caller holds ivgmp_net.lock. */
static int ivgmp_route_key_fill(struct sk_buff *skb,
				const struct ivgmp_route_key *k)
{
	if (nla_put_u32(skb, IVGMP_ROUTE_A_VPN, k->vpn) ||
	    ivgmp_put_addr(skb, IVGMP_ROUTE_A_GROUP4, IVGMP_ROUTE_A_GROUP6,
			   k->family, &k->group) ||
	    (!ipv6_addr_any(&k->source.v6) &&
	     ivgmp_put_addr(skb, IVGMP_ROUTE_A_SOURCE4, IVGMP_ROUTE_A_SOURCE6,
			    k->family, &k->source)) ||
	    nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, k->origin))
		return -EMSGSIZE;
	return 0;
}

static int ivgmp_route_fill(struct sk_buff *skb, struct ivgmp_net *in,
			    const struct ivgmp_route *r)
{
	const struct ivgmp_nexthops *nhs;
	struct ivgmp_stats_sum sum;
	struct nlattr *nest;

	nhs = rcu_dereference_protected(r->nexthops,
					lockdep_is_held(&in->lock));
	ivgmp_stats_sum(r->stats, &sum);
	nest = nla_nest_start(skb, IVGMP_A_ROUTE);
	if (!nest ||
	    ivgmp_route_key_fill(skb, &r->key) ||
	    nla_put_u32(skb, IVGMP_ROUTE_A_FLAGS, r->flags) ||
	    ivgmp_nexthops_fill(skb, nhs, false) ||
	    ivgmp_put_stats(skb, IVGMP_ROUTE_A_STATS, &sum))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Upper bound of a route message, for routes with many next hops. */
static size_t ivgmp_route_msg_size(unsigned int n_nexthops)
{
	size_t stats = nla_total_size(0) + 6 * nla_total_size_64bit(8);
	size_t nh = nla_total_size(0) + nla_total_size(4) +
		    nla_total_size(0) + 2 * nla_total_size_64bit(8);

	return NLMSG_HDRLEN + GENL_HDRLEN + nla_total_size(0) +
	       3 * nla_total_size(4) + 2 * nla_total_size(16) +
	       nla_total_size(4) + nla_total_size(0) + n_nexthops * nh + stats;
}

/* ---- Config commands ---- */

/* Like GENL_REQ_ATTR_CHECK, but also says in words what is missing. */
#define ivgmp_missing(info, type, msg) ({				\
	struct genl_info *__info = (info);				\
	bool __missing = !__info->attrs[type];				\
									\
	if (__missing) {						\
		NL_SET_ERR_ATTR_MISS(__info->extack, NULL, type);	\
		NL_SET_ERR_MSG(__info->extack, msg);			\
	}								\
	__missing;							\
})

static int ivgmp_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ivgmp_genl_family, 0,
				IVGMP_CMD_GET_CONFIG);
	if (!hdr) {
		err = -EMSGSIZE;
		goto free_msg;
	}
	mutex_lock(&in->lock);
	err = ivgmp_config_fill(msg, ivgmp_config_locked(in));
	mutex_unlock(&in->lock);
	if (err)
		goto free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

free_msg:
	nlmsg_free(msg);
	return err;
}

static int ivgmp_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_config *cfg;
	u32 has;
	int err;

	if (ivgmp_missing(info, IVGMP_A_CONFIG, "missing IVGMP_A_CONFIG"))
		return -EINVAL;
	mutex_lock(&in->lock);
	/* Parse into a copy: a rejected request changes nothing. */
	cfg = kmemdup(ivgmp_config_locked(in), sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto unlock;
	}
	err = ivgmp_config_parse(info->attrs[IVGMP_A_CONFIG], cfg, &has,
				 in->net, info->extack);
	if (err) {
		kfree(cfg);
		goto unlock;
	}
	/*
	 * Rebind the tunnel sockets before the new snapshot is published,
	 * so that a bind failure leaves the old config in force.
	 */
	err = ivgmp_socket_configure(in, cfg);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cannot open the tunnel UDP port");
		kfree(cfg);
		goto unlock;
	}
	ivgmp_config_replace(in, cfg);
unlock:
	mutex_unlock(&in->lock);
	return err;
}

/* ---- Sites ---- */

/* NEW_SITE creates a site; SET_SITE also replaces an existing one. */
static int ivgmp_nl_new_site(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_site_spec spec;
	int err;

	if (ivgmp_missing(info, IVGMP_A_SITE, "missing IVGMP_A_SITE"))
		return -EINVAL;
	err = ivgmp_site_parse(info->attrs[IVGMP_A_SITE], &spec,
			       IVGMP_PARSE_FULL, info->extack);
	if (err)
		return err;
	mutex_lock(&in->lock);
	err = ivgmp_site_add(in, &spec,
			     info->genlhdr->cmd == IVGMP_CMD_SET_SITE,
			     info->extack);
	mutex_unlock(&in->lock);
	return err;
}

static int ivgmp_nl_del_site(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_site_spec spec;
	int err;

	if (ivgmp_missing(info, IVGMP_A_SITE, "missing IVGMP_A_SITE"))
		return -EINVAL;
	err = ivgmp_site_parse(info->attrs[IVGMP_A_SITE], &spec,
			       IVGMP_PARSE_KEY, info->extack);
	if (err)
		return err;
	mutex_lock(&in->lock);
	err = ivgmp_site_del(in, spec.id, info->extack);
	mutex_unlock(&in->lock);
	return err;
}

static int ivgmp_nl_get_site(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_site_spec spec;
	struct ivgmp_site *site;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (ivgmp_missing(info, IVGMP_A_SITE, "missing IVGMP_A_SITE"))
		return -EINVAL;
	err = ivgmp_site_parse(info->attrs[IVGMP_A_SITE], &spec,
			       IVGMP_PARSE_KEY, info->extack);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ivgmp_genl_family, 0,
				IVGMP_CMD_GET_SITE);
	if (!hdr) {
		err = -EMSGSIZE;
		goto free_msg;
	}
	mutex_lock(&in->lock);
	site = ivgmp_site_lookup(in, spec.id);
	if (site)
		err = ivgmp_site_fill(msg, site, ivgmp_config_locked(in));
	mutex_unlock(&in->lock);
	if (!site) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IVGMP_A_SITE],
				    "no such site");
		err = -ENOENT;
	}
	if (err)
		goto free_msg;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

free_msg:
	nlmsg_free(msg);
	return err;
}

/*
 * Dump cursor, in cb->ctx: how many objects were sent, and the key of the
 * last one. A batch resumes right after that object, found again by its
 * key; if it was deleted in between, after as many objects as were sent.
 * The table changed in that case, so genl_dump_check_consistent() flags
 * the batch NLM_F_DUMP_INTR. No pointer is kept between batches.
 */
struct ivgmp_cursor {
	u32 count;
	union {
		u32 site_id;
		struct ivgmp_route_key route;
	} last;
};

static struct ivgmp_cursor *ivgmp_cursor(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct ivgmp_cursor) > sizeof(cb->ctx));
	return (struct ivgmp_cursor *)cb->ctx;
}

/* Put the object at @pos into @skb and note its key in @cur. */
typedef int (*ivgmp_dump_one_t)(struct sk_buff *skb, struct ivgmp_net *in,
				struct list_head *pos,
				struct ivgmp_cursor *cur);

/*
 * One batch of a dump of the list @head, from after @last (the object the
 * cursor names, or NULL if it is gone). Caller holds ivgmp_net.lock.
 */
static int ivgmp_dump_list(struct sk_buff *skb, struct netlink_callback *cb,
			   struct ivgmp_net *in, struct list_head *head,
			   struct list_head *last, u8 cmd, ivgmp_dump_one_t one)
{
	struct ivgmp_cursor *cur = ivgmp_cursor(cb);
	struct list_head *pos = last ? last->next : head->next;
	u32 skip;
	int err = 0;

	for (skip = last ? 0 : cur->count; skip && pos != head; skip--)
		pos = pos->next;
	cb->seq = in->table.gen;
	for (; pos != head; pos = pos->next) {
		void *hdr;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ivgmp_genl_family,
				  NLM_F_MULTI, cmd);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		err = one(skb, in, pos, cur);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cur->count++;
	}
	/* A full skb ends a batch; an empty one: the object fits no message. */
	if (err && !skb->len)
		return err;
	return skb->len;
}

static int ivgmp_dump_site_one(struct sk_buff *skb, struct ivgmp_net *in,
			       struct list_head *pos, struct ivgmp_cursor *cur)
{
	struct ivgmp_site *site = list_entry(pos, struct ivgmp_site, list);
	int err;

	err = ivgmp_site_fill(skb, site, ivgmp_config_locked(in));
	if (!err)
		cur->last.site_id = site->id;
	return err;
}

static int ivgmp_nl_dump_sites(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ivgmp_net *in = ivgmp_net(sock_net(skb->sk));
	struct ivgmp_cursor *cur = ivgmp_cursor(cb);
	struct ivgmp_site *last = NULL;
	int ret;

	mutex_lock(&in->lock);
	if (cur->count)
		last = ivgmp_site_lookup(in, cur->last.site_id);
	ret = ivgmp_dump_list(skb, cb, in, &in->table.sites,
			      last ? &last->list : NULL, IVGMP_CMD_GET_SITE,
			      ivgmp_dump_site_one);
	mutex_unlock(&in->lock);
	return ret;
}

/* ---- Routes ---- */

/* NEW_ROUTE creates a route; SET_ROUTE also replaces an existing one. */
/*
 * NLM_F_ECHO on SET_ROUTE (NEW_ROUTE) and DEL_ROUTE: the reply holds what
 * the request took away, counted to its last copy, so that no copy goes
 * unaccounted: the deleted route as GET_ROUTE shows it, or the key and the
 * next hops a replacement removed. They are out of the readers' reach
 * already; the grace period lets every reader that found them finish
 * counting. The namespace lock stays held, so no site they name can go.
 */
static struct sk_buff *ivgmp_route_echo(struct genl_info *info,
					struct ivgmp_net *in,
					const struct ivgmp_route_key *key,
					const struct ivgmp_route *deleted,
					const struct ivgmp_nexthops *replaced)
{
	const struct ivgmp_nexthops *nhs = replaced;
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	lockdep_assert_held(&in->lock);
	synchronize_rcu();
	if (deleted)
		nhs = rcu_dereference_protected(deleted->nexthops, true);
	msg = genlmsg_new(ivgmp_route_msg_size(nhs ? nhs->count : 0),
			  GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	hdr = genlmsg_put_reply(msg, info, &ivgmp_genl_family, 0,
				info->genlhdr->cmd);
	if (!hdr)
		goto too_big;
	if (deleted) {
		if (ivgmp_route_fill(msg, in, deleted))
			goto too_big;
	} else {
		nest = nla_nest_start(msg, IVGMP_A_ROUTE);
		if (!nest || ivgmp_route_key_fill(msg, key) ||
		    ivgmp_nexthops_fill(msg, replaced, true))
			goto too_big;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	return msg;

too_big:
	nlmsg_free(msg);
	return ERR_PTR(-EMSGSIZE);
}

/* The change is made either way; an echo that failed says so. */
static int ivgmp_route_echo_reply(struct genl_info *info, struct sk_buff *msg,
				  int err)
{
	if (IS_ERR(msg)) {
		NL_SET_ERR_MSG(info->extack,
			       "done, but the final counters could not be echoed");
		return PTR_ERR(msg);
	}
	return msg ? genlmsg_reply(msg, info) : err;
}

static bool ivgmp_echo(const struct genl_info *info)
{
	return info->nlhdr->nlmsg_flags & NLM_F_ECHO;
}

static int ivgmp_nl_new_route(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_nexthops *replaced = NULL;
	struct ivgmp_route_spec spec;
	struct sk_buff *msg = NULL;
	int err;

	if (ivgmp_missing(info, IVGMP_A_ROUTE, "missing IVGMP_A_ROUTE"))
		return -EINVAL;
	err = ivgmp_route_parse(info->attrs[IVGMP_A_ROUTE], &spec,
				IVGMP_PARSE_FULL, info->extack);
	if (err)
		return err;
	mutex_lock(&in->lock);
	err = ivgmp_route_add(in, &spec,
			      info->genlhdr->cmd == IVGMP_CMD_SET_ROUTE,
			      ivgmp_echo(info) ? &replaced : NULL,
			      info->extack);
	if (!err && ivgmp_echo(info)) {
		msg = ivgmp_route_echo(info, in, &spec.key, NULL, replaced);
		ivgmp_nexthops_release(replaced);
	}
	mutex_unlock(&in->lock);
	ivgmp_route_spec_free(&spec);
	return ivgmp_route_echo_reply(info, msg, err);
}

static int ivgmp_nl_del_route(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_route *deleted = NULL;
	struct ivgmp_route_spec spec;
	struct sk_buff *msg = NULL;
	int err;

	if (ivgmp_missing(info, IVGMP_A_ROUTE, "missing IVGMP_A_ROUTE"))
		return -EINVAL;
	err = ivgmp_route_parse(info->attrs[IVGMP_A_ROUTE], &spec,
				IVGMP_PARSE_KEY, info->extack);
	if (err)
		return err;
	mutex_lock(&in->lock);
	err = ivgmp_route_del(in, &spec.key,
			      ivgmp_echo(info) ? &deleted : NULL,
			      info->extack);
	if (!err && deleted) {
		msg = ivgmp_route_echo(info, in, &spec.key, deleted, NULL);
		ivgmp_route_release(deleted);
	}
	mutex_unlock(&in->lock);
	return ivgmp_route_echo_reply(info, msg, err);
}

static int ivgmp_nl_get_route(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_route_spec spec;
	struct ivgmp_nexthops *nhs;
	struct ivgmp_route *r;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (ivgmp_missing(info, IVGMP_A_ROUTE, "missing IVGMP_A_ROUTE"))
		return -EINVAL;
	err = ivgmp_route_parse(info->attrs[IVGMP_A_ROUTE], &spec,
				IVGMP_PARSE_KEY, info->extack);
	if (err)
		return err;
	mutex_lock(&in->lock);
	r = ivgmp_route_find(in, &spec.key);
	if (!r) {
		mutex_unlock(&in->lock);
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[IVGMP_A_ROUTE],
				    "no such route");
		return -ENOENT;
	}
	nhs = rcu_dereference_protected(r->nexthops,
					lockdep_is_held(&in->lock));
	msg = genlmsg_new(ivgmp_route_msg_size(nhs ? nhs->count : 0),
			  GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto unlock;
	}
	hdr = genlmsg_put_reply(msg, info, &ivgmp_genl_family, 0,
				IVGMP_CMD_GET_ROUTE);
	if (!hdr || ivgmp_route_fill(msg, in, r)) {
		err = -EMSGSIZE;
		goto free_msg;
	}
	mutex_unlock(&in->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

free_msg:
	nlmsg_free(msg);
unlock:
	mutex_unlock(&in->lock);
	return err;
}

/* A dump batch must hold the biggest route: raise its size if needed. */
static int ivgmp_nl_dump_routes_start(struct netlink_callback *cb)
{
	struct ivgmp_net *in = ivgmp_net(sock_net(cb->skb->sk));
	unsigned int max = 0;
	struct ivgmp_route *r;
	size_t size;

	mutex_lock(&in->lock);
	list_for_each_entry(r, &in->table.route_list, list) {
		struct ivgmp_nexthops *nhs;

		nhs = rcu_dereference_protected(r->nexthops,
						lockdep_is_held(&in->lock));
		if (nhs && nhs->count > max)
			max = nhs->count;
	}
	mutex_unlock(&in->lock);
	size = ivgmp_route_msg_size(max);
	if (size > NLMSG_GOODSIZE)
		cb->min_dump_alloc = min_t(size_t, size, U16_MAX);
	return 0;
}

static int ivgmp_dump_route_one(struct sk_buff *skb, struct ivgmp_net *in,
				struct list_head *pos,
				struct ivgmp_cursor *cur)
{
	struct ivgmp_route *r = list_entry(pos, struct ivgmp_route, list);
	int err;

	err = ivgmp_route_fill(skb, in, r);
	if (!err)
		cur->last.route = r->key;
	return err;
}

static int ivgmp_nl_dump_routes(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct ivgmp_net *in = ivgmp_net(sock_net(skb->sk));
	struct ivgmp_cursor *cur = ivgmp_cursor(cb);
	struct ivgmp_route *last = NULL;
	int ret;

	mutex_lock(&in->lock);
	if (cur->count)
		last = ivgmp_route_find(in, &cur->last.route);
	ret = ivgmp_dump_list(skb, cb, in, &in->table.route_list,
			      last ? &last->list : NULL, IVGMP_CMD_GET_ROUTE,
			      ivgmp_dump_route_one);
	mutex_unlock(&in->lock);
	return ret;
}

/* ---- Flush, stats ---- */

static int ivgmp_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	u32 what = 0;

	if (info->attrs[IVGMP_A_FLUSH])
		what = nla_get_u32(info->attrs[IVGMP_A_FLUSH]);
	mutex_lock(&in->lock);
	ivgmp_table_flush(in, what);
	mutex_unlock(&in->lock);
	return 0;
}

static int ivgmp_put_drops(struct sk_buff *skb, struct ivgmp_net *in)
{
	u64 sum[__IVGMP_DROP_MAX];
	struct nlattr *nest;
	int i;

	ivgmp_drops_sum(in->drops, sum);
	nest = nla_nest_start(skb, IVGMP_A_DROPS);
	if (!nest)
		return -EMSGSIZE;
	/* Type 0 (IVGMP_DROP_UNSPEC) doubles as the alignment pad. */
	for (i = 1; i < __IVGMP_DROP_MAX; i++)
		if (nla_put_u64_64bit(skb, i, sum[i], IVGMP_DROP_UNSPEC))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int ivgmp_nl_get_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_stats_sum sum;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ivgmp_genl_family, 0,
				IVGMP_CMD_GET_STATS);
	ivgmp_stats_sum(in->stats, &sum);
	if (!hdr || ivgmp_put_stats(msg, IVGMP_A_STATS, &sum) ||
	    ivgmp_put_drops(msg, in)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- Events ---- */

void ivgmp_events_init(struct ivgmp_net *in)
{
	spin_lock_init(&in->events.lock);
	in->events.last = jiffies;
	in->events.tokens = (u64)IVGMP_DEFAULT_EVENT_RATE * HZ;
}

/*
 * Token bucket in units of 1/HZ event: refilled by @rate per jiffy, holding
 * at most one second's worth, so a burst of new sources is reported at
 * once and a flood costs at most @rate messages a second.
 */
bool ivgmp_events_allow(struct ivgmp_event_limit *el, u32 rate,
			unsigned long now)
{
	u64 cap = (u64)rate * HZ, tokens;
	unsigned long delta;
	bool ok = false;

	if (!rate)
		return false;
	/* A flood to unknown groups must not bounce the lock between CPUs. */
	if (READ_ONCE(el->last) == now && READ_ONCE(el->tokens) < HZ)
		return false;
	spin_lock_bh(&el->lock);
	delta = min_t(unsigned long, now - el->last, HZ);
	WRITE_ONCE(el->last, now);
	tokens = min(el->tokens + (u64)delta * rate, cap);
	if (tokens >= HZ) {
		tokens -= HZ;
		ok = true;
	}
	WRITE_ONCE(el->tokens, tokens);
	spin_unlock_bh(&el->lock);
	return ok;
}

void ivgmp_notify_new_source(struct ivgmp_net *in, u32 vpn, u8 family,
			     const void *group, const void *source,
			     int ifindex)
{
	size_t addr_len = family == AF_INET ? 4 : 16;
	struct sk_buff *skb;
	struct nlattr *nest;
	u32 rate;
	void *hdr;

	if (!genl_has_listeners(&ivgmp_genl_family, in->net, 0))
		return;
	rcu_read_lock();
	rate = ivgmp_config_rcu(in)->event_rate;
	rcu_read_unlock();
	if (!ivgmp_events_allow(&in->events, rate, jiffies))
		return;

	skb = genlmsg_new(nla_total_size(0) + 2 * nla_total_size(4) +
			  2 * nla_total_size(addr_len), GFP_ATOMIC);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &ivgmp_genl_family, 0,
			  IVGMP_CMD_NEW_SOURCE);
	if (!hdr)
		goto free_skb;
	nest = nla_nest_start(skb, IVGMP_A_EVENT);
	if (!nest ||
	    nla_put_u32(skb, IVGMP_EVENT_A_VPN, vpn) ||
	    nla_put(skb, family == AF_INET ? IVGMP_EVENT_A_GROUP4 :
		    IVGMP_EVENT_A_GROUP6, addr_len, group) ||
	    nla_put(skb, family == AF_INET ? IVGMP_EVENT_A_SOURCE4 :
		    IVGMP_EVENT_A_SOURCE6, addr_len, source) ||
	    nla_put_u32(skb, IVGMP_EVENT_A_IFINDEX, ifindex))
		goto free_skb;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&ivgmp_genl_family, in->net, skb, 0, 0,
				GFP_ATOMIC);
	return;

free_skb:
	nlmsg_free(skb);
}

/* ---- Family ---- */

static const struct genl_ops ivgmp_genl_ops[] = {
	{
		.cmd = IVGMP_CMD_GET_CONFIG,
		.doit = ivgmp_nl_get_config,
		.policy = ivgmp_policy_none,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_SET_CONFIG,
		.doit = ivgmp_nl_set_config,
		.policy = ivgmp_policy_config,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_NEW_SITE,
		.doit = ivgmp_nl_new_site,
		.policy = ivgmp_policy_site,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_DEL_SITE,
		.doit = ivgmp_nl_del_site,
		.policy = ivgmp_policy_site,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_GET_SITE,
		.doit = ivgmp_nl_get_site,
		.dumpit = ivgmp_nl_dump_sites,
		.policy = ivgmp_policy_site,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_NEW_ROUTE,
		.doit = ivgmp_nl_new_route,
		.policy = ivgmp_policy_route,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_DEL_ROUTE,
		.doit = ivgmp_nl_del_route,
		.policy = ivgmp_policy_route,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_GET_ROUTE,
		.doit = ivgmp_nl_get_route,
		.start = ivgmp_nl_dump_routes_start,
		.dumpit = ivgmp_nl_dump_routes,
		.policy = ivgmp_policy_route,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_FLUSH,
		.doit = ivgmp_nl_flush,
		.policy = ivgmp_policy_flush,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_GET_STATS,
		.doit = ivgmp_nl_get_stats,
		.policy = ivgmp_policy_none,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_SET_SITE,
		.doit = ivgmp_nl_new_site,
		.policy = ivgmp_policy_site,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = IVGMP_CMD_SET_ROUTE,
		.doit = ivgmp_nl_new_route,
		.policy = ivgmp_policy_route,
		.maxattr = IVGMP_A_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/* Events name traffic sources: only admins of the namespace may listen. */
static const struct genl_multicast_group ivgmp_genl_mcgrps[] = {
	{ .name = IVGMP_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

struct genl_family ivgmp_genl_family __ro_after_init = {
	.name = IVGMP_GENL_NAME,
	.version = IVGMP_GENL_VERSION,
	.netnsok = true,
	/* Every op takes ivgmp_net.lock itself. */
	.parallel_ops = true,
	/*
	 * resv_start_op is 0: the core rejects a non-zero reserved field and
	 * any nlmsg_flags but REQUEST, ACK, ECHO and DUMP on every command.
	 * Create and replace are separate commands (NEW_* and SET_*).
	 */
	.module = THIS_MODULE,
	.ops = ivgmp_genl_ops,
	.n_ops = ARRAY_SIZE(ivgmp_genl_ops),
	.mcgrps = ivgmp_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ivgmp_genl_mcgrps),
};

int __init ivgmp_genl_init(void)
{
	return genl_register_family(&ivgmp_genl_family);
}

void ivgmp_genl_exit(void)
{
	genl_unregister_family(&ivgmp_genl_family);
}
