/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VNOC client (SOAP over HTTPS with mutual TLS, gSOAP).
 *
 * SOAP calls block, and GetState is a long poll, so they run in two worker
 * threads: one loops on GetState, the other performs JoinGroup, LeaveGroup
 * and ReportUsage one at a time.  The poll loop hands them jobs and gets
 * every finished job back through a pipe, so it never blocks and all agent
 * state stays in one thread.  (gSOAP's non-blocking mode with TLS would
 * need a hand-written state machine around every call; two threads with
 * their own soap contexts are simpler and just as robust.)
 */
#ifndef IVGMP_AGENT_VNOC_H
#define IVGMP_AGENT_VNOC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "groups.h"
#include "usage.h"

int vnoc_start(void);
bool vnoc_enabled(void);
/* Hand the next join/leave and usage report to the worker, if any. */
void vnoc_kick(uint64_t now);
uint64_t vnoc_next_event(void);
void vnoc_status(FILE *f);
struct json;
void vnoc_status_json(struct json *j);

#endif
