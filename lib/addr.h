/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * IPv4/IPv6 addresses and prefixes as the IVGMP programs use them, and
 * interface name <-> ifindex.
 *
 * struct ivgmp_addr holds one address in network byte order; family is
 * AF_INET, AF_INET6, or AF_UNSPEC for "no address" (e.g. a (*,G) route's
 * source). Parsers return 0 or -EINVAL and never touch *out on failure.
 * A `family` argument of AF_UNSPEC accepts either family; AF_INET or
 * AF_INET6 accepts only that one.
 */
#ifndef IVGMP_ADDR_H
#define IVGMP_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct ivgmp_addr {
	sa_family_t family;		/* AF_INET, AF_INET6 or AF_UNSPEC */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t raw[16];
	};
};

struct ivgmp_prefix {
	struct ivgmp_addr addr;
	uint8_t plen;
};

/* Big enough for any address, and for "address/128". */
#define ADDR_STRLEN	(INET6_ADDRSTRLEN + 4)

/* 4, 16, or 0 for AF_UNSPEC/unknown. */
size_t addr_len(int family);

/* "192.0.2.1" or "2001:db8::1". */
int addr_parse(const char *s, int family, struct ivgmp_addr *out);

/*
 * "192.0.2.0/24", "2001:db8::/32"; a bare address is a host prefix.
 * Host bits set beyond plen are rejected ("10.1.2.3/8" is a typo more often
 * than not).
 */
int prefix_parse(const char *s, int family, struct ivgmp_prefix *out);

/* Fill from raw network-order bytes: len 4 or 16, else -EINVAL. */
int addr_from_raw(struct ivgmp_addr *out, const void *raw, size_t len);

/* Text form into buf (ADDR_STRLEN bytes suffice); "*" for AF_UNSPEC. */
const char *addr_ntop(const struct ivgmp_addr *a, char *buf, size_t len);
const char *prefix_ntop(const struct ivgmp_prefix *p, char *buf, size_t len);

bool addr_is_unspec(const struct ivgmp_addr *a);
bool addr_is_multicast(const struct ivgmp_addr *a);
/* 224.0.0.0/24 and ff02::/16: never forwarded between sites. */
bool addr_is_linklocal_mcast(const struct ivgmp_addr *a);
/* Usable as a unicast WAN address or SSM source: not 0, not multicast. */
bool addr_is_unicast(const struct ivgmp_addr *a);
bool addr_equal(const struct ivgmp_addr *a, const struct ivgmp_addr *b);
/* Does prefix p contain address a (same family)? */
bool prefix_contains(const struct ivgmp_prefix *p, const struct ivgmp_addr *a);

/*
 * Interface name -> ifindex: 0 if no such interface. A decimal number is
 * taken as an ifindex when no interface has that name and an interface
 * has that index.
 */
unsigned int addr_ifindex(const char *name);
/* ifindex -> name into buf (IF_NAMESIZE); "ifN" if it is gone. */
const char *addr_ifname(unsigned int ifindex, char *buf, size_t len);

#endif /* IVGMP_ADDR_H */
