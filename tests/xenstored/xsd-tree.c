/* xsd-tree.c: the test xenstore server's tree of nodes, each with a value, a
 * permission list and a generation count. */
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

int xsd_buf_add(struct xsd_buf *b, const void *data, size_t len)
{
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		unsigned char *p;

		while (cap - b->len < len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

void xsd_buf_free(struct xsd_buf *b)
{
	free(b->data);
	*b = (struct xsd_buf){ 0 };
}

int xsd_perms_copy(struct xsd_perms *dst, const struct xsd_perms *src)
{
	struct xsd_perm *p = malloc(src->n * sizeof(*p) + 1);

	if (!p)
		return -ENOMEM;
	if (src->n)
		memcpy(p, src->p, src->n * sizeof(*p));
	free(dst->p);
	dst->p = p;
	dst->n = src->n;
	return 0;
}

struct xsd_node *xsd_node_new(const char *name, size_t namelen,
			      const struct xsd_perms *perms)
{
	struct xsd_node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strndup(name, namelen);
	if (!n->name || xsd_perms_copy(&n->perms, perms) != 0) {
		free(n->name);
		free(n);
		return NULL;
	}
	n->namelen = strlen(n->name);
	return n;
}

void xsd_node_free(struct xsd_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		xsd_node_free(n->kids[i]);
	free(n->kids);
	free(n->name);
	free(n->value);
	free(n->perms.p);
	free(n);
}

struct xsd_node *xsd_node_child(const struct xsd_node *n, const char *name,
				size_t len)
{
	/* Linear, as the kids keep xenstored's listing order; without a
	 * strlen per kid, so that /local/domain with a thousand guests does
	 * not cost the benchmark's xenstore more than svirtd. */
	for (size_t i = 0; i < n->nkids; i++)
		if (n->kids[i]->namelen == len &&
		    memcmp(n->kids[i]->name, name, len) == 0)
			return n->kids[i];
	return NULL;
}

int xsd_node_adopt(struct xsd_node *parent, struct xsd_node *kid, uint64_t gen)
{
	if (parent->nkids == parent->capkids) {
		size_t cap = parent->capkids ? parent->capkids * 2 : 4;
		struct xsd_node **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k)
			return -ENOMEM;
		parent->kids = k;
		parent->capkids = cap;
	}
	parent->kids[parent->nkids++] = kid;
	kid->parent = parent;
	/* A directory read in a transaction must see a new child as a change. */
	parent->gen = gen;
	return 0;
}

void xsd_node_orphan(struct xsd_node *kid, uint64_t gen)
{
	struct xsd_node *parent = kid->parent;

	if (!parent)
		return;
	for (size_t i = 0; i < parent->nkids; i++) {
		if (parent->kids[i] != kid)
			continue;
		memmove(&parent->kids[i], &parent->kids[i + 1],
			(parent->nkids - i - 1) * sizeof(*parent->kids));
		parent->nkids--;
		break;
	}
	parent->gen = gen;
	kid->parent = NULL;
}

int xsd_node_set_value(struct xsd_node *n, const void *data, size_t len)
{
	unsigned char *v = NULL;

	if (len) {
		v = malloc(len);
		if (!v)
			return -ENOMEM;
		memcpy(v, data, len);
	}
	free(n->value);
	n->value = v;
	n->len = len;
	return 0;
}

struct xsd_node *xsd_tree_lookup(struct xsd_node *root, const char *path)
{
	struct xsd_node *n = root;
	const char *p = path;

	if (path[0] != '/')
		return NULL;
	while (n && *p == '/' && p[1]) {
		const char *end = strchr(p + 1, '/');
		size_t len = end ? (size_t)(end - p - 1) : strlen(p + 1);

		n = xsd_node_child(n, p + 1, len);
		p += len + 1;
	}
	return n;
}

static bool names_unique(const struct xsd_node *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		for (size_t j = i + 1; j < n->nkids; j++)
			if (strcmp(n->kids[i]->name, n->kids[j]->name) == 0)
				return false;
	return true;
}

bool xsd_tree_check(const struct xsd_node *n)
{
	if (n->perms.n == 0 || (n->len && !n->value) || !names_unique(n))
		return false;
	for (size_t i = 0; i < n->nkids; i++) {
		const struct xsd_node *kid = n->kids[i];

		if (kid->parent != n || !kid->name[0] || strchr(kid->name, '/') ||
		    !xsd_tree_check(kid))
			return false;
	}
	return true;
}
