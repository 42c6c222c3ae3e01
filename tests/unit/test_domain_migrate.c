/* test_domain_migrate.c: two domains sharing a uuid during a migration to this host (issue 17 item 2):
 * the incoming one shares the outgoing one's pair and disks, takes them over whole, and no other uuid can. */
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
#define LABEL79 IMAGE ":c7,c9"

/* The outgoing guest, domain 3 "g" at c7,c9 (its Flask label's), its disk
 * labelled. */
static struct sv_domain *outgoing(struct env *e, char *path)
{
	struct sv_domain *g;
	struct fake f;

	assert_int_equal(sv_domains_bind_flask(&e->t, 3, UUID1, "g",
					       FLASK(7, 9), &g, NULL), 0);
	assert_int_equal(sv_domain_label(&e->t, g, disks(&f, 1, &path, NULL)),
			 0);
	assert_label(path, LABEL79);
	return g;
}

/* The record of uuid names domid, with name and n objects. */
static void assert_record(struct env *e, const char *uuid, int domid,
			  const char *name, size_t n)
{
	struct sv_record rec = { 0 };

	assert_int_equal(sv_store_read(e->store, uuid, &rec, NULL), 0);
	assert_int_equal(rec.domid, domid);
	assert_string_equal(rec.name, name);
	assert_int_equal(rec.nobjects, n);
	assert_int_equal(rec.pair.a, 7);
	assert_int_equal(rec.pair.b, 9);
	sv_record_clear(&rec);
}

static void incoming_domain_of_the_same_uuid_shares_the_pair(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "m.img");
	struct sv_domain *g = outgoing(e, p), *in;

	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID1, "g--incoming",
					       FLASK(7, 9), &in, NULL), 0);
	assert_int_equal(in->from, 3);
	assert_int_equal(in->pair.a, 7);
	assert_int_equal(in->pair.b, 9);
	assert_string_equal(in->labels.image, LABEL79);
	/* Labelled already, as its guest: svirt-interpose may start its
	 * device model in the shared label. */
	assert_int_equal(in->state, SV_STATE_LABELLED);
	/* One pair, one record (still the outgoing domain's), one holder. */
	assert_int_equal(sv_mcs_used(e->mcs), 1);
	assert_record(e, UUID1, 3, "g", 1);
	assert_int_equal(refs_of(p), 1);
	assert_ptr_equal(sv_domains_by_uuid(&e->t, UUID1), g);
	assert_ptr_equal(sv_domains_incoming(&e->t, g), in);
	assert_null(sv_domains_incoming(&e->t, in));
}

/* The incoming domain's disks (here the same file) are labelled in the
 * outgoing one's passes; xl destroys the outgoing one and svirtd hands
 * everything over: the disk never goes back to its original label. */
static void hand_over_keeps_the_disk_labelled_and_moves_the_record(void **state)
{
	struct env *e = need_env(state);
	char *p[2] = { image(e, "m.img"), image(e, "extra.img") };
	struct sv_domain *g = outgoing(e, p[0]), *in;
	size_t i = 0;
	struct fake f;

	assert_int_equal(sv_domains_bind(&e->t, 4, UUID1, "g--incoming", &in,
					 NULL), 0);
	assert_ptr_equal(sv_domains_next_sharer(&e->t, g, &i), in);
	assert_null(sv_domains_next_sharer(&e->t, g, &i));
	/* The pass of g with in's disks added (svd_stub_disks). */
	assert_int_equal(sv_domain_label(&e->t, g, disks(&f, 2, p, NULL)), 0);
	assert_label(p[0], LABEL79);
	assert_label(p[1], LABEL79);
	assert_int_equal(refs_of(p[0]), 1);

	assert_int_equal(sv_domain_hand_over(&e->t, g, in, "g"), 0);
	assert_null(sv_domains_by_domid(&e->t, 3));
	assert_ptr_equal(sv_domains_by_uuid(&e->t, UUID1), in);
	assert_int_equal(in->from, 0);
	assert_string_equal(in->name, "g");
	assert_true(in->dirty);
	assert_label(p[0], LABEL79);
	assert_label(p[1], LABEL79);
	assert_int_equal(refs_of(p[0]), 1);
	assert_true(sv_mcs_taken(e->mcs, (struct sv_pair){ 7, 9 }));
	assert_record(e, UUID1, 4, "g", 2);

	/* A restart finds the record under the new domid. */
	restart(e);
	in = sv_domains_by_domid(&e->t, 4);
	assert_non_null(in);
	assert_int_equal(in->pair.a, 7);

	/* Its own life from then on: its release restores and frees. */
	assert_int_equal(sv_domain_release(&e->t, in), 0);
	assert_label(p[0], ORIG);
	assert_label(p[1], ORIG);
	assert_false(has_record(p[0]));
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

/* The migration fails: the receiver destroys the incoming domain and the
 * outgoing one resumes, with everything it had. */
static void incoming_that_goes_first_takes_nothing_away(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "m.img");
	struct sv_domain *g = outgoing(e, p), *in;

	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID1, "g--incoming",
					       FLASK(7, 9), &in, NULL), 0);
	assert_int_equal(sv_domain_release(&e->t, in), 0);
	assert_null(sv_domains_by_domid(&e->t, 4));
	assert_label(p, LABEL79);
	assert_int_equal(refs_of(p), 1);
	assert_true(sv_mcs_taken(e->mcs, g->pair));
	assert_record(e, UUID1, 3, "g", 1);
	assert_null(sv_domains_incoming(&e->t, g));
	/* Migrated again later: a new incoming domain is accepted. */
	assert_int_equal(sv_domains_bind_flask(&e->t, 5, UUID1, "g--incoming",
					       FLASK(7, 9), &in, NULL), 0);
	assert_int_equal(in->from, 3);
}

/* The attack: a domain of another uuid whose Flask label names the pair is
 * refused before, during and after the migration; the incoming domain's
 * pair is never a free one. */
static void other_uuid_at_the_pair_is_refused_at_every_step(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "m.img");
	struct sv_domain *g = outgoing(e, p), *in, *x;
	struct sv_error err;

	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID1, "g--incoming",
					       FLASK(7, 9), &in, NULL), 0);
	assert_int_equal(sv_domains_bind_flask(&e->t, 5, UUID2, "x",
					       FLASK(7, 9), &x, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "held by domain 3 (g, uuid " UUID1));
	assert_int_equal(sv_domains_reserve(&e->t, UUID2, FLASK(7, 9), &x,
					    NULL), -EEXIST);
	assert_int_equal(sv_domain_hand_over(&e->t, g, in, "g"), 0);
	assert_int_equal(sv_domains_bind_flask(&e->t, 5, UUID2, "x",
					       FLASK(7, 9), &x, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "held by domain 4 (g, uuid " UUID1));
	assert_null(sv_domains_by_domid(&e->t, 5));
	assert_int_equal(sv_mcs_used(e->mcs), 1);
}

/* Same uuid, but a Flask label naming another pair: not the toolstack's
 * migration of this guest; refused, nothing taken or shared. */
static void same_uuid_with_another_flask_pair_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "m.img");
	struct sv_domain *in;
	struct sv_error err;

	outgoing(e, p);
	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID1, "g--incoming",
					       FLASK(8, 9), &in, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "c8,c9"));
	assert_non_null(strstr(err.msg, "domain 3 (g)"));
	assert_null(sv_domains_by_domid(&e->t, 4));
	assert_int_equal(sv_mcs_used(e->mcs), 1);
	assert_false(sv_mcs_taken(e->mcs, (struct sv_pair){ 8, 9 }));
}

static void second_incoming_domain_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "m.img");
	struct sv_domain *in, *again;
	struct sv_error err;

	outgoing(e, p);
	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID1, "g--incoming",
					       FLASK(7, 9), &in, NULL), 0);
	assert_int_equal(sv_domains_bind_flask(&e->t, 5, UUID1, "g--incoming",
					       FLASK(7, 9), &again, &err),
			 -EEXIST);
	assert_non_null(strstr(err.msg, "domain 4 migrates in"));
	assert_null(sv_domains_by_domid(&e->t, 5));
}

/* A stub domain holds its guest's pair, not its own: no migration of it. */
static void uuid_of_a_stub_domain_is_not_migrated_to(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "m.img");
	struct sv_domain *g = outgoing(e, p), *st, *d;

	assert_int_equal(sv_domains_bind_stub(&e->t, 4, UUID2, "g-dm", g, &st,
					      NULL), 0);
	assert_int_equal(sv_domains_bind(&e->t, 5, UUID2, "x", &d, NULL),
			 -EEXIST);
}

/* From another host: the destination has no domain of the uuid, so the
 * domain is bound as new, at its Flask label's pair if free there, and
 * refused if a guest here holds that pair. */
static void arrival_from_another_host_takes_a_free_flask_pair_or_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "here.img");
	struct sv_domain *d, *h;
	struct sv_error err;
	struct fake f;

	assert_int_equal(sv_domains_bind_flask(&e->t, 3, UUID1, "arrived",
					       FLASK(11, 12), &d, NULL), 0);
	assert_int_equal(d->from, 0);
	assert_int_equal(d->pair.a, 11);
	assert_int_equal(sv_domains_bind_flask(&e->t, 4, UUID2, "here",
					       FLASK(7, 9), &h, NULL), 0);
	assert_int_equal(sv_domain_label(&e->t, h, disks(&f, 1, &p, NULL)), 0);
	assert_int_equal(sv_domains_bind_flask(&e->t, 5, UUID3, "clash",
					       FLASK(7, 9), &d, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "held by domain 4 (here"));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(incoming_domain_of_the_same_uuid_shares_the_pair),
		T(hand_over_keeps_the_disk_labelled_and_moves_the_record),
		T(incoming_that_goes_first_takes_nothing_away),
		T(other_uuid_at_the_pair_is_refused_at_every_step),
		T(same_uuid_with_another_flask_pair_is_refused),
		T(second_incoming_domain_is_refused),
		T(uuid_of_a_stub_domain_is_not_migrated_to),
		T(arrival_from_another_host_takes_a_free_flask_pair_or_is_refused),
#undef T
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
