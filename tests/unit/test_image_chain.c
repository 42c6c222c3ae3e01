/* test_image_chain.c: a qcow2 overlay's backing images labelled as shared read-only content
 * with the overlay's guest, held once per guest; hostile chains refused with nothing relabelled. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain_fixture.h"
#include "image_chain.h"
#include "qcow2_image.h"
#include "skip.h"
#include "tmpfs.h"

/* path (under the root, or anywhere for a full path) as a qcow2 image
 * naming backing (NULL: none) in fmt, with the label ORIG. */
static char *qcow2_at(const char *path, const char *backing, const char *fmt)
{
	static char paths[8][PATH_MAX];
	static unsigned i;
	char *p = paths[i++ % 8];
	uint8_t *img;
	size_t n = qcow2_image(9, 1 << 20, backing, fmt, &img);
	FILE *f;

	assert_true(n > 0);
	snprintf(p, PATH_MAX, "%s", path);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(fwrite(img, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	free(img);
	assert_int_equal(setxattr(p, "security.selinux", ORIG, sizeof(ORIG), 0),
			 0);
	return p;
}

static char *qcow2(struct env *e, const char *name, const char *backing,
		   const char *fmt)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", e->images, name);
	return qcow2_at(path, backing, fmt);
}

/* One qcow2 disk. */
static struct sv_disks *overlay_disk(struct fake *f, char *path)
{
	char *p[1] = { path };
	struct sv_disks *d = disks(f, 1, p, NULL);

	memcpy(f->v[0].format, "qcow2", 6);
	return d;
}

static int label_overlay(struct env *e, struct sv_domain *d, char *path)
{
	struct fake f;

	return sv_domain_label(&e->t, d, overlay_disk(&f, path));
}

static void assert_reason(const struct sv_domain *d, const char *what)
{
	assert_int_equal(d->state, SV_STATE_ERROR);
	if (!strstr(d->reason, what))
		fail_msg("reason \"%s\" does not say \"%s\"", d->reason, what);
}

/* ---- chains that are labelled ---- */

static void overlay_gets_the_pair_and_its_base_the_content_label(void **state)
{
	struct env *e = need_env(state);
	char *base = image(e, "base.img");
	char *top = qcow2(e, "a.qcow2", "base.img", "raw");
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_overlay(e, d, top), 0);
	assert_label(top, d->labels.image);
	assert_label(base, CONTENT);
	assert_int_equal(refs_of(base), 1);
	assert_stored_objects(e, UUID1, 2);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_label(top, ORIG);
	assert_label(base, ORIG);
	assert_false(has_record(base));
}

static void base_is_restored_only_when_its_last_guest_goes(void **state)
{
	struct env *e = need_env(state);
	char *base = image(e, "base.img");
	char *ta = qcow2(e, "a.qcow2", "base.img", "raw");
	char *tb = qcow2(e, "b.qcow2", "base.img", "raw");
	struct sv_domain *a = bound(e, 3, UUID1), *b = bound(e, 4, UUID2);

	assert_int_equal(label_overlay(e, a, ta), 0);
	assert_int_equal(label_overlay(e, b, tb), 0);
	assert_label(ta, a->labels.image);
	assert_label(tb, b->labels.image);
	assert_label(base, CONTENT);
	assert_int_equal(refs_of(base), 2);
	assert_int_equal(sv_domain_release(&e->t, a), 0);
	assert_label(base, CONTENT);
	assert_int_equal(refs_of(base), 1);
	assert_int_equal(sv_domain_release(&e->t, b), 0);
	assert_label(base, ORIG);
	assert_false(has_record(base));
}

static void shared_base_survives_a_restart_of_svirtd(void **state)
{
	struct env *e = need_env(state);
	char *base = image(e, "base.img");
	char *ta = qcow2(e, "a.qcow2", "base.img", "raw");
	char *tb = qcow2(e, "b.qcow2", "base.img", "raw");
	struct sv_domain *a = bound(e, 3, UUID1), *b = bound(e, 4, UUID2);
	struct sv_live live = { .domid = 4 };

	assert_int_equal(label_overlay(e, a, ta), 0);
	assert_int_equal(label_overlay(e, b, tb), 0);
	/* svirtd restarts; meanwhile guest a died. */
	memcpy(live.uuid, UUID2, SV_UUID_BUF);
	restart(e);
	assert_int_equal(sv_domains_reconcile(&e->t, &live, 1), 1);
	assert_label(ta, ORIG);
	assert_label(base, CONTENT);
	assert_int_equal(refs_of(base), 1);
	b = sv_domains_by_domid(&e->t, 4);
	assert_non_null(b);
	assert_int_equal(label_overlay(e, b, tb), 0);
	assert_int_equal(refs_of(base), 1);
	assert_int_equal(sv_domain_release(&e->t, b), 0);
	assert_label(base, ORIG);
}

static void relative_name_is_taken_from_the_overlay_directory(void **state)
{
	struct env *e = need_env(state);
	char dir[256], top[PATH_MAX];
	char *base = image(e, "base.img");
	char *mid = qcow2(e, "mid.qcow2", "base.img", NULL);
	struct sv_domain *d = bound(e, 3, UUID1);

	snprintf(dir, sizeof(dir), "%s/guests", e->images);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(top, sizeof(top), "%s/a.qcow2", dir);
	qcow2_at(top, "../mid.qcow2", "qcow2");
	assert_int_equal(label_overlay(e, d, top), 0);
	assert_label(top, d->labels.image);
	assert_label(mid, CONTENT);
	assert_label(base, CONTENT);	/* probed raw: the chain ends */
	assert_stored_objects(e, UUID1, 3);
}

static void raw_backing_format_ends_the_chain(void **state)
{
	struct env *e = need_env(state);
	char *inner = image(e, "never.img");
	/* Looks like qcow2 and names a file, but the overlay says raw: qemu
	 * reads it as raw and opens nothing below it. */
	char *base = qcow2(e, "base.img", "never.img", NULL);
	char *top = qcow2(e, "a.qcow2", "base.img", "raw");
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_overlay(e, d, top), 0);
	assert_label(base, CONTENT);
	assert_label(inner, ORIG);
}

static void chain_of_the_depth_limit_is_labelled(void **state)
{
	struct env *e = need_env(state);
	char name[32], below[32], top[PATH_MAX];
	struct sv_domain *d = bound(e, 3, UUID1);

	image(e, "l16.img");
	for (int i = 15; i >= 0; i--) {
		snprintf(name, sizeof(name), "l%d.img", i);
		snprintf(below, sizeof(below), "l%d.img", i + 1);
		qcow2(e, name, below, i == 15 ? "raw" : "qcow2");
	}
	snprintf(top, sizeof(top), "%s/l0.img", e->images);
	assert_int_equal(label_overlay(e, d, top), 0);
	assert_stored_objects(e, UUID1, SV_CHAIN_DEPTH_MAX + 1);
}

/* ---- chains that are refused, nothing relabelled ---- */

static void assert_nothing_relabelled(struct env *e, const char *a,
				      const char *b)
{
	assert_label(a, ORIG);
	assert_false(has_record(a));
	if (b) {
		assert_label(b, ORIG);
		assert_false(has_record(b));
	}
	assert_stored_objects(e, UUID1, 0);
}

static void depth_bomb_is_refused(void **state)
{
	struct env *e = need_env(state);
	char name[32], below[32], top[PATH_MAX];
	struct sv_domain *d = bound(e, 3, UUID1);

	image(e, "l17.img");
	for (int i = 16; i >= 0; i--) {
		snprintf(name, sizeof(name), "l%d.img", i);
		snprintf(below, sizeof(below), "l%d.img", i + 1);
		qcow2(e, name, below, "qcow2");
	}
	snprintf(top, sizeof(top), "%s/l0.img", e->images);
	assert_int_equal(label_overlay(e, d, top), -ELOOP);
	assert_reason(d, "more than 16 backing images");
	assert_nothing_relabelled(e, top, NULL);
}

static void backing_name_escaping_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	char outside[PATH_MAX];
	char *top = qcow2(e, "a.qcow2", "../../outside.img", "raw");
	struct sv_domain *d = bound(e, 3, UUID1);

	snprintf(outside, sizeof(outside), "%s/../../outside.img", e->images);
	put(outside, "host file");
	assert_int_equal(label_overlay(e, d, top), -EPERM);
	assert_reason(d, "names backing file \"../../outside.img\"");
	assert_reason(d, "outside the relabel roots");
	assert_reason(d, top);
	assert_nothing_relabelled(e, top, NULL);
	assert_false(has_record(outside));
}

static void absolute_name_outside_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *top = qcow2(e, "a.qcow2", "/etc/passwd", "raw");
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_overlay(e, d, top), -EPERM);
	assert_reason(d, "\"/etc/passwd\"");
	assert_nothing_relabelled(e, top, NULL);
}

static void symlink_escaping_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	char link[PATH_MAX], outside[PATH_MAX];
	char *top = qcow2(e, "a.qcow2", "base.img", "raw");
	struct sv_domain *d = bound(e, 3, UUID1);

	snprintf(outside, sizeof(outside), "%s/../escape.img", e->images);
	put(outside, "host file");
	snprintf(link, sizeof(link), "%s/base.img", e->images);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(label_overlay(e, d, top), -EPERM);
	assert_reason(d, "\"base.img\"");
	assert_nothing_relabelled(e, top, NULL);
	assert_false(has_record(outside));
}

static void loop_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *a = qcow2(e, "a.qcow2", "b.qcow2", "qcow2");
	char *b = qcow2(e, "b.qcow2", "a.qcow2", "qcow2");
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_overlay(e, d, a), -ELOOP);
	assert_reason(d, "names backing file \"a.qcow2\"");
	assert_reason(d, "a loop");
	assert_nothing_relabelled(e, a, b);
}

static void overlay_naming_itself_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *a = qcow2(e, "a.qcow2", "a.qcow2", NULL);
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_overlay(e, d, a), -ELOOP);
	assert_nothing_relabelled(e, a, NULL);
}

static void block_device_dom0_uses_as_base_is_refused(void **state)
{
	struct env *e = need_env(state);
	char node[PATH_MAX], dir[PATH_MAX];
	char *top = qcow2(e, "a.qcow2", "dom0-disk", "raw");
	struct sv_domain *d = bound(e, 3, UUID1);
	/* dom0 has 7:201 mounted (a fake /proc and /sys: the real ones are
	 * the host's). */
	struct sv_sysroots fake = { dir, node };

	snprintf(dir, sizeof(dir), "%s/fproc", e->images);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(node, sizeof(node), "%s/fproc/self", e->images);
	assert_int_equal(mkdir(node, 0755), 0);
	snprintf(node, sizeof(node), "%s/fproc/self/mountinfo", e->images);
	put(node, "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
		  "40 27 7:201 / /srv/guest rw - ext4 /dev/loop201 rw\n");
	snprintf(node, sizeof(node), "%s/fproc/swaps", e->images);
	put(node, "Filename\tType\tSize\tUsed\tPriority\n");
	snprintf(node, sizeof(node), "%s/fsys", e->images);
	assert_int_equal(mkdir(node, 0755), 0);
	snprintf(node, sizeof(node), "%s/fsys/dev", e->images);
	assert_int_equal(mkdir(node, 0755), 0);
	snprintf(node, sizeof(node), "%s/fsys/dev/block", e->images);
	assert_int_equal(mkdir(node, 0755), 0);
	snprintf(node, sizeof(node), "%s/fsys/dev/block/7:201", e->images);
	assert_int_equal(mkdir(node, 0755), 0);
	snprintf(node, sizeof(node), "%s/fsys", e->images);
	e->rctx.sys = &fake;
	{
		char dev[PATH_MAX];

		snprintf(dev, sizeof(dev), "%s/dom0-disk", e->images);
		if (mknod(dev, S_IFBLK | 0600, makedev(7, 201)) != 0) {
			e->rctx.sys = NULL;
			skip_because("mknod of a block device: %s",
				     strerror(errno));
		}
		assert_int_equal(setxattr(dev, "security.selinux", ORIG,
					  sizeof(ORIG), 0), 0);
		assert_int_equal(label_overlay(e, d, top), -EBUSY);
		e->rctx.sys = NULL;
		assert_reason(d, "names backing file \"dom0-disk\"");
		assert_reason(d, "mounted at /srv/guest");
		assert_nothing_relabelled(e, top, dev);
	}
}

static void protocol_and_json_names_are_refused(void **state)
{
	struct env *e = need_env(state);
	char *a = qcow2(e, "a.qcow2", "nbd:127.0.0.1:10809", NULL);
	char *b = qcow2(e, "b.qcow2", "json:{\"file.filename\":\"/etc/shadow\"}",
			NULL);
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_overlay(e, d, a), -EINVAL);
	assert_reason(d, "a protocol or json: name");
	d = bound(e, 4, UUID2);
	assert_int_equal(label_overlay(e, d, b), -EINVAL);
	assert_reason(d, "json:");
	assert_nothing_relabelled(e, a, b);
}

static void base_in_a_format_not_followed_is_refused(void **state)
{
	struct env *e = need_env(state);
	char path[PATH_MAX];
	char *top = qcow2(e, "a.qcow2", "base.vmdk", NULL);
	char *fmt = qcow2(e, "b.qcow2", "base.img", "vmdk");
	struct sv_domain *d = bound(e, 3, UUID1);

	snprintf(path, sizeof(path), "%s/base.vmdk", e->images);
	put(path, "KDMV and a parent of its own");
	assert_int_equal(label_overlay(e, d, top), -EINVAL);
	assert_reason(d, "looks like vmdk");
	d = bound(e, 4, UUID2);
	assert_int_equal(label_overlay(e, d, fmt), -EINVAL);
	assert_reason(d, "in format vmdk");
	assert_nothing_relabelled(e, top, fmt);
	assert_false(has_record(path));
}

static void hostile_header_is_refused_naming_the_image(void **state)
{
	struct env *e = need_env(state);
	char *top = qcow2(e, "a.qcow2", "base.img", "raw");
	struct sv_domain *d = bound(e, 3, UUID1);
	uint8_t len[4];
	FILE *f;

	qcow2_put_be32(len, 0x7fffffffu);
	assert_non_null(f = fopen(top, "r+"));
	assert_int_equal(fseek(f, QCOW2_OFF_BACKING_SIZE, SEEK_SET), 0);
	assert_int_equal(fwrite(len, 1, 4, f), 4);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(label_overlay(e, d, top), -EINVAL);
	assert_reason(d, top);
	assert_reason(d, "longer than 1023");
	assert_nothing_relabelled(e, top, NULL);
}

static void another_guests_overlay_as_base_is_refused(void **state)
{
	struct env *e = need_env(state);
	char *base = image(e, "base.img");
	char *ta = qcow2(e, "a.qcow2", "base.img", "raw");
	char *tb = qcow2(e, "b.qcow2", "a.qcow2", "qcow2");
	struct sv_domain *a = bound(e, 3, UUID1), *b = bound(e, 4, UUID2);

	assert_int_equal(label_overlay(e, a, ta), 0);
	assert_int_equal(label_overlay(e, b, tb), -EBUSY);
	assert_label(ta, a->labels.image);
	assert_label(tb, ORIG);
	assert_int_equal(refs_of(base), 1);
	assert_stored_objects(e, UUID2, 0);
}

static void raw_disk_holding_a_qcow2_header_is_not_followed(void **state)
{
	struct env *e = need_env(state);
	char *inner = image(e, "host.img");
	/* A raw disk's guest can write a qcow2 header into its own disk;
	 * qemu reads it as raw, and svirtd must not follow it either. */
	char *top = qcow2(e, "raw.img", "host.img", "raw");
	char *p[1] = { top };
	struct sv_domain *d = bound(e, 3, UUID1);
	struct fake f;

	assert_int_equal(sv_domain_label(&e->t, d, disks(&f, 1, p, NULL)), 0);
	assert_label(inner, ORIG);
	assert_stored_objects(e, UUID1, 1);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(overlay_gets_the_pair_and_its_base_the_content_label),
		T(base_is_restored_only_when_its_last_guest_goes),
		T(shared_base_survives_a_restart_of_svirtd),
		T(relative_name_is_taken_from_the_overlay_directory),
		T(raw_backing_format_ends_the_chain),
		T(chain_of_the_depth_limit_is_labelled),
		T(depth_bomb_is_refused),
		T(backing_name_escaping_the_roots_is_refused),
		T(absolute_name_outside_the_roots_is_refused),
		T(symlink_escaping_the_roots_is_refused),
		T(loop_is_refused),
		T(overlay_naming_itself_is_refused),
		T(block_device_dom0_uses_as_base_is_refused),
		T(protocol_and_json_names_are_refused),
		T(base_in_a_format_not_followed_is_refused),
		T(hostile_header_is_refused_naming_the_image),
		T(another_guests_overlay_as_base_is_refused),
		T(raw_disk_holding_a_qcow2_header_is_not_followed),
#undef T
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
