// SPDX-License-Identifier: GPL-2.0
/* Command-line conventions shared by the IVGMP programs (cli.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

#ifndef IVGMP_VERSION
#error "IVGMP_VERSION comes from the top-level VERSION file (lib/Makefile)"
#endif

const char *cli_version(void)
{
	return IVGMP_VERSION;
}

void cli_print_version(const char *prog)
{
	printf("%s %s\n", prog, IVGMP_VERSION);
	exit(fflush(stdout) ? 1 : 0);
}

void cli_usage(const char *text, bool asked)
{
	fputs(text, asked ? stdout : stderr);
	if (asked)
		exit(fflush(stdout) ? 1 : 0);
	exit(CLI_EXIT_USAGE);
}

int cli_pidfile_write(const char *path)
{
	char buf[32];
	int fd, n, err = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}
