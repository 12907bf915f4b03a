// SPDX-License-Identifier: GPL-2.0
/* Unit tests: address parsing and policy matching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>

#include "policy.h"

static struct vnoc_addr A(const char *s)
{
	struct vnoc_addr a;

	assert_int_equal(vnoc_addr_parse(s, &a), 0);
	return a;
}

static struct vnoc_policy P(uint32_t id, uint32_t vpn, const char *prefix,
			    uint32_t site, unsigned roles, bool deny)
{
	struct vnoc_policy p = { .id = id, .vpn = vpn, .site = site,
				 .roles = roles, .deny = deny };

	assert_int_equal(vnoc_prefix_parse(prefix, &p.prefix, &p.plen), 0);
	return p;
}

static void test_prefix_parse(void **state)
{
	struct vnoc_addr a;
	unsigned len;

	assert_int_equal(vnoc_prefix_parse("239.1.0.0/16", &a, &len), 0);
	assert_int_equal(len, 16);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(vnoc_prefix_parse("ff3e::/16", &a, &len), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(vnoc_prefix_parse("239.1.1.1", &a, &len), 0);
	assert_int_equal(len, 32);
	/* host bits, bad lengths, junk */
	assert_int_not_equal(vnoc_prefix_parse("239.1.0.1/16", &a, &len), 0);
	assert_int_not_equal(vnoc_prefix_parse("239.1.0.0/33", &a, &len), 0);
	assert_int_not_equal(vnoc_prefix_parse("ff00::/129", &a, &len), 0);
	assert_int_not_equal(vnoc_prefix_parse("239.1.0.0/", &a, &len), 0);
	assert_int_not_equal(vnoc_prefix_parse("239.1.0.0/1x", &a, &len), 0);
	assert_int_not_equal(vnoc_prefix_parse("foo/8", &a, &len), 0);
	assert_int_not_equal(vnoc_prefix_parse(NULL, &a, &len), 0);
}

static void test_multicast(void **state)
{
	struct vnoc_addr a = A("239.0.0.1"), b = A("10.0.0.1");
	struct vnoc_addr c = A("ff3e::1"), d = A("2001:db8::1");

	assert_true(vnoc_addr_is_multicast(&a));
	assert_false(vnoc_addr_is_multicast(&b));
	assert_true(vnoc_addr_is_multicast(&c));
	assert_false(vnoc_addr_is_multicast(&d));
}

static void test_deny_by_default(void **state)
{
	struct vnoc_addr g = A("239.1.1.1");

	assert_null(vnoc_policy_match(NULL, 0, 1, 1, &g, VNOC_ROLE_SENDER));
	assert_false(vnoc_policy_permits(NULL, 0, 1, 1, &g,
					 VNOC_ROLE_RECEIVER));
}

static void test_roles_and_vpn(void **state)
{
	struct vnoc_policy r[] = {
		P(1, 10, "239.0.0.0/8", 0, VNOC_POLICY_RECEIVE, false),
	};
	struct vnoc_addr g = A("239.1.1.1");

	assert_true(vnoc_policy_permits(r, 1, 5, 10, &g, VNOC_ROLE_RECEIVER));
	assert_false(vnoc_policy_permits(r, 1, 5, 10, &g, VNOC_ROLE_SENDER));
	assert_false(vnoc_policy_permits(r, 1, 5, 11, &g, VNOC_ROLE_RECEIVER));
	g = A("238.1.1.1");
	assert_false(vnoc_policy_permits(r, 1, 5, 10, &g, VNOC_ROLE_RECEIVER));
}

static void test_longest_prefix(void **state)
{
	struct vnoc_policy r[] = {
		P(1, 1, "239.0.0.0/8", 0, VNOC_POLICY_SEND | VNOC_POLICY_RECEIVE, false),
		P(2, 1, "239.255.0.0/16", 0, VNOC_POLICY_SEND, true),
		P(3, 1, "239.255.7.0/24", 3, VNOC_POLICY_SEND, false),
	};
	struct vnoc_addr g = A("239.255.1.1"), h = A("239.255.7.9");

	assert_int_equal(vnoc_policy_match(r, 3, 1, 1, &g, VNOC_ROLE_SENDER)->id, 2);
	assert_false(vnoc_policy_permits(r, 3, 1, 1, &g, VNOC_ROLE_SENDER));
	/* the deny is for senders only */
	assert_true(vnoc_policy_permits(r, 3, 1, 1, &g, VNOC_ROLE_RECEIVER));
	/* the /24 for site 3 is more specific than the /16 deny */
	assert_true(vnoc_policy_permits(r, 3, 3, 1, &h, VNOC_ROLE_SENDER));
	assert_false(vnoc_policy_permits(r, 3, 4, 1, &h, VNOC_ROLE_SENDER));
}

static void test_site_beats_all_and_deny_beats_permit(void **state)
{
	struct vnoc_policy r[] = {
		P(1, 1, "239.1.0.0/16", 0, VNOC_POLICY_RECEIVE, false),
		P(2, 1, "239.1.0.0/16", 7, VNOC_POLICY_RECEIVE, true),
		P(3, 1, "239.2.0.0/16", 0, VNOC_POLICY_RECEIVE, false),
		P(4, 1, "239.2.0.0/16", 0, VNOC_POLICY_RECEIVE, true),
	};
	struct vnoc_addr g = A("239.1.2.3"), h = A("239.2.2.3");

	assert_true(vnoc_policy_permits(r, 4, 6, 1, &g, VNOC_ROLE_RECEIVER));
	assert_false(vnoc_policy_permits(r, 4, 7, 1, &g, VNOC_ROLE_RECEIVER));
	assert_int_equal(vnoc_policy_match(r, 4, 6, 1, &h, VNOC_ROLE_RECEIVER)->id, 4);
}

static void test_v6_and_family(void **state)
{
	struct vnoc_policy r[] = {
		P(1, 1, "ff3e::/16", 0, VNOC_POLICY_SEND | VNOC_POLICY_RECEIVE, false),
		P(2, 1, "ff3e:0:0:0:0:0:1:0/112", 0, VNOC_POLICY_RECEIVE, true),
		P(3, 1, "0.0.0.0/0", 0, VNOC_POLICY_RECEIVE, false),
	};
	struct vnoc_addr a = A("ff3e::5"), b = A("ff3e::1:5"), c = A("ff05::1");

	assert_true(vnoc_policy_permits(r, 3, 1, 1, &a, VNOC_ROLE_RECEIVER));
	assert_false(vnoc_policy_permits(r, 3, 1, 1, &b, VNOC_ROLE_RECEIVER));
	assert_true(vnoc_policy_permits(r, 3, 1, 1, &b, VNOC_ROLE_SENDER));
	/* an IPv4 rule never matches an IPv6 group */
	assert_false(vnoc_policy_permits(r, 3, 1, 1, &c, VNOC_ROLE_RECEIVER));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_multicast),
		cmocka_unit_test(test_deny_by_default),
		cmocka_unit_test(test_roles_and_vpn),
		cmocka_unit_test(test_longest_prefix),
		cmocka_unit_test(test_site_beats_all_and_deny_beats_permit),
		cmocka_unit_test(test_v6_and_family),
	};

	return cmocka_run_group_tests_name("vnoc_policy", tests, NULL, NULL);
}
