/* reap.c: find and end the processes in one exact SELinux label (reap.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reap.h"

static const char *root_of(const char *proc_root)
{
	return proc_root ? proc_root : "/proc";
}

/* Reads at most size - 1 bytes of root/pid/rel, NUL-terminated; the kernel
 * ends a context with a NUL, some with a newline: both are cut. */
static int read_small(const char *root, pid_t pid, const char *rel, char *buf,
		      size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/%s", root, (int)pid, rel);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The state letter of /proc/pid/stat (after the last ')'), or 0. */
static char state_of(const char *root, pid_t pid)
{
	char stat[512];
	const char *p;

	if (read_small(root, pid, "stat", stat, sizeof(stat)) < 0 ||
	    !(p = strrchr(stat, ')')) || p[1] != ' ')
		return 0;
	return p[2];
}

static bool in_label(const char *root, pid_t pid, const char *label)
{
	char ctx[512];

	return read_small(root, pid, "attr/current", ctx, sizeof(ctx)) == 0 &&
	       strcmp(ctx, label) == 0;
}

/* Still there and not a zombie (or dead, X). */
static bool running(const char *root, pid_t pid)
{
	char s = state_of(root, pid);

	return s != 0 && s != 'Z' && s != 'X';
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int sv_reap_find(const char *proc_root, const char *label, struct sv_reap *out,
		 struct sv_error *err)
{
	const char *root = root_of(proc_root);
	struct dirent *e;
	DIR *d;
	int r = 0;

	out->n = 0;
	out->alive = 0;
	if (!label || !*label)
		return sv_fail(err, EINVAL, "no label to look for");
	if (!(d = opendir(root)))
		return sv_fail(err, errno, "cannot list %s", root);
	while ((e = readdir(d))) {
		long v;
		pid_t pid;

		if (!all_digits(e->d_name) || strlen(e->d_name) > 9)
			continue;
		v = strtol(e->d_name, NULL, 10);
		pid = (pid_t)v;
		if (pid == getpid() || !in_label(root, pid, label) ||
		    !running(root, pid))
			continue;
		if (out->n == SV_REAP_MAX) {
			r = sv_fail(err, E2BIG, "more than %d processes in %s",
				    SV_REAP_MAX, label);
			break;
		}
		out->pid[out->n++] = pid;
	}
	closedir(d);
	return r;
}

static unsigned now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned)(t.tv_sec * 1000 + t.tv_nsec / 1000000);
}

static int kill_one(const struct sv_reaper *rp, pid_t pid)
{
	return rp && rp->kill ? rp->kill(pid, SIGKILL, rp->arg) : kill(pid, SIGKILL);
}

/* A process still dying is found again: it is counted once. */
static bool killed_before(const struct sv_reap *out, pid_t pid)
{
	for (size_t i = 0; i < out->n && i < SV_REAP_MAX; i++)
		if (out->pid[i] == pid)
			return true;
	return false;
}

int sv_reap_label(const struct sv_reaper *rp, const char *label,
		  struct sv_reap *out, struct sv_error *err)
{
	const char *proc_root = rp ? rp->proc_root : NULL;
	const char *root = root_of(proc_root);
	unsigned wait_ms = rp && rp->wait_ms ? rp->wait_ms : SV_REAP_WAIT_MS;
	unsigned start = now_ms();
	struct sv_reap found;

	out->n = 0;
	out->alive = 0;
	for (;;) {
		/* More than SV_REAP_MAX: kill those, the next scan finds more. */
		int r = sv_reap_find(proc_root, label, &found, err);

		if (r < 0 && r != -E2BIG)
			return r;
		out->alive = found.n;
		if (found.n == 0)
			return 0;
		if (now_ms() - start >= wait_ms)
			return sv_fail(err, EBUSY, "%zu process(es) in %s still "
				       "running after SIGKILL (pid %d)",
				       found.n, label, (int)found.pid[0]);
		for (size_t i = 0; i < found.n; i++) {
			if (!in_label(root, found.pid[i], label))
				continue;
			(void)kill_one(rp, found.pid[i]);
			if (!killed_before(out, found.pid[i])) {
				if (out->n < SV_REAP_MAX)
					out->pid[out->n] = found.pid[i];
				out->n++;
			}
		}
		/* SIGKILLed processes take a moment to become zombies. */
		usleep(5 * 1000);
	}
}
