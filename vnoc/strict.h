// SPDX-License-Identifier: GPL-2.0
/*
 * strict.h - byte-level checks of a SOAP request body, fed as it arrives.
 *
 * gSOAP's parser takes NUL bytes (a C string then ends there: "site1\0evil"
 * is stored as "site1"), invalid UTF-8 (read as Latin-1), and skips a
 * DOCTYPE.  SOAP 1.1 forbids DTDs and processing instructions, XML 1.0
 * forbids those characters: this refuses them before the parser sees them.
 */
#ifndef VNOC_STRICT_H
#define VNOC_STRICT_H

#include <stddef.h>
#include <stdint.h>

struct vnoc_strict {
	uint64_t off;		/* bytes checked so far */
	uint32_t cp, min;	/* code point being decoded, its lowest value */
	unsigned need;		/* continuation bytes still expected */
	unsigned state;		/* markup scanner (strict.c) */
	unsigned match;		/* characters of a keyword matched so far */
	uint32_t ref;		/* value of a &#...; reference */
	unsigned refdigits;
	int seen_markup;	/* anything but white space and a BOM so far */
	const char *why;	/* set on the first violation */
	uint64_t why_off;	/* its byte offset in the body */
};

void vnoc_strict_init(struct vnoc_strict *s);

/* Checks the next len bytes of the body: 0, or -1 with s->why set (and
 * every later call fails too). */
int vnoc_strict_feed(struct vnoc_strict *s, const char *buf, size_t len);

/* At the end of the body: -1 if it ends inside a character or markup. */
int vnoc_strict_end(struct vnoc_strict *s);

#endif
