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

int usage_save(struct usage *u);
void usage_status(const struct usage *u, FILE *f);

void urec_from_route(struct urec *o, const struct ivgmp_route_info *r,
		     uint32_t local_site);

#endif
