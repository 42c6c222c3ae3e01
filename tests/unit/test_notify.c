/* test_notify.c: the values systemd hands svirtd: NOTIFY_SOCKET's address (a path or an
 * abstract name, anything else refused) and JOURNAL_STREAM's dev:ino, matched to one fd only. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "notify.h"

static void path_address_keeps_its_nul(void **state)
{
	struct sockaddr_un sa;
	socklen_t len;

	(void)state;
	assert_int_equal(sv_notify_addr("/run/systemd/notify", &sa, &len), 0);
	assert_int_equal(sa.sun_family, AF_UNIX);
	assert_string_equal(sa.sun_path, "/run/systemd/notify");
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 20);
}

static void abstract_address_starts_with_nul_and_has_none_after(void **state)
{
	struct sockaddr_un sa;
	socklen_t len;

	(void)state;
	assert_int_equal(sv_notify_addr("@sd-notify/1", &sa, &len), 0);
	assert_int_equal(sa.sun_path[0], '\0');
	assert_memory_equal(sa.sun_path + 1, "sd-notify/1", 11);
	assert_int_equal(len, offsetof(struct sockaddr_un, sun_path) + 12);
}

static void other_addresses_are_refused(void **state)
{
	char longest[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	struct sockaddr_un sa;
	socklen_t len;

	(void)state;
	assert_int_equal(sv_notify_addr(NULL, &sa, &len), -EINVAL);
	assert_int_equal(sv_notify_addr("", &sa, &len), -EINVAL);
	assert_int_equal(sv_notify_addr("/", &sa, &len), -EINVAL);
	assert_int_equal(sv_notify_addr("@", &sa, &len), -EINVAL);
	assert_int_equal(sv_notify_addr("run/notify", &sa, &len), -EINVAL);
	assert_int_equal(sv_notify_addr("vsock:2:1234", &sa, &len), -EINVAL);
	/* A path needs room for its NUL; an abstract name does not. */
	memset(longest, 'x', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	longest[0] = '/';
	assert_int_equal(sv_notify_addr(longest, &sa, &len), -EINVAL);
	longest[0] = '@';
	assert_int_equal(sv_notify_addr(longest, &sa, &len), 0);
	longest[sizeof(longest) - 2] = '\0';
	longest[0] = '/';
	assert_int_equal(sv_notify_addr(longest, &sa, &len), 0);
}

static void no_notify_socket_is_no_error_and_a_bad_one_is(void **state)
{
	(void)state;
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	assert_int_equal(sv_notify("READY=1"), 0);
	assert_int_equal(setenv("NOTIFY_SOCKET", "relative", 1), 0);
	assert_int_equal(sv_notify("READY=1"), -EINVAL);
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
}

static void journal_stream_matches_only_its_own_file(void **state)
{
	char v[64];
	struct stat st;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fstat(fds[1], &st), 0);
	snprintf(v, sizeof(v), "%ju:%ju", (uintmax_t)st.st_dev,
		 (uintmax_t)st.st_ino);
	assert_true(sv_journal_stream_is(v, fds[1]));
	assert_true(sv_journal_stream_is(v, fds[0]));	/* one pipe, one inode */
	assert_false(sv_journal_stream_is(v, -1));
	snprintf(v, sizeof(v), "%ju:%ju", (uintmax_t)st.st_dev,
		 (uintmax_t)st.st_ino + 1);
	assert_false(sv_journal_stream_is(v, fds[1]));
	close(fds[0]);
	close(fds[1]);
}

static void malformed_journal_streams_match_nothing(void **state)
{
	static const char *const bad[] = {
		"", ":", "1", "1:", ":1", "-1:2", "1:-2", " 1:2", "1: 2",
		"1:2x", "1:2:3", "0x1:2", "99999999999999999999999:1",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sv_journal_stream_is(bad[i], STDERR_FILENO))
			fail_msg("JOURNAL_STREAM \"%s\" matched", bad[i]);
	assert_false(sv_journal_stream_is(NULL, STDERR_FILENO));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_address_keeps_its_nul),
		cmocka_unit_test(abstract_address_starts_with_nul_and_has_none_after),
		cmocka_unit_test(other_addresses_are_refused),
		cmocka_unit_test(no_notify_socket_is_no_error_and_a_bad_one_is),
		cmocka_unit_test(journal_stream_matches_only_its_own_file),
		cmocka_unit_test(malformed_journal_streams_match_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
