/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small client for strongSwan charon's VICI protocol, written from
 * strongSwan's src/libcharon/plugins/vici/README.md (libvici is shipped by
 * Debian without a header, and would bring its own threads).
 *
 * Wire format (all lengths big-endian, every one checked on input):
 *   segment  = u32 length (<= VICI_MAX_SEGMENT) | packet
 *   packet   = u8 type [u8 name-length | name] message
 *              (the name only for CMD_REQUEST, EVENT_REGISTER,
 *               EVENT_UNREGISTER and EVENT)
 *   message  = element*
 *   element  = SECTION_START u8 len name | SECTION_END
 *            | KEY_VALUE u8 len name u16 len value
 *            | LIST_START u8 len name | LIST_ITEM u16 len value | LIST_END
 *
 * Three layers, each usable alone (the unit tests use each):
 *  - vici_buf: builds one segment; errors are sticky and reported once by
 *    vici_finish(), so a builder needs no check after every call.
 *  - vici_parse(): validates a whole message (types, every length, balanced
 *    sections, lists only of items and never nested) into a flat element
 *    array; the lookups then never need to check anything again.
 *  - vici_conn: one non-blocking stream socket, driven by the caller's poll
 *    loop (vici_fd(), vici_events(), vici_io()).  Requests are queued and
 *    sent one at a time, because VICI has no sequence numbers: a response
 *    belongs to the one request in flight.  Events may arrive at any time,
 *    also between a streamed command's request and its response.
 *
 * Nothing here logs: errors are negative errnos, and a reason string for
 * the last protocol error is kept in the connection (vici_strerror()).
 */
#ifndef IVGMP_VICI_H
#define IVGMP_VICI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VICI_MAX_SEGMENT	(512 * 1024)	/* README: "limited to 512KB" */
#define VICI_MAX_DEPTH		32		/* deeper nesting is refused */

enum vici_packet_type {
	VICI_CMD_REQUEST	= 0,
	VICI_CMD_RESPONSE	= 1,
	VICI_CMD_UNKNOWN	= 2,
	VICI_EVENT_REGISTER	= 3,
	VICI_EVENT_UNREGISTER	= 4,
	VICI_EVENT_CONFIRM	= 5,
	VICI_EVENT_UNKNOWN	= 6,
	VICI_EVENT		= 7,
};

enum vici_element_type {
	VICI_SECTION_START	= 1,
	VICI_SECTION_END	= 2,
	VICI_KEY_VALUE		= 3,
	VICI_LIST_START		= 4,
	VICI_LIST_ITEM		= 5,
	VICI_LIST_END		= 6,
};

/* ---- building ----------------------------------------------------- */

struct vici_buf {
	uint8_t *data;
	size_t len, cap;
	int err;		/* first error: -EINVAL, -ENOMEM, -EMSGSIZE */
	int depth;		/* open sections */
	bool in_list;
};

void vici_buf_init(struct vici_buf *b);
void vici_buf_free(struct vici_buf *b);
/* Starts a segment: length placeholder, packet type, name if it has one. */
void vici_begin(struct vici_buf *b, enum vici_packet_type type,
		const char *name);
void vici_section(struct vici_buf *b, const char *name);
void vici_section_end(struct vici_buf *b);
void vici_kv(struct vici_buf *b, const char *key, const void *val,
	     size_t len);
void vici_kv_str(struct vici_buf *b, const char *key, const char *val);
void vici_kv_fmt(struct vici_buf *b, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vici_list(struct vici_buf *b, const char *name);
void vici_item(struct vici_buf *b, const void *val, size_t len);
void vici_item_str(struct vici_buf *b, const char *val);
void vici_list_end(struct vici_buf *b);
/*
 * Checks balance and size and writes the length header.  0, or the first
 * error of any call since vici_begin().
 */
int vici_finish(struct vici_buf *b);

/* ---- parsing ------------------------------------------------------ */

struct vici_el {
	uint8_t type;		/* SECTION_START, KEY_VALUE, LIST_START, LIST_ITEM */
	uint8_t name_len;
	uint16_t val_len;
	const char *name;	/* not NUL-terminated; NULL for items */
	const uint8_t *val;	/* KEY_VALUE and LIST_ITEM */
	int parent;		/* index of the section/list, -1 = root */
	int next;		/* index of the next sibling (past the subtree) */
};

struct vici_msg {
	int n;
	struct vici_el *el;	/* points into the message; owned here */
};

/* 0, -EBADMSG (malformed), -ENOMEM.  m->el refers into data. */
int vici_parse(const uint8_t *data, size_t len, struct vici_msg *m);
void vici_msg_free(struct vici_msg *m);

/* Index of parent's (-1: root) child named name, or -1. */
int vici_find(const struct vici_msg *m, int parent, const char *name);
/* Follows a dotted path of section names and a final key, e.g.
 * "child-sas.ivgmp-7.spi-in"; -1 if any part is missing. */
int vici_path(const struct vici_msg *m, int parent, const char *path);
/* First child of parent, then the next sibling; -1 at the end. */
int vici_first(const struct vici_msg *m, int parent);
int vici_next(const struct vici_msg *m, int idx);
/*
 * The value of element idx (a KEY_VALUE or LIST_ITEM) as a C string in buf.
 * NULL if idx is -1, not a value, holds a NUL byte, or does not fit.
 */
const char *vici_str(const struct vici_msg *m, int idx, char *buf,
		     size_t size);
/* The same for a child key of parent. */
const char *vici_get(const struct vici_msg *m, int parent, const char *key,
		     char *buf, size_t size);
/* Decimal value of a child key; false if absent or not a number. */
bool vici_get_u64(const struct vici_msg *m, int parent, const char *key,
		  uint64_t *out);
/* Does element idx's name equal name? */
bool vici_name_is(const struct vici_msg *m, int idx, const char *name);

/* Splits a packet (a segment without its length) into type, name, message.
 * 0 or -EBADMSG (unknown type, name longer than the packet). */
int vici_packet_split(const uint8_t *p, size_t len, uint8_t *type,
		      const char **name, size_t *name_len,
		      const uint8_t **msg, size_t *msg_len);

/* ---- connection --------------------------------------------------- */

/*
 * Callbacks run inside vici_io() (or vici_close()); they may submit
 * requests, close and even reconnect the connection, but not free it.
 */
struct vici_conn;

/*
 * A request's answer.  err: 0 with the response message (an empty one for
 * an event (un)registration), -ENOENT for CMD_UNKNOWN / EVENT_UNKNOWN,
 * -ECONNRESET (with m NULL) when the connection closed before the answer.
 */
typedef void (*vici_reply_fn)(void *arg, int err, const struct vici_msg *m);
/* An EVENT packet; name is NUL-terminated. */
typedef void (*vici_event_fn)(void *arg, const char *name,
			      const struct vici_msg *m);

struct vici_conn *vici_conn_new(vici_event_fn on_event, void *arg);
/* Closes the socket, answers every queued request -ECONNRESET, frees. */
void vici_conn_free(struct vici_conn *c);
/* Connects to a Unix socket path (non-blocking). 0 or -errno. */
int vici_connect(struct vici_conn *c, const char *path);
/* Takes over a connected stream socket (tests: one end of a socketpair). */
int vici_attach(struct vici_conn *c, int fd);
/* Drops the socket; queued requests are answered -ECONNRESET. */
void vici_close(struct vici_conn *c);
int vici_fd(const struct vici_conn *c);
/* POLLIN, plus POLLOUT while a request is still being written. */
short vici_events(const struct vici_conn *c);
/*
 * Reads and writes what the socket allows and dispatches complete packets.
 * 0, or a negative errno after which the connection is closed (the peer
 * went away: -ECONNRESET; a malformed packet: -EBADMSG / -EMSGSIZE /
 * -EPROTO, reason in vici_strerror()).
 */
int vici_io(struct vici_conn *c, short revents);
/* Queues a finished segment (vici_finish() == 0); takes b's buffer. */
int vici_submit(struct vici_conn *c, struct vici_buf *b, vici_reply_fn fn,
		void *arg);
/* Convenience: a command without arguments, an event (un)registration. */
int vici_command(struct vici_conn *c, const char *cmd, vici_reply_fn fn,
		 void *arg);
int vici_register(struct vici_conn *c, const char *event, bool on,
		  vici_reply_fn fn, void *arg);
/* Requests queued or in flight. */
unsigned int vici_pending(const struct vici_conn *c);
const char *vici_strerror(const struct vici_conn *c);

#endif /* IVGMP_VICI_H */
