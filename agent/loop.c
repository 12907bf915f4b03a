// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "loop.h"

#define LOOP_MAX_FDS	128
#define LOOP_MAX_TIMERS	16

volatile sig_atomic_t loop_quit, loop_reload;

static struct pollfd pfd[LOOP_MAX_FDS];
static struct {
	loop_io_fn fn;
	void *arg;
} io[LOOP_MAX_FDS];
static int nfds;

static struct {
	loop_next_fn next;
	loop_run_fn run;
} timers[LOOP_MAX_TIMERS];
static int ntimers;
static sigset_t run_mask;

uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int loop_add_fd(int fd, short events, loop_io_fn fn, void *arg)
{
	if (nfds >= LOOP_MAX_FDS)
		return -ENOSPC;
	pfd[nfds].fd = fd;
	pfd[nfds].events = events;
	pfd[nfds].revents = 0;
	io[nfds].fn = fn;
	io[nfds].arg = arg;
	nfds++;
	return 0;
}

/* What a socket waits for changes (a queued write wants POLLOUT). */
void loop_set_events(int fd, short events)
{
	int i;

	for (i = 0; i < nfds; i++)
		if (pfd[i].fd == fd)
			pfd[i].events = events;
}

/* Safe from inside a callback: the slot is emptied, compacted later. */
void loop_del_fd(int fd)
{
	int i;

	for (i = 0; i < nfds; i++)
		if (pfd[i].fd == fd) {
			pfd[i].fd = -1;
			io[i].fn = NULL;
		}
}

int loop_add_timer(loop_next_fn next, loop_run_fn run)
{
	if (ntimers >= LOOP_MAX_TIMERS)
		return -ENOSPC;
	timers[ntimers].next = next;
	timers[ntimers].run = run;
	ntimers++;
	return 0;
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		loop_reload = 1;
	else
		loop_quit = 1;
}

void loop_signals(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	sigemptyset(&block);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &run_mask);
	sigdelset(&run_mask, SIGHUP);
	sigdelset(&run_mask, SIGTERM);
	sigdelset(&run_mask, SIGINT);
}

static void compact(void)
{
	int i, o = 0;

	for (i = 0; i < nfds; i++) {
		if (pfd[i].fd < 0)
			continue;
		pfd[o] = pfd[i];
		io[o] = io[i];
		o++;
	}
	nfds = o;
}

int loop_run(void (*on_reload)(void))
{
	while (!loop_quit) {
		uint64_t now = now_ms(), next = 0;
		struct timespec ts, *tsp = NULL;
		int i, n;

		for (i = 0; i < ntimers; i++) {
			uint64_t t = timers[i].next();

			if (t && (!next || t < next))
				next = t;
		}
		if (next) {
			uint64_t d = next > now ? next - now : 0;

			ts.tv_sec = (time_t)(d / 1000);
			ts.tv_nsec = (long)(d % 1000) * 1000000;
			tsp = &ts;
		}
		n = ppoll(pfd, (nfds_t)nfds, tsp, &run_mask);
		if (n < 0 && errno != EINTR) {
			log_warn("poll");
			return -1;
		}
		if (loop_quit)
			break;
		if (loop_reload) {
			loop_reload = 0;
			if (on_reload)
				on_reload();
		}
		for (i = 0; n > 0 && i < nfds; i++) {
			if (!pfd[i].revents || pfd[i].fd < 0)
				continue;
			if (io[i].fn)
				io[i].fn(pfd[i].fd, pfd[i].revents, io[i].arg);
			pfd[i].revents = 0;
		}
		compact();
		now = now_ms();
		for (i = 0; i < ntimers; i++) {
			uint64_t t = timers[i].next();

			if (t && t <= now)
				timers[i].run(now);
		}
	}
	return 0;
}
