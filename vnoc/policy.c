// SPDX-License-Identifier: GPL-2.0
/* policy.c - address parsing and longest-prefix policy matching. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "policy.h"

/* The parsing and prefix logic is lib/addr.c's; vnoc_addr is the flat,
 * memcmp-comparable form the VNOC sorts and stores. */
static void from_lib(struct vnoc_addr *a, const struct ivgmp_addr *ia)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)ia->family;
	memcpy(a->bytes, ia->raw, addr_len(ia->family));
}

static void to_lib(struct ivgmp_addr *ia, const struct vnoc_addr *a)
{
	memset(ia, 0, sizeof(*ia));
	ia->family = a->family;
	memcpy(ia->raw, a->bytes, addr_len(a->family));
}

int vnoc_addr_parse(const char *s, struct vnoc_addr *a)
{
	struct ivgmp_addr ia;

	memset(a, 0, sizeof(*a));
	if (!s || addr_parse(s, AF_UNSPEC, &ia))
		return -EINVAL;
	from_lib(a, &ia);
	return 0;
}

int vnoc_prefix_parse(const char *s, struct vnoc_addr *a, unsigned *plen)
{
	struct ivgmp_prefix p;

	if (!s || prefix_parse(s, AF_UNSPEC, &p))
		return -EINVAL;
	from_lib(a, &p.addr);
	*plen = p.plen;
	return 0;
}

const char *vnoc_addr_str(const struct vnoc_addr *a, char *buf, size_t len)
{
	struct ivgmp_addr ia;

	to_lib(&ia, a);
	return addr_ntop(&ia, buf, len);
}

bool vnoc_addr_is_multicast(const struct vnoc_addr *a)
{
	struct ivgmp_addr ia;

	to_lib(&ia, a);
	return addr_is_multicast(&ia);
}

bool vnoc_prefix_is_multicast(const struct vnoc_addr *a, unsigned plen)
{
	return vnoc_addr_is_multicast(a) &&
	       plen >= (a->family == AF_INET ? 4U : 8U);
}

int vnoc_addr_cmp(const struct vnoc_addr *a, const struct vnoc_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

bool vnoc_prefix_contains(const struct vnoc_addr *prefix, unsigned plen,
			  const struct vnoc_addr *a)
{
	struct ivgmp_prefix p;
	struct ivgmp_addr ia;

	if (prefix->family != a->family)
		return false;
	to_lib(&p.addr, prefix);
	p.plen = (uint8_t)plen;
	to_lib(&ia, a);
	return prefix_contains(&p, &ia);
}

/* > 0 when rule a is more specific than rule b. */
static int more_specific(const struct vnoc_policy *a,
			 const struct vnoc_policy *b)
{
	if (a->plen != b->plen)
		return a->plen > b->plen ? 1 : -1;
	if (!!a->site != !!b->site)
		return a->site ? 1 : -1;
	if (a->deny != b->deny)
		return a->deny ? 1 : -1;
	return 0;
}

const struct vnoc_policy *vnoc_policy_match(const struct vnoc_policy *rules,
					    size_t n, uint32_t site,
					    uint32_t vpn,
					    const struct vnoc_addr *group,
					    enum vnoc_role role)
{
	const struct vnoc_policy *best = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct vnoc_policy *r = &rules[i];

		if (r->vpn != vpn || !(r->roles & (1U << role)))
			continue;
		if (r->site && r->site != site)
			continue;
		if (!vnoc_prefix_contains(&r->prefix, r->plen, group))
			continue;
		if (!best || more_specific(r, best) > 0)
			best = r;
	}
	return best;
}

bool vnoc_policy_permits(const struct vnoc_policy *rules, size_t n,
			 uint32_t site, uint32_t vpn,
			 const struct vnoc_addr *group, enum vnoc_role role)
{
	const struct vnoc_policy *r;

	r = vnoc_policy_match(rules, n, site, vpn, group, role);
	return r && !r->deny;
}
