/* relabel_open.c: finding the object to relabel: a path resolved, checked against the
 * relabel roots and opened O_PATH without following symlinks; only files and block devices. */
#include "relabel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "relabel_internal.h"

/* A refusal on the first len bytes of a resolved path, open as fd. */
static int refused_at(int fd, const char *resolved, size_t len, int e,
		      const char *what, struct sv_error *err)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%.*s", (int)len, resolved);
	return sv_relabel__refused(fd, path, e, what, err);
}

int sv_relabel_open_nofollow(const char *resolved, int *fd_out,
			     struct sv_error *err)
{
	_cleanup_close_ int dfd = -1;
	const char *p = resolved;

	if (resolved[0] != '/' || resolved[1] == '\0')
		return sv_fail(err, EINVAL, "%.300s: not a resolved path", resolved);
	if ((dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return sv_fail(err, errno, "/: %s", strerror(errno));
	while (*p == '/') {
		const char *next = strchrnul(p + 1, '/');
		size_t n = (size_t)(next - p - 1);
		char comp[NAME_MAX + 1];
		struct stat st;
		int fd;

		if (n == 0 || n > NAME_MAX || (n == 1 && p[1] == '.') ||
		    (n == 2 && p[1] == '.' && p[2] == '.'))
			return sv_fail(err, EINVAL, "%.300s: not a resolved path",
				       resolved);
		memcpy(comp, p + 1, n);
		comp[n] = '\0';
		fd = openat(dfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && sv_relabel__refused_by_policy(errno))
			/* Searching the directory is what was refused. */
			return refused_at(dfd, resolved, p == resolved ? 1 :
					  (size_t)(p - resolved), errno,
					  "looking up a name in it", err);
		if (fd < 0)
			return sv_fail(err, errno, "%.300s: %s", resolved,
				       strerror(errno));
		close(dfd);
		dfd = fd;
		if (fstat(fd, &st) != 0)
			return sv_relabel__refused_by_policy(errno) ?
				refused_at(fd, resolved,
					   (size_t)(next - resolved), errno,
					   "looking at it", err) :
				sv_fail(err, errno, "%.300s: %s", resolved,
					strerror(errno));
		if (S_ISLNK(st.st_mode))
			return sv_fail(err, ELOOP, "%.300s: %.*s became a symlink "
				       "after the path was resolved", resolved,
				       (int)(next - resolved), resolved);
		if (*next && !S_ISDIR(st.st_mode))
			return sv_fail(err, ENOTDIR, "%.300s: %.*s is not a "
				       "directory", resolved,
				       (int)(next - resolved), resolved);
		p = next;
	}
	*fd_out = TAKE_FD(dfd);
	return 0;
}

static const char *type_name(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR: return "directory";
	case S_IFCHR: return "character device";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	case S_IFLNK: return "symlink";
	default: return "special file";
	}
}

/* Only storage: files and block devices.  A file with a second link could
 * be reached by a name outside the roots, which the root check never saw. */
static int check_type(const char *path, const struct stat *st,
		      struct sv_error *err)
{
	if (S_ISDIR(st->st_mode))
		return sv_fail(err, EISDIR, "%.300s is a directory; only regular "
			       "files and block devices are relabelled", path);
	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))
		return sv_fail(err, EINVAL, "%.300s is a %s; only regular files "
			       "and block devices are relabelled", path,
			       type_name(st->st_mode));
	if (S_ISREG(st->st_mode) && st->st_nlink > 1)
		return sv_fail(err, EMLINK, "%.300s has %lu hard links; another "
			       "name for it may lie outside the relabel roots",
			       path, (unsigned long)st->st_nlink);
	return 0;
}

static int resolve(const char *path, char resolved[static PATH_MAX],
		   struct sv_error *err)
{
	if (!path || path[0] != '/')
		return sv_fail(err, EINVAL, "%.300s: not an absolute path",
			       path ? path : "(null)");
	if (strnlen(path, PATH_MAX) >= PATH_MAX)
		return sv_fail(err, ENAMETOOLONG, "path longer than PATH_MAX");
	if (!realpath(path, resolved)) {
		int e = errno;

		if (e == ENOENT)
			return sv_fail(err, ENOENT, "%.300s does not exist", path);
		if (sv_relabel__refused_by_policy(e))
			return sv_relabel__refused(-1, path, e, "looking it up",
						   err);
		return sv_fail(err, e, "%.300s: %s", path, strerror(e));
	}
	return 0;
}

static int open_resolved(const char *resolved, struct sv_relabel_obj *obj,
			 struct sv_error *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if ((r = sv_relabel_open_nofollow(resolved, &fd, err)) < 0)
		return r;
	if (fstat(fd, &st) != 0)
		return sv_relabel__refused_by_policy(errno) ?
			sv_relabel__refused(fd, resolved, errno, "looking at it",
					    err) :
			sv_fail(err, errno, "%.300s: %s", resolved,
				strerror(errno));
	if ((r = check_type(resolved, &st, err)) < 0)
		return r;
	obj->fd = TAKE_FD(fd);
	obj->type = st.st_mode & S_IFMT;
	obj->rdev = S_ISBLK(st.st_mode) ? st.st_rdev : 0;
	memcpy(obj->path, resolved, strlen(resolved) + 1);
	return 0;
}

int sv_relabel_open(const struct sv_relabel_ctx *c, const char *path,
		    struct sv_relabel_obj *obj, struct sv_error *err)
{
	char resolved[PATH_MAX];
	int r = resolve(path, resolved, err);

	if (r < 0)
		return r;
	if (!sv_config_path_under_root(c->cfg, resolved))
		return sv_fail(err, EPERM, "%.200s resolves to %.200s, outside "
			       "the relabel roots", path, resolved);
	return open_resolved(resolved, obj, err);
}

int sv_relabel_open_recorded(const char *resolved, struct sv_relabel_obj *obj,
			     struct sv_error *err)
{
	if (!resolved || strnlen(resolved, PATH_MAX) >= PATH_MAX)
		return sv_fail(err, EINVAL, "recorded path missing or too long");
	return open_resolved(resolved, obj, err);
}

int sv_relabel_open_blockdev(const char *node, dev_t dev,
			     struct sv_relabel_obj *obj, struct sv_error *err)
{
	char resolved[PATH_MAX];
	struct sv_relabel_obj o;
	int r = resolve(node, resolved, err);

	if (r < 0)
		return r;
	if (strncmp(resolved, "/dev/", 5) != 0)
		return sv_fail(err, EPERM, "%.200s resolves to %.200s, not a node "
			       "under /dev", node, resolved);
	if ((r = open_resolved(resolved, &o, err)) < 0)
		return r;
	if (o.type != S_IFBLK || o.rdev != dev) {
		sv_relabel_close(&o);
		return sv_fail(err, EINVAL, "%.300s is not the node of block "
			       "device %u:%u", resolved, major(dev), minor(dev));
	}
	*obj = o;
	return 0;
}

void sv_relabel_close(struct sv_relabel_obj *obj)
{
	if (obj->fd >= 0)
		close(obj->fd);
	obj->fd = -1;
}
