/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnoc_client.h - TLS client setup for talking to ivgmp-vnoc with gSOAP.
 *
 * Shared by ivgmp-vnocctl, the VNOC tests and benchmark, and usable by any
 * client (ivgmp-agent): build vnoc_client.c with $(VNOC_SOAP_INC) from
 * mk/soap.mk and link $(VNOC_SOAP_CLIENT_OBJS) $(GSOAP_LIBS).
 */
#ifndef VNOC_CLIENT_H
#define VNOC_CLIENT_H

#include <stddef.h>

struct soap;

struct vnoc_client_opts {
	const char *url;	/* https://host:port/ */
	const char *cert;	/* PEM client certificate (CN = site name) */
	const char *key;	/* its PEM private key */
	const char *ca;		/* CA that signed the VNOC's certificate */
	int timeout;		/* seconds per send/receive; 0 = 30 */
	int connect_timeout;	/* seconds; 0 = 10 */
};

/*
 * A gSOAP context with keep-alive and, for https URLs, a TLS context that
 * presents cert/key and verifies the server against ca (including its name
 * or IP in the URL).  NULL on error, with a message in err.
 */
struct soap *vnoc_client_new(const struct vnoc_client_opts *o, char *err,
			     size_t errlen);
void vnoc_client_free(struct soap *soap);
/* The fault or transport error of the last call, one line. */
const char *vnoc_client_error(struct soap *soap, char *buf, size_t len);
/* The code of the last call's Fault (vnoc__FaultCode, e.g. "not-admin"),
 * or NULL. */
const char *vnoc_client_fault_code(struct soap *soap);

#endif
