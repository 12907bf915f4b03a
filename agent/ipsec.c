// SPDX-License-Identifier: GPL-2.0
/* IPsec keying, the pure part: settings, peer set, reconcile (ipsec.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "ipsec.h"
#include "json.h"
#include "vici.h"

#include <uapi/linux/ivgmp.h>

/* ------------------------------------------------------------ settings */

void ipsec_config_defaults(struct ipsec_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = IPSEC_MODE_STRONGSWAN;
	c->ike_rekey = 4 * 3600;
	c->child_rekey = 3600;
	c->grace = 60;
	c->dpd = 30;
	c->retry = 10;
	c->timeout = 120;
}

void ipsec_config_free(struct ipsec_config *c)
{
	free(c->vici);
	free(c->ike_proposals);
	free(c->esp_proposals);
	c->vici = c->ike_proposals = c->esp_proposals = NULL;
}

const char *ipsec_mode_name(enum ipsec_mode m)
{
	switch (m) {
	case IPSEC_MODE_STRONGSWAN:
		return "strongswan";
	case IPSEC_MODE_STATIC:
		return "static";
	case IPSEC_MODE_NONE:
		return "none";
	}
	return "?";
}

static int get_str(struct conf *cf, const char *key, char **dst)
{
	const char *s;
	int r = conf_get_str(cf, "ipsec", key, &s);

	if (r <= 0)
		return r;
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : -ENOMEM;
}

static int get_u32(struct conf *cf, const char *key, uint64_t min,
		   uint64_t max, uint32_t *dst)
{
	uint64_t v;
	int r = conf_get_uint(cf, "ipsec", key, min, max, &v);

	if (r > 0)
		*dst = (uint32_t)v;
	return r < 0 ? r : 0;
}

/* A proposal list goes to charon verbatim: letters, digits, '-' and ','. */
static int check_proposals(struct conf *cf, const char *key, const char *v)
{
	size_t i;

	if (!v)
		return 0;
	for (i = 0; v[i]; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
		      (v[i] >= '0' && v[i] <= '9') || v[i] == '-' ||
		      v[i] == ','))
			break;
	if (i && !v[i] && v[0] != ',' && v[i - 1] != ',' &&
	    !strstr(v, ",,"))
		return 0;
	return conf_error(cf, NULL, "[ipsec] %s: \"%s\" is not a proposal "
			  "list (e.g. aes128gcm16-x25519,aes256gcm16-x448)",
			  key, v);
}

int ipsec_config_load(struct ipsec_config *c, struct conf *cf)
{
	const char *mode;
	int r;

	r = conf_get_str(cf, "ipsec", "mode", &mode);
	if (r < 0)
		return r;
	if (r) {
		if (!strcmp(mode, "strongswan"))
			c->mode = IPSEC_MODE_STRONGSWAN;
		else if (!strcmp(mode, "static"))
			c->mode = IPSEC_MODE_STATIC;
		else if (!strcmp(mode, "none"))
			c->mode = IPSEC_MODE_NONE;
		else
			return conf_error(cf, NULL, "[ipsec] mode: \"%s\" is "
					  "not strongswan, static or none",
					  mode);
	}
	if (get_str(cf, "vici_socket", &c->vici) ||
	    get_str(cf, "ike_proposals", &c->ike_proposals) ||
	    get_str(cf, "esp_proposals", &c->esp_proposals))
		return -EINVAL;
	if (check_proposals(cf, "ike_proposals", c->ike_proposals) ||
	    check_proposals(cf, "esp_proposals", c->esp_proposals))
		return -EINVAL;
	/* rekey below a minute would keep charon busy rekeying */
	if (get_u32(cf, "ike_rekey", 60, 30 * 86400, &c->ike_rekey) ||
	    get_u32(cf, "child_rekey", 60, 30 * 86400, &c->child_rekey) ||
	    get_u32(cf, "grace", 0, 86400, &c->grace) ||
	    get_u32(cf, "dpd", 0, 3600, &c->dpd) ||
	    get_u32(cf, "retry", 1, 3600, &c->retry) ||
	    get_u32(cf, "timeout", 1, 3600, &c->timeout))
		return -EINVAL;
	if (c->vici && c->vici[0] != '/')
		return conf_error(cf, NULL, "[ipsec] vici_socket: \"%s\" is "
				  "not an absolute path", c->vici);
	return 0;
}

/* ------------------------------------------------------------ peer set */

void ipsec_set_init(struct ipsec_set *s)
{
	memset(s, 0, sizeof(*s));
}

void ipsec_set_free(struct ipsec_set *s)
{
	free(s->p);
	ipsec_set_init(s);
}

static size_t lower_bound(const struct ipsec_set *s, uint32_t id)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->p[mid].v.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct ipsec_peer *ipsec_find(struct ipsec_set *s, uint32_t id)
{
	size_t i = lower_bound(s, id);

	return i < s->n && s->p[i].v.id == id ? &s->p[i] : NULL;
}

static struct ipsec_peer *insert(struct ipsec_set *s, uint32_t id)
{
	size_t i = lower_bound(s, id);
	struct ipsec_peer *p;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;

		p = realloc(s->p, cap * sizeof(*p));
		if (!p)
			return NULL;
		s->p = p;
		s->cap = cap;
	}
	memmove(&s->p[i + 1], &s->p[i], (s->n - i) * sizeof(*p));
	s->n++;
	p = &s->p[i];
	memset(p, 0, sizeof(*p));
	p->v.id = id;
	return p;
}

struct ipsec_peer *ipsec_add_leftover(struct ipsec_set *s, uint32_t id,
				      uint64_t now)
{
	struct ipsec_peer *p = ipsec_find(s, id);

	if (p)
		return p;
	p = insert(s, id);
	if (p) {
		/* charon has it: unloaded after the grace period unless the
		 * view wants it (the first view decides: not before) */
		p->loaded = true;
		if (s->have_view)
			p->gone_at = now ? now : 1;
	}
	return p;
}

bool ipsec_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	/* what charon parses as one RDN value without quotes */
	if (!n || n > IPSEC_NAME_MAX || name[0] == ' ' || name[n - 1] == ' ')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_' || c == ' ' || c == '@'))
			return false;
	}
	return true;
}

static bool view_equal(const struct ipsec_peer_view *a,
		       const struct ipsec_peer_view *b, uint16_t def)
{
	return !strcmp(a->name, b->name) && addr_equal(&a->addr, &b->addr) &&
	       (a->port ? a->port : def) == (b->port ? b->port : def);
}

static bool peer_ok(const struct ipsec_view *v,
		    const struct ipsec_peer_view *p)
{
	return p->id && p->id != v->local_id &&
	       memchr(p->name, 0, sizeof(p->name)) &&
	       ipsec_name_ok(p->name) && addr_is_unicast(&p->addr);
}

static int view_check(const struct ipsec_view *v)
{
	size_t i, j;

	/* views are small: a quadratic check is cheaper than a copy */
	for (i = 0; i < v->npeers; i++)
		for (j = 0; j < i; j++)
			if (v->peers[j].id == v->peers[i].id)
				return -EINVAL;
	return 0;
}

int ipsec_reconcile(struct ipsec_set *s, const struct ipsec_view *v,
		    uint64_t now)
{
	uint16_t port = v->local_port ? v->local_port : IVGMP_DEFAULT_PORT;
	uint16_t old = s->local_port ? s->local_port : IVGMP_DEFAULT_PORT;
	bool all = s->have_view && (port != old || v->local_id != s->local_id);
	size_t i;
	int dirty = 0;

	if (view_check(v))
		return -EINVAL;
	/* grow first, so that a failure leaves the set as it was */
	if (s->cap < s->n + v->npeers) {
		struct ipsec_peer *p = realloc(s->p, (s->n + v->npeers) *
					       sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->p = p;
		s->cap = s->n + v->npeers;
	}
	for (i = 0; i < s->n; i++)
		s->p[i].seen = false;
	s->skipped = 0;
	for (i = 0; i < v->npeers; i++) {
		const struct ipsec_peer_view *w = &v->peers[i];
		struct ipsec_peer *p;

		if (!peer_ok(v, w)) {
			s->skipped++;
			continue;
		}
		p = ipsec_find(s, w->id);
		if (!p)
			p = insert(s, w->id);
		if (!p->known || !view_equal(&p->v, w, IVGMP_DEFAULT_PORT) ||
		    all) {
			/* a loaded peer's SAs have the old selectors */
			if (p->known && p->loaded)
				p->changed = true;
			p->v = *w;
			p->known = true;
			if (!p->dirty)
				dirty++;
			p->dirty = true;
		}
		p->initiator = v->local_id && v->local_id < w->id;
		p->gone_at = 0;
		p->seen = true;
	}
	for (i = 0; i < s->n; i++) {
		struct ipsec_peer *p = &s->p[i];

		if (!p->seen && !p->gone_at)
			p->gone_at = now ? now : 1;
		p->seen = false;
	}
	s->local_id = v->local_id;
	s->local_port = v->local_port;
	s->have_view = true;
	return dirty;
}

size_t ipsec_expire(struct ipsec_set *s, uint64_t now, uint64_t grace_ms,
		    uint32_t *ids, size_t max)
{
	size_t i, o = 0, n = 0;

	for (i = 0; i < s->n; i++) {
		struct ipsec_peer *p = &s->p[i];

		if (p->gone_at && p->gone_at + grace_ms <= now && n < max &&
		    !p->busy) {
			ids[n++] = p->v.id;
			continue;
		}
		if (o != i)
			s->p[o] = *p;
		o++;
	}
	s->n = o;
	return n;
}

uint64_t ipsec_next_expiry(const struct ipsec_set *s, uint64_t grace_ms)
{
	uint64_t t = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct ipsec_peer *p = &s->p[i];

		if (p->gone_at && (!t || p->gone_at + grace_ms < t))
			t = p->gone_at + grace_ms;
	}
	return t;
}

void ipsec_conn_name(uint32_t id, char *buf, size_t size)
{
	snprintf(buf, size, "ivgmp-%" PRIu32, id);
}

bool ipsec_conn_id(const char *name, uint32_t *id)
{
	unsigned long long v = 0;
	const char *p;

	if (strncmp(name, "ivgmp-", 6) || !name[6] || name[6] == '0')
		return false;
	for (p = name + 6; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*id = (uint32_t)v;
	return true;
}

/* ------------------------------------------------- the connection */

static void list_of(struct vici_buf *b, const char *key, const char *csv)
{
	const char *p = csv;

	vici_list(b, key);
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		vici_item(b, p, n);
		p += n + (e ? 1 : 0);
	}
	vici_list_end(b);
}

/* A transport-mode selector: this host, UDP, one port. */
static void item_udp(struct vici_buf *b, uint16_t port)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "dynamic[udp/%u]", port);
	vici_item_str(b, buf);
}

void ipsec_conn_build(struct vici_buf *b, const struct ipsec_config *c,
		      const struct ipsec_set *s, const struct ipsec_peer *p,
		      const char *cert, const char *ca)
{
	uint16_t lport = s->local_port ? s->local_port : IVGMP_DEFAULT_PORT;
	uint16_t rport = p->v.port ? p->v.port : IVGMP_DEFAULT_PORT;
	char name[32], addr[ADDR_STRLEN];

	ipsec_conn_name(p->v.id, name, sizeof(name));
	vici_begin(b, VICI_CMD_REQUEST, "load-conn");
	vici_section(b, name);
	vici_kv_str(b, "version", "2");
	vici_list(b, "remote_addrs");
	vici_item_str(b, addr_ntop(&p->v.addr, addr, sizeof(addr)));
	vici_list_end(b);
	list_of(b, "proposals", c->ike_proposals ? c->ike_proposals :
		IPSEC_DEFAULT_IKE_PROPOSALS);
	vici_kv_fmt(b, "rekey_time", "%" PRIu32 "s", c->ike_rekey);
	vici_kv_fmt(b, "dpd_delay", "%" PRIu32 "s", c->dpd);
	/* the WAN addresses come from the view, never from MOBIKE */
	vici_kv_str(b, "mobike", "no");

	vici_section(b, "local");
	vici_kv_str(b, "auth", "pubkey");
	vici_list(b, "certs");
	vici_item_str(b, cert);
	vici_list_end(b);
	vici_section_end(b);

	/* the peer is its site only with its own certificate from our CA */
	vici_section(b, "remote");
	vici_kv_str(b, "auth", "pubkey");
	vici_kv_fmt(b, "id", "CN=%s", p->v.name);
	vici_list(b, "cacerts");
	vici_item_str(b, ca);
	vici_list_end(b);
	vici_section_end(b);

	vici_section(b, "children");
	vici_section(b, name);
	vici_kv_str(b, "mode", "transport");
	/*
	 * The kernel sends from its tunnel port to the peer's, and the peer
	 * back: one selector pair covers both directions, and nothing but
	 * the tunnel datagrams (IKE, ping stay outside).
	 */
	vici_list(b, "local_ts");
	item_udp(b, lport);
	vici_list_end(b);
	vici_list(b, "remote_ts");
	item_udp(b, rport);
	vici_list_end(b);
	/* a DH group in the ESP proposal: every CHILD rekey has PFS */
	list_of(b, "esp_proposals", c->esp_proposals ? c->esp_proposals :
		IPSEC_DEFAULT_ESP_PROPOSALS);
	vici_kv_fmt(b, "rekey_time", "%" PRIu32 "s", c->child_rekey);
	/*
	 * One side initiates, so the two never race into duplicate SAs.
	 * The initiator traps: a datagram before the SA (or after the
	 * peer dropped it) is held, never sent clear, and brings it up.
	 */
	vici_kv_str(b, "start_action", p->initiator ? "trap" : "none");
	vici_kv_str(b, "dpd_action", p->initiator ? "trap" : "clear");
	vici_kv_str(b, "close_action", p->initiator ? "trap" : "none");
	vici_section_end(b);
	vici_section_end(b);
	vici_section_end(b);
}

/* -------------------------------------------------- charon's SAs */

/* The better of two IKE_SAs or CHILD_SAs: established/installed, younger. */
static bool better(const char *state, uint64_t age, const char *good,
		   const char *cur_state, uint64_t cur_age, bool have)
{
	bool a = !strcmp(state, good), b = !strcmp(cur_state, good);

	if (!have || a != b)
		return !have || a;
	return age < cur_age;
}

static void read_child(const struct vici_msg *m, int ike,
		       struct ipsec_sa_info *sa)
{
	int cs = vici_find(m, ike, "child-sas"), c;
	bool have = false;

	sa->child_state[0] = 0;
	for (c = vici_first(m, cs); cs >= 0 && c >= 0; c = vici_next(m, c)) {
		char state[16], enc[24], ks[8], dh[24];
		uint64_t t = 0;

		if (m->el[c].type != VICI_SECTION_START ||
		    !vici_get(m, c, "state", state, sizeof(state)))
			continue;
		vici_get_u64(m, c, "install-time", &t);
		if (!better(state, t, "INSTALLED", sa->child_state,
			    sa->child_installed, have))
			continue;
		have = true;
		snprintf(sa->child_state, sizeof(sa->child_state), "%s",
			 state);
		sa->child_installed = t;
		if (!vici_get(m, c, "spi-in", sa->spi_in, sizeof(sa->spi_in)))
			strcpy(sa->spi_in, "?");
		if (!vici_get(m, c, "spi-out", sa->spi_out,
			      sizeof(sa->spi_out)))
			strcpy(sa->spi_out, "?");
		if (!vici_get(m, c, "encr-alg", enc, sizeof(enc)))
			strcpy(enc, "?");
		if (!vici_get(m, c, "encr-keysize", ks, sizeof(ks)))
			ks[0] = 0;
		/* the first CHILD_SA is keyed from the IKE_SA: no group;
		 * every rekey shows one (PFS) */
		if (!vici_get(m, c, "dh-group", dh, sizeof(dh)))
			dh[0] = 0;
		snprintf(sa->child_alg, sizeof(sa->child_alg), "%s%s%s%s%s",
			 enc, ks[0] ? "-" : "", ks, dh[0] ? "/" : "", dh);
	}
}

void ipsec_read_sa(struct ipsec_set *s, const struct vici_msg *m, uint64_t now)
{
	int ike;

	for (ike = vici_first(m, -1); ike >= 0; ike = vici_next(m, ike)) {
		struct ipsec_sa_info sa = { .present = true, .read_at = now };
		struct ipsec_peer *p;
		char name[64];
		uint32_t id;
		uint64_t t = 0;

		if (m->el[ike].type != VICI_SECTION_START ||
		    m->el[ike].name_len >= sizeof(name))
			continue;
		memcpy(name, m->el[ike].name, m->el[ike].name_len);
		name[m->el[ike].name_len] = 0;
		if (!ipsec_conn_id(name, &id))
			continue;
		p = ipsec_find(s, id);
		if (!p)
			continue;
		if (!vici_get(m, ike, "state", sa.ike_state,
			      sizeof(sa.ike_state)))
			continue;
		vici_get_u64(m, ike, "established", &t);
		sa.ike_established = t;
		/* rekeying: the old and the new IKE_SA; show the new */
		if (p->listed && !better(sa.ike_state, t, "ESTABLISHED",
					 p->sa.ike_state,
					 p->sa.ike_established, true))
			continue;
		if (!vici_get(m, ike, "initiator-spi", sa.ike_spi_i,
			      sizeof(sa.ike_spi_i)))
			strcpy(sa.ike_spi_i, "?");
		if (!vici_get(m, ike, "responder-spi", sa.ike_spi_r,
			      sizeof(sa.ike_spi_r)))
			strcpy(sa.ike_spi_r, "?");
		read_child(m, ike, &sa);
		p->sa = sa;
		p->listed = true;
		if (!strcmp(sa.child_state, "INSTALLED")) {
			p->attempts = 0;
			p->error[0] = 0;
		}
	}
}

/* The id of a top-level section named ivgmp-<id> that we have. */
static struct ipsec_peer *section_peer(struct ipsec_set *s,
				       const struct vici_msg *m, int i)
{
	char name[64];
	uint32_t id;

	if (m->el[i].type != VICI_SECTION_START ||
	    m->el[i].name_len >= sizeof(name))
		return NULL;
	memcpy(name, m->el[i].name, m->el[i].name_len);
	name[m->el[i].name_len] = 0;
	return ipsec_conn_id(name, &id) ? ipsec_find(s, id) : NULL;
}

void ipsec_sas_listed(struct ipsec_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!s->p[i].listed)
			memset(&s->p[i].sa, 0, sizeof(s->p[i].sa));
}

int ipsec_count_event(struct ipsec_set *s, const char *name,
		      const struct vici_msg *m)
{
	bool ike = !strcmp(name, "ike-rekey");
	bool child = !strcmp(name, "child-rekey");
	int i, n = 0;

	for (i = vici_first(m, -1); i >= 0; i = vici_next(m, i)) {
		struct ipsec_peer *p = section_peer(s, m, i);

		if (!p)
			continue;
		n++;
		if (ike)
			p->ike_rekeys++;
		if (child)
			p->child_rekeys++;
	}
	return n;
}

/* -------------------------------------------------------------- status */

static uint64_t age(const struct ipsec_sa_info *sa, uint64_t base,
		    uint64_t now)
{
	/* charon's seconds were true when read; they have grown since */
	return base + (now > sa->read_at ? (now - sa->read_at) / 1000 : 0);
}

void ipsec_peers_status(const struct ipsec_set *s, uint64_t now, FILE *f)
{
	char addr[ADDR_STRLEN];
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct ipsec_peer *p = &s->p[i];
		const struct ipsec_sa_info *sa = &p->sa;

		fprintf(f, "  peer %" PRIu32 " %s %s port %u: %s%s%s",
			p->v.id, p->known ? p->v.name : "?",
			p->known ? addr_ntop(&p->v.addr, addr, sizeof(addr)) :
			"?", p->v.port ? p->v.port : IVGMP_DEFAULT_PORT,
			p->initiator ? "initiator" : "responder",
			p->gone_at ? ", left the view" : "",
			!p->loaded ? ", not loaded" : p->dirty ? ", reloading" :
			"");
		if (p->error[0])
			fprintf(f, ", error: %s", p->error);
		fputc('\n', f);
		if (!sa->present) {
			fprintf(f, "    IKE none; rekeys IKE %" PRIu64
				" CHILD %" PRIu64 "\n", p->ike_rekeys,
				p->child_rekeys);
			continue;
		}
		fprintf(f, "    IKE %s spi %s_i %s_r age %" PRIu64
			" s, rekeys %" PRIu64 "\n", sa->ike_state,
			sa->ike_spi_i, sa->ike_spi_r,
			age(sa, sa->ike_established, now), p->ike_rekeys);
		if (sa->child_state[0])
			fprintf(f, "    CHILD %s spi in %s out %s %s age %"
				PRIu64 " s, rekeys %" PRIu64 "\n",
				sa->child_state, sa->spi_in, sa->spi_out,
				sa->child_alg, age(sa, sa->child_installed,
						   now), p->child_rekeys);
		else
			fprintf(f, "    CHILD none, rekeys %" PRIu64 "\n",
				p->child_rekeys);
	}
}

void ipsec_peers_json(const struct ipsec_set *s, uint64_t now,
		      struct json *j)
{
	char addr[ADDR_STRLEN];
	size_t i;

	json_arr_open(j, "peers");
	for (i = 0; i < s->n; i++) {
		const struct ipsec_peer *p = &s->p[i];
		const struct ipsec_sa_info *sa = &p->sa;

		json_obj_open(j, NULL);
		json_uint(j, "site", p->v.id);
		if (p->known) {
			json_str(j, "name", p->v.name);
			json_str(j, "address", addr_ntop(&p->v.addr, addr,
							 sizeof(addr)));
		}
		json_uint(j, "port", p->v.port ? p->v.port :
			  IVGMP_DEFAULT_PORT);
		json_bool(j, "initiator", p->initiator);
		json_bool(j, "in_view", !p->gone_at);
		json_bool(j, "loaded", p->loaded && !p->dirty);
		if (p->error[0])
			json_str(j, "error", p->error);
		json_obj_open(j, "ike");
		json_str(j, "state", sa->present ? sa->ike_state : "none");
		if (sa->present) {
			json_str(j, "spi_i", sa->ike_spi_i);
			json_str(j, "spi_r", sa->ike_spi_r);
			json_uint(j, "age", age(sa, sa->ike_established, now));
		}
		json_uint(j, "rekeys", p->ike_rekeys);
		json_obj_close(j);
		json_obj_open(j, "child");
		json_str(j, "state", sa->present && sa->child_state[0] ?
			 sa->child_state : "none");
		if (sa->present && sa->child_state[0]) {
			json_str(j, "spi_in", sa->spi_in);
			json_str(j, "spi_out", sa->spi_out);
			json_str(j, "algorithm", sa->child_alg);
			json_uint(j, "age", age(sa, sa->child_installed, now));
		}
		json_uint(j, "rekeys", p->child_rekeys);
		json_obj_close(j);
		json_obj_close(j);
	}
	json_arr_close(j);
}
