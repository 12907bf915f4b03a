// SPDX-License-Identifier: GPL-2.0
/* Accounting: deltas, the spool across restarts, retries and refusals. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "usage.h"

#define LOCAL 1

static char path[64];
static struct usage U;
static struct table T;
static struct ivgmp_nexthop_info nh[2];

/* route 0: local origin, next hops 2 and 3; route 1: from site 2 */
static void counters(uint64_t tx, uint64_t nh2, uint64_t nh3, uint64_t rx)
{
	static struct ivgmp_route_info r[2];

	memset(r, 0, sizeof(r));
	r[0].vpn = 1;
	addr_parse("239.1.1.1", AF_INET, &r[0].group);
	r[0].origin = LOCAL;
	r[0].stats.tx_packets = tx;
	r[0].stats.tx_bytes = tx * 100;
	nh[0].site = 2;
	nh[0].stats.tx_packets = nh2;
	nh[0].stats.tx_bytes = nh2 * 100;
	nh[1].site = 3;
	nh[1].stats.tx_packets = nh3;
	nh[1].stats.tx_bytes = nh3 * 100;
	r[0].nexthops = nh;
	r[0].n_nexthops = 2;
	r[1].vpn = 1;
	addr_parse("239.1.1.2", AF_INET, &r[1].group);
	r[1].origin = 2;
	r[1].flags = IVGMP_ROUTE_F_DELIVER_LOCAL;
	r[1].stats.rx_packets = rx;
	r[1].stats.rx_bytes = rx * 10;
	T.routes = r;
	T.nroutes = 2;
}

static int setup(void **s)
{
	snprintf(path, sizeof(path), "/tmp/ivgmp-usage-test.%d", getpid());
	unlink(path);
	assert_int_equal(usage_init(&U, path), 0);
	/* a VNOC that has counted nothing of ours yet */
	usage_resync(&U, 0, false);
	return 0;
}

static int teardown(void **s)
{
	char p[80];

	usage_fini(&U);
	unlink(path);
	snprintf(p, sizeof(p), "%s.corrupt", path);
	unlink(p);
	return 0;
}

static const struct urec *find(const struct ureport *p, const char *g)
{
	struct ivgmp_addr a;
	uint32_t i;

	addr_parse(g, AF_INET, &a);
	for (i = 0; i < p->nrec; i++)
		if (addr_equal(&p->rec[i].group, &a))
			return &p->rec[i];
	return NULL;
}

static void t_first_report_and_delta(void **s)
{
	struct ureport *p;
	const struct urec *r;

	counters(10, 10, 10, 5);
	assert_int_equal(usage_collect(&U, &T, LOCAL), 0);
	p = usage_next(&U, 0);
	assert_non_null(p);
	assert_int_equal(p->seq, 1);
	r = find(p, "239.1.1.1");
	assert_int_equal(r->packets, 10);	/* local origin: tx */
	assert_int_equal(r->bytes, 1000);
	assert_int_equal(r->nnh, 2);
	r = find(p, "239.1.1.2");
	assert_int_equal(r->packets, 5);	/* remote origin: rx */
	usage_done(&U, 1, USAGE_ACKED, 0, NULL);
	assert_null(U.pending);

	/* only what happened since the last report */
	counters(15, 12, 13, 5);
	assert_int_equal(usage_collect(&U, &T, LOCAL), 0);
	p = usage_next(&U, 0);
	assert_int_equal(p->seq, 2);
	assert_int_equal(p->nrec, 1);	/* the idle route is left out */
	r = find(p, "239.1.1.1");
	assert_int_equal(r->packets, 5);
	assert_int_equal(r->nh[0].packets + r->nh[1].packets, 5);
}

static void t_survives_restart(void **s)
{
	struct ureport *p;

	counters(10, 10, 10, 5);
	usage_collect(&U, &T, LOCAL);
	p = usage_next(&U, 0);	/* sent ... and the agent dies */
	assert_int_equal(p->seq, 1);
	usage_fini(&U);

	assert_int_equal(usage_init(&U, path), 0);
	assert_null(usage_next(&U, 0));	/* not before the VNOC's lastSeq */
	usage_resync(&U, 0, false);
	p = usage_next(&U, 0);
	assert_non_null(p);
	assert_int_equal(p->seq, 1);	/* same seq: the VNOC dedups it */
	assert_int_equal(find(p, "239.1.1.1")->packets, 10);
	usage_done(&U, 1, USAGE_ACKED, 0, NULL);

	/* the baseline survived too: nothing is counted twice */
	counters(11, 11, 10, 5);
	usage_collect(&U, &T, LOCAL);
	p = usage_next(&U, 0);
	assert_int_equal(p->seq, 2);
	assert_int_equal(find(p, "239.1.1.1")->packets, 1);
}

static void t_outage_folds_unsent(void **s)
{
	struct ureport *p;

	counters(10, 10, 10, 0);
	usage_collect(&U, &T, LOCAL);
	p = usage_next(&U, 1000);
	usage_done(&U, p->seq, USAGE_FAILED, 1000, NULL);
	/* attempted reports are frozen; later counts go into a new one ... */
	counters(20, 20, 10, 0);
	usage_collect(&U, &T, LOCAL);
	counters(30, 30, 10, 0);
	usage_collect(&U, &T, LOCAL);
	/* ... which keeps growing while it is not sent */
	assert_non_null(U.pending->next);
	assert_null(U.pending->next->next);
	assert_int_equal(find(U.pending->next, "239.1.1.1")->packets, 20);
	/* retried after a backoff, in order */
	assert_null(usage_next(&U, 1000));
	p = usage_next(&U, 100000);
	assert_int_equal(p->seq, 1);
	usage_done(&U, 1, USAGE_ACKED, 100000, NULL);
	p = usage_next(&U, 100000);
	assert_int_equal(p->seq, 2);
}

static bool only_first(struct urec *r)
{
	return r->origin == LOCAL;
}

static void t_refused(void **s)
{
	struct ureport *p;

	counters(10, 10, 10, 5);
	usage_collect(&U, &T, LOCAL);
	p = usage_next(&U, 0);
	/* the remote route left the view: retried without it */
	usage_done(&U, p->seq, USAGE_REFUSED, 0, only_first);
	p = usage_next(&U, 0);
	assert_non_null(p);
	assert_int_equal(p->nrec, 1);
	/* refused again: dropped, not retried forever */
	usage_done(&U, p->seq, USAGE_REFUSED, 0, only_first);
	assert_null(U.pending);
	assert_int_equal(U.dropped, 1);
}

static void t_deleted_route_final_counts(void **s)
{
	struct ureport *p;

	counters(10, 10, 10, 5);
	usage_collect(&U, &T, LOCAL);
	usage_done(&U, usage_next(&U, 0)->seq, USAGE_ACKED, 0, NULL);
	/* the route is deleted with 4 packets not reported yet */
	counters(14, 14, 10, 5);
	usage_final(&U, &T.routes[0], LOCAL);
	T.nroutes = 1;
	T.routes = &T.routes[1];
	usage_collect(&U, &T, LOCAL);
	p = usage_next(&U, 0);
	assert_non_null(p);
	assert_int_equal(find(p, "239.1.1.1")->packets, 4);
}

static uint64_t nh_packets(const struct urec *r, uint32_t site)
{
	uint32_t i;

	for (i = 0; i < r->nnh; i++)
		if (r->nh[i].site == site)
			return r->nh[i].packets;
	return 0;
}

static void t_nexthop_removed_final_counts(void **s)
{
	struct ivgmp_nexthop_info gone_nh = { .site = 3 };
	struct ivgmp_route_info gone;
	const struct urec *r;

	counters(10, 5, 5, 0);
	usage_collect(&U, &T, LOCAL);
	usage_done(&U, usage_next(&U, 0)->seq, USAGE_ACKED, 0, NULL);
	/* a replacement takes next hop 3 off with 4 copies unreported ... */
	memset(&gone, 0, sizeof(gone));
	gone.vpn = 1;
	addr_parse("239.1.1.1", AF_INET, &gone.group);
	gone.origin = LOCAL;
	gone_nh.stats.tx_packets = 9;
	gone_nh.stats.tx_bytes = 900;
	gone.nexthops = &gone_nh;
	gone.n_nexthops = 1;
	usage_nexthops_gone(&U, &gone, LOCAL);
	/* ... and a later one brings it back, counting from 0: 7 copies */
	counters(24, 8, 7, 0);
	usage_collect(&U, &T, LOCAL);
	r = find(usage_next(&U, 0), "239.1.1.1");
	assert_non_null(r);
	assert_int_equal(r->packets, 14);
	assert_int_equal(nh_packets(r, 2), 3);
	assert_int_equal(nh_packets(r, 3), 4 + 7);
}

static void t_nexthop_removed_survives_restart(void **s)
{
	struct ivgmp_nexthop_info gone_nh = { .site = 2 };
	struct ivgmp_route_info gone;

	counters(10, 5, 5, 0);
	usage_collect(&U, &T, LOCAL);
	usage_done(&U, usage_next(&U, 0)->seq, USAGE_ACKED, 0, NULL);
	memset(&gone, 0, sizeof(gone));
	gone.vpn = 1;
	addr_parse("239.1.1.1", AF_INET, &gone.group);
	gone.origin = LOCAL;
	gone_nh.stats.tx_packets = 8;
	gone.nexthops = &gone_nh;
	gone.n_nexthops = 1;
	usage_nexthops_gone(&U, &gone, LOCAL);
	/* the agent dies before the next report: the spool has the count */
	usage_fini(&U);
	assert_int_equal(usage_init(&U, path), 0);
	usage_resync(&U, 1, false);
	T.nroutes = 0;
	usage_collect(&U, &T, LOCAL);
	assert_int_equal(nh_packets(find(usage_next(&U, 0), "239.1.1.1"), 2),
			 3);
}

static void t_counter_reset(void **s)
{
	counters(100, 100, 0, 0);
	usage_collect(&U, &T, LOCAL);
	usage_done(&U, usage_next(&U, 0)->seq, USAGE_ACKED, 0, NULL);
	/* module reloaded: counters start again from 0 */
	counters(7, 7, 0, 0);
	usage_collect(&U, &T, LOCAL);
	assert_int_equal(find(usage_next(&U, 0), "239.1.1.1")->packets, 7);
}

static void t_corrupt_spool(void **s)
{
	FILE *f;
	char p[80];

	usage_fini(&U);
	f = fopen(path, "w");
	fputs("ivgmp-usage 1\nseq 9\nbase 1 239.1.1.1 * 1 5 5 0\n", f);
	fclose(f);	/* no "end": cut short */
	assert_int_equal(usage_init(&U, path), -EINVAL);
	snprintf(p, sizeof(p), "%s.corrupt", path);
	assert_int_equal(access(p, F_OK), 0);	/* kept for a human */
	/* the numbering is kept until the VNOC says otherwise ... */
	assert_int_equal(U.next_seq, 9);
	/* ... but a baseline that may be partial is not */
	assert_int_equal(U.nbase, 0);
	assert_true(U.rebase);
}

static void write_spool(const char *text)
{
	FILE *f;

	usage_fini(&U);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The VNOC counted reports 1..3; then the spool was lost. */
static void t_lost_spool_numbering(void **s)
{
	struct ureport *p;

	usage_fini(&U);
	unlink(path);
	assert_int_equal(usage_init(&U, path), 0);
	/* nothing is collected before we know what was reported */
	counters(10, 10, 10, 5);
	assert_int_equal(usage_collect(&U, &T, LOCAL), 0);
	assert_null(U.pending);
	assert_null(usage_next(&U, 0));
	assert_int_equal(usage_next_retry(&U), 1);	/* the probe is due */
	assert_int_equal(usage_probe(&U, 0), 1);
	assert_int_equal(usage_probe(&U, 0), 0);	/* one at a time */
	/* VNOC down: retried later */
	usage_probe_done(&U, false, false, 0, 1000);
	assert_int_equal(usage_probe(&U, 1000), 0);
	assert_true(usage_next_retry(&U) > 1000);
	assert_int_equal(usage_probe(&U, 1000000), 1);
	/* a duplicate: the VNOC's last is 3 */
	usage_probe_done(&U, true, true, 3, 1000000);
	assert_true(U.synced);
	assert_int_equal(U.next_seq, 4);
	/* a route deleted now: its counts, too, are taken as reported */
	usage_final(&U, &T.routes[1], LOCAL);
	assert_int_equal(U.ncarry, 0);
	/* the kernel's counters so far were (maybe) reported: baseline */
	assert_int_equal(usage_collect(&U, &T, LOCAL), 0);
	assert_null(U.pending);
	counters(15, 12, 13, 5);
	assert_int_equal(usage_collect(&U, &T, LOCAL), 0);
	p = usage_next(&U, 0);
	assert_non_null(p);
	assert_int_equal(p->seq, 4);	/* not a number the VNOC has */
	assert_int_equal(find(p, "239.1.1.1")->packets, 5);
}

/* A spool cut short: whole reports are salvaged and renumbered. */
static void t_cut_spool_salvaged(void **s)
{
	struct ureport *p;

	write_spool("ivgmp-usage 1\nseq 6\n"
		    "base 1 239.1.1.1 * 1 10 1000 0\n"
		    "carry 1 239.1.9.9 * 1 3 300 0\n"
		    "report 4 1 1\nroute 1 239.1.1.1 * 1 7 700 0\n"
		    "report 5 2 0\nroute 1 239.1.1.2 * 2 1 10 0\n"
		    "route 1 239.1.1.2 * 2 99");
	assert_int_equal(usage_init(&U, path), -EINVAL);
	assert_int_equal(U.salvaged, 1);	/* report 5 lost a route */
	assert_int_equal(U.nbase, 1);		/* whole: carry followed */
	assert_false(U.rebase);
	assert_int_equal(U.ncarry, 1);
	assert_int_equal(U.next_seq, 6);
	/* the VNOC moved on past our numbers meanwhile (its last is 20) */
	assert_int_equal(usage_probe(&U, 0), 3);
	usage_probe_done(&U, true, true, 20, 0);
	p = usage_next(&U, 0);
	assert_non_null(p);
	assert_int_equal(p->seq, 21);		/* report 4, renumbered */
	assert_int_equal(find(p, "239.1.1.1")->packets, 7);
	assert_int_equal(U.next_seq, 22);
	assert_int_equal(U.renumbered, 1);
	/* and it survives a restart with its new number */
	usage_fini(&U);
	assert_int_equal(usage_init(&U, path), 0);
	assert_int_equal(U.pending->seq, 21);
	assert_int_equal(U.next_seq, 22);
}

/* A sent report the VNOC counted, whose answer was lost: not resent. */
static void t_lost_ack_from_last_seq(void **s)
{
	write_spool("ivgmp-usage 1\nseq 6\n"
		    "report 5 1 1\nroute 1 239.1.1.1 * 1 7 700 0\nend\n");
	assert_int_equal(usage_init(&U, path), 0);
	assert_int_equal(usage_probe(&U, 0), 4);
	usage_probe_done(&U, true, true, 5, 0);
	assert_null(U.pending);
	assert_int_equal(U.acked, 1);
	assert_int_equal(U.next_seq, 6);
	/* ... but one never sent is sent, whatever its number */
	write_spool("ivgmp-usage 1\nseq 6\n"
		    "report 5 1 0\nroute 1 239.1.1.1 * 1 7 700 0\nend\n");
	assert_int_equal(usage_init(&U, path), 0);
	usage_probe(&U, 0);
	usage_probe_done(&U, true, true, 5, 0);
	assert_non_null(U.pending);
	assert_int_equal(U.pending->seq, 6);
	assert_int_equal(U.next_seq, 7);
}

/* A true first start: the probe is counted, everything is reported. */
static void t_first_start(void **s)
{
	struct ureport *p;

	usage_fini(&U);
	unlink(path);
	assert_int_equal(usage_init(&U, path), 0);
	assert_int_equal(usage_probe(&U, 0), 1);
	usage_probe_done(&U, true, false, 1, 0);
	assert_false(U.rebase);
	assert_int_equal(U.next_seq, 2);
	counters(10, 10, 10, 5);
	assert_int_equal(usage_collect(&U, &T, LOCAL), 0);
	p = usage_next(&U, 0);
	assert_non_null(p);
	assert_int_equal(p->seq, 2);
	assert_int_equal(find(p, "239.1.1.1")->packets, 10);
}

/* The probe itself was counted: the VNOC had nothing of ours. */
static void t_probe_counted(void **s)
{
	write_spool("ivgmp-usage 1\nseq 2\n"
		    "report 1 1 1\nroute 1 239.1.1.1 * 1 7 700 0\nend\n");
	assert_int_equal(usage_init(&U, path), 0);
	assert_int_equal(usage_probe(&U, 0), 1);
	usage_probe_done(&U, true, false, 1, 0);
	/* report 1 was sent before but never counted: it must not drop */
	assert_non_null(U.pending);
	assert_int_equal(U.pending->seq, 2);
	assert_int_equal(U.acked, 0);
	assert_int_equal(usage_next(&U, 0)->seq, 2);
}

/* Reconnected: the numbers are checked again; a duplicate answer from a
 * VNOC that is ahead of us renumbers instead of dropping. */
static void t_duplicate_ahead(void **s)
{
	struct ureport *p;

	counters(10, 10, 10, 5);
	usage_collect(&U, &T, LOCAL);
	usage_unsync(&U);
	assert_null(usage_next(&U, 0));
	usage_probe(&U, 0);
	usage_probe_done(&U, true, true, 0, 0);
	p = usage_next(&U, 0);
	assert_int_equal(p->seq, 1);
	/* another spool reported up to 50 meanwhile */
	usage_duplicate(&U, 1, 50);
	p = usage_next(&U, 0);
	assert_non_null(p);
	assert_int_equal(p->seq, 51);
	assert_int_equal(find(p, "239.1.1.1")->packets, 10);
	usage_done(&U, 51, USAGE_ACKED, 0, NULL);
	assert_int_equal(U.vnoc_last, 51);
	/* a plain retry of a counted report is dropped */
	counters(11, 11, 10, 5);
	usage_collect(&U, &T, LOCAL);
	p = usage_next(&U, 0);
	assert_int_equal(p->seq, 52);
	usage_duplicate(&U, 52, 52);
	assert_null(U.pending);
	assert_int_equal(U.next_seq, 53);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_first_report_and_delta, setup, teardown),
		cmocka_unit_test_setup_teardown(t_survives_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(t_outage_folds_unsent, setup, teardown),
		cmocka_unit_test_setup_teardown(t_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(t_deleted_route_final_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(t_nexthop_removed_final_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(t_nexthop_removed_survives_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(t_counter_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(t_corrupt_spool, setup, teardown),
		cmocka_unit_test_setup_teardown(t_lost_spool_numbering, setup, teardown),
		cmocka_unit_test_setup_teardown(t_cut_spool_salvaged, setup, teardown),
		cmocka_unit_test_setup_teardown(t_lost_ack_from_last_seq, setup, teardown),
		cmocka_unit_test_setup_teardown(t_first_start, setup, teardown),
		cmocka_unit_test_setup_teardown(t_probe_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(t_duplicate_ahead, setup, teardown),
	};

	return cmocka_run_group_tests_name("agent-usage", tests, NULL, NULL);
}
