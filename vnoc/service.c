// SPDX-License-Identifier: GPL-2.0
/*
 * service.c - the SOAP operations of include/soap/ivgmp-vnoc.h.
 *
 * Every operation but UsageReport (which reads the database on a connection
 * of its own) runs under srv->lock.  A change is written to the database
 * in one transaction (with the new view version and an audit record) and
 * committed before the in-memory state changes and before the reply, so a
 * reply always describes durable state.  The caller is the CN of its TLS
 * client certificate, looked up on each request (a site may be renamed or
 * removed while its connection stays open).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "soapH.h"
#include "log.h"
#include "request.h"
#include "server.h"

#define AUDIT_MAX 10000

#define BAD_ARG vnoc__FaultCode__invalid_argument
#define fault vnoc_fault

/* A Server fault: our side failed (database). */
static int server_fault(struct soap *soap, const char *what,
			const struct vnoc_db *db)
{
	log_warnx("%s: %s", what, db->err);
	return vnoc_server_fault(soap, "%s failed: %s", what, db->err);
}

static struct vnoc_conn *conn(struct soap *soap)
{
	return soap->user;
}

static int64_t now(void)
{
	return (int64_t)time(NULL);
}

/* Remembers the sites the last change woke, for after its commit. */
static void collect_wake(struct vnoc_server *srv)
{
	struct vnoc_state *st = &srv->state;
	size_t need = srv->nwake + st->nchanged;

	if (need > srv->capwake) {
		size_t cap = need * 2 + 64;
		uint32_t *w = realloc(srv->wake, cap * sizeof(*w));

		if (!w) {
			/* cannot defer: wake now, slightly early */
			for (need = 0; need < st->nchanged; need++) {
				struct vnoc_site *s =
					vnoc_site_find(st, st->changed[need]);

				if (s)
					pthread_cond_broadcast(&s->cond);
			}
			st->nchanged = 0;
			return;
		}
		srv->wake = w;
		srv->capwake = cap;
	}
	if (!st->nchanged)
		return;
	memcpy(srv->wake + srv->nwake, st->changed,
	       st->nchanged * sizeof(*st->changed));
	srv->nwake += st->nchanged;
	st->nchanged = 0;
}

static void wake_committed(struct vnoc_server *srv)
{
	size_t i;

	for (i = 0; i < srv->nwake; i++) {
		struct vnoc_site *s = vnoc_site_find(&srv->state, srv->wake[i]);

		if (s)
			pthread_cond_broadcast(&s->cond);
	}
	srv->nwake = 0;
}

/*
 * Returns once transaction ticket is committed; called locked.  The first
 * waiter commits for every change written so far (group commit: one fsync
 * for a batch of joins), after letting writers that were held up by the
 * previous COMMIT add theirs.  A failed COMMIT leaves memory ahead of the
 * database: the only safe answer is to stop, and a restart reloads exactly
 * what was committed.
 */
static void wait_durable(struct vnoc_server *srv, uint64_t ticket)
{
	while (srv->durable_seq < ticket) {
		uint64_t seq;
		int rc;

		if (srv->leader) {
			pthread_cond_wait(&srv->commit_cv, &srv->lock);
			continue;
		}
		srv->leader = true;
		while (srv->pending)
			pthread_cond_wait(&srv->commit_cv, &srv->lock);
		seq = srv->txn_seq;
		srv->txn_open = false;
		srv->committing = true;
		pthread_mutex_unlock(&srv->lock);
		rc = vnoc_db_commit(&srv->db);
		pthread_mutex_lock(&srv->lock);
		if (rc)
			fatalx("database commit failed: %s; exiting so that a "
			       "restart reloads the committed state", srv->db.err);
		srv->committing = false;
		srv->leader = false;
		srv->durable_seq = seq;
		wake_committed(srv);
		pthread_cond_broadcast(&srv->commit_cv);
	}
}

/* Site operations: the caller must be a registered site.  Call locked. */
static struct vnoc_site *caller(struct soap *soap, int *err)
{
	struct vnoc_conn *c = conn(soap);
	struct vnoc_site *s;

	if (!c->cn[0]) {
		*err = fault(soap, vnoc__FaultCode__unauthenticated,
			     "no certificate identifies the caller: %s",
			     c->nocn ? c->nocn : "no client certificate");
		return NULL;
	}
	/* The CN's site rarely changes: check the cached id first. */
	s = vnoc_site_find(&c->srv->state, c->site);
	if (!s || strcmp(s->name, c->cn))
		s = vnoc_site_find_name(&c->srv->state, c->cn);
	if (s)
		c->site = s->id;
	else
		*err = fault(soap, vnoc__FaultCode__not_registered,
			     "certificate CN '%s' is not a registered site",
			     c->cn);
	return s;
}

static int require_admin(struct soap *soap)
{
	struct vnoc_conn *c = conn(soap);

	if (c->admin)
		return SOAP_OK;
	log_warnx("admin operation refused for '%s'", c->cn);
	if (!c->cn[0])
		return fault(soap, vnoc__FaultCode__unauthenticated,
			     "admin operation refused: no certificate "
			     "identifies the caller: %s",
			     c->nocn ? c->nocn : "no client certificate");
	return fault(soap, vnoc__FaultCode__not_admin,
		     "admin operation refused for certificate CN '%s'", c->cn);
}

static int parse_group(struct soap *soap, const char *s, struct vnoc_addr *g,
		       int *err)
{
	if (!s || vnoc_addr_parse(s, g) || !vnoc_addr_is_multicast(g)) {
		*err = fault(soap, BAD_ARG,
			     "group '%.64s' is not a multicast address",
			     s ? s : "");
		return -1;
	}
	return 0;
}

static const char *role_name(enum vnoc_role r)
{
	return r == VNOC_ROLE_SENDER ? "sender" : "receiver";
}

static int check_role(struct soap *soap, enum vnoc__Role role)
{
	if (role != vnoc__Role__sender && role != vnoc__Role__receiver)
		return fault(soap, BAD_ARG, "invalid role");
	return SOAP_OK;
}

/*
 * Begins a change: the caller writes it, then calls end_change(), then
 * changes memory, then applied(), which returns once the change is durable.
 */
static int begin_write(struct vnoc_server *srv, const char **what)
{
	while (srv->committing) {
		srv->pending++;
		pthread_cond_wait(&srv->commit_cv, &srv->lock);
		if (!--srv->pending)
			pthread_cond_broadcast(&srv->commit_cv);
	}
	if (!srv->txn_open) {
		*what = "database begin";
		if (vnoc_db_begin(&srv->db))
			return -1;
		srv->txn_open = true;
		srv->txn_seq++;
	}
	*what = "database savepoint";
	return vnoc_db_savepoint(&srv->db);
}

static int begin_change(struct soap *soap, struct vnoc_server *srv)
{
	const char *what;

	if (begin_write(srv, &what))
		return server_fault(soap, what, &srv->db);
	return SOAP_OK;
}

static int fail_change(struct soap *soap, struct vnoc_server *srv,
		       const char *what)
{
	char keep[sizeof(srv->db.err)];

	memcpy(keep, srv->db.err, sizeof(keep));
	vnoc_db_savepoint_rollback(&srv->db);
	memcpy(srv->db.err, keep, sizeof(keep));
	return server_fault(soap, what, &srv->db);
}

/* Ends the write of a change (its audit record if detail is given). */
static int commit_change(struct soap *soap, struct vnoc_server *srv,
			 const char *action, const char *detail)
{
	/* The change may give sites version + 1: make that durable too. */
	if (vnoc_db_set_version(&srv->db, srv->state.version + 1) ||
	    (detail && vnoc_db_audit(&srv->db, now(), conn(soap)->cn, action,
				     detail)))
		return fail_change(soap, srv, action);
	if (vnoc_db_savepoint_release(&srv->db))
		return fail_change(soap, srv, action);
	conn(soap)->ticket = srv->txn_seq;
	return SOAP_OK;
}

/* After begin_change() and the write (dberr its result): undoes or ends it. */
static int end_change(struct soap *soap, struct vnoc_server *srv, int dberr,
		      const char *action, const char *detail)
{
	if (dberr)
		return fail_change(soap, srv, action);
	return commit_change(soap, srv, action, detail);
}

/* After end_change() and the memory update: waits until the change is
 * durable, then the woken sites see it.  Bad input was refused before the
 * write, so the memory update can only fail for ENOMEM, which leaves memory
 * behind the database until a restart reloads it. */
static int applied(struct soap *soap, struct vnoc_server *srv, int err,
		   const char *what)
{
	collect_wake(srv);
	wait_durable(srv, conn(soap)->ticket);
	if (err) {
		log_warnx("%s: in-memory update failed (%s); restart to reload",
			  what, strerror(-err));
		return vnoc_server_fault(soap, "internal error, change is "
					 "stored but not yet active");
	}
	return SOAP_OK;
}

/* ---- denials over deny_audit_limit --------------------------------------- */

static void iso_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%" PRId64, t);
}

/* Writes the audit record of a window's suppressed denials; call in a
 * change (between begin and release). */
static int audit_suppressed(struct vnoc_server *srv,
			    const struct vnoc_deny_summary *d)
{
	struct vnoc_site *s = vnoc_site_find(&srv->state, d->site);
	char detail[300], from[32], to[32];

	iso_time(d->from, from, sizeof(from));
	iso_time(d->to, to, sizeof(to));
	snprintf(detail, sizeof(detail), "site %u: %" PRIu64 " more denials "
		 "suppressed from %s to %s (deny_audit_limit %u per %u s)",
		 d->site, d->suppressed, from, to, srv->cfg->deny_audit_limit,
		 srv->cfg->deny_audit_period);
	log_info("audit: %s", detail);
	return vnoc_db_audit(&srv->db, now(), s ? s->name : "ivgmp-vnoc",
			     "deny-suppressed", detail);
}

void vnoc_service_tick(struct vnoc_server *srv, int64_t t)
{
	struct vnoc_deny_summary sum[64];
	const char *what = "audit of suppressed denials";
	size_t n, i;

	pthread_mutex_lock(&srv->lock);
	do {
		n = vnoc_deny_limit_expire(&srv->deny, t, sum, 64);
		if (!n)
			break;
		if (begin_write(srv, &what))
			goto fail;
		for (i = 0; i < n; i++)
			if (audit_suppressed(srv, &sum[i]))
				goto fail_savepoint;
		if (vnoc_db_savepoint_release(&srv->db))
			goto fail_savepoint;
		wait_durable(srv, srv->txn_seq);
	} while (n == 64);
	pthread_mutex_unlock(&srv->lock);
	return;
fail_savepoint:
	vnoc_db_savepoint_rollback(&srv->db);
fail:
	/* the counts are not lost from the log at least */
	for (i = 0; i < n; i++)
		log_warnx("%s failed (%s): site %u: %" PRIu64 " denials "
			  "suppressed", what, srv->db.err, sum[i].site,
			  sum[i].suppressed);
	pthread_mutex_unlock(&srv->lock);
}

/* ---- site operations --------------------------------------------------- */

int vnoc__JoinGroup(struct soap *soap, unsigned int vpn, char *group,
		    enum vnoc__Role role, int nsource, char **source,
		    struct vnoc__JoinGroupResponse *resp)
{
	struct vnoc_server *srv = conn(soap)->srv;
	struct vnoc_addr g, src[VNOC_MAX_SOURCES];
	char why[256], detail[400], gs[VNOC_ADDRSTRLEN];
	struct vnoc_group *gr;
	struct vnoc_site *s;
	int err = SOAP_OK, i, rc;
	bool noop;

	if (parse_group(soap, group, &g, &err) || check_role(soap, role))
		return err ? err : soap->error;
	if (nsource > VNOC_MAX_SOURCES)
		return fault(soap, vnoc__FaultCode__limit_exceeded,
			     "more than %d sources", VNOC_MAX_SOURCES);
	for (i = 0; i < nsource; i++)
		if (vnoc_addr_parse(source[i], &src[i]))
			return fault(soap, BAD_ARG, "source '%.64s' is not an address",
				     source[i] ? source[i] : "");
	vnoc_addr_str(&g, gs, sizeof(gs));
	memset(resp, 0, sizeof(*resp));

	pthread_mutex_lock(&srv->lock);
	s = caller(soap, &err);
	if (!s)
		goto out;
	snprintf(detail, sizeof(detail), "site %u vpn %u group %s role %s sources %d",
		 s->id, vpn, gs, role_name((enum vnoc_role)role), nsource);
	rc = vnoc_join_check(&srv->state, s->id, vpn, &g, (enum vnoc_role)role,
			     src, nsource, &noop, why, sizeof(why));
	if (rc == -EACCES) {
		struct vnoc_deny_summary prev;
		bool audit;
		char d2[700];

		snprintf(d2, sizeof(d2), "%s: %s", detail, why);
		/* Over the limit nothing is written: a flood of denials
		 * costs neither audit rows nor commits. */
		audit = vnoc_deny_limit_hit(&srv->deny, s->id, now(), &prev);
		if (audit) {
			err = begin_change(soap, srv);
			if (!err && prev.suppressed &&
			    audit_suppressed(srv, &prev))
				err = fail_change(soap, srv, "deny");
			if (!err)
				err = commit_change(soap, srv, "deny", d2);
			if (!err)
				err = applied(soap, srv, 0, "deny");
			if (err)
				goto out;
		}
		resp->result = vnoc__JoinResult__denied;
		resp->reason = soap_strdup(soap, why);
		resp->version = s->view_version;
		if (audit)
			log_info("join denied: %s: %s", detail, why);
		else
			log_debug("join denied (over deny_audit_limit, "
				  "counted): %s: %s", detail, why);
		goto out;
	}
	if (rc) {
		err = fault(soap, rc == -ENOMEM ? vnoc__FaultCode__internal :
			    rc == -ENOENT ? vnoc__FaultCode__not_registered :
			    BAD_ARG, "%s", why);
		goto out;
	}
	if (!noop) {
		err = begin_change(soap, srv);
		if (!err)
			err = end_change(soap, srv, vnoc_db_member_put(&srv->db,
					 s->id, vpn, &g, (enum vnoc_role)role,
					 src, nsource), "join", detail);
		if (err)
			goto out;
		err = applied(soap, srv, vnoc_join(&srv->state, s->id, vpn, &g,
						   (enum vnoc_role)role, src,
						   nsource), "join");
		log_debug("join: %s", detail);
		gr = vnoc_group_find(&srv->state, vpn, &g);
		if (gr && gr->overflow)
			log_warnx("vpn %u group %s: %u receivers beyond the "
				  "accredited relays' fan-out or depth, sent "
				  "by the origin directly", vpn, gs,
				  gr->overflow);
	}
	resp->result = vnoc__JoinResult__accepted;
	resp->version = s->view_version;
out:
	pthread_mutex_unlock(&srv->lock);
	return err;
}

int vnoc__LeaveGroup(struct soap *soap, unsigned int vpn, char *group,
		     enum vnoc__Role role, struct vnoc__LeaveGroupResponse *resp)
{
	struct vnoc_server *srv = conn(soap)->srv;
	char detail[200], gs[VNOC_ADDRSTRLEN];
	struct vnoc_site *s;
	struct vnoc_addr g;
	int err = SOAP_OK, rc;

	if (parse_group(soap, group, &g, &err) || check_role(soap, role))
		return err ? err : soap->error;
	memset(resp, 0, sizeof(*resp));
	pthread_mutex_lock(&srv->lock);
	s = caller(soap, &err);
	if (!s)
		goto out;
	snprintf(detail, sizeof(detail), "site %u vpn %u group %s role %s",
		 s->id, vpn, vnoc_addr_str(&g, gs, sizeof(gs)),
		 role_name((enum vnoc_role)role));
	err = begin_change(soap, srv);
	if (!err)
		err = end_change(soap, srv, vnoc_db_member_del(&srv->db, s->id,
				 vpn, &g, (enum vnoc_role)role), "leave", detail);
	if (err)
		goto out;
	rc = vnoc_leave(&srv->state, s->id, vpn, &g, (enum vnoc_role)role);
	resp->wasMember = rc == 1 ? true_ : false_;
	err = applied(soap, srv, rc < 0 ? rc : 0, "leave");
	resp->version = s->view_version;
out:
	pthread_mutex_unlock(&srv->lock);
	return err;
}

static char *addr_dup(struct soap *soap, const struct vnoc_addr *a)
{
	char buf[VNOC_ADDRSTRLEN];

	return soap_strdup(soap, vnoc_addr_str(a, buf, sizeof(buf)));
}

static int fill_view(struct soap *soap, struct vnoc_server *srv,
		     struct vnoc_site *s, struct vnoc__GetStateResponse *resp)
{
	struct vnoc_view v;
	size_t i;

	if (vnoc_view_get(&srv->state, s->id, &v))
		return vnoc_server_fault(soap, "out of memory");
	resp->version = v.version;
	resp->site = s->id;
	resp->port = s->port;
	resp->__sizepeer = (int)v.npeers;
	resp->peer = soap_malloc(soap, (v.npeers + 1) * sizeof(*resp->peer));
	resp->__sizeroute = (int)v.nroutes;
	resp->route = soap_malloc(soap, (v.nroutes + 1) * sizeof(*resp->route));
	if (!resp->peer || !resp->route) {
		vnoc_view_free(&v);
		return soap->error;
	}
	for (i = 0; i < v.npeers; i++) {
		const struct vnoc_site *p = v.peers[i];
		struct vnoc__Peer *o = &resp->peer[i];

		o->id = p->id;
		o->name = soap_strdup(soap, p->name);
		o->address = soap_strdup(soap, p->address);
		o->port = p->port;
		o->key = p->key ? soap_strdup(soap, p->key) : NULL;
	}
	for (i = 0; i < v.nroutes; i++) {
		const struct vnoc_route *r = &v.routes[i];
		struct vnoc__Route *o = &resp->route[i];

		memset(o, 0, sizeof(*o));
		o->vpn = r->vpn;
		o->group = addr_dup(soap, &r->group);
		o->source = r->has_source ? addr_dup(soap, &r->source) : NULL;
		o->origin = r->origin;
		o->deliverLocal = r->deliver_local ? true_ : false_;
		o->__sizenexthop = (int)r->nnexthops;
		if (r->nnexthops) {
			o->nexthop = soap_malloc(soap, r->nnexthops *
						 sizeof(*o->nexthop));
			if (!o->nexthop) {
				vnoc_view_free(&v);
				return soap->error;
			}
			memcpy(o->nexthop, r->nexthops,
			       r->nnexthops * sizeof(*o->nexthop));
		}
	}
	vnoc_view_free(&v);
	return SOAP_OK;
}

int vnoc__GetState(struct soap *soap, ULONG64 since, unsigned int wait,
		   struct vnoc__GetStateResponse *resp)
{
	struct vnoc_server *srv = conn(soap)->srv;
	struct vnoc_site *s;
	struct timespec deadline;
	int err = SOAP_OK;

	memset(resp, 0, sizeof(*resp));
	if (wait > srv->cfg->longpoll_max)
		wait = srv->cfg->longpoll_max;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += wait;

	pthread_mutex_lock(&srv->lock);
	s = caller(soap, &err);
	if (!s)
		goto out;
	/* A version above the site's own was never handed out in this
	 * database's history (restored from a backup, or replaced): the
	 * client's view is of another history, it gets the current one now. */
	if (since > s->view_version)
		log_info("site %u asks for version %" PRIu64 " ahead of its "
			 "%" PRIu64 ": sending its whole view", s->id,
			 (uint64_t)since, s->view_version);
	/* since is the view the site has applied (the agent asks again only
	 * once it has): next hops that waited for it are published now. */
	if (vnoc_applied_wakes(&srv->state, s->id, since)) {
		err = begin_change(soap, srv);
		if (!err)
			err = commit_change(soap, srv, "applied", NULL);
		if (err)
			goto out;
		vnoc_applied(&srv->state, s->id, since);
		err = applied(soap, srv, 0, "applied");
		if (err)
			goto out;
	} else {
		vnoc_applied(&srv->state, s->id, since);
	}
	/* Only this site's condition variable is signalled, and only when its
	 * own view changed: other sites' changes never wake this request. */
	while (s->view_version == since && !s->removed && !srv->stopping) {
		if (pthread_cond_timedwait(&s->cond, &srv->lock, &deadline))
			break;
	}
	/* Views show only committed changes. */
	if (srv->txn_open || srv->committing)
		wait_durable(srv, srv->txn_seq);
	if (s->removed) {
		err = fault(soap, vnoc__FaultCode__not_registered,
			    "site was removed");
		goto out;
	}
	err = fill_view(soap, srv, s, resp);
	resp->changed = resp->version != since ? true_ : false_;
out:
	pthread_mutex_unlock(&srv->lock);
	return err;
}

int vnoc__ReportUsage(struct soap *soap, ULONG64 seq, int nroute,
		      struct vnoc__RouteUsage *route,
		      struct vnoc__ReportUsageResponse *resp)
{
	struct vnoc_server *srv = conn(soap)->srv;
	struct vnoc_usage *u = NULL;
	size_t nu = 0, cap = 0;
	struct vnoc_site *s;
	int err = SOAP_OK, i, j;
	char detail[100];

	memset(resp, 0, sizeof(*resp));
	if (nroute < 0 || (size_t)nroute > srv->cfg->max_message / 16)
		return fault(soap, vnoc__FaultCode__limit_exceeded,
			     "too many routes");
	for (i = 0; i < nroute; i++)
		cap += 1 + (route[i].__sizenexthop > 0 ?
			    (size_t)route[i].__sizenexthop : 0);
	u = calloc(cap + 1, sizeof(*u));
	if (!u)
		return vnoc_server_fault(soap, "out of memory");

	pthread_mutex_lock(&srv->lock);
	s = caller(soap, &err);
	if (!s)
		goto out;
	if (seq <= s->last_report_seq || !seq) {
		/* A retry of a report already counted, or seq 0: a question
		 * for lastSeq that is never counted. */
		resp->duplicate = true_;
		resp->lastSeq = s->last_report_seq;
		goto out;
	}
	/* Validate everything before counting anything: a site reports only
	 * the routes the VNOC gave it, and their next hops. */
	for (i = 0; i < nroute; i++) {
		struct vnoc__RouteUsage *ru = &route[i];
		struct vnoc_addr g, src;
		bool ok;

		if (parse_group(soap, ru->group, &g, &err))
			goto out;
		if (ru->source && vnoc_addr_parse(ru->source, &src)) {
			err = fault(soap, BAD_ARG, "route %d: bad source", i + 1);
			goto out;
		}
		/* the database counts in signed 64 bits */
		ok = ru->packets <= INT64_MAX && ru->bytes <= INT64_MAX;
		for (j = 0; ok && j < ru->__sizenexthop; j++)
			ok = ru->nexthop[j].packets <= INT64_MAX &&
			     ru->nexthop[j].bytes <= INT64_MAX;
		if (!ok) {
			err = fault(soap, BAD_ARG, "route %d: counter above %" PRId64,
				    i + 1, INT64_MAX);
			goto out;
		}
		if (ru->__sizenexthop > 0) {
			uint32_t *nh = calloc((size_t)ru->__sizenexthop,
					      sizeof(*nh));

			if (!nh) {
				err = vnoc_server_fault(soap, "out of memory");
				goto out;
			}
			for (j = 0; j < ru->__sizenexthop; j++)
				nh[j] = ru->nexthop[j].site;
			ok = vnoc_route_reportable(&srv->state, s->id, ru->vpn,
						   &g, ru->source ? &src : NULL,
						   ru->origin, nh,
						   (size_t)ru->__sizenexthop);
			free(nh);
		} else {
			ok = vnoc_route_reportable(&srv->state, s->id, ru->vpn,
						   &g, ru->source ? &src : NULL,
						   ru->origin, NULL, 0);
		}
		if (!ok) {
			err = fault(soap, vnoc__FaultCode__not_in_view,
				    "route %d (vpn %u, group %s, origin %u) "
				    "or one of its next hops is not a route of "
				    "site %u", i + 1, ru->vpn, ru->group,
				    ru->origin, s->id);
			goto out;
		}
		u[nu++] = (struct vnoc_usage){
			.vpn = ru->vpn, .group = g, .has_source = !!ru->source,
			.source = ru->source ? src : g, .origin = ru->origin,
			.packets = ru->packets, .bytes = ru->bytes,
		};
		for (j = 0; j < ru->__sizenexthop; j++) {
			struct vnoc__NexthopUsage *nhu = &ru->nexthop[j];

			u[nu] = u[nu - 1 - j];
			u[nu].nexthop = nhu->site;
			u[nu].packets = nhu->packets;
			u[nu].bytes = nhu->bytes;
			nu++;
		}
	}
	snprintf(detail, sizeof(detail), "site %u seq %" PRIu64 " routes %d",
		 s->id, (uint64_t)seq, nroute);
	err = begin_change(soap, srv);
	if (!err)
		err = end_change(soap, srv, vnoc_db_usage_add(&srv->db, s->id,
				 seq, now(), u, nu), "usage report", NULL);
	if (err)
		goto out;
	s->last_report_seq = seq;
	err = applied(soap, srv, 0, "usage report");
	if (err)
		goto out;
	resp->lastSeq = seq;
	log_debug("usage: %s", detail);
out:
	pthread_mutex_unlock(&srv->lock);
	free(u);
	return err;
}

/* ---- admin: the skeleton every admin operation shares -------------------- */

/*
 * Runs @run under the server lock once the caller is known to hold an admin
 * certificate. A read fills its response there; a change checks its
 * arguments against the state and ends with admin_commit().
 */
static int admin(struct soap *soap,
		 int (*run)(struct soap *soap, struct vnoc_server *srv,
			    void *arg),
		 void *arg)
{
	struct vnoc_server *srv = conn(soap)->srv;
	int err;

	pthread_mutex_lock(&srv->lock);
	err = require_admin(soap);
	if (!err)
		err = run(soap, srv, arg);
	pthread_mutex_unlock(&srv->lock);
	return err;
}

/* A checked change: what it writes to the database and to memory. */
struct admin_change {
	const char *action;		/* audit action, log word */
	char detail[400];		/* audit detail */
	int (*write)(struct vnoc_server *srv, const void *arg);
	int (*apply)(struct vnoc_server *srv, const void *arg);
	const void *arg;
};

/*
 * The database first, with the audit record; then memory; then wait until
 * it is durable. *@version (if not NULL) gets the state's new version.
 */
static int admin_commit(struct soap *soap, struct vnoc_server *srv,
			const struct admin_change *c, ULONG64 *version)
{
	int err;

	err = begin_change(soap, srv);
	if (!err)
		err = end_change(soap, srv, c->write(srv, c->arg), c->action,
				 c->detail);
	if (err)
		return err;
	err = applied(soap, srv, c->apply(srv, c->arg), c->action);
	if (version)
		*version = srv->state.version;
	log_info("%s by %s: %s", c->action, conn(soap)->cn, c->detail);
	return err;
}

/* Room for @n response elements (+1: soap_malloc(0) may return NULL). */
static void *admin_array(struct soap *soap, size_t n, size_t size, int *err)
{
	void *p = soap_malloc(soap, (n + 1) * size);

	if (!p)
		*err = soap->error;
	return p;
}

/* ---- admin: sites ------------------------------------------------------ */

static int site_args(struct soap *soap, struct vnoc_server *srv,
		     struct vnoc__Site *in, bool update, char *addr,
		     size_t addrlen)
{
	struct vnoc_addr a;
	const char *why;
	int rc;

	if (!in)
		return fault(soap, BAD_ARG, "site missing");
	if (!in->port)
		return fault(soap, BAD_ARG, "port must not be 0");
	rc = vnoc_site_check(&srv->state, in->id, in->name, in->address,
			     in->key, update, &why);
	if (rc)
		return fault(soap, rc == -EEXIST ? vnoc__FaultCode__conflict :
			     rc == -ENOENT ? vnoc__FaultCode__not_found :
			     BAD_ARG, "site %u: %s", in->id, why);
	vnoc_addr_parse(in->address, &a);
	vnoc_addr_str(&a, addr, addrlen);
	return SOAP_OK;
}

/* A site as stored: SiteAdd, SiteUpdate and RelaySet write one. */
struct site_change {
	struct vnoc_site site;
	char addr[VNOC_ADDRSTRLEN];
	bool update;		/* SiteUpdate */
	bool relay;		/* RelaySet */
};

static int site_put(struct vnoc_server *srv, const void *arg)
{
	const struct site_change *sc = arg;

	return vnoc_db_site_put(&srv->db, &sc->site);
}

static int site_apply(struct vnoc_server *srv, const void *arg)
{
	const struct site_change *sc = arg;
	const struct vnoc_site *s = &sc->site;

	if (sc->relay)
		return vnoc_relay_set(&srv->state, s->id, s->relay,
				      s->reflector, s->fanout);
	if (sc->update)
		return vnoc_site_update(&srv->state, s->id, s->name, s->address,
					s->port, s->key);
	return vnoc_site_add(&srv->state, s->id, s->name, s->address, s->port,
			     s->key);
}

struct site_write_op {
	struct vnoc__Site *in;
	bool update;
	ULONG64 *version;
};

static int site_write(struct soap *soap, struct vnoc_server *srv, void *arg)
{
	const struct site_write_op *op = arg;
	struct vnoc__Site *in = op->in;
	struct site_change sc = { .update = op->update };
	struct admin_change c = {
		.action = op->update ? "site-update" : "site-add",
		.write = site_put, .apply = site_apply, .arg = &sc,
	};
	struct vnoc_site *old;
	int err;

	err = site_args(soap, srv, in, op->update, sc.addr, sizeof(sc.addr));
	if (err)
		return err;
	old = vnoc_site_find(&srv->state, in->id);
	if (old)
		sc.site = *old;
	sc.site.id = in->id;
	sc.site.name = in->name;
	sc.site.address = sc.addr;
	sc.site.port = in->port;
	sc.site.key = in->key && *in->key ? in->key : NULL;
	snprintf(c.detail, sizeof(c.detail),
		 "site %u name %s address %s port %u", in->id, in->name,
		 sc.addr, in->port);
	return admin_commit(soap, srv, &c, op->version);
}

int vnoc__SiteAdd(struct soap *soap, struct vnoc__Site *site,
		  struct vnoc__SiteAddResponse *resp)
{
	struct site_write_op op = { site, false, &resp->version };

	return admin(soap, site_write, &op);
}

int vnoc__SiteUpdate(struct soap *soap, struct vnoc__Site *site,
		     struct vnoc__SiteUpdateResponse *resp)
{
	struct site_write_op op = { site, true, &resp->version };

	return admin(soap, site_write, &op);
}

/* Remove operations name their object by id. */
struct remove_op {
	unsigned int id;
	ULONG64 *version;
};

static int site_del(struct vnoc_server *srv, const void *arg)
{
	return vnoc_db_site_del(&srv->db, *(const unsigned int *)arg);
}

static int site_unapply(struct vnoc_server *srv, const void *arg)
{
	return vnoc_site_remove(&srv->state, *(const unsigned int *)arg);
}

static int site_remove(struct soap *soap, struct vnoc_server *srv, void *arg)
{
	const struct remove_op *op = arg;
	struct admin_change c = {
		.action = "site-remove", .write = site_del,
		.apply = site_unapply, .arg = &op->id,
	};

	if (!vnoc_site_find(&srv->state, op->id))
		return fault(soap, vnoc__FaultCode__not_found, "no site %u",
			     op->id);
	snprintf(c.detail, sizeof(c.detail), "site %u", op->id);
	return admin_commit(soap, srv, &c, op->version);
}

int vnoc__SiteRemove(struct soap *soap, unsigned int id,
		     struct vnoc__SiteRemoveResponse *resp)
{
	struct remove_op op = { id, &resp->version };

	return admin(soap, site_remove, &op);
}

static int site_list(struct soap *soap, struct vnoc_server *srv, void *arg)
{
	struct vnoc__SiteListResponse *resp = arg;
	int err = SOAP_OK;
	size_t i;

	resp->site = admin_array(soap, srv->state.nsites, sizeof(*resp->site),
				 &err);
	if (!resp->site)
		return err;
	for (i = 0; i < srv->state.nsites; i++) {
		const struct vnoc_site *s = srv->state.sites[i];
		struct vnoc__Site *o = &resp->site[i];

		o->id = s->id;
		o->name = soap_strdup(soap, s->name);
		o->address = soap_strdup(soap, s->address);
		o->port = s->port;
		o->key = s->key ? soap_strdup(soap, s->key) : NULL;
		o->relay = s->relay ? true_ : false_;
		o->reflector = s->reflector ? true_ : false_;
		o->fanout = s->fanout;
		o->viewVersion = s->view_version;
	}
	resp->__sizesite = (int)srv->state.nsites;
	return SOAP_OK;
}

int vnoc__SiteList(struct soap *soap, struct vnoc__SiteListResponse *resp)
{
	memset(resp, 0, sizeof(*resp));
	return admin(soap, site_list, resp);
}

struct relay_op {
	unsigned int id;
	bool relay, reflector;
	unsigned int fanout;
	ULONG64 *version;
};

static int relay_set(struct soap *soap, struct vnoc_server *srv, void *arg)
{
	const struct relay_op *op = arg;
	struct site_change sc = { .relay = true };
	struct admin_change c = {
		.action = "relay", .write = site_put, .apply = site_apply,
		.arg = &sc,
	};
	struct vnoc_site *s;

	s = vnoc_site_find(&srv->state, op->id);
	if (!s)
		return fault(soap, vnoc__FaultCode__not_found, "no site %u",
			     op->id);
	if (op->fanout > 1024)
		return fault(soap, vnoc__FaultCode__limit_exceeded,
			     "fanout %u above the kernel's 1024 next hops",
			     op->fanout);
	sc.site = *s;
	sc.site.relay = op->relay;
	sc.site.reflector = op->reflector;
	sc.site.fanout = op->fanout;
	snprintf(c.detail, sizeof(c.detail),
		 "site %u relay %d reflector %d fanout %u", op->id, op->relay,
		 op->reflector, op->fanout);
	return admin_commit(soap, srv, &c, op->version);
}

int vnoc__RelaySet(struct soap *soap, unsigned int id, enum xsd__boolean relay,
		   enum xsd__boolean reflector, unsigned int fanout,
		   struct vnoc__RelaySetResponse *resp)
{
	struct relay_op op = {
		id, relay == true_, reflector == true_, fanout, &resp->version,
	};

	return admin(soap, relay_set, &op);
}

/* ---- admin: policies --------------------------------------------------- */

static int policy_put(struct vnoc_server *srv, const void *arg)
{
	return vnoc_db_policy_put(&srv->db, arg);
}

static int policy_apply(struct vnoc_server *srv, const void *arg)
{
	struct vnoc_policy p = *(const struct vnoc_policy *)arg;

	return vnoc_policy_add(&srv->state, &p);
}

struct policy_add_op {
	struct vnoc__Policy *in;
	struct vnoc_policy p;
	unsigned int *id;
};

static int policy_add(struct soap *soap, struct vnoc_server *srv, void *arg)
{
	struct policy_add_op *op = arg;
	struct vnoc_policy *p = &op->p;
	struct admin_change c = {
		.action = "policy-add", .write = policy_put,
		.apply = policy_apply, .arg = p,
	};
	int err;

	/* any other rule could never match a group */
	if (!vnoc_prefix_is_multicast(&p->prefix, p->plen))
		return fault(soap, BAD_ARG, "prefix '%.64s' is not a multicast "
			     "prefix (inside 224.0.0.0/4 or ff00::/8)",
			     op->in->prefix);
	if (op->in->site && (!*op->in->site ||
			     !vnoc_site_find(&srv->state, *op->in->site)))
		return fault(soap, vnoc__FaultCode__not_found, "no site %u",
			     *op->in->site);
	p->id = srv->state.next_policy_id;
	snprintf(c.detail, sizeof(c.detail),
		 "policy %u vpn %u prefix %s site %u %s%s %s", p->id, p->vpn,
		 op->in->prefix, p->site,
		 p->roles & VNOC_POLICY_SEND ? "send" : "",
		 p->roles & VNOC_POLICY_RECEIVE ? "receive" : "",
		 p->deny ? "deny" : "permit");
	err = admin_commit(soap, srv, &c, NULL);
	*op->id = p->id;
	return err;
}

int vnoc__PolicyAdd(struct soap *soap, struct vnoc__Policy *in,
		    struct vnoc__PolicyAddResponse *resp)
{
	struct policy_add_op op = { .in = in, .id = &resp->id };
	struct vnoc_policy *p = &op.p;

	if (!in || !in->prefix || vnoc_prefix_parse(in->prefix, &p->prefix,
						    &p->plen))
		return fault(soap, BAD_ARG,
			     "prefix '%.64s' is not an address/length",
			     in && in->prefix ? in->prefix : "");
	p->vpn = in->vpn;
	p->site = in->site ? *in->site : 0;
	p->roles = (in->send == true_ ? VNOC_POLICY_SEND : 0) |
		   (in->receive == true_ ? VNOC_POLICY_RECEIVE : 0);
	p->deny = in->action == vnoc__Action__deny;
	if (!p->roles)
		return fault(soap, BAD_ARG,
			     "a policy must apply to send, receive or both");
	if (in->action != vnoc__Action__deny && in->action != vnoc__Action__permit)
		return fault(soap, BAD_ARG, "invalid action");
	return admin(soap, policy_add, &op);
}

static int policy_del(struct vnoc_server *srv, const void *arg)
{
	return vnoc_db_policy_del(&srv->db, *(const unsigned int *)arg);
}

static int policy_unapply(struct vnoc_server *srv, const void *arg)
{
	return vnoc_policy_remove(&srv->state, *(const unsigned int *)arg);
}

static int policy_remove(struct soap *soap, struct vnoc_server *srv,
			 void *arg)
{
	const struct remove_op *op = arg;
	struct admin_change c = {
		.action = "policy-remove", .write = policy_del,
		.apply = policy_unapply, .arg = &op->id,
	};
	size_t i;

	for (i = 0; i < srv->state.npolicies; i++)
		if (srv->state.policies[i].id == op->id)
			break;
	if (i == srv->state.npolicies)
		return fault(soap, vnoc__FaultCode__not_found, "no policy %u",
			     op->id);
	snprintf(c.detail, sizeof(c.detail), "policy %u", op->id);
	return admin_commit(soap, srv, &c, op->version);
}

int vnoc__PolicyRemove(struct soap *soap, unsigned int id,
		       struct vnoc__PolicyRemoveResponse *resp)
{
	struct remove_op op = { id, &resp->version };

	return admin(soap, policy_remove, &op);
}

struct list_op {
	void *resp;
	const unsigned int *vpn;	/* NULL: every VPN */
};

static int policy_list(struct soap *soap, struct vnoc_server *srv, void *arg)
{
	const struct list_op *op = arg;
	struct vnoc__PolicyListResponse *resp = op->resp;
	char a[VNOC_ADDRSTRLEN], buf[VNOC_ADDRSTRLEN + 5];
	int err = SOAP_OK;
	size_t i, n = 0;

	resp->policy = admin_array(soap, srv->state.npolicies,
				   sizeof(*resp->policy), &err);
	if (!resp->policy)
		return err;
	for (i = 0; i < srv->state.npolicies; i++) {
		const struct vnoc_policy *p = &srv->state.policies[i];
		struct vnoc__Policy *o = &resp->policy[n];

		if (op->vpn && p->vpn != *op->vpn)
			continue;
		memset(o, 0, sizeof(*o));
		o->id = p->id;
		o->vpn = p->vpn;
		snprintf(buf, sizeof(buf), "%s/%u",
			 vnoc_addr_str(&p->prefix, a, sizeof(a)), p->plen);
		o->prefix = soap_strdup(soap, buf);
		if (p->site) {
			o->site = soap_malloc(soap, sizeof(*o->site));
			if (o->site)
				*o->site = p->site;
		}
		o->send = p->roles & VNOC_POLICY_SEND ? true_ : false_;
		o->receive = p->roles & VNOC_POLICY_RECEIVE ? true_ : false_;
		o->action = p->deny ? vnoc__Action__deny : vnoc__Action__permit;
		n++;
	}
	resp->__sizepolicy = (int)n;
	return SOAP_OK;
}

int vnoc__PolicyList(struct soap *soap, unsigned int *vpn,
		     struct vnoc__PolicyListResponse *resp)
{
	struct list_op op = { resp, vpn };

	memset(resp, 0, sizeof(*resp));
	return admin(soap, policy_list, &op);
}

/* ---- admin: topology modes --------------------------------------------- */

struct mode_op {
	unsigned int vpn;
	const char *group_str;		/* as given, for the audit record */
	bool has_group;
	struct vnoc_addr group;
	const enum vnoc__Mode *mode;	/* NULL: back to the default */
	ULONG64 *version;
};

static int mode_put(struct vnoc_server *srv, const void *arg)
{
	const struct mode_op *op = arg;
	const struct vnoc_addr *g = op->has_group ? &op->group : NULL;

	if (op->mode)
		return vnoc_db_mode_put(&srv->db, op->vpn, g,
					(enum vnoc_mode)*op->mode);
	return vnoc_db_mode_del(&srv->db, op->vpn, g);
}

static int mode_apply(struct vnoc_server *srv, const void *arg)
{
	const struct mode_op *op = arg;
	const struct vnoc_addr *g = op->has_group ? &op->group : NULL;
	int rc;

	if (op->mode)
		return vnoc_mode_set(&srv->state, op->vpn, g,
				     (enum vnoc_mode)*op->mode);
	rc = vnoc_mode_clear(&srv->state, op->vpn, g);
	return rc == -ENOENT ? 0 : rc;
}

static int mode_change(struct soap *soap, struct vnoc_server *srv, void *arg)
{
	const struct mode_op *op = arg;
	struct admin_change c = {
		.action = "topology", .write = mode_put, .apply = mode_apply,
		.arg = op,
	};

	snprintf(c.detail, sizeof(c.detail), "vpn %u group %s mode %s",
		 op->vpn, op->group_str ? op->group_str : "*", op->mode ? vnoc_mode_name((enum vnoc_mode)*op->mode) :
		 "(default)");
	return admin_commit(soap, srv, &c, op->version);
}

static int mode_args(struct soap *soap, unsigned int vpn, const char *group,
		     const enum vnoc__Mode *mode, ULONG64 *version)
{
	struct mode_op op = {
		.vpn = vpn, .group_str = group, .has_group = !!group,
		.mode = mode,
		.version = version,
	};
	int err = SOAP_OK;

	if (group && parse_group(soap, group, &op.group, &err))
		return err;
	if (mode && *mode != vnoc__Mode__star && *mode != vnoc__Mode__reflector &&
	    *mode != vnoc__Mode__tree)
		return fault(soap, BAD_ARG, "invalid mode");
	return admin(soap, mode_change, &op);
}

int vnoc__TopologySet(struct soap *soap, struct vnoc__TopologyRule *rule,
		      struct vnoc__TopologySetResponse *resp)
{
	if (!rule)
		return fault(soap, BAD_ARG, "rule missing");
	return mode_args(soap, rule->vpn, rule->group, &rule->mode,
			 &resp->version);
}

int vnoc__TopologyClear(struct soap *soap, unsigned int vpn, char *group,
			struct vnoc__TopologyClearResponse *resp)
{
	return mode_args(soap, vpn, group, NULL, &resp->version);
}

static int topology_list(struct soap *soap, struct vnoc_server *srv,
			 void *arg)
{
	struct vnoc__TopologyListResponse *resp = arg;
	int err = SOAP_OK;
	size_t i;

	resp->rule = admin_array(soap, srv->state.nmodes, sizeof(*resp->rule),
				 &err);
	if (!resp->rule)
		return err;
	for (i = 0; i < srv->state.nmodes; i++) {
		const struct vnoc_mode_rule *m = &srv->state.modes[i];

		resp->rule[i].vpn = m->vpn;
		resp->rule[i].group = m->has_group ? addr_dup(soap, &m->group) :
				      NULL;
		resp->rule[i].mode = (enum vnoc__Mode)m->mode;
	}
	resp->__sizerule = (int)srv->state.nmodes;
	return SOAP_OK;
}

int vnoc__TopologyList(struct soap *soap,
		       struct vnoc__TopologyListResponse *resp)
{
	memset(resp, 0, sizeof(*resp));
	return admin(soap, topology_list, resp);
}

/* ---- admin: reports ---------------------------------------------------- */

static int group_list(struct soap *soap, struct vnoc_server *srv, void *arg)
{
	const struct list_op *op = arg;
	struct vnoc__GroupListResponse *resp = op->resp;
	size_t i, j, k, n = 0;
	int err = SOAP_OK;

	resp->group = admin_array(soap, srv->state.ngroups,
				  sizeof(*resp->group), &err);
	if (!resp->group)
		return err;
	for (i = 0; i < srv->state.ngroups; i++) {
		const struct vnoc_group *g = srv->state.groups[i];
		struct vnoc__Group *o = &resp->group[n];

		if (op->vpn && g->vpn != *op->vpn)
			continue;
		o->vpn = g->vpn;
		o->group = addr_dup(soap, &g->group);
		o->mode = (enum vnoc__Mode)vnoc_mode_of(&srv->state, g->vpn,
							&g->group);
		o->__sizemember = (int)g->nmembers;
		o->member = admin_array(soap, g->nmembers, sizeof(*o->member),
					&err);
		if (!o->member)
			return err;
		for (j = 0; j < g->nmembers; j++) {
			const struct vnoc_member *m = &g->members[j];
			struct vnoc__Member *om = &o->member[j];

			om->site = m->site;
			om->role = (enum vnoc__Role)m->role;
			om->__sizesource = (int)m->nsources;
			om->source = admin_array(soap, m->nsources,
						 sizeof(*om->source), &err);
			if (!om->source)
				return err;
			for (k = 0; k < m->nsources; k++)
				om->source[k] = addr_dup(soap, &m->sources[k]);
		}
		n++;
	}
	resp->__sizegroup = (int)n;
	return SOAP_OK;
}

int vnoc__GroupList(struct soap *soap, unsigned int *vpn,
		    struct vnoc__GroupListResponse *resp)
{
	struct list_op op = { resp, vpn };

	memset(resp, 0, sizeof(*resp));
	return admin(soap, group_list, &op);
}

int vnoc__UsageReport(struct soap *soap, unsigned int *site, unsigned int *vpn,
		      char *group, LONG64 from, LONG64 to,
		      enum vnoc__Format format,
		      struct vnoc__UsageReportResponse *resp)
{
	struct vnoc_server *srv = conn(soap)->srv;
	struct vnoc_usage_filter f = { 0 };
	char *out = NULL, why[300];
	int err = SOAP_OK;

	if (group && parse_group(soap, group, &f.group, &err))
		return err;
	if (from < 0 || to < 0 || (to && to <= from))
		return fault(soap, BAD_ARG,
			     "period must have 0 <= from < to (or to = 0)");
	if (format != vnoc__Format__csv && format != vnoc__Format__json)
		return fault(soap, BAD_ARG, "invalid format");
	f.has_site = !!site;
	f.site = site ? *site : 0;
	f.has_vpn = !!vpn;
	f.vpn = vpn ? *vpn : 0;
	f.has_group = !!group;
	f.from = from;
	f.to = to;
	/* Not under srv->lock: an export of months of usage takes seconds,
	 * and every site's requests would wait for it. */
	err = require_admin(soap);
	if (err)
		return err;
	if (vnoc_db_usage_report(&srv->db, &f, format == vnoc__Format__json ?
				 VNOC_USAGE_JSON : VNOC_USAGE_CSV, &out, why,
				 sizeof(why))) {
		log_warnx("%s", why);
		return vnoc_server_fault(soap, "%s", why);
	}
	resp->report = soap_strdup(soap, out);
	free(out);
	return resp->report ? SOAP_OK : soap->error;
}

struct audit_acc {
	struct soap *soap;
	ULONG64 since;
	unsigned int limit;
	struct vnoc__AuditEntry *e;
	int n;
};

static void audit_add(const struct vnoc_audit *a, void *arg)
{
	struct audit_acc *acc = arg;
	struct vnoc__AuditEntry *e = &acc->e[acc->n++];

	e->id = a->id;
	e->time = a->time;
	e->actor = soap_strdup(acc->soap, a->actor);
	e->action = soap_strdup(acc->soap, a->action);
	e->detail = soap_strdup(acc->soap, a->detail);
}

static int audit_log(struct soap *soap, struct vnoc_server *srv, void *arg)
{
	struct audit_acc *acc = arg;

	if (vnoc_db_audit_list(&srv->db, acc->since, acc->limit, audit_add,
			       acc))
		return server_fault(soap, "audit log", &srv->db);
	return SOAP_OK;
}

int vnoc__AuditLog(struct soap *soap, ULONG64 since, unsigned int limit,
		   struct vnoc__AuditLogResponse *resp)
{
	struct audit_acc acc = { .soap = soap, .since = since, .limit = limit };
	int err;

	memset(resp, 0, sizeof(*resp));
	if (!limit || limit > AUDIT_MAX)
		return fault(soap, BAD_ARG, "limit must be 1..%d", AUDIT_MAX);
	acc.e = soap_malloc(soap, limit * sizeof(*acc.e));
	if (!acc.e)
		return soap->error;
	err = admin(soap, audit_log, &acc);
	if (!err) {
		resp->entry = acc.e;
		resp->__sizeentry = acc.n;
	}
	return err;
}
