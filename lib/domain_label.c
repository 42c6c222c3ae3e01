/* domain_label.c: one labelling pass over a guest's disks: record the intent, relabel,
 * then settle the record (unplugged objects restored); see domain.c, "Crash safety". */
#include "domain.h"
#include "domain_internal.h"
#include "image_chain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#define LOOP_MAJOR 7


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
	if (is_shared(t->cfg, path) ||
	    sv_config_guest_disk(t->cfg, SV_GOPT_SHARED, d->uuid, d->name, path) ||
	    sv_config_guest_disk(t->cfg, SV_GOPT_SHARED, d->uuid, d->name, k->path))
		return d->labels.shared;
	return d->labels.image;
}

/* issue 17 item 4: an object of a disk left to the administrator
 * (guest_relabel_no) is never set; it must already carry label, or for a
 * writable disk the shared label (s0).  Anything else (another guest's
 * pair, another type) is refused, and the object left as it is. */
static int check_kept(const struct sv_domain *d, const char *label,
		      struct sv_relabel_obj *o, struct sv_error *err)
{
	char p[32], now[SV_RELABEL_LABEL_MAX + 2];
	ssize_t n;
	int r = 0;

	snprintf(p, sizeof(p), "/proc/self/fd/%d", o->fd);
	n = getxattr(p, "security.selinux", now, sizeof(now) - 1);
	now[n > 0 ? n : 0] = '\0';
	if (n > 0 && now[n - 1] == '\0')
		n--;
	if (n <= 0)
		r = sv_fail(err, EACCES, "relabel off: %.300s has no label "
			    "to check; svirtd leaves it as it is", o->path);
	else if (strcmp(now, label) != 0 &&
		 (label == d->labels.content || strcmp(now, d->labels.shared) != 0))
		r = sv_fail(err, EACCES, "relabel off: %.300s is %.200s, not "
			    "%.200s%s; svirtd leaves it as it is", o->path, now,
			    label, label == d->labels.content ? "" :
			    " nor the shared label");
	sv_relabel_close(o);
	return r;
}

/* o (taken) with label, for disk number disk; only checked if keep. */
static int want_add_label(struct wants *w, size_t disk, const char *label,
			  struct sv_relabel_obj *o, struct sv_error *err)
{
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

static int want_add(struct wants *w, const struct sv_domains *t,
		    const struct sv_domain *d, const struct sv_disk *k,
		    size_t disk, bool keep, struct sv_relabel_obj *o,
		    struct sv_error *err)
{
	const char *label = label_for(t, d, k, o->path);

	if (keep)
		return check_kept(d, label, o, err);
	return want_add_label(w, disk, label, o, err);
}

/* A backing image is read by every guest whose overlay names it, and
 * written by none: shared read-only content at s0, held once per guest. */
struct chain_arg {
	struct wants *w;
	const struct sv_domain *d;
	size_t disk;
	bool keep;
};

static int want_backing(void *arg, struct sv_relabel_obj *o,
			struct sv_error *err)
{
	struct chain_arg *a = arg;

	if (a->keep)
		return check_kept(a->d, a->d->labels.content, o, err);
	return want_add_label(a->w, a->disk, a->d->labels.content, o, err);
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

/* Every object of one disk: the file or node, a loop's backing file, and
 * the images below a qcow2 overlay. */
static int collect_disk(struct wants *w, const struct sv_domains *t,
			const struct sv_domain *d, const struct sv_disk *k,
			size_t disk, bool keep_all, struct sv_error *err)
{
	bool keep = keep_all || sv_config_guest_disk(t->cfg, SV_GOPT_RELABEL_NO,
						     d->uuid, d->name, k->path);
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
	keep = keep || sv_config_guest_disk(t->cfg, SV_GOPT_RELABEL_NO, d->uuid,
					    d->name, o.path);
	/* Before the top is handed on: o stays open only until want_add. */
	r = sv_image_chain(t->rctx, k->path, &o, k->format, want_backing,
			   &(struct chain_arg){ w, d, disk, keep }, err);
	if (r < 0) {
		sv_relabel_close(&o);
		return r;
	}
	if ((r = want_add(w, t, d, k, disk, keep, &o, err)) < 0)
		return r;
	if (!rdev || major(rdev) != LOOP_MAJOR)
		return 0;
	if ((r = sv_blockdev_loop_backing_file(t->rctx->sys, rdev, &backing,
					       err)) < 0 ||
	    (r = sv_relabel_open(t->rctx, backing, &o, err)) < 0)
		return sv_fail_prefix(err, -r, "loop device %.100s", k->path);
	return want_add(w, t, d, k, disk, keep, &o, err);
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
		sv_domain__peek_orig(t, &w->v[i].obj, orig, sizeof(orig));
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
		if (!x && (!complete ||
			   sv_domain__restore_path(t, d, path, false) < 0))
			continue;
		sv_record__drop(&d->rec, i);
		changed = true;
	}
	return changed;
}

/* A VIRT_RESOURCE record for each object this pass relabelled and kept:
 * its label before (as the record keeps it) and after. */
static void audit_set(struct sv_domains *t, const struct sv_domain *d,
		      const struct wants *w)
{
	for (size_t i = 0; i < w->n; i++) {
		ssize_t k;

		if (!w->v[i].set)
			continue;
		k = sv_record__find(&d->rec, w->v[i].obj.path);
		sv_audit_resource(t->audit, SV_DOMAIN_AUDIT_VM(d), "disk",
				  "label", w->v[i].obj.path,
				  k >= 0 ? d->rec.objects[k].orig_label : NULL,
				  w->v[i].label);
	}
}

int sv_domain_label(struct sv_domains *t, struct sv_domain *d,
		    const struct sv_disks *disks)
{
	struct wants w = { 0 };
	struct sv_guest_opts opts;
	struct sv_error err = { "" }, werr;
	bool complete;
	int r = 0;

	d->dirty = false;
	/* A refused guest stays refused: the toolstack destroys it, and its
	 * release restores what it still holds. */
	if (d->state == SV_STATE_ERROR)
		return -ECANCELED;
	if ((r = sv_config_guest_opts(t->cfg, d->uuid, d->name, &opts, &err)) < 0) {
		sv_domain_fail(t, d, -r, err.msg);
		return r;
	}
	for (size_t i = 0; i < disks->n && r == 0; i++)
		if ((r = collect_disk(&w, t, d, &disks->v[i], i,
				      opts.relabel_no, &err)) < 0)
			sv_fail_prefix(&err, -r, "%s %u", disks->v[i].backend,
				       disks->v[i].devid);
	complete = r == 0;
	if (r == 0 && (r = record_intent(t, d, &w, &err)) == 0)
		r = apply(t, &w, &err);
	if (settle(t, d, &w, complete) && sv_domain__store(t, d, &werr) < 0)
		sv_log_dom(t->log, LOG_WARNING, d->domid, d->name,
			   "cannot store the record: %s", werr.msg);
	audit_set(t, d, &w);
	wants_free(&w);
	if (r < 0) {
		sv_domain_fail(t, d, -r, err.msg);
		return r;
	}
	if (d->state != SV_STATE_LABELLED) {
		sv_log_dom(t->log, LOG_INFO, d->domid, d->name,
			   "labelled %zu objects with c%u,c%u", d->rec.nobjects,
			   d->pair.a, d->pair.b);
		sv_audit_machine(t->audit, SV_DOMAIN_AUDIT_VM(d),
				 d->labels.process, d->labels.image);
	}
	d->state = SV_STATE_LABELLED;
	return 0;
}
