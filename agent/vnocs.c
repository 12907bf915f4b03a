// SPDX-License-Identifier: GPL-2.0
/* Failover between several VNOCs (vnocs.h). */
#include "vnocs.h"

void vnocs_init(struct vnocs *v, unsigned int n)
{
	v->n = n;
	v->cur = 0;
	v->fails = 0;
	v->failovers = 0;
}

bool vnocs_failed(struct vnocs *v, unsigned int idx)
{
	if (idx != v->cur)
		return false;
	if (v->fails < UINT32_MAX)
		v->fails++;
	if (v->n < 2)
		return false;
	v->cur = (v->cur + 1) % v->n;
	v->failovers++;
	return true;
}

void vnocs_ok(struct vnocs *v, unsigned int idx)
{
	if (idx == v->cur)
		v->fails = 0;
}

uint64_t vnocs_backoff_ms(uint32_t fails, unsigned int n, uint64_t min_ms,
			  uint64_t max_ms, uint32_t rnd)
{
	uint32_t rounds = n && fails ? (fails - 1) / n : 0;
	uint64_t d = min_ms;

	if (max_ms < min_ms)
		max_ms = min_ms;
	while (rounds-- && d < max_ms)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	return d / 2 + rnd % (d / 2 + 1);
}
