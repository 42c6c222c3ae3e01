/* test_xenstored_svirtd_lifecycle.c: the real build/svirtd through a guest's save and restore:
 * the saved domain's pair freed and its disk restored, the restored domain (same uuid) labelled again. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"

#define U "6b1e7c3a-0000-4000-8000-00000000a5a5"
#define OTHER "6b1e7c3a-0000-4000-8000-00000000b6b6"

/* What xl save does to xenstore once the guest is suspended and its memory
 * written: libxl destroys the domain (backends, the domain, its nodes). */
static void save(struct env *e, int domid, const char *uuid)
{
	guest_destroy_as(e, domid, uuid);
}

/* "cA,cB" of an image label (points into it). */
static const char *pair_of(const char *label)
{
	const char *p = strrchr(label, ':');

	assert_non_null(p);
	return p + 1;
}

static char *reserve(struct env *e, const char *uuid, const char *pair)
{
	char line[128];

	FMT(line, sizeof(line), "RESERVE %s %s\n", uuid, pair);
	return control(e, line);
}

/* The save ends the domain like any other end: its disk gets its original
 * label back, and its pair is free for any guest at once (README, "Guest
 * lifecycle": no reservation outlives a save). */
static void saved_guest_gives_its_disk_back_and_its_pair_up(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], *label, *r;

	FMT(params, sizeof(params), "raw:%s", image(e, "saved.img", ORIG));
	svirtd_start(e);
	guest_create_as(e, 30, U, &(struct disk){ params, "w" }, 1);
	wait_labelled(e, 30);
	label = image_label(e, 30);
	assert_label(params + 4, label);
	/* While the guest lives its pair is taken. */
	r = reserve(e, OTHER, pair_of(label));
	assert_true(strncmp(r, "ERR EEXIST", 10) == 0);
	free(r);
	save(e, 30, U);
	wait_gone(e, 30);
	assert_label(params + 4, ORIG);
	assert_false(has_xattr(params + 4, "trusted.svirt"));
	r = control(e, "LIST\n");
	if (strstr(r, U))
		fail_msg("svirtd still holds something for the saved uuid: %s", r);
	free(r);
	/* Free: another guest may have it now. */
	r = reserve(e, OTHER, pair_of(label));
	assert_true(strncmp(r, "OK 1\n", 5) == 0);
	free(r);
	free(label);
	svirtd_stop(e);
}

/* xl restore: a new domid, the saved uuid, the same disk.  svirtd binds it
 * as a new guest and labels the disk with the pair it publishes for it. */
static void restored_guest_under_a_new_domid_is_labelled_again(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], *l1, *l2, *u;

	FMT(params, sizeof(params), "raw:%s", image(e, "restored.img", ORIG));
	svirtd_start(e);
	guest_create_as(e, 31, U, &(struct disk){ params, "w" }, 1);
	wait_labelled(e, 31);
	l1 = image_label(e, 31);
	assert_label(params + 4, l1);
	save(e, 31, U);
	wait_gone(e, 31);
	assert_label(params + 4, ORIG);
	guest_create_as(e, 32, U, &(struct disk){ params, "w" }, 1);
	wait_node(e, 32, "objects", "1");
	wait_labelled(e, 32);
	u = svirt_node(e, 32, "uuid");
	assert_string_equal(u, U);
	l2 = image_label(e, 32);
	assert_label(params + 4, l2);
	assert_true(has_xattr(params + 4, "trusted.svirt"));
	/* And it ends like any guest. */
	save(e, 32, U);
	wait_gone(e, 32);
	assert_label(params + 4, ORIG);
	assert_false(has_xattr(params + 4, "trusted.svirt"));
	free(u);
	free(l1);
	free(l2);
	svirtd_stop(e);
}

/* svirtd sees the save and the restore in one batch of events (it was busy,
 * or stopped): the old domain is released before the new one is bound to
 * the same uuid, and the new one ends labelled, on the disk both used. */
static void save_and_restore_seen_at_once_end_with_the_restored_guest_labelled(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], *l2, *r;

	FMT(params, sizeof(params), "raw:%s", image(e, "once.img", ORIG));
	svirtd_start(e);
	guest_create_as(e, 33, U, &(struct disk){ params, "w" }, 1);
	wait_labelled(e, 33);
	assert_int_equal(kill(e->svirtd, SIGSTOP), 0);
	save(e, 33, U);
	guest_create_as(e, 34, U, &(struct disk){ params, "w" }, 1);
	assert_int_equal(kill(e->svirtd, SIGCONT), 0);
	wait_gone(e, 33);
	wait_node(e, 34, "objects", "1");
	wait_labelled(e, 34);
	l2 = image_label(e, 34);
	assert_label(params + 4, l2);
	r = control(e, "LIST\n");
	if (strncmp(r, "OK 1\n", 5) != 0 || !strstr(r, "domain 34 "))
		fail_msg("LIST after the restore: %s", r);
	free(r);
	free(l2);
	svirtd_stop(e);
}

/* The administrator's way to keep a saved guest's pair: RESERVE it for the
 * uuid once the save is done.  The reservation outlives the saved domain,
 * and the restored one binds it: the same pair on the same disk. */
static void pair_reserved_after_a_save_is_the_restored_guests(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], *l1, *l2, *r;

	FMT(params, sizeof(params), "raw:%s", image(e, "kept.img", ORIG));
	svirtd_start(e);
	guest_create_as(e, 35, U, &(struct disk){ params, "w" }, 1);
	wait_labelled(e, 35);
	l1 = image_label(e, 35);
	save(e, 35, U);
	wait_gone(e, 35);
	assert_label(params + 4, ORIG);
	r = reserve(e, U, pair_of(l1));
	assert_true(strncmp(r, "OK 1\n", 5) == 0);
	free(r);
	guest_create_as(e, 36, U, &(struct disk){ params, "w" }, 1);
	wait_node(e, 36, "objects", "1");
	wait_labelled(e, 36);
	l2 = image_label(e, 36);
	assert_string_equal(l2, l1);
	assert_label(params + 4, l1);
	r = control(e, "LIST\n");
	if (strncmp(r, "OK 1\n", 5) != 0 || !strstr(r, "domain 36 "))
		fail_msg("LIST after the restore: %s", r);
	free(r);
	free(l1);
	free(l2);
	svirtd_stop(e);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(saved_guest_gives_its_disk_back_and_its_pair_up),
		T(restored_guest_under_a_new_domid_is_labelled_again),
		T(save_and_restore_seen_at_once_end_with_the_restored_guest_labelled),
		T(pair_reserved_after_a_save_is_the_restored_guests),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
