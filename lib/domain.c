/* domain.c: the table of guests: bind or allocate, label disks, release, reconcile.
 * The store record is written before any label changes, so kill -9 never loses one. */

/* Crash safety.  A guest's record lists every object that is, or may be,
 * relabelled for it, and the order of operations is:
 *   label:   1. add the new objects to the record, store it durably
 *            2. relabel them (trusted.svirt first, then the label: relabel.c)
 *            3. drop from the record what was refused or unplugged, store it
 *   release: 1. restore every object  2. remove the record  3. free the pair
 * So at any instant every object carrying a guest's label (or holding one of
 * the refcounts in trusted.svirt) is listed in some record, and every pair
 * any label names is held by a record.  The converse may fail after a kill:
 * a record may list an object whose relabel never happened, or one a release
 * already restored; the refcount may then be one off.  After a restart,
 * sv_domains_reconcile therefore recomputes each object from scratch: its
 * holders are the live records listing it with the label trusted.svirt
 * says it carries; the count is set to that number without ever passing
 * through zero (one more set, which also puts back a label the kill kept
 * from being written, then restores down to the count), or the object is
 * reset to its original when no live record holds it. */
#include "domain.h"
#include "domain_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#define LOOP_MAJOR 7

/* ---- the table ---- */

void sv_domains_init(struct sv_domains *t, const struct sv_config *cfg,
		     const struct sv_relabel_ctx *rctx, const struct sv_log *log,
		     struct sv_mcs *mcs, struct sv_store *store)
{
	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->rctx = rctx;
	t->log = log;
	t->mcs = mcs;
	t->store = store;
}

void sv_domain__free(struct sv_domain *d)
{
	if (!d)
		return;
	sv_record_clear(&d->rec);
	free(d->labels.process);
	free(d->labels.image);
	free(d->labels.shared);
	free(d->labels.content);
	free(d->name);
	free(d);
}

void sv_domains_free(struct sv_domains *t)
{
	for (size_t i = 0; i < t->n; i++)
		sv_domain__free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

struct sv_domain *sv_domains_by_domid(const struct sv_domains *t, int domid)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i]->domid == domid)
			return t->v[i];
	return NULL;
}

struct sv_domain *sv_domains_by_uuid(const struct sv_domains *t,
				     const char *uuid)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i]->uuid, uuid) == 0)
			return t->v[i];
	return NULL;
}

int sv_domains__add(struct sv_domains *t, struct sv_domain *d)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct sv_domain **v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = d;
	return 0;
}

static void table_del(struct sv_domains *t, struct sv_domain *d)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i] == d) {
			t->v[i] = t->v[--t->n];
			return;
		}
}

/* A domain in memory for a record; takes ownership of rec. */
static int labels_build(const struct sv_domains *t, struct sv_pair pair,
			struct sv_domain_labels *out, struct sv_error *err)
{
	_cleanup_free_ struct sv_guest_labels *l = malloc(sizeof(*l));
	int r;

	if (!l)
		return sv_fail(err, ENOMEM, "out of memory");
	if ((r = sv_guest_labels_build(&t->cfg->bases, pair, l, err)) < 0)
		return r;
	if (!(out->process = strdup(l->process)) ||
	    !(out->image = strdup(l->image)) ||
	    !(out->shared = strdup(l->shared)) ||
	    !(out->content = strdup(l->content)))
		return sv_fail(err, ENOMEM, "out of memory");
	return 0;
}

int sv_domain__new(struct sv_domains *t, struct sv_record *rec,
		      struct sv_domain **out, struct sv_error *err)
{
	struct sv_domain *d = calloc(1, sizeof(*d));
	int r;

	if (!d || !(d->name = strdup(rec->name ? rec->name : ""))) {
		free(d);
		return sv_fail(err, ENOMEM, "out of memory");
	}
	if ((r = labels_build(t, rec->pair, &d->labels, err)) < 0) {
		sv_domain__free(d);
		return r;
	}
	d->domid = rec->domid;
	memcpy(d->uuid, rec->uuid, sizeof(d->uuid));
	d->pair = rec->pair;
	d->state = rec->domid == SV_DOMID_NONE ? SV_STATE_RESERVED
					       : SV_STATE_ALLOCATED;
	d->rec = *rec;
	memset(rec, 0, sizeof(*rec));
	*out = d;
	return 0;
}

int sv_domain__store(struct sv_domains *t, struct sv_domain *d,
		      struct sv_error *err)
{
	return sv_store_write(t->store, &d->rec, err);
}

void sv_domain_fail(struct sv_domains *t, struct sv_domain *d, int errnum,
		    const char *reason)
{
	d->state = SV_STATE_ERROR;
	snprintf(d->reason, sizeof(d->reason), "%s", reason);
	sv_log_dom(t->log, LOG_ERR, d->domid, d->name, "refused (%s): %s",
		   strerror(errnum), reason);
}

/* A new record for uuid with a pair (given or drawn), stored durably, in the
 * table.  The pair is given back on any failure. */
static int create(struct sv_domains *t, int domid, const char *uuid,
		  const char *name, const struct sv_pair *want,
		  struct sv_domain **out, struct sv_error *err)
{
	struct sv_record rec = { .domid = domid };
	struct sv_domain *d = NULL;
	struct sv_pair p;
	int r;

	if (want) {
		p = *want;
		if ((r = sv_mcs_reserve(t->mcs, p)) == -EEXIST)
			return sv_fail(err, EEXIST, "pair c%u,c%u is taken",
				       p.a, p.b);
		if (r < 0)
			return sv_fail(err, EINVAL, "pair c%u,c%u is outside "
				       "the configured categories", p.a, p.b);
	} else if ((r = sv_mcs_alloc(t->mcs, &p)) < 0)
		return sv_fail(err, -r, "no free category pair");
	memcpy(rec.uuid, uuid, SV_UUID_BUF);
	rec.pair = p;
	if ((r = sv_record_set_name(&rec, name)) < 0)
		r = sv_fail(err, -r, "name too long");
	else if ((r = sv_domain__new(t, &rec, &d, err)) == 0 &&
		 (r = sv_domain__store(t, d, err)) == 0 &&
		 (r = sv_domains__add(t, d)) < 0) {
		/* The record is durable: drop it again, or a restart would
		 * find a pair nobody holds in memory. */
		sv_store_remove(t->store, d->uuid, NULL);
		r = sv_fail(err, -r, "out of memory");
	}
	if (r < 0) {
		sv_domain__free(d);
		sv_record_clear(&rec);
		sv_mcs_release(t->mcs, p);
		return r;
	}
	*out = d;
	return 0;
}

int sv_domains_reserve(struct sv_domains *t, const char *uuid,
		       const struct sv_pair *want, struct sv_domain **out,
		       struct sv_error *err)
{
	struct sv_domain *d = sv_domains_by_uuid(t, uuid);

	if (d && d->domid != SV_DOMID_NONE)
		return sv_fail(err, EEXIST, "%s is domain %d already", uuid,
			       d->domid);
	if (d)
		return sv_fail(err, EEXIST, "%s holds a reservation (c%u,c%u) "
			       "already", uuid, d->pair.a, d->pair.b);
	return create(t, SV_DOMID_NONE, uuid, "", want, out, err);
}

int sv_domains_unreserve(struct sv_domains *t, const char *uuid,
			 struct sv_error *err)
{
	struct sv_domain *d = sv_domains_by_uuid(t, uuid);
	int r;

	if (!d)
		return sv_fail(err, ENOENT, "no reservation for %s", uuid);
	if (d->domid != SV_DOMID_NONE)
		return sv_fail(err, EBUSY, "%s is domain %d", uuid, d->domid);
	if ((r = sv_store_remove(t->store, uuid, err)) < 0 && r != -ENOENT)
		return r;
	sv_mcs_release(t->mcs, d->pair);
	table_del(t, d);
	sv_domain__free(d);
	return 0;
}

int sv_domains_bind(struct sv_domains *t, int domid, const char *uuid,
		    const char *name, struct sv_domain **out,
		    struct sv_error *err)
{
	struct sv_domain *d = sv_domains_by_uuid(t, uuid);
	char *copy;
	int r;

	if (!d)
		return create(t, domid, uuid, name, NULL, out, err);
	if (d->domid != SV_DOMID_NONE)
		return sv_fail(err, EEXIST, "uuid %s belongs to domain %d",
			       uuid, d->domid);
	if (!(copy = strdup(name)))
		return sv_fail(err, ENOMEM, "out of memory");
	d->rec.domid = domid;
	if ((r = sv_record_set_name(&d->rec, name)) < 0 ||
	    (r = sv_domain__store(t, d, err)) < 0) {
		d->rec.domid = SV_DOMID_NONE;
		free(copy);
		return r == -EINVAL ? sv_fail(err, EINVAL, "name too long") : r;
	}
	free(d->name);
	d->name = copy;
	d->domid = domid;
	d->state = SV_STATE_ALLOCATED;
	*out = d;
	return 0;
}

/* ---- objects ---- */

/* Opens a path from a record for restoring: under a root, or a whole block
 * device under /dev (what sv_relabel_open_blockdev accepted when set). */
int sv_domain__open_recorded(const struct sv_domains *t, const char *path,
			 struct sv_relabel_obj *o, struct sv_error *err)
{
	struct stat st;
	int r = sv_relabel_open(t->rctx, path, o, err);

	if (r != -EPERM)
		return r;
	if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
		return r;
	return sv_relabel_open_blockdev(path, st.st_rdev, o, err);
}

static void fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

/* trusted.svirt of o, if it has one; false otherwise (or malformed). */
bool sv_domain__peek_record(const struct sv_relabel_obj *o,
			struct sv_relabel_record *rec)
{
	char p[32], buf[SV_RELABEL_RECORD_MAX + 1];
	ssize_t n;

	fd_path(o->fd, p);
	n = getxattr(p, SV_RELABEL_XATTR, buf, sizeof(buf));
	return n > 0 && sv_relabel_record_parse(buf, (size_t)n, rec, NULL) == 0;
}

/* The original label of o as the store records it: what trusted.svirt
 * remembers if this boot holds it, else what it carries now. */
static void peek_orig(const struct sv_domains *t, const struct sv_relabel_obj *o,
		      char *out, size_t size)
{
	struct sv_relabel_record rec;
	char p[32];
	ssize_t n;

	out[0] = '\0';
	if (sv_domain__peek_record(o, &rec) && strcmp(rec.boot_id, t->rctx->boot_id) == 0) {
		snprintf(out, size, "%s", rec.has_orig ? rec.orig : "");
		return;
	}
	fd_path(o->fd, p);
	n = getxattr(p, "security.selinux", out, size - 1);
	out[n > 0 ? n : 0] = '\0';	/* a NUL inside ends it early: fine */
}

void sv_record__drop(struct sv_record *r, size_t i)
{
	free(r->objects[i].path);
	free(r->objects[i].orig_label);
	free(r->objects[i].label);
	memmove(&r->objects[i], &r->objects[i + 1],
		(r->nobjects - i - 1) * sizeof(r->objects[0]));
	r->nobjects--;
}

ssize_t sv_record__find(const struct sv_record *r, const char *path)
{
	for (size_t i = 0; i < r->nobjects; i++)
		if (strcmp(r->objects[i].path, path) == 0)
			return (ssize_t)i;
	return -1;
}

/* Restores one recorded object; an object that is gone, or that svirt no
 * longer holds, counts as restored. */
static int restore_path(struct sv_domains *t, const struct sv_domain *d,
			const char *path, bool reset)
{
	struct sv_relabel_obj o;
	struct sv_error err;
	int r = sv_domain__open_recorded(t, path, &o, &err);

	if (r == 0) {
		r = reset ? sv_relabel_reset_obj(t->rctx, &o, NULL, &err)
			  : sv_relabel_restore_obj(t->rctx, &o, NULL, &err);
		sv_relabel_close(&o);
	}
	if (r == -ENOENT || r == -ENODATA)
		return 0;
	if (r < 0)
		sv_log_dom(t->log, LOG_ERR, d->domid, d->name,
			   "cannot restore the label of %s: %s", path, err.msg);
	return r;
}

/* ---- labelling ---- */

/* An object a disk needs, opened once and labelled through its fd. */
struct want {
	struct sv_relabel_obj obj;
	const char *label;
	size_t disk;
	bool fresh;		/* not in the record before this pass */
	bool set;
};

struct wants {
	size_t n, cap;
	struct want *v;
};

static void wants_free(struct wants *w)
{
	for (size_t i = 0; i < w->n; i++)
		sv_relabel_close(&w->v[i].obj);
	free(w->v);
}

static bool is_shared(const struct sv_config *c, const char *path)
{
	for (size_t i = 0; i < c->nshared; i++)
		if (strcmp(c->shared_images[i], path) == 0)
			return true;
	return false;
}

static const char *label_for(const struct sv_domains *t,
			     const struct sv_domain *d,
			     const struct sv_disk *k, const char *path)
{
	if (k->readonly)
		return d->labels.content;
	if (is_shared(t->cfg, path))
		return d->labels.shared;
	return d->labels.image;
}

static int want_add(struct wants *w, const struct sv_domains *t,
		    const struct sv_domain *d, const struct sv_disk *k,
		    size_t disk, struct sv_relabel_obj *o, struct sv_error *err)
{
	const char *label = label_for(t, d, k, o->path);

	for (size_t i = 0; i < w->n; i++) {
		if (strcmp(w->v[i].obj.path, o->path) != 0)
			continue;
		sv_relabel_close(o);	/* listed twice: once is enough */
		if (strcmp(w->v[i].label, label) == 0)
			return 0;
		return sv_fail(err, EINVAL, "%.300s is attached both read-only "
			       "and writable", w->v[i].obj.path);
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 8;
		struct want *v = realloc(w->v, cap * sizeof(*v));

		if (!v) {
			sv_relabel_close(o);
			return sv_fail(err, ENOMEM, "out of memory");
		}
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct want){ .obj = *o, .label = label, .disk = disk };
	return 0;
}

/* The node of a block disk: under a root, else a whole device by number. */
static int open_block(const struct sv_domains *t, const struct sv_disk *k,
		      struct sv_relabel_obj *o, struct sv_error *err)
{
	int r = sv_relabel_open(t->rctx, k->path, o, err);

	if (r == -EPERM && k->rdev)
		return sv_relabel_open_blockdev(k->path, k->rdev, o, err);
	if (r == 0 && o->type != S_IFBLK) {
		sv_relabel_close(o);
		return sv_fail(err, EINVAL, "%.300s is not a block device",
			       o->path);
	}
	if (r == 0 && k->rdev && o->rdev != k->rdev) {
		sv_relabel_close(o);
		return sv_fail(err, EINVAL, "%.300s is not device %u:%u named by "
			       "physical-device", k->path, major(k->rdev),
			       minor(k->rdev));
	}
	return r;
}

/* Every object of one disk: the file or node, and a loop's backing file. */
static int collect_disk(struct wants *w, const struct sv_domains *t,
			const struct sv_domain *d, const struct sv_disk *k,
			size_t disk, struct sv_error *err)
{
	_cleanup_free_ char *backing = NULL;
	struct sv_relabel_obj o;
	dev_t rdev;
	int r;

	if (k->kind == SV_DISK_FILE)
		r = sv_relabel_open(t->rctx, k->path, &o, err);
	else
		r = open_block(t, k, &o, err);
	if (r < 0)
		return r;
	rdev = o.type == S_IFBLK ? o.rdev : 0;
	if ((r = want_add(w, t, d, k, disk, &o, err)) < 0)
		return r;
	if (!rdev || major(rdev) != LOOP_MAJOR)
		return 0;
	if ((r = sv_blockdev_loop_backing_file(t->rctx->sys, rdev, &backing,
					       err)) < 0 ||
	    (r = sv_relabel_open(t->rctx, backing, &o, err)) < 0)
		return sv_fail_prefix(err, -r, "loop device %.100s", k->path);
	return want_add(w, t, d, k, disk, &o, err);
}

/* Step 1: list the new objects in the record, durably, before any relabel. */
static int record_intent(struct sv_domains *t, struct sv_domain *d,
			 struct wants *w, struct sv_error *err)
{
	size_t before = d->rec.nobjects;
	char orig[SV_RELABEL_LABEL_MAX + 2];
	bool any = false;
	int r = 0;

	for (size_t i = 0; i < w->n && r == 0; i++) {
		if (sv_record__find(&d->rec, w->v[i].obj.path) >= 0)
			continue;
		w->v[i].fresh = any = true;
		peek_orig(t, &w->v[i].obj, orig, sizeof(orig));
		if ((r = sv_record_add_object(&d->rec, w->v[i].obj.path, orig,
					      w->v[i].label)) < 0)
			r = sv_fail(err, -r, "cannot record %.300s",
				    w->v[i].obj.path);
	}
	if (r == 0 && any)
		r = sv_domain__store(t, d, err);
	if (r < 0)
		while (d->rec.nobjects > before)
			sv_record__drop(&d->rec, d->rec.nobjects - 1);
	return r;
}

/* Step 2: relabel the new objects; on a refusal put back what this pass set
 * for the same disk, and leave the rest of the pass undone. */
static int apply(struct sv_domains *t, struct wants *w,
		 struct sv_error *err)
{
	for (size_t i = 0; i < w->n; i++) {
		struct want *x = &w->v[i];
		int r;

		if (!x->fresh)
			continue;
		if ((r = sv_relabel_set_obj(t->rctx, &x->obj, x->label, NULL,
					    err)) == 0) {
			x->set = true;
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (w->v[j].set && w->v[j].disk == x->disk &&
			    sv_relabel_restore_obj(t->rctx, &w->v[j].obj, NULL,
						   NULL) == 0)
				w->v[j].set = false;
		return r;
	}
	return 0;
}

/* Step 3: unplugged objects get their label back; the record keeps only
 * what is labelled now.  True if the record changed. */
static bool settle(struct sv_domains *t, struct sv_domain *d,
		   const struct wants *w, bool complete)
{
	bool changed = false;

	for (size_t i = d->rec.nobjects; i-- > 0;) {
		const char *path = d->rec.objects[i].path;
		const struct want *x = NULL;

		for (size_t j = 0; j < w->n && !x; j++)
			if (strcmp(w->v[j].obj.path, path) == 0)
				x = &w->v[j];
		if (x && (!x->fresh || x->set))
			continue;
		/* Unplugged: restore it; it stays listed until that works.
		 * Not when a disk could not be looked at: its objects would
		 * look unplugged.  A fresh object apply() did not set was
		 * never relabelled. */
		if (!x && (!complete || restore_path(t, d, path, false) < 0))
			continue;
		sv_record__drop(&d->rec, i);
		changed = true;
	}
	return changed;
}

int sv_domain_label(struct sv_domains *t, struct sv_domain *d,
		    const struct sv_disks *disks)
{
	struct wants w = { 0 };
	struct sv_error err = { "" }, werr;
	bool complete;
	int r = 0;

	d->dirty = false;
	/* A refused guest stays refused: the toolstack destroys it, and its
	 * release restores what it still holds. */
	if (d->state == SV_STATE_ERROR)
		return -ECANCELED;
	for (size_t i = 0; i < disks->n && r == 0; i++)
		if ((r = collect_disk(&w, t, d, &disks->v[i], i, &err)) < 0)
			sv_fail_prefix(&err, -r, "%s %u", disks->v[i].backend,
				       disks->v[i].devid);
	complete = r == 0;
	if (r == 0 && (r = record_intent(t, d, &w, &err)) == 0)
		r = apply(t, &w, &err);
	if (settle(t, d, &w, complete) && sv_domain__store(t, d, &werr) < 0)
		sv_log_dom(t->log, LOG_WARNING, d->domid, d->name,
			   "cannot store the record: %s", werr.msg);
	wants_free(&w);
	if (r < 0) {
		sv_domain_fail(t, d, -r, err.msg);
		return r;
	}
	if (d->state != SV_STATE_LABELLED)
		sv_log_dom(t->log, LOG_INFO, d->domid, d->name,
			   "labelled %zu objects with c%u,c%u", d->rec.nobjects,
			   d->pair.a, d->pair.b);
	d->state = SV_STATE_LABELLED;
	return 0;
}

/* ---- release ---- */

/* Restores every object, dropping each from the record once restored. */
static int restore_all(struct sv_domains *t, struct sv_domain *d, bool reset)
{
	int bad = 0;

	for (size_t i = d->rec.nobjects; i-- > 0;) {
		if (restore_path(t, d, d->rec.objects[i].path, reset) < 0) {
			bad++;
			continue;
		}
		sv_record__drop(&d->rec, i);
	}
	return bad ? -EIO : 0;
}

/* Record removed, then pair freed, then gone from memory. */
int sv_domain__forget(struct sv_domains *t, struct sv_domain *d)
{
	struct sv_error err;
	int r = sv_store_remove(t->store, d->uuid, &err);

	if (r < 0 && r != -ENOENT) {
		sv_log_dom(t->log, LOG_ERR, d->domid, d->name,
			   "cannot remove its record: %s", err.msg);
		return r;
	}
	sv_mcs_release(t->mcs, d->pair);
	table_del(t, d);
	sv_domain__free(d);
	return 0;
}

int sv_domain_release(struct sv_domains *t, struct sv_domain *d)
{
	struct sv_error err;
	int r = restore_all(t, d, false);

	if (r < 0) {
		/* Keep the pair: a label that still names it may remain. */
		if (sv_domain__store(t, d, &err) < 0)
			sv_log_dom(t->log, LOG_WARNING, d->domid, d->name,
				   "cannot store the record: %s", err.msg);
		sv_domain_fail(t, d, EIO, "labels could not all be restored; "
			       "the pair stays held");
		return r;
	}
	sv_log_dom(t->log, LOG_INFO, d->domid, d->name,
		   "released c%u,c%u", d->pair.a, d->pair.b);
	return sv_domain__forget(t, d);
}

void sv_domain_entry(const struct sv_domain *d, struct sv_control_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->domid = d->domid;
	memcpy(e->uuid, d->uuid, sizeof(e->uuid));
	e->pair = d->pair;
	e->state = d->state;
	snprintf(e->process_label, sizeof(e->process_label), "%s",
		 d->labels.process);
	snprintf(e->image_label, sizeof(e->image_label), "%s", d->labels.image);
	if (d->state == SV_STATE_ERROR)
		snprintf(e->reason, sizeof(e->reason), "%s", d->reason);
}
