/* policy.c - address parsing and longest-prefix policy matching. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int vnoc_addr_parse(const char *s, struct vnoc_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (!s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, a->bytes) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static unsigned addr_bits(const struct vnoc_addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

int vnoc_prefix_parse(const char *s, struct vnoc_addr *a, unsigned *plen)
{
	char buf[VNOC_ADDRSTRLEN + 8];
	const char *slash;
	char *end;
	unsigned long len;
	unsigned i;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(s, '/');
	if (slash)
		buf[slash - s] = '\0';
	if (vnoc_addr_parse(buf, a))
		return -EINVAL;
	if (!slash) {
		*plen = addr_bits(a);
		return 0;
	}
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || len > addr_bits(a))
		return -EINVAL;
	/* Host bits set usually mean a typo in the prefix: refuse it. */
	for (i = len; i < addr_bits(a); i++)
		if (a->bytes[i / 8] & (0x80 >> (i % 8)))
			return -EINVAL;
	*plen = len;
	return 0;
}

const char *vnoc_addr_str(const struct vnoc_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->bytes, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

bool vnoc_addr_is_multicast(const struct vnoc_addr *a)
{
	if (a->family == AF_INET)
		return (a->bytes[0] & 0xf0) == 0xe0;
	return a->family == AF_INET6 && a->bytes[0] == 0xff;
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
	unsigned full = plen / 8, rest = plen % 8;

	if (prefix->family != a->family || plen > addr_bits(a))
		return false;
	if (memcmp(prefix->bytes, a->bytes, full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((prefix->bytes[full] ^ a->bytes[full]) & mask)
			return false;
	}
	return true;
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
