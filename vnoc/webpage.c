// SPDX-License-Identifier: GPL-2.0
/*
 * webpage.c - the operator page: sites, groups (members, denials, each
 * distribution drawn), usage charts.  Every string that is not ours goes
 * through html_esc(); the only style is web_css, whose hash is the CSP's
 * one style-src; there is no script at all.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "svg.h"
#include "webpage.h"

const char web_css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1f24;"
	"background:#f6f8fa}"
	"h1{font-size:1.5em;margin:0 0 .2em}h2{margin-top:1.6em;"
	"border-bottom:2px solid #d0d7de}h3{margin:.3em 0}"
	"section.group{background:#fff;border:1px solid #d0d7de;"
	"border-radius:6px;padding:.6em 1em;margin:1em 0}"
	"table{border-collapse:collapse;margin:.4em 0}"
	"th,td{border:1px solid #d0d7de;padding:.2em .6em;text-align:left}"
	"th{background:#eaeef2}td.num{text-align:right}"
	".meta{color:#57606a}.warn{color:#9a6700}.error{color:#cf222e}"
	".denied{color:#cf222e}"
	"figure{margin:.6em 0;overflow-x:auto}"
	"figcaption{font-weight:600;margin-bottom:.2em}"
	"svg{max-width:100%;height:auto}"
	"svg text{font:12px system-ui,sans-serif;text-anchor:middle}"
	"svg text.id{font-size:10px;fill:#57606a}"
	".tree line{stroke:#57606a;stroke-width:1.5}.arrow{fill:#57606a}"
	".node rect{stroke:#1b1f24;stroke-width:1}"
	".origin rect{fill:#54aeff}.receiver rect{fill:#4ac26b}"
	".relay rect{fill:#d4a72c}.relay.receiver rect{fill:#a0d97a}"
	".chart .sent{fill:#0969da}.chart .received{fill:#1a7f37}"
	".chart .axis,.chart .grid{stroke:#8c959f}"
	".chart .grid{stroke-dasharray:3 3}"
	".chart .ylabel{text-anchor:end;font-size:10px}"
	".chart .xlabel,.chart .empty{font-size:10px;fill:#57606a}"
	".chart .empty{text-anchor:start}"
	".charts{display:flex;flex-wrap:wrap;gap:1em}"
	".legend span{display:inline-block;padding:0 .5em;margin-right:.4em;"
	"border:1px solid #1b1f24;border-radius:4px}"
	".legend .origin{background:#54aeff}.legend .receiver{background:#4ac26b}"
	".legend .relay{background:#d4a72c}"
	".legend .relay.receiver{background:#a0d97a}"
	".legend .sent{background:#0969da;color:#fff}"
	".legend .received{background:#1a7f37;color:#fff}";

static void iso_time(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm);
}

static void page_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\">"
	      "<meta name=\"referrer\" content=\"no-referrer\"><title>", f);
	html_esc(f, title);
	fprintf(f, "</title><style>%s</style></head>\n<body>\n", web_css);
}

/* The name of a site, or a placeholder for one removed meanwhile. */
static void site_name(FILE *f, struct vnoc_state *st, uint32_t id)
{
	const struct vnoc_site *s = vnoc_site_find(st, id);

	if (s)
		html_esc(f, s->name);
	else
		fprintf(f, "(site %" PRIu32 ", not registered)", id);
}

static void site_row(FILE *f, const struct vnoc_site *s)
{
	fprintf(f, "<tr class=\"site\" data-site=\"%" PRIu32 "\">"
		"<td class=\"num\">%" PRIu32 "</td><td class=\"name\">",
		s->id, s->id);
	html_esc(f, s->name);
	fputs("</td><td>", f);
	html_esc(f, s->address);
	fprintf(f, "</td><td class=\"num\">%u</td><td>%s%s%s</td>"
		"<td class=\"num\">", s->port,
		s->relay ? "relay " : "", s->reflector ? "reflector " : "",
		!s->relay && !s->reflector ? "\xe2\x80\x94" : "");
	if (s->relay || s->reflector) {
		if (s->fanout)
			fprintf(f, "%" PRIu32, s->fanout);
		else
			fputs("default", f);
	}
	fprintf(f, "</td><td class=\"num\">%" PRIu64 "</td></tr>\n",
		s->view_version);
}

static void sites_section(FILE *f, struct vnoc_state *st)
{
	size_t i;

	fprintf(f, "<h2 id=\"sites\">Sites (%zu)</h2>\n", st->nsites);
	if (!st->nsites) {
		fputs("<p class=\"meta\">No site registered.</p>\n", f);
		return;
	}
	fputs("<table class=\"sites\"><tr><th>id</th><th>name (certificate CN)"
	      "</th><th>WAN address</th><th>tunnel port</th>"
	      "<th>accredited</th><th>fan-out</th><th>view version</th></tr>\n",
	      f);
	for (i = 0; i < st->nsites; i++)
		site_row(f, st->sites[i]);
	fputs("</table>\n", f);
}

static void member_row(FILE *f, struct vnoc_state *st,
		       const struct vnoc_group *g, const struct vnoc_member *m)
{
	bool ok = vnoc_policy_permits(st->policies, st->npolicies, m->site,
				      g->vpn, &g->group, m->role);
	char a[VNOC_ADDRSTRLEN];
	size_t k;

	fprintf(f, "<tr class=\"member %s\" data-site=\"%" PRIu32 "\"><td>",
		m->role == VNOC_ROLE_SENDER ? "sender" : "receiver", m->site);
	site_name(f, st, m->site);
	fprintf(f, "</td><td>%s</td><td>",
		m->role == VNOC_ROLE_SENDER ? "sender" : "receiver");
	if (!m->nsources)
		fputs(m->role == VNOC_ROLE_SENDER ? "unspecified" : "any", f);
	for (k = 0; k < m->nsources; k++)
		fprintf(f, "%s%s", k ? ", " : "",
			vnoc_addr_str(&m->sources[k], a, sizeof(a)));
	fprintf(f, "</td><td%s>%s</td></tr>\n", ok ? "" : " class=\"denied\"",
		ok ? "active" : "denied by policy now: no routes");
}

static void members_table(FILE *f, struct vnoc_state *st,
			  const struct vnoc_group *g)
{
	size_t i;

	fputs("<table class=\"members\"><tr><th>site</th><th>role</th>"
	      "<th>sources</th><th>status</th></tr>\n", f);
	for (i = 0; i < g->nmembers; i++)
		member_row(f, st, g, &g->members[i]);
	fputs("</table>\n", f);
}

static void denial_row(FILE *f, const struct web_denial *w)
{
	char t[32];

	iso_time(t, sizeof(t), w->time);
	fprintf(f, "<tr class=\"denial\"><td>%s</td><td>", t);
	html_esc(f, w->actor);
	fputs("</td><td>", f);
	if (w->has_group) {
		fprintf(f, "vpn %" PRIu32 " group ", w->vpn);
		html_esc(f, w->group);
		fputs(" as ", f);
		html_esc(f, w->role);
		fputs("</td><td>", f);
		html_esc(f, w->why);
	} else {
		fputs("</td><td>", f);
		html_esc(f, w->detail);
	}
	fputs("</td></tr>\n", f);
}

static void group_denials(FILE *f, const struct web_data *d,
			  const struct vnoc_group *g)
{
	char gs[VNOC_ADDRSTRLEN];
	size_t i, n = 0;

	if (!d)
		return;
	vnoc_addr_str(&g->group, gs, sizeof(gs));
	for (i = 0; i < d->ndenials; i++) {
		const struct web_denial *w = &d->denials[i];

		if (!w->has_group || w->vpn != g->vpn || strcmp(w->group, gs))
			continue;
		if (!n++)
			fputs("<p>Recent denied joins:</p><table class=\"denials\">"
			      "<tr><th>time</th><th>site</th><th>join</th>"
			      "<th>reason</th></tr>\n", f);
		denial_row(f, w);
	}
	if (n)
		fputs("</table>\n", f);
}

static int key_cmp(const struct vnoc_route *a, const struct vnoc_route *b)
{
	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	if (a->has_source != b->has_source)
		return a->has_source ? 1 : -1;
	return a->has_source ? vnoc_addr_cmp(&a->source, &b->source) : 0;
}

static int route_ptr_cmp(const void *a, const void *b)
{
	const struct vnoc_route *const *x = a, *const *y = b;
	int c = key_cmp(*x, *y);

	if (c)
		return c;
	return (*x)->site < (*y)->site ? -1 : (*x)->site > (*y)->site;
}

/* Adds site to nodes (once); false when full. */
static bool add_node(struct svg_node *nodes, size_t *n, size_t max,
		     struct vnoc_state *st, uint32_t site)
{
	const struct vnoc_site *s;
	size_t i;

	for (i = 0; i < *n; i++)
		if (nodes[i].site == site)
			return true;
	if (*n == max)
		return false;
	s = vnoc_site_find(st, site);
	memset(&nodes[*n], 0, sizeof(nodes[*n]));
	nodes[*n].site = site;
	nodes[*n].name = s ? s->name : "(not registered)";
	(*n)++;
	return true;
}

/* The edges as a list, for a distribution too large to draw. */
static void edge_list(FILE *f, struct vnoc_state *st,
		      const struct vnoc_route *const *rs, size_t nr)
{
	size_t i, k;

	fputs("<p class=\"meta\">Too many sites to draw; who sends to whom:"
	      "</p><ul class=\"edges\">\n", f);
	for (i = 0; i < nr; i++) {
		const struct vnoc_route *r = rs[i];

		for (k = 0; k < r->nnexthops; k++) {
			fprintf(f, "<li class=\"edge\" data-from=\"%" PRIu32
				"\" data-to=\"%" PRIu32 "\">", r->site,
				r->nexthops[k]);
			site_name(f, st, r->site);
			fputs(" \xe2\x86\x92 ", f);
			site_name(f, st, r->nexthops[k]);
			fputs("</li>\n", f);
		}
	}
	fputs("</ul>\n", f);
}

/* The nodes of one distribution, origin first; false if too many. */
static bool dist_nodes(struct vnoc_state *st, const struct vnoc_route *const *rs,
		       size_t nr, struct svg_node *nodes, size_t *n)
{
	size_t i, j, k;

	*n = 0;
	add_node(nodes, n, SVG_TREE_MAX_NODES, st, rs[0]->origin);
	for (i = 0; i < nr; i++) {
		const struct vnoc_route *r = rs[i];

		if (!add_node(nodes, n, SVG_TREE_MAX_NODES, st, r->site))
			return false;
		for (j = 0; j < *n && nodes[j].site != r->site; j++)
			;
		nodes[j].origin = r->site == r->origin;
		nodes[j].local = r->deliver_local;
		nodes[j].nout = r->nnexthops;
		nodes[j].out = r->nexthops;
		for (k = 0; k < r->nnexthops; k++)
			if (!add_node(nodes, n, SVG_TREE_MAX_NODES, st,
				      r->nexthops[k]))
				return false;
	}
	return true;
}

/* One distribution: the routes rs[0..nr) share (origin, source). */
static void distribution(FILE *f, struct vnoc_state *st,
			 const struct vnoc_group *g,
			 const struct vnoc_route *const *rs, size_t nr,
			 unsigned *uid)
{
	struct svg_node nodes[SVG_TREE_MAX_NODES];	/* 6 KiB of stack */
	char gs[VNOC_ADDRSTRLEN], ss[VNOC_ADDRSTRLEN];
	uint32_t origin = rs[0]->origin;
	size_t n;

	vnoc_addr_str(&g->group, gs, sizeof(gs));
	if (rs[0]->has_source)
		vnoc_addr_str(&rs[0]->source, ss, sizeof(ss));
	else
		strcpy(ss, "*");
	fprintf(f, "<figure class=\"dist\" data-vpn=\"%" PRIu32 "\" "
		"data-group=\"%s\" data-source=\"%s\" data-origin=\"%" PRIu32
		"\"><figcaption>(%s, %s) from ", g->vpn, gs, ss, origin, ss, gs);
	site_name(f, st, origin);
	fprintf(f, " (site %" PRIu32 ")</figcaption>\n", origin);
	if (dist_nodes(st, rs, nr, nodes, &n))
		svg_tree(f, nodes, n, (*uid)++);
	else
		edge_list(f, st, rs, nr);
	fputs("</figure>\n", f);
}

/* Routes sorted by (origin, source): each run is one distribution. */
static void distributions(FILE *f, struct vnoc_state *st,
			  const struct vnoc_group *g, unsigned *uid)
{
	const struct vnoc_route **rs;
	size_t i, j;

	if (!g->nroutes) {
		fputs("<p class=\"meta\">No distribution: no permitted sender."
		      "</p>\n", f);
		return;
	}
	rs = malloc(g->nroutes * sizeof(*rs));
	if (!rs) {
		fputs("<p class=\"error\">out of memory</p>\n", f);
		return;
	}
	for (i = 0; i < g->nroutes; i++)
		rs[i] = &g->routes[i];
	qsort(rs, g->nroutes, sizeof(*rs), route_ptr_cmp);
	for (i = 0; i < g->nroutes; i = j) {
		for (j = i + 1; j < g->nroutes && !key_cmp(rs[i], rs[j]); j++)
			;
		distribution(f, st, g, rs + i, j - i, uid);
	}
	free(rs);
}

static void group_section(FILE *f, struct vnoc_state *st,
			  const struct vnoc_group *g,
			  const struct web_data *d, unsigned *uid)
{
	char gs[VNOC_ADDRSTRLEN];

	vnoc_addr_str(&g->group, gs, sizeof(gs));
	fprintf(f, "<section class=\"group\" data-vpn=\"%" PRIu32 "\" "
		"data-group=\"%s\"><h3>VPN %" PRIu32 " group %s "
		"<span class=\"meta\">%s</span></h3>\n", g->vpn, gs, g->vpn,
		gs, vnoc_mode_name(vnoc_mode_of(st, g->vpn, &g->group)));
	members_table(f, st, g);
	group_denials(f, d, g);
	if (g->overflow)
		fprintf(f, "<p class=\"warn\">%u receivers beyond the accredited "
			"relays' fan-out or depth: sent by the origin directly."
			"</p>\n", g->overflow);
	distributions(f, st, g, uid);
	fputs("</section>\n", f);
}

static void groups_section(FILE *f, struct vnoc_state *st,
			   const struct web_data *d)
{
	unsigned uid = 0;
	size_t i;

	fprintf(f, "<h2 id=\"groups\">Groups (%zu)</h2>\n<p class=\"legend\">"
		"<span class=\"origin\">origin</span><span class=\"relay\">"
		"relay</span><span class=\"receiver\">receiver</span>"
		"<span class=\"relay receiver\">relay and receiver</span> "
		"arrows: who sends to whom</p>\n", st->ngroups);
	for (i = 0; i < st->ngroups; i++)
		group_section(f, st, st->groups[i], d, &uid);
}

static void denials_section(FILE *f, const struct web_data *d)
{
	size_t i;

	fputs("<h2 id=\"denials\">Recent denials</h2>\n", f);
	if (!d)
		return;
	if (!d->ndenials) {
		fputs("<p class=\"meta\">None.</p>\n", f);
		return;
	}
	fputs("<table class=\"denials\"><tr><th>time</th><th>site</th>"
	      "<th>join</th><th>reason</th></tr>\n", f);
	for (i = 0; i < d->ndenials; i++)
		denial_row(f, &d->denials[i]);
	fputs("</table>\n", f);
}

static bool quiet(const struct web_series *s)
{
	size_t i;

	for (i = 0; s && i < WEB_HOURS; i++)
		if (s->sent[i] || s->received[i])
			return false;
	return true;
}

/* Charts for the sites with traffic; the quiet ones in one line, so that
 * a thousand idle sites do not make a thousand empty charts. */
static void site_charts(FILE *f, struct vnoc_state *st,
			const struct web_data *d)
{
	size_t i, nquiet = 0;

	fputs("<h3>Per site</h3><div class=\"charts\">\n", f);
	for (i = 0; i < st->nsites; i++) {
		const struct vnoc_site *s = st->sites[i];
		const struct web_series *ws = web_site_series(d, s->id);

		if (quiet(ws)) {
			nquiet++;
			continue;
		}
		fprintf(f, "<figure class=\"usage site\" data-site=\"%" PRIu32
			"\"><figcaption>", s->id);
		html_esc(f, s->name);
		fputs("</figcaption>\n", f);
		svg_usage_chart(f, ws->sent, ws->received, WEB_HOURS,
				d->first_hour);
		fputs("</figure>\n", f);
	}
	fputs("</div>\n", f);
	if (!nquiet)
		return;
	fprintf(f, "<p class=\"quiet\">No traffic reported (%zu): ", nquiet);
	for (i = 0, nquiet = 0; i < st->nsites; i++) {
		const struct vnoc_site *s = st->sites[i];

		if (!quiet(web_site_series(d, s->id)))
			continue;
		fprintf(f, "%s<span class=\"quiet site\" data-site=\"%" PRIu32
			"\">", nquiet++ ? ", " : "", s->id);
		html_esc(f, s->name);
		fputs("</span>", f);
	}
	fputs("</p>\n", f);
}

static void group_charts(FILE *f, struct vnoc_state *st,
			 const struct web_data *d)
{
	char gs[VNOC_ADDRSTRLEN];
	size_t i, nquiet = 0;

	fputs("<h3>Per group</h3><div class=\"charts\">\n", f);
	for (i = 0; i < st->ngroups; i++) {
		const struct vnoc_group *g = st->groups[i];
		const struct web_series *ws;

		vnoc_addr_str(&g->group, gs, sizeof(gs));
		ws = web_group_series(d, g->vpn, gs);
		if (quiet(ws)) {
			nquiet++;
			continue;
		}
		fprintf(f, "<figure class=\"usage group\" data-vpn=\"%" PRIu32
			"\" data-group=\"%s\"><figcaption>VPN %" PRIu32
			" group %s</figcaption>\n", g->vpn, gs, g->vpn, gs);
		svg_usage_chart(f, ws->sent, ws->received, WEB_HOURS,
				d->first_hour);
		fputs("</figure>\n", f);
	}
	fputs("</div>\n", f);
	if (!nquiet)
		return;
	fprintf(f, "<p class=\"quiet\">No traffic reported (%zu): ", nquiet);
	for (i = 0, nquiet = 0; i < st->ngroups; i++) {
		const struct vnoc_group *g = st->groups[i];

		vnoc_addr_str(&g->group, gs, sizeof(gs));
		if (!quiet(web_group_series(d, g->vpn, gs)))
			continue;
		fprintf(f, "%s<span class=\"quiet group\" data-vpn=\"%" PRIu32
			"\" data-group=\"%s\">VPN %" PRIu32 " %s</span>",
			nquiet++ ? ", " : "", g->vpn, gs, g->vpn, gs);
	}
	fputs("</p>\n", f);
}

static void usage_section(FILE *f, struct vnoc_state *st,
			  const struct web_data *d, const char *dberr)
{
	fprintf(f, "<h2 id=\"usage\">Usage, last %d hours</h2>\n", WEB_HOURS);
	if (!d) {
		fputs("<p class=\"error\">", f);
		html_esc(f, dberr);
		fputs("</p>\n", f);
		return;
	}
	fputs("<p class=\"legend\">bytes per hour (UTC): <span class=\"sent\">"
	      "sent</span> as origin, <span class=\"received\">received"
	      "</span> from other origins</p>\n", f);
	site_charts(f, st, d);
	group_charts(f, st, d);
}

void web_page(FILE *f, struct vnoc_state *st, const struct web_data *d,
	      const char *dberr, int64_t now)
{
	char t[32];

	iso_time(t, sizeof(t), now);
	page_begin(f, "IVGMP VNOC");
	fprintf(f, "<h1>IVGMP VNOC</h1>\n<p class=\"meta\">%s &middot; view "
		"version %" PRIu64 " &middot; %zu sites, %zu groups, %zu "
		"policies &middot; read-only, reload for fresh data</p>\n"
		"<nav><a href=\"#sites\">Sites</a> &middot; <a href=\"#groups\">"
		"Groups</a> &middot; <a href=\"#denials\">Denials</a> &middot; "
		"<a href=\"#usage\">Usage</a></nav>\n", t,
		st->version, st->nsites, st->ngroups, st->npolicies);
	sites_section(f, st);
	groups_section(f, st, d);
	denials_section(f, d);
	usage_section(f, st, d, dberr);
	fputs("</body></html>\n", f);
}

void web_error_page(FILE *f, int status, const char *title, const char *why)
{
	page_begin(f, title);
	fprintf(f, "<h1>%d ", status);
	html_esc(f, title);
	fputs("</h1>\n<p>", f);
	html_esc(f, why);
	fputs("</p>\n</body></html>\n", f);
}
