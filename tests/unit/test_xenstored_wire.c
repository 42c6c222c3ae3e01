/* test_xenstored_wire.c: the test xenstore server survives whatever a raw
 * client sends, serves many clients, and keeps its startup contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../xenstored/xsd-client.h"
#include "../xenstored/xsd-harness.h"

static int raw_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s",
		 getenv("XENSTORED_PATH"));
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* A header claiming len bytes, followed by body_len bytes of body. */
static void raw_send(int fd, uint32_t type, uint32_t len, const void *body,
		     size_t body_len)
{
	struct xsd_sockmsg h = { type, 42, 0, len };

	assert_int_equal(send(fd, &h, sizeof(h), MSG_NOSIGNAL), sizeof(h));
	if (body_len)
		assert_int_equal(send(fd, body, body_len, MSG_NOSIGNAL),
				 (ssize_t)body_len);
}

/* false when the server closed the connection. */
static bool read_exactly(int fd, void *buf, size_t len)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (len) {
		ssize_t n;

		if (poll(&pfd, 1, XSD_WAIT_MS) != 1)
			fail_msg("no reply from the server");
		n = read(fd, buf, len);
		if (n <= 0)
			return false;
		buf = (char *)buf + n;
		len -= (size_t)n;
	}
	return true;
}

/* Reads one message, which must be of type want; returns its body. */
static void expect_raw(int fd, uint32_t want, char *body)
{
	struct xsd_sockmsg h;

	assert_true(read_exactly(fd, &h, sizeof(h)));
	assert_int_equal(h.type, want);
	assert_true(h.len <= XENSTORE_PAYLOAD_MAX);
	assert_true(read_exactly(fd, body, h.len));
	body[h.len] = '\0';
}

static void expect_raw_error(int fd, const char *err)
{
	char body[XENSTORE_PAYLOAD_MAX + 1];

	expect_raw(fd, XS_ERROR, body);
	assert_string_equal(body, err);
}

static void expect_closed(int fd)
{
	char c;

	assert_false(read_exactly(fd, &c, 1));
}

/* The server survives: a libxenstore client is served as before. */
static void assert_server_alive(void)
{
	struct xs_handle *xs = xsd_open_dom0();

	xsd_put(xs, "/alive", "yes");
	xsd_assert_value(xs, XBT_NULL, "/alive", "yes");
	xs_close(xs);
}

static void oversized_message_closes_only_that_client(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	int fd = raw_connect();

	(void)state;
	raw_send(fd, XS_READ, XENSTORE_PAYLOAD_MAX + 1, NULL, 0);
	expect_closed(fd);
	close(fd);
	xsd_put(xs, "/still", "here");
	xs_close(xs);
	assert_server_alive();
}

static void unknown_message_type_is_answered_enosys(void **state)
{
	int fd = raw_connect();

	(void)state;
	raw_send(fd, 999, 2, "x", 2);
	expect_raw_error(fd, "ENOSYS");
	raw_send(fd, XS_WATCH_EVENT, 2, "x", 2);
	expect_raw_error(fd, "ENOSYS");
	close(fd);
	assert_server_alive();
}

static void malformed_requests_are_answered_einval(void **state)
{
	int fd = raw_connect();

	(void)state;
	raw_send(fd, XS_READ, 5, "/abcd", 5);                 /* no NUL */
	expect_raw_error(fd, "EINVAL");
	raw_send(fd, XS_READ, 6, "/a\0/b", 6);                /* two paths */
	expect_raw_error(fd, "EINVAL");
	raw_send(fd, XS_WATCH, 3, "/a", 3);                   /* no token */
	expect_raw_error(fd, "EINVAL");
	raw_send(fd, XS_SET_PERMS, 6, "/a\0q1", 6);           /* bad perm */
	expect_raw_error(fd, "EINVAL");
	raw_send(fd, XS_GET_DOMAIN_PATH, 4, "-1x", 4);        /* bad domid */
	expect_raw_error(fd, "EINVAL");
	raw_send(fd, XS_TRANSACTION_END, 2, "T", 2);          /* no tx */
	expect_raw_error(fd, "ENOENT");
	close(fd);
	assert_server_alive();
}

static void garbage_closes_the_client_but_not_the_server(void **state)
{
	unsigned char junk[256];
	int fd = raw_connect();

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 37 + 11);
	assert_int_equal(send(fd, junk, sizeof(junk), MSG_NOSIGNAL),
			 sizeof(junk));
	expect_closed(fd);
	close(fd);
	fd = raw_connect();
	raw_send(fd, XS_READ, 3, "/x", 2); /* hang up mid-message */
	close(fd);
	assert_server_alive();
}

static void reset_watches_drops_every_watch_of_the_client(void **state)
{
	char body[XENSTORE_PAYLOAD_MAX + 1];
	int fd = raw_connect();
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	raw_send(fd, XS_WATCH, 6, "/rw\0t", 6);
	expect_raw(fd, XS_WATCH, body);
	expect_raw(fd, XS_WATCH_EVENT, body);
	assert_string_equal(body, "/rw");
	raw_send(fd, XS_RESET_WATCHES, 1, "", 1);
	expect_raw(fd, XS_RESET_WATCHES, body);
	assert_string_equal(body, "OK");
	xsd_put(xs, "/rw/x", "1");
	/* Had the watch survived, its event would come before this reply. */
	raw_send(fd, XS_GET_DOMAIN_PATH, 2, "1", 2);
	expect_raw(fd, XS_GET_DOMAIN_PATH, body);
	assert_string_equal(body, "/local/domain/1");
	xs_close(xs);
	close(fd);
}

static void many_clients_are_served_at_once(void **state)
{
	struct xs_handle *xs[40];
	char path[32], value[16];

	(void)state;
	for (int i = 0; i < 40; i++)
		xs[i] = xsd_open_dom0();
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "/many/%d", i);
		snprintf(value, sizeof(value), "%d", i);
		xsd_put(xs[i], path, value);
	}
	for (int i = 0; i < 40; i++) {
		snprintf(path, sizeof(path), "/many/%d", 39 - i);
		snprintf(value, sizeof(value), "%d", 39 - i);
		xsd_assert_value(xs[i], XBT_NULL, path, value);
		xs_close(xs[i]);
	}
}

/* The other startup contract: a pidfile, removed again with the socket. */
static void pidfile_names_the_server_while_it_runs(void **state)
{
	char bin[PATH_MAX], dir[] = "/tmp/xsd-pid-XXXXXX", sock[PATH_MAX],
	     pidfile[PATH_MAX], line[32] = "";
	int out[2], status;
	pid_t pid;
	FILE *f;

	(void)state;
	assert_int_equal(xsd_harness_binary(bin, sizeof(bin)), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/s", dir);
	snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
	assert_int_equal(pipe(out), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		execl(bin, "xsd", "--socket", sock, "--pidfile", pidfile,
		      (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	assert_true(read(out[0], line, sizeof(line) - 1) > 0);
	close(out[0]);
	assert_string_equal(line, "ready\n");
	f = fopen(pidfile, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_int_equal(atoi(line), pid);
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(access(pidfile, F_OK), -1);
	assert_int_equal(access(sock, F_OK), -1);
	assert_int_equal(rmdir(dir), 0);
}

static void server_without_a_socket_path_exits_with_usage(void **state)
{
	char bin[PATH_MAX];
	int status, devnull;
	pid_t pid;

	(void)state;
	assert_int_equal(xsd_harness_binary(bin, sizeof(bin)), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, STDERR_FILENO);
		execl(bin, "xsd", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 2);
}

#define T(name) cmocka_unit_test_setup_teardown(name, xsd_setup, xsd_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(oversized_message_closes_only_that_client),
		T(unknown_message_type_is_answered_enosys),
		T(malformed_requests_are_answered_einval),
		T(garbage_closes_the_client_but_not_the_server),
		T(reset_watches_drops_every_watch_of_the_client),
		T(many_clients_are_served_at_once),
		T(pidfile_names_the_server_while_it_runs),
		T(server_without_a_socket_path_exits_with_usage),
	};

	/* A server that has gone must fail a test, not kill it with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
