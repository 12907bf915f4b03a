// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the agent's configuration file: lib/conf.c's parser
 * and agent/config.c's checks, through config_load() on a memfd. A file
 * that loads must hold only values the documentation allows (the ranges of
 * Documentation/agent.md, "Configuration", written out again here) and must
 * load the same way twice; one that does not load must leave nothing
 * allocated (ASan's leak check).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define must(c) do {							\
	if (!(c)) {							\
		fprintf(stderr, "agent_config: %s:%d: %s\n", __FILE__,	\
			__LINE__, #c);					\
		abort();						\
	}								\
} while (0)

static int load(int fd, struct agent_config *c)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	config_defaults(c);
	return config_load(c, path);
}

static void check_ranges(const struct agent_config *c)
{
	unsigned int i, j;

	must(c->vpn >= 1);
	must(c->nlans <= AGENT_MAX_LANS);
	for (i = 0; i < c->nlans; i++) {
		size_t n = strnlen(c->lans[i].name, IF_NAMESIZE);

		must(n > 0 && n < IF_NAMESIZE);
		must(c->lans[i].vpn >= 1);
		for (j = 0; j < i; j++)
			must(strcmp(c->lans[i].name, c->lans[j].name));
	}
	must(c->nprefixes <= IVGMP_MAX_PREFIXES);
	must(c->nsubscribe <= AGENT_MAX_SUBSCRIBE);
	must(c->igmp_version >= 1 && c->igmp_version <= 3);
	must(c->mld_version >= 1 && c->mld_version <= 2);
	must(c->robustness >= 1 && c->robustness <= 7);
	must(c->query_interval >= 2 && c->query_interval <= 31744);
	must(c->query_response_ms < c->query_interval * 1000u);
	must(c->lmq_interval_ms >= 100 && c->lmq_interval_ms <= 25500);
	must(c->max_groups >= 1 && c->max_groups <= 1000000);
	must(c->sender_silence >= 1 && c->counter_interval >= 1);
	must(c->announce_port >= 1);
	must(c->vnoc_timeout >= 1 && c->vnoc_timeout <= 600);
	must(c->backoff_min >= 1 && c->backoff_max >= c->backoff_min);
	must(c->usage_interval >= 1 && c->usage_interval <= 86400);
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	struct agent_config a, b;
	int fd, ra, rb;

	if (!quiet) {
		log_init("fuzz", 0, -1);
		quiet = 1;
	}
	fd = memfd_create("agent.conf", 0);
	must(fd >= 0);
	must(write(fd, data, size) == (ssize_t)size);
	ra = load(fd, &a);
	rb = load(fd, &b);
	close(fd);
	must(ra == rb);
	if (!ra) {
		check_ranges(&a);
		must(a.site_id == b.site_id && a.nlans == b.nlans &&
		     !memcmp(a.lans, b.lans, sizeof(a.lans)) &&
		     a.nprefixes == b.nprefixes && a.nsubscribe == b.nsubscribe &&
		     a.query_interval == b.query_interval &&
		     same_str(a.vnoc_url, b.vnoc_url) &&
		     same_str(a.file_spool, b.file_spool));
	}
	config_free(&a);
	config_free(&b);
	return 0;
}
