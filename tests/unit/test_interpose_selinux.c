/* test_interpose_selinux.c: how svirt-interpose decides SELinux's state: a
 * disabled SELinux only on proof, never because selinuxfs is out of sight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Compiled in, so the test builds without interpose/'s objects. */
#include "../../interpose/selinux.c"

/* /proc/filesystems as a kernel with and without SELinux writes it. */
#define FS_COMMON "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\n\text4\n"
#define FS_SELINUX FS_COMMON "nodev\tselinuxfs\nnodev\tsecurityfs\n"
#define FS_NO_SELINUX FS_COMMON "nodev\tsecurityfs\n"

struct fixture {
	char dir[32];
	char path[64];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/svipse.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/filesystems", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static const char *filesystems(struct fixture *fx, const char *text)
{
	FILE *f = fopen(fx->path, "we");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return fx->path;
}

static void mounted_selinuxfs_gives_the_enforcing_mode(void **state)
{
	struct fixture *fx = *state;
	const char *fs = filesystems(fx, FS_SELINUX);

	assert_int_equal(sv_interpose_selinux_probe(1, 1, fs), SV_SELINUX_ENFORCING);
	assert_int_equal(sv_interpose_selinux_probe(1, 0, fs), SV_SELINUX_PERMISSIVE);
	/* security_getenforce() failing counts as enforcing */
	assert_int_equal(sv_interpose_selinux_probe(1, -1, fs), SV_SELINUX_ENFORCING);
}

static void kernel_without_selinuxfs_is_disabled(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(sv_interpose_selinux_probe(0, -1, filesystems(fx, FS_NO_SELINUX)),
			 SV_SELINUX_DISABLED);
}

/* is_selinux_enabled() says 0 in a mount namespace without selinuxfs,
 * while the kernel enforces: that is not "disabled". */
static void selinuxfs_out_of_sight_is_unknown(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(sv_interpose_selinux_probe(0, -1, filesystems(fx, FS_SELINUX)),
			 SV_SELINUX_UNKNOWN);
	assert_int_equal(sv_interpose_selinux_probe(-1, -1, filesystems(fx, FS_SELINUX)),
			 SV_SELINUX_UNKNOWN);
}

static void unreadable_or_partial_filesystems_is_unknown(void **state)
{
	struct fixture *fx = *state;
	char *big = malloc(20000);

	assert_int_equal(sv_interpose_selinux_probe(0, -1, "/nonexistent/filesystems"),
			 SV_SELINUX_UNKNOWN);
	/* a last line cut off could be "selinuxfs" cut off */
	assert_int_equal(sv_interpose_selinux_probe(0, -1, filesystems(fx, FS_COMMON "nodev\tselin")),
			 SV_SELINUX_UNKNOWN);
	/* more than is read: what was not read could list it */
	assert_non_null(big);
	memset(big, 'x', 19999);
	big[19999] = '\0';
	for (size_t i = 100; i < 19999; i += 100)
		big[i] = '\n';
	big[19998] = '\n';
	assert_int_equal(sv_interpose_selinux_probe(0, -1, filesystems(fx, big)),
			 SV_SELINUX_UNKNOWN);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(mounted_selinuxfs_gives_the_enforcing_mode),
		T(kernel_without_selinuxfs_is_disabled),
		T(selinuxfs_out_of_sight_is_unknown),
		T(unreadable_or_partial_filesystems_is_unknown),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
