// SPDX-License-Identifier: GPL-2.0
/* The agent's configuration file (Documentation/agent.md, "Configuration"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "conf.h"
#include "log.h"
#include "xfrm_msg.h"

void config_defaults(struct agent_config *c)
{
	memset(c, 0, sizeof(*c));
	c->vpn = 1;
	c->querier = true;
	c->igmp_version = 3;
	c->mld_version = 2;
	c->robustness = 2;
	c->query_interval = 125;
	c->query_response_ms = 10000;
	c->lmq_interval_ms = 1000;
	c->max_groups = 4096;
	c->sender_silence = 30;
	c->counter_interval = 5;
	c->announce = true;
	c->announce_port = ANNOUNCE_PORT;
	c->announce_max_lifetime = 3600;
	c->vnoc_verify_host = true;
	c->vnoc_timeout = 10;
	c->vnoc_poll_wait = 60;
	c->backoff_min = 1;
	c->backoff_max = 60;
	c->usage_interval = 60;
	ipsec_config_defaults(&c->ipsec);
	c->ipsec_block = true;
	c->ipsec_block_priority = XFRM_BLOCK_PRIORITY_DEFAULT;
}

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? strdup(v) : NULL;
	if (v && !*dst)
		fatal("strdup");
}

void config_free(struct agent_config *c)
{
	unsigned int i;

	for (i = 0; i < c->nvnoc_urls; i++)
		free(c->vnoc_urls[i]);
	c->nvnoc_urls = 0;
	free(c->vnoc_cert);
	free(c->vnoc_key);
	free(c->vnoc_ca);
	free(c->file_ctl);
	free(c->file_pid);
	free(c->file_spool);
	c->vnoc_url = c->vnoc_cert = c->vnoc_key = c->vnoc_ca = NULL;
	c->file_ctl = c->file_pid = c->file_spool = NULL;
	ipsec_config_free(&c->ipsec);
}

#define GET_UINT(sec, key, min, max, field) do {			\
	uint64_t _v;							\
	int _r = conf_get_uint(cf, sec, key, min, max, &_v);		\
	if (_r < 0)							\
		goto bad;						\
	if (_r)								\
		(field) = (__typeof__(field))_v;				\
} while (0)

#define GET_STR(sec, key, field) do {					\
	const char *_s;							\
	int _r = conf_get_str(cf, sec, key, &_s);			\
	if (_r < 0)							\
		goto bad;						\
	if (_r)								\
		set_str(&(field), _s);					\
} while (0)

/* "eth1" or "eth1:VPN" (':' is never part of a Linux interface name) */
static int parse_lan(struct conf *cf, const struct conf_entry *e,
		     struct agent_config *c)
{
	const char *colon = strchr(e->value, ':');
	size_t n = colon ? (size_t)(colon - e->value) : strlen(e->value);
	char *end;
	unsigned long vpn = c->vpn;
	unsigned int i;

	if (c->nlans >= AGENT_MAX_LANS)
		return conf_error(cf, e, "more than %d LAN interfaces",
				  AGENT_MAX_LANS);
	if (!n || n >= IF_NAMESIZE || memchr(e->value, '/', n) ||
	    memchr(e->value, ' ', n))
		return conf_error(cf, e, "invalid interface name \"%s\"",
				  e->value);
	if (colon) {
		errno = 0;
		vpn = strtoul(colon + 1, &end, 10);
		if (errno || *end || end == colon + 1 || !vpn ||
		    vpn > UINT32_MAX)
			return conf_error(cf, e, "invalid VPN id in \"%s\"",
					  e->value);
	}
	for (i = 0; i < c->nlans; i++)
		if (strlen(c->lans[i].name) == n &&
		    !strncmp(c->lans[i].name, e->value, n))
			return conf_error(cf, e, "LAN %.*s listed twice",
					  (int)n, e->value);
	memcpy(c->lans[c->nlans].name, e->value, n);
	c->lans[c->nlans].name[n] = 0;
	c->lans[c->nlans].vpn = (uint32_t)vpn;
	c->nlans++;
	return 0;
}

/*
 * "url = https://a/ https://b/": several VNOCs, tried in this order, on
 * one line (spaces or commas between them) or on repeated url lines.
 */
static int parse_vnoc_urls(struct conf *cf, const struct conf_entry *e,
			   struct agent_config *c)
{
	const char *p = e->value, *end;
	unsigned int i;
	size_t n;

	for (;;) {
		p += strspn(p, " \t,");
		if (!*p)
			break;
		n = strcspn(p, " \t,");
		end = p + n;
		if (!((n > 8 && !strncmp(p, "https://", 8)) ||
		      (n > 7 && !strncmp(p, "http://", 7))))
			return conf_error(cf, e, "VNOC URL \"%.*s\" is not "
					  "https://HOST[:PORT]/", (int)n, p);
		for (i = 0; i < c->nvnoc_urls; i++)
			if (strlen(c->vnoc_urls[i]) == n &&
			    !strncmp(c->vnoc_urls[i], p, n))
				return conf_error(cf, e, "VNOC URL %.*s listed "
						  "twice", (int)n, p);
		if (c->nvnoc_urls >= VNOCS_MAX)
			return conf_error(cf, e, "more than %d VNOC URLs",
					  VNOCS_MAX);
		c->vnoc_urls[c->nvnoc_urls] = strndup(p, n);
		if (!c->vnoc_urls[c->nvnoc_urls])
			fatal("strdup");
		c->nvnoc_urls++;
		p = end;
	}
	return 0;
}

int config_load(struct agent_config *c, const char *path)
{
	const struct conf_entry *e;
	struct conf *cf = NULL;
	char err[512];
	uint64_t v;
	int r;

	r = conf_load(path, &cf, err, sizeof(err));
	if (r) {
		log_warnx("%s", err);
		return r;
	}

	GET_UINT("site", "id", 1, UINT32_MAX, c->site_id);
	GET_UINT("site", "vpn", 1, UINT32_MAX, c->vpn);
	for (e = NULL; (e = conf_next(cf, "site", "lan", e));)
		if (parse_lan(cf, e, c))
			goto bad;
	for (e = NULL; (e = conf_next(cf, "site", "prefix", e));) {
		if (c->nprefixes >= IVGMP_MAX_PREFIXES) {
			conf_error(cf, e, "more than %d prefixes",
				   IVGMP_MAX_PREFIXES);
			goto bad;
		}
		if (conf_entry_prefix(cf, e, AF_UNSPEC,
				      &c->prefixes[c->nprefixes]) < 0)
			goto bad;
		c->nprefixes++;
	}

	r = conf_get_bool(cf, "membership", "querier", &c->querier);
	if (r < 0)
		goto bad;
	GET_UINT("membership", "igmp_version", 1, 3, c->igmp_version);
	GET_UINT("membership", "mld_version", 1, 2, c->mld_version);
	GET_UINT("membership", "robustness", 1, 7, c->robustness);
	GET_UINT("membership", "query_interval", 2, 31744, c->query_interval);
	v = 0;
	r = conf_get_uint(cf, "membership", "query_response_interval", 1, 3174,
			  &v);
	if (r < 0)
		goto bad;
	if (r)
		c->query_response_ms = (uint32_t)(v * 1000);
	GET_UINT("membership", "last_member_query_ms", 100, 25500,
		 c->lmq_interval_ms);
	GET_UINT("membership", "max_groups", 1, 1000000, c->max_groups);
	if (c->query_response_ms >= c->query_interval * 1000u) {
		conf_error(cf, NULL, "query_response_interval must be shorter "
			   "than query_interval");
		goto bad;
	}

	GET_UINT("senders", "silence", 1, 86400, c->sender_silence);
	GET_UINT("senders", "counter_interval", 1, 3600, c->counter_interval);

	for (e = NULL; (e = conf_next(cf, "multisubnet", "subscribe", e));) {
		struct ivgmp_addr *a = &c->subscribe[c->nsubscribe];

		if (c->nsubscribe >= AGENT_MAX_SUBSCRIBE) {
			conf_error(cf, e, "more than %d subscriptions",
				   AGENT_MAX_SUBSCRIBE);
			goto bad;
		}
		if (conf_entry_addr(cf, e, AF_UNSPEC, a) < 0)
			goto bad;
		if (!addr_is_multicast(a) || addr_is_linklocal_mcast(a)) {
			conf_error(cf, e, "%s is not a routable multicast group",
				   e->value);
			goto bad;
		}
		c->nsubscribe++;
	}
	r = conf_get_bool(cf, "multisubnet", "announce", &c->announce);
	if (r < 0)
		goto bad;
	GET_UINT("multisubnet", "announce_port", 1, 65535, c->announce_port);
	GET_UINT("multisubnet", "announce_max_lifetime", 1,
		 ANNOUNCE_MAX_LIFETIME, c->announce_max_lifetime);

	for (e = NULL; (e = conf_next(cf, "vnoc", "url", e));)
		if (parse_vnoc_urls(cf, e, c))
			goto bad;
	c->vnoc_url = c->nvnoc_urls ? c->vnoc_urls[0] : NULL;
	GET_STR("vnoc", "cert", c->vnoc_cert);
	GET_STR("vnoc", "key", c->vnoc_key);
	GET_STR("vnoc", "ca", c->vnoc_ca);
	r = conf_get_bool(cf, "vnoc", "verify_host", &c->vnoc_verify_host);
	if (r < 0)
		goto bad;
	GET_UINT("vnoc", "timeout", 1, 600, c->vnoc_timeout);
	GET_UINT("vnoc", "poll_wait", 0, 3600, c->vnoc_poll_wait);
	GET_UINT("vnoc", "backoff_min", 1, 3600, c->backoff_min);
	GET_UINT("vnoc", "backoff_max", 1, 86400, c->backoff_max);
	if (c->backoff_max < c->backoff_min)
		c->backoff_max = c->backoff_min;

	GET_UINT("usage", "interval", 1, 86400, c->usage_interval);
	GET_STR("usage", "spool", c->file_spool);
	if (ipsec_config_load(&c->ipsec, cf))
		goto bad;
	/* keying authenticates with the VNOC client's certificate */
	if (c->ipsec.mode == IPSEC_MODE_STRONGSWAN && c->vnoc_url &&
	    (!c->vnoc_cert || !c->vnoc_ca)) {
		conf_error(cf, NULL, "[ipsec] mode = strongswan needs [vnoc] "
			   "cert and ca (or mode = static)");
		goto bad;
	}
	/* without IPsec at all, a block would stop every copy */
	c->ipsec_block = c->ipsec.mode != IPSEC_MODE_NONE;
	r = conf_get_bool(cf, "ipsec", "block", &c->ipsec_block);
	if (r < 0)
		goto bad;
	/* 0 would outrank every IKE daemon's policy: the block would win */
	GET_UINT("ipsec", "block_priority", 1, UINT32_MAX,
		 c->ipsec_block_priority);
	r = conf_get_bool(cf, "ipsec", "block_remove_on_exit",
			  &c->ipsec_block_remove);
	if (r < 0)
		goto bad;
	GET_STR("paths", "control", c->file_ctl);
	GET_STR("paths", "pidfile", c->file_pid);

	if (conf_check_unused(cf) < 0)
		goto bad;
	conf_free(cf);
	return 0;
bad:
	log_warnx("%s", conf_errmsg(cf));
	conf_free(cf);
	return -EINVAL;
}
