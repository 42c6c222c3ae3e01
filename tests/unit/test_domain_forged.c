/* test_domain_forged.c: an image copied with its xattrs from another host (rsync -aX)
 * brings a trusted.svirt whose orig is one of svirt's labels: never written back. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

#include <cmocka.h>

#include "domain_fixture.h"

/* Another host's boot, and labels its guests had there. */
#define ELSEWHERE "0b2d1e57-3a44-4c5e-9a61-55d0f1f0c0aa"
#define THEIRS IMAGE ":c7,c8"
#define VICTIM IMAGE ":c9,c10"

/* path as rsync -aX brings it: labelled THEIRS, with the record naming
 * orig as what it carried before. */
static char *copied_image(struct env *e, const char *name, const char *orig)
{
	char *p = image(e, name), rec[SV_RELABEL_RECORD_MAX];

	snprintf(rec, sizeof(rec), "svirt 1 boot=" ELSEWHERE " refs=1 orig=%s "
		 "label=" THEIRS, orig);
	assert_int_equal(setxattr(p, "security.selinux", THEIRS,
				  strlen(THEIRS) + 1, 0), 0);
	assert_int_equal(setxattr(p, SV_RELABEL_XATTR, rec, strlen(rec), 0), 0);
	return p;
}

static void forged_original_is_never_restored(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { copied_image(e, "copied.img", VICTIM) };
	struct sv_domain *d = bound(e, 50, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_label(p[0], d->labels.image);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_false(label_is(p[0], VICTIM));
	assert_label(p[0], ORIG);	/* the policy's default */
	assert_false(has_record(p[0]));
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

/* Any level of any of svirt's types: the shared image label, content. */
static void forged_original_at_s0_or_of_content_is_never_restored(void **state)
{
	struct env *e = need_env(state);
	char *p[2] = { copied_image(e, "s0.img", IMAGE),
		       copied_image(e, "content.img", CONTENT) };
	struct sv_domain *d = bound(e, 51, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 2, p, NULL)), 0);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_label(p[0], ORIG);
	assert_label(p[1], ORIG);
}

/* No default to fall back on: fail closed, the guest's record and pair are
 * kept rather than the forged label written. */
static void forged_original_without_a_default_keeps_the_record(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { copied_image(e, "nodefault.img", VICTIM) };
	struct sv_domain *d = bound(e, 52, UUID1);
	struct fake f;

	e->policy_default = NULL;
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domain_release(&e->t, d), -EIO);
	assert_label(p[0], d->labels.image);
	assert_true(has_record(p[0]));
	assert_int_equal(d->state, SV_STATE_ERROR);
	assert_int_equal(sv_mcs_used(e->mcs), 1);
	assert_stored_objects(e, UUID1, 1);
}

/* A record left from another host on a guest that died while svirtd was
 * away is reset at restart the same way. */
static void forged_original_is_not_restored_at_restart_either(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { copied_image(e, "restart.img", VICTIM) };
	struct sv_domain *d = bound(e, 53, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 1);
	assert_label(p[0], ORIG);
}

/* What is not svirt's is believed, as before. */
static void foreign_original_is_restored_as_remembered(void **state)
{
	struct env *e = need_env(state);
	const char *odd = "user_u:object_r:odd_t:s0:c1.c5";
	char *p[1] = { copied_image(e, "odd.img", odd) };
	struct sv_domain *d = bound(e, 54, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_label(p[0], odd);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(forged_original_is_never_restored),
		T(forged_original_at_s0_or_of_content_is_never_restored),
		T(forged_original_without_a_default_keeps_the_record),
		T(forged_original_is_not_restored_at_restart_either),
		T(foreign_original_is_restored_as_remembered),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
