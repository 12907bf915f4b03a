/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters: per route, per next hop, per site, per namespace, and
 * drops by reason. Writers run in the data path with BH disabled (netfilter
 * hook, UDP encap_rcv), so this_cpu_ptr() is stable and no lock is needed;
 * u64_stats_sync makes the 64-bit values readable on 32-bit machines.
 */
#ifndef _IVGMP_STATS_H
#define _IVGMP_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <uapi/linux/ivgmp.h>

/* Full set: routes, sites and the namespace (IVGMP_STATS_A_*). */
struct ivgmp_pcpu_stats {
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t delivered;
	u64_stats_t relayed;
	struct u64_stats_sync syncp;
};

/* Next hops only count what was sent to them. */
struct ivgmp_pcpu_tx {
	u64_stats_t packets;
	u64_stats_t bytes;
	struct u64_stats_sync syncp;
};

struct ivgmp_pcpu_drops {
	u64_stats_t drops[__IVGMP_DROP_MAX];
	struct u64_stats_sync syncp;
};

/* Summed over all CPUs, for netlink replies. */
struct ivgmp_stats_sum {
	u64 tx_packets;
	u64 tx_bytes;
	u64 rx_packets;
	u64 rx_bytes;
	u64 delivered;
	u64 relayed;
};

/* @len is the inner multicast packet's length, never the outer headers. */
static inline void ivgmp_stats_tx(struct ivgmp_pcpu_stats __percpu *s,
				  unsigned int len)
{
	struct ivgmp_pcpu_stats *p = this_cpu_ptr(s);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->tx_packets);
	u64_stats_add(&p->tx_bytes, len);
	u64_stats_update_end(&p->syncp);
}

static inline void ivgmp_stats_rx(struct ivgmp_pcpu_stats __percpu *s,
				  unsigned int len)
{
	struct ivgmp_pcpu_stats *p = this_cpu_ptr(s);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->rx_packets);
	u64_stats_add(&p->rx_bytes, len);
	u64_stats_update_end(&p->syncp);
}

static inline void ivgmp_stats_delivered(struct ivgmp_pcpu_stats __percpu *s)
{
	struct ivgmp_pcpu_stats *p = this_cpu_ptr(s);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->delivered);
	u64_stats_update_end(&p->syncp);
}

static inline void ivgmp_stats_relayed(struct ivgmp_pcpu_stats __percpu *s)
{
	struct ivgmp_pcpu_stats *p = this_cpu_ptr(s);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->relayed);
	u64_stats_update_end(&p->syncp);
}

static inline void ivgmp_nexthop_stats_tx(struct ivgmp_pcpu_tx __percpu *s,
					  unsigned int len)
{
	struct ivgmp_pcpu_tx *p = this_cpu_ptr(s);

	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->packets);
	u64_stats_add(&p->bytes, len);
	u64_stats_update_end(&p->syncp);
}

static inline void ivgmp_drops_inc(struct ivgmp_pcpu_drops __percpu *d,
				   enum ivgmp_drop reason)
{
	struct ivgmp_pcpu_drops *p = this_cpu_ptr(d);

	if (WARN_ON_ONCE((unsigned int)reason > IVGMP_DROP_MAX))
		reason = IVGMP_DROP_UNSPEC;
	u64_stats_update_begin(&p->syncp);
	u64_stats_inc(&p->drops[reason]);
	u64_stats_update_end(&p->syncp);
}

static inline void ivgmp_stats_sum(struct ivgmp_pcpu_stats __percpu *s,
				   struct ivgmp_stats_sum *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ivgmp_pcpu_stats *p = per_cpu_ptr(s, cpu);
		struct ivgmp_stats_sum v;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			v.tx_packets = u64_stats_read(&p->tx_packets);
			v.tx_bytes = u64_stats_read(&p->tx_bytes);
			v.rx_packets = u64_stats_read(&p->rx_packets);
			v.rx_bytes = u64_stats_read(&p->rx_bytes);
			v.delivered = u64_stats_read(&p->delivered);
			v.relayed = u64_stats_read(&p->relayed);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		sum->tx_packets += v.tx_packets;
		sum->tx_bytes += v.tx_bytes;
		sum->rx_packets += v.rx_packets;
		sum->rx_bytes += v.rx_bytes;
		sum->delivered += v.delivered;
		sum->relayed += v.relayed;
	}
}

static inline void ivgmp_nexthop_stats_sum(struct ivgmp_pcpu_tx __percpu *s,
					   u64 *packets, u64 *bytes)
{
	int cpu;

	*packets = 0;
	*bytes = 0;
	for_each_possible_cpu(cpu) {
		const struct ivgmp_pcpu_tx *p = per_cpu_ptr(s, cpu);
		unsigned int start;
		u64 pk, by;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			pk = u64_stats_read(&p->packets);
			by = u64_stats_read(&p->bytes);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		*packets += pk;
		*bytes += by;
	}
}

static inline void ivgmp_drops_sum(struct ivgmp_pcpu_drops __percpu *d,
				   u64 sum[__IVGMP_DROP_MAX])
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * __IVGMP_DROP_MAX);
	for_each_possible_cpu(cpu) {
		const struct ivgmp_pcpu_drops *p = per_cpu_ptr(d, cpu);
		u64 v[__IVGMP_DROP_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			for (i = 0; i < __IVGMP_DROP_MAX; i++)
				v[i] = u64_stats_read(&p->drops[i]);
		} while (u64_stats_fetch_retry(&p->syncp, start));
		for (i = 0; i < __IVGMP_DROP_MAX; i++)
			sum[i] += v[i];
	}
}

#endif /* _IVGMP_STATS_H */
