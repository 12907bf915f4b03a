// SPDX-License-Identifier: GPL-2.0 OR MIT
/* ivgmptool stats: the namespace's counters and drops by reason. */
#include <stdio.h>
#include <string.h>

#include "ivgmptool.h"
#include "log.h"

void usage_stats(void)
{
	fprintf(usage_out(), "  stats\n");
}

static void stats_print_text(const struct ivgmp_stats_info *st)
{
	unsigned int i;

	print_counters_text("", &st->global);
	printf("drops:\n");
	for (i = 1; i <= IVGMP_DROP_MAX; i++)
		printf("    %-14s %llu\n", ivgmp_drop_name(i),
		       (unsigned long long)st->drops[i]);
}

static void stats_print_json(struct json *j, const struct ivgmp_stats_info *st)
{
	unsigned int i;

	json_obj_open(j, NULL);
	nl_counters_json(j, "stats", &st->global);
	/* Every reason, by name, so a missing key never means "0". */
	json_obj_open(j, "drops");
	for (i = 1; i <= IVGMP_DROP_MAX; i++)
		json_uint(j, ivgmp_drop_name(i), st->drops[i]);
	json_obj_close(j);
	json_obj_close(j);
	json_end(j);
}

int cmd_stats(struct tool *t, int argc, char **argv)
{
	struct ivgmp_stats_info st;
	struct ivgmp_nl *nl;
	int err, ret;

	if (argc > 1 && strcmp(argv[1], "show")) {
		usage_error("stats takes no arguments, not '%s'", argv[1]);
		usage_stats();
		return EXIT_USAGE;
	}
	if (argc > 2) {
		usage_error("stats show takes no arguments");
		usage_stats();
		return EXIT_USAGE;
	}
	ret = open_nl(&nl);
	if (ret)
		return ret;
	err = ivgmp_nl_get_stats(nl, &st);
	if (err) {
		ret = kernel_error(nl, err, "reading stats");
	} else {
		if (t->json)
			stats_print_json(&t->j, &st);
		else
			stats_print_text(&st);
		ret = EXIT_OK;
	}
	close_nl(nl);
	return ret;
}
