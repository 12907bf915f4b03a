// SPDX-License-Identifier: GPL-2.0
/*
 * ivgmp-announce: run on a host behind an inner router of a multi-subnet
 * site to tell the edge router's agent that this host sends to or receives
 * a group.  The announcement lapses after --lifetime seconds unless sent
 * again (--repeat does that until interrupted); --lifetime 0 withdraws it.
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "announce.h"
#include "cli.h"
#include "log.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static const char usage_text[] =
	"usage: ivgmp-announce --group G --role sender|receiver\n"
	"                      [--lifetime SECONDS] [--source S]...\n"
	"                      [--agent HOST] [--port PORT] [--vpn ID]\n"
	"                      [--repeat] [--timeout MS] [--retries N]\n"
	"       ivgmp-announce -h | --help | --version\n"
	"  --group     the group (IPv4 or IPv6)\n"
	"  --role      sender or receiver\n"
	"  --agent     the edge router (default: the default gateway is\n"
	"              not guessed; give its LAN address)\n"
	"  --port      the agent's announcement port (default 7655)\n"
	"  --vpn       VPN of the group (default: the LAN's)\n"
	"  --lifetime  seconds the announcement stays valid (default 60,\n"
	"              0 withdraws it)\n"
	"  --source    SSM source wanted by a receiver (repeatable)\n"
	"  --repeat    renew every lifetime/3 s until interrupted\n"
	"  --timeout   ms to wait for the agent's answer (default 1000)\n"
	"  --retries   sends after the first without an answer (default 2)\n";

static void usage_exit(void)
{
	cli_usage(usage_text, false);
}

static unsigned long number(const char *s, const char *what,
			    unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > max)
		fatalx("invalid %s \"%s\" (0..%lu)", what, s, max);
	return v;
}

/* Send and wait for the agent's answer; retried on silence. */
static int send_one(int fd, const struct addrinfo *ai, struct announce *a,
		    int timeout_ms, int retries)
{
	uint8_t buf[ANNOUNCE_MAX_LEN], rep[64];
	uint32_t nonce;
	uint8_t status;
	int len, i;

	if (getrandom(&a->nonce, sizeof(a->nonce), 0) != sizeof(a->nonce))
		a->nonce = (uint32_t)getpid() ^ (uint32_t)time(NULL);
	len = announce_encode(a, buf, sizeof(buf));
	if (len < 0)
		fatalx("cannot encode the announcement: %s", strerror(-len));
	for (i = 0; i <= retries && !stop; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (sendto(fd, buf, (size_t)len, 0, ai->ai_addr,
			   ai->ai_addrlen) < 0) {
			log_warn("send");
			return 1;
		}
		while (poll(&p, 1, timeout_ms) > 0) {
			n = recv(fd, rep, sizeof(rep), 0);
			if (n < 0)
				break;
			if (announce_reply_decode(rep, (size_t)n, &nonce,
						  &status) || nonce != a->nonce)
				continue;	/* not ours: keep waiting */
			if (status != ANNOUNCE_OK) {
				log_warnx("the agent answered: %s (its log "
					  "says why)",
					  announce_status_str(status));
				return 1;
			}
			return 0;
		}
	}
	log_warnx("no answer from the agent");
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "group", required_argument, NULL, 'g' },
		{ "role", required_argument, NULL, 'r' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "source", required_argument, NULL, 's' },
		{ "agent", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "vpn", required_argument, NULL, 'V' },
		{ "repeat", no_argument, NULL, 'R' },
		{ "timeout", required_argument, NULL, 't' },
		{ "retries", required_argument, NULL, 'n' },
		CLI_OPTIONS_COMMON,
		{ 0 }
	};
	struct announce a = { .lifetime = 60 };
	const char *agent = NULL, *port = NULL, *group = NULL;
	char portbuf[8];
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM }, *ai;
	bool repeat = false;
	int timeout = 1000, retries = 2, ch, fd, err, rc;

	log_init("ivgmp-announce", 0, 0);
	while ((ch = getopt_long(argc, argv, "g:r:l:s:a:p:V:Rt:n:h", opts,
				 NULL)) != -1) {
		switch (ch) {
		case 'g':
			group = optarg;
			break;
		case 'r':
			if (!strcmp(optarg, "sender"))
				a.role = ANNOUNCE_SENDER;
			else if (!strcmp(optarg, "receiver"))
				a.role = ANNOUNCE_RECEIVER;
			else
				fatalx("--role is sender or receiver");
			break;
		case 'l':
			a.lifetime = (uint32_t)number(optarg, "lifetime",
						      ANNOUNCE_MAX_LIFETIME);
			break;
		case 's':
			if (a.nsrc >= ANNOUNCE_MAX_SOURCES)
				fatalx("at most %d sources",
				       ANNOUNCE_MAX_SOURCES);
			if (addr_parse(optarg, AF_UNSPEC, &a.src[a.nsrc]))
				fatalx("invalid source \"%s\"", optarg);
			a.nsrc++;
			break;
		case 'a':
			agent = optarg;
			break;
		case 'p':
			number(optarg, "port", 65535);
			port = optarg;
			break;
		case 'V':
			a.vpn = (uint32_t)number(optarg, "VPN id", UINT32_MAX);
			break;
		case 'R':
			repeat = true;
			break;
		case 't':
			timeout = (int)number(optarg, "timeout", 60000);
			break;
		case 'n':
			retries = (int)number(optarg, "retries", 100);
			break;
		case 'h':
			cli_usage(usage_text, true);
		case CLI_OPT_VERSION:
			cli_print_version("ivgmp-announce");
		default:
			usage_exit();
		}
	}
	if (optind != argc || !group || !a.role || !agent)
		usage_exit();
	if (addr_parse(group, AF_UNSPEC, &a.group))
		fatalx("invalid group \"%s\"", group);
	if (!addr_is_multicast(&a.group) || addr_is_linklocal_mcast(&a.group))
		fatalx("%s is not a routable multicast group", group);
	if (a.nsrc && a.role != ANNOUNCE_RECEIVER)
		fatalx("--source is for receivers");
	if (repeat && !a.lifetime)
		fatalx("--repeat needs a lifetime");
	if (!port) {
		snprintf(portbuf, sizeof(portbuf), "%u", ANNOUNCE_PORT);
		port = portbuf;
	}
	err = getaddrinfo(agent, port, &hints, &ai);
	if (err)
		fatalx("%s: %s", agent, gai_strerror(err));
	fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		fatal("socket");

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = send_one(fd, ai, &a, timeout, retries);
	while (repeat && !stop) {
		unsigned int left = a.lifetime / 3 ? a.lifetime / 3 : 1;

		while (left && !stop)
			left = sleep(left);
		if (!stop)
			rc = send_one(fd, ai, &a, timeout, retries);
	}
	if (repeat) {
		/* interrupted: withdraw rather than leave it to lapse */
		a.lifetime = 0;
		stop = 0;
		send_one(fd, ai, &a, timeout, retries);
	}
	freeaddrinfo(ai);
	close(fd);
	return rc;
}
