/* test_xenstored_svirtd_restart.c: the real svirtd killed with SIGKILL and started again,
 * once and during a storm of creates and destroys: no pair held twice, no label left behind. */
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
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"

#define STORM_ENV "SVIRTD_STORM_ITERATIONS"
#define STORM_DEFAULT 1000	/* about 10 s here; the issue asks >= 200 */
#define SEED_ENV "SVIRTD_STORM_SEED"	/* replays the seed a failure printed */

/* ---- restart ---- */

static void restart_keeps_live_pairs_and_restores_the_dead(void **state)
{
	struct env *e = *state;
	char p1[PATH_MAX + 8], p2[PATH_MAX + 8], *l1, *l1b;

	snprintf(p1, sizeof(p1), "raw:%s", image(e, "live.img", ORIG));
	snprintf(p2, sizeof(p2), "raw:%s", image(e, "dead.img", ORIG));
	svirtd_start(e);
	guest_create(e, 15, &(struct disk){ p1, "w" }, 1);
	guest_create(e, 16, &(struct disk){ p2, "w" }, 1);
	wait_labelled(e, 15);
	wait_labelled(e, 16);
	l1 = image_label(e, 15);
	svirtd_kill(e);
	guest_destroy(e, 16);
	svirtd_start(e);
	wait_labelled(e, 15);
	l1b = image_label(e, 15);
	assert_string_equal(l1, l1b);
	assert_label(p1 + 4, l1);
	assert_label(p2 + 4, ORIG);
	assert_false(has_xattr(p2 + 4, "trusted.svirt"));
	free(l1);
	free(l1b);
	svirtd_stop(e);
}

/* What a restart costs in xenstore requests: each record's domain is asked
 * whether it is introduced once (reconciling), not again by a scan of the
 * releases fired when the watches are set; and each guest's nodes are
 * written once, by its label pass, not also before it. */
static void restart_asks_each_live_guest_once_and_writes_its_nodes_once(void **state)
{
	struct env *e = *state;
	char p[3][PATH_MAX + 8], name[32];
	pid_t pid;

	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "count%d.img", i);
		snprintf(p[i], sizeof(p[i]), "raw:%s", image(e, name, ORIG));
	}
	svirtd_start(e);
	for (int i = 0; i < 3; i++)
		guest_create(e, 20 + i, &(struct disk){ p[i], "w" }, 1);
	for (int i = 0; i < 3; i++)
		wait_labelled(e, 20 + i);
	svirtd_kill(e);
	svirtd_start(e);
	for (int i = 0; i < 3; i++)
		wait_labelled(e, 20 + i);
	pid = e->svirtd;
	svirtd_stop(e);
	/* uuid, name, label, imagelabel, objects, state: 6 per guest. */
	assert_int_equal(svirtd_requests(pid, "is_introduced"), 3);
	assert_int_equal(svirtd_requests(pid, "write"), 3 * 6);
	/* /local/domain/0/svirt's, once: each guest's directory gets its
	 * permissions as it is made (issue 15; the svirtd before set them
	 * again on each, 4 here). */
	assert_int_equal(svirtd_requests(pid, "set_perms"), 1);
}

/* Each live guest's target node is watched from its first pass after the
 * restart, and each new watch fires once: that event has the node checked
 * once, not every known guest's again.  A fixed list of 32 target events
 * per batch fell back to all known guests (with the svirtd before: 2100
 * get-perms here, 7 per guest; 11 per guest with 1000).  5 per guest: the
 * vm node, the device directory, its params and mode, the target node
 * (libxl's copy in /vm/<uuid>/uuid is not read: issue 15). */
static void restart_checks_each_target_node_once_however_many_guests(void **state)
{
	enum { N = 300 };
	struct env *e = *state;
	static char p[N][PATH_MAX + 8];
	char name[32];
	pid_t pid;

	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many%d.img", i);
		snprintf(p[i], sizeof(p[i]), "raw:%s", image(e, name, ORIG));
		guest_create(e, 20 + i, &(struct disk){ p[i], "w" }, 1);
	}
	svirtd_start(e);
	for (int i = 0; i < N; i++)
		wait_labelled(e, 20 + i);
	svirtd_kill(e);
	svirtd_start(e);
	for (int i = 0; i < N; i++)
		wait_labelled(e, 20 + i);
	pid = e->svirtd;
	svirtd_stop(e);
	assert_int_equal(svirtd_requests(pid, "get_perms"), N * 5);
}

/* ---- kill -9 during a storm ---- */

struct storm {
	bool live[64];
	char path[64][PATH_MAX];
};

static unsigned storm_iterations(void)
{
	const char *s = getenv(STORM_ENV);

	return s && atoi(s) > 0 ? (unsigned)atoi(s) : STORM_DEFAULT;
}

/* $SVIRTD_STORM_SEED, else the time. */
static unsigned storm_seed(void)
{
	const char *s = getenv(SEED_ENV);
	unsigned long v;
	char *end;

	if (!s || !*s)
		return (unsigned)time(NULL);
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > UINT_MAX || *s < '0' || *s > '9')
		fail_msg(SEED_ENV "=%s is not a number up to %u", s, UINT_MAX);
	return (unsigned)v;
}

/* Once svirtd has caught up with the storm: every live guest labelled
 * with a pair no other holds, on its image; every dead one unpublished, its
 * image back to ORIG with no trusted.svirt.  Not before: while svirtd lags,
 * a domid destroyed and created again still shows its earlier life's
 * "labelled" (test_xenstored_svirtd.c, recreated_domid_...). */
static void storm_check(struct env *e, struct storm *s)
{
	char *seen[64] = { NULL };

	svirtd_sync(e);
	for (int i = 0; i < 64; i++) {
		int domid = 100 + i;
		char *st = svirt_node(e, domid, "state");

		if (!s->live[i]) {
			if (st)
				fail_msg("domain %d: destroyed, still %s", domid, st);
			assert_label(s->path[i], ORIG);
			assert_false(has_xattr(s->path[i], "trusted.svirt"));
			continue;
		}
		if (!st || strcmp(st, "labelled") != 0) {
			char *why = svirt_node(e, domid, "reason");

			fail_msg("domain %d: state %s (%s), want labelled", domid,
				 st ? st : "none", why ? why : "no reason");
		}
		free(st);
		seen[i] = image_label(e, domid);
		assert_label(s->path[i], seen[i]);
		for (int j = 0; j < i; j++)
			if (seen[j] && strcmp(seen[i], seen[j]) == 0)
				fail_msg("domains %d and %d share %s", 100 + j,
					 domid, seen[i]);
	}
	for (int i = 0; i < 64; i++)
		free(seen[i]);
}

static void sigkill_during_a_storm_leaves_no_pair_twice_and_no_label_behind(void **state)
{
	struct env *e = *state;
	struct storm s;
	unsigned n = storm_iterations(), kills = 0, next_kill;
	unsigned seed = storm_seed();

	memset(&s, 0, sizeof(s));
	print_message("storm: %u iterations, seed %u (" SEED_ENV " replays it)\n",
		      n, seed);
	srand(seed);
	for (int i = 0; i < 64; i++) {
		char name[32];

		snprintf(name, sizeof(name), "storm%d.img", i);
		snprintf(s.path[i], PATH_MAX, "%s", image(e, name, ORIG));
	}
	svirtd_start(e);
	next_kill = 1 + (unsigned)rand() % 16;
	for (unsigned it = 0; it < n; it++) {
		int i = rand() % 64;

		if (s.live[i])
			guest_destroy(e, 100 + i);
		else {
			char params[PATH_MAX + 8];

			snprintf(params, sizeof(params), "raw:%s", s.path[i]);
			guest_create(e, 100 + i, &(struct disk){ params, "w" }, 1);
		}
		s.live[i] = !s.live[i];
		if (--next_kill == 0) {
			/* At whatever point svirtd has reached: it is
			 * somewhere in the events of the last few steps. */
			svirtd_kill(e);
			kills++;
			svirtd_start(e);
			/* Reconciled: every guest as it should be, now. */
			storm_check(e, &s);
			next_kill = 1 + (unsigned)rand() % 16;
		}
	}
	storm_check(e, &s);
	print_message("storm: %u kills\n", kills);
	svirtd_stop(e);
	/* And once more from cold: a restart changes nothing. */
	svirtd_start(e);
	storm_check(e, &s);
	svirtd_stop(e);
}

/* ---- main ---- */

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(restart_keeps_live_pairs_and_restores_the_dead),
		cmocka_unit_test_setup_teardown(
			restart_asks_each_live_guest_once_and_writes_its_nodes_once,
			setup_counted, teardown),
		cmocka_unit_test_setup_teardown(
			restart_checks_each_target_node_once_however_many_guests,
			setup_counted, teardown),
		T(sigkill_during_a_storm_leaves_no_pair_twice_and_no_label_behind),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
