/* SPDX-License-Identifier: GPL-2.0 */
/* See ../kshim.h: AF_INET and AF_INET6 come from <sys/socket.h>. */
#include "../kshim.h"
