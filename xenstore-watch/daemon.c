/* daemon.c: svirtd started as a service: detached with its caller waiting until it is ready
 * (or has failed, and said why), its pid file, and READY=1 for systemd's Type=notify. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "notify.h"
#include "svirtd.h"

/* The byte the daemon writes on the pipe once ready; anything else, or
 * the pipe closed without it, is a failed start. */
#define READY_BYTE 'R'

/* The parent's side: its exit status is the start's outcome. */
static _Noreturn void wait_ready(int fd, pid_t child)
{
	char c = 0;
	ssize_t n;
	int st;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1 && c == READY_BYTE)
		_exit(0);
	/* The daemon ended before it was ready: its own status, never 0. */
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(st) && WEXITSTATUS(st) != 0 ? WEXITSTATUS(st) : 1);
}

int svd_detach(struct svirtd *s)
{
	int fds[2], null;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	if ((pid = fork()) < 0) {
		int r = -errno;

		close(fds[0]);
		close(fds[1]);
		return r;
	}
	if (pid > 0) {
		close(fds[1]);
		wait_ready(fds[0], pid);
	}
	close(fds[0]);
	s->ready_fd = fds[1];
	/* stderr stays the caller's until svd_ready: a failed start's
	 * messages reach whoever started it (sv_log_open_daemon). */
	if (setsid() < 0 || chdir("/") < 0 ||
	    (null = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return -errno;
	if (dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0) {
		int r = -errno;

		close(null);
		return r;
	}
	close(null);
	return 0;
}

/* The pid, written whole under a temporary name and renamed over path, so
 * a reader (start-stop-daemon) never sees half of it. */
static int write_pidfile(const char *path)
{
	char tmp[4096], buf[32];
	int fd, n, r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int svd_ready(struct svirtd *s)
{
	char c = READY_BYTE;
	int r, null;

	if (s->pidfile) {
		if ((r = write_pidfile(s->pidfile)) < 0) {
			sv_log(&s->log, LOG_ERR, "pid file %s: %s", s->pidfile,
			       strerror(-r));
			return r;
		}
		s->pidfile_written = true;
	}
	/* systemd (Type=notify); none asked without NOTIFY_SOCKET.  A
	 * manager that cannot be told would time the start out: say why. */
	if ((r = sv_notify("READY=1")) < 0)
		sv_log(&s->log, LOG_WARNING, "cannot tell the service manager "
		       "svirtd is ready (NOTIFY_SOCKET): %s", strerror(-r));
	if (s->ready_fd < 0)
		return 0;
	s->log.to_stderr = false;
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	if (write(s->ready_fd, &c, 1) != 1)
		sv_log(&s->log, LOG_WARNING, "the process that started svirtd "
		       "is gone: %s", strerror(errno));
	close(s->ready_fd);
	s->ready_fd = -1;
	return 0;
}

void svd_pidfile_remove(struct svirtd *s)
{
	if (s->pidfile_written && unlink(s->pidfile) < 0 && errno != ENOENT)
		sv_log(&s->log, LOG_WARNING, "pid file %s: %s", s->pidfile,
		       strerror(errno));
	s->pidfile_written = false;
}
