// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "ivgmp", version 1: config, sites, routes with
 * counters, flush, stats and NEW_SOURCE events. Each op has its own strict
 * policy, so an attribute that does not belong to a command is rejected
 * rather than ignored.
 */

#include <linux/ipv6.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include "netlink.h"

/*
 * Counters are reply-only. They are nests, so the policy says NLA_NESTED
 * (NLA_REJECT would fail on NLA_F_NESTED with a confusing message) and the
 * parsers reject them with ivgmp_reply_only().
 */
static const struct nla_policy ivgmp_stats_reject = { .type = NLA_NESTED };

static bool ivgmp_reply_only(const struct nlattr *attr,
			     struct netlink_ext_ack *extack)
{
	if (!attr)
		return false;
	NL_SET_ERR_MSG_ATTR(extack, attr, "counters are reply-only");
	return true;
}

const struct nla_policy ivgmp_site_policy[IVGMP_SITE_A_MAX + 1] = {
	[IVGMP_SITE_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[IVGMP_SITE_A_ADDR4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[IVGMP_SITE_A_ADDR6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IVGMP_SITE_A_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[IVGMP_SITE_A_STATS] = ivgmp_stats_reject,
};

static const struct nla_policy ivgmp_nexthop_policy[IVGMP_NEXTHOP_A_MAX + 1] = {
	[IVGMP_NEXTHOP_A_SITE] = NLA_POLICY_MIN(NLA_U32, 1),
	[IVGMP_NEXTHOP_A_STATS] = ivgmp_stats_reject,
};

/* Only IVGMP_A_NEXTHOP may appear inside IVGMP_ROUTE_A_NEXTHOPS. */
static const struct nla_policy ivgmp_nexthops_policy[IVGMP_A_NEXTHOP + 1] = {
	[IVGMP_A_NEXTHOP] = NLA_POLICY_NESTED(ivgmp_nexthop_policy),
};

const struct nla_policy ivgmp_route_policy[IVGMP_ROUTE_A_MAX + 1] = {
	[IVGMP_ROUTE_A_VPN] = { .type = NLA_U32 },
	[IVGMP_ROUTE_A_GROUP4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[IVGMP_ROUTE_A_GROUP6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IVGMP_ROUTE_A_SOURCE4] = NLA_POLICY_EXACT_LEN(sizeof(__be32)),
	[IVGMP_ROUTE_A_SOURCE6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[IVGMP_ROUTE_A_ORIGIN] = NLA_POLICY_MIN(NLA_U32, 1),
	[IVGMP_ROUTE_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __IVGMP_ROUTE_F_ALL),
	[IVGMP_ROUTE_A_NEXTHOPS] = NLA_POLICY_NESTED(ivgmp_nexthops_policy),
	[IVGMP_ROUTE_A_STATS] = ivgmp_stats_reject,
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
	return !ipv4_is_multicast(a) && !ipv4_is_zeronet(a) &&
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

static int ivgmp_nexthops_fill(struct sk_buff *skb,
			       const struct ivgmp_nexthops *nhs)
{
	struct nlattr *list, *item, *stats;
	unsigned int i;

	list = nla_nest_start(skb, IVGMP_ROUTE_A_NEXTHOPS);
	if (!list)
		return -EMSGSIZE;
	for (i = 0; nhs && i < nhs->count; i++) {
		u64 packets, bytes;

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
static int ivgmp_route_fill(struct sk_buff *skb, struct ivgmp_net *in,
			    const struct ivgmp_route *r)
{
	const struct ivgmp_route_key *k = &r->key;
	const struct ivgmp_nexthops *nhs;
	struct ivgmp_stats_sum sum;
	struct nlattr *nest;

	nhs = rcu_dereference_protected(r->nexthops,
					lockdep_is_held(&in->lock));
	ivgmp_stats_sum(r->stats, &sum);
	nest = nla_nest_start(skb, IVGMP_A_ROUTE);
	if (!nest ||
	    nla_put_u32(skb, IVGMP_ROUTE_A_VPN, k->vpn) ||
	    ivgmp_put_addr(skb, IVGMP_ROUTE_A_GROUP4, IVGMP_ROUTE_A_GROUP6,
			   k->family, &k->group) ||
	    (!ipv6_addr_any(&k->source.v6) &&
	     ivgmp_put_addr(skb, IVGMP_ROUTE_A_SOURCE4, IVGMP_ROUTE_A_SOURCE6,
			    k->family, &k->source)) ||
	    nla_put_u32(skb, IVGMP_ROUTE_A_ORIGIN, k->origin) ||
	    nla_put_u32(skb, IVGMP_ROUTE_A_FLAGS, r->flags) ||
	    ivgmp_nexthops_fill(skb, nhs) ||
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

/* ---- Config ---- */

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
	int err;

	if (ivgmp_missing(info, IVGMP_A_CONFIG, "missing IVGMP_A_CONFIG"))
		return -EINVAL;
	mutex_lock(&in->lock);
	err = ivgmp_config_set(in, info->attrs[IVGMP_A_CONFIG], info->extack);
	mutex_unlock(&in->lock);
	return err;
}

/* ---- Sites ---- */

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
	err = ivgmp_site_add(in, &spec, info->nlhdr->nlmsg_flags,
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
 * Dump cursor in cb->args: [0] objects already sent, [1] table generation
 * when the cursor was saved, [2] the next object. The pointer is only used
 * if the generation is unchanged, i.e. nothing was added or freed since;
 * otherwise the dump resumes by count and is flagged NLM_F_DUMP_INTR.
 */
enum { IVGMP_CB_COUNT, IVGMP_CB_GEN, IVGMP_CB_NEXT };

static int ivgmp_nl_dump_sites(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct ivgmp_net *in = ivgmp_net(sock_net(skb->sk));
	unsigned long count = cb->args[IVGMP_CB_COUNT], skip = count;
	const struct ivgmp_config *cfg;
	struct ivgmp_site *site;
	int err = 0;

	mutex_lock(&in->lock);
	cfg = ivgmp_config_locked(in);
	cb->seq = in->table.gen;
	list_for_each_entry(site, &in->table.sites, list) {
		void *hdr;

		if (skip) {
			skip--;
			continue;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ivgmp_genl_family,
				  NLM_F_MULTI, IVGMP_CMD_GET_SITE);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		err = ivgmp_site_fill(skb, site, cfg);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		count++;
	}
	mutex_unlock(&in->lock);
	cb->args[IVGMP_CB_COUNT] = count;
	/* A full skb ends this batch; an empty one means the object is
	 * too big for any message.
	 */
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* ---- Routes ---- */

static int ivgmp_nl_new_route(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_route_spec spec;
	int err;

	if (ivgmp_missing(info, IVGMP_A_ROUTE, "missing IVGMP_A_ROUTE"))
		return -EINVAL;
	err = ivgmp_route_parse(info->attrs[IVGMP_A_ROUTE], &spec,
				IVGMP_PARSE_FULL, info->extack);
	if (err)
		return err;
	mutex_lock(&in->lock);
	err = ivgmp_route_add(in, &spec, info->nlhdr->nlmsg_flags,
			      info->extack);
	mutex_unlock(&in->lock);
	ivgmp_route_spec_free(&spec);
	return err;
}

static int ivgmp_nl_del_route(struct sk_buff *skb, struct genl_info *info)
{
	struct ivgmp_net *in = ivgmp_net(genl_info_net(info));
	struct ivgmp_route_spec spec;
	int err;

	if (ivgmp_missing(info, IVGMP_A_ROUTE, "missing IVGMP_A_ROUTE"))
		return -EINVAL;
	err = ivgmp_route_parse(info->attrs[IVGMP_A_ROUTE], &spec,
				IVGMP_PARSE_KEY, info->extack);
	if (err)
		return err;
	mutex_lock(&in->lock);
	err = ivgmp_route_del(in, &spec.key, info->extack);
	mutex_unlock(&in->lock);
	return err;
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

static int ivgmp_nl_dump_routes(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct ivgmp_net *in = ivgmp_net(sock_net(skb->sk));
	unsigned long count = cb->args[IVGMP_CB_COUNT], skip;
	struct list_head *head = &in->table.route_list;
	struct ivgmp_route *r;
	int err = 0;

	mutex_lock(&in->lock);
	cb->seq = in->table.gen;
	if (cb->args[IVGMP_CB_NEXT] && cb->args[IVGMP_CB_GEN] == cb->seq) {
		r = (struct ivgmp_route *)cb->args[IVGMP_CB_NEXT];
	} else {
		r = list_first_entry(head, struct ivgmp_route, list);
		for (skip = count; skip && !list_entry_is_head(r, head, list);
		     skip--)
			r = list_next_entry(r, list);
	}
	for (; !list_entry_is_head(r, head, list);
	     r = list_next_entry(r, list)) {
		void *hdr;

		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &ivgmp_genl_family,
				  NLM_F_MULTI, IVGMP_CMD_GET_ROUTE);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		err = ivgmp_route_fill(skb, in, r);
		if (err) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		count++;
	}
	cb->args[IVGMP_CB_COUNT] = count;
	cb->args[IVGMP_CB_GEN] = cb->seq;
	cb->args[IVGMP_CB_NEXT] = list_entry_is_head(r, head, list) ?
				  0 : (unsigned long)r;
	mutex_unlock(&in->lock);
	if (err && !skb->len)
		return err;
	return skb->len;
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
	},
};

static int ivgmp_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			  struct genl_info *info)
{
	if (info->genlhdr->reserved) {
		NL_SET_ERR_MSG(info->extack, "genlmsghdr.reserved field is not 0");
		return -EINVAL;
	}
	return 0;
}

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
	 * The core would reject NLM_F_CREATE/EXCL/REPLACE on ops from here
	 * on; NEW_SITE and NEW_ROUTE give them their rtnetlink meaning, so
	 * the header is checked in ivgmp_pre_doit() instead.
	 */
	.resv_start_op = __IVGMP_CMD_MAX,
	.pre_doit = ivgmp_pre_doit,
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
