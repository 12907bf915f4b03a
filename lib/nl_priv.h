/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Inside of ivgmp_nl_talk(), split out so the unit tests can feed it
 * crafted replies (acks, extack TLVs, NLMSG_DONE with an error, interrupted
 * dumps, stray sequence numbers) without a kernel. Not for programs: use
 * nl.h.
 */
#ifndef IVGMP_NL_PRIV_H
#define IVGMP_NL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"

struct ivgmp_nl_talk {
	uint32_t seq;
	bool stopped;
	int cb_err;
	int result;
};

/* Reset nl's error state for a new request req. */
void ivgmp_nl_talk_init(struct ivgmp_nl *nl, struct ivgmp_nl_talk *t,
			const struct nlmsghdr *req);
/*
 * Feed one received buffer: 0 = the reply goes on, read more; 1 = it is
 * complete and t->result is what ivgmp_nl_talk() returns.
 */
int ivgmp_nl_process(struct ivgmp_nl *nl, struct ivgmp_nl_talk *t,
		     const void *buf, size_t size, mnl_cb_t cb, void *data);
/* A handle with no socket and the given port id; ivgmp_nl_close() frees. */
struct ivgmp_nl *ivgmp_nl_fake(uint32_t portid);

#endif /* IVGMP_NL_PRIV_H */
