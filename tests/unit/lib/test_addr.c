// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "addr.h"

static void test_addr_parse_v4_v6(void **state)
{
	struct ivgmp_addr a;
	char buf[ADDR_STRLEN];

	assert_int_equal(addr_parse("192.0.2.1", AF_UNSPEC, &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_string_equal(addr_ntop(&a, buf, sizeof(buf)), "192.0.2.1");
	assert_int_equal(addr_parse("2001:db8::1", AF_UNSPEC, &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_string_equal(addr_ntop(&a, buf, sizeof(buf)), "2001:db8::1");
}

static void test_addr_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.5", "256.1.1.1", " 1.2.3.4", "1.2.3.4 ",
		"1.2.3.4/24", "::g", "2001:db8:::1", "host", "0x1.2.3.4",
	};
	struct ivgmp_addr a = { .family = 99 };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(addr_parse(bad[i], AF_UNSPEC, &a), -EINVAL);
		/* *out untouched on failure */
		assert_int_equal(a.family, 99);
	}
	assert_int_equal(addr_parse(NULL, AF_UNSPEC, &a), -EINVAL);
}

static void test_addr_parse_family_filter(void **state)
{
	struct ivgmp_addr a;

	assert_int_equal(addr_parse("10.0.0.1", AF_INET6, &a), -EINVAL);
	assert_int_equal(addr_parse("::1", AF_INET, &a), -EINVAL);
	assert_int_equal(addr_parse("10.0.0.1", AF_INET, &a), 0);
	assert_int_equal(addr_parse("::1", AF_INET6, &a), 0);
}

static void test_prefix_parse(void **state)
{
	struct ivgmp_prefix p;
	char buf[ADDR_STRLEN];

	assert_int_equal(prefix_parse("10.1.0.0/16", AF_UNSPEC, &p), 0);
	assert_int_equal(p.plen, 16);
	assert_string_equal(prefix_ntop(&p, buf, sizeof(buf)), "10.1.0.0/16");
	assert_int_equal(prefix_parse("10.1.2.3", AF_UNSPEC, &p), 0);
	assert_int_equal(p.plen, 32);
	assert_int_equal(prefix_parse("2001:db8::/32", AF_UNSPEC, &p), 0);
	assert_int_equal(p.plen, 32);
	assert_int_equal(prefix_parse("0.0.0.0/0", AF_UNSPEC, &p), 0);
	assert_int_equal(prefix_parse("10.1.0.128/25", AF_UNSPEC, &p), 0);
	assert_int_equal(prefix_parse("2001:db8::/128", AF_UNSPEC, &p), 0);
	assert_int_equal(prefix_parse("2001:db8::1/128", AF_UNSPEC, &p), 0);
}

static void test_prefix_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"10.1.2.3/8",	/* host bits */
		"10.1.0.0/33", "10.1.0.0/", "10.1.0.0/-1", "10.1.0.0/+8",
		"10.1.0.0/8x", "/8", "2001:db8::/129", "2001:db8::1/64",
		"10.0.0.0/8/8", "10.128.0.0/8",
	};
	struct ivgmp_prefix p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (prefix_parse(bad[i], AF_UNSPEC, &p) != -EINVAL)
			fail_msg("accepted bad prefix '%s'", bad[i]);
	}
}

static void test_multicast_checks(void **state)
{
	struct ivgmp_addr a;

	addr_parse("239.1.1.1", AF_UNSPEC, &a);
	assert_true(addr_is_multicast(&a));
	assert_false(addr_is_linklocal_mcast(&a));
	assert_false(addr_is_unicast(&a));
	addr_parse("224.0.0.251", AF_UNSPEC, &a);
	assert_true(addr_is_linklocal_mcast(&a));
	addr_parse("224.0.1.1", AF_UNSPEC, &a);
	assert_false(addr_is_linklocal_mcast(&a));
	addr_parse("223.255.255.255", AF_UNSPEC, &a);
	assert_false(addr_is_multicast(&a));
	addr_parse("240.0.0.1", AF_UNSPEC, &a);
	assert_false(addr_is_multicast(&a));
	addr_parse("ff0e::1", AF_UNSPEC, &a);
	assert_true(addr_is_multicast(&a));
	assert_false(addr_is_linklocal_mcast(&a));
	addr_parse("ff02::fb", AF_UNSPEC, &a);
	assert_true(addr_is_linklocal_mcast(&a));
	addr_parse("ff12::fb", AF_UNSPEC, &a);
	assert_true(addr_is_linklocal_mcast(&a));
	addr_parse("fe80::1", AF_UNSPEC, &a);
	assert_false(addr_is_multicast(&a));
	assert_true(addr_is_unicast(&a));
	addr_parse("0.0.0.0", AF_UNSPEC, &a);
	assert_false(addr_is_unicast(&a));
	addr_parse("::", AF_UNSPEC, &a);
	assert_false(addr_is_unicast(&a));
	addr_parse("255.255.255.255", AF_UNSPEC, &a);
	assert_false(addr_is_unicast(&a));
	memset(&a, 0, sizeof(a));
	assert_true(addr_is_unspec(&a));
	assert_false(addr_is_multicast(&a));
}

static void test_prefix_contains(void **state)
{
	struct ivgmp_prefix p;
	struct ivgmp_addr a;

	prefix_parse("10.1.0.0/20", AF_UNSPEC, &p);
	addr_parse("10.1.15.255", AF_UNSPEC, &a);
	assert_true(prefix_contains(&p, &a));
	addr_parse("10.1.16.0", AF_UNSPEC, &a);
	assert_false(prefix_contains(&p, &a));
	addr_parse("::a01:0", AF_UNSPEC, &a);
	assert_false(prefix_contains(&p, &a));
	prefix_parse("0.0.0.0/0", AF_UNSPEC, &p);
	addr_parse("192.0.2.1", AF_UNSPEC, &a);
	assert_true(prefix_contains(&p, &a));
	prefix_parse("2001:db8:1::/48", AF_UNSPEC, &p);
	addr_parse("2001:db8:1:ffff::1", AF_UNSPEC, &a);
	assert_true(prefix_contains(&p, &a));
	addr_parse("2001:db8:2::1", AF_UNSPEC, &a);
	assert_false(prefix_contains(&p, &a));
}

static void test_addr_equal_and_raw(void **state)
{
	static const uint8_t raw4[4] = { 192, 0, 2, 7 };
	struct ivgmp_addr a, b;

	assert_int_equal(addr_from_raw(&a, raw4, 4), 0);
	addr_parse("192.0.2.7", AF_UNSPEC, &b);
	assert_true(addr_equal(&a, &b));
	addr_parse("::ffff:192.0.2.7", AF_UNSPEC, &b);
	assert_false(addr_equal(&a, &b));
	assert_int_equal(addr_from_raw(&a, raw4, 3), -EINVAL);
	assert_int_equal(addr_from_raw(&a, raw4, 0), -EINVAL);
}

static void test_ifindex(void **state)
{
	char buf[64];

	assert_int_equal(addr_ifindex("lo"), 1);
	assert_string_equal(addr_ifname(1, buf, sizeof(buf)), "lo");
	assert_int_equal(addr_ifindex("no-such-if0"), 0);
	assert_int_equal(addr_ifindex(""), 0);
	assert_int_equal(addr_ifindex("a-name-that-is-too-long-for-linux"), 0);
	assert_int_equal(addr_ifindex("1"), 1);
	assert_int_equal(addr_ifindex("999999"), 0);
	assert_int_equal(addr_ifindex("0"), 0);
	assert_string_equal(addr_ifname(999999, buf, sizeof(buf)), "if999999");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse_v4_v6),
		cmocka_unit_test(test_addr_parse_rejects),
		cmocka_unit_test(test_addr_parse_family_filter),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_prefix_parse_rejects),
		cmocka_unit_test(test_multicast_checks),
		cmocka_unit_test(test_prefix_contains),
		cmocka_unit_test(test_addr_equal_and_raw),
		cmocka_unit_test(test_ifindex),
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
