// SPDX-License-Identifier: GPL-2.0
/* Liveness of local senders, also behind routes without next hops. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "senders.h"

static void mapped(struct in6_addr *out, const struct ivgmp_addr *a)
{
	memset(out, 0, sizeof(*out));
	if (a->family == AF_INET)
		mc_addr_from_v4(out, a->v4.s_addr);
	else if (a->family == AF_INET6)
		*out = a->v6;
}

void senders_init(struct senders *s, uint64_t silence_ms)
{
	memset(s, 0, sizeof(*s));
	s->silence_ms = silence_ms;
}

void senders_fini(struct senders *s)
{
	free(s->q);
	s->q = NULL;
	s->nq = 0;
}

static bool has_kernel_sender(struct groups *gs, uint32_t vpn,
			      const struct in6_addr *g)
{
	struct interest *in = groups_find(gs, vpn, g);
	const struct contrib *c;

	for (c = in ? in->c[ROLE_SENDER] : NULL; c; c = c->next)
		if (c->kind == CONTRIB_KERNEL)
			return true;
	return false;
}

/*
 * A sign of life for the route's group: its kernel contributions are
 * extended, or one is created (after an agent restart there are none).
 */
static void alive(struct senders *s, struct groups *gs,
		  const struct ivgmp_route_info *r, uint64_t now, bool extend)
{
	uint64_t until = now + s->silence_ms;
	struct in6_addr g, src;
	struct interest *in;
	struct contrib *c;

	mapped(&g, &r->group);
	if (has_kernel_sender(gs, r->vpn, &g)) {
		if (!extend)
			return;
		in = groups_find(gs, r->vpn, &g);
		for (c = in->c[ROLE_SENDER]; c; c = c->next)
			if (c->kind == CONTRIB_KERNEL)
				c->expires = until;
		return;
	}
	mapped(&src, &r->source);
	groups_contrib_set(gs, r->vpn, &g, ROLE_SENDER, CONTRIB_KERNEL, &src,
			   until, 0, NULL);
}

/*
 * While a quiet route is in the kernel its sender can give no sign (no
 * counters, no NEW_SOURCE): that time is not silence. Its kernel
 * contributions last at least a silence from when the route went in, so
 * a route that gains its next hop late (the VNOC waits for the receiver
 * to apply its view first) finds its sender still there.
 */
static void unheard_until(struct groups *gs, const struct ivgmp_route_info *r,
			  uint64_t until)
{
	struct interest *in;
	struct in6_addr g;
	struct contrib *c;

	mapped(&g, &r->group);
	in = groups_find(gs, r->vpn, &g);
	for (c = in ? in->c[ROLE_SENDER] : NULL; c; c = c->next)
		if (c->kind == CONTRIB_KERNEL && c->expires < until)
			c->expires = until;
}

static struct quiet_route *quiet_find(const struct senders *s,
				      const struct ivgmp_route_info *r)
{
	size_t i;

	for (i = 0; i < s->nq; i++)
		if (!route_key_cmp(&s->q[i].key, r))
			return &s->q[i];
	return NULL;
}

static bool is_quiet(const struct ivgmp_route_info *r, uint32_t local)
{
	return local && r->origin == local && !r->n_nexthops;
}

int senders_scan(struct senders *s, struct groups *gs, const struct table *view,
		 const struct table *cur, const struct table *last,
		 uint32_t local, uint64_t now,
		 const struct ivgmp_route_info ***withhold, size_t *nwithhold)
{
	const struct ivgmp_route_info **out = NULL;
	struct quiet_route *q;
	size_t i, n = 0;

	*withhold = NULL;
	*nwithhold = 0;
	/* routes with next hops: moving counters are the sign */
	for (i = 0; local && i < cur->nroutes; i++) {
		const struct ivgmp_route_info *r = &cur->routes[i], *o;

		if (r->origin != local || !r->n_nexthops)
			continue;
		o = last->nroutes ? bsearch(r, last->routes, last->nroutes,
					    sizeof(*r), route_qcmp) : NULL;
		if (o ? r->stats.tx_packets > o->stats.tx_packets :
			r->stats.tx_packets > 0)
			alive(s, gs, r, now, true);
	}

	/* routes without: quiet for half the silence, then withheld */
	for (i = 0; i < s->nq; i++)
		s->q[i].seen = false;
	for (i = 0; i < view->nroutes; i++) {
		const struct ivgmp_route_info *r = &view->routes[i];

		if (!is_quiet(r, local))
			continue;
		q = quiet_find(s, r);
		if (!q) {
			q = realloc(s->q, (s->nq + 1) * sizeof(*q));
			if (!q)
				goto nomem;
			s->q = q;
			q = &s->q[s->nq++];
			memset(q, 0, sizeof(*q));
			q->key.vpn = r->vpn;
			q->key.origin = r->origin;
			q->key.group = r->group;
			q->key.source = r->source;
			q->since = now;
			/* first seen (an agent restart): a sign, not proof */
			alive(s, gs, r, now, false);
		}
		q->seen = true;
		if (!q->withheld)
			unheard_until(gs, r, q->since + s->silence_ms);
		if (q->withheld || now - q->since < s->silence_ms / 2)
			continue;
		if (!out) {
			out = calloc(view->nroutes, sizeof(*out));
			if (!out)
				goto nomem;
		}
		q->withheld = true;
		out[n++] = r;
	}
	/* left the view, or gained next hops: not ours to watch any more */
	for (i = 0; i < s->nq;) {
		if (s->q[i].seen)
			i++;
		else
			s->q[i] = s->q[--s->nq];
	}
	*withhold = out;
	*nwithhold = n;
	return 0;
nomem:
	/* nothing withheld this time: the routes stay as they are */
	for (i = 0; i < n; i++) {
		q = quiet_find(s, out[i]);
		if (q)
			q->withheld = false;
	}
	free(out);
	return -ENOMEM;
}

size_t senders_event(struct senders *s, struct groups *gs, uint32_t vpn,
		     const struct ivgmp_addr *group,
		     const struct ivgmp_addr *source, uint64_t now,
		     const struct ivgmp_route_info **reinstall, size_t max,
		     int *err, bool *fresh)
{
	struct in6_addr g, src;
	struct interest *in;
	const struct contrib *c;
	size_t i, n = 0;

	mapped(&g, group);
	mapped(&src, source);
	*fresh = true;
	in = groups_find(gs, vpn, &g);
	for (c = in ? in->c[ROLE_SENDER] : NULL; c; c = c->next)
		if (c->kind == CONTRIB_KERNEL &&
		    !memcmp(&c->who, &src, sizeof(src)))
			*fresh = false;
	*err = groups_contrib_set(gs, vpn, &g, ROLE_SENDER, CONTRIB_KERNEL,
				  &src, now + s->silence_ms, 0, NULL);
	for (i = 0; i < s->nq; i++) {
		struct quiet_route *q = &s->q[i];

		/* one the caller cannot restore stays withheld: next event */
		if (n == max || !q->withheld || q->key.vpn != vpn ||
		    !addr_equal(&q->key.group, group) ||
		    (!addr_is_unspec(&q->key.source) &&
		     !addr_equal(&q->key.source, source)))
			continue;
		q->withheld = false;
		q->since = now;
		reinstall[n++] = &q->key;
	}
	return n;
}

bool senders_withheld(const struct senders *s,
		      const struct ivgmp_route_info *r)
{
	const struct quiet_route *q;

	/* a route with next hops is counted: never withheld */
	if (r->n_nexthops)
		return false;
	q = quiet_find(s, r);
	return q && q->withheld;
}

size_t senders_nwithheld(const struct senders *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nq; i++)
		n += s->q[i].withheld;
	return n;
}
