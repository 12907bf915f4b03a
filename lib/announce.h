/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The announcement message (paper §3.2): a host inside a multi-subnet site
 * tells the edge router's agent that it sends to or receives a group, for a
 * limited time.  Shared by ivgmp-agent and ivgmp-announce; the format is
 * documented in Documentation/agent.md.
 *
 * UDP to the agent (default port ANNOUNCE_PORT), all fields network order:
 *
 *   0  magic "IVGA"
 *   4  version (1)   type (1 = announce, 2 = reply)
 *   6  role (announce: 1 sender, 2 receiver) | status (reply)
 *   7  family (4 or 6; 0 in a reply)
 *   8  nonce (32), echoed in the reply
 *  -- announce only --
 *  12  lifetime in seconds (32); 0 withdraws the announcement
 *  16  vpn (32); 0 = the VPN of the LAN the message arrived on
 *  20  nsrc (8), 3 reserved bytes (0)
 *  24  group (16 bytes; IPv4 in the first 4, the rest 0)
 *  40  nsrc sources of 16 bytes each (receivers only: SSM include list)
 *
 * A reply is the first 12 bytes.  Every field is checked; a message of any
 * other length, or with a reserved bit set, is refused.
 */
#ifndef IVGMP_ANNOUNCE_H
#define IVGMP_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define ANNOUNCE_PORT		7655
#define ANNOUNCE_VERSION	1
#define ANNOUNCE_MAX_SOURCES	16
#define ANNOUNCE_MAX_LIFETIME	86400u	/* protocol limit; agents may cap lower */
#define ANNOUNCE_HDR_LEN	12
#define ANNOUNCE_BASE_LEN	40
#define ANNOUNCE_MAX_LEN	(ANNOUNCE_BASE_LEN + 16 * ANNOUNCE_MAX_SOURCES)

enum announce_type { ANNOUNCE_T_ANNOUNCE = 1, ANNOUNCE_T_REPLY = 2 };
enum announce_role { ANNOUNCE_SENDER = 1, ANNOUNCE_RECEIVER = 2 };

enum announce_status {
	ANNOUNCE_OK = 0,
	ANNOUNCE_MALFORMED = 1,	/* the message failed validation */
	ANNOUNCE_REFUSED = 2,	/* valid, but not accepted (see agent log) */
};

struct announce {
	uint8_t role;
	uint32_t nonce;
	uint32_t lifetime;
	uint32_t vpn;
	struct ivgmp_addr group;
	uint8_t nsrc;
	struct ivgmp_addr src[ANNOUNCE_MAX_SOURCES];
};

/* Length written, or -EINVAL (invalid content) / -EMSGSIZE. */
int announce_encode(const struct announce *a, void *buf, size_t size);
/* 0, or -EINVAL with *why set to a static explanation. */
int announce_decode(const void *buf, size_t len, struct announce *a,
		    const char **why);

int announce_reply_encode(uint32_t nonce, uint8_t status, void *buf,
			  size_t size);
int announce_reply_decode(const void *buf, size_t len, uint32_t *nonce,
			  uint8_t *status);
const char *announce_status_str(uint8_t status);

#endif
