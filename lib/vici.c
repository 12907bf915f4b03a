// SPDX-License-Identifier: GPL-2.0
/* VICI client: builder, validating parser, non-blocking connection. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vici.h"

/* ------------------------------------------------------------ building */

void vici_buf_init(struct vici_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void vici_buf_free(struct vici_buf *b)
{
	free(b->data);
	vici_buf_init(b);
}

static void fail(struct vici_buf *b, int err)
{
	if (!b->err)
		b->err = err;
}

static void put(struct vici_buf *b, const void *p, size_t n)
{
	if (b->err)
		return;
	if (b->len + n > 4 + (size_t)VICI_MAX_SEGMENT) {
		fail(b, -EMSGSIZE);
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *d;

		while (cap < b->len + n)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d) {
			fail(b, -ENOMEM);
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void put_u8(struct vici_buf *b, uint8_t v)
{
	put(b, &v, 1);
}

/* An element name: 1..255 bytes (an empty name names nothing). */
static void put_name(struct vici_buf *b, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (!n || n > 255) {
		fail(b, -EINVAL);
		return;
	}
	put_u8(b, (uint8_t)n);
	put(b, name, n);
}

static void put_value(struct vici_buf *b, const void *val, size_t len)
{
	uint8_t hdr[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	if (len > 0xffff || (len && !val)) {
		fail(b, -EINVAL);
		return;
	}
	put(b, hdr, 2);
	put(b, val, len);
}

static bool named_packet(uint8_t type)
{
	return type == VICI_CMD_REQUEST || type == VICI_EVENT_REGISTER ||
	       type == VICI_EVENT_UNREGISTER || type == VICI_EVENT;
}

void vici_begin(struct vici_buf *b, enum vici_packet_type type,
		const char *name)
{
	static const uint8_t zero[4];

	b->len = 0;
	b->err = 0;
	b->depth = 0;
	b->in_list = false;
	if ((unsigned int)type > VICI_EVENT || named_packet(type) != !!name) {
		fail(b, -EINVAL);
		return;
	}
	put(b, zero, 4);
	put_u8(b, (uint8_t)type);
	if (name)
		put_name(b, name);
}

void vici_section(struct vici_buf *b, const char *name)
{
	if (b->in_list || b->depth >= VICI_MAX_DEPTH)
		fail(b, -EINVAL);
	put_u8(b, VICI_SECTION_START);
	put_name(b, name);
	b->depth++;
}

void vici_section_end(struct vici_buf *b)
{
	if (b->in_list || !b->depth)
		fail(b, -EINVAL);
	put_u8(b, VICI_SECTION_END);
	b->depth--;
}

void vici_kv(struct vici_buf *b, const char *key, const void *val,
	     size_t len)
{
	if (b->in_list)
		fail(b, -EINVAL);
	put_u8(b, VICI_KEY_VALUE);
	put_name(b, key);
	put_value(b, val, len);
}

void vici_kv_str(struct vici_buf *b, const char *key, const char *val)
{
	vici_kv(b, key, val, val ? strlen(val) : 0);
}

void vici_kv_fmt(struct vici_buf *b, const char *key, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		fail(b, -EINVAL);
		return;
	}
	vici_kv(b, key, buf, (size_t)n);
}

void vici_list(struct vici_buf *b, const char *name)
{
	if (b->in_list)
		fail(b, -EINVAL);
	put_u8(b, VICI_LIST_START);
	put_name(b, name);
	b->in_list = true;
}

void vici_item(struct vici_buf *b, const void *val, size_t len)
{
	if (!b->in_list)
		fail(b, -EINVAL);
	put_u8(b, VICI_LIST_ITEM);
	put_value(b, val, len);
}

void vici_item_str(struct vici_buf *b, const char *val)
{
	vici_item(b, val, val ? strlen(val) : 0);
}

void vici_list_end(struct vici_buf *b)
{
	if (!b->in_list)
		fail(b, -EINVAL);
	put_u8(b, VICI_LIST_END);
	b->in_list = false;
}

int vici_finish(struct vici_buf *b)
{
	size_t n;

	if (!b->err && (b->depth || b->in_list || b->len < 5))
		fail(b, -EINVAL);
	if (b->err)
		return b->err;
	n = b->len - 4;
	b->data[0] = (uint8_t)(n >> 24);
	b->data[1] = (uint8_t)(n >> 16);
	b->data[2] = (uint8_t)(n >> 8);
	b->data[3] = (uint8_t)n;
	return 0;
}

/* ------------------------------------------------------------- parsing */

void vici_msg_free(struct vici_msg *m)
{
	free(m->el);
	m->el = NULL;
	m->n = 0;
}

/*
 * One pass; every read is preceded by a check that the bytes are there.
 * An element's next-sibling index is known only when its subtree closes, so
 * open sections and the open list are kept on a stack.
 */
int vici_parse(const uint8_t *data, size_t len, struct vici_msg *m)
{
	int stack[VICI_MAX_DEPTH + 1], depth = 0, list = -1, cap = 0;
	size_t off = 0;

	m->n = 0;
	m->el = NULL;
	if (len > VICI_MAX_SEGMENT)
		return -EBADMSG;
	while (off < len) {
		uint8_t type = data[off++];
		struct vici_el *e;
		int parent = list >= 0 ? list : depth ? stack[depth - 1] : -1;

		if (type == VICI_SECTION_END || type == VICI_LIST_END) {
			if (type == VICI_LIST_END ? list < 0 : list >= 0 || !depth)
				goto bad;
			if (type == VICI_LIST_END) {
				m->el[list].next = m->n;
				list = -1;
			} else {
				m->el[stack[--depth]].next = m->n;
			}
			continue;
		}
		if (type < VICI_SECTION_START || type > VICI_LIST_END)
			goto bad;
		/* inside a list only items; items only inside a list */
		if ((list >= 0) != (type == VICI_LIST_ITEM))
			goto bad;
		if (type == VICI_SECTION_START && depth >= VICI_MAX_DEPTH)
			goto bad;
		if (m->n == cap) {
			struct vici_el *n;

			cap = cap ? cap * 2 : 32;
			n = realloc(m->el, (size_t)cap * sizeof(*n));
			if (!n) {
				vici_msg_free(m);
				return -ENOMEM;
			}
			m->el = n;
		}
		e = &m->el[m->n];
		memset(e, 0, sizeof(*e));
		e->type = type;
		e->parent = parent;
		e->next = m->n + 1;
		if (type != VICI_LIST_ITEM) {
			if (off >= len)
				goto bad;
			e->name_len = data[off++];
			if (!e->name_len || e->name_len > len - off)
				goto bad;
			e->name = (const char *)data + off;
			off += e->name_len;
		}
		if (type == VICI_KEY_VALUE || type == VICI_LIST_ITEM) {
			if (len - off < 2)
				goto bad;
			e->val_len = (uint16_t)(data[off] << 8 | data[off + 1]);
			off += 2;
			if (e->val_len > len - off)
				goto bad;
			e->val = data + off;
			off += e->val_len;
		}
		if (type == VICI_SECTION_START)
			stack[depth++] = m->n;
		else if (type == VICI_LIST_START)
			list = m->n;
		m->n++;
	}
	if (depth || list >= 0)
		goto bad;
	return 0;
bad:
	vici_msg_free(m);
	return -EBADMSG;
}

bool vici_name_is(const struct vici_msg *m, int idx, const char *name)
{
	size_t n = strlen(name);

	return idx >= 0 && idx < m->n && m->el[idx].name &&
	       m->el[idx].name_len == n && !memcmp(m->el[idx].name, name, n);
}

int vici_first(const struct vici_msg *m, int parent)
{
	int i = parent + 1;

	if (parent >= m->n || i >= m->n)
		return -1;
	if (parent >= 0 && i >= m->el[parent].next)
		return -1;
	return m->el[i].parent == parent ? i : -1;
}

int vici_next(const struct vici_msg *m, int idx)
{
	int n;

	if (idx < 0 || idx >= m->n)
		return -1;
	n = m->el[idx].next;
	if (n >= m->n || m->el[n].parent != m->el[idx].parent)
		return -1;
	return n;
}

int vici_find(const struct vici_msg *m, int parent, const char *name)
{
	int i;

	for (i = vici_first(m, parent); i >= 0; i = vici_next(m, i))
		if (vici_name_is(m, i, name))
			return i;
	return -1;
}

int vici_path(const struct vici_msg *m, int parent, const char *path)
{
	char part[256];
	const char *dot;
	size_t n;

	while ((dot = strchr(path, '.'))) {
		n = (size_t)(dot - path);
		if (n >= sizeof(part))
			return -1;
		memcpy(part, path, n);
		part[n] = 0;
		parent = vici_find(m, parent, part);
		if (parent < 0 || m->el[parent].type != VICI_SECTION_START)
			return -1;
		path = dot + 1;
	}
	return vici_find(m, parent, path);
}

const char *vici_str(const struct vici_msg *m, int idx, char *buf,
		     size_t size)
{
	const struct vici_el *e;

	if (idx < 0 || idx >= m->n)
		return NULL;
	e = &m->el[idx];
	if (e->type != VICI_KEY_VALUE && e->type != VICI_LIST_ITEM)
		return NULL;
	if (e->val_len >= size || memchr(e->val, 0, e->val_len))
		return NULL;
	memcpy(buf, e->val, e->val_len);
	buf[e->val_len] = 0;
	return buf;
}

const char *vici_get(const struct vici_msg *m, int parent, const char *key,
		     char *buf, size_t size)
{
	return vici_str(m, vici_find(m, parent, key), buf, size);
}

bool vici_get_u64(const struct vici_msg *m, int parent, const char *key,
		  uint64_t *out)
{
	char buf[24], *end;
	unsigned long long v;

	if (!vici_get(m, parent, key, buf, sizeof(buf)) || !*buf ||
	    *buf < '0' || *buf > '9')
		return false;
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int vici_packet_split(const uint8_t *p, size_t len, uint8_t *type,
		      const char **name, size_t *name_len,
		      const uint8_t **msg, size_t *msg_len)
{
	size_t off = 1;

	if (!len || p[0] > VICI_EVENT)
		return -EBADMSG;
	*type = p[0];
	*name = NULL;
	*name_len = 0;
	if (named_packet(p[0])) {
		if (len < 2 || !p[1] || p[1] > len - 2)
			return -EBADMSG;
		*name = (const char *)p + 2;
		*name_len = p[1];
		off = 2 + (size_t)p[1];
	}
	*msg = p + off;
	*msg_len = len - off;
	return 0;
}

/* ---------------------------------------------------------- connection */

struct vici_req {
	struct vici_req *next;
	uint8_t *data;
	size_t len;
	bool is_register;
	vici_reply_fn fn;
	void *arg;
};

struct vici_conn {
	int fd;
	vici_event_fn on_event;
	void *arg;
	struct vici_req *head, **tail;	/* head is in flight once sent */
	size_t sent;			/* bytes of head written */
	bool head_sent;			/* head fully written */
	uint8_t *rx;
	size_t rx_len, rx_cap;
	unsigned int gen;		/* bumped by vici_close() */
	char err[160];
};

struct vici_conn *vici_conn_new(vici_event_fn on_event, void *arg)
{
	struct vici_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->fd = -1;
	c->on_event = on_event;
	c->arg = arg;
	c->tail = &c->head;
	return c;
}

static void set_err(struct vici_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(struct vici_conn *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

const char *vici_strerror(const struct vici_conn *c)
{
	return c->err[0] ? c->err : "no error";
}

static struct vici_req *pop(struct vici_conn *c)
{
	struct vici_req *r = c->head;

	if (!r)
		return NULL;
	c->head = r->next;
	if (!c->head)
		c->tail = &c->head;
	c->sent = 0;
	c->head_sent = false;
	return r;
}

void vici_close(struct vici_conn *c)
{
	struct vici_req *r;

	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->rx_len = 0;
	c->gen++;
	/* answered in order; a callback may queue new requests: they fail
	 * too, as the connection is gone (fd < 0 refuses them) */
	while ((r = pop(c))) {
		if (r->fn)
			r->fn(r->arg, -ECONNRESET, NULL);
		free(r->data);
		free(r);
	}
}

void vici_conn_free(struct vici_conn *c)
{
	if (!c)
		return;
	vici_close(c);
	free(c->rx);
	free(c);
}

int vici_attach(struct vici_conn *c, int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	vici_close(c);
	c->fd = fd;
	c->err[0] = 0;
	return 0;
}

int vici_connect(struct vici_conn *c, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* a Unix stream connect completes at once or fails (EAGAIN: the
	 * listener's backlog is full; try again later like any failure) */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		err = -errno;
		close(fd);
		return err;
	}
	return vici_attach(c, fd);
}

int vici_fd(const struct vici_conn *c)
{
	return c->fd;
}

short vici_events(const struct vici_conn *c)
{
	return (short)(POLLIN | (c->head && !c->head_sent ? POLLOUT : 0));
}

unsigned int vici_pending(const struct vici_conn *c)
{
	const struct vici_req *r;
	unsigned int n = 0;

	for (r = c->head; r; r = r->next)
		n++;
	return n;
}

int vici_submit(struct vici_conn *c, struct vici_buf *b, vici_reply_fn fn,
		void *arg)
{
	struct vici_req *r;

	if (b->err || b->len < 5)
		return b->err ? b->err : -EINVAL;
	if (c->fd < 0)
		return -ENOTCONN;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->data = b->data;
	r->len = b->len;
	r->is_register = b->data[4] == VICI_EVENT_REGISTER ||
			 b->data[4] == VICI_EVENT_UNREGISTER;
	r->fn = fn;
	r->arg = arg;
	vici_buf_init(b);
	*c->tail = r;
	c->tail = &r->next;
	return 0;
}

int vici_command(struct vici_conn *c, const char *cmd, vici_reply_fn fn,
		 void *arg)
{
	struct vici_buf b;
	int err;

	vici_buf_init(&b);
	vici_begin(&b, VICI_CMD_REQUEST, cmd);
	err = vici_finish(&b);
	if (!err)
		err = vici_submit(c, &b, fn, arg);
	vici_buf_free(&b);
	return err;
}

int vici_register(struct vici_conn *c, const char *event, bool on,
		  vici_reply_fn fn, void *arg)
{
	struct vici_buf b;
	int err;

	vici_buf_init(&b);
	vici_begin(&b, on ? VICI_EVENT_REGISTER : VICI_EVENT_UNREGISTER, event);
	err = vici_finish(&b);
	if (!err)
		err = vici_submit(c, &b, fn, arg);
	vici_buf_free(&b);
	return err;
}

static int flush(struct vici_conn *c)
{
	while (c->head && !c->head_sent) {
		struct vici_req *r = c->head;
		ssize_t n = send(c->fd, r->data + c->sent, r->len - c->sent,
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			set_err(c, "send: %s", strerror(errno));
			return -ECONNRESET;
		}
		c->sent += (size_t)n;
		if (c->sent == r->len) {
			c->head_sent = true;
			/* the request bytes are no longer needed */
			free(r->data);
			r->data = NULL;
		}
	}
	return 0;
}

static int answer(struct vici_conn *c, uint8_t type, const uint8_t *msg,
		  size_t len)
{
	bool reg = type == VICI_EVENT_CONFIRM || type == VICI_EVENT_UNKNOWN;
	struct vici_msg m = { 0 };
	struct vici_req *r = c->head;
	int err = 0;

	if (!r || !c->head_sent) {
		set_err(c, "answer (packet type %u) without a request", type);
		return -EPROTO;
	}
	if (r->is_register != reg) {
		set_err(c, "packet type %u answers a %s", type,
			r->is_register ? "registration" : "command");
		return -EPROTO;
	}
	if (type == VICI_CMD_RESPONSE) {
		err = vici_parse(msg, len, &m);
		if (err) {
			set_err(c, "malformed response message (%zu bytes)",
				len);
			return err;
		}
	} else if (len) {
		set_err(c, "packet type %u carries %zu unexpected bytes", type,
			len);
		return -EBADMSG;
	}
	r = pop(c);
	if (r->fn)
		r->fn(r->arg, type == VICI_CMD_UNKNOWN ||
		      type == VICI_EVENT_UNKNOWN ? -ENOENT : 0, &m);
	free(r->data);
	free(r);
	vici_msg_free(&m);
	return 0;
}

static int dispatch(struct vici_conn *c, const uint8_t *p, size_t len)
{
	const uint8_t *msg;
	const char *name;
	size_t name_len, msg_len;
	struct vici_msg m;
	char ev[256];
	uint8_t type;
	int err;

	if (vici_packet_split(p, len, &type, &name, &name_len, &msg,
			      &msg_len)) {
		set_err(c, "malformed packet (type %u, %zu bytes)",
			len ? p[0] : 0, len);
		return -EBADMSG;
	}
	switch (type) {
	case VICI_CMD_RESPONSE:
	case VICI_CMD_UNKNOWN:
	case VICI_EVENT_CONFIRM:
	case VICI_EVENT_UNKNOWN:
		return answer(c, type, msg, msg_len);
	case VICI_EVENT:
		if (memchr(name, 0, name_len)) {
			set_err(c, "event name with a NUL byte");
			return -EBADMSG;
		}
		memcpy(ev, name, name_len);
		ev[name_len] = 0;
		err = vici_parse(msg, msg_len, &m);
		if (err) {
			set_err(c, "malformed %s event (%zu bytes)", ev,
				msg_len);
			return err;
		}
		if (c->on_event)
			c->on_event(c->arg, ev, &m);
		vici_msg_free(&m);
		return 0;
	default:
		set_err(c, "packet type %u is for the server", type);
		return -EPROTO;
	}
}

static int receive(struct vici_conn *c)
{
	for (;;) {
		size_t need, seg;
		ssize_t n;
		int err;

		/* whole segments first; a callback may close (and even
		 * reopen) the connection: then the buffer is not ours */
		while (c->fd >= 0 && c->rx_len >= 4) {
			unsigned int gen = c->gen;

			seg = (size_t)c->rx[0] << 24 | (size_t)c->rx[1] << 16 |
			      (size_t)c->rx[2] << 8 | c->rx[3];
			if (!seg || seg > VICI_MAX_SEGMENT) {
				set_err(c, "segment length %zu", seg);
				return seg ? -EMSGSIZE : -EBADMSG;
			}
			if (c->rx_len < 4 + seg)
				break;
			err = dispatch(c, c->rx + 4, seg);
			if (err)
				return err;
			if (c->gen != gen)
				return 0;
			memmove(c->rx, c->rx + 4 + seg, c->rx_len - 4 - seg);
			c->rx_len -= 4 + seg;
		}
		if (c->fd < 0)
			return 0;
		need = c->rx_len + 4096;
		if (need > c->rx_cap) {
			size_t cap = c->rx_cap ? c->rx_cap * 2 : 8192;
			uint8_t *d;

			while (cap < need)
				cap *= 2;
			d = realloc(c->rx, cap);
			if (!d) {
				set_err(c, "out of memory");
				return -ENOMEM;
			}
			c->rx = d;
			c->rx_cap = cap;
		}
		n = recv(c->fd, c->rx + c->rx_len, c->rx_cap - c->rx_len, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			set_err(c, "recv: %s", strerror(errno));
			return -ECONNRESET;
		}
		if (!n) {
			set_err(c, c->rx_len ? "closed inside a segment" :
				"closed by charon");
			return -ECONNRESET;
		}
		c->rx_len += (size_t)n;
	}
}

int vici_io(struct vici_conn *c, short revents)
{
	unsigned int gen = c->gen;
	int err = 0;

	if (c->fd < 0)
		return -ENOTCONN;
	if (revents & (POLLIN | POLLHUP | POLLERR))
		err = receive(c);
	if (!err && c->gen == gen)
		err = flush(c);
	if (err)
		vici_close(c);
	return err;
}
