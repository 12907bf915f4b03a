/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sending one encapsulated copy of a multicast packet to one site: shared
 * by the transmit hook (local senders) and the receive path (relays).
 */
#ifndef _IVGMP_XMIT_H
#define _IVGMP_XMIT_H

#include <linux/types.h>

struct dst_entry;
struct sk_buff;
struct ivgmp_net;
struct ivgmp_config;
struct ivgmp_nexthop;

/*
 * Outer headers in front of the inner packet: IVGMP header, UDP and the
 * larger IP header. ESP in transport mode adds its own on top.
 */
#define IVGMP_OVERHEAD4	(IVGMP_HDR_LEN + 8 + 20)
#define IVGMP_OVERHEAD6	(IVGMP_HDR_LEN + 8 + 40)

/*
 * May a copy leave by @dst? Always with require_ipsec off; with it on,
 * only when @dst is an XFRM bundle.
 */
bool ivgmp_xmit_route_ok(const struct ivgmp_config *cfg,
			 const struct dst_entry *dst);

/*
 * Make @skb fit to be copied to sites: resolves a checksum left to
 * hardware. Once per packet, before its copies. Returns 0 or -errno.
 */
int ivgmp_xmit_prepare(struct sk_buff *skb);

/*
 * Copy @skb (data at the inner IP header, prepared; left untouched),
 * encapsulate the copy with @hops, @vpn and @origin and send it to @nh's
 * site. Counts the copy on the next hop, the site and the namespace, or
 * the drop reason. Caller holds rcu_read_lock() with BH disabled. Returns
 * true when sent.
 */
bool ivgmp_xmit_copy(struct ivgmp_net *in, const struct ivgmp_config *cfg,
		     const struct sk_buff *skb, struct ivgmp_nexthop *nh,
		     u8 hops, u32 vpn, u32 origin);

/*
 * The same for the last next hop of a packet nobody else needs: sends
 * @skb itself (unshared, prepared) and always consumes it.
 */
bool ivgmp_xmit_skb(struct ivgmp_net *in, const struct ivgmp_config *cfg,
		    struct sk_buff *skb, struct ivgmp_nexthop *nh,
		    u8 hops, u32 vpn, u32 origin);

/* ivgmp_xmit_skb() if @own (the packet is ours to send), else a copy. */
bool ivgmp_xmit(struct ivgmp_net *in, const struct ivgmp_config *cfg,
		struct sk_buff *skb, bool own, struct ivgmp_nexthop *nh,
		u8 hops, u32 vpn, u32 origin);

#endif /* _IVGMP_XMIT_H */
