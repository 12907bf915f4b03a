// SPDX-License-Identifier: GPL-2.0
/*
 * svg.h - the operator page's pictures, as inline SVG: a distribution tree
 * (which site sends to which) and an hourly usage chart.  Pure output:
 * callers give plain arrays, nothing here knows the VNOC's state.
 */
#ifndef VNOC_SVG_H
#define VNOC_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Beyond this many sites a distribution is listed, not drawn. */
#define SVG_TREE_MAX_NODES	128

struct svg_node {
	uint32_t site;
	const char *name;
	bool origin;
	bool local;		/* delivers on its own LAN (a receiver) */
	size_t nout;
	const uint32_t *out;	/* next hops: sites it sends to */
};

/*
 * Draws nodes[0] (the origin) at the top and every site below the one
 * that sends to it.  Each edge is a <g class="edge" data-from data-to>,
 * each site a <g class="node" data-site>: the page's test reads them back.
 * uid keeps marker ids unique in the page.
 */
void svg_tree(FILE *f, const struct svg_node *nodes, size_t n, unsigned uid);

/* Two bar series per hour (bytes sent, bytes received), oldest first;
 * first_hour labels the first bar (Unix seconds). */
void svg_usage_chart(FILE *f, const uint64_t *sent, const uint64_t *received,
		     size_t n, int64_t first_hour);

/* "1.5 MB" (powers of 1000, as link rates are read). */
void svg_bytes(char *buf, size_t len, uint64_t v);

#endif
