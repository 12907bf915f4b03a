/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IVGMP wire format: the tunnel header and the checks on the multicast
 * packet it carries. Pure functions over bytes, plus thin sk_buff wrappers
 * that pull exactly what the pure functions read.
 */
#ifndef _IVGMP_WIRE_H
#define _IVGMP_WIRE_H

#include <linux/types.h>
#include <linux/in6.h>
#include <asm/byteorder.h>
#include <uapi/linux/ivgmp.h>
#include "config.h"

struct sk_buff;

/* Decoded IVGMP header, host byte order. */
struct ivgmp_wire {
	u8 hops;
	u32 vpn;
	u32 origin;
};

/* What the data path needs from a validated inner multicast packet. */
struct ivgmp_inner {
	union ivgmp_addr group;	/* unused bytes are zero */
	union ivgmp_addr source;
	unsigned int len;	/* IP total length, equal to the bytes carried */
	u8 family;		/* AF_INET or AF_INET6 */
	u8 ttl;			/* TTL or hop limit */
};

/*
 * 0.0.0.0/8, "this host on this network" (RFC 1122 3.2.1.3): never a source
 * or a destination on the wire. ipv4_is_zeronet() matched the /8 until 5.x
 * but matches only 0.0.0.0 since, so it cannot be used for this.
 */
static inline bool ivgmp_ipv4_is_thisnet(__be32 addr)
{
	return (addr & htonl(0xff000000)) == 0;
}

#define IVGMP_WIRE_VER_SHIFT	4
#define IVGMP_WIRE_FLAGS_MASK	0x0f

void ivgmp_wire_encode(struct ivgmp_hdr *h, u8 hops, u32 vpn, u32 origin);
enum ivgmp_drop ivgmp_wire_decode(const void *buf, unsigned int len,
				  struct ivgmp_wire *w);

enum ivgmp_drop ivgmp_inner_check(const void *buf, unsigned int hlen,
				  unsigned int len, u8 family,
				  struct ivgmp_inner *in);
enum ivgmp_drop ivgmp_inner_pull(struct sk_buff *skb, unsigned int off,
				 u8 family, struct ivgmp_inner *in);

#endif /* _IVGMP_WIRE_H */
