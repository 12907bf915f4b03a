// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char *log_progname = "ivgmp";
static int log_to_syslog;
static int log_verbosity;

void log_init(const char *progname, int to_syslog, int verbosity)
{
	const char *slash;

	if (progname) {
		slash = strrchr(progname, '/');
		log_progname = slash ? slash + 1 : progname;
	}
	log_verbosity = verbosity;
	if (log_to_syslog && !to_syslog)
		closelog();
	log_to_syslog = to_syslog;
	if (to_syslog)
		openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_setverbose(int verbosity)
{
	log_verbosity = verbosity;
}

int log_getverbose(void)
{
	return log_verbosity;
}

void vlog(int priority, const char *fmt, va_list ap)
{
	int saved_errno = errno;

	if (log_to_syslog) {
		vsyslog(priority, fmt, ap);
	} else {
		/* One fprintf per line so concurrent writers do not interleave. */
		char buf[1024];

		vsnprintf(buf, sizeof(buf), fmt, ap);
		fprintf(stderr, "%s: %s\n", log_progname, buf);
		fflush(stderr);
	}
	errno = saved_errno;
}

static void log_plain(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void vlog_errno(int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void log_plain(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(priority, fmt, ap);
	va_end(ap);
}

static void vlog_errno(int priority, const char *fmt, va_list ap)
{
	int saved_errno = errno;
	char msg[1024];

	if (!fmt || vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		log_plain(priority, "%s", strerror(saved_errno));
	else
		log_plain(priority, "%s: %s", msg, strerror(saved_errno));
	errno = saved_errno;
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, fmt, ap);
	va_end(ap);
}

void log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(1);
}
