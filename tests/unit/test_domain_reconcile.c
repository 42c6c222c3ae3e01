/* test_domain_reconcile.c: svirtd killed at each step of labelling and release, then
 * restarted: sv_domains_load and sv_domains_reconcile on real xattrs on a private tmpfs. */
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
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain_fixture.h"
#include "tmpfs.h"

/* ---- reconcile: svirtd killed at each step ---- */

/* The record lists path for d (step 1 of labelling), nothing else done. */
static void intend(struct env *e, struct sv_domain *d, const char *path)
{
	assert_int_equal(sv_record_add_object(&d->rec, path, ORIG,
					      d->labels.image), 0);
	assert_int_equal(sv_store_write(e->store, &d->rec, NULL), 0);
}

static struct sv_live alive(int domid, const char *uuid)
{
	struct sv_live l = { .domid = domid };

	memcpy(l.uuid, uuid, SV_UUID_BUF);
	return l;
}

static void killed_before_the_relabel_drops_the_intent(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "k1.img") };
	struct sv_live l = alive(20, UUID1);
	struct sv_domain *d = bound(e, 20, UUID1);
	struct fake f;

	intend(e, d, p[0]);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 0);
	d = sv_domains_by_domid(&e->t, 20);
	assert_non_null(d);
	assert_int_equal(d->rec.nobjects, 0);
	assert_label(p[0], ORIG);
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_label(p[0], d->labels.image);
	assert_int_equal(refs_of(p[0]), 1);
}

/* trusted.svirt written, the label not yet (relabel.c's own order). */
static void half_set(struct env *e, struct sv_domain *d, const char *path)
{
	intend(e, d, path);
	assert_int_equal(sv_relabel_set(&e->rctx, path, d->labels.image, NULL,
					NULL), 0);
	assert_int_equal(setxattr(path, "security.selinux", ORIG, sizeof(ORIG),
				  0), 0);
}

static void killed_between_record_and_label_completes_a_live_guest(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "k2.img");
	struct sv_live l = alive(21, UUID1);
	struct sv_domain *d = bound(e, 21, UUID1);
	char label[SV_CONTEXT_MAX];

	half_set(e, d, p);
	snprintf(label, sizeof(label), "%s", d->labels.image);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 0);
	assert_label(p, label);
	assert_int_equal(refs_of(p), 1);
	assert_int_equal(sv_domains_by_domid(&e->t, 21)->rec.nobjects, 1);
}

static void killed_between_record_and_label_restores_a_dead_guest(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "k3.img");
	struct sv_domain *d = bound(e, 22, UUID1);
	struct sv_pair pair = d->pair;

	half_set(e, d, p);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 1);
	assert_label(p, ORIG);
	assert_false(has_record(p));
	assert_false(sv_mcs_taken(e->mcs, pair));
	assert_int_equal(sv_store_read(e->store, UUID1, &(struct sv_record){ 0 },
				       NULL), -ENOENT);
}

static void guest_that_died_while_away_is_restored_and_freed(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "dead.img") };
	struct sv_domain *d = bound(e, 23, UUID1);
	struct sv_live l = alive(23, UUID2);	/* domid reused by another */
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 1);
	assert_label(p[0], ORIG);
	assert_false(has_record(p[0]));
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

static void live_guest_keeps_its_pair_and_labels(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "live.img") };
	struct sv_domain *d = bound(e, 24, UUID1);
	struct sv_live l = alive(24, UUID1);
	struct sv_pair pair = d->pair;
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 0);
	d = sv_domains_by_domid(&e->t, 24);
	assert_non_null(d);
	assert_int_equal(d->pair.a, pair.a);
	assert_int_equal(d->pair.b, pair.b);
	assert_true(sv_mcs_taken(e->mcs, pair));
	assert_label(p[0], d->labels.image);
	assert_int_equal(refs_of(p[0]), 1);
}

static void killed_in_a_release_finishes_it(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "rel2.img") };
	struct sv_domain *d = bound(e, 25, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	/* Release step 1 done, the record not yet removed. */
	assert_int_equal(sv_relabel_restore(&e->rctx, p[0], NULL, NULL), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 1);
	assert_label(p[0], ORIG);
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

static void count_left_too_high_is_brought_back_to_the_live_holders(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "shared.img") };
	struct sv_domain *a = bound(e, 26, UUID1), *b = bound(e, 27, UUID2);
	struct sv_live l = alive(27, UUID2);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, a, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domain_label(&e->t, b, disks(&f, 1, p, NULL)), 0);
	/* A third holder counted whose record never came: */
	assert_int_equal(sv_relabel_set(&e->rctx, p[0], IMAGE, NULL, NULL), 0);
	assert_int_equal(refs_of(p[0]), 3);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 1);	/* a died */
	assert_label(p[0], IMAGE);
	assert_int_equal(refs_of(p[0]), 1);
	b = sv_domains_by_domid(&e->t, 27);
	assert_int_equal(sv_domain_release(&e->t, b), 0);
	assert_label(p[0], ORIG);
	assert_false(has_record(p[0]));
}

static void reservations_survive_a_restart(void **state)
{
	struct env *e = need_env(state);
	struct sv_pair want = { 3, 9 };
	struct sv_domain *r;

	assert_int_equal(sv_domains_reserve(&e->t, UUID3, &want, &r, NULL), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 0);
	r = sv_domains_by_uuid(&e->t, UUID3);
	assert_non_null(r);
	assert_int_equal(r->state, SV_STATE_RESERVED);
	assert_true(sv_mcs_taken(e->mcs, want));
}

/* ---- main ---- */

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(killed_before_the_relabel_drops_the_intent),
		T(killed_between_record_and_label_completes_a_live_guest),
		T(killed_between_record_and_label_restores_a_dead_guest),
		T(guest_that_died_while_away_is_restored_and_freed),
		T(live_guest_keeps_its_pair_and_labels),
		T(killed_in_a_release_finishes_it),
		T(count_left_too_high_is_brought_back_to_the_live_holders),
		T(reservations_survive_a_restart),
#undef T
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
