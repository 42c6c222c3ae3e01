/* test_sandbox.c: the private tree the tests that run product code as root work in
 * (tmpfs.c): only the test's processes, every host file read-only, the tmpfs writable. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cmocka.h>

#include "skip.h"

#include "tmpfs.h"

struct env {
	const char *skip;
	char top[64];
};

static int group_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	e->skip = tmpfs_private(e->top, sizeof(e->top), "svirt-sandbox", NULL);
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

#define need_env(state) need_env_for(__func__, state)
static struct env *need_env_for(const char *test, void **state)
{
	struct env *e = *state;

	if (e->skip) {
		skip_because("%s: %s", test, e->skip);
	}
	return e;
}

static void only_the_tests_own_processes_are_visible(void **state)
{
	DIR *d;
	struct dirent *de;
	unsigned n = 0;

	(void)need_env(state);
	assert_int_equal(getpid(), 1);
	assert_non_null(d = opendir("/proc"));
	while ((de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9') {
			n++;
			if (strcmp(de->d_name, "1") != 0)
				fail_msg("/proc shows pid %s", de->d_name);
		}
	closedir(d);
	assert_int_equal(n, 1);
}

/* Each mount this namespace sees, by /proc/self/mountinfo's own flags; one
 * mounted over another at the same point hides it (out of reach by path). */
static void every_mount_but_tmp_and_proc_is_read_only(void **state)
{
	static char mp[256][512], opts[256][256];
	char line[8192];
	size_t n = 0, checked = 0;
	FILE *f;

	(void)need_env(state);
	assert_non_null(f = fopen("/proc/self/mountinfo", "r"));
	while (n < 256 && fgets(line, sizeof(line), f)) {
		assert_int_equal(sscanf(line, "%*s %*s %*s %*s %511s %255s",
					mp[n], opts[n]), 2);
		n++;
	}
	fclose(f);
	for (size_t i = 0; i < n; i++) {
		bool hidden = false;

		for (size_t j = i + 1; j < n; j++)
			hidden |= strcmp(mp[i], mp[j]) == 0;
		if (hidden || strcmp(mp[i], "/tmp") == 0 ||
		    strncmp(mp[i], "/tmp/", 5) == 0 || strcmp(mp[i], "/proc") == 0)
			continue;
		checked++;
		if (strncmp(opts[i], "ro", 2) != 0 ||
		    (opts[i][2] && opts[i][2] != ','))
			fail_msg("%s is mounted %s here", mp[i], opts[i]);
	}
	assert_true(checked > 0);
}

/* access() asks the kernel without writing anything, should it be wrong. */
static void host_files_cannot_be_written(void **state)
{
	static const char *const host[] = { "/etc/passwd", "/etc/shadow", "/",
					    "/usr", "/var",
					    "/proc/sys/kernel/hostname" };

	(void)need_env(state);
	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		errno = 0;
		if (access(host[i], W_OK) == 0 || errno != EROFS)
			fail_msg("%s: writable here (%s)", host[i],
				 strerror(errno));
	}
}

/* The working directory and the binary, also where they lie below the host's
 * /tmp (a clone there): still there under the private /tmp, not writable. */
static void the_tree_the_test_runs_from_is_there_read_only(void **state)
{
	char exe[4096];
	ssize_t n;

	(void)need_env(state);
	assert_int_equal(access(".", R_OK | X_OK), 0);
	errno = 0;
	if (access(".", W_OK) == 0 || errno != EROFS)
		fail_msg("the working directory is writable here (%s)",
			 strerror(errno));
	assert_true((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0);
	exe[n] = '\0';
	assert_int_equal(access(exe, X_OK), 0);
	errno = 0;
	if (access(exe, W_OK) == 0 || errno != EROFS)
		fail_msg("%s is writable here (%s)", exe, strerror(errno));
}

static void tmpfs_is_writable(void **state)
{
	struct env *e = need_env(state);
	struct statvfs st;

	assert_int_equal(access(e->top, W_OK), 0);
	assert_int_equal(access("/tmp", W_OK), 0);
	assert_int_equal(statvfs(e->top, &st), 0);
	assert_false(st.f_flag & ST_RDONLY);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_the_tests_own_processes_are_visible),
		cmocka_unit_test(every_mount_but_tmp_and_proc_is_read_only),
		cmocka_unit_test(host_files_cannot_be_written),
		cmocka_unit_test(the_tree_the_test_runs_from_is_there_read_only),
		cmocka_unit_test(tmpfs_is_writable),
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
