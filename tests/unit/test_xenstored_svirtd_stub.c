/* test_xenstored_svirtd_stub.c: the real svirtd given stub device model domains as libxl makes
 * them (own uuid, the guest's disks, a dom0-written "target"): bound to the guest's pair, or refused. */
#include <dirent.h>
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
#include <unistd.h>

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"

/* ---- stub domains, as libxl__spawn_stub_dm makes them ---- */

/* The stub's own domain (its own uuid, the guest's disks), then dom0 writes
 * its target node: owned by dom0, the stub may only read it. */
static void stub_write(struct env *e, int domid, const char *target,
		       const struct disk *d, size_t n)
{
	char uuid[40], path[64];
	struct xs_permissions p[] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = (unsigned)domid, .perms = XS_PERM_READ },
	};

	uuid_of(domid, uuid, sizeof(uuid));
	guest_write(e, domid, uuid, d, n);
	snprintf(path, sizeof(path), "/local/domain/%d/target", domid);
	xsd_put(e->xs, path, target);
	assert_true(xs_set_permissions(e->xs, XBT_NULL, path, p, 2));
}

static void stub_create(struct env *e, int domid, int target,
			const struct disk *d, size_t n)
{
	char t[16];

	snprintf(t, sizeof(t), "%d", target);
	stub_write(e, domid, t, d, n);
	assert_true(xs_introduce_domain(e->xs, (unsigned)domid, 0, 0));
}

/* Records in svirtd's store: one per pair held. */
static unsigned records(struct env *e)
{
	char dir[PATH_MAX];
	struct dirent *de;
	unsigned n = 0;
	DIR *d;

	FMT(dir, sizeof(dir), "%s/state", e->dir);
	assert_non_null(d = opendir(dir));
	while ((de = readdir(d)))
		n += strlen(de->d_name) == 36;
	closedir(d);
	return n;
}

/* The pair of a published label ("...:s0:cA,cB" -> "cA,cB"). */
static const char *pair_of(const char *label)
{
	const char *p = strstr(label, ":s0:");

	assert_non_null(p);
	return p + 4;
}

/* The pair is free again: a RESERVE of it succeeds (and is given back). */
static void assert_pair_free(struct env *e, const char *pair)
{
	const char *u = "6b1e7c3a-0000-4000-8000-00000000f00d";
	char line[128], *r;

	snprintf(line, sizeof(line), "RESERVE %s %s\n", u, pair);
	r = control(e, line);
	if (strncmp(r, "OK", 2) != 0)
		fail_msg("pair %s not free after both domains went: %s", pair, r);
	free(r);
	snprintf(line, sizeof(line), "UNRESERVE %s\n", u);
	free(control(e, line));
}

static void assert_same_labels(struct env *e, int guest, int stub)
{
	char *gl = svirt_node(e, guest, "label"), *sl = svirt_node(e, stub, "label");
	char *gi = image_label(e, guest), *si = image_label(e, stub);

	assert_non_null(gl);
	assert_non_null(sl);
	assert_string_equal(sl, gl);
	assert_string_equal(si, gi);
	free(gl);
	free(sl);
	free(gi);
	free(si);
}

/* A guest (domid g) with one writable disk, labelled, and its stub s
 * bound to it.  The disk's path (in params + 4) and the guest's image label. */
static char *guest_and_stub(struct env *e, int g, int s, const char *file,
			    char *params, size_t size)
{
	struct disk d;
	char t[16];

	snprintf(params, size, "raw:%s", image(e, file, ORIG));
	d = (struct disk){ params, "w" };
	guest_create(e, g, &d, 1);
	wait_labelled(e, g);
	stub_create(e, s, g, &d, 1);
	wait_labelled(e, s);
	snprintf(t, sizeof(t), "%d", g);
	wait_node(e, s, "target", t);
	return image_label(e, g);
}

/* ---- binding ---- */

static void stub_after_its_guest_gets_the_guests_pair_once(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], *l, *r;

	svirtd_start(e);
	l = guest_and_stub(e, 20, 21, "hvm.img", p, sizeof(p));
	assert_same_labels(e, 20, 21);
	assert_label(p + 4, l);
	assert_true(state_is_one_of(e, 20, "labelled", NULL));
	assert_int_equal(records(e), 1);	/* one pair, one record */
	/* The stub's device model in dom0 asks by the stub's domid. */
	r = control(e, "GET 21\n");
	if (!strstr(r, pair_of(l)) || !strstr(r, "state labelled") ||
	    !strstr(r, " target 20"))
		fail_msg("GET of the stub domain: %s", r);
	free(r);
	free(l);
	svirtd_stop(e);
}

/* libxl introduces the guest before it makes the stub; svirtd may still
 * be on the guest's first label pass, or not have bound it yet. */
static void stub_appearing_while_its_guest_is_labelled_gets_its_pair(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], p2[PATH_MAX + 8];
	struct disk d, d2;

	snprintf(p, sizeof(p), "raw:%s", image(e, "race.img", ORIG));
	d = (struct disk){ p, "w" };
	svirtd_start(e);
	/* Back to back: the stub's introduction lands in the guest's batch. */
	guest_create(e, 22, &d, 1);
	stub_create(e, 23, 22, &d, 1);
	wait_labelled(e, 22);
	wait_labelled(e, 23);
	assert_same_labels(e, 22, 23);
	/* The stub seen first: its guest exists but is not introduced yet. */
	snprintf(p2, sizeof(p2), "raw:%s", image(e, "race2.img", ORIG));
	d2 = (struct disk){ p2, "w" };
	guest_write(e, 24, "6b1e7c3a-0000-4000-8000-000000000018", &d2, 1);
	stub_create(e, 25, 24, &d2, 1);
	svirtd_sync(e);
	assert_null(svirt_node(e, 25, "state"));	/* no pair of its own */
	assert_label(p2 + 4, ORIG);
	assert_true(xs_introduce_domain(e->xs, 24, 0, 0));
	wait_labelled(e, 24);
	wait_labelled(e, 25);
	assert_same_labels(e, 24, 25);
	assert_int_equal(records(e), 2);
	svirtd_stop(e);
}

/* ---- destruction ---- */

static void stub_destroyed_first_then_guest_frees_the_pair_once(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], pair[32], *l;

	svirtd_start(e);
	l = guest_and_stub(e, 26, 27, "first.img", p, sizeof(p));
	snprintf(pair, sizeof(pair), "%s", pair_of(l));
	guest_destroy(e, 27);
	wait_gone(e, 27);
	/* The guest still holds its disk and pair. */
	assert_true(state_is_one_of(e, 26, "labelled", NULL));
	assert_label(p + 4, l);
	guest_destroy(e, 26);
	wait_gone(e, 26);
	assert_label(p + 4, ORIG);
	assert_false(has_xattr(p + 4, "trusted.svirt"));
	assert_int_equal(log_count(e, "released c"), 1);
	assert_int_equal(records(e), 0);
	assert_pair_free(e, pair);
	free(l);
	svirtd_stop(e);
}

static void guest_destroyed_first_keeps_the_pair_until_its_stub_goes(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], pair[32], *l;

	svirtd_start(e);
	l = guest_and_stub(e, 28, 29, "second.img", p, sizeof(p));
	snprintf(pair, sizeof(pair), "%s", pair_of(l));
	guest_destroy(e, 28);
	svirtd_sync(e);
	/* The stub still runs at the pair, on the disk: nothing is given
	 * back yet. */
	assert_true(state_is_one_of(e, 29, "labelled", NULL));
	assert_label(p + 4, l);
	assert_int_equal(records(e), 1);
	assert_int_equal(log_count(e, "released c"), 1);	/* sync's own */
	guest_destroy(e, 29);
	wait_gone(e, 29);
	wait_gone(e, 28);
	assert_label(p + 4, ORIG);
	assert_false(has_xattr(p + 4, "trusted.svirt"));
	assert_int_equal(log_count(e, "released c"), 2);
	assert_int_equal(records(e), 0);
	assert_pair_free(e, pair);
	free(l);
	svirtd_stop(e);
}

/* ---- hostile target nodes ---- */

/* Stub domid refused: no pair, nothing published, GET says no domain, the
 * log names why (what). */
static void assert_stub_refused(struct env *e, int domid, const char *what)
{
	char line[32], *r, *st;

	if ((st = svirt_node(e, domid, "state"))) {
		show_log(e);
		fail_msg("domain %d (%s) was bound: state %s", domid, what, st);
	}
	snprintf(line, sizeof(line), "GET %d\n", domid);
	r = control(e, line);
	if (strncmp(r, "ERR ENOENT", 10) != 0)
		fail_msg("GET %d (%s): %s", domid, what, r);
	free(r);
	if (!log_has(e, what)) {
		show_log(e);
		fail_msg("svirtd's log does not say \"%s\"", what);
	}
}

static void hostile_target_nodes_are_refused_and_nothing_relabelled(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], own[PATH_MAX + 8], *l;
	struct disk d, mine;
	struct xs_permissions rw[] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = 32, .perms = XS_PERM_WRITE },
	};

	svirtd_start(e);
	l = guest_and_stub(e, 30, 37, "victim.img", p, sizeof(p));
	d = (struct disk){ p, "w" };
	snprintf(own, sizeof(own), "raw:%s", image(e, "own.img", ORIG));
	mine = (struct disk){ own, "w" };
	/* A node the would-be stub wrote itself, naming guest 30. */
	guest_write(e, 31, "6b1e7c3a-0000-4000-8000-00000000001f", &d, 1);
	xsd_put_private(e->xs, "/local/domain/31/target", "30", 31);
	assert_true(xs_introduce_domain(e->xs, 31, 0, 0));
	/* dom0's, but the domain may write it. */
	stub_write(e, 32, "30", &mine, 1);
	assert_true(xs_set_permissions(e->xs, XBT_NULL,
				       "/local/domain/32/target", rw, 2));
	assert_true(xs_introduce_domain(e->xs, 32, 0, 0));
	/* Pointing at another guest, through a node it owns: guest 30's
	 * pair for a domain holding a disk of its own. */
	guest_write(e, 33, "6b1e7c3a-0000-4000-8000-000000000021", &mine, 1);
	xsd_put_private(e->xs, "/local/domain/33/target", "30", 33);
	assert_true(xs_introduce_domain(e->xs, 33, 0, 0));
	stub_create(e, 34, 34, &d, 1);			/* itself */
	stub_write(e, 35, "30 ", &d, 1);		/* not a domid */
	assert_true(xs_introduce_domain(e->xs, 35, 0, 0));
	stub_write(e, 36, "030", &d, 1);
	assert_true(xs_introduce_domain(e->xs, 36, 0, 0));
	stub_create(e, 38, 4000, &d, 1);		/* no such domain */
	stub_create(e, 39, 37, &d, 1);			/* a stub's stub */
	svirtd_sync(e);
	assert_stub_refused(e, 31, "/local/domain/31/target is owned by domain 31");
	assert_stub_refused(e, 32, "/local/domain/32/target is writable by domain 32");
	assert_stub_refused(e, 33, "/local/domain/33/target is owned by domain 33");
	assert_stub_refused(e, 34, "/local/domain/34/target: names the stub domain itself");
	assert_stub_refused(e, 35, "/local/domain/35/target");
	assert_stub_refused(e, 36, "/local/domain/36/target");
	assert_stub_refused(e, 38, "its target, domain 4000, does not exist");
	assert_stub_refused(e, 39, "its target, domain 37, is itself a stub domain");
	/* Nothing relabelled: the guest's disk keeps its label, the other
	 * image its own, one record. */
	assert_true(state_is_one_of(e, 30, "labelled", NULL));
	assert_true(state_is_one_of(e, 37, "labelled", NULL));
	assert_label(p + 4, l);
	assert_label(own + 4, ORIG);
	assert_false(has_xattr(own + 4, "trusted.svirt"));
	assert_int_equal(records(e), 1);
	free(l);
	svirtd_stop(e);
}

/* ---- a target written after the introduction (issue 16 item 4) ---- */

/* libxl introduces a stub domain, then writes its target, then attaches
 * its disks: svirtd binds it as a guest first (a pair of its own), and must
 * give that back and bind it to the guest once the target is there. */
static void dom0_target(struct env *e, int domid, const char *target)
{
	char path[64];
	struct xs_permissions p[] = {
		{ .id = 0, .perms = XS_PERM_NONE },
		{ .id = (unsigned)domid, .perms = XS_PERM_READ },
	};

	snprintf(path, sizeof(path), "/local/domain/%d/target", domid);
	xsd_put(e->xs, path, target);
	assert_true(xs_set_permissions(e->xs, XBT_NULL, path, p, 2));
}

/* A target node domid owns from its first instant (one transaction), as
 * one the domain wrote itself would be. */
static void own_target(struct env *e, int domid, const char *target)
{
	char path[64];
	struct xs_permissions p = { .id = (unsigned)domid,
				    .perms = XS_PERM_NONE };
	xs_transaction_t t;

	snprintf(path, sizeof(path), "/local/domain/%d/target", domid);
	do {
		t = xs_transaction_start(e->xs);
		assert_true(xs_write(e->xs, t, path, target, strlen(target)));
		assert_true(xs_set_permissions(e->xs, t, path, &p, 1));
	} while (!xs_transaction_end(e->xs, t, false) && errno == EAGAIN);
}

static void late_target_binds_the_stub_to_its_guest(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], uuid[40], pair[32], *own, *l, *r;
	struct disk d;

	snprintf(p, sizeof(p), "raw:%s", image(e, "late.img", ORIG));
	d = (struct disk){ p, "w" };
	svirtd_start(e);
	guest_create(e, 50, &d, 1);
	wait_labelled(e, 50);
	l = image_label(e, 50);
	/* The stub as libxl introduces it: no target, no disk yet. */
	uuid_of(51, uuid, sizeof(uuid));
	guest_create_as(e, 51, uuid, NULL, 0);
	wait_labelled(e, 51);
	own = svirt_node(e, 51, "label");
	snprintf(pair, sizeof(pair), "%s", pair_of(own));
	assert_string_not_equal(pair, pair_of(l));
	/* Then the target, then its disk (the guest's). */
	dom0_target(e, 51, "50");
	wait_node(e, 51, "target", "50");
	guest_write(e, 51, uuid, &d, 1);
	wait_labelled(e, 51);
	svirtd_sync(e);
	assert_same_labels(e, 50, 51);
	assert_label(p + 4, l);
	assert_true(state_is_one_of(e, 50, "labelled", NULL));
	assert_true(log_has(e, "was written after its introduction"));
	assert_int_equal(records(e), 1);	/* its own pair's is gone */
	assert_pair_free(e, pair);
	r = control(e, "GET 51\n");
	if (!strstr(r, pair_of(l)) || !strstr(r, "state labelled") ||
	    !strstr(r, " target 50"))
		fail_msg("GET of the late stub domain: %s", r);
	free(r);
	/* Destroyed, stub first: the dying stub's target is no change. */
	guest_destroy(e, 51);
	wait_gone(e, 51);
	guest_destroy(e, 50);
	wait_gone(e, 50);
	assert_label(p + 4, ORIG);
	assert_false(log_has(e, "target node was removed"));
	assert_int_equal(records(e), 0);
	free(own);
	free(l);
	svirtd_stop(e);
}

/* A GET answers from the target as it is now, whatever events svirtd has
 * not read yet: the stub's device model asks for its label at once. */
static void get_of_a_stub_sees_its_late_target(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], uuid[40], *l, *r;
	struct disk d;

	snprintf(p, sizeof(p), "raw:%s", image(e, "lateget.img", ORIG));
	d = (struct disk){ p, "w" };
	svirtd_start(e);
	guest_create(e, 60, &d, 1);
	wait_labelled(e, 60);
	l = image_label(e, 60);
	uuid_of(61, uuid, sizeof(uuid));
	guest_create_as(e, 61, uuid, NULL, 0);
	wait_labelled(e, 61);
	dom0_target(e, 61, "60");
	r = control(e, "GET 61\n");
	if (!strstr(r, pair_of(l)) || !strstr(r, " target 60"))
		fail_msg("GET right after the target was written: %s", r);
	free(r);
	free(l);
	svirtd_stop(e);
}

/* Fail closed: a late target dom0 did not write, a bound stub's target
 * changed to another guest, or removed while the stub lives: the domain is
 * refused (state error), it takes no other guest's pair, and nothing of
 * the guests' is relabelled. */
static void late_hostile_changed_or_removed_targets_fail_closed(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], p2[PATH_MAX + 8], uuid[40];
	char *l, *l2, *st, *r;
	struct disk d2;

	svirtd_start(e);
	l = guest_and_stub(e, 70, 71, "hostile.img", p, sizeof(p));
	snprintf(p2, sizeof(p2), "raw:%s", image(e, "other.img", ORIG));
	d2 = (struct disk){ p2, "w" };
	guest_create(e, 72, &d2, 1);
	wait_labelled(e, 72);
	l2 = image_label(e, 72);
	/* A target node the domain itself wrote, after its introduction. */
	uuid_of(73, uuid, sizeof(uuid));
	guest_create_as(e, 73, uuid, NULL, 0);
	wait_labelled(e, 73);
	own_target(e, 73, "70");
	/* A bound stub's target now naming another guest. */
	dom0_target(e, 71, "72");
	/* A second stub of 70, its target removed while it runs. */
	stub_create(e, 74, 70, NULL, 0);
	wait_labelled(e, 74);
	assert_true(xs_rm(e->xs, XBT_NULL, "/local/domain/74/target"));
	/* A late target dom0 wrote, then handed to the stub itself. */
	uuid_of(75, uuid, sizeof(uuid));
	guest_create_as(e, 75, uuid, NULL, 0);
	wait_labelled(e, 75);
	dom0_target(e, 75, "70");
	wait_node(e, 75, "target", "70");
	{
		struct xs_permissions mine = { .id = 75, .perms = XS_PERM_NONE };

		assert_true(xs_set_permissions(e->xs, XBT_NULL,
					       "/local/domain/75/target",
					       &mine, 1));
	}
	wait_node(e, 75, "state", "error");
	st = wait_done(e, 73);
	assert_string_equal(st, "error");
	free(st);
	wait_node(e, 71, "state", "error");
	wait_node(e, 74, "state", "error");
	svirtd_sync(e);
	assert_true(log_has(e, "stub domain refused: /local/domain/73/target "
			    "is owned by domain 73"));
	assert_true(log_has(e, "stub domain of domain 70: its target node "
			    "now names domain 72"));
	assert_true(log_has(e, "stub domain of domain 70: its target node "
			    "was removed"));
	r = control(e, "GET 73\n");
	if (strstr(r, " target 70") || !strstr(r, "state error"))
		fail_msg("GET of the domain with its own target node: %s", r);
	free(r);
	r = control(e, "GET 71\n");
	if (strstr(r, pair_of(l2)) || !strstr(r, "state error"))
		fail_msg("GET of the stub whose target changed: %s", r);
	free(r);
	/* The guests keep their labels and states; one record each, and
	 * 73's own. */
	assert_true(state_is_one_of(e, 70, "labelled", NULL));
	assert_true(state_is_one_of(e, 72, "labelled", NULL));
	assert_label(p + 4, l);
	assert_label(p2 + 4, l2);
	assert_true(log_has(e, "stub domain refused: /local/domain/75/target "
			    "is owned by domain 75"));
	assert_int_equal(records(e), 3);
	free(l);
	free(l2);
	svirtd_stop(e);
}

/* ---- restart ---- */

static void stub_is_bound_again_after_a_restart(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], *l;

	svirtd_start(e);
	l = guest_and_stub(e, 40, 41, "restart.img", p, sizeof(p));
	svirtd_kill(e);
	svirtd_start(e);
	wait_labelled(e, 40);
	wait_labelled(e, 41);
	assert_same_labels(e, 40, 41);
	assert_label(p + 4, l);
	assert_int_equal(records(e), 1);
	guest_destroy(e, 41);
	guest_destroy(e, 40);
	wait_gone(e, 40);
	assert_label(p + 4, ORIG);
	free(l);
	svirtd_stop(e);
}

/* ---- main ---- */

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(stub_after_its_guest_gets_the_guests_pair_once),
		T(stub_appearing_while_its_guest_is_labelled_gets_its_pair),
		T(stub_destroyed_first_then_guest_frees_the_pair_once),
		T(guest_destroyed_first_keeps_the_pair_until_its_stub_goes),
		T(hostile_target_nodes_are_refused_and_nothing_relabelled),
		T(late_target_binds_the_stub_to_its_guest),
		T(get_of_a_stub_sees_its_late_target),
		T(late_hostile_changed_or_removed_targets_fail_closed),
		T(stub_is_bound_again_after_a_restart),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
