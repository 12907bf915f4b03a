/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The site's interest in groups, and what the VNOC has been told of it.
 *
 * Each (vpn, group) has, per role, a list of contributions: LAN membership
 * from IGMP/MLD (one per LAN interface), announcements from ivgmp-announce
 * (one per announcing host, with a lifetime), and for senders the local
 * sources the kernel saw (one per source, kept alive by traffic).  From them
 * follows what the VNOC should know ("want"); what it accepted is "acked".
 * groups_next_req() hands out the next JoinGroup/LeaveGroup that closes the
 * gap, one at a time per (vpn, group, role), so a request that failed while
 * the VNOC was unreachable is simply handed out again later, and a state
 * that changed twice meanwhile costs one request, not two.
 *
 * Pure logic on an injected clock, like membership.c.
 */
#ifndef IVGMP_AGENT_GROUPS_H
#define IVGMP_AGENT_GROUPS_H

#include <stdbool.h>
#include <stdint.h>

#include <netinet/in.h>

enum { ROLE_SENDER, ROLE_RECEIVER, ROLE_MAX };

enum contrib_kind { CONTRIB_LAN, CONTRIB_ANNOUNCE, CONTRIB_KERNEL };

struct contrib {
	struct contrib *next;
	uint8_t kind;
	struct in6_addr who;	/* LAN: ::ifindex; announce: host; kernel: source */
	uint64_t expires;	/* 0 = until withdrawn */
	uint16_t nsrc;		/* receiver: SSM sources, 0 = any */
	struct in6_addr *src;
};

struct want {
	bool present;
	uint16_t nsrc;		/* 0 = any source / unspecified */
	struct in6_addr *src;	/* sorted */
};

enum vnoc_sync { SYNC_IDLE, SYNC_INFLIGHT };

struct interest {
	struct interest *next;
	uint32_t vpn;
	struct in6_addr group;
	struct contrib *c[ROLE_MAX];
	struct want want[ROLE_MAX];
	struct want acked[ROLE_MAX];
	struct want denied[ROLE_MAX];	/* last refused join, not resent */
	char *deny_reason[ROLE_MAX];
	uint8_t sync[ROLE_MAX];
	uint32_t failures[ROLE_MAX];
	uint64_t retry_at[ROLE_MAX];
	uint64_t last_traffic;		/* sender: last sign of a local source */
};

struct groups {
	struct interest *list;
	uint32_t count;
	uint32_t max;			/* bound on (vpn, group) entries */
	uint64_t backoff_min_ms, backoff_max_ms;
	uint32_t (*rand)(void);		/* jitter source, injectable */
};

struct vnoc_req {
	bool join;
	uint8_t role;
	uint32_t vpn;
	struct in6_addr group;
	uint16_t nsrc;
	struct in6_addr *src;		/* owned by the request */
};

void groups_init(struct groups *gs, uint32_t max);
void groups_fini(struct groups *gs);

struct interest *groups_find(struct groups *gs, uint32_t vpn,
			     const struct in6_addr *group);

/*
 * Add or refresh one contribution (same kind and who: replaced).  nsrc/src
 * are copied.  Returns 0, -ENOMEM, or -ENOSPC when max groups is reached.
 */
int groups_contrib_set(struct groups *gs, uint32_t vpn,
		       const struct in6_addr *group, int role, uint8_t kind,
		       const struct in6_addr *who, uint64_t expires,
		       uint16_t nsrc, const struct in6_addr *src);
/* Remove it; 0 if it existed, -ENOENT otherwise. */
int groups_contrib_del(struct groups *gs, uint32_t vpn,
		       const struct in6_addr *group, int role, uint8_t kind,
		       const struct in6_addr *who);
/* Remove every contribution of this kind and who (a LAN going away). */
void groups_contrib_flush(struct groups *gs, uint8_t kind,
			  const struct in6_addr *who);

/* Expire contributions; returns the next expiry time, 0 if none. */
uint64_t groups_tick(struct groups *gs, uint64_t now);
/* Earliest expiry of a contribution, 0 if none. */
uint64_t groups_next_expiry(const struct groups *gs);
/* Earliest expiry or request time (1: a request is due now), 0 if none. */
uint64_t groups_next_event(const struct groups *gs);

/*
 * The next request to send, marked in flight, or NULL.  The caller owns the
 * request and reports its fate with groups_req_done().
 */
struct vnoc_req *groups_next_req(struct groups *gs, uint64_t now);

enum req_result { REQ_OK, REQ_DENIED, REQ_FAILED };
void groups_req_done(struct groups *gs, const struct vnoc_req *r,
		     enum req_result res, const char *reason, uint64_t now);
void vnoc_req_free(struct vnoc_req *r);

/* After a VNOC restart or an agent restart: tell it everything again. */
void groups_resync(struct groups *gs);
/*
 * Another VNOC answers now (failover): send every accepted join to it
 * again, which is a no-op on a store it shares with the old one and
 * restores our memberships on one it does not.  Pending leaves, denials
 * and requests in flight are kept as they are.  Returns the joins queued.
 */
unsigned int groups_rejoin(struct groups *gs);

void groups_who_ifindex(struct in6_addr *who, uint32_t ifindex);
bool want_equal(const struct want *a, const struct want *b);

#endif
