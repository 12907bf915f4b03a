// SPDX-License-Identifier: GPL-2.0
/* charon over VICI: connect, load, initiate, read SAs back (charon.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "charon.h"
#include "json.h"
#include "log.h"
#include "loop.h"
#include "vici.h"

#define CRED_MAX	(64 * 1024)
#define REFRESH_MS	30000		/* list-sas when nothing happened */
#define EVENT_REFRESH_MS 500		/* list-sas after an SA event */
#define MAX_EXPIRE	64

enum req_kind {
	R_REGISTER, R_CRED, R_GET_CONNS, R_LIST_SAS, R_LOAD, R_INITIATE,
	R_TERMINATE, R_UNLOAD,
};

struct req {
	enum req_kind kind;
	uint32_t peer;
	char what[48];
};

static const char *const events[] = {
	"list-sa", "ike-updown", "child-updown", "ike-rekey", "child-rekey",
};

static bool enabled;
static struct vici_conn *vc;
static struct ipsec_set set;
static bool up;			/* setup done: registrations, creds, lists */
static bool listing;		/* a list-sas is in flight */
static uint64_t list_started, last_list;	/* ms: the one in flight, the
						 * last one answered */
static uint64_t reconnect_at, refresh_at;
static uint64_t progress_at;	/* ms of the last answer, or of a request
				 * queued while none was open */
static char *cert_pem, *key_pem, *ca_pem;
/* status */
static uint64_t connects, disconnects, loads, unloads, initiates, failures;
static bool down_logged;
static unsigned int reconnect_fails;	/* attempts since the last connect */
static char last_error[192];

bool charon_enabled(void)
{
	return enabled;
}

static const struct ipsec_config *cfg(void)
{
	return &agent->cfg.ipsec;
}

static const char *socket_path(void)
{
	return cfg()->vici ? cfg()->vici : IPSEC_DEFAULT_VICI;
}

static void set_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void set_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------- credentials */

static char *read_pem(const char *path)
{
	struct stat st;
	char *buf = NULL;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("ipsec: %s", path);
		return NULL;
	}
	if (fstat(fd, &st) || st.st_size <= 0 || st.st_size > CRED_MAX) {
		log_warnx("ipsec: %s: empty or larger than %d bytes", path,
			  CRED_MAX);
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto out;
	n = read(fd, buf, (size_t)st.st_size);
	if (n != st.st_size || memchr(buf, 0, (size_t)n)) {
		log_warnx("ipsec: %s: short read or not PEM text", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = 0;
out:
	close(fd);
	return buf;
}

/* ---------------------------------------------------------- requests */

static void on_reply(void *arg, int err, const struct vici_msg *m);

static void update_events(void)
{
	if (vici_fd(vc) >= 0)
		loop_set_events(vici_fd(vc), vici_events(vc));
}

static struct req *new_req(enum req_kind kind, uint32_t peer,
			   const char *what)
{
	struct req *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->kind = kind;
	r->peer = peer;
	snprintf(r->what, sizeof(r->what), "%s", what);
	return r;
}

/* Queues b; false (and b freed) when the connection cannot take it. */
static bool submit(struct vici_buf *b, enum req_kind kind, uint32_t peer,
		   const char *what)
{
	struct req *r;
	int err = vici_finish(b);

	if (err) {
		log_warnx("ipsec: %s: cannot encode: %s", what,
			  strerror(-err));
		vici_buf_free(b);
		return false;
	}
	r = new_req(kind, peer, what);
	if (!r) {
		vici_buf_free(b);
		return false;
	}
	if (!vici_pending(vc))
		progress_at = now_ms();
	err = vici_submit(vc, b, on_reply, r);
	vici_buf_free(b);
	if (err) {
		free(r);
		return false;
	}
	update_events();
	return true;
}

static bool command(const char *cmd, enum req_kind kind, uint32_t peer)
{
	struct vici_buf b;

	vici_buf_init(&b);
	vici_begin(&b, VICI_CMD_REQUEST, cmd);
	return submit(&b, kind, peer, cmd);
}

static void load_cred(const char *cmd, const char *type, const char *flag,
		      const char *pem, const char *what)
{
	struct vici_buf b;

	vici_buf_init(&b);
	vici_begin(&b, VICI_CMD_REQUEST, cmd);
	vici_kv_str(&b, "type", type);
	if (flag)
		vici_kv_str(&b, "flag", flag);
	vici_kv_str(&b, "data", pem);
	submit(&b, R_CRED, 0, what);
}

static bool by_name(const char *cmd, enum req_kind kind, uint32_t id)
{
	struct vici_buf b;
	char name[32];

	ipsec_conn_name(id, name, sizeof(name));
	vici_buf_init(&b);
	vici_begin(&b, VICI_CMD_REQUEST, cmd);
	if (kind == R_UNLOAD) {
		vici_kv_str(&b, "name", name);
	} else {
		if (kind == R_INITIATE)
			vici_kv_str(&b, "child", name);
		vici_kv_str(&b, "ike", name);
		/* answer at once; the SA's fate comes as events */
		vici_kv_str(&b, "timeout", "-1");
	}
	return submit(&b, kind, id, cmd);
}

static void list_sas(void)
{
	size_t i;

	if (listing || !command("list-sas", R_LIST_SAS, 0))
		return;
	listing = true;
	list_started = now_ms();
	for (i = 0; i < set.n; i++)
		set.p[i].listed = false;
}

/* Loads, restarts and initiates what the peer set asks for. */
static void pump(uint64_t now)
{
	size_t i;

	if (!up)
		return;
	for (i = 0; i < set.n; i++) {
		struct ipsec_peer *p = &set.p[i];
		struct vici_buf b;

		if (p->busy || !p->known || p->gone_at || p->retry_at > now)
			continue;
		if (p->dirty) {
			/* new selectors need new SAs: the old ones go, and
			 * the initiator brings up new ones once loaded */
			if (p->changed && p->sa.present) {
				by_name("terminate", R_TERMINATE, p->v.id);
				memset(&p->sa, 0, sizeof(p->sa));
				p->initiated_at = 0;
			}
			p->changed = false;
			vici_buf_init(&b);
			ipsec_conn_build(&b, cfg(), &set, p, cert_pem, ca_pem);
			if (submit(&b, R_LOAD, p->v.id, "load-conn"))
				p->busy = true;
			continue;
		}
		/*
		 * Initiate when charon has no IKE_SA for the peer, or an
		 * established one without a CHILD_SA (the peer refused it,
		 * say while it reloaded): charon then adds the child to the
		 * IKE_SA.  After an initiation, only once a later listing
		 * still showed none (under load the first IKE can take tens
		 * of seconds), and not before retry seconds.
		 */
		if (p->initiator && p->loaded &&
		    (!p->sa.present ||
		     (!strcmp(p->sa.ike_state, "ESTABLISHED") &&
		      !p->sa.child_state[0])) &&
		    (!p->initiated_at || last_list > p->initiated_at) &&
		    by_name("initiate", R_INITIATE, p->v.id)) {
			p->busy = true;
			p->initiated_at = now;
		}
	}
}

/*
 * The next attempt for a peer: after retry seconds, doubling up to 32
 * times that while nothing comes up (a peer that keeps refusing costs a
 * log line every few minutes, not every few seconds).
 */
static void backoff(struct ipsec_peer *p, uint64_t now)
{
	p->retry_at = now + (cfg()->retry * 1000ull <<
			     (p->attempts < 5 ? p->attempts : 5));
	p->attempts++;
}

static void peer_failed(struct ipsec_peer *p, const char *what,
			const char *msg)
{
	char name[32];

	ipsec_conn_name(p->v.id, name, sizeof(name));
	snprintf(p->error, sizeof(p->error), "%s: %s", what, msg);
	failures++;
	log_warnx("ipsec: %s of %s (site %" PRIu32 "): %s", what, name,
		  p->v.id, msg);
}

static void got_conns(const struct vici_msg *m, uint64_t now)
{
	int l = vici_find(m, -1, "conns"), i;
	char name[64];
	uint32_t id;

	for (i = vici_first(m, l); l >= 0 && i >= 0; i = vici_next(m, i)) {
		struct ipsec_peer *p;

		if (!vici_str(m, i, name, sizeof(name)) ||
		    !ipsec_conn_id(name, &id))
			continue;
		p = ipsec_add_leftover(&set, id, now);
		if (p)
			p->loaded = true;
	}
}

static void sas_listed(uint64_t now)
{
	ipsec_sas_listed(&set);
	listing = false;
	last_list = list_started;
	refresh_at = now + REFRESH_MS;
}

static void on_reply(void *arg, int err, const struct vici_msg *m)
{
	struct req *r = arg;
	struct ipsec_peer *p = r->peer ? ipsec_find(&set, r->peer) : NULL;
	uint64_t now = now_ms();
	char ok[8], msg[160];
	bool success;

	if (err == -ECONNRESET)
		goto out;	/* disconnected_why() resets the state */
	progress_at = now;
	success = !err && vici_get(m, -1, "success", ok, sizeof(ok)) &&
		  !strcmp(ok, "yes");
	if (err)
		snprintf(msg, sizeof(msg), "charon does not know it");
	else if (!vici_get(m, -1, "errmsg", msg, sizeof(msg)))
		snprintf(msg, sizeof(msg), "failed");

	switch (r->kind) {
	case R_REGISTER:
		if (err)
			log_warnx("ipsec: charon has no %s event", r->what);
		break;
	case R_CRED:
		if (!success) {
			failures++;
			set_error("%s: %s", r->what, msg);
			log_warnx("ipsec: %s refused by charon: %s", r->what,
				  msg);
		}
		break;
	case R_GET_CONNS:
		if (!err)
			got_conns(m, now);
		break;
	case R_LIST_SAS:
		sas_listed(now);
		if (!up) {
			up = true;
			log_info("ipsec: charon at %s ready: %zu peer(s)",
				 socket_path(), set.n);
		}
		break;
	case R_LOAD:
		if (!p)
			break;
		p->busy = false;
		if (!success) {
			peer_failed(p, "load-conn", msg);
			backoff(p, now);
			break;
		}
		p->loaded = true;
		p->attempts = 0;
		p->dirty = false;
		p->error[0] = 0;
		p->loads++;
		loads++;
		log_debug("ipsec: site %" PRIu32 " (%s) loaded, %s", p->v.id,
			  p->v.name, p->initiator ? "initiator" : "responder");
		break;
	case R_INITIATE:
		if (!p)
			break;
		p->busy = false;
		initiates++;
		/* the next one only after the backoff, whatever happens */
		backoff(p, now);
		if (!success)
			peer_failed(p, "initiate", msg);
		/* see the IKE_SA come up (or not) */
		if (!refresh_at || refresh_at > now + 1000)
			refresh_at = now + 1000;
		break;
	case R_TERMINATE:
		/* "no matching SAs" is as good as terminated */
		break;
	case R_UNLOAD:
		if (success)
			unloads++;
		else
			log_warnx("ipsec: unload-conn %s: %s", r->what, msg);
		break;
	}
	pump(now);
out:
	free(r);
}

static void on_event(void *arg, const char *name, const struct vici_msg *m)
{
	uint64_t now = now_ms();

	if (!strcmp(name, "list-sa")) {
		if (listing)
			ipsec_read_sa(&set, m, now);
		return;
	}
	if (ipsec_count_event(&set, name, m))
		log_debug("ipsec: %s", name);
	/* read the new state soon, once the burst of events is over */
	if (!refresh_at || refresh_at > now + EVENT_REFRESH_MS)
		refresh_at = now + EVENT_REFRESH_MS;
}

/* -------------------------------------------------------- connection */

/*
 * A restarted charon is back within a second or two: try after 1 s, then
 * 2, 4, ... up to retry seconds, so that keying resumes soon without
 * knocking every second at a charon that is gone for long.
 */
static uint64_t reconnect_delay(void)
{
	uint64_t d = 1000ull << (reconnect_fails < 16 ? reconnect_fails : 16);

	reconnect_fails++;
	return d < cfg()->retry * 1000ull ? d : cfg()->retry * 1000ull;
}

static void disconnected_why(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void disconnected_why(const char *fmt, ...)
{
	uint64_t now = now_ms();
	va_list ap;
	size_t i;

	disconnects++;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	log_warnx("ipsec: lost charon at %s (%s): reconnecting (at most every %"
		  PRIu32 " s); the kernel keeps its SAs", socket_path(),
		  last_error, cfg()->retry);
	up = false;
	listing = false;
	for (i = 0; i < set.n; i++) {
		struct ipsec_peer *p = &set.p[i];

		/* a restarted charon has nothing: load everything again */
		p->busy = false;
		p->retry_at = 0;
		p->initiated_at = 0;
		p->attempts = 0;
		p->dirty = p->known;
		p->loaded = false;
		memset(&p->sa, 0, sizeof(p->sa));
	}
	down_logged = true;
	reconnect_at = now + reconnect_delay();
}

static void on_io(int fd, short revents, void *arg)
{
	int err = vici_io(vc, revents);

	if (err) {
		/* vici_io() closed it; the fd number may be reused */
		loop_del_fd(fd);
		disconnected_why("%s", vici_strerror(vc));
		return;
	}
	update_events();
}

static void try_connect(uint64_t now)
{
	size_t i;
	int err;

	reconnect_at = 0;
	err = vici_connect(vc, socket_path());
	if (err) {
		set_error("connect %s: %s", socket_path(), strerror(-err));
		if (!down_logged)
			log_warnx("ipsec: cannot reach charon at %s: %s; "
				  "retrying (at most every %" PRIu32 " s)",
				  socket_path(), strerror(-err), cfg()->retry);
		down_logged = true;
		reconnect_at = now + reconnect_delay();
		return;
	}
	connects++;
	reconnect_fails = 0;
	down_logged = false;
	last_error[0] = 0;
	log_info("ipsec: connected to charon at %s", socket_path());
	if (loop_add_fd(vici_fd(vc), vici_events(vc), on_io, NULL)) {
		log_warnx("ipsec: no poll slot for charon's socket");
		vici_close(vc);
		reconnect_at = now + reconnect_delay();
		return;
	}
	/* answered in this order; the list-sas answer ends the setup */
	for (i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		struct vici_buf b;

		vici_buf_init(&b);
		vici_begin(&b, VICI_EVENT_REGISTER, events[i]);
		submit(&b, R_REGISTER, 0, events[i]);
	}
	load_cred("load-cert", "X509", "CA", ca_pem, "load-cert (CA)");
	load_cred("load-cert", "X509", "NONE", cert_pem, "load-cert (site)");
	load_cred("load-key", "any", NULL, key_pem, "load-key");
	command("get-conns", R_GET_CONNS, 0);
	list_sas();
}

/* ----------------------------------------------------------- interface */

int charon_start(void)
{
	const struct agent_config *c = &agent->cfg;

	if (c->ipsec.mode != IPSEC_MODE_STRONGSWAN)
		return 0;
	if (!c->vnoc_url) {
		log_warnx("ipsec: no VNOC, so no peers: nothing to key");
		return 0;
	}
	if (!c->vnoc_cert || !c->vnoc_ca) {
		log_warnx("ipsec: mode strongswan needs [vnoc] cert and ca");
		return -EINVAL;
	}
	cert_pem = read_pem(c->vnoc_cert);
	ca_pem = read_pem(c->vnoc_ca);
	/* a cert file holding the key too: charon finds the key in it */
	key_pem = read_pem(c->vnoc_key ? c->vnoc_key : c->vnoc_cert);
	vc = vici_conn_new(on_event, NULL);
	if (!cert_pem || !ca_pem || !key_pem || !vc)
		return -EINVAL;
	ipsec_set_init(&set);
	enabled = true;
	try_connect(now_ms());
	return 0;
}

void charon_set_view(const struct ipsec_view *v)
{
	uint64_t now = now_ms();
	int n;

	if (!enabled)
		return;
	n = ipsec_reconcile(&set, v, now);
	if (n < 0) {
		log_warnx("ipsec: view refused (%s): connections unchanged",
			  strerror(-n));
		return;
	}
	if (set.skipped)
		log_warnx("ipsec: %zu peer(s) of the view left out (no plain "
			  "certificate name or no unicast address)",
			  set.skipped);
	if (n)
		log_info("ipsec: view: %zu peer(s), %d to (re)load", v->npeers,
			 n);
	pump(now);
}

uint64_t charon_next_event(void)
{
	uint64_t t = 0, x;
	size_t i;

	if (!enabled)
		return 0;
	if (reconnect_at)
		t = reconnect_at;
	if (vc && vici_fd(vc) >= 0 && vici_pending(vc)) {
		x = progress_at + cfg()->timeout * 1000ull;
		if (!t || x < t)
			t = x;
	}
	if (up && refresh_at && !listing && (!t || refresh_at < t))
		t = refresh_at;
	x = ipsec_next_expiry(&set, cfg()->grace * 1000ull);
	if (x && (!t || x < t))
		t = x;
	for (i = 0; up && i < set.n; i++) {
		x = set.p[i].retry_at;
		if (x && !set.p[i].busy && (!t || x < t))
			t = x;
	}
	return t;
}

void charon_tick(uint64_t now)
{
	uint32_t ids[MAX_EXPIRE];
	size_t i, n;

	if (!enabled)
		return;
	if (reconnect_at && now >= reconnect_at)
		try_connect(now);
	/* a charon that takes a request and never answers (stopped, or
	 * deadlocked) would hold up every later one: start over */
	if (vici_fd(vc) >= 0 && vici_pending(vc) &&
	    now >= progress_at + cfg()->timeout * 1000ull) {
		int fd = vici_fd(vc);

		loop_del_fd(fd);
		vici_close(vc);
		disconnected_why("no answer for %" PRIu32 " s", cfg()->timeout);
	}
	n = ipsec_expire(&set, now, cfg()->grace * 1000ull, ids, MAX_EXPIRE);
	for (i = 0; i < n; i++) {
		log_info("ipsec: site %" PRIu32 " left the view %" PRIu32
			 " s ago: unloading", ids[i], cfg()->grace);
		if (vici_fd(vc) < 0)
			continue;	/* get-conns finds it after reconnect */
		by_name("terminate", R_TERMINATE, ids[i]);
		by_name("unload-conn", R_UNLOAD, ids[i]);
	}
	for (i = 0; i < set.n; i++)
		if (set.p[i].retry_at && set.p[i].retry_at <= now)
			set.p[i].retry_at = 0;
	if (up && refresh_at && refresh_at <= now)
		list_sas();
	pump(now);
}

void charon_status(FILE *f)
{
	const struct ipsec_config *c = cfg();

	fprintf(f, "ipsec: mode %s", ipsec_mode_name(c->mode));
	if (!enabled) {
		fputc('\n', f);
		return;
	}
	fprintf(f, ", charon %s %s, %zu peer(s), %" PRIu64 " connect(s), %"
		PRIu64 " load(s), %" PRIu64 " unload(s), %" PRIu64
		" initiation(s), %" PRIu64 " failure(s)%s%s\n", socket_path(),
		up ? "up" : "down", set.n, connects, loads, unloads,
		initiates, failures, last_error[0] ? ", last error: " : "",
		last_error);
	ipsec_peers_status(&set, now_ms(), f);
}

void charon_status_json(struct json *j)
{
	json_obj_open(j, "ipsec");
	json_str(j, "mode", ipsec_mode_name(cfg()->mode));
	if (enabled) {
		json_str(j, "vici_socket", socket_path());
		json_bool(j, "charon_up", up);
		json_uint(j, "connects", connects);
		json_uint(j, "disconnects", disconnects);
		json_uint(j, "loads", loads);
		json_uint(j, "unloads", unloads);
		json_uint(j, "initiations", initiates);
		json_uint(j, "failures", failures);
		if (last_error[0])
			json_str(j, "last_error", last_error);
		ipsec_peers_json(&set, now_ms(), j);
	}
	json_obj_close(j);
}

void charon_fini(void)
{
	if (!enabled)
		return;
	/* connections and SAs stay in charon: traffic goes on, and the next
	 * agent adopts them (get-conns) without a gap */
	if (vici_fd(vc) >= 0)
		loop_del_fd(vici_fd(vc));
	vici_conn_free(vc);
	vc = NULL;
	ipsec_set_free(&set);
	free(cert_pem);
	free(key_pem);
	free(ca_pem);
	enabled = false;
}
