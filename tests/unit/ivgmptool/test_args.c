// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ivgmptool's argument parsers: every bad input is a usage error
 * (EXIT_USAGE) before anything is sent, and good input fills the request
 * exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ivgmptool.h"

#define MAXARGS 64

/* Split a command line on spaces into a static argv. */
static int split(const char *line, char ***argvp)
{
	static char copy[4096];
	static char *argv[MAXARGS];
	int argc = 0;
	char *tok;

	snprintf(copy, sizeof(copy), "%s", line);
	for (tok = strtok(copy, " "); tok && argc < MAXARGS - 1;
	     tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	*argvp = argv;
	return argc;
}

static int config_set(const char *line, struct ivgmp_config_info *c)
{
	char **argv;
	int argc = split(line, &argv);

	return config_parse_set(argc, argv, c);
}

static int site(const char *line, struct site_args *a)
{
	char **argv;
	int argc = split(line, &argv);

	return site_parse(argc, argv, a);
}

static struct route_args ra;

static int route(const char *line)
{
	char **argv;
	int argc = split(line, &argv);

	return route_parse(argc, argv, &ra);
}

static void expect_usage(int (*fn)(const char *), const char *const *bad,
			 size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fn(bad[i]) != EXIT_USAGE)
			fail_msg("'%s' was not a usage error", bad[i]);
}

static int config_set_only(const char *line)
{
	struct ivgmp_config_info c;

	return config_set(line, &c);
}

static int site_only(const char *line)
{
	struct site_args a;

	return site(line, &a);
}

#define N(x) (sizeof(x) / sizeof((x)[0]))

static void test_parse_u32(void **state)
{
	uint32_t v = 5;

	assert_int_equal(parse_u32("n", "0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u32("n", "4294967295", 0, UINT32_MAX, &v), 0);
	assert_int_equal(v, UINT32_MAX);
	v = 5;
	assert_int_equal(parse_u32("n", "4294967296", 0, UINT32_MAX, &v),
			 EXIT_USAGE);
	assert_int_equal(parse_u32("n", "99999999999999999999999", 0,
				   UINT32_MAX, &v), EXIT_USAGE);
	assert_int_equal(parse_u32("n", "-1", 0, UINT32_MAX, &v), EXIT_USAGE);
	assert_int_equal(parse_u32("n", "+1", 0, UINT32_MAX, &v), EXIT_USAGE);
	assert_int_equal(parse_u32("n", " 1", 0, UINT32_MAX, &v), EXIT_USAGE);
	assert_int_equal(parse_u32("n", "1x", 0, UINT32_MAX, &v), EXIT_USAGE);
	assert_int_equal(parse_u32("n", "", 0, UINT32_MAX, &v), EXIT_USAGE);
	assert_int_equal(parse_u32("n", "0x10", 0, UINT32_MAX, &v), EXIT_USAGE);
	assert_int_equal(parse_u32("n", "11", 0, 10, &v), EXIT_USAGE);
	assert_int_equal(parse_u32("n", "0", 1, 10, &v), EXIT_USAGE);
	assert_int_equal(v, 5);
}

static void test_config_set_good(void **state)
{
	struct ivgmp_config_info c;

	assert_int_equal(config_set("site-id 7 port 8000 hop-limit 3 "
				    "event-rate 0 require-ipsec off "
				    "lan lo:9 prefix 10.1.0.0/16 "
				    "prefix 2001:db8::/32", &c), 0);
	assert_int_equal(c.site_id, 7);
	assert_int_equal(c.port, 8000);
	assert_int_equal(c.hop_limit, 3);
	assert_int_equal(c.event_rate, 0);
	assert_int_equal(c.flags, 0);
	assert_true(c.present & IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_FLAGS));
	assert_int_equal(c.n_lans, 1);
	assert_int_equal(c.lans[0].ifindex, 1);
	assert_int_equal(c.lans[0].vpn, 9);
	assert_int_equal(c.n_prefixes, 2);
	assert_int_equal(c.prefixes[1].plen, 32);

	/* Only what was given is sent. */
	assert_int_equal(config_set("port 1", &c), 0);
	assert_int_equal(c.present, IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PORT));
	assert_int_equal(config_set("require-ipsec on", &c), 0);
	assert_int_equal(c.flags, IVGMP_CONFIG_F_REQUIRE_IPSEC);
	assert_int_equal(config_set("nolans noprefixes", &c), 0);
	assert_int_equal(c.present, IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_LANS) |
				    IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PREFIXES));
	assert_int_equal(c.n_lans, 0);
	assert_int_equal(config_set("lan lo", &c), 0);
	assert_int_equal(c.lans[0].vpn, 0);
}

static void test_config_set_bad(void **state)
{
	static const char *const bad[] = {
		"", "port", "port 0", "port 65536", "port x", "port -1",
		"site-id 4294967296", "site-id -3", "hop-limit 0",
		"hop-limit 256", "event-rate 1000001", "require-ipsec maybe",
		"require-ipsec", "lan", "lan no-such-if0", "lan lo:x",
		"lan lo:", "lan :5", "lan lo lan lo", "lan lo:1 nolans",
		"prefix 10.1.2.3/8", "prefix 10.0.0.0/33", "prefix bogus",
		"prefix 239.0.0.0/8", "prefix 10.0.0.0/8 noprefixes",
		"prefix 10.0.0.0/8 prefix 10.0.0.0/8", "port 1 port 2",
		"nolans nolans", "frobnicate 1", "site-id 1 extra",
		"lan a-name-that-is-too-long-for-linux:1",
	};

	expect_usage(config_set_only, bad, N(bad));
}

static void test_config_set_too_many(void **state)
{
	char line[4096] = "";
	unsigned int i;

	for (i = 0; i <= IVGMP_MAX_PREFIXES; i++) {
		char p[32];

		snprintf(p, sizeof(p), "prefix 10.%u.0.0/16 ", i);
		strcat(line, p);
	}
	assert_int_equal(config_set_only(line), EXIT_USAGE);
}

static void test_site_good(void **state)
{
	struct site_args a;

	assert_int_equal(site("add 3 addr 192.0.2.3 port 9000", &a), 0);
	assert_int_equal(a.op, SITE_ADD);
	assert_int_equal(a.site.id, 3);
	assert_true(a.site.has_port);
	assert_int_equal(a.site.port, 9000);
	assert_int_equal(a.site.addr.family, AF_INET);
	assert_int_equal(site("replace 4294967295 addr 2001:db8::3", &a), 0);
	assert_int_equal(a.op, SITE_REPLACE);
	assert_false(a.site.has_port);
	assert_int_equal(a.site.addr.family, AF_INET6);
	assert_int_equal(site("del 3", &a), 0);
	assert_int_equal(a.op, SITE_DEL);
	assert_int_equal(site("show", &a), 0);
	assert_false(a.has_id);
	assert_int_equal(site("show 5", &a), 0);
	assert_true(a.has_id);
	assert_int_equal(site("", &a), 0);
	assert_int_equal(a.op, SITE_SHOW);
}

static void test_site_bad(void **state)
{
	static const char *const bad[] = {
		"add", "add 0 addr 192.0.2.1", "add x addr 192.0.2.1",
		"add 3", "add 3 addr", "add 3 addr 192.0.2.300",
		"add 3 addr 239.1.1.1", "add 3 addr 0.0.0.0", "add 3 addr ::",
		"add 3 addr ff02::1", "add 3 addr 192.0.2.1 port 0",
		"add 3 addr 192.0.2.1 port 65536", "add 3 addr 192.0.2.1 port",
		"add 3 addr 192.0.2.1 addr 192.0.2.2",
		"add 3 addr 192.0.2.1 port 1 port 2", "add 3 via 4",
		"del", "del 3 addr 192.0.2.1", "del 0", "show 3 4",
		"show 0", "frob 3",
	};

	expect_usage(site_only, bad, N(bad));
}

static void test_route_good(void **state)
{
	char b[ADDR_STRLEN];

	assert_int_equal(route("add vpn 1 group 239.1.1.1 origin 2 "
			       "deliver-local via 3,4 via 5"), 0);
	assert_int_equal(ra.op, ROUTE_ADD);
	assert_int_equal(ra.route.vpn, 1);
	assert_int_equal(ra.route.origin, 2);
	assert_int_equal(ra.route.flags, IVGMP_ROUTE_F_DELIVER_LOCAL);
	assert_true(ra.route.has_nexthops);
	assert_int_equal(ra.route.n_nexthops, 3);
	assert_int_equal(ra.route.nexthops[2].site, 5);
	assert_true(addr_is_unspec(&ra.route.source));

	assert_int_equal(route("replace vpn 0 group ff0e::1 source 2001:db8::5 "
			       "origin 4294967295"), 0);
	assert_int_equal(ra.op, ROUTE_REPLACE);
	assert_true(ra.route.has_nexthops);
	assert_int_equal(ra.route.n_nexthops, 0);
	assert_string_equal(addr_ntop(&ra.route.source, b, sizeof(b)),
			    "2001:db8::5");

	assert_int_equal(route("del vpn 1 group 239.1.1.1 origin 2"), 0);
	assert_int_equal(ra.op, ROUTE_DEL);
	assert_false(ra.route.has_nexthops);

	assert_int_equal(route("show"), 0);
	assert_false(ra.has_vpn);
	assert_int_equal(route("show vpn 3 group 239.1.1.1"), 0);
	assert_true(ra.has_vpn);
	assert_false(ra.has_origin);
	assert_int_equal(route(""), 0);
	assert_int_equal(ra.op, ROUTE_SHOW);
}

static void test_route_bad(void **state)
{
	static const char *const bad[] = {
		"add", "add vpn 1 group 239.1.1.1",		/* no origin */
		"add vpn 1 origin 2",				/* no group */
		"add group 239.1.1.1 origin 2",			/* no vpn */
		"add vpn 1 group 10.0.0.1 origin 2",		/* unicast */
		"add vpn 1 group 2001:db8::1 origin 2",
		"add vpn 1 group 239.1.1.1 source 2001:db8::1 origin 2",
		"add vpn 1 group ff0e::1 source 10.0.0.1 origin 2",
		"add vpn 1 group 239.1.1.1 source 239.1.1.2 origin 2",
		"add vpn 1 group 239.1.1.1 source 0.0.0.0 origin 2",
		"add vpn 1 group 239.1.1.1 origin 0",
		"add vpn x group 239.1.1.1 origin 1",
		"add vpn 4294967296 group 239.1.1.1 origin 1",
		"add vpn 1 group 239.1.1.1 origin 1 via",
		"add vpn 1 group 239.1.1.1 origin 1 via 0",
		"add vpn 1 group 239.1.1.1 origin 1 via 2,",
		"add vpn 1 group 239.1.1.1 origin 1 via ,2",
		"add vpn 1 group 239.1.1.1 origin 1 via 2,,3",
		"add vpn 1 group 239.1.1.1 origin 1 via 2,2",
		"add vpn 1 group 239.1.1.1 origin 1 via 2 via 2",
		"add vpn 1 group 239.1.1.1 origin 1 via x",
		"add vpn 1 group 239.1.1.1 origin 1 deliver-local deliver-local",
		"add vpn 1 vpn 2 group 239.1.1.1 origin 1",
		"add vpn 1 group 239.1.1.1 group 239.1.1.2 origin 1",
		"add vpn 1 group 239.1.1.1 origin 1 origin 2",
		"add vpn 1 group 239.1.1.1 origin 1 port 5",
		"add vpn 1 group 239.1.1.1 origin 1 source",
		"del vpn 1 group 239.1.1.1 origin 1 via 2",
		"del vpn 1 group 239.1.1.1 origin 1 deliver-local",
		"del vpn 1 group 239.1.1.1",
		"show via 2", "show group 10.1.1.1", "frob",
	};
	size_t i;

	for (i = 0; i < N(bad); i++)
		if (route(bad[i]) != EXIT_USAGE)
			fail_msg("'%s' was not a usage error", bad[i]);
}

static void test_route_too_many_nexthops(void **state)
{
	static char line[16384];
	int n;
	unsigned int i;

	n = snprintf(line, sizeof(line),
		     "add vpn 1 group 239.1.1.1 origin 1 via 2");
	for (i = 3; i <= IVGMP_MAX_NEXTHOPS + 1; i++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",%u", i);
	/* exactly the maximum is fine */
	assert_int_equal(route(line), 0);
	assert_int_equal(ra.route.n_nexthops, IVGMP_MAX_NEXTHOPS);
	snprintf(line + n, sizeof(line) - (size_t)n, ",%u",
		 IVGMP_MAX_NEXTHOPS + 2);
	assert_int_equal(route(line), EXIT_USAGE);
}

static void test_flush_and_monitor(void **state)
{
	struct monitor_args m;
	uint32_t what = 77;
	char **argv;
	int argc;

	assert_int_equal(flush_parse(0, NULL, &what), 0);
	assert_int_equal(what, 0);
	argc = split("routes", &argv);
	assert_int_equal(flush_parse(argc, argv, &what), 0);
	assert_int_equal(what, IVGMP_FLUSH_ROUTES);
	argc = split("sites", &argv);
	assert_int_equal(flush_parse(argc, argv, &what), 0);
	assert_int_equal(what, IVGMP_FLUSH_SITES | IVGMP_FLUSH_ROUTES);
	argc = split("all", &argv);
	assert_int_equal(flush_parse(argc, argv, &what), 0);
	assert_int_equal(what, 0);
	argc = split("everything", &argv);
	assert_int_equal(flush_parse(argc, argv, &what), EXIT_USAGE);
	argc = split("routes sites", &argv);
	assert_int_equal(flush_parse(argc, argv, &what), EXIT_USAGE);

	assert_int_equal(monitor_parse(0, NULL, &m), 0);
	assert_int_equal(m.count, 0);
	argc = split("count 3", &argv);
	assert_int_equal(monitor_parse(argc, argv, &m), 0);
	assert_int_equal(m.count, 3);
	argc = split("count 0", &argv);
	assert_int_equal(monitor_parse(argc, argv, &m), EXIT_USAGE);
	argc = split("count", &argv);
	assert_int_equal(monitor_parse(argc, argv, &m), EXIT_USAGE);
	argc = split("count 1 count 2", &argv);
	assert_int_equal(monitor_parse(argc, argv, &m), EXIT_USAGE);
	argc = split("forever", &argv);
	assert_int_equal(monitor_parse(argc, argv, &m), EXIT_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u32),
		cmocka_unit_test(test_config_set_good),
		cmocka_unit_test(test_config_set_bad),
		cmocka_unit_test(test_config_set_too_many),
		cmocka_unit_test(test_site_good),
		cmocka_unit_test(test_site_bad),
		cmocka_unit_test(test_route_good),
		cmocka_unit_test(test_route_bad),
		cmocka_unit_test(test_route_too_many_nexthops),
		cmocka_unit_test(test_flush_and_monitor),
	};

	/* The parsers explain every rejection on stderr; keep the log short. */
	if (!getenv("IVGMPTOOL_TEST_VERBOSE"))
		freopen("/dev/null", "w", stderr);
	return cmocka_run_group_tests_name("ivgmptool_args", tests, NULL, NULL);
}
