// SPDX-License-Identifier: GPL-2.0
/*
 * webpage.h - the operator page's HTML, generated from the state (under
 * the server lock) and from what webdata.h read from the database.
 */
#ifndef VNOC_WEBPAGE_H
#define VNOC_WEBPAGE_H

#include <stdint.h>
#include <stdio.h>

#include "state.h"
#include "webdata.h"

/* The page's only stylesheet, inline; web.c puts its hash in the CSP. */
extern const char web_css[];

/* d NULL: the database could not be read, dberr says why (shown). */
void web_page(FILE *f, struct vnoc_state *st, const struct web_data *d,
	      const char *dberr, int64_t now);

/* A small page for an error status, same stylesheet. */
void web_error_page(FILE *f, int status, const char *title,
		    const char *why);

#endif
