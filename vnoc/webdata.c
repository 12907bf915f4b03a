// SPDX-License-Identifier: GPL-2.0
/* webdata.c - usage series and recent denials for the operator page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "webdata.h"

/* Route totals (nexthop 0) only: next-hop rows split the same bytes.
 * TOTAL, not SUM: a sum over many sites may pass 2^63 and SUM would fail
 * the query; a chart can live with a double's precision. */
static const char site_sql[] =
	"SELECT site, hour, origin = site, TOTAL(bytes) FROM usage"
	" WHERE nexthop = 0 AND hour >= ?1"
	" GROUP BY site, hour, origin = site ORDER BY site, hour";
static const char group_sql[] =
	"SELECT vpn, grp, hour, origin = site, TOTAL(bytes) FROM usage"
	" WHERE nexthop = 0 AND hour >= ?1"
	" GROUP BY vpn, grp, hour, origin = site ORDER BY vpn, grp, hour";
static const char deny_sql[] =
	"SELECT time, actor, action, detail FROM audit"
	" WHERE action IN ('deny', 'deny-suppressed') ORDER BY id DESC LIMIT ?1";

static uint64_t clamp_u64(double v)
{
	if (!(v > 0))
		return 0;
	if (v >= 18446744073709551615.0)
		return UINT64_MAX;
	return (uint64_t)v;
}

/* The series of key, appended if it is not the last one (rows come
 * sorted by key).  NULL when out of memory. */
static struct web_series *series_at(struct web_series **arr, size_t *n,
				    size_t *cap, uint32_t site, uint32_t vpn,
				    const char *group)
{
	struct web_series *s;

	if (*n) {
		s = &(*arr)[*n - 1];
		if (s->site == site && s->vpn == vpn &&
		    !strcmp(s->group, group))
			return s;
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;

		s = realloc(*arr, c * sizeof(*s));
		if (!s)
			return NULL;
		*arr = s;
		*cap = c;
	}
	s = &(*arr)[(*n)++];
	memset(s, 0, sizeof(*s));
	s->site = site;
	s->vpn = vpn;
	snprintf(s->group, sizeof(s->group), "%s", group);
	return s;
}

static void add_bucket(struct web_series *s, int64_t first, int64_t hour,
		       int sent, double bytes)
{
	int64_t i = (hour - first) / 3600;

	if (i < 0 || i >= WEB_HOURS)
		return;
	if (sent)
		s->sent[i] = clamp_u64(bytes);
	else
		s->received[i] = clamp_u64(bytes);
}

static const char *col(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);

	return t ? (const char *)t : "";
}

static int load_series(sqlite3 *h, bool groups, struct web_data *d)
{
	sqlite3_stmt *q = NULL;
	size_t cap = 0;
	int rc;

	if (sqlite3_prepare_v2(h, groups ? group_sql : site_sql, -1, &q,
			       NULL))
		return -1;
	sqlite3_bind_int64(q, 1, d->first_hour);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct web_series *s;
		int c = groups ? 2 : 1;

		if (groups)
			s = series_at(&d->groups, &d->ngroups, &cap, 0,
				      (uint32_t)sqlite3_column_int64(q, 0),
				      col(q, 1));
		else
			s = series_at(&d->sites, &d->nsites, &cap,
				      (uint32_t)sqlite3_column_int64(q, 0), 0,
				      "");
		if (!s) {
			rc = SQLITE_NOMEM;
			break;
		}
		add_bucket(s, d->first_hour, sqlite3_column_int64(q, c),
			   sqlite3_column_int(q, c + 1),
			   sqlite3_column_double(q, c + 2));
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* A deny record's detail is service.c's "site S vpn V group G role R
 * sources N: reason". */
static void parse_denial(struct web_denial *w)
{
	int n = -1;

	if (strcmp(w->action, "deny"))
		return;
	if (sscanf(w->detail, "site %u vpn %u group %45s role %15s sources %*d: %n",
		   &w->site, &w->vpn, w->group, w->role, &n) == 4 && n > 0) {
		w->has_group = 1;
		w->why = w->detail + n;
	}
}

static int load_denials(sqlite3 *h, struct web_data *d)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(h, deny_sql, -1, &q, NULL))
		return -1;
	sqlite3_bind_int(q, 1, WEB_DENIALS);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW &&
	       d->ndenials < WEB_DENIALS) {
		struct web_denial *w = &d->denials[d->ndenials];

		memset(w, 0, sizeof(*w));
		w->time = sqlite3_column_int64(q, 0);
		w->actor = strdup(col(q, 1));
		w->action = strdup(col(q, 2));
		w->detail = strdup(col(q, 3));
		d->ndenials++;
		if (!w->actor || !w->action || !w->detail) {
			rc = SQLITE_NOMEM;
			break;
		}
		parse_denial(w);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 0 : -1;
}

int web_data_load(const char *dbpath, int64_t now, struct web_data *d,
		  char *err, size_t errlen)
{
	sqlite3 *h = NULL;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	d->first_hour = now - now % 3600 - (WEB_HOURS - 1) * 3600;
	/* WAL: this reader sees the last commit and never blocks a writer. */
	if (sqlite3_open_v2(dbpath, &h, SQLITE_OPEN_READONLY, NULL) ||
	    sqlite3_busy_timeout(h, 2000) || load_series(h, false, d) ||
	    load_series(h, true, d) || load_denials(h, d))
		snprintf(err, errlen, "database %s: %s", dbpath,
			 h ? sqlite3_errmsg(h) : "out of memory");
	else
		rc = 0;
	sqlite3_close(h);
	return rc;
}

void web_data_free(struct web_data *d)
{
	size_t i;

	for (i = 0; i < d->ndenials; i++) {
		free(d->denials[i].actor);
		free(d->denials[i].action);
		free(d->denials[i].detail);
	}
	free(d->sites);
	free(d->groups);
	memset(d, 0, sizeof(*d));
}

static int cmp_site(const void *k, const void *e)
{
	uint32_t a = *(const uint32_t *)k, b = ((const struct web_series *)e)->site;

	return (a > b) - (a < b);
}

const struct web_series *web_site_series(const struct web_data *d,
					 uint32_t site)
{
	return d->nsites ? bsearch(&site, d->sites, d->nsites,
				   sizeof(*d->sites), cmp_site) : NULL;
}

struct group_key {
	uint32_t vpn;
	const char *group;
};

static int cmp_group(const void *k, const void *e)
{
	const struct group_key *a = k;
	const struct web_series *b = e;

	if (a->vpn != b->vpn)
		return (a->vpn > b->vpn) - (a->vpn < b->vpn);
	return strcmp(a->group, b->group);
}

const struct web_series *web_group_series(const struct web_data *d,
					  uint32_t vpn, const char *group)
{
	struct group_key k = { vpn, group };

	return d->ngroups ? bsearch(&k, d->groups, d->ngroups,
				    sizeof(*d->groups), cmp_group) : NULL;
}
