// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ivgmptool: read and write the ivgmp forwarding table (config, sites,
 * routes), read counters and watch events, over generic netlink. Modelled
 * on wg(8) and ip(8). To work on another namespace, run it under
 * `ip netns exec`.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ivgmptool.h"
#include "log.h"

static const struct {
	const char *name;
	int (*run)(struct tool *t, int argc, char **argv);
	void (*usage)(void);
} groups[] = {
	{ "config", cmd_config, usage_config },
	{ "site", cmd_site, usage_site },
	{ "route", cmd_route, usage_route },
	{ "stats", cmd_stats, usage_stats },
	{ "monitor", cmd_monitor, usage_monitor },
	{ "flush", cmd_flush, usage_flush },
};

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

static void usage(void)
{
	unsigned int i;

	fprintf(stderr,
		"usage: ivgmptool [-j] COMMAND [ARGS...]\n"
		"       ivgmptool -h | --help | -V | --version\n"
		"  -j, --json   print show/stats/monitor output as JSON\n"
		"commands:\n");
	for (i = 0; i < N_GROUPS; i++)
		groups[i].usage();
	fprintf(stderr, "  help [COMMAND]\n");
}

static int find_group(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_GROUPS; i++)
		if (!strcmp(groups[i].name, name))
			return (int)i;
	return -1;
}

static int cmd_help(int argc, char **argv)
{
	int g;

	if (argc < 2) {
		usage();
		return EXIT_OK;
	}
	g = find_group(argv[1]);
	if (g < 0) {
		usage_error("unknown command '%s'", argv[1]);
		usage();
		return EXIT_USAGE;
	}
	groups[g].usage();
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool t = { 0 };
	int ch, g;

	log_init("ivgmptool", 0, 0);
	while ((ch = getopt_long(argc, argv, "+jhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			t.json = true;
			break;
		case 'h':
			usage();
			return EXIT_OK;
		case 'V':
			printf("ivgmptool (netlink API version %d)\n",
			       IVGMP_GENL_VERSION);
			return EXIT_OK;
		default:
			usage();
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage_error("no command given");
		usage();
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "help"))
		return cmd_help(argc, argv);
	g = find_group(argv[0]);
	if (g < 0) {
		usage_error("unknown command '%s'", argv[0]);
		usage();
		return EXIT_USAGE;
	}
	json_begin(&t.j, stdout);
	return groups[g].run(&t, argc, argv);
}
