/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A small configuration file reader, shared by ivgmp-agent and ivgmp-vnoc.
 *
 * Syntax, one item per line:
 *     # comment                   (also ';'; a " #" after a value starts one)
 *     key = value                 (spaces around '=' and the value trimmed)
 *     [section]                   (keys before the first section are in "")
 * Keys and section names are [A-Za-z0-9_.-]+; in keys '-' and '_' are the
 * same letter (documented with '_'). A value may be double-quoted
 * to keep '#', leading or trailing spaces: name = "a # b"; inside quotes
 * \" and \\ are the only escapes. A key may repeat (lists: `lan = eth1`,
 * `lan = eth2`); the single-value getters reject a repeated key.
 *
 * Every error message starts with "file:line: ", and is kept in the conf
 * (conf_errmsg()) for the caller to print; nothing here logs or exits.
 *
 * Getters return 1 if the key was found and its value is valid (*out set),
 * 0 if the key is absent (*out untouched: keep your default), or -EINVAL
 * (message in conf_errmsg()). Every entry a getter looks at is marked used;
 * conf_check_unused() then reports the first key nobody asked for, which
 * catches typos in the file.
 */
#ifndef IVGMP_CONF_H
#define IVGMP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct conf;

struct conf_entry {
	const char *section;
	const char *key;
	const char *value;
	unsigned int line;
	bool used;
};

/*
 * Parse a file, or a string (name is used in messages). 0 or a negative
 * errno; on -EINVAL (syntax) or an I/O error the message is in errbuf.
 */
int conf_load(const char *path, struct conf **out, char *errbuf,
	      size_t errlen);
int conf_parse_string(const char *name, const char *text, struct conf **out,
		      char *errbuf, size_t errlen);
void conf_free(struct conf *c);

const char *conf_errmsg(const struct conf *c);
const char *conf_name(const struct conf *c);

/* Iterate over every entry of section/key: start with prev = NULL. */
const struct conf_entry *conf_next(struct conf *c, const char *section,
				   const char *key,
				   const struct conf_entry *prev);
/* Does the file have this section at all (even empty)? */
bool conf_has_section(const struct conf *c, const char *section);
/*
 * Names of all sections, in file order, for "[site.NAME]"-style files:
 * returns the i-th name or NULL past the end.
 */
const char *conf_section(const struct conf *c, unsigned int i);

int conf_get_str(struct conf *c, const char *section, const char *key,
		 const char **out);
int conf_get_uint(struct conf *c, const char *section, const char *key,
		  uint64_t min, uint64_t max, uint64_t *out);
/* yes/no, on/off, true/false, 1/0 */
int conf_get_bool(struct conf *c, const char *section, const char *key,
		  bool *out);
int conf_get_addr(struct conf *c, const char *section, const char *key,
		  int family, struct ivgmp_addr *out);
int conf_get_prefix(struct conf *c, const char *section, const char *key,
		    int family, struct ivgmp_prefix *out);

/* The same for one entry (from conf_next()); 1 or -EINVAL. */
int conf_entry_uint(struct conf *c, const struct conf_entry *e, uint64_t min,
		    uint64_t max, uint64_t *out);
int conf_entry_bool(struct conf *c, const struct conf_entry *e, bool *out);
int conf_entry_addr(struct conf *c, const struct conf_entry *e, int family,
		    struct ivgmp_addr *out);
int conf_entry_prefix(struct conf *c, const struct conf_entry *e, int family,
		      struct ivgmp_prefix *out);

/* -EINVAL naming the first entry no getter asked for, else 0. */
int conf_check_unused(struct conf *c);

/* Set the error message, prefixed with file:line of e (or just file). */
int conf_error(struct conf *c, const struct conf_entry *e, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));

#endif /* IVGMP_CONF_H */
