/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's one poll loop.  File descriptors carry callbacks; timers are
 * "next deadline" functions the loop asks before each poll, so a module's
 * timing stays in the module (membership.c, groups.c) and needs no timer
 * objects.  Signals are blocked except inside ppoll(), so a flag set by a
 * handler is always seen before the loop sleeps again.
 */
#ifndef IVGMP_AGENT_LOOP_H
#define IVGMP_AGENT_LOOP_H

#include <poll.h>
#include <signal.h>
#include <stdint.h>

typedef void (*loop_io_fn)(int fd, short revents, void *arg);
typedef uint64_t (*loop_next_fn)(void);	/* ms deadline, 0 = none */
typedef void (*loop_run_fn)(uint64_t now);

uint64_t now_ms(void);

int loop_add_fd(int fd, short events, loop_io_fn fn, void *arg);
void loop_del_fd(int fd);
void loop_set_events(int fd, short events);
int loop_add_timer(loop_next_fn next, loop_run_fn run);

extern volatile sig_atomic_t loop_quit, loop_reload;

/* Runs until loop_quit; calls on_reload() when loop_reload was set. */
int loop_run(void (*on_reload)(void));
void loop_signals(void);

#endif
