/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ivgmp-agent: the state every part of the daemon shares.  One thread owns
 * all of it (the poll loop); the VNOC worker threads only see the jobs that
 * vnoc.c passes them and hand back through a pipe.
 */
#ifndef IVGMP_AGENT_H
#define IVGMP_AGENT_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "announce.h"
#include "diff.h"
#include "groups.h"
#include "ipsec.h"
#include "membership.h"
#include "usage.h"
#include "vnocs.h"

#define AGENT_DEFAULT_CONF	"/etc/ivgmp/agent.conf"
#define AGENT_DEFAULT_CTL	"/run/ivgmp-agent.sock"
#define AGENT_DEFAULT_PID	"/run/ivgmp-agent.pid"
#define AGENT_DEFAULT_SPOOL	"/var/lib/ivgmp/usage.spool"
#define AGENT_MAX_LANS		IVGMP_MAX_LANS
#define AGENT_MAX_SUBSCRIBE	256

struct lan;

/* membership callbacks need to know the LAN and the family */
struct lan_fam {
	struct lan *lan;
	int family;
};

struct lan {
	char name[IF_NAMESIZE];
	unsigned int ifindex;
	uint32_t vpn;
	bool up;			/* sockets open, membership running */
	int pkt_fd;			/* AF_PACKET snooping socket */
	int q4_fd, q6_fd;		/* raw sockets for our queries */
	int sub4_fd, sub6_fd;		/* proactive subscriptions */
	bool has4, has6;		/* the interface has such an address */
	struct mb_if mb4, mb6;
	struct lan_fam fam4, fam6;
	uint64_t rx_ok, rx_bad, rx_bad_last_log;
};

struct agent_config {
	uint32_t site_id;		/* 0: learn it from the VNOC */
	uint32_t vpn;			/* default VPN of the LANs */
	unsigned int nlans;
	struct {
		char name[IF_NAMESIZE];
		uint32_t vpn;
	} lans[AGENT_MAX_LANS];
	unsigned int nprefixes;
	struct ivgmp_prefix prefixes[IVGMP_MAX_PREFIXES];

	/* membership */
	bool querier;			/* false: never querier */
	uint8_t igmp_version, mld_version, robustness;
	uint32_t query_interval;	/* s */
	uint32_t query_response_ms, lmq_interval_ms;
	uint32_t max_groups;

	/* senders */
	uint32_t sender_silence;	/* s without traffic: LeaveGroup */
	uint32_t counter_interval;	/* s between kernel route dumps */

	/* multi-subnet sites */
	unsigned int nsubscribe;
	struct ivgmp_addr subscribe[AGENT_MAX_SUBSCRIBE];
	bool announce;
	uint16_t announce_port;
	uint32_t announce_max_lifetime;

	/* VNOC */
	/* in the order they are tried; vnoc_url is the first (NULL: none) */
	char *vnoc_urls[VNOCS_MAX];
	unsigned int nvnoc_urls;
	char *vnoc_url, *vnoc_cert, *vnoc_key, *vnoc_ca;
	bool vnoc_verify_host;
	uint32_t vnoc_timeout, vnoc_poll_wait;
	uint32_t backoff_min, backoff_max;	/* s */

	/* IPsec keying (ipsec.h) */
	struct ipsec_config ipsec;

	/* accounting */
	uint32_t usage_interval;	/* s */

	/* fail-closed transmit: XFRM block policies for the tunnel port */
	bool ipsec_block;
	uint32_t ipsec_block_priority;
	bool ipsec_block_remove;	/* remove them on a clean exit */

	/* paths from the file; the command line overrides them */
	char *file_ctl, *file_pid, *file_spool;

	bool flush_on_exit;
	bool no_kernel;			/* run without ivgmp.ko (tests) */
};

struct agent {
	struct agent_config cfg;
	unsigned int nlans;
	struct lan lans[AGENT_MAX_LANS];
	struct groups groups;
	struct usage usage;
	uint32_t site_id;		/* in use: config, else the VNOC's */
	uint64_t started;
};

extern struct agent *agent;

/* config.c */
void config_defaults(struct agent_config *c);
int config_load(struct agent_config *c, const char *path);
void config_free(struct agent_config *c);

/* lan.c */
int lan_open(struct lan *l);
void lan_close(struct lan *l, bool emit_leaves);
void lan_tick(struct lan *l, uint64_t now);
uint64_t lan_next_event(const struct lan *l);
struct lan *lan_by_ifindex(unsigned int ifindex);
int lan_subscribe(struct lan *l, const struct ivgmp_addr *g);
int lan_unsubscribe(struct lan *l, const struct ivgmp_addr *g);

/* announce_srv.c */
int announce_open(void);
void announce_close(void);
void announce_subs_sync(void);

/* kernel.c */
struct kernel_stats {
	uint64_t events, views_applied, last_ops;
};
bool kernel_up(void);
/* Catch-all XFRM block policies, before anything else (agent/xfrm.h). */
void kernel_block_init(void);
void kernel_set_view(struct table *t);
const struct ivgmp_route_info *
kernel_view_route(const struct ivgmp_route_info *key);
void kernel_reconfig(void);
uint64_t kernel_next_event(void);
void kernel_tick(uint64_t now);
int kernel_collect_usage(void);
void kernel_fini(bool flush);
void kernel_status(FILE *f);
struct json;
void kernel_status_json(struct json *j);

/* ctl.c */
int ctl_open(const char *path);
void ctl_close(void);
int ctl_client(const char *path, const char *cmd);

#endif
