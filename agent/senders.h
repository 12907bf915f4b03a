/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is a local sender still sending?  The kernel gives two signs: a
 * local-origin route's tx counter grows, or, while a group has no such
 * route, NEW_SOURCE events.  A local-origin route without next hops gives
 * neither: the kernel finds the route, counts nothing and raises no event.
 *
 * So such a route is "quiet", and after half the silence time without a
 * sign the agent withholds it: deletes it from the kernel (it forwards
 * nothing, so nothing is lost) and keeps it out of the view it applies.  A
 * sender that still sends then raises NEW_SOURCE again, which refreshes it
 * and puts the route back; one that stopped lapses at the end of the
 * silence time, and the VNOC is told it left.  A route that gains next
 * hops is installed again and its counters speak from then on.
 *
 * Pure logic on an injected clock, like groups.c: the caller does the
 * netlink work the results ask for.
 */
#ifndef IVGMP_AGENT_SENDERS_H
#define IVGMP_AGENT_SENDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diff.h"
#include "groups.h"

struct quiet_route {
	struct ivgmp_route_info key;	/* no next hops, no counters */
	uint64_t since;			/* installed, or last NEW_SOURCE */
	bool withheld;			/* out of the kernel, to hear events */
	bool seen;
};

struct senders {
	struct quiet_route *q;
	size_t nq;
	uint64_t silence_ms;		/* no sign this long: the sender left */
};

void senders_init(struct senders *s, uint64_t silence_ms);
void senders_fini(struct senders *s);

/*
 * After a route dump.  cur and last are the kernel's routes now and at the
 * previous scan, sorted with route_qcmp (last may be empty); view is the
 * VNOC's.  Extends the senders whose routes counted traffic, (re)creates
 * sender state for quiet routes first seen (an agent restart), and returns
 * in *withhold the view routes to delete from the kernel now (an array the
 * caller frees; its entries point into view).  0 or -ENOMEM.
 */
int senders_scan(struct senders *s, struct groups *gs, const struct table *view,
		 const struct table *cur, const struct table *last,
		 uint32_t local_site, uint64_t now,
		 const struct ivgmp_route_info ***withhold, size_t *nwithhold);

/*
 * A NEW_SOURCE event: refreshes (or creates) the source's sender state and
 * ends the withholding of the routes it matches; their keys are stored in
 * reinstall (up to max) and their number returned.  *err gets the groups
 * error (0, -ENOMEM, -ENOSPC); *fresh whether the source is new.
 */
size_t senders_event(struct senders *s, struct groups *gs, uint32_t vpn,
		     const struct ivgmp_addr *group,
		     const struct ivgmp_addr *source, uint64_t now,
		     const struct ivgmp_route_info **reinstall, size_t max,
		     int *err, bool *fresh);

/* Is this route withheld (kept out of the kernel)? */
bool senders_withheld(const struct senders *s,
		      const struct ivgmp_route_info *r);
size_t senders_nwithheld(const struct senders *s);

#endif
