/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A streaming JSON writer for the -j output of ivgmptool (and anyone else):
 * compact, one value per json_begin()/json_end() pair, ended by a newline,
 * so `monitor -j` prints one object per line.
 *
 *   struct json j;
 *   json_begin(&j, stdout);
 *   json_obj_open(&j, NULL);            top-level object
 *   json_uint(&j, "site_id", 7);
 *   json_arr_open(&j, "lans");
 *   json_obj_open(&j, NULL); ... json_obj_close(&j);
 *   json_arr_close(&j);
 *   json_obj_close(&j);
 *   json_end(&j);                       newline and fflush
 *
 * key is the member name inside an object and must be NULL inside an
 * array (and for the top-level value). Strings are escaped as RFC 8259
 * requires; bytes >= 0x80 are passed through (callers print ASCII).
 * Nesting deeper than JSON_MAX_DEPTH is a programming error: abort().
 */
#ifndef IVGMP_JSON_H
#define IVGMP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	16

struct json {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH + 1];
};

void json_begin(struct json *j, FILE *f);
void json_end(struct json *j);
void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_uint(struct json *j, const char *key, uint64_t val);
void json_int(struct json *j, const char *key, int64_t val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);

#endif /* IVGMP_JSON_H */
