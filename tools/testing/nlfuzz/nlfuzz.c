// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: a policy-driven fuzzer for the "ivgmp" generic netlink family.
 *
 *   nlfuzz [--seed N] [--messages N] [--seconds S] [--netns N] [--family NAME]
 *
 * It asks the kernel for the family's ops and attribute policies
 * (CTRL_CMD_GETFAMILY, CTRL_CMD_GETPOLICY) and builds every message from
 * them, so it follows the family as it changes. From the printed seed:
 *
 *  1. one thread sends --messages messages: values at and across every
 *     bound, wrong lengths, duplicate and unknown attributes, garbage in
 *     nests, truncated, oversized and batched frames, bad command numbers,
 *     flags and genl headers, and raw random bytes. Each is followed by a
 *     synchronising request, so every reply is matched to its request.
 *     Oracle: every NEW that the kernel acknowledged is read back by GET
 *     with the values sent; every reply is well formed; the kernel answers.
 *  2. for --seconds: writer threads against dumper threads (dumps read in
 *     small pieces and abandoned half way), while a forked child at a time
 *     creates a network namespace, fills it (config with a tunnel port,
 *     sites, routes), starts a dump and exits without finishing it.
 *
 * The kernel-side oracle (dmesg, kmemleak, rmmod) is the caller's:
 * tests/vm/60-nlfuzz.sh. Prints `PASS: nlfuzz: ...` / `FAIL: nlfuzz: ...`
 * lines and one `nlfuzz: N messages sent ...` summary; exits 1 on a FAIL.
 * Needs CAP_NET_ADMIN (and CAP_SYS_ADMIN for namespaces).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/ivgmp.h>

#define MAX_POLICIES	32
#define MAX_ATTRS	64
#define MAX_OPS		64
#define MAX_DEPTH	4
#define BUF_MAX		(160 * 1024)
#define RCV_BUF		(BUF_MAX + 64 * 1024)

/* ---- randomness: xorshift64*, one state per thread ---- */

struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnd(r) % n) : 0;
}

/* true with probability p/100 */
static bool chance(struct rng *r, unsigned int p)
{
	return below(r, 100) < p;
}

/* ---- results ---- */

static atomic_ulong n_sent, n_acked, n_rejected, n_unanswered, n_readback,
	n_dumps, n_dump_msgs, n_netns;
static atomic_int n_fail;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	printf("FAIL: nlfuzz: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	atomic_fetch_add(&n_fail, 1);
}

static void __attribute__((format(printf, 1, 2))) note(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	printf("nlfuzz: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

/* ---- the family, as the kernel describes it ---- */

struct pattr {
	bool present;
	uint32_t type;			/* NL_ATTR_TYPE_* */
	bool has_min_s, has_max_s, has_min_u, has_max_u, has_mask;
	int64_t min_s, max_s;
	uint64_t min_u, max_u, mask;
	uint32_t min_len, max_len;	/* 0: none */
	int nested;			/* policy index, -1: none */
	uint32_t bf32_mask;
};

struct policy {
	uint32_t maxtype;
	struct pattr a[MAX_ATTRS];
};

struct op {
	uint32_t cmd, flags;
	int do_pol, dump_pol;		/* -1: none */
};

static struct {
	const char *name;
	uint16_t id;
	uint32_t maxattr;
	unsigned int n_ops;
	struct op ops[MAX_OPS];
	unsigned int n_pol;
	struct policy pol[MAX_POLICIES];
} fam = { .name = IVGMP_GENL_NAME };

/* ---- message building ---- */

struct msg {
	uint8_t b[BUF_MAX];
	size_t len;
};

static void *put(struct msg *m, const void *data, size_t len)
{
	void *p;

	if (m->len + NLA_ALIGN(len) > sizeof(m->b))
		return NULL;
	p = m->b + m->len;
	if (data)
		memcpy(p, data, len);
	else
		memset(p, 0, len);
	memset(m->b + m->len + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_ALIGN(len);
	return p;
}

/* Returns the attribute's offset, or -1 when the buffer is full. */
static long attr(struct msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr a = { .nla_len = (uint16_t)(NLA_HDRLEN + len),
			    .nla_type = type };
	size_t off = m->len;

	if (NLA_HDRLEN + len > 0xffff || m->len + NLA_HDRLEN +
	    NLA_ALIGN(len) > sizeof(m->b))
		return -1;
	put(m, &a, sizeof(a));
	put(m, data, len);
	return (long)off;
}

static void nest_end(struct msg *m, long off)
{
	struct nlattr *a;

	if (off < 0)
		return;
	a = (struct nlattr *)(m->b + off);
	a->nla_len = (m->len - (size_t)off) > 0xffff ? 0xffff :
		     (uint16_t)(m->len - (size_t)off);
}

static void hdr(struct msg *m, uint16_t type, uint16_t flags, uint32_t seq,
		uint8_t cmd)
{
	struct nlmsghdr *n = (struct nlmsghdr *)m->b;
	struct genlmsghdr *g = (struct genlmsghdr *)NLMSG_DATA(n);

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	n->nlmsg_type = type;
	n->nlmsg_flags = flags;
	n->nlmsg_seq = seq;
	g->cmd = cmd;
	g->version = 1;
}

static void finish(struct msg *m)
{
	((struct nlmsghdr *)m->b)->nlmsg_len = (uint32_t)m->len;
}

/*
 * Plausible messages (every value in its bounds, no duplicates, no unknown
 * types, each attribute present half the time) get past the policy, so that
 * the code behind it runs and tables fill up; the rest are hostile.
 */
static __thread bool plausible;

/*
 * And the other way round: an attribute the kernel pointed at (extack's
 * offset) when it refused a plausible message is left out of plausible
 * messages from then on (reply-only counters, say); not a top-level one,
 * which the kernel also blames for what is missing inside it.
 */
static struct {
	atomic_ullong set[MAX_POLICIES];
} avoid;
#define MAX_PLACED 256
static __thread struct placed {
	uint32_t off;
	int pidx, depth;
	unsigned int type;
} placed[MAX_PLACED];
static __thread unsigned int n_placed;

/* ---- sockets ---- */

static int nl_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct timeval tv = { .tv_sec = 20 };
	int one = 1, rcv = 1 << 20, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int nl_send(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	atomic_fetch_add(&n_sent, 1);
	return sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ?
	       -errno : 0;
}

/*
 * Checks that a reply from the kernel is well formed: messages inside the
 * datagram, attributes inside the message. @what names the socket's user.
 */
static bool well_formed(const uint8_t *buf, size_t len, uint16_t fam_id,
			const char *what)
{
	const struct nlmsghdr *n;
	size_t left = len;

	for (n = (const void *)buf; NLMSG_OK(n, left); n = NLMSG_NEXT(n, left)) {
		const uint8_t *p = NLMSG_DATA(n), *end = (const uint8_t *)n +
			n->nlmsg_len;

		if (n->nlmsg_type != fam_id)
			continue;
		if (n->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN) {
			fail("%s: reply of %u bytes has no genl header", what,
			     n->nlmsg_len);
			return false;
		}
		p += GENL_HDRLEN;
		while (p + NLA_HDRLEN <= end) {
			const struct nlattr *a = (const void *)p;

			if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end) {
				fail("%s: reply attribute %u overruns its message",
				     what, a->nla_type);
				return false;
			}
			p += NLA_ALIGN(a->nla_len);
		}
	}
	if (left) {
		fail("%s: %zu stray bytes after the last reply message", what, left);
		return false;
	}
	return true;
}

/*
 * Reads until the ack or NLMSG_DONE of @seq. Returns the ack's error (0 or
 * -errno), 1 for a completed dump, -ETIMEDOUT when nothing came. Replies
 * with other sequence numbers (of requests the kernel did not ack) are
 * checked and dropped. @cb sees each reply message of @seq.
 */
typedef void (*reply_cb)(const struct nlmsghdr *n, void *arg);

static int verbose;

/* The attribute a refusal's extack points at, if we placed it. */
static void extack_learn(const struct nlmsghdr *n)
{
	const struct nlmsgerr *e = NLMSG_DATA(n);
	const uint8_t *p = (const uint8_t *)e + sizeof(*e), *end;
	unsigned int i;

	end = (const uint8_t *)n + n->nlmsg_len;
	if (!(n->nlmsg_flags & NLM_F_CAPPED))
		p += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_OFFS &&
		    a->nla_len >= NLA_HDRLEN + 4) {
			uint32_t off;

			memcpy(&off, (const uint8_t *)a + NLA_HDRLEN, 4);
			for (i = 0; i < n_placed; i++)
				if (placed[i].off == off && placed[i].depth > 0)
					atomic_fetch_or(&avoid.set[placed[i].pidx],
							1ULL << placed[i].type);
		}
		p += NLA_ALIGN(a->nla_len);
	}
}

/* --verbose: why the kernel refused a request (its extack message). */
static void extack_print(const struct nlmsghdr *n, const char *what)
{
	const struct nlmsgerr *e = NLMSG_DATA(n);
	const uint8_t *p = (const uint8_t *)e + sizeof(*e), *end;
	const struct genlmsghdr *g = NULL;
	const char *msg = "";

	end = (const uint8_t *)n + n->nlmsg_len;
	if (!(n->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN)
			g = (const void *)((const uint8_t *)&e->msg + NLMSG_HDRLEN);
		p += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	}
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			msg = (const char *)a + NLA_HDRLEN;
		p += NLA_ALIGN(a->nla_len);
	}
	fprintf(stderr, "nlfuzz: %s: cmd %d flags %#x: %s: %s\n", what,
		g ? g->cmd : -1, e->msg.nlmsg_flags, strerror(-e->error), msg);
}

static int nl_wait(int fd, uint32_t seq, uint16_t fam_id, reply_cb cb,
		   void *arg, const char *what)
{
	static __thread uint8_t buf[RCV_BUF];

	for (;;) {
		const struct nlmsghdr *n;
		ssize_t r;
		size_t left;

		r = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		if (r > (ssize_t)sizeof(buf)) {
			fail("%s: a reply of %zd bytes, more than any request",
			     what, r);
			return -EPROTO;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)	/* a dropped reply: go on */
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		if (!well_formed(buf, (size_t)r, fam_id, what))
			return -EPROTO;
		left = (size_t)r;
		for (n = (void *)buf; NLMSG_OK(n, left); n = NLMSG_NEXT(n, left)) {
			if (n->nlmsg_seq != seq)
				continue;
			if (n->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(n);

				if (n->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
					return -EPROTO;
				if (verbose && e->error)
					extack_print(n, what);
				if (e->error && plausible)
					extack_learn(n);
				return e->error;
			}
			if (n->nlmsg_type == NLMSG_DONE)
				return 1;
			if (cb)
				cb(n, arg);
		}
	}
}

/* ---- reading the family and its policies ---- */

static const struct nlattr *nla_next(const struct nlattr *a, size_t *left)
{
	size_t step = NLA_ALIGN(a->nla_len);

	if (step >= *left) {
		*left = 0;
		return NULL;
	}
	*left -= step;
	return (const void *)((const uint8_t *)a + step);
}

#define nla_for_each(a, start, len, left)				\
	for (left = (len), a = (const struct nlattr *)(start);		\
	     left >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&		\
	     a->nla_len <= left; a = nla_next(a, &left))

#define NLA_TYPE(a)	((a)->nla_type & NLA_TYPE_MASK)
#define NLA_DATA(a)	((const void *)((const uint8_t *)(a) + NLA_HDRLEN))
#define NLA_LEN(a)	((size_t)(a)->nla_len - NLA_HDRLEN)

static uint64_t nla_uint(const struct nlattr *a)
{
	uint64_t v = 0;

	switch (NLA_LEN(a)) {
	case 1: v = *(const uint8_t *)NLA_DATA(a); break;
	case 2: v = *(const uint16_t *)NLA_DATA(a); break;
	case 4: v = *(const uint32_t *)NLA_DATA(a); break;
	case 8: memcpy(&v, NLA_DATA(a), 8); break;
	}
	return v;
}

static void family_cb(const struct nlmsghdr *n, void *arg)
{
	const struct nlattr *a, *op, *f;
	size_t l1, l2, l3;

	(void)arg;
	nla_for_each(a, (const uint8_t *)NLMSG_DATA(n) + GENL_HDRLEN,
		     n->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, l1) {
		switch (NLA_TYPE(a)) {
		case CTRL_ATTR_FAMILY_ID:
			fam.id = (uint16_t)nla_uint(a);
			break;
		case CTRL_ATTR_MAXATTR:
			fam.maxattr = (uint32_t)nla_uint(a);
			break;
		case CTRL_ATTR_OPS:
			nla_for_each(op, NLA_DATA(a), NLA_LEN(a), l2) {
				struct op *o;

				if (fam.n_ops >= MAX_OPS)
					break;
				o = &fam.ops[fam.n_ops++];
				o->do_pol = o->dump_pol = -1;
				nla_for_each(f, NLA_DATA(op), NLA_LEN(op), l3) {
					if (NLA_TYPE(f) == CTRL_ATTR_OP_ID)
						o->cmd = (uint32_t)nla_uint(f);
					else if (NLA_TYPE(f) == CTRL_ATTR_OP_FLAGS)
						o->flags = (uint32_t)nla_uint(f);
				}
			}
			break;
		}
	}
}

static struct op *op_find(uint32_t cmd)
{
	unsigned int i;

	for (i = 0; i < fam.n_ops; i++)
		if (fam.ops[i].cmd == cmd)
			return &fam.ops[i];
	return NULL;
}

static void policy_attr(struct pattr *p, const struct nlattr *nest)
{
	const struct nlattr *f;
	size_t l;

	memset(p, 0, sizeof(*p));
	p->present = true;
	p->nested = -1;
	nla_for_each(f, NLA_DATA(nest), NLA_LEN(nest), l) {
		uint64_t v = nla_uint(f);

		switch (NLA_TYPE(f)) {
		case NL_POLICY_TYPE_ATTR_TYPE: p->type = (uint32_t)v; break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
			p->has_min_s = true; p->min_s = (int64_t)v; break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
			p->has_max_s = true; p->max_s = (int64_t)v; break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			p->has_min_u = true; p->min_u = v; break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			p->has_max_u = true; p->max_u = v; break;
		case NL_POLICY_TYPE_ATTR_MIN_LENGTH: p->min_len = (uint32_t)v; break;
		case NL_POLICY_TYPE_ATTR_MAX_LENGTH: p->max_len = (uint32_t)v; break;
		case NL_POLICY_TYPE_ATTR_POLICY_IDX: p->nested = (int)v; break;
		case NL_POLICY_TYPE_ATTR_BITFIELD32_MASK:
			p->bf32_mask = (uint32_t)v; break;
		case NL_POLICY_TYPE_ATTR_MASK:
			p->has_mask = true; p->mask = v; break;
		}
	}
}

static void policy_cb(const struct nlmsghdr *n, void *arg)
{
	const struct nlattr *a, *x, *y;
	size_t l1, l2, l3;

	(void)arg;
	nla_for_each(a, (const uint8_t *)NLMSG_DATA(n) + GENL_HDRLEN,
		     n->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, l1) {
		if (NLA_TYPE(a) == CTRL_ATTR_OP_POLICY) {
			nla_for_each(x, NLA_DATA(a), NLA_LEN(a), l2) {
				struct op *o = op_find(NLA_TYPE(x));

				if (!o)
					continue;
				nla_for_each(y, NLA_DATA(x), NLA_LEN(x), l3) {
					if (NLA_TYPE(y) == CTRL_ATTR_POLICY_DO)
						o->do_pol = (int)nla_uint(y);
					else if (NLA_TYPE(y) == CTRL_ATTR_POLICY_DUMP)
						o->dump_pol = (int)nla_uint(y);
				}
			}
		} else if (NLA_TYPE(a) == CTRL_ATTR_POLICY) {
			nla_for_each(x, NLA_DATA(a), NLA_LEN(a), l2) {
				unsigned int idx = NLA_TYPE(x);
				struct policy *p;

				if (idx >= MAX_POLICIES)
					continue;
				p = &fam.pol[idx];
				if (idx + 1 > fam.n_pol)
					fam.n_pol = idx + 1;
				nla_for_each(y, NLA_DATA(x), NLA_LEN(x), l3) {
					unsigned int t = NLA_TYPE(y);

					if (t >= MAX_ATTRS)
						continue;
					policy_attr(&p->a[t], y);
					if (t > p->maxtype)
						p->maxtype = t;
				}
			}
		}
	}
}

static int family_read(int fd)
{
	static struct msg m;
	unsigned int i, n_attrs = 0;
	int err;

	hdr(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, 1, CTRL_CMD_GETFAMILY);
	attr(&m, CTRL_ATTR_FAMILY_NAME, fam.name, strlen(fam.name) + 1);
	finish(&m);
	if ((err = nl_send(fd, m.b, m.len)) ||
	    (err = nl_wait(fd, 1, GENL_ID_CTRL, family_cb, NULL, "getfamily")) < 0) {
		fail("family %s: %s", fam.name, strerror(-err));
		return -1;
	}
	hdr(&m, GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, 2, CTRL_CMD_GETPOLICY);
	attr(&m, CTRL_ATTR_FAMILY_ID, &fam.id, sizeof(fam.id));
	finish(&m);
	if ((err = nl_send(fd, m.b, m.len)) ||
	    (err = nl_wait(fd, 2, GENL_ID_CTRL, policy_cb, NULL, "getpolicy")) < 0) {
		fail("policy of %s: %s", fam.name, strerror(-err));
		return -1;
	}
	for (i = 0; i < fam.n_pol; i++) {
		unsigned int t;

		for (t = 0; t < MAX_ATTRS; t++)
			n_attrs += fam.pol[i].a[t].present;
	}
	if (!fam.n_ops || !fam.n_pol) {
		fail("family %s: %u ops, %u policies", fam.name, fam.n_ops,
		     fam.n_pol);
		return -1;
	}
	printf("PASS: nlfuzz: policy read: family %s id %u, %u ops, %u policies, "
	       "%u attributes\n", fam.name, fam.id, fam.n_ops, fam.n_pol, n_attrs);
	return 0;
}

/* ---- value generation ---- */

/* Addresses worth trying: unicast, multicast of each scope, edges. */
static const uint32_t addr4_pool[] = {
	0x0a000001, 0x0a010002, 0xc0000201, 0x00000000, 0x00010203,
	0x00ffffff, 0x01000000, 0x7f000001, 0xe0000001, 0xe00000fb,
	0xe0000100, 0xef010101, 0xef000001, 0xe8010203, 0xffffffff,
	0xf0000001, 0x0a000002, 0x0a000003,
};

static void gen_addr6(struct rng *r, uint8_t *a)
{
	static const uint8_t prefixes[][2] = {
		{ 0xfd, 0x00 }, { 0x20, 0x01 }, { 0xfe, 0x80 }, { 0xff, 0x0e },
		{ 0xff, 0x02 }, { 0xff, 0x01 }, { 0xff, 0x05 }, { 0xff, 0x3e },
		{ 0x00, 0x00 },
	};
	unsigned int i = below(r, sizeof(prefixes) / sizeof(prefixes[0]));

	memset(a, 0, 16);
	a[0] = prefixes[i][0];
	a[1] = prefixes[i][1];
	if (chance(r, 80))
		a[15] = (uint8_t)below(r, 4);
	else
		for (i = 2; i < 16; i++)
			a[i] = (uint8_t)rnd(r);
}

static void gen_bytes(struct rng *r, uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rnd(r);
}

/* An integer at, across or between the bounds; small values are common so
 * that ids collide and objects get replaced and deleted. */
static uint64_t gen_uint(struct rng *r, const struct pattr *p, unsigned int bits)
{
	uint64_t top = bits == 64 ? UINT64_MAX : (1ULL << bits) - 1;
	uint64_t lo = p->has_min_u ? p->min_u : 0;
	uint64_t hi = p->has_max_u ? p->max_u : top;

	if (plausible) {
		uint64_t off = chance(r, 90) ? below(r, 8) : rnd(r);

		if (p->has_mask)
			return rnd(r) & p->mask;
		if (hi <= lo)
			return lo;
		if (hi - lo != UINT64_MAX)
			off %= hi - lo + 1;
		return lo + off;
	}
	switch (below(r, 12)) {
	case 0: return lo;
	case 1: return hi;
	case 2: return lo - 1;
	case 3: return hi + 1;
	case 4: return top;
	case 5: return 0;
	case 6: return p->has_mask ? p->mask : 1;
	case 7: return p->has_mask ? ~p->mask & top : rnd(r) & top;
	case 8: return p->has_mask && p->mask ?
		       (1ULL << below(r, 64)) & p->mask : 2;
	case 9: return rnd(r) & top;
	default: return lo + below(r, 8);
	}
}

static int64_t gen_sint(struct rng *r, const struct pattr *p, unsigned int bits)
{
	int64_t lo = p->has_min_s ? p->min_s : -(1LL << (bits - 1));
	int64_t hi = p->has_max_s ? p->max_s : (int64_t)((1ULL << (bits - 1)) - 1);

	switch (below(r, 6)) {
	case 0: return lo;
	case 1: return hi;
	case 2: return lo - 1;
	case 3: return hi + 1;
	case 4: return (int64_t)rnd(r);
	default: return lo + below(r, 8);
	}
}

static void gen_attrs(struct rng *r, struct msg *m, int pidx, int depth);

/* A wrong length for a fixed-size value, or -1 to keep it. */
static long wrong_len(struct rng *r, size_t len)
{
	static const long alt[] = { 0, 1, 2, 3, 5, 7, 8, 9, 15, 17, 64 };
	long l;

	if (plausible || !chance(r, 6))
		return -1;
	do
		l = alt[below(r, sizeof(alt) / sizeof(alt[0]))];
	while ((size_t)l == len);
	return l;
}

static void gen_value(struct rng *r, struct msg *m, uint16_t type,
		      const struct pattr *p, int depth)
{
	uint8_t v[512];
	size_t len = 0;
	long wl;
	unsigned int bits = 0;
	bool sign = false;

	switch (p->type) {
	case NL_ATTR_TYPE_FLAG:
		len = chance(r, 90) ? 0 : 1 + below(r, 8);
		gen_bytes(r, v, len);
		attr(m, type, v, len);
		return;
	case NL_ATTR_TYPE_U8: bits = 8; break;
	case NL_ATTR_TYPE_U16: bits = 16; break;
	case NL_ATTR_TYPE_U32: bits = 32; break;
	case NL_ATTR_TYPE_U64: bits = 64; break;
	case NL_ATTR_TYPE_S8: bits = 8; sign = true; break;
	case NL_ATTR_TYPE_S16: bits = 16; sign = true; break;
	case NL_ATTR_TYPE_S32: bits = 32; sign = true; break;
	case NL_ATTR_TYPE_S64: bits = 64; sign = true; break;
	case NL_ATTR_TYPE_NESTED:
	case NL_ATTR_TYPE_NESTED_ARRAY: {
		long off;

		if (!plausible && (depth >= MAX_DEPTH || chance(r, 5))) {
			/* garbage where attributes should be */
			len = below(r, 64);
			gen_bytes(r, v, len);
			attr(m, type | (chance(r, 50) ? NLA_F_NESTED : 0), v, len);
			return;
		}
		off = attr(m, type | (plausible || chance(r, 70) ? NLA_F_NESTED : 0),
			   NULL, 0);
		if (off < 0)
			return;
		if (p->type == NL_ATTR_TYPE_NESTED_ARRAY) {
			unsigned int i, n = below(r, plausible ? 4 : 5);

			for (i = 0; i < n; i++) {
				long e = attr(m, (uint16_t)(i + 1) | NLA_F_NESTED,
					      NULL, 0);

				if (p->nested >= 0)
					gen_attrs(r, m, p->nested, depth + 1);
				nest_end(m, e);
			}
		} else if (p->nested >= 0) {
			gen_attrs(r, m, p->nested, depth + 1);
		}
		nest_end(m, off);
		return;
	}
	case NL_ATTR_TYPE_BITFIELD32: {
		uint32_t bf[2] = { (uint32_t)rnd(r), (uint32_t)rnd(r) };

		if (chance(r, 60)) {
			bf[0] &= p->bf32_mask;
			bf[1] &= p->bf32_mask;
		}
		len = sizeof(bf);
		memcpy(v, bf, len);
		break;
	}
	default: {
		/* binary, strings: lengths at and across the bounds */
		uint32_t lo = p->min_len, hi = p->max_len ? p->max_len : 64;

		switch (plausible ? 7 : below(r, 8)) {
		case 0: len = lo; break;
		case 1: len = hi; break;
		case 2: len = lo ? lo - 1 : 0; break;
		case 3: len = hi + 1; break;
		case 4: len = below(r, 300); break;
		default: len = lo + below(r, hi - lo + 1); break;
		}
		if (len > sizeof(v))
			len = sizeof(v);
		if (len == 4 && (plausible || chance(r, 85))) {
			uint32_t a = htonl(addr4_pool[below(r, sizeof(addr4_pool) /
						       sizeof(addr4_pool[0]))]);

			memcpy(v, &a, 4);
		} else if (len == 16 && (plausible || chance(r, 85))) {
			gen_addr6(r, v);
		} else {
			gen_bytes(r, v, len);
			if ((p->type == NL_ATTR_TYPE_NUL_STRING ||
			     p->type == NL_ATTR_TYPE_STRING) && len &&
			    chance(r, 70))
				v[len - 1] = 0;
		}
		attr(m, type, v, len);
		return;
	}
	}
	if (bits) {
		uint64_t u = sign ? (uint64_t)gen_sint(r, p, bits) :
				    gen_uint(r, p, bits);

		len = bits / 8;
		switch (bits) {	/* host order, as the kernel reads it */
		case 8: v[0] = (uint8_t)u; break;
		case 16: { uint16_t x = (uint16_t)u; memcpy(v, &x, 2); break; }
		case 32: { uint32_t x = (uint32_t)u; memcpy(v, &x, 4); break; }
		default: memcpy(v, &u, 8); break;
		}
	}
	wl = wrong_len(r, len);
	if (wl >= 0) {
		if ((size_t)wl > len)
			gen_bytes(r, v + len, (size_t)wl - len);
		len = (size_t)wl;
	}
	attr(m, type, v, len);
}

/*
 * The attributes of policy @pidx: each known one with some probability
 * (some twice), now and then an unknown type, the 0 type or a flag bit.
 */
/*
 * Feedback: the attribute sets (per policy) of messages the kernel
 * accepted. Plausible messages mostly reuse one, with new values, which
 * finds the combinations the code behind the policy wants (exactly one
 * address family, a group, ...) without knowing them.
 */
#define GOOD_SETS 8
static struct {
	pthread_mutex_t lock;
	unsigned int n[MAX_POLICIES];
	uint64_t set[MAX_POLICIES][GOOD_SETS];
} good = { .lock = PTHREAD_MUTEX_INITIALIZER };
static __thread uint64_t chosen[MAX_POLICIES];


static void good_remember(void)
{
	unsigned int i;

	pthread_mutex_lock(&good.lock);
	for (i = 0; i < fam.n_pol && i < MAX_POLICIES; i++)
		if (chosen[i])
			good.set[i][good.n[i]++ % GOOD_SETS] = chosen[i];
	pthread_mutex_unlock(&good.lock);
}

static uint64_t good_pick(struct rng *r, int pidx)
{
	uint64_t set = 0;
	unsigned int n;

	pthread_mutex_lock(&good.lock);
	n = good.n[pidx] < GOOD_SETS ? good.n[pidx] : GOOD_SETS;
	if (n)
		set = good.set[pidx][below(r, n)];
	pthread_mutex_unlock(&good.lock);
	return set;
}

static void gen_attrs(struct rng *r, struct msg *m, int pidx, int depth)
{
	const struct policy *pol = &fam.pol[pidx];
	unsigned int t, n_extra, i;
	uint64_t reuse = plausible && chance(r, 75) ? good_pick(r, pidx) : 0;

	for (t = 1; t <= pol->maxtype && t < MAX_ATTRS; t++) {
		unsigned int times = 1;

		if (!pol->a[t].present)
			continue;
		/* a nest with no policy inside takes nothing valid (reply-only) */
		if (plausible && pol->a[t].nested < 0 &&
		    (pol->a[t].type == NL_ATTR_TYPE_NESTED ||
		     pol->a[t].type == NL_ATTR_TYPE_NESTED_ARRAY))
			continue;
		if (reuse ? !(reuse & 1ULL << t) :
			    !chance(r, plausible ? (depth ? 75 : 100) : 65))
			continue;
		if (plausible && (avoid.set[pidx] & 1ULL << t))
			continue;
		chosen[pidx] |= 1ULL << t;
		if (n_placed < MAX_PLACED)
			placed[n_placed++] = (struct placed){ (uint32_t)m->len,
							      pidx, depth, t };
		if (!plausible && chance(r, 4))
			times = 2 + below(r, 2);	/* duplicates */
		while (times--)
			gen_value(r, m, (uint16_t)t, &pol->a[t], depth);
	}
	n_extra = !plausible && chance(r, 10) ? 1 + below(r, 3) : 0;
	for (i = 0; i < n_extra; i++) {
		uint8_t v[32];
		uint16_t type;
		size_t len = below(r, sizeof(v));

		switch (below(r, 4)) {
		case 0: type = 0; break;
		case 1: type = (uint16_t)(pol->maxtype + 1 + below(r, 3)); break;
		case 2: type = (uint16_t)below(r, NLA_TYPE_MASK + 1); break;
		default:
			type = (uint16_t)(1 + below(r, pol->maxtype ? pol->maxtype : 1));
			type |= NLA_F_NET_BYTEORDER;
			break;
		}
		gen_bytes(r, v, len);
		attr(m, type, v, len);
	}
}

/* ---- whole messages ---- */

static const struct op *pick_op(struct rng *r)
{
	return &fam.ops[below(r, fam.n_ops)];
}

/*
 * A message for @o (NULL: a random one). Returns false if it is not a
 * plain request (mangled frame) whose ack cannot be expected.
 */
static bool gen_msg(struct rng *r, struct msg *m, const struct op *o,
		    uint32_t seq, bool hostile)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	uint8_t cmd;
	int pol;

	plausible = !hostile || chance(r, 50);
	if (!o && plausible && chance(r, 40)) {
		static const uint8_t writes[] = {
			IVGMP_CMD_NEW_SITE, IVGMP_CMD_NEW_ROUTE,
			IVGMP_CMD_SET_SITE, IVGMP_CMD_SET_ROUTE,
		};

		o = op_find(writes[below(r, sizeof(writes))]);
	}
	if (!o)
		o = pick_op(r);
	memset(chosen, 0, sizeof(chosen));
	n_placed = 0;
	if (plausible)
		hostile = false;
	cmd = (uint8_t)o->cmd;
	if (hostile && chance(r, 4)) {
		static const uint8_t bad[] = { 0, IVGMP_CMD_NEW_SOURCE, 0xff,
					       0x80 };

		cmd = chance(r, 50) ? bad[below(r, 4)] :
				      (uint8_t)(fam.n_ops + 1 + below(r, 8));
	}
	if ((o->flags & GENL_CMD_CAP_DUMP) && chance(r, 15))
		flags |= NLM_F_DUMP;
	if (plausible && !(flags & NLM_F_DUMP)) {
		/* rtnetlink's flags, which a family may or may not take */
		static const uint16_t f[] = {
			0, 0, 0, 0, 0, 0, 0, NLM_F_CREATE,
			NLM_F_CREATE | NLM_F_REPLACE, NLM_F_CREATE | NLM_F_EXCL,
		};

		flags |= f[below(r, sizeof(f) / sizeof(f[0]))];
	} else if (chance(r, 30) && !(flags & NLM_F_DUMP)) {
		flags |= (uint16_t)(below(r, 16) << 8);	/* CREATE/EXCL/REPLACE/APPEND */
	}
	if (hostile && chance(r, 3))
		flags ^= (uint16_t)(1u << below(r, 16));
	hdr(m, fam.id, flags, seq, cmd);
	if (hostile && chance(r, 3))
		((struct genlmsghdr *)(m->b + NLMSG_HDRLEN))->version =
			(uint8_t)rnd(r);
	if (hostile && chance(r, 3))
		((struct genlmsghdr *)(m->b + NLMSG_HDRLEN))->reserved =
			(uint16_t)rnd(r);
	pol = (flags & NLM_F_DUMP) && o->dump_pol >= 0 ? o->dump_pol : o->do_pol;
	if (pol < 0 && fam.n_pol)
		pol = chance(r, 20) ? (int)below(r, fam.n_pol) : -1;
	if (pol >= 0)
		gen_attrs(r, m, pol, 0);
	if (hostile && chance(r, 2)) {
		/* oversized: pad with unknown attributes up to ~128 KiB */
		size_t target = 4096 + below(r, BUF_MAX - 8192);

		while (m->len + 1024 < target &&
		       attr(m, (uint16_t)(fam.pol[pol >= 0 ? pol : 0].maxtype + 1),
			    NULL, 1000) >= 0)
			;
	}
	finish(m);
	if (!hostile)
		return true;
	switch (below(r, 50)) {
	case 0:	/* claims more than it has */
		((struct nlmsghdr *)m->b)->nlmsg_len += 1 + below(r, 64);
		return false;
	case 1:	/* claims less than it has */
		((struct nlmsghdr *)m->b)->nlmsg_len = below(r, (uint32_t)m->len);
		return false;
	case 2:	/* cut short */
		m->len = below(r, (uint32_t)m->len);
		return false;
	case 3: /* raw bytes, with or without a plausible header */
		m->len = below(r, 512);
		gen_bytes(r, m->b, m->len);
		if (m->len >= NLMSG_HDRLEN && chance(r, 50)) {
			struct nlmsghdr *n = (void *)m->b;

			n->nlmsg_len = (uint32_t)m->len;
			n->nlmsg_type = fam.id;
			n->nlmsg_flags |= NLM_F_REQUEST;
		}
		return false;
	}
	return true;
}

/* ---- the readback oracle ---- */

/* The last top-level attribute of @type in a request (nla_parse's pick). */
static const struct nlattr *last_attr(const uint8_t *start, size_t len,
				      unsigned int type)
{
	const struct nlattr *a, *found = NULL;
	size_t l;

	nla_for_each(a, start, len, l)
		if (NLA_TYPE(a) == type)
			found = a;
	return found;
}

struct readback {
	const struct nlattr *sent;	/* the request's object nest */
	unsigned int top;		/* IVGMP_A_SITE or IVGMP_A_ROUTE */
	bool append;
	bool found, ok;
	char why[160];
};

/* Next-hop sites in an IVGMP_ROUTE_A_NEXTHOPS nest, sorted. */
static unsigned int nexthop_sites(const struct nlattr *list, uint32_t *out,
				  unsigned int max)
{
	const struct nlattr *nh, *f;
	unsigned int n = 0, i, j;
	size_t l1, l2;

	nla_for_each(nh, NLA_DATA(list), NLA_LEN(list), l1) {
		nla_for_each(f, NLA_DATA(nh), NLA_LEN(nh), l2)
			if (NLA_TYPE(f) == IVGMP_NEXTHOP_A_SITE && n < max)
				out[n++] = (uint32_t)nla_uint(f);
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && out[j - 1] > out[j]; j--) {
			uint32_t t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

static bool subset(const uint32_t *a, unsigned int na, const uint32_t *b,
		   unsigned int nb)
{
	unsigned int i, j;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && b[j] != a[i]; j++)
			;
		if (j == nb)
			return false;
	}
	return true;
}

static void readback_cb(const struct nlmsghdr *n, void *arg)
{
	static uint32_t s_nh[IVGMP_MAX_NEXTHOPS + 8], g_nh[IVGMP_MAX_NEXTHOPS + 8];
	struct readback *rb = arg;
	const struct nlattr *got, *a;
	unsigned int t;

	got = last_attr((const uint8_t *)NLMSG_DATA(n) + GENL_HDRLEN,
			n->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, rb->top);
	if (!got)
		return;
	rb->found = true;
	rb->ok = true;
	/* Each value the request set (its last occurrence) must be there. */
	for (t = 1; t < MAX_ATTRS; t++) {
		const struct nlattr *s = last_attr(NLA_DATA(rb->sent),
						   NLA_LEN(rb->sent), t);

		if (!s)
			continue;
		a = last_attr(NLA_DATA(got), NLA_LEN(got), t);
		if (rb->top == IVGMP_A_ROUTE && t == IVGMP_ROUTE_A_NEXTHOPS) {
			unsigned int ns, ng;

			ns = nexthop_sites(s, s_nh, IVGMP_MAX_NEXTHOPS + 8);
			ng = a ? nexthop_sites(a, g_nh, IVGMP_MAX_NEXTHOPS + 8) : 0;
			if (!subset(s_nh, ns, g_nh, ng) ||
			    (!rb->append && !subset(g_nh, ng, s_nh, ns))) {
				rb->ok = false;
				snprintf(rb->why, sizeof(rb->why),
					 "next hops: sent %u, read back %u", ns, ng);
			}
			continue;
		}
		if (t == IVGMP_SITE_A_STATS && rb->top == IVGMP_A_SITE)
			continue;
		if (t == IVGMP_ROUTE_A_STATS && rb->top == IVGMP_A_ROUTE)
			continue;
		/* request-only attributes are not in replies */
		if (!a)
			continue;
		if (NLA_LEN(a) != NLA_LEN(s) ||
		    memcmp(NLA_DATA(a), NLA_DATA(s), NLA_LEN(s))) {
			rb->ok = false;
			snprintf(rb->why, sizeof(rb->why),
				 "attribute %u: read back differs from what was sent", t);
		}
	}
}

/* Key attributes of an object: what GET takes. */
static bool is_key(unsigned int top, unsigned int t)
{
	if (top == IVGMP_A_SITE)
		return t == IVGMP_SITE_A_ID;
	return t == IVGMP_ROUTE_A_VPN || t == IVGMP_ROUTE_A_GROUP4 ||
	       t == IVGMP_ROUTE_A_GROUP6 || t == IVGMP_ROUTE_A_SOURCE4 ||
	       t == IVGMP_ROUTE_A_SOURCE6 || t == IVGMP_ROUTE_A_ORIGIN;
}

static uint32_t next_seq(void)
{
	static atomic_uint seq = 1000;

	return atomic_fetch_add(&seq, 1);
}

static void read_back(int fd, const struct msg *sent)
{
	static struct msg m;
	const struct nlmsghdr *n = (const void *)sent->b;
	const struct genlmsghdr *g = NLMSG_DATA(n);
	struct readback rb = { .append = n->nlmsg_flags & NLM_F_APPEND };
	uint8_t get_cmd;
	unsigned int t;
	uint32_t seq;
	long off;
	int err;

	if (g->cmd == IVGMP_CMD_NEW_SITE || g->cmd == IVGMP_CMD_SET_SITE) {
		rb.top = IVGMP_A_SITE;
		get_cmd = IVGMP_CMD_GET_SITE;
	} else if (g->cmd == IVGMP_CMD_NEW_ROUTE ||
		   g->cmd == IVGMP_CMD_SET_ROUTE) {
		rb.top = IVGMP_A_ROUTE;
		get_cmd = IVGMP_CMD_GET_ROUTE;
	} else {
		return;
	}
	rb.sent = last_attr((const uint8_t *)g + GENL_HDRLEN,
			    n->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, rb.top);
	if (!rb.sent) {
		fail("NEW (cmd %u) without its object was accepted", g->cmd);
		return;
	}
	seq = next_seq();
	hdr(&m, fam.id, NLM_F_REQUEST | NLM_F_ACK, seq, get_cmd);
	off = attr(&m, (uint16_t)(rb.top | NLA_F_NESTED), NULL, 0);
	for (t = 1; t < MAX_ATTRS; t++) {
		const struct nlattr *s;

		if (!is_key(rb.top, t))
			continue;
		s = last_attr(NLA_DATA(rb.sent), NLA_LEN(rb.sent), t);
		if (s)
			attr(&m, (uint16_t)t, NLA_DATA(s), NLA_LEN(s));
	}
	nest_end(&m, off);
	finish(&m);
	if ((err = nl_send(fd, m.b, m.len)) ||
	    (err = nl_wait(fd, seq, fam.id, readback_cb, &rb, "readback")) < 0) {
		fail("NEW (cmd %u, seq %u) accepted, GET: %s", g->cmd,
		     n->nlmsg_seq, strerror(-err));
		return;
	}
	if (!rb.found)
		fail("NEW (cmd %u, seq %u) accepted, GET returned no object",
		     g->cmd, n->nlmsg_seq);
	else if (!rb.ok)
		fail("NEW (cmd %u, seq %u) accepted, GET: %s", g->cmd,
		     n->nlmsg_seq, rb.why);
	else
		atomic_fetch_add(&n_readback, 1);
}

/* ---- phase 1: one thread, every reply checked ---- */

static int sync_req(int fd)
{
	static __thread struct msg m;
	uint32_t seq = next_seq();
	int err;

	hdr(&m, fam.id, NLM_F_REQUEST | NLM_F_ACK, seq, IVGMP_CMD_GET_CONFIG);
	finish(&m);
	if ((err = nl_send(fd, m.b, m.len)))
		return err;
	err = nl_wait(fd, seq, fam.id, NULL, NULL, "sync");
	return err < 0 ? err : 0;
}

static int phase_sequential(uint64_t seed, unsigned long count)
{
	static struct msg m;
	struct rng r = { .s = seed | 1 };
	unsigned long i;
	int fd = nl_open(), err;

	if (fd < 0) {
		fail("socket: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < count && !n_fail; i++) {
		uint32_t seq = next_seq();
		bool plain = gen_msg(&r, &m, NULL, seq, true);
		struct nlmsghdr *n = (void *)m.b;
		bool dump = (n->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

		/* without REQUEST or ACK, success has no answer */
		if ((n->nlmsg_flags & (NLM_F_REQUEST | NLM_F_ACK)) !=
		    (NLM_F_REQUEST | NLM_F_ACK))
			plain = false;

		if (chance(&r, 3) && plain) {
			/* two requests in one datagram */
			static struct msg m2;
			uint32_t seq2 = next_seq();

			gen_msg(&r, &m2, NULL, seq2, false);
			if (m.len + m2.len <= sizeof(m.b)) {
				memcpy(m.b + m.len, m2.b, m2.len);
				m.len += m2.len;
			}
		}
		err = nl_send(fd, m.b, m.len);
		if (err && err != -EINVAL && err != -EMSGSIZE && err != -ENOBUFS &&
		    err != -EOPNOTSUPP && err != -EPERM && err != -ENOENT) {
			/* seen once: ENODATA; not understood yet, so noted */
			note("seq %u: send refused: %s (cmd %u, flags %#x, %zu bytes)",
			     seq, strerror(-err),
			     m.len >= NLMSG_HDRLEN + GENL_HDRLEN ? m.b[NLMSG_HDRLEN] : 0,
			     n->nlmsg_flags, m.len);
		}
		if (plain && !err) {
			err = nl_wait(fd, seq, fam.id, NULL, NULL, "request");
			if (err == -ETIMEDOUT) {
				fail("seq %u: no reply in 20 s", seq);
				break;
			}
			if (err == 0 || err == 1) {
				atomic_fetch_add(&n_acked, 1);
				if (err == 0 && plausible)
					good_remember();
				if (err == 0 && !dump)
					read_back(fd, &m);
			} else {
				atomic_fetch_add(&n_rejected, 1);
			}
		} else {
			atomic_fetch_add(&n_unanswered, 1);
		}
		/* whatever happened, the family still answers */
		err = sync_req(fd);
		if (err) {
			fail("after seq %u: the family no longer answers: %s", seq,
			     strerror(-err));
			break;
		}
	}
	close(fd);
	return n_fail ? -1 : 0;
}

/* ---- phase 2: writers, dumpers and namespaces at once ---- */

static atomic_bool stop;

static void *writer(void *arg)
{
	struct rng r = { .s = (uint64_t)(uintptr_t)arg | 1 };
	struct msg *m = malloc(sizeof(*m));
	int fd = nl_open();

	if (fd < 0 || !m) {
		fail("writer: %s", strerror(errno));
		free(m);
		return NULL;
	}
	while (!stop) {
		static const uint8_t cmds[] = {
			IVGMP_CMD_NEW_SITE, IVGMP_CMD_NEW_ROUTE,
			IVGMP_CMD_SET_SITE, IVGMP_CMD_SET_ROUTE,
			IVGMP_CMD_NEW_ROUTE, IVGMP_CMD_DEL_ROUTE,
			IVGMP_CMD_DEL_SITE, IVGMP_CMD_SET_CONFIG,
			IVGMP_CMD_FLUSH,
		};
		const struct op *o = op_find(cmds[below(&r, sizeof(cmds))]);
		uint32_t seq = next_seq();
		int err;

		if (!o)
			continue;
		/* rarer flushes, so that tables grow between them */
		if (o->cmd == IVGMP_CMD_FLUSH && chance(&r, 90))
			continue;
		gen_msg(&r, m, o, seq, false);
		if (nl_send(fd, m->b, m->len))
			continue;
		err = nl_wait(fd, seq, fam.id, NULL, NULL, "writer");
		if (err == 0)
			good_remember();
		if (err == -ETIMEDOUT) {
			fail("writer: no reply in 20 s");
			break;
		}
	}
	close(fd);
	free(m);
	return NULL;
}

/* Reads a dump a few messages at a time; gives up half way now and then. */
static void *dumper(void *arg)
{
	struct rng r = { .s = (uint64_t)(uintptr_t)arg | 1 };
	static const uint8_t cmds[] = { IVGMP_CMD_GET_SITE, IVGMP_CMD_GET_ROUTE };
	uint8_t *buf = malloc(RCV_BUF);
	struct msg *m = malloc(sizeof(*m));

	if (!buf || !m) {
		fail("dumper: out of memory");
		goto out;
	}
	while (!stop) {
		uint32_t seq = next_seq();
		int fd = nl_open(), msgs = 0, abandon;
		bool done = false;

		if (fd < 0) {
			fail("dumper: socket: %s", strerror(errno));
			break;
		}
		hdr(m, fam.id, NLM_F_REQUEST | NLM_F_DUMP, seq,
		    cmds[below(&r, 2)]);
		finish(m);
		abandon = chance(&r, 30) ? (int)below(&r, 4) : -1;
		if (nl_send(fd, m->b, m->len)) {
			close(fd);
			continue;
		}
		atomic_fetch_add(&n_dumps, 1);
		while (!done && msgs != abandon) {
			/* small reads keep the dump in many pieces */
			ssize_t len = recv(fd, buf, chance(&r, 50) ? 4096 : RCV_BUF, 0);
			const struct nlmsghdr *n;
			size_t left;

			if (len < 0) {
				if (errno == EINTR || errno == ENOBUFS)
					continue;
				fail("dump: recv: %s", strerror(errno));
				break;
			}
			if (!well_formed(buf, (size_t)len, fam.id, "dump"))
				break;
			left = (size_t)len;
			for (n = (void *)buf; NLMSG_OK(n, left); n = NLMSG_NEXT(n, left)) {
				if (n->nlmsg_type == NLMSG_DONE ||
				    n->nlmsg_type == NLMSG_ERROR)
					done = true;
				else
					atomic_fetch_add(&n_dump_msgs, 1);
			}
			msgs++;
		}
		close(fd);
	}
out:
	free(buf);
	free(m);
	return NULL;
}

/*
 * A child in a new namespace: a config with a tunnel port (so the module
 * opens a socket there), a few sites and routes, a dump left unread; then
 * exit, which destroys the namespace with all of it in place.
 */
static void netns_child(uint64_t seed)
{
	struct rng r = { .s = seed | 1 };
	struct msg *m = malloc(sizeof(*m));
	int fd, i, n;

	if (!m || unshare(CLONE_NEWNET) < 0)
		_exit(2);
	fd = nl_open();
	if (fd < 0)
		_exit(3);
	n = 5 + (int)below(&r, 20);
	for (i = 0; i < n; i++) {
		static const uint8_t cmds[] = {
			IVGMP_CMD_SET_CONFIG, IVGMP_CMD_NEW_SITE,
			IVGMP_CMD_NEW_ROUTE, IVGMP_CMD_NEW_ROUTE,
			IVGMP_CMD_SET_SITE, IVGMP_CMD_SET_ROUTE,
		};
		const struct op *o = op_find(cmds[below(&r, sizeof(cmds))]);
		uint32_t seq = next_seq();

		if (!o)
			continue;
		gen_msg(&r, m, o, seq, false);
		if (!nl_send(fd, m->b, m->len) && chance(&r, 70))
			nl_wait(fd, seq, fam.id, NULL, NULL, "netns");
	}
	hdr(m, fam.id, NLM_F_REQUEST | NLM_F_DUMP, next_seq(),
	    chance(&r, 50) ? IVGMP_CMD_GET_ROUTE : IVGMP_CMD_GET_SITE);
	finish(m);
	nl_send(fd, m->b, m->len);
	_exit(0);
}

static void *netns_loop(void *arg)
{
	struct rng r = { .s = (uint64_t)(uintptr_t)arg | 1 };

	while (!stop) {
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			fail("fork: %s", strerror(errno));
			break;
		}
		if (!pid)
			netns_child(rnd(&r));
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fail("namespace child: status %#x", status);
			break;
		}
		atomic_fetch_add(&n_netns, 1);
		/* namespace teardown is slow under TCG: do not outrun it */
		usleep(200000);
	}
	return NULL;
}

static int phase_concurrent(uint64_t seed, unsigned int seconds,
			    unsigned int netns)
{
	pthread_t th[8];
	unsigned int n = 0, i;
	struct rng r = { .s = seed ^ 0x9e3779b97f4a7c15ULL };

	for (i = 0; i < 2; i++)
		pthread_create(&th[n++], NULL, writer, (void *)(uintptr_t)rnd(&r));
	for (i = 0; i < 2; i++)
		pthread_create(&th[n++], NULL, dumper, (void *)(uintptr_t)rnd(&r));
	for (i = 0; i < netns; i++)
		pthread_create(&th[n++], NULL, netns_loop, (void *)(uintptr_t)rnd(&r));
	for (i = 0; i < seconds * 10 && !n_fail; i++)
		usleep(100000);
	stop = true;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return n_fail ? -1 : 0;
}

/* ---- main ---- */

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--seed N] [--messages N] [--seconds S] "
		"[--netns N] [--family NAME] [--verbose]\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "messages", required_argument, NULL, 'm' },
		{ "seconds", required_argument, NULL, 't' },
		{ "netns", required_argument, NULL, 'n' },
		{ "family", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long messages = 2000;
	unsigned int seconds = 20, netns = 1;
	uint64_t seed;
	struct timespec ts;
	int c, fd;

	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^
	       (uint64_t)getpid() << 32;
	while ((c = getopt_long(argc, argv, "s:m:t:n:f:vh", opts, NULL)) != -1) {
		char *end;

		errno = 0;
		switch (c) {
		case 's': seed = strtoull(optarg, &end, 0); break;
		case 'm': messages = strtoul(optarg, &end, 0); break;
		case 't': seconds = (unsigned int)strtoul(optarg, &end, 0); break;
		case 'n': netns = (unsigned int)strtoul(optarg, &end, 0); break;
		case 'f': fam.name = optarg; end = optarg + strlen(optarg); break;
		case 'v': verbose = 1; end = ""; break;
		default: usage(argv[0]);
		}
		if (errno || *end || netns > 4)
			usage(argv[0]);
	}
	if (optind != argc)
		usage(argv[0]);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	note("seed %" PRIu64 " (repeat phase 1 with --seed %" PRIu64 ")", seed, seed);

	fd = nl_open();
	if (fd < 0) {
		fail("socket: %s", strerror(errno));
		return 1;
	}
	if (family_read(fd) < 0)
		return 1;
	close(fd);

	if (phase_sequential(seed, messages) == 0)
		printf("PASS: nlfuzz: %lu hostile messages, every reply well formed, "
		       "the family answered after each, %lu accepted NEWs read back\n",
		       messages, (unsigned long)n_readback);
	if (!n_fail && seconds) {
		unsigned long before = n_sent;

		if (phase_concurrent(seed, seconds, netns) == 0)
			printf("PASS: nlfuzz: %u s of writers against dumpers, "
			       "%lu messages, %lu dumps, %lu namespaces destroyed "
			       "mid-operation\n", seconds,
			       (unsigned long)n_sent - before,
			       (unsigned long)n_dumps, (unsigned long)n_netns);
	}
	note("%lu messages sent (%lu accepted, %lu rejected, %lu unanswered by "
	     "design), %lu NEWs read back, %lu dumps (%lu messages), %lu "
	     "namespaces", (unsigned long)n_sent, (unsigned long)n_acked,
	     (unsigned long)n_rejected, (unsigned long)n_unanswered,
	     (unsigned long)n_readback, (unsigned long)n_dumps,
	     (unsigned long)n_dump_msgs, (unsigned long)n_netns);
	return n_fail ? 1 : 0;
}
