// SPDX-License-Identifier: GPL-2.0
/*
 * IVGMP: multicast across an IPsec VPN by per-site unicast replication.
 * Module init/exit and the per-namespace instance.
 */

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/net_namespace.h>
#include "ivgmp.h"
#include "netlink.h"
#include "socket.h"
#include "tx.h"

unsigned int ivgmp_net_id __read_mostly;

static int __net_init ivgmp_net_init(struct net *net)
{
	struct ivgmp_net *in = ivgmp_net(net);
	int err;

	in->net = net;
	mutex_init(&in->lock);
	ivgmp_events_init(in);
	in->stats = alloc_percpu(struct ivgmp_pcpu_stats);
	if (!in->stats)
		return -ENOMEM;
	in->drops = alloc_percpu(struct ivgmp_pcpu_drops);
	if (!in->drops) {
		err = -ENOMEM;
		goto free_stats;
	}
	err = ivgmp_config_net_init(in);
	if (err)
		goto free_drops;
	err = ivgmp_table_init(in);
	if (err)
		goto exit_config;

	err = ivgmp_tx_net_init(in);
	if (err)
		goto exit_table;

	return 0;

exit_table:
	ivgmp_table_exit(in);
exit_config:
	ivgmp_config_net_exit(in);
free_drops:
	free_percpu(in->drops);
free_stats:
	free_percpu(in->stats);
	return err;
}

/*
 * The data path stops in pre_exit (hooks unregistered, tunnel sockets
 * released); the core then waits for a grace period before ->exit, so no
 * reader can still see the tables or counters torn down here.
 */
static void __net_exit ivgmp_net_pre_exit(struct net *net)
{
	struct ivgmp_net *in = ivgmp_net(net);

	ivgmp_tx_net_exit(in);
	ivgmp_socket_net_exit(in);
}

static void __net_exit ivgmp_net_exit(struct net *net)
{
	struct ivgmp_net *in = ivgmp_net(net);

	ivgmp_table_exit(in);
	ivgmp_config_net_exit(in);
	free_percpu(in->drops);
	free_percpu(in->stats);
	mutex_destroy(&in->lock);
}

static struct pernet_operations ivgmp_net_ops = {
	.init = ivgmp_net_init,
	.pre_exit = ivgmp_net_pre_exit,
	.exit = ivgmp_net_exit,
	.id = &ivgmp_net_id,
	.size = sizeof(struct ivgmp_net),
};

static int __init ivgmp_init(void)
{
	int err;

	err = register_pernet_subsys(&ivgmp_net_ops);
	if (err)
		return err;
	err = ivgmp_config_notifier_init();
	if (err)
		goto unregister_pernet;
	err = ivgmp_genl_init();
	if (err)
		goto unregister_notifier;
	return 0;

unregister_notifier:
	ivgmp_config_notifier_exit();
unregister_pernet:
	unregister_pernet_subsys(&ivgmp_net_ops);
	return err;
}

static void __exit ivgmp_exit(void)
{
	ivgmp_genl_exit();
	ivgmp_config_notifier_exit();
	/* Each namespace's exit cancels its pending LAN prune. */
	unregister_pernet_subsys(&ivgmp_net_ops);
	/* Table objects are freed by call_rcu() callbacks in this module. */
	rcu_barrier();
}

module_init(ivgmp_init);
module_exit(ivgmp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IVGMP: multicast over IPsec VPNs by per-site replication");
MODULE_AUTHOR("IVGMP developers");
MODULE_ALIAS_GENL_FAMILY(IVGMP_GENL_NAME);
