// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the rate limit on audit records of denied joins. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "denylimit.h"

/* Denials of one site at t: how many would be audited. */
static unsigned hits(struct vnoc_deny_limit *l, uint32_t site, int64_t t,
		     unsigned n, struct vnoc_deny_summary *prev)
{
	struct vnoc_deny_summary p;
	unsigned audited = 0, i;

	prev->suppressed = 0;
	for (i = 0; i < n; i++) {
		if (vnoc_deny_limit_hit(l, site, t, &p))
			audited++;
		if (p.suppressed)
			*prev = p;
	}
	return audited;
}

static void test_limit_per_window(void **state)
{
	struct vnoc_deny_limit l;
	struct vnoc_deny_summary prev;

	vnoc_deny_limit_init(&l, 3, 60);
	assert_int_equal(hits(&l, 7, 1000, 20, &prev), 3);
	assert_int_equal(prev.suppressed, 0);
	/* still the same window a second before its end */
	assert_int_equal(hits(&l, 7, 1059, 5, &prev), 0);
	/* the next window audits again and hands over the count first */
	assert_int_equal(hits(&l, 7, 1060, 1, &prev), 1);
	assert_int_equal(prev.site, 7);
	assert_int_equal(prev.suppressed, 22);
	assert_int_equal(prev.from, 1000);
	assert_int_equal(prev.to, 1059);
	assert_int_equal(hits(&l, 7, 1061, 2, &prev), 2);
	assert_int_equal(hits(&l, 7, 1062, 1, &prev), 0);
	vnoc_deny_limit_free(&l);
}

static void test_sites_independent(void **state)
{
	struct vnoc_deny_limit l;
	struct vnoc_deny_summary prev;
	uint32_t s;

	vnoc_deny_limit_init(&l, 2, 10);
	/* many sites, inserted out of order: each has its own budget */
	for (s = 100; s > 0; s--)
		assert_int_equal(hits(&l, s * 7919 % 1000, 5, 1, &prev), 1);
	assert_int_equal(hits(&l, 3, 5, 10, &prev), 1);
	assert_int_equal(hits(&l, 4, 5, 10, &prev), 2);
	assert_int_equal(hits(&l, 3, 6, 1, &prev), 0);
	vnoc_deny_limit_free(&l);
}

static void test_expire(void **state)
{
	struct vnoc_deny_summary out[2], prev;
	struct vnoc_deny_limit l;

	vnoc_deny_limit_init(&l, 1, 10);
	hits(&l, 1, 100, 5, &prev);	/* 4 suppressed */
	hits(&l, 2, 100, 1, &prev);	/* none suppressed */
	hits(&l, 3, 105, 3, &prev);	/* 2, window ends at 115 */
	hits(&l, 4, 100, 2, &prev);	/* 1 */
	/* nothing ended yet */
	assert_int_equal(vnoc_deny_limit_expire(&l, 109, out, 2), 0);
	assert_int_equal(l.n, 4);
	/* two summaries fit; the window of 2 is forgotten silently */
	assert_int_equal(vnoc_deny_limit_expire(&l, 110, out, 2), 2);
	assert_int_equal(out[0].site, 1);
	assert_int_equal(out[0].suppressed, 4);
	assert_int_equal(out[1].site, 4);
	assert_int_equal(out[1].suppressed, 1);
	assert_int_equal(l.n, 1);
	/* an expired count is not handed over twice */
	assert_true(vnoc_deny_limit_hit(&l, 1, 111, &prev));
	assert_int_equal(prev.suppressed, 0);
	/* shutdown: everything, room permitting, the rest on the next call */
	hits(&l, 1, 111, 3, &prev);
	assert_int_equal(vnoc_deny_limit_expire(&l, INT64_MAX, out, 1), 1);
	assert_int_equal(vnoc_deny_limit_expire(&l, INT64_MAX, out, 1), 1);
	assert_int_equal(vnoc_deny_limit_expire(&l, INT64_MAX, out, 1), 0);
	assert_int_equal(l.n, 0);
	vnoc_deny_limit_free(&l);
}

static void test_clock_back_and_no_limit(void **state)
{
	struct vnoc_deny_summary prev;
	struct vnoc_deny_limit l;

	vnoc_deny_limit_init(&l, 1, 3600);
	hits(&l, 9, 5000, 3, &prev);
	/* the clock stepped back: a new window, not an hour of silence */
	assert_int_equal(hits(&l, 9, 4000, 1, &prev), 1);
	assert_int_equal(prev.suppressed, 2);
	vnoc_deny_limit_free(&l);

	vnoc_deny_limit_init(&l, 0, 60);	/* 0: audit every denial */
	assert_int_equal(hits(&l, 9, 1, 1000, &prev), 1000);
	assert_int_equal(l.n, 0);
	vnoc_deny_limit_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_per_window),
		cmocka_unit_test(test_sites_independent),
		cmocka_unit_test(test_expire),
		cmocka_unit_test(test_clock_back_and_no_limit),
	};

	return cmocka_run_group_tests_name("denylimit", tests, NULL, NULL);
}
