// SPDX-License-Identifier: GPL-2.0
/*
 * VICI: encoding against golden byte vectors (the README's own example and
 * packets as charon and swanctl put them on the wire), decoding, and every
 * malformed or truncated message refused, by the parser and by a connection
 * fed through a socketpair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vici.h"
#include "vici_golden.h"

/* strongSwan src/libcharon/plugins/vici/README.md, "Encoding example" */
static const uint8_t readme_msg[] = {
	3, 4, 'k', 'e', 'y', '1', 0, 6, 'v', 'a', 'l', 'u', 'e', '1',
	1, 8, 's', 'e', 'c', 't', 'i', 'o', 'n', '1',
	1, 11, 's', 'u', 'b', '-', 's', 'e', 'c', 't', 'i', 'o', 'n',
	3, 4, 'k', 'e', 'y', '2', 0, 6, 'v', 'a', 'l', 'u', 'e', '2',
	2,
	4, 5, 'l', 'i', 's', 't', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '1',
	5, 0, 5, 'i', 't', 'e', 'm', '2',
	6,
	2,
};

static void build_readme(struct vici_buf *b, enum vici_packet_type t,
			 const char *name)
{
	vici_begin(b, t, name);
	vici_kv_str(b, "key1", "value1");
	vici_section(b, "section1");
	vici_section(b, "sub-section");
	vici_kv_str(b, "key2", "value2");
	vici_section_end(b);
	vici_list(b, "list1");
	vici_item_str(b, "item1");
	vici_item_str(b, "item2");
	vici_list_end(b);
	vici_section_end(b);
}

static void test_encode_readme(void **state)
{
	struct vici_buf b;
	size_t n = sizeof(readme_msg) + 1 + 1 + 4;

	vici_buf_init(&b);
	build_readme(&b, VICI_CMD_REQUEST, "load-conn");
	assert_int_equal(vici_finish(&b), 0);
	/* u32 length, CMD_REQUEST, name, then the README's bytes */
	assert_int_equal(b.len, 4 + 1 + 1 + 9 + sizeof(readme_msg));
	n = b.len - 4;
	assert_int_equal(b.data[0], 0);
	assert_int_equal(b.data[1], 0);
	assert_int_equal(b.data[2], n >> 8);
	assert_int_equal(b.data[3], n & 0xff);
	assert_int_equal(b.data[4], VICI_CMD_REQUEST);
	assert_int_equal(b.data[5], 9);
	assert_memory_equal(b.data + 6, "load-conn", 9);
	assert_memory_equal(b.data + 15, readme_msg, sizeof(readme_msg));
	vici_buf_free(&b);
}

/* swanctl --list-sas: register, then the command (bytes as on the wire) */
static void test_encode_packets(void **state)
{
	static const uint8_t reg[] = {
		0, 0, 0, 9, 3, 7, 'l', 'i', 's', 't', '-', 's', 'a',
	};
	static const uint8_t cmd[] = {
		0, 0, 0, 10, 0, 8, 'l', 'i', 's', 't', '-', 's', 'a', 's',
	};
	static const uint8_t resp[] = { 0, 0, 0, 1, 1 };
	static const uint8_t unload[] = {
		0, 0, 0, 30, 0, 11, 'u', 'n', 'l', 'o', 'a', 'd', '-', 'c',
		'o', 'n', 'n', 3, 4, 'n', 'a', 'm', 'e', 0, 9, 'i', 'v', 'g',
		'm', 'p', '-', '1', '2', '3',
	};
	struct vici_buf b;

	vici_buf_init(&b);
	vici_begin(&b, VICI_EVENT_REGISTER, "list-sa");
	assert_int_equal(vici_finish(&b), 0);
	assert_int_equal(b.len, sizeof(reg));
	assert_memory_equal(b.data, reg, sizeof(reg));

	vici_begin(&b, VICI_CMD_REQUEST, "list-sas");
	assert_int_equal(vici_finish(&b), 0);
	assert_int_equal(b.len, sizeof(cmd));
	assert_memory_equal(b.data, cmd, sizeof(cmd));

	vici_begin(&b, VICI_CMD_RESPONSE, NULL);
	assert_int_equal(vici_finish(&b), 0);
	assert_int_equal(b.len, sizeof(resp));
	assert_memory_equal(b.data, resp, sizeof(resp));

	vici_begin(&b, VICI_CMD_REQUEST, "unload-conn");
	vici_kv_fmt(&b, "name", "ivgmp-%u", 123u);
	assert_int_equal(vici_finish(&b), 0);
	assert_int_equal(b.len, sizeof(unload));
	assert_memory_equal(b.data, unload, sizeof(unload));
	vici_buf_free(&b);
}

static void test_encode_errors(void **state)
{
	char big[300];
	static char huge[70000];
	struct vici_buf b;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	vici_buf_init(&b);

	/* named types need a name, unnamed ones must not have one */
	vici_begin(&b, VICI_CMD_REQUEST, NULL);
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_begin(&b, VICI_CMD_RESPONSE, "x");
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_begin(&b, (enum vici_packet_type)8, NULL);
	assert_int_equal(vici_finish(&b), -EINVAL);
	/* names: 1..255 bytes */
	vici_begin(&b, VICI_CMD_REQUEST, big);
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_begin(&b, VICI_CMD_REQUEST, "");
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_kv_str(&b, big, "v");
	assert_int_equal(vici_finish(&b), -EINVAL);
	/* values: up to 65535 bytes */
	memset(huge, 'v', sizeof(huge));
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_kv(&b, "k", huge, 65536);
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_kv(&b, "k", huge, 65535);
	assert_int_equal(vici_finish(&b), 0);
	/* balance */
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_section(&b, "s");
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_section_end(&b);
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_list(&b, "l");
	assert_int_equal(vici_finish(&b), -EINVAL);
	/* lists hold items only, items live in lists only */
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_list(&b, "l");
	vici_kv_str(&b, "k", "v");
	vici_list_end(&b);
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_list(&b, "l");
	vici_list(&b, "m");
	vici_list_end(&b);
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_item_str(&b, "i");
	assert_int_equal(vici_finish(&b), -EINVAL);
	/* the segment limit: nine 65535-byte values are over 512 KiB */
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	for (int i = 0; i < 9; i++) {
		char k[4];

		snprintf(k, sizeof(k), "k%d", i);
		vici_kv(&b, k, huge, 65535);
	}
	assert_int_equal(vici_finish(&b), -EMSGSIZE);
	/* the error is sticky: a later valid call does not hide it */
	vici_begin(&b, VICI_CMD_REQUEST, "c");
	vici_section_end(&b);
	vici_section(&b, "s");
	assert_int_equal(vici_finish(&b), -EINVAL);
	vici_buf_free(&b);
}

static void test_decode_readme(void **state)
{
	struct vici_msg m;
	char buf[32];
	int s1, sub, l, i;

	assert_int_equal(vici_parse(readme_msg, sizeof(readme_msg), &m), 0);
	assert_int_equal(m.n, 7);
	assert_string_equal(vici_get(&m, -1, "key1", buf, sizeof(buf)),
			    "value1");
	s1 = vici_find(&m, -1, "section1");
	assert_true(s1 >= 0);
	assert_int_equal(m.el[s1].type, VICI_SECTION_START);
	/* only direct children are found */
	assert_int_equal(vici_find(&m, -1, "key2"), -1);
	assert_int_equal(vici_find(&m, -1, "sub-section"), -1);
	sub = vici_find(&m, s1, "sub-section");
	assert_string_equal(vici_get(&m, sub, "key2", buf, sizeof(buf)),
			    "value2");
	assert_string_equal(vici_str(&m, vici_path(&m, -1,
				     "section1.sub-section.key2"), buf,
				     sizeof(buf)), "value2");
	assert_int_equal(vici_path(&m, -1, "section1.nope.key2"), -1);
	assert_int_equal(vici_path(&m, -1, "key1.x"), -1);
	l = vici_find(&m, s1, "list1");
	assert_int_equal(m.el[l].type, VICI_LIST_START);
	i = vici_first(&m, l);
	assert_string_equal(vici_str(&m, i, buf, sizeof(buf)), "item1");
	i = vici_next(&m, i);
	assert_string_equal(vici_str(&m, i, buf, sizeof(buf)), "item2");
	assert_int_equal(vici_next(&m, i), -1);
	/* siblings: key1, section1 at the root; sub-section, list1 inside */
	assert_int_equal(vici_next(&m, vici_first(&m, -1)), s1);
	assert_int_equal(vici_next(&m, s1), -1);
	assert_int_equal(vici_next(&m, sub), l);
	/* a value that does not fit the buffer is refused, not cut */
	assert_null(vici_get(&m, -1, "key1", buf, 6));
	assert_non_null(vici_get(&m, -1, "key1", buf, 7));
	/* a section is not a value */
	assert_null(vici_str(&m, s1, buf, sizeof(buf)));
	vici_msg_free(&m);

	/* the empty message is valid (e.g. list-sas' final response) */
	assert_int_equal(vici_parse(readme_msg, 0, &m), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(vici_first(&m, -1), -1);
	vici_msg_free(&m);
}

/* What a real charon sent: an event and two responses. */
static void test_decode_charon(void **state)
{
	const uint8_t *msg;
	const char *name;
	size_t nl, ml, n;
	struct vici_msg m;
	uint8_t type;
	char buf[64];
	uint64_t v;
	int ike, l;

	assert_int_equal(vici_packet_split(charon_list_sa,
					   sizeof(charon_list_sa), &type,
					   &name, &nl, &msg, &ml), 0);
	assert_int_equal(type, VICI_EVENT);
	assert_int_equal(nl, 7);
	assert_memory_equal(name, "list-sa", 7);
	assert_int_equal(vici_parse(msg, ml, &m), 0);
	ike = vici_find(&m, -1, "ivgmp-2");
	assert_true(ike >= 0);
	assert_int_equal(vici_next(&m, ike), -1);
	assert_string_equal(vici_get(&m, ike, "state", buf, sizeof(buf)),
			    "ESTABLISHED");
	assert_string_equal(vici_get(&m, ike, "local-id", buf, sizeof(buf)),
			    "CN=site-a");
	assert_string_equal(vici_get(&m, ike, "remote-id", buf, sizeof(buf)),
			    "CN=site-b");
	assert_string_equal(vici_get(&m, ike, "initiator-spi", buf,
				     sizeof(buf)), "dc00245863931a3e");
	assert_string_equal(vici_get(&m, ike, "dh-group", buf, sizeof(buf)),
			    "CURVE_25519");
	assert_true(vici_get_u64(&m, ike, "rekey-time", &v));
	assert_int_equal(v, 13679);
	l = vici_find(&m, ike, "child-sas");
	assert_int_equal(m.el[l].type, VICI_SECTION_START);
	assert_int_equal(vici_first(&m, l), -1);
	vici_msg_free(&m);
	/* every cut of it is refused (but the empty message) */
	for (n = 1; n < ml; n++)
		if (vici_parse(msg, n, &m) == 0)
			fail_msg("charon's list-sa cut to %zu bytes accepted", n);

	assert_int_equal(charon_get_conns[0], VICI_CMD_RESPONSE);
	assert_int_equal(vici_parse(charon_get_conns + 1,
				    sizeof(charon_get_conns) - 1, &m), 0);
	l = vici_find(&m, -1, "conns");
	assert_int_equal(m.el[l].type, VICI_LIST_START);
	assert_string_equal(vici_str(&m, vici_first(&m, l), buf, sizeof(buf)),
			    "ivgmp-2");
	vici_msg_free(&m);

	assert_int_equal(vici_parse(charon_version + 1,
				    sizeof(charon_version) - 1, &m), 0);
	assert_string_equal(vici_get(&m, -1, "daemon", buf, sizeof(buf)),
			    "charon");
	assert_string_equal(vici_get(&m, -1, "version", buf, sizeof(buf)),
			    "5.9.8");
	vici_msg_free(&m);
}

static void test_decode_numbers(void **state)
{
	static const uint8_t msg[] = {
		3, 1, 'a', 0, 2, '4', '2',
		3, 1, 'b', 0, 3, '4', '2', 'x',
		3, 1, 'c', 0, 0,
		3, 1, 'd', 0, 2, '-', '1',
		3, 1, 'e', 0, 3, 'a', 0, 'b',
		3, 1, 'f', 0, 20, '9', '9', '9', '9', '9', '9', '9', '9', '9',
		'9', '9', '9', '9', '9', '9', '9', '9', '9', '9', '9',
	};
	struct vici_msg m;
	char buf[16];
	uint64_t v = 0;

	assert_int_equal(vici_parse(msg, sizeof(msg), &m), 0);
	assert_true(vici_get_u64(&m, -1, "a", &v));
	assert_int_equal(v, 42);
	assert_false(vici_get_u64(&m, -1, "b", &v));
	assert_false(vici_get_u64(&m, -1, "c", &v));
	assert_false(vici_get_u64(&m, -1, "d", &v));
	assert_false(vici_get_u64(&m, -1, "f", &v));	/* overflows */
	assert_false(vici_get_u64(&m, -1, "missing", &v));
	/* an embedded NUL would cut the string: refused */
	assert_null(vici_get(&m, -1, "e", buf, sizeof(buf)));
	vici_msg_free(&m);
}

/* Every strict prefix of a valid message is refused, the whole accepted. */
static void test_decode_truncated(void **state)
{
	struct vici_msg m;
	size_t n;

	for (n = 1; n < sizeof(readme_msg); n++) {
		uint8_t *p = malloc(n);	/* exact size: ASan sees overreads */
		int err;

		memcpy(p, readme_msg, n);
		err = vici_parse(p, n, &m);
		free(p);
		/* a cut after key1's value is a whole message */
		if (n == 14) {
			assert_int_equal(err, 0);
			vici_msg_free(&m);
			continue;
		}
		if (err != -EBADMSG)
			fail_msg("prefix of %zu bytes: %d", n, err);
		assert_null(m.el);
	}
}

static void test_decode_malformed(void **state)
{
	static const struct {
		const char *what;
		size_t len;
		uint8_t b[16];
	} bad[] = {
		{ "element type 0", 1, { 0 } },
		{ "element type 7", 1, { 7 } },
		{ "element type 255", 1, { 255 } },
		{ "section end at the root", 1, { 2 } },
		{ "list end outside a list", 1, { 6 } },
		{ "item outside a list", 4, { 5, 0, 1, 'x' } },
		{ "unclosed section", 3, { 1, 1, 's' } },
		{ "unclosed list", 3, { 4, 1, 'l' } },
		{ "empty name", 4, { 3, 0, 0, 0 } },
		{ "name past the end", 4, { 3, 9, 'k', 'k' } },
		{ "value past the end", 6, { 3, 1, 'k', 0, 5, 'v' } },
		{ "value length cut", 4, { 3, 1, 'k', 0 } },
		{ "key-value in a list", 10, { 4, 1, 'l', 3, 1, 'k', 0, 0,
					       6 } },
		{ "section in a list", 7, { 4, 1, 'l', 1, 1, 's', 6 } },
		{ "nested list", 7, { 4, 1, 'l', 4, 1, 'm', 6 } },
		{ "section end inside a list", 8, { 1, 1, 's', 4, 1, 'l', 2,
						    2 } },
		{ "list end closing a section", 4, { 1, 1, 's', 6 } },
	};
	struct vici_msg m;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t *p = malloc(bad[i].len);

		memcpy(p, bad[i].b, bad[i].len);
		if (vici_parse(p, bad[i].len, &m) != -EBADMSG)
			fail_msg("accepted: %s", bad[i].what);
		free(p);
	}
}

static void test_decode_depth(void **state)
{
	uint8_t msg[2 * (VICI_MAX_DEPTH + 1) * 3];
	struct vici_msg m;
	size_t n = 0;
	int d;

	for (d = 0; d < VICI_MAX_DEPTH; d++) {
		msg[n++] = 1;
		msg[n++] = 1;
		msg[n++] = 's';
	}
	memset(msg + n, 2, VICI_MAX_DEPTH);
	assert_int_equal(vici_parse(msg, n + VICI_MAX_DEPTH, &m), 0);
	vici_msg_free(&m);
	/* one deeper is refused, not a stack overflow */
	n = 0;
	for (d = 0; d <= VICI_MAX_DEPTH; d++) {
		msg[n++] = 1;
		msg[n++] = 1;
		msg[n++] = 's';
	}
	memset(msg + n, 2, VICI_MAX_DEPTH + 1);
	assert_int_equal(vici_parse(msg, n + VICI_MAX_DEPTH + 1, &m),
			 -EBADMSG);
}

static void test_packet_split(void **state)
{
	static const uint8_t ev[] = { 7, 3, 'l', 'o', 'g', 3, 1, 'k', 0, 0 };
	const uint8_t *msg;
	const char *name;
	size_t nl, ml;
	uint8_t type;

	assert_int_equal(vici_packet_split(ev, sizeof(ev), &type, &name, &nl,
					   &msg, &ml), 0);
	assert_int_equal(type, VICI_EVENT);
	assert_int_equal(nl, 3);
	assert_memory_equal(name, "log", 3);
	assert_int_equal(ml, 5);
	/* unnamed: the message starts right after the type */
	assert_int_equal(vici_packet_split(ev + 5, 1, &type, &name, &nl, &msg,
					   &ml), -EBADMSG); /* type 3, no name */
	{
		static const uint8_t r[] = { 1, 3, 1, 'k', 0, 0 };

		assert_int_equal(vici_packet_split(r, sizeof(r), &type, &name,
						   &nl, &msg, &ml), 0);
		assert_null(name);
		assert_int_equal(ml, 5);
	}
	assert_int_equal(vici_packet_split(ev, 0, &type, &name, &nl, &msg,
					   &ml), -EBADMSG);
	assert_int_equal(vici_packet_split((const uint8_t *)"\x08", 1, &type,
					   &name, &nl, &msg, &ml), -EBADMSG);
	/* name longer than the packet, empty name */
	assert_int_equal(vici_packet_split(ev, 4, &type, &name, &nl, &msg,
					   &ml), -EBADMSG);
	assert_int_equal(vici_packet_split((const uint8_t *)"\x07\x00", 2,
					   &type, &name, &nl, &msg, &ml),
			 -EBADMSG);
}

/* ------------------------------------------------------ connection */

struct rec {
	int replies, events, last_err;
	char value[64], event[64];
};

static void on_reply(void *arg, int err, const struct vici_msg *m)
{
	struct rec *r = arg;

	r->replies++;
	r->last_err = err;
	r->value[0] = 0;
	if (m)
		vici_get(m, -1, "success", r->value, sizeof(r->value));
}

static void on_event(void *arg, const char *name, const struct vici_msg *m)
{
	struct rec *r = arg;

	r->events++;
	snprintf(r->event, sizeof(r->event), "%s", name);
}

static void pair(int sv[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

/* Reads one whole segment the client sent; returns its packet type. */
static int server_read(int fd, uint8_t *buf, size_t size, size_t *len)
{
	uint8_t hdr[4];
	size_t n;

	assert_int_equal(read(fd, hdr, 4), 4);
	n = (size_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3];
	assert_true(n && n <= size);
	assert_int_equal(read(fd, buf, n), (ssize_t)n);
	*len = n;
	return buf[0];
}

static void drive(struct vici_conn *c, int expect)
{
	assert_int_equal(vici_io(c, POLLIN | POLLOUT), expect);
}

static void test_conn_one_at_a_time(void **state)
{
	static const uint8_t ok[] = {
		0, 0, 0, 15, 1, 3, 7, 's', 'u', 'c', 'c', 'e', 's', 's',
		0, 3, 'y', 'e', 's',
	};
	static const uint8_t ev[] = {
		0, 0, 0, 19, 7, 12, 'c', 'h', 'i', 'l', 'd', '-', 'u', 'p',
		'd', 'o', 'w', 'n', 3, 1, 'u', 0, 0,
	};
	struct rec r = { 0 };
	struct vici_conn *c = vici_conn_new(on_event, &r);
	uint8_t buf[256];
	size_t len;
	int sv[2];

	pair(sv);
	assert_int_equal(vici_attach(c, sv[0]), 0);
	assert_int_equal(vici_command(c, "version", on_reply, &r), 0);
	assert_int_equal(vici_register(c, "child-updown", true, on_reply, &r),
			 0);
	assert_int_equal(vici_pending(c), 2);
	assert_true(vici_events(c) & POLLOUT);
	drive(c, 0);
	/* only the first request is on the wire until it is answered */
	assert_int_equal(server_read(sv[1], buf, sizeof(buf), &len),
			 VICI_CMD_REQUEST);
	assert_int_equal(len, 9);
	assert_false(vici_events(c) & POLLOUT);
	assert_int_equal(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), -1);
	/* an event in between goes to the event callback, not the request */
	assert_int_equal(write(sv[1], ev, sizeof(ev)), sizeof(ev));
	/* the answer, one byte at a time: partial reads are reassembled */
	for (len = 0; len < sizeof(ok); len++) {
		assert_int_equal(write(sv[1], ok + len, 1), 1);
		drive(c, 0);
	}
	assert_int_equal(r.events, 1);
	assert_string_equal(r.event, "child-updown");
	assert_int_equal(r.replies, 1);
	assert_int_equal(r.last_err, 0);
	assert_string_equal(r.value, "yes");
	/* now the registration goes out; EVENT_UNKNOWN answers -ENOENT */
	assert_int_equal(server_read(sv[1], buf, sizeof(buf), &len),
			 VICI_EVENT_REGISTER);
	assert_int_equal(write(sv[1], "\0\0\0\1\6", 5), 5);
	drive(c, 0);
	assert_int_equal(r.replies, 2);
	assert_int_equal(r.last_err, -ENOENT);
	assert_int_equal(vici_pending(c), 0);

	/* charon goes away: queued requests are answered -ECONNRESET */
	assert_int_equal(vici_command(c, "list-sas", on_reply, &r), 0);
	assert_int_equal(vici_command(c, "get-conns", on_reply, &r), 0);
	drive(c, 0);
	close(sv[1]);
	drive(c, -ECONNRESET);
	assert_int_equal(r.replies, 4);
	assert_int_equal(r.last_err, -ECONNRESET);
	assert_int_equal(vici_fd(c), -1);
	assert_int_equal(vici_command(c, "version", on_reply, &r),
			 -ENOTCONN);
	vici_conn_free(c);
}

/* Each bad stream from "charon" closes the connection with an error. */
static void test_conn_refuses(void **state)
{
	static const struct {
		const char *what;
		bool request;		/* send a command first */
		int err;
		size_t len;
		uint8_t b[24];
	} bad[] = {
		{ "zero-length segment", true, -EBADMSG, 4, { 0, 0, 0, 0 } },
		{ "segment over 512 KiB", true, -EMSGSIZE, 4,
		  { 0, 8, 0, 1 } },
		{ "unknown packet type", true, -EBADMSG, 5, { 0, 0, 0, 1, 8 } },
		{ "a request from the server", true, -EPROTO, 7,
		  { 0, 0, 0, 3, 0, 1, 'x' } },
		{ "response without a request", false, -EPROTO, 5,
		  { 0, 0, 0, 1, 1 } },
		{ "confirm answering a command", true, -EPROTO, 5,
		  { 0, 0, 0, 1, 5 } },
		{ "response with a bad message", true, -EBADMSG, 7,
		  { 0, 0, 0, 3, 1, 3, 9 } },
		{ "CMD_UNKNOWN with a body", true, -EBADMSG, 6,
		  { 0, 0, 0, 2, 2, 2 } },
		{ "event name past the end", true, -EBADMSG, 7,
		  { 0, 0, 0, 3, 7, 9, 'x' } },
		{ "event with a NUL in its name", true, -EBADMSG, 7,
		  { 0, 0, 0, 3, 7, 1, 0 } },
		{ "event with a bad message", true, -EBADMSG, 8,
		  { 0, 0, 0, 4, 7, 1, 'e', 2 } },
		{ "closed inside a segment", true, -ECONNRESET, 6,
		  { 0, 0, 0, 9, 1, 3 } },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rec r = { 0 };
		struct vici_conn *c = vici_conn_new(on_event, &r);
		uint8_t buf[64];
		size_t len;
		int sv[2], err;

		pair(sv);
		assert_int_equal(vici_attach(c, sv[0]), 0);
		if (bad[i].request) {
			assert_int_equal(vici_command(c, "version", on_reply,
						      &r), 0);
			drive(c, 0);
			server_read(sv[1], buf, sizeof(buf), &len);
		}
		assert_int_equal(write(sv[1], bad[i].b, bad[i].len),
				 (ssize_t)bad[i].len);
		if (bad[i].err == -ECONNRESET)
			close(sv[1]);
		err = vici_io(c, POLLIN);
		if (err != bad[i].err)
			fail_msg("%s: %d (%s)", bad[i].what, err,
				 vici_strerror(c));
		assert_int_equal(vici_fd(c), -1);
		assert_int_equal(r.events, 0);
		/* the request in flight is answered, never left hanging */
		assert_int_equal(r.replies, bad[i].request ? 1 : 0);
		if (bad[i].request)
			assert_int_equal(r.last_err, -ECONNRESET);
		if (bad[i].err != -ECONNRESET)
			close(sv[1]);
		vici_conn_free(c);
	}
}

static int main_close_on_reply_calls;
static void close_on_reply(void *arg, int err, const struct vici_msg *m)
{
	main_close_on_reply_calls++;
	if (!err)
		vici_close(arg);
}

/* A callback that closes the connection while more bytes are buffered. */
static void test_conn_close_in_callback(void **state)
{
	static const uint8_t two[] = {
		0, 0, 0, 1, 1,  0, 0, 0, 1, 1,
	};
	struct vici_conn *c = vici_conn_new(NULL, NULL);
	uint8_t buf[64];
	size_t len;
	int sv[2];

	pair(sv);
	assert_int_equal(vici_attach(c, sv[0]), 0);
	assert_int_equal(vici_command(c, "a", close_on_reply, c), 0);
	assert_int_equal(vici_command(c, "b", close_on_reply, c), 0);
	drive(c, 0);
	server_read(sv[1], buf, sizeof(buf), &len);
	assert_int_equal(write(sv[1], two, sizeof(two)), sizeof(two));
	drive(c, 0);
	/* "a" answered and closed; "b" got -ECONNRESET from the close */
	assert_int_equal(main_close_on_reply_calls, 2);
	assert_int_equal(vici_fd(c), -1);
	close(sv[1]);
	vici_conn_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_readme),
		cmocka_unit_test(test_encode_packets),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_decode_readme),
		cmocka_unit_test(test_decode_charon),
		cmocka_unit_test(test_decode_numbers),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_malformed),
		cmocka_unit_test(test_decode_depth),
		cmocka_unit_test(test_packet_split),
		cmocka_unit_test(test_conn_one_at_a_time),
		cmocka_unit_test(test_conn_refuses),
		cmocka_unit_test(test_conn_close_in_callback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
