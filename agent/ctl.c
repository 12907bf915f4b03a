// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket: "ivgmp-agent status" connects, sends one command
 * line, and reads the answer until the agent closes the connection.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent.h"
#include "charon.h"
#include "json.h"
#include "log.h"
#include "loop.h"
#include "usage.h"
#include "vnoc.h"

static int ctl_fd = -1;
static char *ctl_path;

static void print_want(FILE *f, const struct want *w)
{
	char a[INET6_ADDRSTRLEN];
	uint16_t i;

	if (!w->present) {
		fprintf(f, "no");
		return;
	}
	if (!w->nsrc) {
		fprintf(f, "yes");
		return;
	}
	fprintf(f, "sources");
	for (i = 0; i < w->nsrc; i++)
		fprintf(f, "%s%s", i ? "," : " ",
			mc_addr_str(&w->src[i], a, sizeof(a)));
}

static void print_contrib(FILE *f, const struct contrib *c, uint64_t now)
{
	static const char *const kind[] = { "lan", "announce", "kernel" };
	char a[INET6_ADDRSTRLEN];

	if (c->kind == CONTRIB_LAN) {
		uint32_t ifindex;
		char name[IF_NAMESIZE];

		memcpy(&ifindex, &c->who.s6_addr[12], sizeof(ifindex));
		fprintf(f, " lan:%s", addr_ifname(ifindex, name, sizeof(name)));
	} else {
		fprintf(f, " %s:%s", kind[c->kind],
			mc_addr_str(&c->who, a, sizeof(a)));
	}
	if (c->expires)
		fprintf(f, "(%llus)", (unsigned long long)
			(c->expires > now ? (c->expires - now) / 1000 : 0));
}

static void status(FILE *f)
{
	static const char *const role[] = { "sender", "receiver" };
	const struct interest *in;
	const struct contrib *c;
	uint64_t now = now_ms();
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	unsigned int i;
	int r;

	fprintf(f, "ivgmp-agent: site %u, up %llu s\n", agent->site_id,
		(unsigned long long)(now - agent->started) / 1000);
	vnoc_status(f);
	kernel_status(f);
	charon_status(f);
	usage_status(&agent->usage, f);

	fprintf(f, "groups: %u\n", agent->groups.count);
	for (in = agent->groups.list; in; in = in->next) {
		fprintf(f, "  vpn %u group %s\n", in->vpn,
			mc_addr_str(&in->group, a, sizeof(a)));
		for (r = 0; r < ROLE_MAX; r++) {
			if (!in->c[r] && !in->acked[r].present &&
			    !in->deny_reason[r])
				continue;
			fprintf(f, "    %s: want ", role[r]);
			print_want(f, &in->want[r]);
			fprintf(f, ", vnoc ");
			print_want(f, &in->acked[r]);
			if (in->sync[r] == SYNC_INFLIGHT)
				fprintf(f, " (in flight)");
			else if (!want_equal(&in->want[r], &in->acked[r]))
				fprintf(f, in->deny_reason[r] ?
					" (denied: %s)" : " (pending)%s",
					in->deny_reason[r] ?
					in->deny_reason[r] : "");
			fprintf(f, "; from");
			for (c = in->c[r]; c; c = c->next)
				print_contrib(f, c, now);
			fprintf(f, "\n");
		}
	}

	for (i = 0; i < agent->nlans; i++) {
		const struct lan *l = &agent->lans[i];
		const struct mb_if *mbs[2] = { &l->mb4, &l->mb6 };
		const struct mb_group *g;
		int k;

		fprintf(f, "lan %s: %s, VPN %u, %llu message(s), %llu bad\n",
			l->name, l->up ? "up" : "down", l->vpn,
			(unsigned long long)l->rx_ok,
			(unsigned long long)l->rx_bad);
		if (!l->up)
			continue;
		for (k = 0; k < 2; k++) {
			const struct mb_if *mb = mbs[k];

			fprintf(f, "  %s: querier %s\n",
				k ? "MLD" : "IGMP", mb->querier ? "us" :
				mc_addr_is_any(&mb->other_querier) ? "none" :
				mc_addr_str(&mb->other_querier, a, sizeof(a)));
			for (g = mb->groups; g; g = g->next) {
				uint16_t s;

				fprintf(f, "    member %s %s v%u last %s",
					mc_addr_str(&g->addr, a, sizeof(a)),
					g->exclude ? "exclude" : "include",
					mb_group_compat(mb, g),
					mc_addr_str(&g->last_reporter, b,
						    sizeof(b)));
				for (s = 0; s < g->nsrc; s++)
					fprintf(f, "%s%s%s", s ? "," : " sources ",
						mc_addr_str(&g->src[s].addr, a,
							    sizeof(a)),
						g->src[s].timer ? "" : "(blocked)");
				fprintf(f, "\n");
			}
		}
	}
}

static void want_json(struct json *j, const char *key, const struct want *w)
{
	char a[INET6_ADDRSTRLEN];
	uint16_t i;

	if (!w->present) {
		json_null(j, key);
		return;
	}
	/* [] is any source; a list is those sources only */
	json_arr_open(j, key);
	for (i = 0; i < w->nsrc; i++)
		json_str(j, NULL, mc_addr_str(&w->src[i], a, sizeof(a)));
	json_arr_close(j);
}

static void contrib_json(struct json *j, const struct contrib *c, uint64_t now)
{
	static const char *const kind[] = { "lan", "announce", "kernel" };
	char a[INET6_ADDRSTRLEN];

	json_obj_open(j, NULL);
	json_str(j, "kind", kind[c->kind]);
	if (c->kind == CONTRIB_LAN) {
		uint32_t ifindex;
		char name[IF_NAMESIZE];

		memcpy(&ifindex, &c->who.s6_addr[12], sizeof(ifindex));
		json_str(j, "lan", addr_ifname(ifindex, name, sizeof(name)));
	} else {
		json_str(j, "address", mc_addr_str(&c->who, a, sizeof(a)));
	}
	if (c->expires)
		json_uint(j, "expires", c->expires > now ?
			  (c->expires - now) / 1000 : 0);
	else
		json_null(j, "expires");
	json_obj_close(j);
}

static void groups_json(struct json *j, uint64_t now)
{
	static const char *const role[] = { "sender", "receiver" };
	const struct interest *in;
	const struct contrib *c;
	char a[INET6_ADDRSTRLEN];
	int r;

	json_arr_open(j, "groups");
	for (in = agent->groups.list; in; in = in->next) {
		json_obj_open(j, NULL);
		json_uint(j, "vpn", in->vpn);
		json_str(j, "group", mc_addr_str(&in->group, a, sizeof(a)));
		for (r = 0; r < ROLE_MAX; r++) {
			if (!in->c[r] && !in->acked[r].present &&
			    !in->deny_reason[r]) {
				json_null(j, role[r]);
				continue;
			}
			json_obj_open(j, role[r]);
			want_json(j, "want", &in->want[r]);
			want_json(j, "vnoc", &in->acked[r]);
			json_str(j, "state", in->sync[r] == SYNC_INFLIGHT ?
				 "in-flight" :
				 want_equal(&in->want[r], &in->acked[r]) ?
				 "synced" : in->deny_reason[r] ? "denied" :
				 "pending");
			if (in->deny_reason[r])
				json_str(j, "denied", in->deny_reason[r]);
			json_arr_open(j, "from");
			for (c = in->c[r]; c; c = c->next)
				contrib_json(j, c, now);
			json_arr_close(j);
			json_obj_close(j);
		}
		json_obj_close(j);
	}
	json_arr_close(j);
}

static void lans_json(struct json *j)
{
	char a[INET6_ADDRSTRLEN];
	unsigned int i;
	uint16_t s;
	int k;

	json_arr_open(j, "lans");
	for (i = 0; i < agent->nlans; i++) {
		const struct lan *l = &agent->lans[i];
		const struct mb_if *mbs[2] = { &l->mb4, &l->mb6 };
		const struct mb_group *g;

		json_obj_open(j, NULL);
		json_str(j, "name", l->name);
		json_bool(j, "up", l->up);
		json_uint(j, "vpn", l->vpn);
		json_uint(j, "messages", l->rx_ok);
		json_uint(j, "bad", l->rx_bad);
		for (k = 0; k < 2 && l->up; k++) {
			const struct mb_if *mb = mbs[k];

			json_obj_open(j, k ? "mld" : "igmp");
			if (mb->querier)
				json_str(j, "querier", "us");
			else if (mc_addr_is_any(&mb->other_querier))
				json_null(j, "querier");
			else
				json_str(j, "querier", mc_addr_str(
					 &mb->other_querier, a, sizeof(a)));
			json_arr_open(j, "members");
			for (g = mb->groups; g; g = g->next) {
				json_obj_open(j, NULL);
				json_str(j, "group",
					 mc_addr_str(&g->addr, a, sizeof(a)));
				json_str(j, "mode", g->exclude ? "exclude" :
					 "include");
				json_uint(j, "version", mb_group_compat(mb, g));
				json_str(j, "last_reporter", mc_addr_str(
					 &g->last_reporter, a, sizeof(a)));
				json_arr_open(j, "sources");
				for (s = 0; s < g->nsrc; s++) {
					json_obj_open(j, NULL);
					json_str(j, "address", mc_addr_str(
						 &g->src[s].addr, a, sizeof(a)));
					json_bool(j, "blocked",
						  !g->src[s].timer);
					json_obj_close(j);
				}
				json_arr_close(j);
				json_obj_close(j);
			}
			json_arr_close(j);
			json_obj_close(j);
		}
		json_obj_close(j);
	}
	json_arr_close(j);
}

/* `status -j`: what status() says, as one object (ivgmptool -j's style) */
static void status_json(FILE *f)
{
	uint64_t now = now_ms();
	struct json j;

	json_begin(&j, f);
	json_obj_open(&j, NULL);
	json_uint(&j, "site", agent->site_id);
	json_uint(&j, "uptime", (now - agent->started) / 1000);
	vnoc_status_json(&j);
	kernel_status_json(&j);
	charon_status_json(&j);
	usage_status_json(&agent->usage, &j);
	groups_json(&j, now);
	lans_json(&j);
	json_obj_close(&j);
	json_end(&j);
}

static void ctl_input(int fd, short revents, void *arg)
{
	char cmd[64] = "";
	struct timeval tv = { .tv_sec = 1 };
	ssize_t n;
	FILE *f;
	int c;

	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	/* a stuck client must not stall the agent */
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	n = recv(c, cmd, sizeof(cmd) - 1, 0);
	if (n <= 0) {
		close(c);
		return;
	}
	cmd[n] = 0;
	cmd[strcspn(cmd, "\r\n")] = 0;
	f = fdopen(c, "w");
	if (!f) {
		close(c);
		return;
	}
	if (!strcmp(cmd, "status"))
		status(f);
	else if (!strcmp(cmd, "status json"))
		status_json(f);
	else
		fprintf(f, "error: unknown command \"%s\"\n", cmd);
	fclose(f);
}

int ctl_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	old = umask(0077);
	if (bind(fd, (void *)&sa, sizeof(sa)) || listen(fd, 8)) {
		int e = errno;

		umask(old);
		close(fd);
		return -e;
	}
	umask(old);
	ctl_fd = fd;
	ctl_path = strdup(path);
	loop_add_fd(fd, POLLIN, ctl_input, NULL);
	return 0;
}

void ctl_close(void)
{
	if (ctl_fd < 0)
		return;
	loop_del_fd(ctl_fd);
	close(ctl_fd);
	if (ctl_path)
		unlink(ctl_path);
	free(ctl_path);
	ctl_fd = -1;
}

/* The client side: `ivgmp-agent status`. */
int ctl_client(const char *path, const char *cmd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[4096];
	ssize_t n;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		log_warnx("%s: path too long", path);
		return 1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (void *)&sa, sizeof(sa))) {
		log_warn("cannot reach the agent at %s", path);
		return 1;
	}
	snprintf(buf, sizeof(buf), "%s\n", cmd);
	if (write(fd, buf, strlen(buf)) < 0) {
		log_warn("%s", path);
		close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			break;
	close(fd);
	return n < 0 ? 1 : 0;
}
