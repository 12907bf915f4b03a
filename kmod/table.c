// SPDX-License-Identifier: GPL-2.0
/*
 * Sites and routes: RCU readers, writers under ivgmp_net.lock.
 *
 * Sites live in two fixed hash tables (by id, by WAN address) with
 * 1024 buckets each, O(1) at the 1k sites the design targets. Routes live
 * in an rhashtable keyed by the whole struct ivgmp_route_key, which grows
 * with the table, so both the (S,G) and the (*,G) probe are O(1).
 */

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include "ivgmp.h"

static const struct rhashtable_params ivgmp_route_params = {
	.key_len = sizeof(struct ivgmp_route_key),
	.key_offset = offsetof(struct ivgmp_route, key),
	.head_offset = offsetof(struct ivgmp_route, node),
	.automatic_shrinking = true,
};

static u32 ivgmp_site_id_hash(u32 id)
{
	return hash_32(id, IVGMP_SITE_HASH_BITS);
}

static u32 ivgmp_site_addr_hash(u8 family, const union ivgmp_addr *addr)
{
	return jhash2((const u32 *)addr, sizeof(*addr) / sizeof(u32), family) &
	       ((1U << IVGMP_SITE_HASH_BITS) - 1);
}

/* ---- Data path ---- */

struct ivgmp_site *ivgmp_site_lookup(struct ivgmp_net *in, u32 id)
{
	struct hlist_head *head;
	struct ivgmp_site *site;

	head = &in->table.site_by_id[ivgmp_site_id_hash(id)];
	hlist_for_each_entry_rcu(site, head, id_node,
				 lockdep_is_held(&in->lock)) {
		if (site->id == id)
			return site;
	}
	return NULL;
}

/*
 * The address fields are only rewritten under the seqlock and only by a
 * replace that also rehashes the node, so a racing reader may miss a site
 * whose address is being changed; it never sees a wrong one.
 */
struct ivgmp_site *ivgmp_site_lookup_addr(struct ivgmp_net *in, u8 family,
					  const union ivgmp_addr *addr)
{
	struct hlist_head *head;
	struct ivgmp_site *site;

	head = &in->table.site_by_addr[ivgmp_site_addr_hash(family, addr)];
	hlist_for_each_entry_rcu(site, head, addr_node,
				 lockdep_is_held(&in->lock)) {
		unsigned int seq;
		bool match;

		do {
			seq = read_seqbegin(&site->ep_lock);
			match = site->family == family &&
				!memcmp(&site->addr, addr, sizeof(*addr));
		} while (read_seqretry(&site->ep_lock, seq));
		if (match)
			return site;
	}
	return NULL;
}

struct ivgmp_site *ivgmp_site_lookup_addr4(struct ivgmp_net *in, __be32 a)
{
	union ivgmp_addr addr = {};

	addr.v4 = a;
	return ivgmp_site_lookup_addr(in, AF_INET, &addr);
}

struct ivgmp_site *ivgmp_site_lookup_addr6(struct ivgmp_net *in,
					   const struct in6_addr *a)
{
	union ivgmp_addr addr;

	addr.v6 = *a;
	return ivgmp_site_lookup_addr(in, AF_INET6, &addr);
}

void ivgmp_site_endpoint(struct ivgmp_site *site,
			 const struct ivgmp_config *cfg,
			 struct ivgmp_endpoint *ep)
{
	unsigned int seq;
	u16 port;

	do {
		seq = read_seqbegin(&site->ep_lock);
		ep->family = site->family;
		port = site->port;
		ep->addr = site->addr;
	} while (read_seqretry(&site->ep_lock, seq));
	ep->port = htons(port ? port : cfg->port);
}

static struct ivgmp_route *ivgmp_route_get(struct ivgmp_net *in,
					   const struct ivgmp_route_key *key)
{
	return rhashtable_lookup(&in->table.routes, key, ivgmp_route_params);
}

/*
 * Writers hold ivgmp_net.lock, which keeps routes alive but not the
 * rhashtable's bucket arrays: a resize in the background frees those after
 * a grace period, so writers look up under rcu_read_lock() too.
 */
static struct ivgmp_route *
ivgmp_route_get_locked(struct ivgmp_net *in, const struct ivgmp_route_key *key)
{
	return rhashtable_lookup_fast(&in->table.routes, key,
				      ivgmp_route_params);
}

struct ivgmp_route *ivgmp_route_lookup4(struct ivgmp_net *in, u32 vpn,
					__be32 group, __be32 source,
					u32 origin)
{
	struct ivgmp_route_key key;
	struct ivgmp_route *r;

	memset(&key, 0, sizeof(key));
	key.vpn = vpn;
	key.origin = origin;
	key.family = AF_INET;
	key.group.v4 = group;
	key.source.v4 = source;
	r = ivgmp_route_get(in, &key);
	if (r || !source)
		return r;
	key.source.v4 = 0;
	return ivgmp_route_get(in, &key);
}

struct ivgmp_route *ivgmp_route_lookup6(struct ivgmp_net *in, u32 vpn,
					const struct in6_addr *group,
					const struct in6_addr *source,
					u32 origin)
{
	struct ivgmp_route_key key;
	struct ivgmp_route *r;

	memset(&key, 0, sizeof(key));
	key.vpn = vpn;
	key.origin = origin;
	key.family = AF_INET6;
	key.group.v6 = *group;
	if (source)
		key.source.v6 = *source;
	r = ivgmp_route_get(in, &key);
	if (r || ipv6_addr_any(&key.source.v6))
		return r;
	memset(&key.source, 0, sizeof(key.source));
	return ivgmp_route_get(in, &key);
}

struct ivgmp_route *ivgmp_route_find(struct ivgmp_net *in,
				     const struct ivgmp_route_key *key)
{
	return ivgmp_route_get_locked(in, key);
}

/* ---- Sites ---- */

static void ivgmp_site_free_rcu(struct rcu_head *head)
{
	struct ivgmp_site *site = container_of(head, struct ivgmp_site, rcu);

	dst_cache_destroy(&site->dst_cache);
	free_percpu(site->stats);
	kfree(site);
}

static void ivgmp_site_unlink(struct ivgmp_net *in, struct ivgmp_site *site)
{
	hlist_del_rcu(&site->id_node);
	hlist_del_rcu(&site->addr_node);
	list_del(&site->list);
	in->table.n_sites--;
	in->table.gen++;
	call_rcu(&site->rcu, ivgmp_site_free_rcu);
}

int ivgmp_site_add(struct ivgmp_net *in, const struct ivgmp_site_spec *spec,
		   bool replace, struct netlink_ext_ack *extack)
{
	struct ivgmp_site *site, *other;
	union ivgmp_addr addr = {};
	int err;

	lockdep_assert_held(&in->lock);
	if (!spec->id) {
		NL_SET_ERR_MSG(extack, "site id 0 is reserved");
		return -EINVAL;
	}
	if (spec->family != AF_INET && spec->family != AF_INET6) {
		NL_SET_ERR_MSG(extack, "site address must be IPv4 or IPv6");
		return -EAFNOSUPPORT;
	}
	if (spec->family == AF_INET)
		addr.v4 = spec->addr.v4;
	else
		addr.v6 = spec->addr.v6;

	site = ivgmp_site_lookup(in, spec->id);
	other = ivgmp_site_lookup_addr(in, spec->family, &addr);
	if (other && other != site) {
		/* The relay names a datagram's sender by its address. */
		NL_SET_ERR_MSG(extack, "WAN address already used by another site");
		return -EEXIST;
	}
	if (site) {
		if (!replace) {
			NL_SET_ERR_MSG(extack, "site exists");
			return -EEXIST;
		}
		write_seqlock_bh(&site->ep_lock);
		site->family = spec->family;
		site->port = spec->port;
		site->addr = addr;
		write_sequnlock_bh(&site->ep_lock);
		if (!other) {
			u32 h = ivgmp_site_addr_hash(spec->family, &addr);

			hlist_del_rcu(&site->addr_node);
			hlist_add_head_rcu(&site->addr_node,
					   &in->table.site_by_addr[h]);
		}
		dst_cache_reset(&site->dst_cache);
		in->table.gen++;
		return 0;
	}
	site = kzalloc(sizeof(*site), GFP_KERNEL);
	if (!site)
		return -ENOMEM;
	site->stats = alloc_percpu(struct ivgmp_pcpu_stats);
	if (!site->stats) {
		err = -ENOMEM;
		goto free_site;
	}
	err = dst_cache_init(&site->dst_cache, GFP_KERNEL);
	if (err)
		goto free_stats;
	seqlock_init(&site->ep_lock);
	site->id = spec->id;
	site->family = spec->family;
	site->port = spec->port;
	site->addr = addr;
	hlist_add_head_rcu(&site->id_node,
			   &in->table.site_by_id[ivgmp_site_id_hash(site->id)]);
	hlist_add_head_rcu(&site->addr_node,
			   &in->table.site_by_addr[ivgmp_site_addr_hash(site->family, &addr)]);
	list_add_tail(&site->list, &in->table.sites);
	in->table.n_sites++;
	in->table.gen++;
	return 0;

free_stats:
	free_percpu(site->stats);
free_site:
	kfree(site);
	return err;
}

int ivgmp_site_del(struct ivgmp_net *in, u32 id,
		   struct netlink_ext_ack *extack)
{
	struct ivgmp_site *site;

	lockdep_assert_held(&in->lock);
	site = ivgmp_site_lookup(in, id);
	if (!site) {
		NL_SET_ERR_MSG(extack, "no such site");
		return -ENOENT;
	}
	if (site->refs) {
		NL_SET_ERR_MSG(extack, "site is used by a route");
		return -EBUSY;
	}
	ivgmp_site_unlink(in, site);
	return 0;
}

/* ---- Routes ---- */

static void ivgmp_nexthops_free(struct ivgmp_nexthops *nhs)
{
	unsigned int i;

	if (!nhs)
		return;
	for (i = 0; i < nhs->count; i++)
		if (!nhs->nh[i].kept)
			free_percpu(nhs->nh[i].stats);
	kfree(nhs);
}

static void ivgmp_nexthops_free_rcu(struct rcu_head *head)
{
	ivgmp_nexthops_free(container_of(head, struct ivgmp_nexthops, rcu));
}

void ivgmp_nexthops_release(struct ivgmp_nexthops *nhs)
{
	ivgmp_nexthops_free(nhs);
}

void ivgmp_route_release(struct ivgmp_route *r)
{
	ivgmp_nexthops_free(rcu_dereference_protected(r->nexthops, true));
	free_percpu(r->stats);
	kfree(r);
}

static void ivgmp_route_free_rcu(struct rcu_head *head)
{
	ivgmp_route_release(container_of(head, struct ivgmp_route, rcu));
}

static int ivgmp_nexthops_find(const struct ivgmp_nexthops *nhs,
			       const struct ivgmp_site *site)
{
	unsigned int i;

	for (i = 0; nhs && i < nhs->count; i++)
		if (nhs->nh[i].site == site)
			return i;
	return -1;
}

static void ivgmp_nexthops_ref(struct ivgmp_nexthops *nhs, int delta)
{
	unsigned int i;

	for (i = 0; nhs && i < nhs->count; i++)
		nhs->nh[i].site->refs += delta;
}

static const struct nlattr *
ivgmp_nh_attr(const struct ivgmp_route_spec *spec, unsigned int i)
{
	return spec->nh_attrs ? spec->nh_attrs[i] : NULL;
}

#define IVGMP_NH_ERR(extack, spec, i, msg)				\
	NL_SET_ERR_MSG_ATTR(extack, ivgmp_nh_attr(spec, i), msg)

/*
 * Check the next hops and build their array. Counters of sites already in
 * @old are shared, not copied, so readers of either array count into the
 * same place; ivgmp_nexthops_commit() marks them kept in @old.
 */
static int ivgmp_nexthops_build(struct ivgmp_net *in,
				const struct ivgmp_route_spec *spec,
				const struct ivgmp_nexthops *old,
				struct ivgmp_nexthops **out,
				struct netlink_ext_ack *extack)
{
	const struct ivgmp_config *cfg = ivgmp_config_locked(in);
	unsigned int n = spec->n_nexthops, i, j;
	struct ivgmp_nexthops *nhs;
	int err = 0;

	*out = NULL;
	if (n > IVGMP_MAX_NEXTHOPS) {
		NL_SET_ERR_MSG(extack, "too many next hops (at most "
			       __stringify(IVGMP_MAX_NEXTHOPS) ")");
		return -E2BIG;
	}
	for (i = 0; i < n; i++) {
		u32 id = spec->nexthops[i];

		if (id == spec->key.origin) {
			IVGMP_NH_ERR(extack, spec, i,
				     "next hop is the route's origin");
			return -EINVAL;
		}
		if (cfg->site_id && id == cfg->site_id) {
			IVGMP_NH_ERR(extack, spec, i,
				     "next hop is the local site");
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (spec->nexthops[j] == id) {
				IVGMP_NH_ERR(extack, spec, i,
					     "duplicate next hop");
				return -EINVAL;
			}
		}
		if (!ivgmp_site_lookup(in, id)) {
			IVGMP_NH_ERR(extack, spec, i, "unknown next-hop site");
			return -ENOENT;
		}
	}
	if (!n)
		return 0;

	nhs = kzalloc(struct_size(nhs, nh, n), GFP_KERNEL);
	if (!nhs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct ivgmp_site *site = ivgmp_site_lookup(in,
							    spec->nexthops[i]);
		int k = ivgmp_nexthops_find(old, site);

		nhs->nh[i].site = site;
		if (k >= 0) {
			nhs->nh[i].stats = old->nh[k].stats;
			continue;
		}
		nhs->nh[i].stats = alloc_percpu(struct ivgmp_pcpu_tx);
		if (!nhs->nh[i].stats) {
			err = -ENOMEM;
			break;
		}
	}
	nhs->count = i;
	if (err) {
		for (i = 0; i < nhs->count; i++)
			if (ivgmp_nexthops_find(old, nhs->nh[i].site) < 0)
				free_percpu(nhs->nh[i].stats);
		kfree(nhs);
		return err;
	}
	*out = nhs;
	return 0;
}

static void ivgmp_nexthops_commit(struct ivgmp_nexthops *old,
				  struct ivgmp_nexthops *new)
{
	unsigned int i;
	int k;

	for (i = 0; new && i < new->count; i++) {
		k = ivgmp_nexthops_find(old, new->nh[i].site);
		if (k >= 0)
			old->nh[k].kept = true;
	}
}

static bool ivgmp_route_key_valid(const struct ivgmp_route_key *key,
				  struct netlink_ext_ack *extack)
{
	if (key->family != AF_INET && key->family != AF_INET6) {
		NL_SET_ERR_MSG(extack, "route family must be IPv4 or IPv6");
		return false;
	}
	if (!key->origin) {
		NL_SET_ERR_MSG(extack, "origin site id 0 is reserved");
		return false;
	}
	return true;
}

int ivgmp_route_add(struct ivgmp_net *in, const struct ivgmp_route_spec *spec,
		    bool replace, struct ivgmp_nexthops **replaced,
		    struct netlink_ext_ack *extack)
{
	const struct ivgmp_config *cfg = ivgmp_config_locked(in);
	struct ivgmp_nexthops *old, *nhs;
	struct ivgmp_site *origin_site;
	struct ivgmp_route *r;
	int err;

	lockdep_assert_held(&in->lock);
	if (replaced)
		*replaced = NULL;
	if (!ivgmp_route_key_valid(&spec->key, extack))
		return -EINVAL;
	if (spec->flags & ~__IVGMP_ROUTE_F_ALL) {
		NL_SET_ERR_MSG(extack, "unknown route flags");
		return -EINVAL;
	}
	origin_site = ivgmp_site_lookup(in, spec->key.origin);
	if (!origin_site && spec->key.origin != cfg->site_id) {
		NL_SET_ERR_MSG_ATTR(extack, spec->origin_attr,
				    "origin is neither the local site nor a known site");
		return -ENOENT;
	}

	r = ivgmp_route_get_locked(in, &spec->key);
	if (r) {
		if (!replace) {
			NL_SET_ERR_MSG(extack, "route exists");
			return -EEXIST;
		}
		old = rcu_dereference_protected(r->nexthops,
						lockdep_is_held(&in->lock));
		err = ivgmp_nexthops_build(in, spec, old, &nhs, extack);
		if (err)
			return err;
		ivgmp_nexthops_commit(old, nhs);
		ivgmp_nexthops_ref(nhs, 1);
		ivgmp_nexthops_ref(old, -1);
		WRITE_ONCE(r->flags, spec->flags);
		rcu_assign_pointer(r->nexthops, nhs);
		if (replaced)
			*replaced = old;
		else if (old)
			call_rcu(&old->rcu, ivgmp_nexthops_free_rcu);
		in->table.gen++;
		return 0;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->stats = alloc_percpu(struct ivgmp_pcpu_stats);
	if (!r->stats) {
		err = -ENOMEM;
		goto free_route;
	}
	err = ivgmp_nexthops_build(in, spec, NULL, &nhs, extack);
	if (err)
		goto free_stats;
	r->key = spec->key;
	r->flags = spec->flags;
	r->origin_site = origin_site;
	RCU_INIT_POINTER(r->nexthops, nhs);
	err = rhashtable_insert_fast(&in->table.routes, &r->node,
				     ivgmp_route_params);
	if (err)
		goto free_nexthops;
	ivgmp_nexthops_ref(nhs, 1);
	if (origin_site)
		origin_site->refs++;
	list_add_tail(&r->list, &in->table.route_list);
	in->table.n_routes++;
	in->table.gen++;
	return 0;

free_nexthops:
	ivgmp_nexthops_free(nhs);
free_stats:
	free_percpu(r->stats);
free_route:
	kfree(r);
	return err;
}

/* Out of the table; readers may still hold it until a grace period ends. */
static void ivgmp_route_unhash(struct ivgmp_net *in, struct ivgmp_route *r)
{
	struct ivgmp_nexthops *nhs;

	rhashtable_remove_fast(&in->table.routes, &r->node, ivgmp_route_params);
	nhs = rcu_dereference_protected(r->nexthops, lockdep_is_held(&in->lock));
	ivgmp_nexthops_ref(nhs, -1);
	if (r->origin_site)
		r->origin_site->refs--;
	list_del(&r->list);
	in->table.n_routes--;
	in->table.gen++;
}

static void ivgmp_route_unlink(struct ivgmp_net *in, struct ivgmp_route *r)
{
	ivgmp_route_unhash(in, r);
	call_rcu(&r->rcu, ivgmp_route_free_rcu);
}

int ivgmp_route_del(struct ivgmp_net *in, const struct ivgmp_route_key *key,
		    struct ivgmp_route **taken, struct netlink_ext_ack *extack)
{
	struct ivgmp_route *r;

	lockdep_assert_held(&in->lock);
	r = ivgmp_route_get_locked(in, key);
	if (!r) {
		NL_SET_ERR_MSG(extack, "no such route");
		return -ENOENT;
	}
	if (taken) {
		ivgmp_route_unhash(in, r);
		*taken = r;
	} else {
		ivgmp_route_unlink(in, r);
	}
	return 0;
}

void ivgmp_table_flush(struct ivgmp_net *in, u32 what)
{
	struct ivgmp_route *r, *rtmp;
	struct ivgmp_site *s, *stmp;

	lockdep_assert_held(&in->lock);
	if (!what)
		what = __IVGMP_FLUSH_ALL;
	if (what & (IVGMP_FLUSH_ROUTES | IVGMP_FLUSH_SITES)) {
		list_for_each_entry_safe(r, rtmp, &in->table.route_list, list) {
			ivgmp_route_unlink(in, r);
			cond_resched();
		}
	}
	if (what & IVGMP_FLUSH_SITES) {
		list_for_each_entry_safe(s, stmp, &in->table.sites, list)
			ivgmp_site_unlink(in, s);
	}
}

int ivgmp_table_init(struct ivgmp_net *in)
{
	struct ivgmp_table *t = &in->table;
	int err;

	hash_init(t->site_by_id);
	hash_init(t->site_by_addr);
	INIT_LIST_HEAD(&t->sites);
	INIT_LIST_HEAD(&t->route_list);
	t->n_sites = 0;
	t->n_routes = 0;
	/* Dumps treat a zero sequence as "not set". */
	t->gen = 1;
	err = rhashtable_init(&t->routes, &ivgmp_route_params);
	return err;
}

void ivgmp_table_exit(struct ivgmp_net *in)
{
	mutex_lock(&in->lock);
	ivgmp_table_flush(in, __IVGMP_FLUSH_ALL);
	mutex_unlock(&in->lock);
	rhashtable_destroy(&in->table.routes);
}
