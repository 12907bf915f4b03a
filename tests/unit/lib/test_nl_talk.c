// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The reply side of ivgmp_nl_talk() on crafted kernel replies: acks,
 * extack messages and offsets (capped and not), NLMSG_DONE with an error,
 * interrupted dumps, stray messages, callback STOP/ERROR, replies split
 * over several reads, and garbage.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nl.h"
#include "nl_priv.h"

#define PORT 4242
#define SEQ 77

static char req_buf[4096];
static char buf[16384];
static size_t used;

struct cb_log {
	int calls;
	int stop_after;		/* return STOP after this many calls, 0 = never */
	int fail_errno;		/* return ERROR with this errno (-1: leave 0) */
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct cb_log *l = data;

	l->calls++;
	if (l->fail_errno) {
		if (l->fail_errno > 0)
			errno = l->fail_errno;
		return MNL_CB_ERROR;
	}
	if (l->stop_after && l->calls >= l->stop_after)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

static struct nlmsghdr *make_req(void)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nlattr *n;

	memset(req_buf, 0, sizeof(req_buf));
	nlh = mnl_nlmsg_put_header(req_buf);
	nlh->nlmsg_type = 0x20;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = SEQ;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = IVGMP_CMD_NEW_SITE;
	n = mnl_attr_nest_start(nlh, IVGMP_A_SITE);
	mnl_attr_put_u32(nlh, IVGMP_SITE_A_ID, 5);
	mnl_attr_nest_end(nlh, n);
	return nlh;
}

static void reset(void)
{
	memset(buf, 0, sizeof(buf));
	used = 0;
}

/* Append a message of type with flags and seq/port; returns it. */
static struct nlmsghdr *put_msg(uint16_t type, uint16_t flags, uint32_t seq,
				uint32_t port)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = port;
	return nlh;
}

static void end_msg(struct nlmsghdr *nlh)
{
	used += MNL_ALIGN(nlh->nlmsg_len);
}

static void put_data(uint16_t flags, uint32_t seq, uint32_t port)
{
	struct nlmsghdr *nlh = put_msg(0x20, flags, seq, port);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = IVGMP_CMD_GET_SITE;
	end_msg(nlh);
}

/* NLMSG_ERROR for req: error (0 = ack), capped or with the request echoed. */
static void put_error(const struct nlmsghdr *req, int error, bool capped,
		      const char *msg, uint32_t off, bool terminate_msg)
{
	uint16_t flags = (capped ? NLM_F_CAPPED : 0) |
			 (msg || off ? NLM_F_ACK_TLVS : 0);
	struct nlmsghdr *nlh = put_msg(NLMSG_ERROR, flags, SEQ, PORT);
	struct nlmsgerr *e;
	size_t echo = capped ? sizeof(*req) : req->nlmsg_len;

	e = mnl_nlmsg_put_extra_header(nlh, sizeof(int) + MNL_ALIGN(echo));
	e->error = error;
	memcpy(&e->msg, req, echo);
	if (msg && terminate_msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	else if (msg)
		mnl_attr_put(nlh, NLMSGERR_ATTR_MSG, strlen(msg), msg);
	if (off)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, off);
	end_msg(nlh);
}

static void put_done(int error, const char *msg)
{
	struct nlmsghdr *nlh = put_msg(NLMSG_DONE,
				       NLM_F_MULTI | (msg ? NLM_F_ACK_TLVS : 0),
				       SEQ, PORT);
	int *e = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	*e = error;
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	end_msg(nlh);
}

static int run(struct ivgmp_nl *nl, const struct nlmsghdr *req,
	       struct cb_log *log)
{
	struct ivgmp_nl_talk t;

	ivgmp_nl_talk_init(nl, &t, req);
	if (!ivgmp_nl_process(nl, &t, buf, used, count_cb, log))
		fail_msg("reply not complete");
	return t.result;
}

static int setup(void **state)
{
	*state = ivgmp_nl_fake(PORT);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	ivgmp_nl_close(*state);
	return 0;
}

static void test_doit_reply_and_ack(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };

	reset();
	put_data(0, SEQ, PORT);
	put_error(req, 0, true, NULL, 0, true);
	assert_int_equal(run(*state, req, &log), 0);
	assert_int_equal(log.calls, 1);
	assert_string_equal(ivgmp_nl_errmsg(*state), "");
}

static void test_extack_uncapped(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };
	uint32_t off = MNL_NLMSG_HDRLEN + GENL_HDRLEN + MNL_ATTR_HDRLEN;

	reset();
	put_error(req, -EINVAL, false, "site id 0 is reserved", off, true);
	assert_int_equal(run(*state, req, &log), -EINVAL);
	assert_int_equal(log.calls, 0);
	assert_string_equal(ivgmp_nl_errmsg(*state), "site id 0 is reserved");
	assert_int_equal(ivgmp_nl_erroff(*state), off);
	assert_string_equal(ivgmp_nl_err_attr(*state), "site.id");
}

static void test_extack_capped(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };

	reset();
	put_error(req, -EEXIST, true, "site exists", 0, true);
	assert_int_equal(run(*state, req, &log), -EEXIST);
	assert_string_equal(ivgmp_nl_errmsg(*state), "site exists");
	assert_int_equal(ivgmp_nl_erroff(*state), 0);
	assert_string_equal(ivgmp_nl_err_attr(*state), "");
}

static void test_extack_unterminated_ignored(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };

	reset();
	put_error(req, -EINVAL, true, "abcd", 0, false);
	assert_int_equal(run(*state, req, &log), -EINVAL);
	assert_string_equal(ivgmp_nl_errmsg(*state), "");
}

static void test_error_state_reset(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };

	reset();
	put_error(req, -EINVAL, true, "first", 24, true);
	assert_int_equal(run(*state, req, &log), -EINVAL);
	reset();
	put_error(req, 0, true, NULL, 0, true);
	assert_int_equal(run(*state, req, &log), 0);
	assert_string_equal(ivgmp_nl_errmsg(*state), "");
	assert_int_equal(ivgmp_nl_erroff(*state), 0);
}

static void test_dump_and_intr(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };

	reset();
	put_data(NLM_F_MULTI, SEQ, PORT);
	put_data(NLM_F_MULTI | NLM_F_DUMP_INTR, SEQ, PORT);
	put_data(NLM_F_MULTI, SEQ, PORT);
	put_done(0, NULL);
	/* everything is delivered, then -EINTR says it may be inconsistent */
	assert_int_equal(run(*state, req, &log), -EINTR);
	assert_int_equal(log.calls, 3);
	assert_true(ivgmp_nl_dump_intr(*state));

	reset();
	log.calls = 0;
	put_data(NLM_F_MULTI, SEQ, PORT);
	put_done(0, NULL);
	assert_int_equal(run(*state, req, &log), 0);
	assert_false(ivgmp_nl_dump_intr(*state));
}

static void test_done_with_error(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };

	reset();
	put_data(NLM_F_MULTI, SEQ, PORT);
	put_done(-EMSGSIZE, "route too big");
	assert_int_equal(run(*state, req, &log), -EMSGSIZE);
	assert_int_equal(log.calls, 1);
	assert_string_equal(ivgmp_nl_errmsg(*state), "route too big");
}

static void test_stray_messages_skipped(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };

	reset();
	put_data(0, SEQ - 1, PORT);	/* an older request's reply */
	put_data(0, 0, 0);		/* an event */
	put_data(0, SEQ, PORT + 1);	/* another socket's */
	put_error(req, -EPERM, true, NULL, 0, true);	/* not ours either */
	((struct nlmsghdr *)(buf + used - MNL_ALIGN(sizeof(struct nlmsghdr) +
						    sizeof(struct nlmsgerr))))
		->nlmsg_seq = SEQ + 5;
	put_data(0, SEQ, PORT);
	put_error(req, 0, true, NULL, 0, true);
	assert_int_equal(run(*state, req, &log), 0);
	assert_int_equal(log.calls, 1);
}

static void test_callback_stop_and_error(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { .stop_after = 1 };
	int i;

	reset();
	for (i = 0; i < 3; i++)
		put_data(NLM_F_MULTI, SEQ, PORT);
	put_done(0, NULL);
	/* STOP: the rest is drained, not delivered; not an error */
	assert_int_equal(run(*state, req, &log), 0);
	assert_int_equal(log.calls, 1);

	memset(&log, 0, sizeof(log));
	log.fail_errno = ENOMEM;
	assert_int_equal(run(*state, req, &log), -ENOMEM);
	assert_int_equal(log.calls, 1);

	/* ERROR without errno: -EINVAL, never a stale errno */
	memset(&log, 0, sizeof(log));
	log.fail_errno = -1;
	errno = EBUSY;
	assert_int_equal(run(*state, req, &log), -EINVAL);

	/* a kernel error wins over a callback error */
	reset();
	put_data(NLM_F_MULTI, SEQ, PORT);
	put_done(-EIO, NULL);
	memset(&log, 0, sizeof(log));
	log.fail_errno = ENOMEM;
	assert_int_equal(run(*state, req, &log), -EIO);
}

static void test_split_reads(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };
	struct ivgmp_nl_talk t;
	size_t first;

	reset();
	put_data(NLM_F_MULTI, SEQ, PORT);
	put_data(NLM_F_MULTI, SEQ, PORT);
	first = used;
	put_done(0, NULL);
	ivgmp_nl_talk_init(*state, &t, req);
	assert_int_equal(ivgmp_nl_process(*state, &t, buf, first, count_cb,
					  &log), 0);
	assert_int_equal(log.calls, 2);
	assert_int_equal(ivgmp_nl_process(*state, &t, buf + first,
					  used - first, count_cb, &log), 1);
	assert_int_equal(t.result, 0);
}

static void test_garbage_and_overrun(void **state)
{
	struct nlmsghdr *req = make_req();
	struct cb_log log = { 0 };

	reset();
	put_data(0, SEQ, PORT);
	used += 6;	/* a stub that is no message */
	assert_int_equal(run(*state, req, &log), -EBADMSG);

	reset();
	end_msg(put_msg(NLMSG_OVERRUN, 0, SEQ, PORT));
	assert_int_equal(run(*state, req, &log), -EIO);

	/* an NLMSG_ERROR too short for its struct */
	reset();
	end_msg(put_msg(NLMSG_ERROR, 0, SEQ, PORT));
	assert_int_equal(run(*state, req, &log), -EBADMSG);

	/* a length with the top bit set: mnl_nlmsg_ok() compares it as a
	 * negative int and lets it through; nobody may parse it */
	reset();
	put_data(0, SEQ, PORT);
	((struct nlmsghdr *)buf)->nlmsg_len = 0xffffff0aU;
	log.calls = 0;
	assert_int_equal(run(*state, req, &log), -EBADMSG);
	assert_int_equal(log.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_doit_reply_and_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extack_uncapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extack_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extack_unterminated_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_state_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dump_and_intr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_done_with_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stray_messages_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_callback_stop_and_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage_and_overrun, setup, teardown),
	};

	return cmocka_run_group_tests_name("nl_talk", tests, NULL, NULL);
}
