// SPDX-License-Identifier: GPL-2.0
/* html.c - HTML escaping for the operator page. */
#include <string.h>

#include "html.h"

static void esc_char(FILE *f, unsigned char c)
{
	switch (c) {
	case '&': fputs("&amp;", f); break;
	case '<': fputs("&lt;", f); break;
	case '>': fputs("&gt;", f); break;
	case '"': fputs("&quot;", f); break;
	case '\'': fputs("&#39;", f); break;
	default:
		/* a raw control character is invalid in HTML */
		if (c < 0x20 || c == 0x7f)
			fputs("\xef\xbf\xbd", f);
		else
			fputc(c, f);
	}
}

void html_esc_max(FILE *f, const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n > max) {
		/* not inside a UTF-8 sequence: back up to a lead byte */
		while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
			max--;
	}
	for (i = 0; i < n && i < max; i++)
		esc_char(f, (unsigned char)s[i]);
	if (n > max)
		fputs("\xe2\x80\xa6", f);
}

void html_esc(FILE *f, const char *s)
{
	html_esc_max(f, s, (size_t)-1);
}
