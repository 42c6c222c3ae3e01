/* io.c: the system calls the interposer makes, as the C library's functions
 * of the same names: -1 with errno set on failure.  The *at forms are used
 * where aarch64 has no other (open, stat, unlink, readlink, poll). */
#undef _FORTIFY_SOURCE	/* this is the C library the checks call (rt.h) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "rt.h"
#include "sys.h"

static int errno_value;

int *__errno_location(void)
{
	return &errno_value;
}

/* The kernel's -errno into -1 and errno. */
static long ret(long r)
{
	if (r < 0 && r > -4096) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & (O_CREAT | __O_TMPFILE)) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return (int)ret(svrt_sys6(SYS_openat, AT_FDCWD, (long)path, flags, mode,
				  0, 0));
}

ssize_t read(int fd, void *buf, size_t n)
{
	return ret(svrt_sys(SYS_read, fd, buf, n));
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return ret(svrt_sys(SYS_write, fd, buf, n));
}

int close(int fd)
{
	return (int)ret(svrt_sys(SYS_close, fd, 0, 0));
}

int stat(const char *restrict path, struct stat *restrict st)
{
	return (int)ret(svrt_sys6(SYS_newfstatat, AT_FDCWD, (long)path,
				  (long)st, 0, 0, 0));
}

int statfs(const char *path, struct statfs *st)
{
	return (int)ret(svrt_sys(SYS_statfs, path, st, 0));
}

int access(const char *path, int mode)
{
	return (int)ret(svrt_sys6(SYS_faccessat, AT_FDCWD, (long)path, mode, 0,
				  0, 0));
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t n)
{
	return ret(svrt_sys6(SYS_readlinkat, AT_FDCWD, (long)path, (long)buf,
			     (long)n, 0, 0));
}

int unlink(const char *path)
{
	return (int)ret(svrt_sys(SYS_unlinkat, AT_FDCWD, path, 0));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)ret(svrt_sys(SYS_execve, path, argv, envp));
}

int socket(int domain, int type, int protocol)
{
	return (int)ret(svrt_sys(SYS_socket, domain, type, protocol));
}

int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	return (int)ret(svrt_sys(SYS_bind, fd, sa, len));
}

int listen(int fd, int backlog)
{
	return (int)ret(svrt_sys(SYS_listen, fd, backlog, 0));
}

int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	return (int)ret(svrt_sys(SYS_connect, fd, sa, len));
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	return (int)ret(svrt_sys6(SYS_setsockopt, fd, level, name, (long)val,
				  len, 0));
}

ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	return ret(svrt_sys6(SYS_sendto, fd, (long)buf, (long)n, flags, 0, 0));
}

ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	return ret(svrt_sys6(SYS_recvfrom, fd, (long)buf, (long)n, flags, 0, 0));
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms)
{
	struct timespec ts, *tp = NULL;

	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
		tp = &ts;
	}
	return (int)ret(svrt_sys6(SYS_ppoll, (long)fds, (long)n, (long)tp, 0,
				  _NSIG / 8, 0));
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
	return (int)ret(svrt_sys(SYS_clock_gettime, clock, ts, 0));
}

int svrt_write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		long n = svrt_sys(SYS_write, fd, s, len);

		if (n == -EINTR)
			continue;
		if (n < 0)
			return (int)n;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

_Noreturn void svrt_exit(int status)
{
	for (;;)
		svrt_sys(SYS_exit_group, status, 0, 0);
}

/* May run before relocation (start.c): string literals and calls only. */
_Noreturn void svrt_die(const char *what)
{
	size_t n = 0;

	while (what[n])
		n++;
	svrt_write_all(2, "svirt-interpose: fatal: ", 24);
	svrt_write_all(2, what, n);
	svrt_write_all(2, "\n", 1);
	svrt_sys(SYS_kill, svrt_sys(SYS_getpid, 0, 0, 0), SIGABRT, 0);
	svrt_exit(127);
}

_Noreturn void abort(void)
{
	svrt_die("abort");
}

void __stack_chk_fail(void);
_Noreturn void __stack_chk_fail(void)
{
	svrt_die("stack smashing detected");
}

/* _FORTIFY_SOURCE's checking forms (level 3 sizes more buffers than 2). */
ssize_t __read_chk(int fd, void *buf, size_t n, size_t objsize);
ssize_t __read_chk(int fd, void *buf, size_t n, size_t objsize)
{
	if (n > objsize)
		svrt_die("buffer overflow detected");
	return read(fd, buf, n);
}

ssize_t __readlink_chk(const char *path, char *buf, size_t n, size_t objsize);
ssize_t __readlink_chk(const char *path, char *buf, size_t n, size_t objsize)
{
	if (n > objsize)
		svrt_die("buffer overflow detected");
	return readlink(path, buf, n);
}

ssize_t __recv_chk(int fd, void *buf, size_t n, size_t objsize, int flags);
ssize_t __recv_chk(int fd, void *buf, size_t n, size_t objsize, int flags)
{
	if (n > objsize)
		svrt_die("buffer overflow detected");
	return recv(fd, buf, n, flags);
}
