/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * ivgmptool: read and write the ivgmp kernel tables by hand.
 *
 * Each command group (config.c, site.c, route.c, stats.c, monitor.c,
 * flush.c) has a parser that turns argv into a request struct without
 * touching the kernel, so the unit tests can drive every bad input, and a
 * runner that talks to the kernel and prints.
 *
 * Exit codes: EXIT_OK, EXIT_FAIL (the kernel or the system said no),
 * EXIT_USAGE (bad command line: nothing was sent).
 */
#ifndef IVGMPTOOL_H
#define IVGMPTOOL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "addr.h"
#include "json.h"
#include "nl.h"
#include "nl_json.h"

#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

struct tool {
	bool json;
	struct json j;
};

/* args.c: every helper prints its own message and returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_u32(const char *what, const char *s, uint32_t min, uint32_t max,
	      uint32_t *out);
int parse_addr_arg(const char *what, const char *s, int family,
		   struct ivgmp_addr *out);
int parse_on_off(const char *what, const char *s, bool *out);
/* argv[*i + 1] for keyword argv[*i], advancing *i; usage error if missing. */
int next_arg(int argc, char **argv, int *i, const char **out);

/* common.c */
/*
 * open_nl() opens a handle; on failure it prints why and returns
 * EXIT_FAIL. Between nl_batch_begin() and nl_batch_end() the first handle
 * opened serves every later command, and close_nl() leaves it open.
 */
int open_nl(struct ivgmp_nl **nl);
void close_nl(struct ivgmp_nl *nl);
void nl_batch_begin(void);
void nl_batch_end(void);
/* Print "Error: <extack> (<errno text>)" or "Error: <what>: <errno text>". */
int kernel_error(struct ivgmp_nl *nl, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_counters_text(const char *indent, const struct ivgmp_counters *c);

/* Parsers (argv starts after the subcommand word). */
int config_parse_set(int argc, char **argv, struct ivgmp_config_info *c);

enum site_op { SITE_ADD, SITE_REPLACE, SITE_DEL, SITE_SHOW };
struct site_args {
	enum site_op op;
	bool has_id;
	struct ivgmp_site_info site;
};
int site_parse(int argc, char **argv, struct site_args *a);

enum route_op { ROUTE_ADD, ROUTE_REPLACE, ROUTE_DEL, ROUTE_SHOW };
struct route_args {
	enum route_op op;
	bool has_vpn, has_origin;	/* show filters */
	struct ivgmp_route_info route;	/* nexthops points into hops[] */
	struct ivgmp_nexthop_info hops[IVGMP_MAX_NEXTHOPS];
};
int route_parse(int argc, char **argv, struct route_args *a);

int flush_parse(int argc, char **argv, uint32_t *what);

struct monitor_args {
	uint64_t count;			/* 0 = until SIGINT/SIGTERM */
};
int monitor_parse(int argc, char **argv, struct monitor_args *a);

/* Runners: argv[0] is the group word. */
int cmd_config(struct tool *t, int argc, char **argv);
int cmd_site(struct tool *t, int argc, char **argv);
int cmd_route(struct tool *t, int argc, char **argv);
int cmd_stats(struct tool *t, int argc, char **argv);
int cmd_monitor(struct tool *t, int argc, char **argv);
int cmd_flush(struct tool *t, int argc, char **argv);

/*
 * Where the usage_*() functions print: stdout when the usage was asked
 * for (--help, help), else (NULL) stderr.
 */
extern FILE *usage_fp;
static inline FILE *usage_out(void)
{
	return usage_fp ? usage_fp : stderr;
}

void usage_config(void);
void usage_site(void);
void usage_route(void);
void usage_stats(void);
void usage_monitor(void);
void usage_flush(void);

#endif /* IVGMPTOOL_H */
