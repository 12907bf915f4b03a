// SPDX-License-Identifier: GPL-2.0
/*
 * Router-side IGMPv3/MLDv2 state machine.  Section numbers refer to
 * RFC 3376; RFC 3810 has the same rules under its own numbering (§7).
 * A source timer or group timer value of 0 means "not running".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "membership.h"

void mb_config_defaults(struct mb_config *c, int family)
{
	memset(c, 0, sizeof(*c));
	c->family = family;
	c->version = family == AF_INET ? 3 : 2;
	c->robustness = 2;
	c->query_interval_ms = 125000;
	c->query_response_ms = 10000;
	c->lmq_interval_ms = 1000;
	c->max_groups = 4096;
	c->max_sources = 256;
}

static uint32_t lmqc(const struct mb_if *mb)
{
	return mb->cfg.lmq_count ? mb->cfg.lmq_count : mb->qrv;
}

uint64_t mb_gmi(const struct mb_if *mb)
{
	return (uint64_t)mb->qrv * mb->qi_ms + mb->cfg.query_response_ms;
}

uint64_t mb_oqpi(const struct mb_if *mb)
{
	return (uint64_t)mb->qrv * mb->qi_ms + mb->cfg.query_response_ms / 2;
}

uint64_t mb_lmqt(const struct mb_if *mb)
{
	return (uint64_t)lmqc(mb) * mb->cfg.lmq_interval_ms;
}

/* §8.13: the older host present interval equals the GMI. */
static uint64_t ohpi(const struct mb_if *mb)
{
	return mb_gmi(mb);
}

uint8_t mb_group_compat(const struct mb_if *mb, const struct mb_group *g)
{
	if (g->v1_host)
		return 1;
	if (mb->cfg.family == AF_INET && g->v2_host)
		return 2;
	return mb->cfg.family == AF_INET ? 3 : 2;
}

/* The newest protocol version both the group's hosts and we speak. */
static uint8_t query_version(const struct mb_if *mb, const struct mb_group *g)
{
	uint8_t v = mb_group_compat(mb, g);

	return v < mb->cfg.version ? v : mb->cfg.version;
}

static bool v3_capable(const struct mb_if *mb, uint8_t v)
{
	return v == (mb->cfg.family == AF_INET ? 3 : 2);
}

int mb_init(struct mb_if *mb, const struct mb_config *cfg,
	    const struct mb_ops *ops, void *ctx, uint64_t now)
{
	uint8_t maxv = cfg->family == AF_INET ? 3 : 2;

	if ((cfg->family != AF_INET && cfg->family != AF_INET6) ||
	    cfg->version < 1 || cfg->version > maxv || cfg->robustness < 1 ||
	    cfg->robustness > 7 || !cfg->query_interval_ms ||
	    !cfg->query_response_ms ||
	    cfg->query_response_ms >= cfg->query_interval_ms ||
	    !cfg->lmq_interval_ms)
		return -EINVAL;

	memset(mb, 0, sizeof(*mb));
	mb->cfg = *cfg;
	mb->ops = ops;
	mb->ctx = ctx;
	mb->qrv = cfg->robustness;
	mb->qi_ms = cfg->query_interval_ms;
	/* §6.6.2: a router starts as querier and sends startup queries. */
	mb->querier = !cfg->never_querier;
	if (mb->querier) {
		mb->startup_left = mb->qrv;
		mb->next_general = now;
	}
	return 0;
}

static void group_free(struct mb_group *g)
{
	free(g->src);
	free(g->emitted_src);
	free(g);
}

void mb_fini(struct mb_if *mb, bool emit_leaves)
{
	struct mb_group *g, *n;

	for (g = mb->groups; g; g = n) {
		n = g->next;
		if (emit_leaves && g->emitted && mb->ops->leave)
			mb->ops->leave(mb->ctx, &g->addr);
		group_free(g);
	}
	mb->groups = NULL;
	mb->ngroups = 0;
}

struct mb_group *mb_find(const struct mb_if *mb, const struct in6_addr *a)
{
	struct mb_group *g;

	for (g = mb->groups; g; g = g->next)
		if (!memcmp(&g->addr, a, sizeof(*a)))
			return g;
	return NULL;
}

static struct mb_group *group_get(struct mb_if *mb, const struct in6_addr *a)
{
	struct mb_group *g = mb_find(mb, a);

	if (g)
		return g;
	if (mb->ngroups >= mb->cfg.max_groups) {
		mb->stats.over_limit++;
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->addr = *a;
	g->next = mb->groups;
	mb->groups = g;
	mb->ngroups++;
	return g;
}

static int src_find(const struct mb_group *g, const struct in6_addr *a)
{
	int i;

	for (i = 0; i < g->nsrc; i++)
		if (!memcmp(&g->src[i].addr, a, sizeof(*a)))
			return i;
	return -1;
}

static struct mb_source *src_add(struct mb_if *mb, struct mb_group *g,
				 const struct in6_addr *a, uint64_t timer)
{
	struct mb_source *s;
	int i = src_find(g, a);

	if (i >= 0)
		return &g->src[i];
	if (g->nsrc >= mb->cfg.max_sources) {
		mb->stats.over_limit++;
		return NULL;
	}
	if (g->nsrc == g->cap) {
		uint16_t cap = g->cap ? (uint16_t)(g->cap * 2) : 4;

		s = realloc(g->src, cap * sizeof(*s));
		if (!s)
			return NULL;
		g->src = s;
		g->cap = cap;
	}
	s = &g->src[g->nsrc++];
	memset(s, 0, sizeof(*s));
	s->addr = *a;
	s->timer = timer;
	return s;
}

static void src_del(struct mb_group *g, int i)
{
	g->src[i] = g->src[--g->nsrc];
}

static bool in_list(const struct in6_addr *a, const struct in6_addr *l,
		    uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		if (!memcmp(a, &l[i], sizeof(*a)))
			return true;
	return false;
}

static int addr_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

/*
 * Tell the rest of the agent what changed, by comparing what the group now
 * wants forwarded with what was last reported: EXCLUDE mode wants every
 * source; INCLUDE mode wants the sources whose timers run.
 */
static void group_sync(struct mb_if *mb, struct mb_group *g)
{
	struct in6_addr *want = NULL;
	uint16_t n = 0, i;
	uint8_t state;

	if (!g->exclude && g->nsrc) {
		want = malloc(g->nsrc * sizeof(*want));
		if (!want)
			return;	/* retried at the next change or tick */
		for (i = 0; i < g->nsrc; i++)
			if (g->src[i].timer)
				want[n++] = g->src[i].addr;
		if (n)
			qsort(want, n, sizeof(*want), addr_cmp);
	}
	state = g->exclude ? 1 : n ? 2 : 0;

	if (state == g->emitted && (state != 2 || (n == g->emitted_nsrc &&
	    (!n || !memcmp(want, g->emitted_src, n * sizeof(*want)))))) {
		free(want);
		return;
	}
	if (!g->emitted) {
		if (mb->ops->join)
			mb->ops->join(mb->ctx, &g->addr, n, want);
	} else if (!state) {
		if (mb->ops->leave)
			mb->ops->leave(mb->ctx, &g->addr);
	} else if (mb->ops->sources) {
		mb->ops->sources(mb->ctx, &g->addr, n, want);
	}
	free(g->emitted_src);
	g->emitted = state;
	g->emitted_nsrc = n;
	g->emitted_src = want;
}

static void send_query(struct mb_if *mb, uint8_t version,
		       const struct in6_addr *group, uint32_t max_resp_ms,
		       bool s_flag, uint16_t nsrc, const struct in6_addr *src)
{
	struct mc_query_args q = {
		.version = version,
		.group = group,
		.max_resp_ms = max_resp_ms,
		.s_flag = s_flag,
		.qrv = mb->qrv,
		.qqi_s = mb->qi_ms / 1000,
		.nsrc = nsrc,
		.src = src,
	};

	mb->stats.queries_out++;
	if (mb->ops->send_query)
		mb->ops->send_query(mb->ctx, &q);
}

/* §6.6.3: send the group and group-and-source queries that are due. */
static void group_queries(struct mb_if *mb, struct mb_group *g, uint64_t now)
{
	uint64_t lmqt = now + mb_lmqt(mb);
	uint8_t v = query_version(mb, g);
	struct in6_addr *lo, *hi;
	uint16_t nlo = 0, nhi = 0, i;
	bool more = false;

	if (!g->next_query || g->next_query > now)
		return;
	g->next_query = 0;
	if (!mb->querier || (mb->cfg.family == AF_INET && v == 1)) {
		/* IGMPv1 has no group query; non-queriers send nothing */
		g->rexmit = 0;
		for (i = 0; i < g->nsrc; i++)
			g->src[i].rexmit = 0;
		return;
	}
	if (g->rexmit) {
		g->rexmit--;
		send_query(mb, v, &g->addr, mb->cfg.lmq_interval_ms,
			   g->exclude && g->timer > lmqt, 0, NULL);
		more |= g->rexmit > 0;
	}
	if (!v3_capable(mb, v) || !g->nsrc)
		goto out;
	lo = malloc(2 * g->nsrc * sizeof(*lo));
	if (!lo)
		goto out;
	hi = lo + g->nsrc;
	for (i = 0; i < g->nsrc; i++) {
		struct mb_source *s = &g->src[i];

		if (!s->rexmit)
			continue;
		s->rexmit--;
		more |= s->rexmit > 0;
		/* S flag for sources whose timers a report raised again */
		if (s->timer > lmqt)
			hi[nhi++] = s->addr;
		else
			lo[nlo++] = s->addr;
	}
	if (nlo)
		send_query(mb, v, &g->addr, mb->cfg.lmq_interval_ms, false,
			   nlo, lo);
	if (nhi)
		send_query(mb, v, &g->addr, mb->cfg.lmq_interval_ms, true,
			   nhi, hi);
	free(lo);
out:
	if (more)
		g->next_query = now + mb->cfg.lmq_interval_ms;
}

/* Q(G): §6.6.3.1, the querier lowers the group timer to LMQT. */
static void query_group(struct mb_if *mb, struct mb_group *g, uint64_t now)
{
	if (!mb->querier)
		return;
	if (g->exclude && g->timer > now + mb_lmqt(mb))
		g->timer = now + mb_lmqt(mb);
	g->rexmit = (uint8_t)lmqc(mb);
	g->next_query = now;
}

/* Q(G,S) for the listed sources that the group has with running timers */
static void query_sources(struct mb_if *mb, struct mb_group *g, uint64_t now,
			  const struct in6_addr *l, uint16_t n)
{
	uint16_t i;
	int j;

	if (!mb->querier)
		return;
	for (i = 0; i < n; i++) {
		j = src_find(g, &l[i]);
		if (j < 0 || !g->src[j].timer)
			continue;
		if (g->src[j].timer > now + mb_lmqt(mb))
			g->src[j].timer = now + mb_lmqt(mb);
		g->src[j].rexmit = (uint8_t)lmqc(mb);
		g->next_query = now;
	}
}

/*
 * One group record, after compatibility translation (§7.3.2).  A and X/Y
 * follow the names of the action tables in §6.4.
 */
static void group_record(struct mb_if *mb, uint64_t now, uint8_t type,
			 const struct in6_addr *ga, uint16_t n,
			 const struct in6_addr *b)
{
	uint64_t gmi = now + mb_gmi(mb);
	struct mb_group *g;
	struct in6_addr *q = NULL;
	uint16_t nq = 0, i;
	int j;

	g = mb_find(mb, ga);
	/* Nothing to leave or block for a group we do not have. */
	if (!g && (type == MC_BLOCK_OLD_SOURCES ||
		   ((type == MC_CHANGE_TO_INCLUDE ||
		     type == MC_MODE_IS_INCLUDE) && !n)))
		return;
	if (!g) {
		g = group_get(mb, ga);
		if (!g)
			return;
	}

	/* Room for the query lists computed before the state changes. */
	if (g->nsrc || n) {
		q = malloc((size_t)(g->nsrc + n) * sizeof(*q));
		if (!q)
			return;
	}

	switch (type) {
	case MC_MODE_IS_INCLUDE:
	case MC_ALLOW_NEW_SOURCES:
		/* INCLUDE: A+B, (B)=GMI.  EXCLUDE: X+A, Y-A, (A)=GMI */
		for (i = 0; i < n; i++) {
			struct mb_source *s = src_add(mb, g, &b[i], gmi);

			if (s)
				s->timer = gmi;
		}
		break;

	case MC_CHANGE_TO_INCLUDE:
		/* INCLUDE: Q(G,A-B).  EXCLUDE: Q(G,X-A) and Q(G). */
		for (i = 0; i < g->nsrc; i++)
			if (g->src[i].timer && !in_list(&g->src[i].addr, b, n))
				q[nq++] = g->src[i].addr;
		for (i = 0; i < n; i++) {
			struct mb_source *s = src_add(mb, g, &b[i], gmi);

			if (s)
				s->timer = gmi;
		}
		query_sources(mb, g, now, q, nq);
		if (g->exclude)
			query_group(mb, g, now);
		break;

	case MC_MODE_IS_EXCLUDE:
	case MC_CHANGE_TO_EXCLUDE: {
		uint64_t newt;

		/*
		 * From INCLUDE: EXCLUDE(A*B, B-A), (B-A)=0.
		 * From EXCLUDE: EXCLUDE(A-Y, Y*A), (A-X-Y)=GMI for IS_EX and
		 * the group timer for TO_EX.  Both delete what is not in B.
		 */
		if (!g->exclude)
			newt = 0;
		else if (type == MC_MODE_IS_EXCLUDE)
			newt = gmi;
		else
			newt = g->timer;
		for (j = g->nsrc - 1; j >= 0; j--)
			if (!in_list(&g->src[j].addr, b, n))
				src_del(g, j);
		for (i = 0; i < n; i++)
			if (src_find(g, &b[i]) < 0)
				src_add(mb, g, &b[i], newt);
		if (type == MC_CHANGE_TO_EXCLUDE) {
			/* Q(G,A*B) or Q(G,A-Y): the sources with timers */
			for (i = 0; i < g->nsrc; i++)
				if (g->src[i].timer)
					q[nq++] = g->src[i].addr;
		}
		g->exclude = true;
		g->timer = gmi;
		query_sources(mb, g, now, q, nq);
		break;
	}

	case MC_BLOCK_OLD_SOURCES:
		/* INCLUDE: Q(G,A*B).  EXCLUDE: (A-X-Y)=GT, Q(G,A-Y). */
		if (g->exclude)
			for (i = 0; i < n; i++)
				if (src_find(g, &b[i]) < 0)
					src_add(mb, g, &b[i], g->timer);
		for (i = 0; i < n; i++) {
			j = src_find(g, &b[i]);
			if (j >= 0 && g->src[j].timer)
				q[nq++] = b[i];
		}
		query_sources(mb, g, now, q, nq);
		break;
	}
	free(q);
}

static void group_expire(struct mb_if *mb, struct mb_group *g, uint64_t now)
{
	int j;

	if (g->v1_host && g->v1_host <= now)
		g->v1_host = 0;
	if (g->v2_host && g->v2_host <= now)
		g->v2_host = 0;
	for (j = g->nsrc - 1; j >= 0; j--) {
		struct mb_source *s = &g->src[j];

		if (!s->timer || s->timer > now)
			continue;
		/* §6.3: INCLUDE drops the source, EXCLUDE stops forwarding */
		if (g->exclude)
			s->timer = 0;
		else
			src_del(g, j);
	}
	/* §6.5: group timer expiry moves EXCLUDE to INCLUDE */
	if (g->exclude && g->timer && g->timer <= now) {
		for (j = g->nsrc - 1; j >= 0; j--)
			if (!g->src[j].timer)
				src_del(g, j);
		g->exclude = false;
		g->timer = 0;
	}
}

static void group_settle(struct mb_if *mb, struct mb_group *g, uint64_t now)
{
	struct mb_group **pp;

	group_queries(mb, g, now);
	group_sync(mb, g);
	if (g->exclude || g->nsrc)
		return;
	for (pp = &mb->groups; *pp; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			mb->ngroups--;
			group_free(g);
			return;
		}
	}
}

static bool addr_lower(const struct in6_addr *a, const struct in6_addr *b)
{
	/* Mapped IPv4 and link-local IPv6 both order correctly as bytes. */
	return memcmp(a, b, sizeof(*a)) < 0;
}

static void set_querier(struct mb_if *mb, bool q, const struct in6_addr *o)
{
	bool changed = mb->querier != q;

	mb->querier = q;
	if (o)
		mb->other_querier = *o;
	else
		memset(&mb->other_querier, 0, sizeof(mb->other_querier));
	if (changed && mb->ops->querier)
		mb->ops->querier(mb->ctx, q, o);
}

static void query_input(struct mb_if *mb, uint64_t now, const struct mc_msg *m)
{
	struct mb_group *g;
	uint64_t lmqt;
	uint16_t i;
	int j;

	mb->stats.queries_in++;
	if (mc_addr_is_any(&m->saddr) ||
	    !memcmp(&m->saddr, &mb->cfg.addr, sizeof(m->saddr))) {
		mb->stats.ignored++;
		return;
	}

	/* §6.6.2: the lowest address is querier. */
	if (mb->cfg.never_querier || mc_addr_is_any(&mb->cfg.addr) ||
	    addr_lower(&m->saddr, &mb->cfg.addr) ||
	    (!mb->querier &&
	     !memcmp(&m->saddr, &mb->other_querier, sizeof(m->saddr)))) {
		set_querier(mb, false, &m->saddr);
		mb->startup_left = 0;
		mb->next_general = 0;
		/* §4.1.6/§4.1.7: non-queriers adopt the querier's QRV, QQI */
		if (m->version == 3 ||
		    (m->family == AF_INET6 && m->version == 2)) {
			if (m->qrv)
				mb->qrv = m->qrv;
			if (m->qqi_s)
				mb->qi_ms = m->qqi_s * 1000;
		}
		mb->other_querier_timer = now + mb_oqpi(mb);
	}
	if (mb->querier)
		return;

	/* §6.6.1: a specific query with S clear lowers our timers too. */
	if (mc_addr_is_any(&m->group) || m->s_flag)
		return;
	g = mb_find(mb, &m->group);
	if (!g)
		return;
	lmqt = now + (uint64_t)(m->max_resp_ms ? m->max_resp_ms :
				 mb->cfg.lmq_interval_ms) * (m->qrv ? m->qrv : mb->qrv);
	if (!m->nsrc) {
		if (g->exclude && g->timer > lmqt)
			g->timer = lmqt;
		return;
	}
	for (i = 0; i < m->nsrc; i++) {
		j = src_find(g, &m->src[i]);
		if (j >= 0 && g->src[j].timer > lmqt)
			g->src[j].timer = lmqt;
	}
}

static bool group_usable(struct mb_if *mb, const struct in6_addr *g)
{
	/* Link-local groups are never routed; the kernel skips them too. */
	if (!mc_addr_is_mcast(g) || mc_addr_is_linklocal_group(g) ||
	    mc_addr_is_v4(g) != (mb->cfg.family == AF_INET)) {
		mb->stats.ignored++;
		return false;
	}
	return true;
}

static void note_reporter(struct mb_if *mb, const struct in6_addr *g,
			  const struct mc_msg *m, uint64_t now)
{
	struct mb_group *grp = mb_find(mb, g);

	if (grp) {
		grp->last_reporter = m->saddr;
		grp->last_report = now;
	}
}

void mb_input(struct mb_if *mb, uint64_t now, const struct mc_msg *m)
{
	struct mb_group *g;
	uint16_t r;

	if (m->family != mb->cfg.family)
		return;

	switch (m->type) {
	case MC_QUERY:
		query_input(mb, now, m);
		break;

	case MC_REPORT:
		/* §7.3.2: older reports are IS_EX({}) and start host timers */
		mb->stats.reports_in++;
		if (!group_usable(mb, &m->group))
			break;
		group_record(mb, now, MC_MODE_IS_EXCLUDE, &m->group, 0, NULL);
		g = mb_find(mb, &m->group);
		if (!g)
			break;
		if (m->version == 1)
			g->v1_host = now + ohpi(mb);
		else if (m->family == AF_INET)
			g->v2_host = now + ohpi(mb);
		note_reporter(mb, &m->group, m, now);
		break;

	case MC_LEAVE:
		/* TO_IN({}); ignored while IGMPv1 hosts are present */
		mb->stats.leaves_in++;
		if (!group_usable(mb, &m->group))
			break;
		g = mb_find(mb, &m->group);
		if (!g || (m->family == AF_INET && mb_group_compat(mb, g) == 1))
			break;
		group_record(mb, now, MC_CHANGE_TO_INCLUDE, &m->group, 0, NULL);
		break;

	case MC_REPORT_V3:
		mb->stats.reports_in++;
		for (r = 0; r < m->nrec; r++) {
			const struct mc_record *rec = &m->rec[r];
			uint8_t type = rec->type;
			uint16_t n = rec->nsrc;

			if (!group_usable(mb, &rec->group))
				continue;
			g = mb_find(mb, &rec->group);
			if (g && !v3_capable(mb, mb_group_compat(mb, g))) {
				/* §7.3.2: BLOCK ignored, TO_EX loses sources */
				if (type == MC_BLOCK_OLD_SOURCES)
					continue;
				if (type == MC_CHANGE_TO_EXCLUDE ||
				    type == MC_MODE_IS_EXCLUDE)
					n = 0;
			}
			group_record(mb, now, type, &rec->group, n, rec->src);
			note_reporter(mb, &rec->group, m, now);
		}
		break;
	}

	for (g = mb->groups; g;) {
		struct mb_group *next = g->next;

		group_settle(mb, g, now);
		g = next;
	}
}

void mb_tick(struct mb_if *mb, uint64_t now)
{
	struct mb_group *g, *next;

	if (!mb->querier && !mb->cfg.never_querier &&
	    mb->other_querier_timer && mb->other_querier_timer <= now) {
		/* §6.6.2: the other querier went away: take over. */
		mb->other_querier_timer = 0;
		mb->qrv = mb->cfg.robustness;
		mb->qi_ms = mb->cfg.query_interval_ms;
		set_querier(mb, true, NULL);
		mb->next_general = now;
	}
	if (mb->querier && mb->next_general && mb->next_general <= now) {
		send_query(mb, mb->cfg.version, NULL,
			   mb->cfg.query_response_ms, false, 0, NULL);
		/* §8.6/§8.7: startup queries come at a quarter interval */
		if (mb->startup_left > 1) {
			mb->startup_left--;
			mb->next_general = now + mb->qi_ms / 4;
		} else {
			mb->startup_left = 0;
			mb->next_general = now + mb->qi_ms;
		}
	}

	for (g = mb->groups; g; g = next) {
		next = g->next;
		group_expire(mb, g, now);
		group_settle(mb, g, now);
	}
}

static uint64_t earlier(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

uint64_t mb_next_event(const struct mb_if *mb)
{
	const struct mb_group *g;
	uint64_t t = 0;
	uint16_t i;

	if (mb->querier)
		t = earlier(t, mb->next_general);
	else if (!mb->cfg.never_querier)
		t = earlier(t, mb->other_querier_timer);
	for (g = mb->groups; g; g = g->next) {
		t = earlier(t, g->next_query);
		t = earlier(t, g->v1_host);
		t = earlier(t, g->v2_host);
		if (g->exclude)
			t = earlier(t, g->timer);
		for (i = 0; i < g->nsrc; i++)
			t = earlier(t, g->src[i].timer);
	}
	return t;
}
