/* SPDX-License-Identifier: GPL-2.0 */
/*
 * db.h - SQLite persistence of the VNOC.
 *
 * The database is the record; the in-memory state (state.h) is rebuilt from
 * it at start.  Every change is written inside one transaction that commits
 * before the SOAP reply is sent.
 */
#ifndef VNOC_DB_H
#define VNOC_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "state.h"

struct sqlite3;
struct sqlite3_stmt;

#define VNOC_DB_STMT_CACHE 32

struct vnoc_db {
	struct sqlite3 *h;
	char *path;		/* reports open it again, read-only */
	char err[256];
	const char *stmt_sql[VNOC_DB_STMT_CACHE];
	struct sqlite3_stmt *stmt[VNOC_DB_STMT_CACHE];
};

enum vnoc_db_sync { VNOC_DB_SYNC_FULL, VNOC_DB_SYNC_NORMAL };

#define VNOC_DB_SCHEMA_VERSION 1

/* One usage row: nexthop 0 is the route total. */
struct vnoc_usage {
	uint32_t vpn;
	struct vnoc_addr group;
	bool has_source;
	struct vnoc_addr source;
	uint32_t origin;
	uint32_t nexthop;
	uint64_t packets;
	uint64_t bytes;
};

struct vnoc_usage_filter {
	bool has_site, has_vpn, has_group;
	uint32_t site, vpn;
	struct vnoc_addr group;
	int64_t from, to;	/* [from, to), 0 = unbounded */
};

enum vnoc_usage_format { VNOC_USAGE_CSV, VNOC_USAGE_JSON };

struct vnoc_audit {
	uint64_t id;
	int64_t time;
	const char *actor, *action, *detail;
};

/* Opens (creating and migrating as needed).  0 or -1 with db->err set. */
int vnoc_db_open(struct vnoc_db *db, const char *path, enum vnoc_db_sync sync);
void vnoc_db_close(struct vnoc_db *db);
int vnoc_db_schema_version(struct vnoc_db *db);

int vnoc_db_begin(struct vnoc_db *db);
int vnoc_db_commit(struct vnoc_db *db);
void vnoc_db_rollback(struct vnoc_db *db);
/* One change inside a (possibly shared) transaction. */
int vnoc_db_savepoint(struct vnoc_db *db);
int vnoc_db_savepoint_release(struct vnoc_db *db);
void vnoc_db_savepoint_rollback(struct vnoc_db *db);

/* Loads everything into a fresh state and recomputes the routes. */
int vnoc_db_load(struct vnoc_db *db, struct vnoc_state *st);

/* Writers: call between begin and commit.  0 or -1 (db->err). */
int vnoc_db_set_version(struct vnoc_db *db, uint64_t version);
int vnoc_db_site_put(struct vnoc_db *db, const struct vnoc_site *s);
int vnoc_db_site_del(struct vnoc_db *db, uint32_t id);
int vnoc_db_policy_put(struct vnoc_db *db, const struct vnoc_policy *p);
int vnoc_db_policy_del(struct vnoc_db *db, uint32_t id);
int vnoc_db_mode_put(struct vnoc_db *db, uint32_t vpn,
		     const struct vnoc_addr *group, enum vnoc_mode mode);
int vnoc_db_mode_del(struct vnoc_db *db, uint32_t vpn,
		     const struct vnoc_addr *group);
int vnoc_db_member_put(struct vnoc_db *db, uint32_t site, uint32_t vpn,
		       const struct vnoc_addr *group, enum vnoc_role role,
		       const struct vnoc_addr *sources, size_t nsources);
int vnoc_db_member_del(struct vnoc_db *db, uint32_t site, uint32_t vpn,
		       const struct vnoc_addr *group, enum vnoc_role role);
/* Adds counters to the hour bucket of now and stores seq as the site's
 * last counted report. */
int vnoc_db_usage_add(struct vnoc_db *db, uint32_t site, uint64_t seq,
		      int64_t now, const struct vnoc_usage *u, size_t n);
int vnoc_db_audit(struct vnoc_db *db, int64_t now, const char *actor,
		  const char *action, const char *detail);

/*
 * Billing export into a malloc'ed string.  0 or -1 with the reason in err.
 * Reads committed data on a connection of its own, so it needs no lock and
 * may run while changes are written: call it unlocked, it can take seconds.
 */
int vnoc_db_usage_report(const struct vnoc_db *db,
			 const struct vnoc_usage_filter *f,
			 enum vnoc_usage_format fmt, char **out, char *err,
			 size_t errlen);
/* Calls fn for up to limit entries with id > since, oldest first. */
int vnoc_db_audit_list(struct vnoc_db *db, uint64_t since, unsigned limit,
		       void (*fn)(const struct vnoc_audit *a, void *arg),
		       void *arg);

#endif
