// SPDX-License-Identifier: GPL-2.0 OR MIT
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"

#define CONF_MAX_LINE	4096

struct conf {
	char *name;
	struct conf_entry *entries;
	unsigned int n, cap;
	char **sections;
	unsigned int n_sections, cap_sections;
	char errmsg[512];
};

static int conf_verror(struct conf *c, unsigned int line, const char *fmt,
		       va_list ap) __attribute__((format(printf, 3, 0)));

static int conf_verror(struct conf *c, unsigned int line, const char *fmt,
		       va_list ap)
{
	char msg[384];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line)
		snprintf(c->errmsg, sizeof(c->errmsg), "%s:%u: %s", c->name,
			 line, msg);
	else
		snprintf(c->errmsg, sizeof(c->errmsg), "%s: %s", c->name, msg);
	return -EINVAL;
}

int conf_error(struct conf *c, const struct conf_entry *e, const char *fmt,
	       ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = conf_verror(c, e ? e->line : 0, fmt, ap);
	va_end(ap);
	return err;
}

static int line_error(struct conf *c, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int line_error(struct conf *c, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = conf_verror(c, line, fmt, ap);
	va_end(ap);
	return err;
}

const char *conf_errmsg(const struct conf *c)
{
	return c->errmsg;
}

const char *conf_name(const struct conf *c)
{
	return c->name;
}

void conf_free(struct conf *c)
{
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		free((char *)c->entries[i].key);
		free((char *)c->entries[i].value);
	}
	for (i = 0; i < c->n_sections; i++)
		free(c->sections[i]);
	free(c->entries);
	free(c->sections);
	free(c->name);
	free(c);
}

static bool is_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static char *trim(char *s)
{
	char *end;

	while (is_space(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_space(end[-1]))
		*--end = '\0';
	return s;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!is_name_char(*s))
			return false;
	return true;
}

/* Value after '=': quoted, or bare up to an inline " #" comment. */
static int parse_value(struct conf *c, unsigned int line, char *s,
		       char **out)
{
	char *r, *w;

	s = trim(s);
	if (*s != '"') {
		for (r = s; *r; r++) {
			if (*r == '"')
				return line_error(c, line,
						  "stray '\"' in value");
			if (*r == '#' && r > s && is_space(r[-1])) {
				*r = '\0';
				break;
			}
		}
		*out = trim(s);
		return 0;
	}
	for (r = s + 1, w = s; *r && *r != '"'; r++) {
		if (*r == '\\') {
			r++;
			if (*r != '"' && *r != '\\')
				return line_error(c, line,
						  "bad escape in quoted value");
		}
		*w++ = *r;
	}
	if (*r != '"')
		return line_error(c, line, "unterminated quoted value");
	*w = '\0';
	r = trim(r + 1);
	if (*r && *r != '#' && *r != ';')
		return line_error(c, line, "text after quoted value");
	*out = s;
	return 0;
}

static int add_section(struct conf *c, const char *name)
{
	if (c->n_sections == c->cap_sections) {
		unsigned int cap = c->cap_sections ? c->cap_sections * 2 : 8;
		char **p = realloc(c->sections, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->sections = p;
		c->cap_sections = cap;
	}
	c->sections[c->n_sections] = strdup(name);
	if (!c->sections[c->n_sections])
		return -ENOMEM;
	c->n_sections++;
	return 0;
}

static int add_entry(struct conf *c, const char *section, const char *key,
		     const char *value, unsigned int line)
{
	struct conf_entry *e;

	if (c->n == c->cap) {
		unsigned int cap = c->cap ? c->cap * 2 : 16;
		struct conf_entry *p = realloc(c->entries, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		c->entries = p;
		c->cap = cap;
	}
	e = &c->entries[c->n];
	memset(e, 0, sizeof(*e));
	e->section = section;
	e->key = strdup(key);
	e->value = strdup(value);
	e->line = line;
	if (!e->key || !e->value) {
		free((char *)e->key);
		free((char *)e->value);
		return -ENOMEM;
	}
	c->n++;
	return 0;
}

static int parse_line(struct conf *c, unsigned int line, char *s,
		      const char **section)
{
	char *eq, *key, *value = NULL, *end;
	int err;

	s = trim(s);
	if (!*s || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		end = strchr(s, ']');
		if (!end)
			return line_error(c, line, "missing ']'");
		*end = '\0';
		value = trim(end + 1);
		if (*value && *value != '#' && *value != ';')
			return line_error(c, line, "text after section name");
		key = trim(s + 1);
		if (!valid_name(key))
			return line_error(c, line, "bad section name '%s'", key);
		if (conf_has_section(c, key))
			return line_error(c, line, "duplicate section [%s]",
					  key);
		err = add_section(c, key);
		if (err)
			return err;
		*section = c->sections[c->n_sections - 1];
		return 0;
	}
	eq = strchr(s, '=');
	if (!eq)
		return line_error(c, line, "expected 'key = value'");
	*eq = '\0';
	key = trim(s);
	if (!valid_name(key))
		return line_error(c, line, "bad key '%s'", key);
	err = parse_value(c, line, eq + 1, &value);
	if (err)
		return err;
	return add_entry(c, *section, key, value, line);
}

static struct conf *conf_new(const char *name)
{
	struct conf *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->name = strdup(name);
	if (!c->name) {
		free(c);
		return NULL;
	}
	return c;
}

/*
 * One line into buf (at most CONF_MAX_LINE bytes, newline dropped): its
 * length, -1 at the end of the file, -2 if longer.  Unlike fgets() the
 * length is known, so a NUL byte cannot hide the rest of the line, and
 * unlike getline() a file without newlines (/dev/zero) costs no memory.
 */
static int read_line(FILE *f, char *buf)
{
	int ch, len = 0;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (len == CONF_MAX_LINE)
			return -2;
		buf[len++] = (char)ch;
	}
	buf[len] = '\0';
	return ch == EOF && !len ? -1 : len;
}

static int conf_parse_stream(struct conf *c, FILE *f)
{
	const char *section = "";
	char buf[CONF_MAX_LINE + 1];
	unsigned int line = 0;
	int err = 0, len;

	while ((len = read_line(f, buf)) != -1) {
		line++;
		if (len == -2) {
			err = line_error(c, line, "line longer than %d bytes",
					 CONF_MAX_LINE);
			break;
		}
		if (strlen(buf) != (size_t)len) {
			err = line_error(c, line, "NUL byte in line");
			break;
		}
		err = parse_line(c, line, buf, &section);
		if (err == -ENOMEM)
			snprintf(c->errmsg, sizeof(c->errmsg), "%s: %s",
				 c->name, strerror(ENOMEM));
		if (err)
			break;
	}
	if (!err && ferror(f)) {
		err = errno ? -errno : -EIO;
		snprintf(c->errmsg, sizeof(c->errmsg), "%s: %s", c->name,
			 strerror(-err));
	}
	return err;
}

static int conf_finish(struct conf *c, int err, struct conf **out,
		       char *errbuf, size_t errlen)
{
	if (err) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s", c->errmsg);
		conf_free(c);
		return err;
	}
	c->errmsg[0] = '\0';
	*out = c;
	return 0;
}

int conf_load(const char *path, struct conf **out, char *errbuf,
	      size_t errlen)
{
	struct conf *c;
	FILE *f;
	int err;

	f = fopen(path, "re");
	if (!f) {
		err = -errno;
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s: %s", path,
				 strerror(-err));
		return err;
	}
	c = conf_new(path);
	if (!c) {
		fclose(f);
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s: %s", path,
				 strerror(ENOMEM));
		return -ENOMEM;
	}
	err = conf_parse_stream(c, f);
	fclose(f);
	return conf_finish(c, err, out, errbuf, errlen);
}

int conf_parse_string(const char *name, const char *text, struct conf **out,
		      char *errbuf, size_t errlen)
{
	struct conf *c;
	FILE *f;
	int err;

	c = conf_new(name);
	if (!c)
		return -ENOMEM;
	f = fmemopen((void *)text, strlen(text), "r");
	if (!f) {
		conf_free(c);
		return -errno;
	}
	err = strlen(text) ? conf_parse_stream(c, f) : 0;
	fclose(f);
	return conf_finish(c, err, out, errbuf, errlen);
}

bool conf_has_section(const struct conf *c, const char *section)
{
	unsigned int i;

	if (!*section)
		return true;
	for (i = 0; i < c->n_sections; i++)
		if (!strcmp(c->sections[i], section))
			return true;
	return false;
}

const char *conf_section(const struct conf *c, unsigned int i)
{
	return i < c->n_sections ? c->sections[i] : NULL;
}

/*
 * Keys are documented with '_' (max_connections, as in strongSwan's
 * files); '-' is accepted for it everywhere, so files written either way
 * (the VNOC's used '-') keep working.
 */
static bool key_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') &&
				  (*b == '-' || *b == '_')))
			return false;
	return *a == *b;
}

const struct conf_entry *conf_next(struct conf *c, const char *section,
				   const char *key,
				   const struct conf_entry *prev)
{
	unsigned int i = prev ? (unsigned int)(prev - c->entries) + 1 : 0;

	for (; i < c->n; i++) {
		struct conf_entry *e = &c->entries[i];

		if (!strcmp(e->section, section) && key_eq(e->key, key)) {
			e->used = true;
			return e;
		}
	}
	return NULL;
}

/* The one entry for a single-valued key: NULL if absent, error if twice. */
static int find_single(struct conf *c, const char *section, const char *key,
		       const struct conf_entry **out)
{
	const struct conf_entry *e = conf_next(c, section, key, NULL);
	const struct conf_entry *dup;

	*out = e;
	if (!e)
		return 0;
	dup = conf_next(c, section, key, e);
	if (dup)
		return conf_error(c, dup, "'%s' given twice (first on line %u)",
				  key, e->line);
	return 1;
}

int conf_entry_uint(struct conf *c, const struct conf_entry *e, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (e->value[0] < '0' || e->value[0] > '9')
		goto bad;
	errno = 0;
	/* Base 0 would read "010" as 8: only 0x is special. */
	if (e->value[0] == '0' && (e->value[1] == 'x' || e->value[1] == 'X')) {
		if (!isxdigit((unsigned char)e->value[2]))
			goto bad;
		v = strtoull(e->value + 2, &end, 16);
	} else {
		v = strtoull(e->value, &end, 10);
	}
	if (errno || *end)
		goto bad;
	if (v < min || v > max)
		return conf_error(c, e, "%s: %llu is out of range %llu..%llu",
				  e->key, v, (unsigned long long)min,
				  (unsigned long long)max);
	*out = v;
	return 1;
bad:
	return conf_error(c, e, "%s: '%s' is not a number", e->key, e->value);
}

int conf_entry_bool(struct conf *c, const struct conf_entry *e, bool *out)
{
	static const char *const yes[] = { "yes", "on", "true", "1" };
	static const char *const no[] = { "no", "off", "false", "0" };
	unsigned int i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(e->value, yes[i])) {
			*out = true;
			return 1;
		}
		if (!strcasecmp(e->value, no[i])) {
			*out = false;
			return 1;
		}
	}
	return conf_error(c, e, "%s: '%s' is not yes/no/on/off/true/false",
			  e->key, e->value);
}

static const char *family_word(int family)
{
	return family == AF_INET ? "IPv4 " : family == AF_INET6 ? "IPv6 " : "";
}

int conf_entry_addr(struct conf *c, const struct conf_entry *e, int family,
		    struct ivgmp_addr *out)
{
	if (addr_parse(e->value, family, out))
		return conf_error(c, e, "%s: '%s' is not an %saddress",
				  e->key, e->value, family_word(family));
	return 1;
}

int conf_entry_prefix(struct conf *c, const struct conf_entry *e, int family,
		      struct ivgmp_prefix *out)
{
	if (prefix_parse(e->value, family, out))
		return conf_error(c, e,
				  "%s: '%s' is not an %sprefix (address/length, no host bits)",
				  e->key, e->value, family_word(family));
	return 1;
}

int conf_get_str(struct conf *c, const char *section, const char *key,
		 const char **out)
{
	const struct conf_entry *e;
	int ret = find_single(c, section, key, &e);

	if (ret == 1)
		*out = e->value;
	return ret;
}

int conf_get_uint(struct conf *c, const char *section, const char *key,
		  uint64_t min, uint64_t max, uint64_t *out)
{
	const struct conf_entry *e;
	int ret = find_single(c, section, key, &e);

	return ret == 1 ? conf_entry_uint(c, e, min, max, out) : ret;
}

int conf_get_bool(struct conf *c, const char *section, const char *key,
		  bool *out)
{
	const struct conf_entry *e;
	int ret = find_single(c, section, key, &e);

	return ret == 1 ? conf_entry_bool(c, e, out) : ret;
}

int conf_get_addr(struct conf *c, const char *section, const char *key,
		  int family, struct ivgmp_addr *out)
{
	const struct conf_entry *e;
	int ret = find_single(c, section, key, &e);

	return ret == 1 ? conf_entry_addr(c, e, family, out) : ret;
}

int conf_get_prefix(struct conf *c, const char *section, const char *key,
		    int family, struct ivgmp_prefix *out)
{
	const struct conf_entry *e;
	int ret = find_single(c, section, key, &e);

	return ret == 1 ? conf_entry_prefix(c, e, family, out) : ret;
}

int conf_check_unused(struct conf *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		const struct conf_entry *e = &c->entries[i];

		if (e->used)
			continue;
		if (*e->section)
			return conf_error(c, e, "unknown key '%s' in [%s]",
					  e->key, e->section);
		return conf_error(c, e, "unknown key '%s'", e->key);
	}
	return 0;
}
