// SPDX-License-Identifier: GPL-2.0 OR MIT
/* One call per ivgmp command, on top of ivgmp_nl_talk(). See nl.h. */
#include <errno.h>
#include <string.h>

#include "nl.h"

/* A doit reply parsed into one object; -ENODATA if the kernel sent none. */
struct one_reply {
	int (*parse)(const struct nlmsghdr *nlh, void *out);
	void *out;
	bool got;
	uint8_t cmd;
};

static int one_reply_cb(const struct nlmsghdr *nlh, void *data)
{
	struct one_reply *r = data;
	int err;

	if (r->got)
		return MNL_CB_OK;
	err = r->parse(nlh, r->out);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	r->got = true;
	return MNL_CB_OK;
}

static int talk_one(struct ivgmp_nl *nl, struct nlmsghdr *nlh,
		    int (*parse)(const struct nlmsghdr *, void *), void *out)
{
	struct one_reply r = { .parse = parse, .out = out };
	int err;

	err = ivgmp_nl_talk(nl, nlh, one_reply_cb, &r);
	if (err)
		return err;
	return r.got ? 0 : -ENODATA;
}

static int parse_config_v(const struct nlmsghdr *nlh, void *out)
{
	return ivgmp_parse_config(nlh, out);
}

static int parse_site_v(const struct nlmsghdr *nlh, void *out)
{
	return ivgmp_parse_site(nlh, out);
}

static int parse_route_v(const struct nlmsghdr *nlh, void *out)
{
	struct ivgmp_route_info *r = out;

	/* A second reply would leak the first one's next hops. */
	ivgmp_route_info_free(r);
	return ivgmp_parse_route(nlh, r);
}

static int parse_stats_v(const struct nlmsghdr *nlh, void *out)
{
	return ivgmp_parse_stats(nlh, out);
}

int ivgmp_nl_get_config(struct ivgmp_nl *nl, struct ivgmp_config_info *out)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_GET_CONFIG, 0);

	return talk_one(nl, nlh, parse_config_v, out);
}

int ivgmp_nl_set_config(struct ivgmp_nl *nl,
			const struct ivgmp_config_info *c)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_SET_CONFIG, 0);
	int err;

	err = ivgmp_put_config(nlh, ivgmp_nl_req_buflen(nl), c);
	if (err)
		return err;
	return ivgmp_nl_talk(nl, nlh, NULL, NULL);
}

int ivgmp_nl_site_new(struct ivgmp_nl *nl, const struct ivgmp_site_info *s,
		      bool replace)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, replace ? IVGMP_CMD_SET_SITE :
					    IVGMP_CMD_NEW_SITE, 0);
	int err;

	err = ivgmp_put_site(nlh, ivgmp_nl_req_buflen(nl), s, false);
	if (err)
		return err;
	return ivgmp_nl_talk(nl, nlh, NULL, NULL);
}

int ivgmp_nl_site_del(struct ivgmp_nl *nl, uint32_t id)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_DEL_SITE, 0);
	struct ivgmp_site_info s = { .id = id };
	int err;

	err = ivgmp_put_site(nlh, ivgmp_nl_req_buflen(nl), &s, true);
	if (err)
		return err;
	return ivgmp_nl_talk(nl, nlh, NULL, NULL);
}

int ivgmp_nl_site_get(struct ivgmp_nl *nl, uint32_t id,
		      struct ivgmp_site_info *out)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_GET_SITE, 0);
	struct ivgmp_site_info s = { .id = id };
	int err;

	err = ivgmp_put_site(nlh, ivgmp_nl_req_buflen(nl), &s, true);
	if (err)
		return err;
	return talk_one(nl, nlh, parse_site_v, out);
}

int ivgmp_nl_route_new(struct ivgmp_nl *nl, const struct ivgmp_route_info *r,
		       bool replace)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, replace ? IVGMP_CMD_SET_ROUTE :
					    IVGMP_CMD_NEW_ROUTE, 0);
	int err;

	err = ivgmp_put_route(nlh, ivgmp_nl_req_buflen(nl), r, false);
	if (err)
		return err;
	return ivgmp_nl_talk(nl, nlh, NULL, NULL);
}

int ivgmp_nl_route_del(struct ivgmp_nl *nl, const struct ivgmp_route_info *r)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_DEL_ROUTE, 0);
	int err;

	err = ivgmp_put_route(nlh, ivgmp_nl_req_buflen(nl), r, true);
	if (err)
		return err;
	return ivgmp_nl_talk(nl, nlh, NULL, NULL);
}

static int route_final(struct ivgmp_nl *nl, struct nlmsghdr *nlh,
		       const struct ivgmp_route_info *r, bool key_only,
		       struct ivgmp_route_info *final)
{
	int err;

	memset(final, 0, sizeof(*final));
	err = ivgmp_put_route(nlh, ivgmp_nl_req_buflen(nl), r, key_only);
	if (err)
		return err;
	err = talk_one(nl, nlh, parse_route_v, final);
	if (err)
		ivgmp_route_info_free(final);
	return err;
}

int ivgmp_nl_route_new_final(struct ivgmp_nl *nl,
			     const struct ivgmp_route_info *r, bool replace,
			     struct ivgmp_route_info *final)
{
	return route_final(nl, ivgmp_nl_req(nl, replace ? IVGMP_CMD_SET_ROUTE :
					    IVGMP_CMD_NEW_ROUTE, NLM_F_ECHO),
			   r, false, final);
}

int ivgmp_nl_route_del_final(struct ivgmp_nl *nl,
			     const struct ivgmp_route_info *r,
			     struct ivgmp_route_info *final)
{
	return route_final(nl, ivgmp_nl_req(nl, IVGMP_CMD_DEL_ROUTE,
					    NLM_F_ECHO),
			   r, true, final);
}

int ivgmp_nl_route_get(struct ivgmp_nl *nl, const struct ivgmp_route_info *key,
		       struct ivgmp_route_info *out)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_GET_ROUTE, 0);
	int err;

	memset(out, 0, sizeof(*out));
	err = ivgmp_put_route(nlh, ivgmp_nl_req_buflen(nl), key, true);
	if (err)
		return err;
	err = talk_one(nl, nlh, parse_route_v, out);
	if (err)
		ivgmp_route_info_free(out);
	return err;
}

struct dump_ctx {
	ivgmp_site_cb site_cb;
	ivgmp_route_cb route_cb;
	void *data;
};

static int site_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct ivgmp_site_info s;
	int err;

	err = ivgmp_parse_site(nlh, &s);
	if (!err)
		err = ctx->site_cb(&s, ctx->data);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int route_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct ivgmp_route_info r;
	int err;

	err = ivgmp_parse_route(nlh, &r);
	if (!err) {
		err = ctx->route_cb(&r, ctx->data);
		ivgmp_route_info_free(&r);
	}
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int ivgmp_nl_site_dump(struct ivgmp_nl *nl, ivgmp_site_cb cb, void *data)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_GET_SITE,
					    NLM_F_DUMP);
	struct dump_ctx ctx = { .site_cb = cb, .data = data };

	return ivgmp_nl_talk(nl, nlh, site_dump_cb, &ctx);
}

int ivgmp_nl_route_dump(struct ivgmp_nl *nl, ivgmp_route_cb cb, void *data)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_GET_ROUTE,
					    NLM_F_DUMP);
	struct dump_ctx ctx = { .route_cb = cb, .data = data };

	return ivgmp_nl_talk(nl, nlh, route_dump_cb, &ctx);
}

int ivgmp_nl_flush(struct ivgmp_nl *nl, uint32_t what)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_FLUSH, 0);

	mnl_attr_put_u32(nlh, IVGMP_A_FLUSH, what);
	return ivgmp_nl_talk(nl, nlh, NULL, NULL);
}

int ivgmp_nl_get_stats(struct ivgmp_nl *nl, struct ivgmp_stats_info *out)
{
	struct nlmsghdr *nlh = ivgmp_nl_req(nl, IVGMP_CMD_GET_STATS, 0);

	return talk_one(nl, nlh, parse_stats_v, out);
}
