// SPDX-License-Identifier: GPL-2.0
/*
 * web.c - the operator page's HTTP side: who may see it, which paths
 * exist, and the response headers (a strict Content-Security-Policy: no
 * script, no image, nothing loaded; the one inline stylesheet is allowed
 * by its hash).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "soapH.h"
#include "log.h"
#include "server.h"
#include "web.h"
#include "webdata.h"
#include "webpage.h"

/* 'sha256-' + base64 of 32 bytes (44) + NUL */
#define CSP_HASH_LEN (7 + 44 + 1)

static void css_hash(char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	memcpy(out, "sha256-", 7);
	if (!EVP_Digest(web_css, strlen(web_css), md, &mdlen, EVP_sha256(),
			NULL) || mdlen != 32) {
		/* no hash, no style: the page still reads */
		strcpy(out, "none");
		return;
	}
	EVP_EncodeBlock((unsigned char *)out + 7, md, 32);
}

/* Sends a complete response: status, our headers, body. */
static int respond(struct soap *soap, int status, const char *body,
		   size_t len)
{
	char hash[CSP_HASH_LEN], hdr[512];

	css_hash(hash);
	snprintf(hdr, sizeof(hdr),
		 "Content-Security-Policy: default-src 'none'; style-src '%s'; "
		 "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
		 "\r\nX-Content-Type-Options: nosniff"
		 "\r\nReferrer-Policy: no-referrer"
		 "\r\nCache-Control: no-store", hash);
	soap->http_content = "text/html; charset=utf-8";
	soap->http_extra_header = soap_strdup(soap, hdr);
	if (!soap->http_extra_header ||
	    soap_response(soap, SOAP_FILE + status) ||
	    soap_send_raw(soap, body, len) || soap_end_send(soap))
		return soap_closesock(soap);
	return SOAP_OK;
}

static int error_page(struct soap *soap, int status, const char *title,
		      const char *why)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	f = open_memstream(&body, &len);
	if (!f)
		return 500;
	web_error_page(f, status, title, why);
	if (fclose(f)) {
		free(body);
		return 500;
	}
	rc = respond(soap, status, body, len);
	free(body);
	return rc;
}

/* The page: the database first (no lock), then the state under the lock. */
static int page(struct soap *soap, struct vnoc_server *srv)
{
	int64_t now = (int64_t)time(NULL);
	char dberr[300], *body = NULL;
	struct timespec t0, t1;
	struct web_data d;
	bool have_data;
	size_t len = 0;
	FILE *f;
	int rc;

	have_data = !web_data_load(srv->db.path, now, &d, dberr,
				   sizeof(dberr));
	if (!have_data)
		log_warnx("operator page: %s", dberr);
	f = open_memstream(&body, &len);
	if (!f) {
		web_data_free(&d);
		return error_page(soap, 500, "Internal Server Error",
				  "out of memory");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pthread_mutex_lock(&srv->lock);
	web_page(f, &srv->state, have_data ? &d : NULL, dberr, now);
	pthread_mutex_unlock(&srv->lock);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	web_data_free(&d);
	if (fclose(f)) {
		free(body);
		return error_page(soap, 500, "Internal Server Error",
				  "out of memory");
	}
	/* what the page costs everybody else: the time it held the lock */
	log_debug("operator page for %s: %zu bytes, %.1f ms under the lock",
		  soap->host, len, (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		  (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	rc = respond(soap, 200, body, len);
	free(body);
	return rc;
}

int vnoc_web_get(struct soap *soap)
{
	struct vnoc_conn *c = soap->user;
	const char *path = soap->path, *q;

	if (!c->web && !c->admin) {
		log_info("operator page refused to %s (certificate CN '%s': "
			 "not an admin)", soap->host, c->cn);
		return error_page(soap, 403, "Forbidden",
				  "The operator page is for admin certificates "
				  "(the VNOC's admin CNs) only.");
	}
	q = strchr(path, '?');
	if (strncmp(path, "/", 1) || (q ? (size_t)(q - path) : strlen(path)) != 1)
		return error_page(soap, 404, "Not Found",
				  "The VNOC serves its operator page at / and "
				  "its WSDL at /?wsdl; nothing else.");
	if (q)
		return error_page(soap, 400, "Bad Request",
				  "The operator page takes no query; /?wsdl is "
				  "the only query the VNOC knows.");
	return page(soap, c->srv);
}

/* Everything but GET on the web_listen socket: it serves no SOAP. */
static int refuse(struct soap *soap)
{
	soap->keep_alive = 0;	/* the body, if any, stays unread */
	return error_page(soap, 405, "Method Not Allowed",
			  "This listener (web_listen) serves the read-only "
			  "operator page to GET only; SOAP clients use the "
			  "service port.");
}

static int (*http_parse)(struct soap *);

/* gSOAP's HTTP parser hands GET, PUT, DELETE, HEAD and OPTIONS to hooks
 * but goes on with a POST: stop it here, before any SOAP is read. */
static int web_parse(struct soap *soap)
{
	int err = http_parse(soap);

	if (err || soap->status != SOAP_POST)
		return err;
	err = refuse(soap);
	return err ? err : SOAP_STOP;
}

void vnoc_web_listener_setup(struct soap *soap)
{
	http_parse = soap->fparse;	/* the same for every soap */
	soap->fparse = web_parse;
	soap->fput = refuse;
	soap->fpatch = refuse;
	soap->fdel = refuse;
	soap->fopt = refuse;
	soap->fhead = refuse;
}

int vnoc_web_listen_parse(const char *s, char *addr, size_t addrlen,
			  unsigned *port, const char **why)
{
	const char *colon = strrchr(s, ':'), *a = s;
	unsigned char buf[sizeof(struct in6_addr)];
	size_t alen;
	unsigned long p;
	char *end;

	*why = "must be ADDRESS:PORT (IPv6: [ADDRESS]:PORT)";
	if (!colon || colon == s)
		return -1;
	alen = (size_t)(colon - s);
	if (*s == '[') {
		if (alen < 3 || s[alen - 1] != ']')
			return -1;
		a = s + 1;
		alen -= 2;
	}
	if (alen >= addrlen)
		return -1;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	errno = 0;
	p = strtoul(colon + 1, &end, 10);
	if (errno || *end || colon[1] < '0' || colon[1] > '9' || !p ||
	    p > 65535) {
		*why = "port must be 1-65535";
		return -1;
	}
	*port = (unsigned)p;
	/* no client certificate there: never off the host */
	if (inet_pton(AF_INET, addr, buf) == 1 && buf[0] == 127)
		return 0;
	if (inet_pton(AF_INET6, addr, buf) == 1 &&
	    IN6_IS_ADDR_LOOPBACK((struct in6_addr *)buf))
		return 0;
	*why = "must be a loopback address (127.0.0.0/8 or ::1): it has no "
	       "client certificates";
	return -1;
}
