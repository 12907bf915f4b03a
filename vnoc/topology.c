// SPDX-License-Identifier: GPL-2.0
/* topology.c - star, reflector and bounded tree distribution (paper 3.3). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "topology.h"

const char *vnoc_mode_name(enum vnoc_mode m)
{
	switch (m) {
	case VNOC_MODE_STAR: return "star";
	case VNOC_MODE_REFLECTOR: return "reflector";
	case VNOC_MODE_TREE: return "tree";
	}
	return "?";
}

int vnoc_mode_parse(const char *s, enum vnoc_mode *m)
{
	if (!strcmp(s, "star"))
		*m = VNOC_MODE_STAR;
	else if (!strcmp(s, "reflector"))
		*m = VNOC_MODE_REFLECTOR;
	else if (!strcmp(s, "tree"))
		*m = VNOC_MODE_TREE;
	else
		return -EINVAL;
	return 0;
}

void vnoc_topo_free(struct vnoc_topo *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->e[i].nexthops);
	free(t->e);
	memset(t, 0, sizeof(*t));
}

const struct vnoc_topo_entry *vnoc_topo_find(const struct vnoc_topo *t,
					     uint32_t site)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].site == site)
			return &t->e[i];
	return NULL;
}

/* Working node while building: children are kept as entry indices. */
struct node {
	size_t *kids;
	unsigned nkids, cap;
	unsigned free;		/* open child slots */
	bool removed;
};

struct build {
	struct vnoc_topo *t;
	struct node *nodes;
	size_t cap;
	size_t nnodes;		/* nodes initialised (entries ever added) */
	/* site -> entry index + 1, open addressing (0 = empty slot) */
	uint32_t *map_key;
	size_t *map_val;
	size_t map_mask;
};

static size_t map_slot(const struct build *b, uint32_t site)
{
	size_t i = (site * 2654435761u) & b->map_mask;

	while (b->map_key[i] && b->map_key[i] != site)
		i = (i + 1) & b->map_mask;
	return i;
}

/* Entry index of a placed site, or -1. */
static long placed_at(const struct build *b, uint32_t site)
{
	size_t i;

	if (!b->map_key)
		return -1;
	i = map_slot(b, site);
	return b->map_key[i] ? (long)b->map_val[i] : -1;
}

static int map_init(struct build *b, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n + 2)
		cap *= 2;
	b->map_key = calloc(cap, sizeof(*b->map_key));
	b->map_val = calloc(cap, sizeof(*b->map_val));
	b->map_mask = cap - 1;
	return b->map_key && b->map_val ? 0 : -ENOMEM;
}

static const struct vnoc_topo_hint *hint_of(const struct vnoc_topo_params *p,
					    uint32_t site)
{
	size_t lo = 0, hi = p->nhints;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (p->hints[mid].site == site)
			return &p->hints[mid];
		if (p->hints[mid].site < site)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int add_entry(struct build *b, uint32_t site, bool deliver,
		     size_t parent, unsigned depth, size_t *idx)
{
	struct vnoc_topo_entry *e;

	if (b->t->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 16;
		void *ne = realloc(b->t->e, ncap * sizeof(*b->t->e));

		if (!ne)
			return -ENOMEM;
		b->t->e = ne;
		ne = realloc(b->nodes, ncap * sizeof(*b->nodes));
		if (!ne)
			return -ENOMEM;
		b->nodes = ne;
		b->cap = ncap;
	}
	*idx = b->t->n++;
	b->nnodes = b->t->n;
	if (b->map_key) {
		size_t m = map_slot(b, site);

		b->map_key[m] = site;
		b->map_val[m] = *idx;
	}
	e = &b->t->e[*idx];
	memset(e, 0, sizeof(*e));
	memset(&b->nodes[*idx], 0, sizeof(b->nodes[*idx]));
	e->site = site;
	e->deliver_local = deliver;
	e->depth = depth;
	e->parent = *idx ? b->t->e[parent].site : 0;
	if (*idx) {
		struct node *pn = &b->nodes[parent];

		if (pn->nkids == pn->cap) {
			unsigned nc = pn->cap ? pn->cap * 2 : 4;
			size_t *nk = realloc(pn->kids, nc * sizeof(*nk));

			if (!nk)
				return -ENOMEM;
			pn->kids = nk;
			pn->cap = nc;
		}
		pn->kids[pn->nkids++] = *idx;
	}
	return 0;
}

static const struct vnoc_relay *find_relay(const struct vnoc_relay *relays,
					   size_t n, uint32_t site)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (relays[i].site == site)
			return &relays[i];
	return NULL;
}

static unsigned fanout_of(const struct vnoc_relay *r,
			  const struct vnoc_topo_params *p)
{
	unsigned f = r && r->fanout ? r->fanout : p->default_fanout;

	return f ? f : 1;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool in_sorted(const uint32_t *v, size_t n, uint32_t x)
{
	return bsearch(&x, v, n, sizeof(*v), cmp_u32) != NULL;
}

/* Relays by fan-out, largest first, so the tree stays shallow. */
static int cmp_relay_fanout(const void *a, const void *b)
{
	const struct vnoc_relay *x = *(const struct vnoc_relay * const *)a;
	const struct vnoc_relay *y = *(const struct vnoc_relay * const *)b;

	if (x->fanout != y->fanout) {
		if (!x->fanout || !y->fanout)
			return x->fanout ? 1 : -1;
		return x->fanout > y->fanout ? -1 : 1;
	}
	return x->site < y->site ? -1 : x->site > y->site;
}

/* Where relays were before (by depth, unknown last) comes first, so their
 * previous parents are placed before them; then by fan-out. */
static int cmp_relay_hinted(const void *a, const void *b, void *arg)
{
	const struct vnoc_relay *x = *(const struct vnoc_relay * const *)a;
	const struct vnoc_relay *y = *(const struct vnoc_relay * const *)b;
	const struct vnoc_topo_hint *hx = hint_of(arg, x->site);
	const struct vnoc_topo_hint *hy = hint_of(arg, y->site);
	unsigned dx = hx ? hx->depth : ~0U, dy = hy ? hy->depth : ~0U;

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return cmp_relay_fanout(a, b);
}

static void sort_relays(const struct vnoc_relay **r, size_t n,
			const struct vnoc_topo_params *p)
{
	if (!p->nhints) {
		qsort(r, n, sizeof(*r), cmp_relay_fanout);
		return;
	}
	qsort_r(r, n, sizeof(*r), cmp_relay_hinted, (void *)p);
}

/* Breadth-first queue of nodes with open slots. */
struct queue {
	size_t *v;
	size_t head, tail;
	unsigned long long slots;	/* sum of open slots in the queue */
};

static size_t take_slot(struct build *b, struct queue *q, size_t origin)
{
	while (q->head < q->tail && !b->nodes[q->v[q->head]].free)
		q->head++;
	if (q->head == q->tail) {
		b->t->overflow++;
		return origin;
	}
	b->nodes[q->v[q->head]].free--;
	q->slots--;
	return q->v[q->head];
}

/* The previous parent of site, if it is placed and has a free slot. */
static long hinted_slot(struct build *b, struct queue *q, uint32_t site,
			const struct vnoc_topo_params *p)
{
	const struct vnoc_topo_hint *h = hint_of(p, site);
	long pi;

	if (!h)
		return -1;
	pi = placed_at(b, h->parent);
	if (pi < 0 || !b->nodes[pi].free)
		return -1;
	b->nodes[pi].free--;
	q->slots--;
	return pi;
}

static int place(struct build *b, struct queue *q, uint32_t site,
		 bool deliver, const struct vnoc_relay *r,
		 const struct vnoc_topo_params *p, size_t *idx)
{
	long hinted = hinted_slot(b, q, site, p);
	size_t parent = hinted >= 0 ? (size_t)hinted : take_slot(b, q, 0);
	unsigned depth = b->t->e[parent].depth + 1;
	int err;

	err = add_entry(b, site, deliver, parent, depth, idx);
	if (err)
		return err;
	if (r && depth < p->max_depth) {
		b->nodes[*idx].free = fanout_of(r, p);
		q->v[q->tail++] = *idx;
		q->slots += b->nodes[*idx].free;
	}
	return 0;
}

static int build_tree(struct build *b, uint32_t origin,
		      const uint32_t *recv, size_t nrecv,
		      const struct vnoc_relay *relays, size_t nrelays,
		      const struct vnoc_topo_params *p)
{
	const struct vnoc_relay **rr = NULL, **nr = NULL;
	size_t nrr = 0, nnr = 0, i, idx, left = nrecv;
	struct queue q = { 0 };
	int pass;
	int err = -ENOMEM;

	rr = calloc(nrelays + 1, sizeof(*rr));
	nr = calloc(nrelays + 1, sizeof(*nr));
	q.v = calloc(nrecv + nrelays + 2, sizeof(*q.v));
	if (!rr || !nr || !q.v)
		goto out;
	for (i = 0; i < nrelays; i++) {
		if (!relays[i].relay || relays[i].site == origin)
			continue;
		if (in_sorted(recv, nrecv, relays[i].site))
			rr[nrr++] = &relays[i];
		else
			nr[nnr++] = &relays[i];
	}
	sort_relays(rr, nrr, p);
	sort_relays(nr, nnr, p);

	b->nodes[0].free = p->max_depth ?
		fanout_of(find_relay(relays, nrelays, origin), p) : 0;
	q.v[q.tail++] = 0;
	q.slots = b->nodes[0].free;

	/* Receiving relays first: they forward without an extra site. */
	for (i = 0; i < nrr; i++) {
		err = place(b, &q, rr[i]->site, true, rr[i], p, &idx);
		if (err)
			goto out;
		left--;
	}
	/* Non-receiving relays only while the open slots cannot hold the
	 * remaining receivers, and only where they still get children. */
	for (i = 0; i < nnr && q.slots < left; i++) {
		while (q.head < q.tail && !b->nodes[q.v[q.head]].free)
			q.head++;
		if (q.head == q.tail ||
		    b->t->e[q.v[q.head]].depth + 1 >= p->max_depth)
			break;
		err = place(b, &q, nr[i]->site, false, nr[i], p, &idx);
		if (err)
			goto out;
	}
	/* Receivers back under their previous parents first, then the rest
	 * breadth-first. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < nrecv; i++) {
			const struct vnoc_relay *r = find_relay(relays, nrelays,
								 recv[i]);
			const struct vnoc_topo_hint *h;
			long pi;

			if ((r && r->relay) || placed_at(b, recv[i]) >= 0)
				continue;	/* placed already */
			if (!pass) {
				h = hint_of(p, recv[i]);
				pi = h ? placed_at(b, h->parent) : -1;
				if (pi < 0 || !b->nodes[pi].free)
					continue;
			}
			err = place(b, &q, recv[i], true, NULL, p, &idx);
			if (err)
				goto out;
		}
	}
	err = 0;
out:
	free(q.v);
	free(rr);
	free(nr);
	return err;
}

static long recv_index(const uint32_t *recv, size_t nrecv, uint32_t site)
{
	const uint32_t *p = bsearch(&site, recv, nrecv, sizeof(*recv), cmp_u32);

	return p ? p - recv : -1;
}

static int build_reflector(struct build *b, uint32_t origin,
			   const uint32_t *recv, size_t nrecv,
			   const struct vnoc_relay *relays, size_t nrelays,
			   const struct vnoc_topo_params *p)
{
	const struct vnoc_relay **refl;
	size_t nrefl = 0, nchosen = 0, i, start, r, cur = 0, idx;
	size_t need = nrecv;
	unsigned long long cap = 0;
	size_t *chosen = NULL;
	unsigned *left = NULL;
	bool *placed;
	int err = 0;

	refl = calloc(nrelays + 1, sizeof(*refl));
	placed = calloc(nrecv + 1, sizeof(*placed));
	chosen = calloc(nrelays + 1, sizeof(*chosen));
	left = calloc(nrelays + 1, sizeof(*left));
	if (!refl || !placed || !chosen || !left) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nrelays; i++)
		if (relays[i].reflector && relays[i].site != origin)
			refl[nrefl++] = &relays[i];
	qsort(refl, nrefl, sizeof(*refl), cmp_relay_fanout);

	/* Take reflectors (from a per-group offset, so groups spread over
	 * them) until their slots hold every receiver not itself chosen. */
	start = nrefl ? p->seed % nrefl : 0;
	for (r = 0; r < nrefl && cap < need && !err; r++) {
		const struct vnoc_relay *rf = refl[(start + r) % nrefl];
		long ri = recv_index(recv, nrecv, rf->site);

		if (ri >= 0) {
			placed[ri] = true;
			need--;
		}
		err = add_entry(b, rf->site, ri >= 0, 0, 1, &chosen[nchosen]);
		left[nchosen++] = fanout_of(rf, p);
		cap += fanout_of(rf, p);
	}
	/* Receivers stay with their previous reflector while it has room. */
	for (i = 0; i < nrecv && !err && p->nhints; i++) {
		const struct vnoc_topo_hint *h = hint_of(p, recv[i]);
		size_t k;

		if (placed[i] || !h)
			continue;
		for (k = 0; k < nchosen; k++)
			if (b->t->e[chosen[k]].site == h->parent && left[k])
				break;
		if (k == nchosen)
			continue;
		left[k]--;
		placed[i] = true;
		err = add_entry(b, recv[i], true, chosen[k], 2, &idx);
	}
	for (i = 0; i < nrecv && !err; i++) {
		if (placed[i])
			continue;
		while (cur < nchosen && !left[cur])
			cur++;
		if (cur < nchosen) {
			left[cur]--;
			err = add_entry(b, recv[i], true, chosen[cur], 2, &idx);
			continue;
		}
		/* No reflector, or they are full: the origin sends itself. */
		err = add_entry(b, recv[i], true, 0, 1, &idx);
		if (nrefl)
			b->t->overflow++;
	}
out:
	free(left);
	free(chosen);
	free(placed);
	free(refl);
	return err;
}

/*
 * Drops forwarding-only sites left without children (deepest first, as
 * children always come after their parent), turns the child lists into next
 * hops and compacts the entries.
 */
static int finish(struct build *b)
{
	struct vnoc_topo *t = b->t;
	size_t i, j, k;

	for (i = t->n; i-- > 1;) {
		struct node *n = &b->nodes[i];
		unsigned live = 0;

		for (j = 0; j < n->nkids; j++)
			live += !b->nodes[n->kids[j]].removed;
		if (!live && !t->e[i].deliver_local)
			n->removed = true;
	}
	for (i = 0; i < t->n; i++) {
		struct node *n = &b->nodes[i];
		struct vnoc_topo_entry *e = &t->e[i];

		if (n->removed || !n->nkids)
			continue;
		e->nexthops = calloc(n->nkids, sizeof(*e->nexthops));
		if (!e->nexthops)
			return -ENOMEM;
		for (j = 0; j < n->nkids; j++)
			if (!b->nodes[n->kids[j]].removed)
				e->nexthops[e->nnexthops++] =
					t->e[n->kids[j]].site;
		/* Canonical order: placement order is no change of route. */
		qsort(e->nexthops, e->nnexthops, sizeof(*e->nexthops),
		      cmp_u32);
	}
	for (i = 0, k = 0; i < t->n; i++) {
		if (b->nodes[i].removed)
			continue;
		t->e[k++] = t->e[i];
	}
	t->n = k;
	return 0;
}

static void build_free(struct build *b)
{
	size_t i;

	for (i = 0; i < b->nnodes; i++)
		free(b->nodes[i].kids);
	free(b->nodes);
	free(b->map_key);
	free(b->map_val);
}

int vnoc_topo_compute(enum vnoc_mode mode, uint32_t origin,
		      const uint32_t *receivers, size_t nreceivers,
		      const struct vnoc_relay *relays, size_t nrelays,
		      const struct vnoc_topo_params *p, struct vnoc_topo *out)
{
	struct build b = { .t = out };
	uint32_t *recv = NULL;
	size_t nrecv = 0, i, idx;
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	recv = calloc(nreceivers + 1, sizeof(*recv));
	if (!recv)
		goto out;
	for (i = 0; i < nreceivers; i++)
		if (receivers[i] != origin)
			recv[nrecv++] = receivers[i];
	qsort(recv, nrecv, sizeof(*recv), cmp_u32);

	if (mode != VNOC_MODE_STAR) {
		err = map_init(&b, nrecv + nrelays + 1);
		if (err)
			goto out;
	}
	err = add_entry(&b, origin, false, 0, 0, &idx);
	if (err)
		goto out;
	switch (mode) {
	case VNOC_MODE_TREE:
		err = build_tree(&b, origin, recv, nrecv, relays, nrelays, p);
		break;
	case VNOC_MODE_REFLECTOR:
		err = build_reflector(&b, origin, recv, nrecv, relays, nrelays,
				      p);
		break;
	case VNOC_MODE_STAR:
	default:
		for (i = 0; i < nrecv && !err; i++)
			err = add_entry(&b, recv[i], true, 0, 1, &idx);
		break;
	}
	if (!err)
		err = finish(&b);
out:
	build_free(&b);
	if (err)
		vnoc_topo_free(out);
	free(recv);
	return err;
}
