// SPDX-License-Identifier: GPL-2.0
/*
 * db.c - SQLite persistence: schema migrations, writers, loader, reports.
 *
 * Durability: WAL journal.  With synchronous=FULL (the default) every commit
 * is fsync'ed before the reply, so not even a power cut loses an
 * acknowledged change.  synchronous=NORMAL (config "sync normal") skips the
 * per-commit fsync: in WAL mode a crash of the process or of the VNOC never
 * loses a committed transaction, only a power cut or kernel crash can lose
 * the last ones, never corrupting the file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "db.h"
#include "json.h"

/* Each step takes the schema from version i to i + 1; never edit one that
 * has shipped, append a new one. */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"INSERT INTO meta VALUES ('version', 0);"
	"CREATE TABLE site ("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	"  address TEXT NOT NULL, port INTEGER NOT NULL, key TEXT,"
	"  relay INTEGER NOT NULL DEFAULT 0,"
	"  reflector INTEGER NOT NULL DEFAULT 0,"
	"  fanout INTEGER NOT NULL DEFAULT 0,"
	"  last_report_seq INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE policy ("
	"  id INTEGER PRIMARY KEY, vpn INTEGER NOT NULL,"
	"  prefix TEXT NOT NULL, site INTEGER,"
	"  send INTEGER NOT NULL, receive INTEGER NOT NULL,"
	"  deny INTEGER NOT NULL);"
	"CREATE TABLE mode ("
	"  vpn INTEGER NOT NULL, grp TEXT NOT NULL, mode TEXT NOT NULL,"
	"  PRIMARY KEY (vpn, grp));"
	"CREATE TABLE membership ("
	"  site INTEGER NOT NULL, vpn INTEGER NOT NULL, grp TEXT NOT NULL,"
	"  role INTEGER NOT NULL, sources TEXT NOT NULL,"
	"  PRIMARY KEY (site, vpn, grp, role));"
	"CREATE TABLE usage ("
	"  hour INTEGER NOT NULL, site INTEGER NOT NULL, vpn INTEGER NOT NULL,"
	"  grp TEXT NOT NULL, source TEXT NOT NULL, origin INTEGER NOT NULL,"
	"  nexthop INTEGER NOT NULL, packets INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  PRIMARY KEY (hour, site, vpn, grp, source, origin, nexthop));"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL,"
	"  actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);",
};

static int set_err(struct vnoc_db *db, const char *what)
{
	snprintf(db->err, sizeof(db->err), "%s: %s", what,
		 db->h ? sqlite3_errmsg(db->h) : "no database");
	return -1;
}

static int exec(struct vnoc_db *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "%s", msg ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int vnoc_db_schema_version(struct vnoc_db *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db->h, "SELECT COALESCE(MAX(version), 0)"
			       " FROM schema_version", -1, &st, NULL))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/*
 * The schema_version table lists every migration applied, with its time;
 * its highest version is the schema's.  Each migration and its row commit
 * together, so a crash mid-migration leaves the previous version intact.
 */
static int migrate(struct vnoc_db *db)
{
	char sql[128];
	int v;

	if (exec(db, "CREATE TABLE IF NOT EXISTS schema_version ("
		 " version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)"))
		return -1;
	v = vnoc_db_schema_version(db);
	if (v < 0)
		return set_err(db, "reading schema version");
	if (v > VNOC_DB_SCHEMA_VERSION) {
		snprintf(db->err, sizeof(db->err),
			 "database schema %d is newer than this program (%d)",
			 v, VNOC_DB_SCHEMA_VERSION);
		return -1;
	}
	for (; v < VNOC_DB_SCHEMA_VERSION; v++) {
		if (exec(db, "BEGIN IMMEDIATE"))
			return -1;
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES"
			 " (%d, %lld); PRAGMA user_version = %d", v + 1,
			 (long long)time(NULL), v + 1);
		if (exec(db, migrations[v]) || exec(db, sql)) {
			char keep[sizeof(db->err)];

			memcpy(keep, db->err, sizeof(keep));
			exec(db, "ROLLBACK");
			snprintf(db->err, sizeof(db->err),
				 "migration to schema %d: %.200s", v + 1, keep);
			return -1;
		}
		if (exec(db, "COMMIT"))
			return -1;
	}
	return 0;
}

int vnoc_db_open(struct vnoc_db *db, const char *path, enum vnoc_db_sync sync)
{
	memset(db, 0, sizeof(*db));
	db->path = strdup(path);
	if (!db->path) {
		snprintf(db->err, sizeof(db->err), "out of memory");
		return -1;
	}
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		set_err(db, path);
		vnoc_db_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db->h, 5000);
	if (exec(db, "PRAGMA journal_mode = WAL") ||
	    exec(db, sync == VNOC_DB_SYNC_FULL ? "PRAGMA synchronous = FULL" :
		 "PRAGMA synchronous = NORMAL") ||
	    exec(db, "PRAGMA foreign_keys = ON") || migrate(db)) {
		char keep[sizeof(db->err)];

		memcpy(keep, db->err, sizeof(keep));
		vnoc_db_close(db);
		snprintf(db->err, sizeof(db->err), "%.100s: %.140s", path, keep);
		return -1;
	}
	return 0;
}

void vnoc_db_close(struct vnoc_db *db)
{
	unsigned i;

	for (i = 0; i < VNOC_DB_STMT_CACHE; i++)
		if (db->stmt_sql[i])
			sqlite3_finalize(db->stmt[i]);
	memset(db->stmt_sql, 0, sizeof(db->stmt_sql));
	if (db->h)
		sqlite3_close(db->h);
	db->h = NULL;
	free(db->path);
	db->path = NULL;
}

int vnoc_db_begin(struct vnoc_db *db)
{
	return exec(db, "BEGIN IMMEDIATE");
}

int vnoc_db_commit(struct vnoc_db *db)
{
	if (exec(db, "COMMIT")) {
		vnoc_db_rollback(db);
		return -1;
	}
	return 0;
}

int vnoc_db_savepoint(struct vnoc_db *db)
{
	return exec(db, "SAVEPOINT change");
}

int vnoc_db_savepoint_release(struct vnoc_db *db)
{
	return exec(db, "RELEASE change");
}

void vnoc_db_savepoint_rollback(struct vnoc_db *db)
{
	sqlite3_exec(db->h, "ROLLBACK TO change", NULL, NULL, NULL);
	sqlite3_exec(db->h, "RELEASE change", NULL, NULL, NULL);
}

void vnoc_db_rollback(struct vnoc_db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * Runs one statement with arguments given by a type string:
 * 'i' int64, 'u' uint32, 's' text (NULL -> SQL NULL), 'n' uint32 or NULL if 0.
 */
/*
 * Prepared statements of run(), cached by the address of their (static)
 * SQL text: preparing costs more than running these one-row statements.
 */
static sqlite3_stmt *cached(struct vnoc_db *db, const char *sql)
{
	unsigned i;

	for (i = 0; i < VNOC_DB_STMT_CACHE && db->stmt_sql[i]; i++)
		if (db->stmt_sql[i] == sql)
			return db->stmt[i];
	if (i == VNOC_DB_STMT_CACHE)
		return NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
			       &db->stmt[i], NULL) != SQLITE_OK)
		return NULL;
	db->stmt_sql[i] = sql;
	return db->stmt[i];
}

static int run(struct vnoc_db *db, const char *sql, const char *types, ...)
{
	sqlite3_stmt *st = cached(db, sql);
	bool own = false;
	va_list ap;
	int i, rc;

	if (!st) {
		if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
			return set_err(db, "prepare");
		own = true;
	}
	va_start(ap, types);
	for (i = 0; types[i]; i++) {
		switch (types[i]) {
		case 'i':
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
			break;
		case 'u':
			sqlite3_bind_int64(st, i + 1, va_arg(ap, uint32_t));
			break;
		case 'n': {
			uint32_t v = va_arg(ap, uint32_t);

			if (v)
				sqlite3_bind_int64(st, i + 1, v);
			else
				sqlite3_bind_null(st, i + 1);
			break;
		}
		case 's':
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *),
					  -1, SQLITE_TRANSIENT);
			break;
		}
	}
	va_end(ap);
	rc = sqlite3_step(st);
	if (own) {
		sqlite3_finalize(st);
	} else {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return set_err(db, "write");
	return 0;
}

int vnoc_db_set_version(struct vnoc_db *db, uint64_t version)
{
	return run(db, "UPDATE meta SET value = ?1 WHERE key = 'version' "
		   "AND value < ?1", "i", (int64_t)version);
}

int vnoc_db_site_put(struct vnoc_db *db, const struct vnoc_site *s)
{
	return run(db, "INSERT INTO site (id, name, address, port, key, relay,"
		   " reflector, fanout, last_report_seq) VALUES"
		   " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		   " ON CONFLICT (id) DO UPDATE SET name = ?2, address = ?3,"
		   " port = ?4, key = ?5, relay = ?6, reflector = ?7,"
		   " fanout = ?8, last_report_seq = ?9",
		   "ussusiiui", s->id, s->name, s->address, (uint32_t)s->port,
		   s->key, (int64_t)s->relay, (int64_t)s->reflector,
		   s->fanout, (int64_t)s->last_report_seq);
}

int vnoc_db_site_del(struct vnoc_db *db, uint32_t id)
{
	if (run(db, "DELETE FROM membership WHERE site = ?1", "u", id) ||
	    run(db, "DELETE FROM policy WHERE site = ?1", "u", id))
		return -1;
	return run(db, "DELETE FROM site WHERE id = ?1", "u", id);
}

int vnoc_db_policy_put(struct vnoc_db *db, const struct vnoc_policy *p)
{
	char a[VNOC_ADDRSTRLEN], prefix[VNOC_ADDRSTRLEN + 5];

	snprintf(prefix, sizeof(prefix), "%s/%u",
		 vnoc_addr_str(&p->prefix, a, sizeof(a)), p->plen);
	return run(db, "INSERT OR REPLACE INTO policy (id, vpn, prefix, site,"
		   " send, receive, deny) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		   "uusniii", p->id, p->vpn, prefix,
		   p->site, (int64_t)!!(p->roles & VNOC_POLICY_SEND),
		   (int64_t)!!(p->roles & VNOC_POLICY_RECEIVE),
		   (int64_t)p->deny);
}

int vnoc_db_policy_del(struct vnoc_db *db, uint32_t id)
{
	return run(db, "DELETE FROM policy WHERE id = ?1", "u", id);
}

static const char *group_str(const struct vnoc_addr *g, char *buf, size_t len)
{
	if (!g) {
		buf[0] = '\0';
		return buf;
	}
	return vnoc_addr_str(g, buf, len);
}

int vnoc_db_mode_put(struct vnoc_db *db, uint32_t vpn,
		     const struct vnoc_addr *group, enum vnoc_mode mode)
{
	char g[VNOC_ADDRSTRLEN];

	return run(db, "INSERT OR REPLACE INTO mode (vpn, grp, mode)"
		   " VALUES (?1, ?2, ?3)", "uss", vpn,
		   group_str(group, g, sizeof(g)), vnoc_mode_name(mode));
}

int vnoc_db_mode_del(struct vnoc_db *db, uint32_t vpn,
		     const struct vnoc_addr *group)
{
	char g[VNOC_ADDRSTRLEN];

	return run(db, "DELETE FROM mode WHERE vpn = ?1 AND grp = ?2", "us",
		   vpn, group_str(group, g, sizeof(g)));
}

int vnoc_db_member_put(struct vnoc_db *db, uint32_t site, uint32_t vpn,
		       const struct vnoc_addr *group, enum vnoc_role role,
		       const struct vnoc_addr *sources, size_t nsources)
{
	char g[VNOC_ADDRSTRLEN], a[VNOC_ADDRSTRLEN];
	char *list = calloc(nsources + 1, VNOC_ADDRSTRLEN + 1);
	size_t i;
	int err;

	if (!list) {
		snprintf(db->err, sizeof(db->err), "out of memory");
		return -1;
	}
	for (i = 0; i < nsources; i++) {
		if (i)
			strcat(list, " ");
		strcat(list, vnoc_addr_str(&sources[i], a, sizeof(a)));
	}
	err = run(db, "INSERT OR REPLACE INTO membership (site, vpn, grp, role,"
		  " sources) VALUES (?1, ?2, ?3, ?4, ?5)", "uusus", site, vpn,
		  vnoc_addr_str(group, g, sizeof(g)), (uint32_t)role, list);
	free(list);
	return err;
}

int vnoc_db_member_del(struct vnoc_db *db, uint32_t site, uint32_t vpn,
		       const struct vnoc_addr *group, enum vnoc_role role)
{
	char g[VNOC_ADDRSTRLEN];

	return run(db, "DELETE FROM membership WHERE site = ?1 AND vpn = ?2"
		   " AND grp = ?3 AND role = ?4", "uusu", site, vpn,
		   vnoc_addr_str(group, g, sizeof(g)), (uint32_t)role);
}

int vnoc_db_usage_add(struct vnoc_db *db, uint32_t site, uint64_t seq,
		      int64_t now, const struct vnoc_usage *u, size_t n)
{
	char g[VNOC_ADDRSTRLEN], s[VNOC_ADDRSTRLEN];
	int64_t hour = now - now % 3600;
	size_t i;

	/* SQLite integers are signed: a larger counter would be stored
	 * negative and lower the bill.  Refuse the report before any row. */
	for (i = 0; i < n; i++)
		if (u[i].packets > INT64_MAX || u[i].bytes > INT64_MAX) {
			snprintf(db->err, sizeof(db->err),
				 "usage counter above %" PRId64, INT64_MAX);
			return -1;
		}
	for (i = 0; i < n; i++) {
		if (u[i].has_source)
			vnoc_addr_str(&u[i].source, s, sizeof(s));
		else
			s[0] = '\0';
		if (run(db, "INSERT INTO usage (hour, site, vpn, grp, source,"
			" origin, nexthop, packets, bytes) VALUES"
			" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
			/* saturate: an overflowing sum would become a REAL */
			" ON CONFLICT DO UPDATE SET packets = CASE WHEN"
			" packets > 9223372036854775807 - ?8"
			" THEN 9223372036854775807 ELSE packets + ?8 END,"
			" bytes = CASE WHEN bytes > 9223372036854775807 - ?9"
			" THEN 9223372036854775807 ELSE bytes + ?9 END",
			"iuussuuii", hour, site,
			u[i].vpn, vnoc_addr_str(&u[i].group, g, sizeof(g)), s,
			u[i].origin, u[i].nexthop, (int64_t)u[i].packets,
			(int64_t)u[i].bytes))
			return -1;
	}
	return run(db, "UPDATE site SET last_report_seq = ?2 WHERE id = ?1",
		   "ui", site, (int64_t)seq);
}

int vnoc_db_audit(struct vnoc_db *db, int64_t now, const char *actor,
		  const char *action, const char *detail)
{
	return run(db, "INSERT INTO audit (time, actor, action, detail)"
		   " VALUES (?1, ?2, ?3, ?4)", "isss", now, actor, action,
		   detail);
}

/* ---- loading ----------------------------------------------------------- */

static int load_fail(struct vnoc_db *db, sqlite3_stmt *st, const char *what)
{
	if (!db->err[0] || strncmp(db->err, what, strlen(what)))
		snprintf(db->err, sizeof(db->err), "loading %s: %s", what,
			 sqlite3_errmsg(db->h));
	sqlite3_finalize(st);
	return -1;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? (const char *)t : "";
}

static int parse_sources(const char *list, struct vnoc_addr *out,
			 size_t *n)
{
	char buf[(VNOC_ADDRSTRLEN + 1) * VNOC_MAX_SOURCES + 1], *tok, *save;

	*n = 0;
	if (strlen(list) >= sizeof(buf))
		return -1;
	strcpy(buf, list);
	for (tok = strtok_r(buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		if (*n == VNOC_MAX_SOURCES || vnoc_addr_parse(tok, &out[*n]))
			return -1;
		(*n)++;
	}
	return 0;
}

int vnoc_db_load(struct vnoc_db *db, struct vnoc_state *st)
{
	struct vnoc_addr src[VNOC_MAX_SOURCES], g;
	sqlite3_stmt *q = NULL;
	uint64_t version = 0;
	size_t nsrc, i;
	int err;

	db->err[0] = '\0';
	st->loading = true;
	if (sqlite3_prepare_v2(db->h, "SELECT id, name, address, port, key,"
			       " relay, reflector, fanout, last_report_seq"
			       " FROM site ORDER BY id", -1, &q, NULL))
		return load_fail(db, q, "sites");
	while ((err = sqlite3_step(q)) == SQLITE_ROW) {
		uint32_t id = (uint32_t)sqlite3_column_int64(q, 0);
		struct vnoc_site *s;

		if (vnoc_site_add(st, id, col(q, 1), col(q, 2),
				  (uint16_t)sqlite3_column_int(q, 3),
				  sqlite3_column_type(q, 4) == SQLITE_NULL ?
				  NULL : col(q, 4))) {
			snprintf(db->err, sizeof(db->err),
				 "sites: bad row for site %u", id);
			return load_fail(db, q, "sites");
		}
		s = vnoc_site_find(st, id);
		s->relay = sqlite3_column_int(q, 5);
		s->reflector = sqlite3_column_int(q, 6);
		s->fanout = (uint32_t)sqlite3_column_int64(q, 7);
		s->last_report_seq = (uint64_t)sqlite3_column_int64(q, 8);
		if (s->relay || s->reflector)
			vnoc_relay_set(st, id, s->relay, s->reflector,
				       s->fanout);
	}
	if (err != SQLITE_DONE)
		return load_fail(db, q, "sites");
	sqlite3_finalize(q);

	if (sqlite3_prepare_v2(db->h, "SELECT id, vpn, prefix, site, send,"
			       " receive, deny FROM policy ORDER BY id", -1,
			       &q, NULL))
		return load_fail(db, q, "policies");
	while ((err = sqlite3_step(q)) == SQLITE_ROW) {
		struct vnoc_policy p = {
			.id = (uint32_t)sqlite3_column_int64(q, 0),
			.vpn = (uint32_t)sqlite3_column_int64(q, 1),
			.site = (uint32_t)sqlite3_column_int64(q, 3),
			.roles = (sqlite3_column_int(q, 4) ? VNOC_POLICY_SEND : 0) |
				 (sqlite3_column_int(q, 5) ? VNOC_POLICY_RECEIVE : 0),
			.deny = sqlite3_column_int(q, 6),
		};

		if (vnoc_prefix_parse(col(q, 2), &p.prefix, &p.plen) ||
		    vnoc_policy_add(st, &p)) {
			snprintf(db->err, sizeof(db->err),
				 "policies: bad row for policy %u", p.id);
			return load_fail(db, q, "policies");
		}
	}
	if (err != SQLITE_DONE)
		return load_fail(db, q, "policies");
	sqlite3_finalize(q);

	if (sqlite3_prepare_v2(db->h, "SELECT vpn, grp, mode FROM mode", -1,
			       &q, NULL))
		return load_fail(db, q, "modes");
	while ((err = sqlite3_step(q)) == SQLITE_ROW) {
		enum vnoc_mode m;
		bool has_group = *col(q, 1);

		if (vnoc_mode_parse(col(q, 2), &m) ||
		    (has_group && vnoc_addr_parse(col(q, 1), &g)) ||
		    vnoc_mode_set(st, (uint32_t)sqlite3_column_int64(q, 0),
				  has_group ? &g : NULL, m)) {
			snprintf(db->err, sizeof(db->err), "modes: bad row");
			return load_fail(db, q, "modes");
		}
	}
	if (err != SQLITE_DONE)
		return load_fail(db, q, "modes");
	sqlite3_finalize(q);

	if (sqlite3_prepare_v2(db->h, "SELECT site, vpn, grp, role, sources"
			       " FROM membership", -1, &q, NULL))
		return load_fail(db, q, "memberships");
	while ((err = sqlite3_step(q)) == SQLITE_ROW) {
		int role = sqlite3_column_int(q, 3);

		if (vnoc_addr_parse(col(q, 2), &g) ||
		    parse_sources(col(q, 4), src, &nsrc) ||
		    (role != VNOC_ROLE_SENDER && role != VNOC_ROLE_RECEIVER) ||
		    vnoc_join(st, (uint32_t)sqlite3_column_int64(q, 0),
			      (uint32_t)sqlite3_column_int64(q, 1), &g, role,
			      src, nsrc)) {
			snprintf(db->err, sizeof(db->err),
				 "memberships: bad row");
			return load_fail(db, q, "memberships");
		}
	}
	if (err != SQLITE_DONE)
		return load_fail(db, q, "memberships");
	sqlite3_finalize(q);

	if (sqlite3_prepare_v2(db->h, "SELECT value FROM meta WHERE key ="
			       " 'version'", -1, &q, NULL))
		return load_fail(db, q, "meta");
	if (sqlite3_step(q) == SQLITE_ROW)
		version = (uint64_t)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);

	/* Versions handed out before the restart are <= the stored one: one
	 * above it makes every client fetch its view again. */
	st->loading = false;
	st->version = version + 1;
	for (i = 0; i < st->nsites; i++)
		st->sites[i]->view_version = st->version;
	err = vnoc_state_recompute_all(st);
	st->version = version + 1;
	for (i = 0; i < st->nsites; i++)
		st->sites[i]->view_version = st->version;
	if (err) {
		snprintf(db->err, sizeof(db->err), "recomputing routes: %s",
			 strerror(-err));
		return -1;
	}
	if (vnoc_db_begin(db) || vnoc_db_set_version(db, st->version) ||
	    vnoc_db_commit(db))
		return -1;
	return 0;
}

/* ---- reports ----------------------------------------------------------- */

static void csv_field(FILE *f, const char *s)
{
	/* Values are addresses and numbers; quote anyway if one ever has a
	 * separator, as RFC 4180 says. */
	if (strpbrk(s, ",\"\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

int vnoc_db_usage_report(const struct vnoc_db *db,
			 const struct vnoc_usage_filter *fl,
			 enum vnoc_usage_format fmt, char **out, char *err,
			 size_t errlen)
{
	static const char sql[] =
		"SELECT hour, site, vpn, grp, source, origin, nexthop,"
		" SUM(packets), SUM(bytes) FROM usage"
		" WHERE (?1 IS NULL OR site = ?1) AND (?2 IS NULL OR vpn = ?2)"
		" AND (?3 IS NULL OR grp = ?3) AND (?4 = 0 OR hour >= ?4)"
		" AND (?5 = 0 OR hour < ?5)"
		" GROUP BY hour, site, vpn, grp, source, origin, nexthop"
		" ORDER BY hour, site, vpn, grp, source, origin, nexthop";
	char g[VNOC_ADDRSTRLEN], when[32];
	sqlite3_stmt *q = NULL;
	sqlite3 *h = NULL;
	struct json j;
	size_t len = 0;
	FILE *f;
	int rc;

	*out = NULL;
	f = open_memstream(out, &len);
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* WAL: this reader sees the last commit and never blocks a writer. */
	if (sqlite3_open_v2(db->path, &h, SQLITE_OPEN_READONLY, NULL) ||
	    sqlite3_busy_timeout(h, 5000) ||
	    sqlite3_prepare_v2(h, sql, -1, &q, NULL)) {
		snprintf(err, errlen, "usage report: %s",
			 h ? sqlite3_errmsg(h) : "out of memory");
		sqlite3_close(h);
		fclose(f);
		free(*out);
		*out = NULL;
		return -1;
	}
	if (fl->has_site)
		sqlite3_bind_int64(q, 1, fl->site);
	if (fl->has_vpn)
		sqlite3_bind_int64(q, 2, fl->vpn);
	if (fl->has_group)
		sqlite3_bind_text(q, 3, vnoc_addr_str(&fl->group, g, sizeof(g)),
				  -1, SQLITE_TRANSIENT);
	/* Hour buckets: a period starting mid-hour includes that hour. */
	sqlite3_bind_int64(q, 4, fl->from ? fl->from - fl->from % 3600 : 0);
	sqlite3_bind_int64(q, 5, fl->to);

	if (fmt == VNOC_USAGE_CSV) {
		fputs("hour,site,vpn,group,source,origin,nexthop,packets,bytes\n",
		      f);
	} else {
		json_begin(&j, f);
		json_arr_open(&j, NULL);
	}
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		time_t t = (time_t)sqlite3_column_int64(q, 0);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (fmt == VNOC_USAGE_CSV) {
			fprintf(f, "%s,%lld,%lld,", when,
				sqlite3_column_int64(q, 1),
				sqlite3_column_int64(q, 2));
			csv_field(f, col(q, 3));
			fputc(',', f);
			csv_field(f, col(q, 4));
			fprintf(f, ",%lld,%lld,%" PRIu64 ",%" PRIu64 "\n",
				sqlite3_column_int64(q, 5),
				sqlite3_column_int64(q, 6),
				(uint64_t)sqlite3_column_int64(q, 7),
				(uint64_t)sqlite3_column_int64(q, 8));
		} else {
			json_obj_open(&j, NULL);
			json_str(&j, "hour", when);
			json_uint(&j, "site", (uint64_t)sqlite3_column_int64(q, 1));
			json_uint(&j, "vpn", (uint64_t)sqlite3_column_int64(q, 2));
			json_str(&j, "group", col(q, 3));
			if (*col(q, 4))
				json_str(&j, "source", col(q, 4));
			else
				json_null(&j, "source");
			json_uint(&j, "origin", (uint64_t)sqlite3_column_int64(q, 5));
			json_uint(&j, "nexthop", (uint64_t)sqlite3_column_int64(q, 6));
			json_uint(&j, "packets", (uint64_t)sqlite3_column_int64(q, 7));
			json_uint(&j, "bytes", (uint64_t)sqlite3_column_int64(q, 8));
			json_obj_close(&j);
		}
	}
	if (fmt == VNOC_USAGE_JSON) {
		json_arr_close(&j);
		json_end(&j);
	}
	if (rc != SQLITE_DONE)
		snprintf(err, errlen, "usage report: %s", sqlite3_errmsg(h));
	sqlite3_finalize(q);
	sqlite3_close(h);
	if (fclose(f) || rc != SQLITE_DONE) {
		if (rc == SQLITE_DONE)
			snprintf(err, errlen, "usage report: out of memory");
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int vnoc_db_audit_list(struct vnoc_db *db, uint64_t since, unsigned limit,
		       void (*fn)(const struct vnoc_audit *a, void *arg),
		       void *arg)
{
	sqlite3_stmt *q;
	int rc;

	if (sqlite3_prepare_v2(db->h, "SELECT id, time, actor, action, detail"
			       " FROM audit WHERE id > ?1 ORDER BY id"
			       " LIMIT ?2", -1, &q, NULL))
		return set_err(db, "audit log");
	sqlite3_bind_int64(q, 1, (int64_t)since);
	sqlite3_bind_int64(q, 2, limit);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct vnoc_audit a = {
			.id = (uint64_t)sqlite3_column_int64(q, 0),
			.time = sqlite3_column_int64(q, 1),
			.actor = col(q, 2),
			.action = col(q, 3),
			.detail = col(q, 4),
		};

		fn(&a, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : set_err(db, "audit log");
}
