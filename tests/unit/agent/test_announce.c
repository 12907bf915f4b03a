// SPDX-License-Identifier: GPL-2.0
/* The announcement message: round trips and every refused field. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "announce.h"

static uint8_t buf[ANNOUNCE_MAX_LEN + 16];
static struct announce A, B;
static const char *why;

static void make(uint8_t role, const char *group, uint32_t lifetime)
{
	memset(&A, 0, sizeof(A));
	A.role = role;
	A.nonce = 0x01020304;
	A.lifetime = lifetime;
	A.vpn = 7;
	assert_int_equal(addr_parse(group, AF_UNSPEC, &A.group), 0);
}

static int enc(void)
{
	return announce_encode(&A, buf, sizeof(buf));
}

static void t_roundtrip_v4_sender(void **s)
{
	make(ANNOUNCE_SENDER, "239.1.1.1", 60);
	assert_int_equal(enc(), 40);
	assert_memory_equal(buf, "IVGA\x01\x01\x01\x04", 8);
	assert_int_equal(announce_decode(buf, 40, &B, &why), 0);
	assert_int_equal(B.role, ANNOUNCE_SENDER);
	assert_int_equal(B.nonce, 0x01020304);
	assert_int_equal(B.lifetime, 60);
	assert_int_equal(B.vpn, 7);
	assert_true(addr_equal(&A.group, &B.group));
}

static void t_roundtrip_v6_receiver_ssm(void **s)
{
	make(ANNOUNCE_RECEIVER, "ff3e::1234", 3600);
	A.nsrc = 2;
	addr_parse("2001:db8::1", AF_INET6, &A.src[0]);
	addr_parse("2001:db8::2", AF_INET6, &A.src[1]);
	assert_int_equal(enc(), 72);
	assert_int_equal(announce_decode(buf, 72, &B, &why), 0);
	assert_int_equal(B.nsrc, 2);
	assert_true(addr_equal(&A.src[1], &B.src[1]));
}

static void expect_bad(size_t len, const char *msg)
{
	assert_int_equal(announce_decode(buf, len, &B, &why), -EINVAL);
	assert_string_equal(why, msg);
}

static void t_malformed(void **s)
{
	make(ANNOUNCE_RECEIVER, "239.1.1.1", 60);
	enc();
	expect_bad(39, "truncated");
	expect_bad(41, "length does not match the source count");
	buf[0] = 'X';
	expect_bad(40, "bad magic");
	enc();
	buf[4] = 2;
	expect_bad(40, "unsupported version");
	enc();
	buf[5] = ANNOUNCE_T_REPLY;
	expect_bad(40, "not an announcement");
	enc();
	buf[6] = 3;
	expect_bad(40, "unknown role");
	enc();
	buf[7] = 5;
	expect_bad(40, "unknown address family");
	enc();
	buf[22] = 1;
	expect_bad(40, "reserved bytes set");
	enc();
	buf[30] = 1;		/* byte past an IPv4 group */
	expect_bad(40, "malformed group address");
	enc();
	buf[20] = 17;
	expect_bad(40 + 17 * 16, "too many sources");
	enc();
	buf[12] = 0xff;		/* lifetime > a day */
	expect_bad(40, "lifetime too long");
}

static void t_bad_content(void **s)
{
	make(ANNOUNCE_RECEIVER, "10.1.1.1", 60);
	assert_int_equal(enc(), -EINVAL);
	make(ANNOUNCE_RECEIVER, "239.1.1.1", 60);
	enc();
	buf[24] = 10;		/* unicast group on the wire */
	expect_bad(40, "group is not a multicast address");
	make(ANNOUNCE_RECEIVER, "224.0.0.5", 60);
	assert_int_equal(enc(), -EINVAL);
	make(ANNOUNCE_SENDER, "239.1.1.1", 60);
	A.nsrc = 1;
	addr_parse("10.0.0.1", AF_INET, &A.src[0]);
	assert_int_equal(enc(), -EINVAL);	/* senders name no sources */
	make(ANNOUNCE_RECEIVER, "239.1.1.1", 60);
	A.nsrc = 1;
	addr_parse("2001:db8::1", AF_INET6, &A.src[0]);
	assert_int_equal(enc(), -EINVAL);	/* family mismatch */
	make(ANNOUNCE_RECEIVER, "239.1.1.1", 60);
	A.nsrc = 1;
	addr_parse("10.0.0.1", AF_INET, &A.src[0]);
	enc();
	buf[40] = 239;		/* multicast source */
	expect_bad(56, "source is not a unicast address");
	make(ANNOUNCE_RECEIVER, "239.1.1.1", 60);
	assert_int_equal(announce_encode(&A, buf, 39), -EMSGSIZE);
}

static void t_reply(void **s)
{
	uint32_t nonce;
	uint8_t st;

	assert_int_equal(announce_reply_encode(42, ANNOUNCE_REFUSED, buf,
					       sizeof(buf)), 12);
	assert_int_equal(announce_reply_decode(buf, 12, &nonce, &st), 0);
	assert_int_equal(nonce, 42);
	assert_int_equal(st, ANNOUNCE_REFUSED);
	assert_string_equal(announce_status_str(st), "refused");
	assert_int_equal(announce_reply_decode(buf, 13, &nonce, &st), -EINVAL);
	buf[5] = 1;
	assert_int_equal(announce_reply_decode(buf, 12, &nonce, &st), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_roundtrip_v4_sender),
		cmocka_unit_test(t_roundtrip_v6_receiver_ssm),
		cmocka_unit_test(t_malformed),
		cmocka_unit_test(t_bad_content),
		cmocka_unit_test(t_reply),
	};

	return cmocka_run_group_tests_name("agent-announce", tests, NULL, NULL);
}
