// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Announcement message codec (announce.h has the format). */
#include <errno.h>
#include <string.h>

#include "announce.h"

static const uint8_t magic[4] = { 'I', 'V', 'G', 'A' };

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static const char *check(const struct announce *a)
{
	int fam = a->group.family;
	unsigned int i;

	if (a->role != ANNOUNCE_SENDER && a->role != ANNOUNCE_RECEIVER)
		return "unknown role";
	if (fam != AF_INET && fam != AF_INET6)
		return "unknown address family";
	if (!addr_is_multicast(&a->group))
		return "group is not a multicast address";
	if (addr_is_linklocal_mcast(&a->group))
		return "link-local groups are never forwarded";
	if (a->lifetime > ANNOUNCE_MAX_LIFETIME)
		return "lifetime too long";
	if (a->nsrc > ANNOUNCE_MAX_SOURCES)
		return "too many sources";
	if (a->nsrc && a->role != ANNOUNCE_RECEIVER)
		return "only a receiver names sources";
	for (i = 0; i < a->nsrc; i++) {
		if (a->src[i].family != fam)
			return "source and group families differ";
		if (!addr_is_unicast(&a->src[i]))
			return "source is not a unicast address";
	}
	return NULL;
}

int announce_encode(const struct announce *a, void *buf, size_t size)
{
	size_t len = ANNOUNCE_BASE_LEN + 16 * (size_t)a->nsrc;
	uint8_t *p = buf;
	unsigned int i;

	if (check(a))
		return -EINVAL;
	if (size < len)
		return -EMSGSIZE;
	memset(p, 0, len);
	memcpy(p, magic, 4);
	p[4] = ANNOUNCE_VERSION;
	p[5] = ANNOUNCE_T_ANNOUNCE;
	p[6] = a->role;
	p[7] = a->group.family == AF_INET ? 4 : 6;
	put32(p + 8, a->nonce);
	put32(p + 12, a->lifetime);
	put32(p + 16, a->vpn);
	p[20] = a->nsrc;
	memcpy(p + 24, a->group.raw, addr_len(a->group.family));
	for (i = 0; i < a->nsrc; i++)
		memcpy(p + 40 + 16 * i, a->src[i].raw,
		       addr_len(a->src[i].family));
	return (int)len;
}

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int get_addr(struct ivgmp_addr *a, int fam, const uint8_t *p)
{
	size_t n = addr_len(fam);

	/* the unused tail of an IPv4 slot must be zero */
	if (!zero(p + n, 16 - n))
		return -EINVAL;
	return addr_from_raw(a, p, n);
}

int announce_decode(const void *buf, size_t len, struct announce *a,
		    const char **why)
{
	const uint8_t *p = buf;
	const char *err = NULL;
	int fam;
	unsigned int i;

	memset(a, 0, sizeof(*a));
	if (len < ANNOUNCE_BASE_LEN) {
		err = "truncated";
		goto bad;
	}
	if (memcmp(p, magic, 4)) {
		err = "bad magic";
		goto bad;
	}
	if (p[4] != ANNOUNCE_VERSION) {
		err = "unsupported version";
		goto bad;
	}
	if (p[5] != ANNOUNCE_T_ANNOUNCE) {
		err = "not an announcement";
		goto bad;
	}
	if (p[7] != 4 && p[7] != 6) {
		err = "unknown address family";
		goto bad;
	}
	fam = p[7] == 4 ? AF_INET : AF_INET6;
	a->role = p[6];
	a->nonce = get32(p + 8);
	a->lifetime = get32(p + 12);
	a->vpn = get32(p + 16);
	a->nsrc = p[20];
	if (!zero(p + 21, 3)) {
		err = "reserved bytes set";
		goto bad;
	}
	if (a->nsrc > ANNOUNCE_MAX_SOURCES) {
		err = "too many sources";
		goto bad;
	}
	if (len != ANNOUNCE_BASE_LEN + 16 * (size_t)a->nsrc) {
		err = "length does not match the source count";
		goto bad;
	}
	if (get_addr(&a->group, fam, p + 24)) {
		err = "malformed group address";
		goto bad;
	}
	for (i = 0; i < a->nsrc; i++) {
		if (get_addr(&a->src[i], fam, p + 40 + 16 * i)) {
			err = "malformed source address";
			goto bad;
		}
	}
	err = check(a);
	if (!err)
		return 0;
bad:
	if (why)
		*why = err;
	return -EINVAL;
}

int announce_reply_encode(uint32_t nonce, uint8_t status, void *buf,
			  size_t size)
{
	uint8_t *p = buf;

	if (size < ANNOUNCE_HDR_LEN)
		return -EMSGSIZE;
	memcpy(p, magic, 4);
	p[4] = ANNOUNCE_VERSION;
	p[5] = ANNOUNCE_T_REPLY;
	p[6] = status;
	p[7] = 0;
	put32(p + 8, nonce);
	return ANNOUNCE_HDR_LEN;
}

int announce_reply_decode(const void *buf, size_t len, uint32_t *nonce,
			  uint8_t *status)
{
	const uint8_t *p = buf;

	if (len != ANNOUNCE_HDR_LEN || memcmp(p, magic, 4) ||
	    p[4] != ANNOUNCE_VERSION || p[5] != ANNOUNCE_T_REPLY || p[7])
		return -EINVAL;
	*status = p[6];
	*nonce = get32(p + 8);
	return 0;
}

const char *announce_status_str(uint8_t status)
{
	switch (status) {
	case ANNOUNCE_OK:
		return "accepted";
	case ANNOUNCE_MALFORMED:
		return "malformed";
	case ANNOUNCE_REFUSED:
		return "refused";
	default:
		return "unknown status";
	}
}
