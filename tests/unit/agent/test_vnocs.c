// SPDX-License-Identifier: GPL-2.0
/* Failover between several VNOCs: which URL is current, and the backoff. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "vnocs.h"

/* a failure moves on, round the list; a success ends the run */
static void t_round(void **s)
{
	struct vnocs v;

	vnocs_init(&v, 3);
	assert_int_equal(v.cur, 0);
	assert_true(vnocs_failed(&v, 0));
	assert_int_equal(v.cur, 1);
	assert_true(vnocs_failed(&v, 1));
	assert_true(vnocs_failed(&v, 2));
	assert_int_equal(v.cur, 0);
	assert_int_equal(v.fails, 3);
	assert_int_equal(v.failovers, 3);
	vnocs_ok(&v, 0);
	assert_int_equal(v.fails, 0);
	/* sticky: a working VNOC is kept, the first is not preferred */
	assert_true(vnocs_failed(&v, 0));
	vnocs_ok(&v, 1);
	assert_int_equal(v.cur, 1);
	assert_int_equal(v.fails, 0);
}

/* both threads see one outage: the second report must not skip a URL */
static void t_same_outage_once(void **s)
{
	struct vnocs v;

	vnocs_init(&v, 3);
	assert_true(vnocs_failed(&v, 0));	/* poll thread */
	assert_false(vnocs_failed(&v, 0));	/* ops thread, same URL */
	assert_int_equal(v.cur, 1);
	assert_int_equal(v.fails, 1);
	assert_int_equal(v.failovers, 1);
	/* a late success from the old URL does not end the new run */
	assert_true(vnocs_failed(&v, 1));
	vnocs_ok(&v, 0);
	assert_int_equal(v.fails, 2);
}

/* one URL: failures count, nothing moves (haproxy in front does that) */
static void t_single(void **s)
{
	struct vnocs v;

	vnocs_init(&v, 1);
	assert_false(vnocs_failed(&v, 0));
	assert_false(vnocs_failed(&v, 0));
	assert_int_equal(v.cur, 0);
	assert_int_equal(v.fails, 2);
	assert_int_equal(v.failovers, 0);
}

/* min while the round has untried URLs, doubling per round, capped */
static void t_backoff(void **s)
{
	/* rnd 0: the lower end, d/2; rnd d/2: the whole delay d */
	assert_int_equal(vnocs_backoff_ms(1, 2, 1000, 60000, 0), 500);
	assert_int_equal(vnocs_backoff_ms(1, 2, 1000, 60000, 500), 1000);
	assert_int_equal(vnocs_backoff_ms(2, 2, 1000, 60000, 500), 1000);
	assert_int_equal(vnocs_backoff_ms(3, 2, 1000, 60000, 1000), 2000);
	assert_int_equal(vnocs_backoff_ms(5, 2, 1000, 60000, 2000), 4000);
	assert_int_equal(vnocs_backoff_ms(5, 2, 1000, 60000, 0), 2000);
	/* one URL: the backoff the agent always had */
	assert_int_equal(vnocs_backoff_ms(1, 1, 1000, 60000, 500), 1000);
	assert_int_equal(vnocs_backoff_ms(2, 1, 1000, 60000, 1000), 2000);
	assert_int_equal(vnocs_backoff_ms(3, 1, 1000, 60000, 2000), 4000);
	/* capped, however long the outage */
	assert_int_equal(vnocs_backoff_ms(UINT32_MAX, 1, 1000, 60000,
					  UINT32_MAX), 60000 / 2 +
			 UINT32_MAX % 30001);
	assert_true(vnocs_backoff_ms(UINT32_MAX, 3, 1000, 60000, 7) <= 60000);
	/* a max below min is min */
	assert_int_equal(vnocs_backoff_ms(9, 1, 5000, 1000, 0), 2500);
}

/* the jitter covers the upper half, every value in it */
static void t_jitter_range(void **s)
{
	uint32_t r;
	uint64_t lo = UINT64_MAX, hi = 0, d;

	for (r = 0; r < 5000; r++) {
		d = vnocs_backoff_ms(4, 1, 1000, 60000, r);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_int_equal(lo, 4000);
	assert_int_equal(hi, 8000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_round),
		cmocka_unit_test(t_same_outage_once),
		cmocka_unit_test(t_single),
		cmocka_unit_test(t_backoff),
		cmocka_unit_test(t_jitter_range),
	};

	return cmocka_run_group_tests_name("agent-vnocs", tests, NULL, NULL);
}
