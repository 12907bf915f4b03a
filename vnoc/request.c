// SPDX-License-Identifier: GPL-2.0
/*
 * request.c - one SOAP request: read it strictly, serve it, or refuse it
 * with a Fault at once.
 *
 * gSOAP's soap_begin_serve() leaves three holes this closes:
 *  - its XML parser reads until the document is complete, past the end of
 *    the body: a body that is not XML, or is cut short, waits for bytes
 *    that never come, until recv-timeout, and the EOF then gets no Fault
 *    (soap_send_fault() stays silent on SOAP_EOF);
 *  - a well-formed document that is not an envelope (<x/>) is taken as
 *    "REST" content and its status (SOAP_POST) returned as if the request
 *    had been handled, so the connection waits for the next request;
 *  - what it does not check (NUL bytes, UTF-8, DOCTYPE, SOAP 1.2, a second
 *    operation in the Body, which soap_getindependent() parses and drops).
 * Here reads stop at the declared Content-Length (the parser then sees an
 * EOF, answered as "malformed"), the body bytes go through strict.c, and
 * every failure is answered with a Fault carrying a vnoc:FaultDetail code.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "log.h"
#include "request.h"
#include "server.h"

/* gSOAP's own callbacks, wrapped below (the same for every context). */
static int (*http_parse)(struct soap *);
static int (*http_parse_header)(struct soap *, const char *, const char *);
static size_t (*sock_recv)(struct soap *, char *, size_t);
static int (*sock_send)(struct soap *, const char *, size_t);

static void set_detail(struct soap *soap, enum vnoc__FaultCode code)
{
	struct vnoc__FaultDetail *d;

	soap_faultdetail(soap);		/* allocates soap->fault->detail */
	if (!soap->fault || !soap->fault->detail)
		return;
	d = soap_malloc(soap, sizeof(*d));
	if (!d)
		return;
	d->code = code;
	soap->fault->detail->vnoc__FaultDetail = d;
}

static int vfault(struct soap *soap, bool server, enum vnoc__FaultCode code,
		  const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (server)
		soap_receiver_fault(soap, soap_strdup(soap, msg), NULL);
	else
		soap_sender_fault(soap, soap_strdup(soap, msg), NULL);
	set_detail(soap, code);
	return soap->error = SOAP_FAULT;
}

int vnoc_fault(struct soap *soap, enum vnoc__FaultCode code,
	       const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vfault(soap, false, code, fmt, ap);
	va_end(ap);
	return err;
}

int vnoc_server_fault(struct soap *soap, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = vfault(soap, true, vnoc__FaultCode__internal, fmt, ap);
	va_end(ap);
	return err;
}

static struct vnoc_conn *conn(struct soap *soap)
{
	return soap->user;
}

/* Refuses the request being read: the reason is kept for its Fault,
 * whatever error gSOAP reports on the way out. */
static int reject(struct soap *soap, enum vnoc__FaultCode code,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int reject(struct soap *soap, enum vnoc__FaultCode code,
		  const char *fmt, ...)
{
	struct vnoc_conn *c = conn(soap);
	va_list ap;

	if (!c->reject[0]) {
		va_start(ap, fmt);
		vsnprintf(c->reject, sizeof(c->reject), fmt, ap);
		va_end(ap);
		c->reject_code = (int)code;
	}
	return SOAP_SYNTAX_ERROR;
}

/*
 * Follows the framing of a chunked body as its bytes arrive (starting at
 * offset at), to know where it ends: gSOAP's parser, given the terminal
 * chunk and wanting more, would read the socket again and wait for
 * recv-timeout.  A framing error stops the tracking; gSOAP refuses it.
 */
enum { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF,
       CH_TRAILER, CH_TRAILER_LINE, CH_FINAL_LF, CH_DONE, CH_OFF };

static void track_chunks(struct vnoc_conn *c, const char *buf, size_t n,
			 uint64_t at)
{
	size_t i;

	for (i = 0; i < n && c->chunk_state < CH_DONE; i++) {
		char ch = buf[i];
		int h = ch >= '0' && ch <= '9' ? ch - '0' :
			ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
			ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;

		switch (c->chunk_state) {
		case CH_SIZE:
			if (h >= 0 && c->chunk_left < (1ULL << 40))
				c->chunk_left = c->chunk_left * 16 + (unsigned)h;
			else if (ch == ';' || ch == ' ' || ch == '\t')
				c->chunk_state = CH_EXT;
			else if (ch == '\r')
				c->chunk_state = CH_SIZE_LF;
			else
				c->chunk_state = CH_OFF;
			break;
		case CH_EXT:
			if (ch == '\r')
				c->chunk_state = CH_SIZE_LF;
			break;
		case CH_SIZE_LF:
			c->chunk_state = ch != '\n' ? CH_OFF :
					 c->chunk_left ? CH_DATA : CH_TRAILER;
			break;
		case CH_DATA:
			if (n - i >= c->chunk_left) {
				i += c->chunk_left - 1;
				c->chunk_left = 0;
				c->chunk_state = CH_DATA_CR;
			} else {
				c->chunk_left -= n - i;
				i = n - 1;
			}
			break;
		case CH_DATA_CR:
			c->chunk_state = ch == '\r' ? CH_DATA_LF : CH_OFF;
			break;
		case CH_DATA_LF:
			c->chunk_state = ch == '\n' ? CH_SIZE : CH_OFF;
			break;
		case CH_TRAILER:
			c->chunk_state = ch == '\r' ? CH_FINAL_LF :
					 CH_TRAILER_LINE;
			break;
		case CH_TRAILER_LINE:
			if (ch == '\n')
				c->chunk_state = CH_TRAILER;
			break;
		case CH_FINAL_LF:
			if (ch != '\n') {
				c->chunk_state = CH_OFF;
				break;
			}
			c->chunk_state = CH_DONE;
			c->body_end = at + i + 1;
			break;
		}
	}
}

/* A declared length over the limit is refused before reading the body. */
static int parse_header(struct soap *soap, const char *key, const char *val)
{
	int err = http_parse_header(soap, key, val);
	struct vnoc_conn *c = conn(soap);

	if (!err && soap->length > c->srv->cfg->max_message) {
		c->over = true;
		return 413;
	}
	return err;
}

/*
 * After the HTTP header: where the body ends on the wire, so that no read
 * goes past it.  A POST must say where its body ends (Content-Length or
 * chunked): reading "until the client closes" is a slot held at will.
 */
static int parse_http(struct soap *soap)
{
	struct vnoc_conn *c = conn(soap);
	int err = http_parse(soap);

	if (err)
		return err;
	c->in_body = true;
	if (!soap->status)
		return reject(soap, vnoc__FaultCode__malformed,
			      "not an HTTP request");
	if (soap->status != SOAP_POST)
		return SOAP_OK;
	if ((soap->imode & SOAP_IO) == SOAP_IO_CHUNK) {
		/* the body's first bytes came with the header */
		c->chunked = true;
		c->chunk_state = CH_SIZE;
		c->chunk_left = 0;
		track_chunks(c, soap->buf + soap->bufidx,
			     soap->buflen - soap->bufidx,
			     c->received - (soap->buflen - soap->bufidx));
		return SOAP_OK;
	}
	if (!soap->length && soap->body)
		return reject(soap, vnoc__FaultCode__malformed,
			      "a POST needs a Content-Length or a chunked body");
	c->body_end = c->received - (soap->buflen - soap->bufidx) +
		      soap->length;
	return SOAP_OK;
}

/*
 * Counts the bytes of each request (gSOAP's own recv_maxlength check ends
 * a chunked request with a silent EOF) and never reads past the declared
 * body: the parser gets an EOF there, answered with a Fault.
 */
static size_t counted_recv(struct soap *soap, char *buf, size_t len)
{
	struct vnoc_conn *c = conn(soap);
	size_t n;

	if (c->received > c->srv->cfg->max_message) {
		c->over = true;
		return 0;
	}
	if (c->body_end) {
		if (c->received >= c->body_end) {
			c->body_done = true;
			return 0;
		}
		if (len > c->body_end - c->received)
			len = (size_t)(c->body_end - c->received);
	}
	n = sock_recv(soap, buf, len);
	if (c->chunked)
		track_chunks(c, buf, n, c->received);
	c->received += n;
	return n;
}

/* Body bytes (de-chunked, inflated) before the parser sees them. */
static int check_body(struct soap *soap, const char *buf, size_t len)
{
	struct vnoc_conn *c = conn(soap);

	if (!c->in_body || soap->status != SOAP_POST)
		return SOAP_OK;
	if (vnoc_strict_feed(&c->strict, buf, len))
		return reject(soap, vnoc__FaultCode__malformed,
			      "request body has %s at byte %llu",
			      c->strict.why,
			      (unsigned long long)c->strict.why_off);
	return SOAP_OK;
}

/* The Body holds one operation: gSOAP would parse a second one as a SOAP
 * 1.1 "independent element" and drop it. */
static int element_begin(struct soap *soap, const char *tag)
{
	struct vnoc_conn *c = conn(soap);

	if (soap->part == SOAP_IN_BODY && soap->level == 2 &&
	    ++c->body_elements > 1)
		return reject(soap, vnoc__FaultCode__malformed,
			      "a second element <%.64s> in the Body: one "
			      "operation per request", tag);
	return SOAP_OK;
}

static int counted_send(struct soap *soap, const char *buf, size_t len)
{
	conn(soap)->sending = true;
	return sock_send(soap, buf, len);
}

void vnoc_request_hooks(struct soap *soap)
{
	http_parse = soap->fparse;
	soap->fparse = parse_http;
	http_parse_header = soap->fparsehdr;
	soap->fparsehdr = parse_header;
	sock_recv = soap->frecv;
	soap->frecv = counted_recv;
	sock_send = soap->fsend;
	soap->fsend = counted_send;
	soap->fpreparerecv = check_body;
	soap->feltbegin = element_begin;
}

/*
 * After a Fault for a request not read to its end, reads and drops the
 * rest for up to 2 s (and no further than its Content-Length), so that
 * closing the socket does not reset the connection and destroy the Fault
 * before the client reads it.
 */
static void drain_input(struct soap *soap)
{
	struct vnoc_conn *c = conn(soap);
	time_t end = time(NULL) + 2;
	size_t total = 0;
	char buf[16384];

	if (!soap_valid_socket(soap->socket))
		return;
	while (time(NULL) < end && total < (64U << 20)) {
		struct pollfd pfd = { .fd = soap->socket, .events = POLLIN };
		size_t want = sizeof(buf);
		int n;

		if (c->body_end && !c->over) {
			if (c->received >= c->body_end)
				break;
			if (want > c->body_end - c->received)
				want = (size_t)(c->body_end - c->received);
		}
		if (!(soap->ssl && SSL_pending(soap->ssl)) &&
		    poll(&pfd, 1, 200) <= 0)
			continue;
		if (soap->ssl)
			n = SSL_read(soap->ssl, buf, (int)want);
		else
			n = (int)recv(soap->socket, buf, want, 0);
		if (n <= 0)
			break;
		total += (size_t)n;
		c->received += (size_t)n;
	}
}

/*
 * Turns whatever stopped the request into a Fault with a code, unless
 * the service already made one.
 */
static void make_fault(struct soap *soap)
{
	struct vnoc_conn *c = conn(soap);
	const char *what;
	int err = soap->error;

	if (c->over || (soap->recv_maxlength &&
			soap->count > soap->recv_maxlength)) {
		log_warnx("request from %s (%s) over max_message %lu bytes",
			  soap->host, c->cn, c->srv->cfg->max_message);
		vnoc_fault(soap, vnoc__FaultCode__limit_exceeded,
			   "message larger than max_message");
		return;
	}
	if (c->reject[0]) {
		vnoc_fault(soap, (enum vnoc__FaultCode)c->reject_code,
			   "malformed request: %s", c->reject);
		if (c->reject_code == vnoc__FaultCode__version_mismatch)
			*soap_faultcode(soap) = "SOAP-ENV:VersionMismatch";
		return;
	}
	if (err == SOAP_FAULT) {
		if (soap->fault && (!soap->fault->detail ||
				    !soap->fault->detail->vnoc__FaultDetail)) {
			const char *fc = *soap_faultcode(soap);

			set_detail(soap, fc && strstr(fc, "Server") ?
				   vnoc__FaultCode__internal :
				   vnoc__FaultCode__malformed);
		}
		return;
	}
	if (err == SOAP_EOF) {
		vnoc_fault(soap, vnoc__FaultCode__malformed, "malformed request: "
			   "%s", c->body_done ? "the body ended before the "
			   "SOAP envelope did" : "the request was cut off");
		return;
	}
	if (err == SOAP_LEVEL) {
		vnoc_fault(soap, vnoc__FaultCode__limit_exceeded,
			   "XML nested deeper than max-depth %u",
			   c->srv->cfg->max_depth);
		return;
	}
	if (err == SOAP_EOM) {
		vnoc_server_fault(soap, "out of memory");
		return;
	}
	if (err >= SOAP_STOP) {
		vnoc_fault(soap, vnoc__FaultCode__malformed,
			   "malformed request: not a SOAP envelope");
		return;
	}
	/* gSOAP's own words for it, under our code */
	soap->fault = NULL;
	soap_set_fault(soap);
	what = *soap_faultstring(soap);
	what = soap_strdup(soap, what ? what : "unreadable");
	soap->fault = NULL;
	vnoc_fault(soap, err == SOAP_VERSIONMISMATCH ?
		   vnoc__FaultCode__version_mismatch :
		   vnoc__FaultCode__malformed, "malformed request: %s", what);
	if (err == SOAP_VERSIONMISMATCH)
		*soap_faultcode(soap) = "SOAP-ENV:VersionMismatch";
	else if (err == SOAP_MUSTUNDERSTAND)
		*soap_faultcode(soap) = "SOAP-ENV:MustUnderstand";
}

/* Sends the Fault and drops the rest of the request: the connection is
 * closed after it.  False, for the caller to close it. */
static bool refuse(struct soap *soap)
{
	struct vnoc_conn *c = conn(soap);

	/* a SOAP 1.1 Fault, whatever the client spoke */
	soap->version = 1;
	make_fault(soap);
	soap->keep_alive = 0;
	if (c->reject[0] || !c->in_body)
		log_debug("request from %s (%s) refused: %s", soap->host,
			  c->cn, *soap_faultstring(soap));
	soap_send_fault(soap);
	drain_input(soap);
	return false;
}

bool vnoc_request_serve(struct soap *soap)
{
	struct vnoc_conn *c = conn(soap);

	c->received = 0;
	c->body_end = 0;
	c->over = c->in_body = c->body_done = c->sending = false;
	c->chunked = false;
	c->body_elements = 0;
	c->reject[0] = '\0';
	vnoc_strict_init(&c->strict);

	soap_begin(soap);
	if (soap_begin_recv(soap)) {
		if (soap->error == SOAP_STOP) {
			/* a GET, answered */
			soap_closesock(soap);
			return soap->keep_alive != 0;
		}
		/* an idle keep-alive connection the client closed */
		if (soap->error == SOAP_EOF && !c->received)
			return false;
		return refuse(soap);
	}
	if (soap->status != SOAP_POST) {
		/* no request line: gSOAP would take the bytes for XML */
		if (!soap->status)
			reject(soap, vnoc__FaultCode__malformed,
			       "not an HTTP request");
		soap->error = 405;
		return refuse(soap);
	}
	if (soap_envelope_begin_in(soap))
		return refuse(soap);
	if (soap->version != 1) {
		if (soap->version == 2)
			reject(soap, vnoc__FaultCode__version_mismatch,
			       "a SOAP 1.2 envelope: this service speaks "
			       "SOAP 1.1");
		else
			reject(soap, vnoc__FaultCode__malformed,
			       "not a SOAP envelope");
		return refuse(soap);
	}
	if (soap_recv_header(soap) || soap_body_begin_in(soap))
		return refuse(soap);
	if (soap_serve_request(soap) && soap->error &&
	    soap->error < SOAP_STOP) {
		/* the reply itself could not be sent: nothing to tell */
		if (c->sending && !c->reject[0] && soap->error != SOAP_FAULT)
			return false;
		return refuse(soap);
	}
	return soap->keep_alive != 0;
}
