// SPDX-License-Identifier: GPL-2.0
/*
 * Per-namespace configuration: defaults, the RCU snapshot swap and the RPF
 * helpers of the data path. netlink.c parses requests into a snapshot.
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include "ivgmp.h"

void ivgmp_config_init_defaults(struct ivgmp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->port = IVGMP_DEFAULT_PORT;
	cfg->hop_limit = IVGMP_DEFAULT_HOP_LIMIT;
	cfg->flags = IVGMP_CONFIG_F_REQUIRE_IPSEC;
	cfg->event_rate = IVGMP_DEFAULT_EVENT_RATE;
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

void ivgmp_config_replace(struct ivgmp_net *in, struct ivgmp_config *new)
{
	struct ivgmp_config *old;

	old = rcu_replace_pointer(in->config, new, lockdep_is_held(&in->lock));
	kfree_rcu(old, rcu);
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
