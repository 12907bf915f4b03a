// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the reply loop in lib/nl.c (ivgmp_nl_process): any
 * datagram, with most messages' seq and port made ours so that acks,
 * errors, extack and dumps are reached, must end the talk or wait for
 * more, never read out of bounds. Built and run by `make -C lib fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nl.h"
#include "nl_priv.h"

#define PORT 7
#define SEQ 5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return MNL_CB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr req = { .nlmsg_seq = SEQ };
	struct ivgmp_nl *nl = ivgmp_nl_fake(PORT);
	struct ivgmp_nl_talk t;
	char *buf = malloc(size ? size : 1);
	size_t off = 0;

	if (!nl || !buf)
		abort();
	if (size)
		memcpy(buf, data, size);
	while (off + sizeof(struct nlmsghdr) <= size) {
		struct nlmsghdr h;

		memcpy(&h, buf + off, sizeof(h));
		h.nlmsg_seq = SEQ;
		h.nlmsg_pid = PORT;
		memcpy(buf + off, &h, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > size - off)
			break;
		off += MNL_ALIGN(h.nlmsg_len);
	}
	ivgmp_nl_talk_init(nl, &t, &req);
	ivgmp_nl_process(nl, &t, buf, size, cb, NULL);
	free(buf);
	ivgmp_nl_close(nl);
	return 0;
}
