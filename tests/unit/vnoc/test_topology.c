// SPDX-License-Identifier: GPL-2.0
/* Unit tests: star, reflector and tree topologies and their bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "topology.h"

static const struct vnoc_topo_params params = {
	.default_fanout = 4, .max_depth = 3, .seed = 0,
};

/* Walks the distribution from the origin: every receiver reached exactly
 * once, deliver_local exactly at receivers, no site twice. */
static void check_reaches(const struct vnoc_topo *t, uint32_t origin,
			  const uint32_t *recv, size_t nrecv,
			  unsigned max_fanout_nonorigin, unsigned max_depth)
{
	size_t i, j, reached = 0;
	unsigned *seen = calloc(t->n, sizeof(*seen));

	assert_non_null(seen);
	assert_true(t->n >= 1);
	assert_int_equal(t->e[0].site, origin);
	assert_false(t->e[0].deliver_local);
	for (i = 0; i < t->n; i++) {
		const struct vnoc_topo_entry *e = &t->e[i];

		for (j = 0; j < i; j++)
			assert_int_not_equal(t->e[j].site, e->site);
		if (i && max_fanout_nonorigin)
			assert_true(e->nnexthops <= max_fanout_nonorigin);
		if (max_depth)
			assert_true(e->depth <= max_depth);
		for (j = 0; j < e->nnexthops; j++) {
			const struct vnoc_topo_entry *c =
				vnoc_topo_find(t, e->nexthops[j]);

			assert_non_null(c);
			assert_int_equal(c->parent, e->site);
			assert_int_equal(c->depth, e->depth + 1);
			seen[c - t->e]++;
		}
	}
	for (i = 1; i < t->n; i++)
		assert_int_equal(seen[i], 1);
	for (i = 0; i < nrecv; i++) {
		const struct vnoc_topo_entry *e;

		if (recv[i] == origin)
			continue;
		e = vnoc_topo_find(t, recv[i]);
		assert_non_null(e);
		assert_true(e->deliver_local);
		reached++;
	}
	/* nobody delivers who did not ask */
	for (i = 1; i < t->n; i++)
		if (t->e[i].deliver_local) {
			bool asked = false;

			for (j = 0; j < nrecv; j++)
				asked |= recv[j] == t->e[i].site;
			assert_true(asked);
		}
	(void)reached;
	free(seen);
}

static void test_star(void **state)
{
	uint32_t recv[] = { 5, 2, 9, 1 };
	struct vnoc_topo t;

	assert_int_equal(vnoc_topo_compute(VNOC_MODE_STAR, 1, recv, 4, NULL, 0,
					   &params, &t), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.e[0].nnexthops, 3);	/* the origin is skipped */
	check_reaches(&t, 1, recv, 4, 0, 1);
	vnoc_topo_free(&t);
}

static void test_no_receivers(void **state)
{
	struct vnoc_topo t;

	assert_int_equal(vnoc_topo_compute(VNOC_MODE_TREE, 3, NULL, 0, NULL, 0,
					   &params, &t), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.e[0].site, 3);
	assert_int_equal(t.e[0].nnexthops, 0);
	vnoc_topo_free(&t);
}

static void test_reflector(void **state)
{
	uint32_t recv[] = { 2, 3, 4, 5, 6 };
	struct vnoc_relay relays[] = {
		{ .site = 100, .reflector = true, .fanout = 10 },
	};
	struct vnoc_topo t;

	assert_int_equal(vnoc_topo_compute(VNOC_MODE_REFLECTOR, 1, recv, 5,
					   relays, 1, &params, &t), 0);
	check_reaches(&t, 1, recv, 5, 10, 2);
	assert_int_equal(t.e[0].nnexthops, 1);
	assert_int_equal(t.e[0].nexthops[0], 100);
	assert_false(vnoc_topo_find(&t, 100)->deliver_local);
	assert_int_equal(vnoc_topo_find(&t, 100)->nnexthops, 5);
	assert_int_equal(t.overflow, 0);
	vnoc_topo_free(&t);
}

static void test_reflector_fanout_and_fallback(void **state)
{
	uint32_t recv[] = { 2, 3, 4, 5, 6, 7, 8 };
	struct vnoc_relay relays[] = {
		{ .site = 3, .reflector = true, .fanout = 2 },
		{ .site = 100, .reflector = true, .fanout = 3 },
	};
	struct vnoc_topo t;

	assert_int_equal(vnoc_topo_compute(VNOC_MODE_REFLECTOR, 1, recv, 7,
					   relays, 2, &params, &t), 0);
	check_reaches(&t, 1, recv, 7, 3, 2);
	/* 3 is a reflector and a receiver: delivers and reflects */
	assert_true(vnoc_topo_find(&t, 3)->deliver_local);
	assert_true(vnoc_topo_find(&t, 3)->nnexthops <= 2);
	assert_true(vnoc_topo_find(&t, 100)->nnexthops <= 3);
	/* 6 receivers besides 3, 5 slots: one is sent to by the origin */
	assert_int_equal(t.overflow, 1);
	vnoc_topo_free(&t);

	/* no reflector accredited: star */
	assert_int_equal(vnoc_topo_compute(VNOC_MODE_REFLECTOR, 1, recv, 7,
					   NULL, 0, &params, &t), 0);
	assert_int_equal(t.e[0].nnexthops, 7);
	assert_int_equal(t.overflow, 0);
	vnoc_topo_free(&t);
}

static void test_tree_bounds(void **state)
{
	uint32_t recv[40];
	struct vnoc_relay relays[12];
	struct vnoc_topo t;
	size_t i;

	for (i = 0; i < 40; i++)
		recv[i] = i + 2;
	/* 8 receiving relays, 4 relays that receive nothing */
	for (i = 0; i < 12; i++) {
		relays[i] = (struct vnoc_relay){
			.site = i < 8 ? i + 2 : 1000 + i, .relay = true,
			.fanout = 4,
		};
	}
	assert_int_equal(vnoc_topo_compute(VNOC_MODE_TREE, 1, recv, 40, relays,
					   12, &params, &t), 0);
	check_reaches(&t, 1, recv, 40, 4, 3);
	assert_true(t.e[0].nnexthops <= 4);
	assert_int_equal(t.overflow, 0);
	vnoc_topo_free(&t);
}

static void test_tree_prunes_idle_relays(void **state)
{
	uint32_t recv[] = { 2, 3 };
	struct vnoc_relay relays[] = {
		{ .site = 50, .relay = true, .fanout = 8 },
		{ .site = 51, .relay = true, .fanout = 8 },
	};
	struct vnoc_topo t;

	assert_int_equal(vnoc_topo_compute(VNOC_MODE_TREE, 1, recv, 2, relays,
					   2, &params, &t), 0);
	/* origin's own fan-out suffices: no relay is used */
	assert_int_equal(t.n, 3);
	assert_null(vnoc_topo_find(&t, 50));
	assert_null(vnoc_topo_find(&t, 51));
	vnoc_topo_free(&t);
}

static void test_tree_overflow(void **state)
{
	struct vnoc_topo_params p = { .default_fanout = 2, .max_depth = 2 };
	uint32_t recv[10];
	struct vnoc_relay relays[] = {
		{ .site = 2, .relay = true, .fanout = 2 },
	};
	struct vnoc_topo t;
	size_t i;

	for (i = 0; i < 10; i++)
		recv[i] = i + 2;
	/* capacity: origin 2 slots, relay 2 adds 2: 4 of 10 reachable */
	assert_int_equal(vnoc_topo_compute(VNOC_MODE_TREE, 1, recv, 10, relays,
					   1, &p, &t), 0);
	check_reaches(&t, 1, recv, 10, 2, 2);
	assert_int_equal(t.overflow, 6);
	vnoc_topo_free(&t);
}

static void test_tree_10k(void **state)
{
	struct vnoc_topo_params p = { .default_fanout = 16, .max_depth = 4 };
	enum { N = 10000, R = 1000 };
	uint32_t *recv = calloc(N, sizeof(*recv));
	struct vnoc_relay *relays = calloc(R, sizeof(*relays));
	struct timespec a, b;
	struct vnoc_topo t;
	double ms;
	size_t i;

	assert_non_null(recv);
	assert_non_null(relays);
	for (i = 0; i < N; i++)
		recv[i] = i + 2;
	for (i = 0; i < R; i++)
		relays[i] = (struct vnoc_relay){ .site = (i * 7) + 2,
						 .relay = true, .fanout = 16 };
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(vnoc_topo_compute(VNOC_MODE_TREE, 1, recv, N, relays,
					   R, &p, &t), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
	print_message("tree of %d sites computed in %.1f ms\n", N, ms);
	assert_true(ms < 500);
	check_reaches(&t, 1, recv, N, 16, 4);
	assert_int_equal(t.overflow, 0);
	vnoc_topo_free(&t);

	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(vnoc_topo_compute(VNOC_MODE_STAR, 1, recv, N, NULL, 0,
					   &p, &t), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
	assert_true(ms < 500);
	assert_int_equal(t.e[0].nnexthops, N);
	vnoc_topo_free(&t);
	free(recv);
	free(relays);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_star),
		cmocka_unit_test(test_no_receivers),
		cmocka_unit_test(test_reflector),
		cmocka_unit_test(test_reflector_fanout_and_fallback),
		cmocka_unit_test(test_tree_bounds),
		cmocka_unit_test(test_tree_prunes_idle_relays),
		cmocka_unit_test(test_tree_overflow),
		cmocka_unit_test(test_tree_10k),
	};

	return cmocka_run_group_tests_name("vnoc_topology", tests, NULL, NULL);
}
