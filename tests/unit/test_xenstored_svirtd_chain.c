/* test_xenstored_svirtd_chain.c: qcow2 and VHD overlays given to the real svirtd through the
 * test xenstore server: the shared base labelled as content and held until its last guest goes. */
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

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "qcow2_image.h"
#include "vhd_image.h"

/* name under the root, a qcow2 overlay naming backing (raw), label ORIG. */
static char *overlay(struct env *e, const char *name, const char *backing)
{
	char *p = image(e, name, ORIG);
	uint8_t *img;
	size_t n = qcow2_image(9, 1 << 20, backing, "raw", &img);
	FILE *f;

	assert_true(n > 0);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(fwrite(img, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	free(img);
	return p;
}

static void two_overlays_hold_one_base_until_the_last_goes(void **state)
{
	struct env *e = *state;
	char pa[PATH_MAX + 8], pb[PATH_MAX + 8], base[PATH_MAX];
	char *la, *lb;

	FMT(base, sizeof(base), "%s", image(e, "base.img", ORIG));
	snprintf(pa, sizeof(pa), "qcow2:%s", overlay(e, "a.qcow2", "base.img"));
	snprintf(pb, sizeof(pb), "qcow2:%s", overlay(e, "b.qcow2", "base.img"));
	svirtd_start(e);
	guest_create(e, 5, &(struct disk){ pa, "w" }, 1);
	guest_create(e, 6, &(struct disk){ pb, "w" }, 1);
	wait_labelled(e, 5);
	wait_labelled(e, 6);
	la = image_label(e, 5);
	lb = image_label(e, 6);
	assert_label(pa + 6, la);
	assert_label(pb + 6, lb);
	assert_label(base, CONTENT);
	guest_destroy(e, 5);
	wait_gone(e, 5);
	assert_label(pa + 6, ORIG);
	assert_label(base, CONTENT);
	assert_true(has_xattr(base, "trusted.svirt"));
	guest_destroy(e, 6);
	wait_gone(e, 6);
	assert_label(pb + 6, ORIG);
	assert_label(base, ORIG);
	assert_false(has_xattr(base, "trusted.svirt"));
	free(la);
	free(lb);
	svirtd_stop(e);
}

static void overlay_on_a_decoy_outside_the_roots_is_refused(void **state)
{
	struct env *e = *state;
	char decoy[PATH_MAX], params[PATH_MAX + 8];
	char *st, *why, *top;

	FMT(decoy, sizeof(decoy), "%s/shadow", e->dir);
	put_file(decoy, "root:*:19000:0:99999:7:::\n");
	assert_int_equal(setxattr(decoy, "security.selinux", ORIG,
				  sizeof(ORIG), 0), 0);
	top = overlay(e, "evil.qcow2", "../shadow");
	snprintf(params, sizeof(params), "qcow2:%s", top);
	svirtd_start(e);
	guest_create(e, 7, &(struct disk){ params, "w" }, 1);
	st = wait_done(e, 7);
	assert_string_equal(st, "error");
	why = svirt_node(e, 7, "reason");
	assert_non_null(why);
	if (!strstr(why, "names backing file") || !strstr(why, "../shadow") ||
	    !strstr(why, "evil.qcow2"))
		fail_msg("reason: %s", why);
	assert_label(decoy, ORIG);
	assert_false(has_xattr(decoy, "trusted.svirt"));
	assert_label(top, ORIG);
	assert_false(has_xattr(top, "trusted.svirt"));
	free(st);
	free(why);
	svirtd_stop(e);
}

/* name under the root as a VHD: dynamic with unique id id, or (parent
 * not NULL) differencing on parent, whose unique id is parent_id. */
static char *vhd(struct env *e, const char *name, uint8_t id,
		 const char *parent, uint8_t parent_id)
{
	struct vhd_loc loc[2] = { { VHD_W2RU, parent, 0 },
				  { VHD_MACX, parent, 0 } };
	char *p = image(e, name, ORIG);
	uint8_t *img;
	size_t n = vhd_image(parent ? 4 : 3, 1 << 20, id, parent_id, parent,
			     loc, parent ? 2 : 0, &img);
	FILE *f;

	assert_true(n > 0);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(fwrite(img, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	free(img);
	return p;
}

/* qdisk's two names for VHD: libxl's "vhd:" and qemu's own "vpc:". */
static void two_vhd_overlays_hold_one_parent_until_the_last_goes(void **state)
{
	struct env *e = *state;
	char pa[PATH_MAX + 8], pb[PATH_MAX + 8], parent[PATH_MAX];
	char *la, *lb;

	FMT(parent, sizeof(parent), "%s", vhd(e, "parent.vhd", 0x33, NULL, 0));
	snprintf(pa, sizeof(pa), "vhd:%s",
		 vhd(e, "a.vhd", 0x44, "parent.vhd", 0x33));
	snprintf(pb, sizeof(pb), "vpc:%s",
		 vhd(e, "b.vhd", 0x45, "parent.vhd", 0x33));
	svirtd_start(e);
	guest_create(e, 5, &(struct disk){ pa, "w" }, 1);
	guest_create(e, 6, &(struct disk){ pb, "w" }, 1);
	wait_labelled(e, 5);
	wait_labelled(e, 6);
	la = image_label(e, 5);
	lb = image_label(e, 6);
	assert_label(pa + 4, la);
	assert_label(pb + 4, lb);
	assert_label(parent, CONTENT);
	guest_destroy(e, 5);
	wait_gone(e, 5);
	assert_label(pa + 4, ORIG);
	assert_label(parent, CONTENT);
	guest_destroy(e, 6);
	wait_gone(e, 6);
	assert_label(pb + 4, ORIG);
	assert_label(parent, ORIG);
	assert_false(has_xattr(parent, "trusted.svirt"));
	free(la);
	free(lb);
	svirtd_stop(e);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(two_overlays_hold_one_base_until_the_last_goes),
		T(overlay_on_a_decoy_outside_the_roots_is_refused),
		T(two_vhd_overlays_hold_one_parent_until_the_last_goes),
#undef T
	};

	return svirtd_fixture_run(tests, sizeof(tests) / sizeof(tests[0]));
}
