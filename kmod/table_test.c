// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: sites and routes. Each test runs on its own instance (not tied to
 * a namespace's data path): add, replace, delete, lookup, the reference
 * rules, counters that survive a replace, 100k routes, and readers walking
 * next-hop lists while a writer replaces them.
 */

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include "ivgmp.h"
#include "netlink.h"

#define LOCAL_SITE	1
#define CREATE		false
#define REPLACE		true

static struct ivgmp_net *tin_new(struct kunit *test)
{
	struct ivgmp_net *in = kzalloc(sizeof(*in), GFP_KERNEL);
	struct ivgmp_config *cfg;

	KUNIT_ASSERT_NOT_NULL(test, in);
	in->net = &init_net;
	mutex_init(&in->lock);
	ivgmp_events_init(in);
	in->stats = alloc_percpu(struct ivgmp_pcpu_stats);
	in->drops = alloc_percpu(struct ivgmp_pcpu_drops);
	KUNIT_ASSERT_NOT_NULL(test, in->stats);
	KUNIT_ASSERT_NOT_NULL(test, in->drops);
	KUNIT_ASSERT_EQ(test, ivgmp_config_net_init(in), 0);
	KUNIT_ASSERT_EQ(test, ivgmp_table_init(in), 0);
	cfg = rcu_dereference_protected(in->config, true);
	cfg->site_id = LOCAL_SITE;
	return in;
}

static void tin_free(struct ivgmp_net *in)
{
	ivgmp_table_exit(in);
	ivgmp_config_net_exit(in);
	free_percpu(in->drops);
	free_percpu(in->stats);
	kfree(in);
	/* Let the call_rcu() frees run before the next test counts memory. */
	rcu_barrier();
}

static int site_add4(struct ivgmp_net *in, u32 id, u32 addr, bool replace)
{
	struct ivgmp_site_spec spec = {
		.id = id, .family = AF_INET, .addr.v4 = htonl(addr),
	};
	int err;

	mutex_lock(&in->lock);
	err = ivgmp_site_add(in, &spec, replace, NULL);
	mutex_unlock(&in->lock);
	return err;
}

static int site_del(struct ivgmp_net *in, u32 id)
{
	int err;

	mutex_lock(&in->lock);
	err = ivgmp_site_del(in, id, NULL);
	mutex_unlock(&in->lock);
	return err;
}

static void key4(struct ivgmp_route_key *key, u32 vpn, u32 group, u32 source,
		 u32 origin)
{
	memset(key, 0, sizeof(*key));
	key->vpn = vpn;
	key->family = AF_INET;
	key->group.v4 = htonl(group);
	key->source.v4 = htonl(source);
	key->origin = origin;
}

static int route_add(struct ivgmp_net *in, const struct ivgmp_route_key *key,
		     u32 flags, u32 *nh, unsigned int n, bool replace)
{
	struct ivgmp_route_spec spec = {
		.key = *key, .flags = flags, .nexthops = nh, .n_nexthops = n,
	};
	int err;

	mutex_lock(&in->lock);
	err = ivgmp_route_add(in, &spec, replace, NULL, NULL);
	mutex_unlock(&in->lock);
	return err;
}

static int route_del(struct ivgmp_net *in, const struct ivgmp_route_key *key)
{
	int err;

	mutex_lock(&in->lock);
	err = ivgmp_route_del(in, key, NULL, NULL);
	mutex_unlock(&in->lock);
	return err;
}

static void ivgmp_test_sites(struct kunit *test)
{
	struct ivgmp_net *in = tin_new(test);
	struct ivgmp_site_spec spec = {
		.id = 3, .family = AF_INET6, .port = 1234,
	};
	struct ivgmp_endpoint ep;
	struct ivgmp_site *s;

	KUNIT_EXPECT_EQ(test, site_add4(in, 2, 0xc0000202, CREATE), 0);
	KUNIT_EXPECT_EQ(test, site_add4(in, 2, 0xc0000209, CREATE), -EEXIST);
	/* A replace of a site that does not exist creates it. */
	KUNIT_EXPECT_EQ(test, site_add4(in, 9, 0xc0000209, REPLACE), 0);
	KUNIT_EXPECT_EQ(test, site_del(in, 9), 0);
	/* Two sites cannot share a WAN address: the relay names by it. */
	KUNIT_EXPECT_EQ(test, site_add4(in, 4, 0xc0000202, CREATE), -EEXIST);
	spec.addr.v6.s6_addr[0] = 0x20;
	spec.addr.v6.s6_addr[15] = 3;
	mutex_lock(&in->lock);
	KUNIT_EXPECT_EQ(test, ivgmp_site_add(in, &spec, CREATE, NULL), 0);
	mutex_unlock(&in->lock);

	rcu_read_lock();
	s = ivgmp_site_lookup(in, 2);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->id, 2U);
	KUNIT_EXPECT_PTR_EQ(test, ivgmp_site_lookup_addr4(in, htonl(0xc0000202)),
			    s);
	KUNIT_EXPECT_NULL(test, ivgmp_site_lookup_addr4(in, htonl(0xc0000203)));
	KUNIT_EXPECT_NULL(test, ivgmp_site_lookup(in, 5));
	/* Port 0 follows the configured port. */
	ivgmp_site_endpoint(s, ivgmp_config_rcu(in), &ep);
	KUNIT_EXPECT_EQ(test, ep.port, htons(IVGMP_DEFAULT_PORT));
	KUNIT_EXPECT_EQ(test, ep.addr.v4, htonl(0xc0000202));
	s = ivgmp_site_lookup_addr6(in, &spec.addr.v6);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, s->id, 3U);
	ivgmp_site_endpoint(s, ivgmp_config_rcu(in), &ep);
	KUNIT_EXPECT_EQ(test, ep.port, htons(1234));
	KUNIT_EXPECT_EQ(test, ep.family, AF_INET6);
	rcu_read_unlock();

	/* Replace moves the site to its new address. */
	KUNIT_EXPECT_EQ(test, site_add4(in, 2, 0xc0000205, REPLACE), 0);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, ivgmp_site_lookup_addr4(in, htonl(0xc0000202)));
	s = ivgmp_site_lookup_addr4(in, htonl(0xc0000205));
	KUNIT_EXPECT_TRUE(test, s && s->id == 2);
	rcu_read_unlock();

	KUNIT_EXPECT_EQ(test, site_del(in, 2), 0);
	KUNIT_EXPECT_EQ(test, site_del(in, 2), -ENOENT);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, ivgmp_site_lookup(in, 2));
	KUNIT_EXPECT_NULL(test, ivgmp_site_lookup_addr4(in, htonl(0xc0000205)));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, in->table.n_sites, 1U);
	tin_free(in);
}

static void ivgmp_test_route_rules(struct kunit *test)
{
	struct ivgmp_net *in = tin_new(test);
	struct ivgmp_route_key key;
	u32 nh[3];

	KUNIT_ASSERT_EQ(test, site_add4(in, 2, 0xc0000202, CREATE), 0);
	KUNIT_ASSERT_EQ(test, site_add4(in, 3, 0xc0000203, CREATE), 0);

	/* Origin neither local nor known. */
	key4(&key, 1, 0xef010101, 0, 9);
	KUNIT_EXPECT_EQ(test, route_add(in, &key, 0, NULL, 0, CREATE), -ENOENT);
	/* Unknown next hop. */
	key4(&key, 1, 0xef010101, 0, LOCAL_SITE);
	nh[0] = 2;
	nh[1] = 7;
	KUNIT_EXPECT_EQ(test, route_add(in, &key, 0, nh, 2, CREATE), -ENOENT);
	/* Next hop is the origin. */
	key4(&key, 1, 0xef010101, 0, 2);
	nh[0] = 2;
	KUNIT_EXPECT_EQ(test, route_add(in, &key, 0, nh, 1, CREATE), -EINVAL);
	/* Next hop is the local site. */
	nh[0] = LOCAL_SITE;
	KUNIT_EXPECT_EQ(test, route_add(in, &key, 0, nh, 1, CREATE), -EINVAL);
	/* Duplicate next hops. */
	key4(&key, 1, 0xef010101, 0, LOCAL_SITE);
	nh[0] = 3;
	nh[1] = 2;
	nh[2] = 3;
	KUNIT_EXPECT_EQ(test, route_add(in, &key, 0, nh, 3, CREATE), -EINVAL);
	KUNIT_EXPECT_EQ(test, in->table.n_routes, 0U);

	/* Good ones: create refuses an existing route, replace does not. */
	KUNIT_EXPECT_EQ(test, route_add(in, &key, 0, nh, 2, CREATE), 0);
	KUNIT_EXPECT_EQ(test, route_add(in, &key, 0, nh, 2, CREATE), -EEXIST);
	KUNIT_EXPECT_EQ(test, in->table.n_routes, 1U);
	KUNIT_EXPECT_EQ(test, route_add(in, &key, 0, nh, 1, REPLACE), 0);
	KUNIT_EXPECT_EQ(test, in->table.n_routes, 1U);
	key4(&key, 1, 0xef010101, 0, 2);
	nh[0] = 3;
	KUNIT_EXPECT_EQ(test, route_add(in, &key, IVGMP_ROUTE_F_DELIVER_LOCAL,
					nh, 1, CREATE), 0);
	KUNIT_EXPECT_EQ(test, in->table.n_routes, 2U);

	/* Sites named by routes stay until the routes go. */
	KUNIT_EXPECT_EQ(test, site_del(in, 2), -EBUSY);
	KUNIT_EXPECT_EQ(test, site_del(in, 3), -EBUSY);
	KUNIT_EXPECT_EQ(test, route_del(in, &key), 0);
	KUNIT_EXPECT_EQ(test, route_del(in, &key), -ENOENT);
	KUNIT_EXPECT_EQ(test, site_del(in, 2), 0);
	KUNIT_EXPECT_EQ(test, site_del(in, 3), -EBUSY);
	key4(&key, 1, 0xef010101, 0, LOCAL_SITE);
	KUNIT_EXPECT_EQ(test, route_add(in, &key, 0, NULL, 0, REPLACE),
			0);
	KUNIT_EXPECT_EQ(test, site_del(in, 3), 0);
	tin_free(in);
}

static void ivgmp_test_route_lookup(struct kunit *test)
{
	struct ivgmp_net *in = tin_new(test);
	struct in6_addr g6 = { .s6_addr = { 0xff, 0x0e, [15] = 5 } };
	struct in6_addr s6 = { .s6_addr = { 0x20, 0x01, [15] = 5 } };
	struct ivgmp_route *r, *star, *sg;
	struct ivgmp_route_key key;
	struct ivgmp_nexthops *nhs;
	u32 nh[2] = { 2, 3 };

	KUNIT_ASSERT_EQ(test, site_add4(in, 2, 0xc0000202, CREATE), 0);
	KUNIT_ASSERT_EQ(test, site_add4(in, 3, 0xc0000203, CREATE), 0);
	key4(&key, 1, 0xef010101, 0, LOCAL_SITE);
	KUNIT_ASSERT_EQ(test, route_add(in, &key, 0, nh, 2, CREATE), 0);
	key4(&key, 1, 0xef010101, 0x0a000005, LOCAL_SITE);
	KUNIT_ASSERT_EQ(test, route_add(in, &key, IVGMP_ROUTE_F_DELIVER_LOCAL,
					nh, 1, CREATE), 0);
	memset(&key, 0, sizeof(key));
	key.vpn = 1;
	key.family = AF_INET6;
	key.origin = 2;
	key.group.v6 = g6;
	KUNIT_ASSERT_EQ(test, route_add(in, &key, IVGMP_ROUTE_F_DELIVER_LOCAL,
					nh + 1, 1, CREATE), 0);

	rcu_read_lock();
	star = ivgmp_route_lookup4(in, 1, htonl(0xef010101), htonl(0x0a000009),
				   LOCAL_SITE);
	sg = ivgmp_route_lookup4(in, 1, htonl(0xef010101), htonl(0x0a000005),
				 LOCAL_SITE);
	KUNIT_ASSERT_NOT_NULL(test, star);
	KUNIT_ASSERT_NOT_NULL(test, sg);
	KUNIT_EXPECT_PTR_NE(test, star, sg);
	KUNIT_EXPECT_FALSE(test, ivgmp_route_deliver_local(star));
	KUNIT_EXPECT_TRUE(test, ivgmp_route_deliver_local(sg));
	nhs = ivgmp_route_nexthops(star);
	KUNIT_ASSERT_NOT_NULL(test, nhs);
	KUNIT_EXPECT_EQ(test, nhs->count, 2U);
	KUNIT_EXPECT_EQ(test, nhs->nh[0].site->id, 2U);
	KUNIT_EXPECT_EQ(test, nhs->nh[1].site->id, 3U);
	/* Other VPN, group or origin: no route. */
	KUNIT_EXPECT_NULL(test, ivgmp_route_lookup4(in, 2, htonl(0xef010101),
						    htonl(0x0a000005),
						    LOCAL_SITE));
	KUNIT_EXPECT_NULL(test, ivgmp_route_lookup4(in, 1, htonl(0xef010102),
						    htonl(0x0a000005),
						    LOCAL_SITE));
	KUNIT_EXPECT_NULL(test, ivgmp_route_lookup4(in, 1, htonl(0xef010101),
						    htonl(0x0a000005), 2));
	r = ivgmp_route_lookup6(in, 1, &g6, &s6, 2);
	KUNIT_EXPECT_NOT_NULL(test, r);
	KUNIT_EXPECT_PTR_EQ(test, ivgmp_route_lookup6(in, 1, &g6, NULL, 2), r);
	KUNIT_EXPECT_NULL(test, ivgmp_route_lookup6(in, 1, &g6, &s6,
						    LOCAL_SITE));
	rcu_read_unlock();

	mutex_lock(&in->lock);
	ivgmp_table_flush(in, IVGMP_FLUSH_ROUTES);
	KUNIT_EXPECT_EQ(test, in->table.n_routes, 0U);
	KUNIT_EXPECT_EQ(test, in->table.n_sites, 2U);
	ivgmp_table_flush(in, 0);
	KUNIT_EXPECT_EQ(test, in->table.n_sites, 0U);
	mutex_unlock(&in->lock);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, ivgmp_route_lookup4(in, 1, htonl(0xef010101), 0,
						    LOCAL_SITE));
	rcu_read_unlock();
	tin_free(in);
}

/* A replace keeps the route's counters and those of next hops that stay. */
static void ivgmp_test_replace_counters(struct kunit *test)
{
	struct ivgmp_net *in = tin_new(test);
	struct ivgmp_stats_sum sum;
	struct ivgmp_route_key key;
	struct ivgmp_nexthops *nhs;
	struct ivgmp_route *r;
	u32 nh[3] = { 2, 3, 4 };
	unsigned int i;
	u64 pk, by;

	for (i = 2; i <= 5; i++)
		KUNIT_ASSERT_EQ(test, site_add4(in, i, 0xc0000200 + i, CREATE),
				0);
	key4(&key, 1, 0xef010101, 0, LOCAL_SITE);
	KUNIT_ASSERT_EQ(test, route_add(in, &key, 0, nh, 3, CREATE), 0);

	rcu_read_lock();
	local_bh_disable();
	r = ivgmp_route_lookup4(in, 1, htonl(0xef010101), 0, LOCAL_SITE);
	KUNIT_ASSERT_NOT_NULL(test, r);
	nhs = ivgmp_route_nexthops(r);
	for (i = 0; i < nhs->count; i++)
		ivgmp_nexthop_stats_tx(nhs->nh[i].stats, 100 * (i + 1));
	ivgmp_stats_tx(r->stats, 100);
	ivgmp_stats_delivered(r->stats);
	local_bh_enable();
	rcu_read_unlock();

	/* 3 stays (moves to the front), 2 and 4 go, 5 comes. */
	nh[0] = 3;
	nh[1] = 5;
	KUNIT_ASSERT_EQ(test, route_add(in, &key, 0, nh, 2, REPLACE), 0);
	rcu_read_lock();
	r = ivgmp_route_lookup4(in, 1, htonl(0xef010101), 0, LOCAL_SITE);
	KUNIT_ASSERT_NOT_NULL(test, r);
	nhs = ivgmp_route_nexthops(r);
	KUNIT_ASSERT_EQ(test, nhs->count, 2U);
	KUNIT_EXPECT_EQ(test, nhs->nh[0].site->id, 3U);
	ivgmp_nexthop_stats_sum(nhs->nh[0].stats, &pk, &by);
	KUNIT_EXPECT_EQ(test, pk, 1ULL);
	KUNIT_EXPECT_EQ(test, by, 200ULL);
	ivgmp_nexthop_stats_sum(nhs->nh[1].stats, &pk, &by);
	KUNIT_EXPECT_EQ(test, pk, 0ULL);
	ivgmp_stats_sum(r->stats, &sum);
	KUNIT_EXPECT_EQ(test, sum.tx_packets, 1ULL);
	KUNIT_EXPECT_EQ(test, sum.tx_bytes, 100ULL);
	KUNIT_EXPECT_EQ(test, sum.delivered, 1ULL);
	rcu_read_unlock();

	/* References followed the list: 2 and 4 are free, 3 and 5 are not. */
	KUNIT_EXPECT_EQ(test, site_del(in, 2), 0);
	KUNIT_EXPECT_EQ(test, site_del(in, 4), 0);
	KUNIT_EXPECT_EQ(test, site_del(in, 3), -EBUSY);
	KUNIT_EXPECT_EQ(test, site_del(in, 5), -EBUSY);
	tin_free(in);
}

/*
 * 100k routes: every one found.  How lookups cost at 100k against 1k is
 * printed for a reader; the ratio is a benchmark row (make bench, P6), not
 * an assertion, because a timed test fails on a loaded host.
 */
#define BIG_ROUTES	100000
#define SMALL_ROUTES	1000

static u64 lookup_ns(struct ivgmp_net *in, unsigned int n, unsigned int *found)
{
	unsigned int i, rounds = 5, hits = 0;
	u64 t0, t;

	t0 = ktime_get_ns();
	rcu_read_lock();
	for (i = 0; i < rounds * n; i++) {
		u32 g = 0xe8000000 + (i % n);

		hits += !!ivgmp_route_lookup4(in, 7, htonl(g), htonl(0x0a000001),
					      LOCAL_SITE);
	}
	rcu_read_unlock();
	t = ktime_get_ns() - t0;
	*found = hits / rounds;
	return t / (rounds * n);
}

static void ivgmp_test_100k_routes(struct kunit *test)
{
	struct ivgmp_net *in = tin_new(test);
	struct ivgmp_route_key key;
	unsigned int i, found;
	u64 small = 0, big;
	u32 nh[2] = { 2, 3 };

	KUNIT_ASSERT_EQ(test, site_add4(in, 2, 0xc0000202, CREATE), 0);
	KUNIT_ASSERT_EQ(test, site_add4(in, 3, 0xc0000203, CREATE), 0);
	for (i = 0; i < BIG_ROUTES; i++) {
		key4(&key, 7, 0xe8000000 + i, 0, LOCAL_SITE);
		KUNIT_ASSERT_EQ(test, route_add(in, &key, 0, nh, 1 + (i & 1),
						CREATE), 0);
		if (i == SMALL_ROUTES - 1) {
			small = lookup_ns(in, SMALL_ROUTES, &found);
			KUNIT_EXPECT_EQ(test, found, SMALL_ROUTES);
		}
		if (!(i % 1000))
			cond_resched();
	}
	KUNIT_EXPECT_EQ(test, in->table.n_routes, BIG_ROUTES);
	big = lookup_ns(in, BIG_ROUTES, &found);
	KUNIT_EXPECT_EQ(test, found, BIG_ROUTES);
	kunit_info(test, "lookup: %llu ns at %u routes, %llu ns at %u routes",
		   small, SMALL_ROUTES, big, BIG_ROUTES);

	/* Delete every other route; the rest is still found. */
	for (i = 0; i < BIG_ROUTES; i += 2) {
		key4(&key, 7, 0xe8000000 + i, 0, LOCAL_SITE);
		KUNIT_ASSERT_EQ(test, route_del(in, &key), 0);
	}
	KUNIT_EXPECT_EQ(test, in->table.n_routes, BIG_ROUTES / 2);
	rcu_read_lock();
	KUNIT_EXPECT_NULL(test, ivgmp_route_lookup4(in, 7, htonl(0xe8000000), 0,
						    LOCAL_SITE));
	KUNIT_EXPECT_NOT_NULL(test, ivgmp_route_lookup4(in, 7,
							htonl(0xe8000001), 0,
							LOCAL_SITE));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, site_del(in, 3), -EBUSY);
	tin_free(in);
}

/*
 * Readers walk a route's next hops while a writer swaps the list between
 * {2,3,4} and {5,6,7,8}. A reader must always see one whole list: right
 * length, every site of the same set, every counter usable.
 */
struct reader_ctx {
	struct ivgmp_net *in;
	atomic_t stop;
	atomic_long_t reads;
	atomic_long_t bad;
};

static int reader_fn(void *data)
{
	struct reader_ctx *ctx = data;

	while (!atomic_read(&ctx->stop)) {
		struct ivgmp_nexthops *nhs;
		struct ivgmp_route *r;
		unsigned int i;

		rcu_read_lock();
		local_bh_disable();
		r = ivgmp_route_lookup4(ctx->in, 1, htonl(0xef010101), 0,
					LOCAL_SITE);
		nhs = r ? ivgmp_route_nexthops(r) : NULL;
		if (!nhs || (nhs->count != 3 && nhs->count != 4)) {
			atomic_long_inc(&ctx->bad);
		} else {
			u32 base = nhs->count == 3 ? 2 : 5;

			for (i = 0; i < nhs->count; i++) {
				if (nhs->nh[i].site->id != base + i)
					atomic_long_inc(&ctx->bad);
				ivgmp_nexthop_stats_tx(nhs->nh[i].stats, 1);
			}
		}
		local_bh_enable();
		rcu_read_unlock();
		atomic_long_inc(&ctx->reads);
		cond_resched();
	}
	return 0;
}

static void ivgmp_test_replace_while_reading(struct kunit *test)
{
	struct ivgmp_net *in = tin_new(test);
	struct reader_ctx *ctx;
	struct task_struct *t[2];
	struct ivgmp_route_key key;
	u32 a[3] = { 2, 3, 4 }, b[4] = { 5, 6, 7, 8 };
	unsigned int i;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	for (i = 2; i <= 8; i++)
		KUNIT_ASSERT_EQ(test, site_add4(in, i, 0xc0000200 + i, CREATE),
				0);
	key4(&key, 1, 0xef010101, 0, LOCAL_SITE);
	KUNIT_ASSERT_EQ(test, route_add(in, &key, 0, a, 3, CREATE), 0);
	ctx->in = in;
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		t[i] = kthread_run(reader_fn, ctx, "ivgmp-reader/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
		get_task_struct(t[i]);
	}
	for (i = 0; i < 2000; i++) {
		if (i & 1)
			KUNIT_ASSERT_EQ(test, route_add(in, &key, 0, a, 3,
							REPLACE), 0);
		else
			KUNIT_ASSERT_EQ(test, route_add(in, &key, 0, b, 4,
							REPLACE), 0);
		cond_resched();
		if (!(i % 64))
			usleep_range(50, 100);
	}
	atomic_set(&ctx->stop, 1);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		kthread_stop(t[i]);
		put_task_struct(t[i]);
	}
	kunit_info(test, "%ld reads during 2000 replaces",
		   atomic_long_read(&ctx->reads));
	KUNIT_EXPECT_GT(test, atomic_long_read(&ctx->reads), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ctx->bad), 0L);
	tin_free(in);
}

static struct kunit_case ivgmp_table_test_cases[] = {
	KUNIT_CASE(ivgmp_test_sites),
	KUNIT_CASE(ivgmp_test_route_rules),
	KUNIT_CASE(ivgmp_test_route_lookup),
	KUNIT_CASE(ivgmp_test_replace_counters),
	KUNIT_CASE(ivgmp_test_100k_routes),
	KUNIT_CASE(ivgmp_test_replace_while_reading),
	{}
};

static struct kunit_suite ivgmp_table_test_suite = {
	.name = "ivgmp-table",
	.test_cases = ivgmp_table_test_cases,
};

kunit_test_suite(ivgmp_table_test_suite);
