// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's side of ivgmp.ko: configuration, the VNOC view applied as a
 * minimal diff, NEW_SOURCE events, and route counters (sender liveness and
 * accounting).  When the module is missing the agent keeps running and
 * retries; when the VNOC is missing the kernel keeps its table (fail-static).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "diff.h"
#include "nl_json.h"
#include "log.h"
#include "loop.h"
#include "nl.h"
#include "senders.h"
#include "usage.h"
#include "xfrm.h"

#define KERNEL_RETRY_MS	5000

static struct ivgmp_nl *nl, *ev;
static uint64_t retry_at = 1, counters_at;
static struct table view;		/* last view from the VNOC */
static bool have_view, view_applied;
static uint32_t config_site;		/* site id the kernel was given */
static uint16_t config_port;		/* tunnel port it was given, 0: none */
static uint64_t block_at;		/* next read-back of the block */
static struct table last;		/* last dump, sorted, for deltas */
static struct kernel_stats kstats;
static struct senders snd;		/* quiet local routes, withheld ones */

bool kernel_up(void)
{
	return nl != NULL;
}

static void kernel_down(const char *why, int err)
{
	log_warnx("kernel: %s: %s; retrying", why, strerror(-err));
	if (ev) {
		loop_del_fd(ivgmp_nl_fd(ev));
		ivgmp_nl_close(ev);
	}
	if (nl)
		ivgmp_nl_close(nl);
	nl = ev = NULL;
	view_applied = false;
	retry_at = now_ms() + KERNEL_RETRY_MS;
}

/* ------------------------------------------------------------ config */

static int push_config(void)
{
	struct ivgmp_config_info c = { 0 };
	unsigned int i;
	int err;

	c.present = IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_LANS);
	for (i = 0; i < agent->nlans; i++) {
		if (!agent->lans[i].ifindex)
			continue;
		c.lans[c.n_lans].ifindex = agent->lans[i].ifindex;
		c.lans[c.n_lans].vpn = agent->lans[i].vpn;
		c.n_lans++;
	}
	if (agent->site_id) {
		c.present |= IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_SITE_ID);
		c.site_id = agent->site_id;
	}
	/* until a view names it, the port the kernel has stays */
	if (view.port) {
		c.present |= IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PORT);
		c.port = view.port;
	}
	if (agent->cfg.nprefixes) {
		c.present |= IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PREFIXES);
		c.n_prefixes = agent->cfg.nprefixes;
		memcpy(c.prefixes, agent->cfg.prefixes,
		       c.n_prefixes * sizeof(c.prefixes[0]));
	}
	err = ivgmp_nl_set_config(nl, &c);
	if (err) {
		log_warnx("kernel: setting the configuration: %s%s%s",
			  strerror(-err), *ivgmp_nl_errmsg(nl) ? ": " : "",
			  ivgmp_nl_errmsg(nl));
		return err;
	}
	config_site = agent->site_id;
	config_port = view.port;
	return 0;
}

/*
 * The block policies for the tunnel port the kernel is about to use must
 * be in place before any route: fail closed, load nothing without them.
 */
static int block_ensure(void)
{
	static bool warned;
	uint16_t port = view.port ? view.port : IVGMP_DEFAULT_PORT;
	int err;

	if (!agent->cfg.ipsec_block || agent->cfg.no_kernel ||
	    xfrm_block_ready(port))
		return 0;
	err = xfrm_block_set_port(port);
	if (err) {
		if (!warned)
			log_warnx("kernel: no XFRM block policies for port %u "
				  "(%s): no route is loaded until they are in "
				  "place", port, strerror(-err));
		warned = true;
		return err;
	}
	warned = false;
	return 0;
}

/* ------------------------------------------------------------- dumps */

static int dump_site(const struct ivgmp_site_info *s, void *data)
{
	struct table *t = data;
	struct ivgmp_site_info *n;

	n = realloc(t->sites, (t->nsites + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->sites = n;
	t->sites[t->nsites++] = *s;
	return 0;
}

static int dump_route(const struct ivgmp_route_info *r, void *data)
{
	struct table *t = data;
	struct ivgmp_route_info *n;
	struct ivgmp_nexthop_info *nh = NULL;

	n = realloc(t->routes, (t->nroutes + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->routes = n;
	if (r->n_nexthops) {
		nh = malloc(r->n_nexthops * sizeof(*nh));
		if (!nh)
			return -ENOMEM;
		memcpy(nh, r->nexthops, r->n_nexthops * sizeof(*nh));
	}
	t->routes[t->nroutes] = *r;
	t->routes[t->nroutes].nexthops = nh;
	t->nroutes++;
	return 0;
}

/* A consistent dump: repeated while the kernel flags it interrupted. */
static int kernel_dump(struct table *t, bool sites)
{
	int tries, err = 0;

	for (tries = 0; tries < 5; tries++) {
		table_free(t);
		err = sites ? ivgmp_nl_site_dump(nl, dump_site, t) : 0;
		if (!err)
			err = ivgmp_nl_route_dump(nl, dump_route, t);
		if (err != -EINTR)
			break;
	}
	if (err)
		table_free(t);
	return err;
}

/* -------------------------------------------------------------- view */

static const char *nlerr(void)
{
	return nl && *ivgmp_nl_errmsg(nl) ? ivgmp_nl_errmsg(nl) : "";
}

/* Does the replacement take a next hop off the route it replaces? */
static bool drops_nexthop(const struct table *cur,
			  const struct ivgmp_route_info *want)
{
	const struct ivgmp_route_info *old;
	unsigned int i, j;

	old = cur->nroutes ? bsearch(want, cur->routes, cur->nroutes,
				     sizeof(*cur->routes), route_qcmp) : NULL;
	for (i = 0; old && i < old->n_nexthops; i++) {
		for (j = 0; j < want->n_nexthops; j++)
			if (want->nexthops[j].site == old->nexthops[i].site)
				break;
		if (j == want->n_nexthops)
			return true;
	}
	return false;
}

/*
 * Copies counted since the last report would be lost with the route or next
 * hops a change takes away: the kernel's echo counts them to the last one.
 */
static int route_set(const struct table *cur,
		     const struct ivgmp_route_info *r)
{
	struct ivgmp_route_info gone;
	int err;

	if (!drops_nexthop(cur, r))
		return ivgmp_nl_route_new(nl, r, true);
	err = ivgmp_nl_route_new_final(nl, r, true, &gone);
	if (err == -ENODATA) {
		log_warnx("kernel: no final counts for next hops taken off a "
			  "route (ivgmp.ko without NLM_F_ECHO?): usage lost");
		return 0;
	}
	if (err)
		return err;
	usage_nexthops_gone(&agent->usage, &gone, agent->site_id);
	ivgmp_route_info_free(&gone);
	return 0;
}

static int route_del(const struct ivgmp_route_info *key)
{
	struct ivgmp_route_info final;
	int err;

	err = ivgmp_nl_route_del_final(nl, key, &final);
	if (err == -ENODATA) {
		log_warnx("kernel: no final counts for a deleted route "
			  "(ivgmp.ko without NLM_F_ECHO?): usage lost");
		return 0;
	}
	if (err)
		return err;
	usage_final(&agent->usage, &final, agent->site_id);
	ivgmp_route_info_free(&final);
	return 0;
}

static int apply(void)
{
	struct table cur = { 0 }, want;
	struct diff d;
	size_t i;
	int err, fails = 0;

	if (!nl || !have_view)
		return 0;
	if (block_ensure())
		return -EIO;
	if ((agent->site_id != config_site ||
	     (view.port && view.port != config_port)) && push_config())
		return -EIO;
	err = kernel_dump(&cur, true);
	if (err) {
		kernel_down("dumping the table", err);
		return err;
	}
	/* withheld quiet routes stay out, so their senders raise events */
	want = view;
	want.routes = calloc(view.nroutes + 1, sizeof(*want.routes));
	if (!want.routes) {
		table_free(&cur);
		return -ENOMEM;
	}
	want.nroutes = 0;
	for (i = 0; i < view.nroutes; i++)
		if (!senders_withheld(&snd, &view.routes[i]))
			want.routes[want.nroutes++] = view.routes[i];
	err = table_diff(&cur, &want, agent->site_id, &d);
	if (err) {
		log_warnx("kernel: VNOC view refused: %s",
			  err == -EINVAL ? "it names an unknown site or "
			  "repeats a route" : strerror(-err));
		table_free(&cur);
		free(want.routes);
		return err;
	}

	for (i = 0; i < d.nsite_set; i++) {
		err = ivgmp_nl_site_new(nl, d.site_set[i], true);
		if (err) {
			log_warnx("kernel: site %u: %s %s", d.site_set[i]->id,
				  strerror(-err), nlerr());
			fails++;
		}
	}
	for (i = 0; i < d.nroute_set; i++) {
		err = route_set(&cur, d.route_set[i]);
		if (err) {
			log_warnx("kernel: route: %s %s", strerror(-err),
				  nlerr());
			fails++;
		}
	}
	for (i = 0; i < d.nroute_del; i++) {
		err = route_del(d.route_del[i]);
		if (err && err != -ENOENT) {
			log_warnx("kernel: deleting a route: %s %s",
				  strerror(-err), nlerr());
			fails++;
		}
	}
	for (i = 0; i < d.nsite_del; i++) {
		err = ivgmp_nl_site_del(nl, d.site_del[i]->id);
		if (err && err != -ENOENT) {
			log_warnx("kernel: deleting site %u: %s %s",
				  d.site_del[i]->id, strerror(-err), nlerr());
			fails++;
		}
	}
	log_info("kernel: view applied: %zu site(s) set, %zu removed, "
		 "%zu route(s) set, %zu removed, %zu unchanged%s",
		 d.nsite_set, d.nsite_del, d.nroute_set, d.nroute_del,
		 d.unchanged_routes, fails ? " (with errors)" : "");
	kstats.views_applied++;
	kstats.last_ops = d.nsite_set + d.nsite_del + d.nroute_set +
			  d.nroute_del;
	diff_free(&d);
	table_free(&cur);
	free(want.routes);	/* shallow: the next hops are the view's */
	view_applied = !fails;
	return fails ? -EIO : 0;
}

/* The old port's block goes once the kernel no longer uses that port. */
static void block_retire(void)
{
	if (!nl || !view.port || config_port == view.port)
		xfrm_block_retire();
}

void kernel_block_init(void)
{
	xfrm_block_init(agent->cfg.ipsec_block_priority);
	block_ensure();
	block_at = now_ms() + agent->cfg.counter_interval * 1000ull;
}

void kernel_set_view(struct table *t)
{
	table_free(&view);
	view = *t;
	memset(t, 0, sizeof(*t));
	have_view = true;
	/* the block follows the port even while the module is missing */
	block_ensure();
	apply();
	block_retire();
}

const struct ivgmp_route_info *
kernel_view_route(const struct ivgmp_route_info *key)
{
	size_t i;

	for (i = 0; i < view.nroutes; i++)
		if (!route_key_cmp(&view.routes[i], key))
			return &view.routes[i];
	return NULL;
}

/* ------------------------------------------------------------ events */

static int on_event(const struct ivgmp_event_info *e, void *data)
{
	const struct ivgmp_route_info *back[16];
	char gs[ADDR_STRLEN], ss[ADDR_STRLEN];
	bool fresh;
	size_t i, n;
	int err;

	if (!addr_is_multicast(&e->group) || addr_is_linklocal_mcast(&e->group))
		return 0;
	kstats.events++;
	snd.silence_ms = agent->cfg.sender_silence * 1000ull;
	n = senders_event(&snd, &agent->groups, e->vpn, &e->group, &e->source,
			  now_ms(), back, sizeof(back) / sizeof(back[0]), &err,
			  &fresh);
	addr_ntop(&e->source, ss, sizeof(ss));
	addr_ntop(&e->group, gs, sizeof(gs));
	if (err)
		log_warnx("kernel: sender %s of %s: %s", ss, gs, strerror(-err));
	else if (fresh)
		log_info("kernel: local source %s sends to %s (VPN %u)", ss, gs,
			 e->vpn);
	/* a withheld quiet route heard from its sender: it goes back */
	for (i = 0; i < n; i++) {
		const struct ivgmp_route_info *r = kernel_view_route(back[i]);

		log_debug("kernel: %s to %s still sends: route restored", ss,
			  gs);
		if (r && nl && ivgmp_nl_route_new(nl, r, true)) {
			log_warnx("kernel: restoring a route: %s", nlerr());
			view_applied = false;
		}
	}
	return 0;
}

static void ev_input(int fd, short revents, void *arg)
{
	int err = ivgmp_nl_read_events(ev, on_event, NULL);

	/* NEW_SOURCE repeats while a source sends: an overrun loses nothing */
	if (err == -ENOBUFS)
		log_debug("kernel: event socket overrun");
	else if (err && err != -EAGAIN)
		kernel_down("reading events", err);
}

/* ---------------------------------------------------------- counters */

static void counters(uint64_t now)
{
	const struct ivgmp_route_info **out;
	struct table cur = { 0 };
	char g[ADDR_STRLEN];
	size_t i, n;
	int err;

	err = kernel_dump(&cur, false);
	if (err) {
		kernel_down("dumping routes", err);
		return;
	}
	if (cur.nroutes)
		qsort(cur.routes, cur.nroutes, sizeof(*cur.routes),
		      route_qcmp);
	snd.silence_ms = agent->cfg.sender_silence * 1000ull;
	if (!senders_scan(&snd, &agent->groups, &view, &cur, &last,
			  agent->site_id, now, &out, &n)) {
		/* quiet too long: out of the kernel, to hear NEW_SOURCE */
		for (i = 0; i < n; i++) {
			log_debug("kernel: route of %s (VPN %u) has no next "
				  "hop and no sign of its sender: withheld",
				  addr_ntop(&out[i]->group, g, sizeof(g)),
				  out[i]->vpn);
			err = route_del(out[i]);
			if (err && err != -ENOENT)
				log_warnx("kernel: withholding a route: %s %s",
					  strerror(-err), nlerr());
		}
		free(out);
	}
	table_free(&last);
	last = cur;
}

/* A fresh dump into the next usage report; nothing to do without ivgmp.ko */
int kernel_collect_usage(void)
{
	struct table cur = { 0 };
	int err;

	if (!nl)
		return -ENODEV;
	err = kernel_dump(&cur, false);
	if (err) {
		kernel_down("dumping routes", err);
		return err;
	}
	err = usage_collect(&agent->usage, &cur, agent->site_id);
	table_free(&cur);
	return err;
}

/* -------------------------------------------------------- lifecycle */

static int kernel_open(void)
{
	int err, fl;

	nl = ivgmp_nl_open();
	if (!nl)
		return -errno;
	ev = ivgmp_nl_open();
	if (!ev) {
		err = -errno;
		ivgmp_nl_close(nl);
		nl = NULL;
		return err;
	}
	err = ivgmp_nl_subscribe_events(ev);
	if (err)
		goto fail;
	fl = fcntl(ivgmp_nl_fd(ev), F_GETFL);
	fcntl(ivgmp_nl_fd(ev), F_SETFL, fl | O_NONBLOCK);
	err = push_config();
	if (err)
		goto fail;
	loop_add_fd(ivgmp_nl_fd(ev), POLLIN, ev_input, NULL);
	log_info("kernel: ivgmp module ready (site %u)", agent->site_id);
	/* reconcile: the table the kernel kept against the last view */
	apply();
	block_retire();
	counters_at = now_ms();
	return 0;
fail:
	ivgmp_nl_close(ev);
	ivgmp_nl_close(nl);
	nl = ev = NULL;
	return err;
}

uint64_t kernel_next_event(void)
{
	uint64_t t;

	if (agent->cfg.no_kernel)
		return 0;
	t = nl ? counters_at : retry_at;
	if (agent->cfg.ipsec_block && block_at < t)
		t = block_at;
	return t;
}

void kernel_tick(uint64_t now)
{
	static bool warned;
	int err;

	/* someone may have flushed the SPD: put the block back */
	if (agent->cfg.ipsec_block && now >= block_at) {
		block_at = now + agent->cfg.counter_interval * 1000ull;
		if (xfrm_block_check() < 0)
			block_ensure();
	}

	if (!nl) {
		if (now < retry_at)
			return;
		err = kernel_open();
		if (err) {
			if (!warned)
				log_warnx("kernel: ivgmp module unavailable: "
					  "%s; retrying every %d s",
					  strerror(-err), KERNEL_RETRY_MS / 1000);
			warned = true;
			retry_at = now + KERNEL_RETRY_MS;
			return;
		}
		warned = false;
		return;
	}
	if (now >= counters_at) {
		counters_at = now + agent->cfg.counter_interval * 1000ull;
		if (have_view && !view_applied) {
			apply();
			block_retire();
		}
		if (nl)
			counters(now);
	}
}

/* The site id is known (config or VNOC), or the LANs changed. */
void kernel_reconfig(void)
{
	if (nl)
		push_config();
}

void kernel_fini(bool flush)
{
	int err;

	if (nl && flush) {
		err = ivgmp_nl_flush(nl, 0);
		if (err)
			log_warnx("kernel: flush: %s", strerror(-err));
		else
			log_info("kernel: table flushed");
	}
	if (ev)
		ivgmp_nl_close(ev);
	if (nl)
		ivgmp_nl_close(nl);
	nl = ev = NULL;
	xfrm_block_stop(agent->cfg.ipsec_block_remove);
	table_free(&view);
	table_free(&last);
	senders_fini(&snd);
}

void kernel_status(FILE *f)
{
	size_t i, j;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	fprintf(f, "kernel: %s, site %u, view %s, %llu event(s), "
		"%llu view(s) applied\n",
		agent->cfg.no_kernel ? "disabled" : nl ? "up" : "unavailable",
		agent->site_id, !have_view ? "none yet" :
		view_applied ? "applied" : "pending",
		(unsigned long long)kstats.events,
		(unsigned long long)kstats.views_applied);
	xfrm_block_status(f);
	if (senders_nwithheld(&snd))
		fprintf(f, "kernel: %zu quiet route(s) withheld, waiting for "
			"their senders' NEW_SOURCE\n", senders_nwithheld(&snd));
	for (i = 0; i < last.nroutes; i++) {
		const struct ivgmp_route_info *r = &last.routes[i];

		fprintf(f, "  route vpn %u group %s source %s origin %u%s "
			"tx %llu rx %llu delivered %llu nexthops",
			r->vpn, addr_ntop(&r->group, a, sizeof(a)),
			addr_ntop(&r->source, b, sizeof(b)), r->origin,
			r->flags & IVGMP_ROUTE_F_DELIVER_LOCAL ? " local" : "",
			(unsigned long long)r->stats.tx_packets,
			(unsigned long long)r->stats.rx_packets,
			(unsigned long long)r->stats.delivered);
		for (j = 0; j < r->n_nexthops; j++)
			fprintf(f, " %u", r->nexthops[j].site);
		fprintf(f, "%s\n", r->n_nexthops ? "" : " -");
	}
}

void kernel_status_json(struct json *j)
{
	size_t i;

	json_obj_open(j, "kernel");
	json_str(j, "state", agent->cfg.no_kernel ? "disabled" :
		 nl ? "up" : "unavailable");
	json_uint(j, "site", agent->site_id);
	json_str(j, "view", !have_view ? "none" :
		 view_applied ? "applied" : "pending");
	json_uint(j, "events", kstats.events);
	json_uint(j, "views_applied", kstats.views_applied);
	json_uint(j, "withheld_routes", senders_nwithheld(&snd));
	xfrm_block_status_json(j);
	json_arr_open(j, "routes");
	/* as the kernel last gave them: `ivgmptool -j route show` */
	for (i = 0; i < last.nroutes; i++)
		nl_route_json(j, &last.routes[i]);
	json_arr_close(j);
	json_obj_close(j);
}
