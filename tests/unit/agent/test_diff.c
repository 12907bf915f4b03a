// SPDX-License-Identifier: GPL-2.0
/* The kernel-table diff: minimal, ordered, and refusing impossible views. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diff.h"

#define LOCAL 1

static struct ivgmp_site_info site(uint32_t id, const char *addr,
				   uint16_t port)
{
	struct ivgmp_site_info s = { .id = id, .has_port = true, .port = port };

	assert_int_equal(addr_parse(addr, AF_UNSPEC, &s.addr), 0);
	return s;
}

/* nh: zero-terminated list of next-hop site ids */
static struct ivgmp_route_info route(uint32_t vpn, const char *group,
				     const char *source, uint32_t origin,
				     uint32_t flags, const uint32_t *nh)
{
	struct ivgmp_route_info r = { .vpn = vpn, .origin = origin,
				      .flags = flags, .has_nexthops = true };
	size_t n = 0;

	assert_int_equal(addr_parse(group, AF_UNSPEC, &r.group), 0);
	if (source)
		assert_int_equal(addr_parse(source, AF_UNSPEC, &r.source), 0);
	while (nh && nh[n])
		n++;
	r.nexthops = calloc(n + 1, sizeof(*r.nexthops));
	for (r.n_nexthops = 0; r.n_nexthops < n; r.n_nexthops++)
		r.nexthops[r.n_nexthops].site = nh[r.n_nexthops];
	return r;
}

static struct table cur, want;
static struct diff D;

static void add_site(struct table *t, struct ivgmp_site_info s)
{
	t->sites = realloc(t->sites, (t->nsites + 1) * sizeof(s));
	t->sites[t->nsites++] = s;
}

static void add_route(struct table *t, struct ivgmp_route_info r)
{
	t->routes = realloc(t->routes, (t->nroutes + 1) * sizeof(r));
	t->routes[t->nroutes++] = r;
}

static int teardown(void **s)
{
	diff_free(&D);
	table_free(&cur);
	table_free(&want);
	return 0;
}

/* A typical view: three peers, routes for local and remote origins. */
static void base(struct table *t, bool shuffle)
{
	static const uint32_t n23[] = { 2, 3, 0 }, n32[] = { 3, 2, 0 };
	static const uint32_t n4[] = { 4, 0 };

	add_site(t, site(4, "192.0.2.4", 7654));
	add_site(t, site(2, "192.0.2.2", 7654));
	add_site(t, site(3, "2001:db8::3", 7654));
	add_route(t, route(1, "239.1.1.1", NULL, LOCAL, 0, shuffle ? n32 : n23));
	add_route(t, route(1, "239.1.1.1", NULL, 2, 1, NULL));
	add_route(t, route(1, "232.1.1.1", "10.2.0.5", 2, 1, n4));
	add_route(t, route(1, "ff3e::1", NULL, 3, 1, NULL));
}

static void t_empty(void **s)
{
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), 0);
	assert_int_equal(D.nsite_set + D.nsite_del + D.nroute_set +
			 D.nroute_del, 0);
}

static void t_fresh_kernel(void **s)
{
	base(&want, false);
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), 0);
	assert_int_equal(D.nsite_set, 3);
	assert_int_equal(D.nroute_set, 4);
	assert_int_equal(D.nsite_del + D.nroute_del, 0);
}

static void t_identical(void **s)
{
	base(&cur, false);
	base(&want, true);	/* same routes, next hops in another order */
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), 0);
	assert_int_equal(D.nsite_set + D.nsite_del + D.nroute_set +
			 D.nroute_del, 0);
	assert_int_equal(D.unchanged_routes, 4);
}

static void t_changes(void **s)
{
	static const uint32_t n2[] = { 2, 0 }, n4[] = { 4, 0 };

	base(&cur, false);
	add_site(&want, site(2, "192.0.2.22", 7654));	/* moved */
	add_site(&want, site(3, "2001:db8::3", 7655));	/* new port */
	add_site(&want, site(5, "192.0.2.5", 7654));	/* new; 4 goes */
	/* local route loses site 3; flags change; (S,G) gone; new route */
	add_route(&want, route(1, "239.1.1.1", NULL, LOCAL, 0, n2));
	add_route(&want, route(1, "239.1.1.1", NULL, 2, 0, NULL));
	add_route(&want, route(1, "ff3e::1", NULL, 3, 1, NULL));
	add_route(&want, route(1, "232.1.1.1", "10.2.0.6", 2, 1, NULL));
	(void)n4;

	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), 0);
	assert_int_equal(D.nsite_set, 3);
	assert_int_equal(D.site_set[0]->id, 2);
	assert_int_equal(D.site_set[1]->id, 3);
	assert_int_equal(D.site_set[2]->id, 5);
	assert_int_equal(D.nsite_del, 1);
	assert_int_equal(D.site_del[0]->id, 4);
	assert_int_equal(D.nroute_set, 3);
	assert_int_equal(D.unchanged_routes, 1);
	assert_int_equal(D.nroute_del, 1);
	/* the deleted route is the old (S,G) with source 10.2.0.5 */
	assert_int_equal(D.route_del[0]->source.family, AF_INET);
	assert_int_equal(D.route_del[0]->source.raw[3], 5);
}

static void t_everything_goes(void **s)
{
	base(&cur, false);
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), 0);
	assert_int_equal(D.nroute_del, 4);
	assert_int_equal(D.nsite_del, 3);
	assert_int_equal(D.nsite_set + D.nroute_set, 0);
}

static void t_source_is_part_of_key(void **s)
{
	add_route(&want, route(1, "232.1.1.1", NULL, LOCAL, 0, NULL));
	add_route(&want, route(1, "232.1.1.1", "10.0.0.1", LOCAL, 0, NULL));
	add_route(&want, route(2, "232.1.1.1", NULL, LOCAL, 0, NULL));
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), 0);
	assert_int_equal(D.nroute_set, 3);
}

static void t_bad_views(void **s)
{
	static const uint32_t n9[] = { 9, 0 }, n22[] = { 2, 2, 0 };

	add_site(&want, site(2, "192.0.2.2", 7654));
	add_route(&want, route(1, "239.1.1.1", NULL, LOCAL, 0, n9));
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), -EINVAL);
	table_free(&want);

	add_site(&want, site(2, "192.0.2.2", 7654));
	add_route(&want, route(1, "239.1.1.1", NULL, 7, 1, NULL));
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), -EINVAL);
	table_free(&want);

	add_site(&want, site(2, "192.0.2.2", 7654));
	add_route(&want, route(1, "239.1.1.1", NULL, LOCAL, 0, n22));
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), -EINVAL);
	table_free(&want);

	add_site(&want, site(2, "192.0.2.2", 7654));
	add_site(&want, site(2, "192.0.2.3", 7654));
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), -EINVAL);
	table_free(&want);

	add_route(&want, route(1, "239.1.1.1", NULL, LOCAL, 0, NULL));
	add_route(&want, route(1, "239.1.1.1", NULL, LOCAL, 1, NULL));
	assert_int_equal(table_diff(&cur, &want, LOCAL, &D), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_empty, teardown),
		cmocka_unit_test_teardown(t_fresh_kernel, teardown),
		cmocka_unit_test_teardown(t_identical, teardown),
		cmocka_unit_test_teardown(t_changes, teardown),
		cmocka_unit_test_teardown(t_everything_goes, teardown),
		cmocka_unit_test_teardown(t_source_is_part_of_key, teardown),
		cmocka_unit_test_teardown(t_bad_views, teardown),
	};

	return cmocka_run_group_tests_name("agent-diff", tests, NULL, NULL);
}
