/* xsd-watch.c: the test xenstore server's watches: registering them, the
 * event each fires at once, and the events that changes to the store fire. */
#include <stdlib.h>
#include <string.h>

#include "xsd.h"

static void watch_free(struct xsd_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

static struct xsd_watch **find(struct xsd_conn *c, const char *path,
			       const char *token)
{
	struct xsd_watch **w;

	for (w = &c->watches; *w; w = &(*w)->next)
		if (strcmp((*w)->path, path) == 0 &&
		    strcmp((*w)->token, token) == 0)
			return w;
	return NULL;
}

static int add_watch(struct xsd_conn *c, const char *arg, const char *token,
		     char *path)
{
	struct xsd_watch *w;

	if (find(c, path, token))
		return -EEXIST;
	if (c->nwatches >= XSD_MAX_WATCHES)
		return -E2BIG;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->token = strdup(token);
	if (!w->token) {
		free(w);
		return -ENOMEM;
	}
	w->path = path;
	/* Events of a relative watch come back relative, as xenstored's do. */
	w->strip = strlen(path) - strlen(arg);
	w->next = c->watches;
	c->watches = w;
	c->nwatches++;
	return 0;
}

int xsd_op_watch(struct xsd_req *r)
{
	const char *argv[2];
	char *path;
	int rc;

	if (xsd_args(r, argv, 2) != 2)
		return -EINVAL;
	rc = xsd_path_canonical(r->conn, argv[0], true, &path);
	if (rc != 0)
		return rc;
	rc = add_watch(r->conn, argv[0], argv[1], path);
	if (rc != 0) {
		free(path);
		return rc;
	}
	xsd_reply_ok(r);
	/* Every new watch fires once straight away. */
	xsd_send_event(r->conn, argv[0], argv[1]);
	return 0;
}

int xsd_op_unwatch(struct xsd_req *r)
{
	const char *argv[2];
	struct xsd_watch **w, *gone;
	char *path;
	int rc;

	if (xsd_args(r, argv, 2) != 2)
		return -EINVAL;
	rc = xsd_path_canonical(r->conn, argv[0], true, &path);
	if (rc != 0)
		return rc;
	w = find(r->conn, path, argv[1]);
	free(path);
	if (!w)
		return -ENOENT;
	gone = *w;
	*w = gone->next;
	watch_free(gone);
	r->conn->nwatches--;
	xsd_reply_ok(r);
	return 0;
}

void xsd_watches_free(struct xsd_conn *c)
{
	while (c->watches) {
		struct xsd_watch *w = c->watches;

		c->watches = w->next;
		watch_free(w);
	}
	c->nwatches = 0;
}

int xsd_op_reset_watches(struct xsd_req *r)
{
	xsd_watches_free(r->conn);
	xsd_txs_free(r->conn);
	xsd_reply_ok(r);
	return 0;
}

/* Guests hear only of nodes they may read, and of no domain's coming or
 * going (xenstored would tell them of domains they have rights over). */
static bool may_hear(const struct xsd_server *s, const struct xsd_conn *c,
		     const char *path, const struct xsd_perms *perms)
{
	if (c->privileged)
		return true;
	if (path[0] == '@' || !perms)
		return false;
	return xsd_perm_for(s, c, perms) & XSD_PERM_READ;
}

static const char *event_path(const struct xsd_watch *w, const char *path,
			      bool subtree_gone)
{
	if (xsd_path_is_child(path, w->path))
		return path;
	/* A watch below a removed subtree hears of it on its own path. */
	if (subtree_gone && w->path[0] != '@' && xsd_path_is_child(w->path, path))
		return w->path;
	return NULL;
}

void xsd_fire(struct xsd_server *s, const char *path,
	      const struct xsd_perms *perms, bool subtree_gone)
{
	for (struct xsd_conn *c = s->conns; c; c = c->next) {
		if (c->dead || !may_hear(s, c, path, perms))
			continue;
		for (struct xsd_watch *w = c->watches; w; w = w->next) {
			const char *ev = event_path(w, path, subtree_gone);

			if (ev)
				xsd_send_event(c, ev + w->strip, w->token);
		}
	}
}
