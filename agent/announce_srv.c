// SPDX-License-Identifier: GPL-2.0
/*
 * The announcement service (paper §3.2): hosts behind inner routers tell us
 * they send or receive a group.  Only messages that arrive on a LAN
 * interface count, the VPN is the LAN's, and every announcement expires
 * unless renewed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "announce.h"
#include "log.h"
#include "loop.h"

static int ann_fd = -1;
static uint64_t refused_last_log;

/*
 * The subscriptions made for announced senders, one per (LAN, group,
 * announcing host): a subscription is dropped when no announcement on that
 * LAN needs it any more, so the top router stops sending the group to the
 * edge once its senders stop announcing it.
 */
struct ann_sub {
	unsigned int ifindex;
	uint32_t vpn;
	struct ivgmp_addr group;
	struct in6_addr who;
};
static struct ann_sub *subs;
static size_t nsubs;

static void to_mapped(struct in6_addr *out, const struct ivgmp_addr *a)
{
	if (a->family == AF_INET)
		mc_addr_from_v4(out, a->v4.s_addr);
	else
		*out = a->v6;
}

static void reply(const struct sockaddr_in6 *to, uint32_t nonce,
		  uint8_t status)
{
	uint8_t buf[ANNOUNCE_HDR_LEN];

	announce_reply_encode(nonce, status, buf, sizeof(buf));
	if (sendto(ann_fd, buf, sizeof(buf), MSG_DONTWAIT, (const void *)to,
		   sizeof(*to)) < 0)
		log_debug("announcement reply: %s", strerror(errno));
}

static void refuse(const char *from, const char *why)
{
	uint64_t now = now_ms();

	if (!refused_last_log || now - refused_last_log >= 5000) {
		log_warnx("announcement from %s refused: %s", from, why);
		refused_last_log = now;
	}
}

static bool same_group(const struct ivgmp_addr *a, const struct ivgmp_addr *b)
{
	return a->family == b->family && (a->family == AF_INET ?
	       a->v4.s_addr == b->v4.s_addr :
	       !memcmp(&a->v6, &b->v6, sizeof(a->v6)));
}

static void sub_add(const struct lan *l, const struct ivgmp_addr *g,
		    const struct in6_addr *who)
{
	struct ann_sub *n;
	size_t i;

	for (i = 0; i < nsubs; i++)
		if (subs[i].ifindex == l->ifindex && subs[i].vpn == l->vpn &&
		    same_group(&subs[i].group, g) &&
		    !memcmp(&subs[i].who, who, sizeof(*who)))
			return;
	n = realloc(subs, (nsubs + 1) * sizeof(*n));
	if (!n)
		return;	/* the subscription then lasts until restart */
	subs = n;
	subs[nsubs++] = (struct ann_sub){ .ifindex = l->ifindex,
					  .vpn = l->vpn, .group = *g,
					  .who = *who };
}

/* Is the announcement behind this subscription still in force? */
static bool sub_alive(const struct ann_sub *a)
{
	struct in6_addr g;
	struct interest *in;
	const struct contrib *c;

	to_mapped(&g, &a->group);
	in = groups_find(&agent->groups, a->vpn, &g);
	for (c = in ? in->c[ROLE_SENDER] : NULL; c; c = c->next)
		if (c->kind == CONTRIB_ANNOUNCE &&
		    !memcmp(&c->who, &a->who, sizeof(a->who)))
			return true;
	return false;
}

static bool still_needed(unsigned int ifindex, const struct ivgmp_addr *g)
{
	size_t i;

	for (i = 0; i < agent->cfg.nsubscribe; i++)
		if (same_group(&agent->cfg.subscribe[i], g))
			return true;
	for (i = 0; i < nsubs; i++)
		if (subs[i].ifindex == ifindex && same_group(&subs[i].group, g))
			return true;
	return false;
}

/*
 * After announcements expired or were withdrawn: drop the subscriptions
 * nothing needs any more.  The sender's kernel state then goes silent and
 * lapses too, which tells the VNOC the site left as a sender.
 */
void announce_subs_sync(void)
{
	size_t i = 0;

	while (i < nsubs) {
		struct ann_sub dead = subs[i];
		struct lan *l;
		char gs[ADDR_STRLEN], ws[INET6_ADDRSTRLEN];

		if (sub_alive(&dead)) {
			i++;
			continue;
		}
		subs[i] = subs[--nsubs];
		l = lan_by_ifindex(dead.ifindex);
		if (!l || still_needed(dead.ifindex, &dead.group))
			continue;
		log_info("%s: sender announcement of %s by %s ended: "
			 "unsubscribing", l->name,
			 addr_ntop(&dead.group, gs, sizeof(gs)),
			 mc_addr_str(&dead.who, ws, sizeof(ws)));
		lan_unsubscribe(l, &dead.group);
	}
}

static uint8_t handle(const struct announce *a, struct lan *l,
		      const struct in6_addr *who, const char *from)
{
	const struct agent_config *c = &agent->cfg;
	struct in6_addr g, src[ANNOUNCE_MAX_SOURCES];
	uint64_t now = now_ms();
	int role = a->role == ANNOUNCE_SENDER ? ROLE_SENDER : ROLE_RECEIVER;
	char gs[ADDR_STRLEN];
	unsigned int i;
	int err;

	if (a->vpn && a->vpn != l->vpn) {
		refuse(from, "VPN is not the LAN's");
		return ANNOUNCE_REFUSED;
	}
	if (a->lifetime > c->announce_max_lifetime) {
		refuse(from, "lifetime above announce_max_lifetime");
		return ANNOUNCE_REFUSED;
	}
	to_mapped(&g, &a->group);
	for (i = 0; i < a->nsrc; i++)
		to_mapped(&src[i], &a->src[i]);
	addr_ntop(&a->group, gs, sizeof(gs));

	if (!a->lifetime) {
		groups_contrib_del(&agent->groups, l->vpn, &g, role,
				   CONTRIB_ANNOUNCE, who);
		log_info("%s withdrew its %s announcement for %s", from,
			 role == ROLE_SENDER ? "sender" : "receiver", gs);
		announce_subs_sync();
		return ANNOUNCE_OK;
	}
	err = groups_contrib_set(&agent->groups, l->vpn, &g, role,
				 CONTRIB_ANNOUNCE, who,
				 now + (uint64_t)a->lifetime * 1000, a->nsrc,
				 src);
	if (err) {
		refuse(from, strerror(-err));
		return ANNOUNCE_REFUSED;
	}
	/* an inner sender's traffic must reach us: ask the top router */
	if (role == ROLE_SENDER) {
		sub_add(l, &a->group, who);
		lan_subscribe(l, &a->group);
	}
	log_debug("%s announced %s of %s for %u s", from,
		  role == ROLE_SENDER ? "sender" : "receiver", gs,
		  a->lifetime);
	return ANNOUNCE_OK;
}

static void ann_input(int fd, short revents, void *arg)
{
	uint8_t buf[ANNOUNCE_MAX_LEN + 1];
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct sockaddr_in6 from;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_name = &from, .msg_namelen = sizeof(from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	unsigned int ifindex = 0;
	struct announce a;
	const char *why = NULL;
	char fs[INET6_ADDRSTRLEN];
	struct in6_addr who;
	struct lan *l;
	ssize_t n;

	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == IPPROTO_IPV6 &&
		    cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			ifindex = pi.ipi6_ifindex;
		}
	who = from.sin6_addr;
	mc_addr_str(&who, fs, sizeof(fs));

	l = lan_by_ifindex(ifindex);
	if (!l) {
		/* no reply: we do not talk to the WAN */
		refuse(fs, "not received on a LAN interface");
		return;
	}
	if (announce_decode(buf, (size_t)n, &a, &why)) {
		refuse(fs, why);
		/* a reply needs a nonce we could read */
		if (n >= ANNOUNCE_HDR_LEN)
			reply(&from, (uint32_t)buf[8] << 24 |
			      (uint32_t)buf[9] << 16 | (uint32_t)buf[10] << 8 |
			      buf[11], ANNOUNCE_MALFORMED);
		return;
	}
	reply(&from, a.nonce, handle(&a, l, &who, fs));
}

int announce_open(void)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(agent->cfg.announce_port),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	int fd, one = 1, zero = 0;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (void *)&sa, sizeof(sa))) {
		int e = errno;

		close(fd);
		return -e;
	}
	ann_fd = fd;
	loop_add_fd(fd, POLLIN, ann_input, NULL);
	log_info("announcements on UDP port %u", agent->cfg.announce_port);
	return 0;
}

void announce_close(void)
{
	free(subs);
	subs = NULL;
	nsubs = 0;
	if (ann_fd >= 0) {
		loop_del_fd(ann_fd);
		close(ann_fd);
		ann_fd = -1;
	}
}
