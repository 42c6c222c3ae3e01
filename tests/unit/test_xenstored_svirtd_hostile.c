/* test_xenstored_svirtd_hostile.c: hostile backend values given to the real svirtd (a
 * symlink to a decoy /etc/shadow, .., a guest-owned node...): refused, nothing outside the roots touched. */
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
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"

/* ---- refusals ---- */

/* A decoy of /etc/shadow on the tmpfs, outside the roots: the host's own is
 * never a target (and is read-only in this mount namespace anyway). */
static void symlink_to_a_decoy_etc_shadow_is_refused_with_a_reason(void **state)
{
	struct env *e = *state;
	char etc[PATH_MAX], shadow[PATH_MAX], link[PATH_MAX];
	char params[PATH_MAX + 8];
	char *st, *why;

	FMT(etc, sizeof(etc), "%s/etc", e->dir);
	FMT(shadow, sizeof(shadow), "%s/etc/shadow", e->dir);
	FMT(link, sizeof(link), "%s/evil.img", e->img);
	assert_int_equal(mkdir(etc, 0755), 0);
	put_file(shadow, "root:*:19000:0:99999:7:::\n");
	assert_int_equal(setxattr(shadow, "security.selinux", ORIG,
				  sizeof(ORIG), 0), 0);
	assert_int_equal(symlink(shadow, link), 0);
	snprintf(params, sizeof(params), "raw:%s", link);
	svirtd_start(e);
	guest_create(e, 12, &(struct disk){ params, "w" }, 1);
	st = wait_done(e, 12);
	assert_string_equal(st, "error");
	why = svirt_node(e, 12, "reason");
	assert_non_null(why);
	assert_non_null(strstr(why, "/etc/shadow"));
	assert_label(shadow, ORIG);
	assert_false(has_xattr(shadow, "trusted.svirt"));
	free(st);
	free(why);
	svirtd_stop(e);
}

/* A backend value a guest's config or a compromised toolstack could hold:
 * refused, the guest in error with a reason, the decoy outside the roots
 * untouched. */
static void assert_refused(struct env *e, int domid, const char *params,
			   const char *decoy)
{
	char *st, *why;

	guest_create(e, domid, &(struct disk){ params, "w" }, 1);
	st = wait_done(e, domid);
	why = svirt_node(e, domid, "reason");
	if (strcmp(st, "error") != 0 || !why || !why[0])
		fail_msg("domain %d (%s): state %s", domid, params, st);
	assert_label(decoy, ORIG);
	assert_false(has_xattr(decoy, "trusted.svirt"));
	free(st);
	free(why);
}

static void hostile_backend_values_are_refused(void **state)
{
	struct env *e = *state;
	char decoy[PATH_MAX], v[PATH_MAX + 64], dir[PATH_MAX];
	struct xs_handle *guest;

	FMT(decoy, sizeof(decoy), "%s/outside.img", e->dir);
	put_file(decoy, "host");
	assert_int_equal(setxattr(decoy, "security.selinux", ORIG, sizeof(ORIG),
				  0), 0);
	svirtd_start(e);
	FMT(v, sizeof(v), "raw:%s/../outside.img", e->img);
	assert_refused(e, 40, v, decoy);			/* .. traversal */
	FMT(v, sizeof(v), "raw:%s/missing.img", e->img);
	assert_refused(e, 41, v, decoy);			/* missing file */
	FMT(v, sizeof(v), "raw:%s/\xff\xfe.img", e->img);
	assert_refused(e, 42, v, decoy);			/* not UTF-8 */
	FMT(dir, sizeof(dir), "%s/sub", e->img);
	assert_int_equal(mkdir(dir, 0755), 0);
	FMT(v, sizeof(v), "raw:%s", dir);
	assert_refused(e, 43, v, decoy);			/* a directory */
	FMT(v, sizeof(v), "raw:%s", decoy);
	assert_refused(e, 44, v, decoy);			/* outside the roots */
	/* A backend node the guest owns: never trusted. */
	FMT(v, sizeof(v), "raw:%s", image(e, "owned.img", ORIG));
	xsd_put_private(e->xs, "/local/domain/0/backend/qdisk/45/51712/params",
			v, 45);
	xsd_put(e->xs, "/local/domain/0/backend/qdisk/45/51712/mode", "w");
	guest_create(e, 45, NULL, 0);
	free(wait_done(e, 45));
	assert_label(v + 4, ORIG);
	/* The guest's own frontend naming a file: never read. */
	FMT(v, sizeof(v), "raw:%s", decoy);
	xsd_put_private(e->xs, "/local/domain/46/device/vbd/51712/params", v,
			46);
	guest = xsd_open_domain(46);
	xsd_put(guest, "device/vbd/51712/params", v);	/* the guest's own */
	xs_close(guest);
	guest_create(e, 46, NULL, 0);
	wait_labelled(e, 46);
	assert_label(decoy, ORIG);
	svirtd_stop(e);
}

/* ---- main ---- */

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(symlink_to_a_decoy_etc_shadow_is_refused_with_a_reason),
		T(hostile_backend_values_are_refused),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
