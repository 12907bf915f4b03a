/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sites and routes of one namespace.
 *
 * Readers (the data path) call the lookups under rcu_read_lock() with BH
 * disabled and never take a lock. Writers hold ivgmp_net.lock. Objects are
 * freed after a grace period, so a pointer found under rcu_read_lock() stays
 * valid until rcu_read_unlock(); nothing returned here is refcounted for the
 * reader.
 *
 * A site cannot be deleted while a route names it (as origin or next hop),
 * so a next hop's site pointer is always valid while its array is.
 */
#ifndef _IVGMP_TABLE_H
#define _IVGMP_TABLE_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/rhashtable-types.h>
#include <linux/seqlock.h>
#include <net/dst_cache.h>
#include "config.h"
#include "stats.h"

struct ivgmp_net;
struct netlink_ext_ack;

/* Where a site's tunnel datagrams go. */
struct ivgmp_endpoint {
	u8 family;		/* AF_INET or AF_INET6 */
	__be16 port;		/* network order, resolved (never 0) */
	union ivgmp_addr addr;
};

struct ivgmp_site {
	struct hlist_node id_node;	/* ivgmp_table.site_by_id */
	struct hlist_node addr_node;	/* ivgmp_table.site_by_addr */
	struct list_head list;		/* ivgmp_table.sites, for dumps */
	u32 id;
	/* The endpoint may change (SET_SITE): read it with
	 * ivgmp_site_endpoint(). port 0 = follow the configured port.
	 */
	seqlock_t ep_lock;
	u8 family;
	u16 port;			/* host order as configured, 0 = default */
	union ivgmp_addr addr;
	/* Route references (origin + next hops); writer side only. */
	unsigned int refs;
	struct ivgmp_pcpu_stats __percpu *stats;
	/* For tx.c: reset whenever the endpoint changes. */
	struct dst_cache dst_cache;
	struct rcu_head rcu;
};

struct ivgmp_nexthop {
	struct ivgmp_site *site;
	struct ivgmp_pcpu_tx __percpu *stats;
	bool kept;		/* writer only: moved to a newer array */
};

/* Replaced as a whole; readers see the old or the new list, never a mix. */
struct ivgmp_nexthops {
	struct rcu_head rcu;
	unsigned int count;
	struct ivgmp_nexthop nh[];
};

/* Zero-filled before use: it is hashed and compared as bytes. */
struct ivgmp_route_key {
	u32 vpn;
	u32 origin;
	u32 family;		/* AF_INET or AF_INET6 */
	union ivgmp_addr group;
	union ivgmp_addr source;	/* all zero: (*,G) */
};

struct ivgmp_route {
	struct rhash_head node;
	struct ivgmp_route_key key;
	u32 flags;		/* IVGMP_ROUTE_F_*, read with READ_ONCE */
	struct ivgmp_nexthops __rcu *nexthops;	/* NULL: none */
	struct ivgmp_site *origin_site;	/* NULL: local origin, not a site */
	struct ivgmp_pcpu_stats __percpu *stats;
	struct list_head list;	/* ivgmp_table.routes, for dumps */
	struct rcu_head rcu;
};

#define IVGMP_SITE_HASH_BITS	10

struct ivgmp_table {
	struct hlist_head site_by_id[1 << IVGMP_SITE_HASH_BITS];
	struct hlist_head site_by_addr[1 << IVGMP_SITE_HASH_BITS];
	struct list_head sites;
	unsigned int n_sites;
	struct rhashtable routes;
	struct list_head route_list;
	unsigned int n_routes;
	/* Bumped on every change; dumps use it for NLM_F_DUMP_INTR. */
	unsigned int gen;
};

/* ---- Data path (rcu_read_lock held) ---- */

struct ivgmp_site *ivgmp_site_lookup(struct ivgmp_net *in, u32 id);
/* Who sent a tunnel datagram: the site with this WAN address, if any. */
struct ivgmp_site *ivgmp_site_lookup_addr(struct ivgmp_net *in, u8 family,
					  const union ivgmp_addr *addr);
struct ivgmp_site *ivgmp_site_lookup_addr4(struct ivgmp_net *in, __be32 a);
struct ivgmp_site *ivgmp_site_lookup_addr6(struct ivgmp_net *in,
					   const struct in6_addr *a);

/* Consistent copy of a site's endpoint; a port of 0 resolves to @cfg's. */
void ivgmp_site_endpoint(struct ivgmp_site *site,
			 const struct ivgmp_config *cfg,
			 struct ivgmp_endpoint *ep);

/*
 * Route for (vpn, group, source, origin): the (S,G) route if there is one,
 * else the (*,G) route, else NULL. Two hash lookups, O(1).
 */
struct ivgmp_route *ivgmp_route_lookup4(struct ivgmp_net *in, u32 vpn,
					__be32 group, __be32 source,
					u32 origin);
struct ivgmp_route *ivgmp_route_lookup6(struct ivgmp_net *in, u32 vpn,
					const struct in6_addr *group,
					const struct in6_addr *source,
					u32 origin);

static inline bool ivgmp_route_deliver_local(const struct ivgmp_route *r)
{
	return READ_ONCE(r->flags) & IVGMP_ROUTE_F_DELIVER_LOCAL;
}

/* May be NULL (no next hops). */
static inline struct ivgmp_nexthops *
ivgmp_route_nexthops(const struct ivgmp_route *r)
{
	return rcu_dereference(r->nexthops);
}

/* ---- Control path (ivgmp_net.lock held) ---- */

struct ivgmp_site_spec {
	u32 id;
	u8 family;
	u16 port;		/* 0: the configured port */
	union ivgmp_addr addr;
};

struct ivgmp_route_spec {
	struct ivgmp_route_key key;
	u32 flags;
	unsigned int n_nexthops;
	u32 *nexthops;		/* site ids */
	/* For extack only, may be NULL: the attributes the ids came from. */
	const struct nlattr *origin_attr;
	struct nlattr **nh_attrs;
};

/*
 * Add a site or a route. One that exists already is -EEXIST, unless
 * @replace: then it takes the new address and port (a site) or flags and
 * next hops (a route), and keeps its counters.
 */
int ivgmp_site_add(struct ivgmp_net *in, const struct ivgmp_site_spec *spec,
		   bool replace, struct netlink_ext_ack *extack);
int ivgmp_site_del(struct ivgmp_net *in, u32 id,
		   struct netlink_ext_ack *extack);
/*
 * Final counters: with @replaced (route_add) or @taken (route_del) not
 * NULL, the next hops a replacement took off, or the deleted route, are
 * handed to the caller instead of being freed after a grace period. Once
 * synchronize_rcu() has returned no reader counts into them any more: read
 * them, then free them with ivgmp_nexthops_release() or
 * ivgmp_route_release(), all under ivgmp_net.lock (the sites they point
 * to stay until it is dropped). *replaced is NULL if nothing was replaced;
 * entries of it marked kept still count for the route.
 */
int ivgmp_route_add(struct ivgmp_net *in, const struct ivgmp_route_spec *spec,
		    bool replace, struct ivgmp_nexthops **replaced,
		    struct netlink_ext_ack *extack);
int ivgmp_route_del(struct ivgmp_net *in, const struct ivgmp_route_key *key,
		    struct ivgmp_route **taken, struct netlink_ext_ack *extack);
void ivgmp_nexthops_release(struct ivgmp_nexthops *nhs);
void ivgmp_route_release(struct ivgmp_route *r);
/* Exact-key lookup (no (*,G) fallback), for GET_ROUTE doit; under lock. */
struct ivgmp_route *ivgmp_route_find(struct ivgmp_net *in,
				     const struct ivgmp_route_key *key);
void ivgmp_table_flush(struct ivgmp_net *in, u32 what);

int ivgmp_table_init(struct ivgmp_net *in);
/* Empties the tables; objects are freed after a grace period. */
void ivgmp_table_exit(struct ivgmp_net *in);

#endif /* _IVGMP_TABLE_H */
