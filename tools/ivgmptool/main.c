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

#include "cli.h"
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

	fprintf(usage_out(),
		"usage: ivgmptool [-j] COMMAND [ARGS...]\n"
		"       ivgmptool [-j] -b FILE\n"
		"       ivgmptool -h | --help | -V | --version\n"
		"  -j, --json   print show/stats/monitor output as JSON\n"
		"  -b, --batch FILE   run one command per line of FILE (- = stdin)\n"
		"commands:\n");
	for (i = 0; i < N_GROUPS; i++)
		groups[i].usage();
	fprintf(usage_out(), "  help [COMMAND]\n");
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
		usage_fp = stdout;
		usage();
		return EXIT_OK;
	}
	g = find_group(argv[1]);
	if (g < 0) {
		usage_error("unknown command '%s'", argv[1]);
		usage();
		return EXIT_USAGE;
	}
	usage_fp = stdout;
	groups[g].usage();
	return EXIT_OK;
}

static int run_group(struct tool *t, int argc, char **argv)
{
	int g;

	if (!strcmp(argv[0], "help"))
		return cmd_help(argc, argv);
	g = find_group(argv[0]);
	if (g < 0) {
		usage_error("unknown command '%s'", argv[0]);
		usage();
		return EXIT_USAGE;
	}
	json_begin(&t->j, stdout);
	return groups[g].run(t, argc, argv);
}

#define BATCH_MAX_ARGS	4096

/*
 * One command per line, words split on blanks, '#' starts a comment line.
 * The first failing line ends the batch with its exit status, as
 * `ip -batch` does, and names the line. One netlink handle serves all
 * lines, so a batch of 100k routes costs no family lookups.
 */
static int run_batch(struct tool *t, const char *path)
{
	static char *args[BATCH_MAX_ARGS + 1];
	unsigned long lineno = 0;
	size_t cap = 0;
	char *line = NULL;
	int ret = EXIT_OK;
	FILE *f;

	f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	if (!f) {
		log_warn("%s", path);
		return EXIT_FAIL;
	}
	nl_batch_begin();
	while (getline(&line, &cap, f) >= 0) {
		char *save = NULL, *w;
		int n = 0;

		lineno++;
		for (w = strtok_r(line, " \t\r\n", &save); w;
		     w = strtok_r(NULL, " \t\r\n", &save)) {
			if (n == BATCH_MAX_ARGS) {
				ret = usage_error("%s:%lu: more than %d words",
						  path, lineno, BATCH_MAX_ARGS);
				goto out;
			}
			args[n++] = w;
		}
		args[n] = NULL;
		if (!n || args[0][0] == '#')
			continue;
		ret = run_group(t, n, args);
		if (ret) {
			log_warnx("%s:%lu: command failed", path, lineno);
			goto out;
		}
	}
	if (ferror(f)) {
		log_warn("%s", path);
		ret = EXIT_FAIL;
	}
out:
	nl_batch_end();
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "batch", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *batch = NULL;
	struct tool t = { 0 };
	int ch;

	log_init("ivgmptool", 0, 0);
	while ((ch = getopt_long(argc, argv, "+jb:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			t.json = true;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'h':
			usage_fp = stdout;
			usage();
			return EXIT_OK;
		case 'V':
			printf("ivgmptool %s (netlink API version %d)\n",
			       cli_version(), IVGMP_GENL_VERSION);
			return EXIT_OK;
		default:
			usage();
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (batch) {
		if (argc > 0) {
			usage_error("-b takes no command");
			usage();
			return EXIT_USAGE;
		}
		return run_batch(&t, batch);
	}
	if (argc < 1) {
		usage_error("no command given");
		usage();
		return EXIT_USAGE;
	}
	return run_group(&t, argc, argv);
}
