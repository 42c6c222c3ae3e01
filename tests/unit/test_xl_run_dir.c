/* test_xl_run_dir.c: svirt-xl's run directory (sv_xl_run_dir), where it writes a guest's
 * derived config: made 0700, refused unless root's own and closed to everyone else. */
#include <errno.h>
#include <limits.h>
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

#include "skip.h"

#include "tmpfs.h"
#include "xl_conf.h"

struct env {
	const char *skip;
	char top[64];
	char dir[PATH_MAX];
	int n;
};

static int group_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	e->skip = tmpfs_private(e->top, sizeof(e->top), "svirt-xl-run", NULL);
	*state = e;
	return 0;
}

static int group_teardown(void **state)
{
	struct env *e = *state;

	tmpfs_remove(e->top);
	free(e);
	return 0;
}

/* A fresh e->dir per test (not made: sv_xl_run_dir or the test makes it). */
static int setup(void **state)
{
	struct env *e = *state;

	if (!e->skip)
		snprintf(e->dir, sizeof(e->dir), "%s/run%d", e->top, ++e->n);
	return 0;
}

#define need_env(state) need_env_for(__func__, state)
static struct env *need_env_for(const char *test, void **state)
{
	struct env *e = *state;

	if (e->skip) {
		skip_because("%s: %s", test, e->skip);
	}
	return e;
}

static void refused(const char *dir, const char *how)
{
	struct sv_error err = { .msg = "" };
	int r = sv_xl_run_dir(dir, &err);

	if (r != -EPERM)
		fail_msg("run_dir %s: %d, not -EPERM (\"%s\")", how, r, err.msg);
	if (!strstr(err.msg, "must be a directory of uid 0 with mode 0700"))
		fail_msg("run_dir %s: \"%s\"", how, err.msg);
}

static void missing_run_dir_is_made_0700(void **state)
{
	struct env *e = need_env(state);
	struct sv_error err = { .msg = "" };
	struct stat st;

	umask(022);
	assert_int_equal(sv_xl_run_dir(e->dir, &err), 0);
	assert_int_equal(lstat(e->dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(sv_xl_run_dir(e->dir, &err), 0);	/* and kept */
}

/* Whoever could write there could swap a guest's derived config (its
 * labels, its device model) between svirt-xl writing it and xl reading it;
 * whoever could read it learns other guests' labels. */
static void run_dir_others_could_enter_is_refused(void **state)
{
	struct env *e = need_env(state);

	assert_int_equal(mkdir(e->dir, 0700), 0);
	assert_int_equal(chmod(e->dir, 0777), 0);
	refused(e->dir, "mode 0777");
	assert_int_equal(chmod(e->dir, 0720), 0);
	refused(e->dir, "mode 0720 (group-writable)");
	assert_int_equal(chmod(e->dir, 0705), 0);
	refused(e->dir, "mode 0705 (others may list it)");
}

static void run_dir_of_another_user_is_refused(void **state)
{
	struct env *e = need_env(state);

	assert_int_equal(mkdir(e->dir, 0700), 0);
	assert_int_equal(chown(e->dir, 4242, 0), 0);
	refused(e->dir, "owned by uid 4242");
}

static void run_dir_that_is_a_symlink_is_refused(void **state)
{
	struct env *e = need_env(state);
	char real[PATH_MAX + 8];

	snprintf(real, sizeof(real), "%s.real", e->dir);
	assert_int_equal(mkdir(real, 0700), 0);
	assert_int_equal(symlink(real, e->dir), 0);
	refused(e->dir, "a symlink to a good directory");
}

static void run_dir_that_is_a_file_is_refused(void **state)
{
	struct env *e = need_env(state);
	FILE *f = fopen(e->dir, "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(chmod(e->dir, 0600), 0);
	refused(e->dir, "a regular file");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup(f, setup)
		T(missing_run_dir_is_made_0700),
		T(run_dir_others_could_enter_is_refused),
		T(run_dir_of_another_user_is_refused),
		T(run_dir_that_is_a_symlink_is_refused),
		T(run_dir_that_is_a_file_is_refused),
#undef T
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
