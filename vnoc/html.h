// SPDX-License-Identifier: GPL-2.0
/*
 * html.h - escaping for the operator page.  Everything that did not come
 * from our own format strings goes through html_esc(): site names are
 * certificate CNs and admin input, and end up in element text and in
 * attribute values alike.
 */
#ifndef VNOC_HTML_H
#define VNOC_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Text or a double-quoted attribute value: & < > " ' escaped, control
 * characters replaced by U+FFFD. */
void html_esc(FILE *f, const char *s);
/* The same for at most max bytes of s, an ellipsis if it was longer (cut
 * at a UTF-8 character boundary). */
void html_esc_max(FILE *f, const char *s, size_t max);

#endif
