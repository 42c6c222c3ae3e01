/* test_domain_stub.c: stub domains in the table without Xen: bound to their guest's pair with
 * no allocation or record, released without ending the guest's device model or freeing the pair. */
#include <errno.h>
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

#include "domain_fixture.h"

static struct sv_domain *stub_of(struct env *e, int domid, const char *uuid,
				 struct sv_domain *guest)
{
	struct sv_domain *s = NULL;
	struct sv_error err;

	if (sv_domains_bind_stub(&e->t, domid, uuid, "guest-dm", guest, &s,
				 &err) < 0)
		fail_msg("stub %d of %d: %s", domid, guest->domid, err.msg);
	return s;
}

/* Whether pair is held: a reservation of it is refused (and given back
 * when it is not). */
static bool pair_held(struct env *e, struct sv_pair p)
{
	int r = sv_mcs_reserve(e->mcs, p);

	if (r == 0)
		sv_mcs_release(e->mcs, p);
	return r == -EEXIST;
}

static int count_kill(pid_t pid, int sig, void *arg)
{
	(void)pid;
	(void)sig;
	++*(int *)arg;
	return 0;
}

/* A process in label under the fake /proc: the guest's device model. */
static void dm_process(struct env *e, const char *label)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/4242", e->proc);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/4242/attr", e->proc);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/4242/attr/current", e->proc);
	put(path, label);
	snprintf(path, sizeof(path), "%s/4242/stat", e->proc);
	put(path, "4242 (qemu-system-i38) S 1 4242 4242 0 -1\n");
}

static void stub_takes_its_guests_pair_without_an_allocation(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *g = bound(e, 3, UUID1), *s;
	struct sv_record rec = { .domid = 0 };

	s = stub_of(e, 4, UUID2, g);
	assert_int_equal(s->target, 3);
	assert_int_equal(s->pair.a, g->pair.a);
	assert_int_equal(s->pair.b, g->pair.b);
	assert_string_equal(s->labels.process, g->labels.process);
	assert_string_equal(s->labels.image, g->labels.image);
	assert_int_equal(s->state, SV_STATE_ALLOCATED);
	assert_ptr_equal(sv_domains_by_domid(&e->t, 4), s);
	/* No record: a restart finds it again by its target node. */
	assert_int_equal(sv_store_read(e->store, UUID2, &rec, NULL), -ENOENT);
	assert_true(pair_held(e, g->pair));
}

static void stub_is_refused_for_a_reservation_a_stub_or_a_known_domain(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *g = bound(e, 3, UUID1), *r, *s, *out = NULL;
	struct sv_error err;

	assert_int_equal(sv_domains_reserve(&e->t, UUID3, NULL, &r, NULL), 0);
	assert_int_equal(sv_domains_bind_stub(&e->t, 5, UUID2, "x", r, &out,
					      &err), -EINVAL);
	s = stub_of(e, 4, UUID2, g);
	assert_int_equal(sv_domains_bind_stub(&e->t, 6, "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000006",
					      "x", s, &out, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "domain 4 is not a guest"));
	assert_int_equal(sv_domains_bind_stub(&e->t, 4, "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000007",
					      "x", g, &out, &err), -EEXIST);
	assert_int_equal(sv_domains_bind_stub(&e->t, 7, UUID3, "x", g, &out,
					      &err), -EEXIST);
	assert_null(out);
	assert_int_equal(e->t.n, 3);
}

static void releasing_a_stub_ends_nothing_and_frees_nothing(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *g = bound(e, 3, UUID1), *s;
	char *p = image(e, "hvm.img");
	struct fake f;
	struct sv_pair pair = g->pair;
	int kills = 0;

	assert_int_equal(sv_domain_label(&e->t, g, disks(&f, 1, &p, NULL)), 0);
	s = stub_of(e, 4, UUID2, g);
	dm_process(e, g->labels.process);
	e->reaper.kill = count_kill;
	e->reaper.arg = &kills;
	assert_int_equal(sv_domain_reap(&e->t, s), 0);
	assert_int_equal(sv_domain_release(&e->t, s), 0);
	assert_int_equal(kills, 0);	/* the guest's device model runs on */
	assert_null(sv_domains_by_domid(&e->t, 4));
	assert_ptr_equal(sv_domains_by_domid(&e->t, 3), g);
	assert_label(p, g->labels.image);
	assert_int_equal(refs_of(p), 1);
	assert_true(pair_held(e, pair));
	/* The guest's own release ends its device model, restores, frees. */
	assert_int_equal(sv_domain_release(&e->t, g), -EBUSY);
	assert_true(kills > 0);
	assert_true(pair_held(e, pair));
}

static void stub_follows_its_guests_state(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *g = bound(e, 3, UUID1), *s = stub_of(e, 4, UUID2, g);

	g->state = SV_STATE_LABELLED;
	sv_domain_stub_follow(s, g);
	assert_int_equal(s->state, SV_STATE_LABELLED);
	sv_domain_fail(&e->t, g, EIO, "a disk was refused");
	sv_domain_stub_follow(s, g);
	assert_int_equal(s->state, SV_STATE_ERROR);
	assert_string_equal(s->reason, "a disk was refused");
	/* A stub's own failure (its vifs) is not undone by its guest. */
	g = bound(e, 5, UUID3);
	s = stub_of(e, 6, "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000006", g);
	sv_domain_fail(&e->t, s, EIO, "its vif");
	g->state = SV_STATE_LABELLED;
	sv_domain_stub_follow(s, g);
	assert_int_equal(s->state, SV_STATE_ERROR);
	assert_string_equal(s->reason, "its vif");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(stub_takes_its_guests_pair_without_an_allocation),
		T(stub_is_refused_for_a_reservation_a_stub_or_a_known_domain),
		T(releasing_a_stub_ends_nothing_and_frees_nothing),
		T(stub_follows_its_guests_state),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
