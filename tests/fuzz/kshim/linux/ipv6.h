/* SPDX-License-Identifier: GPL-2.0 */
/* See ../kshim.h: the uapi header, then the kernel-only bits. */
#include_next <linux/ipv6.h>
#include "../kshim.h"
