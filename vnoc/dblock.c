// SPDX-License-Identifier: GPL-2.0
/*
 * dblock.c - one VNOC per database file (dblock.h).
 *
 * A lock file next to the database, not a lock on the database itself:
 * SQLite's own POSIX locks on that file are dropped by any close() of it in
 * this process, and they are not ours to reason about.  The lock file is
 * never removed (removing it would let a third process lock a new file
 * while the second still waits on the old one).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "dblock.h"

int vnoc_db_lock_owner(int fd)
{
	char buf[300], host[256];
	int n;

	if (gethostname(host, sizeof(host)))
		strcpy(host, "?");
	host[sizeof(host) - 1] = '\0';
	n = snprintf(buf, sizeof(buf), "%ld %s\n", (long)getpid(), host);
	if (ftruncate(fd, 0) || pwrite(fd, buf, (size_t)n, 0) != n)
		return -1;
	return 0;
}

/* What the holder wrote: "pid N on host H", or why we do not know. */
static void holder(int fd, char *out, size_t len)
{
	char buf[300], host[256];
	long pid;
	ssize_t n;

	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0) {
		snprintf(out, len, "a process that has not written its pid yet");
		return;
	}
	buf[n] = '\0';
	if (sscanf(buf, "%ld %255s", &pid, host) != 2 || pid <= 0) {
		snprintf(out, len, "an unknown process");
		return;
	}
	snprintf(out, len, "pid %ld on host %s", pid, host);
}

int vnoc_db_lock(const char *path, char *err, size_t errlen)
{
	char *lp, *real, who[320];
	int fd, n;

	/* Two names of one existing file (a symlink, "./x.db") must find the
	 * same lock; a database still to be created goes by its given name. */
	real = realpath(path, NULL);
	n = asprintf(&lp, "%s.lock", real ? real : path);
	free(real);
	if (n < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "lock file %s: %s", lp, strerror(errno));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK) {
			holder(fd, who, sizeof(who));
			snprintf(err, errlen, "database %s is in use by another "
				 "ivgmp-vnoc (%s; lock file %s)", path, who,
				 lp);
		} else {
			snprintf(err, errlen, "lock file %s: %s", lp,
				 strerror(errno));
		}
		goto fail;
	}
	if (vnoc_db_lock_owner(fd)) {
		snprintf(err, errlen, "lock file %s: %s", lp, strerror(errno));
		goto fail;
	}
	free(lp);
	return fd;
fail:
	close(fd);
	fd = -1;
out:
	free(lp);
	return fd;
}

void vnoc_db_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
