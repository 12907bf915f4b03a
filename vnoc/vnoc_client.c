// SPDX-License-Identifier: GPL-2.0
/* vnoc_client.c - gSOAP client context for the VNOC, with mutual TLS. */
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "soapH.h"
#include "vnoc_client.h"

struct soap *vnoc_client_new(const struct vnoc_client_opts *o, char *err,
			     size_t errlen)
{
	struct soap *soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_XML_STRICT);

	if (!soap) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	soap->send_timeout = soap->recv_timeout = o->timeout ? o->timeout : 30;
	soap->connect_timeout = o->connect_timeout ? o->connect_timeout : 10;
	if (strncmp(o->url, "https:", 6))
		return soap;
	if (!o->ca || !o->cert || !o->key) {
		snprintf(err, errlen, "https needs a CA, a certificate and a key");
		goto fail;
	}
	if (soap_ssl_client_context(soap, SOAP_SSL_DEFAULT | SOAP_TLSv1_2 |
				    SOAP_TLSv1_3, NULL, NULL, o->ca, NULL,
				    NULL)) {
		snprintf(err, errlen, "TLS setup with CA %s failed", o->ca);
		goto fail;
	}
	/* Certificate and key may live in separate files. */
	if (SSL_CTX_use_certificate_chain_file(soap->ctx, o->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(soap->ctx, o->key,
					SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(soap->ctx) != 1) {
		snprintf(err, errlen, "certificate %s / key %s: %s", o->cert,
			 o->key, ERR_reason_error_string(ERR_get_error()));
		goto fail;
	}
	return soap;
fail:
	vnoc_client_free(soap);
	return NULL;
}

void vnoc_client_free(struct soap *soap)
{
	if (!soap)
		return;
	soap_destroy(soap);
	soap_end(soap);
	soap_free(soap);
}

const char *vnoc_client_error(struct soap *soap, char *buf, size_t len)
{
	const char *s = NULL;

	if (soap->error == SOAP_FAULT || soap->error == SOAP_CLI_FAULT ||
	    soap->error == SOAP_SVR_FAULT)
		s = *soap_faultstring(soap);
	if (s) {
		const char *code = vnoc_client_fault_code(soap);

		/* the code is what a script can test for */
		if (code)
			snprintf(buf, len, "%s [%s]", s, code);
		else
			snprintf(buf, len, "%s", s);
	} else {
		char tmp[512], *nl;

		soap_sprint_fault(soap, tmp, sizeof(tmp));
		for (nl = tmp; (nl = strchr(nl, '\n'));)
			*nl = ' ';
		snprintf(buf, len, "%s", tmp);
	}
	return buf;
}

const char *vnoc_client_fault_code(struct soap *soap)
{
	if (!soap->fault || !soap->fault->detail ||
	    !soap->fault->detail->vnoc__FaultDetail)
		return NULL;
	return soap_vnoc__FaultCode2s(soap,
				      soap->fault->detail->vnoc__FaultDetail->code);
}
