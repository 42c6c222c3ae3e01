/* test_config_roots.c: a relabel root must be a real directory named as it is
 * (sv_config_check_roots); a missing one is skipped. */
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

#include "config.h"

struct env {
	char top[64];
	char path[4][PATH_MAX];
};

static int setup(void **state)
{
	static struct env e;

	snprintf(e.top, sizeof(e.top), "/tmp/svirt-roots-XXXXXX");
	if (!mkdtemp(e.top))
		return -1;
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->top);
	return system(cmd) == 0 ? 0 : -1;
}

/* e->path[i] = top/name */
static char *at(struct env *e, int i, const char *name)
{
	snprintf(e->path[i], sizeof(e->path[i]), "%s/%s", e->top, name);
	return e->path[i];
}

static int check(char *root, struct sv_error *err)
{
	struct sv_config c = { .relabel_roots = &root, .nroots = 1 };

	return sv_config_check_roots(&c, err);
}

static void real_directory_passes(void **state)
{
	struct env *e = *state;
	char *dir = at(e, 0, "images");

	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(check(dir, NULL), 0);
}

static void missing_root_is_skipped(void **state)
{
	struct env *e = *state;

	assert_int_equal(check(at(e, 0, "nothing"), NULL), 0);
}

static void symlink_root_is_refused_naming_it(void **state)
{
	struct env *e = *state;
	char *dir = at(e, 0, "real"), *link = at(e, 1, "link");
	struct sv_error err = { "" };

	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(symlink(dir, link), 0);
	assert_int_equal(check(link, &err), -EINVAL);
	assert_non_null(strstr(err.msg, link));
	assert_non_null(strstr(err.msg, "resolves to"));
}

static void root_under_a_symlinked_parent_is_refused(void **state)
{
	struct env *e = *state;
	char *dir = at(e, 0, "real"), *link = at(e, 1, "link");
	char *sub = at(e, 2, "real/sub"), *via = at(e, 3, "link/sub");
	struct sv_error err = { "" };

	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(symlink(dir, link), 0);
	assert_int_equal(check(via, &err), -EINVAL);
	assert_non_null(strstr(err.msg, via));
}

static void file_root_is_refused(void **state)
{
	struct env *e = *state;
	char *f = at(e, 0, "file");
	struct sv_error err = { "" };
	FILE *fp = fopen(f, "w");

	assert_non_null(fp);
	fclose(fp);
	assert_int_equal(check(f, &err), -ENOTDIR);
	assert_non_null(strstr(err.msg, f));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(real_directory_passes),
		T(missing_root_is_skipped),
		T(symlink_root_is_refused_naming_it),
		T(root_under_a_symlinked_parent_is_refused),
		T(file_root_is_refused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
