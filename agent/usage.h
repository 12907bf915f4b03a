/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Accounting: route counters since the last report, sent to the VNOC with
 * ReportUsage.  Nothing is lost across an agent restart or a VNOC outage:
 * the baseline (counters already reported), the counters of deleted routes
 * and every unacknowledged report live in a spool file that is rewritten
 * atomically before anything is sent.  Each report carries a sequence
 * number, persisted too, so a retry the VNOC already counted is recognised
 * as a duplicate and not counted twice.
 */
#ifndef IVGMP_AGENT_USAGE_H
#define IVGMP_AGENT_USAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diff.h"

struct unh {
	uint32_t site;
	uint64_t packets, bytes;
};

/* A route's key and its counters (or their deltas). */
struct urec {
	uint32_t vpn, origin;
	struct ivgmp_addr group, source;
	uint64_t packets, bytes;
	uint32_t nnh;
	struct unh *nh;
};

struct ureport {
	struct ureport *next;
	uint64_t seq;
	uint32_t nrec;
	struct urec *rec;
	bool attempted;		/* sent once: frozen, may have been counted */
	bool inflight;
	bool refused_once;
	uint32_t failures;
	uint64_t retry_at;
};

struct usage {
	char *path;
	uint64_t next_seq;
	uint32_t nbase, ncarry;
	struct urec *base;	/* sorted by key */
	struct urec *carry;	/* final deltas of deleted routes */
	struct ureport *pending;
	uint64_t reported, acked, dropped;

	/*
	 * Sequence numbers are checked against the VNOC's lastSeq before any
	 * report goes out (on start and after each reconnect): a lost or
	 * truncated spool must not make new reports look like retries.
	 */
	bool synced;		/* numbers reconciled with the VNOC */
	bool probing;		/* the probe is in flight */
	bool spool_lost;	/* no spool or a broken one: baseline unknown */
	bool rebase;		/* next collect: unknown routes are baseline */
	uint32_t probe_failures;
	uint64_t probe_retry_at;
	uint64_t vnoc_last;	/* the VNOC's lastSeq when last heard */
	uint64_t renumbered, salvaged;
};

/* Loads the spool (a missing file is a fresh start). */
int usage_init(struct usage *u, const char *path);
void usage_fini(struct usage *u);

/* Counters of every route now (a kernel dump): make the next report. */
int usage_collect(struct usage *u, const struct table *now,
		  uint32_t local_site);
/* A route about to be deleted, with its final counters. */
void usage_final(struct usage *u, const struct ivgmp_route_info *r,
		 uint32_t local_site);

/*
 * Next hops a replacement took off a route, with their final counters
 * (the kernel's NLM_F_ECHO reply): what they sent since the baseline is
 * carried into the next report, and they leave the baseline.
 */
void usage_nexthops_gone(struct usage *u, const struct ivgmp_route_info *gone,
			 uint32_t local_site);

/* Oldest report ready to send at now, marked in flight, or NULL. */
struct ureport *usage_next(struct usage *u, uint64_t now);
uint64_t usage_next_retry(const struct usage *u);
enum usage_result { USAGE_ACKED, USAGE_REFUSED, USAGE_FAILED };
/*
 * in_view (used on refusal): does the VNOC view still hold this route?  It
 * may also drop the record's next hops the view no longer has.
 */
void usage_done(struct usage *u, uint64_t seq, enum usage_result res,
		uint64_t now, bool (*in_view)(struct urec *));

/*
 * The probe: an empty report whose answer carries the VNOC's lastSeq.  It
 * is numbered just below the first unsent number, so it is a duplicate
 * (nothing counted) unless the VNOC has seen none of ours; then it counts
 * as an empty report and nothing we hold was counted.  Returns its seq and
 * marks it in flight, or 0 when none is due.
 */
uint64_t usage_probe(struct usage *u, uint64_t now);
void usage_probe_done(struct usage *u, bool ok, bool duplicate,
		      uint64_t last_seq, uint64_t now);
/* The VNOC came back: check the numbers again before the next report. */
void usage_unsync(struct usage *u);
/*
 * Reconcile with the VNOC's lastSeq: reports it has counted are dropped as
 * acknowledged (only those already sent, from a spool that is not behind
 * it), every other report at or below it gets a fresh number above it,
 * and the next number never falls to or below it.  none_counted: none of
 * our reports can have been counted (the probe itself was).
 */
void usage_resync(struct usage *u, uint64_t last_seq, bool none_counted);
/* A sent report came back as a duplicate: the VNOC's last is last_seq. */
void usage_duplicate(struct usage *u, uint64_t seq, uint64_t last_seq);

int usage_save(struct usage *u);
void usage_status(const struct usage *u, FILE *f);
struct json;
void usage_status_json(const struct usage *u, struct json *j);

void urec_from_route(struct urec *o, const struct ivgmp_route_info *r,
		     uint32_t local_site);

#endif
