/* test_vhd_chain.c: a VHD differencing disk's parents labelled as shared read-only content
 * with the overlay's guest, found as tapdisk finds them; hostile chains refused, nothing relabelled. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain_fixture.h"
#include "image_chain.h"
#include "tmpfs.h"
#include "vhd_image.h"

/* As vhd-util writes a snapshot's locators: relative, W2ru and MacX. */
#define LOCS(name) { { VHD_W2RU, name, 0 }, { VHD_MACX, "./" name, 0 } }

static char *path_of(struct env *e, const char *name)
{
	static char paths[8][PATH_MAX];
	static unsigned i;
	char *p = paths[i++ % 8];

	if (name[0] == '/')
		snprintf(p, PATH_MAX, "%s", name);
	else
		snprintf(p, PATH_MAX, "%s/%s", e->images, name);
	return p;
}

static void write_file(const char *p, const uint8_t *img, size_t n)
{
	FILE *f;

	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(fwrite(img, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(setxattr(p, "security.selinux", ORIG, sizeof(ORIG), 0),
			 0);
}

/* name (under the root, or a full path) as a VHD: dynamic (type 3) or
 * differencing on the parent with unique id parent_id (0: a raw one). */
static char *vhd_at(struct env *e, const char *name, uint32_t type,
		    uint8_t id, uint8_t parent_id, const struct vhd_loc *loc,
		    size_t nloc)
{
	char *p = path_of(e, name);
	uint8_t *img;
	size_t n = vhd_image(type, 1 << 20, id, parent_id, "parent.vhd", loc,
			     nloc, &img);

	assert_true(n > 0);
	write_file(p, img, n);
	free(img);
	return p;
}

static char *dyn(struct env *e, const char *name, uint8_t id)
{
	return vhd_at(e, name, 3, id, 0, NULL, 0);
}

static char *diff2(struct env *e, const char *name, uint8_t id,
		   uint8_t parent_id, const struct vhd_loc loc[2])
{
	return vhd_at(e, name, 4, id, parent_id, loc, 2);
}

static int label_as(struct env *e, struct sv_domain *d, char *path,
		    const char *format)
{
	struct fake f;
	char *p[1] = { path };
	struct sv_disks *k = disks(&f, 1, p, NULL);

	snprintf(f.v[0].format, sizeof(f.v[0].format), "%s", format);
	return sv_domain_label(&e->t, d, k);
}

static int label_vhd(struct env *e, struct sv_domain *d, char *path)
{
	return label_as(e, d, path, "vhd");
}

static void assert_reason(const struct sv_domain *d, const char *what)
{
	assert_int_equal(d->state, SV_STATE_ERROR);
	if (!strstr(d->reason, what))
		fail_msg("reason \"%s\" does not say \"%s\"", d->reason, what);
}

static void assert_untouched(const char *p)
{
	assert_label(p, ORIG);
	assert_false(has_record(p));
}

/* ---- chains that are labelled ---- */

static void overlay_gets_the_pair_and_its_parent_the_content_label(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.vhd");
	char *base = strdup(dyn(e, "base.vhd", 0x33));
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_vhd(e, d, top), 0);
	assert_label(top, d->labels.image);
	assert_label(base, CONTENT);
	assert_int_equal(refs_of(base), 1);
	assert_stored_objects(e, UUID1, 2);
	assert_int_equal(sv_domain_release(&e->t, d), 0);
	assert_untouched(top);
	assert_untouched(base);
	free(base);
}

static void parent_is_restored_only_when_its_last_guest_goes(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.vhd");
	char *base = dyn(e, "base.vhd", 0x33);
	char *ta = diff2(e, "a.vhd", 0x44, 0x33, loc);
	char *tb = diff2(e, "b.vhd", 0x45, 0x33, loc);
	struct sv_domain *a = bound(e, 3, UUID1), *b = bound(e, 4, UUID2);

	/* a through tapdisk, b through qdisk (qemu's name for VHD) */
	assert_int_equal(label_vhd(e, a, ta), 0);
	assert_int_equal(label_as(e, b, tb, "vpc"), 0);
	assert_label(ta, a->labels.image);
	assert_label(tb, b->labels.image);
	assert_label(base, CONTENT);
	assert_int_equal(refs_of(base), 2);
	assert_int_equal(sv_domain_release(&e->t, a), 0);
	assert_label(base, CONTENT);
	assert_int_equal(refs_of(base), 1);
	assert_int_equal(sv_domain_release(&e->t, b), 0);
	assert_untouched(base);
	assert_untouched(tb);
}

static void chain_of_three_is_followed_from_each_directory(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc up[2] = LOCS("../base.vhd"), mid[2] = LOCS("mid.vhd");
	char dir[PATH_MAX];
	char *base, *m, *top;
	struct sv_domain *d = bound(e, 3, UUID1);

	snprintf(dir, sizeof(dir), "%s/guests", e->images);
	assert_int_equal(mkdir(dir, 0755), 0);
	base = strdup(dyn(e, "base.vhd", 0x33));
	m = strdup(diff2(e, "guests/mid.vhd", 0x34, 0x33, up));
	top = diff2(e, "guests/a.vhd", 0x44, 0x34, mid);
	assert_int_equal(label_vhd(e, d, top), 0);
	assert_label(top, d->labels.image);
	assert_label(m, CONTENT);
	assert_label(base, CONTENT);
	assert_stored_objects(e, UUID1, 3);
	free(base);
	free(m);
}

static void raw_parent_ends_the_chain(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.img"), inner[2] = LOCS("never.vhd");
	char *never = strdup(dyn(e, "never.vhd", 0x55));
	/* A VHD's bytes, but the overlay's parent id is all zeros: tapdisk
	 * opens it raw (vhd-util snapshot -m) and nothing above it. */
	char *base = strdup(diff2(e, "base.img", 0x33, 0x55, inner));
	char *top = vhd_at(e, "a.vhd", 4, 0x44, 0, loc, 2);
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_vhd(e, d, top), 0);
	assert_label(base, CONTENT);
	assert_untouched(never);
	assert_stored_objects(e, UUID1, 2);
	free(never);
	free(base);
}

static void footer_copy_serves_when_the_last_sector_has_none(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.vhd");
	char *base = strdup(dyn(e, "base.vhd", 0x33));
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);
	uint8_t zero[512] = { 0 };
	struct stat st;
	int fd;

	assert_int_equal(stat(top, &st), 0);
	assert_true((fd = open(top, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, zero, 512, st.st_size - 512), 512);
	close(fd);
	assert_int_equal(label_vhd(e, d, top), 0);
	assert_label(base, CONTENT);
	free(base);
}

static void missing_first_locator_is_skipped_as_tapdisk_does(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = { { VHD_W2KU, "/nowhere/base.vhd", 0 },
				  { VHD_MACX, "base.vhd", 0 } };
	char *base = strdup(dyn(e, "base.vhd", 0x33));
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_vhd(e, d, top), 0);
	assert_label(base, CONTENT);
	free(base);
}

static void chain_of_the_depth_limit_is_labelled(void **state)
{
	struct env *e = need_env(state);
	char name[32], below[32];
	struct sv_domain *d = bound(e, 3, UUID1);
	char *top = NULL;

	dyn(e, "l16.vhd", 16 + 1);
	for (int i = 15; i >= 0; i--) {
		struct vhd_loc loc[2] = { { VHD_MACX, below, 0 },
					  { VHD_W2RU, below, 0 } };

		snprintf(name, sizeof(name), "l%d.vhd", i);
		snprintf(below, sizeof(below), "l%d.vhd", i + 1);
		top = diff2(e, name, (uint8_t)(i + 1), (uint8_t)(i + 2), loc);
	}
	assert_int_equal(label_vhd(e, d, top), 0);
	assert_stored_objects(e, UUID1, SV_CHAIN_DEPTH_MAX + 1);
}

/* ---- chains that are refused, nothing relabelled ---- */

static void depth_bomb_is_refused(void **state)
{
	struct env *e = need_env(state);
	char name[32], below[32];
	struct sv_domain *d = bound(e, 3, UUID1);
	char *top = NULL;

	dyn(e, "l17.vhd", 17 + 1);
	for (int i = 16; i >= 0; i--) {
		struct vhd_loc loc[2] = { { VHD_MACX, below, 0 },
					  { VHD_W2RU, below, 0 } };

		snprintf(name, sizeof(name), "l%d.vhd", i);
		snprintf(below, sizeof(below), "l%d.vhd", i + 1);
		top = diff2(e, name, (uint8_t)(i + 1), (uint8_t)(i + 2), loc);
	}
	assert_int_equal(label_vhd(e, d, top), -ELOOP);
	assert_reason(d, "more than 16 parents");
	assert_untouched(top);
	assert_stored_objects(e, UUID1, 0);
}

static void parent_escaping_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("../../outside.vhd");
	char outside[PATH_MAX];
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	snprintf(outside, sizeof(outside), "%s/../../outside.vhd", e->images);
	dyn(e, outside, 0x33);
	assert_int_equal(label_vhd(e, d, top), -EPERM);
	assert_reason(d, top);
	assert_reason(d, "parent locator 0 (W2ru) names \"./../../outside.vhd\"");
	assert_reason(d, "outside the relabel roots");
	assert_untouched(top);
	assert_untouched(outside);
	assert_stored_objects(e, UUID1, 0);
}

static void absolute_windows_path_outside_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = { { VHD_W2KU, "C:\\etc\\passwd", 1 },
				  { VHD_MACX, "base.vhd", 0 } };
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	/* raw: the bytes as given, here not UTF-16: refused as malformed */
	assert_int_equal(label_vhd(e, d, top), -EINVAL);
	assert_reason(d, "parent locator 0 (W2ku)");
	loc[0] = (struct vhd_loc){ VHD_W2KU, "/etc/passwd", 0 };
	top = diff2(e, "b.vhd", 0x45, 0x33, loc);
	d = bound(e, 4, UUID2);
	assert_int_equal(label_vhd(e, d, top), -EPERM);
	assert_reason(d, "names \"/etc/passwd\"");
	assert_untouched(top);
	assert_false(has_record("/etc/passwd"));
}

static void symlink_escaping_the_roots_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.vhd");
	char link[PATH_MAX], outside[PATH_MAX];
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	snprintf(outside, sizeof(outside), "%s/../escape.vhd", e->images);
	dyn(e, outside, 0x33);
	snprintf(link, sizeof(link), "%s/base.vhd", e->images);
	assert_int_equal(symlink(outside, link), 0);
	assert_int_equal(label_vhd(e, d, top), -EPERM);
	assert_reason(d, "\"./base.vhd\"");
	assert_untouched(top);
	assert_untouched(outside);
}

static void loop_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc to_b[2] = LOCS("b.vhd"), to_a[2] = LOCS("a.vhd");
	char *a = strdup(diff2(e, "a.vhd", 0x0a, 0x0b, to_b));
	char *b = diff2(e, "b.vhd", 0x0b, 0x0a, to_a);
	char *self = strdup(diff2(e, "self.vhd", 0x0c, 0x0c,
				  (struct vhd_loc[2])LOCS("self.vhd")));
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_vhd(e, d, a), -ELOOP);
	assert_reason(d, "already in its chain: a loop");
	assert_untouched(a);
	assert_untouched(b);
	d = bound(e, 4, UUID2);
	assert_int_equal(label_vhd(e, d, self), -ELOOP);
	assert_untouched(self);
	free(a);
	free(self);
}

/* Flips a byte of path at off (and with sum, sums the header again). */
static void poke(const char *path, off_t off, uint8_t v, bool sum)
{
	uint8_t h[1024];
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &v, 1, off), 1);
	if (sum) {
		assert_int_equal(pread(fd, h, sizeof(h), VHD_HDR), sizeof(h));
		vhd_header_sum(h);
		assert_int_equal(pwrite(fd, h, sizeof(h), VHD_HDR), sizeof(h));
	}
	close(fd);
}

static void malformed_header_is_refused_naming_image_and_field(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.vhd");
	char *base = strdup(dyn(e, "base.vhd", 0x33));
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	poke(top, VHD_HDR + VHD_HDR_PARENT_UUID, 0x99, false);
	assert_int_equal(label_vhd(e, d, top), -EINVAL);
	assert_reason(d, top);
	assert_reason(d, "dynamic header checksum");
	assert_untouched(top);
	assert_untouched(base);
	free(base);
}

static void truncated_image_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.vhd");
	char *base = strdup(dyn(e, "base.vhd", 0x33));
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	/* Cut inside the second locator's data: the last sector is then no
	 * footer, and the copy in the first sector is read. */
	assert_int_equal(truncate(top, VHD_LOC_DATA + 512 + 4), 0);
	assert_int_equal(label_vhd(e, d, top), -EINVAL);
	assert_reason(d, top);
	assert_reason(d, "parent locator 1 (MacX) data at byte 2048");
	assert_reason(d, "runs past the end of the file");
	d = bound(e, 4, UUID2);
	assert_int_equal(truncate(top, VHD_HDR + 100), 0);
	assert_int_equal(label_vhd(e, d, top), -EINVAL);
	assert_reason(d, "no room for a dynamic header");
	assert_untouched(top);
	assert_untouched(base);
	free(base);
}

static void bad_footer_checksum_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.vhd");
	char *base = strdup(dyn(e, "base.vhd", 0x33));
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);
	struct stat st;

	assert_int_equal(stat(top, &st), 0);
	poke(top, st.st_size - 512 + VHD_OFF_UUID, 0x99, false);
	assert_int_equal(label_vhd(e, d, top), -EINVAL);
	assert_reason(d, "(its footer): VHD footer checksum");
	assert_untouched(top);
	assert_untouched(base);
	free(base);
}

static void parent_with_another_unique_id_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.vhd");
	char *base = strdup(dyn(e, "base.vhd", 0x34));
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_vhd(e, d, top), -EINVAL);
	assert_reason(d, "another unique id");
	assert_untouched(top);
	assert_untouched(base);
	free(base);
}

static void parent_that_is_no_vhd_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("base.img");
	char *base = strdup(image(e, "base.img"));
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_vhd(e, d, top), -EINVAL);
	assert_reason(d, "is no VHD");
	assert_untouched(base);
	free(base);
}

static void locators_naming_two_files_are_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = { { VHD_W2RU, "base.vhd", 0 },
				  { VHD_MACX, "other.vhd", 0 } };
	char *base = strdup(dyn(e, "base.vhd", 0x33));
	char *other = strdup(dyn(e, "other.vhd", 0x33));
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_vhd(e, d, top), -EINVAL);
	assert_reason(d, "parent locator 1 (MacX) names \"other.vhd\"");
	assert_reason(d, "another file than an earlier locator");
	assert_untouched(base);
	assert_untouched(other);
	free(base);
	free(other);
}

static void parent_that_exists_nowhere_is_refused(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("gone.vhd");
	char *top = diff2(e, "a.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);

	assert_int_equal(label_vhd(e, d, top), -ENOENT);
	assert_reason(d, "none of its 2 parent locators");
	assert_reason(d, "\"parent.vhd\"");
	assert_untouched(top);
}

static void fixed_disk_with_a_forged_copy_is_not_followed(void **state)
{
	struct env *e = need_env(state);
	struct vhd_loc loc[2] = LOCS("host.vhd");
	char *host = strdup(dyn(e, "host.vhd", 0x33));
	/* A fixed disk's first sector is its guest's: a differencing
	 * footer there is data, and tapdisk reads the last sector. */
	char *top = diff2(e, "fixed.vhd", 0x44, 0x33, loc);
	struct sv_domain *d = bound(e, 3, UUID1);
	uint8_t f[512];
	struct stat st;
	int fd;

	vhd_footer(f, 2);	/* fixed */
	assert_int_equal(stat(top, &st), 0);
	assert_true((fd = open(top, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, f, 512, st.st_size - 512), 512);
	close(fd);
	assert_int_equal(label_vhd(e, d, top), 0);
	assert_label(top, d->labels.image);
	assert_untouched(host);
	assert_stored_objects(e, UUID1, 1);
	free(host);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(overlay_gets_the_pair_and_its_parent_the_content_label),
		T(parent_is_restored_only_when_its_last_guest_goes),
		T(chain_of_three_is_followed_from_each_directory),
		T(raw_parent_ends_the_chain),
		T(footer_copy_serves_when_the_last_sector_has_none),
		T(missing_first_locator_is_skipped_as_tapdisk_does),
		T(chain_of_the_depth_limit_is_labelled),
		T(depth_bomb_is_refused),
		T(parent_escaping_the_roots_is_refused),
		T(absolute_windows_path_outside_the_roots_is_refused),
		T(symlink_escaping_the_roots_is_refused),
		T(loop_is_refused),
		T(malformed_header_is_refused_naming_image_and_field),
		T(truncated_image_is_refused),
		T(bad_footer_checksum_is_refused),
		T(parent_with_another_unique_id_is_refused),
		T(parent_that_is_no_vhd_is_refused),
		T(locators_naming_two_files_are_refused),
		T(parent_that_exists_nowhere_is_refused),
		T(fixed_disk_with_a_forged_copy_is_not_followed),
#undef T
	};

	sandbox_enter();
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
