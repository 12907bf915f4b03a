// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the operator page's pieces: HTML escaping, the tree and
 * chart SVG, and the database reads (usage series, denials).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "html.h"
#include "svg.h"
#include "webdata.h"

/* Output of fn into a malloc'ed string. */
#define CAPTURE(out, call) do {					\
	size_t len_ = 0;					\
	FILE *f = open_memstream(&(out), &len_);		\
	assert_non_null(f);					\
	call;							\
	assert_int_equal(fclose(f), 0);				\
} while (0)

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay++;
	}
	return n;
}

static void test_html_escapes(void **state)
{
	char *out = NULL;

	CAPTURE(out, html_esc(f, "<a href=\"x\">'&\x01\x7f</a>"));
	assert_string_equal(out, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
			    "\xef\xbf\xbd\xef\xbf\xbd&lt;/a&gt;");
	free(out);
}

static void test_html_truncates_whole_chars(void **state)
{
	char *out = NULL;

	/* "ééé": byte 3 is inside the second é, which must not be cut */
	CAPTURE(out, html_esc_max(f, "\xc3\xa9\xc3\xa9\xc3\xa9", 3));
	assert_string_equal(out, "\xc3\xa9\xe2\x80\xa6");
	free(out);
	CAPTURE(out, html_esc_max(f, "abc", 3));
	assert_string_equal(out, "abc");
	free(out);
	CAPTURE(out, html_esc_max(f, "abcd", 3));
	assert_string_equal(out, "abc\xe2\x80\xa6");
	free(out);
}

/* The box of site in the SVG: x, y of its rect. */
static void node_pos(const char *svg, uint32_t site, double *x, double *y)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "data-site=\"%u\"", site);
	p = strstr(svg, key);
	assert_non_null(p);
	p = strstr(p, "<rect x=\"");
	assert_non_null(p);
	assert_int_equal(sscanf(p, "<rect x=\"%lf\" y=\"%lf\"", x, y), 2);
}

static void test_svg_tree(void **state)
{
	static const uint32_t out1[] = { 2, 3 }, out2[] = { 4, 5 };
	const struct svg_node n[] = {
		{ .site = 1, .name = "origin", .origin = true, .nout = 2,
		  .out = out1 },
		{ .site = 2, .name = "relay", .local = false, .nout = 2,
		  .out = out2 },
		{ .site = 3, .name = "<script>x</script>", .local = true },
		{ .site = 4, .name = "r4", .local = true },
		{ .site = 5, .name = "r5", .local = true },
		/* reached by nobody: still drawn */
		{ .site = 9, .name = "lost", .local = true },
	};
	static const uint32_t edges[][2] = { {1, 2}, {1, 3}, {2, 4}, {2, 5} };
	double x[6], y[6];
	char *svg = NULL, e[64];
	size_t i, j;

	CAPTURE(svg, svg_tree(f, n, 6, 7));
	assert_int_equal(count(svg, "class=\"edge\""), 4);
	assert_int_equal(count(svg, "<g class=\"node"), 6);
	assert_non_null(strstr(svg, "id=\"arrow7\""));
	assert_null(strstr(svg, "<script>"));
	assert_non_null(strstr(svg, "&lt;script&gt;"));
	for (i = 0; i < 4; i++) {
		snprintf(e, sizeof(e), "data-from=\"%u\" data-to=\"%u\"",
			 edges[i][0], edges[i][1]);
		assert_non_null(strstr(svg, e));
	}
	for (i = 0; i < 6; i++)
		node_pos(svg, n[i].site, &x[i], &y[i]);
	/* no two boxes in one place; each sender above what it sends to */
	for (i = 0; i < 6; i++)
		for (j = i + 1; j < 6; j++)
			assert_false(x[i] == x[j] && y[i] == y[j]);
	assert_true(y[0] < y[1] && y[1] < y[3] && y[0] < y[2]);
	assert_true(y[5] > y[3]);
	/* a parent over the middle of its children */
	assert_true(x[1] == (x[3] + x[4]) / 2);
	free(svg);
}

/* A star of 20: the receivers wrap into rows 8 boxes wide. */
static void test_svg_wide_star(void **state)
{
	struct svg_node n[21];
	uint32_t out[20];
	double x[21], y[21], minx = 1e9, maxx = 0;
	char *svg = NULL, name[21][8];
	size_t i, j;

	memset(n, 0, sizeof(n));
	for (i = 0; i < 21; i++) {
		snprintf(name[i], sizeof(name[i]), "s%zu", i + 1);
		n[i].site = (uint32_t)i + 1;
		n[i].name = name[i];
		n[i].local = i > 0;
		if (i)
			out[i - 1] = (uint32_t)i + 1;
	}
	n[0].origin = true;
	n[0].nout = 20;
	n[0].out = out;
	CAPTURE(svg, svg_tree(f, n, 21, 0));
	assert_int_equal(count(svg, "class=\"edge\""), 20);
	for (i = 0; i < 21; i++) {
		node_pos(svg, n[i].site, &x[i], &y[i]);
		if (i && x[i] < minx)
			minx = x[i];
		if (i && x[i] > maxx)
			maxx = x[i];
	}
	for (i = 0; i < 21; i++)
		for (j = i + 1; j < 21; j++)
			assert_false(x[i] == x[j] && y[i] == y[j]);
	for (i = 1; i < 21; i++)
		assert_true(y[i] > y[0]);
	/* 8 columns of boxes 136 apart, the origin over their middle */
	assert_true(maxx - minx == 7 * 136);
	assert_true(x[0] == (minx + maxx) / 2);
	free(svg);
}

static void test_svg_chart(void **state)
{
	uint64_t sent[WEB_HOURS] = { 0 }, recv[WEB_HOURS] = { 0 };
	char *svg = NULL, want[80];

	sent[0] = 5;
	sent[3] = UINT64_MAX;
	recv[23] = 1234567;
	CAPTURE(svg, svg_usage_chart(f, sent, recv, WEB_HOURS, 1764979200));
	snprintf(want, sizeof(want), "data-sent=\"%llu\"",
		 (unsigned long long)UINT64_MAX);
	assert_non_null(strstr(svg, want));	/* saturated, not wrapped */
	assert_non_null(strstr(svg, "data-received=\"1234567\""));
	assert_int_equal(count(svg, "<rect class=\"sent\""), 2);
	assert_int_equal(count(svg, "<rect class=\"received\""), 1);
	assert_non_null(strstr(svg, "1.23 MB"));
	assert_non_null(strstr(svg, ">00:00Z<"));
	free(svg);
	memset(sent, 0, sizeof(sent));
	memset(recv, 0, sizeof(recv));
	CAPTURE(svg, svg_usage_chart(f, sent, recv, WEB_HOURS, 1764979200));
	assert_non_null(strstr(svg, "no traffic reported"));
	assert_int_equal(count(svg, "<rect"), 0);
	free(svg);
}

static struct vnoc_addr A(const char *s)
{
	struct vnoc_addr a;

	assert_int_equal(vnoc_addr_parse(s, &a), 0);
	return a;
}

static void test_webdata(void **state)
{
	const int64_t now = 1764979200 + 1800;	/* mid-hour */
	struct vnoc_usage u1[] = {
		{ .vpn = 1, .group = A("239.1.1.1"), .origin = 1,
		  .packets = 10, .bytes = 1000 },
		/* a next hop's share of the same bytes: not added again */
		{ .vpn = 1, .group = A("239.1.1.1"), .origin = 1,
		  .nexthop = 2, .packets = 10, .bytes = 1000 },
	};
	struct vnoc_usage u2[] = {
		{ .vpn = 1, .group = A("239.1.1.1"), .origin = 1,
		  .packets = 7, .bytes = 700 },
	};
	const struct web_series *s;
	struct vnoc_db db = { 0 };
	struct web_data d;
	char path[64], p[80], err[300];
	int fd;

	snprintf(path, sizeof(path), "/tmp/vnoc-test-web-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_NORMAL), 0);
	assert_int_equal(vnoc_db_begin(&db), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 1, 1, now, u1, 2), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 2, 1, now, u2, 1), 0);
	/* 30 hours ago: outside the charts */
	assert_int_equal(vnoc_db_usage_add(&db, 1, 2, now - 30 * 3600, u1, 1),
			 0);
	assert_int_equal(vnoc_db_audit(&db, now, "site5", "deny",
				       "site 5 vpn 1 group 239.1.1.1 role sender "
				       "sources 0: denied by policy 2"), 0);
	assert_int_equal(vnoc_db_audit(&db, now, "site5", "deny-suppressed",
				       "site 5: 3 more denials suppressed"), 0);
	assert_int_equal(vnoc_db_audit(&db, now, "admin", "site-add", "x"), 0);
	assert_int_equal(vnoc_db_commit(&db), 0);

	assert_int_equal(web_data_load(path, now, &d, err, sizeof(err)), 0);
	assert_int_equal(d.first_hour, 1764979200 - 23 * 3600);
	s = web_site_series(&d, 1);
	assert_non_null(s);
	assert_int_equal(s->sent[WEB_HOURS - 1], 1000);
	assert_int_equal(s->received[WEB_HOURS - 1], 0);
	s = web_site_series(&d, 2);
	assert_non_null(s);
	assert_int_equal(s->received[WEB_HOURS - 1], 700);
	assert_null(web_site_series(&d, 3));
	s = web_group_series(&d, 1, "239.1.1.1");
	assert_non_null(s);
	assert_int_equal(s->sent[WEB_HOURS - 1], 1000);
	assert_int_equal(s->received[WEB_HOURS - 1], 700);
	assert_null(web_group_series(&d, 2, "239.1.1.1"));
	/* newest first, only denials */
	assert_int_equal(d.ndenials, 2);
	assert_string_equal(d.denials[0].action, "deny-suppressed");
	assert_false(d.denials[0].has_group);
	assert_true(d.denials[1].has_group);
	assert_int_equal(d.denials[1].site, 5);
	assert_int_equal(d.denials[1].vpn, 1);
	assert_string_equal(d.denials[1].group, "239.1.1.1");
	assert_string_equal(d.denials[1].role, "sender");
	assert_string_equal(d.denials[1].why, "denied by policy 2");
	web_data_free(&d);

	/* no database there: an error, not a crash */
	assert_int_equal(web_data_load("/nonexistent/x.db", now, &d, err,
				       sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.db"));
	web_data_free(&d);

	vnoc_db_close(&db);
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escapes),
		cmocka_unit_test(test_html_truncates_whole_chars),
		cmocka_unit_test(test_svg_tree),
		cmocka_unit_test(test_svg_wide_star),
		cmocka_unit_test(test_svg_chart),
		cmocka_unit_test(test_webdata),
	};

	return cmocka_run_group_tests_name("web", tests, NULL, NULL);
}
