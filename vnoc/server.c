// SPDX-License-Identifier: GPL-2.0
/*
 * server.c - ivgmp-vnoc's network side: TLS listener, one thread per
 * connection (bounded), keep-alive request loop, limits, WSDL, draining.
 *
 * Long polls block their connection's thread in a condition wait that
 * releases the state lock, so they never hold up other requests; the
 * connection count is bounded by max_connections.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "soapH.h"
#include "dblock.h"
#include "log.h"
#include "request.h"
#include "server.h"
#include "web.h"

/* After drain-timeout, requests still running get their sockets shut down;
 * this long is given to their threads to notice and end. */
#define CUTOFF_GRACE 5

/* malloc tuning, see vnoc_server_init() */
#define VNOC_MMAP_THRESHOLD (128 * 1024)
#define VNOC_ARENA_MAX 4

/* One connection thread: joined by the accept loop once done, and its
 * socket shut down if it is still running at drain-timeout. */
struct vnoc_conn_slot {
	pthread_t tid;
	SOAP_SOCKET fd;		/* SOAP_INVALID_SOCKET once closing */
	bool done;		/* the thread touches nothing any more */
	struct vnoc_conn_slot *next;
};

static void reap(struct vnoc_server *srv);

void vnoc_config_defaults(struct vnoc_config *c)
{
	memset(c, 0, sizeof(*c));
	c->listen = "::";
	c->port = 8443;
	c->database = "/var/lib/ivgmp-vnoc/vnoc.db";
	c->sync = VNOC_DB_SYNC_FULL;
	c->pidfile = "/run/ivgmp-vnoc.pid";
	c->max_connections = 2048;
	c->max_message = 1024 * 1024;
	c->max_depth = 32;
	c->recv_timeout = 10;
	c->send_timeout = 10;
	c->idle_timeout = 120;
	c->longpoll_max = 300;
	c->drain_timeout = 10;
	c->tree_fanout = 16;
	c->tree_depth = 4;
	c->deny_audit_limit = 10;
	c->deny_audit_period = 60;
}

int vnoc_server_init(struct vnoc_server *srv, const struct vnoc_config *cfg)
{
	struct vnoc_topo_params p = {
		.default_fanout = cfg->tree_fanout,
		.max_depth = cfg->tree_depth,
	};

	memset(srv, 0, sizeof(*srv));
	srv->cfg = cfg;
	/*
	 * Each connection's gSOAP context is one 160 KiB malloc.  glibc
	 * raises its mmap threshold past that size after the first such
	 * block is freed, and the next ones come from the heap, where a
	 * single live block pins the freed ones around it: after a peak of
	 * connections, RSS stayed at the peak.  A fixed threshold keeps them
	 * mmap'ed, returned whole when their connection ends; fewer arenas
	 * bound the memory the connection threads' smaller blocks can hold.
	 */
	mallopt(M_MMAP_THRESHOLD, VNOC_MMAP_THRESHOLD);
	mallopt(M_ARENA_MAX, VNOC_ARENA_MAX);
	srv->lock_fd = -1;
	vnoc_deny_limit_init(&srv->deny, cfg->deny_audit_limit,
			     cfg->deny_audit_period);
	pthread_mutex_init(&srv->lock, NULL);
	pthread_mutex_init(&srv->conn_lock, NULL);
	pthread_cond_init(&srv->conn_cv, NULL);
	pthread_cond_init(&srv->commit_cv, NULL);
	srv->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (srv->stop_fd < 0) {
		log_warn("eventfd");
		return -1;
	}
	vnoc_state_init(&srv->state, &p);
	srv->lock_fd = vnoc_db_lock(cfg->database, srv->db.err,
				    sizeof(srv->db.err));
	if (srv->lock_fd < 0) {
		log_warnx("%s", srv->db.err);
		return -1;
	}
	if (vnoc_db_open(&srv->db, cfg->database, cfg->sync)) {
		log_warnx("database: %s", srv->db.err);
		return -1;
	}
	if (vnoc_db_load(&srv->db, &srv->state)) {
		log_warnx("database %s: %s", cfg->database, srv->db.err);
		return -1;
	}
	log_info("loaded %zu sites, %zu policies, %zu groups from %s "
		 "(view version %llu)", srv->state.nsites,
		 srv->state.npolicies, srv->state.ngroups, cfg->database,
		 (unsigned long long)srv->state.version);
	return 0;
}

void vnoc_server_free(struct vnoc_server *srv)
{
	reap(srv);	/* threads that ended after vnoc_server_run() */
	vnoc_db_close(&srv->db);
	/* only now: closing it earlier would let another VNOC open the file
	 * while we still write to it */
	vnoc_db_unlock(srv->lock_fd);
	vnoc_deny_limit_free(&srv->deny);
	vnoc_state_free(&srv->state);
	pthread_mutex_destroy(&srv->lock);
	pthread_mutex_destroy(&srv->conn_lock);
	pthread_cond_destroy(&srv->conn_cv);
	pthread_cond_destroy(&srv->commit_cv);
	free(srv->wake);
	if (srv->stop_fd >= 0)
		close(srv->stop_fd);
}

/* GET /?wsdl returns the service description; the rest is web.c's. */
static int http_get(struct soap *soap)
{
	const char *q = strchr(soap->path, '?');

	if (!q || strcmp(q, "?wsdl"))
		return vnoc_web_get(soap);
	soap->http_content = "text/xml; charset=utf-8";
	if (soap_response(soap, SOAP_FILE) ||
	    soap_send_raw(soap, vnoc_wsdl, vnoc_wsdl_len) ||
	    soap_end_send(soap))
		return soap_closesock(soap);
	return SOAP_OK;
}

/*
 * The caller's identity: the one CN of its verified certificate.  A
 * certificate with two CNs, a NUL inside the CN, or a CN that does not fit
 * identifies nobody: a prefix of it, or either CN, could name the admin or
 * another site.
 */
static void peer_cn(struct soap *soap, struct vnoc_conn *c)
{
	unsigned char *utf8 = NULL;
	size_t len = sizeof(c->cn);
	char *cn = c->cn;
	X509_NAME *name;
	X509 *cert;
	int i, n;

	cn[0] = '\0';
	c->nocn = "no client certificate (plain HTTP)";
	if (!soap->ssl)
		return;
	c->nocn = "no client certificate";
	/* The handshake already verified the chain against our CA. */
	cert = SSL_get1_peer_certificate(soap->ssl);
	if (!cert)
		return;
	c->nocn = "the client certificate did not verify";
	if (SSL_get_verify_result(soap->ssl) != X509_V_OK)
		goto out;
	name = X509_get_subject_name(cert);
	c->nocn = "the client certificate's subject has no CN";
	i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (i < 0)
		goto out;
	if (X509_NAME_get_index_by_NID(name, NID_commonName, i) >= 0) {
		log_warnx("certificate from %s has more than one CN: refused",
			  soap->host);
		c->nocn = "the client certificate's subject has more than "
			  "one CN";
		goto out;
	}
	c->nocn = "the client certificate's CN is not a UTF-8 string";
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(
					X509_NAME_get_entry(name, i)));
	if (n < 0)
		goto out;
	if ((size_t)n >= len || strlen((char *)utf8) != (size_t)n) {
		log_warnx("certificate from %s: CN with a NUL byte or longer "
			  "than %zu bytes: refused", soap->host, len - 1);
		c->nocn = "the client certificate's CN has a NUL byte or is "
			  "over 255 bytes";
		goto out;
	}
	c->nocn = NULL;
	memcpy(cn, utf8, (size_t)n + 1);
out:
	OPENSSL_free(utf8);
	X509_free(cert);
}

/*
 * Waits until a request starts arriving on a kept-alive connection.  False
 * when the connection should close: idle too long, peer gone, or the server
 * is stopping (then in-flight requests are done, idle ones just close).
 */
/*
 * A kept-alive connection waiting for its next request does not need the
 * pages of its 64 KiB input buffer (everything in it was read): they go
 * back to the kernel, and read back as zeros if the buffer is used again.
 */
static void release_input_buffer(struct soap *soap)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)soap->buf + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)soap->buf + sizeof(soap->buf)) & ~(page - 1);

	if (soap->bufidx < soap->buflen || to <= from)
		return;
	madvise((void *)from, to - from, MADV_DONTNEED);
}

static bool wait_request(struct soap *soap, struct vnoc_server *srv)
{
	time_t end = time(NULL) + (time_t)srv->cfg->idle_timeout;

	release_input_buffer(soap);

	for (;;) {
		/* Sleep until data, shutdown (stop_fd) or idle timeout: no
		 * periodic wake-ups, a thousand idle connections cost nothing. */
		struct pollfd pfd[2] = {
			{ .fd = soap->socket, .events = POLLIN },
			{ .fd = srv->stop_fd, .events = POLLIN },
		};
		time_t left;
		int rc;

		if (soap->bufidx < soap->buflen ||
		    (soap->ssl && SSL_pending(soap->ssl) > 0))
			return true;
		left = end - time(NULL);
		if (left <= 0)
			return false;
		rc = poll(pfd, 2, (int)(left > 3600 ? 3600000 : left * 1000));
		if (rc < 0 && errno != EINTR)
			return false;
		if (rc > 0 && pfd[1].revents)
			return false;
		if (rc > 0)
			return !(pfd[0].revents & (POLLERR | POLLNVAL));
	}
}

struct conn_arg {
	struct vnoc_server *srv;
	struct soap *soap;
	struct vnoc_conn_slot *slot;
	bool web;		/* accepted on web_listen */
};

/* The last thing a connection thread does with the server. */
static void conn_done(struct vnoc_server *srv, struct vnoc_conn_slot *slot)
{
	pthread_mutex_lock(&srv->conn_lock);
	srv->active--;
	if (slot)
		slot->done = true;
	pthread_cond_broadcast(&srv->conn_cv);
	pthread_mutex_unlock(&srv->conn_lock);
}

/* Joins the connection threads that are done. */
static void reap(struct vnoc_server *srv)
{
	struct vnoc_conn_slot **pp, *done = NULL, *c;
	time_t now;

	pthread_mutex_lock(&srv->conn_lock);
	for (pp = &srv->conns; (c = *pp);) {
		if (c->done) {
			*pp = c->next;
			c->next = done;
			done = c;
		} else {
			pp = &c->next;
		}
	}
	pthread_mutex_unlock(&srv->conn_lock);
	while ((c = done)) {
		done = c->next;
		pthread_join(c->tid, NULL);
		free(c);
		srv->reaped++;
	}
	/* What the ended connections freed in the threads' malloc arenas
	 * stays in the process until trimmed: give it back, at most once a
	 * second, so a burst of connections is not a lasting cost. */
	now = time(NULL);
	if (srv->reaped && now != srv->trimmed) {
		malloc_trim(0);
		srv->reaped = 0;
		srv->trimmed = now;
	}
}

/* Shuts down the sockets of the connections still running: whatever they
 * wait for on the network fails at once.  Their number. */
static unsigned cut_off(struct vnoc_server *srv)
{
	struct vnoc_conn_slot *c;
	unsigned n = 0;

	pthread_mutex_lock(&srv->conn_lock);
	for (c = srv->conns; c; c = c->next)
		if (!c->done && soap_valid_socket(c->fd)) {
			shutdown(c->fd, SHUT_RDWR);
			n++;
		}
	pthread_mutex_unlock(&srv->conn_lock);
	return n;
}

/* Waits until no connection thread runs or until the deadline: true if
 * none runs.  Called with conn_lock held. */
static bool wait_idle(struct vnoc_server *srv, unsigned secs)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += secs;
	while (srv->active &&
	       !pthread_cond_timedwait(&srv->conn_cv, &srv->conn_lock, &until))
		;
	return !srv->active;
}

static void *conn_thread(void *p)
{
	struct conn_arg *a = p;
	struct vnoc_server *srv = a->srv;
	struct soap *soap = a->soap;
	struct vnoc_conn_slot *slot = a->slot;
	struct vnoc_conn c = { .srv = srv, .web = a->web };
	int one = 1;
	unsigned i;

	free(a);
	soap->user = &c;
	/* Replies go out in a few writes: do not let Nagle hold the last one
	 * back for a delayed ACK (long-poll wake-ups must be prompt). */
	setsockopt(soap->socket, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (soap->ctx && soap_ssl_accept(soap)) {
		char err[200];

		soap_sprint_fault(soap, err, sizeof(err));
		log_debug("TLS handshake from %s failed: %s", soap->host, err);
		goto out;
	}
	peer_cn(soap, &c);
	for (i = 0; i < srv->cfg->nadmins; i++)
		if (c.cn[0] && !strcmp(c.cn, srv->cfg->admins[i]))
			c.admin = true;
	log_debug("connection from %s, certificate CN '%s'%s", soap->host,
		  c.cn, c.admin ? " (admin)" : "");

	/* soap_serve()'s keep-alive loop, with a wait between requests that
	 * notices shutdown and idle timeouts, and our own reading of each
	 * request (request.c): a malformed one gets its Fault at once. */
	soap->keep_alive = soap->max_keep_alive + 1;
	do {
		if (soap->keep_alive > 0 && soap->max_keep_alive > 0)
			soap->keep_alive--;
		if (!wait_request(soap, srv))
			break;
		if (!vnoc_request_serve(soap))
			break;
		soap_destroy(soap);
		soap_end(soap);
	} while (soap->keep_alive);
out:
	/* Send close_notify but do not wait for the peer's: gSOAP would
	 * block up to seconds in select(), holding the thread (and shutdown). */
	if (soap->ssl) {
		SSL_shutdown(soap->ssl);
		SSL_set_shutdown(soap->ssl, SSL_SENT_SHUTDOWN |
				 SSL_RECEIVED_SHUTDOWN);
	}
	soap_destroy(soap);
	soap_end(soap);
	/* From here on the descriptor may be reused: not ours to shut down. */
	pthread_mutex_lock(&srv->conn_lock);
	slot->fd = SOAP_INVALID_SOCKET;
	pthread_mutex_unlock(&srv->conn_lock);
	soap_free(soap);	/* closes the socket, frees the SSL session */
	conn_done(srv, slot);
	return NULL;
}

static int setup_soap(struct vnoc_server *srv, struct soap *soap, bool tls)
{
	const struct vnoc_config *cfg = srv->cfg;

	soap_set_mode(soap, SOAP_IO_KEEPALIVE | SOAP_XML_STRICT);
	soap->bind_flags = SO_REUSEADDR;
	soap->max_keep_alive = 1000000;
	soap->recv_timeout = (int)cfg->recv_timeout;
	soap->send_timeout = (int)cfg->send_timeout;
	soap->transfer_timeout = (int)(cfg->recv_timeout + cfg->send_timeout);
	soap->accept_timeout = 0;
	soap->recv_maxlength = 2 * (ULONG64)cfg->max_message;
	soap->maxlevel = cfg->max_depth;
	soap->maxoccurs = cfg->max_message / 16;
	soap->fget = http_get;
	vnoc_request_hooks(soap);	/* copies of this soap inherit them */
	if (cfg->plain_http || !tls)
		return 0;
	if (soap_ssl_server_context(soap,
				    SOAP_SSL_REQUIRE_CLIENT_AUTHENTICATION |
				    SOAP_TLSv1_2 | SOAP_TLSv1_3,
				    NULL, NULL, cfg->ca, NULL, NULL, NULL,
				    "ivgmp-vnoc")) {
		char err[300];

		soap_sprint_fault(soap, err, sizeof(err));
		log_warnx("TLS setup (CA %s): %s", cfg->ca, err);
		return -1;
	}
	/* gSOAP wants certificate and key in one file; operators keep them
	 * apart, so load them into its context directly. */
	if (SSL_CTX_use_certificate_chain_file(soap->ctx, cfg->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(soap->ctx, cfg->key,
					SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(soap->ctx) != 1) {
		log_warnx("TLS certificate %s / key %s: %s", cfg->cert,
			  cfg->key, ERR_reason_error_string(ERR_get_error()));
		return -1;
	}
	/* An idle kept-alive connection holds no TLS record buffers (34 KiB
	 * each otherwise); they come back with its next request. */
	SSL_CTX_set_mode(soap->ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(soap->ctx, SSL_SESS_CACHE_OFF);
	return 0;
}

static bool is_loopback(const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, addr, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return !strcmp(addr, "localhost");
}

/* Accepts one connection on listener m and starts its thread. */
static void accept_conn(struct vnoc_server *srv, struct soap *m, bool web,
			pthread_attr_t *attr, const sigset_t *sigs)
{
	const struct vnoc_config *cfg = srv->cfg;
	struct vnoc_conn_slot *slot;
	struct conn_arg *a;
	struct soap *c;
	SOAP_SOCKET s;
	sigset_t old;
	int terr;

	s = soap_accept(m);
	if (!soap_valid_socket(s))
		return;
	pthread_mutex_lock(&srv->conn_lock);
	if (srv->active >= cfg->max_connections) {
		unsigned active = srv->active;

		pthread_mutex_unlock(&srv->conn_lock);
		log_warnx("refusing connection from %s: %u connections",
			  m->host, active);
		close(s);
		m->socket = SOAP_INVALID_SOCKET;
		return;
	}
	srv->active++;
	pthread_mutex_unlock(&srv->conn_lock);
	c = soap_copy(m);
	a = malloc(sizeof(*a));
	slot = calloc(1, sizeof(*slot));
	m->socket = SOAP_INVALID_SOCKET;	/* now c's */
	if (!c || !a || !slot) {
		log_warnx("out of memory for a connection");
		if (c)
			soap_free(c);
		else
			close(s);
		free(a);
		free(slot);
		conn_done(srv, NULL);
		return;
	}
	a->srv = srv;
	a->soap = c;
	a->slot = slot;
	a->web = web;
	slot->fd = s;
	/* Signals go to this thread only: workers start blocking them (the
	 * mask is inherited), so *stop is ours alone. */
	pthread_sigmask(SIG_BLOCK, sigs, &old);
	terr = pthread_create(&slot->tid, attr, conn_thread, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (terr) {
		log_warnx("cannot start a connection thread");
		soap_free(c);
		free(a);
		free(slot);
		conn_done(srv, NULL);
		return;
	}
	pthread_mutex_lock(&srv->conn_lock);
	slot->next = srv->conns;
	srv->conns = slot;
	pthread_mutex_unlock(&srv->conn_lock);
}

/* The operator page's own listener (web_listen): loopback, no TLS, GET
 * only.  0, or -1 (logged). */
static int web_bind(struct vnoc_server *srv, struct soap *web)
{
	const struct vnoc_config *cfg = srv->cfg;
	char addr[INET6_ADDRSTRLEN], err[200];
	const char *why;
	unsigned port;

	if (vnoc_web_listen_parse(cfg->web_listen, addr, sizeof(addr), &port,
				  &why)) {
		log_warnx("web_listen %s: %s", cfg->web_listen, why);
		return -1;
	}
	setup_soap(srv, web, false);
	vnoc_web_listener_setup(web);
	if (!soap_valid_socket(soap_bind(web, addr, (int)port, 16))) {
		soap_sprint_fault(web, err, sizeof(err));
		log_warnx("bind web_listen %s: %s", cfg->web_listen, err);
		return -1;
	}
	log_info("operator page on http://%s/ (web_listen, no client "
		 "certificates)", cfg->web_listen);
	return 0;
}

int vnoc_server_run(struct vnoc_server *srv, volatile sig_atomic_t *stop,
		    int (*ready)(void *), void *ready_arg)
{
	const struct vnoc_config *cfg = srv->cfg;
	struct soap master, web;
	sigset_t sigs;
	pthread_attr_t attr;
	time_t last_tick = 0;
	int rc = -1;

	srv->stop = stop;
	if (cfg->plain_http && !is_loopback(cfg->listen)) {
		log_warnx("plain HTTP refused on %s: only on a loopback address",
			  cfg->listen);
		return -1;
	}
	soap_init(&master);
	soap_init(&web);
	if (setup_soap(srv, &master, true))
		goto out;
	if (!soap_valid_socket(soap_bind(&master, cfg->listen, (int)cfg->port,
					 128))) {
		char err[200];

		soap_sprint_fault(&master, err, sizeof(err));
		log_warnx("bind %s port %u: %s", cfg->listen, cfg->port, err);
		goto out;
	}
	log_info("listening on %s port %u (%s)", cfg->listen, cfg->port,
		 cfg->plain_http ? "plain HTTP, no site can authenticate" :
		 "HTTPS, client certificates required");
	if (cfg->web_listen && web_bind(srv, &web))
		goto out;
	if (ready && ready(ready_arg))
		goto out;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	while (!*stop) {
		/* poll() skips the negative fd of an unbound web listener */
		struct pollfd pfd[2] = {
			{ .fd = master.master, .events = POLLIN },
			{ .fd = web.master, .events = POLLIN },
		};
		time_t t;

		reap(srv);
		t = time(NULL);
		if (t != last_tick) {
			vnoc_service_tick(srv, (int64_t)t);
			last_tick = t;
		}
		if (poll(pfd, 2, 250) <= 0)
			continue;
		if (pfd[0].revents)
			accept_conn(srv, &master, false, &attr, &sigs);
		if (pfd[1].revents)
			accept_conn(srv, &web, true, &attr, &sigs);
	}
	pthread_attr_destroy(&attr);

	/* Drain: stop listening, let long polls return, wait for requests. */
	pthread_mutex_lock(&srv->conn_lock);
	log_info("stopping: draining %u connections", srv->active);
	pthread_mutex_unlock(&srv->conn_lock);
	{
		uint64_t one = 1;

		if (write(srv->stop_fd, &one, sizeof(one)) < 0)
			log_warn("waking idle connections");
	}
	soap_closesock(&master);
	if (soap_valid_socket(master.master)) {
		close(master.master);
		master.master = SOAP_INVALID_SOCKET;
	}
	if (soap_valid_socket(web.master)) {
		close(web.master);
		web.master = SOAP_INVALID_SOCKET;
	}
	pthread_mutex_lock(&srv->lock);
	srv->stopping = true;
	vnoc_state_wake_all(&srv->state);
	pthread_mutex_unlock(&srv->lock);
	pthread_mutex_lock(&srv->conn_lock);
	rc = wait_idle(srv, cfg->drain_timeout) ? 0 : -1;
	pthread_mutex_unlock(&srv->conn_lock);
	if (rc) {
		/* Their replies cannot all be sent, but none of them may run
		 * on once the state is freed: a change either committed (and
		 * stays) or never will. */
		log_warnx("%u connections still busy after drain-timeout %u s: "
			  "closing them", cut_off(srv), cfg->drain_timeout);
		pthread_mutex_lock(&srv->conn_lock);
		if (!wait_idle(srv, CUTOFF_GRACE)) {
			srv->left = srv->active;
			log_warnx("%u connections still running %u s later: "
				  "exiting without freeing their state",
				  srv->left, CUTOFF_GRACE);
		}
		pthread_mutex_unlock(&srv->conn_lock);
	}
	reap(srv);
	if (!srv->left)
		vnoc_service_tick(srv, INT64_MAX);
out:
	/* The TLS context is shared with the connections' copies. */
	if (srv->left)
		return rc;
	soap_destroy(&master);
	soap_end(&master);
	soap_done(&master);
	soap_done(&web);
	return rc;
}
