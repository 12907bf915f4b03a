// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ivgmptool config show | config set SETTING...
 *
 * `config show` prints one setting per line in the grammar `config set`
 * reads, so its output can be fed back: ivgmptool config set $(... show).
 */
#include <stdio.h>
#include <string.h>

#include "ivgmptool.h"
#include "log.h"

#define MAX_EVENT_RATE	1000000	/* the kernel's policy limit */

void usage_config(void)
{
	fprintf(usage_out(),
		"  config [show]\n"
		"  config set [site-id ID] [port PORT] [hop-limit N] [event-rate N]\n"
		"             [require-ipsec on|off] [lan IFNAME[:VPN]]... | nolans\n"
		"             [prefix ADDR/LEN]... | noprefixes\n");
}

static int parse_lan(const char *arg, struct ivgmp_config_info *c)
{
	char name[64];
	const char *colon = strrchr(arg, ':');
	struct ivgmp_lan lan = { 0 };
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
	unsigned int i;
	int err;

	if (n == 0 || n >= sizeof(name))
		return usage_error("lan '%s': bad interface name", arg);
	memcpy(name, arg, n);
	name[n] = '\0';
	if (colon) {
		err = parse_u32("lan VPN", colon + 1, 0, UINT32_MAX, &lan.vpn);
		if (err)
			return err;
	}
	lan.ifindex = addr_ifindex(name);
	if (!lan.ifindex)
		return usage_error("lan '%s': no such interface", name);
	for (i = 0; i < c->n_lans; i++)
		if (c->lans[i].ifindex == lan.ifindex)
			return usage_error("lan '%s' given twice", name);
	if (c->n_lans >= IVGMP_MAX_LANS)
		return usage_error("at most %d LAN interfaces", IVGMP_MAX_LANS);
	c->lans[c->n_lans++] = lan;
	return 0;
}

static int parse_prefix(const char *arg, struct ivgmp_config_info *c)
{
	struct ivgmp_prefix p;
	unsigned int i;

	if (prefix_parse(arg, AF_UNSPEC, &p))
		return usage_error("prefix '%s' is not ADDR/LEN (without host bits)",
				   arg);
	if (addr_is_multicast(&p.addr))
		return usage_error("prefix '%s' is multicast; local prefixes hold sources",
				   arg);
	for (i = 0; i < c->n_prefixes; i++)
		if (c->prefixes[i].plen == p.plen &&
		    addr_equal(&c->prefixes[i].addr, &p.addr))
			return usage_error("prefix '%s' given twice", arg);
	if (c->n_prefixes >= IVGMP_MAX_PREFIXES)
		return usage_error("at most %d prefixes", IVGMP_MAX_PREFIXES);
	c->prefixes[c->n_prefixes++] = p;
	return 0;
}

/* Mark attr present; a scalar given twice is a mistake, not an override. */
static int once(struct ivgmp_config_info *c, unsigned int attr,
		const char *word)
{
	if (c->present & IVGMP_CONFIG_HAS(attr))
		return usage_error("'%s' given twice", word);
	c->present |= IVGMP_CONFIG_HAS(attr);
	return 0;
}

int config_parse_set(int argc, char **argv, struct ivgmp_config_info *c)
{
	bool nolans = false, noprefixes = false, on = false;
	const char *val;
	uint32_t v = 0;
	int i, err;

	memset(c, 0, sizeof(*c));
	if (argc < 1)
		return usage_error("config set needs at least one setting");
	for (i = 0; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "nolans")) {
			if (nolans)
				return usage_error("'nolans' given twice");
			nolans = true;
			c->present |= IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_LANS);
			continue;
		}
		if (!strcmp(w, "noprefixes")) {
			if (noprefixes)
				return usage_error("'noprefixes' given twice");
			noprefixes = true;
			c->present |= IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PREFIXES);
			continue;
		}
		err = next_arg(argc, argv, &i, &val);
		if (err)
			return err;
		if (!strcmp(w, "site-id")) {
			err = once(c, IVGMP_CONFIG_A_SITE_ID, w) ?:
			      parse_u32(w, val, 0, UINT32_MAX, &c->site_id);
		} else if (!strcmp(w, "port")) {
			err = once(c, IVGMP_CONFIG_A_PORT, w) ?:
			      parse_u32(w, val, 1, UINT16_MAX, &v);
			c->port = (uint16_t)v;
		} else if (!strcmp(w, "hop-limit")) {
			err = once(c, IVGMP_CONFIG_A_HOP_LIMIT, w) ?:
			      parse_u32(w, val, 1, UINT8_MAX, &v);
			c->hop_limit = (uint8_t)v;
		} else if (!strcmp(w, "event-rate")) {
			err = once(c, IVGMP_CONFIG_A_EVENT_RATE, w) ?:
			      parse_u32(w, val, 0, MAX_EVENT_RATE,
					&c->event_rate);
		} else if (!strcmp(w, "require-ipsec")) {
			/*
			 * The only flag so far, so FLAGS can be sent whole.
			 * A second flag will need a read-modify-write here.
			 */
			err = once(c, IVGMP_CONFIG_A_FLAGS, w) ?:
			      parse_on_off(w, val, &on);
			c->flags = on ? IVGMP_CONFIG_F_REQUIRE_IPSEC : 0;
		} else if (!strcmp(w, "lan")) {
			c->present |= IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_LANS);
			err = parse_lan(val, c);
		} else if (!strcmp(w, "prefix")) {
			c->present |= IVGMP_CONFIG_HAS(IVGMP_CONFIG_A_PREFIXES);
			err = parse_prefix(val, c);
		} else {
			err = usage_error("unknown config setting '%s'", w);
		}
		if (err)
			return err;
	}
	if (nolans && c->n_lans)
		return usage_error("'lan' and 'nolans' contradict each other");
	if (noprefixes && c->n_prefixes)
		return usage_error("'prefix' and 'noprefixes' contradict each other");
	return 0;
}

static void config_print_text(const struct ivgmp_config_info *c)
{
	char buf[ADDR_STRLEN], ifname[64];
	unsigned int i;

	printf("site-id %u\n", c->site_id);
	printf("port %u\n", c->port);
	printf("hop-limit %u\n", c->hop_limit);
	printf("event-rate %u\n", c->event_rate);
	printf("require-ipsec %s\n",
	       c->flags & IVGMP_CONFIG_F_REQUIRE_IPSEC ? "on" : "off");
	if (!c->n_lans)
		printf("nolans\n");
	for (i = 0; i < c->n_lans; i++)
		printf("lan %s:%u\n",
		       addr_ifname(c->lans[i].ifindex, ifname, sizeof(ifname)),
		       c->lans[i].vpn);
	if (!c->n_prefixes)
		printf("noprefixes\n");
	for (i = 0; i < c->n_prefixes; i++)
		printf("prefix %s\n",
		       prefix_ntop(&c->prefixes[i], buf, sizeof(buf)));
}

static void config_print_json(struct json *j, const struct ivgmp_config_info *c)
{
	char buf[ADDR_STRLEN], ifname[64];
	unsigned int i;

	json_obj_open(j, NULL);
	json_uint(j, "site_id", c->site_id);
	json_uint(j, "port", c->port);
	json_uint(j, "hop_limit", c->hop_limit);
	json_uint(j, "event_rate", c->event_rate);
	json_uint(j, "flags", c->flags);
	json_bool(j, "require_ipsec",
		  c->flags & IVGMP_CONFIG_F_REQUIRE_IPSEC);
	json_arr_open(j, "lans");
	for (i = 0; i < c->n_lans; i++) {
		json_obj_open(j, NULL);
		json_uint(j, "ifindex", c->lans[i].ifindex);
		json_str(j, "ifname", addr_ifname(c->lans[i].ifindex, ifname,
						  sizeof(ifname)));
		json_uint(j, "vpn", c->lans[i].vpn);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_arr_open(j, "prefixes");
	for (i = 0; i < c->n_prefixes; i++)
		json_str(j, NULL, prefix_ntop(&c->prefixes[i], buf,
					       sizeof(buf)));
	json_arr_close(j);
	json_obj_close(j);
	json_end(j);
}

int cmd_config(struct tool *t, int argc, char **argv)
{
	struct ivgmp_config_info c;
	struct ivgmp_nl *nl;
	int err, ret;

	if (argc < 2 || !strcmp(argv[1], "show")) {
		if (argc > 2) {
			usage_error("config show takes no arguments");
			goto usage;
		}
		ret = open_nl(&nl);
		if (ret)
			return ret;
		err = ivgmp_nl_get_config(nl, &c);
		if (err) {
			ret = kernel_error(nl, err, "reading config");
		} else {
			if (t->json)
				config_print_json(&t->j, &c);
			else
				config_print_text(&c);
			ret = EXIT_OK;
		}
		close_nl(nl);
		return ret;
	}
	if (!strcmp(argv[1], "set")) {
		if (config_parse_set(argc - 2, argv + 2, &c))
			goto usage;
		ret = open_nl(&nl);
		if (ret)
			return ret;
		err = ivgmp_nl_set_config(nl, &c);
		ret = err ? kernel_error(nl, err, "setting config") : EXIT_OK;
		close_nl(nl);
		return ret;
	}
	usage_error("unknown config command '%s'", argv[1]);
usage:
	usage_config();
	return EXIT_USAGE;
}
