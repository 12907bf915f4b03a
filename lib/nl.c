// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Generic netlink transport for the ivgmp family. See nl.h for the API.
 * The typed parsers and put helpers live in nl_msg.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "log.h"
#include "nl.h"
#include "nl_priv.h"

/* Holds the largest legal request: a route with IVGMP_MAX_NEXTHOPS. */
#define NL_SBUF_LEN	(64 * 1024)
/* Grown on demand (MSG_PEEK|MSG_TRUNC) for large doit replies. */
#define NL_RBUF_LEN	(64 * 1024)

struct ivgmp_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint32_t events_group;
	char *sbuf;
	char *rbuf;
	size_t rbuf_len;
	char errmsg[256];
	uint32_t erroff;
	const struct nlmsghdr *last_req;
	char errattr[128];
	bool dump_intr;
};

static struct nlmsghdr *nl_req_family(struct ivgmp_nl *nl, uint16_t family,
				      uint8_t cmd, uint8_t version,
				      uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *genl;

	memset(nl->sbuf, 0, MNL_NLMSG_HDRLEN + GENL_HDRLEN);
	nlh = mnl_nlmsg_put_header(nl->sbuf);
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *ivgmp_nl_req(struct ivgmp_nl *nl, uint8_t cmd,
			      uint16_t flags)
{
	return nl_req_family(nl, nl->family, cmd, IVGMP_GENL_VERSION, flags);
}

size_t ivgmp_nl_req_buflen(const struct ivgmp_nl *nl)
{
	return NL_SBUF_LEN;
}

const void *ivgmp_nl_payload(const struct nlmsghdr *nlh, size_t *len)
{
	size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(GENL_HDRLEN);

	if (nlh->nlmsg_len < hdr) {
		*len = 0;
		return NULL;
	}
	*len = nlh->nlmsg_len - hdr;
	return (const char *)nlh + hdr;
}

int ivgmp_nl_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *genl;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + GENL_HDRLEN)
		return -1;
	genl = mnl_nlmsg_get_payload(nlh);
	return genl->cmd;
}

/*
 * Extended ack TLVs follow the nlmsgerr (and the echoed request unless the
 * kernel capped it). Keep the message and the attribute offset.
 */
static void nl_parse_extack(struct ivgmp_nl *nl, const struct nlmsghdr *nlh,
			    size_t tlv_off)
{
	const char *tail = (const char *)nlh + nlh->nlmsg_len;
	const struct nlattr *a;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || tlv_off >= nlh->nlmsg_len)
		return;
	for (a = (const struct nlattr *)((const char *)nlh + tlv_off);
	     mnl_attr_ok(a, (int)(tail - (const char *)a));
	     a = mnl_attr_next(a)) {
		uint16_t plen = mnl_attr_get_payload_len(a);
		const char *str;

		switch (mnl_attr_get_type(a)) {
		case NLMSGERR_ATTR_MSG:
			str = mnl_attr_get_str(a);
			if (!plen || str[plen - 1] != '\0')
				break;
			snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", str);
			break;
		case NLMSGERR_ATTR_OFFS:
			if (plen == sizeof(uint32_t))
				nl->erroff = mnl_attr_get_u32(a);
			break;
		default:
			break;
		}
	}
}

static int nl_handle_error(struct ivgmp_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off;

	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e))
		return -EBADMSG;
	off = MNL_NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += MNL_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	nl_parse_extack(nl, nlh, off);
	/* The kernel sends a negative errno; 0 is the ack. */
	return e->error <= 0 ? e->error : -e->error;
}

static int nl_handle_done(struct ivgmp_nl *nl, const struct nlmsghdr *nlh)
{
	int err = 0;

	if (nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
		nl_parse_extack(nl, nlh, MNL_NLMSG_HDRLEN + sizeof(int));
	}
	return err <= 0 ? err : -err;
}

/*
 * One datagram from the kernel, into nl->rbuf (grown to fit). Returns its
 * length or -errno. Messages from other sockets are dropped.
 */
static ssize_t nl_recv(struct ivgmp_nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock);

	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov;
		struct msghdr msg = {
			.msg_name = &sa,
			.msg_namelen = sizeof(sa),
			.msg_iov = &iov,
			.msg_iovlen = 1,
		};
		ssize_t n;

		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if ((size_t)n > nl->rbuf_len) {
			char *p = realloc(nl->rbuf, (size_t)n);

			if (!p)
				return -ENOMEM;
			nl->rbuf = p;
			nl->rbuf_len = (size_t)n;
		}
		iov.iov_base = nl->rbuf;
		iov.iov_len = nl->rbuf_len;
		n = recvmsg(fd, &msg, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (msg.msg_flags & MSG_TRUNC)
			return -EMSGSIZE;
		if (msg.msg_namelen != sizeof(sa) || sa.nl_pid != 0)
			continue;
		return n;
	}
}

/*
 * mnl_nlmsg_ok() compares nlmsg_len as an int: a length with the top bit
 * set passes, and the message would be parsed (and skipped) far beyond
 * the buffer.  The same test, unsigned.
 */
static bool nlmsg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) &&
	       nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)len;
}

int ivgmp_nl_process(struct ivgmp_nl *nl, struct ivgmp_nl_talk *t,
		     const void *buf, size_t size, mnl_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh;
	int len = size > INT_MAX ? INT_MAX : (int)size;

	for (nlh = buf; nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		int err;

		/* Events and replies to earlier, abandoned requests. */
		if (nlh->nlmsg_seq != t->seq || nlh->nlmsg_pid != nl->portid)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			nl->dump_intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			continue;
		case NLMSG_OVERRUN:
			t->result = -EIO;
			return 1;
		case NLMSG_ERROR:
			err = nl_handle_error(nl, nlh);
			goto done;
		case NLMSG_DONE:
			err = nl_handle_done(nl, nlh);
			goto done;
		default:
			break;
		}
		if (t->stopped || t->cb_err || !cb)
			continue;
		errno = 0;
		switch (cb(nlh, data)) {
		case MNL_CB_OK:
			break;
		case MNL_CB_STOP:
			t->stopped = true;
			break;
		default:
			t->cb_err = errno > 0 ? -errno : -EINVAL;
			break;
		}
		continue;
done:
		if (err)
			t->result = err;
		else if (t->cb_err)
			t->result = t->cb_err;
		else
			t->result = nl->dump_intr ? -EINTR : 0;
		return 1;
	}
	/* Bytes left over that do not form a message. */
	if (len > 0) {
		t->result = -EBADMSG;
		return 1;
	}
	return 0;
}

void ivgmp_nl_talk_init(struct ivgmp_nl *nl, struct ivgmp_nl_talk *t,
			const struct nlmsghdr *req)
{
	memset(t, 0, sizeof(*t));
	t->seq = req->nlmsg_seq;
	nl->errmsg[0] = '\0';
	nl->erroff = 0;
	nl->dump_intr = false;
	nl->last_req = req;
}

int ivgmp_nl_talk(struct ivgmp_nl *nl, struct nlmsghdr *req, mnl_cb_t cb,
		  void *data)
{
	struct ivgmp_nl_talk t;

	ivgmp_nl_talk_init(nl, &t, req);
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = nl_recv(nl);

		if (n < 0)
			return (int)n;
		if (ivgmp_nl_process(nl, &t, nl->rbuf, (size_t)n, cb, data))
			return t.result;
	}
}

struct ivgmp_nl *ivgmp_nl_fake(uint32_t portid)
{
	struct ivgmp_nl *nl = calloc(1, sizeof(*nl));

	if (nl)
		nl->portid = portid;
	return nl;
}

const char *ivgmp_nl_errmsg(const struct ivgmp_nl *nl)
{
	return nl->errmsg;
}

uint32_t ivgmp_nl_erroff(const struct ivgmp_nl *nl)
{
	return nl->erroff;
}

const char *ivgmp_nl_err_attr(struct ivgmp_nl *nl)
{
	nl->errattr[0] = '\0';
	if (nl->erroff && nl->last_req)
		ivgmp_attr_path(nl->last_req, nl->erroff, nl->errattr,
				sizeof(nl->errattr));
	return nl->errattr;
}

bool ivgmp_nl_dump_intr(const struct ivgmp_nl *nl)
{
	return nl->dump_intr;
}

int ivgmp_nl_fd(const struct ivgmp_nl *nl)
{
	return mnl_socket_get_fd(nl->sock);
}

uint16_t ivgmp_nl_family(const struct ivgmp_nl *nl)
{
	return nl->family;
}

uint32_t ivgmp_nl_events_group(const struct ivgmp_nl *nl)
{
	return nl->events_group;
}

struct family_reply {
	uint16_t id;
	uint32_t events_group;
};

static void parse_mcast_groups(const struct nlattr *nest,
			       struct family_reply *fr)
{
	const struct nlattr *grp, *a;

	mnl_attr_for_each_nested(grp, nest) {
		const char *name = NULL;
		uint32_t id = 0;

		mnl_attr_for_each_nested(a, grp) {
			switch (mnl_attr_get_type(a)) {
			case CTRL_ATTR_MCAST_GRP_NAME:
				if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
					name = mnl_attr_get_str(a);
				break;
			case CTRL_ATTR_MCAST_GRP_ID:
				if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
					id = mnl_attr_get_u32(a);
				break;
			default:
				break;
			}
		}
		if (name && id && !strcmp(name, IVGMP_MCGRP_EVENTS))
			fr->events_group = id;
	}
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct family_reply *fr = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0)
				fr->id = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			parse_mcast_groups(a, fr);
			break;
		default:
			break;
		}
	}
	return MNL_CB_OK;
}

static void nl_free(struct ivgmp_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->sbuf);
	free(nl->rbuf);
	free(nl);
}

struct ivgmp_nl *ivgmp_nl_open(void)
{
	struct family_reply fr = { 0 };
	struct nlmsghdr *nlh;
	struct ivgmp_nl *nl;
	int one = 1, err;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return NULL;
	nl->sbuf = malloc(NL_SBUF_LEN);
	nl->rbuf = malloc(NL_RBUF_LEN);
	nl->rbuf_len = NL_RBUF_LEN;
	if (!nl->sbuf || !nl->rbuf) {
		err = -ENOMEM;
		goto err_free;
	}
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		err = -errno;
		goto err_free;
	}
	/* Best effort: without them errors only lose their message. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto err_free;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);

	nlh = nl_req_family(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, IVGMP_GENL_NAME);
	err = ivgmp_nl_talk(nl, nlh, family_cb, &fr);
	if (err)
		goto err_free;
	if (!fr.id) {
		err = -ENOENT;
		goto err_free;
	}
	nl->family = fr.id;
	nl->events_group = fr.events_group;
	return nl;

err_free:
	nl_free(nl);
	errno = -err;
	return NULL;
}

void ivgmp_nl_close(struct ivgmp_nl *nl)
{
	if (nl)
		nl_free(nl);
}

int ivgmp_nl_subscribe_events(struct ivgmp_nl *nl)
{
	uint32_t grp = nl->events_group;

	if (!grp)
		return -ENOENT;
	if (mnl_socket_setsockopt(nl->sock, NETLINK_ADD_MEMBERSHIP, &grp,
				  sizeof(grp)) < 0)
		return -errno;
	return 0;
}

int ivgmp_nl_read_events(struct ivgmp_nl *nl, ivgmp_event_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len, err;

	n = nl_recv(nl);
	if (n < 0)
		return (int)n;
	len = (int)n;
	for (nlh = (const struct nlmsghdr *)nl->rbuf; nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		struct ivgmp_event_info ev;

		if (nlh->nlmsg_type != nl->family ||
		    ivgmp_nl_cmd(nlh) != IVGMP_CMD_NEW_SOURCE)
			continue;
		err = ivgmp_parse_event(nlh, &ev);
		if (err) {
			log_debug("skipping malformed NEW_SOURCE event");
			continue;
		}
		err = cb(&ev, data);
		if (err)
			return err;
	}
	return 0;
}
