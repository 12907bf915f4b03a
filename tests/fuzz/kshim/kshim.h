/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the kernel's headers to compile kmod/wire.c in userspace for
 * libFuzzer (tests/fuzz/wire.c): the decapsulation checks are pure functions
 * over bytes, and ivgmp_inner_pull() needs only an sk_buff with linear data.
 * The helpers copy the kernel's definitions in 6.1 (include/linux/in.h,
 * include/net/ipv6.h, include/net/checksum.h); keep them in step.
 */
#ifndef IVGMP_KSHIM_H
#define IVGMP_KSHIM_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/types.h>
#include <linux/in6.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))

struct rcu_head {
	void *next;
	void (*func)(struct rcu_head *);
};
struct nla_policy {
	u16 type;
};
struct nlattr;
struct netlink_ext_ack;
struct net;

/* Linear only: the fuzzer's packets never have paged data. */
struct sk_buff {
	unsigned char *data;
	unsigned int len;
};

static inline unsigned int skb_headlen(const struct sk_buff *skb)
{
	return skb->len;
}

static inline bool pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return len <= skb->len;
}

static inline bool ipv4_is_multicast(__be32 addr)
{
	return (addr & htonl(0xf0000000)) == htonl(0xe0000000);
}

static inline bool ipv4_is_local_multicast(__be32 addr)
{
	return (addr & htonl(0xffffff00)) == htonl(0xe0000000);
}

static inline bool ipv4_is_lbcast(__be32 addr)
{
	return addr == htonl(INADDR_BROADCAST);
}

/* 6.1: 0.0.0.0 only (the reason for ivgmp_ipv4_is_thisnet()). */
static inline bool ipv4_is_zeronet(__be32 addr)
{
	return addr == 0;
}

#define IPV6_ADDR_SCOPE_LINKLOCAL	0x02
#define IPV6_ADDR_MC_SCOPE(a)		((a)->s6_addr[1] & 0x0f)

static inline bool ipv6_addr_is_multicast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

static inline bool ipv6_addr_any(const struct in6_addr *a)
{
	static const struct in6_addr any;

	return !memcmp(a, &any, sizeof(any));
}

/* RFC 1071 sum over @ihl 32-bit words; 0 when the header's sum is right. */
static inline u16 ip_fast_csum(const void *iph, unsigned int ihl)
{
	const u8 *p = iph;
	u32 sum = 0;
	unsigned int i;

	for (i = 0; i < ihl * 4; i += 2)
		sum += (u32)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

#endif /* IVGMP_KSHIM_H */
