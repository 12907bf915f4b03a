/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command-line conventions every IVGMP program shares, as the
 * networking tools engineers already use have them (ip, wg, swanctl):
 *
 *   -h, --help     the usage on stdout, exit 0
 *   --version      "PROGRAM VERSION" on stdout, exit 0
 *   a bad option   the usage on stderr, exit 2 (CLI_EXIT_USAGE)
 *
 * and, in the two daemons, -f/--config FILE, -d/--foreground,
 * -n/--check, -P/--pidfile FILE, -v/--verbose.  --version has no short
 * form because ivgmp-announce's -V is --vpn.
 */
#ifndef IVGMP_CLI_H
#define IVGMP_CLI_H

#include <getopt.h>
#include <stdbool.h>

#define CLI_EXIT_USAGE	2

/* getopt_long() value of --version: outside the range of short options */
#define CLI_OPT_VERSION	0x100

/* Entries for a struct option table: --help is 'h', --version as above. */
#define CLI_OPTIONS_COMMON \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, CLI_OPT_VERSION }

/* The release, from the top-level VERSION file. */
const char *cli_version(void);

/* Print "prog VERSION" and exit 0. */
void cli_print_version(const char *prog) __attribute__((noreturn));

/*
 * Print text (the whole usage) and exit: on stdout with 0 when it was
 * asked for (--help), else on stderr with CLI_EXIT_USAGE.
 */
void cli_usage(const char *text, bool asked) __attribute__((noreturn));

/* Write our pid to path, "PID\n", mode 0644: 0 or a negative errno. */
int cli_pidfile_write(const char *path);

#endif /* IVGMP_CLI_H */
