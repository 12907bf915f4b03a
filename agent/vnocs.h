/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Failover between several VNOCs (Documentation/agent.md, "Several VNOCs").
 *
 * The agent holds a list of VNOC URLs and talks to one of them, the
 * current one.  A failure that says "this VNOC is not serving" (no
 * connection, TLS, a timeout, an HTTP 5xx or a SOAP Server fault) moves
 * both worker threads on to the next URL; a Client fault is about our
 * request and does not.  The agent stays on a VNOC that works: there is no
 * fail-back, so a recovered VNOC is not hit by every agent at once.
 *
 * Pure logic, no locking: vnoc.c holds a mutex around it, since the poll
 * and the ops thread share one list.
 */
#ifndef IVGMP_AGENT_VNOCS_H
#define IVGMP_AGENT_VNOCS_H

#include <stdbool.h>
#include <stdint.h>

#define VNOCS_MAX	8

struct vnocs {
	unsigned int n;
	unsigned int cur;	/* index of the VNOC in use */
	uint32_t fails;		/* consecutive failures, over the whole list */
	uint64_t failovers;	/* moves to another URL */
};

void vnocs_init(struct vnocs *v, unsigned int n);
/*
 * A call to URL idx failed.  If idx is still the current one, the next
 * URL becomes current and true is returned; false if another thread moved
 * on already (its failure is the same outage, counted once).
 */
bool vnocs_failed(struct vnocs *v, unsigned int idx);
/* A call to URL idx got an answer: the failure run ends. */
void vnocs_ok(struct vnocs *v, unsigned int idx);
/*
 * How long to wait before the next try after the fails-th consecutive
 * failure, in ms: min_ms while there are untried URLs in this round, then
 * doubling per round through the whole list, capped at max_ms; rnd picks
 * the jitter in the upper half, so that agents cut off together do not
 * come back together.
 */
uint64_t vnocs_backoff_ms(uint32_t fails, unsigned int n, uint64_t min_ms,
			  uint64_t max_ms, uint32_t rnd);

#endif
