/* image_chain.c: following a qcow2 overlay down to its base, each backing name resolved
 * as qemu resolves it and refused unless it opens under the relabel roots. */
#include "image_chain.h"
#include "image_chain_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockdev.h"
#include "qcow2.h"

enum fmt { FMT_RAW, FMT_QCOW2 };

void sv_chain__close(struct sv_chain_walk *w)
{
	for (size_t i = 0; i < w->nobjs; i++)
		sv_relabel_close(&w->objs[i]);
	w->nobjs = 0;
}

int sv_chain__deliver(struct sv_chain_walk *w, sv_chain_fn fn, void *arg,
		      struct sv_error *err)
{
	int r = 0;

	for (size_t i = 0; i < w->nobjs && r == 0; i++) {
		struct sv_relabel_obj o = w->objs[i];

		w->objs[i].fd = -1;
		r = fn(arg, &o, err);
	}
	sv_chain__close(w);
	return r;
}

/* size bytes of the object from byte off (with tail, the last size bytes),
 * read through a new fd on the same file (an O_PATH fd cannot be read),
 * and its size; fewer if the file ends first. */
int sv_chain__read(const struct sv_relabel_obj *o, uint64_t off, bool tail,
		   uint8_t *buf, size_t size, size_t *len, uint64_t *file_size,
		   struct stat *st, struct sv_error *err)
{
	uint64_t start;
	_cleanup_close_ int fd = -1;
	char self[64];
	struct stat pst;
	ssize_t n;
	off_t end;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", o->fd);
	if ((fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return sv_fail(err, errno, "%.300s: cannot open it for reading: "
			       "%s", o->path, strerror(errno));
	if (fstat(fd, st) != 0 || fstat(o->fd, &pst) != 0)
		return sv_fail(err, errno, "%.300s: %s", o->path,
			       strerror(errno));
	if (st->st_dev != pst.st_dev || st->st_ino != pst.st_ino)
		return sv_fail(err, EIO, "%.300s: reopened as another file",
			       o->path);
	if (S_ISREG(st->st_mode))
		end = st->st_size;
	else if ((end = lseek(fd, 0, SEEK_END)) < 0)
		return sv_fail(err, errno, "%.300s: cannot find its size: %s",
			       o->path, strerror(errno));
	*file_size = (uint64_t)end;
	*len = 0;
	if (tail) {
		if (size > *file_size)
			size = (size_t)*file_size;
		start = *file_size - size;
	} else {
		if (off >= *file_size)
			return 0;
		if (size > *file_size - off)
			size = (size_t)(*file_size - off);
		start = off;
	}
	while (*len < size) {
		n = pread(fd, buf + *len, size - *len, (off_t)(start + *len));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return sv_fail(err, errno, "%.300s: cannot read it: %s",
				       o->path, strerror(errno));
		if (n == 0)
			break;	/* shrank meanwhile: what was read */
		*len += (size_t)n;
	}
	return 0;
}

static int read_head(const struct sv_relabel_obj *o, uint8_t *buf,
		     size_t size, size_t *len, uint64_t *file_size,
		     struct stat *st, struct sv_error *err)
{
	return sv_chain__read(o, 0, false, buf, size, len, file_size, st, err);
}

/* Identity for the loop check: the device's number for a block node (two
 * nodes may name it), else the inode. */
int sv_chain__remember(struct sv_chain_seen *s, const struct stat *st)
{
	dev_t dev = S_ISBLK(st->st_mode) ? st->st_rdev : st->st_dev;
	ino_t ino = S_ISBLK(st->st_mode) ? 0 : st->st_ino;

	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].dev == dev && s->v[i].ino == ino)
			return -ELOOP;
	s->v[s->n].dev = dev;
	s->v[s->n].ino = ino;
	s->n++;
	return 0;
}

/* qemu's rule: a ':' before any '/' makes a name a protocol (nbd:, file:,
 * json:{...}); svirt-xen follows only plain files. */
static bool names_protocol(const char *s)
{
	return s[strcspn(s, ":/")] == ':';
}

/* qemu's path_combine for an absolute base: name's directory, then rel. */
static int combine(const char *name, const char *rel, char out[static PATH_MAX])
{
	const char *slash = strrchr(name, '/');
	int n;

	if (rel[0] == '/')
		n = snprintf(out, PATH_MAX, "%s", rel);
	else
		n = snprintf(out, PATH_MAX, "%.*s/%s",
			     (int)(slash - name), name, rel);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* The format qemu would open a backing image with, when its overlay names
 * none: qcow2 by its magic, raw for anything no format claims; a format
 * with parents of its own that svirt-xen does not read is refused. */
static int probe(const uint8_t *buf, size_t len, enum fmt *f,
		 const char **other)
{
	static const struct { const char *magic; size_t n; const char *name; }
	known[] = {
		{ "conectix", 8, "vpc (VHD)" },
		{ "KDMV", 4, "vmdk" },
		{ "# Disk DescriptorFile", 21, "vmdk" },
		{ "QED\0", 4, "qed" },
		{ "<<< ", 4, "vdi" },
		{ "vhdxfile", 8, "vhdx" },
	};

	if (sv_qcow2_magic(buf, len)) {
		*f = FMT_QCOW2;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (len >= known[i].n &&
		    memcmp(buf, known[i].magic, known[i].n) == 0) {
			*other = known[i].name;
			return -EINVAL;
		}
	*f = FMT_RAW;
	return 0;
}

static int format_of(const char *s, enum fmt *f)
{
	if (strcmp(s, "raw") == 0)
		*f = FMT_RAW;
	else if (strcmp(s, "qcow2") == 0)
		*f = FMT_QCOW2;
	else
		return -EINVAL;
	return 0;
}

/* One step: obj (format qcow2, given to qemu as name) names its backing;
 * opens it into *next, its name into next_name, its format into *nf.
 * 1 if there is none. */
static int step(struct sv_chain_walk *w, const struct sv_relabel_obj *obj,
		const char *name, struct sv_relabel_obj *next,
		char next_name[static PATH_MAX], enum fmt *nf,
		struct sv_error *err)
{
	_cleanup_free_ uint8_t *buf = malloc(SV_QCOW2_HEAD_MAX);
	char q[SV_QUOTE_BUF], hq[SV_QUOTE_BUF];
	struct sv_qcow2_info info;
	const char *other = NULL;
	uint64_t size;
	struct stat st;
	size_t len;
	int r;

	if (!buf)
		return sv_fail(err, ENOMEM, "out of memory");
	if ((r = read_head(obj, buf, SV_QCOW2_HEAD_MAX, &len, &size, &st,
			   err)) < 0)
		return r;
	if ((r = sv_qcow2_parse(buf, len, size, &info, err)) < 0)
		return sv_fail_prefix(err, -r, "image %.300s", obj->path);
	if (!info.has_backing)
		return 1;
	sv_quote(q, sizeof(q), info.backing, strlen(info.backing));
	sv_quote(hq, sizeof(hq), name, strlen(name));
	if (names_protocol(info.backing))
		return sv_fail(err, EINVAL, "image %.300s names backing file "
			       "\"%s\", a protocol or json: name; svirt-xen "
			       "follows only files", obj->path, q);
	if (info.backing_format[0] && format_of(info.backing_format, nf) < 0)
		return sv_fail(err, EINVAL, "image %.300s names backing file "
			       "\"%s\" in format %s, whose chain svirt-xen does "
			       "not follow", obj->path, q, info.backing_format);
	if (combine(name, info.backing, next_name) < 0)
		return sv_fail(err, ENAMETOOLONG, "image %.300s names backing "
			       "file \"%s\", too long a path from %s",
			       obj->path, q, hq);
	if ((r = sv_relabel_open(w->c, next_name, next, err)) < 0)
		return sv_fail_prefix(err, -r, "image %.300s names backing "
				      "file \"%s\"", obj->path, q);
	/* Before its first byte is read: a disk dom0 uses is none of a
	 * guest's business (the relabel checks it again, with the kernel's
	 * O_EXCL probe). */
	if (next->type == S_IFBLK &&
	    (r = sv_blockdev_check_unused(w->c->sys, next->rdev, err)) < 0) {
		sv_relabel_close(next);
		return sv_fail_prefix(err, -r, "image %.300s names backing "
				      "file \"%s\"", obj->path, q);
	}
	if ((r = read_head(next, buf, 4096, &len, &size, &st, err)) < 0 ||
	    (r = sv_chain__remember(&w->seen, &st)) < 0) {
		sv_relabel_close(next);
		if (r == -ELOOP)
			return sv_fail(err, ELOOP, "image %.300s names backing "
				       "file \"%s\" (%.300s), which is already "
				       "in its chain: a loop", obj->path, q,
				       next->path);
		return sv_fail_prefix(err, -r, "image %.300s names backing "
				      "file \"%s\"", obj->path, q);
	}
	if (!info.backing_format[0] && probe(buf, len, nf, &other) < 0) {
		sv_relabel_close(next);
		return sv_fail(err, EINVAL, "image %.300s names backing file "
			       "\"%s\" (%.300s), which looks like %s, whose "
			       "chain svirt-xen does not follow", obj->path, q,
			       next->path, other);
	}
	return 0;
}

int sv_image_chain(const struct sv_relabel_ctx *c, const char *name,
		   const struct sv_relabel_obj *top, const char *format,
		   sv_chain_fn fn, void *arg, struct sv_error *err)
{
	struct sv_chain_walk w = { .c = c };
	char cur_name[PATH_MAX], next_name[PATH_MAX];
	const struct sv_relabel_obj *cur = top;
	enum fmt f;
	struct stat st;
	int r = 0;

	if (strcmp(format, "vhd") == 0 || strcmp(format, "vpc") == 0)
		return sv_image_chain__vhd(c, top, fn, arg, err);
	if (strcmp(format, "qcow2") != 0)
		return 0;
	if (fstat(top->fd, &st) != 0)
		return sv_fail(err, errno, "%.300s: %s", top->path,
			       strerror(errno));
	sv_chain__remember(&w.seen, &st);
	if (snprintf(cur_name, sizeof(cur_name), "%s", name) >= PATH_MAX)
		return sv_fail(err, ENAMETOOLONG, "image name too long");
	f = FMT_QCOW2;
	/* Everything is opened and checked before fn sees any of it: a bad
	 * link far down refuses the whole chain. */
	while (f == FMT_QCOW2) {
		struct sv_relabel_obj next;

		if (w.nobjs == SV_CHAIN_DEPTH_MAX) {
			r = sv_fail(err, ELOOP, "image %.300s has more than %d "
				    "backing images below it", top->path,
				    SV_CHAIN_DEPTH_MAX);
			break;
		}
		if ((r = step(&w, cur, cur_name, &next, next_name, &f,
			      err)) != 0)
			break;
		w.objs[w.nobjs++] = next;
		cur = &w.objs[w.nobjs - 1];
		memcpy(cur_name, next_name, sizeof(cur_name));
	}
	if (r < 0) {
		sv_chain__close(&w);
		return r;
	}
	return sv_chain__deliver(&w, fn, arg, err);
}
