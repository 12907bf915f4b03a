// SPDX-License-Identifier: GPL-2.0
/*
 * Sender liveness (senders.h): counters of routes with next hops, and the
 * withhold-and-listen probe for local routes without next hops, on a fake
 * clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proto.h"
#include "senders.h"

#define LOCAL	1
#define SILENCE	30000
#define STEP	5000		/* counter_interval */

static struct groups G;
static struct senders S;
static struct ivgmp_route_info vr[2];	/* the VNOC's view */
static struct table view;
static struct ivgmp_nexthop_info nh = { .site = 2 };

static int setup(void **st)
{
	groups_init(&G, 100);
	senders_init(&S, SILENCE);
	memset(vr, 0, sizeof(vr));
	vr[0].vpn = 1;
	vr[0].origin = LOCAL;
	addr_parse("239.1.1.1", AF_INET, &vr[0].group);
	view.routes = vr;
	view.nroutes = 1;
	return 0;
}

static int teardown(void **st)
{
	senders_fini(&S);
	groups_fini(&G);
	return 0;
}

static struct ivgmp_addr A(const char *s)
{
	struct ivgmp_addr a;

	assert_int_equal(addr_parse(s, AF_UNSPEC, &a), 0);
	return a;
}

static bool sender_wanted(const char *group)
{
	struct ivgmp_addr g = A(group);
	struct in6_addr m;
	struct interest *in;

	mc_addr_from_v4(&m, g.v4.s_addr);
	in = groups_find(&G, 1, &m);
	return in && in->want[ROLE_SENDER].present;
}

/* NEW_SOURCE: the kernel has no route for the group (or it is withheld) */
static size_t event(const char *src, uint64_t now)
{
	const struct ivgmp_route_info *back[4];
	struct ivgmp_addr g = A("239.1.1.1"), s = A(src);
	bool fresh;
	int err;
	size_t n;

	n = senders_event(&S, &G, 1, &g, &s, now, back, 4, &err, &fresh);
	assert_int_equal(err, 0);
	return n;
}

/*
 * One counter scan at now: the kernel holds the view's routes that are not
 * withheld, with tx packets as given (shared by all, for simplicity).
 * Returns how many routes it asks to withhold.
 */
static size_t scan(uint64_t now, uint64_t tx_now, uint64_t tx_before)
{
	static struct ivgmp_route_info cur_r[2], last_r[2];
	struct table cur = { .routes = cur_r }, last = { .routes = last_r };
	const struct ivgmp_route_info **out;
	size_t i, n;

	for (i = 0; i < view.nroutes; i++) {
		if (senders_withheld(&S, &vr[i]))
			continue;
		cur_r[cur.nroutes] = vr[i];
		cur_r[cur.nroutes].stats.tx_packets = tx_now;
		last_r[last.nroutes] = vr[i];
		last_r[last.nroutes].stats.tx_packets = tx_before;
		cur.nroutes++;
		last.nroutes++;
	}
	assert_int_equal(senders_scan(&S, &G, &view, &cur, &last, LOCAL, now,
				      &out, &n), 0);
	free(out);
	return n;
}

static void tick(uint64_t now)
{
	groups_tick(&G, now);
}

/* The limit this fixes: a sender with no receivers stops; it must leave. */
static void t_quiet_sender_stops(void **st)
{
	uint64_t t;

	assert_int_equal(event("10.0.0.5", 0), 0);	/* no route yet */
	assert_true(sender_wanted("239.1.1.1"));
	/* the VNOC's route for it has no next hop: the kernel counts nothing */
	for (t = 0; t < SILENCE / 2; t += STEP)
		assert_int_equal(scan(t, 0, 0), 0);
	/* half the silence without a sign: withheld, to hear NEW_SOURCE */
	assert_int_equal(scan(SILENCE / 2, 0, 0), 1);
	assert_true(senders_withheld(&S, &vr[0]));
	/* no event comes: the sender lapses, LeaveGroup(sender) is due */
	for (t = SILENCE / 2 + STEP; t <= SILENCE; t += STEP) {
		scan(t, 0, 0);
		tick(t);
	}
	assert_false(sender_wanted("239.1.1.1"));
}

/* ... and one that still sends stays, at one event per half silence. */
static void t_quiet_sender_still_sends(void **st)
{
	uint64_t t, last_event = 0;

	event("10.0.0.5", 0);
	for (t = STEP; t <= 4 * SILENCE; t += STEP) {
		if (scan(t, 0, 0)) {
			/* its next packet raises NEW_SOURCE: route restored */
			assert_int_equal(event("10.0.0.5", t + 100), 1);
			assert_false(senders_withheld(&S, &vr[0]));
			assert_true(t + 100 - last_event <= SILENCE);
			last_event = t + 100;
		}
		tick(t + 200);
		assert_true(sender_wanted("239.1.1.1"));
	}
	assert_true(last_event > 3 * SILENCE);
}

/* After an agent restart the kernel's quiet route is the only sign. */
static void t_restart(void **st)
{
	assert_false(sender_wanted("239.1.1.1"));
	scan(0, 0, 0);
	assert_true(sender_wanted("239.1.1.1"));
	/* ... a sign, not proof: it is not extended, and lapses */
	scan(STEP, 0, 0);
	scan(SILENCE / 2, 0, 0);
	tick(SILENCE);
	assert_false(sender_wanted("239.1.1.1"));
}

/* Routes with next hops speak through their counters; never withheld. */
static void t_counted_route(void **st)
{
	uint64_t t;

	vr[0].nexthops = &nh;
	vr[0].n_nexthops = 1;
	event("10.0.0.5", 0);
	for (t = STEP; t <= 2 * SILENCE; t += STEP) {
		assert_int_equal(scan(t, t, t - STEP), 0);	/* moving */
		tick(t);
	}
	assert_true(sender_wanted("239.1.1.1"));
	assert_int_equal(senders_nwithheld(&S), 0);
	for (t = 2 * SILENCE + STEP; t <= 3 * SILENCE + STEP; t += STEP) {
		scan(t, 100, 100);				/* stopped */
		tick(t);
	}
	assert_false(sender_wanted("239.1.1.1"));
}

/* A withheld route that gains a next hop goes back at once. */
static void t_gains_nexthop(void **st)
{
	event("10.0.0.5", 0);
	scan(0, 0, 0);
	assert_int_equal(scan(SILENCE / 2, 0, 0), 1);
	vr[0].nexthops = &nh;
	vr[0].n_nexthops = 1;
	assert_false(senders_withheld(&S, &vr[0]));
	scan(SILENCE / 2 + STEP, 0, 0);
	assert_int_equal(senders_nwithheld(&S), 0);
	/* and one that leaves the view is forgotten */
	vr[0].n_nexthops = 0;
	vr[0].nexthops = NULL;
	scan(SILENCE, 0, 0);
	view.nroutes = 0;
	scan(SILENCE + STEP, 0, 0);
	assert_int_equal(S.nq, 0);
}

/*
 * The route goes in without a next hop late in the sender's silence (the
 * VNOC names the receiver only once it has applied its own view), and gains
 * it before it is withheld: the sender must still be there, its counters
 * speak from then on.
 */
static void t_nexthop_comes_late(void **st)
{
	uint64_t t, t1 = SILENCE - 2 * STEP;

	event("10.0.0.5", 0);		/* during an outage: no route */
	view.nroutes = 0;
	for (t = STEP; t < t1; t += STEP) {
		scan(t, 0, 0);
		tick(t);
	}
	view.nroutes = 1;		/* the route, no next hop yet */
	for (t = t1; t < t1 + SILENCE / 2 - STEP; t += STEP) {
		assert_int_equal(scan(t, 0, 0), 0);
		tick(t);
		assert_true(sender_wanted("239.1.1.1"));
	}
	vr[0].nexthops = &nh;		/* the receiver applied its view */
	vr[0].n_nexthops = 1;
	scan(t, 0, 0);
	tick(t);
	assert_true(sender_wanted("239.1.1.1"));
	scan(t + STEP, 100, 0);		/* copies counted */
	tick(t + STEP);
	tick(t + STEP + SILENCE - STEP);
	assert_true(sender_wanted("239.1.1.1"));
}

/* An (S,G) route comes back only for its own source. */
static void t_ssm_route(void **st)
{
	vr[0].source = A("10.0.0.5");
	vr[1] = vr[0];
	vr[1].group = A("239.1.1.2");
	view.nroutes = 2;
	event("10.0.0.5", 0);
	scan(0, 0, 0);
	assert_int_equal(scan(SILENCE / 2, 0, 0), 2);
	assert_int_equal(event("10.0.0.6", SILENCE / 2 + 1), 0);
	assert_true(senders_withheld(&S, &vr[0]));
	assert_int_equal(event("10.0.0.5", SILENCE / 2 + 2), 1);
	assert_false(senders_withheld(&S, &vr[0]));
	assert_true(senders_withheld(&S, &vr[1]));	/* another group */
}

/* (*,G) and (S,G) both withheld; a caller with room for one restores one,
 * and the other waits for the next event (never marked restored unseen). */
static void t_restore_room(void **st)
{
	const struct ivgmp_route_info *back[1];
	struct ivgmp_addr g = A("239.1.1.1"), src = A("10.0.0.5");
	bool fresh;
	int err;

	vr[1] = vr[0];
	vr[1].source = src;
	view.nroutes = 2;
	event("10.0.0.5", 0);
	scan(0, 0, 0);
	assert_int_equal(scan(SILENCE / 2, 0, 0), 2);
	assert_int_equal(senders_event(&S, &G, 1, &g, &src, SILENCE / 2 + 1,
				       back, 1, &err, &fresh), 1);
	assert_false(fresh);
	assert_int_equal(senders_nwithheld(&S), 1);
	assert_int_equal(event("10.0.0.5", SILENCE / 2 + 2), 1);
	assert_int_equal(senders_nwithheld(&S), 0);
}

/* Remote-origin routes are none of this. */
static void t_remote_route_ignored(void **st)
{
	vr[0].origin = 2;
	scan(0, 0, 0);
	assert_int_equal(scan(SILENCE, 0, 0), 0);
	assert_false(sender_wanted("239.1.1.1"));
	assert_int_equal(S.nq, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_quiet_sender_stops, setup, teardown),
		cmocka_unit_test_setup_teardown(t_nexthop_comes_late, setup, teardown),
		cmocka_unit_test_setup_teardown(t_quiet_sender_still_sends, setup, teardown),
		cmocka_unit_test_setup_teardown(t_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(t_counted_route, setup, teardown),
		cmocka_unit_test_setup_teardown(t_gains_nexthop, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ssm_route, setup, teardown),
		cmocka_unit_test_setup_teardown(t_restore_room, setup, teardown),
		cmocka_unit_test_setup_teardown(t_remote_route_ignored, setup, teardown),
	};

	return cmocka_run_group_tests_name("agent-senders", tests, NULL, NULL);
}
