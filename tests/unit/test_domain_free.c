/* test_domain_free.c: every path that frees a guest's pair ends what runs in its label
 * first (release, restart, unreserve), and keeps the pair when something will not end. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain_fixture.h"
#include "wait_kill.h"

/* ---- processes in a guest's label, in the fixture's fake /proc ---- */

static pid_t group;	/* the test's children, killed in teardown */

static void put_label(struct env *e, pid_t pid, const char *ctx,
		      const char *stat_text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d", e->proc, (int)pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%d/attr", e->proc, (int)pid);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%d/attr/current", e->proc, (int)pid);
	assert_non_null(f = fopen(path, "w"));
	fwrite(ctx, 1, strlen(ctx) + 1, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%d/stat", e->proc, (int)pid);
	if (stat_text) {
		assert_non_null(f = fopen(path, "w"));
		fputs(stat_text, f);
		fclose(f);
	} else {
		char real[64];

		snprintf(real, sizeof(real), "/proc/%d/stat", (int)pid);
		assert_int_equal(symlink(real, path), 0);
	}
}

/* A real process in label ctx (as the fake /proc says); it dies with the
 * test binary, and teardown kills its group. */
static pid_t leftover(struct env *e, const char *ctx)
{
	pid_t parent = getpid(), p;
	int ready[2];
	char c;

	assert_int_equal(pipe(ready), 0);
	assert_true((p = fork()) >= 0);
	if (p == 0) {
		/* Holds none of the test's descriptors (the store's lock
		 * must not outlive a restart) before the parent goes on. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(1);
		if (dup2(ready[1], 3) != 3 || close_range(4, ~0U, 0) < 0 ||
		    write(3, "r", 1) != 1)
			_exit(1);
		close(3);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1 || setpgid(p, group) < 0) {
		close(ready[0]);
		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
		fail_msg("child not ready or setpgid: %s", strerror(errno));
	}
	close(ready[0]);
	if (!group)
		group = p;
	put_label(e, p, ctx, NULL);
	return p;
}

/* One the kernel never lets go of (its stat says it runs). */
static void immortal(struct env *e, const char *ctx)
{
	put_label(e, 999999999, ctx, "999999999 (qemu) S 1 1 1 0 -1\n");
}

static int test_teardown(void **state)
{
	if (group) {
		kill(-group, SIGKILL);
		while (waitpid(-group, NULL, 0) > 0)
			;
		group = 0;
	}
	return teardown(state);
}

/* ---- release ---- */

static void release_kills_the_leftover_before_freeing(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "r.img") };
	struct sv_domain *d = bound(e, 30, UUID1);
	pid_t qemu = leftover(e, d->labels.process);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_true(child_killed(qemu));
	assert_label(p[0], ORIG);
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

static void release_keeps_everything_while_one_stays(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "s.img") };
	struct sv_domain *d = bound(e, 31, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	immortal(e, d->labels.process);
	assert_int_equal(sv_domain_release(&e->t, d), -EBUSY);
	assert_int_equal(d->state, SV_STATE_ERROR);
	assert_label(p[0], d->labels.image);
	assert_int_equal(sv_mcs_used(e->mcs), 1);
	assert_stored_objects(e, UUID1, 1);
}

/* ---- restart ---- */

static void restart_kills_a_dead_guests_leftover_before_freeing(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "d.img") };
	struct sv_domain *d = bound(e, 32, UUID1);
	pid_t qemu = leftover(e, d->labels.process);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 1);
	assert_true(child_killed(qemu));
	assert_label(p[0], ORIG);
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

static void restart_keeps_a_dead_guest_whose_leftover_stays(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "i.img") };
	struct sv_domain *d = bound(e, 33, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	immortal(e, d->labels.process);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 0);
	assert_non_null(d = sv_domains_by_uuid(&e->t, UUID1));
	assert_int_equal(d->state, SV_STATE_ERROR);
	assert_label(p[0], d->labels.image);
	assert_int_equal(refs_of(p[0]), 1);
	assert_int_equal(sv_mcs_used(e->mcs), 1);
	assert_stored_objects(e, UUID1, 1);
}

/* ---- reservations ---- */

static void unreserve_keeps_a_pair_something_runs_in(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *d = NULL;
	struct sv_error err;

	assert_int_equal(sv_domains_reserve(&e->t, UUID2, NULL, &d, &err), 0);
	immortal(e, d->labels.process);
	assert_int_equal(sv_domains_unreserve(&e->t, UUID2, &err), -EBUSY);
	assert_non_null(sv_domains_by_uuid(&e->t, UUID2));
	assert_int_equal(sv_mcs_used(e->mcs), 1);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, test_teardown)
		T(release_kills_the_leftover_before_freeing),
		T(release_keeps_everything_while_one_stays),
		T(restart_kills_a_dead_guests_leftover_before_freeing),
		T(restart_keeps_a_dead_guest_whose_leftover_stays),
		T(unreserve_keeps_a_pair_something_runs_in),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
