// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Shared by the command groups: netlink setup, errors, counters. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ivgmptool.h"
#include "log.h"

FILE *usage_fp;
static bool batch_mode;
static struct ivgmp_nl *shared_nl;

void nl_batch_begin(void)
{
	batch_mode = true;
}

void nl_batch_end(void)
{
	ivgmp_nl_close(shared_nl);
	shared_nl = NULL;
	batch_mode = false;
}

void close_nl(struct ivgmp_nl *nl)
{
	if (nl != shared_nl)
		ivgmp_nl_close(nl);
}

int open_nl(struct ivgmp_nl **nl)
{
	if (shared_nl) {
		*nl = shared_nl;
		return EXIT_OK;
	}
	*nl = ivgmp_nl_open();
	if (*nl) {
		if (batch_mode)
			shared_nl = *nl;
		return EXIT_OK;
	}
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
		/* The kernel's generic policy messages do not name it. */
		if (*ivgmp_nl_err_attr(nl))
			log_warnx("offending attribute: %s",
				  ivgmp_nl_err_attr(nl));
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

