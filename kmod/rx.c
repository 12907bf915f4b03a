// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: what the tunnel sockets (socket.c) hand over: checks, local
 * delivery and relay. See Documentation/forwarding.md.
 *
 * Order of the checks, cheapest and most security-relevant first: did the
 * datagram come through IPsec, is its sender a known site, is the header
 * one we understand, is the inner packet sane multicast. Only then is the
 * table consulted.
 */

#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/xfrm.h>

#include "ivgmp.h"
#include "rx.h"
#include "wire.h"
#include "xmit.h"

#define IVGMP_RX_PULL	(sizeof(struct udphdr) + IVGMP_HDR_LEN)

/*
 * A datagram that went through ESP carries a secpath. The policy check
 * also rejects a clear datagram that an inbound policy says must have
 * been protected, with or without require_ipsec, as udp_rcv() would have
 * done had the datagram reached a socket queue.
 */
static bool ivgmp_rx_ipsec_ok(struct sock *sk, struct sk_buff *skb,
			      const struct ivgmp_config *cfg)
{
	bool ok;

	if (sk->sk_family == AF_INET6)
		ok = xfrm6_policy_check(sk, XFRM_POLICY_IN, skb);
	else
		ok = xfrm4_policy_check(sk, XFRM_POLICY_IN, skb);
	if (!ok)
		return false;
	return !ivgmp_config_require_ipsec(cfg) || secpath_exists(skb);
}

static struct ivgmp_site *ivgmp_rx_sender(struct ivgmp_net *in,
					  struct sock *sk, struct sk_buff *skb)
{
	if (sk->sk_family == AF_INET6)
		return ivgmp_site_lookup_addr6(in, &ipv6_hdr(skb)->saddr);
	return ivgmp_site_lookup_addr4(in, ip_hdr(skb)->saddr);
}

/* Relays and deliveries count on the route, on the site the datagram came
 * from (the virtual interface it entered by) and on the namespace.
 */
static void ivgmp_relay_one(struct ivgmp_net *in,
			    const struct ivgmp_config *cfg,
			    struct ivgmp_route *route, struct sk_buff *skb,
			    bool own, struct ivgmp_nexthop *nh,
			    const struct ivgmp_wire *w,
			    const struct ivgmp_site *from, unsigned int len)
{
	if (ivgmp_xmit(in, cfg, skb, own, nh, w->hops - 1, w->vpn,
		       w->origin)) {
		ivgmp_stats_tx(route->stats, len);
		ivgmp_stats_relayed(route->stats);
		ivgmp_stats_relayed(from->stats);
		ivgmp_stats_relayed(in->stats);
	}
}

/*
 * Copies go to every next hop but the origin and the sender of this copy.
 * @own: nothing else needs @skb (no local delivery), so the last next hop
 * gets it instead of a copy; consumed in every case.
 */
static void ivgmp_relay(struct ivgmp_net *in, const struct ivgmp_config *cfg,
			struct ivgmp_route *route, struct sk_buff *skb,
			bool own, const struct ivgmp_wire *w,
			const struct ivgmp_site *from, unsigned int len)
{
	struct ivgmp_nexthops *nhs = ivgmp_route_nexthops(route);
	struct ivgmp_nexthop *prev = NULL;
	unsigned int i;

	if (!nhs)
		goto done;
	for (i = 0; i < nhs->count; i++) {
		struct ivgmp_nexthop *nh = &nhs->nh[i];

		if (nh->site->id == w->origin || nh->site == from ||
		    nh->site->id == cfg->site_id)
			continue;
		if (w->hops <= 1) {
			/* One drop per datagram, not per next hop. */
			ivgmp_drop(in, IVGMP_DROP_HOPS);
			goto drop;
		}
		if (!prev && unlikely(ivgmp_xmit_prepare(skb))) {
			ivgmp_drop(in, IVGMP_DROP_NOMEM);
			goto drop;
		}
		if (prev)
			ivgmp_relay_one(in, cfg, route, skb, false, prev, w,
					from, len);
		prev = nh;
	}
	if (prev) {
		ivgmp_relay_one(in, cfg, route, skb, own, prev, w, from, len);
		if (own)
			return;
	}
done:
	if (own)
		consume_skb(skb);
	return;
drop:
	if (own)
		kfree_skb(skb);
}

static void ivgmp_lan_xmit(struct ivgmp_net *in, struct ivgmp_route *route,
			   const struct ivgmp_site *from, struct sk_buff *skb,
			   struct net_device *dev, const u8 *mac)
{
	int ret;

	skb->dev = dev;
	if (unlikely(skb_cow_head(skb, LL_RESERVED_SPACE(dev)))) {
		ivgmp_drop(in, IVGMP_DROP_NOMEM);
		kfree_skb(skb);
		return;
	}
	if (dev_hard_header(skb, dev, ntohs(skb->protocol),
			    dev->type == ARPHRD_ETHER ? mac : dev->broadcast,
			    NULL, skb->len) < 0) {
		ivgmp_drop(in, IVGMP_DROP_XMIT);
		kfree_skb(skb);
		return;
	}
	skb_reset_mac_header(skb);

	ret = dev_queue_xmit(skb);
	if (unlikely(net_xmit_eval(ret))) {
		ivgmp_drop(in, IVGMP_DROP_XMIT);
		return;
	}
	ivgmp_stats_delivered(route->stats);
	ivgmp_stats_delivered(from->stats);
	ivgmp_stats_delivered(in->stats);
}

/*
 * Put the packet on every LAN of its VPN, as a router would: one TTL or
 * hop limit less, the group's multicast MAC. Consumes @skb.
 */
static void ivgmp_deliver(struct ivgmp_net *in, const struct ivgmp_config *cfg,
			  struct ivgmp_route *route,
			  const struct ivgmp_site *from, struct sk_buff *skb,
			  const struct ivgmp_inner *inner, u32 vpn)
{
	struct net_device *dev, *prev = NULL;
	u8 mac[MAX_ADDR_LEN];
	unsigned int i;

	if (inner->ttl <= 1) {
		ivgmp_drop(in, IVGMP_DROP_TTL);
		goto free;
	}

	skb_scrub_packet(skb, false);
	/* Forwarded, as by ip_forward_finish(): no receive time to fq. */
	skb_clear_tstamp(skb);
	if (inner->family == AF_INET) {
		if (unlikely(skb_ensure_writable(skb, sizeof(struct iphdr))))
			goto nomem;
		ip_decrease_ttl(ip_hdr(skb));
		ip_eth_mc_map(inner->group.v4, mac);
		skb->protocol = htons(ETH_P_IP);
	} else {
		if (unlikely(skb_ensure_writable(skb, sizeof(struct ipv6hdr))))
			goto nomem;
		ipv6_hdr(skb)->hop_limit--;
		ipv6_eth_mc_map(&inner->group.v6, mac);
		skb->protocol = htons(ETH_P_IPV6);
	}
	/* The LAN receiver checks the inner checksums itself. */
	skb->ip_summed = CHECKSUM_NONE;

	for (i = 0; i < cfg->n_lans; i++) {
		if (cfg->lans[i].vpn != vpn)
			continue;
		dev = dev_get_by_index_rcu(in->net, cfg->lans[i].ifindex);
		if (!dev || !netif_running(dev))
			continue;
		if (prev) {
			struct sk_buff *nskb = skb_clone(skb, GFP_ATOMIC);

			if (nskb)
				ivgmp_lan_xmit(in, route, from, nskb, prev,
					       mac);
			else
				ivgmp_drop(in, IVGMP_DROP_NOMEM);
		}
		prev = dev;
	}
	if (prev) {
		ivgmp_lan_xmit(in, route, from, skb, prev, mac);
		return;
	}
	ivgmp_drop(in, IVGMP_DROP_NO_OUTPUT);
	goto free;

nomem:
	ivgmp_drop(in, IVGMP_DROP_NOMEM);
free:
	kfree_skb(skb);
}

static struct ivgmp_route *ivgmp_rx_route(struct ivgmp_net *in,
					  const struct ivgmp_wire *w,
					  const struct ivgmp_inner *inner)
{
	if (inner->family == AF_INET)
		return ivgmp_route_lookup4(in, w->vpn, inner->group.v4,
					   inner->source.v4, w->origin);
	return ivgmp_route_lookup6(in, w->vpn, &inner->group.v6,
				   &inner->source.v6, w->origin);
}

/* Always consumes the datagram: it is never for a user socket. */
int ivgmp_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct ivgmp_net *in = rcu_dereference_sk_user_data(sk);
	const struct ivgmp_config *cfg;
	struct ivgmp_inner inner;
	struct ivgmp_route *route;
	struct ivgmp_site *from;
	struct ivgmp_wire w;
	enum ivgmp_drop why;

	if (unlikely(!in))		/* socket being closed */
		goto free;
	cfg = ivgmp_config_rcu(in);

	if (!ivgmp_rx_ipsec_ok(sk, skb, cfg)) {
		why = IVGMP_DROP_NOT_IPSEC;
		goto drop;
	}
	from = ivgmp_rx_sender(in, sk, skb);
	if (!from) {
		why = IVGMP_DROP_UNKNOWN_SITE;
		goto drop;
	}
	if (unlikely(!pskb_may_pull(skb, IVGMP_RX_PULL))) {
		why = IVGMP_DROP_TRUNCATED;
		goto drop;
	}
	why = ivgmp_wire_decode(skb->data + sizeof(struct udphdr),
				skb->len - sizeof(struct udphdr), &w);
	if (why)
		goto drop;
	if (w.origin == cfg->site_id) {
		why = IVGMP_DROP_LOOP;
		goto drop;
	}
	why = ivgmp_inner_pull(skb, IVGMP_RX_PULL, 0, &inner);
	if (why)
		goto drop;

	ivgmp_stats_rx(from->stats, inner.len);
	ivgmp_stats_rx(in->stats, inner.len);

	route = ivgmp_rx_route(in, &w, &inner);
	if (!route) {
		net_dbg_ratelimited("ivgmp: no route for vpn %u origin %u from site %u\n",
				    w.vpn, w.origin, from->id);
		why = IVGMP_DROP_NO_ROUTE;
		goto drop;
	}
	ivgmp_stats_rx(route->stats, inner.len);

	skb_pull_rcsum(skb, IVGMP_RX_PULL);
	skb_reset_network_header(skb);

	if (ivgmp_route_deliver_local(route)) {
		ivgmp_relay(in, cfg, route, skb, false, &w, from, inner.len);
		ivgmp_deliver(in, cfg, route, from, skb, &inner, w.vpn);
	} else {
		ivgmp_relay(in, cfg, route, skb, true, &w, from, inner.len);
	}
	return 0;

drop:
	ivgmp_drop(in, why);
free:
	kfree_skb(skb);
	return 0;
}
