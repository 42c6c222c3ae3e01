/* relabel.c: the relabel engine: set and restore, side by side, by O_PATH fd.
 * The original label lives in trusted.svirt until the last holder restores. */
#include "relabel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "context.h"
#include "relabel_internal.h"

/* ---- context ---- */

int sv_relabel_ctx_init(struct sv_relabel_ctx *c, const struct sv_config *cfg,
			const struct sv_sysroots *sys, const char *boot_id_path,
			struct sv_error *err)
{
	const char *path = boot_id_path ? boot_id_path : SV_BOOT_ID_PATH;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	char buf[SV_BOOT_ID_LEN + 2];
	ssize_t n;

	if (fd < 0)
		return sv_fail(err, errno, "%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return sv_fail(err, errno, "%s: %s", path, strerror(errno));
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (!sv_boot_id_valid(buf, (size_t)n))
		return sv_fail(err, EINVAL, "%s: not a boot id", path);
	c->cfg = cfg;
	c->sys = sys;
	c->default_label = NULL;
	c->default_arg = NULL;
	memcpy(c->boot_id, buf, SV_BOOT_ID_LEN);
	c->boot_id[SV_BOOT_ID_LEN] = '\0';
	return 0;
}

/* ---- xattrs through the fd (f*xattr refuse O_PATH fds) ---- */

static void fd_path(int fd, char buf[static 32])
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

/* Length read, 0 with *none set if absent, or -errno (-ERANGE: too long). */
static ssize_t xget(int fd, const char *name, char *buf, size_t size,
		    bool *none)
{
	char p[32];
	ssize_t n;

	fd_path(fd, p);
	*none = false;
	n = getxattr(p, name, buf, size);
	if (n < 0 && errno == ENODATA) {
		*none = true;
		return 0;
	}
	return n < 0 ? -errno : n;
}

static int xset(int fd, const char *name, const char *val, size_t len,
		int flags)
{
	char p[32];

	fd_path(fd, p);
	return setxattr(p, name, val, len, flags) < 0 ? -errno : 0;
}

static int xremove(int fd, const char *name)
{
	char p[32];

	fd_path(fd, p);
	return removexattr(p, name) < 0 && errno != ENODATA ? -errno : 0;
}

/* What the object carries now. */
struct state {
	bool has_rec;
	struct sv_relabel_record rec;
	bool has_label;
	char label[SV_RELABEL_LABEL_MAX + 1];
	size_t label_len;
};

static int read_record(const struct sv_relabel_obj *obj, struct state *s,
		       struct sv_error *err)
{
	char buf[SV_RELABEL_RECORD_MAX + 1];
	bool none;
	ssize_t n = xget(obj->fd, SV_RELABEL_XATTR, buf, sizeof(buf), &none);
	int r;

	if (n == -ERANGE || n > SV_RELABEL_RECORD_MAX)
		return sv_fail(err, EINVAL, "%.300s: " SV_RELABEL_XATTR " is "
			       "longer than %d bytes; not touching it",
			       obj->path, SV_RELABEL_RECORD_MAX);
	if (n < 0 && sv_relabel__refused_by_policy((int)-n))
		return sv_relabel__refused(obj->fd, obj->path, (int)-n,
					   "reading " SV_RELABEL_XATTR, err);
	if (n < 0)
		return sv_fail(err, (int)-n, "%.300s: cannot read " SV_RELABEL_XATTR
			       ": %s", obj->path, strerror((int)-n));
	s->has_rec = !none;
	if (none)
		return 0;
	if ((r = sv_relabel_record_parse(buf, (size_t)n, &s->rec, err)) < 0)
		return sv_fail_prefix(err, -r, "%.300s: malformed " SV_RELABEL_XATTR
				      ", not touching it", obj->path);
	return 0;
}

/* The current label, raw, without the kernel's trailing NUL. */
static int read_label(const struct sv_relabel_obj *obj, struct state *s,
		      struct sv_error *err)
{
	char buf[SV_RELABEL_LABEL_MAX + 2];
	bool none;
	ssize_t n = xget(obj->fd, SELINUX_XATTR, buf, sizeof(buf), &none);

	if (n > 0 && buf[n - 1] == '\0')
		n--;
	if (n == -ERANGE || n > SV_RELABEL_LABEL_MAX)
		return sv_fail(err, EINVAL, "%.300s: its label is longer than %d "
			       "bytes", obj->path, SV_RELABEL_LABEL_MAX);
	if (n < 0 && sv_relabel__refused_by_policy((int)-n))
		return sv_relabel__refused(obj->fd, obj->path, (int)-n,
					   "reading its label", err);
	if (n < 0)
		return sv_fail(err, (int)-n, "%.300s: cannot read " SELINUX_XATTR
			       ": %s", obj->path, strerror((int)-n));
	s->has_label = !none;
	s->label_len = (size_t)n;
	memcpy(s->label, buf, (size_t)n);
	s->label[n] = '\0';
	return 0;
}

static int read_state(const struct sv_relabel_obj *obj, struct state *s,
		      struct sv_error *err)
{
	int r = read_record(obj, s, err);

	return r < 0 ? r : read_label(obj, s, err);
}

/* The same context, even if spelt differently (c1,c2,c3 vs c1.c3). */
static bool same_context(const char *a, size_t alen, const char *b)
{
	struct sv_context ca, cb;

	if (sv_context_parse_n(a, alen, &ca, NULL) == 0 &&
	    sv_context_parse(b, &cb, NULL) == 0)
		return sv_context_equal(&ca, &cb);
	return alen == strlen(b) && memcmp(a, b, alen) == 0;
}

static bool label_is(const struct state *s, const char *label)
{
	return s->has_label && same_context(s->label, s->label_len, label);
}

/* Written with its NUL, as libselinux's setfilecon does.  restoring: for
 * the message, whether label is the original being put back. */
static int write_label(const struct sv_relabel_obj *obj, bool has,
		       const char *label, bool restoring, struct sv_error *err)
{
	int r = has ? xset(obj->fd, SELINUX_XATTR, label, strlen(label) + 1, 0) :
		      xremove(obj->fd, SELINUX_XATTR);
	char what[SV_RELABEL_LABEL_MAX + 48];

	if (r < 0 && sv_relabel__refused_by_policy(-r)) {
		if (!has)
			snprintf(what, sizeof(what), "removing its label (it had "
				 "none before svirt)");
		else
			snprintf(what, sizeof(what), "%s %s", restoring ?
				 "putting back its original label" :
				 "relabelling it to", label);
		return sv_relabel__refused(obj->fd, obj->path, -r, what, err);
	}
	if (r < 0)
		return sv_fail(err, -r, "%.300s: cannot %s " SELINUX_XATTR ": %s",
			       obj->path, has ? "set" : "remove", strerror(-r));
	return 0;
}

static int write_record(const struct sv_relabel_obj *obj,
			const struct sv_relabel_record *rec, bool replace,
			struct sv_error *err)
{
	char buf[SV_RELABEL_RECORD_MAX + 1];
	int n = sv_relabel_record_format(rec, buf, sizeof(buf)), r;

	if (n < 0)
		return sv_fail(err, -n, "%.300s: record does not fit", obj->path);
	r = xset(obj->fd, SV_RELABEL_XATTR, buf, (size_t)n,
		 replace ? XATTR_REPLACE : XATTR_CREATE);
	if (r < 0 && sv_relabel__refused_by_policy(-r))
		return sv_relabel__refused(obj->fd, obj->path, -r, replace ?
					   "updating " SV_RELABEL_XATTR :
					   "remembering its original label "
					   "in " SV_RELABEL_XATTR, err);
	if (r < 0)
		return sv_fail(err, -r, "%.300s: cannot write " SV_RELABEL_XATTR
			       ": %s", obj->path, strerror(-r));
	return 0;
}

static void fill_info(struct sv_relabel_info *info, unsigned refs,
		      const struct sv_relabel_record *rec,
		      enum sv_relabel_stale stale)
{
	if (!info)
		return;
	info->refs = refs;
	info->has_orig = rec->has_orig;
	memcpy(info->orig, rec->orig, sizeof(info->orig));
	info->stale = stale;
	info->orig_refused = false;
	info->restored[0] = '\0';
}

/* ---- set ---- */

static int check_blockdev(const struct sv_relabel_ctx *c,
			  const struct sv_relabel_obj *obj, struct sv_error *err)
{
	int r;

	if (obj->type != S_IFBLK)
		return 0;
	if ((r = sv_blockdev_check_unused(c->sys, obj->rdev, err)) < 0)
		return sv_fail_prefix(err, -r, "%.300s", obj->path);
	if (c->sys ||
	    (r = sv_blockdev_probe_exclusive(NULL, obj->fd, obj->rdev, err)) == 0)
		return 0;
	if (sv_relabel__refused_by_policy(-r))
		return sv_relabel__refused(obj->fd, obj->path, -r,
					   "opening it exclusively (to see "
					   "whether dom0 uses it)", err);
	return sv_fail_prefix(err, -r, "%.300s", obj->path);
}

/* The record a set leaves behind, from what the object carries now. */
static int next_record(const struct sv_relabel_ctx *c, const char *path,
		       const struct state *s, const char *label,
		       struct sv_relabel_record *rec,
		       enum sv_relabel_stale *stale, struct sv_error *err)
{
	bool live = s->has_rec && strcmp(s->rec.boot_id, c->boot_id) == 0;

	*stale = SV_STALE_NONE;
	if (live && !same_context(s->rec.label, strlen(s->rec.label), label))
		return sv_fail(err, EBUSY, "%.200s is held by another guest with "
			       "label %s (%u holders); refusing %s", path,
			       s->rec.label, s->rec.refs, label);
	if (live) {
		if (s->rec.refs >= SV_RELABEL_REFS_MAX)
			return sv_fail(err, EOVERFLOW, "%.300s: too many holders",
				       path);
		*rec = s->rec;
		rec->refs++;
		return 0;
	}
	memset(rec, 0, sizeof(*rec));
	memcpy(rec->boot_id, c->boot_id, sizeof(rec->boot_id));
	rec->refs = 1;
	snprintf(rec->label, sizeof(rec->label), "%s", label);
	if (s->has_rec && label_is(s, s->rec.label)) {
		*stale = SV_STALE_KEPT_ORIGINAL;
		rec->has_orig = s->rec.has_orig;
		memcpy(rec->orig, s->rec.orig, sizeof(rec->orig));
		return 0;
	}
	if (s->has_rec)
		*stale = SV_STALE_DROPPED;
	rec->has_orig = s->has_label;
	if (s->has_label &&
	    sv_relabel_take_label("its current label", s->label, s->label_len, rec->orig,
		       err) < 0)
		return sv_fail_prefix(err, EINVAL, "%.300s: cannot remember the "
				      "original label", path);
	return 0;
}

int sv_relabel_set_obj(const struct sv_relabel_ctx *c,
		       const struct sv_relabel_obj *obj, const char *label,
		       struct sv_relabel_info *info, struct sv_error *err)
{
	struct sv_relabel_record rec;
	enum sv_relabel_stale stale;
	struct sv_context ctx;
	struct state s;
	int r;

	if (!label || strlen(label) > SV_RELABEL_LABEL_MAX)
		return sv_fail(err, EINVAL, "%.300s: no label, or one longer than "
			       "%d bytes", obj->path, SV_RELABEL_LABEL_MAX);
	if (sv_context_parse(label, &ctx, err) < 0)
		return sv_fail_prefix(err, EINVAL, "%.300s: bad label", obj->path);
	if ((r = check_blockdev(c, obj, err)) < 0 ||
	    (r = read_state(obj, &s, err)) < 0 ||
	    (r = next_record(c, obj->path, &s, label, &rec, &stale, err)) < 0)
		return r;
	/* The original is on disk before the label changes, so a crash in
	 * between never loses it. */
	if ((r = write_record(obj, &rec, s.has_rec, err)) < 0)
		return r;
	if (!label_is(&s, label) &&
	    (r = write_label(obj, true, label, false, err)) < 0) {
		/* Undo, so the object carries what it carried before. */
		if (s.has_rec)
			write_record(obj, &s.rec, true, NULL);
		else
			xremove(obj->fd, SV_RELABEL_XATTR);
		return r;
	}
	fill_info(info, rec.refs, &rec, stale);
	return 0;
}

/* ---- restore ---- */

static int restore_obj(const struct sv_relabel_ctx *c,
		       const struct sv_relabel_obj *obj, bool all,
		       struct sv_relabel_info *info, struct sv_error *err)
{
	enum sv_relabel_stale stale = SV_STALE_NONE;
	char orig[SV_RELABEL_LABEL_MAX + 1] = "";
	struct state s;
	bool live, put_back = true;
	int r, refused = 0;

	if ((r = read_state(obj, &s, err)) < 0)
		return r;
	if (!s.has_rec)
		return sv_fail(err, ENODATA, "%.300s: no " SV_RELABEL_XATTR
			       "; svirt never labelled it", obj->path);
	live = strcmp(s.rec.boot_id, c->boot_id) == 0;
	if (live && !all && s.rec.refs > 1) {
		s.rec.refs--;
		if ((r = write_record(obj, &s.rec, true, err)) < 0)
			return r;
		fill_info(info, s.rec.refs, &s.rec, stale);
		return 0;
	}
	if (!live) {
		put_back = label_is(&s, s.rec.label);
		stale = put_back ? SV_STALE_KEPT_ORIGINAL : SV_STALE_DROPPED;
	}
	/* Never one of svirt's own labels as an original (relabel_orig.c);
	 * without a default the record stays, and so does the guest's. */
	if (put_back && s.rec.has_orig &&
	    (refused = sv_relabel_trusted_orig(c, obj, s.rec.orig, orig,
					       err)) < 0)
		return refused;
	/* Label first, record last: a crash in between leaves the record,
	 * and restoring again is harmless. */
	if (put_back &&
	    (r = write_label(obj, s.rec.has_orig, orig, true, err)) < 0)
		return r;
	r = xremove(obj->fd, SV_RELABEL_XATTR);
	if (r < 0 && sv_relabel__refused_by_policy(-r))
		return sv_relabel__refused(obj->fd, obj->path, -r,
					   "removing " SV_RELABEL_XATTR " after "
					   "putting back its label", err);
	if (r < 0)
		return sv_fail(err, -r, "%.300s: cannot remove " SV_RELABEL_XATTR
			       ": %s", obj->path, strerror(-r));
	fill_info(info, 0, &s.rec, stale);
	if (info && refused) {
		info->orig_refused = true;
		memcpy(info->restored, orig, sizeof(info->restored));
	}
	return 0;
}

int sv_relabel_restore_obj(const struct sv_relabel_ctx *c,
			   const struct sv_relabel_obj *obj,
			   struct sv_relabel_info *info, struct sv_error *err)
{
	return restore_obj(c, obj, false, info, err);
}

int sv_relabel_reset_obj(const struct sv_relabel_ctx *c,
			 const struct sv_relabel_obj *obj,
			 struct sv_relabel_info *info, struct sv_error *err)
{
	return restore_obj(c, obj, true, info, err);
}

/* ---- by path ---- */

enum op { OP_SET, OP_RESTORE, OP_RESET };

static int by_path(const struct sv_relabel_ctx *c, const char *path, enum op op,
		   const char *label, struct sv_relabel_info *info,
		   struct sv_error *err)
{
	struct sv_relabel_obj obj;
	int r = sv_relabel_open(c, path, &obj, err);

	if (r < 0)
		return r;
	if (op == OP_SET)
		r = sv_relabel_set_obj(c, &obj, label, info, err);
	else
		r = restore_obj(c, &obj, op == OP_RESET, info, err);
	sv_relabel_close(&obj);
	return r;
}

int sv_relabel_set(const struct sv_relabel_ctx *c, const char *path,
		   const char *label, struct sv_relabel_info *info,
		   struct sv_error *err)
{
	return by_path(c, path, OP_SET, label, info, err);
}

int sv_relabel_restore(const struct sv_relabel_ctx *c, const char *path,
		       struct sv_relabel_info *info, struct sv_error *err)
{
	return by_path(c, path, OP_RESTORE, NULL, info, err);
}

int sv_relabel_reset(const struct sv_relabel_ctx *c, const char *path,
		     struct sv_relabel_info *info, struct sv_error *err)
{
	return by_path(c, path, OP_RESET, NULL, info, err);
}
