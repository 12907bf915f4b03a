// SPDX-License-Identifier: GPL-2.0
/*
 * Catch-all XFRM block policies for the tunnel port, over NETLINK_XFRM
 * (see xfrm.h). Requests are synchronous: the kernel answers at once.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmnl/libmnl.h>

#include "json.h"
#include "log.h"
#include "xfrm.h"
#include "xfrm_msg.h"

static struct mnl_socket *sk;
static uint32_t seq, prio;
static uint16_t port;		/* the policies in place are for this port */
static uint16_t stale;		/* and these, until xfrm_block_retire() */
static bool ready;
static unsigned long long checks, repairs;

static const char *id_str(const struct xfrm_block_id *id, char *buf,
			  size_t len)
{
	snprintf(buf, len, "%s udp %s %s",
		 id->family == AF_INET ? "IPv4" : "IPv6",
		 id->sport ? "sport" : "dport",
		 id->dir == XFRM_POLICY_IN ? "in" : "out");
	return buf;
}

struct get_ctx {
	const struct xfrm_block_id *id;
	uint16_t port;
	bool match;
};

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	struct get_ctx *c = data;

	c->match = xfrm_block_matches(nlh, nlh->nlmsg_len, c->id, c->port,
				      prio);
	return MNL_CB_OK;
}

/* One request, its answer (if @cb) and its ack. 0 or -errno. */
static int request(uint16_t type, const struct xfrm_block_id *id,
		   uint16_t p, mnl_cb_t cb, void *data)
{
	char buf[XFRM_MSG_BUFLEN];
	char rbuf[MNL_SOCKET_BUFFER_SIZE];
	size_t len;
	ssize_t n;
	int r;

	len = xfrm_block_msg(buf, type, id, p, prio, ++seq);
	if (!len)
		return -EINVAL;
	if (mnl_socket_sendto(sk, buf, len) < 0)
		return -errno;
	for (;;) {
		n = mnl_socket_recvfrom(sk, rbuf, sizeof(rbuf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(rbuf, (size_t)n, seq, mnl_socket_get_portid(sk),
			       cb, data);
		if (r == MNL_CB_ERROR)
			return errno ? -errno : -EIO;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

static int install(uint16_t p)
{
	struct xfrm_block_id id;
	char s[64];
	unsigned int i;
	int err;

	for (i = 0; i < XFRM_BLOCK_NPOLICIES; i++) {
		xfrm_block_id(i, &id);
		err = request(XFRM_MSG_UPDPOLICY, &id, p, NULL, NULL);
		if (err) {
			log_warnx("xfrm: block policy %s port %u: %s",
				  id_str(&id, s, sizeof(s)), p, strerror(-err));
			return err;
		}
	}
	return 0;
}

static void remove_all(uint16_t p)
{
	struct xfrm_block_id id;
	char s[64];
	unsigned int i;
	int err;

	for (i = 0; i < XFRM_BLOCK_NPOLICIES; i++) {
		xfrm_block_id(i, &id);
		err = request(XFRM_MSG_DELPOLICY, &id, p, NULL, NULL);
		if (err && err != -ENOENT)
			log_warnx("xfrm: removing block policy %s port %u: %s",
				  id_str(&id, s, sizeof(s)), p, strerror(-err));
	}
}

void xfrm_block_init(uint32_t priority)
{
	prio = priority;
}

static int open_socket(void)
{
	int err;

	sk = mnl_socket_open(NETLINK_XFRM);
	if (!sk)
		return -errno;
	if (mnl_socket_bind(sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(sk);
		sk = NULL;
		return err;
	}
	return 0;
}

bool xfrm_block_ready(uint16_t p)
{
	return sk && ready && port == p;
}

int xfrm_block_set_port(uint16_t p)
{
	uint16_t old = port;
	int err;

	if (!sk) {
		err = open_socket();
		if (err)
			return err;
	}
	if (ready && p == port)
		return 0;
	err = install(p);
	if (err)
		return err;
	port = p;
	ready = true;
	if (old && old != p) {
		/* the kernel may still send from the old port: keep both */
		if (stale && stale != p)
			remove_all(stale);
		stale = old;
		log_info("xfrm: block policies for port %u in place (port %u "
			 "still blocked)", p, old);
	} else {
		log_info("xfrm: clear UDP to and from port %u blocked "
			 "(priority %u)", p, prio);
	}
	return 0;
}

void xfrm_block_retire(void)
{
	if (!sk || !stale || stale == port)
		return;
	remove_all(stale);
	log_info("xfrm: block policies moved from port %u to %u", stale,
		 port);
	stale = 0;
}

int xfrm_block_check(void)
{
	struct xfrm_block_id id;
	struct get_ctx c;
	char s[64];
	unsigned int i;
	int err, n = 0;

	if (!sk || !port)
		return -ENOTCONN;
	checks++;
	for (i = 0; i < XFRM_BLOCK_NPOLICIES; i++) {
		xfrm_block_id(i, &id);
		c = (struct get_ctx){ .id = &id, .port = port };
		err = request(XFRM_MSG_GETPOLICY, &id, port, get_cb, &c);
		if (!err && c.match)
			continue;
		if (err && err != -ENOENT) {
			ready = false;
			return err;
		}
		log_warnx("xfrm: block policy %s port %u %s; putting it back",
			  id_str(&id, s, sizeof(s)), port,
			  err ? "is gone" : "was changed");
		err = request(XFRM_MSG_UPDPOLICY, &id, port, NULL, NULL);
		if (err) {
			log_warnx("xfrm: block policy %s port %u: %s",
				  id_str(&id, s, sizeof(s)), port,
				  strerror(-err));
			ready = false;
			return err;
		}
		repairs++;
		n++;
	}
	ready = true;
	return n;
}

void xfrm_block_stop(bool remove)
{
	if (!sk)
		return;
	if (remove && port) {
		if (stale)
			remove_all(stale);
		remove_all(port);
		log_info("xfrm: block policies for port %u removed", port);
	}
	mnl_socket_close(sk);
	sk = NULL;
	ready = false;
}

void xfrm_block_status(FILE *f)
{
	if (!sk) {
		fprintf(f, "xfrm: block policies off\n");
		return;
	}
	fprintf(f, "xfrm: block policies for port %u %s, priority %u, "
		"%llu check(s), %llu put back\n", port,
		ready ? "in place" : "NOT confirmed", prio, checks, repairs);
}

void xfrm_block_status_json(struct json *j)
{
	json_obj_open(j, "xfrm_block");
	json_bool(j, "enabled", sk != NULL);
	if (sk) {
		json_uint(j, "port", port);
		json_bool(j, "in_place", ready);
		json_uint(j, "priority", prio);
		json_uint(j, "checks", checks);
		json_uint(j, "put_back", repairs);
	}
	json_obj_close(j);
}
