// SPDX-License-Identifier: GPL-2.0
/* Site-wide group interest and its synchronisation with the VNOC. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"

static void want_clear(struct want *w)
{
	free(w->src);
	memset(w, 0, sizeof(*w));
}

static int want_copy(struct want *dst, const struct want *src)
{
	struct in6_addr *s = NULL;

	if (src->nsrc) {
		s = malloc(src->nsrc * sizeof(*s));
		if (!s)
			return -ENOMEM;
		memcpy(s, src->src, src->nsrc * sizeof(*s));
	}
	free(dst->src);
	*dst = *src;
	dst->src = s;
	return 0;
}

bool want_equal(const struct want *a, const struct want *b)
{
	if (a->present != b->present)
		return false;
	if (!a->present)
		return true;
	return a->nsrc == b->nsrc && (!a->nsrc ||
	       !memcmp(a->src, b->src, a->nsrc * sizeof(*a->src)));
}

void groups_who_ifindex(struct in6_addr *who, uint32_t ifindex)
{
	memset(who, 0, sizeof(*who));
	memcpy(&who->s6_addr[12], &ifindex, sizeof(ifindex));
}

static uint32_t default_rand(void)
{
	return (uint32_t)random();
}

/* A change the VNOC has not seen yet, and was not refused before. */
static bool needs_req(const struct interest *in, int r)
{
	const struct want *w = &in->want[r];

	if (in->sync[r] != SYNC_IDLE || want_equal(w, &in->acked[r]))
		return false;
	return !(w->present && in->denied[r].present &&
		 want_equal(w, &in->denied[r]));
}

void groups_init(struct groups *gs, uint32_t max)
{
	memset(gs, 0, sizeof(*gs));
	gs->max = max;
	gs->backoff_min_ms = 1000;
	gs->backoff_max_ms = 60000;
	gs->rand = default_rand;
}

static void contrib_free(struct contrib *c)
{
	free(c->src);
	free(c);
}

static void interest_free(struct interest *in)
{
	struct contrib *c, *n;
	int r;

	for (r = 0; r < ROLE_MAX; r++) {
		for (c = in->c[r]; c; c = n) {
			n = c->next;
			contrib_free(c);
		}
		want_clear(&in->want[r]);
		want_clear(&in->acked[r]);
		want_clear(&in->denied[r]);
		free(in->deny_reason[r]);
	}
	free(in);
}

void groups_fini(struct groups *gs)
{
	struct interest *in, *n;

	for (in = gs->list; in; in = n) {
		n = in->next;
		interest_free(in);
	}
	gs->list = NULL;
	gs->count = 0;
}

struct interest *groups_find(struct groups *gs, uint32_t vpn,
			     const struct in6_addr *group)
{
	struct interest *in;

	for (in = gs->list; in; in = in->next)
		if (in->vpn == vpn && !memcmp(&in->group, group, sizeof(*group)))
			return in;
	return NULL;
}

static int addr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

/* Sorted, without duplicates. */
static uint16_t sort_unique(struct in6_addr *a, uint16_t n)
{
	uint16_t i, o = 0;

	if (n)
		qsort(a, n, sizeof(*a), addr_cmp);
	for (i = 0; i < n; i++)
		if (!o || memcmp(&a[o - 1], &a[i], sizeof(*a)))
			a[o++] = a[i];
	return o;
}

/*
 * Receivers: any contribution without sources wants every source (ASM);
 * otherwise the union of the SSM lists.  Senders: the local sources seen.
 */
static void recompute(struct interest *in, int role)
{
	struct want w = { 0 };
	struct contrib *c;
	bool any = false;
	size_t n = 0;

	for (c = in->c[role]; c; c = c->next) {
		w.present = true;
		if (role == ROLE_RECEIVER) {
			if (!c->nsrc)
				any = true;
			n += c->nsrc;
		} else if (c->kind == CONTRIB_KERNEL &&
			   !IN6_IS_ADDR_UNSPECIFIED(&c->who)) {
			n++;
		}
	}
	if (w.present && !any && n && n <= UINT16_MAX) {
		w.src = malloc(n * sizeof(*w.src));
		if (w.src) {
			for (c = in->c[role]; c; c = c->next) {
				if (role == ROLE_RECEIVER) {
					if (c->nsrc)
						memcpy(w.src + w.nsrc, c->src,
						       c->nsrc * sizeof(*w.src));
					w.nsrc = (uint16_t)(w.nsrc + c->nsrc);
				} else if (c->kind == CONTRIB_KERNEL &&
					   !IN6_IS_ADDR_UNSPECIFIED(&c->who)) {
					w.src[w.nsrc++] = c->who;
				}
			}
			w.nsrc = sort_unique(w.src, w.nsrc);
		}
	}
	want_clear(&in->want[role]);
	in->want[role] = w;
}

static bool interest_idle(const struct interest *in)
{
	int r;

	for (r = 0; r < ROLE_MAX; r++)
		if (in->c[r] || in->acked[r].present ||
		    in->sync[r] == SYNC_INFLIGHT)
			return false;
	return true;
}

static void interest_gc(struct groups *gs, struct interest *in)
{
	struct interest **pp;

	if (!interest_idle(in))
		return;
	for (pp = &gs->list; *pp; pp = &(*pp)->next) {
		if (*pp == in) {
			*pp = in->next;
			gs->count--;
			interest_free(in);
			return;
		}
	}
}

int groups_contrib_set(struct groups *gs, uint32_t vpn,
		       const struct in6_addr *group, int role, uint8_t kind,
		       const struct in6_addr *who, uint64_t expires,
		       uint16_t nsrc, const struct in6_addr *src)
{
	struct interest *in = groups_find(gs, vpn, group);
	struct contrib *c;
	struct in6_addr *copy = NULL;

	if (role < 0 || role >= ROLE_MAX)
		return -EINVAL;
	if (!in) {
		if (gs->count >= gs->max)
			return -ENOSPC;
		in = calloc(1, sizeof(*in));
		if (!in)
			return -ENOMEM;
		in->vpn = vpn;
		in->group = *group;
		in->next = gs->list;
		gs->list = in;
		gs->count++;
	}
	if (nsrc) {
		copy = malloc(nsrc * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, src, nsrc * sizeof(*copy));
	}
	for (c = in->c[role]; c; c = c->next)
		if (c->kind == kind && !memcmp(&c->who, who, sizeof(*who)))
			break;
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			free(copy);
			interest_gc(gs, in);
			return -ENOMEM;
		}
		c->kind = kind;
		c->who = *who;
		c->next = in->c[role];
		in->c[role] = c;
	}
	free(c->src);
	c->src = copy;
	c->nsrc = nsrc;
	c->expires = expires;
	recompute(in, role);
	return 0;
}

static bool contrib_unlink(struct interest *in, int role, uint8_t kind,
			   const struct in6_addr *who)
{
	struct contrib **pp, *c;

	for (pp = &in->c[role]; (c = *pp); pp = &c->next) {
		if (c->kind == kind && !memcmp(&c->who, who, sizeof(*who))) {
			*pp = c->next;
			contrib_free(c);
			recompute(in, role);
			return true;
		}
	}
	return false;
}

int groups_contrib_del(struct groups *gs, uint32_t vpn,
		       const struct in6_addr *group, int role, uint8_t kind,
		       const struct in6_addr *who)
{
	struct interest *in = groups_find(gs, vpn, group);

	if (!in || role < 0 || role >= ROLE_MAX ||
	    !contrib_unlink(in, role, kind, who))
		return -ENOENT;
	interest_gc(gs, in);
	return 0;
}

void groups_contrib_flush(struct groups *gs, uint8_t kind,
			  const struct in6_addr *who)
{
	struct interest *in, *n;
	int r;

	for (in = gs->list; in; in = n) {
		n = in->next;
		for (r = 0; r < ROLE_MAX; r++)
			contrib_unlink(in, r, kind, who);
		interest_gc(gs, in);
	}
}

static uint64_t earlier(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

uint64_t groups_tick(struct groups *gs, uint64_t now)
{
	struct interest *in, *n;
	struct contrib **pp, *c;
	int r;

	for (in = gs->list; in; in = n) {
		n = in->next;
		for (r = 0; r < ROLE_MAX; r++) {
			bool changed = false;

			for (pp = &in->c[r]; (c = *pp);) {
				if (c->expires && c->expires <= now) {
					*pp = c->next;
					contrib_free(c);
					changed = true;
				} else {
					pp = &c->next;
				}
			}
			if (changed)
				recompute(in, r);
		}
		interest_gc(gs, in);
	}
	return groups_next_event(gs);
}

uint64_t groups_next_event(const struct groups *gs)
{
	const struct interest *in;
	const struct contrib *c;
	uint64_t t = 0;
	int r;

	for (in = gs->list; in; in = in->next) {
		for (r = 0; r < ROLE_MAX; r++) {
			for (c = in->c[r]; c; c = c->next)
				t = earlier(t, c->expires);
			if (needs_req(in, r))
				t = earlier(t, in->retry_at[r] ? in->retry_at[r] : 1);
		}
	}
	return t;
}

uint64_t groups_next_expiry(const struct groups *gs)
{
	const struct interest *in;
	const struct contrib *c;
	uint64_t t = 0;
	int r;

	for (in = gs->list; in; in = in->next)
		for (r = 0; r < ROLE_MAX; r++)
			for (c = in->c[r]; c; c = c->next)
				t = earlier(t, c->expires);
	return t;
}

struct vnoc_req *groups_next_req(struct groups *gs, uint64_t now)
{
	struct interest *in;
	struct vnoc_req *req;
	int r;

	for (in = gs->list; in; in = in->next) {
		for (r = 0; r < ROLE_MAX; r++) {
			const struct want *w = &in->want[r];

			/* a refused join is not asked again until it changes */
			if (!needs_req(in, r) || in->retry_at[r] > now)
				continue;
			req = calloc(1, sizeof(*req));
			if (!req)
				return NULL;
			req->join = w->present;
			req->role = (uint8_t)r;
			req->vpn = in->vpn;
			req->group = in->group;
			if (w->present && w->nsrc) {
				req->src = malloc(w->nsrc * sizeof(*req->src));
				if (!req->src) {
					free(req);
					return NULL;
				}
				memcpy(req->src, w->src,
				       w->nsrc * sizeof(*req->src));
				req->nsrc = w->nsrc;
			}
			in->sync[r] = SYNC_INFLIGHT;
			return req;
		}
	}
	return NULL;
}

/* Exponential backoff with full jitter in its upper half. */
static uint64_t backoff(struct groups *gs, uint32_t failures)
{
	uint64_t d = gs->backoff_min_ms;

	while (failures-- > 1 && d < gs->backoff_max_ms)
		d *= 2;
	if (d > gs->backoff_max_ms)
		d = gs->backoff_max_ms;
	return d / 2 + (gs->rand ? gs->rand() % (d / 2 + 1) : 0);
}

void groups_req_done(struct groups *gs, const struct vnoc_req *r,
		     enum req_result res, const char *reason, uint64_t now)
{
	struct interest *in = groups_find(gs, r->vpn, &r->group);
	struct want sent = {
		.present = r->join, .nsrc = r->nsrc, .src = r->src,
	};
	int role = r->role;

	if (!in)
		return;
	in->sync[role] = SYNC_IDLE;
	switch (res) {
	case REQ_OK:
		in->failures[role] = 0;
		in->retry_at[role] = 0;
		want_copy(&in->acked[role], &sent);
		want_clear(&in->denied[role]);
		free(in->deny_reason[role]);
		in->deny_reason[role] = NULL;
		break;
	case REQ_DENIED:
		/* no branch exists: what the VNOC has is "not a member" */
		in->failures[role] = 0;
		in->retry_at[role] = 0;
		want_clear(&in->acked[role]);
		want_copy(&in->denied[role], &sent);
		free(in->deny_reason[role]);
		in->deny_reason[role] = strdup(reason ? reason : "denied");
		break;
	case REQ_FAILED:
		in->failures[role]++;
		in->retry_at[role] = now + backoff(gs, in->failures[role]);
		break;
	}
	interest_gc(gs, in);
}

void vnoc_req_free(struct vnoc_req *r)
{
	if (r) {
		free(r->src);
		free(r);
	}
}

void groups_resync(struct groups *gs)
{
	struct interest *in, *n;
	int r;

	for (in = gs->list; in; in = n) {
		n = in->next;
		for (r = 0; r < ROLE_MAX; r++) {
			want_clear(&in->acked[r]);
			want_clear(&in->denied[r]);
			in->retry_at[r] = 0;
			in->failures[r] = 0;
		}
		interest_gc(gs, in);
	}
}

unsigned int groups_rejoin(struct groups *gs)
{
	struct interest *in;
	unsigned int n = 0;
	int r;

	for (in = gs->list; in; in = in->next)
		for (r = 0; r < ROLE_MAX; r++) {
			if (in->sync[r] != SYNC_IDLE || !in->want[r].present ||
			    !in->acked[r].present)
				continue;
			want_clear(&in->acked[r]);
			in->retry_at[r] = 0;
			n++;
		}
	return n;
}
