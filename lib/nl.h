/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Generic netlink client for the "ivgmp" family (include/uapi/linux/ivgmp.h),
 * over libmnl. Shared by ivgmptool and ivgmp-agent.
 *
 * Three layers, use whichever fits:
 *
 * 1. Handle and transport.
 *      nl = ivgmp_nl_open();         socket, extack on, family id and
 *                                    "events" group id resolved
 *      nlh = ivgmp_nl_req(nl, cmd, flags);   start a request in the handle's
 *                                    send buffer (NLM_F_REQUEST|NLM_F_ACK
 *                                    are added; pass NLM_F_DUMP for a dump)
 *      ... mnl_attr_put*() / ivgmp_put_*() into nlh ...
 *      err = ivgmp_nl_talk(nl, nlh, cb, data);   send, then call cb for every
 *                                    reply message until the ack or NLMSG_DONE
 *    Every function returning int returns 0 or a negative errno. After a
 *    kernel error, ivgmp_nl_errmsg() is the extack message ("" if none) and
 *    ivgmp_nl_erroff() the offset of the offending attribute in the request
 *    (0 if none). A dump the kernel marked NLM_F_DUMP_INTR still completes,
 *    but ivgmp_nl_talk() then returns -EINTR *after* delivering every
 *    message; ivgmp_nl_dump_intr() tells the same. Callers that need a
 *    consistent view (the agent) repeat the dump.
 *    A callback returns MNL_CB_OK to go on, MNL_CB_STOP to end early (the
 *    rest of the reply is drained; talk returns 0) or MNL_CB_ERROR (talk
 *    returns -errno if the callback set errno, else -EINVAL).
 *
 * 2. Typed objects: struct ivgmp_{config,site,route,stats,event}_info,
 *    ivgmp_parse_*() to fill one from a reply message (strict: wrong
 *    lengths, missing required attributes, both v4 and v6 forms, nesting
 *    errors give -EINVAL; attribute types newer than this header are
 *    ignored so a newer kernel still works), and ivgmp_put_*() to add one
 *    to a request.
 *
 * 3. One call per command: ivgmp_nl_get_config(), ivgmp_nl_site_new(), ...
 *    ivgmp_nl_route_dump() etc. (bottom of this file).
 *
 * Events: open a separate handle for them (so they never mix with request
 * replies), ivgmp_nl_subscribe_events(), poll ivgmp_nl_fd() for POLLIN and
 * call ivgmp_nl_read_events(). It returns -ENOBUFS when the kernel dropped
 * events because the socket overran: the caller should then resync.
 *
 * A handle is not thread-safe. Sequence numbers and the port id are checked
 * on every reply.
 */
#ifndef IVGMP_NL_H
#define IVGMP_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <uapi/linux/ivgmp.h>

#include "addr.h"

struct ivgmp_nl;

/* ---- 1. Handle and transport ------------------------------------------ */

/*
 * NULL on failure with errno set: ENOENT when the ivgmp family is not
 * registered (module not loaded in this kernel), else a socket error.
 */
struct ivgmp_nl *ivgmp_nl_open(void);
void ivgmp_nl_close(struct ivgmp_nl *nl);
int ivgmp_nl_fd(const struct ivgmp_nl *nl);
uint16_t ivgmp_nl_family(const struct ivgmp_nl *nl);
uint32_t ivgmp_nl_events_group(const struct ivgmp_nl *nl);

struct nlmsghdr *ivgmp_nl_req(struct ivgmp_nl *nl, uint8_t cmd,
			      uint16_t flags);
int ivgmp_nl_talk(struct ivgmp_nl *nl, struct nlmsghdr *req, mnl_cb_t cb,
		  void *data);

const char *ivgmp_nl_errmsg(const struct ivgmp_nl *nl);
uint32_t ivgmp_nl_erroff(const struct ivgmp_nl *nl);
bool ivgmp_nl_dump_intr(const struct ivgmp_nl *nl);

/* The first attribute after the genlmsghdr, for mnl_attr_for_each_payload. */
const void *ivgmp_nl_payload(const struct nlmsghdr *nlh, size_t *len);
/* Command of a genl message, or -1 if it is too short to have one. */
int ivgmp_nl_cmd(const struct nlmsghdr *nlh);

/* ---- 2. Typed objects -------------------------------------------------- */

/* Which IVGMP_STATS_A_* a counter set carried: bit (1U << attr). */
struct ivgmp_counters {
	uint32_t present;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t delivered;
	uint64_t relayed;
};

struct ivgmp_lan {
	uint32_t ifindex;
	uint32_t vpn;
};

/*
 * present has bit (1U << IVGMP_CONFIG_A_x) for each attribute present;
 * ivgmp_put_config() sends exactly those (so a SET changes only them; a
 * present LANS/PREFIXES with n_* = 0 sends an empty nest, which clears).
 */
#define IVGMP_CONFIG_HAS(attr)	(1U << (attr))
struct ivgmp_config_info {
	uint32_t present;
	uint32_t site_id;
	uint16_t port;
	uint32_t flags;			/* IVGMP_CONFIG_F_* */
	uint8_t hop_limit;
	uint32_t event_rate;
	unsigned int n_lans;
	struct ivgmp_lan lans[IVGMP_MAX_LANS];
	unsigned int n_prefixes;
	struct ivgmp_prefix prefixes[IVGMP_MAX_PREFIXES];
};

struct ivgmp_site_info {
	uint32_t id;
	struct ivgmp_addr addr;		/* WAN address */
	bool has_port;			/* put: send port; parse: kernel sent it */
	uint16_t port;
	bool has_stats;
	struct ivgmp_counters stats;
};

struct ivgmp_nexthop_info {
	uint32_t site;
	bool has_stats;
	struct ivgmp_counters stats;
};

/*
 * A route. source.family == AF_UNSPEC for a (*,G) route. nexthops is an
 * array of n_nexthops owned by the struct: ivgmp_parse_route() allocates it
 * (free with ivgmp_route_info_free()); for ivgmp_put_route() the caller
 * points it wherever it likes. has_nexthops says whether the NEXTHOPS nest
 * is sent/was received (a route with no next hops but deliver_local sends
 * an empty nest).
 */
struct ivgmp_route_info {
	uint32_t vpn;
	struct ivgmp_addr group;
	struct ivgmp_addr source;
	uint32_t origin;
	uint32_t flags;			/* IVGMP_ROUTE_F_* */
	bool has_nexthops;
	unsigned int n_nexthops;
	struct ivgmp_nexthop_info *nexthops;
	bool has_stats;
	struct ivgmp_counters stats;
};
void ivgmp_route_info_free(struct ivgmp_route_info *r);

struct ivgmp_stats_info {
	struct ivgmp_counters global;
	/* drops[reason]; drop_present has bit (1ULL << reason) if sent. */
	uint64_t drop_present;
	uint64_t drops[IVGMP_DROP_MAX + 1];
};

struct ivgmp_event_info {
	uint32_t vpn;
	struct ivgmp_addr group;
	struct ivgmp_addr source;
	uint32_t ifindex;
};

/*
 * Parsers take a whole reply message (genl header included), find the
 * top-level attribute (IVGMP_A_CONFIG, _SITE, _ROUTE, _STATS+_DROPS,
 * _EVENT) and fill *out, which they zero first. -EINVAL on malformed
 * input, -ENOMEM (route next hops). On error *out holds nothing to free.
 */
int ivgmp_parse_config(const struct nlmsghdr *nlh,
		       struct ivgmp_config_info *out);
int ivgmp_parse_site(const struct nlmsghdr *nlh, struct ivgmp_site_info *out);
int ivgmp_parse_route(const struct nlmsghdr *nlh,
		      struct ivgmp_route_info *out);
int ivgmp_parse_stats(const struct nlmsghdr *nlh,
		      struct ivgmp_stats_info *out);
int ivgmp_parse_event(const struct nlmsghdr *nlh,
		      struct ivgmp_event_info *out);
/* The same, from the nested attribute itself. */
int ivgmp_parse_config_attr(const struct nlattr *nest,
			    struct ivgmp_config_info *out);
int ivgmp_parse_site_attr(const struct nlattr *nest,
			  struct ivgmp_site_info *out);
int ivgmp_parse_route_attr(const struct nlattr *nest,
			   struct ivgmp_route_info *out);
int ivgmp_parse_counters(const struct nlattr *nest,
			 struct ivgmp_counters *out);

/*
 * Put helpers add the top-level nested attribute to nlh. They return
 * -EMSGSIZE if the buffer is too small (the request buffer holds the
 * largest legal route), -EINVAL for an object that cannot be encoded
 * (unknown family, too many LANs/prefixes/next hops). The stats fields are
 * never sent. ivgmp_put_route(..., key_only = true) sends only the key
 * (vpn, group, source, origin), as DEL_ROUTE and a GET doit want.
 */
int ivgmp_put_config(struct nlmsghdr *nlh, size_t buflen,
		     const struct ivgmp_config_info *c);
int ivgmp_put_site(struct nlmsghdr *nlh, size_t buflen,
		   const struct ivgmp_site_info *s, bool id_only);
int ivgmp_put_route(struct nlmsghdr *nlh, size_t buflen,
		    const struct ivgmp_route_info *r, bool key_only);
/* Size of the send buffer behind ivgmp_nl_req(), for the buflen above. */
size_t ivgmp_nl_req_buflen(const struct ivgmp_nl *nl);

/*
 * The attribute at byte offset off of request req (an extack offset) as a
 * path of names, e.g. "route.nexthops.nexthop[2].site"; unknown types show
 * as numbers. 0, or -ENOENT if off points at no attribute (buf is "").
 */
int ivgmp_attr_path(const struct nlmsghdr *req, uint32_t off, char *buf,
		    size_t len);
/*
 * ivgmp_attr_path() for the last kernel error of nl: the path of the
 * attribute the kernel named, or "" if it named none. The request must
 * still be intact (no ivgmp_nl_req() since, or the caller's own buffer
 * kept as it was).
 */
const char *ivgmp_nl_err_attr(struct ivgmp_nl *nl);

/* Names for humans and JSON; "unknown" if out of range. */
const char *ivgmp_drop_name(unsigned int reason);
const char *ivgmp_cmd_name(unsigned int cmd);

/* ---- 3. One call per command ------------------------------------------ */

int ivgmp_nl_get_config(struct ivgmp_nl *nl, struct ivgmp_config_info *out);
int ivgmp_nl_set_config(struct ivgmp_nl *nl,
			const struct ivgmp_config_info *c);

/*
 * NEW_SITE / NEW_ROUTE: create; -EEXIST if it exists. With @replace,
 * SET_SITE / SET_ROUTE: create, or replace an existing one in place (its
 * counters stay).
 */
int ivgmp_nl_site_new(struct ivgmp_nl *nl, const struct ivgmp_site_info *s,
		      bool replace);
int ivgmp_nl_site_del(struct ivgmp_nl *nl, uint32_t id);
int ivgmp_nl_site_get(struct ivgmp_nl *nl, uint32_t id,
		      struct ivgmp_site_info *out);

int ivgmp_nl_route_new(struct ivgmp_nl *nl, const struct ivgmp_route_info *r,
		       bool replace);
int ivgmp_nl_route_del(struct ivgmp_nl *nl, const struct ivgmp_route_info *r);
/*
 * The same with NLM_F_ECHO: *final holds what the change took away,
 * counted to its last copy (Documentation/netlink-api.md): the deleted
 * route, or the key and the next hops a replacement removed (none when it
 * created the route). -ENODATA if the kernel made the change but sent no
 * reply (a module without echo). Free *final with ivgmp_route_info_free()
 * on success.
 */
int ivgmp_nl_route_new_final(struct ivgmp_nl *nl,
			     const struct ivgmp_route_info *r, bool replace,
			     struct ivgmp_route_info *final);
int ivgmp_nl_route_del_final(struct ivgmp_nl *nl,
			     const struct ivgmp_route_info *r,
			     struct ivgmp_route_info *final);
/* out must be freed with ivgmp_route_info_free() on success. */
int ivgmp_nl_route_get(struct ivgmp_nl *nl, const struct ivgmp_route_info *key,
		       struct ivgmp_route_info *out);

/*
 * Dumps call cb once per object; the object (and a route's next hops) is
 * valid only during the call. cb returns 0 to go on, or a negative errno
 * to stop the dump and have the dump return it. -EINTR as in
 * ivgmp_nl_talk(): everything was delivered but may be inconsistent.
 */
typedef int (*ivgmp_site_cb)(const struct ivgmp_site_info *s, void *data);
typedef int (*ivgmp_route_cb)(const struct ivgmp_route_info *r, void *data);
typedef int (*ivgmp_event_cb)(const struct ivgmp_event_info *e, void *data);
int ivgmp_nl_site_dump(struct ivgmp_nl *nl, ivgmp_site_cb cb, void *data);
int ivgmp_nl_route_dump(struct ivgmp_nl *nl, ivgmp_route_cb cb, void *data);

/* what: IVGMP_FLUSH_* bits, 0 = everything. */
int ivgmp_nl_flush(struct ivgmp_nl *nl, uint32_t what);
int ivgmp_nl_get_stats(struct ivgmp_nl *nl, struct ivgmp_stats_info *out);

int ivgmp_nl_subscribe_events(struct ivgmp_nl *nl);
/*
 * Read what one recv() returns (blocks unless the fd is non-blocking or
 * poll said POLLIN) and call cb for each NEW_SOURCE event. Messages that
 * are not well-formed events are skipped with a log_debug(). Returns
 * -EAGAIN if nothing was there (non-blocking fd), -ENOBUFS on overrun.
 */
int ivgmp_nl_read_events(struct ivgmp_nl *nl, ivgmp_event_cb cb, void *data);

#endif /* IVGMP_NL_H */
