// SPDX-License-Identifier: GPL-2.0
/* View-to-kernel diff: sort both sides by key, then one merge pass. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"

static int addr_cmp(const struct ivgmp_addr *a, const struct ivgmp_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->raw, b->raw, addr_len(a->family));
}

int route_key_cmp(const struct ivgmp_route_info *a,
		  const struct ivgmp_route_info *b)
{
	int r;

	if (a->vpn != b->vpn)
		return a->vpn < b->vpn ? -1 : 1;
	r = addr_cmp(&a->group, &b->group);
	if (r)
		return r;
	r = addr_cmp(&a->source, &b->source);
	if (r)
		return r;
	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	return 0;
}

int route_qcmp(const void *a, const void *b)
{
	return route_key_cmp(a, b);
}

static int site_qcmp(const void *a, const void *b)
{
	const struct ivgmp_site_info *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int nh_qcmp(const void *a, const void *b)
{
	const struct ivgmp_nexthop_info *x = a, *y = b;

	return x->site < y->site ? -1 : x->site > y->site;
}

static void table_sort(struct table *t)
{
	size_t i;

	/* qsort() and bsearch() want real arrays, even for 0 elements */
	if (t->nsites)
		qsort(t->sites, t->nsites, sizeof(*t->sites), site_qcmp);
	if (t->nroutes)
		qsort(t->routes, t->nroutes, sizeof(*t->routes), route_qcmp);
	for (i = 0; i < t->nroutes; i++)
		if (t->routes[i].n_nexthops)
			qsort(t->routes[i].nexthops, t->routes[i].n_nexthops,
			      sizeof(*t->routes[i].nexthops), nh_qcmp);
}

static bool site_equal(const struct ivgmp_site_info *a,
		       const struct ivgmp_site_info *b)
{
	/* a site without a port uses the namespace's, as the kernel does */
	return addr_equal(&a->addr, &b->addr) &&
	       (!a->has_port || !b->has_port || a->port == b->port);
}

static bool route_equal(const struct ivgmp_route_info *a,
			const struct ivgmp_route_info *b)
{
	size_t i;

	if (a->flags != b->flags || a->n_nexthops != b->n_nexthops)
		return false;
	for (i = 0; i < a->n_nexthops; i++)
		if (a->nexthops[i].site != b->nexthops[i].site)
			return false;
	return true;
}

static bool site_known(const struct table *t, uint32_t id, uint32_t local)
{
	struct ivgmp_site_info key = { .id = id };

	return id == local || (t->nsites &&
	       bsearch(&key, t->sites, t->nsites, sizeof(key), site_qcmp));
}

static int want_check(const struct table *w, uint32_t local)
{
	size_t i, j;

	for (i = 1; i < w->nsites; i++)
		if (w->sites[i].id == w->sites[i - 1].id)
			return -EINVAL;
	for (i = 0; i < w->nroutes; i++) {
		const struct ivgmp_route_info *r = &w->routes[i];

		if (i && !route_key_cmp(r, &w->routes[i - 1]))
			return -EINVAL;
		if (!site_known(w, r->origin, local))
			return -EINVAL;
		for (j = 0; j < r->n_nexthops; j++)
			if (!site_known(w, r->nexthops[j].site, local) ||
			    (j && r->nexthops[j].site == r->nexthops[j - 1].site))
				return -EINVAL;
	}
	return 0;
}

int table_diff(struct table *cur, struct table *want, uint32_t local_site,
	       struct diff *d)
{
	size_t i = 0, j = 0;
	int err;

	memset(d, 0, sizeof(*d));
	table_sort(cur);
	table_sort(want);
	err = want_check(want, local_site);
	if (err)
		return err;

	d->site_set = calloc(want->nsites + 1, sizeof(*d->site_set));
	d->site_del = calloc(cur->nsites + 1, sizeof(*d->site_del));
	d->route_set = calloc(want->nroutes + 1, sizeof(*d->route_set));
	d->route_del = calloc(cur->nroutes + 1, sizeof(*d->route_del));
	if (!d->site_set || !d->site_del || !d->route_set || !d->route_del) {
		diff_free(d);
		return -ENOMEM;
	}

	while (i < cur->nsites || j < want->nsites) {
		const struct ivgmp_site_info *c = i < cur->nsites ?
						  &cur->sites[i] : NULL;
		const struct ivgmp_site_info *w = j < want->nsites ?
						  &want->sites[j] : NULL;

		if (c && (!w || c->id < w->id)) {
			d->site_del[d->nsite_del++] = c;
			i++;
		} else if (w && (!c || w->id < c->id)) {
			d->site_set[d->nsite_set++] = w;
			j++;
		} else {
			if (!site_equal(c, w))
				d->site_set[d->nsite_set++] = w;
			i++;
			j++;
		}
	}

	i = j = 0;
	while (i < cur->nroutes || j < want->nroutes) {
		const struct ivgmp_route_info *c = i < cur->nroutes ?
						   &cur->routes[i] : NULL;
		const struct ivgmp_route_info *w = j < want->nroutes ?
						   &want->routes[j] : NULL;
		int k = !c ? 1 : !w ? -1 : route_key_cmp(c, w);

		if (k < 0) {
			d->route_del[d->nroute_del++] = c;
			i++;
		} else if (k > 0) {
			d->route_set[d->nroute_set++] = w;
			j++;
		} else {
			if (!route_equal(c, w))
				d->route_set[d->nroute_set++] = w;
			else
				d->unchanged_routes++;
			i++;
			j++;
		}
	}
	return 0;
}

void diff_free(struct diff *d)
{
	free(d->site_set);
	free(d->site_del);
	free(d->route_set);
	free(d->route_del);
	memset(d, 0, sizeof(*d));
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nroutes; i++)
		free(t->routes[i].nexthops);
	free(t->routes);
	free(t->sites);
	memset(t, 0, sizeof(*t));
}
