/* blockdev.c: refuses block devices dom0 uses, from mountinfo, swaps and sysfs.
 * Plus the kernel's own O_EXCL probe and the loop backing-file lookup. */
#include "blockdev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define MOUNTINFO_MAX (64u * 1024 * 1024)	/* ~ 300k mounts */
#define SYSFS_VALUE_MAX 8192

static const char *proc_root(const struct sv_sysroots *r)
{
	return r && r->proc ? r->proc : "/proc";
}

static const char *sys_root(const struct sv_sysroots *r)
{
	return r && r->sys ? r->sys : "/sys";
}

/* The whole of a (virtual) file, NUL-terminated; -EFBIG past max. */
static int read_all(int dirfd, const char *path, size_t max, char **out,
		    size_t *lenp)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	do {
		if (len + 1 >= cap) {
			char *nb;

			if (cap > max)
				return -EFBIG;
			cap = cap ? cap * 2 : 4096;
			if (!(nb = realloc(buf, cap)))
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0)
			len += (size_t)n;
	} while (n != 0);
	if (len > max)
		return -EFBIG;
	buf[len] = '\0';
	*out = TAKE_PTR(buf);
	if (lenp)
		*lenp = len;
	return 0;
}

/* ---- mountinfo ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A decimal number filling [s, end) exactly, below 2^32. */
static bool parse_uint(const char *s, const char *end, unsigned *out)
{
	unsigned long long v = 0;

	if (s == end || (*s == '0' && end - s > 1))
		return false;
	for (; s < end; s++) {
		if (!is_digit(*s) || (v = v * 10 + (unsigned)(*s - '0')) > 0xffffffffu)
			return false;
	}
	*out = (unsigned)v;
	return true;
}

/* The kernel escapes space, tab, newline and backslash as \ooo; anything
 * else after a backslash, or an encoded NUL, is not from the kernel. */
static bool unescape(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\\') {
			if (n - i < 4 || s[i + 1] < '0' || s[i + 1] > '3' ||
			    s[i + 2] < '0' || s[i + 2] > '7' || s[i + 3] < '0' ||
			    s[i + 3] > '7')
				return false;
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
				   (s[i + 3] - '0'));
			if (c == '\0')
				return false;
			i += 3;
		} else if (c == '\0') {
			return false;
		}
		if (o + 1 >= size)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

#define MI_FIELDS_MAX 64

struct field {
	const char *s;
	size_t n;
};

/* Fields are separated by exactly one space; empty ones are kept so that
 * a doubled space shows up as a malformed line. */
static size_t split(const char *line, size_t len, struct field *f, size_t max)
{
	size_t nf = 0, start = 0;

	for (size_t i = 0; i <= len; i++)
		if (i == len || line[i] == ' ') {
			if (nf == max)
				return max + 1;
			f[nf++] = (struct field){ line + start, i - start };
			start = i + 1;
		}
	return nf;
}

int sv_mountinfo_parse_line(const char *line, size_t len, struct sv_mount *out,
			    struct sv_error *err)
{
	struct field f[MI_FIELDS_MAX];
	size_t nf = split(line, len, f, MI_FIELDS_MAX), sep = 0;
	const char *colon;
	unsigned id, parent;
	struct sv_mount m;

	if (nf > MI_FIELDS_MAX)
		return sv_fail(err, EINVAL, "too many fields");
	for (size_t i = 6; i < nf && !sep; i++)
		if (f[i].n == 1 && f[i].s[0] == '-')
			sep = i;
	if (!sep || nf != sep + 4)
		return sv_fail(err, EINVAL,
			       "expected \"ID PARENT MAJ:MIN ROOT MOUNTPOINT "
			       "OPTIONS [OPTIONAL...] - TYPE SOURCE SUPEROPTIONS\"");
	if (!parse_uint(f[0].s, f[0].s + f[0].n, &id) ||
	    !parse_uint(f[1].s, f[1].s + f[1].n, &parent))
		return sv_fail(err, EINVAL, "bad mount id");
	colon = memchr(f[2].s, ':', f[2].n);
	if (!colon || !parse_uint(f[2].s, colon, &m.major) ||
	    !parse_uint(colon + 1, f[2].s + f[2].n, &m.minor))
		return sv_fail(err, EINVAL, "bad MAJ:MIN");
	if (f[3].n == 0 || f[3].s[0] != '/' || f[4].n == 0 ||
	    f[4].s[0] != '/' ||
	    !unescape(f[4].s, f[4].n, m.mountpoint, sizeof(m.mountpoint)))
		return sv_fail(err, EINVAL, "bad root or mount point");
	if (f[sep + 1].n == 0 ||
	    !unescape(f[sep + 2].s, f[sep + 2].n, m.source, sizeof(m.source)))
		return sv_fail(err, EINVAL, "bad type or mount source");
	*out = m;
	return 0;
}

/* Is dev mounted?  By number (what stat's st_dev shows), or by the mount's
 * source node, which is what btrfs and some others report instead. */
static int find_mount(const char *mi, size_t len, dev_t dev, const char *name,
		      struct sv_error *err)
{
	_cleanup_free_ struct sv_mount *m = malloc(sizeof(*m));
	const char *line = mi, *end = mi + len;
	unsigned n = 0;

	if (!m)
		return -ENOMEM;
	for (; line < end; n++) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t l = nl ? (size_t)(nl - line) : (size_t)(end - line);
		struct stat st;
		int r = sv_mountinfo_parse_line(line, l, m, err);

		if (r < 0)
			return sv_fail_prefix(err, -r, "mountinfo line %u", n + 1);
		line += l + 1;
		if (makedev(m->major, m->minor) == dev)
			return sv_fail(err, EBUSY, "%s is mounted at %s", name,
				       m->mountpoint);
		if (strncmp(m->source, "/dev/", 5) == 0 &&
		    stat(m->source, &st) == 0 && S_ISBLK(st.st_mode) &&
		    st.st_rdev == dev)
			return sv_fail(err, EBUSY, "%s is mounted at %s (as %s)",
				       name, m->mountpoint, m->source);
	}
	return 0;
}

/* ---- swaps ---- */

/* Swap lines are "FILENAME TYPE SIZE USED PRIO", the name \ooo-escaped and
 * padded with spaces or tabs. */
static int find_swap(const char *sw, size_t len, dev_t dev, const char *name,
		     struct sv_error *err)
{
	const char *line = sw, *end = sw + len;
	char path[PATH_MAX];

	if (len > 0 && strncmp(sw, "Filename", 8) != 0)
		return sv_fail(err, EINVAL, "swaps: no header line");
	for (bool header = true; line < end; header = false) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t l = nl ? (size_t)(nl - line) : (size_t)(end - line);
		size_t w = strcspn(line, " \t\n");
		struct stat st;

		if (!header && l > 0) {
			if (w > l || !unescape(line, w, path, sizeof(path)))
				return sv_fail(err, EINVAL, "swaps: bad file name");
			if (stat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
			    st.st_rdev == dev)
				return sv_fail(err, EBUSY, "%s is used as swap (%s)",
					       name, path);
		}
		line += l + 1;
	}
	return 0;
}

/* ---- sysfs ---- */

/* A sysfs "MAJ:MIN\n" value. */
static int read_devno(int dirfd, const char *path, dev_t *out)
{
	_cleanup_free_ char *v = NULL;
	unsigned maj, min;
	size_t len;
	char *colon;
	int r = read_all(dirfd, path, SYSFS_VALUE_MAX, &v, &len);

	if (r < 0)
		return r;
	if (len > 0 && v[len - 1] == '\n')
		v[--len] = '\0';
	colon = strchr(v, ':');
	if (!colon || !parse_uint(v, colon, &maj) ||
	    !parse_uint(colon + 1, v + len, &min))
		return -EINVAL;
	*out = makedev(maj, min);
	return 0;
}

static int open_devdir(const struct sv_sysroots *r, dev_t dev, const char *name,
		       struct sv_error *err)
{
	char path[PATH_MAX];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/dev/block/%u:%u",
			     sys_root(r), major(dev), minor(dev)) >= sizeof(path))
		return sv_fail(err, ENAMETOOLONG, "sysfs root too long");
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return sv_fail(err, ENODEV, "%s: no such block device (%s)", name,
			       path);
	if (fd < 0)
		return sv_fail(err, errno, "%s: cannot open %s: %s", name, path,
			       strerror(errno));
	return fd;
}

/* A holder (dm, md, bcache, LVM) means dom0 builds on the device, mounted
 * or not; giving it to a guest would corrupt whatever sits on top. */
static int find_holder(int devdir, const char *name, struct sv_error *err)
{
	int fd = openat(devdir, "holders", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;
	int r = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : sv_fail(err, errno,
			"%s: cannot read holders: %s", name, strerror(errno));
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -ENOMEM;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			r = sv_fail(err, EBUSY, "%s is held by %.255s "
				    "(device-mapper, md or similar)", name,
				    e->d_name);
			break;
		}
	closedir(d);
	return r;
}

struct uses {
	const struct sv_sysroots *r;
	const char *mi, *sw;
	size_t mi_len, sw_len;
};

static int check_one(const struct uses *u, int devdir, dev_t dev,
		     const char *name, struct sv_error *err)
{
	int r = find_mount(u->mi, u->mi_len, dev, name, err);

	if (r == 0)
		r = find_swap(u->sw, u->sw_len, dev, name, err);
	if (r == 0)
		r = find_holder(devdir, name, err);
	return r;
}

/* Partitions are the sub-directories of a disk's sysfs directory that have
 * a "partition" file. */
static int check_partitions(const struct uses *u, int devdir, const char *disk,
			    struct sv_error *err)
{
	int fd = openat(devdir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *e;
	DIR *d;
	int r = 0;

	if (fd < 0)
		return -errno;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -ENOMEM;
	}
	while (r == 0 && (e = readdir(d))) {
		char name[320], pfile[300];
		_cleanup_close_ int pdir = -1;
		struct stat st;
		dev_t pdev;

		snprintf(pfile, sizeof(pfile), "%.255s/partition", e->d_name);
		if (e->d_name[0] == '.' ||
		    fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(st.st_mode) || faccessat(fd, pfile, F_OK, 0) != 0)
			continue;
		pdir = openat(fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (pdir < 0 || read_devno(pdir, "dev", &pdev) < 0) {
			r = sv_fail(err, EIO, "%s: partition %.255s: no device number",
				    disk, e->d_name);
			break;
		}
		snprintf(name, sizeof(name), "%.40s's partition %.255s", disk,
			 e->d_name);
		r = check_one(u, pdir, pdev, name, err);
	}
	closedir(d);
	return r;
}

static int load(const char *root, const char *file, size_t max, char **out,
		size_t *len, struct sv_error *err)
{
	char path[PATH_MAX];
	int r;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", root, file) >=
	    sizeof(path))
		return sv_fail(err, ENAMETOOLONG, "proc root too long");
	r = read_all(AT_FDCWD, path, max, out, len);
	if (r < 0)
		return sv_fail(err, -r, "cannot read %s: %s", path, strerror(-r));
	return 0;
}

int sv_blockdev_check_unused(const struct sv_sysroots *r, dev_t dev,
			     struct sv_error *err)
{
	_cleanup_free_ char *mi = NULL, *sw = NULL;
	_cleanup_close_ int devdir = -1;
	struct uses u = { .r = r };
	char name[32];
	int ret;

	snprintf(name, sizeof(name), "block device %u:%u", major(dev),
		 minor(dev));
	if ((devdir = open_devdir(r, dev, name, err)) < 0)
		return devdir;
	if ((ret = load(proc_root(r), "self/mountinfo", MOUNTINFO_MAX, &mi,
			&u.mi_len, err)) < 0 ||
	    (ret = load(proc_root(r), "swaps", MOUNTINFO_MAX, &sw, &u.sw_len,
			err)) < 0)
		return ret;
	u.mi = mi;
	u.sw = sw;
	if ((ret = check_one(&u, devdir, dev, name, err)) < 0)
		return ret;
	return check_partitions(&u, devdir, name, err);
}

/* ---- the kernel's word, and loop devices ---- */

static bool loop_autoclear(const struct sv_sysroots *r, dev_t dev)
{
	_cleanup_close_ int devdir = open_devdir(r, dev, "", NULL);
	_cleanup_free_ char *v = NULL;

	return devdir >= 0 &&
	       read_all(devdir, "loop/autoclear", SYSFS_VALUE_MAX, &v, NULL) == 0 &&
	       v[0] == '1';
}

int sv_blockdev_probe_exclusive(const struct sv_sysroots *r, int fd, dev_t dev,
				struct sv_error *err)
{
	char path[64];
	struct stat st;
	int efd;

	if (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode) || st.st_rdev != dev)
		return sv_fail(err, EINVAL, "not the node of block device %u:%u",
			       major(dev), minor(dev));
	if (loop_autoclear(r, dev))
		return 0;
	/* Reopened through the magic link, so it is the node fd names; the
	 * exclusive claim ends when efd is closed. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	efd = open(path, O_RDONLY | O_EXCL | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (efd < 0 && errno == EBUSY)
		return sv_fail(err, EBUSY, "block device %u:%u is in use by the "
			       "kernel (mounted, swap, or claimed by dm, md or "
			       "a filesystem)", major(dev), minor(dev));
	if (efd < 0)
		return sv_fail(err, errno, "block device %u:%u: cannot open: %s",
			       major(dev), minor(dev), strerror(errno));
	close(efd);
	return 0;
}

int sv_blockdev_loop_backing_file(const struct sv_sysroots *r, dev_t dev,
				  char **out, struct sv_error *err)
{
	static const char deleted[] = " (deleted)";
	_cleanup_close_ int devdir = -1;
	_cleanup_free_ char *v = NULL;
	char name[32];
	size_t len;
	int ret;

	snprintf(name, sizeof(name), "loop device %u:%u", major(dev), minor(dev));
	if ((devdir = open_devdir(r, dev, name, err)) < 0)
		return devdir;
	ret = read_all(devdir, "loop/backing_file", PATH_MAX + sizeof(deleted),
		       &v, &len);
	if (ret == -ENOENT)
		return sv_fail(err, ENXIO, "%s is not an attached loop device",
			       name);
	if (ret < 0)
		return sv_fail(err, -ret, "%s: cannot read its backing file: %s",
			       name, strerror(-ret));
	if (len > 0 && v[len - 1] == '\n')
		v[--len] = '\0';
	if (len >= sizeof(deleted) - 1 &&
	    strcmp(v + len - (sizeof(deleted) - 1), deleted) == 0)
		return sv_fail(err, ENOENT, "%s: its backing file was deleted",
			       name);
	if (v[0] != '/' || len >= PATH_MAX)
		return sv_fail(err, EINVAL, "%s: backing file is not an absolute "
			       "path", name);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return sv_fail(err, EINVAL, "%s: backing file name has a "
				       "control character", name);
	*out = TAKE_PTR(v);
	return 0;
}
