// SPDX-License-Identifier: GPL-2.0
/*
 * svg.c - distribution trees and usage charts as inline SVG.  Colours and
 * fonts come from the page's stylesheet (classes), so the pictures need
 * no style attributes, which the page's Content-Security-Policy forbids.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "svg.h"

/* tree geometry, in SVG user units (CSS pixels at scale 1) */
#define BOX_W	120
#define BOX_H	38
#define SLOT_W	136
#define ROW_H	84
#define MARGIN	12
#define NAME_MAX 14	/* bytes of a name shown in a box; <title> has it all */

struct layout {
	const struct svg_node *nodes;
	size_t n;
	bool *seen;
	unsigned *depth;
	double *x;
	unsigned next;		/* next free leaf slot */
	unsigned maxdepth;
};

static size_t node_index(const struct layout *l, uint32_t site)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->nodes[i].site == site)
			return i;
	return l->n;
}

/* Beyond this many leaves under one sender, they wrap into more rows:
 * a star of 100 receivers stays readable at the page's width. */
#define LEAF_COLS 8

static void place_leaf(struct layout *l, size_t c, double x, unsigned depth)
{
	l->seen[c] = true;
	l->depth[c] = depth;
	l->x[c] = x;
	if (depth > l->maxdepth)
		l->maxdepth = depth;
}

/* Leaf children of i: one row, or a grid LEAF_COLS wide when they are
 * many (its own slots, so it overlaps nothing).  Their span in *first,
 * *last. */
static void place_leaves(struct layout *l, size_t i, unsigned depth,
			 double *first, double *last)
{
	const struct svg_node *nd = &l->nodes[i];
	unsigned start = l->next, nleaves = 0, k;
	size_t c;

	for (k = 0; k < nd->nout; k++) {
		c = node_index(l, nd->out[k]);
		if (c < l->n && !l->seen[c] && !l->nodes[c].nout)
			nleaves++;
	}
	if (!nleaves)
		return;
	for (k = 0, nleaves = nleaves > LEAF_COLS ? LEAF_COLS : nleaves,
	     c = 0; k < nd->nout; k++) {
		size_t j = node_index(l, nd->out[k]);

		if (j == l->n || l->seen[j] || l->nodes[j].nout)
			continue;
		place_leaf(l, j, start + (unsigned)(c % nleaves),
			   depth + (unsigned)(c / nleaves));
		c++;
	}
	l->next = start + nleaves;
	if (*first < 0)
		*first = start;
	*last = start + nleaves - 1;
}

/*
 * Classic tidy layout: leaves take the next slot left to right in
 * depth-first order, a parent sits over the middle of its children, so
 * subtrees never cross.  Depth is bounded by the number of nodes.
 */
static double place(struct layout *l, size_t i, unsigned depth)
{
	const struct svg_node *nd = &l->nodes[i];
	double first = -1, last = -1;
	size_t k;

	l->seen[i] = true;
	l->depth[i] = depth;
	if (depth > l->maxdepth)
		l->maxdepth = depth;
	/* senders first, then the leaves in a row or grid of their own */
	for (k = 0; k < nd->nout; k++) {
		size_t c = node_index(l, nd->out[k]);
		double x;

		if (c == l->n || l->seen[c] || !l->nodes[c].nout)
			continue;
		x = place(l, c, depth + 1);
		if (first < 0)
			first = x;
		last = x;
	}
	place_leaves(l, i, depth + 1, &first, &last);
	l->x[i] = first < 0 ? l->next++ : (first + last) / 2;
	return l->x[i];
}

static double px(const struct layout *l, size_t i)
{
	return MARGIN + l->x[i] * SLOT_W + BOX_W / 2.0;
}

static double py(const struct layout *l, size_t i)
{
	return MARGIN + l->depth[i] * (double)ROW_H;
}

static const char *node_class(const struct svg_node *nd)
{
	if (nd->origin)
		return "origin";
	if (nd->local && nd->nout)
		return "relay receiver";
	return nd->local ? "receiver" : "relay";
}

static void draw_edges(FILE *f, const struct layout *l, unsigned uid)
{
	size_t i, k;

	for (i = 0; i < l->n; i++) {
		const struct svg_node *nd = &l->nodes[i];

		for (k = 0; k < nd->nout; k++) {
			size_t c = node_index(l, nd->out[k]);

			if (c == l->n)
				continue;
			fprintf(f, "<g class=\"edge\" data-from=\"%" PRIu32
				"\" data-to=\"%" PRIu32 "\"><title>",
				nd->site, nd->out[k]);
			html_esc(f, nd->name);
			fputs(" \xe2\x86\x92 ", f);
			html_esc(f, l->nodes[c].name);
			fprintf(f, "</title><line x1=\"%.1f\" y1=\"%.1f\" "
				"x2=\"%.1f\" y2=\"%.1f\" "
				"marker-end=\"url(#arrow%u)\"/></g>\n",
				px(l, i), py(l, i) + BOX_H, px(l, c),
				py(l, c) - 2, uid);
		}
	}
}

static void draw_nodes(FILE *f, const struct layout *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct svg_node *nd = &l->nodes[i];
		double x = px(l, i), y = py(l, i);

		fprintf(f, "<g class=\"node %s\" data-site=\"%" PRIu32
			"\"><title>", node_class(nd), nd->site);
		html_esc(f, nd->name);
		fprintf(f, " (site %" PRIu32 ", %s)</title>", nd->site,
			node_class(nd));
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" "
			"height=\"%d\" rx=\"6\"/>", x - BOX_W / 2.0, y, BOX_W,
			BOX_H);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", x, y + 16);
		html_esc_max(f, nd->name, NAME_MAX);
		fprintf(f, "</text><text class=\"id\" x=\"%.1f\" y=\"%.1f\">"
			"site %" PRIu32 "</text></g>\n", x, y + 31, nd->site);
	}
}

void svg_tree(FILE *f, const struct svg_node *nodes, size_t n, unsigned uid)
{
	struct layout l = { .nodes = nodes, .n = n };
	size_t i;
	int w, h;

	l.seen = calloc(n ? n : 1, sizeof(*l.seen));
	l.depth = calloc(n ? n : 1, sizeof(*l.depth));
	l.x = calloc(n ? n : 1, sizeof(*l.x));
	if (!l.seen || !l.depth || !l.x) {
		fputs("<p class=\"error\">out of memory drawing this "
		      "distribution</p>\n", f);
		goto out;
	}
	if (n)
		place(&l, 0, 0);
	/* sites no next hop reaches (none in a consistent view): a row of
	 * their own below, so that they still show */
	for (i = 0; i < n; i++)
		if (!l.seen[i])
			place(&l, i, l.maxdepth + 1);
	w = 2 * MARGIN + (int)(l.next ? l.next : 1) * SLOT_W - (SLOT_W - BOX_W);
	h = 2 * MARGIN + (int)l.maxdepth * ROW_H + BOX_H;
	fprintf(f, "<svg class=\"tree\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
		w, h, w, h);
	fprintf(f, "<defs><marker id=\"arrow%u\" viewBox=\"0 0 10 10\" "
		"refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
		"orient=\"auto\"><path class=\"arrow\" d=\"M0,0 L10,5 L0,10 z\"/>"
		"</marker></defs>\n", uid);
	draw_edges(f, &l, uid);
	draw_nodes(f, &l);
	fputs("</svg>\n", f);
out:
	free(l.seen);
	free(l.depth);
	free(l.x);
}

void svg_bytes(char *buf, size_t len, uint64_t v)
{
	static const char *const unit[] = { "B", "kB", "MB", "GB", "TB",
					    "PB", "EB" };
	double d = (double)v;
	unsigned u = 0;

	while (d >= 1000 && u < sizeof(unit) / sizeof(unit[0]) - 1) {
		d /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%" PRIu64 " B", v);
	else
		snprintf(buf, len, "%.*f %s", d < 10 ? 2 : d < 100 ? 1 : 0, d,
			 unit[u]);
}

/* chart geometry */
#define CH_LEFT		64
#define CH_TOP		10
#define CH_PLOT_H	110
#define CH_BAR_W	7
#define CH_HOUR_W	18
#define CH_BOTTOM	24

static void hour_label(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%H:00Z", &tm);
}

static void draw_bar(FILE *f, const char *cls, double x, uint64_t v,
		     uint64_t max, int64_t hour)
{
	double bh = max ? (double)v / (double)max * CH_PLOT_H : 0;
	char b[32], t[16];

	if (!v)
		return;
	if (bh < 1)
		bh = 1;		/* traffic there was: never invisible */
	svg_bytes(b, sizeof(b), v);
	hour_label(t, sizeof(t), hour);
	fprintf(f, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%d\" "
		"height=\"%.1f\"><title>%s %s: %s</title></rect>\n", cls, x,
		CH_TOP + CH_PLOT_H - bh, CH_BAR_W, bh, t,
		strcmp(cls, "sent") ? "received" : "sent", b);
}

void svg_usage_chart(FILE *f, const uint64_t *sent, const uint64_t *received,
		     size_t n, int64_t first_hour)
{
	uint64_t max = 0, tsent = 0, trecv = 0;
	int w = CH_LEFT + (int)n * CH_HOUR_W + 8;
	int h = CH_TOP + CH_PLOT_H + CH_BOTTOM;
	char b[32], t[16];
	size_t i;

	for (i = 0; i < n; i++) {
		if (sent[i] > max)
			max = sent[i];
		if (received[i] > max)
			max = received[i];
		tsent = tsent + sent[i] < tsent ? UINT64_MAX : tsent + sent[i];
		trecv = trecv + received[i] < trecv ? UINT64_MAX :
			trecv + received[i];
	}
	fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"data-sent=\"%" PRIu64 "\" data-received=\"%" PRIu64 "\">\n",
		w, h, w, h, tsent, trecv);
	svg_bytes(b, sizeof(b), max);
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		"y2=\"%d\"/><line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
		"y2=\"%d\"/>\n", CH_LEFT, CH_TOP + CH_PLOT_H, w - 4,
		CH_TOP + CH_PLOT_H, CH_LEFT, CH_TOP, w - 4, CH_TOP);
	fprintf(f, "<text class=\"ylabel\" x=\"%d\" y=\"%d\">%s</text>"
		"<text class=\"ylabel\" x=\"%d\" y=\"%d\">0</text>\n",
		CH_LEFT - 6, CH_TOP + 4, max ? b : "", CH_LEFT - 6,
		CH_TOP + CH_PLOT_H + 4);
	for (i = 0; i < n; i++) {
		double x = CH_LEFT + 2 + (double)i * CH_HOUR_W;
		int64_t hour = first_hour + (int64_t)i * 3600;

		draw_bar(f, "sent", x, sent[i], max, hour);
		draw_bar(f, "received", x + CH_BAR_W, received[i], max, hour);
		if (i % 6 == 0 || i == n - 1) {
			hour_label(t, sizeof(t), hour);
			fprintf(f, "<text class=\"xlabel\" x=\"%.1f\" y=\"%d\">"
				"%s</text>\n", x + CH_BAR_W, h - 6, t);
		}
	}
	if (!max)
		fprintf(f, "<text class=\"empty\" x=\"%d\" y=\"%d\">no traffic "
			"reported</text>\n", CH_LEFT + 12, CH_TOP + CH_PLOT_H / 2);
	fputs("</svg>\n", f);
}
