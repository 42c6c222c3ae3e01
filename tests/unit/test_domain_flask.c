/* test_domain_flask.c: binding a domain whose Flask label names a pair (issue 17 item 3): a free
 * pair is honoured, a held one refused with the holder named, no pair falls back to the allocator. */
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

#include <cmocka.h>

#include "domain_fixture.h"
#include "tmpfs.h"

#define FLASK(a_, b_) (&(struct sv_pair){ (a_), (b_) })

static void free_flask_pair_is_honoured_and_held(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "f.img") };
	struct sv_domain *d, *r;
	struct sv_record rec = { 0 };
	struct fake f;

	assert_int_equal(sv_domains_bind_flask(&e->t, 3, UUID1, "f",
					       FLASK(77, 777), &d, NULL), 0);
	assert_int_equal(d->pair.a, 77);
	assert_int_equal(d->pair.b, 777);
	assert_true(sv_mcs_taken(e->mcs, d->pair));
	assert_int_equal(sv_store_read(e->store, UUID1, &rec, NULL), 0);
	assert_int_equal(rec.pair.a, 77);
	sv_record_clear(&rec);
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_label(p[0], IMAGE ":c77,c777");
	/* Nobody else gets it. */
	assert_int_equal(sv_domains_reserve(&e->t, UUID2, FLASK(77, 777), &r,
					    NULL), -EEXIST);
}

static void flask_pair_of_a_live_guest_is_refused_naming_it(void **state)
{
	struct env *e = need_env(state);
	char *p[2] = { image(e, "holder.img"), image(e, "clash.img") };
	struct sv_domain *h, *d;
	struct sv_error err;
	struct fake f;

	assert_int_equal(sv_domains_bind_flask(&e->t, 3, UUID1, "holder",
					       FLASK(7, 9), &h, NULL), 0);
	assert_int_equal(sv_domain_label(&e->t, h, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID2, "clash",
					       FLASK(7, 9), &d, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "c7,c9"));
	assert_non_null(strstr(err.msg, "held by domain 3 (holder, uuid "
				       UUID1 ")"));
	assert_null(sv_domains_by_domid(&e->t, 4));
	assert_int_equal(sv_store_read(e->store, UUID2, &(struct sv_record){ 0 },
				       NULL), -ENOENT);

	/* svirtd's refusal: in the table, state error, holding nothing. */
	assert_int_equal(sv_domains_refuse(&e->t, 4, UUID2, "clash",
					   (struct sv_pair){ 7, 9 }, EEXIST,
					   err.msg, &d), 0);
	assert_int_equal(d->state, SV_STATE_ERROR);
	assert_string_equal(d->reason, err.msg);
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p + 1, NULL)),
			 -ECANCELED);
	assert_label(p[1], ORIG);
	assert_false(has_record(p[1]));
	/* Its release gives back nothing that is the holder's. */
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_null(sv_domains_by_domid(&e->t, 4));
	assert_true(sv_mcs_taken(e->mcs, h->pair));
	assert_int_equal(sv_mcs_used(e->mcs), 1);
	assert_label(p[0], IMAGE ":c7,c9");
	assert_int_equal(h->state, SV_STATE_LABELLED);
}

/* The holder goes first: the refused domain still runs at the pair, so
 * the pair is not freed for a third guest; it goes with the last of them. */
static void pair_outlives_its_holder_while_a_refused_domain_runs_at_it(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *h, *d, *x;
	struct sv_record rec = { 0 };
	struct sv_error err;

	assert_int_equal(sv_domains_bind_flask(&e->t, 3, UUID1, "holder",
					       FLASK(7, 9), &h, NULL), 0);
	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID2, "clash",
					       FLASK(7, 9), &d, &err), -EEXIST);
	assert_int_equal(sv_domains_refuse(&e->t, 4, UUID2, "clash",
					   (struct sv_pair){ 7, 9 }, EEXIST,
					   err.msg, &d), 0);
	assert_int_equal(sv_domain_release(&e->t, h), 0);
	assert_true(sv_mcs_taken(e->mcs, (struct sv_pair){ 7, 9 }));
	assert_int_equal(sv_domains_bind_flask(&e->t, 5, UUID3, "third",
					       FLASK(7, 9), &x, NULL), -EEXIST);
	/* Held durably now, and still refused. */
	assert_int_equal(sv_store_read(e->store, UUID2, &rec, NULL), 0);
	assert_int_equal(rec.pair.a, 7);
	sv_record_clear(&rec);
	assert_int_equal(d->state, SV_STATE_ERROR);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_false(sv_mcs_taken(e->mcs, (struct sv_pair){ 7, 9 }));
	assert_int_equal(sv_store_read(e->store, UUID2, &(struct sv_record){ 0 },
				       NULL), -ENOENT);
}

static void flask_pair_reserved_for_another_uuid_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *r, *d;
	struct sv_error err;

	assert_int_equal(sv_domains_reserve(&e->t, UUID1, FLASK(5, 6), &r,
					    NULL), 0);
	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID2, "x",
					       FLASK(5, 6), &d, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "reserved for uuid " UUID1));
	assert_int_equal(r->domid, SV_DOMID_NONE);
}

/* svirt-xl create reserves, then writes the reserved pair as seclabel. */
static void reservation_of_its_uuid_at_the_same_pair_is_bound(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *r, *d;

	assert_int_equal(sv_domains_reserve(&e->t, UUID1, FLASK(5, 6), &r,
					    NULL), 0);
	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID1, "x",
					       FLASK(5, 6), &d, NULL), 0);
	assert_ptr_equal(d, r);
	assert_int_equal(d->domid, 4);
	assert_int_equal(d->state, SV_STATE_ALLOCATED);
	assert_int_equal(sv_mcs_used(e->mcs), 1);
}

static void reservation_of_its_uuid_at_another_pair_is_bound_refused(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *r, *d;
	struct sv_error err;

	assert_int_equal(sv_domains_reserve(&e->t, UUID1, FLASK(5, 6), &r,
					    NULL), 0);
	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID1, "x",
					       FLASK(7, 8), &d, &err), 0);
	/* Bound, so the uuid has one entry; refused, so nothing labelled. */
	assert_ptr_equal(d, r);
	assert_int_equal(d->domid, 4);
	assert_int_equal(d->state, SV_STATE_ERROR);
	assert_non_null(strstr(d->reason, "c7,c8"));
	assert_non_null(strstr(d->reason, "c5,c6"));
	assert_false(sv_mcs_taken(e->mcs, (struct sv_pair){ 7, 8 }));
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

static void flask_pair_outside_the_categories_is_einval(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *d;

	e->cfg.cat_hi = 100;
	sv_mcs_free(e->mcs);
	assert_int_equal(sv_mcs_new(e->cfg.cat_lo, 100, &e->mcs, NULL), 0);
	e->t.mcs = e->mcs;
	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID1, "x",
					       FLASK(77, 777), &d, NULL),
			 -EINVAL);
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

static void label_without_a_pair_falls_back_to_the_allocator(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *d;

	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID1, "x", NULL,
					       &d, NULL), 0);
	assert_true(sv_pair_valid(d->pair));
	assert_true(sv_mcs_taken(e->mcs, d->pair));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(free_flask_pair_is_honoured_and_held),
		T(flask_pair_of_a_live_guest_is_refused_naming_it),
		T(pair_outlives_its_holder_while_a_refused_domain_runs_at_it),
		T(flask_pair_reserved_for_another_uuid_is_refused),
		T(reservation_of_its_uuid_at_the_same_pair_is_bound),
		T(reservation_of_its_uuid_at_another_pair_is_bound_refused),
		T(flask_pair_outside_the_categories_is_einval),
		T(label_without_a_pair_falls_back_to_the_allocator),
#undef T
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
