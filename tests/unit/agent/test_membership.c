// SPDX-License-Identifier: GPL-2.0
/* The RFC 3376/3810 router state machine, driven by a fake clock. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "membership.h"
#include "pkt.h"

/* Every callback appends one line here; tests compare the lines. */
static char evlog[64][256];
static int nev;
static uint64_t now;
static struct mb_if MB;

static void logf_(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	va_list ap;

	assert_true(nev < 64);
	va_start(ap, fmt);
	vsnprintf(evlog[nev++], sizeof(evlog[0]), fmt, ap);
	va_end(ap);
}

static void fmt_list(char *buf, size_t size, uint16_t n,
		     const struct in6_addr *src)
{
	char a[64];
	size_t o = 0;
	uint16_t i;

	buf[0] = 0;
	if (!n) {
		snprintf(buf, size, "*");
		return;
	}
	for (i = 0; i < n; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? "," : "",
				      mc_addr_str(&src[i], a, sizeof(a)));
}

static void cb_join(void *ctx, const struct in6_addr *g, uint16_t n,
		    const struct in6_addr *src)
{
	char a[64], l[200];

	fmt_list(l, sizeof(l), n, src);
	logf_("%llu join %s %s", (unsigned long long)now,
	      mc_addr_str(g, a, sizeof(a)), l);
}

static void cb_sources(void *ctx, const struct in6_addr *g, uint16_t n,
		       const struct in6_addr *src)
{
	char a[64], l[200];

	fmt_list(l, sizeof(l), n, src);
	logf_("%llu sources %s %s", (unsigned long long)now,
	      mc_addr_str(g, a, sizeof(a)), l);
}

static void cb_leave(void *ctx, const struct in6_addr *g)
{
	char a[64];

	logf_("%llu leave %s", (unsigned long long)now,
	      mc_addr_str(g, a, sizeof(a)));
}

static void cb_query(void *ctx, const struct mc_query_args *q)
{
	char a[64] = "general", l[200];

	if (q->group)
		mc_addr_str(q->group, a, sizeof(a));
	fmt_list(l, sizeof(l), q->nsrc, q->src);
	logf_("%llu query v%u %s S=%d %s", (unsigned long long)now,
	      q->version, a, q->s_flag, q->nsrc ? l : "-");
}

static void cb_querier(void *ctx, bool is, const struct in6_addr *o)
{
	char a[64] = "-";

	if (o)
		mc_addr_str(o, a, sizeof(a));
	logf_("%llu querier %d %s", (unsigned long long)now, is, a);
}

static const struct mb_ops ops = {
	.join = cb_join, .sources = cb_sources, .leave = cb_leave,
	.send_query = cb_query, .querier = cb_querier,
};

/* Run the loop the daemon runs: tick at every deadline up to now + ms. */
static void advance(uint64_t ms)
{
	uint64_t end = now + ms, t;

	while ((t = mb_next_event(&MB)) && t <= end) {
		if (t > now)
			now = t;
		mb_tick(&MB, now);
	}
	now = end;
	mb_tick(&MB, now);
}

static void expect(const char *line)
{
	int i;

	for (i = 0; i < nev; i++)
		if (!strcmp(evlog[i], line)) {
			evlog[i][0] = '#';	/* consumed */
			return;
		}
	for (i = 0; i < nev; i++)
		fprintf(stderr, "#   event: %s\n", evlog[i]);
	fail_msg("missing event \"%s\"", line);
}

/* No event other than those already expected and those starting "#". */
static void expect_nothing_else(void)
{
	int i;

	for (i = 0; i < nev; i++)
		if (evlog[i][0] != '#')
			fail_msg("unexpected event \"%s\"", evlog[i]);
	nev = 0;
}

static void setup4(bool querier, uint8_t version)
{
	struct mb_config c;

	mb_config_defaults(&c, AF_INET);
	c.version = version;
	c.never_querier = !querier;
	c.addr = v4("10.0.0.1");
	nev = 0;
	now = 1000;
	assert_int_equal(mb_init(&MB, &c, &ops, NULL, now), 0);
	if (querier) {
		/* swallow the startup query */
		advance(0);
		expect("1000 query v3 general S=0 -");
		expect_nothing_else();
	}
}

static int teardown(void **s)
{
	mb_fini(&MB, false);
	return 0;
}

static struct mc_msg M;

static struct mb_group *G(const char *a)
{
	struct in6_addr x = v4(a);

	return mb_find(&MB, &x);
}

static int src_find_for_test(const struct mb_group *g, const char *a)
{
	struct in6_addr x = v4(a);
	int i;

	for (i = 0; i < g->nsrc; i++)
		if (!memcmp(&g->src[i].addr, &x, sizeof(x)))
			return i;
	return -1;
}

static void rx_report(uint8_t version, const char *g, const char *from)
{
	memset(&M, 0, sizeof(M));
	M.family = AF_INET;
	M.type = MC_REPORT;
	M.version = version;
	M.group = v4(g);
	M.saddr = v4(from);
	mb_input(&MB, now, &M);
}

static void rx_leave(const char *g)
{
	memset(&M, 0, sizeof(M));
	M.family = AF_INET;
	M.type = MC_LEAVE;
	M.version = 2;
	M.group = v4(g);
	M.saddr = v4("10.0.0.9");
	mb_input(&MB, now, &M);
}

/* One IGMPv3 record; srcs is a comma separated list or "". */
static void rx_v3(uint8_t type, const char *g, const char *srcs)
{
	char buf[256], *tok, *save = NULL;

	memset(&M, 0, sizeof(M));
	M.family = AF_INET;
	M.type = MC_REPORT_V3;
	M.version = 3;
	M.saddr = v4("10.0.0.9");
	M.nrec = 1;
	M.rec[0].type = type;
	M.rec[0].group = v4(g);
	M.rec[0].src = M.src;
	snprintf(buf, sizeof(buf), "%s", srcs);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		M.src[M.nsrc++] = v4(tok);
	M.rec[0].nsrc = M.nsrc;
	mb_input(&MB, now, &M);
}

static void rx_query(const char *from, const char *g, uint8_t version,
		     uint32_t mrt, uint8_t qrv, uint32_t qqi)
{
	memset(&M, 0, sizeof(M));
	M.family = AF_INET;
	M.type = MC_QUERY;
	M.version = version;
	M.saddr = v4(from);
	M.group = v4(g);
	M.max_resp_ms = mrt;
	M.qrv = qrv;
	M.qqi_s = qqi;
	mb_input(&MB, now, &M);
}

/* ------------------------------------------------------------ querier */

static void t_startup_queries(void **s)
{
	setup4(true, 3);
	/* QRV=2 startup queries, a quarter interval apart, then every QI */
	advance(125000 / 4);
	expect("32250 query v3 general S=0 -");
	expect_nothing_else();
	advance(125000 - 1);
	expect_nothing_else();
	advance(1);
	expect("157250 query v3 general S=0 -");
	expect_nothing_else();
	assert_int_equal(MB.stats.queries_out, 3);
}

static void t_election_lower_wins(void **s)
{
	setup4(true, 3);
	advance(5000);
	rx_query("10.0.0.0", "0.0.0.0", 3, 10000, 3, 60);
	expect("6000 querier 0 10.0.0.0");
	expect_nothing_else();
	assert_false(MB.querier);
	/* adopted the querier's QRV and QQI */
	assert_int_equal(MB.qrv, 3);
	assert_int_equal(MB.qi_ms, 60000);
	/* silent while the other querier is present ... */
	advance(mb_oqpi(&MB) - 1);
	expect_nothing_else();
	/* ... and back as querier once it is gone (OQPI = 3*60+5 s) */
	assert_int_equal(mb_oqpi(&MB), 185000);
	advance(1);
	expect("191000 querier 1 -");
	expect("191000 query v3 general S=0 -");
	expect_nothing_else();
	assert_true(MB.querier);
	assert_int_equal(MB.qrv, 2);
}

static void t_election_higher_loses(void **s)
{
	setup4(true, 3);
	rx_query("10.0.0.7", "0.0.0.0", 3, 10000, 2, 125);
	assert_true(MB.querier);
	rx_query("10.0.0.1", "0.0.0.0", 3, 10000, 2, 125);	/* our own */
	assert_true(MB.querier);
	assert_int_equal(MB.stats.ignored, 1);
	expect_nothing_else();
}

static void t_never_querier(void **s)
{
	setup4(false, 3);
	advance(600000);
	expect_nothing_else();
	assert_int_equal(MB.stats.queries_out, 0);
	rx_report(2, "239.1.1.1", "10.0.0.9");
	expect("601000 join 239.1.1.1 *");
	rx_leave("239.1.1.1");
	/* not querier: no query, the group waits for the querier's query */
	expect_nothing_else();
	advance(1000);
	/* the querier's group-specific query lowers our timer to LMQT */
	rx_query("10.0.0.2", "239.1.1.1", 2, 1000, 0, 0);
	assert_false(MB.querier);
	advance(2000 - 1);
	expect_nothing_else();
	advance(1);
	expect("604000 leave 239.1.1.1");
	expect_nothing_else();
}

/* ------------------------------------------------------- join / leave */

static void t_join_once(void **s)
{
	setup4(true, 3);
	rx_report(2, "239.1.1.1", "10.0.0.9");
	expect("1000 join 239.1.1.1 *");
	rx_report(2, "239.1.1.1", "10.0.0.10");
	expect_nothing_else();
	assert_non_null(G("239.1.1.1"));
	assert_int_equal(MB.ngroups, 1);
}

static void t_timeout(void **s)
{
	setup4(false, 3);
	rx_report(2, "239.1.1.1", "10.0.0.9");
	expect("1000 join 239.1.1.1 *");
	/* GMI = 2 * 125 + 10 s */
	assert_int_equal(mb_gmi(&MB), 260000);
	advance(260000 - 1);
	expect_nothing_else();
	advance(1);
	expect("261000 leave 239.1.1.1");
	expect_nothing_else();
	assert_int_equal(MB.ngroups, 0);
}

static void t_refresh(void **s)
{
	setup4(false, 3);
	rx_report(2, "239.1.1.1", "10.0.0.9");
	expect("1000 join 239.1.1.1 *");
	advance(200000);
	rx_report(2, "239.1.1.1", "10.0.0.9");
	advance(259000);
	expect_nothing_else();	/* past the first GMI, still joined */
	advance(1000);
	expect("461000 leave 239.1.1.1");
	expect_nothing_else();
}

static void t_leave_last_member_query(void **s)
{
	setup4(true, 3);
	rx_report(2, "239.1.1.1", "10.0.0.9");
	expect("1000 join 239.1.1.1 *");
	advance(5000);
	rx_leave("239.1.1.1");
	/* v2 compat: group-specific v2 queries, LMQC=2 at LMQI=1 s */
	expect("6000 query v2 239.1.1.1 S=0 -");
	advance(1000);
	expect("7000 query v2 239.1.1.1 S=0 -");
	expect_nothing_else();
	advance(999);
	expect_nothing_else();
	advance(1);
	expect("8000 leave 239.1.1.1");
	expect_nothing_else();
	assert_int_equal(MB.ngroups, 0);
}

static void t_leave_answered(void **s)
{
	setup4(true, 3);
	rx_report(2, "239.1.1.1", "10.0.0.9");
	rx_report(2, "239.1.1.1", "10.0.0.10");
	expect("1000 join 239.1.1.1 *");
	rx_leave("239.1.1.1");
	expect("1000 query v2 239.1.1.1 S=0 -");
	advance(500);
	/* another member answers the query: group stays */
	rx_report(2, "239.1.1.1", "10.0.0.10");
	advance(1500);
	expect("2000 query v2 239.1.1.1 S=1 -");
	advance(100000);
	expect("32250 query v3 general S=0 -");
	expect_nothing_else();
	assert_non_null(G("239.1.1.1"));
}

static void t_leave_unknown_group(void **s)
{
	setup4(true, 3);
	rx_leave("239.1.1.1");
	rx_v3(MC_BLOCK_OLD_SOURCES, "232.1.1.1", "10.1.1.1");
	rx_v3(MC_CHANGE_TO_INCLUDE, "232.1.1.1", "");
	expect_nothing_else();
	assert_int_equal(MB.ngroups, 0);
}

static void t_linklocal_ignored(void **s)
{
	setup4(true, 3);
	rx_report(2, "224.0.0.251", "10.0.0.9");
	rx_v3(MC_CHANGE_TO_EXCLUDE, "224.0.0.252", "");
	expect_nothing_else();
	assert_int_equal(MB.ngroups, 0);
	assert_int_equal(MB.stats.ignored, 2);
}

static void t_limits(void **s)
{
	char g[32];
	int i;

	setup4(false, 3);
	MB.cfg.max_groups = 3;
	MB.cfg.max_sources = 2;
	for (i = 1; i <= 4; i++) {
		snprintf(g, sizeof(g), "239.0.0.%d", i);
		rx_report(2, g, "10.0.0.9");
	}
	assert_int_equal(MB.ngroups, 3);
	assert_int_equal(MB.stats.over_limit, 1);
	nev = 0;
	rx_v3(MC_MODE_IS_INCLUDE, "239.0.0.1", "10.9.9.1,10.9.9.2,10.9.9.3");
	assert_int_equal(G("239.0.0.1")->nsrc, 2);
	assert_int_equal(MB.stats.over_limit, 2);
}

/* --------------------------------------------------------------- IGMPv3 */

static void t_v3_asm_join_leave(void **s)
{
	setup4(true, 3);
	rx_v3(MC_CHANGE_TO_EXCLUDE, "239.2.2.2", "");
	expect("1000 join 239.2.2.2 *");
	rx_v3(MC_CHANGE_TO_INCLUDE, "239.2.2.2", "");
	expect("1000 query v3 239.2.2.2 S=0 -");
	advance(1000);
	expect("2000 query v3 239.2.2.2 S=0 -");
	advance(1000);
	expect("3000 leave 239.2.2.2");
	expect_nothing_else();
}

static void t_v3_ssm_sources(void **s)
{
	struct mb_group *g;

	setup4(true, 3);
	rx_v3(MC_MODE_IS_INCLUDE, "232.1.1.1", "10.1.1.2,10.1.1.1");
	expect("1000 join 232.1.1.1 10.1.1.1,10.1.1.2");
	rx_v3(MC_ALLOW_NEW_SOURCES, "232.1.1.1", "10.1.1.3");
	expect("1000 sources 232.1.1.1 10.1.1.1,10.1.1.2,10.1.1.3");
	expect_nothing_else();
	advance(10000);
	rx_v3(MC_BLOCK_OLD_SOURCES, "232.1.1.1", "10.1.1.1,10.1.1.9");
	/* only sources we have are queried; 10.1.1.9 is not */
	expect("11000 query v3 232.1.1.1 S=0 10.1.1.1");
	advance(1000);
	expect("12000 query v3 232.1.1.1 S=0 10.1.1.1");
	advance(1000);
	expect("13000 sources 232.1.1.1 10.1.1.2,10.1.1.3");
	expect_nothing_else();
	g = G("232.1.1.1");
	assert_int_equal(g->nsrc, 2);
	assert_false(g->exclude);
	/* the remaining sources time out at GMI after their last report */
	advance(260000 - 12000 - 1);
	expect("32250 query v3 general S=0 -");
	expect("157250 query v3 general S=0 -");
	expect_nothing_else();
	advance(1);
	expect("261000 leave 232.1.1.1");
	expect_nothing_else();
}

static void t_v3_to_in_partial(void **s)
{
	setup4(true, 3);
	rx_v3(MC_MODE_IS_INCLUDE, "232.1.1.1", "10.1.1.1,10.1.1.2");
	expect("1000 join 232.1.1.1 10.1.1.1,10.1.1.2");
	/* TO_IN(B) in INCLUDE(A): Q(G,A-B) */
	rx_v3(MC_CHANGE_TO_INCLUDE, "232.1.1.1", "10.1.1.2");
	expect("1000 query v3 232.1.1.1 S=0 10.1.1.1");
	advance(1000);
	expect("2000 query v3 232.1.1.1 S=0 10.1.1.1");
	advance(1000);
	expect("3000 sources 232.1.1.1 10.1.1.2");
	expect_nothing_else();
}

static void t_v3_include_to_exclude(void **s)
{
	struct in6_addr Y3 = v4("10.1.1.3");
	struct mb_group *g;
	int i;

	setup4(false, 3);
	rx_v3(MC_MODE_IS_INCLUDE, "232.1.1.1", "10.1.1.1,10.1.1.2");
	expect("1000 join 232.1.1.1 10.1.1.1,10.1.1.2");
	/* IS_EX(B) in INCLUDE(A): EXCLUDE(A*B, B-A), delete A-B */
	rx_v3(MC_MODE_IS_EXCLUDE, "232.1.1.1", "10.1.1.2,10.1.1.3");
	expect("1000 sources 232.1.1.1 *");
	expect_nothing_else();
	g = G("232.1.1.1");
	assert_true(g->exclude);
	assert_int_equal(g->nsrc, 2);
	for (i = 0; i < 2; i++) {
		if (!memcmp(&g->src[i].addr, &Y3, 16))
			assert_int_equal(g->src[i].timer, 0);	/* Y */
		else
			assert_int_not_equal(g->src[i].timer, 0); /* X */
	}
	assert_int_equal(src_find_for_test(g, "10.1.1.1"), -1);
}

static void t_v3_exclude_to_include(void **s)
{
	setup4(true, 3);
	rx_v3(MC_CHANGE_TO_EXCLUDE, "239.3.3.3", "");
	expect("1000 join 239.3.3.3 *");
	advance(1000);
	/* TO_IN(A) in EXCLUDE: Q(G) and (A)=GMI; after LMQT: INCLUDE(A) */
	rx_v3(MC_CHANGE_TO_INCLUDE, "239.3.3.3", "10.7.7.7");
	expect("2000 query v3 239.3.3.3 S=0 -");
	advance(1000);
	expect("3000 query v3 239.3.3.3 S=0 -");
	advance(1000);
	expect("4000 sources 239.3.3.3 10.7.7.7");
	expect_nothing_else();
	assert_false(G("239.3.3.3")->exclude);
}

static void t_v3_group_timer_expiry(void **s)
{
	setup4(false, 3);
	rx_v3(MC_MODE_IS_EXCLUDE, "239.3.3.3", "10.7.7.1");
	expect("1000 join 239.3.3.3 *");
	rx_v3(MC_ALLOW_NEW_SOURCES, "239.3.3.3", "10.7.7.2");
	advance(100000);
	rx_v3(MC_ALLOW_NEW_SOURCES, "239.3.3.3", "10.7.7.2");
	/* group timer runs out at GMI: INCLUDE with the running sources */
	advance(160000);
	expect("261000 sources 239.3.3.3 10.7.7.2");
	expect_nothing_else();
	advance(100000);
	expect("361000 leave 239.3.3.3");
	expect_nothing_else();
}

/* ----------------------------------------------------- compatibility */

static void t_v2_compat(void **s)
{
	struct mb_group *g;

	setup4(true, 3);
	rx_report(2, "239.4.4.4", "10.0.0.9");
	expect("1000 join 239.4.4.4 *");
	g = G("239.4.4.4");
	assert_int_equal(mb_group_compat(&MB, g), 2);
	/* v2 compat: BLOCK ignored, TO_EX's sources ignored */
	rx_v3(MC_BLOCK_OLD_SOURCES, "239.4.4.4", "10.1.1.1");
	rx_v3(MC_CHANGE_TO_EXCLUDE, "239.4.4.4", "10.1.1.1");
	expect_nothing_else();
	assert_int_equal(g->nsrc, 0);
	/* v3 reports keep it alive; the v2 host timer runs out (OHPI) */
	advance(200000);
	rx_v3(MC_MODE_IS_EXCLUDE, "239.4.4.4", "");
	advance(60000);
	assert_int_equal(mb_group_compat(&MB, g), 3);
	rx_v3(MC_BLOCK_OLD_SOURCES, "239.4.4.4", "10.1.1.1");
	assert_int_equal(g->nsrc, 1);
	/* v3 again: BLOCK in EXCLUDE adds the source and queries it */
	expect("261000 query v3 239.4.4.4 S=0 10.1.1.1");
	expect("32250 query v3 general S=0 -");
	expect("157250 query v3 general S=0 -");
	expect_nothing_else();
}

static void t_v1_compat(void **s)
{
	setup4(true, 3);
	rx_report(1, "239.5.5.5", "10.0.0.9");
	expect("1000 join 239.5.5.5 *");
	/* v1 hosts present: a leave is ignored, no query is sent */
	rx_leave("239.5.5.5");
	advance(10000);
	expect_nothing_else();
	assert_int_equal(mb_group_compat(&MB, G("239.5.5.5")), 1);
	advance(250000);
	expect("261000 leave 239.5.5.5");
	/* general queries went on meanwhile */
	expect("32250 query v3 general S=0 -");
	expect("157250 query v3 general S=0 -");
	expect_nothing_else();
}

static void t_v2_router(void **s)
{
	struct mb_config c;

	mb_config_defaults(&c, AF_INET);
	c.version = 2;
	c.addr = v4("10.0.0.1");
	nev = 0;
	now = 1000;
	assert_int_equal(mb_init(&MB, &c, &ops, NULL, now), 0);
	advance(0);
	expect("1000 query v2 general S=0 -");
	rx_v3(MC_CHANGE_TO_EXCLUDE, "239.2.2.2", "");
	expect("1000 join 239.2.2.2 *");
	rx_v3(MC_CHANGE_TO_INCLUDE, "239.2.2.2", "");
	expect("1000 query v2 239.2.2.2 S=0 -");
	expect_nothing_else();
}

static void t_bad_config(void **s)
{
	struct mb_config c;

	mb_config_defaults(&c, AF_INET);
	c.version = 4;
	assert_int_equal(mb_init(&MB, &c, &ops, NULL, 0), -EINVAL);
	mb_config_defaults(&c, AF_INET6);
	c.version = 3;
	assert_int_equal(mb_init(&MB, &c, &ops, NULL, 0), -EINVAL);
	mb_config_defaults(&c, AF_INET);
	c.query_response_ms = c.query_interval_ms;
	assert_int_equal(mb_init(&MB, &c, &ops, NULL, 0), -EINVAL);
	mb_config_defaults(&c, AF_INET);
	c.robustness = 0;
	assert_int_equal(mb_init(&MB, &c, &ops, NULL, 0), -EINVAL);
	mb_config_defaults(&c, 99);
	assert_int_equal(mb_init(&MB, &c, &ops, NULL, 0), -EINVAL);
	memset(&MB, 0, sizeof(MB));
}

/* ------------------------------------------------------------------ MLD */

static void setup6(void)
{
	struct mb_config c;

	mb_config_defaults(&c, AF_INET6);
	c.addr = v6("fe80::1");
	nev = 0;
	now = 1000;
	assert_int_equal(mb_init(&MB, &c, &ops, NULL, now), 0);
	advance(0);
	expect("1000 query v2 general S=0 -");
	expect_nothing_else();
}

static void t_mld_v1_join_done(void **s)
{
	setup6();
	memset(&M, 0, sizeof(M));
	M.family = AF_INET6;
	M.type = MC_REPORT;
	M.version = 1;
	M.group = v6("ff3e::1:1");
	M.saddr = v6("fe80::9");
	mb_input(&MB, now, &M);
	expect("1000 join ff3e::1:1 *");
	M.type = MC_LEAVE;
	mb_input(&MB, now, &M);
	/* MLDv1 compat: done is honoured, queries go out as MLDv1 */
	expect("1000 query v1 ff3e::1:1 S=0 -");
	advance(2000);
	expect("2000 query v1 ff3e::1:1 S=0 -");
	expect("3000 leave ff3e::1:1");
	expect_nothing_else();
}

static void t_mld_v2_ssm(void **s)
{
	setup6();
	memset(&M, 0, sizeof(M));
	M.family = AF_INET6;
	M.type = MC_REPORT_V3;
	M.version = 2;
	M.saddr = v6("fe80::9");
	M.nrec = 2;
	M.rec[0] = (struct mc_record){ MC_MODE_IS_INCLUDE, 1, v6("ff3e::2"),
				       M.src };
	M.rec[1] = (struct mc_record){ MC_MODE_IS_EXCLUDE, 0, v6("ff02::fb"),
				       M.src };
	M.src[0] = v6("2001:db8::5");
	mb_input(&MB, now, &M);
	expect("1000 join ff3e::2 2001:db8::5");
	expect_nothing_else();	/* ff02::fb is link-local: ignored */
	assert_int_equal(MB.ngroups, 1);
	/* an IPv4 message on the IPv6 instance is not ours */
	rx_report(2, "239.1.1.1", "10.0.0.9");
	expect_nothing_else();
}

static void t_fini_leaves(void **s)
{
	setup4(false, 3);
	rx_report(2, "239.1.1.1", "10.0.0.9");
	rx_v3(MC_MODE_IS_INCLUDE, "232.1.1.1", "10.1.1.1");
	nev = 0;
	mb_fini(&MB, true);
	expect("1000 leave 239.1.1.1");
	expect("1000 leave 232.1.1.1");
	expect_nothing_else();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_startup_queries, teardown),
		cmocka_unit_test_teardown(t_election_lower_wins, teardown),
		cmocka_unit_test_teardown(t_election_higher_loses, teardown),
		cmocka_unit_test_teardown(t_never_querier, teardown),
		cmocka_unit_test_teardown(t_join_once, teardown),
		cmocka_unit_test_teardown(t_timeout, teardown),
		cmocka_unit_test_teardown(t_refresh, teardown),
		cmocka_unit_test_teardown(t_leave_last_member_query, teardown),
		cmocka_unit_test_teardown(t_leave_answered, teardown),
		cmocka_unit_test_teardown(t_leave_unknown_group, teardown),
		cmocka_unit_test_teardown(t_linklocal_ignored, teardown),
		cmocka_unit_test_teardown(t_limits, teardown),
		cmocka_unit_test_teardown(t_v3_asm_join_leave, teardown),
		cmocka_unit_test_teardown(t_v3_ssm_sources, teardown),
		cmocka_unit_test_teardown(t_v3_to_in_partial, teardown),
		cmocka_unit_test_teardown(t_v3_include_to_exclude, teardown),
		cmocka_unit_test_teardown(t_v3_exclude_to_include, teardown),
		cmocka_unit_test_teardown(t_v3_group_timer_expiry, teardown),
		cmocka_unit_test_teardown(t_v2_compat, teardown),
		cmocka_unit_test_teardown(t_v1_compat, teardown),
		cmocka_unit_test_teardown(t_v2_router, teardown),
		cmocka_unit_test(t_bad_config),
		cmocka_unit_test_teardown(t_mld_v1_join_done, teardown),
		cmocka_unit_test_teardown(t_mld_v2_ssm, teardown),
		cmocka_unit_test_teardown(t_fini_leaves, teardown),
	};

	return cmocka_run_group_tests_name("agent-membership", tests, NULL,
					   NULL);
}
