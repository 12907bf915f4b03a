// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <inttypes.h>
#include <stdlib.h>

#include "json.h"

static void json_puts_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Comma and "key": before every value. */
static void json_prefix(struct json *j, const char *key)
{
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (key) {
		json_puts_escaped(j->f, key);
		fputc(':', j->f);
	}
}

void json_begin(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma[0] = false;
}

void json_end(struct json *j)
{
	fputc('\n', j->f);
	fflush(j->f);
	j->need_comma[0] = false;
}

static void json_open(struct json *j, const char *key, char ch)
{
	json_prefix(j, key);
	if (j->depth >= JSON_MAX_DEPTH)
		abort();
	fputc(ch, j->f);
	j->need_comma[++j->depth] = false;
}

static void json_close(struct json *j, char ch)
{
	if (j->depth <= 0)
		abort();
	j->depth--;
	fputc(ch, j->f);
}

void json_obj_open(struct json *j, const char *key)
{
	json_open(j, key, '{');
}

void json_obj_close(struct json *j)
{
	json_close(j, '}');
}

void json_arr_open(struct json *j, const char *key)
{
	json_open(j, key, '[');
}

void json_arr_close(struct json *j)
{
	json_close(j, ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	json_prefix(j, key);
	json_puts_escaped(j->f, val);
}

void json_uint(struct json *j, const char *key, uint64_t val)
{
	json_prefix(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void json_int(struct json *j, const char *key, int64_t val)
{
	json_prefix(j, key);
	fprintf(j->f, "%" PRId64, val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	json_prefix(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	json_prefix(j, key);
	fputs("null", j->f);
}
