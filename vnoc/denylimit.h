/* SPDX-License-Identifier: GPL-2.0 */
/*
 * denylimit.h - rate limit on the audit records of denied joins.
 *
 * A site that keeps asking for what policy refuses (misconfigured or
 * hostile) would otherwise write one audit record, and one commit, per
 * request.  Each site gets up to `limit` audited denials per window of
 * `period` seconds starting at its first denial; the rest are only
 * counted, and the count is itself audited once the window is over
 * ("N more denials suppressed").  The caller holds the lock that guards
 * the table (srv->lock); time is passed in, so tests need no clock.
 */
#ifndef VNOC_DENYLIMIT_H
#define VNOC_DENYLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vnoc_deny_window {
	uint32_t site;
	int64_t start;		/* first denial of this window */
	int64_t last;		/* last suppressed denial */
	uint32_t audited;	/* denials audited in this window */
	uint64_t suppressed;	/* denials only counted */
};

struct vnoc_deny_limit {
	unsigned limit;		/* audited denials per window; 0 = no limit */
	unsigned period;	/* window length, seconds */
	size_t n, cap;
	struct vnoc_deny_window *w;	/* sorted by site */
};

/* Suppressed denials of one site's closed window, to be audited. */
struct vnoc_deny_summary {
	uint32_t site;
	uint64_t suppressed;
	int64_t from, to;	/* window start, last suppressed denial */
};

void vnoc_deny_limit_init(struct vnoc_deny_limit *l, unsigned limit,
			  unsigned period);
void vnoc_deny_limit_free(struct vnoc_deny_limit *l);

/*
 * A denial of site at now: true if it is to be audited.  When it opens a
 * new window after one with suppressed denials, *prev gets that window's
 * summary (prev->suppressed 0 otherwise), to be audited first.  Out of
 * memory audits everything: a record too many beats one lost.
 */
bool vnoc_deny_limit_hit(struct vnoc_deny_limit *l, uint32_t site,
			 int64_t now, struct vnoc_deny_summary *prev);

/*
 * Closes the windows that ended before now (all of them when now is
 * INT64_MAX, at shutdown): puts up to max summaries of those with
 * suppressed denials into out and returns their number.  Windows beyond
 * max stay for the next call; windows without suppressed denials are
 * forgotten, so the table holds only recently denied sites.
 */
size_t vnoc_deny_limit_expire(struct vnoc_deny_limit *l, int64_t now,
			      struct vnoc_deny_summary *out, size_t max);

#endif
