// SPDX-License-Identifier: GPL-2.0
/* state.c - sites, policies, memberships and per-site views of the VNOC. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "state.h"

#define GROW(arr, n, cap) grow((void **)&(arr), &(cap), (n) + 1, sizeof(*(arr)))

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static void mark_changed(struct vnoc_state *st, uint32_t site)
{
	struct vnoc_site *s = vnoc_site_find(st, site);
	size_t i;

	if (!s || s->view_version == st->version + 1)
		return;
	for (i = 0; i < st->nchanged; i++)
		if (st->changed[i] == site)
			return;
	if (GROW(st->changed, st->nchanged, st->capchanged))
		return;	/* the version still moves: only the wake-up is lost */
	st->changed[st->nchanged++] = site;
	s->view_version = st->version + 1;
}

/* Starts a change: forgets who was woken by the previous one. */
static void change_begin(struct vnoc_state *st)
{
	st->nchanged = 0;
}

static void change_end(struct vnoc_state *st)
{
	if (st->nchanged)
		st->version++;
}

void vnoc_state_init(struct vnoc_state *st, const struct vnoc_topo_params *p)
{
	memset(st, 0, sizeof(*st));
	st->params = *p;
	st->next_policy_id = 1;
}

static void routes_free(struct vnoc_route *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(r[i].nexthops);
	free(r);
}

static void group_free(struct vnoc_group *g)
{
	size_t i;

	for (i = 0; i < g->nmembers; i++)
		free(g->members[i].sources);
	free(g->members);
	routes_free(g->routes, g->nroutes);
	free(g);
}

static void site_free(struct vnoc_site *s)
{
	pthread_cond_destroy(&s->cond);
	free(s->name);
	free(s->address);
	free(s->key);
	free(s);
}

void vnoc_state_free(struct vnoc_state *st)
{
	size_t i;

	for (i = 0; i < st->nsites; i++)
		site_free(st->sites[i]);
	for (i = 0; i < st->ngraveyard; i++)
		site_free(st->graveyard[i]);
	for (i = 0; i < st->nretired; i++)
		free(st->retired[i].r.nexthops);
	free(st->retired);
	free(st->graveyard);
	for (i = 0; i < st->ngroups; i++)
		group_free(st->groups[i]);
	free(st->sites);
	free(st->groups);
	free(st->policies);
	free(st->modes);
	free(st->relays);
	free(st->changed);
	memset(st, 0, sizeof(*st));
}

void vnoc_state_wake_all(struct vnoc_state *st)
{
	size_t i;

	for (i = 0; i < st->nsites; i++)
		pthread_cond_broadcast(&st->sites[i]->cond);
}

/* Index of the first site with id >= id. */
static size_t site_pos(const struct vnoc_state *st, uint32_t id)
{
	size_t lo = 0, hi = st->nsites;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (st->sites[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vnoc_site *vnoc_site_find(struct vnoc_state *st, uint32_t id)
{
	size_t i = site_pos(st, id);

	return i < st->nsites && st->sites[i]->id == id ? st->sites[i] : NULL;
}

struct vnoc_site *vnoc_site_find_name(struct vnoc_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nsites; i++)
		if (!strcmp(st->sites[i]->name, name))
			return st->sites[i];
	return NULL;
}

static int group_cmp_key(const struct vnoc_group *g, uint32_t vpn,
			 const struct vnoc_addr *group)
{
	if (g->vpn != vpn)
		return g->vpn < vpn ? -1 : 1;
	return vnoc_addr_cmp(&g->group, group);
}

static size_t group_pos(const struct vnoc_state *st, uint32_t vpn,
			const struct vnoc_addr *group)
{
	size_t lo = 0, hi = st->ngroups;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (group_cmp_key(st->groups[mid], vpn, group) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vnoc_group *vnoc_group_find(struct vnoc_state *st, uint32_t vpn,
				   const struct vnoc_addr *group)
{
	size_t i = group_pos(st, vpn, group);

	if (i < st->ngroups && !group_cmp_key(st->groups[i], vpn, group))
		return st->groups[i];
	return NULL;
}

/* ---- routes ------------------------------------------------------------ */

static int route_key_cmp(const struct vnoc_route *a, const struct vnoc_route *b)
{
	int c;

	if (a->site != b->site)
		return a->site < b->site ? -1 : 1;
	if (a->vpn != b->vpn)
		return a->vpn < b->vpn ? -1 : 1;
	c = vnoc_addr_cmp(&a->group, &b->group);
	if (c)
		return c;
	if (a->has_source != b->has_source)
		return a->has_source ? 1 : -1;
	if (a->has_source) {
		c = vnoc_addr_cmp(&a->source, &b->source);
		if (c)
			return c;
	}
	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	return 0;
}

static int route_qsort_cmp(const void *a, const void *b)
{
	return route_key_cmp(a, b);
}

static bool route_same(const struct vnoc_route *a, const struct vnoc_route *b)
{
	return !route_key_cmp(a, b) && a->parent == b->parent &&
	       a->deliver_local == b->deliver_local &&
	       a->nnexthops == b->nnexthops &&
	       (!a->nnexthops || !memcmp(a->nexthops, b->nexthops,
					 a->nnexthops * sizeof(*a->nexthops)));
}

/*
 * Is next hop y of r ready: has y applied its own route of the same key
 * (in the same sorted list as r)?  A next hop with no such route (not
 * computed by the topology) does not wait.
 */
static bool nexthop_ready(struct vnoc_state *st, const struct vnoc_route *list,
			  size_t n, const struct vnoc_route *r, uint32_t y)
{
	struct vnoc_route key = *r;
	const struct vnoc_route *yr;
	const struct vnoc_site *ys;

	key.site = y;
	yr = n ? bsearch(&key, list, n, sizeof(*list), route_qsort_cmp) : NULL;
	if (!yr || !yr->published)
		return true;
	ys = vnoc_site_find(st, y);
	return !ys || yr->published <= ys->applied;
}

/* Next hops of r as its site's view shows them; returns how many. */
static unsigned published_nexthops(struct vnoc_state *st,
				   const struct vnoc_route *list, size_t n,
				   const struct vnoc_route *r, uint32_t *out)
{
	unsigned i, k = 0;

	for (i = 0; i < r->nnexthops; i++)
		if (nexthop_ready(st, list, n, r, r->nexthops[i]))
			out[k++] = r->nexthops[i];
	return k;
}

/* Do two versions of a route look the same in their site's view? */
static bool route_same_published(struct vnoc_state *st,
				 const struct vnoc_route *a,
				 const struct vnoc_route *la, size_t na,
				 const struct vnoc_route *b,
				 const struct vnoc_route *lb, size_t nb)
{
	unsigned i, j;

	if (route_key_cmp(a, b) || a->parent != b->parent ||
	    a->deliver_local != b->deliver_local)
		return false;
	for (i = j = 0;; i++, j++) {
		while (i < a->nnexthops &&
		       !nexthop_ready(st, la, na, a, a->nexthops[i]))
			i++;
		while (j < b->nnexthops &&
		       !nexthop_ready(st, lb, nb, b, b->nexthops[j]))
			j++;
		if (i == a->nnexthops || j == b->nnexthops)
			return i == a->nnexthops && j == b->nnexthops;
		if (a->nexthops[i] != b->nexthops[j])
			return false;
	}
}

/* Marks every site whose view differs between two sorted route lists. */
static void diff_routes(struct vnoc_state *st,
			const struct vnoc_route *a, size_t na,
			const struct vnoc_route *b, size_t nb)
{
	size_t i = 0, j = 0;

	while (i < na || j < nb) {
		uint32_t site;
		size_t ie, je;
		bool same = true;

		if (j == nb || (i < na && a[i].site < b[j].site))
			site = a[i].site;
		else
			site = b[j].site;
		for (ie = i; ie < na && a[ie].site == site; ie++)
			;
		for (je = j; je < nb && b[je].site == site; je++)
			;
		if (ie - i != je - j) {
			same = false;
		} else {
			size_t k;

			for (k = 0; k < ie - i && same; k++)
				same = route_same_published(st, &a[i + k], a,
							    na, &b[j + k], b,
							    nb);
		}
		if (!same)
			mark_changed(st, site);
		i = ie;
		j = je;
	}
}

struct route_buf {
	size_t n, cap;
	struct vnoc_route *r;
};

static int add_topo(struct route_buf *rb, const struct vnoc_group *g,
		    const struct vnoc_addr *source, uint32_t origin,
		    struct vnoc_topo *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		struct vnoc_topo_entry *e = &t->e[i];
		struct vnoc_route *r;

		if (GROW(rb->r, rb->n, rb->cap))
			return -ENOMEM;
		r = &rb->r[rb->n++];
		memset(r, 0, sizeof(*r));
		r->site = e->site;
		r->vpn = g->vpn;
		r->group = g->group;
		if (source) {
			r->has_source = true;
			r->source = *source;
		}
		r->origin = origin;
		r->parent = e->parent;
		r->depth = e->depth;
		r->deliver_local = e->deliver_local;
		r->nnexthops = e->nnexthops;
		r->nexthops = e->nexthops;	/* moved */
		e->nexthops = NULL;
		e->nnexthops = 0;
	}
	return 0;
}

static bool has_source(const struct vnoc_member *m, const struct vnoc_addr *s)
{
	size_t i;

	for (i = 0; i < m->nsources; i++)
		if (!vnoc_addr_cmp(&m->sources[i], s))
			return true;
	return false;
}

static uint32_t group_seed(const struct vnoc_group *g)
{
	uint32_t h = 2166136261u ^ g->vpn;
	size_t i;

	for (i = 0; i < sizeof(g->group.bytes); i++)
		h = (h ^ g->group.bytes[i]) * 16777619u;
	return h;
}

static bool member_permitted(const struct vnoc_state *st,
			     const struct vnoc_group *g,
			     const struct vnoc_member *m)
{
	return vnoc_policy_permits(st->policies, st->npolicies, m->site,
				   g->vpn, &g->group, m->role);
}

/* Where each site was in the current routes of (origin, source) of g:
 * hints that keep the next computation close to this one. */
static int make_hints(const struct vnoc_group *g, uint32_t origin,
		      const struct vnoc_addr *source,
		      struct vnoc_topo_hint **out, size_t *n)
{
	size_t i;

	*n = 0;
	free(*out);
	*out = calloc(g->nroutes + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	/* g->routes is sorted by site first: the hints come out sorted. */
	for (i = 0; i < g->nroutes; i++) {
		const struct vnoc_route *r = &g->routes[i];

		if (r->origin != origin || r->site == origin ||
		    r->has_source != !!source ||
		    (source && vnoc_addr_cmp(&r->source, source)))
			continue;
		(*out)[(*n)++] = (struct vnoc_topo_hint){
			.site = r->site, .parent = r->parent, .depth = r->depth,
		};
	}
	return 0;
}

/*
 * An edge router learns a local source only when it has no route for the
 * group yet, so a sender site reports the sources it saw first, not all of
 * them. An SSM receiver whose sources no sender reported may still be
 * asking for one of theirs: it is carried on the (*,G) trees, and its own
 * host's source filter keeps the rest out.
 */
static bool source_reported(const struct vnoc_state *st,
			    const struct vnoc_group *g,
			    const struct vnoc_member *m)
{
	size_t i, j;

	for (i = 0; i < g->nmembers; i++) {
		const struct vnoc_member *s = &g->members[i];

		if (s->role != VNOC_ROLE_SENDER || !member_permitted(st, g, s))
			continue;
		for (j = 0; j < s->nsources; j++)
			if (has_source(m, &s->sources[j]))
				return true;
	}
	return false;
}

static int compute_group(struct vnoc_state *st, struct vnoc_group *g,
			 struct route_buf *rb)
{
	struct vnoc_topo_params p = st->params;
	enum vnoc_mode mode = vnoc_mode_of(st, g->vpn, &g->group);
	const struct vnoc_member **ssm = NULL;
	struct vnoc_topo_hint *hints = NULL;
	uint32_t *recv = NULL, *asm_recv = NULL;
	size_t nasm = 0, nssm = 0, i, j, k;
	int err = -ENOMEM;

	g->overflow = 0;
	p.seed = group_seed(g);
	recv = calloc(g->nmembers + 1, sizeof(*recv));
	asm_recv = calloc(g->nmembers + 1, sizeof(*asm_recv));
	ssm = calloc(g->nmembers + 1, sizeof(*ssm));
	if (!recv || !asm_recv || !ssm)
		goto out;
	for (i = 0; i < g->nmembers; i++) {
		const struct vnoc_member *m = &g->members[i];

		if (m->role != VNOC_ROLE_RECEIVER || !member_permitted(st, g, m))
			continue;
		if (m->nsources && source_reported(st, g, m))
			ssm[nssm++] = m;
		else
			asm_recv[nasm++] = m->site;
	}
	for (i = 0; i < g->nmembers; i++) {
		const struct vnoc_member *s = &g->members[i];
		struct vnoc_topo t;

		if (s->role != VNOC_ROLE_SENDER || !member_permitted(st, g, s))
			continue;
		if (mode != VNOC_MODE_STAR) {
			err = make_hints(g, s->site, NULL, &hints, &p.nhints);
			if (err)
				goto out;
			p.hints = hints;
		}
		err = vnoc_topo_compute(mode, s->site, asm_recv, nasm,
					st->relays, st->nrelays, &p, &t);
		if (err)
			goto out;
		g->overflow += t.overflow;
		err = add_topo(rb, g, NULL, s->site, &t);
		vnoc_topo_free(&t);
		if (err)
			goto out;
		/* (S,G) routes for the sender's sources that SSM receivers
		 * asked for; they win over (*,G) in the kernel, so they also
		 * carry the any-source receivers. */
		for (j = 0; j < s->nsources; j++) {
			size_t n = nasm;

			memcpy(recv, asm_recv, nasm * sizeof(*recv));
			for (k = 0; k < nssm; k++)
				if (has_source(ssm[k], &s->sources[j]))
					recv[n++] = ssm[k]->site;
			if (n == nasm)
				continue;
			if (mode != VNOC_MODE_STAR) {
				err = make_hints(g, s->site, &s->sources[j],
						 &hints, &p.nhints);
				if (err)
					goto out;
				p.hints = hints;
			}
			err = vnoc_topo_compute(mode, s->site, recv, n,
						st->relays, st->nrelays, &p,
						&t);
			if (err)
				goto out;
			g->overflow += t.overflow;
			err = add_topo(rb, g, &s->sources[j], s->site, &t);
			vnoc_topo_free(&t);
			if (err)
				goto out;
		}
	}
	err = 0;
out:
	free(hints);
	free(ssm);
	free(asm_recv);
	free(recv);
	return err;
}

static int64_t mono_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec;
}

/* Entries are appended in expiry order: the expired ones are a prefix.
 * Dropping keep_at_most or fewer also makes room, oldest first. */
static void retired_drop(struct vnoc_state *st, int64_t now, size_t keep_at_most)
{
	size_t i = 0;

	while (i < st->nretired &&
	       (st->retired[i].until <= now || st->nretired - i > keep_at_most))
		free(st->retired[i++].r.nexthops);
	if (!i)
		return;
	memmove(&st->retired[0], &st->retired[i],
		(st->nretired - i) * sizeof(*st->retired));
	st->nretired -= i;
}

/* Keeps the versions of routes that old has and new has not (same key and
 * next hops); takes their next-hop arrays. */
static void retire_routes(struct vnoc_state *st, struct vnoc_route *old,
			  size_t nold, const struct vnoc_route *new, size_t nnew)
{
	int64_t now = mono_now();
	size_t i;

	if (!nold)
		return;
	if (st->nretired && st->retired[0].until <= now)
		retired_drop(st, now, st->nretired);
	for (i = 0; i < nold; i++) {
		const struct vnoc_route *n = nnew ?
			bsearch(&old[i], new, nnew, sizeof(*new),
				route_qsort_cmp) : NULL;

		if (n && route_same(&old[i], n))
			continue;
		/* full: drop the oldest quarter rather than grow unbounded */
		if (st->nretired >= VNOC_RETIRED_MAX)
			retired_drop(st, now, VNOC_RETIRED_MAX * 3 / 4);
		if (GROW(st->retired, st->nretired, st->capretired))
			return;
		st->retired[st->nretired].r = old[i];
		st->retired[st->nretired].until = now + VNOC_RETIRED_SECONDS;
		st->nretired++;
		old[i].nexthops = NULL;	/* now the retired copy's */
		old[i].nnexthops = 0;
	}
}

static bool nexthop_in(const struct vnoc_route *r, uint32_t site)
{
	unsigned i;

	for (i = 0; i < r->nnexthops; i++)
		if (r->nexthops[i] == site)
			return true;
	return false;
}

bool vnoc_route_reportable(struct vnoc_state *st, uint32_t site, uint32_t vpn,
			   const struct vnoc_addr *group,
			   const struct vnoc_addr *source, uint32_t origin,
			   const uint32_t *nexthops, size_t n)
{
	const struct vnoc_route *cur;
	struct vnoc_route key = {
		.site = site, .vpn = vpn, .group = *group, .origin = origin,
	};
	int64_t now = mono_now();
	bool known;
	size_t i, j;

	if (source) {
		key.has_source = true;
		key.source = *source;
	}
	cur = vnoc_route_find(st, site, vpn, group, source, origin);
	known = cur != NULL;
	for (j = 0; j < st->nretired && !known; j++)
		known = st->retired[j].until > now &&
			!route_key_cmp(&st->retired[j].r, &key);
	if (!known)
		return false;
	for (i = 0; i < n; i++) {
		bool ok = cur && nexthop_in(cur, nexthops[i]);

		for (j = 0; j < st->nretired && !ok; j++)
			ok = st->retired[j].until > now &&
			     !route_key_cmp(&st->retired[j].r, &key) &&
			     nexthop_in(&st->retired[j].r, nexthops[i]);
		if (!ok)
			return false;
	}
	return true;
}

/*
 * A route keeps the version that first published it while its parent
 * stays; a new one (or one with a new parent, whose copies come from
 * another address) is published with the version this change hands out.
 */
static void set_published(const struct vnoc_state *st,
			  const struct vnoc_route *old, size_t nold,
			  struct vnoc_route *new, size_t nnew)
{
	size_t i;

	for (i = 0; i < nnew; i++) {
		const struct vnoc_route *o = nold ?
			bsearch(&new[i], old, nold, sizeof(*old),
				route_qsort_cmp) : NULL;

		if (st->restoring)
			new[i].published = 0;
		else if (o && o->parent == new[i].parent)
			new[i].published = o->published;
		else
			new[i].published = st->version + 1;
	}
}

/* Recomputes g's routes and marks the sites whose routes changed. */
static int recompute_group(struct vnoc_state *st, struct vnoc_group *g)
{
	struct route_buf rb = { 0 };
	int err;

	if (st->loading)
		return 0;
	err = compute_group(st, g, &rb);
	if (err) {
		routes_free(rb.r, rb.n);
		return err;
	}
	if (rb.n)
		qsort(rb.r, rb.n, sizeof(*rb.r), route_qsort_cmp);
	set_published(st, g->routes, g->nroutes, rb.r, rb.n);
	diff_routes(st, g->routes, g->nroutes, rb.r, rb.n);
	retire_routes(st, g->routes, g->nroutes, rb.r, rb.n);
	routes_free(g->routes, g->nroutes);
	g->routes = rb.r;
	g->nroutes = rb.n;
	return 0;
}

static int recompute_all(struct vnoc_state *st)
{
	size_t i;
	int err = 0;

	for (i = 0; i < st->ngroups; i++) {
		int e = recompute_group(st, st->groups[i]);

		if (e)
			err = e;
	}
	return err;
}

int vnoc_state_recompute_all(struct vnoc_state *st)
{
	int err;

	/* after a restart: every site had its routes before */
	st->restoring = true;
	change_begin(st);
	err = recompute_all(st);
	change_end(st);
	st->restoring = false;
	return err;
}

static size_t route_pos(const struct vnoc_group *g, uint32_t site)
{
	size_t lo = 0, hi = g->nroutes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (g->routes[mid].site < site)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Marks (or, with !mark, finds) the parents of site's routes published in
 * (from, to]: their views gain site as a next hop. */
static bool applied_scan(struct vnoc_state *st, uint32_t site, uint64_t from,
			 uint64_t to, bool mark)
{
	size_t i, j;
	bool any = false;

	for (i = 0; i < st->ngroups; i++) {
		const struct vnoc_group *g = st->groups[i];

		for (j = route_pos(g, site); j < g->nroutes &&
		     g->routes[j].site == site; j++) {
			const struct vnoc_route *r = &g->routes[j];

			if (!r->parent || r->published <= from ||
			    r->published > to)
				continue;
			any = true;
			if (!mark)
				return true;
			mark_changed(st, r->parent);
		}
	}
	return any;
}

bool vnoc_applied_wakes(struct vnoc_state *st, uint32_t site,
			uint64_t version)
{
	struct vnoc_site *s = vnoc_site_find(st, site);

	if (!s || version <= s->applied || version > s->view_version)
		return false;
	return applied_scan(st, site, s->applied, version, false);
}

void vnoc_applied(struct vnoc_state *st, uint32_t site, uint64_t version)
{
	struct vnoc_site *s = vnoc_site_find(st, site);
	uint64_t from;

	/* a version it was never given (another history) proves nothing */
	if (!s || version <= s->applied || version > s->view_version)
		return;
	from = s->applied;
	s->applied = version;
	change_begin(st);
	applied_scan(st, site, from, version, true);
	change_end(st);
}

/* Sites that have peer as a peer: their view shows its address and key. */
static void mark_peers_of(struct vnoc_state *st, uint32_t peer)
{
	size_t i, j, k;

	for (i = 0; i < st->ngroups; i++) {
		const struct vnoc_group *g = st->groups[i];

		for (j = 0; j < g->nroutes; j++) {
			const struct vnoc_route *r = &g->routes[j];
			bool hit = r->parent == peer;

			for (k = 0; k < r->nnexthops && !hit; k++)
				hit = r->nexthops[k] == peer;
			if (hit)
				mark_changed(st, r->site);
		}
	}
}

/* ---- sites ------------------------------------------------------------- */

static int rebuild_relays(struct vnoc_state *st)
{
	struct vnoc_relay *r;
	size_t i, n = 0;

	r = calloc(st->nsites + 1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < st->nsites; i++) {
		const struct vnoc_site *s = st->sites[i];

		if (!s->relay && !s->reflector)
			continue;
		r[n].site = s->id;
		r[n].relay = s->relay;
		r[n].reflector = s->reflector;
		r[n].fanout = s->fanout;
		n++;
	}
	free(st->relays);
	st->relays = r;
	st->nrelays = n;
	return 0;
}

int vnoc_site_check(const struct vnoc_state *st, uint32_t id,
		    const char *name, const char *address, const char *key,
		    bool update, const char **why)
{
	struct vnoc_addr a;
	size_t i;

	if (!id) {
		*why = "site id 0 is reserved";
		return -EINVAL;
	}
	if (!name || !*name || strlen(name) > VNOC_NAME_MAX) {
		*why = "site name must be 1..255 characters";
		return -EINVAL;
	}
	for (i = 0; name[i]; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) {
			*why = "site name contains control characters";
			return -EINVAL;
		}
	if (vnoc_addr_parse(address, &a) || vnoc_addr_is_multicast(&a)) {
		*why = "site address must be a unicast IPv4 or IPv6 address";
		return -EINVAL;
	}
	if (key && strlen(key) > VNOC_KEY_MAX) {
		*why = "key material longer than 4096 characters";
		return -EINVAL;
	}
	for (i = 0; i < st->nsites; i++) {
		const struct vnoc_site *s = st->sites[i];

		if (s->id == id && !update) {
			*why = "site id already exists";
			return -EEXIST;
		}
		if (s->id != id && !strcmp(s->name, name)) {
			*why = "site name already used by another site";
			return -EEXIST;
		}
	}
	if (update && !vnoc_site_find((struct vnoc_state *)st, id)) {
		*why = "no such site";
		return -ENOENT;
	}
	return 0;
}

static int site_set(struct vnoc_site *s, const char *name, const char *address,
		    uint16_t port, const char *key)
{
	char *n = strdup(name), *a = strdup(address);
	char *k = key && *key ? strdup(key) : NULL;

	if (!n || !a || (key && *key && !k)) {
		free(n);
		free(a);
		free(k);
		return -ENOMEM;
	}
	free(s->name);
	free(s->address);
	free(s->key);
	s->name = n;
	s->address = a;
	s->key = k;
	s->port = port;
	return 0;
}

int vnoc_site_add(struct vnoc_state *st, uint32_t id, const char *name,
		  const char *address, uint16_t port, const char *key)
{
	const char *why;
	struct vnoc_site *s;
	size_t pos;
	int err;

	err = vnoc_site_check(st, id, name, address, key, false, &why);
	if (err)
		return err;
	if (GROW(st->sites, st->nsites, st->capsites))
		return -ENOMEM;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->id = id;
	err = site_set(s, name, address, port, key);
	if (err) {
		free(s);
		return err;
	}
	{
		pthread_condattr_t ca;

		/* Long-poll deadlines must not jump with the wall clock. */
		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&s->cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	pos = site_pos(st, id);
	memmove(&st->sites[pos + 1], &st->sites[pos],
		(st->nsites - pos) * sizeof(*st->sites));
	st->sites[pos] = s;
	st->nsites++;
	/* A new site has no routes yet; its first GetState gets version > 0. */
	change_begin(st);
	mark_changed(st, id);
	change_end(st);
	return 0;
}

int vnoc_site_update(struct vnoc_state *st, uint32_t id, const char *name,
		     const char *address, uint16_t port, const char *key)
{
	struct vnoc_site *s;
	const char *why;
	int err;

	err = vnoc_site_check(st, id, name, address, key, true, &why);
	if (err)
		return err;
	s = vnoc_site_find(st, id);
	err = site_set(s, name, address, port, key);
	if (err)
		return err;
	change_begin(st);
	mark_changed(st, id);
	mark_peers_of(st, id);
	change_end(st);
	return 0;
}

static void member_remove_at(struct vnoc_group *g, size_t i)
{
	free(g->members[i].sources);
	memmove(&g->members[i], &g->members[i + 1],
		(g->nmembers - i - 1) * sizeof(*g->members));
	g->nmembers--;
}

static void group_remove_if_empty(struct vnoc_state *st, struct vnoc_group *g)
{
	size_t pos;

	if (g->nmembers || g->nroutes)
		return;
	pos = group_pos(st, g->vpn, &g->group);
	memmove(&st->groups[pos], &st->groups[pos + 1],
		(st->ngroups - pos - 1) * sizeof(*st->groups));
	st->ngroups--;
	group_free(g);
}

int vnoc_site_remove(struct vnoc_state *st, uint32_t id)
{
	struct vnoc_site *s = vnoc_site_find(st, id);
	size_t i, j, pos;
	int err;

	if (!s)
		return -ENOENT;
	change_begin(st);
	mark_peers_of(st, id);
	for (i = 0; i < st->ngroups; i++) {
		struct vnoc_group *g = st->groups[i];

		for (j = g->nmembers; j-- > 0;)
			if (g->members[j].site == id)
				member_remove_at(g, j);
	}
	for (i = st->npolicies; i-- > 0;)
		if (st->policies[i].site == id) {
			memmove(&st->policies[i], &st->policies[i + 1],
				(st->npolicies - i - 1) *
				sizeof(*st->policies));
			st->npolicies--;
		}
	pos = site_pos(st, id);
	memmove(&st->sites[pos], &st->sites[pos + 1],
		(st->nsites - pos - 1) * sizeof(*st->sites));
	st->nsites--;
	err = rebuild_relays(st);
	if (!err)
		err = recompute_all(st);
	for (i = st->ngroups; i-- > 0;)
		group_remove_if_empty(st, st->groups[i]);
	change_end(st);
	/* Wake its own waiters so they see it is gone. */
	s->removed = true;
	pthread_cond_broadcast(&s->cond);
	if (GROW(st->graveyard, st->ngraveyard, st->capgraveyard))
		site_free(s);	/* cannot keep it: only if nobody waits */
	else
		st->graveyard[st->ngraveyard++] = s;
	return err;
}

int vnoc_relay_set(struct vnoc_state *st, uint32_t id, bool relay,
		   bool reflector, uint32_t fanout)
{
	struct vnoc_site *s = vnoc_site_find(st, id);
	int err;

	if (!s)
		return -ENOENT;
	s->relay = relay;
	s->reflector = reflector;
	s->fanout = fanout;
	err = rebuild_relays(st);
	if (err)
		return err;
	change_begin(st);
	err = recompute_all(st);
	change_end(st);
	return err;
}

/* ---- policies and modes ------------------------------------------------ */

int vnoc_policy_add(struct vnoc_state *st, struct vnoc_policy *p)
{
	int err;

	if (!p->roles || (p->roles & ~(VNOC_POLICY_SEND | VNOC_POLICY_RECEIVE)))
		return -EINVAL;
	if (p->site && !vnoc_site_find(st, p->site))
		return -ENOENT;
	if (!p->id)
		p->id = st->next_policy_id;
	if (p->id >= st->next_policy_id)
		st->next_policy_id = p->id + 1;
	if (GROW(st->policies, st->npolicies, st->cappolicies))
		return -ENOMEM;
	st->policies[st->npolicies++] = *p;
	change_begin(st);
	err = recompute_all(st);
	change_end(st);
	return err;
}

int vnoc_policy_remove(struct vnoc_state *st, uint32_t id)
{
	size_t i;
	int err;

	for (i = 0; i < st->npolicies; i++)
		if (st->policies[i].id == id)
			break;
	if (i == st->npolicies)
		return -ENOENT;
	memmove(&st->policies[i], &st->policies[i + 1],
		(st->npolicies - i - 1) * sizeof(*st->policies));
	st->npolicies--;
	change_begin(st);
	err = recompute_all(st);
	change_end(st);
	return err;
}

static struct vnoc_mode_rule *mode_find(const struct vnoc_state *st,
					uint32_t vpn,
					const struct vnoc_addr *group)
{
	size_t i;

	for (i = 0; i < st->nmodes; i++) {
		struct vnoc_mode_rule *m = &st->modes[i];

		if (m->vpn != vpn || m->has_group != !!group)
			continue;
		if (!group || !vnoc_addr_cmp(&m->group, group))
			return m;
	}
	return NULL;
}

enum vnoc_mode vnoc_mode_of(const struct vnoc_state *st, uint32_t vpn,
			    const struct vnoc_addr *group)
{
	const struct vnoc_mode_rule *m = mode_find(st, vpn, group);

	if (!m)
		m = mode_find(st, vpn, NULL);
	return m ? m->mode : VNOC_MODE_STAR;
}

static int recompute_modes(struct vnoc_state *st, uint32_t vpn,
			   const struct vnoc_addr *group)
{
	size_t i;
	int err = 0;

	change_begin(st);
	for (i = 0; i < st->ngroups && !err; i++) {
		struct vnoc_group *g = st->groups[i];

		if (g->vpn == vpn &&
		    (!group || !vnoc_addr_cmp(&g->group, group)))
			err = recompute_group(st, g);
	}
	change_end(st);
	return err;
}

int vnoc_mode_set(struct vnoc_state *st, uint32_t vpn,
		  const struct vnoc_addr *group, enum vnoc_mode mode)
{
	struct vnoc_mode_rule *m = mode_find(st, vpn, group);

	if (group && !vnoc_addr_is_multicast(group))
		return -EINVAL;
	if (!m) {
		if (GROW(st->modes, st->nmodes, st->capmodes))
			return -ENOMEM;
		m = &st->modes[st->nmodes++];
		memset(m, 0, sizeof(*m));
		m->vpn = vpn;
		if (group) {
			m->has_group = true;
			m->group = *group;
		}
	}
	m->mode = mode;
	return recompute_modes(st, vpn, group);
}

int vnoc_mode_clear(struct vnoc_state *st, uint32_t vpn,
		    const struct vnoc_addr *group)
{
	struct vnoc_mode_rule *m = mode_find(st, vpn, group);

	if (!m)
		return -ENOENT;
	*m = st->modes[--st->nmodes];
	return recompute_modes(st, vpn, group);
}

/* ---- joins ------------------------------------------------------------- */

static int addr_qsort_cmp(const void *a, const void *b)
{
	return vnoc_addr_cmp(a, b);
}

static struct vnoc_member *member_find(struct vnoc_group *g, uint32_t site,
				       enum vnoc_role role)
{
	size_t i;

	for (i = 0; g && i < g->nmembers; i++)
		if (g->members[i].site == site && g->members[i].role == role)
			return &g->members[i];
	return NULL;
}

int vnoc_join_check(struct vnoc_state *st, uint32_t site, uint32_t vpn,
		    const struct vnoc_addr *group, enum vnoc_role role,
		    const struct vnoc_addr *sources, size_t nsources,
		    bool *noop, char *why, size_t whylen)
{
	const struct vnoc_policy *p;
	struct vnoc_member *m;
	struct vnoc_addr *sorted;
	char gs[VNOC_ADDRSTRLEN];
	size_t i;

	*noop = false;
	if (!vnoc_site_find(st, site)) {
		snprintf(why, whylen, "unknown site");
		return -ENOENT;
	}
	if (role != VNOC_ROLE_SENDER && role != VNOC_ROLE_RECEIVER) {
		snprintf(why, whylen, "invalid role");
		return -EINVAL;
	}
	if (!vnoc_addr_is_multicast(group)) {
		snprintf(why, whylen, "group is not a multicast address");
		return -EINVAL;
	}
	if (nsources > VNOC_MAX_SOURCES) {
		snprintf(why, whylen, "more than %d sources", VNOC_MAX_SOURCES);
		return -EINVAL;
	}
	for (i = 0; i < nsources; i++)
		if (sources[i].family != group->family ||
		    vnoc_addr_is_multicast(&sources[i])) {
			snprintf(why, whylen,
				 "source %zu is not a unicast address of the group's family",
				 i + 1);
			return -EINVAL;
		}
	vnoc_addr_str(group, gs, sizeof(gs));
	p = vnoc_policy_match(st->policies, st->npolicies, site, vpn, group,
			      role);
	if (!p) {
		snprintf(why, whylen, "no policy permits site %u to %s %s in vpn %u",
			 site, role == VNOC_ROLE_SENDER ? "send to" : "receive",
			 gs, vpn);
		return -EACCES;
	}
	if (p->deny) {
		snprintf(why, whylen, "denied by policy %u", p->id);
		return -EACCES;
	}
	m = member_find(vnoc_group_find(st, vpn, group), site, role);
	if (m && !nsources && !m->nsources) {
		*noop = true;
	} else if (m && m->nsources == nsources) {
		sorted = calloc(nsources + 1, sizeof(*sorted));
		if (!sorted) {
			snprintf(why, whylen, "out of memory");
			return -ENOMEM;
		}
		memcpy(sorted, sources, nsources * sizeof(*sorted));
		qsort(sorted, nsources, sizeof(*sorted), addr_qsort_cmp);
		*noop = !memcmp(sorted, m->sources, nsources * sizeof(*sorted));
		free(sorted);
	}
	return 0;
}

int vnoc_join(struct vnoc_state *st, uint32_t site, uint32_t vpn,
	      const struct vnoc_addr *group, enum vnoc_role role,
	      const struct vnoc_addr *sources, size_t nsources)
{
	struct vnoc_group *g = vnoc_group_find(st, vpn, group);
	struct vnoc_addr *src = NULL;
	struct vnoc_member *m;
	size_t i, j;
	int err;

	if (!vnoc_site_find(st, site))
		return -ENOENT;
	if (nsources) {
		src = calloc(nsources, sizeof(*src));
		if (!src)
			return -ENOMEM;
		memcpy(src, sources, nsources * sizeof(*src));
		qsort(src, nsources, sizeof(*src), addr_qsort_cmp);
		/* Drop duplicates so equal lists compare equal. */
		for (i = 1, j = 1; i < nsources; i++)
			if (vnoc_addr_cmp(&src[i], &src[j - 1]))
				src[j++] = src[i];
		nsources = j;
	}
	if (!g) {
		size_t pos = group_pos(st, vpn, group);

		if (GROW(st->groups, st->ngroups, st->capgroups))
			goto nomem;
		g = calloc(1, sizeof(*g));
		if (!g)
			goto nomem;
		g->vpn = vpn;
		g->group = *group;
		memmove(&st->groups[pos + 1], &st->groups[pos],
			(st->ngroups - pos) * sizeof(*st->groups));
		st->groups[pos] = g;
		st->ngroups++;
	}
	m = member_find(g, site, role);
	if (!m) {
		if (GROW(g->members, g->nmembers, g->capmembers)) {
			group_remove_if_empty(st, g);
			goto nomem;
		}
		m = &g->members[g->nmembers++];
		memset(m, 0, sizeof(*m));
		m->site = site;
		m->role = role;
	}
	free(m->sources);
	m->sources = src;
	m->nsources = nsources;
	change_begin(st);
	err = recompute_group(st, g);
	change_end(st);
	return err;
nomem:
	free(src);
	return -ENOMEM;
}

int vnoc_leave(struct vnoc_state *st, uint32_t site, uint32_t vpn,
	       const struct vnoc_addr *group, enum vnoc_role role)
{
	struct vnoc_group *g = vnoc_group_find(st, vpn, group);
	struct vnoc_member *m = member_find(g, site, role);
	int err;

	if (!m)
		return 0;
	member_remove_at(g, m - g->members);
	change_begin(st);
	err = recompute_group(st, g);
	change_end(st);
	group_remove_if_empty(st, g);
	return err ? err : 1;
}

/* ---- views ------------------------------------------------------------- */

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Index of the first route of site in g. */

int vnoc_view_get(struct vnoc_state *st, uint32_t site, struct vnoc_view *v)
{
	struct vnoc_site *s = vnoc_site_find(st, site);
	size_t i, j, k, cap = 0, npeer = 0, peercap = 0, nnh = 0, used = 0;
	uint32_t *peers = NULL;

	memset(v, 0, sizeof(*v));
	if (!s)
		return -ENOENT;
	v->version = s->view_version;
	for (i = 0; i < st->ngroups; i++) {
		const struct vnoc_group *g = st->groups[i];

		for (j = route_pos(g, site); j < g->nroutes &&
		     g->routes[j].site == site; j++) {
			if (GROW(v->routes, v->nroutes, cap))
				goto nomem;
			v->routes[v->nroutes++] = g->routes[j];
			nnh += g->routes[j].nnexthops;
		}
	}
	v->nexthops = calloc(nnh + 1, sizeof(*v->nexthops));
	if (!v->nexthops)
		goto nomem;
	/* the next hops as published, and the peers they and the parents are */
	for (i = 0; i < v->nroutes; i++) {
		struct vnoc_route *r = &v->routes[i];
		const struct vnoc_group *g = vnoc_group_find(st, r->vpn,
							     &r->group);
		unsigned n = published_nexthops(st, g->routes, g->nroutes, r,
						v->nexthops + used);

		r->nexthops = v->nexthops + used;
		r->nnexthops = n;
		used += n;
		if (grow((void **)&peers, &peercap, npeer + n + 1,
			 sizeof(*peers)))
			goto nomem;
		if (r->parent)
			peers[npeer++] = r->parent;
		for (k = 0; k < n; k++)
			peers[npeer++] = r->nexthops[k];
	}
	if (npeer)	/* peers is NULL for a view without routes */
		qsort(peers, npeer, sizeof(*peers), u32_cmp);
	v->peers = calloc(npeer + 1, sizeof(*v->peers));
	if (!v->peers)
		goto nomem;
	for (i = 0; i < npeer; i++) {
		const struct vnoc_site *p;

		if (i && peers[i] == peers[i - 1])
			continue;
		p = vnoc_site_find(st, peers[i]);
		if (p)
			v->peers[v->npeers++] = p;
	}
	free(peers);
	return 0;
nomem:
	free(peers);
	vnoc_view_free(v);
	return -ENOMEM;
}

void vnoc_view_free(struct vnoc_view *v)
{
	free(v->routes);
	free(v->nexthops);
	free(v->peers);
	memset(v, 0, sizeof(*v));
}

const struct vnoc_route *vnoc_route_find(struct vnoc_state *st, uint32_t site,
					 uint32_t vpn,
					 const struct vnoc_addr *group,
					 const struct vnoc_addr *source,
					 uint32_t origin)
{
	struct vnoc_group *g = vnoc_group_find(st, vpn, group);
	struct vnoc_route key = {
		.site = site, .vpn = vpn, .group = *group, .origin = origin,
	};
	size_t lo, hi;

	if (!g)
		return NULL;
	if (source) {
		key.has_source = true;
		key.source = *source;
	}
	lo = 0;
	hi = g->nroutes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = route_key_cmp(&g->routes[mid], &key);

		if (!c)
			return &g->routes[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
