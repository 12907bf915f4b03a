// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace configuration: defaults, netlink parsing with strict
 * policies, the RCU snapshot swap and the RPF helpers of the data path.
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include "ivgmp.h"
#include "rx.h"

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

const struct nla_policy ivgmp_config_policy[IVGMP_CONFIG_A_MAX + 1] = {
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

void ivgmp_config_init_defaults(struct ivgmp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = IVGMP_DEFAULT_PORT;
	cfg->hop_limit = IVGMP_DEFAULT_HOP_LIMIT;
	cfg->flags = IVGMP_CONFIG_F_REQUIRE_IPSEC;
	cfg->event_rate = IVGMP_DEFAULT_EVENT_RATE;
}

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

const struct ivgmp_config *ivgmp_config_rcu(const struct ivgmp_net *in)
{
	return rcu_dereference(in->config);
}

const struct ivgmp_config *ivgmp_config_locked(const struct ivgmp_net *in)
{
	return rcu_dereference_protected(in->config,
					 lockdep_is_held(&in->lock));
}

int ivgmp_config_set(struct ivgmp_net *in, const struct nlattr *nest,
		     struct netlink_ext_ack *extack)
{
	struct ivgmp_config *old, *new;
	u32 has;
	int err;

	lockdep_assert_held(&in->lock);
	old = rcu_dereference_protected(in->config,
					lockdep_is_held(&in->lock));
	new = kmemdup(old, sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	err = ivgmp_config_parse(nest, new, &has, in->net, extack);
	if (err)
		goto free_new;

	/*
	 * Data path hook (rx.c): rebind the tunnel sockets here when the
	 * port changed, before the new snapshot is published, so a bind
	 * failure leaves the old config in force.
	 */
	err = ivgmp_rx_configure(in, new);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot open the tunnel UDP port");
		goto free_new;
	}

	rcu_assign_pointer(in->config, new);
	kfree_rcu(old, rcu);
	return 0;

free_new:
	kfree(new);
	return err;
}

static bool ivgmp_config_has_family(const struct ivgmp_config *cfg, u8 family)
{
	unsigned int i;

	for (i = 0; i < cfg->n_prefixes; i++)
		if (cfg->prefixes[i].family == family)
			return true;
	return false;
}

/*
 * Configured prefixes of the source's family decide; a family with none
 * falls back to the subnets of the interface the packet came in on, so a
 * site that only lists its IPv6 prefixes still forwards from its IPv4 LAN.
 */
bool ivgmp_config_local_source4(const struct ivgmp_config *cfg,
				struct net_device *dev, __be32 saddr)
{
	const struct in_ifaddr *ifa;
	struct in_device *in_dev;
	unsigned int i;

	if (ivgmp_config_has_family(cfg, AF_INET)) {
		for (i = 0; i < cfg->n_prefixes; i++) {
			const struct ivgmp_prefix *p = &cfg->prefixes[i];

			if (p->family == AF_INET &&
			    !((saddr ^ p->addr.v4) & inet_make_mask(p->plen)))
				return true;
		}
		return false;
	}
	if (!dev)
		return false;
	in_dev = __in_dev_get_rcu(dev);
	if (!in_dev)
		return false;
	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		if (inet_ifa_match(saddr, ifa))
			return true;
	}
	return false;
}

bool ivgmp_config_local_source6(const struct ivgmp_config *cfg,
				struct net_device *dev,
				const struct in6_addr *saddr)
{
	unsigned int i;

	if (ivgmp_config_has_family(cfg, AF_INET6)) {
		for (i = 0; i < cfg->n_prefixes; i++) {
			const struct ivgmp_prefix *p = &cfg->prefixes[i];

			if (p->family == AF_INET6 &&
			    ipv6_prefix_equal(saddr, &p->addr.v6, p->plen))
				return true;
		}
		return false;
	}
	return dev && ipv6_chk_prefix(saddr, dev);
}

/*
 * A LAN interface was unregistered (deleted, or moved to another
 * namespace): drop it from the list, so the config shows only interfaces
 * that exist and an ifindex later given to another interface is no LAN.
 * Runs from a work item because the notifier holds RTNL, which writers
 * must never wait for under ivgmp_net.lock.
 */
static void ivgmp_config_prune_work(struct work_struct *work)
{
	struct ivgmp_net *in = container_of(work, struct ivgmp_net, lan_prune);
	struct ivgmp_config *old, *new;
	unsigned int i, n = 0;

	mutex_lock(&in->lock);
	old = rcu_dereference_protected(in->config,
					lockdep_is_held(&in->lock));
	if (!old)
		goto unlock;
	/* On failure the stale entry stays; it matches no packet. */
	new = kmemdup(old, sizeof(*new), GFP_KERNEL);
	if (!new)
		goto unlock;
	rcu_read_lock();
	for (i = 0; i < old->n_lans; i++)
		if (dev_get_by_index_rcu(in->net, old->lans[i].ifindex))
			new->lans[n++] = old->lans[i];
	rcu_read_unlock();
	if (n == old->n_lans) {
		kfree(new);
		goto unlock;
	}
	new->n_lans = n;
	rcu_assign_pointer(in->config, new);
	kfree_rcu(old, rcu);
unlock:
	mutex_unlock(&in->lock);
}

static int ivgmp_netdev_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	const struct ivgmp_config *cfg;
	struct ivgmp_net *in;
	bool lan;
	u32 vpn;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	in = ivgmp_net(dev_net(dev));
	rcu_read_lock();
	cfg = rcu_dereference(in->config);
	lan = cfg && ivgmp_config_lan_vpn(cfg, dev->ifindex, &vpn);
	rcu_read_unlock();
	if (lan)
		schedule_work(&in->lan_prune);
	return NOTIFY_DONE;
}

static struct notifier_block ivgmp_netdev_notifier = {
	.notifier_call = ivgmp_netdev_event,
};

int __init ivgmp_config_notifier_init(void)
{
	return register_netdevice_notifier(&ivgmp_netdev_notifier);
}

void ivgmp_config_notifier_exit(void)
{
	unregister_netdevice_notifier(&ivgmp_netdev_notifier);
}

int ivgmp_config_net_init(struct ivgmp_net *in)
{
	struct ivgmp_config *cfg;

	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	ivgmp_config_init_defaults(cfg);
	RCU_INIT_POINTER(in->config, cfg);
	INIT_WORK(&in->lan_prune, ivgmp_config_prune_work);
	return 0;
}

void ivgmp_config_net_exit(struct ivgmp_net *in)
{
	struct ivgmp_config *cfg;

	/* The namespace's devices are gone: nothing queues it again. */
	cancel_work_sync(&in->lan_prune);
	cfg = rcu_dereference_protected(in->config, true);
	RCU_INIT_POINTER(in->config, NULL);
	kfree_rcu(cfg, rcu);
}
