/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Router-side group membership per RFC 3376 (IGMPv3) and RFC 3810 (MLDv2),
 * with the IGMPv1/v2 and MLDv1 compatibility modes, for one LAN interface
 * and one address family.
 *
 * The module does no I/O and reads no clock: every entry point takes the
 * current time in milliseconds, and mb_next_event() says when it next needs
 * to run.  Queries to send and membership changes leave through mb_ops.
 * This keeps the whole state machine testable with a fake clock.
 */
#ifndef IVGMP_AGENT_MEMBERSHIP_H
#define IVGMP_AGENT_MEMBERSHIP_H

#include <stdbool.h>
#include <stdint.h>

#include "proto.h"

struct mb_config {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t version;		/* queries we send: IGMP 1..3, MLD 1..2 */
	uint8_t robustness;		/* QRV, RFC default 2 */
	uint32_t query_interval_ms;	/* QI, default 125 s */
	uint32_t query_response_ms;	/* QRI, default 10 s */
	uint32_t lmq_interval_ms;	/* last member query interval, 1 s */
	uint32_t lmq_count;		/* 0 = robustness */
	bool never_querier;		/* listen only, never win the election */
	struct in6_addr addr;		/* ours on the link, for the election */
	uint32_t max_groups;		/* state bounds against hostile hosts */
	uint32_t max_sources;		/* per group */
};

void mb_config_defaults(struct mb_config *c, int family);

/*
 * join: first interest in a group on this interface.  nsrc == 0 means any
 *       source (EXCLUDE mode, ASM); otherwise only these sources (SSM).
 * sources: the wanted source list changed while joined (nsrc 0 = any).
 * leave: no member left.
 * send_query: put this query on the link (group NULL: general query).
 * querier: the election changed (other is the querier's address if not us).
 */
struct mb_ops {
	void (*join)(void *ctx, const struct in6_addr *group, uint16_t nsrc,
		     const struct in6_addr *src);
	void (*sources)(void *ctx, const struct in6_addr *group,
			uint16_t nsrc, const struct in6_addr *src);
	void (*leave)(void *ctx, const struct in6_addr *group);
	void (*send_query)(void *ctx, const struct mc_query_args *q);
	void (*querier)(void *ctx, bool is_querier,
			const struct in6_addr *other);
};

struct mb_source {
	struct in6_addr addr;
	uint64_t timer;		/* 0 = stopped (EXCLUDE mode: not forwarded) */
	uint8_t rexmit;		/* source-specific queries still to send */
};

struct mb_group {
	struct mb_group *next;
	struct in6_addr addr;
	bool exclude;		/* filter mode */
	uint64_t timer;		/* group timer, meaningful in EXCLUDE mode */
	uint64_t v1_host;	/* older version host present timers */
	uint64_t v2_host;
	uint8_t rexmit;		/* group-specific queries still to send */
	uint64_t next_query;
	uint16_t nsrc, cap;
	struct mb_source *src;
	struct in6_addr last_reporter;
	uint64_t last_report;
	/* what was last told through mb_ops: 0 nothing, 1 any source, 2 SSM */
	uint8_t emitted;
	uint16_t emitted_nsrc;
	struct in6_addr *emitted_src;
};

struct mb_stats {
	uint64_t queries_in, reports_in, leaves_in, queries_out;
	uint64_t ignored;	/* link-local groups, own queries, ... */
	uint64_t over_limit;	/* groups or sources refused by the bounds */
};

struct mb_if {
	struct mb_config cfg;
	const struct mb_ops *ops;
	void *ctx;

	/* effective values: a non-querier adopts the querier's QRV and QQI */
	uint8_t qrv;
	uint32_t qi_ms;

	bool querier;
	struct in6_addr other_querier;
	uint64_t other_querier_timer;
	uint64_t next_general;
	uint32_t startup_left;

	uint32_t ngroups;
	struct mb_group *groups;
	struct mb_stats stats;
};

int mb_init(struct mb_if *mb, const struct mb_config *cfg,
	    const struct mb_ops *ops, void *ctx, uint64_t now);
/* Emits leave for every group still joined when emit_leaves is set. */
void mb_fini(struct mb_if *mb, bool emit_leaves);

/* A parsed message from this interface (mc_parse()). */
void mb_input(struct mb_if *mb, uint64_t now, const struct mc_msg *m);
/* Run every timer due at now. */
void mb_tick(struct mb_if *mb, uint64_t now);
/* Earliest time mb_tick() has work to do, 0 if none. */
uint64_t mb_next_event(const struct mb_if *mb);

struct mb_group *mb_find(const struct mb_if *mb, const struct in6_addr *g);
/* Intervals derived from the effective values (RFC 3376 §8). */
uint64_t mb_gmi(const struct mb_if *mb);
uint64_t mb_oqpi(const struct mb_if *mb);
uint64_t mb_lmqt(const struct mb_if *mb);
/* Version of the group's compatibility mode (IGMP 1..3, MLD 1..2). */
uint8_t mb_group_compat(const struct mb_if *mb, const struct mb_group *g);

#endif
