// SPDX-License-Identifier: GPL-2.0
/*
 * IPsec SA count per site for one sender and N-1 receivers, under each
 * topology, from the VNOC's own computation (vnoc/topology.c): a site keys
 * one connection per peer of its view, i.e. its parent and its next hops.
 * Built and run by ipsec-sa-count.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology.h"

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* peers[site] += parent and next hops, counted once per pair */
static void count(const struct vnoc_topo *t, uint32_t n, unsigned *sas)
{
	uint32_t *pairs = calloc(2 * n * 4 + 1, sizeof(*pairs) * 2);
	size_t np = 0, i, k;

	if (!pairs)
		exit(1);
	for (i = 0; i < t->n; i++)
		for (k = 0; k < t->e[i].nnexthops; k++) {
			uint32_t a = t->e[i].site, b = t->e[i].nexthops[k];

			pairs[2 * np] = a < b ? a : b;
			pairs[2 * np + 1] = a < b ? b : a;
			np++;
		}
	qsort(pairs, np, 2 * sizeof(*pairs), cmp_u32);	/* by lower id */
	for (i = 0; i < np; i++) {
		bool dup = false;

		for (k = i; k-- > 0 && pairs[2 * k] == pairs[2 * i];)
			if (pairs[2 * k + 1] == pairs[2 * i + 1])
				dup = true;
		if (dup)
			continue;
		sas[pairs[2 * i]]++;
		sas[pairs[2 * i + 1]]++;
	}
	free(pairs);
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)atoi(argv[1]) : 1000, i;
	unsigned nrefl = argc > 2 ? (unsigned)atoi(argv[2]) : 32;
	struct vnoc_topo_params p = { .default_fanout = 16, .max_depth = 4 };
	uint32_t *rcv = calloc(n, sizeof(*rcv));
	struct vnoc_relay *relays = calloc(n, sizeof(*relays));
	enum vnoc_mode modes[] = { VNOC_MODE_STAR, VNOC_MODE_REFLECTOR,
				   VNOC_MODE_TREE };
	size_t m;

	if (!rcv || !relays || n < 2)
		return 1;
	for (i = 0; i + 1 < n; i++)
		rcv[i] = i + 2;
	printf("%-10s %10s %14s %14s %12s %10s\n", "topology", "sender",
	       "receiver max", "receiver mean", "sites >1 SA", "overflow");
	for (m = 0; m < 3; m++) {
		unsigned *sas = calloc(n + 2, sizeof(*sas)), max = 0, multi = 0;
		size_t nrelays = 0;
		struct vnoc_topo t;
		double sum = 0;

		/* reflector: the first nrefl receivers reflect, each for up to
		 * n / nrefl + 1 others; tree: every receiver may relay, with
		 * the VNOC's default fan-out (16) and depth (4) */
		for (i = 0; i + 1 < n; i++) {
			if (modes[m] == VNOC_MODE_REFLECTOR && i < nrefl)
				relays[nrelays++] = (struct vnoc_relay){
					.site = rcv[i], .reflector = true,
					.fanout = n / nrefl + 1 };
			if (modes[m] == VNOC_MODE_TREE)
				relays[nrelays++] = (struct vnoc_relay){
					.site = rcv[i], .relay = true };
		}
		if (vnoc_topo_compute(modes[m], 1, rcv, n - 1, relays, nrelays,
				      &p, &t))
			return 1;
		count(&t, n + 1, sas);
		for (i = 2; i <= n; i++) {
			sum += sas[i];
			if (sas[i] > max)
				max = sas[i];
			if (sas[i] > 1)
				multi++;
		}
		printf("%-10s %10u %14u %14.2f %12u %10u\n",
		       vnoc_mode_name(modes[m]), sas[1], max, sum / (n - 1),
		       multi, t.overflow);
		vnoc_topo_free(&t);
		free(sas);
	}
	free(rcv);
	free(relays);
	return 0;
}
