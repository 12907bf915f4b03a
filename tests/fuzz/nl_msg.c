// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the strict netlink parsers in lib/nl_msg.c: any
 * byte string, taken as the attributes after a genl header, must parse or
 * fail with -EINVAL/-ENOMEM, never read out of bounds or leak. Built and
 * run by `make -C lib fuzz` (clang, ASan, UBSan).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "nl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t hdr = MNL_NLMSG_HDRLEN + MNL_ALIGN(GENL_HDRLEN);
	union {
		struct ivgmp_config_info c;
		struct ivgmp_site_info s;
		struct ivgmp_route_info r;
		struct ivgmp_stats_info st;
		struct ivgmp_event_info e;
	} u;
	struct nlmsghdr *nlh;
	int err;

	if (size > 65535 - hdr)
		return 0;
	/* Exactly the message's size, so ASan sees every overread. */
	nlh = calloc(1, hdr + size);
	if (!nlh)
		return 0;
	nlh->nlmsg_len = (uint32_t)(hdr + size);
	memcpy((char *)nlh + hdr, data, size);

	err = ivgmp_parse_config(nlh, &u.c);
	if (err && err != -EINVAL)
		abort();
	err = ivgmp_parse_site(nlh, &u.s);
	if (err && err != -EINVAL)
		abort();
	err = ivgmp_parse_route(nlh, &u.r);
	if (err && err != -EINVAL && err != -ENOMEM)
		abort();
	if (!err)
		ivgmp_route_info_free(&u.r);
	else if (u.r.nexthops)
		abort();
	err = ivgmp_parse_stats(nlh, &u.st);
	if (err && err != -EINVAL)
		abort();
	err = ivgmp_parse_event(nlh, &u.e);
	if (err && err != -EINVAL)
		abort();
	if (size) {
		char path[48];

		ivgmp_attr_path(nlh, (uint32_t)(hdr + data[0] * 4U), path,
				sizeof(path));
		if (strlen(path) >= sizeof(path))
			abort();
	}
	free(nlh);
	return 0;
}
