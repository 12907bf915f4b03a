/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's objects (nl.h) as JSON (json.h): counters as an object with
 * every counter, a route as ivgmptool -j route show prints it.
 */
#ifndef IVGMP_NL_JSON_H
#define IVGMP_NL_JSON_H

#include "json.h"
#include "nl.h"

void nl_counters_json(struct json *j, const char *key,
		      const struct ivgmp_counters *c);
void nl_route_json(struct json *j, const struct ivgmp_route_info *r);

#endif /* IVGMP_NL_JSON_H */
