/* store.c: svirtd's state store: one record file per guest in a directory it owns.
 * Written by temp file + fsync + rename + fsync(dir), so kill -9 never leaves a torn record. */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the record in memory ---------------------------------------------- */

static void object_free(struct sv_object *o)
{
	free(o->path);
	free(o->orig_label);
	free(o->label);
}

void sv_record_clear(struct sv_record *r)
{
	for (size_t i = 0; i < r->nobjects; i++)
		object_free(&r->objects[i]);
	free(r->objects);
	free(r->name);
	memset(r, 0, sizeof(*r));
}

static int check_string(const char *what, const char *s, bool may_be_empty,
			struct sv_error *err)
{
	size_t len;

	if (!s)
		return sv_fail(err, EINVAL, "%s missing", what);
	len = strnlen(s, SV_RECORD_STR_MAX + 1);
	if (len > SV_RECORD_STR_MAX)
		return sv_fail(err, EINVAL, "%s longer than %d bytes", what,
			       SV_RECORD_STR_MAX);
	if (len == 0 && !may_be_empty)
		return sv_fail(err, EINVAL, "%s empty", what);
	return 0;
}

static int check_object(const char *path, const char *orig, const char *label,
			struct sv_error *err)
{
	int r;

	if ((r = check_string("object path", path, false, err)) < 0 ||
	    (r = check_string("original label", orig, true, err)) < 0 ||
	    (r = check_string("label", label, false, err)) < 0)
		return r;
	if (path[0] != '/') {
		char q[80];

		sv_record_quote(q, sizeof(q), path, strlen(path));
		return sv_fail(err, EINVAL, "object path '%s' is not absolute",
			       q);
	}
	return 0;
}

int sv_record_set_name(struct sv_record *r, const char *name)
{
	char *copy;

	if (check_string("name", name, true, NULL) < 0)
		return -EINVAL;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	free(r->name);
	r->name = copy;
	return 0;
}

static int object_init(struct sv_object *o, const char *path,
		       const char *orig, const char *label)
{
	o->path = strdup(path);
	o->orig_label = strdup(orig);
	o->label = strdup(label);
	if (!o->path || !o->orig_label || !o->label) {
		object_free(o);
		return -ENOMEM;
	}
	return 0;
}

int sv_record_add_object(struct sv_record *r, const char *path,
			 const char *orig, const char *label)
{
	struct sv_object *grown;
	int ret;

	if (check_object(path, orig, label, NULL) < 0)
		return -EINVAL;
	if (r->nobjects >= SV_RECORD_OBJECTS_MAX)
		return -E2BIG;
	for (size_t i = 0; i < r->nobjects; i++)
		if (strcmp(r->objects[i].path, path) == 0)
			return -EEXIST;
	grown = realloc(r->objects, (r->nobjects + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	r->objects = grown;
	ret = object_init(&r->objects[r->nobjects], path, orig, label);
	if (ret < 0)
		return ret;
	r->nobjects++;
	return 0;
}

static bool str_equal(const char *a, const char *b)
{
	return (!a || !b) ? a == b : strcmp(a, b) == 0;
}

bool sv_record_equal(const struct sv_record *a, const struct sv_record *b)
{
	if (strcmp(a->uuid, b->uuid) != 0 || a->domid != b->domid ||
	    !str_equal(a->name, b->name) || a->pair.a != b->pair.a ||
	    a->pair.b != b->pair.b || a->nobjects != b->nobjects)
		return false;
	for (size_t i = 0; i < a->nobjects; i++) {
		const struct sv_object *x = &a->objects[i], *y = &b->objects[i];

		if (!str_equal(x->path, y->path) ||
		    !str_equal(x->orig_label, y->orig_label) ||
		    !str_equal(x->label, y->label))
			return false;
	}
	return true;
}

static int cmp_object_path(const void *a, const void *b)
{
	const struct sv_object *const *x = a, *const *y = b;

	return strcmp((*x)->path, (*y)->path);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorting, not pairwise comparison: a hostile file with 4096 long, nearly
 * equal paths must not cost quadratic time.  Pointers into objs are
 * sorted, so the message can still say which objects clash. */
static int check_unique_paths(const struct sv_object *objs, size_t n,
			      struct sv_error *err)
{
	_cleanup_free_ const struct sv_object **sorted = NULL;
	char q[80];

	if (n < 2)
		return 0;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return sv_fail(err, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		sorted[i] = &objs[i];
	qsort(sorted, n, sizeof(*sorted), cmp_object_path);
	for (size_t i = 1; i < n; i++) {
		const struct sv_object *x = sorted[i - 1], *y = sorted[i];

		if (strcmp(x->path, y->path) != 0)
			continue;
		if (x > y) {
			x = sorted[i];
			y = sorted[i - 1];
		}
		sv_record_quote(q, sizeof(q), x->path, strlen(x->path));
		return sv_fail(err, EEXIST,
			       "object '%s' listed twice (objects %zu and %zu)",
			       q, (size_t)(x - objs) + 1, (size_t)(y - objs) + 1);
	}
	return 0;
}

static int check_uuid(const char *uuid, struct sv_error *err)
{
	char q[80];

	if (!sv_uuid_is_canonical(uuid)) {
		sv_record_quote(q, sizeof(q), uuid, strnlen(uuid, SV_UUID_BUF));
		return sv_fail(err, EINVAL,
			       "uuid '%s' is not 8-4-4-4-12 lower-case hex", q);
	}
	if (sv_uuid_is_nil(uuid))
		return sv_fail(err, EINVAL, "the nil uuid is dom0's, no guest's");
	return 0;
}

static int check_domid(int domid, struct sv_error *err)
{
	if (domid != SV_DOMID_NONE &&
	    (domid < SV_DOMID_MIN || domid > SV_DOMID_MAX))
		return sv_fail(err, EINVAL, "domid %d is not a guest's (%d..%d)",
			       domid, SV_DOMID_MIN, SV_DOMID_MAX);
	return 0;
}

int sv_record_validate(const struct sv_record *r, struct sv_error *err)
{
	int ret;

	if ((ret = check_uuid(r->uuid, err)) < 0 ||
	    (ret = check_domid(r->domid, err)) < 0 ||
	    (ret = check_string("name", r->name, true, err)) < 0)
		return ret;
	if (!sv_pair_valid(r->pair))
		return sv_fail(err, EINVAL, "pair c%u,c%u is not a valid pair",
			       r->pair.a, r->pair.b);
	if (r->nobjects > SV_RECORD_OBJECTS_MAX)
		return sv_fail(err, E2BIG, "%zu objects, at most %d",
			       r->nobjects, SV_RECORD_OBJECTS_MAX);
	if (r->nobjects && !r->objects)
		return sv_fail(err, EINVAL, "objects missing");
	for (size_t i = 0; i < r->nobjects; i++) {
		const struct sv_object *o = &r->objects[i];

		if ((ret = check_object(o->path, o->orig_label, o->label,
					err)) < 0)
			return ret;
	}
	return check_unique_paths(r->objects, r->nobjects, err);
}

/* ---- the store on disk ------------------------------------------------- */

#define TMP_PREFIX ".tmp-"

struct sv_store {
	int dirfd;		/* locked (flock) for as long as the store is open */
	char *path;		/* for messages */
	unsigned long seq;	/* makes temp names unique within this process */
};

/* A new directory's entry must itself be durable before records go in it. */
static int sync_parent(const char *dir, struct sv_error *err)
{
	_cleanup_free_ char *copy = strdup(dir);
	_cleanup_close_ int fd = -1;

	if (!copy)
		return sv_fail(err, ENOMEM, "out of memory");
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		return sv_fail(err, errno, "%s: cannot sync parent directory: %m",
			       dir);
	return 0;
}

static int open_dir(const char *dir, int *out, struct sv_error *err)
{
	_cleanup_close_ int fd = -1;
	bool created = false;
	struct stat st;
	int ret;

	if (mkdir(dir, 0700) == 0)
		created = true;
	else if (errno != EEXIST)
		return sv_fail(err, errno, "%s: cannot create: %m", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sv_fail(err, errno,
			       "%s: cannot open (must be a directory, not a "
			       "symlink): %m", dir);
	/* mkdir's mode went through the umask; the store is ours alone. */
	if (created && fchmod(fd, 0700) < 0)
		return sv_fail(err, errno, "%s: chmod: %m", dir);
	if (created && (ret = sync_parent(dir, err)) < 0)
		return ret;
	if (fstat(fd, &st) < 0)
		return sv_fail(err, errno, "%s: stat: %m", dir);
	/* Whoever can write here can plant a record and steer a restore. */
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return sv_fail(err, EPERM,
			       "%s: must be owned by uid %u and not writable by "
			       "group or others (owner %u, mode %04o)", dir,
			       (unsigned)geteuid(), (unsigned)st.st_uid,
			       (unsigned)(st.st_mode & 07777));
	*out = TAKE_FD(fd);
	return 0;
}

/* A fresh DIR stream: the store's own fd keeps no directory offset. */
static int open_dir_stream(struct sv_store *s, DIR **out, struct sv_error *err)
{
	_cleanup_close_ int fd = -1;

	fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(*out = fdopendir(fd)))
		return sv_fail(err, errno, "%s: cannot list: %m", s->path);
	fd = -1;	/* the stream owns it now */
	return 0;
}

/* Temp files are writes that never reached their rename: we hold the lock,
 * so no writer is alive to finish them. */
static int remove_stale(struct sv_store *s, struct sv_error *err)
{
	struct dirent *e;
	bool removed = false;
	DIR *d;
	int ret = open_dir_stream(s, &d, err);

	if (ret < 0)
		return ret;
	while (ret == 0 && (errno = 0, e = readdir(d))) {
		if (strncmp(e->d_name, TMP_PREFIX, strlen(TMP_PREFIX)) != 0)
			continue;
		if (unlinkat(s->dirfd, e->d_name, 0) < 0) {
			char q[80];

			ret = -errno;
			sv_record_quote(q, sizeof(q), e->d_name,
					strlen(e->d_name));
			sv_fail(err, -ret, "%s/%s: cannot remove stale temp "
				"file: %s", s->path, q, strerror(-ret));
		}
		removed = true;
	}
	if (ret == 0 && errno)
		ret = sv_fail(err, errno, "%s: cannot list: %m", s->path);
	closedir(d);
	if (ret == 0 && removed && fsync(s->dirfd) < 0)
		ret = sv_fail(err, errno, "%s: fsync: %m", s->path);
	return ret;
}

int sv_store_open(const char *dir, struct sv_store **out, struct sv_error *err)
{
	_cleanup_close_ int fd = -1;
	struct sv_store *s;
	int ret;

	if ((ret = open_dir(dir, &fd, err)) < 0)
		return ret;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ?
			sv_fail(err, EBUSY, "%s: in use by another process",
				dir) :
			sv_fail(err, errno, "%s: cannot lock: %m", dir);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(dir))) {
		free(s);
		return sv_fail(err, ENOMEM, "out of memory");
	}
	s->dirfd = TAKE_FD(fd);
	if ((ret = remove_stale(s, err)) < 0) {
		sv_store_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

int sv_store_open_readonly(const char *dir, struct sv_store **out,
			   struct sv_error *err)
{
	_cleanup_close_ int fd = -1;
	struct sv_store *s;
	struct stat st;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return sv_fail(err, errno, "%s: cannot open: %m", dir);
	/* The same trust as svirtd's: a record anyone could plant is no record. */
	if (fstat(fd, &st) < 0)
		return sv_fail(err, errno, "%s: stat: %m", dir);
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		return sv_fail(err, EPERM, "%s: not owned by uid %u, or writable "
			       "by group or others", dir, (unsigned)geteuid());
	if (!(s = calloc(1, sizeof(*s))) || !(s->path = strdup(dir))) {
		free(s);
		return sv_fail(err, ENOMEM, "out of memory");
	}
	s->dirfd = TAKE_FD(fd);
	*out = s;
	return 0;
}

void sv_store_close(struct sv_store *s)
{
	if (!s)
		return;
	close(s->dirfd);
	free(s->path);
	free(s);
}

/* The caller's uuid, checked and made canonical: it becomes a file name. */
static int record_name(struct sv_store *s, const char *uuid,
		       char name[SV_UUID_BUF], struct sv_error *err)
{
	int ret = sv_uuid_normalise(uuid, name, err);

	if (ret < 0)
		return sv_fail_prefix(err, -ret, "%s", s->path);
	if (sv_uuid_is_nil(name))
		return sv_fail(err, EINVAL, "%s: the nil uuid names no guest",
			       s->path);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int create_temp(struct sv_store *s, const char *uuid, char *tmp,
		       size_t size, struct sv_error *err)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd;

		snprintf(tmp, size, TMP_PREFIX "%s-%ld-%lu", uuid,
			 (long)getpid(), s->seq++);
		fd = openat(s->dirfd, tmp,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0600);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			break;
	}
	return sv_fail(err, errno, "%s/%s: cannot create: %m", s->path, tmp);
}

/* Everything up to the rename: the temp file is complete and durable. */
static int fill_temp(int fd, const char *text, size_t len)
{
	int ret;

	/* The umask may have taken bits 0600 needs: we must read it back. */
	if (fchmod(fd, 0600) < 0)
		return -errno;
	if ((ret = write_all(fd, text, len)) < 0)
		return ret;
	return fsync(fd) < 0 ? -errno : 0;
}

int sv_store_write(struct sv_store *s, const struct sv_record *r,
		   struct sv_error *err)
{
	_cleanup_free_ char *text = NULL;
	char tmp[128];
	size_t len;
	int fd, ret;

	ret = sv_record_format(r, &text, &len, err);
	if (ret < 0)
		return sv_fail_prefix(err, -ret, "%s: record for %.36s",
				      s->path, r->uuid);
	fd = create_temp(s, r->uuid, tmp, sizeof(tmp), err);
	if (fd < 0)
		return fd;
	ret = fill_temp(fd, text, len);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && renameat(s->dirfd, tmp, s->dirfd, r->uuid) < 0)
		ret = -errno;
	if (ret < 0) {
		unlinkat(s->dirfd, tmp, 0);
		return sv_fail(err, -ret, "%s/%s: cannot write: %s", s->path,
			       r->uuid, strerror(-ret));
	}
	/* The rename is durable only once the directory is. */
	if (fsync(s->dirfd) < 0)
		return sv_fail(err, errno, "%s: fsync: %m", s->path);
	return 0;
}

/* The whole file, bounded: a record is never larger than SV_RECORD_SIZE_MAX. */
static int read_file(int fd, char **out, size_t *len)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t n = 0, cap;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size > (off_t)SV_RECORD_SIZE_MAX)
		return -EFBIG;
	/* One byte more than the size, to see a file that grew meanwhile. */
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap)
			return -EFBIG;
	}
	*out = TAKE_PTR(buf);
	*len = n;
	return 0;
}

int sv_store_read(struct sv_store *s, const char *uuid, struct sv_record *out,
		  struct sv_error *err)
{
	_cleanup_(sv_record_clear) struct sv_record r = { .name = NULL };
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = -1;
	char name[SV_UUID_BUF];
	size_t len = 0;
	int ret;

	if ((ret = record_name(s, uuid, name, err)) < 0)
		return ret;
	/* O_NONBLOCK: a FIFO planted under a record's name must not hang us. */
	fd = openat(s->dirfd, name,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return sv_fail(err, errno, "%s/%s: %s", s->path, name,
			       errno == ENOENT ? "no record" :
			       errno == ELOOP ? "a symlink, not a record" :
			       strerror(errno));
	if ((ret = read_file(fd, &buf, &len)) < 0)
		return sv_fail(err, -ret == EFBIG || -ret == EINVAL ? EINVAL : -ret,
			       "%s/%s: cannot read: %s", s->path, name,
			       ret == -EINVAL ? "not a regular file" :
			       ret == -EFBIG ? "larger than any record" :
			       strerror(-ret));
	if ((ret = sv_record_parse(buf, len, &r, err)) < 0)
		return sv_fail_prefix(err, -ret, "%s/%s", s->path, name);
	/* A file copied or renamed to another guest's name is not its record. */
	if (strcmp(r.uuid, name) != 0)
		return sv_fail(err, EINVAL, "%s/%s: holds the record of %s",
			       s->path, name, r.uuid);
	*out = r;
	memset(&r, 0, sizeof(r));
	return 0;
}

int sv_store_remove(struct sv_store *s, const char *uuid, struct sv_error *err)
{
	char name[SV_UUID_BUF];
	int ret;

	if ((ret = record_name(s, uuid, name, err)) < 0)
		return ret;
	if (unlinkat(s->dirfd, name, 0) < 0)
		return sv_fail(err, errno, "%s/%s: cannot remove: %s", s->path,
			       name, errno == ENOENT ? "no record" :
			       strerror(errno));
	if (fsync(s->dirfd) < 0)
		return sv_fail(err, errno, "%s: fsync: %m", s->path);
	return 0;
}

void sv_store_list_free(char **uuids, size_t n)
{
	if (!uuids)
		return;
	for (size_t i = 0; i < n; i++)
		free(uuids[i]);
	free(uuids);
}

static int list_add(char ***v, size_t *n, const char *name)
{
	char **grown = realloc(*v, (*n + 1) * sizeof(**v));

	if (!grown)
		return -ENOMEM;
	*v = grown;
	if (!(grown[*n] = strdup(name)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

int sv_store_list(struct sv_store *s, char ***uuids, size_t *n,
		  struct sv_error *err)
{
	char **v = NULL;
	size_t count = 0;
	struct dirent *e;
	DIR *d;
	int ret = open_dir_stream(s, &d, err);

	if (ret < 0)
		return ret;
	while (ret == 0 && (errno = 0, e = readdir(d)))
		if (sv_uuid_is_canonical(e->d_name) &&
		    list_add(&v, &count, e->d_name) < 0)
			ret = sv_fail(err, ENOMEM, "out of memory");
	if (ret == 0 && errno)
		ret = sv_fail(err, errno, "%s: cannot list: %m", s->path);
	closedir(d);
	if (ret < 0) {
		sv_store_list_free(v, count);
		return ret;
	}
	if (count > 1)
		qsort(v, count, sizeof(*v), cmp_strp);
	*uuids = v;
	*n = count;
	return 0;
}
