/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Logging shared by ivgmptool, ivgmp-agent and ivgmp-vnoc.
 *
 * Modelled on OpenBGPD's log.c: messages go to stderr until log_init() is
 * asked for syslog, and every function is printf-checked by the compiler.
 *
 *   log_init(progname, to_syslog, verbosity)
 *       progname:  prefix on stderr, ident for syslog (a basename is taken)
 *       to_syslog: 0 = stderr, 1 = syslog (LOG_DAEMON, with the pid)
 *       verbosity: 0 = warnings and info, >= 1 also log_debug()
 *   log_setverbose(n) / log_getverbose() change or read the verbosity later.
 *
 *   log_warn(fmt, ...)   message + ": " + strerror(errno)   (LOG_ERR)
 *   log_warnx(fmt, ...)  message as is                       (LOG_ERR)
 *   log_info(fmt, ...)   message as is                       (LOG_INFO)
 *   log_debug(fmt, ...)  message, only when verbosity >= 1   (LOG_DEBUG)
 *   fatal(fmt, ...)      like log_warn, then exit(1)
 *   fatalx(fmt, ...)     like log_warnx, then exit(1)
 *
 * fmt may be NULL for log_warn()/fatal(): only strerror(errno) is printed.
 * errno is preserved across every call, so `log_warn(...); return -errno;`
 * works. The functions are not async-signal-safe: do not call them from a
 * signal handler. Before log_init() the prefix is "ivgmp" and output goes to
 * stderr.
 */
#ifndef IVGMP_LOG_H
#define IVGMP_LOG_H

#include <stdarg.h>

void log_init(const char *progname, int to_syslog, int verbosity);
void log_setverbose(int verbosity);
int log_getverbose(void);

void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vlog(int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif /* IVGMP_LOG_H */
