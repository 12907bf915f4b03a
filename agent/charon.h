/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Drives strongSwan's charon over VICI from the poll loop: one connection
 * per peer of the VNOC view (ipsec.h), credentials loaded over VICI, SA
 * state read back for `ivgmp-agent status`.
 *
 * charon may be absent, slow, or restart at any time: the agent keeps
 * forwarding (the kernel keeps its SAs; with none, the block policies keep
 * copies from leaving in clear), reconnects every [ipsec] retry seconds,
 * and then loads every connection again (an unchanged one is left as is by
 * charon, its SAs untouched).
 */
#ifndef IVGMP_AGENT_CHARON_H
#define IVGMP_AGENT_CHARON_H

#include <stdint.h>
#include <stdio.h>

#include "ipsec.h"

struct json;

/* Reads the credentials and starts connecting; 0 or -errno. */
int charon_start(void);
bool charon_enabled(void);
/* A new VNOC view (vnoc.c); the view is copied where needed. */
void charon_set_view(const struct ipsec_view *v);
uint64_t charon_next_event(void);
void charon_tick(uint64_t now);
void charon_status(FILE *f);
void charon_status_json(struct json *j);
void charon_fini(void);

#endif
