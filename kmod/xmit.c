// SPDX-License-Identifier: GPL-2.0
/*
 * One encapsulated copy to one site. The copy is routed like a datagram
 * sent from the tunnel socket (UDP, our port to the site's port), so an
 * IPsec policy selecting UDP on the tunnel port catches it exactly as it
 * would catch WireGuard's or any UDP socket's traffic: ip_route_output_flow()
 * and ipv6_dst_lookup_flow() return the XFRM bundle when a policy matches.
 *
 * With require_ipsec on, a copy goes only where XFRM transforms it: a route
 * that comes back without a bundle (no policy, a policy that lets the flow
 * pass untransformed, a larval blackhole while IKE runs) is refused, as is
 * a flow that a policy blocks (-EPERM), and counted as tx-not-ipsec. The
 * agent's catch-all block policy is the other layer; each stops a leak the
 * other misses (an SA policy flushed under a module told not to care, a
 * user-space socket on the tunnel port).
 *
 * The outer header never has DF set and ignore_df is set, so a copy larger
 * than the path MTU is fragmented on the outer header (after ESP, in
 * transport mode) instead of being dropped: the inner packet is never
 * touched and no ICMP goes back to a sender on another site.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/dst.h>
#include <net/dst_cache.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "ivgmp.h"
#include "wire.h"
#include "xmit.h"

/*
 * Room for the tunnel's headers on an Ethernet-like WAN plus ESP's header
 * and IV in transport mode, so neither ip_finish_output2() nor esp_output()
 * has to reallocate. Other link layers get theirs from skb_cow_head() in
 * ivgmp_xmit4/6().
 */
#define IVGMP_XMIT_HEADROOM (16 + sizeof(struct ipv6hdr) + \
			     sizeof(struct udphdr) + IVGMP_HDR_LEN + 32)
/* ESP's padding and ICV, so that esp_output() can encrypt in place. */
#define IVGMP_XMIT_TAILROOM 32

bool ivgmp_xmit_route_ok(const struct ivgmp_config *cfg,
			 const struct dst_entry *dst)
{
	/* dst->xfrm is the bundle's outermost state, NULL on a plain route. */
	return !ivgmp_config_require_ipsec(cfg) || dst_xfrm(dst);
}

/* -EPERM from an output route lookup is an XFRM policy prohibiting it. */
static enum ivgmp_drop ivgmp_xmit_route_error(long err)
{
	return err == -EPERM ? IVGMP_DROP_TX_NOT_IPSEC : IVGMP_DROP_NO_OUTPUT;
}

static enum ivgmp_drop ivgmp_xmit4(struct ivgmp_net *in,
				   const struct ivgmp_config *cfg,
				   struct ivgmp_site *site,
				   const struct ivgmp_endpoint *ep,
				   struct sk_buff *skb, u8 tos)
{
	struct flowi4 fl = {
		.daddr = ep->addr.v4,
		.fl4_dport = ep->port,
		.flowi4_proto = IPPROTO_UDP,
	};
	struct socket *sock;
	struct rtable *rt;

	sock = rcu_dereference(in->sock4);
	if (unlikely(!sock))
		return IVGMP_DROP_NO_OUTPUT;
	fl.fl4_sport = inet_sk(sock->sk)->inet_sport;

	rt = dst_cache_get_ip4(&site->dst_cache, &fl.saddr);
	if (!rt) {
		rt = ip_route_output_flow(in->net, &fl, sock->sk);
		if (IS_ERR(rt)) {
			net_dbg_ratelimited("ivgmp: no route to site %u at %pI4: %ld\n",
					    site->id, &ep->addr.v4, PTR_ERR(rt));
			return ivgmp_xmit_route_error(PTR_ERR(rt));
		}
		dst_cache_set_ip4(&site->dst_cache, &rt->dst, fl.saddr);
	}
	if (unlikely(!ivgmp_xmit_route_ok(cfg, &rt->dst))) {
		net_dbg_ratelimited("ivgmp: route to site %u at %pI4 has no IPsec\n",
				    site->id, &ep->addr.v4);
		ip_rt_put(rt);
		return IVGMP_DROP_TX_NOT_IPSEC;
	}

	if (unlikely(skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
				  rt->dst.header_len + sizeof(struct iphdr) +
				  sizeof(struct udphdr)))) {
		ip_rt_put(rt);
		return IVGMP_DROP_NOMEM;
	}

	/* iptunnel_xmit() counts on skb->dev as if it were a tunnel device. */
	skb->dev = NULL;
	skb->ignore_df = 1;
	udp_tunnel_xmit_skb(rt, sock->sk, skb, fl.saddr, fl.daddr, tos,
			    ip4_dst_hoplimit(&rt->dst), 0, fl.fl4_sport,
			    fl.fl4_dport, false, false);
	return IVGMP_DROP_UNSPEC;
}

static enum ivgmp_drop ivgmp_xmit6(struct ivgmp_net *in,
				   const struct ivgmp_config *cfg,
				   struct ivgmp_site *site,
				   const struct ivgmp_endpoint *ep,
				   struct sk_buff *skb, u8 tos)
{
	struct flowi6 fl = {
		.daddr = ep->addr.v6,
		.fl6_dport = ep->port,
		.flowi6_proto = IPPROTO_UDP,
	};
	struct dst_entry *dst;
	struct socket *sock;

	sock = rcu_dereference(in->sock6);
	if (unlikely(!sock))
		return IVGMP_DROP_NO_OUTPUT;
	fl.fl6_sport = inet_sk(sock->sk)->inet_sport;

	dst = dst_cache_get_ip6(&site->dst_cache, &fl.saddr);
	if (!dst) {
		dst = ipv6_stub->ipv6_dst_lookup_flow(in->net, sock->sk, &fl,
						      NULL);
		if (IS_ERR(dst)) {
			net_dbg_ratelimited("ivgmp: no route to site %u at %pI6c: %ld\n",
					    site->id, &ep->addr.v6,
					    PTR_ERR(dst));
			return ivgmp_xmit_route_error(PTR_ERR(dst));
		}
		dst_cache_set_ip6(&site->dst_cache, dst, &fl.saddr);
	}
	if (unlikely(!ivgmp_xmit_route_ok(cfg, dst))) {
		net_dbg_ratelimited("ivgmp: route to site %u at %pI6c has no IPsec\n",
				    site->id, &ep->addr.v6);
		dst_release(dst);
		return IVGMP_DROP_TX_NOT_IPSEC;
	}

	if (unlikely(skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) +
				  dst->header_len + sizeof(struct ipv6hdr) +
				  sizeof(struct udphdr)))) {
		dst_release(dst);
		return IVGMP_DROP_NOMEM;
	}

	skb->dev = NULL;
	/* ip6_fragment() refuses to split what it did not originate. */
	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sock->sk, skb, NULL, &fl.saddr, &fl.daddr,
			     tos, ip6_dst_hoplimit(dst), 0, fl.fl6_sport,
			     fl.fl6_dport, false);
	return IVGMP_DROP_UNSPEC;
}

/*
 * Resolve a checksum the sender left to hardware, once per packet rather
 * than once per copy: no far side can finish it. A partial checksum that
 * starts before the inner header belonged to an outer header already
 * pulled (a relayed datagram that crossed a veth); the inner packet was
 * complete when it was encapsulated.
 */
int ivgmp_xmit_prepare(struct sk_buff *skb)
{
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	if (skb_checksum_start_offset(skb) < 0) {
		skb->ip_summed = CHECKSUM_NONE;
		return 0;
	}
	return skb_checksum_help(skb);
}

/* Consumes @skb: data at the inner IP header, ours to push onto. */
static bool ivgmp_xmit_encap(struct ivgmp_net *in,
			     const struct ivgmp_config *cfg,
			     struct sk_buff *skb, struct ivgmp_nexthop *nh,
			     u8 hops, u32 vpn, u32 origin)
{
	struct ivgmp_site *site = nh->site;
	unsigned int len = skb->len;
	struct ivgmp_endpoint ep;
	enum ivgmp_drop why;
	u8 tos;

	/* The inner packet's DSCP travels on; ECN is not tunnelled. */
	if (skb->data[0] >> 4 == 4)
		tos = ipv4_get_dsfield((const struct iphdr *)skb->data);
	else
		tos = ipv6_get_dsfield((const struct ipv6hdr *)skb->data);
	tos &= ~INET_ECN_MASK;

	skb->ip_summed = CHECKSUM_NONE;
	skb_reset_inner_network_header(skb);
	ivgmp_wire_encode(skb_push(skb, IVGMP_HDR_LEN), hops, vpn, origin);

	ivgmp_site_endpoint(site, cfg, &ep);
	switch (ep.family) {
	case AF_INET:
		why = ivgmp_xmit4(in, cfg, site, &ep, skb, tos);
		break;
	case AF_INET6:
		why = ivgmp_xmit6(in, cfg, site, &ep, skb, tos);
		break;
	default:
		why = IVGMP_DROP_NO_OUTPUT;
		break;
	}
	if (unlikely(why)) {
		kfree_skb(skb);
		ivgmp_drop(in, why);
		return false;
	}

	ivgmp_nexthop_stats_tx(nh->stats, len);
	ivgmp_stats_tx(site->stats, len);
	ivgmp_stats_tx(in->stats, len);
	return true;
}

bool ivgmp_xmit_copy(struct ivgmp_net *in, const struct ivgmp_config *cfg,
		     const struct sk_buff *skb, struct ivgmp_nexthop *nh,
		     u8 hops, u32 vpn, u32 origin)
{
	struct sk_buff *copy;

	/*
	 * A fresh buffer with just the inner packet, not skb_copy(): none
	 * of the original's metadata (route, conntrack, secpath, LAN MAC)
	 * applies to the copy, so there is nothing to copy and scrub again,
	 * and head and tail room are sized for the tunnel and ESP, which keeps
	 * a small packet's copy in a small slab (each copy is zeroed on
	 * allocation with init_on_alloc, as in Debian's kernels).
	 */
	copy = alloc_skb(IVGMP_XMIT_HEADROOM + skb->len + IVGMP_XMIT_TAILROOM,
			 GFP_ATOMIC);
	if (unlikely(!copy))
		goto nomem;
	skb_reserve(copy, IVGMP_XMIT_HEADROOM);
	if (unlikely(skb_copy_bits(skb, 0, skb_put(copy, skb->len),
				   skb->len))) {
		kfree_skb(copy);
		goto nomem;
	}
	skb_reset_network_header(copy);
	copy->protocol = skb->protocol;
	copy->priority = skb->priority;
	copy->mark = skb->mark;
	return ivgmp_xmit_encap(in, cfg, copy, nh, hops, vpn, origin);

nomem:
	ivgmp_drop(in, IVGMP_DROP_NOMEM);
	return false;
}

bool ivgmp_xmit_skb(struct ivgmp_net *in, const struct ivgmp_config *cfg,
		    struct sk_buff *skb, struct ivgmp_nexthop *nh,
		    u8 hops, u32 vpn, u32 origin)
{
	/* Nothing of the packet's past route, conntrack or secpath applies. */
	skb_scrub_packet(skb, false);
	/* A receive timestamp would read as a departure time to fq. */
	skb_clear_tstamp(skb);
	if (unlikely(skb_cow_head(skb, IVGMP_XMIT_HEADROOM))) {
		kfree_skb(skb);
		ivgmp_drop(in, IVGMP_DROP_NOMEM);
		return false;
	}
	return ivgmp_xmit_encap(in, cfg, skb, nh, hops, vpn, origin);
}

bool ivgmp_xmit(struct ivgmp_net *in, const struct ivgmp_config *cfg,
		struct sk_buff *skb, bool own, struct ivgmp_nexthop *nh,
		u8 hops, u32 vpn, u32 origin)
{
	if (own)
		return ivgmp_xmit_skb(in, cfg, skb, nh, hops, vpn, origin);
	return ivgmp_xmit_copy(in, cfg, skb, nh, hops, vpn, origin);
}
