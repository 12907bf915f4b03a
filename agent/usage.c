// SPDX-License-Identifier: GPL-2.0
/* Usage accounting with a crash-safe spool (usage.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "usage.h"

#define SPOOL_MAGIC	"ivgmp-usage 1"
#define MAX_PENDING	10000

static void urec_free(struct urec *r)
{
	free(r->nh);
	r->nh = NULL;
	r->nnh = 0;
}

static void urecs_free(struct urec *r, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		urec_free(&r[i]);
	free(r);
}

static void report_free(struct ureport *p)
{
	urecs_free(p->rec, p->nrec);
	free(p);
}

static int urec_cmp(const void *a, const void *b)
{
	const struct urec *x = a, *y = b;
	struct ivgmp_route_info rx = { .vpn = x->vpn, .origin = x->origin,
				       .group = x->group, .source = x->source };
	struct ivgmp_route_info ry = { .vpn = y->vpn, .origin = y->origin,
				       .group = y->group, .source = y->source };

	return route_key_cmp(&rx, &ry);
}

/* What a route handled: sent by local senders, else received. */
void urec_from_route(struct urec *o, const struct ivgmp_route_info *r,
		     uint32_t local_site)
{
	uint32_t i;

	memset(o, 0, sizeof(*o));
	o->vpn = r->vpn;
	o->origin = r->origin;
	o->group = r->group;
	o->source = r->source;
	if (r->origin == local_site) {
		o->packets = r->stats.tx_packets;
		o->bytes = r->stats.tx_bytes;
	} else {
		o->packets = r->stats.rx_packets;
		o->bytes = r->stats.rx_bytes;
	}
	if (r->n_nexthops) {
		o->nh = calloc(r->n_nexthops, sizeof(*o->nh));
		if (!o->nh)
			return;
		for (i = 0; i < r->n_nexthops; i++) {
			o->nh[i].site = r->nexthops[i].site;
			o->nh[i].packets = r->nexthops[i].stats.tx_packets;
			o->nh[i].bytes = r->nexthops[i].stats.tx_bytes;
		}
		o->nnh = r->n_nexthops;
	}
}

static uint64_t delta(uint64_t now, uint64_t before)
{
	/* a smaller value means the counter restarted (module reloaded) */
	return now >= before ? now - before : now;
}

/* d = cur - base (base may be NULL: everything is new). */
static int urec_delta(struct urec *d, const struct urec *cur,
		      const struct urec *base)
{
	uint32_t i, j;

	*d = *cur;
	d->nh = NULL;
	d->nnh = 0;
	d->packets = delta(cur->packets, base ? base->packets : 0);
	d->bytes = delta(cur->bytes, base ? base->bytes : 0);
	if (!cur->nnh)
		return 0;
	d->nh = calloc(cur->nnh, sizeof(*d->nh));
	if (!d->nh)
		return -ENOMEM;
	for (i = 0; i < cur->nnh; i++) {
		const struct unh *b = NULL;

		for (j = 0; base && j < base->nnh; j++)
			if (base->nh[j].site == cur->nh[i].site)
				b = &base->nh[j];
		d->nh[d->nnh].site = cur->nh[i].site;
		d->nh[d->nnh].packets = delta(cur->nh[i].packets,
					      b ? b->packets : 0);
		d->nh[d->nnh].bytes = delta(cur->nh[i].bytes, b ? b->bytes : 0);
		if (d->nh[d->nnh].packets || d->nh[d->nnh].bytes)
			d->nnh++;
	}
	return 0;
}

static bool urec_empty(const struct urec *r)
{
	return !r->packets && !r->bytes && !r->nnh;
}

/* Add src's counters into dst (same key). */
static int urec_add(struct urec *dst, const struct urec *src)
{
	uint32_t i, j;
	struct unh *n;

	dst->packets += src->packets;
	dst->bytes += src->bytes;
	for (i = 0; i < src->nnh; i++) {
		for (j = 0; j < dst->nnh; j++)
			if (dst->nh[j].site == src->nh[i].site)
				break;
		if (j == dst->nnh) {
			n = realloc(dst->nh, (dst->nnh + 1) * sizeof(*n));
			if (!n)
				return -ENOMEM;
			dst->nh = n;
			memset(&n[j], 0, sizeof(n[j]));
			n[j].site = src->nh[i].site;
			dst->nnh++;
		}
		dst->nh[j].packets += src->nh[i].packets;
		dst->nh[j].bytes += src->nh[i].bytes;
	}
	return 0;
}

static int urec_copy(struct urec *dst, const struct urec *src)
{
	*dst = *src;
	dst->nh = NULL;
	if (src->nnh) {
		dst->nh = malloc(src->nnh * sizeof(*dst->nh));
		if (!dst->nh)
			return -ENOMEM;
		memcpy(dst->nh, src->nh, src->nnh * sizeof(*dst->nh));
	}
	return 0;
}

/* Merge the records into a report (matching keys add up). */
static int report_merge(struct ureport *p, const struct urec *r, uint32_t n)
{
	uint32_t i, j;
	struct urec *m;

	for (i = 0; i < n; i++) {
		for (j = 0; j < p->nrec; j++)
			if (!urec_cmp(&p->rec[j], &r[i]))
				break;
		if (j < p->nrec) {
			if (urec_add(&p->rec[j], &r[i]))
				return -ENOMEM;
			continue;
		}
		m = realloc(p->rec, (p->nrec + 1) * sizeof(*m));
		if (!m)
			return -ENOMEM;
		p->rec = m;
		if (urec_copy(&p->rec[p->nrec], &r[i]))
			return -ENOMEM;
		p->nrec++;
	}
	return 0;
}

/* ------------------------------------------------------------- spool */

static void put_rec(FILE *f, const char *tag, const struct urec *r)
{
	char g[ADDR_STRLEN], s[ADDR_STRLEN];
	uint32_t i;

	fprintf(f, "%s %u %s %s %u %" PRIu64 " %" PRIu64 " %u", tag, r->vpn,
		addr_ntop(&r->group, g, sizeof(g)),
		addr_ntop(&r->source, s, sizeof(s)), r->origin, r->packets,
		r->bytes, r->nnh);
	for (i = 0; i < r->nnh; i++)
		fprintf(f, " %u %" PRIu64 " %" PRIu64, r->nh[i].site,
			r->nh[i].packets, r->nh[i].bytes);
	fputc('\n', f);
}

int usage_save(struct usage *u)
{
	char tmp[4096];
	struct ureport *p;
	FILE *f;
	uint32_t i;
	int fd;

	if (!u->path)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", u->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		log_warn("usage spool %s", tmp);
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	fprintf(f, "%s\nseq %" PRIu64 "\n", SPOOL_MAGIC, u->next_seq);
	for (i = 0; i < u->nbase; i++)
		put_rec(f, "base", &u->base[i]);
	for (i = 0; i < u->ncarry; i++)
		put_rec(f, "carry", &u->carry[i]);
	for (p = u->pending; p; p = p->next) {
		fprintf(f, "report %" PRIu64 " %u %d\n", p->seq, p->nrec,
			p->attempted);
		for (i = 0; i < p->nrec; i++)
			put_rec(f, "route", &p->rec[i]);
	}
	fprintf(f, "end\n");
	if (fflush(f) || fsync(fileno(f)) || ferror(f)) {
		log_warn("usage spool %s", tmp);
		fclose(f);
		unlink(tmp);
		return -EIO;
	}
	fclose(f);
	if (rename(tmp, u->path)) {
		log_warn("usage spool %s", u->path);
		return -errno;
	}
	return 0;
}

static int get_rec(char *line, struct urec *r)
{
	char *save = NULL, *tok[8];
	unsigned long long pk, by;
	unsigned int i;
	char *end;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 8; i++) {
		tok[i] = strtok_r(i ? NULL : line, " \n", &save);
		if (!tok[i])
			return -EINVAL;
	}
	r->vpn = (uint32_t)strtoul(tok[1], &end, 10);
	if (*end || addr_parse(tok[2], AF_UNSPEC, &r->group))
		return -EINVAL;
	if (strcmp(tok[3], "*") && addr_parse(tok[3], AF_UNSPEC, &r->source))
		return -EINVAL;
	r->origin = (uint32_t)strtoul(tok[4], &end, 10);
	if (*end)
		return -EINVAL;
	r->packets = strtoull(tok[5], &end, 10);
	if (*end)
		return -EINVAL;
	r->bytes = strtoull(tok[6], &end, 10);
	if (*end)
		return -EINVAL;
	r->nnh = (uint32_t)strtoul(tok[7], &end, 10);
	if (*end || r->nnh > IVGMP_MAX_NEXTHOPS)
		return -EINVAL;
	if (r->nnh) {
		r->nh = calloc(r->nnh, sizeof(*r->nh));
		if (!r->nh)
			return -ENOMEM;
	}
	for (i = 0; i < r->nnh; i++) {
		char *s = strtok_r(NULL, " \n", &save);
		char *p = strtok_r(NULL, " \n", &save);
		char *b = strtok_r(NULL, " \n", &save);

		if (!s || !p || !b)
			goto bad;
		r->nh[i].site = (uint32_t)strtoul(s, &end, 10);
		if (*end)
			goto bad;
		pk = strtoull(p, &end, 10);
		if (*end)
			goto bad;
		by = strtoull(b, &end, 10);
		if (*end)
			goto bad;
		r->nh[i].packets = pk;
		r->nh[i].bytes = by;
	}
	if (strtok_r(NULL, " \n", &save))
		goto bad;
	return 0;
bad:
	urec_free(r);
	return -EINVAL;
}

static int append(struct urec **arr, uint32_t *n, const struct urec *r)
{
	struct urec *m = realloc(*arr, (*n + 1) * sizeof(*m));

	if (!m)
		return -ENOMEM;
	*arr = m;
	m[(*n)++] = *r;
	return 0;
}

/*
 * Reads the spool.  A spool cut short (no "end") returns -EINVAL but keeps
 * what is whole: the numbering, every report with all its routes, the
 * carried counts, and the baseline if a later section began after it.
 * Lines are whole only with their newline: a number cut in half must not
 * pass for a smaller one.
 */
static int load(struct usage *u, FILE *f)
{
	char line[65536];
	struct ureport *p = NULL, **tail = &u->pending;
	struct urec r;
	bool done = false, base_whole = false;
	uint32_t want = 0;
	unsigned int nrec;
	int att, err = 0;

	if (!fgets(line, sizeof(line), f) || strncmp(line, SPOOL_MAGIC,
						     strlen(SPOOL_MAGIC)))
		return -EBADMSG;
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "seq %" SCNu64, &u->next_seq) != 1 || !u->next_seq)
		return -EBADMSG;
	while (fgets(line, sizeof(line), f)) {
		if (!strchr(line, '\n'))
			break;
		if (!strcmp(line, "end\n")) {
			done = true;
			break;
		}
		if (!strncmp(line, "report ", 7)) {
			if (p && p->nrec != want)
				break;
			p = calloc(1, sizeof(*p));
			if (!p) {
				err = -ENOMEM;
				break;
			}
			if (sscanf(line, "report %" SCNu64 " %u %d", &p->seq,
				   &nrec, &att) != 3) {
				free(p);
				p = NULL;
				break;
			}
			base_whole = true;
			want = nrec;
			p->attempted = att;
			*tail = p;
			tail = &p->next;
			continue;
		}
		if (get_rec(line, &r))
			break;
		if (!strncmp(line, "base", 4) && !p && !u->ncarry) {
			if (append(&u->base, &u->nbase, &r)) {
				urec_free(&r);
				err = -ENOMEM;
				break;
			}
		} else if (!strncmp(line, "carry", 5) && !p) {
			base_whole = true;
			if (append(&u->carry, &u->ncarry, &r)) {
				urec_free(&r);
				err = -ENOMEM;
				break;
			}
		} else if (!strncmp(line, "route", 5) && p && p->nrec < want) {
			if (append(&p->rec, &p->nrec, &r)) {
				urec_free(&r);
				err = -ENOMEM;
				break;
			}
		} else {
			urec_free(&r);
			break;
		}
	}
	/* the last report may be short of routes: it is not trusted */
	if (p && p->nrec != want) {
		struct ureport **pp;

		for (pp = &u->pending; *pp != p; pp = &(*pp)->next)
			;
		*pp = NULL;
		log_warnx("usage: spool report %" PRIu64 " is cut short "
			  "(%u of %u routes): lost", p->seq, p->nrec, want);
		report_free(p);
		done = false;
	}
	if (!done && !base_whole && u->nbase) {
		/* a partial baseline would report old counts again */
		urecs_free(u->base, u->nbase);
		u->base = NULL;
		u->nbase = 0;
	}
	if (!done && !base_whole)
		u->rebase = true;
	if (u->nbase)
		qsort(u->base, u->nbase, sizeof(*u->base), urec_cmp);
	if (err)
		return err;
	return done ? 0 : -EINVAL;
}

static void clear(struct usage *u)
{
	struct ureport *p, *n;

	urecs_free(u->base, u->nbase);
	urecs_free(u->carry, u->ncarry);
	for (p = u->pending; p; p = n) {
		n = p->next;
		report_free(p);
	}
	u->base = u->carry = NULL;
	u->nbase = u->ncarry = 0;
	u->pending = NULL;
}

int usage_init(struct usage *u, const char *path)
{
	struct ureport *p;
	FILE *f;
	int err;

	memset(u, 0, sizeof(*u));
	u->next_seq = 1;
	u->path = path ? strdup(path) : NULL;
	if (!path)
		return 0;
	f = fopen(path, "re");
	if (!f) {
		if (errno != ENOENT) {
			log_warn("usage spool %s", path);
			return -errno;
		}
		/* a first start, or a lost spool: the VNOC will tell */
		u->spool_lost = true;
		return 0;
	}
	err = load(u, f);
	fclose(f);
	if (err) {
		char bad[4096];

		/* keep it for a human; never guess at billing data */
		snprintf(bad, sizeof(bad), "%s.corrupt", path);
		rename(path, bad);
		u->spool_lost = true;
		if (err != -EINVAL) {
			log_warnx("usage spool %s is corrupt, kept as %s; "
				  "starting afresh", path, bad);
			clear(u);
			u->next_seq = 1;
			u->rebase = false;
			return err;
		}
		for (p = u->pending; p; p = p->next)
			u->salvaged++;
		log_warnx("usage spool %s is cut short, kept as %s; salvaged "
			  "%" PRIu64 " whole unacknowledged report(s), %u "
			  "carried count(s) and %s; numbering from %" PRIu64
			  " until the VNOC confirms it", path, bad, u->salvaged,
			  u->ncarry, u->rebase ? "no baseline (routes not in "
			  "it start from their next reading)" : "the baseline",
			  u->next_seq);
		usage_save(u);
		return err;
	}
	/* sequence numbers never go back, even if the VNOC acked them all */
	log_info("usage: spool loaded, next report %" PRIu64, u->next_seq);
	return 0;
}

void usage_fini(struct usage *u)
{
	clear(u);
	free(u->path);
	u->path = NULL;
}

void usage_final(struct usage *u, const struct ivgmp_route_info *r,
		 uint32_t local)
{
	struct urec cur, d, *b;

	urec_from_route(&cur, r, local);
	b = u->nbase ? bsearch(&cur, u->base, u->nbase, sizeof(*u->base),
			       urec_cmp) : NULL;
	/* no baseline to count from: its counts are taken as reported */
	if (!b && u->rebase) {
		urec_free(&cur);
		return;
	}
	if (!urec_delta(&d, &cur, b) && !urec_empty(&d)) {
		if (append(&u->carry, &u->ncarry, &d))
			urec_free(&d);
	} else {
		urec_free(&d);
	}
	if (b) {
		/* the route is gone: so is its baseline */
		uint32_t i = (uint32_t)(b - u->base);

		urec_free(b);
		memmove(b, b + 1, (u->nbase - i - 1) * sizeof(*b));
		u->nbase--;
	}
	urec_free(&cur);
	usage_save(u);
}

void usage_nexthops_gone(struct usage *u, const struct ivgmp_route_info *gone,
			 uint32_t local)
{
	struct urec key, d, *b;
	uint32_t i, j;

	if (!gone->n_nexthops)
		return;
	urec_from_route(&key, gone, local);
	b = u->nbase ? bsearch(&key, u->base, u->nbase, sizeof(*u->base),
			       urec_cmp) : NULL;
	urec_free(&key);
	/* no baseline to count from: its counts are taken as reported */
	if (!b && u->rebase)
		return;
	memset(&d, 0, sizeof(d));
	d.vpn = gone->vpn;
	d.origin = gone->origin;
	d.group = gone->group;
	d.source = gone->source;
	d.nh = calloc(gone->n_nexthops, sizeof(*d.nh));
	if (!d.nh) {
		log_warnx("usage: out of memory: final counts of %u next "
			  "hop(s) lost", gone->n_nexthops);
		return;
	}
	for (i = 0; i < gone->n_nexthops; i++) {
		const struct ivgmp_nexthop_info *nh = &gone->nexthops[i];
		uint64_t bp = 0, bb = 0;

		for (j = 0; b && j < b->nnh; j++) {
			if (b->nh[j].site != nh->site)
				continue;
			bp = b->nh[j].packets;
			bb = b->nh[j].bytes;
			/* gone: if it comes back, it counts from 0 */
			b->nh[j] = b->nh[--b->nnh];
			break;
		}
		d.nh[d.nnh].site = nh->site;
		d.nh[d.nnh].packets = delta(nh->stats.tx_packets, bp);
		d.nh[d.nnh].bytes = delta(nh->stats.tx_bytes, bb);
		if (d.nh[d.nnh].packets || d.nh[d.nnh].bytes)
			d.nnh++;
	}
	if (!d.nnh || append(&u->carry, &u->ncarry, &d))
		urec_free(&d);
	usage_save(u);
}

int usage_collect(struct usage *u, const struct table *now,
		  uint32_t local)
{
	struct urec *cur, *d = NULL;
	struct ureport *p, *last = NULL, **tail;
	uint32_t nd = 0, i;
	int err = -ENOMEM;

	/*
	 * Without a spool we do not know what was reported: wait for the
	 * VNOC's lastSeq (the kernel keeps counting meanwhile).
	 */
	if (u->spool_lost && !u->synced)
		return 0;
	if (!now->nroutes && !u->ncarry)
		return 0;
	cur = calloc(now->nroutes + 1, sizeof(*cur));
	d = calloc(now->nroutes + u->ncarry + 1, sizeof(*d));
	if (!cur || !d)
		goto out;
	for (i = 0; i < now->nroutes; i++)
		urec_from_route(&cur[i], &now->routes[i], local);
	if (now->nroutes)
		qsort(cur, now->nroutes, sizeof(*cur), urec_cmp);
	for (i = 0; i < now->nroutes; i++) {
		const struct urec *b = u->nbase ?
			bsearch(&cur[i], u->base, u->nbase, sizeof(*u->base),
				urec_cmp) : NULL;

		/* counts of a route with no baseline may be reported already */
		if (!b && u->rebase)
			continue;
		if (urec_delta(&d[nd], &cur[i], b))
			goto out;
		if (urec_empty(&d[nd]))
			urec_free(&d[nd]);
		else
			nd++;
	}
	for (i = 0; i < u->ncarry; i++)
		d[nd++] = u->carry[i];

	if (nd) {
		for (p = u->pending; p; p = p->next)
			last = p;
		if (last && !last->attempted && !last->inflight) {
			/* not sent yet: fold in, keeps the spool bounded */
			p = last;
		} else {
			p = calloc(1, sizeof(*p));
			if (!p)
				goto out;
			p->seq = u->next_seq++;
			for (tail = &u->pending; *tail; tail = &(*tail)->next)
				;
			*tail = p;
		}
		if (report_merge(p, d, nd))
			goto out;
	}
	/* the new baseline is what the kernel says now */
	urecs_free(u->base, u->nbase);
	u->base = cur;
	u->nbase = (uint32_t)now->nroutes;
	cur = NULL;
	free(u->carry);		/* its records were moved into d */
	u->carry = NULL;
	u->ncarry = 0;
	u->reported += nd;
	if (u->rebase)
		log_warnx("usage: baseline taken from the kernel's counters; "
			  "what routes counted before it is not reported");
	u->rebase = false;
	err = usage_save(u);
	/* the carry records were moved into d, only free the rest */
	for (i = 0; i < nd; i++)
		urec_free(&d[i]);
	free(d);
	return err;
out:
	if (cur)
		urecs_free(cur, now->nroutes);
	free(d);
	return err;
}

struct ureport *usage_next(struct usage *u, uint64_t now)
{
	struct ureport *p = u->pending;

	/* in order: the VNOC's duplicate check needs increasing seqs */
	if (!u->synced || !p || p->inflight || p->retry_at > now)
		return NULL;
	p->inflight = true;
	p->attempted = true;
	usage_save(u);
	return p;
}

uint64_t usage_next_retry(const struct usage *u)
{
	const struct ureport *p = u->pending;

	if (!u->synced)
		return u->probing ? 0 : u->probe_retry_at ? u->probe_retry_at : 1;
	if (!p || p->inflight)
		return 0;
	return p->retry_at ? p->retry_at : 1;
}

static uint64_t retry_delay(uint32_t failures)
{
	uint64_t d = 1000;
	uint32_t i;

	for (i = 1; i < failures && d < 60000; i++)
		d *= 2;
	return d / 2 + (uint64_t)random() % (d / 2 + 1);
}

uint64_t usage_probe(struct usage *u, uint64_t now)
{
	uint64_t first = u->pending ? u->pending->seq : u->next_seq;

	if (u->synced || u->probing || u->probe_retry_at > now)
		return 0;
	u->probing = true;
	return first > 1 ? first - 1 : 1;
}

void usage_probe_done(struct usage *u, bool ok, bool duplicate,
		      uint64_t last_seq, uint64_t now)
{
	u->probing = false;
	if (!ok) {
		u->probe_failures++;
		u->probe_retry_at = now + retry_delay(u->probe_failures);
		return;
	}
	u->probe_failures = 0;
	u->probe_retry_at = 0;
	usage_resync(u, last_seq, !duplicate);
}

void usage_unsync(struct usage *u)
{
	u->synced = false;
	u->probe_failures = 0;
	u->probe_retry_at = 0;
}

void usage_resync(struct usage *u, uint64_t last, bool none_counted)
{
	/* a counted probe was our own number: the VNOC had none of ours */
	bool behind = !none_counted && last >= u->next_seq;
	struct ureport **pp = &u->pending, *p;
	uint64_t old_next = u->next_seq, from = 0, seq;
	uint32_t n = 0;

	u->vnoc_last = last;
	u->synced = true;
	if (behind && u->spool_lost && !u->nbase) {
		/* the kernel's counters include what the lost spool reported */
		u->rebase = true;
	}
	u->spool_lost = false;
	if (behind)
		log_warnx("usage: the VNOC has counted our reports up to %"
			  PRIu64 " but the spool's next number was %" PRIu64
			  " (spool lost, cut short or replaced): numbering "
			  "continues above %" PRIu64 "%s", last, old_next, last,
			  u->rebase ? "; routes' counters up to now are taken "
			  "as already reported" : "");
	/* sent reports the VNOC counted: their acknowledgement was lost */
	while ((p = *pp) && p->seq <= last && p->attempted && !behind &&
	       !none_counted && !p->inflight) {
		log_info("usage: report %" PRIu64 " was counted by the VNOC "
			 "(its last is %" PRIu64 "): acknowledged", p->seq, last);
		*pp = p->next;
		u->acked++;
		report_free(p);
	}
	/* any other number at or below last would be taken for a retry */
	if (u->pending && u->pending->seq <= last) {
		seq = last + 1;
		for (p = u->pending; p; p = p->next) {
			if (p->inflight)
				continue;
			if (!from)
				from = p->seq;
			p->seq = seq++;
			/* never sent under its new number: it may grow again */
			p->attempted = false;
			p->failures = 0;
			p->retry_at = 0;
			n++;
		}
		if (seq > u->next_seq)
			u->next_seq = seq;
		u->renumbered += n;
		log_warnx("usage: %u unacknowledged report(s) from number %"
			  PRIu64 " renumbered %" PRIu64 "..%" PRIu64
			  " so the VNOC counts them; none dropped", n, from,
			  last + 1, seq - 1);
	}
	if (u->next_seq <= last)
		u->next_seq = last + 1;
	usage_save(u);
}

void usage_duplicate(struct usage *u, uint64_t seq, uint64_t last)
{
	struct ureport *p = u->pending;

	if (!p || p->seq != seq)
		return;
	p->inflight = false;
	if (seq > last) {
		/* the VNOC contradicts itself: do not resend forever */
		log_warnx("usage: VNOC calls report %" PRIu64 " a duplicate "
			  "but its last is %" PRIu64 "; taken as counted",
			  seq, last);
		u->pending = p->next;
		u->acked++;
		report_free(p);
		usage_save(u);
		return;
	}
	usage_resync(u, last, false);
}

void usage_done(struct usage *u, uint64_t seq, enum usage_result res,
		uint64_t now, bool (*in_view)(struct urec *))
{
	struct ureport *p = u->pending;
	uint32_t i, o = 0;

	if (!p || p->seq != seq)
		return;
	p->inflight = false;
	switch (res) {
	case USAGE_ACKED:
		if (p->seq > u->vnoc_last)
			u->vnoc_last = p->seq;
		u->pending = p->next;
		u->acked++;
		report_free(p);
		break;
	case USAGE_REFUSED:
		/*
		 * A route or next hop left the view since it was counted.
		 * Retry once without them; a second refusal drops the report
		 * (the VNOC accepts usage only for its current view).
		 */
		for (i = 0; i < p->nrec; i++) {
			if (in_view && in_view(&p->rec[i]))
				p->rec[o++] = p->rec[i];
			else
				urec_free(&p->rec[i]);
		}
		if (p->refused_once || !o) {
			log_warnx("usage: VNOC refused report %" PRIu64
				  "; dropped (%u route(s))", p->seq, p->nrec);
			u->pending = p->next;
			u->dropped++;
			p->nrec = o;
			report_free(p);
			break;
		}
		p->nrec = o;
		p->refused_once = true;
		break;
	case USAGE_FAILED:
		p->failures++;
		p->retry_at = now + retry_delay(p->failures);
		break;
	}
	usage_save(u);
}

void usage_status(const struct usage *u, FILE *f)
{
	const struct ureport *p;
	unsigned int n = 0;

	for (p = u->pending; p; p = p->next)
		n++;
	fprintf(f, "usage: next seq %" PRIu64 ", %u report(s) pending, "
		"%" PRIu64 " acked, %" PRIu64 " dropped, %" PRIu64
		" renumbered, %" PRIu64 " salvaged, VNOC last %" PRIu64 " (%s), "
		"spool %s\n", u->next_seq, n, u->acked, u->dropped,
		u->renumbered, u->salvaged, u->vnoc_last,
		u->synced ? "in sync" : "checking",
		u->path ? u->path : "(none)");
}

void usage_status_json(const struct usage *u, struct json *j)
{
	const struct ureport *p;
	unsigned int n = 0;

	for (p = u->pending; p; p = p->next)
		n++;
	json_obj_open(j, "usage");
	json_uint(j, "next_seq", u->next_seq);
	json_uint(j, "pending", n);
	json_uint(j, "acked", u->acked);
	json_uint(j, "dropped", u->dropped);
	json_uint(j, "renumbered", u->renumbered);
	json_uint(j, "salvaged", u->salvaged);
	json_uint(j, "vnoc_last", u->vnoc_last);
	json_bool(j, "in_sync", u->synced);
	if (u->path)
		json_str(j, "spool", u->path);
	else
		json_null(j, "spool");
	json_obj_close(j);
}
