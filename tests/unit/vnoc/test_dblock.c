// SPDX-License-Identifier: GPL-2.0
/* Unit tests: one VNOC per database file (the lock next to it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dblock.h"

static char dir[64], db[96], lockpath[128];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/vnoc-test-lock-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/vnoc.db", dir);
	snprintf(lockpath, sizeof(lockpath), "%s.lock", db);
	return 0;
}

static int teardown(void **state)
{
	char p[128];

	unlink(lockpath);
	snprintf(p, sizeof(p), "%s/link.db", dir);
	unlink(p);
	unlink(db);
	rmdir(dir);
	return 0;
}

static void test_second_holder_refused_with_pid(void **state)
{
	char err[512], pid[32], host[256];
	int a, b;

	a = vnoc_db_lock(db, err, sizeof(err));
	assert_true(a >= 0);
	/* flock() is per open file: a second open in this very process is
	 * refused like another VNOC would be */
	b = vnoc_db_lock(db, err, sizeof(err));
	assert_int_equal(b, -1);
	snprintf(pid, sizeof(pid), "pid %ld on host ", (long)getpid());
	assert_non_null(strstr(err, "in use by another ivgmp-vnoc"));
	assert_non_null(strstr(err, pid));
	gethostname(host, sizeof(host));
	assert_non_null(strstr(err, host));
	assert_non_null(strstr(err, lockpath));
	vnoc_db_unlock(a);
	b = vnoc_db_lock(db, err, sizeof(err));
	assert_true(b >= 0);
	vnoc_db_unlock(b);
}

static void test_symlink_same_lock(void **state)
{
	char err[512], link[128];
	FILE *f;
	int a;

	f = fopen(db, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(link, sizeof(link), "%s/link.db", dir);
	assert_int_equal(symlink(db, link), 0);
	a = vnoc_db_lock(db, err, sizeof(err));
	assert_true(a >= 0);
	assert_int_equal(vnoc_db_lock(link, err, sizeof(err)), -1);
	vnoc_db_unlock(a);
}

/* The lock survives a fork whose parent exits (daemon(3)), and the child
 * can put its own pid in. */
static void test_kept_across_fork(void **state)
{
	char err[512], want[32], c;
	int a, st, up[2], down[2];
	pid_t child;

	a = vnoc_db_lock(db, err, sizeof(err));
	assert_true(a >= 0);
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	child = fork();
	assert_true(child >= 0);
	if (!child) {
		vnoc_db_lock_owner(a);
		if (write(up[1], "x", 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	vnoc_db_unlock(a);	/* the "parent" lets go of its descriptor */
	assert_int_equal(read(up[0], &c, 1), 1);
	assert_int_equal(vnoc_db_lock(db, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "pid %ld ", (long)child);
	assert_non_null(strstr(err, want));
	assert_int_equal(write(down[1], "x", 1), 1);
	waitpid(child, &st, 0);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	a = vnoc_db_lock(db, err, sizeof(err));
	assert_true(a >= 0);
	vnoc_db_unlock(a);
}

static void test_unusable_directory(void **state)
{
	char err[512];

	assert_int_equal(vnoc_db_lock("/nonexistent-dir/x.db", err,
				      sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent-dir/x.db.lock"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_second_holder_refused_with_pid,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_same_lock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kept_across_fork, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unusable_directory, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("dblock", tests, NULL, NULL);
}
