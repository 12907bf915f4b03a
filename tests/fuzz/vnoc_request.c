// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the VNOC's request handling, from a memory buffer:
 * the checks of vnoc/request.c and vnoc/strict.c, gSOAP's parse of every
 * operation, and the operations themselves against a real state and
 * database (a temporary directory, sync=normal).
 *
 * The first byte of an input picks the caller and the framing:
 *   bits 0-1: 0 admin, 1 site1, 2 site2, 3 no certificate
 *   bit 7:    the rest is the whole HTTP stream (several requests may
 *             follow each other on the kept-alive "connection"); else the
 *             rest is the body of one POST with a correct Content-Length
 * Build and run: make -C vnoc fuzz (FUZZ_SECONDS=60); seeds in
 * tests/fuzz/vnoc/corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "soapH.h"
#include "log.h"
#include "request.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vnoc_config cfg;
static struct vnoc_server srv;
static struct soap *soap;
static const uint8_t *in;
static size_t inlen, inpos;

static size_t mem_recv(struct soap *s, char *buf, size_t len)
{
	(void)s;
	if (len > inlen - inpos)
		len = inlen - inpos;
	memcpy(buf, in + inpos, len);
	inpos += len;
	return len;
}

static int mem_send(struct soap *s, const char *buf, size_t len)
{
	(void)s;
	(void)buf;
	(void)len;
	return SOAP_OK;
}

static int no_close(struct soap *s)
{
	(void)s;
	return SOAP_OK;
}

/* One request stream as the given caller; returns when it is used up or
 * the "connection" would be closed. */
static void serve(struct vnoc_conn *c, const uint8_t *d, size_t n)
{
	in = d;
	inlen = n;
	inpos = 0;
	soap->user = c;
	soap->keep_alive = 1;
	soap->bufidx = soap->buflen = 0;
	soap->error = SOAP_OK;
	do {
		if (!vnoc_request_serve(soap))
			break;
		soap_destroy(soap);
		soap_end(soap);
	} while (inpos < inlen || soap->bufidx < soap->buflen);
	soap_destroy(soap);
	soap_end(soap);
}

static void post(struct vnoc_conn *c, const char *body)
{
	char req[2048];
	int n = snprintf(req, sizeof(req), "POST / HTTP/1.1\r\nHost: x\r\n"
			 "Content-Length: %zu\r\n\r\n%s", strlen(body), body);

	serve(c, (const uint8_t *)req, (size_t)n);
}

#define ENV(op) "<?xml version=\"1.0\"?><e:Envelope xmlns:e=\"http://" \
	"schemas.xmlsoap.org/soap/envelope/\" xmlns:v=\"urn:ivgmp:vnoc:1\">" \
	"<e:Body>" op "</e:Body></e:Envelope>"

static char dir[] = "/tmp/vnoc-fuzz.XXXXXX";
static char db[64];

/* Removes the world's database directory. */
static void drop_world(void)
{
	static const char *const files[] = { "", "-wal", "-shm", ".lock" };
	char path[96];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", db, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* A world to act in, in a new database: two sites, a policy. */
static void new_world(void)
{
	struct vnoc_conn admin = { .srv = &srv, .cn = "admin", .admin = true };
	int i;

	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
	if (!mkdtemp(dir))
		abort();
	snprintf(db, sizeof(db), "%s/vnoc.db", dir);
	cfg.database = db;
	if (vnoc_server_init(&srv, &cfg))
		abort();
	for (i = 1; i <= 2; i++) {
		char body[512];

		snprintf(body, sizeof(body), ENV("<v:SiteAdd><site><id>%d</id>"
			 "<name>site%d</name><address>192.0.2.%d</address><port>"
			 "4789</port></site></v:SiteAdd>"), i, i, i);
		post(&admin, body);
	}
	post(&admin, ENV("<v:PolicyAdd><policy><id>0</id><vpn>1</vpn><prefix>"
			 "239.0.0.0/8</prefix><send>true</send><receive>true"
			 "</receive><action>permit</action></policy>"
			 "</v:PolicyAdd>"));
	if (srv.state.nsites != 2 || srv.state.npolicies != 1)
		abort();
}

static void init(void)
{
	log_init("vnoc-fuzz", 0, 0);
	vnoc_config_defaults(&cfg);
	cfg.sync = VNOC_DB_SYNC_NORMAL;
	cfg.longpoll_max = 0;		/* GetState never waits */
	cfg.max_message = 65536;
	cfg.admins[0] = "admin";
	cfg.nadmins = 1;
	soap = soap_new1(SOAP_IO_KEEPALIVE | SOAP_XML_STRICT);
	if (!soap)
		abort();
	soap->recv_maxlength = 2 * (ULONG64)cfg.max_message;
	soap->maxlevel = cfg.max_depth;
	soap->maxoccurs = cfg.max_message / 16;
	soap->frecv = mem_recv;
	soap->fsend = mem_send;
	soap->fclose = no_close;
	vnoc_request_hooks(soap);
	new_world();
	atexit(drop_world);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cns[] = { "admin", "site1", "site2", "" };
	struct vnoc_conn c = { .srv = &srv };
	uint8_t *req;
	int n;

	static unsigned long runs;

	if (!soap)
		init();
	/* What the inputs add (sites, memberships, audit rows) would grow
	 * without bound over a long run: start again now and then. */
	if (++runs % 20000 == 0) {
		vnoc_server_free(&srv);
		drop_world();
		new_world();
	}
	if (!size)
		return 0;
	snprintf(c.cn, sizeof(c.cn), "%s", cns[data[0] & 3]);
	c.admin = (data[0] & 3) == 0;
	c.nocn = c.cn[0] ? NULL : "no client certificate";
	if (data[0] & 0x80) {
		serve(&c, data + 1, size - 1);
		return 0;
	}
	req = malloc(size + 96);
	if (!req)
		return 0;
	n = snprintf((char *)req, 96, "POST / HTTP/1.1\r\nHost: x\r\n"
		     "Content-Length: %zu\r\n\r\n", size - 1);
	memcpy(req + n, data + 1, size - 1);
	serve(&c, req, (size_t)n + size - 1);
	free(req);
	return 0;
}
