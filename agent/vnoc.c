// SPDX-License-Identifier: GPL-2.0
/* VNOC client: worker threads, their jobs, and the results (vnoc.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "soapH.h"

#include "agent.h"
#include "charon.h"
#include "json.h"
#include "log.h"
#include "loop.h"
#include "vnoc.h"
#include "vnocs.h"

enum vjob_type { VJ_JOIN, VJ_USAGE, VJ_STATE, VJ_DOWN };
enum vjob_res { VR_OK, VR_REFUSED, VR_FAILED };

struct vjob {
	struct vjob *next;
	enum vjob_type type;
	enum vjob_res res;
	char msg[256];
	unsigned int url;	/* the VNOC asked (index in cfg.vnoc_urls) */
	bool moved;		/* its failure moved us on to the next one */
	/* VJ_JOIN (join or leave) */
	struct vnoc_req *req;
	uint64_t version;
	/* VJ_USAGE */
	struct ureport *rep;
	bool duplicate, probe;
	uint64_t last_seq;
	/* VJ_STATE */
	struct table view;
	struct ipsec_view ipsec;
	uint32_t site;
};

static bool enabled;
static int res_pipe[2] = { -1, -1 };
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcond = PTHREAD_COND_INITIALIZER;
static struct vjob *queue, **qtail = &queue;
static bool req_busy, usage_busy;
/*
 * The view version the kernel has (main thread writes, poll thread waits):
 * the next GetState's since tells the VNOC we have applied it, and only
 * then does it name us as a next hop to others (Documentation/decisions.md).
 */
static pthread_mutex_t alock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t acond;
static uint64_t applied_version;

/* the URL list, shared by both worker threads */
static pthread_mutex_t llock = PTHREAD_MUTEX_INITIALIZER;
static struct vnocs vnocs;

/* status, main thread only */
static bool up;
static uint64_t view_version, views, joins, leaves, denied, failures;
static char last_error[256];
static uint64_t down_since;
static unsigned int in_use;	/* the VNOC that answered last */
static uint64_t failovers;

bool vnoc_enabled(void)
{
	return enabled;
}

static void post(struct vjob *j)
{
	/* a pointer is written whole: pipe writes below PIPE_BUF are atomic */
	if (write(res_pipe[1], &j, sizeof(j)) != sizeof(j))
		log_warn("vnoc: result pipe");
}

static void enqueue(struct vjob *j)
{
	pthread_mutex_lock(&qlock);
	j->next = NULL;
	*qtail = j;
	qtail = &j->next;
	pthread_cond_signal(&qcond);
	pthread_mutex_unlock(&qlock);
}

static struct vjob *dequeue(void)
{
	struct vjob *j;

	pthread_mutex_lock(&qlock);
	while (!queue)
		pthread_cond_wait(&qcond, &qlock);
	j = queue;
	queue = j->next;
	if (!queue)
		qtail = &queue;
	pthread_mutex_unlock(&qlock);
	return j;
}

/* ------------------------------------------------------ the URL list */

static unsigned int url_pick(const char **url)
{
	unsigned int i;

	pthread_mutex_lock(&llock);
	i = vnocs.cur;
	pthread_mutex_unlock(&llock);
	*url = agent->cfg.vnoc_urls[i];
	return i;
}

static bool url_failed(unsigned int i)
{
	bool moved;

	pthread_mutex_lock(&llock);
	moved = vnocs_failed(&vnocs, i);
	pthread_mutex_unlock(&llock);
	return moved;
}

static void url_ok(unsigned int i)
{
	pthread_mutex_lock(&llock);
	vnocs_ok(&vnocs, i);
	pthread_mutex_unlock(&llock);
}

/* ------------------------------------------------------ soap contexts */

static const char *soap_err(struct soap *soap, char *buf, size_t size)
{
	const char **s = soap_faultstring(soap);
	char *p;

	if (s && *s)
		snprintf(buf, size, "%s", *s);
	else if (soap->error == SOAP_EOF)
		snprintf(buf, size, "connection closed");
	else
		snprintf(buf, size, "SOAP error %d", soap->error);
	/* OpenSSL's reasons come on several lines: keep a log entry one */
	for (p = buf; *p; p++)
		if ((unsigned char)*p < ' ')
			*p = ' ';
	return buf;
}

/* A fault the VNOC raised about our request, not an outage. */
static bool client_fault(struct soap *soap)
{
	const char **c = soap_faultcode(soap);

	if (soap->error == SOAP_CLI_FAULT)
		return true;
	return soap->error == SOAP_FAULT && c && *c && strstr(*c, "Client");
}

static struct soap *soap_new_ctx(int recv_timeout)
{
	const struct agent_config *c = &agent->cfg;
	struct soap *soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_XML_STRICT);
	bool tls = false;
	char err[256];
	unsigned int i;

	if (!soap)
		return NULL;
	soap->connect_timeout = (int)c->vnoc_timeout;
	soap->send_timeout = (int)c->vnoc_timeout;
	soap->recv_timeout = recv_timeout;
	soap->recv_maxlength = 64 * 1024 * 1024;
	for (i = 0; i < c->nvnoc_urls; i++)
		tls |= !strncmp(c->vnoc_urls[i], "https:", 6);
	if (!tls)
		return soap;
	if (soap_ssl_client_context(soap, SOAP_SSL_DEFAULT |
				    (c->vnoc_verify_host ? 0 :
				     SOAP_SSL_SKIP_HOST_CHECK) |
				    SOAP_TLSv1_2 | SOAP_TLSv1_3,
				    c->vnoc_key ? NULL : c->vnoc_cert, NULL,
				    c->vnoc_ca, NULL, NULL)) {
		log_warnx("vnoc: TLS setup: %s", soap_err(soap, err,
							  sizeof(err)));
		goto fail;
	}
	/* a separate key file: load the pair into the context ourselves */
	if (c->vnoc_key && c->vnoc_cert) {
		if (!soap->ctx ||
		    SSL_CTX_use_certificate_chain_file(soap->ctx,
						       c->vnoc_cert) != 1 ||
		    SSL_CTX_use_PrivateKey_file(soap->ctx, c->vnoc_key,
						SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(soap->ctx) != 1) {
			log_warnx("vnoc: cannot load certificate %s and key %s",
				  c->vnoc_cert, c->vnoc_key);
			goto fail;
		}
	}
	return soap;
fail:
	soap_destroy(soap);
	soap_end(soap);
	soap_free(soap);
	return NULL;
}

/* -------------------------------------------------------- ops thread */

static char *addr_dup(struct soap *soap, const struct in6_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	return soap_strdup(soap, mc_addr_str(a, buf, sizeof(buf)));
}

static char *ivaddr_dup(struct soap *soap, const struct ivgmp_addr *a)
{
	char buf[ADDR_STRLEN];

	return soap_strdup(soap, addr_ntop(a, buf, sizeof(buf)));
}

static void do_join(struct soap *soap, const char *url, struct vjob *j)
{
	struct vnoc_req *r = j->req;
	enum vnoc__Role role = r->role == ROLE_SENDER ? vnoc__Role__sender :
			       vnoc__Role__receiver;
	char *group = addr_dup(soap, &r->group);
	int e;

	if (r->join) {
		struct vnoc__JoinGroupResponse resp;
		char **src = NULL;
		uint16_t i;

		if (r->nsrc) {
			src = soap_malloc(soap, r->nsrc * sizeof(*src));
			for (i = 0; src && i < r->nsrc; i++)
				src[i] = addr_dup(soap, &r->src[i]);
		}
		memset(&resp, 0, sizeof(resp));
		e = soap_call_vnoc__JoinGroup(soap, url, NULL, r->vpn, group,
					      role, src ? r->nsrc : 0, src,
					      &resp);
		if (!e) {
			j->version = resp.version;
			if (resp.result == vnoc__JoinResult__denied) {
				j->res = VR_REFUSED;
				snprintf(j->msg, sizeof(j->msg), "%s",
					 resp.reason ? resp.reason : "denied");
			}
		}
	} else {
		struct vnoc__LeaveGroupResponse resp;

		memset(&resp, 0, sizeof(resp));
		e = soap_call_vnoc__LeaveGroup(soap, url, NULL, r->vpn, group,
					       role, &resp);
		if (!e)
			j->version = resp.version;
	}
	if (e) {
		/* a Client fault is as final as a denial: do not retry it */
		j->res = client_fault(soap) ? VR_REFUSED : VR_FAILED;
		soap_err(soap, j->msg, sizeof(j->msg));
	}
}

static void do_usage(struct soap *soap, const char *url, struct vjob *j)
{
	const struct ureport *p = j->rep;
	struct vnoc__ReportUsageResponse resp;
	struct vnoc__RouteUsage *ru = NULL;
	uint32_t i, k;
	int e;

	if (p->nrec) {
		ru = soap_malloc(soap, p->nrec * sizeof(*ru));
		if (!ru) {
			j->res = VR_FAILED;
			snprintf(j->msg, sizeof(j->msg), "out of memory");
			return;
		}
		memset(ru, 0, p->nrec * sizeof(*ru));
	}
	for (i = 0; i < p->nrec; i++) {
		const struct urec *r = &p->rec[i];

		ru[i].vpn = r->vpn;
		ru[i].group = ivaddr_dup(soap, &r->group);
		ru[i].source = addr_is_unspec(&r->source) ? NULL :
			       ivaddr_dup(soap, &r->source);
		ru[i].origin = r->origin;
		ru[i].packets = r->packets;
		ru[i].bytes = r->bytes;
		if (r->nnh) {
			ru[i].nexthop = soap_malloc(soap, r->nnh *
						    sizeof(*ru[i].nexthop));
			if (!ru[i].nexthop)
				continue;
			ru[i].__sizenexthop = (int)r->nnh;
			for (k = 0; k < r->nnh; k++) {
				ru[i].nexthop[k].site = r->nh[k].site;
				ru[i].nexthop[k].packets = r->nh[k].packets;
				ru[i].nexthop[k].bytes = r->nh[k].bytes;
			}
		}
	}
	memset(&resp, 0, sizeof(resp));
	e = soap_call_vnoc__ReportUsage(soap, url, NULL,
					p->seq, (int)p->nrec, ru, &resp);
	if (e) {
		j->res = client_fault(soap) ? VR_REFUSED : VR_FAILED;
		soap_err(soap, j->msg, sizeof(j->msg));
		return;
	}
	j->duplicate = resp.duplicate == true_;
	j->last_seq = resp.lastSeq;
}

static void *ops_thread(void *arg)
{
	struct soap *soap = NULL;

	for (;;) {
		struct vjob *j = dequeue();
		const char *url;

		j->url = url_pick(&url);
		if (!soap)
			soap = soap_new_ctx((int)agent->cfg.vnoc_timeout);
		if (!soap) {
			j->res = VR_FAILED;
			snprintf(j->msg, sizeof(j->msg), "TLS setup failed");
			post(j);
			continue;
		}
		j->res = VR_OK;
		if (j->type == VJ_JOIN)
			do_join(soap, url, j);
		else
			do_usage(soap, url, j);
		/* the caller retries it later: by then on the next VNOC */
		if (j->res == VR_FAILED) {
			soap_closesock(soap);
			j->moved = url_failed(j->url);
		} else {
			url_ok(j->url);
		}
		soap_destroy(soap);
		soap_end(soap);
		post(j);
	}
	return NULL;
}

/* ------------------------------------------------------ poll thread */

static int conv_view(const struct vnoc__GetStateResponse *s,
		     struct table *t, char *msg, size_t size)
{
	int i, k;

	memset(t, 0, sizeof(*t));
	if (s->__sizepeer < 0 || s->__sizeroute < 0)
		return -EINVAL;
	t->port = s->port;
	t->sites = calloc((size_t)s->__sizepeer + 1, sizeof(*t->sites));
	t->routes = calloc((size_t)s->__sizeroute + 1, sizeof(*t->routes));
	if (!t->sites || !t->routes)
		goto nomem;
	for (i = 0; i < s->__sizepeer; i++) {
		const struct vnoc__Peer *p = &s->peer[i];
		struct ivgmp_site_info *o = &t->sites[t->nsites];

		if (!p->id || !p->address ||
		    addr_parse(p->address, AF_UNSPEC, &o->addr) ||
		    !addr_is_unicast(&o->addr)) {
			snprintf(msg, size, "peer %u: bad address", p->id);
			goto bad;
		}
		o->id = p->id;
		o->has_port = p->port != 0;
		o->port = p->port;
		t->nsites++;
	}
	for (i = 0; i < s->__sizeroute; i++) {
		const struct vnoc__Route *r = &s->route[i];
		struct ivgmp_route_info *o = &t->routes[t->nroutes];

		if (!r->group || addr_parse(r->group, AF_UNSPEC, &o->group) ||
		    !addr_is_multicast(&o->group) ||
		    (r->source && (addr_parse(r->source, o->group.family,
					      &o->source) ||
				   !addr_is_unicast(&o->source))) ||
		    r->__sizenexthop < 0 ||
		    r->__sizenexthop > IVGMP_MAX_NEXTHOPS) {
			snprintf(msg, size, "route %u: bad group, source or "
				 "next hops", i);
			goto bad;
		}
		o->vpn = r->vpn;
		o->origin = r->origin;
		o->flags = r->deliverLocal == true_ ?
			   IVGMP_ROUTE_F_DELIVER_LOCAL : 0;
		o->has_nexthops = true;
		if (r->__sizenexthop) {
			o->nexthops = calloc((size_t)r->__sizenexthop,
					     sizeof(*o->nexthops));
			if (!o->nexthops)
				goto nomem;
		}
		t->nroutes++;
		for (k = 0; k < r->__sizenexthop; k++)
			o->nexthops[k].site = r->nexthop[k];
		o->n_nexthops = (unsigned int)r->__sizenexthop;
	}
	return 0;
nomem:
	snprintf(msg, size, "out of memory");
bad:
	table_free(t);
	return -EINVAL;
}

/*
 * The peers again, for IPsec keying: with their certificate names, which
 * the kernel does not need.  A peer without a usable name is kept with an
 * empty one, so that ipsec.c leaves it out and keys the others.
 */
static int conv_peers(const struct vnoc__GetStateResponse *s,
		      struct ipsec_view *v)
{
	int i;

	memset(v, 0, sizeof(*v));
	v->peers = calloc((size_t)s->__sizepeer + 1, sizeof(*v->peers));
	if (!v->peers)
		return -ENOMEM;
	v->local_id = s->site;
	v->local_port = s->port;	/* our own, from the view */
	for (i = 0; i < s->__sizepeer; i++) {
		const struct vnoc__Peer *p = &s->peer[i];
		struct ipsec_peer_view *o = &v->peers[v->npeers++];

		o->id = p->id;
		o->port = p->port;
		if (p->name && strlen(p->name) < sizeof(o->name))
			strcpy(o->name, p->name);
		/* conv_view() checked it */
		addr_parse(p->address, AF_UNSPEC, &o->addr);
	}
	return 0;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Until the main thread has applied version v, or timeout seconds. */
static void wait_applied(uint64_t v, uint32_t timeout)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout;
	pthread_mutex_lock(&alock);
	while (applied_version < v &&
	       !pthread_cond_timedwait(&acond, &alock, &until))
		;
	if (applied_version < v)
		log_warnx("vnoc: view %" PRIu64 " not applied within %u s; "
			  "polling on", v, timeout);
	pthread_mutex_unlock(&alock);
}

static void *poll_thread(void *arg)
{
	const struct agent_config *c = &agent->cfg;
	uint32_t wait = c->vnoc_poll_wait, fails = 0;
	uint64_t since = 0;
	unsigned int idx, last = 0;
	struct soap *soap = NULL;
	const char *url;
	unsigned int seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();

	for (;;) {
		struct vnoc__GetStateResponse resp;
		struct vjob *j;
		int e;

		/*
		 * Another VNOC (after a failure, ours or the ops thread's):
		 * attach afresh.  With separate stores its versions are not
		 * ours; with a shared one this costs one view.
		 */
		idx = url_pick(&url);
		if (idx != last)
			since = 0;
		last = idx;
		if (!soap)
			soap = soap_new_ctx((int)(wait + c->vnoc_timeout));
		memset(&resp, 0, sizeof(resp));
		e = soap ? soap_call_vnoc__GetState(soap, url, NULL,
						    since, since ? wait : 0,
						    &resp) : -1;
		j = calloc(1, sizeof(*j));
		if (!j)
			abort();
		j->url = idx;
		if (!e && (resp.changed == true_ || !since)) {
			j->type = VJ_STATE;
			j->site = resp.site;
			j->version = resp.version;
			if (conv_view(&resp, &j->view, j->msg,
				      sizeof(j->msg)) ||
			    conv_peers(&resp, &j->ipsec)) {
				table_free(&j->view);
				free(j->ipsec.peers);
				/* a view we cannot apply: keep the kernel as is */
				j->type = VJ_DOWN;
				e = -1;
			} else {
				since = resp.version;
			}
		} else if (!e) {
			free(j);
			j = NULL;
		} else {
			j->type = VJ_DOWN;
			if (soap)
				soap_err(soap, j->msg, sizeof(j->msg));
			else
				snprintf(j->msg, sizeof(j->msg),
					 "TLS setup failed");
		}
		if (soap) {
			if (e)
				soap_closesock(soap);
			soap_destroy(soap);
			soap_end(soap);
		}
		if (!e) {
			url_ok(idx);
			fails = 0;
		} else {
			/*
			 * A broken long poll re-attaches on the next VNOC,
			 * or through a load balancer on another one behind
			 * the same URL: ask for the whole view, as our
			 * version may mean something else there.
			 */
			since = 0;
			if (j)
				j->moved = url_failed(idx);
			else
				url_failed(idx);
			if (fails < UINT32_MAX)
				fails++;
		}
		if (j) {
			bool state = j->type == VJ_STATE;

			post(j);
			if (state)
				wait_applied(since, c->vnoc_timeout);
		}
		if (!e)
			continue;
		sleep_ms(vnocs_backoff_ms(fails, c->nvnoc_urls,
					  c->backoff_min * 1000ull,
					  c->backoff_max * 1000ull,
					  (uint32_t)rand_r(&seed)));
	}
	return NULL;
}

/* ----------------------------------------------------- main thread */

/* Keep what the VNOC will accept: routes and next hops of the view. */
static bool urec_in_view(struct urec *r)
{
	struct ivgmp_route_info k = { .vpn = r->vpn, .origin = r->origin,
				      .group = r->group, .source = r->source };
	const struct ivgmp_route_info *v = kernel_view_route(&k);
	uint32_t i, j, o = 0;

	if (!v)
		return false;
	for (i = 0; i < r->nnh; i++) {
		for (j = 0; j < v->n_nexthops; j++)
			if (v->nexthops[j].site == r->nh[i].site)
				break;
		if (j < v->n_nexthops)
			r->nh[o++] = r->nh[i];
	}
	r->nnh = o;
	return true;
}

static void went_down(const char *msg)
{
	if (up || !down_since) {
		log_warnx("vnoc: unreachable (%s); forwarding continues with "
			  "the last view", msg);
		down_since = now_ms();
	}
	up = false;
	snprintf(last_error, sizeof(last_error), "%s", msg);
}

static void went_up(void)
{
	if (!up) {
		log_info("vnoc: connected");
		/* its lastSeq may have moved (a restored database, another
		 * spool): check before the next report */
		usage_unsync(&agent->usage);
	}
	up = true;
	down_since = 0;
}

/* Which VNOC answered, and where a failure sends us: for the log. */
static void track_url(const struct vjob *j, bool answered)
{
	const struct agent_config *c = &agent->cfg;

	if (j->moved) {
		failovers++;
		log_warnx("vnoc: %s failed (%s); failing over to %s",
			  c->vnoc_urls[j->url], j->msg,
			  c->vnoc_urls[(j->url + 1) % c->nvnoc_urls]);
	}
	if (answered && j->url != in_use) {
		log_info("vnoc: now using %s (was %s); %u accepted join(s) "
			 "sent again", c->vnoc_urls[j->url],
			 c->vnoc_urls[in_use], groups_rejoin(&agent->groups));
		in_use = j->url;
	}
}

static void handle(struct vjob *j)
{
	uint64_t now = now_ms();
	char g[INET6_ADDRSTRLEN];

	track_url(j, j->type == VJ_STATE ||
		  (j->type != VJ_DOWN && j->res != VR_FAILED));

	switch (j->type) {
	case VJ_STATE:
		went_up();
		views++;
		view_version = j->version;
		if (j->site && j->site != agent->site_id) {
			if (agent->cfg.site_id && agent->cfg.site_id != j->site)
				log_warnx("vnoc: says we are site %u, config "
					  "says %u; using the VNOC's", j->site,
					  agent->cfg.site_id);
			agent->site_id = j->site;
		}
		log_info("vnoc: view %" PRIu64 ": %zu peer(s), %zu route(s)",
			 j->version, j->view.nsites, j->view.nroutes);
		kernel_set_view(&j->view);
		j->ipsec.local_id = agent->site_id;
		charon_set_view(&j->ipsec);
		pthread_mutex_lock(&alock);
		applied_version = j->version;
		pthread_cond_signal(&acond);
		pthread_mutex_unlock(&alock);
		break;
	case VJ_DOWN:
		failures++;
		went_down(j->msg);
		break;
	case VJ_JOIN: {
		struct vnoc_req *r = j->req;
		const char *what = r->join ? "join" : "leave";
		const char *role = r->role == ROLE_SENDER ? "sender" :
				   "receiver";

		req_busy = false;
		mc_addr_str(&r->group, g, sizeof(g));
		if (j->res == VR_OK) {
			went_up();
			r->join ? joins++ : leaves++;
			log_info("vnoc: %s %s as %s (VPN %u) accepted", what,
				 g, role, r->vpn);
			groups_req_done(&agent->groups, r, REQ_OK, NULL, now);
		} else if (j->res == VR_REFUSED) {
			went_up();
			denied++;
			/* no branch is created: nothing goes into the kernel */
			log_warnx("vnoc: %s %s as %s (VPN %u) denied: %s", what,
				  g, role, r->vpn, j->msg);
			groups_req_done(&agent->groups, r, REQ_DENIED, j->msg,
					now);
		} else {
			failures++;
			went_down(j->msg);
			groups_req_done(&agent->groups, r, REQ_FAILED, NULL,
					now);
		}
		vnoc_req_free(r);
		break;
	}
	case VJ_USAGE:
		usage_busy = false;
		if (j->probe) {
			if (j->res == VR_OK)
				went_up();
			else
				failures++;
			if (j->res == VR_FAILED) {
				went_down(j->msg);
				usage_probe_done(&agent->usage, false, false,
						 0, now);
			} else if (j->res == VR_REFUSED) {
				/* reports must not wait for ever: go on as
				 * before, unchecked */
				log_warnx("vnoc: usage probe %" PRIu64
					  " refused: %s; report numbers not "
					  "checked", j->rep->seq, j->msg);
				usage_resync(&agent->usage, 0, true);
			} else {
				log_info("vnoc: usage: the VNOC's last report "
					 "is %" PRIu64 "%s", j->last_seq,
					 j->duplicate ? "" :
					 " (the probe was the first)");
				usage_probe_done(&agent->usage, true,
						 j->duplicate, j->last_seq, now);
			}
			free(j->rep);
			break;
		}
		if (j->res == VR_OK && j->duplicate) {
			went_up();
			log_debug("vnoc: usage report %" PRIu64 " was a "
				  "duplicate (VNOC's last %" PRIu64 ")",
				  j->rep->seq, j->last_seq);
			usage_duplicate(&agent->usage, j->rep->seq,
					j->last_seq);
		} else if (j->res == VR_OK) {
			went_up();
			log_debug("vnoc: usage report %" PRIu64 " counted",
				  j->rep->seq);
			usage_done(&agent->usage, j->rep->seq, USAGE_ACKED, now,
				   urec_in_view);
		} else if (j->res == VR_REFUSED) {
			log_warnx("vnoc: usage report %" PRIu64 " refused: %s",
				  j->rep->seq, j->msg);
			usage_done(&agent->usage, j->rep->seq, USAGE_REFUSED,
				   now, urec_in_view);
		} else {
			failures++;
			went_down(j->msg);
			usage_done(&agent->usage, j->rep->seq, USAGE_FAILED,
				   now, urec_in_view);
		}
		break;
	}
	if (j->type == VJ_STATE) {
		table_free(&j->view);
		free(j->ipsec.peers);
	}
	free(j);
	vnoc_kick(now_ms());
}

static void res_input(int fd, short revents, void *arg)
{
	struct vjob *j;

	while (read(fd, &j, sizeof(j)) == sizeof(j))
		handle(j);
}

void vnoc_kick(uint64_t now)
{
	struct vjob *j;

	if (!enabled)
		return;
	if (!req_busy) {
		struct vnoc_req *r = groups_next_req(&agent->groups, now);

		if (r) {
			j = calloc(1, sizeof(*j));
			if (!j) {
				groups_req_done(&agent->groups, r, REQ_FAILED,
						NULL, now);
				vnoc_req_free(r);
			} else {
				j->type = VJ_JOIN;
				j->req = r;
				req_busy = true;
				enqueue(j);
			}
		}
	}
	if (!usage_busy) {
		uint64_t probe = usage_probe(&agent->usage, now);

		if (probe) {
			/* an empty report: its answer carries lastSeq */
			j = calloc(1, sizeof(*j));
			if (j)
				j->rep = calloc(1, sizeof(*j->rep));
			if (!j || !j->rep) {
				free(j);
				usage_probe_done(&agent->usage, false, false,
						 0, now);
				return;
			}
			j->type = VJ_USAGE;
			j->probe = true;
			j->rep->seq = probe;
			usage_busy = true;
			enqueue(j);
			return;
		}
	}
	if (!usage_busy) {
		struct ureport *p = usage_next(&agent->usage, now);

		if (p) {
			j = calloc(1, sizeof(*j));
			if (!j) {
				usage_done(&agent->usage, p->seq, USAGE_FAILED,
					   now, NULL);
				return;
			}
			j->type = VJ_USAGE;
			j->rep = p;
			usage_busy = true;
			enqueue(j);
		}
	}
}

uint64_t vnoc_next_event(void)
{
	uint64_t a = 0, b = 0;

	if (!enabled)
		return 0;
	if (!req_busy)
		a = groups_next_event(&agent->groups);
	if (!usage_busy)
		b = usage_next_retry(&agent->usage);
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

int vnoc_start(void)
{
	pthread_condattr_t ca;
	pthread_t t1, t2;
	unsigned int i;
	int err;

	if (!agent->cfg.nvnoc_urls) {
		log_warnx("vnoc: no url configured: membership is not "
			  "reported to anyone");
		return 0;
	}
	for (i = 0; i < agent->cfg.nvnoc_urls; i++)
		if (!strncmp(agent->cfg.vnoc_urls[i], "http:", 5))
			log_warnx("vnoc: %s is not HTTPS: no authentication",
				  agent->cfg.vnoc_urls[i]);
	vnocs_init(&vnocs, agent->cfg.nvnoc_urls);
	soap_ssl_init();
	if (pipe2(res_pipe, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&acond, &ca);
	pthread_condattr_destroy(&ca);
	err = pthread_create(&t1, NULL, poll_thread, NULL);
	if (!err)
		err = pthread_create(&t2, NULL, ops_thread, NULL);
	if (err) {
		log_warnx("vnoc: threads: %s", strerror(err));
		return -err;
	}
	pthread_detach(t1);
	pthread_detach(t2);
	loop_add_fd(res_pipe[0], POLLIN, res_input, NULL);
	enabled = true;
	for (i = 0; i < agent->cfg.nvnoc_urls; i++)
		log_info("vnoc: %s%s", agent->cfg.vnoc_urls[i],
			 agent->cfg.nvnoc_urls < 2 ? "" :
			 i ? " (failover)" : " (first)");
	return 0;
}

void vnoc_status(FILE *f)
{
	const struct agent_config *c = &agent->cfg;
	unsigned int i;

	if (!enabled) {
		fprintf(f, "vnoc: not configured\n");
		return;
	}
	fprintf(f, "vnoc: %s %s, view version %" PRIu64 ", %" PRIu64
		" view(s), %" PRIu64 " join(s), %" PRIu64 " leave(s), %"
		PRIu64 " denied, %" PRIu64 " failure(s)%s%s\n",
		c->vnoc_urls[in_use], up ? "up" : "down", view_version, views,
		joins, leaves, denied, failures,
		*last_error ? ", last error: " : "", last_error);
	if (c->nvnoc_urls < 2)
		return;
	fprintf(f, "  in use: %u of %u, %" PRIu64 " failover(s); list:",
		in_use + 1, c->nvnoc_urls, failovers);
	for (i = 0; i < c->nvnoc_urls; i++)
		fprintf(f, " %s", c->vnoc_urls[i]);
	fputc('\n', f);
}

void vnoc_status_json(struct json *j)
{
	const struct agent_config *c = &agent->cfg;
	unsigned int i;

	json_obj_open(j, "vnoc");
	json_bool(j, "configured", enabled);
	if (enabled) {
		/* the VNOC in use, then the whole list in its order */
		json_str(j, "url", c->vnoc_urls[in_use]);
		json_arr_open(j, "urls");
		for (i = 0; i < c->nvnoc_urls; i++)
			json_str(j, NULL, c->vnoc_urls[i]);
		json_arr_close(j);
		json_uint(j, "failovers", failovers);
		json_bool(j, "up", up);
		json_uint(j, "view_version", view_version);
		json_uint(j, "views", views);
		json_uint(j, "joins", joins);
		json_uint(j, "leaves", leaves);
		json_uint(j, "denied", denied);
		json_uint(j, "failures", failures);
		if (*last_error)
			json_str(j, "last_error", last_error);
	}
	json_obj_close(j);
}
