/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dblock.h - one VNOC per database file.
 *
 * SQLite lets any number of processes share a file, but two VNOCs on one
 * database would each serve its own in-memory model and overwrite the
 * other's versions and memberships.  The VNOC holds an exclusive flock(2)
 * on "DATABASE.lock" for as long as it runs; the holder's pid and host are
 * written into the file so the next one can say who holds it.  flock()
 * belongs to the open file, so the lock survives daemon(3)'s fork.
 */
#ifndef VNOC_DBLOCK_H
#define VNOC_DBLOCK_H

#include <stddef.h>

/*
 * Takes the lock of the database at path.  The descriptor (to keep open)
 * or -1 with the reason in err: "in use by pid N on host H" when another
 * process holds it.
 */
int vnoc_db_lock(const char *path, char *err, size_t errlen);
/* Writes our pid again (after daemon(3) changed it).  0 or -1 (errno). */
int vnoc_db_lock_owner(int fd);
void vnoc_db_unlock(int fd);

#endif
