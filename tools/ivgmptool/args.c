// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Command-line value parsers. They reject rather than guess. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ivgmptool.h"
#include "log.h"

int usage_error(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s", msg);
	return EXIT_USAGE;
}

int parse_u32(const char *what, const char *s, uint32_t min, uint32_t max,
	      uint32_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would accept " 5", "+5" and "-5" (as a huge number). */
	if (!s || s[0] < '0' || s[0] > '9')
		goto bad;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		goto range;
	if (errno || *end)
		goto bad;
	if (v < min || v > max)
		goto range;
	*out = (uint32_t)v;
	return 0;
range:
	return usage_error("%s '%s' is out of range %u..%u", what, s, min, max);
bad:
	return usage_error("%s '%s' is not a decimal number", what,
			   s ? s : "");
}

int parse_addr_arg(const char *what, const char *s, int family,
		   struct ivgmp_addr *out)
{
	if (addr_parse(s, family, out))
		return usage_error("%s '%s' is not an %saddress", what, s,
				   family == AF_INET ? "IPv4 " :
				   family == AF_INET6 ? "IPv6 " : "IP ");
	return 0;
}

int parse_on_off(const char *what, const char *s, bool *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "yes")) {
		*out = true;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "no")) {
		*out = false;
		return 0;
	}
	return usage_error("%s takes on or off, not '%s'", what, s);
}

int next_arg(int argc, char **argv, int *i, const char **out)
{
	if (*i + 1 >= argc)
		return usage_error("'%s' needs an argument", argv[*i]);
	(*i)++;
	*out = argv[*i];
	return 0;
}
