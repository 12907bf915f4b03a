/* SPDX-License-Identifier: GPL-2.0 */
/*
 * state.h - the VNOC's model: sites, policies, memberships, topology modes,
 * and the routes computed from them, with a view version per site.
 *
 * Not thread-safe: the server serialises every call under one mutex.  Every
 * mutating call records which sites' views changed (vnoc_state.changed) and
 * gives them view version st->version + 1 (then st->version is that value),
 * so a caller that persisted st->version + 1 before the call never hands out
 * a version the database does not cover.
 */
#ifndef VNOC_STATE_H
#define VNOC_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"
#include "topology.h"

#define VNOC_MAX_SOURCES	64	/* per membership */
#define VNOC_NAME_MAX		255	/* site name (certificate CN) */
#define VNOC_KEY_MAX		4096	/* key material */

struct vnoc_site {
	uint32_t id;
	char *name;		/* CN of the site's certificate */
	char *address;		/* WAN address, canonical text */
	uint16_t port;
	char *key;		/* IPsec key material, may be NULL */
	bool relay;
	bool reflector;
	uint32_t fanout;
	uint64_t view_version;
	/* Highest view version the site has applied (the `since` of its
	 * GetState): no other site sends to it on a route it had not
	 * applied yet, it would drop the copies as from an unknown site. */
	uint64_t applied;
	uint64_t last_report_seq;
	pthread_cond_t cond;	/* broadcast when view_version grows */
	bool removed;		/* kept until vnoc_state_free: waiters */
};

struct vnoc_member {
	uint32_t site;
	enum vnoc_role role;
	size_t nsources;
	struct vnoc_addr *sources;	/* sorted */
};

/* One route of one site: maps onto one kernel route. */
struct vnoc_route {
	uint32_t site;		/* the site that installs it */
	uint32_t vpn;
	struct vnoc_addr group;
	bool has_source;
	struct vnoc_addr source;
	uint32_t origin;
	uint32_t parent;	/* site it receives from; 0 at the origin */
	unsigned depth;		/* hops from the origin */
	bool deliver_local;
	unsigned nnexthops;
	uint32_t *nexthops;
	/* The site's view version that first held this route from this
	 * parent (0: computed at start-up, published before it).  Until the
	 * site has applied it, its parent's view leaves it out as a next
	 * hop. */
	uint64_t published;
};

struct vnoc_group {
	uint32_t vpn;
	struct vnoc_addr group;
	size_t nmembers, capmembers;
	struct vnoc_member *members;
	size_t nroutes;
	struct vnoc_route *routes;	/* sorted by site, then key */
	unsigned overflow;		/* receivers placed beyond bounds */
};

/* A route version a site no longer has, kept for a while so the counters
 * an agent read just before the change can still be reported. */
#define VNOC_RETIRED_SECONDS	900
#define VNOC_RETIRED_MAX	65536

struct vnoc_retired {
	struct vnoc_route r;
	int64_t until;		/* CLOCK_MONOTONIC seconds */
};

struct vnoc_mode_rule {
	uint32_t vpn;
	bool has_group;
	struct vnoc_addr group;
	enum vnoc_mode mode;
};

struct vnoc_state {
	uint64_t version;
	struct vnoc_topo_params params;

	size_t nsites, capsites;
	struct vnoc_site **sites;	/* sorted by id */

	size_t npolicies, cappolicies;
	struct vnoc_policy *policies;
	uint32_t next_policy_id;

	size_t ngroups, capgroups;
	struct vnoc_group **groups;	/* sorted by (vpn, group) */

	size_t nmodes, capmodes;
	struct vnoc_mode_rule *modes;

	size_t nrelays;
	struct vnoc_relay *relays;	/* accredited sites */

	size_t nchanged, capchanged;
	uint32_t *changed;		/* sites woken by the last change */

	size_t nretired, capretired;
	struct vnoc_retired *retired;

	/* Removed sites: a long poll may still wait on their condition
	 * variable, so they are freed only with the state. */
	size_t ngraveyard, capgraveyard;
	struct vnoc_site **graveyard;

	bool loading;	/* bulk load: no recomputation until it is cleared */
	bool restoring;	/* routes computed now were published before */
};

/*
 * A site's view: its routes with only the next hops that have applied
 * their own route (vnoc_site.applied), and the peers those name.  The
 * routes are copies whose next-hop arrays the view owns; the peers point
 * into the state (valid until the next change).
 */
struct vnoc_view {
	uint64_t version;
	size_t nroutes;
	struct vnoc_route *routes;
	uint32_t *nexthops;	/* backs routes[].nexthops */
	size_t npeers;
	const struct vnoc_site **peers;
};

void vnoc_state_init(struct vnoc_state *st, const struct vnoc_topo_params *p);
void vnoc_state_free(struct vnoc_state *st);
/* Wakes every long poll (shutdown). */
void vnoc_state_wake_all(struct vnoc_state *st);

struct vnoc_site *vnoc_site_find(struct vnoc_state *st, uint32_t id);
struct vnoc_site *vnoc_site_find_name(struct vnoc_state *st, const char *name);
struct vnoc_group *vnoc_group_find(struct vnoc_state *st, uint32_t vpn,
				   const struct vnoc_addr *group);

/* Validation that does not touch the state: 0 or -errno with *why set. */
int vnoc_site_check(const struct vnoc_state *st, uint32_t id,
		    const char *name, const char *address, const char *key,
		    bool update, const char **why);

/* Mutators: 0 or -errno (-ENOENT, -EEXIST, -EINVAL, -ENOMEM). */
int vnoc_site_add(struct vnoc_state *st, uint32_t id, const char *name,
		  const char *address, uint16_t port, const char *key);
int vnoc_site_update(struct vnoc_state *st, uint32_t id, const char *name,
		     const char *address, uint16_t port, const char *key);
int vnoc_site_remove(struct vnoc_state *st, uint32_t id);
int vnoc_relay_set(struct vnoc_state *st, uint32_t id, bool relay,
		   bool reflector, uint32_t fanout);

int vnoc_policy_add(struct vnoc_state *st, struct vnoc_policy *p);
int vnoc_policy_remove(struct vnoc_state *st, uint32_t id);

int vnoc_mode_set(struct vnoc_state *st, uint32_t vpn,
		  const struct vnoc_addr *group, enum vnoc_mode mode);
int vnoc_mode_clear(struct vnoc_state *st, uint32_t vpn,
		    const struct vnoc_addr *group);
enum vnoc_mode vnoc_mode_of(const struct vnoc_state *st, uint32_t vpn,
			    const struct vnoc_addr *group);

/*
 * Joins: vnoc_join_check() decides without changing anything: 0 permitted
 * (*noop set if the same membership already exists), -EACCES denied by
 * policy (*why), other -errno for bad arguments (*why).  vnoc_join() then
 * records it.
 */
int vnoc_join_check(struct vnoc_state *st, uint32_t site, uint32_t vpn,
		    const struct vnoc_addr *group, enum vnoc_role role,
		    const struct vnoc_addr *sources, size_t nsources,
		    bool *noop, char *why, size_t whylen);
int vnoc_join(struct vnoc_state *st, uint32_t site, uint32_t vpn,
	      const struct vnoc_addr *group, enum vnoc_role role,
	      const struct vnoc_addr *sources, size_t nsources);
/* 1 if it was a member, 0 if not. */
int vnoc_leave(struct vnoc_state *st, uint32_t site, uint32_t vpn,
	       const struct vnoc_addr *group, enum vnoc_role role);

/* Recomputes every group (after loading from the database). */
int vnoc_state_recompute_all(struct vnoc_state *st);

/*
 * Site says (GetState since) it has applied its view of this version.
 * vnoc_applied_wakes(): would recording it change another site's view (a
 * next hop it unblocks)?  vnoc_applied() records it; a mutator like the
 * others when it wakes anyone, else a plain update.
 */
bool vnoc_applied_wakes(struct vnoc_state *st, uint32_t site,
			uint64_t version);
void vnoc_applied(struct vnoc_state *st, uint32_t site, uint64_t version);

/* The view of one site; free with vnoc_view_free(). */
int vnoc_view_get(struct vnoc_state *st, uint32_t site, struct vnoc_view *v);
void vnoc_view_free(struct vnoc_view *v);

/* The route of site with this key, or NULL (for usage validation). */
const struct vnoc_route *vnoc_route_find(struct vnoc_state *st, uint32_t site,
					 uint32_t vpn,
					 const struct vnoc_addr *group,
					 const struct vnoc_addr *source,
					 uint32_t origin);

/*
 * May site report usage for this route and these next hops?  True if the
 * route is in its view now, or was within VNOC_RETIRED_SECONDS, and every
 * next hop is (or was) one of that route's.
 */
bool vnoc_route_reportable(struct vnoc_state *st, uint32_t site, uint32_t vpn,
			   const struct vnoc_addr *group,
			   const struct vnoc_addr *source, uint32_t origin,
			   const uint32_t *nexthops, size_t n);

#endif
