// SPDX-License-Identifier: GPL-2.0
/* IGMP and MLD parsing: every message type and every malformed variant. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "pkt.h"
#include "proto.h"

static struct pkt P;
static struct mc_msg M;

#define assert_addr(a, b) do { \
	struct in6_addr _b = (b); \
	assert_memory_equal(&(a), &_b, sizeof(_b)); \
} while (0)

static int parse(void)
{
	return mc_parse(P.b, P.len, &M);
}

/* ---------------------------------------------------------------- IGMP */

static void igmp_simple(uint8_t type, uint8_t code, const char *group,
			const char *dst)
{
	uint8_t *g = ip4_start(&P, "10.0.0.5", dst);

	g[0] = type;
	g[1] = code;
	put_v4(g + 4, group);
	ip4_finish(&P, 8);
}

static void t_igmp_v1_query(void **s)
{
	igmp_simple(0x11, 0, "0.0.0.0", "224.0.0.1");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.family, AF_INET);
	assert_int_equal(M.type, MC_QUERY);
	assert_int_equal(M.version, 1);
	assert_int_equal(M.max_resp_ms, 0);
	assert_true(mc_addr_is_any(&M.group));
	assert_addr(M.saddr, v4("10.0.0.5"));
}

static void t_igmp_v2_general_query(void **s)
{
	igmp_simple(0x11, 100, "0.0.0.0", "224.0.0.1");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.version, 2);
	assert_int_equal(M.max_resp_ms, 10000);
	assert_true(mc_addr_is_any(&M.group));
}

static void t_igmp_v2_group_query(void **s)
{
	igmp_simple(0x11, 10, "239.1.1.1", "239.1.1.1");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.version, 2);
	assert_int_equal(M.max_resp_ms, 1000);
	assert_addr(M.group, v4("239.1.1.1"));
}

static void t_igmp_v1_report(void **s)
{
	igmp_simple(0x12, 0, "239.1.1.1", "239.1.1.1");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.type, MC_REPORT);
	assert_int_equal(M.version, 1);
	assert_addr(M.group, v4("239.1.1.1"));
}

static void t_igmp_v2_report(void **s)
{
	igmp_simple(0x16, 0, "239.2.2.2", "239.2.2.2");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.type, MC_REPORT);
	assert_int_equal(M.version, 2);
	assert_addr(M.group, v4("239.2.2.2"));
}

static void t_igmp_v2_leave(void **s)
{
	igmp_simple(0x17, 0, "239.2.2.2", "224.0.0.2");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.type, MC_LEAVE);
	assert_int_equal(M.version, 2);
	assert_addr(M.group, v4("239.2.2.2"));
}

static size_t igmp_v3_query(const char *group, uint8_t mrc, uint8_t flags,
			    uint8_t qqic, int nsrc)
{
	uint8_t *g = ip4_start(&P, "10.0.0.1", "224.0.0.1");
	int i;

	g[0] = 0x11;
	g[1] = mrc;
	put_v4(g + 4, group);
	g[8] = flags;
	g[9] = qqic;
	put16(g + 10, (uint16_t)nsrc);
	for (i = 0; i < nsrc; i++) {
		g[12 + 4 * i] = 10;
		g[13 + 4 * i] = 9;
		g[14 + 4 * i] = (uint8_t)(i >> 8);
		g[15 + 4 * i] = (uint8_t)i;
	}
	return 12 + 4 * (size_t)nsrc;
}

static void t_igmp_v3_general_query(void **s)
{
	ip4_finish(&P, igmp_v3_query("0.0.0.0", 0x8f, 0x0a, 125, 0));
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.type, MC_QUERY);
	assert_int_equal(M.version, 3);
	/* 0x8f: exp 0, mant 15 -> (15|16) << 3 = 248 tenths */
	assert_int_equal(M.max_resp_ms, 24800);
	assert_true(M.s_flag);
	assert_int_equal(M.qrv, 2);
	assert_int_equal(M.qqi_s, 125);
	assert_int_equal(M.nsrc, 0);
}

static void t_igmp_v3_source_query(void **s)
{
	ip4_finish(&P, igmp_v3_query("232.1.1.1", 10, 2, 125, 3));
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.version, 3);
	assert_false(M.s_flag);
	assert_int_equal(M.nsrc, 3);
	assert_addr(M.group, v4("232.1.1.1"));
	assert_addr(M.src[2], v4("10.9.0.2"));
}

static void t_igmp_v3_query_bad_length(void **s)
{
	igmp_v3_query("0.0.0.0", 10, 2, 125, 0);
	ip4_finish(&P, 10);	/* neither 8 nor >= 12 */
	assert_int_equal(parse(), -MC_ELEN);
}

static void t_igmp_v3_query_nsrc_exceeds(void **s)
{
	igmp_v3_query("232.1.1.1", 10, 2, 125, 3);
	ip4_finish(&P, 12 + 4 * 2);	/* says 3, carries 2 */
	assert_int_equal(parse(), -MC_ERECS);
}

static void t_igmp_v3_query_too_many_sources(void **s)
{
	ip4_finish(&P, igmp_v3_query("232.1.1.1", 10, 2, 125,
				     MC_MAX_SOURCES + 1));
	assert_int_equal(parse(), -MC_E2BIG);
}

static void t_igmp_v3_query_sources_no_group(void **s)
{
	ip4_finish(&P, igmp_v3_query("0.0.0.0", 10, 2, 125, 1));
	assert_int_equal(parse(), -MC_ENOTMCAST);
}

static void t_igmp_query_unicast_group(void **s)
{
	igmp_simple(0x11, 10, "10.1.1.1", "224.0.0.1");
	assert_int_equal(parse(), -MC_ENOTMCAST);
}

struct rec {
	uint8_t type;
	const char *group;
	int nsrc;
	uint8_t aux;	/* words */
};

static size_t igmp_v3_report(const struct rec *r, int nrec)
{
	uint8_t *g = ip4_start(&P, "10.0.0.7", "224.0.0.22");
	size_t off = 8;
	int i, j;

	g[0] = 0x22;
	put16(g + 6, (uint16_t)nrec);
	for (i = 0; i < nrec; i++) {
		g[off] = r[i].type;
		g[off + 1] = r[i].aux;
		put16(g + off + 2, (uint16_t)r[i].nsrc);
		put_v4(g + off + 4, r[i].group);
		for (j = 0; j < r[i].nsrc; j++) {
			g[off + 8 + 4 * j] = 10;
			g[off + 9 + 4 * j] = 2;
			g[off + 10 + 4 * j] = (uint8_t)i;
			g[off + 11 + 4 * j] = (uint8_t)(j + 1);
		}
		off += 8 + 4 * (size_t)r[i].nsrc + 4 * (size_t)r[i].aux;
	}
	return off;
}

static void t_igmp_v3_report_all_types(void **s)
{
	static const struct rec r[] = {
		{ 1, "232.1.1.1", 2, 0 }, { 2, "239.1.1.1", 0, 0 },
		{ 3, "232.1.1.2", 1, 1 }, { 4, "239.1.1.2", 1, 0 },
		{ 5, "232.1.1.3", 3, 0 }, { 6, "232.1.1.4", 1, 2 },
	};
	int i;

	ip4_finish(&P, igmp_v3_report(r, 6));
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.type, MC_REPORT_V3);
	assert_int_equal(M.version, 3);
	assert_int_equal(M.nrec, 6);
	assert_int_equal(M.nsrc, 8);
	for (i = 0; i < 6; i++) {
		assert_int_equal(M.rec[i].type, r[i].type);
		assert_int_equal(M.rec[i].nsrc, r[i].nsrc);
		assert_addr(M.rec[i].group, v4(r[i].group));
	}
	assert_addr(M.rec[4].src[2], v4("10.2.4.3"));
	assert_addr(M.rec[5].src[0], v4("10.2.5.1"));
}

static void t_igmp_v3_report_unknown_record(void **s)
{
	static const struct rec r[] = {
		{ 9, "232.1.1.1", 1, 0 }, { 1, "232.1.1.2", 1, 0 },
	};

	ip4_finish(&P, igmp_v3_report(r, 2));
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.nrec, 1);
	assert_int_equal(M.skipped_records, 1);
	assert_addr(M.rec[0].group, v4("232.1.1.2"));
	assert_addr(M.rec[0].src[0], v4("10.2.1.1"));
}

static void t_igmp_v3_report_nrec_exceeds(void **s)
{
	static const struct rec r[] = { { 1, "232.1.1.1", 1, 0 } };
	size_t len = igmp_v3_report(r, 1);

	put16(P.b + P.l4 + 6, 2);
	ip4_finish(&P, len);
	assert_int_equal(parse(), -MC_ERECS);
}

static void t_igmp_v3_report_huge_nrec(void **s)
{
	static const struct rec r[] = { { 1, "232.1.1.1", 1, 0 } };
	size_t len = igmp_v3_report(r, 1);

	put16(P.b + P.l4 + 6, 0xffff);
	ip4_finish(&P, len);
	assert_int_equal(parse(), -MC_ERECS);
}

static void t_igmp_v3_report_nsrc_exceeds(void **s)
{
	static const struct rec r[] = { { 1, "232.1.1.1", 2, 0 } };
	size_t len = igmp_v3_report(r, 1);

	put16(P.b + P.l4 + 8 + 2, 3);
	ip4_finish(&P, len);
	assert_int_equal(parse(), -MC_ERECS);
}

static void t_igmp_v3_report_aux_exceeds(void **s)
{
	static const struct rec r[] = { { 1, "232.1.1.1", 2, 0 } };
	size_t len = igmp_v3_report(r, 1);

	P.b[P.l4 + 8 + 1] = 1;
	ip4_finish(&P, len);
	assert_int_equal(parse(), -MC_ERECS);
}

static void t_igmp_v3_report_too_many_sources(void **s)
{
	static const struct rec r[] = {
		{ 1, "232.1.1.1", MC_MAX_SOURCES / 2, 0 },
		{ 1, "232.1.1.2", MC_MAX_SOURCES / 2 + 1, 0 },
	};

	ip4_finish(&P, igmp_v3_report(r, 2));
	assert_int_equal(parse(), -MC_E2BIG);
}

static void t_igmp_v3_report_too_many_records(void **s)
{
	static struct rec r[MC_MAX_RECORDS + 1];
	int i;

	for (i = 0; i <= MC_MAX_RECORDS; i++)
		r[i] = (struct rec){ 2, "239.9.9.9", 0, 0 };
	ip4_finish(&P, igmp_v3_report(r, MC_MAX_RECORDS + 1));
	assert_int_equal(parse(), -MC_E2BIG);
}

static void t_igmp_v3_report_unicast_group(void **s)
{
	static const struct rec r[] = {
		{ 1, "232.1.1.1", 1, 0 }, { 2, "192.168.1.1", 0, 0 },
	};

	ip4_finish(&P, igmp_v3_report(r, 2));
	assert_int_equal(parse(), -MC_ENOTMCAST);
}

static void t_igmp_report_unicast_group(void **s)
{
	igmp_simple(0x16, 0, "10.0.0.1", "10.0.0.1");
	assert_int_equal(parse(), -MC_ENOTMCAST);
}

static void t_igmp_leave_unicast_group(void **s)
{
	igmp_simple(0x17, 0, "0.0.0.0", "224.0.0.2");
	assert_int_equal(parse(), -MC_ENOTMCAST);
}

static void t_igmp_bad_checksum(void **s)
{
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	P.b[P.l4 + 7] ^= 1;
	ip4_recsum(&P);
	assert_int_equal(parse(), -MC_ECSUM);
}

static void t_igmp_v3_report_bad_checksum(void **s)
{
	static const struct rec r[] = { { 1, "232.1.1.1", 2, 0 } };

	ip4_finish(&P, igmp_v3_report(r, 1));
	P.b[P.len - 1] ^= 0x40;
	assert_int_equal(parse(), -MC_ECSUM);
}

static void t_igmp_truncated_message(void **s)
{
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	ip4_finish(&P, 6);
	assert_int_equal(parse(), -MC_ETRUNC);
}

static void t_igmp_truncated_capture(void **s)
{
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	assert_int_equal(mc_parse(P.b, P.len - 1, &M), -MC_ETRUNC);
	assert_int_equal(mc_parse(P.b, 12, &M), -MC_ETRUNC);
	assert_int_equal(mc_parse(P.b, 0, &M), -MC_ETRUNC);
}

static void t_igmp_ethernet_padding(void **s)
{
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	/* Minimum Ethernet frames pad the datagram; padding is not IGMP. */
	assert_int_equal(mc_parse(P.b, P.len + 14, &M), MC_OK);
}

static void t_igmp_bad_ip_header(void **s)
{
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	P.b[0] = 0x44;		/* IHL 4 */
	assert_int_equal(parse(), -MC_EIPHDR);
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	P.b[12] ^= 1;		/* header checksum no longer matches */
	assert_int_equal(parse(), -MC_EIPHDR);
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	put16(P.b + 2, 20);	/* total length below the header */
	ip4_recsum(&P);
	assert_int_equal(parse(), -MC_EIPHDR);
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	P.b[0] = 0x56;
	assert_int_equal(parse(), -MC_EIPHDR);
}

static void t_igmp_fragment(void **s)
{
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	P.b[6] = 0x20;		/* more fragments */
	ip4_recsum(&P);
	assert_int_equal(parse(), -MC_EFRAG);
}

static void t_igmp_ttl_not_one(void **s)
{
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	P.b[8] = 2;
	ip4_recsum(&P);
	assert_int_equal(parse(), -MC_ETTL);
}

static void t_igmp_not_igmp(void **s)
{
	igmp_simple(0x16, 0, "239.1.1.1", "239.1.1.1");
	P.b[9] = 17;
	ip4_recsum(&P);
	assert_int_equal(parse(), -MC_EPROTO);
}

static void t_igmp_unknown_type(void **s)
{
	igmp_simple(0x13, 0, "239.1.1.1", "224.0.0.4");	/* DVMRP */
	assert_int_equal(parse(), -MC_ETYPE);
}

static void t_igmp_build_roundtrip(void **s)
{
	struct in6_addr g = v4("232.4.4.4"), src[2] = {
		v4("10.1.1.1"), v4("10.1.1.2") };
	struct mc_query_args q = {
		.version = 3, .group = &g, .max_resp_ms = 1000, .qrv = 2,
		.qqi_s = 125, .nsrc = 2, .src = src, .s_flag = true,
	};
	uint8_t *g4 = ip4_start(&P, "10.0.0.1", "232.4.4.4");
	int n = igmp_build_query(g4, 64, &q);

	assert_int_equal(n, 20);
	P.len = P.l4 + (size_t)n;
	put16(P.b + 2, (uint16_t)P.len);
	ip4_recsum(&P);
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.version, 3);
	assert_int_equal(M.max_resp_ms, 1000);
	assert_true(M.s_flag);
	assert_int_equal(M.qrv, 2);
	assert_int_equal(M.qqi_s, 125);
	assert_int_equal(M.nsrc, 2);
	assert_addr(M.src[1], v4("10.1.1.2"));
	assert_addr(M.group, v4("232.4.4.4"));

	q.version = 2;
	q.nsrc = 0;
	q.max_resp_ms = 10000;
	assert_int_equal(igmp_build_query(g4, 64, &q), 8);
	P.len = P.l4 + 8;
	put16(P.b + 2, (uint16_t)P.len);
	ip4_recsum(&P);
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.version, 2);
	assert_int_equal(M.max_resp_ms, 10000);

	assert_int_equal(igmp_build_query(g4, 10, &(struct mc_query_args){
		.version = 3 }), -1);
	assert_int_equal(igmp_build_query(g4, 64, &(struct mc_query_args){
		.version = 4 }), -1);
}

static void t_codes(void **s)
{
	uint32_t v;

	assert_int_equal(igmp_code_decode(127), 127);
	assert_int_equal(igmp_code_decode(0x80), 128);
	assert_int_equal(igmp_code_decode(0xff), 31744);
	assert_int_equal(mld_code_decode(32767), 32767);
	assert_int_equal(mld_code_decode(0xffff), 8387584);
	for (v = 0; v < 40000; v += 7) {
		uint32_t d = igmp_code_decode(igmp_code_encode(v));

		/* never more than asked, and within one mantissa step */
		assert_true(d <= v || v > 31744);
		if (v <= 31744)
			assert_true(v - d < (v >> 4) + 1);
	}
	for (v = 0; v < 9000000; v += 997) {
		uint32_t d = mld_code_decode(mld_code_encode(v));

		if (v <= 8387584) {
			assert_true(d <= v);
			assert_true(v - d < (v >> 12) + 1);
		}
	}
}

/* ----------------------------------------------------------------- MLD */

#define LL	"fe80::1"
#define LL2	"fe80::2"

static void mld_simple(uint8_t type, uint16_t mrd, const char *group,
		       const char *src, const char *dst)
{
	uint8_t *m = ip6_start(&P, src, dst);

	m[0] = type;
	put16(m + 4, mrd);
	put_v6(m + 8, group);
	ip6_finish(&P, 24);
}

static void t_mld_v1_general_query(void **s)
{
	mld_simple(130, 10000, "::", LL, "ff02::1");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.family, AF_INET6);
	assert_int_equal(M.type, MC_QUERY);
	assert_int_equal(M.version, 1);
	assert_int_equal(M.max_resp_ms, 10000);
	assert_true(mc_addr_is_any(&M.group));
	assert_addr(M.saddr, v6(LL));
}

static void t_mld_v1_group_query(void **s)
{
	mld_simple(130, 1000, "ff3e::8000:1", LL, "ff3e::8000:1");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.version, 1);
	assert_addr(M.group, v6("ff3e::8000:1"));
}

static void t_mld_v1_report(void **s)
{
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.type, MC_REPORT);
	assert_int_equal(M.version, 1);
	assert_addr(M.group, v6("ff0e::1:2"));
}

static void t_mld_v1_done(void **s)
{
	mld_simple(132, 0, "ff0e::1:2", LL2, "ff02::2");
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.type, MC_LEAVE);
	assert_int_equal(M.version, 1);
	assert_addr(M.group, v6("ff0e::1:2"));
}

static size_t mld_v2_query(const char *group, uint16_t mrc, uint8_t flags,
			   int nsrc)
{
	uint8_t *m = ip6_start(&P, LL, "ff02::1");
	int i;

	m[0] = 130;
	put16(m + 4, mrc);
	put_v6(m + 8, group);
	m[24] = flags;
	m[25] = 125;
	put16(m + 26, (uint16_t)nsrc);
	for (i = 0; i < nsrc; i++) {
		put_v6(m + 28 + 16 * i, "2001:db8::");
		m[28 + 16 * i + 14] = (uint8_t)(i >> 8);
		m[28 + 16 * i + 15] = (uint8_t)i;
	}
	return 28 + 16 * (size_t)nsrc;
}

static void t_mld_v2_general_query(void **s)
{
	ip6_finish(&P, mld_v2_query("::", 0x8001, 0x0a, 0));
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.version, 2);
	assert_int_equal(M.max_resp_ms, (0x1001u) << 3);
	assert_true(M.s_flag);
	assert_int_equal(M.qrv, 2);
	assert_int_equal(M.qqi_s, 125);
}

static void t_mld_v2_source_query(void **s)
{
	ip6_finish(&P, mld_v2_query("ff3e::1", 1000, 2, 2));
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.version, 2);
	assert_int_equal(M.nsrc, 2);
	assert_addr(M.src[1], v6("2001:db8::1"));
}

static void t_mld_v2_query_bad_length(void **s)
{
	mld_v2_query("::", 1000, 2, 0);
	ip6_finish(&P, 26);
	assert_int_equal(parse(), -MC_ELEN);
}

static void t_mld_v2_query_nsrc_exceeds(void **s)
{
	mld_v2_query("ff3e::1", 1000, 2, 2);
	ip6_finish(&P, 28 + 16);
	assert_int_equal(parse(), -MC_ERECS);
}

static void t_mld_v2_query_too_many_sources(void **s)
{
	ip6_finish(&P, mld_v2_query("ff3e::1", 1000, 2, MC_MAX_SOURCES + 1));
	assert_int_equal(parse(), -MC_E2BIG);
}

static size_t mld_v2_report(const struct rec *r, int nrec, const char *src)
{
	uint8_t *m = ip6_start(&P, src, "ff02::16");
	size_t off = 8;
	int i, j;

	m[0] = 143;
	put16(m + 6, (uint16_t)nrec);
	for (i = 0; i < nrec; i++) {
		m[off] = r[i].type;
		m[off + 1] = r[i].aux;
		put16(m + off + 2, (uint16_t)r[i].nsrc);
		put_v6(m + off + 4, r[i].group);
		for (j = 0; j < r[i].nsrc; j++) {
			put_v6(m + off + 20 + 16 * j, "2001:db8:1::");
			m[off + 20 + 16 * j + 14] = (uint8_t)i;
			m[off + 20 + 16 * j + 15] = (uint8_t)(j + 1);
		}
		off += 20 + 16 * (size_t)r[i].nsrc + 4 * (size_t)r[i].aux;
	}
	return off;
}

static void t_mld_v2_report_all_types(void **s)
{
	static const struct rec r[] = {
		{ 1, "ff3e::1", 2, 0 }, { 2, "ff0e::1", 0, 0 },
		{ 3, "ff3e::2", 1, 1 }, { 4, "ff0e::2", 1, 0 },
		{ 5, "ff3e::3", 3, 0 }, { 6, "ff3e::4", 1, 2 },
	};
	int i;

	ip6_finish(&P, mld_v2_report(r, 6, LL2));
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.type, MC_REPORT_V3);
	assert_int_equal(M.version, 2);
	assert_int_equal(M.nrec, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(M.rec[i].type, r[i].type);
		assert_int_equal(M.rec[i].nsrc, r[i].nsrc);
		assert_addr(M.rec[i].group, v6(r[i].group));
	}
	assert_addr(M.rec[4].src[2], v6("2001:db8:1::403"));
}

static void t_mld_v2_report_unknown_record(void **s)
{
	static const struct rec r[] = {
		{ 7, "ff3e::1", 1, 0 }, { 2, "ff0e::1", 0, 0 },
	};

	ip6_finish(&P, mld_v2_report(r, 2, LL2));
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.nrec, 1);
	assert_int_equal(M.skipped_records, 1);
	assert_int_equal(M.rec[0].type, 2);
}

static void t_mld_v2_report_nrec_exceeds(void **s)
{
	static const struct rec r[] = { { 1, "ff3e::1", 1, 0 } };
	size_t len = mld_v2_report(r, 1, LL2);

	put16(P.b + P.l4 + 6, 2);
	ip6_finish(&P, len);
	assert_int_equal(parse(), -MC_ERECS);
}

static void t_mld_v2_report_nsrc_exceeds(void **s)
{
	static const struct rec r[] = { { 1, "ff3e::1", 1, 0 } };
	size_t len = mld_v2_report(r, 1, LL2);

	put16(P.b + P.l4 + 8 + 2, 2);
	ip6_finish(&P, len);
	assert_int_equal(parse(), -MC_ERECS);
}

static void t_mld_v2_report_too_many_sources(void **s)
{
	static const struct rec r[] = {
		{ 1, "ff3e::1", MC_MAX_SOURCES / 2 + 1, 0 },
		{ 5, "ff3e::2", MC_MAX_SOURCES / 2, 0 },
	};

	ip6_finish(&P, mld_v2_report(r, 2, LL2));
	assert_int_equal(parse(), -MC_E2BIG);
}

static void t_mld_v2_report_unicast_group(void **s)
{
	static const struct rec r[] = { { 1, "2001:db8::1", 1, 0 } };

	ip6_finish(&P, mld_v2_report(r, 1, LL2));
	assert_int_equal(parse(), -MC_ENOTMCAST);
}

static void t_mld_v1_report_unicast_group(void **s)
{
	mld_simple(131, 0, "2001:db8::1", LL2, "ff02::2");
	assert_int_equal(parse(), -MC_ENOTMCAST);
}

static void t_mld_bad_checksum(void **s)
{
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	P.b[P.len - 1] ^= 1;
	assert_int_equal(parse(), -MC_ECSUM);
}

static void t_mld_bad_pseudo_header(void **s)
{
	/* Message intact, but the checksum covers another destination. */
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	P.b[39] ^= 3;
	assert_int_equal(parse(), -MC_ECSUM);
}

static void t_mld_not_link_local(void **s)
{
	mld_simple(130, 1000, "::", "2001:db8::1", "ff02::1");
	assert_int_equal(parse(), -MC_ESRC);
}

static void t_mld_unspecified_source_report(void **s)
{
	static const struct rec r[] = { { 4, "ff0e::1", 0, 0 } };

	ip6_finish(&P, mld_v2_report(r, 1, "::"));
	assert_int_equal(parse(), -MC_ESRC);
}

static void t_mld_hop_limit(void **s)
{
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	P.b[7] = 255;
	assert_int_equal(parse(), -MC_ETTL);
}

static void t_mld_truncated(void **s)
{
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	assert_int_equal(mc_parse(P.b, P.len - 1, &M), -MC_ETRUNC);
	assert_int_equal(mc_parse(P.b, 39, &M), -MC_ETRUNC);
	/* payload length says the message is 20 bytes: shorter than MLD */
	put16(P.b + 4, 8 + 20);
	assert_int_equal(parse(), -MC_ETRUNC);
	/* hop-by-hop header length running past the payload */
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	P.b[41] = 10;
	assert_int_equal(parse(), -MC_ETRUNC);
}

static void t_mld_fragment(void **s)
{
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	P.b[40] = 44;
	assert_int_equal(parse(), -MC_EFRAG);
}

static void t_mld_bad_ext_header(void **s)
{
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	P.b[40] = 43;		/* routing header: not allowed on MLD */
	assert_int_equal(parse(), -MC_EPROTO);
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	P.b[6] = 17;		/* UDP */
	assert_int_equal(parse(), -MC_EPROTO);
	mld_simple(131, 0, "ff0e::1:2", LL2, "ff0e::1:2");
	put16(P.b + 4, 0);	/* jumbogram */
	assert_int_equal(parse(), -MC_EIPHDR);
}

static void t_mld_dstopts_and_no_hbh(void **s)
{
	uint8_t *m = ip6_start(&P, LL2, "ff0e::1:2");

	P.b[6] = 60;		/* destination options, not hop-by-hop */
	m[0] = 131;
	put_v6(m + 8, "ff0e::1:2");
	ip6_finish(&P, 24);
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.type, MC_REPORT);
}

static void t_mld_unknown_type(void **s)
{
	mld_simple(128, 0, "::", LL2, "ff02::1");	/* echo request */
	assert_int_equal(parse(), -MC_ETYPE);
}

static void t_mld_build_roundtrip(void **s)
{
	struct in6_addr g = v6("ff3e::42"), src[1] = { v6("2001:db8::7") };
	struct in6_addr sa = v6(LL), da = v6("ff3e::42");
	struct mc_query_args q = {
		.version = 2, .group = &g, .max_resp_ms = 10000, .qrv = 2,
		.qqi_s = 125, .nsrc = 1, .src = src,
	};
	uint8_t *m = ip6_start(&P, LL, "ff3e::42");
	int n = mld_build_query(m, 128, &q, &sa, &da);

	assert_int_equal(n, 44);
	P.len = P.l4 + (size_t)n;
	put16(P.b + 4, (uint16_t)(P.len - 40));
	assert_int_equal(parse(), MC_OK);
	assert_int_equal(M.version, 2);
	assert_int_equal(M.max_resp_ms, 10000);
	assert_int_equal(M.nsrc, 1);
	assert_addr(M.src[0], v6("2001:db8::7"));
	assert_int_equal(mld_build_query(m, 20, &q, &sa, &da), -1);
}

static void t_addr_helpers(void **s)
{
	struct in6_addr a = v4("224.0.0.251"), b = v6("ff02::fb");
	char buf[64];

	assert_true(mc_addr_is_linklocal_group(&a));
	assert_true(mc_addr_is_linklocal_group(&b));
	a = v4("239.1.1.1");
	b = v6("ff05::1");
	assert_false(mc_addr_is_linklocal_group(&a));
	assert_false(mc_addr_is_linklocal_group(&b));
	assert_string_equal(mc_addr_str(&a, buf, sizeof(buf)), "239.1.1.1");
	assert_string_equal(mc_addr_str(&b, buf, sizeof(buf)), "ff05::1");
	assert_string_equal(mc_strerror(-MC_ECSUM), "bad checksum");
	assert_string_equal(mc_strerror(-999), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_igmp_v1_query),
		cmocka_unit_test(t_igmp_v2_general_query),
		cmocka_unit_test(t_igmp_v2_group_query),
		cmocka_unit_test(t_igmp_v1_report),
		cmocka_unit_test(t_igmp_v2_report),
		cmocka_unit_test(t_igmp_v2_leave),
		cmocka_unit_test(t_igmp_v3_general_query),
		cmocka_unit_test(t_igmp_v3_source_query),
		cmocka_unit_test(t_igmp_v3_query_bad_length),
		cmocka_unit_test(t_igmp_v3_query_nsrc_exceeds),
		cmocka_unit_test(t_igmp_v3_query_too_many_sources),
		cmocka_unit_test(t_igmp_v3_query_sources_no_group),
		cmocka_unit_test(t_igmp_query_unicast_group),
		cmocka_unit_test(t_igmp_v3_report_all_types),
		cmocka_unit_test(t_igmp_v3_report_unknown_record),
		cmocka_unit_test(t_igmp_v3_report_nrec_exceeds),
		cmocka_unit_test(t_igmp_v3_report_huge_nrec),
		cmocka_unit_test(t_igmp_v3_report_nsrc_exceeds),
		cmocka_unit_test(t_igmp_v3_report_aux_exceeds),
		cmocka_unit_test(t_igmp_v3_report_too_many_sources),
		cmocka_unit_test(t_igmp_v3_report_too_many_records),
		cmocka_unit_test(t_igmp_v3_report_unicast_group),
		cmocka_unit_test(t_igmp_report_unicast_group),
		cmocka_unit_test(t_igmp_leave_unicast_group),
		cmocka_unit_test(t_igmp_bad_checksum),
		cmocka_unit_test(t_igmp_v3_report_bad_checksum),
		cmocka_unit_test(t_igmp_truncated_message),
		cmocka_unit_test(t_igmp_truncated_capture),
		cmocka_unit_test(t_igmp_ethernet_padding),
		cmocka_unit_test(t_igmp_bad_ip_header),
		cmocka_unit_test(t_igmp_fragment),
		cmocka_unit_test(t_igmp_ttl_not_one),
		cmocka_unit_test(t_igmp_not_igmp),
		cmocka_unit_test(t_igmp_unknown_type),
		cmocka_unit_test(t_igmp_build_roundtrip),
		cmocka_unit_test(t_codes),
		cmocka_unit_test(t_mld_v1_general_query),
		cmocka_unit_test(t_mld_v1_group_query),
		cmocka_unit_test(t_mld_v1_report),
		cmocka_unit_test(t_mld_v1_done),
		cmocka_unit_test(t_mld_v2_general_query),
		cmocka_unit_test(t_mld_v2_source_query),
		cmocka_unit_test(t_mld_v2_query_bad_length),
		cmocka_unit_test(t_mld_v2_query_nsrc_exceeds),
		cmocka_unit_test(t_mld_v2_query_too_many_sources),
		cmocka_unit_test(t_mld_v2_report_all_types),
		cmocka_unit_test(t_mld_v2_report_unknown_record),
		cmocka_unit_test(t_mld_v2_report_nrec_exceeds),
		cmocka_unit_test(t_mld_v2_report_nsrc_exceeds),
		cmocka_unit_test(t_mld_v2_report_too_many_sources),
		cmocka_unit_test(t_mld_v2_report_unicast_group),
		cmocka_unit_test(t_mld_v1_report_unicast_group),
		cmocka_unit_test(t_mld_bad_checksum),
		cmocka_unit_test(t_mld_bad_pseudo_header),
		cmocka_unit_test(t_mld_not_link_local),
		cmocka_unit_test(t_mld_unspecified_source_report),
		cmocka_unit_test(t_mld_hop_limit),
		cmocka_unit_test(t_mld_truncated),
		cmocka_unit_test(t_mld_fragment),
		cmocka_unit_test(t_mld_bad_ext_header),
		cmocka_unit_test(t_mld_dstopts_and_no_hbh),
		cmocka_unit_test(t_mld_unknown_type),
		cmocka_unit_test(t_mld_build_roundtrip),
		cmocka_unit_test(t_addr_helpers),
	};

	return cmocka_run_group_tests_name("agent-proto", tests, NULL, NULL);
}
