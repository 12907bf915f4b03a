// SPDX-License-Identifier: GPL-2.0
/*
 * request.h - reading one SOAP request and answering it, or refusing it
 * with a Fault at once.  Used by the connection threads (server.c) and by
 * the libFuzzer harness (tests/fuzz/vnoc_request.c), which feeds requests
 * from memory.
 */
#ifndef VNOC_REQUEST_H
#define VNOC_REQUEST_H

#include <stdbool.h>

#include "soapH.h"

/*
 * Installs the input checks on soap (a master: soap_copy() copies them):
 * max_message, reads bounded by Content-Length, strict body bytes
 * (strict.h), one operation per Body.  soap->user must be a struct
 * vnoc_conn whenever a request is read.
 */
void vnoc_request_hooks(struct soap *soap);

/* Serves one request; true if the connection may carry another. */
bool vnoc_request_serve(struct soap *soap);

/* A Client fault with its machine-readable code; returns SOAP_FAULT. */
int vnoc_fault(struct soap *soap, enum vnoc__FaultCode code,
	       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A Server fault (code internal): our side failed. */
int vnoc_server_fault(struct soap *soap, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
