/* test_xenstored_svirtd_service.c: svirtd started as a service: detached, it returns only once
 * ready (pid file written, socket answering) or fails with a non-zero status; READY=1; the journal. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"

/* A detached svirtd logs to syslog: in this mount namespace, /dev/log (if
 * the host has one) is an empty file, so nothing reaches the host's log. */
static int setup_service(void **state)
{
	char quiet[PATH_MAX];
	struct env *e;

	if (setup(state) < 0)
		return -1;
	e = *state;
	if (access("/dev/log", F_OK) == 0) {
		FMT(quiet, sizeof(quiet), "%s/no-syslog", e->dir);
		put_file(quiet, "");
		if (mount(quiet, "/dev/log", NULL, MS_BIND, NULL) < 0)
			return -1;
	}
	return 0;
}

static pid_t read_pidfile(const char *path)
{
	char buf[32] = "", *end;
	FILE *f = fopen(path, "r");
	long pid;

	if (!f)
		fail_msg("no pid file %s: %s", path, strerror(errno));
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	pid = strtol(buf, &end, 10);
	if (pid <= 1 || *end != '\n')
		fail_msg("pid file %s holds \"%s\"", path, buf);
	return (pid_t)pid;
}

static void detached_svirtd_returns_once_ready_and_stop_removes_its_pid_file(void **state)
{
	struct env *e = *state;
	char out[2048], pidfile[PATH_MAX], *list;
	const char *a[] = { "svirtd", "--config", e->conf, "--socket", e->sock,
			    "--pidfile", pidfile, NULL };
	int rc;

	FMT(pidfile, sizeof(pidfile), "%s/svirtd.pid", e->dir);
	if (!xs_rm(e->xs, XBT_NULL, SVIRT))
		assert_int_equal(errno, ENOENT);
	rc = run_svirtd(a, out, sizeof(out));
	if (rc != 0)
		fail_msg("svirtd exited %d: %s", rc, out);
	/* Returned: it is ready now, not some time later. */
	e->svirtd = read_pidfile(pidfile);
	assert_int_equal(kill(e->svirtd, 0), 0);
	list = control(e, "LIST\n");
	if (strncmp(list, "OK", 2) != 0)
		fail_msg("LIST answered \"%s\"", list);
	free(list);
	/* Stopped, it is gone with its pid file (the test is its reaper). */
	svirtd_stop(e);
	if (access(pidfile, F_OK) == 0)
		fail_msg("%s is still there after svirtd exited", pidfile);
}

static void detached_svirtd_with_xenstore_unreachable_exits_nonzero(void **state)
{
	struct env *e = *state;
	char out[2048], pidfile[PATH_MAX], nowhere[PATH_MAX];
	char *saved = strdup(getenv("XENSTORED_PATH"));
	const char *a[] = { "svirtd", "--config", e->conf, "--socket", e->sock,
			    "--pidfile", pidfile, NULL };
	int rc;

	FMT(pidfile, sizeof(pidfile), "%s/svirtd.pid", e->dir);
	FMT(nowhere, sizeof(nowhere), "%s/no-xenstored.sock", e->dir);
	assert_int_equal(setenv("XENSTORED_PATH", nowhere, 1), 0);
	rc = run_svirtd(a, out, sizeof(out));
	assert_int_equal(setenv("XENSTORED_PATH", saved, 1), 0);
	free(saved);
	if (rc == 0)
		fail_msg("svirtd exited 0 with xenstore unreachable: \"%s\"", out);
	/* Whoever started it reads why. */
	if (!strstr(out, "cannot connect to xenstore"))
		fail_msg("svirtd exited %d saying \"%s\"", rc, out);
	assert_int_equal(access(pidfile, F_OK), -1);
}

/* A start that fails after the socket is open (the store held by another
 * svirtd) is a failed start too, its pid file never written. */
static void detached_svirtd_that_cannot_take_the_store_exits_nonzero(void **state)
{
	struct env *e = *state;
	char out[2048], pidfile[PATH_MAX], sock[PATH_MAX];
	const char *a[] = { "svirtd", "--config", e->conf, "--socket", sock,
			    "--pidfile", pidfile, NULL };

	FMT(pidfile, sizeof(pidfile), "%s/second.pid", e->dir);
	FMT(sock, sizeof(sock), "%s/second.sock", e->dir);
	svirtd_start(e);
	if (run_svirtd(a, out, sizeof(out)) == 0)
		fail_msg("a second svirtd on the store exited 0: \"%s\"", out);
	assert_int_equal(access(pidfile, F_OK), -1);
	svirtd_stop(e);
}

/* systemd's Type=notify: one datagram READY=1 on $NOTIFY_SOCKET, sent once
 * the control socket answers and svirtd's records are reconciled with
 * xenstore (a guest started from then on is seen by its watches). */
static void foreground_svirtd_tells_notify_socket_once_ready(void **state)
{
	struct env *e = *state;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[256], *list;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ssize_t n;

	assert_true(fd >= 0);
	FMT(sa.sun_path, sizeof(sa.sun_path), "%s/notify", e->dir);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", sa.sun_path, 1), 0);
	if (!xs_rm(e->xs, XBT_NULL, SVIRT))
		assert_int_equal(errno, ENOENT);
	svirtd_spawn(e);
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	if (poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1,
		 XSD_WAIT_MS) != 1) {
		show_log(e);
		fail_msg("no datagram on NOTIFY_SOCKET in %d ms", XSD_WAIT_MS);
	}
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "READY=1");
	close(fd);
	/* Ready means reconciled, its xenstore directory made afresh, and
	 * the control socket answering. */
	list = xs_read(e->xs, XBT_NULL, SVIRT, &(unsigned){ 0 });
	if (!list)
		fail_msg("READY=1 before svirtd made " SVIRT);
	free(list);
	list = control(e, "LIST\n");
	assert_true(strncmp(list, "OK", 2) == 0);
	free(list);
	svirtd_stop(e);
}

/* Under systemd with StandardError=journal, JOURNAL_STREAM names stderr:
 * each line carries its priority as "<N>", which journald keeps (so
 * journalctl -p err finds the errors). */
static void svirtd_on_the_journal_prefixes_each_line_with_its_priority(void **state)
{
	struct env *e = *state;
	char stream[64];
	struct stat st;

	put_file(e->log, "");
	assert_int_equal(stat(e->log, &st), 0);
	FMT(stream, sizeof(stream), "%ju:%ju", (uintmax_t)st.st_dev,
	    (uintmax_t)st.st_ino);
	assert_int_equal(setenv("JOURNAL_STREAM", stream, 1), 0);
	svirtd_start(e);
	assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
	put_file(e->conf, "bogus = 1\n");
	assert_int_equal(kill(e->svirtd, SIGHUP), 0);
	free(control(e, "LIST\n"));	/* the signal was handled first */
	svirtd_stop(e);
	if (!log_has(e, "<5>ready: categories") ||
	    !log_has(e, "<3>reload: ") || log_has(e, "svirtd: notice:")) {
		show_log(e);
		fail_msg("lines without their <N> priority");
	}
}

/* stderr that is not the journal's stream (a JOURNAL_STREAM inherited from
 * a service that started svirtd by hand) keeps the plain lines. */
static void svirtd_on_another_stderr_writes_plain_lines(void **state)
{
	struct env *e = *state;

	assert_int_equal(setenv("JOURNAL_STREAM", "1:1", 1), 0);
	svirtd_start(e);
	assert_int_equal(unsetenv("JOURNAL_STREAM"), 0);
	svirtd_stop(e);
	if (!log_has(e, "svirtd: notice: ready: categories") ||
	    log_has(e, "<5>")) {
		show_log(e);
		fail_msg("priority prefixes on a stderr that is not the journal");
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_service, teardown)
		T(detached_svirtd_returns_once_ready_and_stop_removes_its_pid_file),
		T(detached_svirtd_with_xenstore_unreachable_exits_nonzero),
		T(detached_svirtd_that_cannot_take_the_store_exits_nonzero),
		T(foreground_svirtd_tells_notify_socket_once_ready),
		T(svirtd_on_the_journal_prefixes_each_line_with_its_priority),
		T(svirtd_on_another_stderr_writes_plain_lines),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
