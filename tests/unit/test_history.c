/* test_history.c: svirtd's guest history: the one text form of its lines
 * (file and HISTORY reply), keeping it in step with the live guests, its
 * bounds, the file across a restart and a crash, and finding who held a
 * pair when. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "history.h"

#define WEB "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define DB "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
#define P(x, y) ((struct sv_pair){ (x), (y) })

static int parse_line(const char *s, struct sv_hist_entry *e)
{
	struct sv_error err = { .msg = "" };

	return sv_history_line_parse(s, strlen(s), e, &err);
}

static void round_trip(const char *name)
{
	struct sv_hist_entry e = { .start = 100, .end = 200, .domid = 3,
				   .uuid = WEB, .pair = { 1, 2 } }, back;
	char line[SV_HISTORY_LINE_MAX];
	int n;

	snprintf(e.name, sizeof(e.name), "%s", name);
	n = sv_history_line_format(&e, line, sizeof(line));
	assert_true(n > 0);
	assert_null(memchr(line, '\n', (size_t)n));
	assert_int_equal(parse_line(line, &back), 0);
	assert_string_equal(back.name, name);
	assert_int_equal(back.start, 100);
	assert_int_equal(back.end, 200);
	assert_int_equal(back.domid, 3);
	assert_string_equal(back.uuid, WEB);
	assert_int_equal(back.pair.a, 1);
	assert_int_equal(back.pair.b, 2);
}

static void history_line_keeps_any_name(void **state)
{
	char all[256];

	(void)state;
	round_trip("web");
	round_trip("");
	round_trip("-");
	round_trip("a name with spaces\nand a forged line");
	round_trip("100%");
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	round_trip(all);
}

static void history_line_has_one_spelling(void **state)
{
	struct sv_hist_entry e;
	const char *ok = "past 100 200 domain 3 uuid " WEB " pair c1,c2 name web";
	const char *bad[] = {
		"past 100 200 domain 3 uuid " WEB " pair c1,c2 name w%65b",	/* needless escape */
		"past 100 200 domain 3 uuid " WEB " pair c1,c2 name a%2a",	/* lower-case hex */
		"past 100 200 domain 3 uuid " WEB " pair c1,c2 name a%2",
		"past 0100 200 domain 3 uuid " WEB " pair c1,c2 name web",
		"past 100 200 domain 3 uuid " WEB " pair c1,c2  name web",
		"past 100 200 domain 3 uuid " WEB " pair c1,c2 name web ",
		"past 100 200 domain 3 uuid " WEB " pair c2,c1 name web",
		"past 100 200 domain 3 uuid " WEB " pair c01,c2 name web",
		"past 200 100 domain 3 uuid " WEB " pair c1,c2 name web",	/* ends before it starts */
		"past 100 0 domain 3 uuid " WEB " pair c1,c2 name web",
		"past 100 - domain 0 uuid " WEB " pair c1,c2 name web",		/* dom0 */
		"past 100 - domain 3 uuid 1B4E28BA-2FA1-11D2-883F-0016D3CCA427 pair c1,c2 name web",
		"past 100 - domain 3 uuid 00000000-0000-0000-0000-000000000000 pair c1,c2 name web",
		"past 100 - domain 3 uuid " WEB " pair c1,c2 name web extra",
		"past 100 - domain 3 uuid " WEB " pair c1,c2",
		"gone 100 - domain 3 uuid " WEB " pair c1,c2 name web",
		"past 100 - domain 3 uuid " WEB " pair c1,c2 name %00",
	};

	(void)state;
	assert_int_equal(parse_line(ok, &e), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse_line(bad[i], &e) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
}

static void history_sync_opens_names_and_ends_tenures(void **state)
{
	struct sv_history h = { 0 };
	struct sv_hist_live live[2] = {
		{ 3, WEB, "", P(1, 2) },
		{ 5, DB, "db", P(3, 4) },
	};

	(void)state;
	assert_int_equal(sv_history_sync(&h, live, 2, 1000), 1);
	assert_int_equal(h.n, 2);
	assert_int_equal(sv_history_sync(&h, live, 2, 1001), 0);	/* nothing new */
	live[0].name = "web";	/* its name, written after its domain */
	assert_int_equal(sv_history_sync(&h, live, 2, 1002), 1);
	assert_string_equal(h.v[0].name, "web");
	assert_int_equal(h.v[0].start, 1000);
	/* web ends; a new web takes its pair again later. */
	assert_int_equal(sv_history_sync(&h, live + 1, 1, 1010), 1);
	assert_int_equal(h.v[0].end, 1010);
	assert_int_equal(h.v[1].end, 0);
	live[0].domid = 7;
	assert_int_equal(sv_history_sync(&h, live, 2, 1020), 1);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.v[2].domid, 7);
	assert_int_equal(h.v[2].start, 1020);
	sv_history_clear(&h);
}

static void history_find_names_the_tenure_of_the_time(void **state)
{
	struct sv_history h = { 0 };
	struct sv_hist_live old = { 3, WEB, "web", P(1, 2) };
	struct sv_hist_live now = { 9, DB, "db", P(1, 2) };

	(void)state;
	assert_int_equal(sv_history_sync(&h, &old, 1, 1000), 1);
	assert_int_equal(sv_history_sync(&h, NULL, 0, 2000), 1);
	assert_int_equal(sv_history_sync(&h, &now, 1, 3000), 1);
	assert_string_equal(sv_history_find(&h, P(1, 2), true, 1500)->name, "web");
	assert_string_equal(sv_history_find(&h, P(1, 2), true, 3500)->name, "db");
	/* Logged a moment after its domain went: still the old guest's. */
	assert_string_equal(sv_history_find(&h, P(1, 2), true, 2002)->name, "web");
	assert_null(sv_history_find(&h, P(1, 2), true, 2500));
	assert_null(sv_history_find(&h, P(1, 2), true, 10));
	/* No time (Xen's console): whoever holds it now. */
	assert_string_equal(sv_history_find(&h, P(1, 2), false, 0)->name, "db");
	assert_null(sv_history_find(&h, P(5, 6), false, 0));
	assert_int_equal(sv_history_sync(&h, NULL, 0, 4000), 1);
	/* Nobody holds it: the last that did. */
	assert_string_equal(sv_history_find(&h, P(1, 2), false, 0)->name, "db");
	sv_history_clear(&h);
}

static void history_keeps_its_bounds(void **state)
{
	struct sv_history h = { 0 };
	struct sv_hist_live live = { 1, WEB, "alive", P(1, 2) };
	char uuid[SV_UUID_BUF], name[SV_HISTORY_NAME_MAX + 1];
	char *text;
	size_t len;

	(void)state;
	/* The oldest live guest, then many that come and go. */
	assert_int_equal(sv_history_sync(&h, &live, 1, 1), 1);
	for (int i = 0; i < SV_HISTORY_ENTRIES_MAX + 50; i++) {
		struct sv_hist_live two[2] = { live, { 2 + i % 1000, uuid, "g", P(3, 4) } };

		snprintf(uuid, sizeof(uuid), "6ba7b810-9dad-11d1-80b4-%012x", i + 1);
		assert_true(sv_history_sync(&h, two, 2, 10 + 2 * i) >= 0);
		assert_true(sv_history_sync(&h, &live, 1, 11 + 2 * i) >= 0);
		assert_true(h.n <= SV_HISTORY_ENTRIES_MAX);
	}
	assert_int_equal(h.n, SV_HISTORY_ENTRIES_MAX);
	assert_string_equal(h.v[0].name, "alive");	/* live: kept */
	assert_int_equal(h.v[0].end, 0);
	/* The ones kept are the newest. */
	assert_int_equal(h.v[h.n - 1].start, 10 + 2 * (SV_HISTORY_ENTRIES_MAX + 49));
	/* Long hostile names: the bytes bound holds first. */
	memset(name, '\n', SV_HISTORY_NAME_MAX);
	name[SV_HISTORY_NAME_MAX] = '\0';
	for (size_t i = 0; i < h.n; i++)
		memcpy(h.v[i].name, name, sizeof(name));
	assert_true(sv_history_trim(&h));
	assert_int_equal(sv_history_format(&h, false, &text, &len), 0);
	assert_true(len <= SV_HISTORY_BYTES_MAX + 64);
	assert_true(h.n < SV_HISTORY_ENTRIES_MAX);
	free(text);
	sv_history_clear(&h);
}

/* ---- the file ---- */

static char top[64];

static int setup(void **state)
{
	(void)state;
	strcpy(top, "/tmp/svirt-test-history-XXXXXX");
	return mkdtemp(top) ? 0 : -1;
}

static int teardown(void **state)
{
	char p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/history", top);
	unlink(p);
	snprintf(p, sizeof(p), "%s/history.tmp", top);
	unlink(p);
	return rmdir(top);
}

static void history_survives_a_restart(void **state)
{
	struct sv_history h = { 0 }, back = { 0 };
	struct sv_hist_live live[2] = { { 3, WEB, "web", P(1, 2) },
					{ 5, DB, "d b\n", P(3, 4) } };
	struct sv_error err = { .msg = "" };
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/history", top);
	assert_int_equal(sv_history_load(path, &back, &err), -ENOENT);
	assert_int_equal(sv_history_sync(&h, live, 2, 1000), 1);
	assert_int_equal(sv_history_sync(&h, live + 1, 1, 1100), 1);
	assert_int_equal(sv_history_save(path, &h, &err), 0);
	assert_int_equal(sv_history_load(path, &back, &err), 0);
	assert_int_equal(back.n, 2);
	assert_memory_equal(back.v, h.v, 2 * sizeof(*h.v));
	/* svirtd restarted after db died unseen: its tenure is ended then. */
	assert_int_equal(sv_history_sync(&back, NULL, 0, 1200), 1);
	assert_int_equal(back.v[1].end, 1200);
	assert_int_equal(back.v[0].end, 1100);
	sv_history_clear(&h);
	sv_history_clear(&back);
}

/* A crash between writing the temp file and renaming it: the file read
 * back is the previous one, whole, and the next save goes through. */
static void history_crash_before_the_rename_keeps_the_old_file(void **state)
{
	struct sv_history h = { 0 }, back = { 0 };
	struct sv_hist_live live = { 3, WEB, "web", P(1, 2) };
	struct sv_error err = { .msg = "" };
	char path[128], tmp[140];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/history", top);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(sv_history_sync(&h, &live, 1, 1000), 1);
	assert_int_equal(sv_history_save(path, &h, &err), 0);
	/* What a killed save leaves: a half-written temp file. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "svirt-history 1 2\npast 1", 24), 24);
	close(fd);
	assert_int_equal(sv_history_load(path, &back, &err), 0);
	assert_int_equal(back.n, 1);
	assert_string_equal(back.v[0].name, "web");
	sv_history_clear(&back);
	assert_int_equal(sv_history_sync(&h, NULL, 0, 1100), 1);
	assert_int_equal(sv_history_save(path, &h, &err), 0);
	assert_int_equal(sv_history_load(path, &back, &err), 0);
	assert_int_equal(back.v[0].end, 1100);
	assert_int_equal(access(tmp, F_OK), -1);
	sv_history_clear(&back);
	sv_history_clear(&h);
}

static void history_load_names_a_corrupt_file(void **state)
{
	struct sv_history back = { 0 };
	struct sv_error err = { .msg = "" };
	char path[128];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/history", top);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("svirt-history 1 1\npast 1 - domain 3 uuid " WEB " pair c1,c2 name %zz\n", f);
	fclose(f);
	assert_int_equal(sv_history_load(path, &back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, path));
	assert_non_null(strstr(err.msg, "line 2"));
	assert_int_equal(back.n, 0);
}

static void history_reply_is_ok_lines_or_the_protocols_err(void **state)
{
	struct sv_history h = { 0 }, back = { 0 };
	struct sv_hist_live live = { 3, WEB, "web", P(1, 2) };
	struct sv_error err = { .msg = "" };
	const char *e = "ERR EIO out of memory\n";
	char *text;
	size_t len;

	(void)state;
	assert_int_equal(sv_history_sync(&h, &live, 1, 1000), 1);
	assert_int_equal(sv_history_format(&h, true, &text, &len), 0);
	assert_true(strncmp(text, "OK 1\npast 1000 - domain 3 ", 26) == 0);
	assert_int_equal(sv_history_parse(text, len, true, &back, &err), 0);
	assert_int_equal(back.n, 1);
	/* The file's header is not a reply, nor the reverse. */
	assert_int_equal(sv_history_parse(text, len, false, &h, &err), -EINVAL);
	free(text);
	assert_int_equal(sv_history_parse(e, strlen(e), true, &h, &err), -EIO);
	assert_string_equal(err.msg, "svirtd: out of memory");
	assert_int_equal(sv_history_parse("OK 2\n", 5, true, &h, &err), -EINVAL);
	sv_history_clear(&back);
	sv_history_clear(&h);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(history_line_keeps_any_name),
		cmocka_unit_test(history_line_has_one_spelling),
		cmocka_unit_test(history_sync_opens_names_and_ends_tenures),
		cmocka_unit_test(history_find_names_the_tenure_of_the_time),
		cmocka_unit_test(history_keeps_its_bounds),
		T(history_survives_a_restart),
		T(history_crash_before_the_rename_keeps_the_old_file),
		T(history_load_names_a_corrupt_file),
		cmocka_unit_test(history_reply_is_ok_lines_or_the_protocols_err),
	};

	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
