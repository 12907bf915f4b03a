// SPDX-License-Identifier: GPL-2.0
/*
 * vnoc.c - ivgmp-vnoc: command line, configuration file, daemon, signals.
 * Command-line options override the configuration file (ivgmp-vnoc(8),
 * ivgmp-vnoc.conf(5), Documentation/vnoc.md).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "dblock.h"
#include "log.h"
#include "server.h"
#include "web.h"

#define DEFAULT_CONF "/etc/ivgmp/vnoc.conf"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char usage_text[] =
	"usage: ivgmp-vnoc [-dnsvH] [-f file] [-D database] [-C cert] [-K key]\n"
	"                  [-A ca] [-l address] [-p port] [-P pidfile]\n"
	"                  [-a admin-cn]...\n"
	"       ivgmp-vnoc -h | --help | --version\n"
	"  -f, --config FILE    configuration file (default " DEFAULT_CONF ");\n"
	"                       -c FILE is the same\n"
	"  -d, --foreground     stay in the foreground and log to stderr\n"
	"                       (default: run as a daemon, syslog, pidfile)\n"
	"  -n, --check          check the configuration and the database, exit\n"
	"  -s, --syslog         log to syslog even in the foreground\n"
	"  -v, --verbose        more verbose (repeat for debug)\n"
	"  -D, --database FILE  SQLite database\n"
	"  -C, --cert FILE      server certificate (PEM)\n"
	"  -K, --key FILE       its private key\n"
	"  -A, --ca FILE        CA of the site and admin certificates\n"
	"  -l, --listen ADDR    listen address\n"
	"  -p, --port PORT      listen port\n"
	"  -P, --pidfile FILE   pid file\n"
	"  -a, --admin CN       add an admin certificate CN (repeatable)\n"
	"  -H, --plain-http     plain HTTP instead of HTTPS (loopback only, no\n"
	"                       site can authenticate: for WSDL and tests)\n";

struct uint_key {
	const char *key;
	uint64_t min, max;
	unsigned *u;
	unsigned long *ul;
};

static int load_conf(const char *path, bool must_exist, struct vnoc_config *cfg,
		     struct conf **out)
{
	struct uint_key uk[] = {
		{ "port", 1, 65535, &cfg->port, NULL },
		{ "max_connections", 1, 100000, &cfg->max_connections, NULL },
		{ "max_message", 1024, 1UL << 30, NULL, &cfg->max_message },
		{ "max_depth", 8, 10000, &cfg->max_depth, NULL },
		{ "recv_timeout", 1, 3600, &cfg->recv_timeout, NULL },
		{ "send_timeout", 1, 3600, &cfg->send_timeout, NULL },
		{ "idle_timeout", 1, 86400, &cfg->idle_timeout, NULL },
		{ "longpoll_max", 0, 86400, &cfg->longpoll_max, NULL },
		{ "drain_timeout", 0, 3600, &cfg->drain_timeout, NULL },
		{ "tree_fanout", 1, 1024, &cfg->tree_fanout, NULL },
		{ "tree_depth", 1, 255, &cfg->tree_depth, NULL },
		{ "deny_audit_limit", 0, 1000000, &cfg->deny_audit_limit,
		  NULL },
		{ "deny_audit_period", 1, 86400, &cfg->deny_audit_period,
		  NULL },
	};
	struct { const char *key; const char **val; } sk[] = {
		{ "listen", &cfg->listen }, { "database", &cfg->database },
		{ "cert", &cfg->cert }, { "key", &cfg->key },
		{ "ca", &cfg->ca }, { "pidfile", &cfg->pidfile },
		{ "web_listen", &cfg->web_listen },
	};
	const struct conf_entry *e = NULL;
	char err[512], addr[64];
	const char *why;
	unsigned port;
	const char *sync;
	struct conf *c;
	uint64_t v;
	size_t i;
	int rc;

	*out = NULL;
	rc = conf_load(path, &c, err, sizeof(err));
	if (rc == -ENOENT && !must_exist)
		return 0;
	if (rc) {
		log_warnx("%s", err[0] ? err : strerror(-rc));
		return -1;
	}
	for (i = 0; i < sizeof(uk) / sizeof(uk[0]); i++) {
		rc = conf_get_uint(c, "", uk[i].key, uk[i].min, uk[i].max, &v);
		if (rc < 0)
			goto bad;
		if (rc == 1 && uk[i].u)
			*uk[i].u = (unsigned)v;
		else if (rc == 1)
			*uk[i].ul = (unsigned long)v;
	}
	for (i = 0; i < sizeof(sk) / sizeof(sk[0]); i++)
		if (conf_get_str(c, "", sk[i].key, sk[i].val) < 0)
			goto bad;
	rc = conf_get_str(c, "", "sync", &sync);
	if (rc < 0)
		goto bad;
	if (rc == 1) {
		if (!strcmp(sync, "full"))
			cfg->sync = VNOC_DB_SYNC_FULL;
		else if (!strcmp(sync, "normal"))
			cfg->sync = VNOC_DB_SYNC_NORMAL;
		else {
			conf_error(c, NULL, "sync must be full or normal");
			goto bad;
		}
	}
	if (cfg->web_listen && vnoc_web_listen_parse(cfg->web_listen, addr,
						     sizeof(addr), &port,
						     &why)) {
		conf_error(c, NULL, "web_listen %s: %s", cfg->web_listen, why);
		goto bad;
	}
	if (conf_get_bool(c, "", "plain_http", &cfg->plain_http) < 0 ||
	    conf_get_bool(c, "", "syslog", &cfg->syslog) < 0)
		goto bad;
	while ((e = conf_next(c, "", "admin", e))) {
		if (cfg->nadmins == VNOC_MAX_ADMINS) {
			conf_error(c, e, "more than %d admin entries",
				   VNOC_MAX_ADMINS);
			goto bad;
		}
		cfg->admins[cfg->nadmins++] = e->value;
	}
	if (conf_check_unused(c))
		goto bad;
	*out = c;
	return 0;
bad:
	log_warnx("%s", conf_errmsg(c));
	conf_free(c);
	return -1;
}

static int write_pidfile(const char *path)
{
	int err = cli_pidfile_write(path);

	if (err)
		log_warnx("pidfile %s: %s", path, strerror(-err));
	return err;
}

/* Each connection is a socket: make room for max_connections of them. */
static void raise_nofile(unsigned conns)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < (rlim_t)conns + 64)
		log_warnx("open files limit %llu is below max_connections %u "
			  "+ 64: connections may fail",
			  (unsigned long long)rl.rlim_cur, conns);
}

struct ready_arg {
	bool daemonize;
	const char *pidfile;
	struct vnoc_server *srv;
};

/* Called once the socket is bound: only then is it safe to detach. */
static int on_ready(void *p)
{
	struct ready_arg *r = p;

	if (r->daemonize) {
		const struct vnoc_config *cfg = r->srv->cfg;

		/* SQLite's POSIX locks stay with the parent: the child must
		 * open the file itself, or another user of it finds the WAL
		 * unlocked, checkpoints it and deletes it under us. */
		vnoc_db_close(&r->srv->db);
		if (daemon(0, 0)) {
			log_warn("daemon");
			return -1;
		}
		log_init("ivgmp-vnoc", 1, log_getverbose());
		if (vnoc_db_open(&r->srv->db, cfg->database, cfg->sync)) {
			log_warnx("database: %s", r->srv->db.err);
			return -1;
		}
		/* the flock came along through the fork; the pid did not */
		if (vnoc_db_lock_owner(r->srv->lock_fd))
			log_warn("database lock file: writing our pid");
	}
	if (r->pidfile && write_pidfile(r->pidfile))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "foreground", no_argument, NULL, 'd' },
		{ "check", no_argument, NULL, 'n' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "database", required_argument, NULL, 'D' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "ca", required_argument, NULL, 'A' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ "admin", required_argument, NULL, 'a' },
		{ "plain-http", no_argument, NULL, 'H' },
		CLI_OPTIONS_COMMON,
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = DEFAULT_CONF, *pidfile = NULL;
	const char *cl_admins[VNOC_MAX_ADMINS];
	bool conf_given = false, daemonize = true, check = false;
	bool to_syslog = false, cl_plain = false;
	struct vnoc_config cfg, cl;
	struct vnoc_server srv;
	struct ready_arg ra;
	struct sigaction sa;
	struct conf *conf = NULL;
	unsigned ncl_admins = 0, i;
	int verbose = 0, ch, rc;
	unsigned long port;
	char *end;

	memset(&cl, 0, sizeof(cl));
	log_init("ivgmp-vnoc", 0, 0);
	/* -c: the file's letter before -f, kept for existing setups */
	while ((ch = getopt_long(argc, argv, "a:A:c:f:C:dD:hHK:l:np:P:sv",
				 opts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			if (ncl_admins == VNOC_MAX_ADMINS)
				fatalx("too many -a");
			cl_admins[ncl_admins++] = optarg;
			break;
		case 'A': cl.ca = optarg; break;
		case 'c':
		case 'f': conf_path = optarg; conf_given = true; break;
		case 'C': cl.cert = optarg; break;
		case 'd': daemonize = false; break;
		case 'D': cl.database = optarg; break;
		case 'H': cl_plain = true; break;
		case 'K': cl.key = optarg; break;
		case 'l': cl.listen = optarg; break;
		case 'n': check = true; break;
		case 'p':
			errno = 0;
			port = strtoul(optarg, &end, 10);
			if (errno || *end || !port || port > 65535)
				fatalx("bad port '%s'", optarg);
			cl.port = (unsigned)port;
			break;
		case 'P': pidfile = optarg; break;
		case 's': to_syslog = true; break;
		case 'v': verbose++; break;
		case 'h': cli_usage(usage_text, true);
		case CLI_OPT_VERSION: cli_print_version("ivgmp-vnoc");
		default: cli_usage(usage_text, false);
		}
	}
	if (optind != argc)
		cli_usage(usage_text, false);

	vnoc_config_defaults(&cfg);
	if (load_conf(conf_path, conf_given, &cfg, &conf))
		exit(1);
	/* The command line wins over the file. */
	if (cl.ca) cfg.ca = cl.ca;
	if (cl.cert) cfg.cert = cl.cert;
	if (cl.key) cfg.key = cl.key;
	if (cl.database) cfg.database = cl.database;
	if (cl.listen) cfg.listen = cl.listen;
	if (cl.port) cfg.port = cl.port;
	if (cl_plain) cfg.plain_http = true;
	if (cfg.nadmins + ncl_admins > VNOC_MAX_ADMINS)
		fatalx("more than %d admin CNs (file and -a)", VNOC_MAX_ADMINS);
	for (i = 0; i < ncl_admins; i++)
		cfg.admins[cfg.nadmins++] = cl_admins[i];
	if (pidfile)
		cfg.pidfile = pidfile;
	if (!cfg.plain_http && (!cfg.cert || !cfg.key || !cfg.ca))
		fatalx("cert, key and ca are required for HTTPS "
		       "(config file or -C/-K/-A)");
	if (!cfg.nadmins)
		log_warnx("no admin CN configured: admin operations will be refused");

	/* stderr until detached (on_ready()), so start-up errors are seen */
	log_init("ivgmp-vnoc", to_syslog || cfg.syslog, verbose);
	raise_nofile(cfg.max_connections);
	if (vnoc_server_init(&srv, &cfg))
		exit(1);
	if (check) {
		log_info("configuration and database OK");
		vnoc_server_free(&srv);
		conf_free(conf);
		return 0;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	ra.daemonize = daemonize;
	ra.srv = &srv;
	ra.pidfile = daemonize || pidfile ? cfg.pidfile : NULL;
	rc = vnoc_server_run(&srv, &stop, on_ready, &ra);
	if (ra.pidfile)
		unlink(ra.pidfile);
	if (srv.left) {
		/* Threads that would not end still use the state, the
		 * database and the configuration: leave them allocated, and
		 * skip atexit handlers (OpenSSL's) under those threads.  Like
		 * a kill -9, this loses nothing committed. */
		log_warnx("stopped with %u requests unfinished", srv.left);
		_exit(1);
	}
	vnoc_server_free(&srv);
	conf_free(conf);
	log_info("stopped");
	return rc ? 1 : 0;
}
