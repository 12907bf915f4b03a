// SPDX-License-Identifier: GPL-2.0
/*
 * IPsec keying, pure part: the reconcile step (VNOC view -> connections to
 * load, reload, unload after the grace period), the load-conn message of a
 * peer, connection names and the [ipsec] settings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "ipsec.h"
#include "json.h"
#include "vici.h"
#include "../lib/vici_golden.h"

#define GRACE	60000

static struct ipsec_peer_view pv(uint32_t id, const char *name,
				 const char *addr, uint16_t port)
{
	struct ipsec_peer_view v;

	memset(&v, 0, sizeof(v));
	v.id = id;
	snprintf(v.name, sizeof(v.name), "%s", name);
	assert_int_equal(addr_parse(addr, AF_UNSPEC, &v.addr), 0);
	v.port = port;
	return v;
}

/* What charon.c does once charon accepted every load. */
static void all_loaded(struct ipsec_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		s->p[i].dirty = false;
		s->p[i].loaded = true;
		s->p[i].changed = false;
	}
}

static struct ipsec_peer_view three[3];

static void setup_three(struct ipsec_set *s, struct ipsec_view *v)
{
	three[0] = pv(1, "site1", "192.0.2.1", 0);
	three[1] = pv(3, "site3", "192.0.2.3", 7654);
	three[2] = pv(5, "site 5.example", "2001:db8::5", 9000);
	memset(v, 0, sizeof(*v));
	v->local_id = 2;
	v->npeers = 3;
	v->peers = three;
	ipsec_set_init(s);
	assert_int_equal(ipsec_reconcile(s, v, 1000), 3);
}

static void test_add_peers(void **state)
{
	struct ipsec_set s;
	struct ipsec_view v;
	struct ipsec_peer *p;

	setup_three(&s, &v);
	assert_int_equal(s.n, 3);
	/* the lower site id initiates: we are 2 */
	p = ipsec_find(&s, 1);
	assert_non_null(p);
	assert_false(p->initiator);
	assert_true(p->dirty);
	assert_false(p->changed);
	assert_true(ipsec_find(&s, 3)->initiator);
	assert_true(ipsec_find(&s, 5)->initiator);
	assert_null(ipsec_find(&s, 2));
	/* the same view again: nothing to do */
	all_loaded(&s);
	assert_int_equal(ipsec_reconcile(&s, &v, 2000), 0);
	for (size_t i = 0; i < s.n; i++) {
		assert_false(s.p[i].dirty);
		assert_int_equal(s.p[i].gone_at, 0);
	}
	/* a new peer: only it is loaded */
	{
		struct ipsec_peer_view four[4] = { three[0], three[1],
						   three[2] };

		four[3] = pv(4, "site4", "192.0.2.4", 0);
		v.peers = four;
		v.npeers = 4;
		assert_int_equal(ipsec_reconcile(&s, &v, 3000), 1);
		assert_true(ipsec_find(&s, 4)->dirty);
		assert_false(ipsec_find(&s, 1)->dirty);
		assert_false(ipsec_find(&s, 3)->dirty);
		assert_false(ipsec_find(&s, 5)->dirty);
	}
	ipsec_set_free(&s);
}

/* A port change reloads (and restarts) that peer and no other. */
static void test_port_change_touches_one(void **state)
{
	struct ipsec_peer_view w[3];
	struct ipsec_set s;
	struct ipsec_view v;

	setup_three(&s, &v);
	all_loaded(&s);
	memcpy(w, three, sizeof(w));
	w[1].port = 7700;
	v.peers = w;
	assert_int_equal(ipsec_reconcile(&s, &v, 2000), 1);
	assert_true(ipsec_find(&s, 3)->dirty);
	assert_true(ipsec_find(&s, 3)->changed);
	assert_int_equal(ipsec_find(&s, 3)->v.port, 7700);
	assert_false(ipsec_find(&s, 1)->dirty);
	assert_false(ipsec_find(&s, 5)->dirty);
	assert_false(ipsec_find(&s, 1)->changed);
	assert_false(ipsec_find(&s, 5)->changed);

	/* port 0 means the default: 7654 -> 0 is no change */
	all_loaded(&s);
	w[1].port = 7654;
	assert_int_equal(ipsec_reconcile(&s, &v, 3000), 1);
	all_loaded(&s);
	w[1].port = 0;
	assert_int_equal(ipsec_reconcile(&s, &v, 4000), 0);

	/* an address or a name change is a change too */
	w[0] = pv(1, "site1", "192.0.2.11", 0);
	assert_int_equal(ipsec_reconcile(&s, &v, 5000), 1);
	all_loaded(&s);
	snprintf(w[2].name, sizeof(w[2].name), "renamed");
	assert_int_equal(ipsec_reconcile(&s, &v, 6000), 1);
	assert_true(ipsec_find(&s, 5)->changed);
	assert_false(ipsec_find(&s, 1)->dirty);
	ipsec_set_free(&s);
}

/* Our own port is in every selector: all reload. */
static void test_local_port_change_touches_all(void **state)
{
	struct ipsec_set s;
	struct ipsec_view v;
	size_t i;

	setup_three(&s, &v);
	all_loaded(&s);
	v.local_port = 7654;		/* the default, spelled out */
	assert_int_equal(ipsec_reconcile(&s, &v, 2000), 0);
	v.local_port = 7000;
	assert_int_equal(ipsec_reconcile(&s, &v, 3000), 3);
	for (i = 0; i < s.n; i++)
		assert_true(s.p[i].dirty && s.p[i].changed);
	ipsec_set_free(&s);
}

static void test_remove_with_grace(void **state)
{
	struct ipsec_set s;
	struct ipsec_view v;
	uint32_t ids[4];

	setup_three(&s, &v);
	all_loaded(&s);
	/* site 3 leaves the view at t = 10 s */
	v.peers = (struct ipsec_peer_view[]){ three[0], three[2] };
	v.npeers = 2;
	assert_int_equal(ipsec_reconcile(&s, &v, 10000), 0);
	assert_int_equal(ipsec_find(&s, 3)->gone_at, 10000);
	assert_false(ipsec_find(&s, 3)->dirty);
	assert_int_equal(ipsec_find(&s, 1)->gone_at, 0);
	assert_int_equal(ipsec_next_expiry(&s, GRACE), 10000 + GRACE);
	/* a later view without it does not restart the grace period */
	assert_int_equal(ipsec_reconcile(&s, &v, 20000), 0);
	assert_int_equal(ipsec_find(&s, 3)->gone_at, 10000);
	assert_int_equal(ipsec_expire(&s, 10000 + GRACE - 1, GRACE, ids, 4),
			 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(ipsec_expire(&s, 10000 + GRACE, GRACE, ids, 4), 1);
	assert_int_equal(ids[0], 3);
	assert_int_equal(s.n, 2);
	assert_null(ipsec_find(&s, 3));
	assert_non_null(ipsec_find(&s, 1));
	assert_non_null(ipsec_find(&s, 5));
	assert_int_equal(ipsec_next_expiry(&s, GRACE), 0);
	/* the others were never touched */
	assert_false(ipsec_find(&s, 1)->dirty);
	assert_false(ipsec_find(&s, 5)->dirty);

	/* back within the grace period: kept, not reloaded */
	v.peers = (struct ipsec_peer_view[]){ three[0] };
	v.npeers = 1;
	assert_int_equal(ipsec_reconcile(&s, &v, 100000), 0);
	assert_int_equal(ipsec_find(&s, 5)->gone_at, 100000);
	v.peers = three;
	v.npeers = 3;
	assert_int_equal(ipsec_reconcile(&s, &v, 100000 + GRACE - 1), 1);
	assert_int_equal(ipsec_find(&s, 5)->gone_at, 0);
	assert_false(ipsec_find(&s, 5)->dirty);
	assert_true(ipsec_find(&s, 3)->dirty);	/* new again */
	assert_int_equal(ipsec_expire(&s, 100000 + GRACE, GRACE, ids, 4), 0);
	ipsec_set_free(&s);
}

/* A peer that cannot be keyed is left out; the others are keyed. */
static void test_bad_peers(void **state)
{
	struct ipsec_peer_view w[6];
	struct ipsec_set s;
	struct ipsec_view v = { .local_id = 2, .peers = w, .npeers = 6 };

	ipsec_set_init(&s);
	w[0] = pv(1, "site1", "192.0.2.1", 0);
	w[1] = pv(3, "CN=evil,O=x", "192.0.2.3", 0);	/* DN injection */
	w[2] = pv(2, "me", "192.0.2.2", 0);		/* ourselves */
	w[3] = pv(4, "", "192.0.2.4", 0);		/* no name */
	w[4] = pv(5, "site5", "239.1.1.1", 0);		/* multicast */
	w[5] = pv(6, "q\"uote", "192.0.2.6", 0);
	assert_int_equal(ipsec_reconcile(&s, &v, 1000), 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.skipped, 5);
	assert_non_null(ipsec_find(&s, 1));

	/* a peer twice: the whole view is refused, nothing changes */
	w[1] = pv(1, "site1b", "192.0.2.9", 0);
	v.npeers = 2;
	all_loaded(&s);
	assert_int_equal(ipsec_reconcile(&s, &v, 2000), -EINVAL);
	assert_int_equal(s.n, 1);
	assert_false(ipsec_find(&s, 1)->dirty);
	assert_string_equal(ipsec_find(&s, 1)->v.name, "site1");
	ipsec_set_free(&s);
}

/* Connections a previous agent left in charon. */
static void test_leftovers(void **state)
{
	struct ipsec_peer_view w[1];
	struct ipsec_set s;
	struct ipsec_view v = { .local_id = 2, .peers = w, .npeers = 1 };
	struct ipsec_peer *p;

	ipsec_set_init(&s);
	/* before the first view nothing is judged */
	p = ipsec_add_leftover(&s, 7, 500);
	assert_true(p->loaded);
	assert_int_equal(p->gone_at, 0);
	ipsec_add_leftover(&s, 8, 500);
	assert_int_equal(ipsec_next_expiry(&s, GRACE), 0);
	/* the view wants 7: loaded again (charon keeps an equal config
	 * and its SAs), never restarted; 8 goes after the grace period */
	w[0] = pv(7, "site7", "192.0.2.7", 0);
	assert_int_equal(ipsec_reconcile(&s, &v, 1000), 1);
	p = ipsec_find(&s, 7);
	assert_true(p->known && p->dirty);
	assert_false(p->changed);
	assert_int_equal(ipsec_find(&s, 8)->gone_at, 1000);
	/* after the first view a leftover starts its grace at once */
	assert_int_equal(ipsec_add_leftover(&s, 9, 1500)->gone_at, 1500);
	ipsec_set_free(&s);
}

static void test_conn_names(void **state)
{
	char buf[32];
	uint32_t id = 0;

	ipsec_conn_name(4294967295u, buf, sizeof(buf));
	assert_string_equal(buf, "ivgmp-4294967295");
	assert_true(ipsec_conn_id(buf, &id));
	assert_int_equal(id, 4294967295u);
	assert_true(ipsec_conn_id("ivgmp-12", &id));
	assert_int_equal(id, 12);
	assert_false(ipsec_conn_id("ivgmp-", &id));
	assert_false(ipsec_conn_id("ivgmp-0", &id));
	assert_false(ipsec_conn_id("ivgmp-012", &id));
	assert_false(ipsec_conn_id("ivgmp-4294967296", &id));
	assert_false(ipsec_conn_id("ivgmp-1x", &id));
	assert_false(ipsec_conn_id("r1", &id));
	assert_true(ipsec_name_ok("site-1.example_2@x y"));
	assert_false(ipsec_name_ok(" lead"));
	assert_false(ipsec_name_ok("a+b"));
	assert_false(ipsec_name_ok("a=b"));
}

static const char *item(const struct vici_msg *m, const char *path,
			char *buf, size_t size)
{
	int l = vici_path(m, -1, path);

	assert_true(l >= 0);
	assert_int_equal(m->el[l].type, VICI_LIST_START);
	/* exactly one item */
	assert_int_equal(vici_next(m, vici_first(m, l)), -1);
	return vici_str(m, vici_first(m, l), buf, size);
}

static void test_conn_build(void **state)
{
	struct ipsec_config c;
	struct ipsec_set s;
	struct ipsec_view v;
	struct vici_buf b;
	struct vici_msg m;
	const uint8_t *msg;
	const char *name;
	size_t nl, ml;
	uint8_t type;
	char buf[128];
	int l;

	ipsec_config_defaults(&c);
	c.child_rekey = 1200;
	setup_three(&s, &v);
	vici_buf_init(&b);

	/* site 5: we initiate; its port 9000, ours the default */
	ipsec_conn_build(&b, &c, &s, ipsec_find(&s, 5), "CERT", "CA");
	assert_int_equal(vici_finish(&b), 0);
	assert_int_equal(vici_packet_split(b.data + 4, b.len - 4, &type,
					   &name, &nl, &msg, &ml), 0);
	assert_int_equal(type, VICI_CMD_REQUEST);
	assert_int_equal(nl, 9);
	assert_memory_equal(name, "load-conn", 9);
	assert_int_equal(vici_parse(msg, ml, &m), 0);
	/* one connection, named for the peer */
	assert_int_equal(vici_next(&m, vici_first(&m, -1)), -1);
	assert_string_equal(vici_str(&m, vici_path(&m, -1, "ivgmp-5.version"),
				     buf, sizeof(buf)), "2");
	assert_string_equal(item(&m, "ivgmp-5.remote_addrs", buf,
				 sizeof(buf)), "2001:db8::5");
	assert_string_equal(item(&m, "ivgmp-5.proposals", buf, sizeof(buf)),
			    IPSEC_DEFAULT_IKE_PROPOSALS);
	assert_string_equal(vici_str(&m, vici_path(&m, -1,
				     "ivgmp-5.rekey_time"), buf, sizeof(buf)),
			    "14400s");
	assert_string_equal(vici_str(&m, vici_path(&m, -1,
				     "ivgmp-5.local.auth"), buf, sizeof(buf)),
			    "pubkey");
	assert_string_equal(item(&m, "ivgmp-5.local.certs", buf, sizeof(buf)),
			    "CERT");
	assert_string_equal(vici_str(&m, vici_path(&m, -1,
				     "ivgmp-5.remote.id"), buf, sizeof(buf)),
			    "CN=site 5.example");
	assert_string_equal(item(&m, "ivgmp-5.remote.cacerts", buf,
				 sizeof(buf)), "CA");
	assert_string_equal(vici_str(&m, vici_path(&m, -1,
				     "ivgmp-5.children.ivgmp-5.mode"), buf,
				     sizeof(buf)), "transport");
	assert_string_equal(item(&m, "ivgmp-5.children.ivgmp-5.local_ts", buf,
				 sizeof(buf)), "dynamic[udp/7654]");
	assert_string_equal(item(&m, "ivgmp-5.children.ivgmp-5.remote_ts",
				 buf, sizeof(buf)), "dynamic[udp/9000]");
	assert_string_equal(item(&m, "ivgmp-5.children.ivgmp-5.esp_proposals",
				 buf, sizeof(buf)), "aes128gcm16-x25519");
	assert_string_equal(vici_str(&m, vici_path(&m, -1,
				     "ivgmp-5.children.ivgmp-5.rekey_time"),
				     buf, sizeof(buf)), "1200s");
	assert_string_equal(vici_str(&m, vici_path(&m, -1,
				     "ivgmp-5.children.ivgmp-5.start_action"),
				     buf, sizeof(buf)), "trap");
	vici_msg_free(&m);

	/* site 1: it initiates, we only respond; our port from the view;
	 * a proposal list becomes a VICI list */
	c.esp_proposals = strdup("aes256gcm16-x448,aes128gcm16-x25519");
	v.local_port = 7000;
	all_loaded(&s);
	assert_int_equal(ipsec_reconcile(&s, &v, 2000), 3);
	ipsec_conn_build(&b, &c, &s, ipsec_find(&s, 1), "CERT", "CA");
	assert_int_equal(vici_finish(&b), 0);
	assert_int_equal(vici_parse(b.data + 15, b.len - 15, &m), 0);
	assert_string_equal(vici_str(&m, vici_path(&m, -1,
				     "ivgmp-1.children.ivgmp-1.start_action"),
				     buf, sizeof(buf)), "none");
	assert_string_equal(vici_str(&m, vici_path(&m, -1,
				     "ivgmp-1.children.ivgmp-1.close_action"),
				     buf, sizeof(buf)), "none");
	assert_string_equal(item(&m, "ivgmp-1.children.ivgmp-1.local_ts", buf,
				 sizeof(buf)), "dynamic[udp/7000]");
	assert_string_equal(item(&m, "ivgmp-1.children.ivgmp-1.remote_ts",
				 buf, sizeof(buf)), "dynamic[udp/7654]");
	l = vici_path(&m, -1, "ivgmp-1.children.ivgmp-1.esp_proposals");
	assert_string_equal(vici_str(&m, vici_first(&m, l), buf, sizeof(buf)),
			    "aes256gcm16-x448");
	assert_string_equal(vici_str(&m, vici_next(&m, vici_first(&m, l)),
				     buf, sizeof(buf)), "aes128gcm16-x25519");
	vici_msg_free(&m);
	vici_buf_free(&b);
	ipsec_config_free(&c);
	ipsec_set_free(&s);
}

static int load(const char *text, struct ipsec_config *c)
{
	struct conf *cf;
	char err[256];
	int r;

	ipsec_config_defaults(c);
	assert_int_equal(conf_parse_string("t", text, &cf, err, sizeof(err)),
			 0);
	r = ipsec_config_load(c, cf);
	if (!r)
		r = conf_check_unused(cf);
	conf_free(cf);
	return r;
}

static void test_config(void **state)
{
	struct ipsec_config c;

	assert_int_equal(load("", &c), 0);
	assert_int_equal(c.mode, IPSEC_MODE_STRONGSWAN);
	assert_int_equal(c.grace, 60);
	ipsec_config_free(&c);
	assert_int_equal(load("[ipsec]\nmode = static\n", &c), 0);
	assert_int_equal(c.mode, IPSEC_MODE_STATIC);
	ipsec_config_free(&c);
	assert_int_equal(load("[ipsec]\nmode = none\nvici_socket = /tmp/x\n"
			      "ike_rekey = 3600\nchild_rekey = 600\n"
			      "grace = 0\ndpd = 0\nretry = 2\ntimeout = 9\n"
			      "esp_proposals = aes256gcm16-ecp384\n", &c), 0);
	assert_int_equal(c.mode, IPSEC_MODE_NONE);
	assert_string_equal(c.vici, "/tmp/x");
	assert_int_equal(c.ike_rekey, 3600);
	assert_int_equal(c.child_rekey, 600);
	assert_int_equal(c.grace, 0);
	assert_int_equal(c.retry, 2);
	assert_int_equal(c.timeout, 9);
	assert_string_equal(c.esp_proposals, "aes256gcm16-ecp384");
	ipsec_config_free(&c);
	assert_int_equal(load("[ipsec]\nmode = racoon\n", &c), -EINVAL);
	ipsec_config_free(&c);
	assert_int_equal(load("[ipsec]\nvici_socket = charon.vici\n", &c),
			 -EINVAL);
	ipsec_config_free(&c);
	assert_int_equal(load("[ipsec]\nchild_rekey = 10\n", &c), -EINVAL);
	ipsec_config_free(&c);
	assert_int_equal(load("[ipsec]\nesp_proposals = aes128gcm16,,x\n",
			      &c), -EINVAL);
	ipsec_config_free(&c);
	assert_int_equal(load("[ipsec]\nike_proposals = a b\n", &c), -EINVAL);
	ipsec_config_free(&c);
	assert_int_equal(load("[ipsec]\nesp_proposals = x,\n", &c), -EINVAL);
	ipsec_config_free(&c);
	assert_int_equal(load("[ipsec]\nrekey = 5\n", &c), -EINVAL);
	ipsec_config_free(&c);
}

/* charon's list-sa events into the peers' SA state. */
static void test_read_sa(void **state)
{
	struct ipsec_set s;
	struct ipsec_view v;
	struct ipsec_peer *p;
	struct vici_msg m;
	struct vici_buf b;

	setup_three(&s, &v);
	v.local_id = 1;		/* the capture is site A (1) with B (2) */
	three[0] = pv(2, "site-b", "192.0.2.2", 0);
	assert_true(ipsec_reconcile(&s, &v, 2000) >= 0);

	/* a real event: IKE_SA up, no CHILD_SA (that host had no ESP) */
	assert_int_equal(vici_parse(charon_list_sa + 9,
				    sizeof(charon_list_sa) - 9, &m), 0);
	ipsec_read_sa(&s, &m, 5000);
	vici_msg_free(&m);
	p = ipsec_find(&s, 2);
	assert_true(p->listed && p->sa.present);
	assert_string_equal(p->sa.ike_state, "ESTABLISHED");
	assert_string_equal(p->sa.ike_spi_i, "dc00245863931a3e");
	assert_string_equal(p->sa.ike_spi_r, "b590bed060c2bdbf");
	assert_string_equal(p->sa.child_state, "");
	assert_int_equal(p->sa.read_at, 5000);
	/* the listing ends: peers it did not name have no SA */
	ipsec_find(&s, 3)->sa.present = true;
	ipsec_sas_listed(&s);
	assert_true(ipsec_find(&s, 2)->sa.present);
	assert_false(ipsec_find(&s, 3)->sa.present);

	/* while a CHILD_SA rekeys: the installed, younger one is shown */
	vici_buf_init(&b);
	vici_begin(&b, VICI_EVENT, "list-sa");
	vici_section(&b, "ivgmp-3");
	vici_kv_str(&b, "state", "ESTABLISHED");
	vici_kv_str(&b, "established", "700");
	vici_kv_str(&b, "initiator-spi", "1111111111111111");
	vici_kv_str(&b, "responder-spi", "2222222222222222");
	vici_section(&b, "child-sas");
	vici_section(&b, "ivgmp-3-7");
	vici_kv_str(&b, "state", "REKEYED");
	vici_kv_str(&b, "spi-in", "aaaaaaaa");
	vici_kv_str(&b, "install-time", "600");
	vici_section_end(&b);
	vici_section(&b, "ivgmp-3-8");
	vici_kv_str(&b, "state", "INSTALLED");
	vici_kv_str(&b, "spi-in", "cccccccc");
	vici_kv_str(&b, "spi-out", "dddddddd");
	vici_kv_str(&b, "encr-alg", "AES_GCM_16");
	vici_kv_str(&b, "encr-keysize", "128");
	vici_kv_str(&b, "dh-group", "CURVE_25519");
	vici_kv_str(&b, "install-time", "3");
	vici_section_end(&b);
	vici_section_end(&b);
	vici_section_end(&b);
	/* not ours: ignored */
	vici_section(&b, "other");
	vici_kv_str(&b, "state", "ESTABLISHED");
	vici_section_end(&b);
	assert_int_equal(vici_finish(&b), 0);
	assert_int_equal(vici_parse(b.data + 13, b.len - 13, &m), 0);
	ipsec_read_sa(&s, &m, 6000);
	p = ipsec_find(&s, 3);
	assert_string_equal(p->sa.child_state, "INSTALLED");
	assert_string_equal(p->sa.spi_in, "cccccccc");
	assert_string_equal(p->sa.spi_out, "dddddddd");
	assert_string_equal(p->sa.child_alg, "AES_GCM_16-128/CURVE_25519");
	assert_int_equal(p->sa.child_installed, 3);
	assert_int_equal(p->sa.ike_established, 700);

	/* rekey events count per peer */
	assert_int_equal(ipsec_count_event(&s, "child-rekey", &m), 1);
	assert_int_equal(ipsec_count_event(&s, "child-rekey", &m), 1);
	assert_int_equal(ipsec_count_event(&s, "ike-rekey", &m), 1);
	assert_int_equal(p->child_rekeys, 2);
	assert_int_equal(p->ike_rekeys, 1);
	assert_int_equal(ipsec_find(&s, 2)->child_rekeys, 0);
	vici_msg_free(&m);
	vici_buf_free(&b);
	ipsec_set_free(&s);
}

/* Both printers show the same per-peer data; ages grow with the clock. */
static void test_status(void **state)
{
	struct ipsec_set s;
	struct ipsec_view v;
	struct ipsec_peer *p;
	struct json j;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	setup_three(&s, &v);
	all_loaded(&s);
	p = ipsec_find(&s, 3);
	p->sa.present = true;
	strcpy(p->sa.ike_state, "ESTABLISHED");
	strcpy(p->sa.ike_spi_i, "0123456789abcdef");
	strcpy(p->sa.ike_spi_r, "fedcba9876543210");
	p->sa.ike_established = 100;
	strcpy(p->sa.child_state, "INSTALLED");
	strcpy(p->sa.spi_in, "c1c2c3c4");
	strcpy(p->sa.spi_out, "d1d2d3d4");
	strcpy(p->sa.child_alg, "AES_GCM_16-128/CURVE_25519");
	p->sa.child_installed = 10;
	p->sa.read_at = 50000;
	p->ike_rekeys = 1;
	p->child_rekeys = 4;
	ipsec_find(&s, 5)->gone_at = 40000;

	f = open_memstream(&out, &len);
	ipsec_peers_status(&s, 55000, f);
	fclose(f);
	assert_non_null(strstr(out, "  peer 1 site1 192.0.2.1 port 7654: "
			       "responder\n    IKE none; rekeys IKE 0 CHILD 0\n"));
	assert_non_null(strstr(out, "  peer 3 site3 192.0.2.3 port 7654: "
			       "initiator\n    IKE ESTABLISHED spi "
			       "0123456789abcdef_i fedcba9876543210_r age 105 s, "
			       "rekeys 1\n    CHILD INSTALLED spi in c1c2c3c4 out "
			       "d1d2d3d4 AES_GCM_16-128/CURVE_25519 age 15 s, "
			       "rekeys 4\n"));
	assert_non_null(strstr(out, "peer 5 site 5.example 2001:db8::5 port "
			       "9000: initiator, left the view\n"));
	free(out);

	f = open_memstream(&out, &len);
	json_begin(&j, f);
	json_obj_open(&j, NULL);
	ipsec_peers_json(&s, 55000, &j);
	json_obj_close(&j);
	json_end(&j);
	fclose(f);
	assert_non_null(strstr(out, "{\"site\":3,\"name\":\"site3\","
			       "\"address\":\"192.0.2.3\",\"port\":7654,"
			       "\"initiator\":true,\"in_view\":true,"
			       "\"loaded\":true,\"ike\":{\"state\":"
			       "\"ESTABLISHED\",\"spi_i\":\"0123456789abcdef\","
			       "\"spi_r\":\"fedcba9876543210\",\"age\":105,"
			       "\"rekeys\":1},\"child\":{\"state\":\"INSTALLED\","
			       "\"spi_in\":\"c1c2c3c4\",\"spi_out\":\"d1d2d3d4\","
			       "\"algorithm\":\"AES_GCM_16-128/CURVE_25519\","
			       "\"age\":15,\"rekeys\":4}}"));
	assert_non_null(strstr(out, "\"site\":1,"));
	assert_non_null(strstr(out, "\"ike\":{\"state\":\"none\",\"rekeys\":0}"));
	assert_non_null(strstr(out, "\"in_view\":false"));
	free(out);
	ipsec_set_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_peers),
		cmocka_unit_test(test_port_change_touches_one),
		cmocka_unit_test(test_local_port_change_touches_all),
		cmocka_unit_test(test_remove_with_grace),
		cmocka_unit_test(test_bad_peers),
		cmocka_unit_test(test_leftovers),
		cmocka_unit_test(test_conn_names),
		cmocka_unit_test(test_conn_build),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_read_sa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
