/* test_xenstored_svirtd_pairs.c: the real svirtd frees a guest only on xenstore's definite
 * word, never answers for a domid another guest holds, and never strands a pair on a root. */
#include <errno.h>
#include <signal.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <xen/io/xs_wire.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"

/* The test xenstore answers every XS_IS_DOMAIN_INTRODUCED with err (0:
 * answers again). */
static void introduced_fails(struct env *e, int err)
{
	char arg[32], *reply;

	snprintf(arg, sizeof(arg), "%d %d", XS_IS_DOMAIN_INTRODUCED, err);
	if (!(reply = xs_control_command(e->xs, "fail", arg,
					 (unsigned)strlen(arg) + 1)))
		fail_msg("xsd control fail: %s", strerror(errno));
	free(reply);
}

/* Up to 5 s for svirtd to log text or to drop domid's nodes, whichever
 * comes first (a svirtd that takes an error for "gone" does the second). */
static void wait_log_or_gone(struct env *e, const char *text, int domid)
{
	for (int i = 0; i < 500 && !log_has(e, text); i++) {
		char *v = svirt_node(e, domid, "state");

		free(v);
		if (!v)
			return;
		usleep(10 * 1000);
	}
}

static void xenstore_error_on_a_release_keeps_the_live_guest(void **state)
{
	struct env *e = *state;
	char p1[PATH_MAX + 8], p2[PATH_MAX + 8], *l1;

	snprintf(p1, sizeof(p1), "raw:%s", image(e, "live.img", ORIG));
	snprintf(p2, sizeof(p2), "raw:%s", image(e, "dying.img", ORIG));
	svirtd_start(e);
	guest_create(e, 40, &(struct disk){ p1, "w" }, 1);
	guest_create(e, 41, &(struct disk){ p2, "w" }, 1);
	wait_labelled(e, 40);
	wait_labelled(e, 41);
	l1 = image_label(e, 40);
	introduced_fails(e, EIO);
	guest_destroy(e, 41);	/* @releaseDomain: svirtd asks about each */
	wait_log_or_gone(e, "cannot tell whether it is alive", 40);
	if (!state_is_one_of(e, 40, "labelled", NULL)) {
		show_log(e);
		fail_msg("a xenstore error freed live domain 40");
	}
	assert_label(p1 + 4, l1);
	/* 41 is gone, but xenstore has not said so: it is kept too. */
	assert_true(state_is_one_of(e, 41, "labelled", NULL));
	introduced_fails(e, 0);
	svirtd_sync(e);		/* its destroy is the next release */
	wait_gone(e, 41);
	assert_label(p2 + 4, ORIG);
	assert_true(state_is_one_of(e, 40, "labelled", NULL));
	assert_label(p1 + 4, l1);
	free(l1);
	svirtd_stop(e);
}

static void xenstore_error_at_startup_keeps_the_record(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], *l;

	snprintf(p, sizeof(p), "raw:%s", image(e, "kept.img", ORIG));
	svirtd_start(e);
	guest_create(e, 42, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 42);
	l = image_label(e, 42);
	svirtd_kill(e);
	introduced_fails(e, EIO);
	svirtd_start(e);
	/* Answered by the loop, so after reconciling and publishing. */
	free(control(e, "LIST\n"));
	if (!state_is_one_of(e, 42, "labelled", "allocated")) {
		show_log(e);
		fail_msg("a xenstore error at start-up freed live domain 42");
	}
	assert_label(p + 4, l);
	introduced_fails(e, 0);
	svirtd_sync(e);
	assert_true(state_is_one_of(e, 42, "labelled", NULL));
	assert_label(p + 4, l);
	free(l);
	svirtd_stop(e);
}

/* libxl gave domid 43 to a new guest (a fixed domid in its config) and
 * svirtd has not handled the release yet: no @releaseDomain reached it. */
static void get_for_a_reused_domid_is_not_ready(void **state)
{
	struct env *e = *state;
	const char *other = "6b1e7c3a-0000-4000-8000-00000000cafe";
	char p[PATH_MAX + 8], *r;

	snprintf(p, sizeof(p), "raw:%s", image(e, "first.img", ORIG));
	svirtd_start(e);
	guest_create(e, 43, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 43);
	xsd_put(e->xs, "/local/domain/43/vm", "/vm/6b1e7c3a-0000-4000-8000-00000000cafe");
	xsd_put(e->xs, "/vm/6b1e7c3a-0000-4000-8000-00000000cafe/uuid", other);
	r = control(e, "GET 43\n");
	if (strncmp(r, "ERR EAGAIN", 10) != 0)
		fail_msg("GET for a domid another guest holds: %s", r);
	free(r);
	r = control(e, "GET 43 WAIT 1\n");
	if (strncmp(r, "ERR ETIMEDOUT", 13) != 0)
		fail_msg("GET WAIT for a domid another guest holds: %s", r);
	free(r);
	r = control(e, "VIF 43 0\n");
	if (strncmp(r, "ERR EAGAIN", 10) != 0)
		fail_msg("VIF for a domid another guest holds: %s", r);
	free(r);
	svirtd_stop(e);
}

/* ---- relabel roots ---- */

/* svirtd's config with root as its only relabel root. */
static void config_with_root(struct env *e, const char *root)
{
	write_config_root(e, root, "", "debug");
}

/* The root a guest's disk is under leaves the config (SIGHUP) while the
 * guest runs: its release still puts back what svirtd set, and frees. */
static void root_removed_on_sighup_still_restores_and_frees(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], other[PATH_MAX];

	snprintf(p, sizeof(p), "raw:%s", image(e, "moved.img", ORIG));
	FMT(other, sizeof(other), "%s/other", e->dir);
	assert_int_equal(mkdir(other, 0755), 0);
	svirtd_start(e);
	guest_create(e, 44, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 44);
	config_with_root(e, other);
	assert_int_equal(kill(e->svirtd, SIGHUP), 0);
	free(control(e, "LIST\n"));	/* the signal is handled by then */
	assert_true(log_has(e, "reloaded"));
	guest_destroy(e, 44);
	wait_gone(e, 44);
	assert_label(p + 4, ORIG);
	assert_false(has_xattr(p + 4, "trusted.svirt"));
	svirtd_stop(e);
}

static void symlink_root_is_refused_at_startup_naming_it(void **state)
{
	struct env *e = *state;
	char link[PATH_MAX];
	int st = 0;
	pid_t w = 0;

	FMT(link, sizeof(link), "%s/images-link", e->dir);
	assert_int_equal(symlink(e->img, link), 0);
	config_with_root(e, link);
	svirtd_spawn(e);
	/* Bounded: a svirtd that takes the root runs on. */
	for (int i = 0; i < 500 && (w = waitpid(e->svirtd, &st, WNOHANG)) == 0; i++)
		usleep(10 * 1000);
	if (w == 0) {
		svirtd_kill(e);
		fail_msg("svirtd started with the symlink root %s", link);
	}
	e->svirtd = 0;
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	if (!log_has(e, link) || !log_has(e, "resolves to")) {
		show_log(e);
		fail_msg("svirtd's refusal does not name the root");
	}
}

static void symlink_root_on_sighup_keeps_the_old_config(void **state)
{
	struct env *e = *state;
	char link[PATH_MAX], p[PATH_MAX + 8];

	FMT(link, sizeof(link), "%s/images-link", e->dir);
	assert_int_equal(symlink(e->img, link), 0);
	svirtd_start(e);
	config_with_root(e, link);
	assert_int_equal(kill(e->svirtd, SIGHUP), 0);
	free(control(e, "LIST\n"));
	if (!log_has(e, "keeping the old config") || !log_has(e, link)) {
		show_log(e);
		fail_msg("a symlink root was taken on SIGHUP");
	}
	/* The old roots still hold. */
	snprintf(p, sizeof(p), "raw:%s", image(e, "still.img", ORIG));
	guest_create(e, 45, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 45);
	svirtd_stop(e);
}

/* ---- main ---- */

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(xenstore_error_on_a_release_keeps_the_live_guest),
		T(xenstore_error_at_startup_keeps_the_record),
		T(get_for_a_reused_domid_is_not_ready),
		T(root_removed_on_sighup_still_restores_and_frees),
		T(symlink_root_is_refused_at_startup_naming_it),
		T(symlink_root_on_sighup_keeps_the_old_config),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
