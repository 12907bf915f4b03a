// SPDX-License-Identifier: GPL-2.0
/* The agent's configuration file: every key, and what is refused. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "agent.h"

static char path[64];
static struct agent_config C;

static int load(const char *text)
{
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/ivgmp-agent-conf.%d", getpid());
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	config_free(&C);
	config_defaults(&C);
	return config_load(&C, path);
}

static int teardown(void **s)
{
	config_free(&C);
	unlink(path);
	return 0;
}

static void t_defaults(void **s)
{
	assert_int_equal(load("[site]\nlan = eth1\n"), 0);
	assert_int_equal(C.nlans, 1);
	assert_string_equal(C.lans[0].name, "eth1");
	assert_int_equal(C.lans[0].vpn, 1);
	assert_true(C.querier);
	assert_int_equal(C.igmp_version, 3);
	assert_int_equal(C.mld_version, 2);
	assert_int_equal(C.query_interval, 125);
	assert_int_equal(C.query_response_ms, 10000);
	assert_int_equal(C.sender_silence, 30);
	assert_int_equal(C.announce_port, 7655);
	assert_true(C.vnoc_verify_host);
	assert_null(C.vnoc_url);
	assert_true(C.ipsec_block);
	assert_int_equal(C.ipsec_block_priority, 4000000);
	assert_false(C.ipsec_block_remove);
	/* no IPsec at all: no block, unless asked for */
	assert_int_equal(load("[site]\nlan = eth1\n[ipsec]\nmode = none\n"), 0);
	assert_false(C.ipsec_block);
	assert_int_equal(load("[site]\nlan = eth1\n[ipsec]\nmode = none\n"
			      "block = yes\n"), 0);
	assert_true(C.ipsec_block);
	assert_int_equal(load("[site]\nlan = eth1\n[ipsec]\nmode = static\n"), 0);
	assert_true(C.ipsec_block);
}

static void t_everything(void **s)
{
	assert_int_equal(load(
		"[site]\nid = 7\nvpn = 3\nlan = eth1\nlan = eth2:9\n"
		"prefix = 10.1.0.0/16\nprefix = fd00::/8\n"
		"[membership]\nquerier = no\nigmp_version = 2\n"
		"mld_version = 1\nrobustness = 3\nquery_interval = 60\n"
		"query_response_interval = 5\nlast_member_query_ms = 500\n"
		"max_groups = 10\n"
		"[senders]\nsilence = 9\ncounter_interval = 2\n"
		"[multisubnet]\nsubscribe = 239.1.1.1\nsubscribe = ff3e::1\n"
		"announce = off\nannounce_port = 9999\n"
		"announce_max_lifetime = 100\n"
		"[vnoc]\nurl = https://v:1/\ncert = /c\nkey = /k\nca = /a\n"
		"verify_host = no\ntimeout = 3\npoll_wait = 0\n"
		"backoff_min = 2\nbackoff_max = 9\n"
		"[usage]\ninterval = 30\nspool = /s\n"
		"[ipsec]\nblock = no\nblock_priority = 5000000\n"
		"block_remove_on_exit = yes\n"
		"[paths]\ncontrol = /ctl\npidfile = /pid\n"), 0);
	assert_false(C.ipsec_block);
	assert_int_equal(C.ipsec_block_priority, 5000000);
	assert_true(C.ipsec_block_remove);
	assert_int_equal(C.site_id, 7);
	assert_int_equal(C.lans[0].vpn, 3);
	assert_string_equal(C.lans[1].name, "eth2");
	assert_int_equal(C.lans[1].vpn, 9);
	assert_int_equal(C.nprefixes, 2);
	assert_false(C.querier);
	assert_int_equal(C.robustness, 3);
	assert_int_equal(C.query_response_ms, 5000);
	assert_int_equal(C.lmq_interval_ms, 500);
	assert_int_equal(C.nsubscribe, 2);
	assert_false(C.announce);
	assert_string_equal(C.vnoc_url, "https://v:1/");
	assert_int_equal(C.nvnoc_urls, 1);
	assert_false(C.vnoc_verify_host);
	assert_int_equal(C.vnoc_poll_wait, 0);
	assert_int_equal(C.backoff_max, 9);
	assert_string_equal(C.file_spool, "/s");
	assert_string_equal(C.file_ctl, "/ctl");
}

static void t_refused(void **s)
{
	static const char *const bad[] = {
		"[site]\nlan = eth1\nlan = eth1\n",		/* twice */
		"[site]\nlan = eth1:0\n",			/* VPN 0 */
		"[site]\nlan = eth1:x\n",
		"[site]\nlan = a/b\n",
		"[site]\nlan = this-name-is-too-long\n",
		"[site]\nlan = eth1\nbogus = 1\n",		/* unknown key */
		"[site]\nlan = eth1\n[membership]\nrobustness = 8\n",
		"[site]\nlan = eth1\n[membership]\nigmp_version = 4\n",
		"[site]\nlan = eth1\n[membership]\nquery_interval = 10\n"
		"query_response_interval = 10\n",		/* QRI >= QI */
		"[site]\nlan = eth1\n[multisubnet]\nsubscribe = 10.0.0.1\n",
		"[site]\nlan = eth1\n[multisubnet]\nsubscribe = 224.0.0.5\n",
		"[site]\nlan = eth1\n[multisubnet]\nannounce_max_lifetime = 100000\n",
		"[site]\nlan = eth1\n[vnoc]\ntimeout = 0\n",
		"[site]\nlan = eth1\nprefix = 10.1.2.3/8\n",	/* host bits */
		"[site]\nlan = eth1\n[membership]\nquerier = maybe\n",
		/* 0 would outrank the IKE daemon's policies */
		"[site]\nlan = eth1\n[ipsec]\nblock_priority = 0\n",
		"[site]\nlan = eth1\n[ipsec]\nblock = maybe\n",
		/* VNOC URLs: no scheme, another scheme, twice, too many */
		"[site]\nlan = eth1\n[vnoc]\nurl = v:1\n",
		"[site]\nlan = eth1\n[vnoc]\nurl = ftp://v/\n",
		"[site]\nlan = eth1\n[vnoc]\nurl = https://\n",
		"[site]\nlan = eth1\n[vnoc]\nurl = https://a/ https://a/\n",
		"[site]\nlan = eth1\n[vnoc]\nurl = https://a/\nurl = https://a/\n",
		"[site]\nlan = eth1\n[vnoc]\nurl = https://1/ https://2/ "
		"https://3/ https://4/ https://5/ https://6/ https://7/ "
		"https://8/ https://9/\n",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (load(bad[i]) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
	}
}

/* IPsec keying needs the certificate the VNOC client uses. */
static void t_ipsec(void **s)
{
	assert_int_equal(load("[site]\nlan = eth1\n[vnoc]\nurl = https://v:1/\n"),
			 -EINVAL);
	assert_int_equal(load("[site]\nlan = eth1\n[vnoc]\nurl = https://v:1/\n"
			      "[ipsec]\nmode = static\n"), 0);
	assert_int_equal(C.ipsec.mode, IPSEC_MODE_STATIC);
	assert_int_equal(load("[site]\nlan = eth1\n[vnoc]\nurl = https://v:1/\n"
			      "cert = /c\nca = /a\n[ipsec]\ngrace = 5\n"), 0);
	assert_int_equal(C.ipsec.mode, IPSEC_MODE_STRONGSWAN);
	assert_int_equal(C.ipsec.grace, 5);
	/* no VNOC: nothing to key, nothing needed */
	assert_int_equal(load("[site]\nlan = eth1\n"), 0);
	assert_int_equal(load("[site]\nlan = eth1\n[ipsec]\nmode = ipsec\n"),
			 -EINVAL);
}

/* Several VNOCs: one line or several, tried in the order given. */
static void t_vnoc_list(void **s)
{
	assert_int_equal(load("[site]\nlan = eth1\n[vnoc]\n"
			      "url = https://a:1/ https://b:2/,https://c/\n"
			      "url = \"http://d/\"\n[ipsec]\nmode = none\n"), 0);
	assert_int_equal(C.nvnoc_urls, 4);
	assert_string_equal(C.vnoc_urls[0], "https://a:1/");
	assert_string_equal(C.vnoc_urls[1], "https://b:2/");
	assert_string_equal(C.vnoc_urls[2], "https://c/");
	assert_string_equal(C.vnoc_urls[3], "http://d/");
	assert_ptr_equal(C.vnoc_url, C.vnoc_urls[0]);
	/* the message names the bad URL, not just the line */
	assert_int_equal(load("[vnoc]\nurl = https://a/ b:2\n"), -EINVAL);
	assert_int_equal(C.nvnoc_urls, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(t_defaults, teardown),
		cmocka_unit_test_teardown(t_everything, teardown),
		cmocka_unit_test_teardown(t_refused, teardown),
		cmocka_unit_test_teardown(t_ipsec, teardown),
		cmocka_unit_test_teardown(t_vnoc_list, teardown),
	};

	return cmocka_run_group_tests_name("agent-config", tests, NULL, NULL);
}
