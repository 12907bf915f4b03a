/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The smallest set of netlink operations that turns the kernel's table into
 * a VNOC view.  Pure: both tables are plain arrays, the result points into
 * them, and nothing touches the kernel.
 *
 * Apply in this order, so that no route ever names a missing site and the
 * traffic of a route being changed is never interrupted:
 *   1. site_set   (SET_SITE: create or replace)
 *   2. route_set  (SET_ROUTE: create or replace; the next-hop list is swapped
 *                  atomically and the route keeps its counters)
 *   3. route_del
 *   4. site_del
 */
#ifndef IVGMP_AGENT_DIFF_H
#define IVGMP_AGENT_DIFF_H

#include <stddef.h>

#include "nl.h"

struct table {
	uint16_t port;			/* our own tunnel port, 0: not given */
	size_t nsites;
	struct ivgmp_site_info *sites;
	size_t nroutes;
	struct ivgmp_route_info *routes;
};

struct diff {
	size_t nsite_set, nsite_del, nroute_set, nroute_del;
	const struct ivgmp_site_info **site_set;	/* from want */
	const struct ivgmp_site_info **site_del;	/* from cur */
	const struct ivgmp_route_info **route_set;	/* from want */
	const struct ivgmp_route_info **route_del;	/* from cur */
	size_t unchanged_routes;
};

/*
 * Sorts both tables' arrays in place (and each route's next hops).  0, or
 * -ENOMEM, or -EINVAL if want holds a duplicate key or names a site that is
 * neither in want nor local_site (a view the kernel would refuse).
 */
int table_diff(struct table *cur, struct table *want, uint32_t local_site,
	       struct diff *d);
void diff_free(struct diff *d);

/* Frees the arrays and every route's next hops. */
void table_free(struct table *t);

int route_key_cmp(const struct ivgmp_route_info *a,
		  const struct ivgmp_route_info *b);
/* The same, for qsort() and bsearch() over struct ivgmp_route_info. */
int route_qcmp(const void *a, const void *b);

#endif
