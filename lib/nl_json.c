// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's objects as JSON, one way for every program that prints
 * them (ivgmptool -j, ivgmp-agent status -j).
 */
#include "addr.h"
#include "nl_json.h"

void nl_counters_json(struct json *j, const char *key,
		      const struct ivgmp_counters *c)
{
	static const char *const names[IVGMP_STATS_A_MAX + 1] = {
		[IVGMP_STATS_A_TX_PACKETS] = "tx_packets",
		[IVGMP_STATS_A_TX_BYTES] = "tx_bytes",
		[IVGMP_STATS_A_RX_PACKETS] = "rx_packets",
		[IVGMP_STATS_A_RX_BYTES] = "rx_bytes",
		[IVGMP_STATS_A_DELIVERED] = "delivered",
		[IVGMP_STATS_A_RELAYED] = "relayed",
	};
	const uint64_t vals[IVGMP_STATS_A_MAX + 1] = {
		[IVGMP_STATS_A_TX_PACKETS] = c->tx_packets,
		[IVGMP_STATS_A_TX_BYTES] = c->tx_bytes,
		[IVGMP_STATS_A_RX_PACKETS] = c->rx_packets,
		[IVGMP_STATS_A_RX_BYTES] = c->rx_bytes,
		[IVGMP_STATS_A_DELIVERED] = c->delivered,
		[IVGMP_STATS_A_RELAYED] = c->relayed,
	};
	unsigned int i;

	json_obj_open(j, key);
	/* Always every counter, so scripts need not test for presence. */
	for (i = 0; i <= IVGMP_STATS_A_MAX; i++)
		if (names[i])
			json_uint(j, names[i], vals[i]);
	json_obj_close(j);
}

void nl_route_json(struct json *j, const struct ivgmp_route_info *r)
{
	char buf[ADDR_STRLEN];
	unsigned int i;

	json_obj_open(j, NULL);
	json_uint(j, "vpn", r->vpn);
	json_str(j, "group", addr_ntop(&r->group, buf, sizeof(buf)));
	if (addr_is_unspec(&r->source))
		json_null(j, "source");
	else
		json_str(j, "source", addr_ntop(&r->source, buf, sizeof(buf)));
	json_uint(j, "origin", r->origin);
	json_uint(j, "flags", r->flags);
	json_bool(j, "deliver_local", r->flags & IVGMP_ROUTE_F_DELIVER_LOCAL);
	json_arr_open(j, "nexthops");
	for (i = 0; i < r->n_nexthops; i++) {
		json_obj_open(j, NULL);
		json_uint(j, "site", r->nexthops[i].site);
		nl_counters_json(j, "stats", &r->nexthops[i].stats);
		json_obj_close(j);
	}
	json_arr_close(j);
	nl_counters_json(j, "stats", &r->stats);
	json_obj_close(j);
}
