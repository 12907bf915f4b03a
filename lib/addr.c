// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

size_t addr_len(int family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

int addr_parse(const char *s, int family, struct ivgmp_addr *out)
{
	struct ivgmp_addr a;

	if (!s || !*s)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if ((family == AF_UNSPEC || family == AF_INET) &&
	    inet_pton(AF_INET, s, &a.v4) == 1) {
		a.family = AF_INET;
	} else if ((family == AF_UNSPEC || family == AF_INET6) &&
		   inet_pton(AF_INET6, s, &a.v6) == 1) {
		a.family = AF_INET6;
	} else {
		return -EINVAL;
	}
	*out = a;
	return 0;
}

int addr_from_raw(struct ivgmp_addr *out, const void *raw, size_t len)
{
	if (len != 4 && len != 16)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(out->raw, raw, len);
	return 0;
}

static bool host_bits_clear(const struct ivgmp_addr *a, unsigned int plen)
{
	size_t len = addr_len(a->family);
	size_t i;

	for (i = plen / 8; i < len; i++) {
		unsigned int keep = i == plen / 8 ? plen % 8 : 0;
		uint8_t mask = keep ? (uint8_t)(0xff >> keep) : 0xff;

		if (a->raw[i] & mask)
			return false;
	}
	return true;
}

int prefix_parse(const char *s, int family, struct ivgmp_prefix *out)
{
	char buf[ADDR_STRLEN];
	const char *slash;
	struct ivgmp_addr a;
	unsigned long plen;
	char *end;
	size_t n;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, family, &a))
		return -EINVAL;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (errno || *end || plen > addr_len(a.family) * 8)
			return -EINVAL;
	} else {
		plen = addr_len(a.family) * 8;
	}
	if (!host_bits_clear(&a, (unsigned int)plen))
		return -EINVAL;
	out->addr = a;
	out->plen = (uint8_t)plen;
	return 0;
}

const char *addr_ntop(const struct ivgmp_addr *a, char *buf, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6) {
		snprintf(buf, len, "*");
		return buf;
	}
	if (!inet_ntop(a->family, a->raw, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *prefix_ntop(const struct ivgmp_prefix *p, char *buf, size_t len)
{
	char tmp[ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", addr_ntop(&p->addr, tmp, sizeof(tmp)),
		 p->plen);
	return buf;
}

bool addr_is_unspec(const struct ivgmp_addr *a)
{
	return a->family != AF_INET && a->family != AF_INET6;
}

bool addr_is_multicast(const struct ivgmp_addr *a)
{
	if (a->family == AF_INET)
		return (a->raw[0] & 0xf0) == 0xe0;
	if (a->family == AF_INET6)
		return a->raw[0] == 0xff;
	return false;
}

bool addr_is_linklocal_mcast(const struct ivgmp_addr *a)
{
	if (a->family == AF_INET)
		return a->raw[0] == 224 && a->raw[1] == 0 && a->raw[2] == 0;
	if (a->family == AF_INET6)
		return a->raw[0] == 0xff && (a->raw[1] & 0x0f) == 0x02;
	return false;
}

bool addr_is_unicast(const struct ivgmp_addr *a)
{
	static const uint8_t zero[16];
	size_t len = addr_len(a->family);

	if (!len || addr_is_multicast(a))
		return false;
	if (a->family == AF_INET && a->v4.s_addr == htonl(INADDR_BROADCAST))
		return false;
	return memcmp(a->raw, zero, len) != 0;
}

bool addr_equal(const struct ivgmp_addr *a, const struct ivgmp_addr *b)
{
	if (a->family != b->family)
		return false;
	return memcmp(a->raw, b->raw, addr_len(a->family)) == 0;
}

bool prefix_contains(const struct ivgmp_prefix *p, const struct ivgmp_addr *a)
{
	unsigned int full, rest;

	if (p->addr.family != a->family || !addr_len(a->family) ||
	    p->plen > addr_len(a->family) * 8)
		return false;
	full = p->plen / 8;
	rest = p->plen % 8;
	if (memcmp(p->addr.raw, a->raw, full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((p->addr.raw[full] ^ a->raw[full]) & mask)
			return false;
	}
	return true;
}

unsigned int addr_ifindex(const char *name)
{
	char ifname[IF_NAMESIZE];
	unsigned long idx;
	unsigned int ifindex;
	char *end;

	if (!name || !*name || strlen(name) >= IF_NAMESIZE)
		return 0;
	ifindex = if_nametoindex(name);
	if (ifindex)
		return ifindex;
	if (name[0] < '0' || name[0] > '9')
		return 0;
	errno = 0;
	idx = strtoul(name, &end, 10);
	if (errno || *end || idx == 0 || idx > UINT_MAX)
		return 0;
	/* Only an index that exists now, as for a name. */
	if (!if_indextoname((unsigned int)idx, ifname))
		return 0;
	return (unsigned int)idx;
}

const char *addr_ifname(unsigned int ifindex, char *buf, size_t len)
{
	char name[IF_NAMESIZE];

	if (if_indextoname(ifindex, name))
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "if%u", ifindex);
	return buf;
}
