// SPDX-License-Identifier: GPL-2.0
/*
 * ivgmp-agent: start-up and the poll loop.  The work is in the other files:
 * lan.c (snooping, queries), announce_srv.c, kernel.c, vnoc.c, usage.c,
 * ctl.c; the logic they share is in membership.c and groups.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "charon.h"
#include "cli.h"
#include "log.h"
#include "loop.h"
#include "vnoc.h"

#define LAN_RETRY_MS	5000

static struct agent the_agent;
struct agent *agent = &the_agent;

static const char *conf_path = AGENT_DEFAULT_CONF;
static const char *ctl_path, *pid_path, *spool_path;
static uint64_t lan_retry_at, usage_at;

static const char usage_text[] =
	"usage: ivgmp-agent [-dFKnv] [-f config] [-s control-socket]\n"
	"                   [-P pidfile] [-S usage-spool]\n"
	"       ivgmp-agent [-j] [-s control-socket] status\n"
	"       ivgmp-agent -h | --help | --version\n"
	"  -f, --config FILE    configuration file (default " AGENT_DEFAULT_CONF ")\n"
	"  -d, --foreground     stay in the foreground and log to stderr\n"
	"  -n, --check          check the configuration file and exit\n"
	"  -s, --control FILE   control socket (default: [paths] control)\n"
	"  -P, --pidfile FILE   pid file (default: [paths] pidfile)\n"
	"  -S, --spool FILE     usage spool (default: [usage] spool)\n"
	"  -F, --flush-on-exit  flush the kernel table on exit (default: leave it)\n"
	"  -K, --no-kernel      run without the ivgmp kernel module (testing)\n"
	"  -v, --verbose        verbose (debug) logging\n"
	"  -j, --json           status: one JSON object (as ivgmptool -j)\n";

/* ------------------------------------------------------------ timers */

static uint64_t lans_next(void)
{
	uint64_t t = 0, x;
	unsigned int i;

	for (i = 0; i < agent->nlans; i++) {
		x = lan_next_event(&agent->lans[i]);
		if (x && (!t || x < t))
			t = x;
	}
	if (lan_retry_at && (!t || lan_retry_at < t))
		t = lan_retry_at;
	return t;
}

static void lans_open(uint64_t now)
{
	bool changed = false, down = false;
	unsigned int i;

	for (i = 0; i < agent->nlans; i++) {
		struct lan *l = &agent->lans[i];

		if (l->up)
			continue;
		if (lan_open(l)) {
			down = true;
			continue;
		}
		changed = true;
	}
	lan_retry_at = down ? now + LAN_RETRY_MS : 0;
	if (changed)
		kernel_reconfig();
}

static void lans_run(uint64_t now)
{
	unsigned int i;

	if (lan_retry_at && now >= lan_retry_at)
		lans_open(now);
	for (i = 0; i < agent->nlans; i++)
		lan_tick(&agent->lans[i], now);
}

static uint64_t groups_next(void)
{
	return groups_next_expiry(&agent->groups);
}

static void groups_run(uint64_t now)
{
	groups_tick(&agent->groups, now);
	announce_subs_sync();
}

static uint64_t vnoc_next(void)
{
	return vnoc_next_event();
}

static uint64_t usage_timer_next(void)
{
	return agent->cfg.no_kernel ? 0 : usage_at;
}

static void usage_run(uint64_t now)
{
	usage_at = now + agent->cfg.usage_interval * 1000ull;
	kernel_collect_usage();
	vnoc_kick(now);
}

/* ------------------------------------------------------------ config */

static void lans_from_config(void)
{
	unsigned int i;

	for (i = 0; i < agent->cfg.nlans; i++) {
		struct lan *l = &agent->lans[i];

		memset(l, 0, sizeof(*l));
		memcpy(l->name, agent->cfg.lans[i].name, sizeof(l->name));
		l->vpn = agent->cfg.lans[i].vpn;
		l->pkt_fd = l->q4_fd = l->q6_fd = l->sub4_fd = l->sub6_fd = -1;
	}
	agent->nlans = agent->cfg.nlans;
}

/*
 * SIGHUP: timers, limits and subscriptions take effect; a LAN that left
 * the list is closed (its receivers leave), a new one is opened.  The VNOC
 * connection settings and the paths need a restart.
 */
static void reload(void)
{
	struct agent_config nc;
	unsigned int i, j;

	config_defaults(&nc);
	if (config_load(&nc, conf_path)) {
		log_warnx("reload: %s not changed in use", conf_path);
		config_free(&nc);
		return;
	}
	for (i = 0; i < agent->nlans; i++) {
		for (j = 0; j < nc.nlans; j++)
			if (!strcmp(agent->lans[i].name, nc.lans[j].name))
				break;
		if (j == nc.nlans) {
			log_info("reload: LAN %s removed", agent->lans[i].name);
			lan_close(&agent->lans[i], true);
		}
	}
	agent->cfg.sender_silence = nc.sender_silence;
	agent->cfg.counter_interval = nc.counter_interval;
	agent->cfg.usage_interval = nc.usage_interval;
	agent->cfg.announce_max_lifetime = nc.announce_max_lifetime;
	agent->cfg.max_groups = nc.max_groups;
	agent->groups.max = nc.max_groups;
	agent->cfg.nsubscribe = nc.nsubscribe;
	memcpy(agent->cfg.subscribe, nc.subscribe, sizeof(nc.subscribe));
	agent->cfg.nprefixes = nc.nprefixes;
	memcpy(agent->cfg.prefixes, nc.prefixes, sizeof(nc.prefixes));

	/*
	 * LANs stay in their slots (membership keeps pointers into them):
	 * removed ones were closed above and their slots are reused.
	 */
	agent->cfg.nlans = nc.nlans;
	memcpy(agent->cfg.lans, nc.lans, sizeof(nc.lans));
	for (i = 0; i < agent->nlans; i++) {
		for (j = 0; j < nc.nlans; j++)
			if (!strcmp(agent->lans[i].name, nc.lans[j].name))
				break;
		if (j == nc.nlans) {
			agent->lans[i].name[0] = 0;
			agent->lans[i].ifindex = 0;
		}
	}
	for (j = 0; j < nc.nlans; j++) {
		struct lan *l = NULL;

		for (i = 0; i < agent->nlans; i++)
			if (!strcmp(agent->lans[i].name, nc.lans[j].name))
				break;
		if (i < agent->nlans)
			continue;
		for (i = 0; i < agent->nlans && !l; i++)
			if (!agent->lans[i].name[0])
				l = &agent->lans[i];
		if (!l)
			l = &agent->lans[agent->nlans++];
		memset(l, 0, sizeof(*l));
		snprintf(l->name, sizeof(l->name), "%s", nc.lans[j].name);
		l->vpn = nc.lans[j].vpn;
		l->pkt_fd = l->q4_fd = l->q6_fd = l->sub4_fd = l->sub6_fd = -1;
		log_info("reload: LAN %s added", l->name);
	}
	for (i = 0; i < agent->nlans; i++)
		for (j = 0; agent->lans[i].up && j < agent->cfg.nsubscribe; j++)
			lan_subscribe(&agent->lans[i], &agent->cfg.subscribe[j]);
	lans_open(now_ms());
	kernel_reconfig();
	config_free(&nc);
	log_info("configuration reloaded from %s", conf_path);
}

/* ----------------------------------------------------------- daemon */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "foreground", no_argument, NULL, 'd' },
		{ "check", no_argument, NULL, 'n' },
		{ "control", required_argument, NULL, 's' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ "spool", required_argument, NULL, 'S' },
		{ "flush-on-exit", no_argument, NULL, 'F' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		CLI_OPTIONS_COMMON,
		{ NULL, 0, NULL, 0 },
	};
	bool foreground = false, check_only = false, json = false;
	int verbose = 0, ch, err;
	unsigned int i;

	config_defaults(&agent->cfg);
	while ((ch = getopt_long(argc, argv, "dFKnvjf:s:P:S:h", opts,
				 NULL)) != -1) {
		switch (ch) {
		case 'n':
			check_only = true;
			break;
		case 'd':
			foreground = true;
			break;
		case 'F':
			agent->cfg.flush_on_exit = true;
			break;
		case 'K':
			agent->cfg.no_kernel = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'f':
			conf_path = optarg;
			break;
		case 's':
			ctl_path = optarg;
			break;
		case 'P':
			pid_path = optarg;
			break;
		case 'S':
			spool_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			cli_usage(usage_text, true);
		case CLI_OPT_VERSION:
			cli_print_version("ivgmp-agent");
		default:
			cli_usage(usage_text, false);
		}
	}
	argc -= optind;
	argv += optind;
	log_init("ivgmp-agent", 0, verbose);
	if (argc == 1 && !strcmp(argv[0], "status"))
		return ctl_client(ctl_path ? ctl_path : AGENT_DEFAULT_CTL,
				  json ? "status json" : "status");
	if (argc || json)
		cli_usage(usage_text, false);

	if (config_load(&agent->cfg, conf_path))
		return 1;
	if (!agent->cfg.nlans)
		fatalx("%s: no LAN interface ([site] lan = ...)", conf_path);
	if (check_only) {
		printf("%s: OK\n", conf_path);
		return 0;
	}
	ctl_path = ctl_path ? ctl_path : agent->cfg.file_ctl ?
		   agent->cfg.file_ctl : AGENT_DEFAULT_CTL;
	pid_path = pid_path ? pid_path : agent->cfg.file_pid ?
		   agent->cfg.file_pid : AGENT_DEFAULT_PID;
	spool_path = spool_path ? spool_path : agent->cfg.file_spool ?
		     agent->cfg.file_spool : AGENT_DEFAULT_SPOOL;

	if (!foreground) {
		if (daemon(0, 0))
			fatal("daemon");
		log_init("ivgmp-agent", 1, verbose);
	}
	srandom((unsigned int)time(NULL) ^ (unsigned int)getpid());
	agent->started = now_ms();
	agent->site_id = agent->cfg.site_id;
	groups_init(&agent->groups, agent->cfg.max_groups);
	agent->groups.backoff_min_ms = agent->cfg.backoff_min * 1000ull;
	agent->groups.backoff_max_ms = agent->cfg.backoff_max * 1000ull;
	usage_init(&agent->usage, spool_path);
	lans_from_config();

	/* first: no copy of ours may leave in clear, whatever comes next */
	kernel_block_init();
	loop_signals();
	err = ctl_open(ctl_path);
	if (err)
		fatalx("control socket %s: %s", ctl_path, strerror(-err));
	err = cli_pidfile_write(pid_path);
	if (err)
		log_warnx("pidfile %s: %s", pid_path, strerror(-err));

	lans_open(now_ms());
	if (agent->cfg.announce) {
		err = announce_open();
		if (err)
			fatalx("announcement socket (port %u): %s",
			       agent->cfg.announce_port, strerror(-err));
	}
	if (vnoc_start())
		fatalx("cannot start the VNOC client");
	if (charon_start())
		fatalx("ipsec: cannot key IPsec with charon (%s, [ipsec] mode)",
		       conf_path);
	usage_at = now_ms() + agent->cfg.usage_interval * 1000ull;

	/* order matters: membership and expiry before requests go out */
	loop_add_timer(lans_next, lans_run);
	loop_add_timer(groups_next, groups_run);
	loop_add_timer(kernel_next_event, kernel_tick);
	loop_add_timer(usage_timer_next, usage_run);
	loop_add_timer(vnoc_next, vnoc_kick);
	loop_add_timer(charon_next_event, charon_tick);
	log_info("started (config %s, control %s)", conf_path, ctl_path);

	loop_run(reload);

	log_info("exiting%s", agent->cfg.flush_on_exit ?
		 ", flushing the kernel table" :
		 "; the kernel table stays in place");
	kernel_fini(agent->cfg.flush_on_exit);
	usage_save(&agent->usage);
	for (i = 0; i < agent->nlans; i++)
		lan_close(&agent->lans[i], false);
	announce_close();
	charon_fini();
	ctl_close();
	unlink(pid_path);
	/* the VNOC threads may be inside a call: exit, do not free under them */
	return 0;
}
