/* test_log.c: log lines name the guest, escape what the guest could have
 * chosen, and respect the configured level. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

/* Foreground logger writing into a pipe; returns what it wrote. */
static void capture(int level, void (*emit)(struct sv_log *), char *out,
		    size_t size)
{
	struct sv_log log;
	int fds[2];
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	sv_log_open(&log, "svirtd", true, level);
	log.fd = fds[1];
	emit(&log);
	sv_log_close(&log);
	close(fds[1]);
	n = read(fds[0], out, size - 1);
	close(fds[0]);
	out[n < 0 ? 0 : n] = '\0';
}

static void emit_dom(struct sv_log *log)
{
	sv_log_dom(log, LOG_WARNING, 7, "web1", "disk %s refused", "/dev/sda");
}

static void guest_messages_carry_domid_and_name(void **state)
{
	char out[2048];

	(void)state;
	capture(LOG_INFO, emit_dom, out, sizeof(out));
	assert_string_equal(out,
			    "svirtd: warning: domain 7 (web1): disk /dev/sda refused\n");
}

static void emit_hostile(struct sv_log *log)
{
	sv_log_dom(log, LOG_ERR, 3, "evil\nsvirtd: err: forged\x1b[2J", "x");
}

static void control_bytes_in_a_name_cannot_forge_lines(void **state)
{
	char out[2048];

	(void)state;
	capture(LOG_INFO, emit_hostile, out, sizeof(out));
	assert_non_null(strstr(out, "evil\\x0asvirtd: err: forged\\x1b[2J"));
	/* One line only. */
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
}

static void emit_unnamed(struct sv_log *log)
{
	sv_log_dom(log, LOG_NOTICE, 12, NULL, "appeared");
}

static void unnamed_guest_is_named_by_domid(void **state)
{
	char out[2048];

	(void)state;
	capture(LOG_INFO, emit_unnamed, out, sizeof(out));
	assert_string_equal(out, "svirtd: notice: domain 12: appeared\n");
}

static void emit_debug_and_err(struct sv_log *log)
{
	sv_log(log, LOG_DEBUG, "chatter");
	sv_log(log, LOG_ERR, "matters");
}

static void messages_below_the_level_are_dropped(void **state)
{
	char out[2048];

	(void)state;
	capture(LOG_WARNING, emit_debug_and_err, out, sizeof(out));
	assert_string_equal(out, "svirtd: err: matters\n");
}

static void emit_long(struct sv_log *log)
{
	char name[300];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	sv_log_dom(log, LOG_ERR, 1, name, "long name");
}

static void long_names_are_shortened_visibly(void **state)
{
	char out[2048];

	(void)state;
	capture(LOG_INFO, emit_long, out, sizeof(out));
	assert_non_null(strstr(out, "nnn...): long name\n"));
}

static void level_names_parse(void **state)
{
	(void)state;
	assert_int_equal(sv_log_level_parse("debug"), LOG_DEBUG);
	assert_int_equal(sv_log_level_parse("info"), LOG_INFO);
	assert_int_equal(sv_log_level_parse("warning"), LOG_WARNING);
	assert_int_equal(sv_log_level_parse("err"), LOG_ERR);
	assert_int_equal(sv_log_level_parse("loud"), -22);
	assert_int_equal(sv_log_level_parse("emerg"), -22);
	assert_string_equal(sv_log_level_name(LOG_NOTICE), "notice");
}

/* stderr made a pipe whose dev:ino JOURNAL_STREAM names (journal: true),
 * or another value; what one warning and one error wrote there. */
static void capture_on_journal(bool journal, char *out, size_t size)
{
	int fds[2], saved = dup(STDERR_FILENO);
	struct sv_log log;
	char stream[64];
	struct stat st;
	ssize_t n;

	assert_true(saved >= 0);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fstat(fds[1], &st), 0);
	snprintf(stream, sizeof(stream), "%ju:%ju", (uintmax_t)st.st_dev,
		 (uintmax_t)st.st_ino + (journal ? 0 : 1));
	assert_int_equal(setenv("JOURNAL_STREAM", stream, 1), 0);
	assert_int_equal(dup2(fds[1], STDERR_FILENO), STDERR_FILENO);
	close(fds[1]);
	sv_log_open(&log, "svirtd", true, LOG_INFO);
	sv_log_dom(&log, LOG_WARNING, 7, "web1", "disk refused");
	sv_log(&log, LOG_ERR, "cannot connect to xenstore");
	sv_log_close(&log);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	unsetenv("JOURNAL_STREAM");
	n = read(fds[0], out, size - 1);
	close(fds[0]);
	out[n < 0 ? 0 : n] = '\0';
}

static void lines_to_the_journal_carry_their_priority(void **state)
{
	char out[2048];

	(void)state;
	capture_on_journal(true, out, sizeof(out));
	assert_string_equal(out, "<4>domain 7 (web1): disk refused\n"
				 "<3>cannot connect to xenstore\n");
}

static void lines_to_another_stderr_stay_plain(void **state)
{
	char out[2048];

	(void)state;
	capture_on_journal(false, out, sizeof(out));
	assert_string_equal(out, "svirtd: warning: domain 7 (web1): disk refused\n"
				 "svirtd: err: cannot connect to xenstore\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guest_messages_carry_domid_and_name),
		cmocka_unit_test(control_bytes_in_a_name_cannot_forge_lines),
		cmocka_unit_test(unnamed_guest_is_named_by_domid),
		cmocka_unit_test(messages_below_the_level_are_dropped),
		cmocka_unit_test(long_names_are_shortened_visibly),
		cmocka_unit_test(level_names_parse),
		cmocka_unit_test(lines_to_the_journal_carry_their_priority),
		cmocka_unit_test(lines_to_another_stderr_stay_plain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
