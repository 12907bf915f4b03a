/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IVGMP kernel module: the per-namespace instance every part shares.
 *
 * Locking: ivgmp_net.lock (a mutex) serialises every writer: netlink
 * commands, namespace init/exit and tunnel rebinds. The data path never
 * takes it: it reads the config snapshot and the tables under
 * rcu_read_lock() with BH disabled.
 */
#ifndef _IVGMP_H
#define _IVGMP_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/ivgmp.h>
#include "config.h"
#include "stats.h"
#include "table.h"

struct socket;

/* Token bucket for NEW_SOURCE events, refilled at config event_rate/s. */
struct ivgmp_event_limit {
	spinlock_t lock;	/* taken from softirq and process context */
	unsigned long last;	/* jiffies of the last refill */
	u64 tokens;		/* scaled by HZ */
};

struct ivgmp_net {
	struct net *net;
	struct mutex lock;	/* serialises all writers, see top */
	struct ivgmp_config __rcu *config;
	struct ivgmp_table table;
	struct ivgmp_pcpu_stats __percpu *stats;	/* namespace totals */
	struct ivgmp_pcpu_drops __percpu *drops;	/* by enum ivgmp_drop */
	struct ivgmp_event_limit events;
	/* Drops deleted interfaces from the LAN list (config.c). */
	struct work_struct lan_prune;

	/*
	 * The tunnel sockets (socket.c), published with rcu_replace_pointer()
	 * under lock and read with rcu_dereference() when sending (xmit.c);
	 * tx.c's hooks.
	 */
	struct socket __rcu *sock4;
	struct socket __rcu *sock6;
	bool hooks_registered;
};

extern unsigned int ivgmp_net_id;

static inline struct ivgmp_net *ivgmp_net(const struct net *net)
{
	return net_generic(net, ivgmp_net_id);
}

/* Count a drop; data path, BH disabled. */
static inline void ivgmp_drop(struct ivgmp_net *in, enum ivgmp_drop reason)
{
	ivgmp_drops_inc(in->drops, reason);
}

/*
 * Tell listeners on the "events" group that a local source sends to a group
 * with no route. Callable from softirq; rate-limited per namespace by the
 * configured event_rate; cheap when nobody listens. @family is AF_INET or
 * AF_INET6; @group and @source point at a __be32 or a struct in6_addr.
 */
void ivgmp_notify_new_source(struct ivgmp_net *in, u32 vpn, u8 family,
			     const void *group, const void *source,
			     int ifindex);

#endif /* _IVGMP_H */
