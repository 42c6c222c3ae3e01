/* publish.c: shows each guest's label and state in xenstore under /local/domain/0/svirt/<domid>/.
 * Owned by dom0 with no access for any other domain: a guest must not learn or forge them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <xenstore.h>

#include "outside.h"
#include "svirtd.h"

#define SVIRT_DIR "/local/domain/0/svirt"

static const struct xs_permissions dom0_only[] = {
	{ .id = 0, .perms = XS_PERM_NONE },
};

static bool put(struct svirtd *s, xs_transaction_t t, int domid,
		const char *node, const char *value)
{
	char path[64];

	snprintf(path, sizeof(path), SVIRT_DIR "/%d/%s", domid, node);
	return xs_write(s->xs, t, path, value, strlen(value));
}

/* Devices served outside dom0 (issue 16 item 5): the node is there
 * exactly while there are some. */
static bool put_outside(struct svirtd *s, xs_transaction_t t,
			const struct sv_domain *d)
{
	char path[80];

	if (d->outside)
		return put(s, t, d->domid, SV_OUTSIDE_NODE, d->outside);
	snprintf(path, sizeof(path), SVIRT_DIR "/%d/" SV_OUTSIDE_NODE,
		 d->domid);
	return xs_rm(s->xs, t, path) || errno == ENOENT;
}

/* The directory first with dom0-only permissions: nodes written below it
 * inherit them. */
static bool make_dir(struct svirtd *s, xs_transaction_t t, const char *path)
{
	return xs_mkdir(s->xs, t, path) &&
	       xs_set_permissions(s->xs, t, path,
				  (struct xs_permissions *)dom0_only,
				  ARRAY_SIZE(dom0_only));
}

int svd_publish_init(struct svirtd *s)
{
	/* Nodes of an earlier run name domains that may be gone; every live
	 * one is published again after reconciling. */
	if (!xs_rm(s->xs, XBT_NULL, SVIRT_DIR) && errno != ENOENT)
		return -errno;
	return make_dir(s, XBT_NULL, SVIRT_DIR) ? 0 : -errno;
}

static bool write_all(struct svirtd *s, xs_transaction_t t,
		      const struct sv_domain *d)
{
	char count[24];

	/* The first write makes the directory, nothing is seen before the
	 * commit, and xenstored gives a node dom0 makes its parent's
	 * permissions: SVIRT_DIR's dom0-only ones, set by svd_publish_init
	 * before any guest is published (a set-permissions of each guest's
	 * directory cost a request per guest and set the same). */
	if (!d->published &&
	    (!put(s, t, d->domid, "uuid", d->uuid) ||
	     !put(s, t, d->domid, "name", d->name) ||
	     !put(s, t, d->domid, "label", d->labels.process) ||
	     !put(s, t, d->domid, "imagelabel", d->labels.image)))
		return false;
	/* A stub domain: the guest it serves, whose record holds its
	 * objects (published under the guest). */
	snprintf(count, sizeof(count), "%d", d->target);
	if (d->target && !d->published &&
	    !put(s, t, d->domid, "target", count))
		return false;
	/* How many objects carry its labels: changes on hotplug and unplug,
	 * so a watcher sees those passes too. */
	snprintf(count, sizeof(count), "%zu", d->rec.nobjects);
	if (!d->target && !put(s, t, d->domid, "objects", count))
		return false;
	if (d->state == SV_STATE_ERROR &&
	    !put(s, t, d->domid, "reason", d->reason))
		return false;
	if (d->outside_unpublished && !put_outside(s, t, d))
		return false;
	/* state last: a reader that sees "error" finds the reason too. */
	return put(s, t, d->domid, "state", sv_dom_state_name(d->state));
}

/* One transaction, retried while it conflicts (EAGAIN). */
static int publish_once(struct svirtd *s, const struct sv_domain *d)
{
	for (int tries = 0; tries < 16; tries++) {
		xs_transaction_t t = xs_transaction_start(s->xs);
		int e;

		if (t == XBT_NULL)
			return -errno;
		if (!write_all(s, t, d)) {
			e = errno;
			xs_transaction_end(s->xs, t, true);
			return -e;
		}
		if (xs_transaction_end(s->xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
}

void svd_publish(struct svirtd *s, struct sv_domain *d)
{
	int r;

	if (d->domid == SV_DOMID_NONE ||
	    (d->published && d->published_state == d->state &&
	     d->published_objects == d->rec.nobjects &&
	     !d->outside_unpublished))
		return;
	if ((r = publish_once(s, d)) < 0) {
		sv_log_dom(&s->log, LOG_ERR, d->domid, d->name,
			   "cannot publish its state: %s", strerror(-r));
		return;
	}
	d->published = true;
	d->published_state = d->state;
	d->published_objects = d->rec.nobjects;
	d->outside_unpublished = false;
}

void svd_unpublish(struct svirtd *s, int domid)
{
	char dir[64];

	snprintf(dir, sizeof(dir), SVIRT_DIR "/%d", domid);
	if (!xs_rm(s->xs, XBT_NULL, dir) && errno != ENOENT)
		sv_log_dom(&s->log, LOG_WARNING, domid, NULL,
			   "cannot remove %s: %s", dir, strerror(errno));
}
