// SPDX-License-Identifier: GPL-2.0
/*
 * strict.c - byte-level checks of a SOAP request body (see strict.h).
 *
 * A small scanner, not a parser: it decodes UTF-8, checks every character
 * (also those written as &#...; references) against XML 1.0's Char
 * production, and follows just enough markup to tell comments and CDATA
 * sections (allowed) from DOCTYPEs, other declarations and processing
 * instructions (refused; the XML declaration at the start excepted).
 */
#include <stdbool.h>

#include "strict.h"

enum {
	S_TEXT,		/* content, tags, attribute values */
	S_LT,		/* after '<' */
	S_BANG,		/* after "<!" */
	S_BANG_DASH,	/* after "<!-" */
	S_CDATA_OPEN,	/* inside "<![CDATA[" */
	S_COMMENT,	/* match counts '-' */
	S_CDATA,	/* match counts ']' */
	S_PI_TARGET,	/* after "<?": only "xml" */
	S_PI,		/* match: '?' seen */
	S_AMP,		/* after '&' */
	S_REF,		/* after "&#" */
	S_REF_DEC,
	S_REF_HEX,
};

#define NOT_A_CHAR 0x110000U

void vnoc_strict_init(struct vnoc_strict *s)
{
	*s = (struct vnoc_strict){ .state = S_TEXT };
}

static bool xml_char(uint32_t c)
{
	return c == 0x9 || c == 0xA || c == 0xD ||
	       (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
	       (c >= 0x10000 && c <= 0x10FFFF);
}

static int fail(struct vnoc_strict *s, const char *why)
{
	s->why = why;
	s->why_off = s->off;
	return -1;
}

static bool blank(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int hexval(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

/* One character of the body, already a valid XML Char. */
static int scan(struct vnoc_strict *s, uint32_t c)
{
	static const char cdata[] = "[CDATA[";
	int h;

	switch (s->state) {
	case S_TEXT:
		if (c == '<')
			s->state = S_LT;
		else if (c == '&')
			s->state = S_AMP;
		else if (!blank(c) && !(c == 0xFEFF && s->off < 3))
			s->seen_markup = 1;
		return 0;
	case S_LT:
		if (c == '!') {
			s->state = S_BANG;
		} else if (c == '?') {
			if (s->seen_markup)
				return fail(s, "a processing instruction "
					    "(SOAP forbids them)");
			s->state = S_PI_TARGET;
			s->match = 0;
		} else {
			s->state = S_TEXT;
		}
		s->seen_markup = 1;
		return 0;
	case S_BANG:
		if (c == '-') {
			s->state = S_BANG_DASH;
		} else if (c == '[') {
			s->state = S_CDATA_OPEN;
			s->match = 1;
		} else {
			return fail(s, "a DOCTYPE or other declaration "
				    "(SOAP forbids them)");
		}
		return 0;
	case S_BANG_DASH:
		if (c != '-')
			return fail(s, "a malformed comment");
		s->state = S_COMMENT;
		s->match = 0;
		return 0;
	case S_CDATA_OPEN:
		if (c != (uint32_t)cdata[s->match])
			return fail(s, "a malformed CDATA section");
		if (!cdata[++s->match]) {
			s->state = S_CDATA;
			s->match = 0;
		}
		return 0;
	case S_COMMENT:
		if (c == '>' && s->match >= 2)
			s->state = S_TEXT;
		else if (c == '-')
			s->match = s->match < 2 ? s->match + 1 : 2;
		else
			s->match = 0;
		return 0;
	case S_CDATA:
		if (c == '>' && s->match >= 2)
			s->state = S_TEXT;
		else if (c == ']')
			s->match = s->match < 2 ? s->match + 1 : 2;
		else
			s->match = 0;
		return 0;
	case S_PI_TARGET:
		if (s->match == 3) {
			if (!blank(c))
				return fail(s, "a processing instruction "
					    "(SOAP forbids them)");
			s->state = S_PI;
			s->match = 0;
		} else if (c != (uint32_t)"xml"[s->match++]) {
			return fail(s, "a processing instruction "
				    "(SOAP forbids them)");
		}
		return 0;
	case S_PI:
		if (c == '>' && s->match)
			s->state = S_TEXT;
		else
			s->match = c == '?';
		return 0;
	case S_AMP:
		if (c == '#') {
			s->state = S_REF;
			s->ref = 0;
			s->refdigits = 0;
		} else {
			s->state = S_TEXT;
		}
		return 0;
	case S_REF:
		if (c == 'x') {
			s->state = S_REF_HEX;
			return 0;
		}
		s->state = S_REF_DEC;
		/* fall through */
	case S_REF_DEC:
	case S_REF_HEX:
		if (c == ';') {
			if (!s->refdigits || !xml_char(s->ref))
				return fail(s, "a character reference to a "
					    "character XML forbids");
			s->state = S_TEXT;
			return 0;
		}
		h = hexval(c);
		if (h < 0 || (s->state == S_REF_DEC && h > 9))
			return fail(s, "a malformed character reference");
		s->ref = s->ref * (s->state == S_REF_DEC ? 10 : 16) + (uint32_t)h;
		if (s->ref > NOT_A_CHAR)
			s->ref = NOT_A_CHAR;
		s->refdigits++;
		return 0;
	}
	return fail(s, "scanner state");
}

int vnoc_strict_feed(struct vnoc_strict *s, const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i;

	if (s->why)
		return -1;
	for (i = 0; i < len; i++, s->off++) {
		unsigned b = p[i];

		if (s->need) {
			if ((b & 0xC0) != 0x80)
				return fail(s, "invalid UTF-8");
			s->cp = s->cp << 6 | (b & 0x3F);
			if (--s->need)
				continue;
			if (s->cp < s->min)
				return fail(s, "invalid UTF-8 (overlong)");
			if ((s->cp >= 0xD800 && s->cp <= 0xDFFF) ||
			    s->cp > 0x10FFFF)
				return fail(s, "invalid UTF-8 (surrogate or "
					    "beyond U+10FFFF)");
		} else if (b < 0x80) {
			s->cp = b;
		} else if ((b & 0xE0) == 0xC0) {
			s->cp = b & 0x1F;
			s->need = 1;
			s->min = 0x80;
			continue;
		} else if ((b & 0xF0) == 0xE0) {
			s->cp = b & 0x0F;
			s->need = 2;
			s->min = 0x800;
			continue;
		} else if ((b & 0xF8) == 0xF0) {
			s->cp = b & 0x07;
			s->need = 3;
			s->min = 0x10000;
			continue;
		} else {
			return fail(s, "invalid UTF-8");
		}
		if (!xml_char(s->cp))
			return fail(s, s->cp ? "a character XML forbids "
				    "(control character, surrogate, U+FFFE/F)" :
				    "a NUL byte");
		if (scan(s, s->cp))
			return -1;
	}
	return 0;
}

int vnoc_strict_end(struct vnoc_strict *s)
{
	if (s->why)
		return -1;
	if (s->need)
		return fail(s, "invalid UTF-8 (cut short)");
	if (s->state != S_TEXT)
		return fail(s, "an unterminated comment, CDATA section, "
			    "processing instruction or reference");
	return 0;
}
