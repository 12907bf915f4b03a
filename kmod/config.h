/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-namespace configuration. The data path reads an immutable snapshot
 * under rcu_read_lock(); IVGMP_CMD_SET_CONFIG builds a new snapshot, swaps
 * it in under ivgmp_net.lock and frees the old one with kfree_rcu().
 */
#ifndef _IVGMP_CONFIG_H
#define _IVGMP_CONFIG_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <uapi/linux/ivgmp.h>

struct net_device;
struct ivgmp_net;

/* Network-order address of either family; v4 uses the first 4 bytes. */
union ivgmp_addr {
	__be32 v4;
	struct in6_addr v6;
};

struct ivgmp_lan {
	int ifindex;
	u32 vpn;
};

struct ivgmp_prefix {
	u8 family;		/* AF_INET or AF_INET6 */
	u8 plen;
	union ivgmp_addr addr;	/* host bits are zero */
};

struct ivgmp_config {
	struct rcu_head rcu;
	u32 site_id;		/* 0: not set, nothing is sent */
	u16 port;		/* tunnel UDP port, host order */
	u8 hop_limit;		/* initial header hop count */
	u32 flags;		/* IVGMP_CONFIG_F_* */
	u32 event_rate;		/* NEW_SOURCE events per second, 0: none */
	unsigned int n_lans;
	unsigned int n_prefixes;
	struct ivgmp_lan lans[IVGMP_MAX_LANS];
	struct ivgmp_prefix prefixes[IVGMP_MAX_PREFIXES];
};

/* Which fields a parsed IVGMP_A_CONFIG carried (partial update). */
enum ivgmp_config_field {
	IVGMP_CONFIG_HAS_SITE_ID = 1U << 0,
	IVGMP_CONFIG_HAS_PORT = 1U << 1,
	IVGMP_CONFIG_HAS_FLAGS = 1U << 2,
	IVGMP_CONFIG_HAS_HOP_LIMIT = 1U << 3,
	IVGMP_CONFIG_HAS_EVENT_RATE = 1U << 4,
	IVGMP_CONFIG_HAS_LANS = 1U << 5,
	IVGMP_CONFIG_HAS_PREFIXES = 1U << 6,
};

/* Snapshot for the data path; caller holds rcu_read_lock(). Never NULL. */
const struct ivgmp_config *ivgmp_config_rcu(const struct ivgmp_net *in);
/* Snapshot for writers; caller holds ivgmp_net.lock. Never NULL. */
const struct ivgmp_config *ivgmp_config_locked(const struct ivgmp_net *in);

/*
 * Is @ifindex a LAN interface? If so, *@vpn is the VPN of traffic that
 * enters there.
 */
static inline bool ivgmp_config_lan_vpn(const struct ivgmp_config *cfg,
					int ifindex, u32 *vpn)
{
	unsigned int i;

	for (i = 0; i < cfg->n_lans; i++) {
		if (cfg->lans[i].ifindex == ifindex) {
			*vpn = cfg->lans[i].vpn;
			return true;
		}
	}
	return false;
}

static inline bool ivgmp_config_require_ipsec(const struct ivgmp_config *cfg)
{
	return cfg->flags & IVGMP_CONFIG_F_REQUIRE_IPSEC;
}

/*
 * RPF: is a source local, i.e. may its traffic be sent to other sites?
 * Inside one of the configured prefixes; with no prefixes configured, on a
 * subnet of @dev (the LAN interface it arrived on). Caller holds
 * rcu_read_lock().
 */
bool ivgmp_config_local_source4(const struct ivgmp_config *cfg,
				struct net_device *dev, __be32 saddr);
bool ivgmp_config_local_source6(const struct ivgmp_config *cfg,
				struct net_device *dev,
				const struct in6_addr *saddr);

void ivgmp_config_init_defaults(struct ivgmp_config *cfg);
/*
 * Publish @new as the config and free the old one after a grace period.
 * Caller holds ivgmp_net.lock.
 */
void ivgmp_config_replace(struct ivgmp_net *in, struct ivgmp_config *new);

int ivgmp_config_net_init(struct ivgmp_net *in);
void ivgmp_config_net_exit(struct ivgmp_net *in);
/* Watches for LAN interfaces going away, in every namespace. */
int ivgmp_config_notifier_init(void);
void ivgmp_config_notifier_exit(void);

#endif /* _IVGMP_CONFIG_H */
