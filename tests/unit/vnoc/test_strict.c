// SPDX-License-Identifier: GPL-2.0
/* Unit tests: the byte-level checks of SOAP request bodies (strict.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "strict.h"

/* Feeds s in pieces of n bytes (1: every split point of a character or
 * keyword across reads); the reason, or NULL if accepted. */
static const char *check_split(const char *s, size_t len, size_t n)
{
	static struct vnoc_strict st;
	size_t i;

	vnoc_strict_init(&st);
	for (i = 0; i < len; i += n)
		if (vnoc_strict_feed(&st, s + i, len - i < n ? len - i : n))
			return st.why;
	return vnoc_strict_end(&st) ? st.why : NULL;
}

/* The same verdict whether it comes in one read or byte by byte. */
static const char *check(const char *s, size_t len)
{
	const char *a = check_split(s, len, len ? len : 1);
	const char *b = check_split(s, len, 1);

	assert_true((a == NULL) == (b == NULL));
	return a;
}

#define CHECK(lit) check(lit, sizeof(lit) - 1)

static void test_accepts_soap(void **state)
{
	(void)state;
	assert_null(CHECK("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			  "<e:Envelope xmlns:e=\"x\"><e:Body><a>239.1.1.1</a>"
			  "</e:Body></e:Envelope>"));
	/* BOM, comments, CDATA, entity and character references */
	assert_null(CHECK("\xef\xbb\xbf<?xml version='1.0'?><!-- c - c -->"
			  "<a><![CDATA[<x> ] ]] >]]>&lt;&#65;&#x10FFFF;&#xD;</a>"));
	/* UTF-8 of 2, 3 and 4 bytes, tab, CR, LF */
	assert_null(CHECK("<a>\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\t\r\n</a>"));
	assert_null(CHECK(""));
}

static void test_refuses_characters(void **state)
{
	(void)state;
	assert_string_equal(CHECK("<a>site1\0evil</a>"), "a NUL byte");
	assert_non_null(strstr(CHECK("<a>\x01</a>"), "forbids"));
	assert_non_null(strstr(CHECK("<a>\xef\xbf\xbe</a>"), "forbids"));
	assert_non_null(strstr(CHECK("<a>\xff</a>"), "UTF-8"));
	assert_non_null(strstr(CHECK("<a>\xc3(</a>"), "UTF-8"));
	assert_non_null(strstr(CHECK("<a>\xc0\xaf</a>"), "overlong"));
	assert_non_null(strstr(CHECK("<a>\xe0\x80\xaf</a>"), "overlong"));
	assert_non_null(strstr(CHECK("<a>\xed\xa0\x80</a>"), "surrogate"));
	assert_non_null(strstr(CHECK("<a>\xf4\x90\x80\x80</a>"), "U+10FFFF"));
	assert_non_null(strstr(CHECK("<a>\xf8\x88\x80\x80\x80</a>"), "UTF-8"));
	assert_non_null(strstr(CHECK("<a>\xe2\x82"), "cut short"));
}

static void test_refuses_references(void **state)
{
	(void)state;
	assert_non_null(strstr(CHECK("<a>&#0;</a>"), "reference"));
	assert_non_null(strstr(CHECK("<a>&#x0;</a>"), "reference"));
	assert_non_null(strstr(CHECK("<a>&#x1F;</a>"), "reference"));
	assert_non_null(strstr(CHECK("<a>&#xD800;</a>"), "reference"));
	assert_non_null(strstr(CHECK("<a>&#99999999999999;</a>"),
			       "reference"));
	assert_non_null(strstr(CHECK("<a>&#;</a>"), "reference"));
	assert_non_null(strstr(CHECK("<a>&#x;</a>"), "reference"));
	assert_non_null(strstr(CHECK("<a>&#1a;</a>"), "reference"));
}

static void test_refuses_markup(void **state)
{
	(void)state;
	assert_non_null(strstr(CHECK("<?xml version='1.0'?><!DOCTYPE x>"
				     "<a/>"), "DOCTYPE"));
	assert_non_null(strstr(CHECK("<!DOCTYPE x [<!ENTITY a 'b'>]><a/>"),
			       "DOCTYPE"));
	assert_non_null(strstr(CHECK("<a><!ENTITY a 'b'></a>"), "DOCTYPE"));
	assert_non_null(strstr(CHECK("<a/><?pi x?>"), "processing"));
	assert_non_null(strstr(CHECK("<?pi x?><a/>"), "processing"));
	assert_non_null(strstr(CHECK("<?xml-stylesheet x?><a/>"),
			       "processing"));
	assert_non_null(strstr(CHECK(" x<?xml version='1.0'?><a/>"),
			       "processing"));
	assert_non_null(strstr(CHECK("<a><!-x --></a>"), "comment"));
	assert_non_null(strstr(CHECK("<a><![CDAT[x]]></a>"), "CDATA"));
	assert_non_null(strstr(CHECK("<a><!-- x"), "unterminated"));
	/* inside a comment or CDATA section it is text */
	assert_null(CHECK("<a><!-- <!DOCTYPE x> <?pi?> --></a>"));
	assert_null(CHECK("<a><![CDATA[<!DOCTYPE x><?pi?>]]></a>"));
}

static void test_offset_and_sticky(void **state)
{
	struct vnoc_strict st;

	(void)state;
	vnoc_strict_init(&st);
	assert_int_equal(vnoc_strict_feed(&st, "<a>ok", 5), 0);
	assert_int_equal(vnoc_strict_feed(&st, "x\0y", 3), -1);
	assert_int_equal(st.why_off, 6);
	/* once refused, always refused */
	assert_int_equal(vnoc_strict_feed(&st, "</a>", 4), -1);
	assert_int_equal(vnoc_strict_end(&st), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_soap),
		cmocka_unit_test(test_refuses_characters),
		cmocka_unit_test(test_refuses_references),
		cmocka_unit_test(test_refuses_markup),
		cmocka_unit_test(test_offset_and_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
