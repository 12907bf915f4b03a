/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's half of fail-closed transmit: catch-all XFRM block policies
 * for the tunnel port (xfrm_msg.h), installed before any route is loaded,
 * read back and repaired on every check, moved when the port changes, and
 * removed on exit only when configured so. The module's half is
 * require-ipsec (Documentation/forwarding.md).
 */
#ifndef IVGMP_AGENT_XFRM_H
#define IVGMP_AGENT_XFRM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The priority of the policies; before the first xfrm_block_set_port(). */
void xfrm_block_init(uint32_t priority);
/* Are the policies for @port in place (installed, last check good)? */
bool xfrm_block_ready(uint16_t port);
/*
 * Install the policies for @port (opening the XFRM socket on first use; a
 * no-op when they are in place). Those of the previous port stay until
 * xfrm_block_retire(), once the kernel has left that port: never a moment
 * without a block. 0 or -errno.
 */
int xfrm_block_set_port(uint16_t port);
void xfrm_block_retire(void);
/*
 * Read every policy back; put back any that is missing or was changed.
 * Returns how many were put back, or -errno.
 */
int xfrm_block_check(void);
/* Removes the policies if @remove, and closes the socket. */
void xfrm_block_stop(bool remove);
void xfrm_block_status(FILE *f);
struct json;
void xfrm_block_status_json(struct json *j);

#endif
