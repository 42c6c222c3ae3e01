/* test_control_call.c: sv_control_call against a canned svirtd in a forked child:
 * good answers come back as structs; slow, silent, chatty or broken servers as errors. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "control.h"

#define UUID1 "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define ENTRY(dom, uuid, state)                                                \
	"domain " dom " uuid " uuid " pair c3,c700 state " state               \
	" label system_u:system_r:svirt_xen_t:s0:c3,c700"                      \
	" imagelabel system_u:object_r:svirt_xen_image_t:s0:c3,c700\n"

enum behaviour {
	ANSWER,		/* read the request, check it, send the reply, close */
	ANSWER_UNREAD,	/* send the reply and close without reading */
	SILENT,		/* read the request, then say nothing until the client goes */
	HANG_UP,	/* close as soon as the client is there */
	FLOOD,		/* read the request, answer more than a reply may hold */
};

struct server {
	char dir[32];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pid_t pid;
};

/* Reads the request line; exits 3 if it is not the one expected. */
static void child_read_request(int fd, const char *expect)
{
	char buf[SV_CONTROL_LINE_MAX + 1];
	size_t n = 0;

	while (n < sizeof(buf) - 1 && !memchr(buf, '\n', n)) {
		ssize_t got = read(fd, buf + n, sizeof(buf) - 1 - n);

		if (got <= 0)
			_exit(2);
		n += (size_t)got;
	}
	buf[n] = '\0';
	if (expect && strcmp(buf, expect) != 0)
		_exit(3);
}

static void child_write(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n <= 0)
			_exit(0);	/* the client gave up: its business */
		s += n;
		len -= (size_t)n;
	}
}

static void child_flood(int fd)
{
	static char junk[65536];
	size_t left = SV_CONTROL_REPLY_MAX + sizeof(junk);

	memset(junk, 'x', sizeof(junk));
	while (left > 0) {
		size_t n = left < sizeof(junk) ? left : sizeof(junk);

		child_write(fd, junk, n);
		left -= n;
	}
}

static void __attribute__((noreturn))
child_serve(int lfd, enum behaviour b, const char *reply, const char *expect)
{
	int fd = accept(lfd, NULL, NULL);
	char c;

	signal(SIGPIPE, SIG_IGN);
	if (fd < 0)
		_exit(4);
	close(lfd);
	if (b != ANSWER_UNREAD && b != HANG_UP)
		child_read_request(fd, expect);
	if (b == ANSWER || b == ANSWER_UNREAD)
		child_write(fd, reply, strlen(reply));
	if (b == FLOOD)
		child_flood(fd);
	/* Silent: wait for the client to hang up, which it does at its
	 * deadline; no sleeping here either. */
	while (b == SILENT && read(fd, &c, 1) > 0)
		;
	close(fd);
	_exit(0);
}

static void start_server(struct server *s, enum behaviour b, const char *reply,
			 const char *expect)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd;

	strcpy(s->dir, "/tmp/svctl.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/svirtd.sock", s->dir);
	strcpy(sa.sun_path, s->path);
	/* Listening before the fork: the client can connect at once. */
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0)
		child_serve(lfd, b, reply, expect);
	close(lfd);
}

/* The child must have seen the expected request and exited cleanly. */
static void stop_server(struct server *s)
{
	int status = 0;

	assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
	unlink(s->path);
	rmdir(s->dir);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static const struct sv_control_request get7 = { .op = SV_CONTROL_GET,
						.domid = 7 };

static int call(struct server *s, const struct sv_control_request *req,
		int timeout_ms, struct sv_control_reply *rep,
		struct sv_error *err)
{
	return sv_control_call(s->path, req, timeout_ms, rep, err);
}

static void get_returns_the_domains_entry(void **state)
{
	struct server s;
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	struct sv_control_request req = get7;

	(void)state;
	req.wait_seconds = 5;
	start_server(&s, ANSWER, "OK 1\n" ENTRY("7", UUID1, "labelled"),
		     "GET 7 WAIT 5\n");
	if (call(&s, &req, 6000, &rep, &err) != 0)
		fail_msg("%s", err.msg);
	stop_server(&s);
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.entries[0].state, SV_STATE_LABELLED);
	assert_string_equal(rep.entries[0].process_label,
			    "system_u:system_r:svirt_xen_t:s0:c3,c700");
	sv_control_reply_clear(&rep);
}

static void list_returns_every_entry(void **state)
{
	struct sv_control_request req = { .op = SV_CONTROL_LIST };
	struct sv_control_reply rep = { 0 };
	struct server s;

	(void)state;
	start_server(&s, ANSWER,
		     "OK 2\n" ENTRY("7", UUID1, "labelled")
			     ENTRY("-", "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
				   "reserved"),
		     "LIST\n");
	assert_int_equal(call(&s, &req, 2000, &rep, NULL), 0);
	stop_server(&s);
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.entries[1].domid, -1);
	sv_control_reply_clear(&rep);
}

static void err_reply_becomes_its_errno_and_message(void **state)
{
	struct sv_control_reply rep = { .n = 4242 };
	struct sv_error err = { "" };
	struct server s;

	(void)state;
	start_server(&s, ANSWER, "ERR ENOENT no domain 7\n", "GET 7\n");
	assert_int_equal(call(&s, &get7, 2000, &rep, &err), -ENOENT);
	stop_server(&s);
	assert_string_equal(err.msg, "svirtd: no domain 7");
	assert_int_equal(rep.n, 4242);
}

static void refusal_sent_before_reading_still_arrives(void **state)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	struct server s;

	(void)state;
	start_server(&s, ANSWER_UNREAD, "ERR EACCES only root may ask\n", NULL);
	assert_int_equal(call(&s, &get7, 2000, &rep, &err), -EACCES);
	stop_server(&s);
	assert_string_equal(err.msg, "svirtd: only root may ask");
}

static int64_t elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void silent_server_hits_the_deadline(void **state)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	struct timespec t0;
	struct server s;
	int64_t ms;

	(void)state;
	start_server(&s, SILENT, NULL, "GET 7\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(call(&s, &get7, 300, &rep, &err), -ETIMEDOUT);
	ms = elapsed_ms(&t0);
	stop_server(&s);
	assert_true(ms >= 290);
	assert_true(ms < 5000);
	assert_non_null(strstr(err.msg, "no complete reply"));
}

static void server_hanging_up_is_a_protocol_error(void **state)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	struct server s;

	(void)state;
	start_server(&s, HANG_UP, NULL, NULL);
	assert_int_equal(call(&s, &get7, 2000, &rep, &err), -EPROTO);
	stop_server(&s);
	assert_non_null(strstr(err.msg, "without a reply"));
}

static void half_a_reply_is_a_protocol_error(void **state)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	struct server s;

	(void)state;
	start_server(&s, ANSWER, "OK 1\ndomain 7 uuid", "GET 7\n");
	assert_int_equal(call(&s, &get7, 2000, &rep, &err), -EPROTO);
	stop_server(&s);
	assert_non_null(strstr(err.msg, "does not end in a newline"));
}

static void overlong_reply_is_emsgsize(void **state)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	struct server s;

	(void)state;
	start_server(&s, FLOOD, NULL, "GET 7\n");
	assert_int_equal(call(&s, &get7, 5000, &rep, &err), -EMSGSIZE);
	stop_server(&s);
	assert_non_null(strstr(err.msg, "longer than"));
}

static void malformed_reply_is_a_protocol_error(void **state)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	struct server s;

	(void)state;
	start_server(&s, ANSWER, "ok 1\n", "GET 7\n");
	assert_int_equal(call(&s, &get7, 2000, &rep, &err), -EPROTO);
	stop_server(&s);
	assert_non_null(strstr(err.msg, "neither OK nor ERR"));
}

static void answer_about_another_domain_is_a_protocol_error(void **state)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	struct server s;

	(void)state;
	start_server(&s, ANSWER, "OK 1\n" ENTRY("8", UUID1, "labelled"),
		     "GET 7\n");
	assert_int_equal(call(&s, &get7, 2000, &rep, &err), -EPROTO);
	stop_server(&s);
	assert_non_null(strstr(err.msg, "another domain"));
}

static void reserve_answered_with_another_uuid_is_a_protocol_error(void **state)
{
	struct sv_control_request req = { .op = SV_CONTROL_RESERVE,
					  .uuid = UUID1 };
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	struct server s;

	(void)state;
	start_server(&s, ANSWER,
		     "OK 1\n" ENTRY("-", "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
				    "reserved"),
		     "RESERVE " UUID1 "\n");
	assert_int_equal(call(&s, &req, 2000, &rep, &err), -EPROTO);
	stop_server(&s);
	assert_non_null(strstr(err.msg, "not its reservation"));
}

static void no_socket_means_svirtd_is_not_there(void **state)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };

	(void)state;
	assert_int_equal(sv_control_call("/nonexistent/svirtd.sock", &get7, 500,
					 &rep, &err),
			 -ENOENT);
	assert_non_null(strstr(err.msg, "cannot connect"));
}

static void socket_without_a_listener_is_refused(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	char dir[] = "/tmp/svctl.XXXXXX";
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/svirtd.sock", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);		/* a stale socket file, as after a crash */
	assert_int_equal(sv_control_call(sa.sun_path, &get7, 500, &rep, &err),
			 -ECONNREFUSED);
	unlink(sa.sun_path);
	rmdir(dir);
}

static void full_listen_backlog_hits_the_deadline(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };
	char dir[] = "/tmp/svctl.XXXXXX";
	int lfd, fds[8], n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/svirtd.sock", dir);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 0), 0);
	/* A wedged svirtd: connections queue up and nobody accepts. */
	for (; n < 8; n++) {
		fds[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(fds[n], (struct sockaddr *)&sa, sizeof(sa)) < 0)
			break;
	}
	assert_true(n < 8);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(sv_control_call(sa.sun_path, &get7, 200, &rep, &err),
			 -ETIMEDOUT);
	assert_non_null(strstr(err.msg, "did not accept"));
	for (int i = 0; i <= n; i++)
		close(fds[i]);
	close(lfd);
	unlink(sa.sun_path);
	rmdir(dir);
}

static void timeout_shorter_than_wait_is_refused_unsent(void **state)
{
	struct sv_control_request req = get7;
	struct sv_control_reply rep = { 0 };
	struct sv_error err = { "" };

	(void)state;
	req.wait_seconds = 30;
	/* No server at all: the call must fail before connecting. */
	assert_int_equal(sv_control_call("/nonexistent/svirtd.sock", &req,
					 30000, &rep, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "does not outlast WAIT 30 s"));
}

static void invalid_request_is_refused_unsent(void **state)
{
	struct sv_control_request req = { .op = SV_CONTROL_GET, .domid = 0 };
	struct sv_control_reply rep = { 0 };

	(void)state;
	assert_int_equal(sv_control_call("/nonexistent/svirtd.sock", &req, 500,
					 &rep, NULL),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_returns_the_domains_entry),
		cmocka_unit_test(list_returns_every_entry),
		cmocka_unit_test(err_reply_becomes_its_errno_and_message),
		cmocka_unit_test(refusal_sent_before_reading_still_arrives),
		cmocka_unit_test(silent_server_hits_the_deadline),
		cmocka_unit_test(server_hanging_up_is_a_protocol_error),
		cmocka_unit_test(half_a_reply_is_a_protocol_error),
		cmocka_unit_test(overlong_reply_is_emsgsize),
		cmocka_unit_test(malformed_reply_is_a_protocol_error),
		cmocka_unit_test(answer_about_another_domain_is_a_protocol_error),
		cmocka_unit_test(reserve_answered_with_another_uuid_is_a_protocol_error),
		cmocka_unit_test(no_socket_means_svirtd_is_not_there),
		cmocka_unit_test(socket_without_a_listener_is_refused),
		cmocka_unit_test(full_listen_backlog_hits_the_deadline),
		cmocka_unit_test(timeout_shorter_than_wait_is_refused_unsent),
		cmocka_unit_test(invalid_request_is_refused_unsent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
