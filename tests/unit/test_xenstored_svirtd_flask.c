/* test_xenstored_svirtd_flask.c: svirtd takes a guest's pair from its Flask label (issue 17 items 3, 2):
 * a free pair is honoured, one a live guest holds refused, one migrating in on this host handed over. */
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

#define DOMU "system_u:system_r:svirt_domU_t:"

/* svirtd with its libxl part replaced (build/svirtd-flask-double, beside
 * build/svirtd): the hypervisor's labels are files in e->dir/flask. */
static int flask_setup(void **state)
{
	char self[PATH_MAX], bin[PATH_MAX + 32], dir[PATH_MAX + 8];
	struct env *e;
	ssize_t n;

	if (setup(state) != 0)
		return -1;
	e = *state;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return -1;
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(bin, sizeof(bin), "%s/../svirtd-flask-double", self);
	snprintf(dir, sizeof(dir), "%s/flask", e->dir);
	if (mkdir(dir, 0755) < 0)
		return -1;
	setenv("SVIRTD", bin, 1);
	setenv("SVIRTD_FLASK_LABELS", dir, 1);
	return 0;
}

static int flask_teardown(void **state)
{
	unsetenv("SVIRTD");
	unsetenv("SVIRTD_FLASK_LABELS");
	return teardown(state);
}

/* What the hypervisor says domid's label is (xl create's seclabel). */
static void flask_label(struct env *e, int domid, const char *label)
{
	char path[PATH_MAX + 32];

	FMT(path, sizeof(path), "%s/flask/%d", e->dir, domid);
	put_file(path, label);
}

static void disk(struct env *e, const char *name, char *buf, size_t size)
{
	FMT(buf, size, "raw:%s", image(e, name, ORIG));
}

static void free_flask_pair_labels_the_disk_with_it(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], *l;

	disk(e, "f.img", p, sizeof(p));
	svirtd_start(e);
	flask_label(e, 50, DOMU "s0:c77,c777");
	guest_create(e, 50, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 50);
	l = image_label(e, 50);
	assert_string_equal(l, IMAGE_TYPE ":c77,c777");
	assert_label(p + 4, l);
	assert_true(log_has(e, "domain 50 (guest50): uuid"));
	assert_true(log_has(e, "c77,c777 (its Flask label's)"));
	/* Held: nobody else is handed it. */
	free(l);
	l = control(e, "RESERVE 6b1e7c3a-0000-4000-8000-0000000000ff c77,c777\n");
	assert_non_null(strstr(l, "EEXIST"));
	free(l);
	guest_destroy(e, 50);
	wait_gone(e, 50);
	assert_label(p + 4, ORIG);
	svirtd_stop(e);
}

static void flask_pair_of_a_live_guest_is_refused(void **state)
{
	struct env *e = *state;
	char p1[PATH_MAX + 8], p2[PATH_MAX + 8], *l, *st, *why;

	disk(e, "first.img", p1, sizeof(p1));
	disk(e, "second.img", p2, sizeof(p2));
	svirtd_start(e);
	flask_label(e, 51, DOMU "s0:c77,c777");
	flask_label(e, 52, DOMU "s0:c77,c777");
	guest_create(e, 51, &(struct disk){ p1, "w" }, 1);
	wait_labelled(e, 51);
	l = image_label(e, 51);
	guest_create(e, 52, &(struct disk){ p2, "w" }, 1);
	st = wait_done(e, 52);
	if (strcmp(st, "error") != 0) {
		show_log(e);
		fail_msg("domain 52 at domain 51's Flask pair: state %s", st);
	}
	why = svirt_node(e, 52, "reason");
	assert_non_null(why);
	assert_non_null(strstr(why, "c77,c777"));
	assert_non_null(strstr(why, "held by domain 51 (guest51"));
	assert_true(log_has(e, "domain 52 (guest52): refused"));
	assert_true(log_has(e, "held by domain 51 (guest51"));
	assert_label(p2 + 4, ORIG);
	assert_false(has_xattr(p2 + 4, "trusted.svirt"));
	assert_label(p1 + 4, l);
	/* Its going frees nothing of the guest that holds the pair. */
	guest_destroy(e, 52);
	wait_gone(e, 52);
	assert_true(state_is_one_of(e, 51, "labelled", NULL));
	free(why);
	why = control(e, "RESERVE 6b1e7c3a-0000-4000-8000-0000000000ff c77,c777\n");
	assert_non_null(strstr(why, "EEXIST"));
	assert_label(p1 + 4, l);
	guest_destroy(e, 51);
	wait_gone(e, 51);
	assert_label(p1 + 4, ORIG);
	free(why);
	free(st);
	free(l);
	svirtd_stop(e);
}

static void label_without_a_pair_gets_one_from_the_allocator(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], *l;

	disk(e, "nopair.img", p, sizeof(p));
	svirtd_start(e);
	flask_label(e, 53, DOMU "s0");
	guest_create(e, 53, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 53);
	l = image_label(e, 53);
	assert_true(strncmp(l, IMAGE_TYPE ":c", strlen(IMAGE_TYPE) + 2) == 0);
	assert_label(p + 4, l);
	assert_false(log_has(e, "(its Flask label's)"));
	free(l);
	guest_destroy(e, 53);
	wait_gone(e, 53);
	svirtd_stop(e);
}

/* svirt-xl create: RESERVE, then seclabel written with the reserved pair. */
static void reservation_and_flask_pair_that_agree_are_one_guest(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], uuid[40], line[128], *r, *l;

	disk(e, "reserved.img", p, sizeof(p));
	svirtd_start(e);
	uuid_of(54, uuid, sizeof(uuid));
	FMT(line, sizeof(line), "RESERVE %s c5,c6\n", uuid);
	r = control(e, line);
	assert_non_null(strstr(r, "OK"));
	free(r);
	flask_label(e, 54, DOMU "s0:c5,c6");
	guest_create(e, 54, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 54);
	l = image_label(e, 54);
	assert_string_equal(l, IMAGE_TYPE ":c5,c6");
	assert_label(p + 4, l);
	free(l);
	guest_destroy(e, 54);
	wait_gone(e, 54);
	svirtd_stop(e);
}

/* A label Xen would not write, or with a range: no guess, no pair. */
static void malformed_flask_label_binds_nothing(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], *st;

	disk(e, "bad.img", p, sizeof(p));
	svirtd_start(e);
	flask_label(e, 55, DOMU "s0:c5,c6,c7");
	guest_create(e, 55, &(struct disk){ p, "w" }, 1);
	svirtd_sync(e);
	st = svirt_node(e, 55, "state");
	if (st) {
		show_log(e);
		fail_msg("domain 55 with three categories was bound: %s", st);
	}
	assert_true(log_has(e, "domain 55 (guest55): no label: Flask label"));
	assert_label(p + 4, ORIG);
	guest_destroy(e, 55);
	svirtd_stop(e);
}

/* svirt-flask-label fails for a domain (here the stand-in cannot read the
 * label: a directory): Flask status unclear, so no pair, no relabel. */
static void failed_helper_binds_nothing(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], path[PATH_MAX + 32], *st;

	disk(e, "h.img", p, sizeof(p));
	svirtd_start(e);
	FMT(path, sizeof(path), "%s/flask/56", e->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	guest_create(e, 56, &(struct disk){ p, "w" }, 1);
	svirtd_sync(e);
	st = svirt_node(e, 56, "state");
	if (st) {
		show_log(e);
		fail_msg("domain 56 was bound though its label was not read: "
			 "%s", st);
	}
	assert_true(log_has(e, "svirt-flask-label failed (exit status 1)"));
	assert_label(p + 4, ORIG);
	guest_destroy(e, 56);
	svirtd_stop(e);
}

/* xl migrate to this host (issue 17 item 2): the incoming domain, of the
 * same uuid and Flask label, shares the pair while both live and takes it
 * over when the outgoing one goes; the disk never leaves the pair. */
static void migration_to_this_host_hands_the_pair_over(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], uuid[40], *l, *st;

	disk(e, "mig.img", p, sizeof(p));
	uuid_of(60, uuid, sizeof(uuid));
	svirtd_start(e);
	flask_label(e, 60, DOMU "s0:c66,c666");
	flask_label(e, 61, DOMU "s0:c66,c666");
	guest_create_as(e, 60, uuid, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 60);
	l = image_label(e, 60);
	assert_string_equal(l, IMAGE_TYPE ":c66,c666");
	guest_create_as(e, 61, uuid, &(struct disk){ p, "w" }, 1);
	st = wait_done(e, 61);
	if (strcmp(st, "labelled") != 0) {
		show_log(e);
		fail_msg("the incoming domain 61: state %s", st);
	}
	free(st);
	st = image_label(e, 61);
	assert_string_equal(st, l);
	free(st);
	assert_label(p + 4, l);
	assert_false(log_has(e, "refused"));
	guest_destroy_as(e, 60, uuid);
	wait_gone(e, 60);
	assert_label(p + 4, l);
	assert_true(state_is_one_of(e, 61, "labelled", NULL));
	assert_true(log_has(e, "domain 61 (guest61): migrated in: holds "
			    "c66,c666"));
	/* Still the pair's only holder: another uuid is refused. */
	flask_label(e, 62, DOMU "s0:c66,c666");
	guest_create(e, 62, NULL, 0);
	st = wait_done(e, 62);
	assert_string_equal(st, "error");
	free(st);
	st = svirt_node(e, 62, "reason");
	assert_non_null(st);
	assert_non_null(strstr(st, "held by domain 61 (guest61"));
	free(st);
	guest_destroy(e, 62);
	wait_gone(e, 62);
	assert_label(p + 4, l);
	guest_destroy_as(e, 61, uuid);
	wait_gone(e, 61);
	assert_label(p + 4, ORIG);
	assert_false(has_xattr(p + 4, "trusted.svirt"));
	free(l);
	svirtd_stop(e);
}

/* The migration fails: the incoming domain is destroyed, the outgoing one
 * resumes with its labels. */
static void failed_migration_leaves_the_guest_labelled(void **state)
{
	struct env *e = *state;
	char p[PATH_MAX + 8], uuid[40], *l;

	disk(e, "back.img", p, sizeof(p));
	uuid_of(63, uuid, sizeof(uuid));
	svirtd_start(e);
	flask_label(e, 63, DOMU "s0:c67,c667");
	flask_label(e, 64, DOMU "s0:c67,c667");
	guest_create_as(e, 63, uuid, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 63);
	l = image_label(e, 63);
	guest_create_as(e, 64, uuid, &(struct disk){ p, "w" }, 1);
	wait_labelled(e, 64);
	guest_destroy_as(e, 64, uuid);
	wait_gone(e, 64);
	assert_true(state_is_one_of(e, 63, "labelled", NULL));
	assert_label(p + 4, l);
	guest_destroy_as(e, 63, uuid);
	wait_gone(e, 63);
	assert_label(p + 4, ORIG);
	free(l);
	svirtd_stop(e);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, flask_setup, flask_teardown)
		T(free_flask_pair_labels_the_disk_with_it),
		T(flask_pair_of_a_live_guest_is_refused),
		T(label_without_a_pair_gets_one_from_the_allocator),
		T(reservation_and_flask_pair_that_agree_are_one_guest),
		T(malformed_flask_label_binds_nothing),
		T(failed_helper_binds_nothing),
		T(migration_to_this_host_hands_the_pair_over),
		T(failed_migration_leaves_the_guest_labelled),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
