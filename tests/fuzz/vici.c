// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: what charon could send the agent.  The input is parsed as a
 * message (and every element read back), split as a packet, and fed as a
 * byte stream to a connection with a request in flight, which must answer
 * it or refuse the stream, never read out of bounds.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vici.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const struct vici_msg *m, int parent, int depth)
{
	char buf[64];
	uint64_t v;
	int i;

	for (i = vici_first(m, parent); i >= 0; i = vici_next(m, i)) {
		vici_str(m, i, buf, sizeof(buf));
		if (m->el[i].type == VICI_SECTION_START ||
		    m->el[i].type == VICI_LIST_START) {
			if (depth > VICI_MAX_DEPTH)
				abort();	/* the parser bounds depth */
			walk(m, i, depth + 1);
		}
	}
	vici_get_u64(m, parent, "state", &v);
	vici_path(m, parent, "child-sas.ivgmp-1.spi-in");
}

static int replies;

static void on_reply(void *arg, int err, const struct vici_msg *m)
{
	replies++;
	if (m)
		walk(m, -1, 0);
}

static void on_event(void *arg, const char *name, const struct vici_msg *m)
{
	walk(m, -1, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vici_conn *c;
	struct vici_msg m;
	const uint8_t *msg;
	const char *name;
	size_t nl, ml;
	uint8_t type;
	int sv[2], err;
	uint8_t sink[256];

	if (!vici_parse(data, size, &m)) {
		walk(&m, -1, 0);
		vici_msg_free(&m);
	}
	vici_packet_split(data, size, &type, &name, &nl, &msg, &ml);

	if (size > 64 * 1024 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return 0;
	c = vici_conn_new(on_event, NULL);
	if (!c || vici_attach(c, sv[0])) {
		close(sv[0]);
		close(sv[1]);
		vici_conn_free(c);
		return 0;
	}
	replies = 0;
	vici_command(c, "list-sas", on_reply, NULL);
	vici_command(c, "get-conns", on_reply, NULL);
	vici_io(c, POLLOUT);
	while (read(sv[1], sink, sizeof(sink)) == sizeof(sink))
		;
	if (write(sv[1], data, size) != (ssize_t)size)
		abort();
	shutdown(sv[1], SHUT_WR);
	do
		err = vici_io(c, POLLIN);
	while (!err);
	/* whatever came, every request was answered: by charon or by the
	 * connection's end */
	if (replies != 2 || vici_fd(c) != -1)
		abort();
	close(sv[1]);
	vici_conn_free(c);
	return 0;
}
