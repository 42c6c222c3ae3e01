/* discover.c: the storage objects a domain's backends open, from dom0's
 * xenstore backend tree only; each node's owner checked, each value parsed. */
#include "discover.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <blkid/blkid.h>
#include <xenstore.h>

/* Xen's DOMID_FIRST_RESERVED: no guest has this id or above. */
#define SV_DOMID_LIMIT 0x7ff0U
/* Reads of the tree retried when it changed under them, then -EAGAIN. */
#define SV_XS_TRIES 4

/* errno of a failed libxenstore call, as a negative return, never 0. */
static int xs_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* dom0 must own path, and no other domain may write it: libxl gives the
 * guest read access to its backend nodes, never more. */
static int check_owner(struct xs_handle *xs, xs_transaction_t t,
		       const char *path, struct sv_error *err)
{
	unsigned n;
	_cleanup_free_ struct xs_permissions *p =
		xs_get_permissions(xs, t, path, &n);

	if (!p) {
		int r = xs_errno();

		return sv_fail(err, -r, "%s: cannot read its permissions: %s",
			       path, strerror(-r));
	}
	if (n == 0)
		return sv_fail(err, EPERM, "%s has no permissions", path);
	if (p[0].id != 0)
		return sv_fail(err, EPERM, "%s is owned by domain %u, not dom0",
			       path, p[0].id);
	if (p[0].perms & XS_PERM_WRITE)
		return sv_fail(err, EPERM, "%s is writable by every domain",
			       path);
	for (unsigned i = 1; i < n; i++)
		if (p[i].id != 0 && (p[i].perms & XS_PERM_WRITE))
			return sv_fail(err, EPERM, "%s is writable by domain "
				       "%u", path, p[i].id);
	return 0;
}

static int read_dom0(struct xs_handle *xs, xs_transaction_t t,
		     const char *path, char **out, struct sv_error *err)
{
	unsigned len;
	char *v;
	int r;

	if ((r = check_owner(xs, t, path, err)) < 0)
		return r;
	if (!(v = xs_read(xs, t, path, &len))) {
		r = xs_errno();
		return sv_fail(err, -r, "%s: cannot read it: %s", path,
			       strerror(-r));
	}
	if ((r = sv_xs_value_check(v, len, err)) < 0) {
		free(v);
		return sv_fail_prefix(err, -r, "%s", path);
	}
	*out = v;
	return 0;
}

int sv_xs_read_dom0(struct xs_handle *xs, const char *path, char **out,
		    struct sv_error *err)
{
	return read_dom0(xs, XBT_NULL, path, out, err);
}

struct raw_values {
	char *v[ARRAY_SIZE(sv_backend_value_nodes)];
};

static void raw_values_free(struct raw_values *rv)
{
	for (size_t i = 0; i < ARRAY_SIZE(rv->v); i++)
		free(rv->v[i]);
}

/* A device directory name: decimal without leading zeros, as libxl
 * writes devids (int). */
static bool parse_devid(const char *s, unsigned *out)
{
	uint64_t v = 0;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0') || strlen(s) > 10)
		return false;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		v = v * 10 + (unsigned)(*c - '0');
	}
	if (v > INT_MAX)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool listed(char **names, unsigned n, const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* One device's values (absent ones NULL); -ENOENT if the device is gone.
 * Its listing, in the same transaction, spares a request for each value
 * it lacks (most backends write only some of them). */
static int read_device(struct xs_handle *xs, xs_transaction_t t,
		       const char *dir, struct raw_values *rv,
		       struct sv_error *err)
{
	_cleanup_free_ char **names = NULL;
	unsigned n;
	int r;

	if ((r = check_owner(xs, t, dir, err)) < 0)
		return r;
	if (!(names = xs_directory(xs, t, dir, &n))) {
		r = xs_errno();
		return sv_fail(err, -r, "%s: cannot list it: %s", dir,
			       strerror(-r));
	}
	for (size_t i = 0; i < ARRAY_SIZE(sv_backend_value_nodes); i++) {
		char path[128];

		if (!listed(names, n, sv_backend_value_nodes[i]))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, sv_backend_value_nodes[i]);
		r = read_dom0(xs, t, path, &rv->v[i], err);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

static int one_device(struct xs_handle *xs, xs_transaction_t t,
		      unsigned domid, const char *backend, unsigned devid,
		      struct sv_disks *found, struct sv_error *err)
{
	struct raw_values rv = { { NULL } };
	struct sv_backend_values v;
	char dir[80];
	int r;

	snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u/%u", backend,
		 domid, devid);
	r = read_device(xs, t, dir, &rv, err);
	if (r == 0 && (!rv.v[0] || !rv.v[2] ||
		       (!rv.v[1] && strcmp(backend, "vbd") == 0))) {
		/* libxl writes params, type and mode in one transaction, so a
		 * device lacking one is being torn down (qemu and libxl remove
		 * nodes one by one on unplug): its removal fires the next
		 * event.  Failing the domain here broke a healthy guest. */
		r = sv_fail(err, EAGAIN, "%s %u: being set up or torn down",
			    backend, devid);
	} else if (r == 0) {
		v = (struct sv_backend_values){
			.params = rv.v[0], .type = rv.v[1], .mode = rv.v[2],
			.physical_device = rv.v[3],
			.physical_device_path = rv.v[4],
			.tapdisk_params = rv.v[5],
		};
		r = sv_disk_parse(backend, devid, &v, found, err);
	} else if (r == -ENOENT) {
		r = 0;	/* removed since the listing: the commit will tell */
	} else {
		r = sv_fail_prefix(err, -r, "%s %u", backend, devid);
	}
	raw_values_free(&rv);
	return r;
}

/* Every device of one backend kind; *pending set when one's hotplug has
 * not finished, so that hostile values elsewhere are still reported. */
static int scan_backend(struct xs_handle *xs, xs_transaction_t t,
			unsigned domid, const char *backend,
			struct sv_disks *found, bool *pending,
			struct sv_error *err)
{
	char dir[64];
	unsigned n;
	_cleanup_free_ char **names = NULL;
	int r;

	snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u", backend,
		 domid);
	if (!(names = xs_directory(xs, t, dir, &n))) {
		if (errno == ENOENT)
			return 0;
		r = xs_errno();
		return sv_fail(err, -r, "%s: cannot list it: %s", dir,
			       strerror(-r));
	}
	if (n > SV_XS_DEVICES_MAX)
		return sv_fail(err, E2BIG, "%s: %u devices, more than %d", dir,
			       n, SV_XS_DEVICES_MAX);
	for (unsigned i = 0; i < n; i++) {
		char q[SV_QUOTE_BUF];
		unsigned devid;

		if (!parse_devid(names[i], &devid)) {
			sv_quote(q, sizeof(q), names[i], strlen(names[i]));
			return sv_fail(err, EINVAL, "%s: device \"%s\" is "
				       "not a device id", dir, q);
		}
		r = one_device(xs, t, domid, backend, devid, found, err);
		if (r == -EAGAIN)
			*pending = true;
		else if (r < 0)
			return r;
	}
	return 0;
}

/* One pass in a transaction.  It is committed, not aborted, even after an
 * error: only the commit says whether what was read was consistent, and
 * reads that raced with a change are retried rather than reported. */
static int discover_once(struct xs_handle *xs, unsigned domid,
			 struct sv_disks *found, struct sv_error *err)
{
	xs_transaction_t t = xs_transaction_start(xs);
	bool pending = false;
	int r;

	if (t == XBT_NULL) {
		r = xs_errno();
		return sv_fail(err, -r, "cannot start a transaction: %s",
			       strerror(-r));
	}
	r = scan_backend(xs, t, domid, "vbd", found, &pending, err);
	if (r == 0)
		r = scan_backend(xs, t, domid, "qdisk", found, &pending, err);
	if (!xs_transaction_end(xs, t, false)) {
		if (errno == EAGAIN)
			return -ECANCELED;	/* changed meanwhile: again */
		if (r == 0) {
			r = xs_errno();
			sv_fail(err, -r, "cannot end the transaction: %s",
				strerror(-r));
		}
	}
	if (r == 0 && pending)
		r = -EAGAIN;	/* err holds the device's message */
	return r;
}

/* A block device the tree names by number only gets the name the kernel
 * gave its node (libblkid), where there is one: udev's /dev/block links,
 * the parser's fallback, are missing on a dom0 without udev. */
static void name_block_nodes(struct sv_disks *d)
{
	static const char link[] = "/dev/block/";

	for (size_t i = 0; i < d->n; i++) {
		struct sv_disk *k = &d->v[i];
		char *name;

		if (k->kind != SV_DISK_BLOCK ||
		    strncmp(k->path, link, sizeof(link) - 1) != 0 ||
		    !(name = blkid_devno_to_devname(k->rdev)))
			continue;
		if (sv_disk_path_problem(name) || sv_disk_text_problem(name)) {
			free(name);
			continue;
		}
		free(k->path);
		k->path = name;
	}
}

int sv_discover_disks(struct xs_handle *xs, unsigned domid,
		      struct sv_disks *out, struct sv_error *err)
{
	if (domid == 0 || domid >= SV_DOMID_LIMIT)
		return sv_fail(err, EINVAL, "domain %u is not a guest", domid);
	for (int i = 0; i < SV_XS_TRIES; i++) {
		struct sv_disks found = { .n = 0 };
		int r = discover_once(xs, domid, &found, err);

		if (r == 0)
			name_block_nodes(&found);
		if (r == 0 && (r = sv_disks_append(out, found.v, found.n, err)) == 0) {
			free(found.v);	/* out owns the paths now */
			return 0;
		}
		sv_disks_clear(&found);
		if (r != -ECANCELED)
			return sv_fail_prefix(err, -r, "domain %u", domid);
	}
	return sv_fail(err, EAGAIN, "domain %u: its backend tree kept changing "
		       "while it was read", domid);
}
