/* xsd-ops.c: the test xenstore server's requests on nodes (read, write, mkdir,
 * rm, directory, permissions), with xenstored's permission rules. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

/* In a transaction, the node as it sees it (its first look at one is
 * remembered for the commit); else the store's. */
static int lookup(struct xsd_req *r, const char *path, struct xsd_node **out)
{
	if (r->tx)
		return xsd_tx_get(r->tx, r->srv->root, path, out);
	*out = xsd_tree_lookup(r->srv->root, path);
	return 0;
}

static bool allowed(const struct xsd_req *r, const struct xsd_node *n,
		    unsigned want)
{
	return r->replay ||
	       (xsd_perm_for(r->srv, r->conn, &n->perms) & want) == want;
}

static bool owns(const struct xsd_req *r, const struct xsd_node *n)
{
	const struct xsd_domain *d = xsd_domain_find(r->srv, r->conn->domid);
	uint32_t owner = n->perms.p[0].domid;

	return r->replay || r->conn->privileged || owner == r->conn->domid ||
	       (d && owner == d->target);
}

/* The closest existing ancestor of a missing path (the root at worst), and
 * the length of its path (0 for the root). */
static int nearest(struct xsd_req *r, const char *path, struct xsd_node **out,
		   size_t *len)
{
	char *p = strdup(path);
	struct xsd_node *n = NULL;
	int rc = p ? 0 : -ENOMEM;

	while (rc == 0 && !n) {
		char *slash = strrchr(p, '/');

		if (!slash || slash == p)
			p[1] = '\0';
		else
			*slash = '\0';
		rc = lookup(r, p, &n);
	}
	if (rc == 0) {
		*out = n;
		*len = p[1] ? strlen(p) : 0;
	}
	free(p);
	return rc;
}

/* As xenstored: a client learns a node is missing only where it may look. */
static int get_node(struct xsd_req *r, const char *path, unsigned want,
		    struct xsd_node **out)
{
	struct xsd_node *n;
	int rc = lookup(r, path, &n);

	if (rc != 0)
		return rc;
	if (!n) {
		size_t len;

		rc = nearest(r, path, &n, &len);
		if (rc != 0)
			return rc;
		return allowed(r, n, want) ? -ENOENT : -EACCES;
	}
	if (!allowed(r, n, want))
		return -EACCES;
	*out = n;
	return 0;
}

static int path_arg(struct xsd_req *r, char **path)
{
	const char *arg;

	if (!xsd_one_arg(r, &arg))
		return -EINVAL;
	return xsd_path_canonical(r->conn, arg, false, path);
}

/* A change is seen by watchers at once, or when its transaction commits. */
static int changed(struct xsd_req *r, const char *path,
		   const struct xsd_perms *perms, bool subtree_gone)
{
	if (r->tx)
		return xsd_tx_log(r);
	xsd_fire(r->srv, path, perms, subtree_gone);
	return 0;
}

/* The node path[0..len) whose last name starts at name, below parent. */
static struct xsd_node *new_kid(struct xsd_req *r, struct xsd_node *parent,
				const char *path, const char *name, size_t len)
{
	uint64_t gen = ++r->srv->gen;
	struct xsd_node *kid;

	if (r->tx) {
		kid = xsd_tx_add(r->tx, parent, path, len, gen);
	} else {
		kid = xsd_node_new(name, len - (size_t)(name - path),
				   &parent->perms);
		if (kid && xsd_node_adopt(parent, kid, gen) != 0) {
			xsd_node_free(kid);
			kid = NULL;
		}
	}
	if (!kid)
		return NULL;
	/* Guests own what they create; dom0's nodes keep the parent's owner. */
	if (!r->conn->privileged)
		kid->perms.p[0].domid = r->conn->domid;
	kid->gen = gen;
	return kid;
}

/* Creates a missing path and its missing parents, with empty values. */
static int create(struct xsd_req *r, const char *path, struct xsd_node **out)
{
	struct xsd_node *n;
	size_t off;
	int rc = nearest(r, path, &n, &off);

	if (rc != 0)
		return rc;
	if (!allowed(r, n, XSD_PERM_WRITE))
		return -EACCES;
	while (path[off] == '/' && path[off + 1]) {
		const char *name = path + off + 1;
		const char *end = strchr(name, '/');
		size_t len = end ? (size_t)(end - name) : strlen(name);

		n = new_kid(r, n, path, name, off + 1 + len);
		if (!n)
			return -ENOMEM;
		off += len + 1;
	}
	*out = n;
	return 0;
}

int xsd_op_read(struct xsd_req *r)
{
	char *path = NULL;
	struct xsd_node *n;
	int rc = path_arg(r, &path);

	if (rc == 0)
		rc = get_node(r, path, XSD_PERM_READ, &n);
	if (rc == 0)
		xsd_reply(r, XS_READ, n->value, n->len);
	free(path);
	return rc;
}

int xsd_op_write(struct xsd_req *r)
{
	const char *nul = memchr(r->body, '\0', r->len);
	const char *value;
	char *path = NULL;
	struct xsd_node *n;
	int rc;

	if (!nul)
		return -EINVAL;
	value = nul + 1;
	rc = xsd_path_canonical(r->conn, r->body, false, &path);
	if (rc == 0)
		rc = get_node(r, path, XSD_PERM_WRITE, &n);
	if (rc == -ENOENT)
		rc = create(r, path, &n);
	if (rc == 0)
		rc = xsd_node_set_value(n, value,
					r->len - (size_t)(value - r->body));
	if (rc == 0) {
		n->gen = ++r->srv->gen;
		rc = changed(r, path, &n->perms, false);
	}
	if (rc == 0)
		xsd_reply_ok(r);
	free(path);
	return rc;
}

int xsd_op_mkdir(struct xsd_req *r)
{
	char *path = NULL;
	struct xsd_node *n;
	int rc = path_arg(r, &path);

	if (rc == 0)
		rc = get_node(r, path, XSD_PERM_WRITE, &n);
	if (rc == -ENOENT) {
		rc = create(r, path, &n);
		if (rc == 0)
			rc = changed(r, path, &n->perms, false);
	}
	if (rc == 0)
		xsd_reply_ok(r);
	free(path);
	return rc;
}

static char *parent_of(const char *path)
{
	char *p = strdup(path);
	char *slash = p ? strrchr(p, '/') : NULL;

	if (slash == p && p)
		p[1] = '\0';
	else if (slash)
		*slash = '\0';
	return p;
}

/* Missing is fine, as long as the parent is there: xenstored's rule. */
static int rm_missing(struct xsd_req *r, const char *path)
{
	char *parent = parent_of(path);
	struct xsd_node *n = NULL;
	int rc = parent ? lookup(r, parent, &n) : -ENOMEM;

	free(parent);
	if (rc == 0 && !n)
		rc = -ENOENT;
	if (rc == 0)
		xsd_reply_ok(r);
	return rc;
}

static int rm_node(struct xsd_req *r, const char *path, struct xsd_node *n)
{
	struct xsd_perms perms = { 0 };
	char *parent = parent_of(path);
	struct xsd_node *p;
	int rc = parent ? 0 : -ENOMEM;

	/* Remember the parent as it was: losing a child changes it. */
	if (rc == 0)
		rc = lookup(r, parent, &p);
	if (rc == 0)
		rc = xsd_perms_copy(&perms, &n->perms);
	free(parent);
	if (rc != 0)
		return rc;
	if (r->tx) {
		xsd_tx_remove(r->tx, path, ++r->srv->gen);
	} else {
		xsd_node_orphan(n, ++r->srv->gen);
		xsd_node_free(n);
	}
	rc = changed(r, path, &perms, true);
	free(perms.p);
	if (rc == 0)
		xsd_reply_ok(r);
	return rc;
}

int xsd_op_rm(struct xsd_req *r)
{
	char *path = NULL;
	struct xsd_node *n;
	int rc = path_arg(r, &path);

	if (rc == 0)
		rc = get_node(r, path, XSD_PERM_WRITE, &n);
	if (rc == -ENOENT)
		rc = rm_missing(r, path);
	else if (rc == 0)
		rc = strcmp(path, "/") ? rm_node(r, path, n) : -EINVAL;
	free(path);
	return rc;
}

static int child_names(const struct xsd_req *r, const struct xsd_node *n,
		       struct xsd_buf *b)
{
	if (r->tx)
		return xsd_tx_kid_names(n, b);
	for (size_t i = 0; i < n->nkids; i++)
		if (xsd_buf_add(b, n->kids[i]->name,
				strlen(n->kids[i]->name) + 1) != 0)
			return -ENOMEM;
	return 0;
}

int xsd_op_directory(struct xsd_req *r)
{
	struct xsd_buf b = { 0 };
	char *path = NULL;
	struct xsd_node *n;
	int rc = path_arg(r, &path);

	if (rc == 0)
		rc = get_node(r, path, XSD_PERM_READ, &n);
	if (rc == 0)
		rc = child_names(r, n, &b);
	if (rc == 0)
		xsd_reply(r, XS_DIRECTORY, b.data, b.len);
	xsd_buf_free(&b);
	free(path);
	return rc;
}

static int parse_offset(const char *s, size_t *off)
{
	size_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > XENSTORE_PAYLOAD_MAX * 1024)
			return -EINVAL;
		v = v * 10 + (size_t)(*s - '0');
	}
	*off = v;
	return 0;
}

/* Whole names from off on, and the empty name that ends the list if it fits:
 * libxenstore reads "a name ended by two NULs" as the last part. */
static int directory_chunk(const struct xsd_req *r, const struct xsd_node *n,
			   size_t off, struct xsd_buf *b)
{
	struct xsd_buf all = { 0 };
	size_t end, room = XENSTORE_PAYLOAD_MAX - b->len;
	int rc = child_names(r, n, &all);

	if (rc == 0)
		rc = xsd_buf_add(&all, "", 1);
	if (rc != 0) {
		xsd_buf_free(&all);
		return rc;
	}
	/* Past the end, as xenstored: only the empty name that ends it. */
	if (off >= all.len)
		off = all.len - 1;
	for (end = off; end < all.len;) {
		size_t len = strlen((char *)all.data + end) + 1;

		if (end + len - off > room)
			break;
		end += len;
	}
	rc = xsd_buf_add(b, all.data + off, end - off);
	xsd_buf_free(&all);
	return rc;
}

int xsd_op_directory_part(struct xsd_req *r)
{
	const char *argv[2];
	struct xsd_buf b = { 0 };
	char *path = NULL, gen[32];
	struct xsd_node *n;
	size_t off;
	int rc;

	if (xsd_args(r, argv, 2) != 2 || parse_offset(argv[1], &off) != 0)
		return -EINVAL;
	rc = xsd_path_canonical(r->conn, argv[0], false, &path);
	if (rc == 0)
		rc = get_node(r, path, XSD_PERM_READ, &n);
	if (rc == 0) {
		snprintf(gen, sizeof(gen), "%" PRIu64, n->gen);
		rc = xsd_buf_add(&b, gen, strlen(gen) + 1);
	}
	if (rc == 0)
		rc = directory_chunk(r, n, off, &b);
	if (rc == 0)
		xsd_reply(r, XS_DIRECTORY_PART, b.data, b.len);
	xsd_buf_free(&b);
	free(path);
	return rc;
}

int xsd_op_get_perms(struct xsd_req *r)
{
	struct xsd_buf b = { 0 };
	char *path = NULL;
	struct xsd_node *n;
	int rc = path_arg(r, &path);

	if (rc == 0)
		rc = get_node(r, path, XSD_PERM_READ, &n);
	if (rc == 0)
		rc = xsd_perms_format(&n->perms, &b);
	if (rc == 0)
		xsd_reply(r, XS_GET_PERMS, b.data, b.len);
	xsd_buf_free(&b);
	free(path);
	return rc;
}

static int set_perms(struct xsd_req *r, const char *path, struct xsd_node *n,
		     struct xsd_perms *perms)
{
	if (!owns(r, n))
		return -EACCES;
	/* A guest may share its node, but not give it away. */
	if (!r->conn->privileged && !r->replay &&
	    perms->p[0].domid != n->perms.p[0].domid)
		return -EPERM;
	free(n->perms.p);
	n->perms = *perms;
	*perms = (struct xsd_perms){ 0 };
	n->gen = ++r->srv->gen;
	return changed(r, path, &n->perms, false);
}

int xsd_op_set_perms(struct xsd_req *r)
{
	const char *argv[1 + XSD_MAX_PERMS];
	struct xsd_perms perms = { 0 };
	unsigned argc = xsd_args(r, argv, 1 + XSD_MAX_PERMS);
	char *path = NULL;
	struct xsd_node *n;
	int rc;

	if (argc < 2 || xsd_perms_parse(argv + 1, argc - 1, &perms) != 0)
		return -EINVAL;
	rc = xsd_path_canonical(r->conn, argv[0], false, &path);
	if (rc == 0)
		rc = get_node(r, path, XSD_PERM_WRITE, &n);
	if (rc == 0)
		rc = set_perms(r, path, n, &perms);
	if (rc == 0)
		xsd_reply_ok(r);
	free(perms.p);
	free(path);
	return rc;
}
