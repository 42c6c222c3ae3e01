/* xsd-harness.c: starts the test xenstore server for a host test in a
 * fork/exec, waits for its "ready" line instead of sleeping, and stops it. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xsd-harness.h"

int xsd_harness_binary(char *buf, size_t len)
{
	const char *env = getenv("SVIRT_XSD");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		if ((size_t)snprintf(buf, len, "%s", env) >= len)
			return -ENAMETOOLONG;
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = '\0';
	if ((size_t)snprintf(buf, len, "%s/../xsd", dirname(self)) >= len)
		return -ENAMETOOLONG;
	return 0;
}

static int make_dir(struct xsd_harness *h)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(h->dir, sizeof(h->dir), "%s/xsd-XXXXXX", tmp) >=
	    sizeof(h->dir))
		return -ENAMETOOLONG;
	if (!mkdtemp(h->dir))
		return -errno;
	if ((size_t)snprintf(h->socket, sizeof(h->socket), "%s/socket",
			     h->dir) >= sizeof(h->socket)) {
		rmdir(h->dir);
		return -ENAMETOOLONG;
	}
	return 0;
}

static void exec_server(const char *bin, const char *socket, int out)
{
	if (dup2(out, STDOUT_FILENO) < 0)
		_exit(127);
	execl(bin, "xsd", "--socket", socket, (char *)NULL);
	/* Only async-signal-safe calls here: the parent may have threads. */
	if (write(STDERR_FILENO, "xsd-harness: cannot exec ", 25) > 0 &&
	    write(STDERR_FILENO, bin, strlen(bin)) > 0)
		(void)!write(STDERR_FILENO, "\n", 1);
	_exit(127);
}

/* The server writes "ready" once it listens: block on that, not a sleep. */
static int wait_ready(int fd)
{
	char buf[64];
	size_t have = 0;

	while (have < sizeof(buf) - 1) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		have += (size_t)n;
		buf[have] = '\0';
		if (strchr(buf, '\n'))
			return strcmp(buf, "ready\n") == 0 ? 0 : -EIO;
	}
	return -EIO;
}

static void reap(struct xsd_harness *h)
{
	int status;

	kill(h->pid, SIGKILL);
	while (waitpid(h->pid, &status, 0) < 0 && errno == EINTR)
		;
	h->pid = 0;
}

int xsd_harness_start(struct xsd_harness *h, const char *bin)
{
	char path[PATH_MAX];
	int pipefd[2], rc;

	if (!bin) {
		rc = xsd_harness_binary(path, sizeof(path));
		if (rc != 0)
			return rc;
		bin = path;
	}
	rc = make_dir(h);
	if (rc != 0)
		return rc;
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		rc = -errno;
		rmdir(h->dir);
		return rc;
	}
	h->pid = fork();
	if (h->pid == 0)
		exec_server(bin, h->socket, pipefd[1]);
	rc = h->pid < 0 ? -errno : 0;
	close(pipefd[1]);
	if (rc == 0)
		rc = wait_ready(pipefd[0]);
	close(pipefd[0]);
	if (rc == 0 && setenv("XENSTORED_PATH", h->socket, 1) != 0)
		rc = -errno;
	if (rc != 0) {
		if (h->pid > 0)
			reap(h);
		unlink(h->socket);
		rmdir(h->dir);
	}
	return rc;
}

int xsd_harness_stop(struct xsd_harness *h)
{
	int status, rc = 0;

	unsetenv("XENSTORED_PATH");
	if (h->pid <= 0)
		return -ESRCH;
	/* A server that died on its own already failed the test. */
	if (kill(h->pid, SIGTERM) != 0)
		rc = -ESRCH;
	while (waitpid(h->pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	h->pid = 0;
	if (rc == 0 && (status == -1 || !WIFEXITED(status) ||
			WEXITSTATUS(status) != 0))
		rc = -ECHILD;
	if (unlink(h->socket) == 0 && rc == 0)
		rc = -EEXIST;
	rmdir(h->dir);
	return rc;
}
