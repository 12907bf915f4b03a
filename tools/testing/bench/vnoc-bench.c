// SPDX-License-Identifier: GPL-2.0
/*
 * vnoc-bench.c - load generator for ivgmp-vnoc (tools/testing/bench/vnoc-soap.sh;
 * built by vnoc/Makefile into build/vnoc/vnoc-bench).
 *
 *   vnoc-bench URL CA-CRT CA-KEY ADMIN-CRT ADMIN-KEY NSITES JOINS THREADS
 *
 * Makes NSITES site certificates in memory (signed by the test CA), adds
 * the sites and a permit policy as admin, then measures:
 *   1. JoinGroup/s: THREADS workers, each with its share of the sites, one
 *      kept-alive TLS connection per site (handshakes done before timing),
 *      JOINS joins per site to distinct groups;
 *   2. fan-out: every site parks a GetState long poll, then one sender join
 *      changes every site's view; the time until the last poll returned.
 * Prints "key value" lines for the script to collect.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "soapH.h"
#include "vnoc_client.h"

static const char *url;
static X509 *ca_cert;
static EVP_PKEY *ca_key;

struct site {
	unsigned id;
	char name[32];
	X509 *cert;
	EVP_PKEY *key;
	struct soap *soap;
	ULONG64 version;
	double woke;		/* long poll returned (monotonic s) */
	int changed;
	int err;
};

static struct site *sites;
static unsigned nsites, njoins, nthreads;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "vnoc-bench: %s\n", what);
	ERR_print_errors_fp(stderr);
	exit(1);
}

static void die_soap(struct soap *soap, const char *what)
{
	char buf[512];

	fprintf(stderr, "vnoc-bench: %s: %s\n", what,
		vnoc_client_error(soap, buf, sizeof(buf)));
	exit(1);
}

static void make_cert(struct site *s)
{
	X509_NAME *n;

	s->key = EVP_EC_gen("P-256");
	s->cert = X509_new();
	if (!s->key || !s->cert)
		die("key generation");
	ASN1_INTEGER_set(X509_get_serialNumber(s->cert), (long)s->id + 1000);
	X509_gmtime_adj(X509_getm_notBefore(s->cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(s->cert), 86400);
	X509_set_pubkey(s->cert, s->key);
	n = X509_get_subject_name(s->cert);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (unsigned char *)s->name, -1, -1, 0);
	X509_set_issuer_name(s->cert, X509_get_subject_name(ca_cert));
	if (!X509_sign(s->cert, ca_key, EVP_sha256()))
		die("signing");
}

static X509_STORE *ca_store;

/*
 * One TLS context per site (each has its own certificate), built directly:
 * soap_ssl_client_context() also loads the system CA bundle, tens of ms
 * per site, which would measure the load generator, not the VNOC.  gSOAP
 * uses a context it finds in soap->ctx and still verifies the server.
 */
static struct soap *connect_site(struct site *s, const char *ca)
{
	struct soap *soap = soap_new1(SOAP_IO_KEEPALIVE);
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	(void)ca;
	if (!soap || !ctx)
		die("TLS context");
	soap->send_timeout = soap->recv_timeout = 120;
	X509_STORE_up_ref(ca_store);
	SSL_CTX_set_cert_store(ctx, ca_store);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate(ctx, s->cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, s->key) != 1)
		die("client certificate");
	soap->ctx = ctx;
	soap->ssl_flags = SOAP_SSL_DEFAULT;
	return soap;
}

static const char *ca_file;

static void *join_worker(void *arg)
{
	unsigned t = (unsigned)(uintptr_t)arg, i, j;
	char group[32];

	for (j = 0; j < njoins; j++)
		for (i = t; i < nsites; i += nthreads) {
			struct site *s = &sites[i];
			struct vnoc__JoinGroupResponse r;

			snprintf(group, sizeof(group), "239.2.%u.%u", j / 250,
				 j % 250 + 1);
			if (soap_call_vnoc__JoinGroup(s->soap, url, NULL, 1,
						      group, vnoc__Role__receiver,
						      0, NULL, &r) ||
			    r.result != vnoc__JoinResult__accepted)
				die_soap(s->soap, "join");
			soap_destroy(s->soap);
			soap_end(s->soap);
		}
	return NULL;
}

static volatile int parked;
static pthread_mutex_t park_lock = PTHREAD_MUTEX_INITIALIZER;

static void *poll_worker(void *arg)
{
	struct site *s = arg;
	struct vnoc__GetStateResponse r;

	pthread_mutex_lock(&park_lock);
	parked++;
	pthread_mutex_unlock(&park_lock);
	if (soap_call_vnoc__GetState(s->soap, url, NULL, s->version, 60, &r)) {
		s->err = 1;
		return NULL;
	}
	s->woke = now();
	s->changed = r.changed == true_;
	soap_destroy(s->soap);
	soap_end(s->soap);
	return NULL;
}

int main(int argc, char **argv)
{
	struct vnoc_client_opts o = { 0 };
	struct soap *admin;
	pthread_t *tid;
	double t0, t1, last;
	unsigned i, ok;
	char err[512];
	FILE *f;

	if (argc != 9) {
		fprintf(stderr, "usage: vnoc-bench URL CA-CRT CA-KEY ADMIN-CRT "
			"ADMIN-KEY NSITES JOINS THREADS\n");
		return 2;
	}
	url = argv[1];
	ca_file = argv[2];
	nsites = (unsigned)atoi(argv[6]);
	njoins = (unsigned)atoi(argv[7]);
	nthreads = (unsigned)atoi(argv[8]);
	if (!nsites || !njoins || !nthreads)
		return 2;
	f = fopen(argv[2], "r");
	if (!f || !(ca_cert = PEM_read_X509(f, NULL, NULL, NULL)))
		die("CA certificate");
	fclose(f);
	ca_store = X509_STORE_new();
	if (!ca_store || X509_STORE_add_cert(ca_store, ca_cert) != 1)
		die("CA store");
	f = fopen(argv[3], "r");
	if (!f || !(ca_key = PEM_read_PrivateKey(f, NULL, NULL, NULL)))
		die("CA key");
	fclose(f);

	o.url = url;
	o.ca = argv[2];
	o.cert = argv[4];
	o.key = argv[5];
	o.timeout = 120;
	admin = vnoc_client_new(&o, err, sizeof(err));
	if (!admin)
		die(err);

	sites = calloc(nsites, sizeof(*sites));
	tid = calloc(nsites + nthreads, sizeof(*tid));
	if (!sites || !tid)
		die("memory");
	t0 = now();
	for (i = 0; i < nsites; i++) {
		struct site *s = &sites[i];
		struct vnoc__Site in = { 0 };
		struct vnoc__SiteAddResponse r;
		char addr[32];

		s->id = i + 1;
		snprintf(s->name, sizeof(s->name), "bench-site-%u", s->id);
		snprintf(addr, sizeof(addr), "10.%u.%u.%u", s->id >> 16,
			 (s->id >> 8) & 255, s->id & 255);
		make_cert(s);
		in.id = s->id;
		in.name = s->name;
		in.address = addr;
		in.port = 4789;
		if (soap_call_vnoc__SiteAdd(admin, url, NULL, &in, &r))
			die_soap(admin, "site add");
		soap_destroy(admin);
		soap_end(admin);
	}
	{
		struct vnoc__Policy p = { .vpn = 1, .prefix = "239.0.0.0/8",
					  .send = true_, .receive = true_ };
		struct vnoc__PolicyAddResponse r;

		if (soap_call_vnoc__PolicyAdd(admin, url, NULL, &p, &r))
			die_soap(admin, "policy add");
	}
	printf("setup_sites_s %.2f\n", now() - t0);

	/* Connect every site once (TLS handshake) with a GetState. */
	t0 = now();
	for (i = 0; i < nsites; i++) {
		struct vnoc__GetStateResponse r;

		double a = now(), b;

		sites[i].soap = connect_site(&sites[i], ca_file);
		b = now();
		if (soap_call_vnoc__GetState(sites[i].soap, url, NULL, 0, 0, &r))
			die_soap(sites[i].soap, "first GetState");
		if (getenv("BENCH_DEBUG") && i < 5)
			fprintf(stderr, "ctx %.1f ms call %.1f ms\n", (b - a) * 1e3, (now() - b) * 1e3);
		soap_destroy(sites[i].soap);
		soap_end(sites[i].soap);
	}
	t1 = now();
	printf("handshakes_per_s %.0f\n", nsites / (t1 - t0));

	t0 = now();
	for (i = 0; i < nthreads; i++)
		pthread_create(&tid[i], NULL, join_worker, (void *)(uintptr_t)i);
	for (i = 0; i < nthreads; i++)
		pthread_join(tid[i], NULL);
	t1 = now();
	printf("joins %u\njoin_seconds %.3f\njoins_per_s %.0f\n",
	       nsites * njoins, t1 - t0, nsites * njoins / (t1 - t0));

	/* Fan-out: every site is a receiver of 239.2.0.1; park a long poll
	 * for each, then site 1 joins as its sender: every view changes. */
	for (i = 0; i < nsites; i++) {
		struct vnoc__GetStateResponse r;

		if (soap_call_vnoc__GetState(sites[i].soap, url, NULL, 0, 0, &r))
			die_soap(sites[i].soap, "GetState");
		sites[i].version = r.version;
		soap_destroy(sites[i].soap);
		soap_end(sites[i].soap);
	}
	for (i = 0; i < nsites; i++) {
		pthread_attr_t a;

		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 128 * 1024);
		if (pthread_create(&tid[i], &a, poll_worker, &sites[i]))
			die("thread");
		pthread_attr_destroy(&a);
	}
	while (parked < (int)nsites)
		usleep(10000);
	sleep(2);	/* let every request reach the server and wait */
	{
		/* site 1's own connection is parked: use a second one */
		struct soap *trig = connect_site(&sites[0], ca_file);
		struct vnoc__JoinGroupResponse r;
		struct vnoc__GetStateResponse g;

		if (soap_call_vnoc__GetState(trig, url, NULL, 0, 0, &g))
			die_soap(trig, "trigger connect");
		t0 = now();
		if (soap_call_vnoc__JoinGroup(trig, url, NULL, 1, "239.2.0.1",
					      vnoc__Role__sender, 0, NULL, &r))
			die_soap(trig, "trigger");
		printf("trigger_join_s %.3f\n", now() - t0);
	}
	for (i = 0; i < nsites; i++)
		pthread_join(tid[i], NULL);
	last = 0;
	ok = 0;
	for (i = 0; i < nsites; i++) {
		if (!sites[i].err && sites[i].changed)
			ok++;
		if (sites[i].woke > last)
			last = sites[i].woke;
	}
	printf("fanout_sites %u\nfanout_woken %u\nfanout_seconds %.3f\n",
	       nsites, ok, last - t0);
	return ok == nsites ? 0 : 1;
}
