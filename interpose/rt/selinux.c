/* selinux.c: the three libselinux calls the interposer makes, for the
 * freestanding build, behaving as libselinux 3.4's do: selinuxfs found
 * where libselinux looks for it, the exec context written to
 * /proc/thread-self/attr/exec (raw, with its NUL). */
#undef _FORTIFY_SOURCE	/* this is the C library the checks call (rt.h) */
#include <errno.h>
#include <fcntl.h>
#include <selinux/selinux.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sys.h"

#define SELINUX_MAGIC 0xf97cff8cu
#define SELINUX_CONFIG "/etc/selinux/config"

/* selinuxfs's mount point, "" while none is known. */
static char mnt[256];
static bool probed;

/* Like libselinux: a mount point counts when it holds a selinuxfs mounted
 * read-write; 1 when it holds a selinuxfs at all (the search ends there),
 * 0 when not. */
static int try_mount(const char *path)
{
	struct statfs st;
	int r;

	do
		r = statfs(path, &st);
	while (r < 0 && errno == EINTR);
	if (r < 0 || (unsigned)st.f_type != SELINUX_MAGIC)
		return 0;
	if (!(st.f_flags & ST_RDONLY) && strlen(path) < sizeof(mnt))
		memcpy(mnt, path, strlen(path) + 1);
	return 1;
}

/* The whole of a small /proc file into buf (NUL-terminated); -1 if it
 * cannot be read or does not fit. */
static ssize_t read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n = 0;

	if (fd < 0)
		return -1;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0 || len == size - 1)
		return -1;
	buf[len] = '\0';
	return (ssize_t)len;
}

/* A line "dev mountpoint selinuxfs ..." of /proc/mounts. */
static void find_in_mounts(void)
{
	char buf[16384];

	if (read_small("/proc/mounts", buf, sizeof(buf)) < 0)
		return;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		char *point, *type, *end;

		if (!(nl = strchr(line, '\n')))
			return;
		*nl = '\0';
		if (!(point = strchr(line, ' ')) ||
		    !(type = strchr(++point, ' ')))
			continue;
		*type++ = '\0';
		if ((end = strchr(type, ' ')))
			*end = '\0';
		if (strcmp(type, "selinuxfs") == 0) {
			try_mount(point);
			return;
		}
	}
}

static void probe(void)
{
	char fs[8192];

	if (probed)
		return;
	probed = true;
	if (try_mount("/sys/fs/selinux") || try_mount("/selinux"))
		return;
	/* Only a kernel with SELinux registers selinuxfs. */
	if (read_small("/proc/filesystems", fs, sizeof(fs)) < 0 ||
	    !strstr(fs, "\tselinuxfs\n"))
		return;
	find_in_mounts();
}

int is_selinux_enabled(void)
{
	probe();
	/* libselinux also wants its config file, whatever the kernel says. */
	return mnt[0] != '\0' && access(SELINUX_CONFIG, F_OK) == 0;
}

int security_getenforce(void)
{
	char path[sizeof(mnt) + 16], buf[20];
	int v = 0;
	size_t i = 0;
	bool neg;

	probe();
	if (!mnt[0]) {
		errno = ENOENT;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/enforce", mnt);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	/* As sscanf("%d") would: blanks, a sign, digits. */
	while (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n')
		i++;
	neg = buf[i] == '-';
	if (buf[i] == '-' || buf[i] == '+')
		i++;
	if (buf[i] < '0' || buf[i] > '9') {
		errno = EINVAL;
		return -1;
	}
	for (; buf[i] >= '0' && buf[i] <= '9' && v < 100000000; i++)
		v = v * 10 + (buf[i] - '0');
	return neg ? -v : v;
}

int setexeccon_raw(const char *context)
{
	size_t len = context ? strlen(context) + 1 : 0;
	int fd = open("/proc/thread-self/attr/exec", O_WRONLY | O_CLOEXEC), e;
	char task[64];
	ssize_t n;

	/* A kernel before 3.17 has no thread-self: the task's own entry, as
	 * libselinux falls back to. */
	if (fd < 0 && errno == ENOENT) {
		snprintf(task, sizeof(task), "/proc/self/task/%ld/attr/exec",
			 svrt_sys(SYS_gettid, 0, 0, 0));
		fd = open(task, O_WRONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return -1;
	do
		n = write(fd, context, len);
	while (n < 0 && errno == EINTR);
	e = errno;
	close(fd);
	errno = e;
	return n < 0 ? -1 : 0;
}
