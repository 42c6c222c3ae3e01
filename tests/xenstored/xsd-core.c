/* xsd-core.c: the test xenstore server's state, its client connections, the
 * framing of xs_wire.h messages and the dispatch of each request to its op. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

/* As in xenstored's table: who may send a request, and whether its tx_id
 * names a transaction (unknown ids are ENOENT even where unused). */
#define OP_PRIV 1u  /* dom0 only: EACCES for guests */
#define OP_NOTID 2u /* tx_id ignored */
#define OP_TX 4u    /* acts inside the transaction */

struct xsd_op {
	int (*fn)(struct xsd_req *r);
	unsigned flags;
};

static const struct xsd_op ops[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { xsd_op_control, OP_PRIV },
	[XS_DIRECTORY] = { xsd_op_directory, OP_TX },
	[XS_READ] = { xsd_op_read, OP_TX },
	[XS_GET_PERMS] = { xsd_op_get_perms, OP_TX },
	[XS_WATCH] = { xsd_op_watch, OP_NOTID },
	[XS_UNWATCH] = { xsd_op_unwatch, OP_NOTID },
	[XS_TRANSACTION_START] = { xsd_op_transaction_start, 0 },
	[XS_TRANSACTION_END] = { xsd_op_transaction_end, 0 },
	[XS_INTRODUCE] = { xsd_op_introduce, OP_PRIV },
	[XS_RELEASE] = { xsd_op_release, OP_PRIV },
	[XS_GET_DOMAIN_PATH] = { xsd_op_get_domain_path, 0 },
	[XS_WRITE] = { xsd_op_write, OP_TX },
	[XS_MKDIR] = { xsd_op_mkdir, OP_TX },
	[XS_RM] = { xsd_op_rm, OP_TX },
	[XS_SET_PERMS] = { xsd_op_set_perms, OP_TX },
	[XS_IS_DOMAIN_INTRODUCED] = { xsd_op_is_domain_introduced, OP_PRIV },
	[XS_RESUME] = { xsd_op_resume, OP_PRIV },
	[XS_SET_TARGET] = { xsd_op_set_target, OP_PRIV },
	[XS_RESET_WATCHES] = { xsd_op_reset_watches, 0 },
	[XS_DIRECTORY_PART] = { xsd_op_directory_part, OP_TX },
};

void xsd_log(const struct xsd_server *s, const char *fmt, ...)
{
	va_list ap;

	if (!s->verbose)
		return;
	va_start(ap, fmt);
	fputs("xsd: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* The store xenstored starts with: a root only dom0 may use, and /tool. */
static struct xsd_node *initial_tree(void)
{
	struct xsd_perm dom0 = { 0, 0 };
	struct xsd_perms perms = { &dom0, 1 };
	struct xsd_node *root = xsd_node_new("", 0, &perms);
	struct xsd_node *tool = xsd_node_new("tool", 4, &perms);
	struct xsd_node *xsd = xsd_node_new("xenstored", 9, &perms);

	if (!root || !tool || !xsd || xsd_node_adopt(tool, xsd, 0) != 0) {
		xsd_node_free(xsd);
		goto fail;
	}
	if (xsd_node_adopt(root, tool, 0) != 0)
		goto fail;
	return root;
fail:
	xsd_node_free(tool);
	xsd_node_free(root);
	return NULL;
}

struct xsd_server *xsd_server_new(void)
{
	struct xsd_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->root = initial_tree();
	if (!s->root) {
		free(s);
		return NULL;
	}
	return s;
}

void xsd_server_free(struct xsd_server *s)
{
	if (!s)
		return;
	while (s->conns)
		xsd_conn_free(s->conns);
	xsd_node_free(s->root);
	free(s->doms);
	free(s);
}

/* Every connection starts as dom0, as a local socket client of xenstored is. */
struct xsd_conn *xsd_conn_new(struct xsd_server *s, int fd)
{
	struct xsd_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->srv = s;
	c->fd = fd;
	c->privileged = true;
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	return c;
}

void xsd_conn_free(struct xsd_conn *c)
{
	if (!c)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	xsd_watches_free(c);
	xsd_txs_free(c);
	xsd_buf_free(&c->out);
	free(c);
}

void xsd_conn_consume(struct xsd_conn *c, size_t n)
{
	if (n >= c->out.len) {
		c->out.len = 0;
		return;
	}
	memmove(c->out.data, c->out.data + n, c->out.len - n);
	c->out.len -= n;
}

static void queue(struct xsd_conn *c, const struct xsd_sockmsg *h,
		  const void *data)
{
	if (c->dead)
		return;
	if (xsd_buf_add(&c->out, h, sizeof(*h)) != 0 ||
	    xsd_buf_add(&c->out, data, h->len) != 0 ||
	    c->out.len > XSD_MAX_OUTPUT) {
		xsd_log(c->srv, "client %d: output over limit, closing", c->fd);
		c->dead = true;
	}
}

static const char *error_name(int err)
{
	for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			return xsd_errors[i].errstring;
	return "EINVAL";
}

static void reply_error(struct xsd_req *r, int err)
{
	const char *name = error_name(err);
	struct xsd_sockmsg h = { XS_ERROR, r->hdr.req_id, r->hdr.tx_id,
				 (uint32_t)strlen(name) + 1 };

	queue(r->conn, &h, name);
}

void xsd_reply(struct xsd_req *r, uint32_t type, const void *data, size_t len)
{
	struct xsd_sockmsg h = { type, r->hdr.req_id, r->hdr.tx_id,
				 (uint32_t)len };

	if (r->replay)
		return;
	if (len > XENSTORE_PAYLOAD_MAX) {
		reply_error(r, E2BIG);
		return;
	}
	queue(r->conn, &h, data);
}

void xsd_reply_string(struct xsd_req *r, const char *s)
{
	xsd_reply(r, r->hdr.type, s, strlen(s) + 1);
}

void xsd_reply_ok(struct xsd_req *r)
{
	xsd_reply_string(r, "OK");
}

void xsd_send_event(struct xsd_conn *c, const char *path, const char *token)
{
	size_t plen = strlen(path) + 1, tlen = strlen(token) + 1;
	struct xsd_sockmsg h = { XS_WATCH_EVENT, 0, 0, (uint32_t)(plen + tlen) };
	char body[XENSTORE_PAYLOAD_MAX];

	/* A long token on a deep path cannot travel: libxenstore would
	 * drop the whole connection, so only this event is lost. */
	if (plen + tlen > sizeof(body)) {
		xsd_log(c->srv, "client %d: event on %s too long, dropped",
			c->fd, path);
		return;
	}
	memcpy(body, path, plen);
	memcpy(body + plen, token, tlen);
	queue(c, &h, body);
}

static void process(struct xsd_conn *c)
{
	struct xsd_req r = { .srv = c->srv, .conn = c,
			     .body = (const char *)c->body };
	const struct xsd_op *op = NULL;
	int rc;

	memcpy(&r.hdr, c->hdr, sizeof(r.hdr));
	r.len = r.hdr.len;
	if (r.hdr.type < XS_TYPE_COUNT) {
		op = &ops[r.hdr.type];
		c->nreq[r.hdr.type]++;
	}
	if (!op || !op->fn) {
		xsd_log(c->srv, "client %d: unknown type %u", c->fd, r.hdr.type);
		reply_error(&r, ENOSYS);
		return;
	}
	if ((op->flags & OP_PRIV) && !c->privileged) {
		reply_error(&r, EACCES);
		return;
	}
	if (c->srv->fail[r.hdr.type]) {
		reply_error(&r, c->srv->fail[r.hdr.type]);
		return;
	}
	if (!(op->flags & OP_NOTID) && r.hdr.tx_id != 0) {
		r.tx = xsd_tx_find(c, r.hdr.tx_id);
		if (!r.tx) {
			reply_error(&r, ENOENT);
			return;
		}
	}
	if (!(op->flags & OP_TX))
		r.tx = NULL;
	rc = op->fn(&r);
	if (rc < 0)
		reply_error(&r, -rc);
}

static uint32_t body_len(const struct xsd_conn *c)
{
	struct xsd_sockmsg h;

	memcpy(&h, c->hdr, sizeof(h));
	return h.len;
}

/* Takes bytes as they come off the socket, in any split; -EPIPE: close. */
int xsd_conn_feed(struct xsd_conn *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	const size_t hlen = sizeof(c->hdr);

	while (len && !c->dead) {
		size_t n;

		if (c->have < hlen) {
			n = hlen - c->have < len ? hlen - c->have : len;
			memcpy(c->hdr + c->have, p, n);
		} else {
			size_t want = hlen + body_len(c) - c->have;

			n = want < len ? want : len;
			memcpy(c->body + (c->have - hlen), p, n);
		}
		c->have += n;
		p += n;
		len -= n;
		if (c->have < hlen)
			continue;
		/* As xenstored does: a client breaking the size limit is gone. */
		if (body_len(c) > XENSTORE_PAYLOAD_MAX) {
			xsd_log(c->srv, "client %d: payload of %u bytes, closing",
				c->fd, body_len(c));
			c->dead = true;
		} else if (c->have == hlen + body_len(c)) {
			process(c);
			c->have = 0;
		}
	}
	return c->dead ? -EPIPE : 0;
}
