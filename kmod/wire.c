// SPDX-License-Identifier: GPL-2.0
/*
 * IVGMP wire format. See Documentation/wire-format.md.
 *
 * Everything a remote site sends us is checked here before the data path
 * looks at it, so that rx.c can trust the fields it reads: the header's
 * version, flags and hop count, and the inner packet's IP header, lengths,
 * checksum and destination scope.
 */

#include <linux/build_bug.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <net/addrconf.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "wire.h"

void ivgmp_wire_encode(struct ivgmp_hdr *h, u8 hops, u32 vpn, u32 origin)
{
	BUILD_BUG_ON(sizeof(struct ivgmp_hdr) != IVGMP_HDR_LEN);

	h->ver_flags = IVGMP_WIRE_VERSION << IVGMP_WIRE_VER_SHIFT;
	h->hops = hops;
	h->reserved = 0;
	h->vpn = htonl(vpn);
	h->origin = htonl(origin);
}

/*
 * Returns IVGMP_DROP_UNSPEC (0) when the header is valid. Version 1 defines
 * no flags, so any flag or reserved bit means a sender we do not understand.
 */
enum ivgmp_drop ivgmp_wire_decode(const void *buf, unsigned int len,
				  struct ivgmp_wire *w)
{
	const struct ivgmp_hdr *h = buf;

	if (len < IVGMP_HDR_LEN)
		return IVGMP_DROP_TRUNCATED;
	if (h->ver_flags >> IVGMP_WIRE_VER_SHIFT != IVGMP_WIRE_VERSION)
		return IVGMP_DROP_BAD_VERSION;
	if ((h->ver_flags & IVGMP_WIRE_FLAGS_MASK) || h->reserved)
		return IVGMP_DROP_BAD_FLAGS;
	/* A sender never emits 0: the last relay drops instead of sending. */
	if (!h->hops)
		return IVGMP_DROP_HOPS;
	/* Site ids start at 1; 0 means "not configured" on the sender. */
	if (!h->origin)
		return IVGMP_DROP_UNKNOWN_SITE;

	w->hops = h->hops;
	w->vpn = ntohl(h->vpn);
	w->origin = ntohl(h->origin);
	return IVGMP_DROP_UNSPEC;
}

static enum ivgmp_drop ivgmp_inner_check4(const struct iphdr *iph,
					  unsigned int hlen, unsigned int len,
					  struct ivgmp_inner *in)
{
	unsigned int ihl;

	if (hlen < sizeof(*iph))
		return IVGMP_DROP_BAD_INNER;
	ihl = iph->ihl * 4;
	if (ihl < sizeof(*iph) || ihl > hlen)
		return IVGMP_DROP_BAD_INNER;
	/* No padding is carried: the datagram holds exactly one packet. */
	if (ntohs(iph->tot_len) != len)
		return IVGMP_DROP_BAD_INNER;
	if (ip_fast_csum(iph, iph->ihl))
		return IVGMP_DROP_BAD_INNER;
	/* 224.0.0.0/24 never leaves its link, so no site may inject it. */
	if (!ipv4_is_multicast(iph->daddr) ||
	    ipv4_is_local_multicast(iph->daddr))
		return IVGMP_DROP_BAD_INNER;
	if (ipv4_is_multicast(iph->saddr) || ipv4_is_lbcast(iph->saddr) ||
	    ivgmp_ipv4_is_thisnet(iph->saddr))
		return IVGMP_DROP_BAD_INNER;

	memset(in, 0, sizeof(*in));
	in->group.v4 = iph->daddr;
	in->source.v4 = iph->saddr;
	in->len = len;
	in->family = AF_INET;
	in->ttl = iph->ttl;
	return IVGMP_DROP_UNSPEC;
}

static enum ivgmp_drop ivgmp_inner_check6(const struct ipv6hdr *ip6h,
					  unsigned int hlen, unsigned int len,
					  struct ivgmp_inner *in)
{
	unsigned int plen;

	if (hlen < sizeof(*ip6h))
		return IVGMP_DROP_BAD_INNER;
	plen = ntohs(ip6h->payload_len);
	/* A zero payload length announces a jumbogram; none fits a tunnel. */
	if (!plen || plen + sizeof(*ip6h) != len)
		return IVGMP_DROP_BAD_INNER;
	/* ff02::/16 and smaller scopes never leave their link. */
	if (!ipv6_addr_is_multicast(&ip6h->daddr) ||
	    IPV6_ADDR_MC_SCOPE(&ip6h->daddr) <= IPV6_ADDR_SCOPE_LINKLOCAL)
		return IVGMP_DROP_BAD_INNER;
	if (ipv6_addr_is_multicast(&ip6h->saddr) ||
	    ipv6_addr_any(&ip6h->saddr))
		return IVGMP_DROP_BAD_INNER;

	memset(in, 0, sizeof(*in));
	in->group.v6 = ip6h->daddr;
	in->source.v6 = ip6h->saddr;
	in->len = len;
	in->family = AF_INET6;
	in->ttl = ip6h->hop_limit;
	return IVGMP_DROP_UNSPEC;
}

/*
 * @buf is the inner IP header, @hlen the bytes of it that may be read and
 * @len the bytes of the whole packet. @family is AF_INET or AF_INET6 when
 * the caller already knows it (a hook of one family), 0 to take it from the
 * version nibble. Returns IVGMP_DROP_UNSPEC when the packet is valid.
 */
enum ivgmp_drop ivgmp_inner_check(const void *buf, unsigned int hlen,
				  unsigned int len, u8 family,
				  struct ivgmp_inner *in)
{
	u8 version;

	if (!hlen || hlen > len)
		return IVGMP_DROP_BAD_INNER;
	version = *(const u8 *)buf >> 4;
	if (version == 4 && (!family || family == AF_INET))
		return ivgmp_inner_check4(buf, hlen, len, in);
	if (version == 6 && (!family || family == AF_INET6))
		return ivgmp_inner_check6(buf, hlen, len, in);
	return IVGMP_DROP_BAD_INNER;
}

/* The inner packet starts @off bytes into @skb->data. */
enum ivgmp_drop ivgmp_inner_pull(struct sk_buff *skb, unsigned int off,
				 u8 family, struct ivgmp_inner *in)
{
	unsigned int need;
	u8 first;

	if (unlikely(!pskb_may_pull(skb, off + 1)))
		return IVGMP_DROP_BAD_INNER;
	first = skb->data[off];
	switch (first >> 4) {
	case 4:
		need = max_t(unsigned int, (first & 0x0f) * 4,
			     sizeof(struct iphdr));
		break;
	case 6:
		need = sizeof(struct ipv6hdr);
		break;
	default:
		return IVGMP_DROP_BAD_INNER;
	}
	if (unlikely(!pskb_may_pull(skb, off + need)))
		return IVGMP_DROP_BAD_INNER;
	return ivgmp_inner_check(skb->data + off, skb_headlen(skb) - off,
				 skb->len - off, family, in);
}
