/* test_domain.c: the guest lifecycle without Xen: bind, label a fake disk list and
 * release, with real xattrs on a private tmpfs (reconcile: test_domain_reconcile.c). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain_fixture.h"
#include "tmpfs.h"

/* ---- binding ---- */

static void bind_allocates_a_pair_and_stores_the_record(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *d = bound(e, 3, UUID1);
	struct sv_record r = { 0 };

	assert_int_equal(d->state, SV_STATE_ALLOCATED);
	assert_true(sv_mcs_taken(e->mcs, d->pair));
	assert_int_equal(sv_store_read(e->store, UUID1, &r, NULL), 0);
	assert_int_equal(r.domid, 3);
	assert_int_equal(r.pair.a, d->pair.a);
	assert_int_equal(r.pair.b, d->pair.b);
	sv_record_clear(&r);
}

static void bind_takes_the_reservation_of_its_uuid(void **state)
{
	struct env *e = need_env(state);
	struct sv_pair want = { 10, 20 };
	struct sv_domain *r, *d;

	assert_int_equal(sv_domains_reserve(&e->t, UUID1, &want, &r, NULL), 0);
	assert_int_equal(r->state, SV_STATE_RESERVED);
	d = bound(e, 4, UUID1);
	assert_ptr_equal(d, r);
	assert_int_equal(d->pair.a, 10);
	assert_int_equal(d->pair.b, 20);
	assert_int_equal(sv_mcs_used(e->mcs), 1);
}

static void reserving_a_uuid_or_pair_twice_is_eexist(void **state)
{
	struct env *e = need_env(state);
	struct sv_pair other = { 30, 40 }, outside = { 1, 1024 };
	struct sv_domain *a, *b;

	assert_int_equal(sv_domains_reserve(&e->t, UUID1, NULL, &a, NULL), 0);
	assert_int_equal(sv_domains_reserve(&e->t, UUID1, NULL, &b, NULL),
			 -EEXIST);
	assert_int_equal(sv_domains_reserve(&e->t, UUID1, &other, &b, NULL),
			 -EEXIST);
	assert_int_equal(sv_domains_reserve(&e->t, UUID2, &a->pair, &b, NULL),
			 -EEXIST);
	assert_int_equal(sv_domains_reserve(&e->t, UUID2, &outside, &b, NULL),
			 -EINVAL);
	assert_int_equal(sv_mcs_used(e->mcs), 1);
}

static void unreserve_frees_an_unbound_reservation_only(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *a;

	assert_int_equal(sv_domains_reserve(&e->t, UUID1, NULL, &a, NULL), 0);
	bound(e, 5, UUID2);
	assert_int_equal(sv_domains_unreserve(&e->t, UUID2, NULL), -EBUSY);
	assert_int_equal(sv_domains_unreserve(&e->t, UUID1, NULL), 0);
	assert_int_equal(sv_domains_unreserve(&e->t, UUID1, NULL), -ENOENT);
	assert_int_equal(sv_store_read(e->store, UUID1, &(struct sv_record){ 0 },
				       NULL), -ENOENT);
	assert_int_equal(sv_mcs_used(e->mcs), 1);
}

/* A second domain of a live uuid is a migration to this host: it shares
 * the first one's pair (test_domain_migrate.c), never gets one of its own;
 * a third is refused. */
static void uuid_of_a_live_domain_is_not_bound_twice(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *g = bound(e, 6, UUID1), *d;

	assert_int_equal(sv_domains_bind(&e->t, 7, UUID1, "x", &d, NULL), 0);
	assert_int_equal(d->from, 6);
	assert_int_equal(d->pair.a, g->pair.a);
	assert_int_equal(d->pair.b, g->pair.b);
	assert_int_equal(sv_mcs_used(e->mcs), 1);
	assert_int_equal(sv_domains_bind(&e->t, 8, UUID1, "y", &d, NULL),
			 -EEXIST);
}

/* ---- labelling ---- */

static void writable_readonly_and_shared_disks_get_their_labels(void **state)
{
	struct env *e = need_env(state);
	char *p[3] = { image(e, "rw.img"), image(e, "ro.img"),
		       image(e, "shared.img") };
	const bool ro[3] = { false, true, false };
	struct sv_domain *d = bound(e, 8, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 3, p, ro)), 0);
	assert_int_equal(d->state, SV_STATE_LABELLED);
	assert_label(p[0], d->labels.image);
	assert_label(p[1], CONTENT);
	assert_label(p[2], IMAGE);
	assert_stored_objects(e, UUID1, 3);
}

static void file_held_by_another_guest_is_refused_and_left_alone(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "one.img") };
	struct sv_domain *a = bound(e, 9, UUID1), *b = bound(e, 10, UUID2);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, a, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domain_label(&e->t, b, disks(&f, 1, p, NULL)),
			 -EBUSY);
	assert_int_equal(b->state, SV_STATE_ERROR);
	assert_non_null(strstr(b->reason, "held by another guest"));
	assert_label(p[0], a->labels.image);
	assert_int_equal(refs_of(p[0]), 1);
	assert_stored_objects(e, UUID2, 0);
}

static void refused_disk_keeps_nothing_of_its_pass(void **state)
{
	struct env *e = need_env(state);
	char *p[2] = { image(e, "fine.img"), image(e, "missing.img") };
	struct sv_domain *d = bound(e, 11, UUID1);
	struct fake f;

	unlink(p[1]);
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 2, p, NULL)),
			 -ENOENT);
	assert_int_equal(d->state, SV_STATE_ERROR);
	/* Refused before any relabel: nothing of the pass was applied. */
	assert_label(p[0], ORIG);
	assert_false(has_record(p[0]));
	assert_stored_objects(e, UUID1, 0);
}

static void path_outside_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	char outside[PATH_MAX];
	char *p[1] = { outside };
	struct sv_domain *d = bound(e, 12, UUID1);
	struct fake f;

	snprintf(outside, sizeof(outside), "%s/../outside.img", e->images);
	put(outside, "x");
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)),
			 -EPERM);
	assert_false(has_record(outside));
}

static void unplugged_disk_gets_its_label_back(void **state)
{
	struct env *e = need_env(state);
	char *p[2] = { image(e, "stay.img"), image(e, "go.img") };
	struct sv_domain *d = bound(e, 13, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 2, p, NULL)), 0);
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_label(p[0], d->labels.image);
	assert_label(p[1], ORIG);
	assert_false(has_record(p[1]));
	assert_stored_objects(e, UUID1, 1);
}

static void refused_hotplug_leaves_the_disks_already_labelled(void **state)
{
	struct env *e = need_env(state);
	char *p[2] = { image(e, "bad-first.img"), image(e, "kept.img") };
	struct sv_domain *d = bound(e, 28, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p + 1, NULL)),
			 0);
	unlink(p[0]);	/* hot-plugged ahead of it, and missing */
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 2, p, NULL)),
			 -ENOENT);
	assert_int_equal(d->state, SV_STATE_ERROR);
	assert_label(p[1], d->labels.image);
	assert_stored_objects(e, UUID1, 1);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_label(p[1], ORIG);
}

static void labelling_again_changes_nothing(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "again.img") };
	struct sv_domain *d = bound(e, 14, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(refs_of(p[0]), 1);
}

/* ---- loop devices ---- */

/* A loop device on a backing file, detached when *fd is closed (autoclear).
 * Returns its number, or 0 (with why) if this host cannot make one. */
static dev_t attach_loop(const char *backing, int *fd, const char **why)
{
	struct loop_info64 info = { .lo_flags = LO_FLAGS_AUTOCLEAR };
	char node[32];
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC), n, bf;
	struct stat st;

	*why = "no /dev/loop-control";
	if (ctl < 0 || (n = ioctl(ctl, LOOP_CTL_GET_FREE)) < 0) {
		if (ctl >= 0)
			close(ctl);
		return 0;
	}
	close(ctl);
	snprintf(node, sizeof(node), "/dev/loop%d", n);
	*why = "cannot attach a loop device";
	if ((*fd = open(node, O_RDWR | O_CLOEXEC)) < 0)
		return 0;
	bf = open(backing, O_RDWR | O_CLOEXEC);
	if (bf < 0 || ioctl(*fd, LOOP_SET_FD, bf) < 0 ||
	    ioctl(*fd, LOOP_SET_STATUS64, &info) < 0 || fstat(*fd, &st) < 0) {
		if (bf >= 0)
			close(bf);
		close(*fd);
		return 0;
	}
	close(bf);
	return st.st_rdev;
}

static void loop_device_and_its_backing_file_are_labelled_and_restored(void **state)
{
	struct env *e = need_env(state);
	char *backing = image(e, "loop-backing.img"), node[PATH_MAX];
	char *p[1] = { node };
	struct sv_domain *d = bound(e, 29, UUID1);
	const char *why;
	struct fake f;
	dev_t dev;
	int fd = -1;

	assert_int_equal(truncate(backing, 1 << 20), 0);
	if (!(dev = attach_loop(backing, &fd, &why))) {
		print_message("skipped: %s\n", why);
		skip();
	}
	/* The node under the relabel root, as /dev/xen/blktap-2 nodes are. */
	snprintf(node, sizeof(node), "%s/loopnode", e->images);
	assert_int_equal(mknod(node, S_IFBLK | 0600, dev), 0);
	assert_int_equal(setxattr(node, "security.selinux", ORIG, sizeof(ORIG),
				  0), 0);
	disks(&f, 1, p, NULL);
	f.v[0].kind = SV_DISK_BLOCK;
	f.v[0].rdev = dev;
	assert_int_equal(sv_domain_label(&e->t, d, &f.disks), 0);
	assert_label(node, d->labels.image);
	assert_label(backing, d->labels.image);
	assert_stored_objects(e, UUID1, 2);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_label(node, ORIG);
	assert_label(backing, ORIG);
	close(fd);
}

/* ---- release ---- */

static void release_restores_then_forgets_then_frees_the_pair(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "rel.img") };
	struct sv_domain *d = bound(e, 15, UUID1);
	struct sv_pair pair = d->pair;
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_label(p[0], ORIG);
	assert_false(has_record(p[0]));
	assert_false(sv_mcs_taken(e->mcs, pair));
	assert_null(sv_domains_by_domid(&e->t, 15));
	assert_int_equal(sv_store_read(e->store, UUID1, &(struct sv_record){ 0 },
				       NULL), -ENOENT);
}

static void shared_image_is_restored_when_its_last_guest_goes(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "shared.img") };
	struct sv_domain *a = bound(e, 16, UUID1), *b = bound(e, 17, UUID2);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, a, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domain_label(&e->t, b, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(refs_of(p[0]), 2);
	assert_int_equal(sv_domain_release(&e->t, a), 0);
	assert_label(p[0], IMAGE);
	assert_int_equal(sv_domain_release(&e->t, b), 0);
	assert_label(p[0], ORIG);
}

/* ---- main ---- */

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(bind_allocates_a_pair_and_stores_the_record),
		T(bind_takes_the_reservation_of_its_uuid),
		T(reserving_a_uuid_or_pair_twice_is_eexist),
		T(unreserve_frees_an_unbound_reservation_only),
		T(uuid_of_a_live_domain_is_not_bound_twice),
		T(writable_readonly_and_shared_disks_get_their_labels),
		T(file_held_by_another_guest_is_refused_and_left_alone),
		T(refused_disk_keeps_nothing_of_its_pass),
		T(path_outside_the_roots_is_refused),
		T(unplugged_disk_gets_its_label_back),
		T(refused_hotplug_leaves_the_disks_already_labelled),
		T(labelling_again_changes_nothing),
		T(loop_device_and_its_backing_file_are_labelled_and_restored),
		T(release_restores_then_forgets_then_frees_the_pair),
		T(shared_image_is_restored_when_its_last_guest_goes),
#undef T
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
