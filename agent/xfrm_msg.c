// SPDX-License-Identifier: GPL-2.0
/* Catch-all XFRM block policies as netlink messages (see xfrm_msg.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "xfrm_msg.h"

void xfrm_block_id(unsigned int i, struct xfrm_block_id *id)
{
	id->sport = i & 1;
	id->dir = i & 2 ? XFRM_POLICY_IN : XFRM_POLICY_OUT;
	id->family = i & 4 ? AF_INET6 : AF_INET;
}

static bool id_ok(const struct xfrm_block_id *id)
{
	return (id->family == AF_INET || id->family == AF_INET6) &&
	       (id->dir == XFRM_POLICY_IN || id->dir == XFRM_POLICY_OUT);
}

/* Any address of the family, UDP, the port on one side. */
static void selector(struct xfrm_selector *sel,
		     const struct xfrm_block_id *id, uint16_t port)
{
	memset(sel, 0, sizeof(*sel));
	sel->family = (uint16_t)id->family;
	sel->proto = IPPROTO_UDP;
	if (id->sport) {
		sel->sport = htons(port);
		sel->sport_mask = 0xffff;
	} else {
		sel->dport = htons(port);
		sel->dport_mask = 0xffff;
	}
}

size_t xfrm_block_msg(void *buf, uint16_t type, const struct xfrm_block_id *id,
		      uint16_t port, uint32_t priority, uint32_t seq)
{
	struct nlmsghdr *nlh;

	if (!port || !id_ok(id))
		return 0;
	memset(buf, 0, XFRM_MSG_BUFLEN);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;

	switch (type) {
	case XFRM_MSG_UPDPOLICY: {
		struct xfrm_userpolicy_info *p;

		p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
		selector(&p->sel, id, port);
		/* no limits, as ip-xfrm(8) sets them */
		p->lft.soft_byte_limit = XFRM_INF;
		p->lft.hard_byte_limit = XFRM_INF;
		p->lft.soft_packet_limit = XFRM_INF;
		p->lft.hard_packet_limit = XFRM_INF;
		p->priority = priority;
		p->dir = id->dir;
		p->action = XFRM_POLICY_BLOCK;
		p->share = XFRM_SHARE_ANY;
		break;
	}
	case XFRM_MSG_GETPOLICY:
	case XFRM_MSG_DELPOLICY: {
		struct xfrm_userpolicy_id *p;

		p = mnl_nlmsg_put_extra_header(nlh, sizeof(*p));
		selector(&p->sel, id, port);
		p->dir = id->dir;
		break;
	}
	default:
		return 0;
	}
	return nlh->nlmsg_len;
}

bool xfrm_block_matches(const void *buf, size_t len,
			const struct xfrm_block_id *id, uint16_t port,
			uint32_t priority)
{
	const struct nlmsghdr *nlh = buf;
	const struct xfrm_userpolicy_info *p;
	const struct nlattr *a;
	struct xfrm_selector want;

	if (len < sizeof(*nlh) || !mnl_nlmsg_ok(nlh, (int)len) ||
	    nlh->nlmsg_type != XFRM_MSG_NEWPOLICY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*p)) || !id_ok(id))
		return false;
	p = mnl_nlmsg_get_payload(nlh);
	selector(&want, id, port);
	/* the kernel fills in what it owns: index, lifetimes in use */
	if (memcmp(&p->sel, &want, sizeof(want)) || p->dir != id->dir ||
	    p->action != XFRM_POLICY_BLOCK || p->priority != priority)
		return false;
	/* stops at the first attribute that does not fit */
	mnl_attr_for_each(a, nlh, sizeof(*p))
		if (mnl_attr_get_type(a) == XFRMA_TMPL)
			return false;
	return true;
}
