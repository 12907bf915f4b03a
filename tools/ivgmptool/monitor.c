// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ivgmptool monitor [count N]: print NEW_SOURCE events as they arrive, one
 * line each (one JSON object per line with -j), until SIGINT or SIGTERM,
 * or after N events.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "ivgmptool.h"
#include "log.h"

static volatile sig_atomic_t quit;

static void on_signal(int sig)
{
	quit = 1;
}

void usage_monitor(void)
{
	fprintf(usage_out(), "  monitor [count N]\n");
}

int monitor_parse(int argc, char **argv, struct monitor_args *a)
{
	const char *val;
	uint32_t n;
	int i, err;

	a->count = 0;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "count"))
			return usage_error("unknown monitor option '%s'",
					   argv[i]);
		if (a->count)
			return usage_error("'count' given twice");
		err = next_arg(argc, argv, &i, &val) ?:
		      parse_u32("count", val, 1, UINT32_MAX, &n);
		if (err)
			return err;
		a->count = n;
	}
	return 0;
}

struct monitor_ctx {
	struct tool *t;
	uint64_t seen;
	uint64_t limit;			/* 0 = none */
};

static int print_event(const struct ivgmp_event_info *e, void *data)
{
	struct monitor_ctx *ctx = data;
	char g[ADDR_STRLEN], s[ADDR_STRLEN], ifname[64];

	/* One recv() may carry more events than were asked for. */
	if (ctx->limit && ctx->seen >= ctx->limit)
		return 0;
	addr_ntop(&e->group, g, sizeof(g));
	addr_ntop(&e->source, s, sizeof(s));
	addr_ifname(e->ifindex, ifname, sizeof(ifname));
	if (ctx->t->json) {
		struct json *j = &ctx->t->j;

		json_obj_open(j, NULL);
		json_str(j, "event", "new-source");
		json_uint(j, "vpn", e->vpn);
		json_str(j, "group", g);
		json_str(j, "source", s);
		json_uint(j, "ifindex", e->ifindex);
		json_str(j, "ifname", ifname);
		json_obj_close(j);
		json_end(j);
	} else {
		printf("new-source vpn %u group %s source %s dev %s\n",
		       e->vpn, g, s, ifname);
		fflush(stdout);
	}
	ctx->seen++;
	return 0;
}

int cmd_monitor(struct tool *t, int argc, char **argv)
{
	struct monitor_ctx ctx = { .t = t };
	struct monitor_args a;
	struct sigaction sa, old_int, old_term;
	sigset_t block, orig, unblocked;
	struct ivgmp_nl *nl;
	struct pollfd pfd;
	int err, ret;

	if (monitor_parse(argc - 1, argv + 1, &a)) {
		usage_monitor();
		return EXIT_USAGE;
	}
	ctx.limit = a.count;
	/*
	 * SIGINT/SIGTERM stay blocked except inside ppoll(), so a signal that
	 * arrives during setup or between two polls is never lost; and the
	 * handlers go in first, since a background job starts with SIGINT
	 * ignored.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	quit = 0;

	ret = open_nl(&nl);
	if (ret)
		goto restore;
	err = ivgmp_nl_subscribe_events(nl);
	if (err) {
		ret = kernel_error(nl, err, "subscribing to \"%s\" events",
				   IVGMP_MCGRP_EVENTS);
		goto out;
	}

	unblocked = orig;
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
	pfd.fd = ivgmp_nl_fd(nl);
	pfd.events = POLLIN;
	ret = EXIT_OK;
	while (!quit && (!a.count || ctx.seen < a.count)) {
		if (ppoll(&pfd, 1, NULL, &unblocked) < 0) {
			if (errno == EINTR)
				continue;
			log_warn("poll");
			ret = EXIT_FAIL;
			break;
		}
		err = ivgmp_nl_read_events(nl, print_event, &ctx);
		if (err == -ENOBUFS) {
			/* Say so, but a monitor keeps watching. */
			log_warnx("warning: events lost (socket overrun)");
			continue;
		}
		if (err && err != -EAGAIN && err != -EINTR) {
			ret = kernel_error(nl, err, "reading events");
			break;
		}
	}
out:
	close_nl(nl);
restore:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return ret;
}
