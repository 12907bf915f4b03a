/* SPDX-License-Identifier: GPL-2.0 */
/* server.h - ivgmp-vnoc's configuration and the SOAP server. */
#ifndef VNOC_SERVER_H
#define VNOC_SERVER_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "db.h"
#include "denylimit.h"
#include "state.h"
#include "strict.h"

#define VNOC_MAX_ADMINS 32

struct vnoc_config {
	const char *listen;		/* address to bind */
	unsigned port;
	const char *database;
	enum vnoc_db_sync sync;
	const char *cert, *key, *ca;	/* PEM files; ca verifies clients */
	const char *admins[VNOC_MAX_ADMINS];	/* admin certificate CNs */
	unsigned nadmins;
	bool plain_http;		/* no TLS: loopback only */
	const char *web_listen;		/* "ADDR:PORT" of the operator page's
					 * loopback listener (web.h), or NULL */
	const char *pidfile;
	bool syslog;
	unsigned max_connections;
	unsigned long max_message;	/* bytes per request */
	unsigned max_depth;		/* XML nesting */
	unsigned recv_timeout;		/* seconds, per request */
	unsigned send_timeout;
	unsigned idle_timeout;		/* keep-alive connection idle */
	unsigned longpoll_max;		/* cap on GetState waitSeconds */
	unsigned drain_timeout;		/* SIGTERM: wait for requests */
	unsigned tree_fanout, tree_depth;
	unsigned deny_audit_limit;	/* audited denials per site and period */
	unsigned deny_audit_period;	/* seconds */
};

void vnoc_config_defaults(struct vnoc_config *c);

struct vnoc_server {
	const struct vnoc_config *cfg;
	pthread_mutex_t lock;		/* state, db */
	struct vnoc_state state;
	struct vnoc_db db;
	int lock_fd;			/* flock of DATABASE.lock (dblock.h) */
	struct vnoc_deny_limit deny;	/* under lock */
	volatile sig_atomic_t *stop;	/* set by the signal handler */
	int stop_fd;			/* eventfd, readable once stopping */
	bool stopping;			/* under lock: long polls return */

	/* Group commit (service.c): changes are written into one open
	 * transaction, each in its own savepoint; the first request to wait
	 * for durability commits for everyone written so far. */
	bool txn_open;
	uint64_t txn_seq;		/* the open or last opened transaction */
	uint64_t durable_seq;		/* the last committed one */
	bool leader;			/* somebody is about to commit */
	bool committing;		/* COMMIT runs (lock released) */
	unsigned pending;		/* writers waiting for that COMMIT */
	pthread_cond_t commit_cv;
	size_t nwake, capwake;
	uint32_t *wake;			/* sites to wake at the next commit */
	pthread_mutex_t conn_lock;
	pthread_cond_t conn_cv;		/* active dropped */
	unsigned active;		/* connection threads */
	unsigned reaped;		/* threads joined since the last trim */
	time_t trimmed;			/* time of the last malloc_trim() */
	struct vnoc_conn_slot *conns;	/* under conn_lock: every thread */
	/* Threads still running when vnoc_server_run() returned (they would
	 * not end even with their sockets shut down): the state they use must
	 * not be freed, the process must _exit(). */
	unsigned left;
};

/* Opens the database and loads the state.  0 or -1 (logged). */
int vnoc_server_init(struct vnoc_server *srv, const struct vnoc_config *cfg);
/*
 * Serves until *stop, then drains: 0, or -1 (logged) on errors and when
 * requests were still running at drain-timeout.  Those are cut off (their
 * sockets shut down) and their threads joined; if some still do not end,
 * srv->left says how many, and the caller must exit without
 * vnoc_server_free().
 */
int vnoc_server_run(struct vnoc_server *srv, volatile sig_atomic_t *stop,
		    int (*ready)(void *), void *ready_arg);
void vnoc_server_free(struct vnoc_server *srv);

/* service.c: audits the denials the rate limit suppressed in windows that
 * ended before now (INT64_MAX: all, at shutdown).  Takes srv->lock. */
void vnoc_service_tick(struct vnoc_server *srv, int64_t now);

/* service.c: per-connection identity, kept in soap->user. */
struct vnoc_conn {
	struct vnoc_server *srv;
	char cn[256];		/* client certificate CN, "" if none */
	const char *nocn;	/* why cn is "" */
	bool admin;
	bool web;		/* on web_listen: the operator page only */
	uint64_t ticket;	/* transaction holding our last change */
	uint32_t site;		/* last site found for cn (a cache) */
	/* the request being read (request.c) */
	uint64_t received;	/* bytes of it on the wire so far */
	uint64_t body_end;	/* where its body ends (0: not known yet) */
	bool chunked;		/* its body is chunked: */
	int chunk_state;	/* where in the framing (request.c) */
	uint64_t chunk_left;	/* bytes of the chunk, or its size so far */
	bool over;		/* it went over max_message */
	bool in_body;		/* past its HTTP header */
	bool body_done;		/* read to its Content-Length */
	bool sending;		/* the reply has started */
	unsigned body_elements;	/* children of the SOAP Body */
	struct vnoc_strict strict;
	int reject_code;	/* enum vnoc__FaultCode of reject */
	char reject[192];	/* why it is refused, "" if it is not */
};

extern const char vnoc_wsdl[];
extern const unsigned long vnoc_wsdl_len;

#endif
