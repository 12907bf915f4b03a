/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink family "ivgmp" (include/uapi/linux/ivgmp.h). The parsers
 * are exported to the KUnit tests, which feed them nests built with
 * nla_put() and need no socket.
 */
#ifndef _IVGMP_NETLINK_H
#define _IVGMP_NETLINK_H

#include <net/genetlink.h>
#include "ivgmp.h"

extern struct genl_family ivgmp_genl_family;

enum ivgmp_parse_mode {
	IVGMP_PARSE_FULL,	/* NEW_*: the whole object */
	IVGMP_PARSE_KEY,	/* DEL_* and GET_* doit: the key only */
};

int ivgmp_site_parse(const struct nlattr *nest, struct ivgmp_site_spec *spec,
		     enum ivgmp_parse_mode mode,
		     struct netlink_ext_ack *extack);
/* Allocates spec->nexthops and spec->nh_attrs: ivgmp_route_spec_free(). */
int ivgmp_route_parse(const struct nlattr *nest, struct ivgmp_route_spec *spec,
		      enum ivgmp_parse_mode mode,
		      struct netlink_ext_ack *extack);
void ivgmp_route_spec_free(struct ivgmp_route_spec *spec);

/*
 * Parse a validated IVGMP_A_CONFIG nest into @cfg, changing only the fields
 * present (returned as a mask of IVGMP_CONFIG_HAS_* in *@has). Checks what
 * the policy cannot: list lengths, duplicates, prefix host bits, v4 xor v6.
 * When @net is not NULL, LAN ifindexes must exist in it.
 */
int ivgmp_config_parse(const struct nlattr *nest, struct ivgmp_config *cfg,
		       u32 *has, struct net *net,
		       struct netlink_ext_ack *extack);
/* Puts IVGMP_A_CONFIG; on -EMSGSIZE the caller cancels the message. */
int ivgmp_config_fill(struct sk_buff *skb, const struct ivgmp_config *cfg);

void ivgmp_events_init(struct ivgmp_net *in);
/* Token bucket behind ivgmp_notify_new_source(); exported for tests. */
bool ivgmp_events_allow(struct ivgmp_event_limit *el, u32 rate,
			unsigned long now);

int ivgmp_genl_init(void);
void ivgmp_genl_exit(void);

#endif /* _IVGMP_NETLINK_H */
