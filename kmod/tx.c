// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: multicast from local senders, caught at PRE_ROUTING on the LAN
 * interfaces and copied to the route's next hops. The original packet
 * always continues (NF_ACCEPT): local multicast routing and receivers on
 * the edge router itself are none of our business.
 *
 * The hook runs before defragmentation (NF_IP_PRI_RAW_BEFORE_DEFRAG), so a
 * fragmented multicast datagram is forwarded fragment by fragment, each no
 * larger than it was on the LAN.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/addrconf.h>

#include "ivgmp.h"
#include "tx.h"
#include "wire.h"
#include "xmit.h"

/*
 * One copy of @skb per next hop. @own: @skb is ours (a segment), so the
 * last next hop gets it instead of one more copy.
 */
static void ivgmp_tx_copies(struct ivgmp_net *in,
			    const struct ivgmp_config *cfg,
			    struct ivgmp_route *route,
			    struct ivgmp_nexthops *nhs, u32 vpn,
			    struct sk_buff *skb, bool own)
{
	unsigned int i, last = nhs->count - 1, len = skb->len;

	if (unlikely(ivgmp_xmit_prepare(skb))) {
		ivgmp_drop(in, IVGMP_DROP_NOMEM);
		if (own)
			kfree_skb(skb);
		return;
	}
	for (i = 0; i < last; i++)
		if (ivgmp_xmit_copy(in, cfg, skb, &nhs->nh[i], cfg->hop_limit,
				    vpn, cfg->site_id))
			ivgmp_stats_tx(route->stats, len);
	if (ivgmp_xmit(in, cfg, skb, own, &nhs->nh[last], cfg->hop_limit,
		       vpn, cfg->site_id))
		ivgmp_stats_tx(route->stats, len);
}

/*
 * A GSO packet from a LAN host on this machine (a veth or tap sender with
 * UDP_SEGMENT or UFO): the sites get the datagrams the host's own NIC
 * would have put on the wire. Segmenting a clone leaves the original
 * whole for the local stack.
 */
static void ivgmp_tx_gso(struct ivgmp_net *in, const struct ivgmp_config *cfg,
			 struct ivgmp_route *route,
			 struct ivgmp_nexthops *nhs, u32 vpn,
			 struct sk_buff *skb, const struct net_device *dev)
{
	struct sk_buff *gso, *segs, *seg, *next;

	/* skb_segment_list() rewrites the shared frag list of a clone. */
	if (skb_shinfo(skb)->gso_type & SKB_GSO_FRAGLIST) {
		net_dbg_ratelimited("ivgmp: GRO frag list multicast from %s not forwarded\n",
				    dev->name);
		ivgmp_drop(in, IVGMP_DROP_XMIT);
		return;
	}
	gso = skb_clone(skb, GFP_ATOMIC);
	if (unlikely(!gso)) {
		ivgmp_drop(in, IVGMP_DROP_NOMEM);
		return;
	}
	/* No features: linear segments with their checksums in place. */
	segs = skb_gso_segment(gso, 0);
	consume_skb(gso);
	if (IS_ERR_OR_NULL(segs)) {
		net_dbg_ratelimited("ivgmp: cannot segment GSO multicast from %s: %ld\n",
				    dev->name, PTR_ERR(segs));
		ivgmp_drop(in, IVGMP_DROP_XMIT);
		return;
	}
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		ivgmp_tx_copies(in, cfg, route, nhs, vpn, seg, true);
	}
}

static void ivgmp_tx_route(struct ivgmp_net *in, const struct ivgmp_config *cfg,
			   struct sk_buff *skb, const struct ivgmp_inner *inner,
			   u32 vpn, const struct net_device *dev)
{
	struct ivgmp_nexthops *nhs;
	struct ivgmp_route *route;

	if (inner->family == AF_INET)
		route = ivgmp_route_lookup4(in, vpn, inner->group.v4,
					    inner->source.v4, cfg->site_id);
	else
		route = ivgmp_route_lookup6(in, vpn, &inner->group.v6,
					    &inner->source.v6, cfg->site_id);
	if (!route) {
		/* The agent learns of senders from this event. */
		ivgmp_notify_new_source(in, vpn, inner->family, &inner->group,
					&inner->source, dev->ifindex);
		return;
	}

	nhs = ivgmp_route_nexthops(route);
	if (!nhs || !nhs->count)
		return;
	if (unlikely(skb_is_gso(skb)))
		ivgmp_tx_gso(in, cfg, route, nhs, vpn, skb, dev);
	else
		ivgmp_tx_copies(in, cfg, route, nhs, vpn, skb, false);
}

static unsigned int ivgmp_tx_hook(struct sk_buff *skb,
				  const struct nf_hook_state *state, u8 family)
{
	struct ivgmp_net *in = ivgmp_net(state->net);
	const struct ivgmp_config *cfg;
	struct ivgmp_inner inner;
	u32 vpn;

	if (!state->in)
		return NF_ACCEPT;
	cfg = ivgmp_config_rcu(in);
	if (!cfg->site_id || !cfg->hop_limit ||
	    !ivgmp_config_lan_vpn(cfg, state->in->ifindex, &vpn))
		return NF_ACCEPT;
	/* Link-local scope and malformed packets stay where they are. */
	if (ivgmp_inner_pull(skb, 0, family, &inner) || inner.ttl <= 1)
		return NF_ACCEPT;
	/*
	 * RPF: only sources of this site. A packet we delivered from another
	 * site never passes this hook (it leaves by dev_queue_xmit), and if a
	 * LAN host sends it back, its source is not local.
	 */
	if (family == AF_INET ?
	    !ivgmp_config_local_source4(cfg, state->in, inner.source.v4) :
	    !ivgmp_config_local_source6(cfg, state->in, &inner.source.v6))
		return NF_ACCEPT;

	/* Per-CPU counters: the hook may run in process context too. */
	local_bh_disable();
	ivgmp_tx_route(in, cfg, skb, &inner, vpn, state->in);
	local_bh_enable();
	return NF_ACCEPT;
}

static unsigned int ivgmp_tx_hook4(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	/* Every packet the host receives passes here: cheapest test first. */
	if (!ipv4_is_multicast(ip_hdr(skb)->daddr))
		return NF_ACCEPT;
	return ivgmp_tx_hook(skb, state, AF_INET);
}

static unsigned int ivgmp_tx_hook6(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	if (!ipv6_addr_is_multicast(&ipv6_hdr(skb)->daddr))
		return NF_ACCEPT;
	return ivgmp_tx_hook(skb, state, AF_INET6);
}

static const struct nf_hook_ops ivgmp_tx_ops[] = {
	{
		.hook = ivgmp_tx_hook4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_RAW_BEFORE_DEFRAG,
	},
	{
		.hook = ivgmp_tx_hook6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_RAW_BEFORE_DEFRAG,
	},
};

int ivgmp_tx_net_init(struct ivgmp_net *in)
{
	int err;

	err = nf_register_net_hooks(in->net, ivgmp_tx_ops,
				    ARRAY_SIZE(ivgmp_tx_ops));
	if (err)
		return err;
	in->hooks_registered = true;
	return 0;
}

void ivgmp_tx_net_exit(struct ivgmp_net *in)
{
	if (!in->hooks_registered)
		return;
	nf_unregister_net_hooks(in->net, ivgmp_tx_ops,
				ARRAY_SIZE(ivgmp_tx_ops));
	in->hooks_registered = false;
}
