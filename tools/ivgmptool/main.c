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

int open_nl(struct ivgmp_nl **nl)
{
	*nl = ivgmp_nl_open();
	if (*nl)
		return EXIT_OK;
	if (errno == ENOENT)
		log_warnx("Error: generic netlink family \"%s\" not found "
			  "(is ivgmp.ko loaded?)", IVGMP_GENL_NAME);
	else
		log_warn("Error: cannot open generic netlink socket");
	return EXIT_FAIL;
}

int kernel_error(struct ivgmp_nl *nl, int err, const char *fmt, ...)
{
	const char *msg = nl ? ivgmp_nl_errmsg(nl) : "";
	char what[256];
	va_list ap;

	if (err < 0)
		err = -err;
	if (*msg) {
		log_warnx("Error: %s (%s)", msg, strerror(err));
		return EXIT_FAIL;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_warnx("Error: %s: %s", what, strerror(err));
	return EXIT_FAIL;
}

void print_counters_text(const char *indent, const struct ivgmp_counters *c)
{
	printf("%stx %llu packets %llu bytes  rx %llu packets %llu bytes  "
	       "delivered %llu  relayed %llu\n", indent,
	       (unsigned long long)c->tx_packets,
	       (unsigned long long)c->tx_bytes,
	       (unsigned long long)c->rx_packets,
	       (unsigned long long)c->rx_bytes,
	       (unsigned long long)c->delivered,
	       (unsigned long long)c->relayed);
}

void print_counters_json(struct json *j, const char *key,
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
