// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static struct conf *parse_ok(const char *text)
{
	char err[256] = "";
	struct conf *c = NULL;

	if (conf_parse_string("t.conf", text, &c, err, sizeof(err)))
		fail_msg("parse failed: %s", err);
	return c;
}

/* The error message for text, which must not parse. */
static void parse_bad(const char *text, const char *expect)
{
	char err[256] = "";
	struct conf *c = NULL;

	assert_int_equal(conf_parse_string("t.conf", text, &c, err,
					   sizeof(err)), -EINVAL);
	assert_null(c);
	if (!strstr(err, expect))
		fail_msg("error '%s' does not contain '%s'", err, expect);
}

static void test_sections_and_values(void **state)
{
	struct conf *c = parse_ok(
		"# top comment\n"
		"global = 1\n"
		"\n"
		"[vnoc]\n"
		"  url   =   https://vnoc.example:8443/x#frag   # comment\n"
		"name = \"a # b \"\n"
		"empty =\n"
		"; other comment\n"
		"[site.a]\n"
		"id = 0x10\n");
	const char *s;
	uint64_t u;

	assert_int_equal(conf_get_uint(c, "", "global", 0, 10, &u), 1);
	assert_int_equal(u, 1);
	assert_int_equal(conf_get_str(c, "vnoc", "url", &s), 1);
	assert_string_equal(s, "https://vnoc.example:8443/x#frag");
	assert_int_equal(conf_get_str(c, "vnoc", "name", &s), 1);
	assert_string_equal(s, "a # b ");
	assert_int_equal(conf_get_str(c, "vnoc", "empty", &s), 1);
	assert_string_equal(s, "");
	assert_int_equal(conf_get_uint(c, "site.a", "id", 0, 100, &u), 1);
	assert_int_equal(u, 16);
	/* absent: 0 and untouched */
	u = 77;
	assert_int_equal(conf_get_uint(c, "vnoc", "missing", 0, 100, &u), 0);
	assert_int_equal(u, 77);
	assert_true(conf_has_section(c, "vnoc"));
	assert_false(conf_has_section(c, "nope"));
	assert_string_equal(conf_section(c, 0), "vnoc");
	assert_string_equal(conf_section(c, 1), "site.a");
	assert_null(conf_section(c, 2));
	assert_int_equal(conf_check_unused(c), 0);
	conf_free(c);
}

static void test_syntax_errors(void **state)
{
	parse_bad("a = 1\nno equals here\n", "t.conf:2: expected 'key = value'");
	parse_bad("[sec\n", "t.conf:1: missing ']'");
	parse_bad("[]\n", "t.conf:1: bad section name");
	parse_bad("[a b]\n", "t.conf:1: bad section name");
	parse_bad("[a]\n[a]\n", "t.conf:2: duplicate section [a]");
	parse_bad("[a] x\n", "t.conf:1: text after section name");
	parse_bad("bad key = 1\n", "t.conf:1: bad key");
	parse_bad("= 1\n", "t.conf:1: bad key");
	parse_bad("k = \"open\n", "t.conf:1: unterminated quoted value");
	parse_bad("k = \"a\" b\n", "t.conf:1: text after quoted value");
	parse_bad("k = a\"b\n", "t.conf:1: stray");
	parse_bad("k = \"\\n\"\n", "t.conf:1: bad escape");
}

static void test_long_line(void **state)
{
	char *text = malloc(5000);

	assert_non_null(text);
	memset(text, 'x', 4999);
	memcpy(text, "k = ", 4);
	text[4999] = '\0';
	parse_bad(text, "t.conf:1: line longer than");
	free(text);
}

static void test_typed_errors(void **state)
{
	struct conf *c = parse_ok(
		"port = 70000\n"
		"neg = -1\n"
		"word = ten\n"
		"flag = maybe\n"
		"on = On\n"
		"addr = 10.0.0.300\n"
		"v6 = 10.0.0.1\n"
		"pfx = 10.1.2.3/8\n"
		"dup = 1\n"
		"dup = 2\n"
		"big = 99999999999999999999999\n"
		"oct = 010\n"
		"hex0 = 0x\n"
		"hexbad = 0xg\n");
	struct ivgmp_prefix p;
	struct ivgmp_addr a;
	uint64_t u;
	bool b;

	assert_int_equal(conf_get_uint(c, "", "port", 1, 65535, &u), -EINVAL);
	assert_string_equal(conf_errmsg(c),
			    "t.conf:1: port: 70000 is out of range 1..65535");
	assert_int_equal(conf_get_uint(c, "", "neg", 0, 10, &u), -EINVAL);
	assert_string_equal(conf_errmsg(c), "t.conf:2: neg: '-1' is not a number");
	assert_int_equal(conf_get_uint(c, "", "word", 0, 10, &u), -EINVAL);
	assert_int_equal(conf_get_bool(c, "", "flag", &b), -EINVAL);
	assert_non_null(strstr(conf_errmsg(c), "t.conf:4:"));
	assert_int_equal(conf_get_bool(c, "", "on", &b), 1);
	assert_true(b);
	assert_int_equal(conf_get_addr(c, "", "addr", AF_UNSPEC, &a), -EINVAL);
	assert_non_null(strstr(conf_errmsg(c), "t.conf:6: addr:"));
	assert_int_equal(conf_get_addr(c, "", "v6", AF_INET6, &a), -EINVAL);
	assert_non_null(strstr(conf_errmsg(c), "IPv6"));
	assert_int_equal(conf_get_prefix(c, "", "pfx", AF_UNSPEC, &p), -EINVAL);
	assert_int_equal(conf_get_uint(c, "", "dup", 0, 10, &u), -EINVAL);
	assert_string_equal(conf_errmsg(c),
			    "t.conf:10: 'dup' given twice (first on line 9)");
	assert_int_equal(conf_get_uint(c, "", "big", 0, UINT64_MAX, &u),
			 -EINVAL);
	assert_int_equal(conf_get_uint(c, "", "oct", 0, 100, &u), 1);
	assert_int_equal(u, 10);
	assert_int_equal(conf_get_uint(c, "", "hex0", 0, 100, &u), -EINVAL);
	assert_int_equal(conf_get_uint(c, "", "hexbad", 0, 100, &u), -EINVAL);
	conf_free(c);
}

static void test_lists_and_unused(void **state)
{
	struct conf *c = parse_ok(
		"[agent]\n"
		"lan = eth1\n"
		"lan = eth2\n"
		"typo_key = 3\n");
	const struct conf_entry *e = NULL;
	const char *names[3];
	int n = 0;

	while ((e = conf_next(c, "agent", "lan", e)) && n < 3)
		names[n++] = e->value;
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "eth1");
	assert_string_equal(names[1], "eth2");
	assert_int_equal(conf_check_unused(c), -EINVAL);
	assert_string_equal(conf_errmsg(c),
			    "t.conf:4: unknown key 'typo_key' in [agent]");
	conf_free(c);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/ivgmp-conf-XXXXXX";
	char err[256];
	struct conf *c = NULL;
	const char *s;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[x]\nk = v\n", 10), 10);
	close(fd);
	assert_int_equal(conf_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(conf_get_str(c, "x", "k", &s), 1);
	assert_string_equal(s, "v");
	conf_free(c);
	unlink(path);
	assert_int_equal(conf_load(path, &c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
}

/* A NUL byte (a binary file given by mistake) is named as such, and never
 * hides the rest of its line. */
static void test_nul_byte(void **state)
{
	static const char *const texts[] = {
		"a = 1\nb = 2\0junk\n",
		"a = 1\n\0b = 2",
	};
	static const size_t lens[] = { 17, 13 };
	char path[] = "/tmp/ivgmp-conf-XXXXXX";
	char err[256];
	struct conf *c;
	unsigned i;
	int fd;

	for (i = 0; i < 2; i++) {
		fd = mkstemp(path);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, texts[i], lens[i]), (ssize_t)lens[i]);
		close(fd);
		c = NULL;
		err[0] = '\0';
		assert_int_equal(conf_load(path, &c, err, sizeof(err)), -EINVAL);
		assert_null(c);
		assert_non_null(strstr(err, ":2: "));
		assert_non_null(strstr(err, "NUL byte"));
		unlink(path);
		strcpy(path, "/tmp/ivgmp-conf-XXXXXX");
	}
}

static void test_empty(void **state)
{
	struct conf *c = parse_ok("");

	assert_int_equal(conf_check_unused(c), 0);
	conf_free(c);
}

/* One key style documented ('_'), the other ('-') read as the same key. */
static void test_key_dash_alias(void **state)
{
	struct conf *c = parse_ok("max-connections = 7\n[vnoc]\npoll_wait = 3\n");
	uint64_t u;

	assert_int_equal(conf_get_uint(c, "", "max_connections", 0, 10, &u), 1);
	assert_int_equal(u, 7);
	assert_int_equal(conf_get_uint(c, "vnoc", "poll-wait", 0, 10, &u), 1);
	assert_int_equal(u, 3);
	assert_int_equal(conf_check_unused(c), 0);
	conf_free(c);

	/* both spellings of one single-valued key: given twice */
	c = parse_ok("max-connections = 7\nmax_connections = 8\n");
	assert_int_equal(conf_get_uint(c, "", "max_connections", 0, 10, &u),
			 -EINVAL);
	assert_non_null(strstr(conf_errmsg(c), "given twice"));
	conf_free(c);

	/* only '-' and '_' are one letter */
	c = parse_ok("max.connections = 7\n");
	assert_int_equal(conf_get_uint(c, "", "max_connections", 0, 10, &u), 0);
	assert_int_equal(conf_check_unused(c), -EINVAL);
	conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_and_values),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_typed_errors),
		cmocka_unit_test(test_lists_and_unused),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_key_dash_alias),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
