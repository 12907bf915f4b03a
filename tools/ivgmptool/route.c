// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ivgmptool route add|replace vpn V group G [source S] origin O
 *                             [deliver-local] [via SITE[,SITE...]]...
 *           route del vpn V group G [source S] origin O
 *           route show [vpn V] [group G] [source S] [origin O]
 *
 * With the whole key, `show` asks the kernel for that one route; with part
 * of it (or none) it dumps the table and filters here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ivgmptool.h"
#include "log.h"

void usage_route(void)
{
	fprintf(usage_out(),
		"  route add|replace vpn VPN group GROUP [source SOURCE] origin SITE\n"
		"                    [deliver-local] [via SITE[,SITE...]]...\n"
		"  route del vpn VPN group GROUP [source SOURCE] origin SITE\n"
		"  route show [vpn VPN] [group GROUP] [source SOURCE] [origin SITE]\n");
}

static int parse_via(const char *list, struct route_args *a)
{
	struct ivgmp_route_info *r = &a->route;
	char buf[32];
	const char *p = list, *comma;
	unsigned int i;
	uint32_t site;
	int err;

	if (!*list)
		return usage_error("via needs a site ID");
	for (;;) {
		size_t n;

		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof(buf))
			return usage_error("via: bad site ID in '%s'", list);
		memcpy(buf, p, n);
		buf[n] = '\0';
		err = parse_u32("via site ID", buf, 1, UINT32_MAX, &site);
		if (err)
			return err;
		for (i = 0; i < r->n_nexthops; i++)
			if (a->hops[i].site == site)
				return usage_error("via: site %u given twice",
						   site);
		if (r->n_nexthops >= IVGMP_MAX_NEXTHOPS)
			return usage_error("at most %d next hops",
					   IVGMP_MAX_NEXTHOPS);
		a->hops[r->n_nexthops++].site = site;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int route_parse(int argc, char **argv, struct route_args *a)
{
	struct ivgmp_route_info *r = &a->route;
	bool has_group = false, has_source = false;
	const char *val, *group_s = NULL;
	int i, err;

	memset(&a->route, 0, sizeof(a->route));
	a->has_vpn = a->has_origin = false;
	r->nexthops = a->hops;
	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		a->op = ROUTE_SHOW;
	else if (!strcmp(argv[0], "add"))
		a->op = ROUTE_ADD;
	else if (!strcmp(argv[0], "replace"))
		a->op = ROUTE_REPLACE;
	else if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete"))
		a->op = ROUTE_DEL;
	else
		return usage_error("unknown route command '%s'", argv[0]);

	for (i = 1; i < argc; i++) {
		const char *w = argv[i];
		bool modify = a->op == ROUTE_ADD || a->op == ROUTE_REPLACE;

		if (!strcmp(w, "deliver-local")) {
			if (!modify)
				return usage_error("'deliver-local' only goes with add or replace");
			if (r->flags & IVGMP_ROUTE_F_DELIVER_LOCAL)
				return usage_error("'deliver-local' given twice");
			r->flags |= IVGMP_ROUTE_F_DELIVER_LOCAL;
			continue;
		}
		err = next_arg(argc, argv, &i, &val);
		if (err)
			return err;
		if (!strcmp(w, "vpn")) {
			if (a->has_vpn)
				return usage_error("'vpn' given twice");
			a->has_vpn = true;
			err = parse_u32("vpn", val, 0, UINT32_MAX, &r->vpn);
		} else if (!strcmp(w, "group")) {
			if (has_group)
				return usage_error("'group' given twice");
			has_group = true;
			group_s = val;
			err = parse_addr_arg("group", val, AF_UNSPEC, &r->group);
			if (!err && !addr_is_multicast(&r->group))
				err = usage_error("group '%s' is not a multicast address",
						  val);
		} else if (!strcmp(w, "source")) {
			if (has_source)
				return usage_error("'source' given twice");
			has_source = true;
			err = parse_addr_arg("source", val, AF_UNSPEC,
					     &r->source);
			if (!err && !addr_is_unicast(&r->source))
				err = usage_error("source '%s' must be a unicast address",
						  val);
		} else if (!strcmp(w, "origin")) {
			if (a->has_origin)
				return usage_error("'origin' given twice");
			a->has_origin = true;
			err = parse_u32("origin site ID", val, 1, UINT32_MAX,
					&r->origin);
		} else if (!strcmp(w, "via")) {
			if (!modify)
				return usage_error("'via' only goes with add or replace");
			err = parse_via(val, a);
		} else {
			err = usage_error("unknown route option '%s'", w);
		}
		if (err)
			return err;
	}
	if (has_source && has_group && r->source.family != r->group.family)
		return usage_error("source and group '%s' are of different families",
				   group_s);
	if (a->op == ROUTE_SHOW)
		return 0;
	if (!a->has_vpn)
		return usage_error("route %s needs 'vpn VPN'", argv[0]);
	if (!has_group)
		return usage_error("route %s needs 'group GROUP'", argv[0]);
	if (!a->has_origin)
		return usage_error("route %s needs 'origin SITE'", argv[0]);
	if (a->op != ROUTE_DEL)
		r->has_nexthops = true;
	return 0;
}

static void route_print_text(const struct ivgmp_route_info *r)
{
	char g[ADDR_STRLEN], s[ADDR_STRLEN];
	unsigned int i;

	printf("vpn %u group %s", r->vpn, addr_ntop(&r->group, g, sizeof(g)));
	if (!addr_is_unspec(&r->source))
		printf(" source %s", addr_ntop(&r->source, s, sizeof(s)));
	printf(" origin %u", r->origin);
	if (r->flags & IVGMP_ROUTE_F_DELIVER_LOCAL)
		printf(" deliver-local");
	for (i = 0; i < r->n_nexthops; i++)
		printf("%s%u", i ? "," : " via ", r->nexthops[i].site);
	printf("\n");
	if (r->has_stats)
		print_counters_text("    ", &r->stats);
	for (i = 0; i < r->n_nexthops; i++) {
		if (!r->nexthops[i].has_stats)
			continue;
		printf("    via %u: tx %llu packets %llu bytes\n",
		       r->nexthops[i].site,
		       (unsigned long long)r->nexthops[i].stats.tx_packets,
		       (unsigned long long)r->nexthops[i].stats.tx_bytes);
	}
}

struct show_ctx {
	struct tool *t;
	const struct route_args *filter;
};

static bool route_matches(const struct route_args *f,
			  const struct ivgmp_route_info *r)
{
	const struct ivgmp_route_info *k = &f->route;

	if (f->has_vpn && k->vpn != r->vpn)
		return false;
	if (f->has_origin && k->origin != r->origin)
		return false;
	if (!addr_is_unspec(&k->group) && !addr_equal(&k->group, &r->group))
		return false;
	if (!addr_is_unspec(&k->source) && !addr_equal(&k->source, &r->source))
		return false;
	return true;
}

static int route_show_cb(const struct ivgmp_route_info *r, void *data)
{
	struct show_ctx *ctx = data;

	if (!route_matches(ctx->filter, r))
		return 0;
	if (ctx->t->json)
		nl_route_json(&ctx->t->j, r);
	else
		route_print_text(r);
	return 0;
}

static int route_show(struct tool *t, struct ivgmp_nl *nl,
		      const struct route_args *a)
{
	struct show_ctx ctx = { .t = t, .filter = a };
	bool whole_key = a->has_vpn && a->has_origin &&
			 !addr_is_unspec(&a->route.group);
	struct ivgmp_route_info r;
	int err;

	if (t->json)
		json_arr_open(&t->j, NULL);
	if (whole_key) {
		err = ivgmp_nl_route_get(nl, &a->route, &r);
		if (!err) {
			route_show_cb(&r, &ctx);
			ivgmp_route_info_free(&r);
		}
	} else {
		err = ivgmp_nl_route_dump(nl, route_show_cb, &ctx);
	}
	/* Valid JSON even on error: the message goes to stderr. */
	if (t->json) {
		json_arr_close(&t->j);
		json_end(&t->j);
	}
	if (err == -EINTR) {
		log_warnx("warning: the route table changed during the dump; "
			  "output may be inconsistent");
		return EXIT_FAIL;
	}
	if (err)
		return kernel_error(nl, err, whole_key ? "reading route"
						       : "dumping routes");
	return EXIT_OK;
}

int cmd_route(struct tool *t, int argc, char **argv)
{
	struct route_args *a;
	struct ivgmp_nl *nl;
	int err = 0, ret;

	/* 1024 next hops: keep it off the stack. */
	a = calloc(1, sizeof(*a));
	if (!a)
		fatal("calloc");
	if (route_parse(argc - 1, argv + 1, a)) {
		usage_route();
		free(a);
		return EXIT_USAGE;
	}
	ret = open_nl(&nl);
	if (ret) {
		free(a);
		return ret;
	}
	switch (a->op) {
	case ROUTE_ADD:
		err = ivgmp_nl_route_new(nl, &a->route, false);
		break;
	case ROUTE_REPLACE:
		err = ivgmp_nl_route_new(nl, &a->route, true);
		break;
	case ROUTE_DEL:
		err = ivgmp_nl_route_del(nl, &a->route);
		break;
	case ROUTE_SHOW:
		ret = route_show(t, nl, a);
		goto out;
	}
	ret = err ? kernel_error(nl, err, "route %s", argv[1]) : EXIT_OK;
out:
	close_nl(nl);
	free(a);
	return ret;
}
