/* image_chain_vhd.c: following a VHD differencing disk to its parents as tapdisk does, each
 * parent locator resolved from the child's directory and refused unless it opens under the relabel roots. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "blockdev.h"
#include "image_chain_internal.h"
#include "vhd.h"

/* The footer tapdisk believes: the last sector's, and the copy in the
 * first sector only when the last holds none (a fixed disk has no copy:
 * its first sector is the guest's).  1 with *f, 0 if o is no VHD. */
static int footer_of(const struct sv_relabel_obj *o, struct sv_vhd_footer *f,
		     uint64_t *size, struct stat *st, struct sv_error *err)
{
	uint8_t buf[SV_VHD_FOOTER_LEN];
	size_t len;
	int r;

	if ((r = sv_chain__read(o, 0, true, buf, sizeof(buf), &len, size, st,
				err)) < 0)
		return r;
	if ((r = sv_vhd_footer_parse(buf, len, f, err)) < 0)
		return sv_fail_prefix(err, -r, "image %.300s (its footer)",
				      o->path);
	if (r == 1)
		return 1;
	if ((r = sv_chain__read(o, 0, false, buf, sizeof(buf), &len, size, st,
				err)) < 0)
		return r;
	if ((r = sv_vhd_footer_parse(buf, len, f, err)) < 0)
		return sv_fail_prefix(err, -r, "image %.300s (its footer's copy)",
				      o->path);
	return r == 1 && f->type != SV_VHD_FIXED;
}

static bool same_file(const struct sv_relabel_obj *a,
		      const struct sv_relabel_obj *b)
{
	struct stat sa, sb;

	if (fstat(a->fd, &sa) != 0 || fstat(b->fd, &sb) != 0)
		return false;
	if (S_ISBLK(sa.st_mode) || S_ISBLK(sb.st_mode))
		return S_ISBLK(sa.st_mode) && S_ISBLK(sb.st_mode) &&
		       sa.st_rdev == sb.st_rdev;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* tapdisk's lookup (libvhd's vhd_find_parent): an absolute name as it
 * stands, then the name under the child's directory; the child's path is
 * resolved already, as tapdisk resolves it.  The number of names. */
static int candidates(const char *child, const char *name,
		      char out[2][PATH_MAX])
{
	const char *slash = strrchr(child, '/');
	int k = 0, n;

	if (name[0] == '/' &&
	    snprintf(out[k++], PATH_MAX, "%s", name) >= PATH_MAX)
		return -ENAMETOOLONG;
	n = snprintf(out[k++], PATH_MAX, "%.*s/%s", (int)(slash - child), child,
		     name);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : k;
}

/* One locator's name, read from the child and decoded. */
static int locator_name(const struct sv_relabel_obj *o,
			const struct sv_vhd_locator *l,
			char name[static SV_VHD_LOCATOR_MAX + 1],
			struct sv_error *err)
{
	uint8_t data[SV_VHD_LOCATOR_MAX];
	uint64_t size;
	struct stat st;
	size_t len;
	int r;

	if ((r = sv_chain__read(o, l->offset, false, data, l->len, &len, &size,
				&st, err)) < 0)
		return r;
	if (len != l->len)
		return sv_fail(err, EIO, "image %.300s: parent locator %u (%s) "
			       "data was cut short while read", o->path,
			       l->entry, sv_vhd_platform_name(l->code));
	if ((r = sv_vhd_locator_decode(l->code, data, len, name, err)) < 0)
		return sv_fail_prefix(err, -r, "image %.300s: parent locator %u "
				      "(%s)", o->path, l->entry,
				      sv_vhd_platform_name(l->code));
	return 0;
}

/* The parent tapdisk opens: the first locator, in entry order, naming a
 * file that exists.  Stricter than tapdisk, which stops there: every
 * locator it reads must decode, every name that exists must open under
 * the roots, and all must be the same file, so that no later change of
 * which one exists can make tapdisk open another file than svirtd labels. */
static int find_parent(const struct sv_chain_walk *w,
		       const struct sv_relabel_obj *o,
		       const struct sv_vhd_header *h,
		       struct sv_relabel_obj *parent, struct sv_error *err)
{
	char name[SV_VHD_LOCATOR_MAX + 1], q[SV_QUOTE_BUF];
	char cand[2][PATH_MAX];
	bool found = false;
	int r = 0, n;

	for (size_t i = 0; i < h->nloc; i++) {
		const struct sv_vhd_locator *l = &h->loc[i];

		if ((r = locator_name(o, l, name, err)) < 0)
			break;
		sv_quote(q, sizeof(q), name, strlen(name));
		if ((n = candidates(o->path, name, cand)) < 0) {
			r = sv_fail(err, ENAMETOOLONG, "image %.300s: parent "
				    "locator %u (%s) names \"%s\", too long a "
				    "path", o->path, l->entry,
				    sv_vhd_platform_name(l->code), q);
			break;
		}
		for (int k = 0; k < n && r == 0; k++) {
			struct sv_relabel_obj x;

			r = sv_relabel_open(w->c, cand[k], &x, err);
			if (r == -ENOENT) {
				r = 0;		/* tapdisk skips it too */
				continue;
			}
			if (r < 0) {
				r = sv_fail_prefix(err, -r, "image %.300s: parent "
						   "locator %u (%s) names \"%s\"",
						   o->path, l->entry,
						   sv_vhd_platform_name(l->code),
						   q);
				break;
			}
			if (!found) {
				*parent = x;
				found = true;
				continue;
			}
			if (!same_file(parent, &x))
				r = sv_fail(err, EINVAL, "image %.300s: parent "
					    "locator %u (%s) names \"%s\" (%.200s), "
					    "another file than an earlier locator "
					    "(%.200s)", o->path, l->entry,
					    sv_vhd_platform_name(l->code), q,
					    x.path, parent->path);
			sv_relabel_close(&x);
		}
		if (r < 0)
			break;
	}
	if (r < 0) {
		if (found)
			sv_relabel_close(parent);
		return r;
	}
	if (!found) {
		sv_quote(q, sizeof(q), h->parent_name, strlen(h->parent_name));
		return sv_fail(err, ENOENT, "image %.300s is a VHD differencing "
			       "disk, but none of its %zu parent locators names "
			       "a file that exists (parent name \"%s\"); tapdisk "
			       "could not open it", o->path, h->nloc, q);
	}
	return 0;
}

/* The dynamic header at the footer's data offset. */
static int read_header(const struct sv_relabel_obj *o,
		       const struct sv_vhd_footer *f, struct sv_vhd_header *h,
		       struct sv_error *err)
{
	uint8_t buf[SV_VHD_HEADER_LEN];
	uint64_t size;
	struct stat st;
	size_t len;
	int r;

	if ((r = sv_chain__read(o, f->data_offset, false, buf, sizeof(buf),
				&len, &size, &st, err)) < 0)
		return r;
	if (f->data_offset < SV_VHD_FOOTER_LEN || f->data_offset > size ||
	    size - f->data_offset < SV_VHD_HEADER_LEN || len != sizeof(buf))
		return sv_fail(err, EINVAL, "image %.300s: its footer's data "
			       "offset %llu leaves no room for a dynamic header "
			       "inside the file (%llu bytes)", o->path,
			       (unsigned long long)f->data_offset,
			       (unsigned long long)size);
	if ((r = sv_vhd_header_parse(buf, len, f->data_offset, size, h,
				     err)) < 0)
		return sv_fail_prefix(err, -r, "image %.300s", o->path);
	return 0;
}

/* One step up from o, a differencing disk with footer *f: opens its parent
 * into *next and puts the parent's footer in *f, its type
 * SV_VHD_FIXED for a raw parent (the chain ends there as well). */
static int step(struct sv_chain_walk *w, const struct sv_relabel_obj *o,
		struct sv_vhd_footer *f, struct sv_relabel_obj *next,
		struct sv_error *err)
{
	struct sv_vhd_header h;
	struct sv_vhd_footer pf;
	uint64_t size;
	struct stat st;
	int r;

	if ((r = read_header(o, f, &h, err)) < 0 ||
	    (r = find_parent(w, o, &h, next, err)) < 0)
		return r;
	/* Before its first byte is read: a disk dom0 uses is none of a
	 * guest's business (the relabel checks it again). */
	if (next->type == S_IFBLK &&
	    (r = sv_blockdev_check_unused(w->c->sys, next->rdev, err)) < 0) {
		sv_fail_prefix(err, -r, "image %.300s: its parent", o->path);
		goto fail;
	}
	if (fstat(next->fd, &st) != 0) {
		r = sv_fail(err, errno, "%.300s: %s", next->path,
			    strerror(errno));
		goto fail;
	}
	if ((r = sv_chain__remember(&w->seen, &st)) < 0) {
		sv_fail(err, ELOOP, "image %.300s: its parent %.300s is already "
			"in its chain: a loop", o->path, next->path);
		goto fail;
	}
	if (h.parent_raw) {
		f->type = SV_VHD_FIXED;
		return 0;
	}
	if ((r = footer_of(next, &pf, &size, &st, err)) < 0)
		goto fail;
	if (r == 0) {
		r = sv_fail(err, EINVAL, "image %.300s names a parent unique id, "
			    "but its parent %.300s is no VHD (a raw parent has "
			    "none)", o->path, next->path);
		goto fail;
	}
	if (memcmp(pf.uuid, h.parent_uuid, sizeof(pf.uuid)) != 0) {
		r = sv_fail(err, EINVAL, "image %.300s: its parent %.300s has "
			    "another unique id than the header's parent unique "
			    "id (tapdisk refuses it too)", o->path, next->path);
		goto fail;
	}
	*f = pf;
	return 0;
fail:
	sv_relabel_close(next);
	return r;
}

int sv_image_chain__vhd(const struct sv_relabel_ctx *c,
			const struct sv_relabel_obj *top, sv_chain_fn fn,
			void *arg, struct sv_error *err)
{
	struct sv_chain_walk w = { .c = c };
	const struct sv_relabel_obj *cur = top;
	struct sv_vhd_footer f;
	uint64_t size;
	struct stat st;
	int r;

	if ((r = footer_of(top, &f, &size, &st, err)) <= 0)
		return r;	/* no VHD: the backend will not open it */
	sv_chain__remember(&w.seen, &st);
	/* Every parent is opened and checked before fn sees any: a bad link
	 * far up refuses the whole chain. */
	while (f.type == SV_VHD_DIFFERENCING) {
		struct sv_relabel_obj next;

		if (w.nobjs == SV_CHAIN_DEPTH_MAX) {
			r = sv_fail(err, ELOOP, "image %.300s has more than %d "
				    "parents above it", top->path,
				    SV_CHAIN_DEPTH_MAX);
			break;
		}
		if ((r = step(&w, cur, &f, &next, err)) < 0)
			break;
		w.objs[w.nobjs++] = next;
		cur = &w.objs[w.nobjs - 1];
	}
	if (r < 0) {
		sv_chain__close(&w);
		return r;
	}
	return sv_chain__deliver(&w, fn, arg, err);
}
