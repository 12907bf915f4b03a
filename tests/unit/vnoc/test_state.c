// SPDX-License-Identifier: GPL-2.0
/* Unit tests: memberships, per-site routes and view versions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "state.h"

static const struct vnoc_topo_params params = {
	.default_fanout = 8, .max_depth = 4,
};

static struct vnoc_addr A(const char *s)
{
	struct vnoc_addr a;

	assert_int_equal(vnoc_addr_parse(s, &a), 0);
	return a;
}

static int setup(void **state)
{
	static struct vnoc_state st;
	struct vnoc_policy p = { .vpn = 1, .roles = VNOC_POLICY_SEND |
				 VNOC_POLICY_RECEIVE };
	char name[32], addr[32];
	uint32_t i;

	vnoc_state_init(&st, &params);
	for (i = 1; i <= 6; i++) {
		snprintf(name, sizeof(name), "site%u", i);
		snprintf(addr, sizeof(addr), "192.0.2.%u", i);
		assert_int_equal(vnoc_site_add(&st, i, name, addr, 4789,
					       "key"), 0);
	}
	assert_int_equal(vnoc_prefix_parse("239.0.0.0/8", &p.prefix, &p.plen), 0);
	assert_int_equal(vnoc_policy_add(&st, &p), 0);
	*state = &st;
	return 0;
}

static int teardown(void **state)
{
	vnoc_state_free(*state);
	return 0;
}

static int join(struct vnoc_state *st, uint32_t site, const char *group,
		enum vnoc_role role)
{
	struct vnoc_addr g = A(group);
	char why[128];
	bool noop;
	int err;

	err = vnoc_join_check(st, site, 1, &g, role, NULL, 0, &noop, why,
			      sizeof(why));
	if (err)
		return err;
	return vnoc_join(st, site, 1, &g, role, NULL, 0);
}

/* The site's agent applied its current view (its next GetState says so). */
static void ack(struct vnoc_state *st, uint32_t site)
{
	vnoc_applied(st, site, vnoc_site_find(st, site)->view_version);
}

static const struct vnoc_route *route(struct vnoc_state *st, uint32_t site,
				      const char *group, uint32_t origin)
{
	struct vnoc_addr g = A(group);

	return vnoc_route_find(st, site, 1, &g, NULL, origin);
}

static void test_star_routes_and_peers(void **state)
{
	struct vnoc_state *st = *state;
	const struct vnoc_route *r;
	struct vnoc_view v;

	assert_int_equal(join(st, 1, "239.1.1.1", VNOC_ROLE_SENDER), 0);
	assert_int_equal(join(st, 2, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	assert_int_equal(join(st, 3, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	r = route(st, 1, "239.1.1.1", 1);
	assert_non_null(r);
	assert_false(r->deliver_local);
	assert_int_equal(r->nnexthops, 2);
	assert_int_equal(r->nexthops[0], 2);
	assert_int_equal(r->nexthops[1], 3);
	r = route(st, 2, "239.1.1.1", 1);
	assert_non_null(r);
	assert_true(r->deliver_local);
	assert_int_equal(r->nnexthops, 0);
	assert_null(route(st, 4, "239.1.1.1", 1));

	ack(st, 2);
	ack(st, 3);
	assert_int_equal(vnoc_view_get(st, 1, &v), 0);
	assert_int_equal(v.nroutes, 1);
	assert_int_equal(v.npeers, 2);
	assert_int_equal(v.peers[0]->id, 2);
	assert_string_equal(v.peers[1]->address, "192.0.2.3");
	vnoc_view_free(&v);
	assert_int_equal(vnoc_view_get(st, 3, &v), 0);
	assert_int_equal(v.npeers, 1);
	assert_int_equal(v.peers[0]->id, 1);
	vnoc_view_free(&v);
}

static void test_versions_only_for_changed_sites(void **state)
{
	struct vnoc_state *st = *state;
	uint64_t v1, v2, v4, v5;

	assert_int_equal(join(st, 1, "239.1.1.1", VNOC_ROLE_SENDER), 0);
	assert_int_equal(join(st, 2, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	v1 = vnoc_site_find(st, 1)->view_version;
	v2 = vnoc_site_find(st, 2)->view_version;
	v4 = vnoc_site_find(st, 4)->view_version;
	v5 = vnoc_site_find(st, 5)->view_version;
	/* unrelated group: only 4 and 5 change */
	assert_int_equal(join(st, 4, "239.2.2.2", VNOC_ROLE_SENDER), 0);
	assert_int_equal(join(st, 5, "239.2.2.2", VNOC_ROLE_RECEIVER), 0);
	assert_int_equal(vnoc_site_find(st, 1)->view_version, v1);
	assert_int_equal(vnoc_site_find(st, 2)->view_version, v2);
	assert_true(vnoc_site_find(st, 4)->view_version > v4);
	assert_true(vnoc_site_find(st, 5)->view_version > v5);
	assert_int_equal(st->nchanged, 1);	/* 5 a route (4 waits for it) */
	ack(st, 5);
	assert_int_equal(st->nchanged, 1);	/* 4 its next hop */
	assert_int_equal(st->changed[0], 4);
	/* a new receiver changes its own view, and once it has applied it,
	 * the sender's view only */
	ack(st, 2);
	v1 = vnoc_site_find(st, 1)->view_version;
	assert_int_equal(join(st, 3, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	assert_int_equal(st->nchanged, 1);
	assert_int_equal(vnoc_site_find(st, 3)->view_version, st->version);
	assert_int_equal(vnoc_site_find(st, 1)->view_version, v1);
	ack(st, 3);
	assert_int_equal(st->nchanged, 1);
	assert_true(vnoc_site_find(st, 1)->view_version > v1);
	assert_int_equal(vnoc_site_find(st, 2)->view_version, v2);
}

static bool view_has_nexthop(struct vnoc_state *st, uint32_t site,
			     uint32_t nh, bool *peer)
{
	struct vnoc_view v;
	bool found = false;
	size_t i;
	unsigned k;

	assert_int_equal(vnoc_view_get(st, site, &v), 0);
	for (i = 0; i < v.nroutes; i++)
		for (k = 0; k < v.routes[i].nnexthops; k++)
			found |= v.routes[i].nexthops[k] == nh;
	*peer = false;
	for (i = 0; i < v.npeers; i++)
		*peer |= v.peers[i]->id == nh;
	vnoc_view_free(&v);
	return found;
}

/* The sender sends to a receiver only once the receiver has applied the
 * view that gives it the route and the sender's address: earlier copies
 * would be dropped there as from an unknown site. */
static void test_nexthop_waits_for_applied(void **state)
{
	struct vnoc_state *st = *state;
	uint64_t v1, v2;
	bool peer;

	assert_int_equal(join(st, 1, "239.1.1.1", VNOC_ROLE_SENDER), 0);
	v1 = vnoc_site_find(st, 1)->view_version;
	assert_int_equal(join(st, 2, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	v2 = vnoc_site_find(st, 2)->view_version;
	/* the route is computed (usage for it is accepted) ... */
	assert_int_equal(route(st, 1, "239.1.1.1", 1)->nnexthops, 1);
	/* ... but the sender's view does not have it yet, nor the peer */
	assert_false(view_has_nexthop(st, 1, 2, &peer));
	assert_false(peer);
	assert_int_equal(vnoc_site_find(st, 1)->view_version, v1);
	/* an older version applied proves nothing, nor one never given */
	assert_false(vnoc_applied_wakes(st, 2, v2 - 1));
	assert_false(vnoc_applied_wakes(st, 2, v2 + 1));
	vnoc_applied(st, 2, v2 + 1);
	assert_int_equal(vnoc_site_find(st, 2)->applied, 0);
	assert_true(vnoc_applied_wakes(st, 2, v2));
	vnoc_applied(st, 2, v2);
	assert_int_equal(st->nchanged, 1);
	assert_int_equal(st->changed[0], 1);
	assert_true(vnoc_site_find(st, 1)->view_version > v1);
	assert_true(view_has_nexthop(st, 1, 2, &peer));
	assert_true(peer);
	/* applied again: nothing more to publish */
	assert_false(vnoc_applied_wakes(st, 2, v2));
	/* a change elsewhere in the receiver's view keeps the next hop */
	assert_int_equal(join(st, 2, "239.5.5.5", VNOC_ROLE_SENDER), 0);
	assert_true(view_has_nexthop(st, 1, 2, &peer));
	/* a second receiver waits on its own */
	assert_int_equal(join(st, 3, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	assert_false(view_has_nexthop(st, 1, 3, &peer));
	assert_true(view_has_nexthop(st, 1, 2, &peer));
	/* after a restart every computed route counts as published */
	assert_int_equal(vnoc_state_recompute_all(st), 0);
	assert_true(view_has_nexthop(st, 1, 3, &peer));
}

static void test_join_idempotent_and_denied(void **state)
{
	struct vnoc_state *st = *state;
	struct vnoc_addr g = A("239.1.1.1"), h = A("238.1.1.1");
	struct vnoc_addr u = A("10.0.0.1");
	char why[128];
	bool noop;
	uint64_t ver;

	assert_int_equal(join(st, 2, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	assert_int_equal(vnoc_join_check(st, 2, 1, &g, VNOC_ROLE_RECEIVER,
					 NULL, 0, &noop, why, sizeof(why)), 0);
	assert_true(noop);
	ver = st->version;
	assert_int_equal(vnoc_join(st, 2, 1, &g, VNOC_ROLE_RECEIVER, NULL, 0), 0);
	assert_int_equal(st->version, ver);
	assert_int_equal(vnoc_group_find(st, 1, &g)->nmembers, 1);

	assert_int_equal(vnoc_join_check(st, 2, 1, &h, VNOC_ROLE_RECEIVER,
					 NULL, 0, &noop, why, sizeof(why)),
			 -EACCES);
	assert_non_null(strstr(why, "no policy"));
	assert_int_equal(vnoc_join_check(st, 2, 2, &g, VNOC_ROLE_RECEIVER,
					 NULL, 0, &noop, why, sizeof(why)),
			 -EACCES);
	assert_int_equal(vnoc_join_check(st, 2, 1, &u, VNOC_ROLE_RECEIVER,
					 NULL, 0, &noop, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(vnoc_join_check(st, 99, 1, &g, VNOC_ROLE_RECEIVER,
					 NULL, 0, &noop, why, sizeof(why)),
			 -ENOENT);
}

static void test_leave_and_policy_removal(void **state)
{
	struct vnoc_state *st = *state;
	struct vnoc_addr g = A("239.1.1.1");

	assert_int_equal(join(st, 1, "239.1.1.1", VNOC_ROLE_SENDER), 0);
	assert_int_equal(join(st, 2, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	assert_int_equal(route(st, 1, "239.1.1.1", 1)->nnexthops, 1);
	assert_int_equal(vnoc_leave(st, 2, 1, &g, VNOC_ROLE_RECEIVER), 1);
	assert_int_equal(vnoc_leave(st, 2, 1, &g, VNOC_ROLE_RECEIVER), 0);
	assert_int_equal(route(st, 1, "239.1.1.1", 1)->nnexthops, 0);
	assert_null(route(st, 2, "239.1.1.1", 1));

	assert_int_equal(join(st, 2, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	assert_int_equal(vnoc_policy_remove(st, 1), 0);
	/* memberships stay, routes go */
	assert_int_equal(vnoc_group_find(st, 1, &g)->nmembers, 2);
	assert_null(route(st, 1, "239.1.1.1", 1));
	assert_int_equal(vnoc_policy_remove(st, 1), -ENOENT);
}

static void test_ssm_routes(void **state)
{
	struct vnoc_state *st = *state;
	struct vnoc_addr g = A("239.5.5.5");
	struct vnoc_addr s1[] = { A("10.1.0.1"), A("10.1.0.2") };
	struct vnoc_addr s2 = A("10.1.0.2");
	const struct vnoc_route *r;

	assert_int_equal(vnoc_join(st, 1, 1, &g, VNOC_ROLE_SENDER, s1, 2), 0);
	assert_int_equal(vnoc_join(st, 2, 1, &g, VNOC_ROLE_RECEIVER, NULL, 0), 0);
	assert_int_equal(vnoc_join(st, 3, 1, &g, VNOC_ROLE_RECEIVER, &s2, 1), 0);
	/* (*,G) only to the any-source receiver */
	r = route(st, 1, "239.5.5.5", 1);
	assert_int_equal(r->nnexthops, 1);
	assert_int_equal(r->nexthops[0], 2);
	/* (S,G) for 10.1.0.2 to both; none for 10.1.0.1 */
	r = vnoc_route_find(st, 1, 1, &g, &s2, 1);
	assert_non_null(r);
	assert_int_equal(r->nnexthops, 2);
	assert_null(vnoc_route_find(st, 1, 1, &g, &s1[0], 1));
	assert_non_null(vnoc_route_find(st, 3, 1, &g, &s2, 1));
	assert_null(route(st, 3, "239.5.5.5", 1));
}

/* A sender site reports only the sources it saw first: an SSM receiver of a
 * source nobody reported is served by the (*,G) tree, not left out. */
static void test_ssm_unreported_source(void **state)
{
	struct vnoc_state *st = *state;
	struct vnoc_addr g = A("239.6.6.6");
	struct vnoc_addr seen = A("10.1.0.3");
	struct vnoc_addr wanted = A("10.1.0.2");
	const struct vnoc_route *r;

	assert_int_equal(vnoc_join(st, 1, 1, &g, VNOC_ROLE_SENDER, &seen, 1), 0);
	assert_int_equal(vnoc_join(st, 3, 1, &g, VNOC_ROLE_RECEIVER, &wanted, 1),
			 0);
	r = vnoc_route_find(st, 1, 1, &g, NULL, 1);
	assert_non_null(r);
	assert_int_equal(r->nnexthops, 1);
	assert_int_equal(r->nexthops[0], 3);
	assert_null(vnoc_route_find(st, 1, 1, &g, &seen, 1));
	assert_non_null(vnoc_route_find(st, 3, 1, &g, NULL, 1));
}

static void test_site_update_wakes_peers(void **state)
{
	struct vnoc_state *st = *state;
	uint64_t v1, v5;

	assert_int_equal(join(st, 1, "239.1.1.1", VNOC_ROLE_SENDER), 0);
	assert_int_equal(join(st, 2, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	v1 = vnoc_site_find(st, 1)->view_version;
	v5 = vnoc_site_find(st, 5)->view_version;
	assert_int_equal(vnoc_site_update(st, 2, "site2", "198.51.100.2", 4790,
					  "newkey"), 0);
	assert_true(vnoc_site_find(st, 1)->view_version > v1);
	assert_int_equal(vnoc_site_find(st, 5)->view_version, v5);
	assert_int_equal(vnoc_site_update(st, 2, "site3", "198.51.100.2", 1,
					  NULL), -EEXIST);
	assert_int_equal(vnoc_site_add(st, 7, "x", "239.1.1.1", 1, NULL),
			 -EINVAL);
	assert_int_equal(vnoc_site_add(st, 0, "x", "10.0.0.1", 1, NULL),
			 -EINVAL);

	assert_int_equal(vnoc_site_remove(st, 2), 0);
	assert_int_equal(route(st, 1, "239.1.1.1", 1)->nnexthops, 0);
	assert_null(vnoc_site_find(st, 2));
}

static void test_modes(void **state)
{
	struct vnoc_state *st = *state;
	struct vnoc_addr g = A("239.9.9.9");
	const struct vnoc_route *r;
	uint32_t i;

	assert_int_equal(vnoc_relay_set(st, 6, false, true, 10), 0);
	assert_int_equal(vnoc_mode_set(st, 1, NULL, VNOC_MODE_REFLECTOR), 0);
	assert_int_equal(vnoc_mode_of(st, 1, &g), VNOC_MODE_REFLECTOR);
	assert_int_equal(join(st, 1, "239.9.9.9", VNOC_ROLE_SENDER), 0);
	for (i = 2; i <= 5; i++)
		assert_int_equal(join(st, i, "239.9.9.9", VNOC_ROLE_RECEIVER), 0);
	r = route(st, 1, "239.9.9.9", 1);
	assert_int_equal(r->nnexthops, 1);
	assert_int_equal(r->nexthops[0], 6);
	r = route(st, 6, "239.9.9.9", 1);
	assert_false(r->deliver_local);
	assert_int_equal(r->nnexthops, 4);
	assert_int_equal(route(st, 3, "239.9.9.9", 1)->parent, 6);

	/* group rule overrides the VPN's */
	assert_int_equal(vnoc_mode_set(st, 1, &g, VNOC_MODE_STAR), 0);
	assert_int_equal(route(st, 1, "239.9.9.9", 1)->nnexthops, 4);
	assert_null(route(st, 6, "239.9.9.9", 1));
	assert_int_equal(vnoc_mode_clear(st, 1, &g), 0);
	assert_int_equal(route(st, 1, "239.9.9.9", 1)->nnexthops, 1);
}

static void test_reportable_routes(void **state)
{
	struct vnoc_state *st = *state;
	struct vnoc_addr g = A("239.1.1.1");
	uint32_t two = 2, three = 3;

	assert_int_equal(join(st, 1, "239.1.1.1", VNOC_ROLE_SENDER), 0);
	assert_int_equal(join(st, 2, "239.1.1.1", VNOC_ROLE_RECEIVER), 0);
	assert_true(vnoc_route_reportable(st, 1, 1, &g, NULL, 1, &two, 1));
	assert_true(vnoc_route_reportable(st, 2, 1, &g, NULL, 1, NULL, 0));
	assert_false(vnoc_route_reportable(st, 1, 1, &g, NULL, 1, &three, 1));
	/* another site's route, another origin, another VPN */
	assert_false(vnoc_route_reportable(st, 3, 1, &g, NULL, 1, NULL, 0));
	assert_false(vnoc_route_reportable(st, 2, 1, &g, NULL, 2, NULL, 0));
	assert_false(vnoc_route_reportable(st, 1, 2, &g, NULL, 1, NULL, 0));
	/* after the leave, the counters read before it still count */
	assert_int_equal(vnoc_leave(st, 2, 1, &g, VNOC_ROLE_RECEIVER), 1);
	assert_int_equal(route(st, 1, "239.1.1.1", 1)->nnexthops, 0);
	assert_true(vnoc_route_reportable(st, 1, 1, &g, NULL, 1, &two, 1));
	assert_true(vnoc_route_reportable(st, 2, 1, &g, NULL, 1, NULL, 0));
	assert_false(vnoc_route_reportable(st, 1, 1, &g, NULL, 1, &three, 1));
	assert_false(vnoc_route_reportable(st, 3, 1, &g, NULL, 1, NULL, 0));
}

static void test_reflector_stable(void **state)
{
	struct vnoc_state *st = *state;
	struct vnoc_addr g = A("239.9.9.8");

	/* reflectors 5 and 6 take two receivers each */
	assert_int_equal(vnoc_relay_set(st, 5, false, true, 2), 0);
	assert_int_equal(vnoc_relay_set(st, 6, false, true, 2), 0);
	assert_int_equal(vnoc_mode_set(st, 1, &g, VNOC_MODE_REFLECTOR), 0);
	assert_int_equal(join(st, 1, "239.9.9.8", VNOC_ROLE_SENDER), 0);
	assert_int_equal(join(st, 4, "239.9.9.8", VNOC_ROLE_RECEIVER), 0);
	assert_int_equal(join(st, 3, "239.9.9.8", VNOC_ROLE_RECEIVER), 0);
	/* 2 sorts before 3 and 4 but must not push them to other reflectors */
	assert_int_equal(join(st, 2, "239.9.9.8", VNOC_ROLE_RECEIVER), 0);
	assert_true(st->nchanged <= 3);	/* 2, its reflector, the origin */
	assert_non_null(route(st, 2, "239.9.9.8", 1));
	assert_true(route(st, 5, "239.9.9.8", 1)->nnexthops <= 2);
}

static void test_10k_sites_one_group(void **state)
{
	enum { N = 10000 };
	struct vnoc_topo_params p = { .default_fanout = 16, .max_depth = 4 };
	struct vnoc_policy pol = { .vpn = 1, .roles = VNOC_POLICY_SEND |
				   VNOC_POLICY_RECEIVE };
	struct vnoc_addr g = A("239.10.0.1");
	struct vnoc_state st;
	struct timespec a, b;
	char name[32], addr[32];
	uint32_t i;
	double ms;

	vnoc_state_init(&st, &p);
	st.loading = true;
	for (i = 1; i <= N; i++) {
		snprintf(name, sizeof(name), "s%u", i);
		snprintf(addr, sizeof(addr), "10.%u.%u.%u", i >> 16,
			 (i >> 8) & 255, i & 255);
		assert_int_equal(vnoc_site_add(&st, i, name, addr, 4789, NULL), 0);
		if (i % 10 == 0)
			assert_int_equal(vnoc_relay_set(&st, i, true, false, 16), 0);
	}
	assert_int_equal(vnoc_prefix_parse("239.0.0.0/8", &pol.prefix, &pol.plen), 0);
	assert_int_equal(vnoc_policy_add(&st, &pol), 0);
	assert_int_equal(vnoc_mode_set(&st, 1, NULL, VNOC_MODE_TREE), 0);
	for (i = 2; i < N; i++)
		assert_int_equal(vnoc_join(&st, i, 1, &g, VNOC_ROLE_RECEIVER,
					   NULL, 0), 0);
	st.loading = false;
	assert_int_equal(vnoc_state_recompute_all(&st), 0);

	/* the sender's join: one tree over 9998 receivers, every view changes */
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(vnoc_join(&st, 1, 1, &g, VNOC_ROLE_SENDER, NULL, 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
	print_message("join recomputing a 10k-site tree: %.1f ms\n", ms);
	assert_true(ms < 1000);
	assert_int_equal(st.nchanged, N - 1);
	assert_int_equal(vnoc_group_find(&st, 1, &g)->overflow, 0);
	assert_true(vnoc_route_find(&st, 1, 1, &g, NULL, 1)->nnexthops <= 16);
	/* one more receiver changes only itself and its parent, also when
	 * its id sorts before most others */
	assert_int_equal(vnoc_leave(&st, 3, 1, &g, VNOC_ROLE_RECEIVER), 1);
	assert_true(st.nchanged <= 2);
	assert_int_equal(vnoc_join(&st, 3, 1, &g, VNOC_ROLE_RECEIVER, NULL, 0), 0);
	assert_int_equal(st.nchanged, 1);	/* its parent once it applied */
	vnoc_applied(&st, 3, vnoc_site_find(&st, 3)->view_version);
	assert_int_equal(st.nchanged, 1);
	/* a new relay moves a few sites, not thousands */
	assert_int_equal(vnoc_join(&st, N, 1, &g, VNOC_ROLE_RECEIVER, NULL, 0), 0);
	print_message("a new receiving relay changed %zu views\n", st.nchanged);
	assert_true(st.nchanged <= 8);
	assert_int_equal(vnoc_group_find(&st, 1, &g)->overflow, 0);
	vnoc_state_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_star_routes_and_peers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_versions_only_for_changed_sites, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nexthop_waits_for_applied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_join_idempotent_and_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leave_and_policy_removal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssm_routes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssm_unreported_source, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_site_update_wakes_peers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reflector_stable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reportable_routes, setup, teardown),
		cmocka_unit_test(test_10k_sites_one_group),
	};

	return cmocka_run_group_tests_name("vnoc_state", tests, NULL, NULL);
}
