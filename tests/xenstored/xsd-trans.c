/* xsd-trans.c: the test xenstore server's transactions, as xenstored keeps
 * them: a copy of each node touched, by path; EAGAIN at commit if one changed. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static void entry_free(struct xsd_txnode *e)
{
	free(e->path);
	free(e->node.value);
	free(e->node.perms.p);
	xsd_buf_free(&e->kids);
	free(e);
}

static void tx_free(struct xsd_tx *tx)
{
	for (size_t i = 0; i < tx->nslots; i++)
		if (tx->slots[i])
			entry_free(tx->slots[i]);
	free(tx->slots);
	for (size_t i = 0; i < tx->nops; i++)
		free(tx->ops[i].body);
	free(tx->ops);
	free(tx);
}

void xsd_txs_free(struct xsd_conn *c)
{
	while (c->txs) {
		struct xsd_tx *tx = c->txs;

		c->txs = tx->next;
		tx_free(tx);
	}
	c->ntxs = 0;
}

struct xsd_tx *xsd_tx_find(struct xsd_conn *c, uint32_t id)
{
	for (struct xsd_tx *tx = c->txs; tx; tx = tx->next)
		if (tx->id == id)
			return tx;
	return NULL;
}

static bool id_in_use(const struct xsd_server *s, uint32_t id)
{
	for (const struct xsd_conn *c = s->conns; c; c = c->next)
		for (const struct xsd_tx *tx = c->txs; tx; tx = tx->next)
			if (tx->id == id)
				return true;
	return false;
}

static uint32_t next_id(struct xsd_server *s)
{
	do
		s->last_tx++;
	while (s->last_tx == 0 || id_in_use(s, s->last_tx));
	return s->last_tx;
}

int xsd_op_transaction_start(struct xsd_req *r)
{
	struct xsd_conn *c = r->conn;
	struct xsd_tx *tx;
	char id[16];

	if (r->hdr.tx_id != 0)
		return -EBUSY;
	if (c->ntxs >= XSD_MAX_TRANSACTIONS)
		return -ENOSPC;
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return -ENOMEM;
	tx->id = next_id(r->srv);
	tx->next = c->txs;
	c->txs = tx;
	c->ntxs++;
	snprintf(id, sizeof(id), "%u", tx->id);
	xsd_reply_string(r, id);
	return 0;
}

/* ---- the table of touched nodes ---- */

static size_t hash(const char *p, size_t len)
{
	size_t h = 14695981039346656037ull & SIZE_MAX;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * (1099511628211ull & SIZE_MAX);
	return h;
}

/* The slot of path[0..len): its entry, or the empty slot it would take. */
static struct xsd_txnode **slot(const struct xsd_tx *tx, const char *path,
				size_t len)
{
	size_t mask = tx->nslots - 1;

	for (size_t i = hash(path, len) & mask;; i = (i + 1) & mask) {
		struct xsd_txnode **s = &tx->slots[i];

		if (!*s || ((*s)->plen == len && !memcmp((*s)->path, path, len)))
			return s;
	}
}

static struct xsd_txnode *find(const struct xsd_tx *tx, const char *path,
			       size_t len)
{
	return tx->nslots ? *slot(tx, path, len) : NULL;
}

/* At most half full, so a probe always ends on an empty slot. */
static int grow(struct xsd_tx *tx)
{
	size_t n = tx->nslots ? tx->nslots * 2 : 16;
	struct xsd_txnode **old = tx->slots;
	size_t nold = tx->nslots;

	if (2 * (tx->nused + 1) <= tx->nslots)
		return 0;
	tx->slots = calloc(n, sizeof(*tx->slots));
	if (!tx->slots) {
		tx->slots = old;
		return -ENOMEM;
	}
	tx->nslots = n;
	for (size_t i = 0; i < nold; i++)
		if (old[i])
			*slot(tx, old[i]->path, old[i]->plen) = old[i];
	free(old);
	return 0;
}

static struct xsd_txnode *entry_new(struct xsd_tx *tx, const char *path,
				    size_t len)
{
	struct xsd_txnode *e;

	if (grow(tx) != 0 || !(e = calloc(1, sizeof(*e))))
		return NULL;
	e->path = strndup(path, len);
	if (!e->path) {
		free(e);
		return NULL;
	}
	e->plen = len;
	*slot(tx, path, len) = e;
	tx->nused++;
	return e;
}

/* Whether the transaction's view has path missing whatever the store says:
 * below a node missing to it, or below one it made or removed (nothing of
 * the store's is below those) unless only missing ones count. */
static bool hidden(const struct xsd_tx *tx, const char *path, bool only_missing)
{
	for (size_t len = strlen(path); len > 1;) {
		const struct xsd_txnode *e;

		while (len > 1 && path[len - 1] != '/')
			len--;
		len = len > 1 ? len - 1 : 1;	/* the parent; "/" last */
		e = find(tx, path, len);
		if (e && (!e->present || (e->own && !only_missing)))
			return true;
	}
	return false;
}

static int copy_node(struct xsd_txnode *e, const struct xsd_node *n)
{
	int rc = xsd_perms_copy(&e->node.perms, &n->perms);

	if (rc == 0)
		rc = xsd_node_set_value(&e->node, n->value, n->len);
	for (size_t i = 0; rc == 0 && i < n->nkids; i++)
		rc = xsd_buf_add(&e->kids, n->kids[i]->name,
				 strlen(n->kids[i]->name) + 1);
	e->node.gen = n->gen;
	e->present = true;
	return rc;
}

/* The node at path as the transaction sees it (NULL: missing); its first
 * look at a node the store decides is remembered for the commit. */
int xsd_tx_get(struct xsd_tx *tx, struct xsd_node *root, const char *path,
	       struct xsd_node **out)
{
	size_t len = strlen(path);
	struct xsd_txnode *e = find(tx, path, len);

	if (!e) {
		const struct xsd_node *n = NULL;

		if (!(e = entry_new(tx, path, len)))
			return -ENOMEM;
		if (!hidden(tx, path, false)) {
			n = xsd_tree_lookup(root, path);
			e->recorded = true;
			e->existed = n != NULL;
			e->gen = n ? n->gen : 0;
		}
		if (n && copy_node(e, n) != 0)
			return -ENOMEM;
	}
	*out = e->present ? &e->node : NULL;
	return 0;
}

static struct xsd_txnode *entry_of(const struct xsd_node *n)
{
	return (struct xsd_txnode *)((const char *)n -
				     offsetof(struct xsd_txnode, node));
}

/* A node made at path[0..len) (which the transaction has looked at and
 * found missing) below parent, with the parent's permissions. */
struct xsd_node *xsd_tx_add(struct xsd_tx *tx, struct xsd_node *parent,
			    const char *path, size_t len, uint64_t gen)
{
	struct xsd_txnode *p = entry_of(parent);
	struct xsd_txnode *e = find(tx, path, len);
	const char *name = path + p->plen + (p->plen > 1);

	if (!e && !(e = entry_new(tx, path, len)))
		return NULL;
	if (xsd_perms_copy(&e->node.perms, &parent->perms) != 0 ||
	    xsd_buf_add(&p->kids, name, len - (size_t)(name - path)) != 0 ||
	    xsd_buf_add(&p->kids, "", 1) != 0)
		return NULL;
	xsd_node_set_value(&e->node, NULL, 0);
	xsd_buf_free(&e->kids);
	e->present = e->own = true;
	e->node.gen = gen;
	parent->gen = gen;
	return &e->node;
}

static void forget_node(struct xsd_txnode *e)
{
	free(e->node.value);
	free(e->node.perms.p);
	e->node = (struct xsd_node){ 0 };
	xsd_buf_free(&e->kids);
	e->present = false;
}

static void drop_name(struct xsd_buf *kids, const char *name, size_t len)
{
	for (size_t off = 0; off < kids->len;) {
		size_t n = strlen((char *)kids->data + off) + 1;

		if (n == len + 1 && !memcmp(kids->data + off, name, len)) {
			memmove(kids->data + off, kids->data + off + n,
				kids->len - off - n);
			kids->len -= n;
			return;
		}
		off += n;
	}
}

/* Removes path and all below it from the transaction's view; its parent,
 * looked at before, loses a child. */
void xsd_tx_remove(struct xsd_tx *tx, const char *path, uint64_t gen)
{
	size_t len = strlen(path), plen = len;
	struct xsd_txnode *e = find(tx, path, len), *p;

	for (size_t i = 0; i < tx->nslots; i++) {
		struct xsd_txnode *d = tx->slots[i];

		if (d && d->plen > len && d->path[len] == '/' &&
		    !memcmp(d->path, path, len))
			forget_node(d);
	}
	if (e) {
		forget_node(e);
		e->own = true;
	}
	while (plen > 1 && path[plen - 1] != '/')
		plen--;
	p = find(tx, path, plen > 1 ? plen - 1 : 1);
	if (p && p->present) {
		drop_name(&p->kids, path + plen, len - plen);
		p->node.gen = gen;
	}
}

int xsd_tx_kid_names(const struct xsd_node *n, struct xsd_buf *b)
{
	const struct xsd_txnode *e = entry_of(n);

	return xsd_buf_add(b, e->kids.data, e->kids.len);
}

/* The view is sound: each present node has an owner and a list of names
 * that ends with one, and nothing present lies below a missing node. */
bool xsd_tx_check(const struct xsd_tx *tx)
{
	for (size_t i = 0; i < tx->nslots; i++) {
		const struct xsd_txnode *e = tx->slots[i];

		if (!e)
			continue;
		if (e->plen != strlen(e->path) || e->path[0] != '/')
			return false;
		if (!e->present)
			continue;
		if (e->node.perms.n == 0 || (e->node.len && !e->node.value) ||
		    (e->kids.len && e->kids.data[e->kids.len - 1] != '\0') ||
		    hidden(tx, e->path, true))
			return false;
	}
	return true;
}

int xsd_tx_log(struct xsd_req *r)
{
	struct xsd_tx *tx = r->tx;
	struct xsd_txop *op;

	if (tx->nops == tx->capops) {
		size_t cap = tx->capops ? tx->capops * 2 : 8;

		op = realloc(tx->ops, cap * sizeof(*op));
		if (!op)
			return -ENOMEM;
		tx->ops = op;
		tx->capops = cap;
	}
	op = &tx->ops[tx->nops];
	op->body = malloc(r->len + 1);
	if (!op->body)
		return -ENOMEM;
	memcpy(op->body, r->body, r->len);
	op->type = r->hdr.type;
	op->len = r->len;
	tx->nops++;
	return 0;
}

/* xenstored's rule: any change, since the transaction first looked at it,
 * to a node it read or wrote (or found missing) means EAGAIN. */
static bool conflicts(const struct xsd_server *s, const struct xsd_tx *tx)
{
	for (size_t i = 0; i < tx->nslots; i++) {
		const struct xsd_txnode *a = tx->slots[i];
		const struct xsd_node *n;

		if (!a || !a->recorded)
			continue;
		n = xsd_tree_lookup(s->root, a->path);
		if ((n != NULL) != a->existed || (n && n->gen != a->gen))
			return true;
	}
	return false;
}

static int replay_one(struct xsd_req *r)
{
	switch (r->hdr.type) {
	case XS_WRITE: return xsd_op_write(r);
	case XS_MKDIR: return xsd_op_mkdir(r);
	case XS_RM: return xsd_op_rm(r);
	case XS_SET_PERMS: return xsd_op_set_perms(r);
	default: return -EINVAL;
	}
}

/* Nothing the transaction looked at changed, so its changes, made again on
 * the store in order, do what they did in its view, and fire the watches. */
static void replay(struct xsd_req *end, const struct xsd_tx *tx)
{
	for (size_t i = 0; i < tx->nops; i++) {
		struct xsd_req r = {
			.srv = end->srv, .conn = end->conn,
			.hdr = { tx->ops[i].type, 0, 0, (uint32_t)tx->ops[i].len },
			.body = tx->ops[i].body, .len = tx->ops[i].len,
			.replay = true,
		};

		if (replay_one(&r) != 0)
			xsd_log(end->srv, "transaction %u: change %zu failed "
				"on commit", tx->id, i);
	}
}

int xsd_op_transaction_end(struct xsd_req *r)
{
	struct xsd_tx **p, *tx;
	const char *arg;
	int rc = 0;

	if (!xsd_one_arg(r, &arg) || (strcmp(arg, "T") && strcmp(arg, "F")))
		return -EINVAL;
	for (p = &r->conn->txs; *p && (*p)->id != r->hdr.tx_id; p = &(*p)->next)
		;
	tx = *p;
	if (!tx)
		return -ENOENT;
	*p = tx->next;
	r->conn->ntxs--;
	if (arg[0] == 'T') {
		if (conflicts(r->srv, tx))
			rc = -EAGAIN;
		else
			replay(r, tx);
	}
	tx_free(tx);
	if (rc == 0)
		xsd_reply_ok(r);
	return rc;
}
