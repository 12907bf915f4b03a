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
