/* test_discover.c: one backend device's xenstore values parsed into disks,
 * a scenario per test (blkback, qdisk, tapdisk); hostile values refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "corpus.h"
#include "discover.h"

#define DEVID 51712

typedef struct sv_backend_values vals;

static int parse(const char *backend, const vals *v, struct sv_disks *out,
		 struct sv_error *err)
{
	err->msg[0] = '\0';
	return sv_disk_parse(backend, DEVID, v, out, err);
}

static void expect_disk(const struct sv_disk *d, const char *backend,
			enum sv_disk_kind kind, const char *path, dev_t rdev,
			bool ro, const char *format)
{
	assert_string_equal(d->backend, backend);
	assert_int_equal(d->devid, DEVID);
	assert_int_equal(d->kind, kind);
	assert_string_equal(d->path, path);
	assert_int_equal(d->rdev, rdev);
	assert_int_equal(d->readonly, ro);
	assert_string_equal(d->format, format);
}

/* The one disk v gives. */
static void expect_one(const char *backend, const vals *v,
		       enum sv_disk_kind kind, const char *path, dev_t rdev,
		       bool ro, const char *format)
{
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	if (parse(backend, v, &out, &err) != 0)
		fail_msg("refused: %s", err.msg);
	assert_int_equal(out.n, 1);
	expect_disk(&out.v[0], backend, kind, path, rdev, ro, format);
	sv_disks_clear(&out);
}

/* v refused with errnum, the list untouched, err naming node. */
static void expect_refused(const char *backend, const vals *v, int errnum,
			   const char *node)
{
	struct sv_disks out = { .n = 0 };
	struct sv_error err;
	int r = parse(backend, v, &out, &err);

	if (r == 0) {
		fail_msg("accepted %zu disk(s), first %s", out.n,
			 out.n ? out.v[0].path : "-");
	}
	assert_int_equal(r, -errnum);
	assert_int_equal(out.n, 0);
	assert_null(out.v);
	if (!strstr(err.msg, node))
		fail_msg("\"%s\" does not name %s", err.msg, node);
}

/* A libxl 4.17 phy vbd after the block script ran. */
static vals phy(void)
{
	return (vals){ .params = "/dev/vg0/guest1", .type = "phy", .mode = "w",
		       .physical_device = "fd:3",
		       .physical_device_path = "/dev/dm-3" };
}

static vals qdisk(const char *params)
{
	return (vals){ .params = params, .type = "qdisk", .mode = "w" };
}

/* ---- blkback ---- */

static void phy_vbd_gives_the_block_device_set_up(void **state)
{
	vals v = phy();

	(void)state;
	expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/dm-3", makedev(0xfd, 3),
		   false, "phy");
}

static void file_vbd_gives_its_loop_device_not_the_image(void **state)
{
	vals v = { .params = "/var/lib/xen/images/g.img", .type = "phy",
		   .mode = "w", .physical_device = "7:0",
		   .physical_device_path = "/dev/loop0" };

	(void)state;
	expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/loop0", makedev(7, 0),
		   false, "phy");
}

static void xend_file_type_is_read_like_phy(void **state)
{
	vals v = { .params = "/var/lib/xen/images/g.img", .type = "file",
		   .mode = "w", .physical_device = "7:1",
		   .physical_device_path = "/dev/loop1" };

	(void)state;
	expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/loop1", makedev(7, 1),
		   false, "phy");
}

static void vbd_without_device_path_names_the_udev_link(void **state)
{
	vals v = phy();

	(void)state;
	v.physical_device = "103:1f";
	v.physical_device_path = NULL;
	expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/block/259:31",
		   makedev(259, 31), false, "phy");
}

static void hex_physical_device_takes_either_case(void **state)
{
	vals v = phy();

	(void)state;
	v.physical_device = "FD:1aB";
	expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/dm-3", makedev(0xfd, 0x1ab),
		   false, "phy");
}

/* ---- qemu qdisk ---- */

static void qdisk_aio_prefix_gives_a_raw_image(void **state)
{
	vals v = qdisk("aio:/var/lib/xen/images/g.img");

	(void)state;
	expect_one("qdisk", &v, SV_DISK_FILE, "/var/lib/xen/images/g.img", 0,
		   false, "aio");
}

static void qdisk_qcow2_prefix_gives_a_qcow2_image(void **state)
{
	vals v = qdisk("qcow2:/var/lib/xen/images/g.qcow2");

	(void)state;
	expect_one("qdisk", &v, SV_DISK_FILE, "/var/lib/xen/images/g.qcow2", 0,
		   false, "qcow2");
}

static void qdisk_without_prefix_is_a_raw_file_name(void **state)
{
	vals v = qdisk("/var/lib/xen/images/g.img");

	(void)state;
	expect_one("qdisk", &v, SV_DISK_FILE, "/var/lib/xen/images/g.img", 0,
		   false, "raw");
}

static void qdisk_path_keeps_colons_after_the_format(void **state)
{
	vals v = qdisk("raw:/var/lib/xen/images/a:b.img");

	(void)state;
	expect_one("qdisk", &v, SV_DISK_FILE, "/var/lib/xen/images/a:b.img", 0,
		   false, "raw");
}

static void empty_cdrom_drives_give_no_disks(void **state)
{
	const vals empty[] = {
		qdisk("aio:"), qdisk(""),
		{ .params = "", .type = "phy", .mode = "r" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		struct sv_disks out = { .n = 0 };
		struct sv_error err;

		assert_int_equal(parse(i < 2 ? "qdisk" : "vbd", &empty[i], &out,
				       &err), 0);
		assert_int_equal(out.n, 0);
		assert_null(out.v);
	}
}

/* ---- tapdisk ---- */

static void block_tap_vhd_gives_the_tapdev_and_its_image(void **state)
{
	vals v = { .params = "vhd:/var/lib/xen/images/g.vhd", .type = "phy",
		   .mode = "w", .physical_device = "fe:0",
		   .physical_device_path = "/dev/xen/blktap-2/tapdev0" };
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("vbd", &v, &out, &err), 0);
	assert_int_equal(out.n, 2);
	expect_disk(&out.v[0], "vbd", SV_DISK_BLOCK,
		    "/dev/xen/blktap-2/tapdev0", makedev(0xfe, 0), false,
		    "phy");
	expect_disk(&out.v[1], "vbd", SV_DISK_FILE,
		    "/var/lib/xen/images/g.vhd", 0, false, "vhd");
	sv_disks_clear(&out);
}

static void tapdisk_prefix_is_accepted_before_the_format(void **state)
{
	vals v = { .params = "tapdisk:aio:/var/lib/xen/images/g.img",
		   .type = "tap", .mode = "w", .physical_device = "fe:1",
		   .physical_device_path = "/dev/xen/blktap-2/tapdev1" };
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("vbd", &v, &out, &err), 0);
	assert_int_equal(out.n, 2);
	expect_disk(&out.v[1], "vbd", SV_DISK_FILE,
		    "/var/lib/xen/images/g.img", 0, false, "aio");
	sv_disks_clear(&out);
}

static void blktap2_image_is_read_from_tapdisk_params(void **state)
{
	vals v = { .params = "/dev/xen/blktap-2/tapdev3", .type = "tap",
		   .mode = "w", .physical_device = "fe:3",
		   .tapdisk_params = "vhd:/var/lib/xen/images/g.vhd" };
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("vbd", &v, &out, &err), 0);
	assert_int_equal(out.n, 2);
	expect_disk(&out.v[0], "vbd", SV_DISK_BLOCK, "/dev/block/254:3",
		    makedev(0xfe, 3), false, "phy");
	expect_disk(&out.v[1], "vbd", SV_DISK_FILE,
		    "/var/lib/xen/images/g.vhd", 0, false, "vhd");
	sv_disks_clear(&out);
}

static void openxt_tap_without_params_gives_an_aio_image(void **state)
{
	vals v = { .type = "tap", .mode = "r", .physical_device = "fe:4",
		   .tapdisk_params = "aio:/storage/disks/g.img" };
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("vbd", &v, &out, &err), 0);
	assert_int_equal(out.n, 2);
	expect_disk(&out.v[1], "vbd", SV_DISK_FILE, "/storage/disks/g.img", 0,
		    true, "aio");
	sv_disks_clear(&out);
}

/* ---- modes ---- */

static void read_only_modes_give_read_only_disks(void **state)
{
	vals v = phy(), q = qdisk("aio:/var/lib/xen/images/g.iso");

	(void)state;
	v.mode = q.mode = "r";
	expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/dm-3", makedev(0xfd, 3),
		   true, "phy");
	expect_one("qdisk", &q, SV_DISK_FILE, "/var/lib/xen/images/g.iso", 0,
		   true, "aio");
	v.mode = "ro";
	expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/dm-3", makedev(0xfd, 3),
		   true, "phy");
}

static void every_writable_mode_gives_a_writable_disk(void **state)
{
	static const char *const modes[] = { "w", "rw", "w!", "rw!" };
	vals v = phy();

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		v.mode = modes[i];
		expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/dm-3",
			   makedev(0xfd, 3), false, "phy");
	}
}

static void unknown_or_missing_mode_is_refused(void **state)
{
	static const char *const modes[] = { "", "W", "rwx", "read", NULL };
	vals v = phy();

	(void)state;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		v.mode = modes[i];
		expect_refused("vbd", &v, EINVAL, "mode");
	}
}

/* ---- hostile or malformed values ---- */

static void bad_hex_physical_device_is_refused(void **state)
{
	static const char *const bad[] = {
		"fd:3g", "0xfd:3", "fd03", "fd:", ":3", "fd:3:1", " fd:3",
		"fd:3 ", "-1:3", "+fd:3", "1000:0", "8:100000", "000000008:0",
		"0:0", "0:5", "253/3", "",
	};
	vals v = phy();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v.physical_device = bad[i];
		expect_refused("vbd", &v, EINVAL, "physical-device");
	}
}

static void missing_params_is_refused(void **state)
{
	vals v = phy(), q = qdisk(NULL);

	(void)state;
	v.params = NULL;
	expect_refused("vbd", &v, EINVAL, "no params");
	expect_refused("qdisk", &q, EINVAL, "no params");
}

static void relative_path_is_refused(void **state)
{
	vals v = phy(), q = qdisk("aio:images/g.img"), n = qdisk("g.img");

	(void)state;
	expect_refused("qdisk", &q, EINVAL, "not an absolute path");
	expect_refused("qdisk", &n, EINVAL, "not an absolute path");
	v.physical_device_path = "dev/dm-3";
	expect_refused("vbd", &v, EINVAL, "physical-device-path");
	v = phy();
	v.type = "tap";	/* phy: a custom script's argument, see below */
	v.params = "vg0/guest1";
	expect_refused("vbd", &v, EINVAL, "params");
}

static void dotdot_component_is_refused(void **state)
{
	vals q = qdisk("aio:/var/lib/xen/images/../../../etc/shadow");
	vals v = phy();

	(void)state;
	expect_refused("qdisk", &q, EINVAL, "\"..\" component");
	v.params = "/dev/../etc/shadow";
	expect_refused("vbd", &v, EINVAL, "params");
	v = phy();
	v.physical_device_path = "/dev/xen/../../etc/shadow";
	expect_refused("vbd", &v, EINVAL, "physical-device-path");
	v = phy();
	v.params = "/dev/xen/blktap-2/tapdev0";
	v.tapdisk_params = "vhd:/storage/..";
	expect_refused("vbd", &v, EINVAL, "tapdisk-params");
}

static void dot_and_empty_components_are_refused(void **state)
{
	static const char *const bad[] = {
		"aio:/var/lib/xen/./g.img", "aio:/var//lib/g.img",
		"aio:/var/lib/xen/images/", "raw:/", "aio:/.",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vals q = qdisk(bad[i]);

		expect_refused("qdisk", &q, EINVAL, "component");
	}
}

static void value_of_64_kib_is_refused(void **state)
{
	char *big = malloc(65537);
	vals q;

	(void)state;
	assert_non_null(big);
	memset(big, 'a', 65536);
	big[0] = '/';
	big[65536] = '\0';
	q = qdisk(big);
	expect_refused("qdisk", &q, EINVAL, "longer than 4096 bytes");
	free(big);
}

static void path_of_path_max_is_refused(void **state)
{
	char *p = malloc(4097);
	vals q;

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < 4096; i += 256) {
		p[i] = '/';
		memset(p + i + 1, 'a', 255);
	}
	p[4096] = '\0';
	q = qdisk(p);
	expect_refused("qdisk", &q, EINVAL, "longer than PATH_MAX");
	free(p);
}

static void non_utf8_bytes_are_refused(void **state)
{
	static const char *const bad[] = {
		"aio:/var/lib/xen/images/\xff\xfe.img",
		"aio:/var/lib/xen/\xc0\xae\xc0\xae/shadow", /* overlong */
		"aio:/var/lib/xen/images/\xed\xa0\x80.img", /* surrogate */
		"aio:/var/lib/xen/images/\xf4\x90\x80\x80", /* past U+10FFFF */
		"aio:/var/lib/xen/images/g\xc3",	    /* cut short */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vals q = qdisk(bad[i]);

		expect_refused("qdisk", &q, EINVAL, "not valid UTF-8");
	}
}

static void utf8_file_names_are_accepted(void **state)
{
	vals q = qdisk("aio:/var/lib/xen/images/g\xc3\xa4st-\xe6\x97\xa5.img");

	(void)state;
	expect_one("qdisk", &q, SV_DISK_FILE,
		   "/var/lib/xen/images/g\xc3\xa4st-\xe6\x97\xa5.img", 0, false,
		   "aio");
}

static void control_characters_are_refused(void **state)
{
	static const char *const bad[] = {
		"aio:/var/lib/xen/images/g\n.img", "aio:/var/g\x1b[31m.img",
		"aio:/var/g\t.img", "aio:/var/g\x7f.img",
	};
	vals v = phy();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vals q = qdisk(bad[i]);

		expect_refused("qdisk", &q, EINVAL, "control character");
	}
	v.type = "phy\r";
	expect_refused("vbd", &v, EINVAL, "type");
}

static void embedded_nul_is_refused_by_the_value_check(void **state)
{
	static const char v[] = "aio:/var/lib/xen/images/g.img\0/etc/shadow";
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_xs_value_check(v, sizeof(v) - 1, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "NUL byte at 29"));
	assert_int_equal(sv_xs_value_check(v, 29, &err), 0);
}

static void value_check_refuses_more_than_4096_bytes(void **state)
{
	static char v[4097];
	struct sv_error err;

	(void)state;
	memset(v, 'a', sizeof(v));
	assert_int_equal(sv_xs_value_check(v, 4096, &err), 0);
	assert_int_equal(sv_xs_value_check(v, 4097, &err), -E2BIG);
}

static void unknown_vbd_type_is_refused(void **state)
{
	static const char *const bad[] = { "qdisk", "vbd3", "", "PHY", NULL };
	vals v = phy();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v.type = bad[i];
		expect_refused("vbd", &v, EINVAL, "type");
	}
}

static void unknown_formats_are_refused(void **state)
{
	vals q1 = qdisk("nbd:/var/lib/xen/images/g.img");
	vals q2 = qdisk("tapdisk:vhd:/var/lib/xen/images/g.vhd");
	vals q3 = qdisk(":/var/lib/xen/images/g.img");
	vals v = phy();

	(void)state;
	expect_refused("qdisk", &q1, EINVAL, "unknown format");
	expect_refused("qdisk", &q2, EINVAL, "unknown format");
	expect_refused("qdisk", &q3, EINVAL, "unknown format");
	v.type = "tap";	/* phy: a custom script's argument, see below */
	v.params = "qcow2:/var/lib/xen/images/g.qcow2";
	expect_refused("vbd", &v, EINVAL, "other than aio or vhd");
	v.params = "vhd:";
	expect_refused("vbd", &v, EINVAL, "not an absolute path");
}

static void unknown_backend_is_refused(void **state)
{
	vals q = qdisk("aio:/var/lib/xen/images/g.img");

	(void)state;
	expect_refused("vif", &q, EINVAL, "neither vbd nor qdisk");
}

/* ---- hotplug, messages, the list ---- */

static void unfinished_hotplug_is_eagain(void **state)
{
	vals v = phy(), t = { .params = "vhd:/var/lib/xen/images/g.vhd",
			      .type = "phy", .mode = "w" };

	(void)state;
	v.physical_device = v.physical_device_path = NULL;
	expect_refused("vbd", &v, EAGAIN, "has not written physical-device");
	expect_refused("vbd", &t, EAGAIN, "has not written physical-device");
}

/* Custom block scripts (script=block-drbd, block-iscsi) get their own
 * argument in params; blkback opens only physical-device, which is what
 * is labelled: no file is made of "r0" or an IQN. */
static void custom_block_script_phy_is_its_physical_device(void **state)
{
	static const char *const params[] = {
		"r0", "iqn.2001-04.com.example:storage.disk1.sys1.xyz",
		"iqn.2001-04.com.example:storage,iscsi-portal=10.0.0.1:3260",
		"nbd:10.0.0.1:10809", "raw:r0", "aio", "vg0/guest1",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
		vals v = { .params = params[i], .type = "phy", .mode = "w",
			   .physical_device = "93:0",
			   .physical_device_path = "/dev/drbd0" };

		expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/drbd0",
			   makedev(0x93, 0), false, "phy");
		v.physical_device_path = NULL;
		expect_one("vbd", &v, SV_DISK_BLOCK, "/dev/block/147:0",
			   makedev(0x93, 0), false, "phy");
	}
}

/* Until the script wrote physical-device, such a device is pending. */
static void custom_block_script_without_physical_device_is_pending(void **state)
{
	vals drbd = { .params = "r0", .type = "phy", .mode = "w" };
	vals iscsi = { .params = "iqn.2001-04.com.example:storage.disk1",
		       .type = "phy", .mode = "r" };

	(void)state;
	expect_refused("vbd", &drbd, EAGAIN, "has not written physical-device");
	expect_refused("vbd", &iscsi, EAGAIN, "has not written physical-device");
}

/* Only phy: a tap device's params is the image tapdisk opens, so one that
 * cannot be read as one stays refused; so do a phy's hostile paths and
 * control characters. */
static void non_path_params_is_still_refused_beyond_phy(void **state)
{
	vals tap = { .params = "r0", .type = "tap", .mode = "w",
		     .physical_device = "fe:0" };
	vals file = { .params = "iqn.2001-04.com.example:disk", .type = "file",
		      .mode = "w", .physical_device = "7:0" };
	vals dotdot = { .params = "/dev/../etc/shadow", .type = "phy",
			.mode = "w", .physical_device = "93:0" };
	vals tapfmt = { .params = "vhd:/var/lib/../../etc/shadow",
			.type = "phy", .mode = "w", .physical_device = "fe:0" };
	vals ctl = { .params = "r0\n", .type = "phy", .mode = "w",
		     .physical_device = "93:0" };

	(void)state;
	expect_refused("vbd", &tap, EINVAL, "params");
	expect_refused("vbd", &file, EINVAL, "params");
	expect_refused("vbd", &dotdot, EINVAL, "params");
	expect_refused("vbd", &tapfmt, EINVAL, "params");
	expect_refused("vbd", &ctl, EINVAL, "holds a control character");
}

static void hostile_value_is_reported_before_hotplug(void **state)
{
	vals v = { .params = "/dev/../etc/shadow", .type = "phy", .mode = "w" };

	(void)state;
	expect_refused("vbd", &v, EINVAL, "params");
}

static void error_names_backend_devid_node_and_value(void **state)
{
	vals q = qdisk("aio:/var/lib/xen/\"images\"/\xff/../x");
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("qdisk", &q, &out, &err), -EINVAL);
	assert_string_equal(err.msg, "qdisk 51712: params "
			    "\"aio:/var/lib/xen/\\x22images\\x22/\\xff/../x\": "
			    "is not valid UTF-8");
}

static void failure_leaves_the_list_untouched(void **state)
{
	vals good = qdisk("aio:/var/lib/xen/images/g.img");
	vals hostile = { .params = "vhd:/var/lib/../../etc/shadow",
			 .type = "phy", .mode = "w",
			 .physical_device = "fe:0" };
	struct sv_disks out = { .n = 0 };
	struct sv_disk *before;
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("qdisk", &good, &out, &err), 0);
	before = out.v;
	assert_int_equal(parse("vbd", &hostile, &out, &err), -EINVAL);
	assert_int_equal(out.n, 1);
	assert_ptr_equal(out.v, before);
	assert_string_equal(out.v[0].path, "/var/lib/xen/images/g.img");
	sv_disks_clear(&out);
	assert_int_equal(out.n, 0);
	assert_null(out.v);
}

static void disks_are_appended_to_the_list(void **state)
{
	vals a = qdisk("aio:/var/lib/xen/images/a.img"), b = phy();
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("qdisk", &a, &out, &err), 0);
	assert_int_equal(parse("vbd", &b, &out, &err), 0);
	assert_int_equal(out.n, 2);
	assert_string_equal(out.v[0].path, "/var/lib/xen/images/a.img");
	assert_string_equal(out.v[1].path, "/dev/dm-3");
	sv_disks_clear(&out);
}

/* ---- corpora (the fuzz target's input format) ---- */

#define NVALUES 6
static const char *const nodes[NVALUES] = {
	"params", "type", "mode", "physical-device", "physical-device-path",
	"tapdisk-params",
};

/* A backend line, then node=value lines; values keep their length, so a
 * NUL in one is seen by the value check as sv_xs_read_dom0 sees it. */
struct input {
	const char *backend;
	const char *v[NVALUES];
	size_t len[NVALUES];
};

static void split_input(const char *path, char *data, size_t len,
			struct input *in)
{
	char *p = data, *end = data + corpus_chomp(data, len);

	memset(in, 0, sizeof(*in));
	*end = '\0';
	for (int line = 0; p <= end; line++) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *eq;
		char *e = nl ? nl : end;
		size_t k;

		*e = '\0';
		if (line == 0) {
			in->backend = p;
		} else {
			if (!(eq = memchr(p, '=', (size_t)(e - p))))
				fail_msg("%s: line %d has no '='", path,
					 line + 1);
			for (k = 0; k < NVALUES; k++)
				if ((size_t)(eq - p) == strlen(nodes[k]) &&
				    memcmp(p, nodes[k], (size_t)(eq - p)) == 0)
					break;
			if (k == NVALUES || in->v[k])
				fail_msg("%s: line %d: unknown or repeated "
					 "node", path, line + 1);
			in->v[k] = eq + 1;
			in->len[k] = (size_t)(e - eq - 1);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

static int parse_input(const char *path, const char *data, size_t len,
		       struct sv_disks *out, struct sv_error *err)
{
	char *copy = malloc(len + 1);
	struct input in;
	vals v;
	int r = 0;

	assert_non_null(copy);
	memcpy(copy, data, len + 1);
	split_input(path, copy, len, &in);
	for (size_t k = 0; k < NVALUES && r == 0; k++)
		if (in.v[k])
			r = sv_xs_value_check(in.v[k], in.len[k], err);
	v = (vals){ in.v[0], in.v[1], in.v[2], in.v[3], in.v[4], in.v[5] };
	if (r == 0)
		r = sv_disk_parse(in.backend, DEVID, &v, out, err);
	free(copy);
	return r;
}

static void refuse_file(const char *path, const char *data, size_t len,
			void *arg)
{
	struct sv_disks out = { .n = 0 };
	struct sv_error err;
	int r = parse_input(path, data, len, &out, &err);

	(*(unsigned *)arg)++;
	if (r == 0)
		fail_msg("%s: accepted %zu disk(s)", path, out.n);
	if (r != -EINVAL && r != -E2BIG)
		fail_msg("%s: refused with %d, not as malformed: %s", path, r,
			 err.msg);
	assert_int_equal(out.n, 0);
}

static void bad_disk_corpus_is_refused(void **state)
{
	unsigned n = 0;

	(void)state;
	assert_true(corpus_each("tests/data/bad/disk", refuse_file, &n) > 0);
	assert_true(n >= 50);
}

static void accept_file(const char *path, const char *data, size_t len,
			void *arg)
{
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)arg;
	if (parse_input(path, data, len, &out, &err) != 0)
		fail_msg("%s: %s", path, err.msg);
	sv_disks_clear(&out);
}

static void fuzz_seed_disks_parse(void **state)
{
	(void)state;
	assert_true(corpus_each("tests/data/fuzz/disk", accept_file, NULL) > 0);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(phy_vbd_gives_the_block_device_set_up),
		cmocka_unit_test(custom_block_script_phy_is_its_physical_device),
		cmocka_unit_test(custom_block_script_without_physical_device_is_pending),
		cmocka_unit_test(non_path_params_is_still_refused_beyond_phy),
		cmocka_unit_test(file_vbd_gives_its_loop_device_not_the_image),
		cmocka_unit_test(xend_file_type_is_read_like_phy),
		cmocka_unit_test(vbd_without_device_path_names_the_udev_link),
		cmocka_unit_test(hex_physical_device_takes_either_case),
		cmocka_unit_test(qdisk_aio_prefix_gives_a_raw_image),
		cmocka_unit_test(qdisk_qcow2_prefix_gives_a_qcow2_image),
		cmocka_unit_test(qdisk_without_prefix_is_a_raw_file_name),
		cmocka_unit_test(qdisk_path_keeps_colons_after_the_format),
		cmocka_unit_test(empty_cdrom_drives_give_no_disks),
		cmocka_unit_test(block_tap_vhd_gives_the_tapdev_and_its_image),
		cmocka_unit_test(tapdisk_prefix_is_accepted_before_the_format),
		cmocka_unit_test(blktap2_image_is_read_from_tapdisk_params),
		cmocka_unit_test(openxt_tap_without_params_gives_an_aio_image),
		cmocka_unit_test(read_only_modes_give_read_only_disks),
		cmocka_unit_test(every_writable_mode_gives_a_writable_disk),
		cmocka_unit_test(unknown_or_missing_mode_is_refused),
		cmocka_unit_test(bad_hex_physical_device_is_refused),
		cmocka_unit_test(missing_params_is_refused),
		cmocka_unit_test(relative_path_is_refused),
		cmocka_unit_test(dotdot_component_is_refused),
		cmocka_unit_test(dot_and_empty_components_are_refused),
		cmocka_unit_test(value_of_64_kib_is_refused),
		cmocka_unit_test(path_of_path_max_is_refused),
		cmocka_unit_test(non_utf8_bytes_are_refused),
		cmocka_unit_test(utf8_file_names_are_accepted),
		cmocka_unit_test(control_characters_are_refused),
		cmocka_unit_test(embedded_nul_is_refused_by_the_value_check),
		cmocka_unit_test(value_check_refuses_more_than_4096_bytes),
		cmocka_unit_test(unknown_vbd_type_is_refused),
		cmocka_unit_test(unknown_formats_are_refused),
		cmocka_unit_test(unknown_backend_is_refused),
		cmocka_unit_test(unfinished_hotplug_is_eagain),
		cmocka_unit_test(hostile_value_is_reported_before_hotplug),
		cmocka_unit_test(error_names_backend_devid_node_and_value),
		cmocka_unit_test(failure_leaves_the_list_untouched),
		cmocka_unit_test(disks_are_appended_to_the_list),
		cmocka_unit_test(bad_disk_corpus_is_refused),
		cmocka_unit_test(fuzz_seed_disks_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
