// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ivgmptool site add|replace ID addr ADDR [port PORT]
 *           site del ID
 *           site show [ID]
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ivgmptool.h"
#include "log.h"

void usage_site(void)
{
	fprintf(usage_out(),
		"  site add|replace ID addr ADDR [port PORT]\n"
		"  site del ID\n"
		"  site show [ID]\n");
}

int site_parse(int argc, char **argv, struct site_args *a)
{
	struct ivgmp_site_info *s = &a->site;
	bool has_addr = false;
	const char *val;
	uint32_t v;
	int i, err;

	memset(a, 0, sizeof(*a));
	if (argc < 1 || !strcmp(argv[0], "show") || !strcmp(argv[0], "list"))
		a->op = SITE_SHOW;
	else if (!strcmp(argv[0], "add"))
		a->op = SITE_ADD;
	else if (!strcmp(argv[0], "replace"))
		a->op = SITE_REPLACE;
	else if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete"))
		a->op = SITE_DEL;
	else
		return usage_error("unknown site command '%s'", argv[0]);

	if (argc < 2) {
		if (a->op == SITE_SHOW)
			return 0;
		return usage_error("site %s needs a site ID", argv[0]);
	}
	err = parse_u32("site ID", argv[1], 1, UINT32_MAX, &s->id);
	if (err)
		return err;
	a->has_id = true;

	for (i = 2; i < argc; i++) {
		const char *w = argv[i];

		if (a->op == SITE_DEL || a->op == SITE_SHOW)
			return usage_error("site %s takes only an ID, not '%s'",
					   argv[0], w);
		err = next_arg(argc, argv, &i, &val);
		if (err)
			return err;
		if (!strcmp(w, "addr")) {
			if (has_addr)
				return usage_error("'addr' given twice");
			has_addr = true;
			err = parse_addr_arg("site address", val, AF_UNSPEC,
					     &s->addr);
			if (!err && !addr_is_unicast(&s->addr))
				err = usage_error("site address '%s' must be a unicast address",
						  val);
		} else if (!strcmp(w, "port")) {
			if (s->has_port)
				return usage_error("'port' given twice");
			s->has_port = true;
			err = parse_u32("port", val, 1, UINT16_MAX, &v);
			s->port = (uint16_t)v;
		} else {
			err = usage_error("unknown site option '%s'", w);
		}
		if (err)
			return err;
	}
	if ((a->op == SITE_ADD || a->op == SITE_REPLACE) && !has_addr)
		return usage_error("site %s needs 'addr ADDR'", argv[0]);
	return 0;
}

static void site_print_text(const struct ivgmp_site_info *s)
{
	char buf[ADDR_STRLEN];

	printf("site %u addr %s", s->id, addr_ntop(&s->addr, buf, sizeof(buf)));
	if (s->has_port)
		printf(" port %u", s->port);
	printf("\n");
	if (s->has_stats)
		print_counters_text("    ", &s->stats);
}

static void site_print_json(struct json *j, const struct ivgmp_site_info *s)
{
	char buf[ADDR_STRLEN];

	json_obj_open(j, NULL);
	json_uint(j, "id", s->id);
	json_str(j, "addr", addr_ntop(&s->addr, buf, sizeof(buf)));
	if (s->has_port)
		json_uint(j, "port", s->port);
	else
		json_null(j, "port");
	nl_counters_json(j, "stats", &s->stats);
	json_obj_close(j);
}

static int site_show_cb(const struct ivgmp_site_info *s, void *data)
{
	struct tool *t = data;

	if (t->json)
		site_print_json(&t->j, s);
	else
		site_print_text(s);
	return 0;
}

static int site_show(struct tool *t, struct ivgmp_nl *nl,
		     const struct site_args *a)
{
	struct ivgmp_site_info s;
	int err;

	if (t->json)
		json_arr_open(&t->j, NULL);
	if (a->has_id) {
		err = ivgmp_nl_site_get(nl, a->site.id, &s);
		if (!err)
			site_show_cb(&s, t);
	} else {
		err = ivgmp_nl_site_dump(nl, site_show_cb, t);
	}
	/* Valid JSON even on error: the message goes to stderr. */
	if (t->json) {
		json_arr_close(&t->j);
		json_end(&t->j);
	}
	if (err == -EINTR) {
		log_warnx("warning: the site table changed during the dump; "
			  "output may be inconsistent");
		return EXIT_FAIL;
	}
	if (err) {
		return a->has_id ? kernel_error(nl, err, "site %u", a->site.id)
				 : kernel_error(nl, err, "dumping sites");
	}
	return EXIT_OK;
}

int cmd_site(struct tool *t, int argc, char **argv)
{
	struct site_args a;
	struct ivgmp_nl *nl;
	int err = 0, ret;

	if (site_parse(argc - 1, argv + 1, &a)) {
		usage_site();
		return EXIT_USAGE;
	}
	ret = open_nl(&nl);
	if (ret)
		return ret;
	switch (a.op) {
	case SITE_ADD:
		err = ivgmp_nl_site_new(nl, &a.site, false);
		break;
	case SITE_REPLACE:
		err = ivgmp_nl_site_new(nl, &a.site, true);
		break;
	case SITE_DEL:
		err = ivgmp_nl_site_del(nl, a.site.id);
		break;
	case SITE_SHOW:
		ret = site_show(t, nl, &a);
		close_nl(nl);
		return ret;
	}
	ret = err ? kernel_error(nl, err, "site %u", a.site.id) : EXIT_OK;
	close_nl(nl);
	return ret;
}
