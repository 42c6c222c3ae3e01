/* tmpfs.c: the private tree the xattr tests run in (test_relabel, test_domain, test_blockdev,
 * the svirtd host tests): own pid and mount namespaces, the host read-only, a tmpfs to write. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tmpfs.h"

static void sandbox_fail(const char *what)
{
	fprintf(stderr, "sandbox: %s: %s\n", what, strerror(errno));
	exit(1);
}

void sandbox_enter(void)
{
	int status, alive[2];
	pid_t pid;
	char c;

	if (geteuid() != 0)
		return;
	if (unshare(CLONE_NEWNS | CLONE_NEWPID) != 0)
		sandbox_fail("unshare(CLONE_NEWNS | CLONE_NEWPID)");
	/* The child sees EOF on alive[0] once the parent is gone. */
	if (pipe2(alive, O_CLOEXEC | O_NONBLOCK) != 0)
		sandbox_fail("pipe");
	fflush(NULL);
	if ((pid = fork()) < 0)
		sandbox_fail("fork");
	if (pid > 0) {
		/* The host side: only waits.  If it is killed (a timeout),
		 * the test goes with it, by PDEATHSIG. */
		close(alive[0]);
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				sandbox_fail("waitpid");
		/* _exit: the namespace its children would go into has
		 * died with the test, so LeakSanitizer's exit-time check
		 * could not clone its tracer here (ENOMEM); this side holds
		 * nothing to check. */
		if (WIFSIGNALED(status)) {
			fprintf(stderr, "sandbox: test killed by signal %d\n",
				WTERMSIG(status));
			_exit(128 + WTERMSIG(status));
		}
		_exit(WEXITSTATUS(status));
	}
	close(alive[1]);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		sandbox_fail("PR_SET_PDEATHSIG");
	/* getppid() is 0 across the namespace: the pipe tells whether the
	 * parent died before PDEATHSIG was armed. */
	if (read(alive[0], &c, 1) != -1 || errno != EAGAIN)
		_exit(1);
	close(alive[0]);
	/* Pid 1 ignores signals it has no handler for, SIGKILL from
	 * inside included; the test's own children are still killable. */
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		sandbox_fail("cannot make / private");
	/* A /proc of this pid namespace: /proc/<pid> of a host process,
	 * and its /proc/<pid>/root, do not exist here. */
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) != 0)
		sandbox_fail("cannot mount a private /proc");
}

/* Why a file on top cannot hold the xattrs the tests use, or NULL. */
static const char *probe(const char *top, const char *const labels[])
{
	char path[4096];
	const char *why = NULL;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/probe", top) >=
	    sizeof(path))
		return "path of the tmpfs too long";
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		       0644)) < 0)
		return "cannot create a file on the tmpfs";
	close(fd);
	if (setxattr(path, "trusted.svirt-probe", "1", 1, 0) != 0)
		why = "this tmpfs has no trusted.* xattrs";
	for (size_t i = 0; !why && labels && labels[i]; i++)
		if (setxattr(path, "security.selinux", labels[i],
			     strlen(labels[i]) + 1, 0) != 0)
			why = "security.selinux cannot be set to the test labels "
			      "(no xattr support, or an SELinux policy without "
			      "them)";
	unlink(path);
	return why;
}

static int set_ro(const char *path, unsigned int flags, int ro)
{
	struct mount_attr attr = { 0 };

	if (ro)
		attr.attr_set = MOUNT_ATTR_RDONLY;
	else
		attr.attr_clr = MOUNT_ATTR_RDONLY;
	return mount_setattr(AT_FDCWD, path, flags, &attr, sizeof(attr));
}

/* The MS_ flags to keep of a mount, from mountinfo's per-mount options. */
static unsigned long mount_flags(const char *opts)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} known[] = {
		{ "nosuid", MS_NOSUID },	 { "nodev", MS_NODEV },
		{ "noexec", MS_NOEXEC },	 { "noatime", MS_NOATIME },
		{ "nodiratime", MS_NODIRATIME }, { "relatime", MS_RELATIME },
		{ "strictatime", MS_STRICTATIME },
	};
	unsigned long f = 0;
	char copy[1024], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", opts);
	for (char *o = strtok_r(copy, ",", &save); o;
	     o = strtok_r(NULL, ",", &save))
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(o, known[i].name) == 0)
				f |= known[i].flag;
	return f;
}

/* mountinfo's octal escapes (\040 for a space) decoded in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++, w++)
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
				    (s[3] - '0'));
			s += 3;
		} else {
			*w = *s;
		}
	*w = '\0';
}

static bool below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Where mount_setattr(2) is missing (valgrind does not know it, kernels
 * before 5.12): each mount listed in mountinfo remounted read-only by its
 * path, but /tmp and /proc, which are this namespace's own, and what lies
 * below them (hidden under them, and out of reach by path). */
static const char *lock_each_mount(void)
{
	char line[8192], mp[4096], opts[1024];
	const char *why = NULL;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return "cannot read /proc/self/mountinfo";
	while (!why && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s %1023s", mp, opts) != 2)
			why = "cannot parse /proc/self/mountinfo";
		else if (unescape(mp), below(mp, "/tmp") || below(mp, "/proc"))
			continue;
		else if (mount("none", mp, "none",
			       MS_REMOUNT | MS_BIND | MS_RDONLY |
				       mount_flags(opts), NULL) != 0)
			why = "cannot remount a host mount read-only";
	}
	fclose(f);
	if (!why && (mount("/proc/sys", "/proc/sys", "none", MS_BIND, NULL) != 0 ||
		     mount("none", "/proc/sys", "none",
			   MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
				   MS_NODEV | MS_NOEXEC, NULL) != 0))
		why = "cannot make /proc/sys read-only";
	return why;
}

/* The trees the test runs from (its working directory, its binary's
 * directory), where they lie below /tmp, as a clean clone in /tmp does:
 * hidden by the private /tmp, they are bound back into it at their paths,
 * read-only like the rest of the host. */
struct kept {
	size_t n;
	int fd[2];
	char path[2][4096];
};

/* Records "/tmp/<first component>" of dir in k (a directory, or the binary
 * itself right in /tmp), with a descriptor on it. */
static void keep_tree(struct kept *k, const char *dir)
{
	size_t n;
	int fd;

	if (!below(dir, "/tmp") || !dir[4])
		return;
	n = 5 + strcspn(dir + 5, "/");
	for (size_t i = 0; i < k->n; i++)
		if (strlen(k->path[i]) == n && strncmp(k->path[i], dir, n) == 0)
			return;
	if (n >= sizeof(k->path[0]) || k->n == 2)
		return;
	memcpy(k->path[k->n], dir, n);
	k->path[k->n][n] = '\0';
	if ((fd = open(k->path[k->n], O_PATH | O_CLOEXEC)) >= 0)
		k->fd[k->n++] = fd;
}

static void keep_find(struct kept *k)
{
	char dir[4096];
	ssize_t n;

	k->n = 0;
	if (getcwd(dir, sizeof(dir)))
		keep_tree(k, dir);
	if ((n = readlink("/proc/self/exe", dir, sizeof(dir) - 1)) > 0) {
		dir[n] = '\0';
		keep_tree(k, dir);
	}
}

/* A mount point at path for what fd is: a directory or an empty file. */
static int make_point(int fd, const char *path)
{
	struct stat st;
	int f;

	if (fstat(fd, &st) != 0)
		return -1;
	if (S_ISDIR(st.st_mode))
		return mkdir(path, 0755) != 0 && errno != EEXIST ? -1 : 0;
	if ((f = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return -1;
	close(f);
	return 0;
}

/* Binds each kept tree back at its path in the private /tmp. */
static const char *keep_restore(struct kept *k)
{
	char src[64];
	const char *why = NULL;

	for (size_t i = 0; i < k->n; i++) {
		snprintf(src, sizeof(src), "/proc/self/fd/%d", k->fd[i]);
		if (!why && (make_point(k->fd[i], k->path[i]) != 0 ||
			     mount(src, k->path[i], "none", MS_BIND | MS_REC, NULL) != 0))
			why = "cannot bind the tree the test runs from into the private /tmp";
		close(k->fd[i]);
	}
	return why;
}

/* The kept trees read-only again, after /tmp was made writable. */
static const char *keep_lock(const struct kept *k, bool setattr)
{
	for (size_t i = 0; i < k->n; i++)
		if (setattr ? set_ro(k->path[i], AT_RECURSIVE, 1) != 0 :
			      mount("none", k->path[i], "none",
				    MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) != 0)
			return "cannot make the tree the test runs from read-only";
	return NULL;
}

/* Every mount of the namespace read-only, in one call that also reaches
 * mounts hidden under others; then /tmp (the private tmpfs and top) and
 * /proc writable again, /proc/sys (the host's sysctls) kept read-only.  The
 * flags are the mounts' copies in this namespace: the host's stay as they
 * are. */
static const char *lock_host(const struct kept *k)
{
	const char *why;

	if (set_ro("/", AT_RECURSIVE, 1) != 0)
		return errno != ENOSYS ? "cannot make the host's mounts "
					 "read-only (mount_setattr)" :
		       (why = lock_each_mount()) ? why : keep_lock(k, false);
	if (set_ro("/tmp", AT_RECURSIVE, 0) != 0)
		return "cannot make the private /tmp writable";
	if ((why = keep_lock(k, true)))
		return why;
	/* libselinux writes /proc/thread-self/attr/. */
	if (set_ro("/proc", 0, 0) != 0)
		return "cannot make /proc writable";
	if (mount("/proc/sys", "/proc/sys", "none", MS_BIND, NULL) != 0 ||
	    set_ro("/proc/sys", 0, 1) != 0)
		return "cannot make /proc/sys read-only";
	return NULL;
}

const char *tmpfs_private(char *top, size_t len, const char *name,
			  const char *const labels[])
{
	const char *why;
	struct kept k;

	top[0] = '\0';
	if (geteuid() != 0)
		return "not root: a private tmpfs and trusted.* xattrs need "
		       "CAP_SYS_ADMIN";
	if (unshare(CLONE_NEWNS) != 0)
		return "unshare(CLONE_NEWNS) failed";
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return "cannot make / private in the new mount namespace";
	keep_find(&k);
	/* The host's /tmp hidden: the mount point of top is made on a tmpfs
	 * of this namespace, and the test xenstore's socket goes there too. */
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=1777") != 0)
		return "cannot mount a private tmpfs on /tmp";
	if ((why = keep_restore(&k)))
		return why;
	setenv("TMPDIR", "/tmp", 1);
	if ((size_t)snprintf(top, len, "/tmp/%s-XXXXXX", name) >= len) {
		top[0] = '\0';
		return "name of the tmpfs too long";
	}
	if (!mkdtemp(top)) {
		top[0] = '\0';
		return "mkdtemp failed";
	}
	if (mount("tmpfs", top, "tmpfs", 0, "mode=0755") != 0) {
		rmdir(top);
		top[0] = '\0';
		return "cannot mount a tmpfs";
	}
	if ((why = lock_host(&k)) || (why = probe(top, labels)))
		tmpfs_remove(top);
	return why;
}

void tmpfs_remove(char *top)
{
	if (!top[0])
		return;
	umount2(top, MNT_DETACH);
	rmdir(top);
	top[0] = '\0';
}

char *tmpfs_slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}
