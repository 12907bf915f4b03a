// SPDX-License-Identifier: GPL-2.0
/*
 * The catch-all XFRM block policies as netlink messages (agent/xfrm_msg.h):
 * byte for byte against what ip-xfrm(8) sends for the same policy, the
 * eight policies distinct, read-backs that were changed or cut short not
 * taken for ours.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <libmnl/libmnl.h>

#include "xfrm_msg.h"

#define PORT	7654
#define PRIO	XFRM_BLOCK_PRIORITY_DEFAULT

/*
 * The body (struct xfrm_userpolicy_info) of the XFRM_MSG_NEWPOLICY that
 * iproute2 6.1 sends for `ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0
 * proto udp dport 7654 dir out action block priority 4000000`, captured
 * with strace -xx in a scratch network namespace.
 */
static const uint8_t golden_out_dport4[168] = {
	/* selector: daddr, saddr */
	[32] = 0x1d, 0xe6, 0xff, 0xff,		/* dport 7654, mask */
	[40] = 0x02, 0x00, 0x00, 0x00, 0x11,	/* AF_INET, /0, /0, UDP */
	/* lifetime: byte and packet limits infinite, the rest 0 */
	[56] = 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	/* curlft 0; priority 4000000, index 0, dir out, block */
	[152] = 0x00, 0x09, 0x3d, 0x00, 0, 0, 0, 0, 0x01, 0x01,
};

static void t_golden(void **st)
{
	uint8_t buf[XFRM_MSG_BUFLEN];
	struct xfrm_block_id id = { AF_INET, XFRM_POLICY_OUT, false };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t len;

	(void)st;
	len = xfrm_block_msg(buf, XFRM_MSG_UPDPOLICY, &id, PORT, PRIO, 42);
	assert_int_equal(len, 184);
	assert_int_equal(nlh->nlmsg_len, 184);
	assert_int_equal(nlh->nlmsg_type, XFRM_MSG_UPDPOLICY);
	assert_int_equal(nlh->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	assert_int_equal(nlh->nlmsg_seq, 42);
	assert_memory_equal(buf + sizeof(*nlh), golden_out_dport4,
			    sizeof(golden_out_dport4));
}

/* Eight policies: every (family, dir, port side) once. */
static void t_ids(void **st)
{
	struct xfrm_block_id id;
	unsigned int i, seen = 0, k;

	(void)st;
	for (i = 0; i < XFRM_BLOCK_NPOLICIES; i++) {
		xfrm_block_id(i, &id);
		assert_true(id.family == AF_INET || id.family == AF_INET6);
		assert_true(id.dir == XFRM_POLICY_IN ||
			    id.dir == XFRM_POLICY_OUT);
		k = (id.family == AF_INET6) << 2 |
		    (id.dir == XFRM_POLICY_IN) << 1 | id.sport;
		assert_false(seen & (1u << k));
		seen |= 1u << k;
	}
	assert_int_equal(seen, 0xff);
}

/* GET and DEL carry the selector and direction, nothing else. */
static void t_get_del(void **st)
{
	uint8_t buf[XFRM_MSG_BUFLEN];
	struct xfrm_block_id id = { AF_INET6, XFRM_POLICY_IN, true };
	const struct xfrm_userpolicy_id *p;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	uint16_t types[] = { XFRM_MSG_GETPOLICY, XFRM_MSG_DELPOLICY };
	struct xfrm_selector want = { 0 };
	unsigned int i;

	(void)st;
	want.family = AF_INET6;
	want.proto = 17;
	want.sport = htons(PORT);
	want.sport_mask = 0xffff;
	for (i = 0; i < 2; i++) {
		assert_int_equal(xfrm_block_msg(buf, types[i], &id, PORT, PRIO,
						7),
				 NLMSG_LENGTH(sizeof(*p)));
		assert_int_equal(nlh->nlmsg_type, types[i]);
		p = mnl_nlmsg_get_payload(nlh);
		assert_memory_equal(&p->sel, &want, sizeof(want));
		assert_int_equal(p->dir, XFRM_POLICY_IN);
		assert_int_equal(p->index, 0);
	}
}

static void t_bad_args(void **st)
{
	uint8_t buf[XFRM_MSG_BUFLEN];
	struct xfrm_block_id id = { AF_INET, XFRM_POLICY_OUT, false };
	struct xfrm_block_id fwd = { AF_INET, XFRM_POLICY_FWD, false };
	struct xfrm_block_id unix_ = { AF_UNIX, XFRM_POLICY_OUT, false };

	(void)st;
	assert_int_equal(xfrm_block_msg(buf, XFRM_MSG_UPDPOLICY, &id, 0, PRIO,
					1), 0);
	assert_int_equal(xfrm_block_msg(buf, XFRM_MSG_NEWSA, &id, PORT, PRIO,
					1), 0);
	assert_int_equal(xfrm_block_msg(buf, XFRM_MSG_UPDPOLICY, &fwd, PORT,
					PRIO, 1), 0);
	assert_int_equal(xfrm_block_msg(buf, XFRM_MSG_UPDPOLICY, &unix_, PORT,
					PRIO, 1), 0);
}

/* What the kernel answers a GET with: our UPD as a NEWPOLICY. */
static size_t reply(uint8_t *buf, const struct xfrm_block_id *id)
{
	size_t len = xfrm_block_msg(buf, XFRM_MSG_UPDPOLICY, id, PORT, PRIO, 1);

	((struct nlmsghdr *)buf)->nlmsg_type = XFRM_MSG_NEWPOLICY;
	return len;
}

static void t_matches(void **st)
{
	uint8_t buf[XFRM_MSG_BUFLEN];
	struct xfrm_block_id id, other;
	struct xfrm_userpolicy_info *p;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct xfrm_user_tmpl t = { 0 };
	unsigned int i, j;
	size_t len;

	(void)st;
	for (i = 0; i < XFRM_BLOCK_NPOLICIES; i++) {
		xfrm_block_id(i, &id);
		len = reply(buf, &id);
		assert_true(xfrm_block_matches(buf, len, &id, PORT, PRIO));
		assert_false(xfrm_block_matches(buf, len, &id, PORT + 1, PRIO));
		assert_false(xfrm_block_matches(buf, len, &id, PORT, PRIO + 1));
		for (j = 0; j < XFRM_BLOCK_NPOLICIES; j++) {
			xfrm_block_id(j, &other);
			if (j != i)
				assert_false(xfrm_block_matches(buf, len,
								&other, PORT,
								PRIO));
		}
	}

	xfrm_block_id(0, &id);
	len = reply(buf, &id);
	p = mnl_nlmsg_get_payload(nlh);
	/* the kernel's own fields do not matter */
	p->index = 0x1234;
	p->curlft.use_time = 99;
	assert_true(xfrm_block_matches(buf, len, &id, PORT, PRIO));
	/* someone made it allow */
	p->action = XFRM_POLICY_ALLOW;
	assert_false(xfrm_block_matches(buf, len, &id, PORT, PRIO));
	p->action = XFRM_POLICY_BLOCK;
	/* cut short: header, or body */
	assert_false(xfrm_block_matches(buf, 10, &id, PORT, PRIO));
	assert_false(xfrm_block_matches(buf, len - 1, &id, PORT, PRIO));
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*p)) - 4;
	assert_false(xfrm_block_matches(buf, len, &id, PORT, PRIO));
	nlh->nlmsg_len = (uint32_t)len;
	/* not a policy */
	nlh->nlmsg_type = XFRM_MSG_NEWSA;
	assert_false(xfrm_block_matches(buf, len, &id, PORT, PRIO));
	nlh->nlmsg_type = XFRM_MSG_NEWPOLICY;
	/* a template: it transforms, it does not block */
	mnl_attr_put(nlh, XFRMA_TMPL, sizeof(t), &t);
	assert_false(xfrm_block_matches(buf, nlh->nlmsg_len, &id, PORT, PRIO));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_golden),
		cmocka_unit_test(t_ids),
		cmocka_unit_test(t_get_del),
		cmocka_unit_test(t_bad_args),
		cmocka_unit_test(t_matches),
	};

	return cmocka_run_group_tests_name("agent-xfrm", tests, NULL, NULL);
}
