/* SPDX-License-Identifier: GPL-2.0 */
/* policy.h - addresses, group prefixes and the VNOC's join policy. */
#ifndef VNOC_POLICY_H
#define VNOC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 or IPv6 address; family is AF_INET or AF_INET6, bytes in network
 * order (4 or 16 used).  Unused bytes are zero so memcmp compares. */
struct vnoc_addr {
	uint8_t family;
	uint8_t bytes[16];
};

#define VNOC_ADDRSTRLEN 46

int vnoc_addr_parse(const char *s, struct vnoc_addr *a);
/* "addr/len"; a bare address means a host prefix.  Host bits must be zero. */
int vnoc_prefix_parse(const char *s, struct vnoc_addr *a, unsigned *plen);
const char *vnoc_addr_str(const struct vnoc_addr *a, char *buf, size_t len);
bool vnoc_addr_is_multicast(const struct vnoc_addr *a);
/* Every address of the prefix is multicast (224.0.0.0/4, ff00::/8). */
bool vnoc_prefix_is_multicast(const struct vnoc_addr *a, unsigned plen);
int vnoc_addr_cmp(const struct vnoc_addr *a, const struct vnoc_addr *b);
bool vnoc_prefix_contains(const struct vnoc_addr *prefix, unsigned plen,
			  const struct vnoc_addr *a);

enum vnoc_role { VNOC_ROLE_SENDER = 0, VNOC_ROLE_RECEIVER = 1 };

#define VNOC_POLICY_SEND	(1U << VNOC_ROLE_SENDER)
#define VNOC_POLICY_RECEIVE	(1U << VNOC_ROLE_RECEIVER)

struct vnoc_policy {
	uint32_t id;
	uint32_t vpn;
	struct vnoc_addr prefix;
	unsigned plen;
	uint32_t site;		/* 0: every site */
	unsigned roles;		/* VNOC_POLICY_SEND | VNOC_POLICY_RECEIVE */
	bool deny;
};

/*
 * The rule that decides (site, vpn, group, role), or NULL if none matches
 * (deny by default).  Most specific wins: longest prefix, then a
 * site-specific rule over an all-sites rule, then deny over permit.
 */
const struct vnoc_policy *vnoc_policy_match(const struct vnoc_policy *rules,
					    size_t n, uint32_t site,
					    uint32_t vpn,
					    const struct vnoc_addr *group,
					    enum vnoc_role role);
bool vnoc_policy_permits(const struct vnoc_policy *rules, size_t n,
			 uint32_t site, uint32_t vpn,
			 const struct vnoc_addr *group, enum vnoc_role role);

#endif
