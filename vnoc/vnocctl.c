// SPDX-License-Identifier: GPL-2.0
/*
 * vnocctl.c - ivgmp-vnocctl: admin CLI of the VNOC (and site operations,
 * for debugging, when given a site certificate).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "soapH.h"
#include "vnoc_client.h"

static struct soap *soap;
static const char *url;

static const char usage_text[] =
"usage: ivgmp-vnocctl [-u url] [-C cert] [-K key] [-A ca] [-t secs] command\n"
"       ivgmp-vnocctl -h | --help | --version\n"
"  -u, --url URL        the VNOC (default https://localhost:8443/)\n"
"  -C, --cert FILE      our certificate (PEM)\n"
"  -K, --key FILE       its private key\n"
"  -A, --ca FILE        CA of the VNOC's certificate\n"
"  -t, --timeout SECS   send and receive timeout (default 30)\n"
"Defaults come from IVGMP_VNOC_URL, IVGMP_VNOC_CERT, IVGMP_VNOC_KEY,\n"
"IVGMP_VNOC_CA.  Commands (admin certificate):\n"
"  site add ID NAME ADDRESS PORT [KEY]      site update ID NAME ADDRESS PORT [KEY]\n"
"  site remove ID                           site list\n"
"  policy add VPN PREFIX send|receive|both permit|deny [site ID]\n"
"  policy remove ID                         policy list [VPN]\n"
"  relay set SITE [relay] [reflector] [fanout N]   (neither: withdraw)\n"
"  topology set VPN [GROUP] star|reflector|tree\n"
"  topology clear VPN [GROUP]               topology list\n"
"  group list [VPN]\n"
"  usage [site ID] [vpn N] [group G] [from T] [to T] [csv|json]\n"
"  audit [since ID] [limit N]\n"
"Site commands (site certificate):\n"
"  join VPN GROUP sender|receiver [SOURCE...]\n"
"  leave VPN GROUP sender|receiver\n"
"  state [SINCE [WAIT]]\n"
"  report SEQ VPN GROUP ORIGIN PACKETS BYTES [NEXTHOP:PACKETS:BYTES...]\n";

static void usage(void)
{
	cli_usage(usage_text, false);
}

static void die_call(const char *what)
{
	char buf[512];

	fprintf(stderr, "ivgmp-vnocctl: %s: %s\n", what,
		vnoc_client_error(soap, buf, sizeof(buf)));
	exit(1);
}

/* Decimal, or hexadecimal with 0x: never octal ("010" is ten), and no
 * sign or space that strtoull() would take ("-1" is not 2^64 - 1). */
static uint64_t num(const char *s, uint64_t max, const char *what)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	unsigned long long v = 0;
	char *end = NULL;

	errno = 0;
	if (hex ? isxdigit((unsigned char)s[2]) : isdigit((unsigned char)s[0]))
		v = strtoull(hex ? s + 2 : s, &end, hex ? 16 : 10);
	if (!end || errno || *end || v > max) {
		fprintf(stderr, "ivgmp-vnocctl: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static enum vnoc__Role role_arg(const char *s)
{
	if (!strcmp(s, "sender"))
		return vnoc__Role__sender;
	if (!strcmp(s, "receiver"))
		return vnoc__Role__receiver;
	fprintf(stderr, "ivgmp-vnocctl: role must be sender or receiver\n");
	exit(2);
}

static const char *mode_str(enum vnoc__Mode m)
{
	return m == vnoc__Mode__tree ? "tree" :
	       m == vnoc__Mode__reflector ? "reflector" : "star";
}

static enum vnoc__Mode mode_arg(const char *s)
{
	if (!strcmp(s, "star"))
		return vnoc__Mode__star;
	if (!strcmp(s, "reflector"))
		return vnoc__Mode__reflector;
	if (!strcmp(s, "tree"))
		return vnoc__Mode__tree;
	fprintf(stderr, "ivgmp-vnocctl: mode must be star, reflector or tree\n");
	exit(2);
}

static int cmd_site(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "list") && argc == 1) {
		struct vnoc__SiteListResponse r;
		int i;

		if (soap_call_vnoc__SiteList(soap, url, NULL, &r))
			die_call("site list");
		for (i = 0; i < r.__sizesite; i++) {
			struct vnoc__Site *s = &r.site[i];

			printf("%u %s %s %u%s%s fanout %u version %" PRIu64 "%s%s\n",
			       s->id, s->name, s->address, s->port,
			       s->relay == true_ ? " relay" : "",
			       s->reflector == true_ ? " reflector" : "",
			       s->fanout, (uint64_t)s->viewVersion,
			       s->key ? " key " : "", s->key ? s->key : "");
		}
		return 0;
	}
	if (argc >= 5 && argc <= 6 && (!strcmp(argv[0], "add") ||
				       !strcmp(argv[0], "update"))) {
		struct vnoc__Site s = {
			.id = (unsigned)num(argv[1], UINT32_MAX, "site id"),
			.name = argv[2], .address = argv[3],
			.port = (unsigned short)num(argv[4], 65535, "port"),
			.key = argc == 6 ? argv[5] : NULL,
		};
		struct vnoc__SiteAddResponse ra;
		struct vnoc__SiteUpdateResponse ru;

		if (!strcmp(argv[0], "add") ?
		    soap_call_vnoc__SiteAdd(soap, url, NULL, &s, &ra) :
		    soap_call_vnoc__SiteUpdate(soap, url, NULL, &s, &ru))
			die_call("site");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[0], "remove")) {
		struct vnoc__SiteRemoveResponse r;

		if (soap_call_vnoc__SiteRemove(soap, url, NULL,
					       (unsigned)num(argv[1], UINT32_MAX,
							     "site id"), &r))
			die_call("site remove");
		return 0;
	}
	usage();
	return 2;
}

static int cmd_policy(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "list") && argc <= 2) {
		struct vnoc__PolicyListResponse r;
		unsigned vpn;
		int i;

		if (argc == 2)
			vpn = (unsigned)num(argv[1], UINT32_MAX, "vpn");
		if (soap_call_vnoc__PolicyList(soap, url, NULL,
					       argc == 2 ? &vpn : NULL, &r))
			die_call("policy list");
		for (i = 0; i < r.__sizepolicy; i++) {
			struct vnoc__Policy *p = &r.policy[i];
			char site[24] = "all";

			if (p->site)
				snprintf(site, sizeof(site), "%u", *p->site);
			printf("%u vpn %u %s %s site %s %s\n", p->id, p->vpn,
			       p->prefix,
			       p->send == true_ && p->receive == true_ ? "both" :
			       p->send == true_ ? "send" : "receive", site,
			       p->action == vnoc__Action__deny ? "deny" : "permit");
		}
		return 0;
	}
	if ((argc == 5 || argc == 7) && !strcmp(argv[0], "add")) {
		struct vnoc__Policy p = { 0 };
		struct vnoc__PolicyAddResponse r;
		unsigned site;

		p.vpn = (unsigned)num(argv[1], UINT32_MAX, "vpn");
		p.prefix = argv[2];
		if (!strcmp(argv[3], "send") || !strcmp(argv[3], "both"))
			p.send = true_;
		if (!strcmp(argv[3], "receive") || !strcmp(argv[3], "both"))
			p.receive = true_;
		if (p.send != true_ && p.receive != true_)
			usage();
		if (!strcmp(argv[4], "deny"))
			p.action = vnoc__Action__deny;
		else if (strcmp(argv[4], "permit"))
			usage();
		if (argc == 7) {
			if (strcmp(argv[5], "site"))
				usage();
			site = (unsigned)num(argv[6], UINT32_MAX, "site id");
			p.site = &site;
		}
		if (soap_call_vnoc__PolicyAdd(soap, url, NULL, &p, &r))
			die_call("policy add");
		printf("%u\n", r.id);
		return 0;
	}
	if (argc == 2 && !strcmp(argv[0], "remove")) {
		struct vnoc__PolicyRemoveResponse r;

		if (soap_call_vnoc__PolicyRemove(soap, url, NULL,
						 (unsigned)num(argv[1], UINT32_MAX,
							       "policy id"), &r))
			die_call("policy remove");
		return 0;
	}
	usage();
	return 2;
}

static int cmd_relay(int argc, char **argv)
{
	enum xsd__boolean relay = false_, reflector = false_;
	struct vnoc__RelaySetResponse r;
	unsigned fanout = 0, site;
	int i;

	if (argc < 2 || strcmp(argv[0], "set"))
		usage();
	site = (unsigned)num(argv[1], UINT32_MAX, "site id");
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "relay"))
			relay = true_;
		else if (!strcmp(argv[i], "reflector"))
			reflector = true_;
		else if (!strcmp(argv[i], "fanout") && i + 1 < argc)
			fanout = (unsigned)num(argv[++i], 1024, "fanout");
		else
			usage();
	}
	if (soap_call_vnoc__RelaySet(soap, url, NULL, site, relay, reflector,
				     fanout, &r))
		die_call("relay set");
	return 0;
}

static int cmd_topology(int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "list")) {
		struct vnoc__TopologyListResponse r;
		int i;

		if (soap_call_vnoc__TopologyList(soap, url, NULL, &r))
			die_call("topology list");
		for (i = 0; i < r.__sizerule; i++)
			printf("vpn %u group %s %s\n", r.rule[i].vpn,
			       r.rule[i].group ? r.rule[i].group : "*",
			       mode_str(r.rule[i].mode));
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[0], "set")) {
		struct vnoc__TopologyRule rule = {
			.vpn = (unsigned)num(argv[1], UINT32_MAX, "vpn"),
			.group = argc == 4 ? argv[2] : NULL,
			.mode = mode_arg(argv[argc - 1]),
		};
		struct vnoc__TopologySetResponse r;

		if (soap_call_vnoc__TopologySet(soap, url, NULL, &rule, &r))
			die_call("topology set");
		return 0;
	}
	if ((argc == 2 || argc == 3) && !strcmp(argv[0], "clear")) {
		struct vnoc__TopologyClearResponse r;

		if (soap_call_vnoc__TopologyClear(soap, url, NULL,
						  (unsigned)num(argv[1], UINT32_MAX, "vpn"),
						  argc == 3 ? argv[2] : NULL, &r))
			die_call("topology clear");
		return 0;
	}
	usage();
	return 2;
}

static int cmd_group(int argc, char **argv)
{
	struct vnoc__GroupListResponse r;
	unsigned vpn = 0;
	int i, j, k;

	if (argc < 1 || argc > 2 || strcmp(argv[0], "list"))
		usage();
	if (argc == 2)
		vpn = (unsigned)num(argv[1], UINT32_MAX, "vpn");
	if (soap_call_vnoc__GroupList(soap, url, NULL, argc == 2 ? &vpn : NULL,
				      &r))
		die_call("group list");
	for (i = 0; i < r.__sizegroup; i++) {
		struct vnoc__Group *g = &r.group[i];

		printf("vpn %u group %s mode %s\n", g->vpn, g->group,
		       mode_str(g->mode));
		for (j = 0; j < g->__sizemember; j++) {
			struct vnoc__Member *m = &g->member[j];

			printf("  site %u %s", m->site,
			       m->role == vnoc__Role__sender ? "sender" :
			       "receiver");
			for (k = 0; k < m->__sizesource; k++)
				printf(" %s", m->source[k]);
			printf("\n");
		}
	}
	return 0;
}

static int cmd_usage(int argc, char **argv)
{
	unsigned site = 0, vpn = 0;
	bool has_site = false, has_vpn = false;
	enum vnoc__Format fmt = vnoc__Format__csv;
	struct vnoc__UsageReportResponse r;
	LONG64 from = 0, to = 0;
	char *group = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "csv"))
			fmt = vnoc__Format__csv;
		else if (!strcmp(argv[i], "json"))
			fmt = vnoc__Format__json;
		else if (i + 1 >= argc)
			usage();
		else if (!strcmp(argv[i], "site")) {
			has_site = true;
			site = (unsigned)num(argv[++i], UINT32_MAX, "site");
		} else if (!strcmp(argv[i], "vpn")) {
			has_vpn = true;
			vpn = (unsigned)num(argv[++i], UINT32_MAX, "vpn");
		}
		else if (!strcmp(argv[i], "group"))
			group = argv[++i];
		else if (!strcmp(argv[i], "from"))
			from = (LONG64)num(argv[++i], INT64_MAX, "time");
		else if (!strcmp(argv[i], "to"))
			to = (LONG64)num(argv[++i], INT64_MAX, "time");
		else
			usage();
	}
	if (soap_call_vnoc__UsageReport(soap, url, NULL, has_site ? &site : NULL,
					has_vpn ? &vpn : NULL, group, from, to,
					fmt, &r))
		die_call("usage");
	fputs(r.report ? r.report : "", stdout);
	return 0;
}

static int cmd_audit(int argc, char **argv)
{
	struct vnoc__AuditLogResponse r;
	ULONG64 since = 0;
	unsigned limit = 100;
	int i;

	for (i = 0; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "since"))
			since = num(argv[i + 1], UINT64_MAX, "id");
		else if (!strcmp(argv[i], "limit"))
			limit = (unsigned)num(argv[i + 1], 10000, "limit");
		else
			usage();
	}
	if (i != argc)
		usage();
	if (soap_call_vnoc__AuditLog(soap, url, NULL, since, limit, &r))
		die_call("audit");
	for (i = 0; i < r.__sizeentry; i++)
		printf("%" PRIu64 " %" PRId64 " %s %s %s\n",
		       (uint64_t)r.entry[i].id, (int64_t)r.entry[i].time,
		       r.entry[i].actor, r.entry[i].action, r.entry[i].detail);
	return 0;
}

static int cmd_join(int argc, char **argv, bool join)
{
	unsigned vpn;

	if (argc < 3 || (!join && argc != 3))
		usage();
	vpn = (unsigned)num(argv[0], UINT32_MAX, "vpn");
	if (join) {
		struct vnoc__JoinGroupResponse r;

		if (soap_call_vnoc__JoinGroup(soap, url, NULL, vpn, argv[1],
					      role_arg(argv[2]), argc - 3,
					      argv + 3, &r))
			die_call("join");
		if (r.result == vnoc__JoinResult__denied) {
			printf("denied: %s\n", r.reason ? r.reason : "");
			return 3;
		}
		printf("accepted version %" PRIu64 "\n", (uint64_t)r.version);
	} else {
		struct vnoc__LeaveGroupResponse r;

		if (soap_call_vnoc__LeaveGroup(soap, url, NULL, vpn, argv[1],
					       role_arg(argv[2]), &r))
			die_call("leave");
		printf("%s version %" PRIu64 "\n",
		       r.wasMember == true_ ? "left" : "not-member",
		       (uint64_t)r.version);
	}
	return 0;
}

static int cmd_state(int argc, char **argv)
{
	struct vnoc__GetStateResponse r;
	ULONG64 since = 0;
	unsigned wait = 0;
	int i, j;

	if (argc > 2)
		usage();
	if (argc >= 1)
		since = num(argv[0], UINT64_MAX, "version");
	if (argc == 2)
		wait = (unsigned)num(argv[1], 86400, "wait");
	if (wait + 10 > (unsigned)soap->recv_timeout)
		soap->recv_timeout = (int)wait + 10;
	if (soap_call_vnoc__GetState(soap, url, NULL, since, wait, &r))
		die_call("state");
	printf("version %" PRIu64 " site %u %s\n", (uint64_t)r.version, r.site,
	       r.changed == true_ ? "changed" : "unchanged");
	for (i = 0; i < r.__sizepeer; i++)
		printf("peer %u %s %s %u %s\n", r.peer[i].id, r.peer[i].name,
		       r.peer[i].address, r.peer[i].port,
		       r.peer[i].key ? r.peer[i].key : "-");
	for (i = 0; i < r.__sizeroute; i++) {
		struct vnoc__Route *rt = &r.route[i];

		printf("route vpn %u group %s source %s origin %u %s nexthops",
		       rt->vpn, rt->group, rt->source ? rt->source : "*",
		       rt->origin, rt->deliverLocal == true_ ? "local" : "-");
		for (j = 0; j < rt->__sizenexthop; j++)
			printf("%c%u", j ? ',' : ' ', rt->nexthop[j]);
		printf("\n");
	}
	return 0;
}

static int cmd_report(int argc, char **argv)
{
	struct vnoc__ReportUsageResponse r;
	struct vnoc__RouteUsage ru = { 0 };
	struct vnoc__NexthopUsage nh[64];
	ULONG64 seq;
	int i;

	if (argc < 6 || argc - 6 > 64)
		usage();
	seq = num(argv[0], UINT64_MAX, "seq");
	ru.vpn = (unsigned)num(argv[1], UINT32_MAX, "vpn");
	ru.group = argv[2];
	ru.origin = (unsigned)num(argv[3], UINT32_MAX, "origin");
	ru.packets = num(argv[4], UINT64_MAX, "packets");
	ru.bytes = num(argv[5], UINT64_MAX, "bytes");
	for (i = 6; i < argc; i++) {
		char *a = argv[i], *b = strchr(a, ':'), *c = b ? strchr(b + 1, ':') : NULL;

		if (!c)
			usage();
		*b++ = '\0';
		*c++ = '\0';
		nh[i - 6].site = (unsigned)num(a, UINT32_MAX, "next hop");
		nh[i - 6].packets = num(b, UINT64_MAX, "packets");
		nh[i - 6].bytes = num(c, UINT64_MAX, "bytes");
	}
	ru.__sizenexthop = argc - 6;
	ru.nexthop = nh;
	if (soap_call_vnoc__ReportUsage(soap, url, NULL, seq, 1, &ru, &r))
		die_call("report");
	printf("%s last %" PRIu64 "\n", r.duplicate == true_ ? "duplicate" :
	       "counted", (uint64_t)r.lastSeq);
	return 0;
}

int main(int argc, char **argv)
{
	struct vnoc_client_opts o = {
		.url = getenv("IVGMP_VNOC_URL"),
		.cert = getenv("IVGMP_VNOC_CERT"),
		.key = getenv("IVGMP_VNOC_KEY"),
		.ca = getenv("IVGMP_VNOC_CA"),
	};
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "ca", required_argument, NULL, 'A' },
		{ "timeout", required_argument, NULL, 't' },
		CLI_OPTIONS_COMMON,
		{ NULL, 0, NULL, 0 },
	};
	char err[512];
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "+u:C:K:A:t:h", opts,
				 NULL)) != -1) {
		switch (ch) {
		case 'u': o.url = optarg; break;
		case 'C': o.cert = optarg; break;
		case 'K': o.key = optarg; break;
		case 'A': o.ca = optarg; break;
		case 't': o.timeout = (int)num(optarg, 3600, "timeout"); break;
		case 'h': cli_usage(usage_text, true);
		case CLI_OPT_VERSION: cli_print_version("ivgmp-vnocctl");
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (!o.url)
		o.url = "https://localhost:8443/";
	url = o.url;
	soap = vnoc_client_new(&o, err, sizeof(err));
	if (!soap) {
		fprintf(stderr, "ivgmp-vnocctl: %s\n", err);
		return 1;
	}
	if (!strcmp(argv[0], "site"))
		rc = cmd_site(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "policy"))
		rc = cmd_policy(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "relay"))
		rc = cmd_relay(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "topology"))
		rc = cmd_topology(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "group"))
		rc = cmd_group(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "usage"))
		rc = cmd_usage(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "audit"))
		rc = cmd_audit(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "join") || !strcmp(argv[0], "leave"))
		rc = cmd_join(argc - 1, argv + 1, !strcmp(argv[0], "join"));
	else if (!strcmp(argv[0], "state"))
		rc = cmd_state(argc - 1, argv + 1);
	else if (!strcmp(argv[0], "report"))
		rc = cmd_report(argc - 1, argv + 1);
	else
		usage();
	vnoc_client_free(soap);
	return rc;
}
