// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: the server's shutdown.  The real listener (plain HTTP on
 * 127.0.0.1), raw TCP clients.  Built with AddressSanitizer: freeing the
 * state while a connection thread still runs would be a use-after-free.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "server.h"

struct rig {
	char dir[64], db[96];
	struct vnoc_config cfg;
	struct vnoc_server srv;
	volatile sig_atomic_t stop;
	pthread_t th;
	int rc;
	pthread_mutex_t m;
	pthread_cond_t cv;
	bool ready;
};

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static unsigned free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	close(s);
	return ntohs(a.sin_port);
}

static int on_ready(void *p)
{
	struct rig *r = p;

	pthread_mutex_lock(&r->m);
	r->ready = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->m);
	return 0;
}

static void *run(void *p)
{
	struct rig *r = p;

	r->rc = vnoc_server_run(&r->srv, &r->stop, on_ready, r);
	return NULL;
}

static struct rig *start(unsigned drain_timeout)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	snprintf(r->dir, sizeof(r->dir), "/tmp/vnoc-test-srv-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	snprintf(r->db, sizeof(r->db), "%s/vnoc.db", r->dir);
	vnoc_config_defaults(&r->cfg);
	r->cfg.listen = "127.0.0.1";
	r->cfg.port = free_port();
	r->cfg.database = r->db;
	r->cfg.plain_http = true;
	r->cfg.drain_timeout = drain_timeout;
	/* long enough that only the shutdown can end a held request */
	r->cfg.recv_timeout = 60;
	r->cfg.send_timeout = 60;
	pthread_mutex_init(&r->m, NULL);
	pthread_cond_init(&r->cv, NULL);
	assert_int_equal(vnoc_server_init(&r->srv, &r->cfg), 0);
	assert_int_equal(pthread_create(&r->th, NULL, run, r), 0);
	pthread_mutex_lock(&r->m);
	while (!r->ready)
		pthread_cond_wait(&r->cv, &r->m);
	pthread_mutex_unlock(&r->m);
	return r;
}

static unsigned active(struct rig *r)
{
	unsigned n;

	pthread_mutex_lock(&r->srv.conn_lock);
	n = r->srv.active;
	pthread_mutex_unlock(&r->srv.conn_lock);
	return n;
}

static int connect_to(struct rig *r)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)r->cfg.port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval tv = { .tv_sec = 3 };
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int i;

	assert_true(s >= 0);
	assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof(a)), 0);
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* its thread is started */
	for (i = 0; i < 200 && !active(r); i++)
		usleep(10000);
	assert_int_equal(active(r), 1);
	return s;
}

/* Stops the server: its return code, the seconds it took. */
static int stop(struct rig *r, double *secs)
{
	double t0 = now_s();

	r->stop = 1;
	pthread_join(r->th, NULL);
	*secs = now_s() - t0;
	return r->rc;
}

static void finish(struct rig *r)
{
	char p[128];

	/* Only when no thread runs: otherwise leak it, as the program
	 * does, and let the assertions report the failure. */
	if (!active(r) && !r->srv.left)
		vnoc_server_free(&r->srv);
	snprintf(p, sizeof(p), "rm -rf %s", r->dir);
	if (system(p))
		fprintf(stderr, "could not remove %s\n", r->dir);
	free(r);
}

/* Would the peer still read anything: 0 when the server closed it. */
static int peer_open(int s)
{
	char buf[4096];
	ssize_t n;

	while ((n = recv(s, buf, sizeof(buf), 0)) > 0)
		;
	if (n == 0 || errno == ECONNRESET || errno == EPIPE)
		return 0;
	return 1;	/* timed out: the connection is still up */
}

static const char head[] =
	"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	"Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"\"\r\n"
	"Content-Length: 2000\r\n\r\n"
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><SOAP-ENV:Envelope";

/*
 * A request whose body never arrives holds its thread in a read past
 * drain-timeout.  The server must cut it off and wait for the thread
 * before it returns, so that freeing the state is safe.
 */
static void test_held_request_cut_off(void **state)
{
	struct rig *r = start(1);
	double secs;
	int s, rc;

	s = connect_to(r);
	assert_int_equal(send(s, head, sizeof(head) - 1, MSG_NOSIGNAL),
			 (ssize_t)sizeof(head) - 1);
	usleep(200000);
	rc = stop(r, &secs);
	print_message("# stopped in %.2f s, rc %d, %u threads running\n", secs,
		      rc, active(r));
	assert_int_equal(rc, -1);		/* it was cut off */
	assert_int_equal(active(r), 0);		/* and its thread is gone */
	assert_int_equal(r->srv.left, 0);
	assert_true(secs < 1 + 5 + 2);
	/* the rest of the request comes too late: nobody serves it */
	send(s, "/>", 2, MSG_NOSIGNAL);
	assert_int_equal(peer_open(s), 0);
	close(s);
	finish(r);
}

/*
 * A request that is not waiting on the network when it is cut off (here:
 * blocked on the state lock, which the test holds) cannot be ended: the
 * server must return without pretending it did, so that nobody frees the
 * state under it.
 */
static void test_stuck_request_left_alone(void **state)
{
	static const char rest[] =
		" xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\""
		" xmlns:vnoc=\"urn:ivgmp:vnoc:1\"><SOAP-ENV:Body><vnoc:GetState>"
		"<sinceVersion>0</sinceVersion><waitSeconds>0</waitSeconds>"
		"</vnoc:GetState></SOAP-ENV:Body></SOAP-ENV:Envelope>";
	struct rig *r = start(1);
	double t0 = now_s(), secs;
	int s, i;

	s = connect_to(r);
	assert_int_equal(send(s, head, sizeof(head) - 1, MSG_NOSIGNAL),
			 (ssize_t)sizeof(head) - 1);
	usleep(200000);
	r->stop = 1;
	/* once long polls have been told to return, take the state lock */
	for (;;) {
		pthread_mutex_lock(&r->srv.lock);
		if (r->srv.stopping)
			break;
		pthread_mutex_unlock(&r->srv.lock);
		usleep(10000);
	}
	assert_int_equal(send(s, rest, sizeof(rest) - 1, MSG_NOSIGNAL),
			 (ssize_t)sizeof(rest) - 1);
	pthread_join(r->th, NULL);
	secs = now_s() - t0;
	print_message("# returned after %.2f s, rc %d, %u left\n", secs, r->rc,
		      r->srv.left);
	assert_int_equal(r->rc, -1);
	assert_int_equal(r->srv.left, 1);
	assert_int_equal(active(r), 1);
	assert_true(secs < 1 + 5 + 2);
	/* let it go: it ends on its own (no certificate: a fault it cannot
	 * even send), and only then is the state freed */
	pthread_mutex_unlock(&r->srv.lock);
	for (i = 0; i < 500 && active(r); i++)
		usleep(10000);
	assert_int_equal(active(r), 0);
	r->srv.left = 0;
	close(s);
	finish(r);
}

/* An idle kept-alive connection is no request: a clean, quick stop. */
static void test_idle_connection_closed(void **state)
{
	struct rig *r = start(5);
	double secs;
	int s, rc;

	s = connect_to(r);
	rc = stop(r, &secs);
	assert_int_equal(rc, 0);
	assert_int_equal(active(r), 0);
	assert_true(secs < 2);
	assert_int_equal(peer_open(s), 0);
	close(s);
	finish(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_request_cut_off),
		cmocka_unit_test(test_stuck_request_left_alone),
		cmocka_unit_test(test_idle_connection_closed),
	};

	log_init("test_server", 0, 0);
	return cmocka_run_group_tests_name("server", tests, NULL, NULL);
}
