/* test_domain.c: the guest lifecycle without Xen: bind, label a fake disk list,
 * release, and reconcile after a kill at each step, with real xattrs on a private tmpfs. */
#include <errno.h>
#include <limits.h>
#include <sched.h>
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
#include <sys/mount.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain.h"

#define ORIG "system_u:object_r:xen_image_t:s0"
#define IMAGE "system_u:object_r:svirt_xen_image_t:s0"
#define CONTENT "system_u:object_r:svirt_xen_content_t:s0"
#define UUID1 "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000001"
#define UUID2 "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000002"
#define UUID3 "0f3c2f9e-1b7a-4c1e-9d2a-5e8f00000003"

struct env {
	const char *skip;
	char top[64];
	char images[128], state[128];
	int n;				/* per-test directory counter */
	struct sv_config cfg;
	struct sv_relabel_ctx rctx;
	struct sv_log log;
	struct sv_mcs *mcs;
	struct sv_store *store;
	struct sv_domains t;
};

/* ---- files ---- */

static void put(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

static char *image(struct env *e, const char *name)
{
	static char paths[8][PATH_MAX];
	static unsigned i;
	char *p = paths[i++ % 8];

	assert_true(snprintf(p, PATH_MAX, "%s/%s", e->images, name) < PATH_MAX);
	put(p, "disk");
	assert_int_equal(setxattr(p, "security.selinux", ORIG, sizeof(ORIG), 0),
			 0);
	return p;
}

static bool label_is(const char *path, const char *label)
{
	char buf[512];
	ssize_t n = getxattr(path, "security.selinux", buf, sizeof(buf));

	return n == (ssize_t)strlen(label) + 1 && memcmp(buf, label, (size_t)n) == 0;
}

static void assert_label(const char *path, const char *label)
{
	if (!label_is(path, label))
		fail_msg("%s does not carry %s", path, label);
}

static bool has_record(const char *path)
{
	return getxattr(path, SV_RELABEL_XATTR, NULL, 0) >= 0;
}

static unsigned refs_of(const char *path)
{
	char buf[SV_RELABEL_RECORD_MAX + 1];
	struct sv_relabel_record rec;
	ssize_t n = getxattr(path, SV_RELABEL_XATTR, buf, sizeof(buf));

	if (n <= 0)
		return 0;
	assert_int_equal(sv_relabel_record_parse(buf, (size_t)n, &rec, NULL), 0);
	return rec.refs;
}

/* ---- the table ---- */

static void open_table(struct env *e)
{
	struct sv_error err;

	assert_int_equal(sv_mcs_new(1, 1023, &e->mcs, &err), 0);
	if (sv_store_open(e->state, &e->store, &err) != 0)
		fail_msg("store: %s", err.msg);
	sv_domains_init(&e->t, &e->cfg, &e->rctx, &e->log, e->mcs, e->store);
}

static void close_table(struct env *e)
{
	sv_domains_free(&e->t);
	sv_store_close(e->store);
	sv_mcs_free(e->mcs);
	e->store = NULL;
	e->mcs = NULL;
}

/* svirtd killed and started again: only the store and the files remain. */
static void restart(struct env *e)
{
	struct sv_error err;

	close_table(e);
	open_table(e);
	assert_int_equal(sv_domains_load(&e->t, &err), 0);
}

static int setup(void **state)
{
	struct env *e = *state;
	struct sv_error err;
	char conf[1024];

	if (e->skip)
		return 0;
	e->n++;
	snprintf(e->images, sizeof(e->images), "%s/img%d", e->top, e->n);
	snprintf(e->state, sizeof(e->state), "%s/state%d", e->top, e->n);
	if (mkdir(e->images, 0755) < 0)
		return -1;
	snprintf(conf, sizeof(conf),
		 "image_context = \"" IMAGE "\"\n"
		 "content_context = \"" CONTENT "\"\n"
		 "process_context = \"system_u:system_r:svirt_xen_t:s0\"\n"
		 "state_dir = \"%s\"\n"
		 "relabel_roots = [ \"%s\" ]\n"
		 "shared_images = [ \"%s/shared.img\" ]\n",
		 e->state, e->images, e->images);
	if (sv_config_parse(conf, strlen(conf), "test", NULL, &e->cfg, &err) < 0 ||
	    sv_relabel_ctx_init(&e->rctx, &e->cfg, NULL, NULL, &err) < 0) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return -1;
	}
	sv_log_open(&e->log, "test_domain", true, LOG_CRIT);
	open_table(e);
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	if (e->skip)
		return 0;
	close_table(e);
	sv_config_free(&e->cfg);
	return 0;
}

static struct env *need_env(void **state)
{
	struct env *e = *state;

	if (e->skip) {
		print_message("skipped: %s\n", e->skip);
		skip();
	}
	return e;
}

/* A disk list with one disk per path. */
struct fake {
	struct sv_disk v[4];
	struct sv_disks disks;
};

static struct sv_disks *disks(struct fake *f, size_t n, char *const paths[],
			      const bool ro[])
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++)
		f->v[i] = (struct sv_disk){ .backend = "qdisk", .devid = 51712 + i,
					    .kind = SV_DISK_FILE, .path = paths[i],
					    .readonly = ro && ro[i],
					    .format = "raw" };
	f->disks = (struct sv_disks){ n, f->v };
	return &f->disks;
}

static struct sv_domain *bound(struct env *e, int domid, const char *uuid)
{
	struct sv_domain *d;
	struct sv_error err;

	if (sv_domains_bind(&e->t, domid, uuid, "vm", &d, &err) != 0)
		fail_msg("bind: %s", err.msg);
	return d;
}

static void assert_stored_objects(struct env *e, const char *uuid, size_t n)
{
	struct sv_record r = { 0 };

	assert_int_equal(sv_store_read(e->store, uuid, &r, NULL), 0);
	assert_int_equal(r.nobjects, n);
	sv_record_clear(&r);
}

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

static void uuid_of_a_live_domain_is_not_bound_twice(void **state)
{
	struct env *e = need_env(state);
	struct sv_domain *d;

	bound(e, 6, UUID1);
	assert_int_equal(sv_domains_bind(&e->t, 7, UUID1, "x", &d, NULL),
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

/* ---- reconcile: svirtd killed at each step ---- */

/* The record lists path for d (step 1 of labelling), nothing else done. */
static void intend(struct env *e, struct sv_domain *d, const char *path)
{
	assert_int_equal(sv_record_add_object(&d->rec, path, ORIG,
					      d->labels.image), 0);
	assert_int_equal(sv_store_write(e->store, &d->rec, NULL), 0);
}

static struct sv_live alive(int domid, const char *uuid)
{
	struct sv_live l = { .domid = domid };

	memcpy(l.uuid, uuid, SV_UUID_BUF);
	return l;
}

static void killed_before_the_relabel_drops_the_intent(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "k1.img") };
	struct sv_live l = alive(20, UUID1);
	struct sv_domain *d = bound(e, 20, UUID1);
	struct fake f;

	intend(e, d, p[0]);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 0);
	d = sv_domains_by_domid(&e->t, 20);
	assert_non_null(d);
	assert_int_equal(d->rec.nobjects, 0);
	assert_label(p[0], ORIG);
	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_label(p[0], d->labels.image);
	assert_int_equal(refs_of(p[0]), 1);
}

/* trusted.svirt written, the label not yet (relabel.c's own order). */
static void half_set(struct env *e, struct sv_domain *d, const char *path)
{
	intend(e, d, path);
	assert_int_equal(sv_relabel_set(&e->rctx, path, d->labels.image, NULL,
					NULL), 0);
	assert_int_equal(setxattr(path, "security.selinux", ORIG, sizeof(ORIG),
				  0), 0);
}

static void killed_between_record_and_label_completes_a_live_guest(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "k2.img");
	struct sv_live l = alive(21, UUID1);
	struct sv_domain *d = bound(e, 21, UUID1);
	char label[SV_CONTEXT_MAX];

	half_set(e, d, p);
	snprintf(label, sizeof(label), "%s", d->labels.image);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 0);
	assert_label(p, label);
	assert_int_equal(refs_of(p), 1);
	assert_int_equal(sv_domains_by_domid(&e->t, 21)->rec.nobjects, 1);
}

static void killed_between_record_and_label_restores_a_dead_guest(void **state)
{
	struct env *e = need_env(state);
	char *p = image(e, "k3.img");
	struct sv_domain *d = bound(e, 22, UUID1);
	struct sv_pair pair = d->pair;

	half_set(e, d, p);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 1);
	assert_label(p, ORIG);
	assert_false(has_record(p));
	assert_false(sv_mcs_taken(e->mcs, pair));
	assert_int_equal(sv_store_read(e->store, UUID1, &(struct sv_record){ 0 },
				       NULL), -ENOENT);
}

static void guest_that_died_while_away_is_restored_and_freed(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "dead.img") };
	struct sv_domain *d = bound(e, 23, UUID1);
	struct sv_live l = alive(23, UUID2);	/* domid reused by another */
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 1);
	assert_label(p[0], ORIG);
	assert_false(has_record(p[0]));
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

static void live_guest_keeps_its_pair_and_labels(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "live.img") };
	struct sv_domain *d = bound(e, 24, UUID1);
	struct sv_live l = alive(24, UUID1);
	struct sv_pair pair = d->pair;
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 0);
	d = sv_domains_by_domid(&e->t, 24);
	assert_non_null(d);
	assert_int_equal(d->pair.a, pair.a);
	assert_int_equal(d->pair.b, pair.b);
	assert_true(sv_mcs_taken(e->mcs, pair));
	assert_label(p[0], d->labels.image);
	assert_int_equal(refs_of(p[0]), 1);
}

static void killed_in_a_release_finishes_it(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "rel2.img") };
	struct sv_domain *d = bound(e, 25, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	/* Release step 1 done, the record not yet removed. */
	assert_int_equal(sv_relabel_restore(&e->rctx, p[0], NULL, NULL), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 1);
	assert_label(p[0], ORIG);
	assert_int_equal(sv_mcs_used(e->mcs), 0);
}

static void count_left_too_high_is_brought_back_to_the_live_holders(void **state)
{
	struct env *e = need_env(state);
	char *p[1] = { image(e, "shared.img") };
	struct sv_domain *a = bound(e, 26, UUID1), *b = bound(e, 27, UUID2);
	struct sv_live l = alive(27, UUID2);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, a, disks(&f, 1, p, NULL)), 0);
	assert_int_equal(sv_domain_label(&e->t, b, disks(&f, 1, p, NULL)), 0);
	/* A third holder counted whose record never came: */
	assert_int_equal(sv_relabel_set(&e->rctx, p[0], IMAGE, NULL, NULL), 0);
	assert_int_equal(refs_of(p[0]), 3);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &l, 1), 1);	/* a died */
	assert_label(p[0], IMAGE);
	assert_int_equal(refs_of(p[0]), 1);
	b = sv_domains_by_domid(&e->t, 27);
	assert_int_equal(sv_domain_release(&e->t, b), 0);
	assert_label(p[0], ORIG);
	assert_false(has_record(p[0]));
}

static void reservations_survive_a_restart(void **state)
{
	struct env *e = need_env(state);
	struct sv_pair want = { 3, 9 };
	struct sv_domain *r;

	assert_int_equal(sv_domains_reserve(&e->t, UUID3, &want, &r, NULL), 0);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, NULL, 0), 0);
	r = sv_domains_by_uuid(&e->t, UUID3);
	assert_non_null(r);
	assert_int_equal(r->state, SV_STATE_RESERVED);
	assert_true(sv_mcs_taken(e->mcs, want));
}

/* ---- main ---- */

static const char *make_private_tmpfs(struct env *e)
{
	char probe[128];

	if (geteuid() != 0)
		return "not root: a private tmpfs and trusted.* xattrs need "
		       "CAP_SYS_ADMIN";
	if (unshare(CLONE_NEWNS) != 0)
		return "unshare(CLONE_NEWNS) failed";
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
		return "cannot make / private in the new mount namespace";
	strcpy(e->top, "/tmp/svirt-domain-XXXXXX");
	if (!mkdtemp(e->top))
		return "mkdtemp failed";
	if (mount("tmpfs", e->top, "tmpfs", 0, "mode=0755") != 0)
		return "cannot mount a tmpfs";
	snprintf(probe, sizeof(probe), "%s/probe", e->top);
	put(probe, "");
	if (setxattr(probe, "trusted.svirt-probe", "1", 1, 0) != 0 ||
	    setxattr(probe, "security.selinux", ORIG, sizeof(ORIG), 0) != 0)
		return "this tmpfs cannot hold trusted.* or the test labels";
	return NULL;
}

static int group_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	if (!e)
		return -1;
	e->skip = make_private_tmpfs(e);
	*state = e;
	return 0;
}

static int group_teardown(void **state)
{
	struct env *e = *state;

	if (!e->skip) {
		umount2(e->top, MNT_DETACH);
		rmdir(e->top);
	}
	free(e);
	return 0;
}

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
		T(killed_before_the_relabel_drops_the_intent),
		T(killed_between_record_and_label_completes_a_live_guest),
		T(killed_between_record_and_label_restores_a_dead_guest),
		T(guest_that_died_while_away_is_restored_and_freed),
		T(live_guest_keeps_its_pair_and_labels),
		T(killed_in_a_release_finishes_it),
		T(count_left_too_high_is_brought_back_to_the_live_holders),
		T(reservations_survive_a_restart),
#undef T
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
