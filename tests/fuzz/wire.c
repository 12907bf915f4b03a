// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the receive checks of kmod/wire.c, compiled in
 * userspace against tests/fuzz/kshim/: the IVGMP header decode and the
 * inner packet checks, through both entry points (the pure function and the
 * sk_buff wrapper). Beyond "no crash, no out-of-bounds read", every packet
 * the checks accept is checked again here against the rules of
 * Documentation/wire-format.md, written out independently, so a check that
 * lets a forbidden packet through (as 0.0.0.0/8 sources once did) aborts.
 *
 * Input: byte 0 picks the family argument and byte 1 how much of the inner
 * header is linear; the rest is an IVGMP datagram (header + inner packet).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define must(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "wire: %s:%d: %s\n", __FILE__, __LINE__, #c); \
		abort();						\
	}								\
} while (0)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* wire-format.md, "the receiver checks", IPv4. */
static void doc_rules4(const uint8_t *p, size_t len, const struct ivgmp_inner *in)
{
	unsigned int ihl = (p[0] & 0x0f) * 4, i;
	uint32_t src = be32(p + 12), dst = be32(p + 16), sum = 0;

	must(len >= 20 && ihl >= 20 && ihl <= len);
	must(((unsigned int)p[2] << 8 | p[3]) == len);
	for (i = 0; i < ihl; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	must(sum == 0xffff);
	must((dst >> 28) == 0xe && (dst >> 8) != 0xe00000);
	must((src >> 24) != 0);			/* 0.0.0.0/8 */
	must((src >> 28) != 0xe && src != 0xffffffff);
	must(in->family == AF_INET && in->len == len && in->ttl == p[8]);
	must(ntohl(in->group.v4) == dst && ntohl(in->source.v4) == src);
}

/* The same, IPv6. */
static void doc_rules6(const uint8_t *p, size_t len, const struct ivgmp_inner *in)
{
	static const uint8_t any[16];
	unsigned int plen;

	must(len >= 40);
	plen = (unsigned int)p[4] << 8 | p[5];
	must(plen != 0 && plen + 40 == len);
	must(p[24] == 0xff && (p[25] & 0x0f) > 2);
	must(p[8] != 0xff && memcmp(p + 8, any, 16));
	must(in->family == AF_INET6 && in->len == len && in->ttl == p[7]);
	must(!memcmp(&in->group.v6, p + 24, 16) &&
	     !memcmp(&in->source.v6, p + 8, 16));
}

static void inner(const uint8_t *p, size_t len, uint8_t fsel, uint8_t hsel)
{
	static const uint8_t families[] = { 0, AF_INET, AF_INET6, AF_UNIX };
	uint8_t family = families[fsel & 3];
	struct ivgmp_inner in, in2;
	enum ivgmp_drop d, d2;
	struct sk_buff skb;
	unsigned int hlen;
	uint8_t *copy;

	/* The pure check, with any linear length up to the packet. */
	hlen = len ? hsel % (len + 1) : 0;
	memset(&in, 0xa5, sizeof(in));
	d = ivgmp_inner_check(p, hlen, len, family, &in);
	must(d == IVGMP_DROP_UNSPEC || d == IVGMP_DROP_BAD_INNER);
	if (d == IVGMP_DROP_UNSPEC) {
		if (p[0] >> 4 == 4)
			doc_rules4(p, len, &in);
		else
			doc_rules6(p, len, &in);
		must(!family || family == in.family);
	}

	/*
	 * The sk_buff wrapper pulls what the pure check reads; on a linear
	 * buffer it must agree with the pure check given the whole packet.
	 * An exact-size heap copy lets ASan see any read past the end.
	 */
	copy = malloc(len + 1);
	must(copy);
	memcpy(copy, p, len);
	skb.data = copy;
	skb.len = (unsigned int)len;
	d2 = ivgmp_inner_pull(&skb, 0, family, &in2);
	d = ivgmp_inner_check(copy, (unsigned int)len, (unsigned int)len,
			      family, &in);
	must(d == d2);
	if (d == IVGMP_DROP_UNSPEC)
		must(!memcmp(&in, &in2, sizeof(in)));
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ivgmp_wire w;
	struct ivgmp_hdr h;
	enum ivgmp_drop d;
	uint8_t *copy;

	if (size < 2)
		return 0;
	copy = malloc(size - 2 + 1);
	must(copy);
	memcpy(copy, data + 2, size - 2);
	d = ivgmp_wire_decode(copy, (unsigned int)(size - 2), &w);
	if (d == IVGMP_DROP_UNSPEC) {
		/* Valid headers are exactly the ones encode produces. */
		ivgmp_wire_encode(&h, w.hops, w.vpn, w.origin);
		must(!memcmp(&h, copy, IVGMP_HDR_LEN));
		must(w.hops && w.origin);
		inner(copy + IVGMP_HDR_LEN, size - 2 - IVGMP_HDR_LEN,
		      data[0], data[1]);
	} else {
		must(d == IVGMP_DROP_TRUNCATED || d == IVGMP_DROP_BAD_VERSION ||
		     d == IVGMP_DROP_BAD_FLAGS || d == IVGMP_DROP_HOPS ||
		     d == IVGMP_DROP_UNKNOWN_SITE);
		/* Also feed the bytes as a bare inner packet. */
		inner(copy, size - 2, data[0], data[1]);
	}
	free(copy);
	return 0;
}
