/* selinux.c: how the interposer learns whether SELinux is on, and the label it
 * sets for qemu's exec.  "Disabled" only on positive proof; otherwise "unknown". */
#include "interpose.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "util.h"

/*
 * The kernel's own files, not libselinux: the interposer needs three reads
 * and one write, and loading libselinux (with libpcre2, and its constructor
 * probing mounts) cost about a fifth of what the interposer added to every
 * qemu start (issue 15).  Where they differ, this is the stricter reading:
 *  - SELinux is on when selinuxfs is mounted at /sys/fs/selinux, where the
 *    kernel makes its mount point and every distribution mounts it.
 *    libselinux also looked in /selinux and /proc/mounts, took a read-only
 *    selinuxfs for none, and said "disabled" without /etc/selinux/config;
 *    here each of those is "not in sight", so /proc/filesystems decides,
 *    and a kernel with SELinux is "unknown": qemu is refused, never run
 *    unlabelled.
 *  - the label is written to /proc/thread-self/attr/exec with its NUL, as
 *    setexeccon_raw() writes it.
 */

const struct sv_interpose_selinux_paths sv_interpose_selinux_paths = {
	.selinuxfs = "/sys/fs/selinux",
	.filesystems = "/proc/filesystems",
	.exec_attr = "/proc/thread-self/attr/exec",
};

/* The kernel registers selinuxfs only when SELinux is enabled at boot, and
 * /proc/filesystems lists every registered file system whatever the mount
 * namespace: so it tells "disabled" apart from "not mounted here". */
static int selinuxfs_registered(const char *filesystems)
{
	_cleanup_close_ int fd = open(filesystems, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char buf[8192];
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -errno;
	while (len < sizeof(buf) - 1 &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	if (n < 0)
		return -errno;
	if (len == sizeof(buf) - 1)
		return -EFBIG;	/* cut short: absence would prove nothing */
	buf[len] = '\0';
	for (char *line = buf, *nl; *line; line = nl + 1) {
		char *name;

		if (!(nl = strchr(line, '\n')))
			return -EPROTO;	/* a last line without its end */
		*nl = '\0';
		name = strrchr(line, '\t');
		if (strcmp(name ? name + 1 : line, "selinuxfs") == 0)
			return 1;
	}
	return 0;
}

int sv_interpose_selinux_probe(int enabled, int enforce,
			       const char *filesystems)
{
	int r;

	if (enabled > 0)
		/* Unknown enforcement counts as enforcing: fail closed. */
		return enforce == 0 ? SV_SELINUX_PERMISSIVE : SV_SELINUX_ENFORCING;
	r = selinuxfs_registered(filesystems);
	return r == 0 ? SV_SELINUX_DISABLED : SV_SELINUX_UNKNOWN;
}

/* 1 when selinuxfs itself is mounted at path, else 0. */
static int selinuxfs_mounted(const char *path)
{
	struct statfs s;

	return statfs(path, &s) == 0 && s.f_type == SELINUX_MAGIC;
}

/* selinuxfs's enforce file: 0 or 1, or -1 when it cannot be read as one. */
static int read_enforce(const char *selinuxfs)
{
	char path[PATH_MAX], buf[16];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/enforce", selinuxfs) >=
	    sizeof(path))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	if (strcmp(buf, "0") == 0 || strcmp(buf, "0\n") == 0)
		return 0;
	if (strcmp(buf, "1") == 0 || strcmp(buf, "1\n") == 0)
		return 1;
	return -1;
}

static const struct sv_interpose_selinux_paths *paths_of(const void *arg)
{
	return arg ? arg : &sv_interpose_selinux_paths;
}

static int real_selinux_mode(void *arg)
{
	const struct sv_interpose_selinux_paths *p = paths_of(arg);
	int enabled = selinuxfs_mounted(p->selinuxfs);

	return sv_interpose_selinux_probe(enabled,
					  enabled ? read_enforce(p->selinuxfs) : -1,
					  p->filesystems);
}

/* ctx is a raw context (svirtd's labels are never mcstrans names). */
static int real_set_exec_context(const char *ctx, void *arg)
{
	const struct sv_interpose_selinux_paths *p = paths_of(arg);
	_cleanup_close_ int fd = open(p->exec_attr, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	size_t len = strlen(ctx) + 1;
	ssize_t n;

	if (fd < 0)
		return -errno;
	do
		n = write(fd, ctx, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;	/* the kernel takes it whole */
}

const struct sv_interpose_ops sv_interpose_selinux_ops = {
	.selinux_mode = real_selinux_mode,
	.set_exec_context = real_set_exec_context,
};
