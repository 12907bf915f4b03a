// SPDX-License-Identifier: GPL-2.0
/*
 * webdata.h - what the operator page reads from the database: usage per
 * site and per group over the last hours, and the recent denied joins.
 * Read on a connection of its own, without the server lock (like the
 * billing export): committed data only, and no request waits for it.
 */
#ifndef VNOC_WEBDATA_H
#define VNOC_WEBDATA_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

#define WEB_HOURS	24	/* usage charts: hour buckets shown */
#define WEB_DENIALS	50	/* recent denied joins listed */

/* Bytes per hour bucket, [0] the oldest; the last is the current hour. */
struct web_series {
	uint32_t site;		/* a site's series; 0 in a group's */
	uint32_t vpn;
	char group[VNOC_ADDRSTRLEN];
	uint64_t sent[WEB_HOURS];	/* routes whose origin is the site */
	uint64_t received[WEB_HOURS];	/* routes from other origins */
};

struct web_denial {
	int64_t time;
	char *actor;		/* certificate CN */
	char *action;		/* deny or deny-suppressed */
	char *detail;
	/* parsed from a deny record's detail; has_group false otherwise */
	int has_group;
	uint32_t site, vpn;
	char group[VNOC_ADDRSTRLEN];
	char role[16];
	const char *why;	/* into detail */
};

struct web_data {
	int64_t first_hour;	/* start of sent[0], Unix seconds */
	size_t nsites, ngroups;
	struct web_series *sites;	/* sorted by site */
	struct web_series *groups;	/* sorted by (vpn, group) text */
	size_t ndenials;
	struct web_denial denials[WEB_DENIALS];	/* newest first */
};

/* 0, or -1 with err set; *d is freed with web_data_free() either way. */
int web_data_load(const char *dbpath, int64_t now, struct web_data *d,
		  char *err, size_t errlen);
void web_data_free(struct web_data *d);

const struct web_series *web_site_series(const struct web_data *d,
					 uint32_t site);
const struct web_series *web_group_series(const struct web_data *d,
					  uint32_t vpn, const char *group);

#endif
