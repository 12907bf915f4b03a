// SPDX-License-Identifier: GPL-2.0
/*
 * One LAN interface: IGMP/MLD snooping through an AF_PACKET socket with a
 * classic BPF filter and ALLMULTI, our own queries through raw sockets, the
 * membership state machines (one per family), and the proactive group
 * subscriptions for multi-subnet sites (paper §3.2).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "loop.h"

/*
 * Runs on the network header (SOCK_DGRAM).  Accepts IPv4 protocol 2 and
 * ICMPv6 types 130, 131, 132 and 143, directly after the IPv6 header or
 * after one hop-by-hop header (where MLD's Router Alert lives).
 */
static struct sock_filter snoop_code[] = {
	/* 0 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
	/* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 2),
	/* 2 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
	/* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_IGMP, 17, 18),
	/* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 0, 17),
	/* 5 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
	/* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 2),
	/* 7 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 40),
	/* 8 */ BPF_STMT(BPF_JMP | BPF_JA, 8),
	/* 9 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_HOPOPTS, 0, 12),
	/* 10 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 40),
	/* 11 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 10),
	/* 12 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 41),
	/* 13 */ BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1),
	/* 14 */ BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 3),
	/* 15 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
	/* 16 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, 40),
	/* 17 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 130, 3, 0),
	/* 18 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 131, 2, 0),
	/* 19 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 132, 1, 0),
	/* 20 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 143, 0, 1),
	/* 21 */ BPF_STMT(BPF_RET | BPF_K, 0xffff),
	/* 22 */ BPF_STMT(BPF_RET | BPF_K, 0),
};

/* Sockets we only send on, or hold for their side effect, read nothing. */
static struct sock_filter drop_code[] = {
	BPF_STMT(BPF_RET | BPF_K, 0),
};

static int attach(int fd, struct sock_filter *code, unsigned short len)
{
	struct sock_fprog prog = { .len = len, .filter = code };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			  sizeof(prog));
}

struct lan *lan_by_ifindex(unsigned int ifindex)
{
	unsigned int i;

	for (i = 0; i < agent->nlans; i++)
		if (agent->lans[i].up && agent->lans[i].ifindex == ifindex)
			return &agent->lans[i];
	return NULL;
}

static void lan_addresses(struct lan *l, struct in6_addr *a4,
			  struct in6_addr *a6)
{
	struct ifaddrs *ifa, *i;

	memset(a4, 0, sizeof(*a4));
	memset(a6, 0, sizeof(*a6));
	l->has4 = l->has6 = false;
	if (getifaddrs(&ifa))
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, l->name))
			continue;
		if (i->ifa_addr->sa_family == AF_INET && !l->has4) {
			struct sockaddr_in *s = (void *)i->ifa_addr;

			mc_addr_from_v4(a4, s->sin_addr.s_addr);
			l->has4 = true;
		} else if (i->ifa_addr->sa_family == AF_INET6 && !l->has6) {
			struct sockaddr_in6 *s = (void *)i->ifa_addr;

			if (IN6_IS_ADDR_LINKLOCAL(&s->sin6_addr)) {
				*a6 = s->sin6_addr;
				l->has6 = true;
			}
		}
	}
	freeifaddrs(ifa);
}

/* ---------------------------------------------------- membership glue */

static void cb_join(void *ctx, const struct in6_addr *g, uint16_t n,
		    const struct in6_addr *src)
{
	struct lan_fam *lf = ctx;
	struct in6_addr who;
	char a[INET6_ADDRSTRLEN];
	int err;

	groups_who_ifindex(&who, lf->lan->ifindex);
	err = groups_contrib_set(&agent->groups, lf->lan->vpn, g,
				 ROLE_RECEIVER, CONTRIB_LAN, &who, 0, n, src);
	if (err)
		log_warnx("%s: group %s: %s", lf->lan->name,
			  mc_addr_str(g, a, sizeof(a)), strerror(-err));
	else
		log_info("%s: receivers for %s (%s)", lf->lan->name,
			 mc_addr_str(g, a, sizeof(a)), n ? "SSM" : "any source");
}

static void cb_leave(void *ctx, const struct in6_addr *g)
{
	struct lan_fam *lf = ctx;
	struct in6_addr who;
	char a[INET6_ADDRSTRLEN];

	groups_who_ifindex(&who, lf->lan->ifindex);
	groups_contrib_del(&agent->groups, lf->lan->vpn, g, ROLE_RECEIVER,
			   CONTRIB_LAN, &who);
	log_info("%s: last receiver of %s gone", lf->lan->name,
		 mc_addr_str(g, a, sizeof(a)));
}

static void cb_query(void *ctx, const struct mc_query_args *q)
{
	struct lan_fam *lf = ctx;
	struct lan *l = lf->lan;
	uint8_t buf[2048];
	ssize_t n;
	int len;

	if (lf->family == AF_INET) {
		struct sockaddr_in to = { .sin_family = AF_INET };

		len = igmp_build_query(buf, sizeof(buf), q);
		if (q->group && !mc_addr_is_any(q->group))
			to.sin_addr.s_addr = mc_addr_v4(q->group);
		else
			to.sin_addr.s_addr = htonl(0xe0000001);
		if (len < 0)
			return;
		n = sendto(l->q4_fd, buf, (size_t)len, 0, (void *)&to,
			   sizeof(to));
	} else {
		struct sockaddr_in6 to = { .sin6_family = AF_INET6,
					   .sin6_scope_id = l->ifindex };

		len = mld_build_query(buf, sizeof(buf), q, NULL, NULL);
		if (q->group && !mc_addr_is_any(q->group))
			to.sin6_addr = *q->group;
		else
			inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
		if (len < 0)
			return;
		n = sendto(l->q6_fd, buf, (size_t)len, 0, (void *)&to,
			   sizeof(to));
	}
	if (n < 0)
		log_debug("%s: sending a query: %s", l->name, strerror(errno));
}

static void cb_querier(void *ctx, bool is, const struct in6_addr *other)
{
	struct lan_fam *lf = ctx;
	char a[INET6_ADDRSTRLEN];

	if (is)
		log_info("%s: %s querier now", lf->lan->name,
			 lf->family == AF_INET ? "IGMP" : "MLD");
	else
		log_info("%s: %s querier is %s", lf->lan->name,
			 lf->family == AF_INET ? "IGMP" : "MLD",
			 mc_addr_str(other, a, sizeof(a)));
}

static const struct mb_ops lan_mb_ops = {
	.join = cb_join,
	.sources = cb_join,
	.leave = cb_leave,
	.send_query = cb_query,
	.querier = cb_querier,
};

/* -------------------------------------------------------------- input */

static void lan_input(int fd, short revents, void *arg)
{
	static struct mc_msg msg;
	static uint8_t buf[65536];
	struct lan *l = arg;
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	uint64_t now = now_ms();
	ssize_t n;
	int err;

	n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT, (void *)&sll, &sl);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("%s: snooping socket", l->name);
		return;
	}
	/* our own queries and the kernel's own reports */
	if (sll.sll_pkttype == PACKET_OUTGOING)
		return;
	err = mc_parse(buf, (size_t)n, &msg);
	if (err) {
		l->rx_bad++;
		/* hosts doing duplicate address detection report from :: */
		if (err == -MC_ESRC) {
			log_debug("%s: %s", l->name, mc_strerror(err));
			return;
		}
		/* a broken host must not flood the log */
		if (now - l->rx_bad_last_log >= 10000 || !l->rx_bad_last_log) {
			log_warnx("%s: dropped an IGMP/MLD message: %s "
				  "(%llu so far)", l->name, mc_strerror(err),
				  (unsigned long long)l->rx_bad);
			l->rx_bad_last_log = now;
		}
		return;
	}
	l->rx_ok++;
	if (msg.family == AF_INET)
		mb_input(&l->mb4, now, &msg);
	else
		mb_input(&l->mb6, now, &msg);
}

/* -------------------------------------------------------- open, close */

static int open_snoop(struct lan *l)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = (int)l->ifindex,
	};
	struct packet_mreq mr = {
		.mr_ifindex = (int)l->ifindex,
		.mr_type = PACKET_MR_ALLMULTI,
	};
	char drain[16];
	int fd;

	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* filter first, then bind: nothing unfiltered is queued after */
	if (attach(fd, snoop_code, sizeof(snoop_code) / sizeof(snoop_code[0])) ||
	    bind(fd, (void *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		       sizeof(mr))) {
		int e = errno;

		close(fd);
		return -e;
	}
	while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
		;
	return fd;
}

static int open_q4(struct lan *l)
{
	static const uint8_t ra[4] = { 0x94, 0x04, 0, 0 };
	struct ip_mreqn mr = { .imr_ifindex = (int)l->ifindex };
	int fd, one = 1, zero = 0, tos = 0xc0;

	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IGMP);
	if (fd < 0)
		return -errno;
	if (attach(fd, drop_code, 1) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, l->name,
		       (socklen_t)strlen(l->name)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero,
		       sizeof(zero)) ||
	    setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) ||
	    setsockopt(fd, IPPROTO_IP, IP_OPTIONS, ra, sizeof(ra))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static int open_q6(struct lan *l)
{
	/* hop-by-hop header: Router Alert (MLD), then PadN */
	static const uint8_t hbh[8] = { 0, 0, 5, 2, 0, 0, 1, 0 };
	struct icmp6_filter f;
	int fd, one = 1, zero = 0, idx = (int)l->ifindex;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	ICMP6_FILTER_SETBLOCKALL(&f);
	if (setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof(f)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, l->name,
		       (socklen_t)strlen(l->name)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx,
		       sizeof(idx)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one,
		       sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero,
		       sizeof(zero)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_HOPOPTS, hbh, sizeof(hbh))) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static int open_sub(int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && attach(fd, drop_code, 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Join or leave g on the LAN through its subscription socket. */
static int lan_membership(struct lan *l, const struct ivgmp_addr *g,
			  bool join)
{
	const char *what = join ? "subscrib" : "unsubscrib";
	char a[ADDR_STRLEN];
	int r;

	if (g->family == AF_INET) {
		struct ip_mreqn mr = { .imr_multiaddr = g->v4,
				       .imr_ifindex = (int)l->ifindex };

		if (l->sub4_fd < 0)
			return -EBADF;
		r = setsockopt(l->sub4_fd, IPPROTO_IP, join ?
			       IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &mr,
			       sizeof(mr));
	} else {
		struct ipv6_mreq mr = { .ipv6mr_multiaddr = g->v6,
					.ipv6mr_interface = l->ifindex };

		if (l->sub6_fd < 0)
			return -EBADF;
		r = setsockopt(l->sub6_fd, IPPROTO_IPV6, join ?
			       IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &mr,
			       sizeof(mr));
	}
	/* already a member, or (leaving) not one: nothing to do */
	if (r && (join ? errno != EADDRINUSE :
		  errno != EADDRNOTAVAIL && errno != ENOENT)) {
		log_warn("%s: %sing %s %s", l->name, what,
			 join ? "to" : "from", addr_ntop(g, a, sizeof(a)));
		return -errno;
	}
	if (!r)
		log_info("%s: %sed %s %s", l->name, what, join ? "to" : "from",
			 addr_ntop(g, a, sizeof(a)));
	return 0;
}

int lan_subscribe(struct lan *l, const struct ivgmp_addr *g)
{
	return lan_membership(l, g, true);
}

/* The kernel sends the IGMP/MLD leave. */
int lan_unsubscribe(struct lan *l, const struct ivgmp_addr *g)
{
	return lan_membership(l, g, false);
}

static void mb_setup(struct lan *l, struct mb_if *mb, int family,
		     const struct in6_addr *addr, bool have_addr,
		     struct lan_fam *lf, uint64_t now)
{
	const struct agent_config *c = &agent->cfg;
	struct mb_config mc;

	mb_config_defaults(&mc, family);
	mc.version = family == AF_INET ? c->igmp_version : c->mld_version;
	mc.robustness = c->robustness;
	mc.query_interval_ms = c->query_interval * 1000;
	mc.query_response_ms = c->query_response_ms;
	mc.lmq_interval_ms = c->lmq_interval_ms;
	mc.max_groups = c->max_groups;
	/* without an address of our own we cannot be the querier */
	mc.never_querier = !c->querier || !have_addr;
	mc.addr = *addr;
	lf->lan = l;
	lf->family = family;
	if (mb_init(mb, &mc, &lan_mb_ops, lf, now))
		fatalx("%s: invalid membership parameters", l->name);
}

int lan_open(struct lan *l)
{
	struct in6_addr a4, a6;
	uint64_t now = now_ms();
	unsigned int i;
	int fd;

	if (!l->name[0])
		return 0;	/* a slot freed by a reload */
	l->ifindex = addr_ifindex(l->name);
	if (!l->ifindex)
		return -ENODEV;
	lan_addresses(l, &a4, &a6);
	l->q4_fd = l->q6_fd = l->sub4_fd = l->sub6_fd = l->pkt_fd = -1;

	fd = open_snoop(l);
	if (fd < 0) {
		log_warnx("%s: snooping socket: %s", l->name, strerror(-fd));
		return fd;
	}
	l->pkt_fd = fd;
	fd = open_q4(l);
	if (fd < 0)
		log_warnx("%s: IGMP query socket: %s", l->name, strerror(-fd));
	l->q4_fd = fd;
	fd = open_q6(l);
	if (fd < 0)
		log_warnx("%s: MLD query socket: %s", l->name, strerror(-fd));
	l->q6_fd = fd;
	l->sub4_fd = open_sub(AF_INET);
	l->sub6_fd = open_sub(AF_INET6);

	mb_setup(l, &l->mb4, AF_INET, &a4, l->has4 && l->q4_fd >= 0,
		 &l->fam4, now);
	mb_setup(l, &l->mb6, AF_INET6, &a6, l->has6 && l->q6_fd >= 0,
		 &l->fam6, now);
	loop_add_fd(l->pkt_fd, POLLIN, lan_input, l);
	l->up = true;

	for (i = 0; i < agent->cfg.nsubscribe; i++)
		lan_subscribe(l, &agent->cfg.subscribe[i]);
	log_info("%s: snooping (ifindex %u, VPN %u, %s%s)", l->name,
		 l->ifindex, l->vpn, l->has4 ? "IPv4" : "",
		 l->has6 ? (l->has4 ? ", IPv6" : "IPv6") : "");
	return 0;
}

void lan_close(struct lan *l, bool emit_leaves)
{
	if (!l->up)
		return;
	loop_del_fd(l->pkt_fd);
	mb_fini(&l->mb4, emit_leaves);
	mb_fini(&l->mb6, emit_leaves);
	close(l->pkt_fd);
	if (l->q4_fd >= 0)
		close(l->q4_fd);
	if (l->q6_fd >= 0)
		close(l->q6_fd);
	if (l->sub4_fd >= 0)
		close(l->sub4_fd);
	if (l->sub6_fd >= 0)
		close(l->sub6_fd);
	l->up = false;
}

uint64_t lan_next_event(const struct lan *l)
{
	uint64_t a, b;

	if (!l->up)
		return 0;
	a = mb_next_event(&l->mb4);
	b = mb_next_event(&l->mb6);
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

void lan_tick(struct lan *l, uint64_t now)
{
	if (!l->up)
		return;
	mb_tick(&l->mb4, now);
	mb_tick(&l->mb6, now);
}
