// SPDX-License-Identifier: GPL-2.0
/* Site-wide interest: aggregation, expiry, and the VNOC request queue. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "groups.h"
#include "pkt.h"

static struct groups GS;

static uint32_t no_jitter(void)
{
	return 0;
}

static int setup(void **s)
{
	groups_init(&GS, 8);
	GS.rand = no_jitter;
	return 0;
}

static int teardown(void **s)
{
	groups_fini(&GS);
	return 0;
}

static struct in6_addr lan(uint32_t ifindex)
{
	struct in6_addr a;

	groups_who_ifindex(&a, ifindex);
	return a;
}

#define G1 v4("239.1.1.1")

static void t_asm_join_leave(void **s)
{
	struct in6_addr g = G1, w = lan(2);
	struct vnoc_req *r;

	assert_int_equal(groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER,
					    CONTRIB_LAN, &w, 0, 0, NULL), 0);
	r = groups_next_req(&GS, 100);
	assert_non_null(r);
	assert_true(r->join);
	assert_int_equal(r->role, ROLE_RECEIVER);
	assert_int_equal(r->vpn, 1);
	assert_int_equal(r->nsrc, 0);
	/* one in flight per (vpn, group, role) */
	assert_null(groups_next_req(&GS, 100));
	groups_req_done(&GS, r, REQ_OK, NULL, 100);
	vnoc_req_free(r);
	assert_null(groups_next_req(&GS, 100));
	assert_int_equal(groups_next_event(&GS), 0);

	assert_int_equal(groups_contrib_del(&GS, 1, &g, ROLE_RECEIVER,
					    CONTRIB_LAN, &w), 0);
	r = groups_next_req(&GS, 200);
	assert_non_null(r);
	assert_false(r->join);
	groups_req_done(&GS, r, REQ_OK, NULL, 200);
	vnoc_req_free(r);
	assert_int_equal(GS.count, 0);
	assert_int_equal(groups_contrib_del(&GS, 1, &g, ROLE_RECEIVER,
					    CONTRIB_LAN, &w), -ENOENT);
}

static void t_ssm_union_and_asm_wins(void **s)
{
	struct in6_addr g = v4("232.1.1.1"), a = lan(2), b = lan(3);
	struct in6_addr s1[2] = { v4("10.0.0.2"), v4("10.0.0.1") };
	struct in6_addr s2[1] = { v4("10.0.0.1") };
	struct interest *in;

	groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &a, 0, 2, s1);
	groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &b, 0, 1, s2);
	in = groups_find(&GS, 1, &g);
	assert_int_equal(in->want[ROLE_RECEIVER].nsrc, 2);	/* deduplicated */
	assert_memory_equal(&in->want[ROLE_RECEIVER].src[0], &s2[0], 16);
	/* an ASM member anywhere makes the site an any-source receiver */
	groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &b, 0, 0, NULL);
	assert_true(in->want[ROLE_RECEIVER].present);
	assert_int_equal(in->want[ROLE_RECEIVER].nsrc, 0);
}

static void t_coalesce_while_inflight(void **s)
{
	struct in6_addr g = G1, w = lan(2);
	struct vnoc_req *r;

	groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &w, 0, 0, NULL);
	r = groups_next_req(&GS, 0);
	/* member leaves and comes back while the join is in flight */
	groups_contrib_del(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &w);
	groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &w, 0, 0, NULL);
	groups_req_done(&GS, r, REQ_OK, NULL, 0);
	vnoc_req_free(r);
	assert_null(groups_next_req(&GS, 0));	/* nothing more to say */
}

static void t_failure_backoff_and_resend(void **s)
{
	struct in6_addr g = G1, w = lan(2);
	struct vnoc_req *r;

	groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &w, 0, 0, NULL);
	r = groups_next_req(&GS, 1000);
	groups_req_done(&GS, r, REQ_FAILED, NULL, 1000);
	vnoc_req_free(r);
	/* 1 s minimum, half of it without jitter */
	assert_null(groups_next_req(&GS, 1499));
	assert_int_equal(groups_next_event(&GS), 1500);
	r = groups_next_req(&GS, 1500);
	assert_non_null(r);
	groups_req_done(&GS, r, REQ_FAILED, NULL, 1500);
	vnoc_req_free(r);
	assert_int_equal(groups_next_event(&GS), 2500);	/* doubled */
	r = groups_next_req(&GS, 2500);
	assert_true(r->join);
	groups_req_done(&GS, r, REQ_OK, NULL, 2500);
	vnoc_req_free(r);
	assert_null(groups_next_req(&GS, 1000000));
}

/* failover: accepted joins go again, a pending leave stays a leave */
static void t_rejoin_after_failover(void **s)
{
	struct in6_addr g = G1, g2 = v4("239.1.1.2"), g3 = v4("239.1.1.3");
	struct in6_addr w = lan(2);
	struct vnoc_req *r, *inflight;

	groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &w, 0, 0, NULL);
	groups_contrib_set(&GS, 1, &g2, ROLE_RECEIVER, CONTRIB_LAN, &w, 0, 0, NULL);
	while ((r = groups_next_req(&GS, 0))) {
		groups_req_done(&GS, r, REQ_OK, NULL, 0);
		vnoc_req_free(r);
	}
	/* g2's last member leaves; its LeaveGroup is not sent yet */
	groups_contrib_del(&GS, 1, &g2, ROLE_RECEIVER, CONTRIB_LAN, &w);
	/* g3 is in flight to the old VNOC */
	groups_contrib_set(&GS, 1, &g3, ROLE_RECEIVER, CONTRIB_LAN, &w, 0, 0, NULL);
	inflight = NULL;
	while ((r = groups_next_req(&GS, 0))) {
		if (!memcmp(&r->group, &g3, sizeof(g3))) {
			inflight = r;
			continue;
		}
		assert_false(r->join);	/* g2's leave */
		groups_req_done(&GS, r, REQ_FAILED, NULL, 0);
		vnoc_req_free(r);
	}
	assert_non_null(inflight);

	assert_int_equal(groups_rejoin(&GS), 1);
	r = groups_next_req(&GS, 0);
	assert_non_null(r);
	assert_true(r->join);
	assert_memory_equal(&r->group, &g, sizeof(g));
	groups_req_done(&GS, r, REQ_OK, NULL, 0);
	vnoc_req_free(r);
	/* g2 still has its leave to send, after its backoff */
	r = groups_next_req(&GS, 100000);
	assert_non_null(r);
	assert_memory_equal(&r->group, &g2, sizeof(g2));
	assert_false(r->join);
	groups_req_done(&GS, r, REQ_OK, NULL, 100000);
	vnoc_req_free(r);
	groups_req_done(&GS, inflight, REQ_OK, NULL, 100000);
	vnoc_req_free(inflight);
	assert_null(groups_next_req(&GS, 200000));
	assert_int_equal(groups_rejoin(&GS), 2);
}

static void t_denied_not_resent(void **s)
{
	struct in6_addr g = G1, w = lan(2), w2 = lan(3);
	struct vnoc_req *r;
	struct interest *in;

	groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &w, 0, 0, NULL);
	r = groups_next_req(&GS, 0);
	groups_req_done(&GS, r, REQ_DENIED, "policy", 0);
	vnoc_req_free(r);
	in = groups_find(&GS, 1, &g);
	assert_string_equal(in->deny_reason[ROLE_RECEIVER], "policy");
	assert_false(in->acked[ROLE_RECEIVER].present);
	assert_null(groups_next_req(&GS, 100000));
	assert_int_equal(groups_next_event(&GS), 0);	/* no busy loop */
	/* another LAN joining does not change the request: still refused */
	groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &w2, 0, 0, NULL);
	assert_null(groups_next_req(&GS, 100000));
	/* last member gone: nothing to leave, the entry goes */
	groups_contrib_del(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &w);
	groups_contrib_del(&GS, 1, &g, ROLE_RECEIVER, CONTRIB_LAN, &w2);
	assert_null(groups_next_req(&GS, 100000));
	assert_int_equal(GS.count, 0);
}

static void t_announcement_expires(void **s)
{
	struct in6_addr g = G1, host = v4("10.0.5.5");
	struct vnoc_req *r;

	groups_contrib_set(&GS, 1, &g, ROLE_SENDER, CONTRIB_ANNOUNCE, &host,
			   60000, 0, NULL);
	r = groups_next_req(&GS, 0);
	assert_int_equal(r->role, ROLE_SENDER);
	groups_req_done(&GS, r, REQ_OK, NULL, 0);
	vnoc_req_free(r);
	assert_int_equal(groups_next_event(&GS), 60000);
	/* renewed before it ran out */
	groups_contrib_set(&GS, 1, &g, ROLE_SENDER, CONTRIB_ANNOUNCE, &host,
			   90000, 0, NULL);
	groups_tick(&GS, 60000);
	assert_null(groups_next_req(&GS, 60000));
	groups_tick(&GS, 90000);
	r = groups_next_req(&GS, 90000);
	assert_non_null(r);
	assert_false(r->join);
	assert_int_equal(r->role, ROLE_SENDER);
	groups_req_done(&GS, r, REQ_OK, NULL, 90000);
	vnoc_req_free(r);
	assert_int_equal(GS.count, 0);
}

static void t_sender_sources(void **s)
{
	struct in6_addr g = G1, s1 = v4("10.0.0.7"), s2 = v4("10.0.0.3");
	struct vnoc_req *r;

	groups_contrib_set(&GS, 1, &g, ROLE_SENDER, CONTRIB_KERNEL, &s1,
			   30000, 0, NULL);
	groups_contrib_set(&GS, 1, &g, ROLE_SENDER, CONTRIB_KERNEL, &s2,
			   30000, 0, NULL);
	r = groups_next_req(&GS, 0);
	assert_int_equal(r->nsrc, 2);
	assert_memory_equal(&r->src[0], &s2, 16);
	groups_req_done(&GS, r, REQ_OK, NULL, 0);
	vnoc_req_free(r);
	/* one source falls silent: the source list is updated */
	groups_contrib_set(&GS, 1, &g, ROLE_SENDER, CONTRIB_KERNEL, &s1,
			   60000, 0, NULL);
	groups_tick(&GS, 30000);
	r = groups_next_req(&GS, 30000);
	assert_true(r->join);
	assert_int_equal(r->nsrc, 1);
	assert_memory_equal(&r->src[0], &s1, 16);
	vnoc_req_free(r);
}

static void t_limit_and_flush(void **s)
{
	struct in6_addr w = lan(4), g;
	char buf[32];
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(buf, sizeof(buf), "239.0.0.%d", i + 1);
		g = v4(buf);
		assert_int_equal(groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER,
						    CONTRIB_LAN, &w, 0, 0,
						    NULL), 0);
	}
	g = v4("239.0.0.99");
	assert_int_equal(groups_contrib_set(&GS, 1, &g, ROLE_RECEIVER,
					    CONTRIB_LAN, &w, 0, 0, NULL),
			 -ENOSPC);
	groups_contrib_flush(&GS, CONTRIB_LAN, &w);
	/* never told the VNOC: nothing to take back */
	assert_int_equal(GS.count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_asm_join_leave, setup, teardown),
		cmocka_unit_test_setup_teardown(t_ssm_union_and_asm_wins, setup, teardown),
		cmocka_unit_test_setup_teardown(t_coalesce_while_inflight, setup, teardown),
		cmocka_unit_test_setup_teardown(t_failure_backoff_and_resend, setup, teardown),
		cmocka_unit_test_setup_teardown(t_denied_not_resent, setup, teardown),
		cmocka_unit_test_setup_teardown(t_rejoin_after_failover, setup, teardown),
		cmocka_unit_test_setup_teardown(t_announcement_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(t_sender_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(t_limit_and_flush, setup, teardown),
	};

	return cmocka_run_group_tests_name("agent-groups", tests, NULL, NULL);
}
