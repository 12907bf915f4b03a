/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The catch-all XFRM block policies for the tunnel port, as netlink
 * messages: built and parsed here, with no I/O, so that cmocka can check
 * them byte for byte. agent/xfrm.c sends them.
 *
 * One policy per (family, direction, which port field): IPv4 and IPv6, out
 * and in, UDP with the tunnel port as destination or as source, any
 * address, action block, at a priority numerically above (weaker than)
 * any IKE daemon's own policies, so that a CHILD_SA's policy wins while it
 * exists and the block catches the flow whenever none does.
 */
#ifndef IVGMP_AGENT_XFRM_MSG_H
#define IVGMP_AGENT_XFRM_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/xfrm.h>

/* strongSwan's policies sit near 366847 (trap 366848); Cilium uses 1. */
#define XFRM_BLOCK_PRIORITY_DEFAULT	4000000u

#define XFRM_BLOCK_NPOLICIES	8

/* Which of the eight: bit 0 source port (else destination), bit 1 in
 * (else out), bit 2 IPv6 (else IPv4). */
struct xfrm_block_id {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t dir;		/* XFRM_POLICY_OUT or XFRM_POLICY_IN */
	bool sport;		/* the port selects the source, else the dest */
};

void xfrm_block_id(unsigned int i, struct xfrm_block_id *id);

/* Room for any message built here. */
#define XFRM_MSG_BUFLEN	512

/*
 * Build, in @buf (XFRM_MSG_BUFLEN bytes), a request with NLM_F_REQUEST |
 * NLM_F_ACK and sequence number @seq:
 *  - XFRM_MSG_UPDPOLICY: create or replace the block policy @id for @port;
 *  - XFRM_MSG_GETPOLICY: read it back;
 *  - XFRM_MSG_DELPOLICY: delete it.
 * Returns the message length, or 0 for any other @type, a @port of 0 or a
 * bad @id.
 */
size_t xfrm_block_msg(void *buf, uint16_t type, const struct xfrm_block_id *id,
		      uint16_t port, uint32_t priority, uint32_t seq);

/*
 * Is @nlh (@len bytes as received) an XFRM_MSG_NEWPOLICY describing
 * exactly the block policy @id for @port at @priority? A policy with the
 * same selector but another action or priority, or with a template, is
 * not: someone changed it. Checks every length before reading.
 */
bool xfrm_block_matches(const void *nlh, size_t len,
			const struct xfrm_block_id *id, uint16_t port,
			uint32_t priority);

#endif
