/* xsd-trans.c: the test xenstore server's transactions: a private copy of the
 * store, committed by replaying its changes unless a node it touched changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static void tx_free(struct xsd_tx *tx)
{
	xsd_node_free(tx->root);
	for (size_t i = 0; i < tx->nacc; i++)
		free(tx->acc[i].path);
	free(tx->acc);
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
	tx->root = xsd_node_clone(r->srv->root);
	if (!tx->root) {
		free(tx);
		return -ENOMEM;
	}
	tx->id = next_id(r->srv);
	tx->next = c->txs;
	c->txs = tx;
	c->ntxs++;
	snprintf(id, sizeof(id), "%u", tx->id);
	xsd_reply_string(r, id);
	return 0;
}

int xsd_tx_touch(struct xsd_tx *tx, const char *path, const struct xsd_node *n)
{
	struct xsd_access *a;

	for (size_t i = 0; i < tx->nacc; i++)
		if (strcmp(tx->acc[i].path, path) == 0)
			return 0;
	if (tx->nacc == tx->capacc) {
		size_t cap = tx->capacc ? tx->capacc * 2 : 16;

		a = realloc(tx->acc, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		tx->acc = a;
		tx->capacc = cap;
	}
	a = &tx->acc[tx->nacc];
	a->path = strdup(path);
	if (!a->path)
		return -ENOMEM;
	a->existed = n != NULL;
	a->gen = n ? n->gen : 0;
	tx->nacc++;
	return 0;
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

/* The simple rule of xenstored's docs: any change, since the transaction
 * began, to a node it read or wrote (or found missing) means EAGAIN. */
static bool conflicts(const struct xsd_server *s, const struct xsd_tx *tx)
{
	for (size_t i = 0; i < tx->nacc; i++) {
		const struct xsd_access *a = &tx->acc[i];
		const struct xsd_node *n = xsd_tree_lookup(s->root, a->path);

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
 * the store in order, do what they did on its copy, and fire the watches. */
static void replay(struct xsd_req *end, const struct xsd_tx *tx)
{
	for (size_t i = 0; i < tx->nops; i++) {
		struct xsd_req r = {
			.srv = end->srv, .conn = end->conn,
			.hdr = { tx->ops[i].type, 0, 0, (uint32_t)tx->ops[i].len },
			.body = tx->ops[i].body, .len = tx->ops[i].len,
			.root = &end->srv->root, .replay = true,
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
