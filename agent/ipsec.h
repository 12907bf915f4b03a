/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPsec keying: the VNOC view's peer sites -> one IKEv2 connection each in
 * strongSwan's charon (Documentation/agent.md, "IPsec keying").
 *
 * This file is the pure part, tested with cmocka: the [ipsec] settings,
 * the peer set and its reconcile step (view -> which connections to load,
 * reload or unload after the grace period), and the load-conn message of
 * one peer.  charon.c drives charon over VICI from the poll loop.
 *
 * The peers are exactly the view's: the VNOC lists every site this one
 * exchanges traffic with (next hops, and the origin or relay each route's
 * traffic arrives from), so the SA count follows the distribution trees.
 *
 * Each peer is on its own: a change of one peer's address, port or name
 * reloads that peer only; only a change of our own tunnel port touches
 * them all (it is in every traffic selector).
 */
#ifndef IVGMP_AGENT_IPSEC_H
#define IVGMP_AGENT_IPSEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"

struct conf;
struct json;
struct vici_buf;
struct vici_msg;

enum ipsec_mode {
	IPSEC_MODE_STRONGSWAN,	/* the agent keys SAs through charon */
	IPSEC_MODE_STATIC,	/* SAs set up by hand (labs) */
	IPSEC_MODE_NONE,	/* no IPsec at all (tests) */
};

#define IPSEC_DEFAULT_VICI	"/run/charon.vici"
#define IPSEC_DEFAULT_IKE_PROPOSALS	"aes128gcm16-prfsha256-x25519"
#define IPSEC_DEFAULT_ESP_PROPOSALS	"aes128gcm16-x25519"

struct ipsec_config {
	enum ipsec_mode mode;
	char *vici;			/* charon's VICI Unix socket */
	char *ike_proposals, *esp_proposals;
	uint32_t ike_rekey, child_rekey;	/* s */
	uint32_t grace;			/* s a departed peer stays loaded */
	uint32_t dpd;			/* s, IKE liveness checks */
	uint32_t retry;			/* s between reconnects/initiations */
	uint32_t timeout;		/* s charon may leave a request open */
};

void ipsec_config_defaults(struct ipsec_config *c);
/* The [ipsec] keys of an open file (lib/conf.h); 0 or -EINVAL. */
int ipsec_config_load(struct ipsec_config *c, struct conf *cf);
void ipsec_config_free(struct ipsec_config *c);
const char *ipsec_mode_name(enum ipsec_mode m);

/* X.520 ub-common-name; the VNOC refuses longer CNs */
#define IPSEC_NAME_MAX	64

/* One peer site as the VNOC view gives it. */
struct ipsec_peer_view {
	uint32_t id;
	char name[IPSEC_NAME_MAX + 1];	/* the CN of its certificate */
	struct ivgmp_addr addr;
	uint16_t port;			/* 0: the default tunnel port */
};

struct ipsec_view {
	uint32_t local_id;
	uint16_t local_port;		/* 0: the default tunnel port */
	size_t npeers;
	struct ipsec_peer_view *peers;
};

/* What charon says about a peer's SAs (list-sas and its events). */
struct ipsec_sa_info {
	bool present;			/* an IKE_SA exists */
	char ike_state[16];		/* ESTABLISHED, CONNECTING, ... */
	char ike_spi_i[17], ike_spi_r[17];
	uint64_t ike_established;	/* s, charon's "established" */
	char child_state[16];		/* INSTALLED, REKEYING, ... or "" */
	char spi_in[9], spi_out[9];
	uint64_t child_installed;	/* s, charon's "install-time" */
	char child_alg[48];		/* e.g. AES_GCM_16-128/CURVE_25519 */
	uint64_t read_at;		/* ms when the above was read */
};

struct ipsec_peer {
	struct ipsec_peer_view v;
	bool known;			/* v is filled (not a leftover) */
	bool initiator;			/* our site id is the lower */
	bool dirty;			/* charon's copy is missing or stale */
	bool loaded;			/* charon has it (or had it) */
	bool busy;			/* a request for it is in flight */
	bool changed;			/* loaded with an older view: restart */
	bool seen;			/* reconcile's mark */
	bool listed;			/* in the list-sas being read */
	uint64_t gone_at;		/* ms it left the view; 0: in it */
	uint64_t retry_at;		/* ms before which no new attempt */
	uint64_t initiated_at;		/* ms of our last initiate */
	unsigned int attempts;		/* initiations since an SA was up */
	uint64_t ike_rekeys, child_rekeys;
	uint64_t loads;
	char error[128];		/* charon's last complaint */
	struct ipsec_sa_info sa;
};

struct ipsec_set {
	uint32_t local_id;
	uint16_t local_port;
	bool have_view;
	size_t skipped;			/* peers of the last view left out */
	size_t n, cap;
	struct ipsec_peer *p;		/* sorted by id */
};

void ipsec_set_init(struct ipsec_set *s);
void ipsec_set_free(struct ipsec_set *s);
struct ipsec_peer *ipsec_find(struct ipsec_set *s, uint32_t id);
/* Adds a peer that charon has but we do not know (a previous agent's). */
struct ipsec_peer *ipsec_add_leftover(struct ipsec_set *s, uint32_t id,
				      uint64_t now);

/*
 * Applies a new view: new and changed peers become dirty, departed ones
 * start their grace period, returning ones end it.  Returns the number of
 * peers made dirty, or -EINVAL (nothing changed) for a view naming a peer
 * twice, or -ENOMEM.  A peer that cannot be keyed (ourselves, no unicast
 * address, a name that is no plain CN) is left out, as if not in the view,
 * and counted in s->skipped: the others are keyed all the same.
 */
int ipsec_reconcile(struct ipsec_set *s, const struct ipsec_view *v,
		    uint64_t now);
/*
 * Takes the peers whose grace ended out of the set: their ids into ids[]
 * (at most max), returns how many.  The caller unloads them.
 */
size_t ipsec_expire(struct ipsec_set *s, uint64_t now, uint64_t grace_ms,
		    uint32_t *ids, size_t max);
/* ms of the next grace end, 0: none. */
uint64_t ipsec_next_expiry(const struct ipsec_set *s, uint64_t grace_ms);

/* "ivgmp-<id>": the name of the IKE config and of its one child. */
void ipsec_conn_name(uint32_t id, char *buf, size_t size);
/* The id in such a name; false for any other name. */
bool ipsec_conn_id(const char *name, uint32_t *id);
/* A name usable in "CN=<name>" without quoting. */
bool ipsec_name_ok(const char *name);

/*
 * The load-conn request for peer p.  cert and ca are PEM text (ours and
 * the CA's, as the agent uses them for the VNOC).
 */
void ipsec_conn_build(struct vici_buf *b, const struct ipsec_config *c,
		      const struct ipsec_set *s, const struct ipsec_peer *p,
		      const char *cert, const char *ca);

/*
 * charon's SAs: one list-sa event ({ <ike name> = { state, SPIs,
 * child-sas = { ... } } }) read into its peer's sa (an established IKE_SA
 * and an installed child preferred, the younger of two: the new one while
 * rekeying) and marked listed; when the listing ends, ipsec_sas_listed()
 * clears the SAs of peers it did not name.  Events (ike-rekey, child-rekey,
 * *-updown) name the IKE config at the top level: ipsec_count_event()
 * counts the rekeys and returns how many of our peers the event named.
 */
void ipsec_read_sa(struct ipsec_set *s, const struct vici_msg *m,
		   uint64_t now);
void ipsec_sas_listed(struct ipsec_set *s);
int ipsec_count_event(struct ipsec_set *s, const char *name,
		      const struct vici_msg *m);

/* Text and JSON status of every peer. */
void ipsec_peers_status(const struct ipsec_set *s, uint64_t now, FILE *f);
void ipsec_peers_json(const struct ipsec_set *s, uint64_t now,
		      struct json *j);

#endif
