/* flask.c: a new domain's Flask label (issue 17 item 3), read by svirt-flask-label, a helper
 * svirtd runs per domain: only the helper's SELinux domain may make hypercalls, so svirtd, which
 * parses what guests write to xenstore, holds no privcmd. Whether Xen runs Flask at all is
 * asked once at startup (of domain 0), since only a reboot changes it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flask_label.h"
#include "svirtd.h"

/* The installed helper (make's LIBEXECDIR); svirtd's host tests build
 * another svirtd whose helper is a stand-in (tests/xenstored). */
#ifndef SVD_FLASK_HELPER
#include "svirt-libexec.h"
#define SVD_FLASK_HELPER SV_LIBEXEC_DIR "/svirt-flask-label"
#endif

#define HELPER_TIMEOUT_MS 5000

/* Present: Xen runs Flask. */
struct svd_flask {
	int unused;
};

struct run {
	char out[SV_FLASK_LABEL_MAX + 2];
	size_t len;
	int status;		/* exit status, or -1: see why */
	char why[320];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void child(int out, const char *arg)
{
	char *argv[] = { (char *)SVD_FLASK_HELPER, (char *)arg, NULL };
	char *envp[3] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL,
			  NULL };
	int null;

#ifdef SVD_FLASK_TEST_ENV
	/* The stand-in's "hypervisor": a directory of labels. */
	static char dir[4200];

	if (getenv("SVIRTD_FLASK_LABELS")) {
		snprintf(dir, sizeof(dir), "SVIRTD_FLASK_LABELS=%s",
			 getenv("SVIRTD_FLASK_LABELS"));
		envp[1] = dir;
	}
#endif
	/* stderr goes to the pipe too: the helper inherits nothing of svirtd's
	 * but the pipe and /dev/null. It prints to stderr only on failure. */
	if ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
	    dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
	    dup2(out, STDERR_FILENO) < 0)
		_exit(126);
	closefrom(STDERR_FILENO + 1);
	execve(SVD_FLASK_HELPER, argv, envp);
	_exit(127);
}

/* Runs the helper for domid: its output (bounded) and exit status. */
static int run_helper(int domid, struct run *r)
{
	char arg[16];
	long long deadline;
	int p[2], st, n;
	bool timed_out = false, too_long = false;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	snprintf(arg, sizeof(arg), "%d", domid);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if ((pid = fork()) < 0) {
		n = -errno;
		close(p[0]);
		close(p[1]);
		return n;
	}
	if (pid == 0)
		child(p[1], arg);
	close(p[1]);
	deadline = now_ms() + HELPER_TIMEOUT_MS;
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t got;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		if ((n = poll(&pfd, 1, (int)left)) < 0) {
			if (errno == EINTR)
				continue;
			timed_out = true;
			break;
		}
		if (n == 0)
			continue;
		if (r->len == sizeof(r->out)) {
			too_long = true;
			break;
		}
		got = read(p[0], r->out + r->len, sizeof(r->out) - r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		r->len += (size_t)got;
	}
	close(p[0]);
	if (timed_out || too_long)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (timed_out)
		snprintf(r->why, sizeof(r->why), "gave no answer in %d ms "
			 "(killed)", HELPER_TIMEOUT_MS);
	else if (too_long)
		snprintf(r->why, sizeof(r->why), "printed over %zu bytes "
			 "(killed)", sizeof(r->out));
	else if (WIFEXITED(st))
		r->status = WEXITSTATUS(st);
	else
		snprintf(r->why, sizeof(r->why), "was killed by signal %d",
			 WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	if (r->status < 0)
		return 0;
	if (r->status == 126 || r->status == 127)
		snprintf(r->why, sizeof(r->why), "could not be run (exit "
			 "status %d)", r->status);
	else if (r->status != 0) {
		/* Its message, up to the first line, printable bytes only. */
		char msg[200];
		size_t i, m = 0;

		for (i = 0; i < r->len && r->out[i] != '\n' &&
		     m < sizeof(msg) - 1; i++)
			msg[m++] = r->out[i] >= 0x20 && r->out[i] < 0x7f ?
				   r->out[i] : '?';
		msg[m] = '\0';
		snprintf(r->why, sizeof(r->why), "failed (exit status %d)%s%s",
			 r->status, m ? ": " : "", msg);
	}
	return 0;
}

int svd_flask_open(struct svirtd *s)
{
	struct run r;
	int e;

	if ((e = run_helper(0, &r)) < 0) {
		sv_log(&s->log, LOG_ERR, "cannot run %s: %s", SVD_FLASK_HELPER,
		       strerror(-e));
		return e;
	}
	if (r.status == SV_FLASK_EXIT_NO_XEN) {
		/* No hypervisor to ask (the SELinux-only host): no label to
		 * honour either; the allocator gives every pair. */
		sv_log(&s->log, LOG_WARNING, "no hypervisor: Flask labels "
		       "are not read, every pair comes from the allocator");
		return 0;
	}
	if (r.status == SV_FLASK_EXIT_NO_FLASK) {
		sv_log(&s->log, LOG_INFO, "Xen has no Flask: pairs come from "
		       "the allocator");
		return 0;
	}
	if (r.status != 0) {
		sv_log(&s->log, LOG_ERR, "cannot tell whether Xen runs Flask: "
		       "%s %s", SVD_FLASK_HELPER, r.why);
		return -EIO;
	}
	if (!(s->flask = calloc(1, sizeof(*s->flask))))
		return -ENOMEM;
	sv_log(&s->log, LOG_INFO, "Xen runs Flask: a domain's Flask label "
	       "gives its pair (read by %s)", SVD_FLASK_HELPER);
	return 0;
}

void svd_flask_close(struct svirtd *s)
{
	free(s->flask);
	s->flask = NULL;
}

int svd_flask_label(struct svirtd *s, int domid, char **label,
		    struct sv_error *err)
{
	struct run r;
	size_t len;
	int e;

	*label = NULL;
	if (!s->flask)
		return 0;
	if ((e = run_helper(domid, &r)) < 0)
		return sv_fail(err, -e, "cannot run svirt-flask-label: %s",
			       strerror(-e));
	if (r.status == SV_FLASK_EXIT_NO_DOMAIN)
		return sv_fail(err, ENOENT, "no such domain");
	if (r.status != 0)
		return sv_fail(err, EIO, "cannot read its Flask label: "
			       "svirt-flask-label %s", r.why);
	if (sv_flask_label_line(r.out, r.len, &len, err) < 0)
		return -EINVAL;
	if (!(*label = strndup(r.out, len)))
		return -ENOMEM;
	return 1;
}
