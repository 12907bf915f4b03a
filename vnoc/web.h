// SPDX-License-Identifier: GPL-2.0
/*
 * web.h - the VNOC operator page: one read-only HTML page with inline SVG,
 * served by the VNOC itself through gSOAP's HTTP GET hook (no second
 * server).  Admin certificates get it on the service port; the optional
 * web_listen socket (loopback only, no TLS) serves it to anyone who can
 * reach it there: SSH tunnels and tests.
 */
#ifndef VNOC_WEB_H
#define VNOC_WEB_H

#include <stddef.h>

struct soap;

/* Answers a GET other than ?wsdl: the page, 403, 404 or 400. */
int vnoc_web_get(struct soap *soap);

/* Installs the refusals of everything but GET on the web_listen socket
 * (its connections serve no SOAP). */
void vnoc_web_listener_setup(struct soap *soap);

/*
 * "ADDR:PORT" or "[ADDR6]:PORT" of web_listen, loopback addresses only.
 * 0, or -1 with *why set.
 */
int vnoc_web_listen_parse(const char *s, char *addr, size_t addrlen,
			  unsigned *port, const char **why);

#endif
