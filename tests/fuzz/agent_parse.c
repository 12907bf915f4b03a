// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for everything the agent parses from the network: IGMP
 * and MLD datagrams (mc_parse, then the membership state machine) and
 * announcement messages.  Build and run: make -C agent fuzz.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "announce.h"
#include "membership.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct mb_ops ops;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mc_msg m;
	static struct mb_if mb4, mb6;
	static int ready;
	static uint64_t now = 1;
	struct announce a;
	const char *why;

	if (!ready) {
		struct mb_config c;

		mb_config_defaults(&c, AF_INET);
		c.max_groups = 64;
		mb_init(&mb4, &c, &ops, NULL, now);
		mb_config_defaults(&c, AF_INET6);
		c.max_groups = 64;
		mb_init(&mb6, &c, &ops, NULL, now);
		ready = 1;
	}
	if (!mc_parse(data, size, &m)) {
		/* a valid message must also be safe for the state machine */
		mb_input(m.family == AF_INET ? &mb4 : &mb6, now, &m);
		now += 1000;
		mb_tick(&mb4, now);
		mb_tick(&mb6, now);
	}
	announce_decode(data, size, &a, &why);
	return 0;
}
