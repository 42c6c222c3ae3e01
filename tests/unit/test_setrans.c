/* test_setrans.c: svirtd's mcstrans file (issue 19 item 3): guest names made translations or refused,
 * the administrator's entries and Includes read, collisions left out, the file replaced whole even across a crash. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "setrans.h"
#include "skip.h"
#include "tmpfs.h"

struct env {
	char top[PATH_MAX];
	const char *skip;
	char path[PATH_MAX + 64];
};

static const char *at(struct env *e, const char *name)
{
	snprintf(e->path, sizeof(e->path), "%s/%s", e->top, name);
	return e->path;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path)
{
	static char buf[4096];

	return tmpfs_slurp(path, buf, sizeof(buf));
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	*state = e;
	e->skip = tmpfs_private(e->top, sizeof(e->top), "svirt-setrans",
				(const char *const[]){ NULL });
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	tmpfs_remove(e->top);
	free(e);
	return 0;
}

#define NEED_TMPFS(e)                                                          \
	do {                                                                   \
		if ((e)->skip)                                                 \
			skip_because("%s", (e)->skip);                         \
	} while (0)

/* ---- names ---- */

static void plain_name_is_its_own_translation(void **state)
{
	char out[SV_SETRANS_NAME_MAX + 1];
	const char *why = NULL;

	(void)state;
	assert_int_equal(sv_setrans_name("web.Prod_2", out, sizeof(out), &why), 0);
	assert_string_equal(out, "web.Prod_2");
}

static void dash_is_escaped_as_mcstrans_splits_ranges_at_it(void **state)
{
	char out[SV_SETRANS_NAME_MAX + 1];
	const char *why = NULL;

	(void)state;
	assert_int_equal(sv_setrans_name("debian-12-a", out, sizeof(out), &why), 0);
	assert_string_equal(out, "debian_12_a");
}

/* Names a guest's toolstack (or a guest, through a hostile config) can
 * give: none of them may reach the file. */
static void hostile_names_are_refused_with_a_reason(void **state)
{
	static const char *const bad[] = {
		"", "s0", "S15x", "c5", "C1023", "s0:c1,c2", "web#x", "web=s0",
		"a!b", "a>b", "a:b", "a,b", "a b", "a\tb", "a\nb", "a\rb",
		"web\ns0:c1,c2=SystemHigh", "a/b", "a~b", "a*b", "a[b]",
		"\xc3\xa4rger", "x\x1b[31m", "1web", "_web", ".web", "-web",
		"Include=/etc/shadow",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	char out[SV_SETRANS_NAME_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *why = NULL;

		if (sv_setrans_name(bad[i], out, sizeof(out), &why) != -EINVAL)
			fail_msg("name %zu (\"%s\") was accepted as \"%s\"", i,
				 bad[i], out);
		assert_non_null(why);
	}
}

/* ---- lines ---- */

static void line_is_split_as_mcstrans_splits_it(void **state)
{
	char l1[] = "  s0:c1,c2 =  web   # a guest\n", l2[] = "# only\n",
	     l3[] = "   \t\n", l4[] = "no divider\n", l5[] = "=web\n",
	     l6[] = "s0:c1!c2\n";
	char *raw, *text, op;

	(void)state;
	assert_int_equal(sv_setrans_line(l1, &raw, &text, &op), 1);
	assert_string_equal(raw, "s0:c1,c2");
	assert_string_equal(text, "web");
	assert_int_equal(op, '=');
	assert_int_equal(sv_setrans_line(l2, &raw, &text, &op), 0);
	assert_int_equal(sv_setrans_line(l3, &raw, &text, &op), 0);
	assert_int_equal(sv_setrans_line(l4, &raw, &text, &op), -EINVAL);
	assert_int_equal(sv_setrans_line(l5, &raw, &text, &op), -EINVAL);
	assert_int_equal(sv_setrans_line(l6, &raw, &text, &op), 1);
	assert_int_equal(op, '!');
}

/* ---- the administrator's files ---- */

static void admin_entries_are_read_through_includes(void **state)
{
	struct env *e = *state;
	struct sv_setrans_admin a = { 0 };
	struct sv_error err;
	char top[PATH_MAX + 64], own[PATH_MAX + 64], text[3 * PATH_MAX];

	NEED_TMPFS(e);
	mkdir(at(e, "setrans.d"), 0755);
	put(at(e, "setrans.d/site.conf"), "s0:c7,c8=Payroll\n");
	snprintf(own, sizeof(own), "%s/setrans.d/svirt.conf", e->top);
	put(own, "s0:c1,c2=web\n");	/* svirtd's own: never read as the admin's */
	snprintf(top, sizeof(top), "%s/setrans.conf", e->top);
	snprintf(text, sizeof(text),
		 "# Debian's\ns0=SystemLow\ns0-s0:c0.c1023=SystemLow-SystemHigh\n"
		 "s0:c0.c1023=SystemHigh\nInclude=%s/setrans.d/*.conf\n"
		 "c0!c1\n", e->top);
	put(top, text);
	assert_int_equal(sv_setrans_admin_read(&a, top, own, &err), 0);
	assert_int_equal(a.n, 4);
	assert_string_equal(a.level[0], "s0");
	assert_string_equal(a.text[0], "systemlow");
	assert_string_equal(a.level[3], "s0:c7,c8");
	assert_string_equal(a.text[3], "payroll");
	assert_true(a.own_included);
	assert_false(a.own_in_group);
	sv_setrans_admin_free(&a);
}

static void own_file_included_inside_a_modifier_group_is_noticed(void **state)
{
	struct env *e = *state;
	struct sv_setrans_admin a = { 0 };
	struct sv_error err;
	char text[2 * PATH_MAX];

	NEED_TMPFS(e);
	put(at(e, "svirt.conf"), "");
	snprintf(text, sizeof(text), "ModifierGroup=Releasable\nc1=USA\n"
		 "Include=%s/svirt.conf\nDomain=Other\n", e->top);
	assert_int_equal(sv_setrans_admin_parse(&a, text, strlen(text), "t",
						at(e, "svirt.conf"), true, &err), 0);
	assert_true(a.own_included);
	assert_true(a.own_in_group);
	assert_int_equal(a.n, 0);	/* a word of a group translates no level */
	sv_setrans_admin_free(&a);
}

/* At svirtd's first write its file does not exist: the Include naming it
 * counts all the same (no false "not included" warning). */
static void include_of_own_file_not_yet_written_is_noticed(void **state)
{
	struct sv_setrans_admin a = { 0 };
	struct sv_error err;
	const char text[] = "s0=SystemLow\nInclude=/nonexistent/svirt/setrans.conf\n";

	(void)state;
	assert_int_equal(sv_setrans_admin_parse(&a, text, strlen(text), "t",
						"/nonexistent/svirt/setrans.conf",
						true, &err), 0);
	assert_true(a.own_included);
	assert_false(a.own_in_group);
	sv_setrans_admin_free(&a);
}

static void broken_admin_line_is_named_by_file_and_line(void **state)
{
	struct sv_setrans_admin a = { 0 };
	struct sv_error err;
	const char text[] = "s0=SystemLow\nthis has no divider\n";

	(void)state;
	assert_int_equal(sv_setrans_admin_parse(&a, text, strlen(text),
						"/etc/x/setrans.conf", NULL,
						true, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/etc/x/setrans.conf:2:"));
	sv_setrans_admin_free(&a);
}

static void include_loop_is_refused(void **state)
{
	struct env *e = *state;
	struct sv_setrans_admin a = { 0 };
	struct sv_error err;
	char text[2 * PATH_MAX];

	NEED_TMPFS(e);
	snprintf(text, sizeof(text), "Include=%s/loop.conf\n", e->top);
	put(at(e, "loop.conf"), text);
	assert_int_equal(sv_setrans_admin_read(&a, at(e, "loop.conf"), NULL,
					       &err), -ELOOP);
	assert_non_null(strstr(err.msg, "Include"));
	sv_setrans_admin_free(&a);
}

/* ---- rendering ---- */

static struct sv_setrans_entry entry(int domid, const char *name, unsigned a,
				     unsigned b)
{
	return (struct sv_setrans_entry){ .domid = domid, .name = name,
					  .pair = { a, b } };
}

static void render_writes_each_guest_and_leaves_out_collisions(void **state)
{
	struct sv_setrans_admin a = { 0 };
	struct sv_error err;
	const char admin[] = "s0=SystemLow\ns0:c7,c8=Payroll\n";
	struct sv_setrans_entry e[] = {
		entry(1, "web", 3, 9),
		entry(2, "db-1", 4, 11),
		entry(3, "payroll", 20, 21),	/* the admin's text, other case */
		entry(4, "cache", 7, 8),		/* the admin's level */
		entry(5, "twin-a", 30, 31),		/* twin_a twice */
		entry(6, "twin_a", 32, 33),
		entry(7, "s0", 34, 35),		/* reads as a level */
		entry(8, "evil\ns0:c1,c2=web", 36, 37),
	};
	char *out = NULL;

	(void)state;
	assert_int_equal(sv_setrans_admin_parse(&a, admin, strlen(admin), "a",
						NULL, false, &err), 0);
	assert_int_equal(sv_setrans_render(e, 8, &a, &out), 0);
	assert_null(e[0].why);
	assert_null(e[1].why);
	for (size_t i = 2; i < 8; i++)
		assert_non_null(e[i].why);
	assert_non_null(strstr(out, "\ns0:c3,c9=web\ns0:c4,c11=db_1\n"));
	assert_null(strstr(out, "payroll"));
	assert_null(strstr(out, "twin"));
	assert_null(strstr(out, "evil"));
	assert_null(strstr(out, "c36"));
	/* Every line but the header's comments is one translation. */
	{
		char *copy = strdup(out), *save = NULL, *line;
		size_t lines = 0;

		for (line = strtok_r(copy, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			if (line[0] != '#')
				lines++;
		assert_int_equal(lines, 2);
		free(copy);
	}
	free(out);
	sv_setrans_admin_free(&a);
}

/* ---- replacing the file ---- */

static void write_replaces_the_file_and_leaves_no_temporary(void **state)
{
	struct env *e = *state;
	struct sv_error err;
	char tmp[PATH_MAX + 128];

	NEED_TMPFS(e);
	put(at(e, "svirt.conf"), "old\n");
	assert_int_equal(sv_setrans_write(at(e, "svirt.conf"), "new\n", 4, NULL,
					  NULL, &err), 0);
	assert_string_equal(slurp(at(e, "svirt.conf")), "new\n");
	snprintf(tmp, sizeof(tmp), "%s.tmp", at(e, "svirt.conf"));
	assert_int_equal(access(tmp, F_OK), -1);
}

static int rename_fails(const char *from, const char *to, void *arg)
{
	(void)from;
	(void)to;
	(void)arg;
	return -EIO;
}

static void failed_rename_keeps_the_old_file_whole(void **state)
{
	struct env *e = *state;
	struct sv_error err;
	char tmp[PATH_MAX + 128];

	NEED_TMPFS(e);
	put(at(e, "svirt.conf"), "s0:c1,c2=old\n");
	assert_int_equal(sv_setrans_write(at(e, "svirt.conf"), "s0:c3,c4=new\n",
					  13, rename_fails, NULL, &err), -EIO);
	assert_non_null(strstr(err.msg, "cannot replace"));
	assert_string_equal(slurp(at(e, "svirt.conf")), "s0:c1,c2=old\n");
	snprintf(tmp, sizeof(tmp), "%s.tmp", at(e, "svirt.conf"));
	assert_int_equal(access(tmp, F_OK), -1);
}

/* The process dies where a crash hurts most: the new text written and
 * synced, the rename not done. */
static int rename_crashes(const char *from, const char *to, void *arg)
{
	(void)from;
	(void)to;
	(void)arg;
	_exit(77);
}

static void crash_between_write_and_rename_leaves_old_file_then_restart_writes_new(void **state)
{
	struct env *e = *state;
	struct sv_error err;
	char path[PATH_MAX + 64], tmp[PATH_MAX + 128];
	int status;
	pid_t pid;

	NEED_TMPFS(e);
	snprintf(path, sizeof(path), "%s", at(e, "svirt.conf"));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	put(path, "s0:c1,c2=old\n");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int r = sv_setrans_write(path, "s0:c3,c4=new\n", 13,
					 rename_crashes, NULL, &err);

		_exit(r == 0 ? 2 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 77);
	/* mcstransd would read the old file, whole; the new text waits in the
	 * temporary, which mcstransd's Include never names (no ".conf"). */
	assert_string_equal(slurp(path), "s0:c1,c2=old\n");
	assert_string_equal(slurp(tmp), "s0:c3,c4=new\n");
	/* svirtd restarted: it writes the file from the live guests again. */
	assert_int_equal(sv_setrans_write(path, "s0:c5,c6=after\n", 15, NULL,
					  NULL, &err), 0);
	assert_string_equal(slurp(path), "s0:c5,c6=after\n");
	assert_int_equal(access(tmp, F_OK), -1);
}

static void write_does_not_follow_a_planted_temporary_symlink(void **state)
{
	struct env *e = *state;
	struct sv_error err;
	char tmp[PATH_MAX + 128];

	NEED_TMPFS(e);
	put(at(e, "victim"), "keep\n");
	snprintf(tmp, sizeof(tmp), "%s/svirt.conf.tmp", e->top);
	assert_int_equal(symlink(at(e, "victim"), tmp), 0);
	assert_int_equal(sv_setrans_write(at(e, "svirt.conf"), "x\n", 2, NULL,
					  NULL, &err), 0);
	assert_string_equal(slurp(at(e, "victim")), "keep\n");
	assert_string_equal(slurp(at(e, "svirt.conf")), "x\n");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(plain_name_is_its_own_translation),
		T(dash_is_escaped_as_mcstrans_splits_ranges_at_it),
		T(hostile_names_are_refused_with_a_reason),
		T(line_is_split_as_mcstrans_splits_it),
		T(admin_entries_are_read_through_includes),
		T(own_file_included_inside_a_modifier_group_is_noticed),
		T(include_of_own_file_not_yet_written_is_noticed),
		T(broken_admin_line_is_named_by_file_and_line),
		T(include_loop_is_refused),
		T(render_writes_each_guest_and_leaves_out_collisions),
		T(write_replaces_the_file_and_leaves_no_temporary),
		T(failed_rename_keeps_the_old_file_whole),
		T(crash_between_write_and_rename_leaves_old_file_then_restart_writes_new),
		T(write_does_not_follow_a_planted_temporary_symlink),
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
