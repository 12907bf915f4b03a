// SPDX-License-Identifier: GPL-2.0
/* Unit tests: SQLite persistence, reload, usage aggregation, audit log. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"

static const struct vnoc_topo_params params = {
	.default_fanout = 8, .max_depth = 4,
};

static char path[64];
static char errbuf[256];

static struct vnoc_addr A(const char *s)
{
	struct vnoc_addr a;

	assert_int_equal(vnoc_addr_parse(s, &a), 0);
	return a;
}

static int setup(void **state)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/vnoc-test-db-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	return 0;
}

static int teardown(void **state)
{
	char p[80];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	return 0;
}

/* Writes a small world the way the server does: db first, then memory. */
static void populate(struct vnoc_db *db, struct vnoc_state *st)
{
	struct vnoc_policy p = { .vpn = 7, .roles = VNOC_POLICY_SEND |
				 VNOC_POLICY_RECEIVE };
	struct vnoc_addr g = A("239.1.2.3"), s = A("10.9.9.9");
	uint32_t i;

	vnoc_state_init(st, &params);
	assert_int_equal(vnoc_db_begin(db), 0);
	for (i = 1; i <= 3; i++) {
		char name[16], addr[16];

		snprintf(name, sizeof(name), "s%u", i);
		snprintf(addr, sizeof(addr), "192.0.2.%u", i);
		assert_int_equal(vnoc_site_add(st, i, name, addr, 4000 + i,
					       i == 2 ? NULL : "k"), 0);
		assert_int_equal(vnoc_db_site_put(db, vnoc_site_find(st, i)), 0);
	}
	assert_int_equal(vnoc_relay_set(st, 3, true, true, 5), 0);
	assert_int_equal(vnoc_db_site_put(db, vnoc_site_find(st, 3)), 0);
	assert_int_equal(vnoc_prefix_parse("239.0.0.0/8", &p.prefix, &p.plen), 0);
	assert_int_equal(vnoc_policy_add(st, &p), 0);
	assert_int_equal(vnoc_db_policy_put(db, &p), 0);
	assert_int_equal(vnoc_mode_set(st, 7, &g, VNOC_MODE_REFLECTOR), 0);
	assert_int_equal(vnoc_db_mode_put(db, 7, &g, VNOC_MODE_REFLECTOR), 0);
	assert_int_equal(vnoc_join(st, 1, 7, &g, VNOC_ROLE_SENDER, &s, 1), 0);
	assert_int_equal(vnoc_db_member_put(db, 1, 7, &g, VNOC_ROLE_SENDER, &s, 1), 0);
	assert_int_equal(vnoc_join(st, 2, 7, &g, VNOC_ROLE_RECEIVER, NULL, 0), 0);
	assert_int_equal(vnoc_db_member_put(db, 2, 7, &g, VNOC_ROLE_RECEIVER, NULL, 0), 0);
	assert_int_equal(vnoc_db_set_version(db, st->version), 0);
	assert_int_equal(vnoc_db_audit(db, 1000, "admin", "join", "x"), 0);
	assert_int_equal(vnoc_db_commit(db), 0);
}

static void test_schema_and_wal(void **state)
{
	struct vnoc_db db;
	sqlite3_stmt *q;

	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_FULL), 0);
	assert_int_equal(vnoc_db_schema_version(&db), VNOC_DB_SCHEMA_VERSION);
	vnoc_db_close(&db);
	/* reopening migrates nothing twice */
	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_FULL), 0);
	assert_int_equal(vnoc_db_schema_version(&db), VNOC_DB_SCHEMA_VERSION);
	assert_int_equal(sqlite3_prepare_v2(db.h, "PRAGMA journal_mode", -1,
					    &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
	sqlite3_finalize(q);
	/* a schema from the future is refused, not clobbered */
	assert_int_equal(sqlite3_exec(db.h, "INSERT INTO schema_version VALUES"
				      " (99, 0)", NULL, NULL, NULL), SQLITE_OK);
	vnoc_db_close(&db);
	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_FULL), -1);
	assert_non_null(strstr(db.err, "newer"));
}

static void test_reload(void **state)
{
	struct vnoc_addr g = A("239.1.2.3");
	struct vnoc_state st, st2;
	const struct vnoc_route *r;
	struct vnoc_db db;
	uint64_t ver;

	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_FULL), 0);
	populate(&db, &st);
	ver = st.version;
	r = vnoc_route_find(&st, 1, 7, &g, NULL, 1);
	assert_non_null(r);
	assert_int_equal(r->nexthops[0], 3);	/* via the reflector */
	vnoc_state_free(&st);
	vnoc_db_close(&db);

	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_NORMAL), 0);
	vnoc_state_init(&st2, &params);
	assert_int_equal(vnoc_db_load(&db, &st2), 0);
	assert_int_equal(st2.nsites, 3);
	assert_string_equal(vnoc_site_find(&st2, 2)->name, "s2");
	assert_null(vnoc_site_find(&st2, 2)->key);
	assert_string_equal(vnoc_site_find(&st2, 1)->key, "k");
	assert_int_equal(vnoc_site_find(&st2, 3)->port, 4003);
	assert_true(vnoc_site_find(&st2, 3)->reflector);
	assert_int_equal(vnoc_site_find(&st2, 3)->fanout, 5);
	assert_int_equal(st2.npolicies, 1);
	assert_int_equal(st2.next_policy_id, 2);
	assert_int_equal(vnoc_mode_of(&st2, 7, &g), VNOC_MODE_REFLECTOR);
	assert_int_equal(vnoc_group_find(&st2, 7, &g)->nmembers, 2);
	/* routes are recomputed, versions keep growing */
	r = vnoc_route_find(&st2, 1, 7, &g, NULL, 1);
	assert_non_null(r);
	assert_int_equal(r->nexthops[0], 3);
	assert_non_null(vnoc_route_find(&st2, 2, 7, &g, NULL, 1));
	assert_true(st2.version > ver);
	assert_true(vnoc_site_find(&st2, 2)->view_version > ver);
	vnoc_state_free(&st2);
	vnoc_db_close(&db);
}

static void test_usage_aggregation(void **state)
{
	struct vnoc_usage u[] = {
		{ .vpn = 7, .group = A("239.1.2.3"), .origin = 1, .nexthop = 0,
		  .packets = 10, .bytes = 1000 },
		{ .vpn = 7, .group = A("239.1.2.3"), .origin = 1, .nexthop = 3,
		  .packets = 10, .bytes = 1000 },
	};
	struct vnoc_usage_filter all = { 0 }, f;
	struct vnoc_state st;
	struct vnoc_db db;
	char *out;

	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_FULL), 0);
	populate(&db, &st);
	/* two reports in the same hour add up; one in the next hour not */
	assert_int_equal(vnoc_db_begin(&db), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 1, 1, 7200 + 10, u, 2), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 1, 2, 7200 + 3000, u, 2), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 1, 3, 10800 + 5, u, 1), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 2, 1, 7200 + 5, u, 1), 0);
	assert_int_equal(vnoc_db_commit(&db), 0);

	assert_int_equal(vnoc_db_usage_report(&db, &all, VNOC_USAGE_CSV, &out, errbuf, sizeof(errbuf)), 0);
	assert_non_null(strstr(out, "hour,site,vpn,group,source,origin,nexthop,packets,bytes\n"));
	assert_non_null(strstr(out, "1970-01-01T02:00:00Z,1,7,239.1.2.3,,1,0,20,2000\n"));
	assert_non_null(strstr(out, "1970-01-01T02:00:00Z,1,7,239.1.2.3,,1,3,20,2000\n"));
	assert_non_null(strstr(out, "1970-01-01T03:00:00Z,1,7,239.1.2.3,,1,0,10,1000\n"));
	assert_non_null(strstr(out, "1970-01-01T02:00:00Z,2,7,"));
	free(out);

	f = all;
	f.has_site = true;
	f.site = 1;
	f.from = 10800;
	assert_int_equal(vnoc_db_usage_report(&db, &f, VNOC_USAGE_JSON, &out, errbuf, sizeof(errbuf)), 0);
	assert_non_null(strstr(out, "\"packets\":10"));
	assert_null(strstr(out, "02:00:00Z"));
	assert_null(strstr(out, "\"site\":2"));
	assert_int_equal(out[0], '[');
	free(out);

	f = all;
	f.has_group = true;
	f.group = A("239.9.9.9");
	assert_int_equal(vnoc_db_usage_report(&db, &f, VNOC_USAGE_JSON, &out, errbuf, sizeof(errbuf)), 0);
	assert_string_equal(out, "[]\n");
	free(out);

	/* the last counted seq survives a reload */
	vnoc_state_free(&st);
	vnoc_state_init(&st, &params);
	assert_int_equal(vnoc_db_load(&db, &st), 0);
	assert_int_equal(vnoc_site_find(&st, 1)->last_report_seq, 3);
	vnoc_state_free(&st);
	vnoc_db_close(&db);
}

/*
 * Counters are unsigned 64-bit on the wire but SQLite integers are signed:
 * a counter above INT64_MAX must be refused (stored, it would turn negative
 * and lower the bill), and accumulation saturates instead of overflowing
 * into a floating-point value.
 */
static void test_usage_counter_range(void **state)
{
	struct vnoc_usage u = {
		.vpn = 7, .group = A("239.1.2.3"), .origin = 1,
		.packets = INT64_MAX - 5, .bytes = 1,
	};
	struct vnoc_usage_filter all = { 0 };
	struct vnoc_state st;
	struct vnoc_db db;
	char *out;

	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_FULL), 0);
	populate(&db, &st);
	assert_int_equal(vnoc_db_begin(&db), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 1, 1, 7200, &u, 1), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 1, 2, 7200, &u, 1), 0);
	u.packets = UINT64_MAX;
	assert_int_not_equal(vnoc_db_usage_add(&db, 1, 3, 7200, &u, 1), 0);
	u.packets = 1;
	u.bytes = (uint64_t)INT64_MAX + 1;
	assert_int_not_equal(vnoc_db_usage_add(&db, 1, 4, 10800, &u, 1), 0);
	assert_int_equal(vnoc_db_commit(&db), 0);

	assert_int_equal(vnoc_db_usage_report(&db, &all, VNOC_USAGE_CSV, &out, errbuf, sizeof(errbuf)), 0);
	assert_non_null(strstr(out, "1970-01-01T02:00:00Z,1,7,239.1.2.3,,1,0,"
			       "9223372036854775807,2\n"));
	assert_null(strstr(out, "03:00:00Z"));
	assert_null(strstr(out, ",-"));
	free(out);
	vnoc_state_free(&st);
	vnoc_db_close(&db);
}

/*
 * The export runs unlocked next to the writer: it reads only committed
 * usage, on its own connection, and is not held up by an open transaction
 * (the server's group commit keeps one open between requests).
 */
static void test_usage_report_beside_writer(void **state)
{
	struct vnoc_usage u = {
		.vpn = 7, .group = A("239.1.2.3"), .origin = 1,
		.packets = 5, .bytes = 50,
	};
	struct vnoc_usage_filter all = { 0 };
	struct vnoc_state st;
	struct vnoc_db db;
	char *out;

	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_FULL), 0);
	populate(&db, &st);
	assert_int_equal(vnoc_db_begin(&db), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 1, 1, 7200, &u, 1), 0);
	assert_int_equal(vnoc_db_commit(&db), 0);
	assert_int_equal(vnoc_db_begin(&db), 0);
	assert_int_equal(vnoc_db_usage_add(&db, 1, 2, 7200, &u, 1), 0);
	/* not committed yet: not billed yet */
	assert_int_equal(vnoc_db_usage_report(&db, &all, VNOC_USAGE_CSV, &out,
					      errbuf, sizeof(errbuf)), 0);
	assert_non_null(strstr(out, ",1,0,5,50\n"));
	free(out);
	assert_int_equal(vnoc_db_commit(&db), 0);
	assert_int_equal(vnoc_db_usage_report(&db, &all, VNOC_USAGE_CSV, &out,
					      errbuf, sizeof(errbuf)), 0);
	assert_non_null(strstr(out, ",1,0,10,100\n"));
	free(out);
	vnoc_state_free(&st);
	vnoc_db_close(&db);
}

static void audit_count(const struct vnoc_audit *a, void *arg)
{
	(*(int *)arg)++;
	assert_string_equal(a->actor, "admin");
}

static void test_audit_and_rollback(void **state)
{
	struct vnoc_state st;
	struct vnoc_db db;
	int n = 0;

	assert_int_equal(vnoc_db_open(&db, path, VNOC_DB_SYNC_FULL), 0);
	populate(&db, &st);
	assert_int_equal(vnoc_db_begin(&db), 0);
	assert_int_equal(vnoc_db_audit(&db, 1001, "admin", "deny", "y"), 0);
	vnoc_db_rollback(&db);
	assert_int_equal(vnoc_db_audit_list(&db, 0, 100, audit_count, &n), 0);
	assert_int_equal(n, 1);
	vnoc_state_free(&st);
	vnoc_db_close(&db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_schema_and_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_aggregation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_counter_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_report_beside_writer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_and_rollback, setup, teardown),
	};

	return cmocka_run_group_tests_name("vnoc_db", tests, NULL, NULL);
}
