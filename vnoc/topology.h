/* SPDX-License-Identifier: GPL-2.0 */
/* topology.h - who sends to whom for one (vpn, group, [source], origin). */
#ifndef VNOC_TOPOLOGY_H
#define VNOC_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vnoc_mode { VNOC_MODE_STAR = 0, VNOC_MODE_REFLECTOR, VNOC_MODE_TREE };

/* A site accredited to forward for others, with its fan-out limit. */
struct vnoc_relay {
	uint32_t site;
	bool relay;		/* may be an inner node of a tree */
	bool reflector;		/* may reflect for an origin */
	unsigned fanout;	/* 0: vnoc_topo_params.default_fanout */
};

/* Where a site was in the previous computation of the same distribution:
 * the tree and reflector modes keep sites there when the bounds allow, so a
 * join or leave changes few sites' routes instead of reshuffling. */
struct vnoc_topo_hint {
	uint32_t site;
	uint32_t parent;
	unsigned depth;
};

struct vnoc_topo_params {
	unsigned default_fanout;	/* origin and relays without a limit */
	unsigned max_depth;		/* tree: hops from origin to any site */
	uint32_t seed;			/* spreads groups over reflectors */
	const struct vnoc_topo_hint *hints;	/* sorted by site, or NULL */
	size_t nhints;
};

/* One site's part of the distribution: maps onto one kernel route. */
struct vnoc_topo_entry {
	uint32_t site;
	uint32_t parent;	/* site it receives from; 0 for the origin */
	unsigned depth;		/* hops from the origin */
	bool deliver_local;
	unsigned nnexthops;
	uint32_t *nexthops;
};

struct vnoc_topo {
	size_t n;
	struct vnoc_topo_entry *e;	/* e[0] is the origin */
	unsigned overflow;	/* receivers attached beyond the bounds */
};

/*
 * Computes the distribution from origin to receivers (origin itself is
 * skipped if listed; duplicates are not allowed).  The origin always gets an
 * entry, with no next hops when there is nobody to send to.  Returns 0 or
 * -ENOMEM.  When the relays' capacity cannot reach every receiver within the
 * bounds, the rest are sent to directly by the origin and counted in
 * overflow: delivery beats the bound.
 */
int vnoc_topo_compute(enum vnoc_mode mode, uint32_t origin,
		      const uint32_t *receivers, size_t nreceivers,
		      const struct vnoc_relay *relays, size_t nrelays,
		      const struct vnoc_topo_params *p, struct vnoc_topo *out);
void vnoc_topo_free(struct vnoc_topo *t);
const struct vnoc_topo_entry *vnoc_topo_find(const struct vnoc_topo *t,
					     uint32_t site);

const char *vnoc_mode_name(enum vnoc_mode m);
int vnoc_mode_parse(const char *s, enum vnoc_mode *m);

#endif
