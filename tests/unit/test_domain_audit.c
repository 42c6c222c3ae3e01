/* test_domain_audit.c: the audit records of a guest's lifecycle, as the domain table
 * writes them through the seam: start, label, each disk set and restored, refusal, stop. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain_fixture.h"

#define MAX_RECORDS 16

struct records {
	size_t n;
	int type[MAX_RECORDS];
	bool success[MAX_RECORDS];
	char msg[MAX_RECORDS][1024];
};

static int keep(void *arg, int type, const char *msg, bool success)
{
	struct records *r = arg;

	assert_true(r->n < MAX_RECORDS);
	r->type[r->n] = type;
	r->success[r->n] = success;
	snprintf(r->msg[r->n], sizeof(r->msg[0]), "%s", msg);
	r->n++;
	return 0;
}

static struct env *audited(void **state, struct records *r, struct sv_audit *a)
{
	struct env *e = need_env(state);

	memset(r, 0, sizeof(*r));
	*a = (struct sv_audit){ .send = keep, .arg = r };
	e->t.audit = a;
	return e;
}

/* The one record of type that contains every one of the strings. */
static const char *find(const struct records *r, int type, const char *a,
			const char *b)
{
	const char *hit = NULL;

	for (size_t i = 0; i < r->n; i++)
		if (r->type[i] == type && strstr(r->msg[i], a) &&
		    (!b || strstr(r->msg[i], b))) {
			assert_null(hit);
			hit = r->msg[i];
		}
	return hit;
}

static void a_labelled_guest_has_start_machine_id_and_a_resource_per_disk(void **state)
{
	struct records r;
	struct sv_audit a;
	struct env *e = audited(state, &r, &a);
	char *p[2] = { image(e, "a.img"), image(e, "b.img") };
	char want[PATH_MAX + 64];
	struct sv_domain *d;
	struct fake f;

	assert_int_equal(sv_domains_bind(&e->t, 5, UUID1, "web1", &d, NULL), 0);
	assert_non_null(find(&r, 2500, "op=start reason=booted vm=\"web1\" uuid=" UUID1
			     " domid=5", NULL));
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 2, p, NULL)), 0);
	snprintf(want, sizeof(want), "vm=\"web1\" uuid=" UUID1 " vm-ctx=%s img-ctx=%s "
		 "model=selinux", d->labels.process, d->labels.image);
	assert_non_null(find(&r, 2502, want, NULL));
	for (int i = 0; i < 2; i++) {
		snprintf(want, sizeof(want), "resrc=disk reason=label vm=\"web1\" uuid="
			 UUID1 " path=\"%s\" old-ctx=" ORIG " new-ctx=%s", p[i],
			 d->labels.image);
		assert_non_null(find(&r, 2501, want, NULL));
	}
	assert_int_equal(r.n, 4);
	/* A second pass that changes nothing writes nothing. */
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 2, p, NULL)), 0);
	assert_int_equal(r.n, 4);
}

static void release_writes_a_restore_per_disk_then_stop(void **state)
{
	struct records r;
	struct sv_audit a;
	struct env *e = audited(state, &r, &a);
	char *p[1] = { image(e, "rel.img") };
	char want[PATH_MAX + 64];
	struct sv_domain *d = bound(e, 6, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	snprintf(want, sizeof(want), "resrc=disk reason=restore vm=\"vm\" uuid=" UUID1
		 " path=\"%s\" old-ctx=%s new-ctx=" ORIG, p[0], d->labels.image);
	r.n = 0;
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(strstr(r.msg[0], "resrc="), want);
	assert_int_equal(r.type[1], 2500);
	assert_non_null(strstr(r.msg[1], "op=stop reason=destroyed vm=\"vm\" uuid=" UUID1));
}

static void a_path_outside_the_roots_is_a_failed_record(void **state)
{
	struct records r;
	struct sv_audit a;
	struct env *e = audited(state, &r, &a);
	char outside[PATH_MAX];
	char *p[1] = { outside };
	struct sv_domain *d = bound(e, 7, UUID1);
	struct fake f;
	const char *m;

	snprintf(outside, sizeof(outside), "%s/../outside.img", e->images);
	put(outside, "x");
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), -EPERM);
	m = find(&r, 2500, "op=label reason=refused", NULL);
	assert_non_null(m);
	assert_false(r.success[r.n - 1]);
	assert_non_null(strstr(m, "uuid=" UUID1 " domid=7 err=1 detail="));
	/* Nothing labelled, so no machine id and no resource record. */
	assert_null(find(&r, 2502, "", NULL));
	assert_null(find(&r, 2501, "", NULL));
}

static void a_taken_pair_is_a_failed_record(void **state)
{
	struct records r;
	struct sv_audit a;
	struct env *e = audited(state, &r, &a);
	struct sv_pair want = { 10, 20 };
	struct sv_domain *d;

	assert_int_equal(sv_domains_reserve(&e->t, UUID1, &want, &d, NULL), 0);
	assert_int_equal(sv_domains_reserve(&e->t, UUID2, &want, &d, NULL), -EEXIST);
	assert_non_null(find(&r, 2500, "op=reserve reason=refused", "uuid=" UUID2));
	assert_false(r.success[r.n - 1]);
}

static void a_guest_named_to_forge_fields_is_hex_encoded(void **state)
{
	struct records r;
	struct sv_audit a;
	struct env *e = audited(state, &r, &a);
	struct sv_domain *d;

	assert_int_equal(sv_domains_bind(&e->t, 8, UUID1,
					 "x\" uuid=" UUID2 " res=success", &d, NULL), 0);
	assert_int_equal(r.n, 1);
	assert_null(strstr(r.msg[0], UUID2));
	assert_non_null(strstr(r.msg[0], " vm=7822207575"));
	assert_non_null(strstr(r.msg[0], " uuid=" UUID1 " domid=8"));
}

/* svirtd started after a reboot: a disk labelled in the earlier boot gets its
 * original back at reconcile, with the same restore record a release writes. */
static void a_disk_of_an_earlier_boot_reset_at_reconcile_is_a_restore_record(void **state)
{
	struct records r;
	struct sv_audit a;
	struct env *e = audited(state, &r, &a);
	char *p[1] = { image(e, "boot.img") };
	char want[PATH_MAX + 64];
	struct sv_domain *d = bound(e, 9, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	snprintf(want, sizeof(want), "resrc=disk reason=restore vm=\"vm\" uuid=" UUID1
		 " path=\"%s\" old-ctx=%s new-ctx=" ORIG, p[0], d->labels.image);
	/* Another boot: the record's boot id is no longer the kernel's. */
	e->rctx.boot_id[0] = e->rctx.boot_id[0] == 'a' ? 'b' : 'a';
	restart(e);
	e->t.audit = &a;
	r.n = 0;
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 1);
	assert_label(p[0], ORIG);
	assert_non_null(find(&r, 2501, want, NULL));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(a_labelled_guest_has_start_machine_id_and_a_resource_per_disk),
		T(release_writes_a_restore_per_disk_then_stop),
		T(a_path_outside_the_roots_is_a_failed_record),
		T(a_taken_pair_is_a_failed_record),
		T(a_guest_named_to_forge_fields_is_hex_encoded),
		T(a_disk_of_an_earlier_boot_reset_at_reconcile_is_a_restore_record),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
