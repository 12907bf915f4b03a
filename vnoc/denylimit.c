// SPDX-License-Identifier: GPL-2.0
/*
 * denylimit.c - rate limit on the audit records of denied joins
 * (denylimit.h).  One fixed window per recently denied site, kept in an
 * array sorted by site id: only sites with a certificate of ours can be
 * denied, so the table is bounded by the number of sites.
 */
#include <stdlib.h>
#include <string.h>

#include "denylimit.h"

void vnoc_deny_limit_init(struct vnoc_deny_limit *l, unsigned limit,
			  unsigned period)
{
	memset(l, 0, sizeof(*l));
	l->limit = limit;
	l->period = period;
}

void vnoc_deny_limit_free(struct vnoc_deny_limit *l)
{
	free(l->w);
	l->w = NULL;
	l->n = l->cap = 0;
}

/* Index of site, or of where it would go (*found false). */
static size_t find(const struct vnoc_deny_limit *l, uint32_t site,
		   bool *found)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->w[mid].site < site)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < l->n && l->w[lo].site == site;
	return lo;
}

/* A window is over after period seconds, or when the clock went back. */
static bool ended(const struct vnoc_deny_limit *l,
		  const struct vnoc_deny_window *w, int64_t now)
{
	return now < w->start || (uint64_t)(now - w->start) >= l->period;
}

static void summarize(const struct vnoc_deny_window *w,
		      struct vnoc_deny_summary *s)
{
	s->site = w->site;
	s->suppressed = w->suppressed;
	s->from = w->start;
	s->to = w->last;
}

bool vnoc_deny_limit_hit(struct vnoc_deny_limit *l, uint32_t site,
			 int64_t now, struct vnoc_deny_summary *prev)
{
	struct vnoc_deny_window *w;
	bool found;
	size_t i;

	memset(prev, 0, sizeof(*prev));
	if (!l->limit)
		return true;
	i = find(l, site, &found);
	if (!found) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct vnoc_deny_window *nw;

			nw = realloc(l->w, cap * sizeof(*nw));
			if (!nw)
				return true;
			l->w = nw;
			l->cap = cap;
		}
		memmove(l->w + i + 1, l->w + i, (l->n - i) * sizeof(*l->w));
		l->n++;
		memset(&l->w[i], 0, sizeof(l->w[i]));
		l->w[i].site = site;
		l->w[i].start = now;
	}
	w = &l->w[i];
	if (found && ended(l, w, now)) {
		if (w->suppressed)
			summarize(w, prev);
		w->start = now;
		w->audited = 0;
		w->suppressed = 0;
	}
	if (w->audited < l->limit) {
		w->audited++;
		return true;
	}
	w->suppressed++;
	w->last = now;
	return false;
}

size_t vnoc_deny_limit_expire(struct vnoc_deny_limit *l, int64_t now,
			      struct vnoc_deny_summary *out, size_t max)
{
	size_t i, keep = 0, n = 0;

	for (i = 0; i < l->n; i++) {
		struct vnoc_deny_window *w = &l->w[i];

		if (!ended(l, w, now) || (w->suppressed && n == max)) {
			l->w[keep++] = *w;
			continue;
		}
		if (w->suppressed)
			summarize(w, &out[n++]);
	}
	l->n = keep;
	return n;
}
