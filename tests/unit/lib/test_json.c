// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "json.h"

static void test_nesting_and_commas(void **state)
{
	struct json j;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	json_begin(&j, f);
	json_obj_open(&j, NULL);
	json_uint(&j, "a", 18446744073709551615ULL);
	json_int(&j, "b", -5);
	json_bool(&j, "c", true);
	json_null(&j, "d");
	json_arr_open(&j, "e");
	json_obj_open(&j, NULL);
	json_str(&j, "k", "v");
	json_obj_close(&j);
	json_obj_open(&j, NULL);
	json_obj_close(&j);
	json_str(&j, NULL, "x");
	json_arr_close(&j);
	json_arr_open(&j, "empty");
	json_arr_close(&j);
	json_obj_close(&j);
	json_end(&j);
	/* a second top-level value: one per line */
	json_arr_open(&j, NULL);
	json_arr_close(&j);
	json_end(&j);
	fclose(f);
	assert_string_equal(out,
			    "{\"a\":18446744073709551615,\"b\":-5,\"c\":true,"
			    "\"d\":null,\"e\":[{\"k\":\"v\"},{},\"x\"],"
			    "\"empty\":[]}\n[]\n");
	free(out);
}

static void test_escaping(void **state)
{
	struct json j;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	json_begin(&j, f);
	json_str(&j, NULL, "q\"b\\s/n\nt\tc\x01");
	json_end(&j);
	fclose(f);
	assert_string_equal(out, "\"q\\\"b\\\\s/n\\nt\\tc\\u0001\"\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_commas),
		cmocka_unit_test(test_escaping),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
