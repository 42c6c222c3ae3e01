/* test_xenstored_discover.c: a domain's disks read from the backend tree by
 * the real libxenstore from the test xenstore; guest-owned nodes refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "../xenstored/xsd-client.h"
#include "discover.h"
#include "skip.h"

#define GUEST 5

static const char *const phy_loop[] = {
	"params", "/var/lib/xen/images/g.img", "type", "phy", "mode", "w",
	"physical-device", "7:0", "physical-device-path", "/dev/loop0", NULL,
};

static const char *const qcow2[] = {
	"params", "qcow2:/var/lib/xen/images/g.qcow2", "type", "qdisk",
	"mode", "w", NULL,
};

static void dev_dir(char *buf, size_t size, const char *backend,
		    unsigned domid, const char *devid)
{
	snprintf(buf, size, "/local/domain/0/backend/%s/%u/%s", backend, domid,
		 devid);
}

static void set_perms(struct xs_handle *xs, const char *path, unsigned owner,
		      unsigned other, unsigned other_perms)
{
	struct xs_permissions p[2] = {
		{ .id = owner, .perms = XS_PERM_NONE },
		{ .id = other, .perms = other_perms },
	};

	if (!xs_set_permissions(xs, XBT_NULL, path, p, 2))
		fail_msg("set_permissions %s: %s", path, strerror(errno));
}

/* As libxl writes a backend device: a directory dom0 owns that the guest
 * may read, the values inheriting that. */
static void put_device(struct xs_handle *xs, const char *backend,
		       unsigned domid, const char *devid,
		       const char *const *kv)
{
	char dir[96], path[160];

	dev_dir(dir, sizeof(dir), backend, domid, devid);
	assert_true(xs_mkdir(xs, XBT_NULL, dir));
	set_perms(xs, dir, 0, domid, XS_PERM_READ);
	for (; *kv; kv += 2) {
		snprintf(path, sizeof(path), "%s/%s", dir, kv[0]);
		xsd_put(xs, path, kv[1]);
	}
}

static void node(char *buf, size_t size, const char *backend,
		 const char *devid, const char *name)
{
	snprintf(buf, size, "/local/domain/0/backend/%s/%u/%s/%s", backend,
		 GUEST, devid, name);
}

/* discover must refuse with errnum and a message holding want. */
static void expect_refused(struct xs_handle *xs, int errnum, const char *want)
{
	struct sv_disks out = { .n = 0 };
	struct sv_error err = { "" };
	int r = sv_discover_disks(xs, GUEST, &out, &err);

	if (r == 0)
		fail_msg("accepted %zu disk(s)", out.n);
	assert_int_equal(r, -errnum);
	assert_int_equal(out.n, 0);
	assert_null(out.v);
	if (!strstr(err.msg, want))
		fail_msg("\"%s\" does not say \"%s\"", err.msg, want);
}

static void backend_nodes_written_by_dom0_are_found(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)state;
	put_device(xs, "vbd", GUEST, "51712", phy_loop);
	put_device(xs, "qdisk", GUEST, "51728", qcow2);
	if (sv_discover_disks(xs, GUEST, &out, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(out.n, 2);
	assert_string_equal(out.v[0].backend, "vbd");
	assert_int_equal(out.v[0].devid, 51712);
	assert_int_equal(out.v[0].kind, SV_DISK_BLOCK);
	assert_string_equal(out.v[0].path, "/dev/loop0");
	assert_int_equal(out.v[0].rdev, makedev(7, 0));
	assert_string_equal(out.v[1].backend, "qdisk");
	assert_int_equal(out.v[1].devid, 51728);
	assert_int_equal(out.v[1].kind, SV_DISK_FILE);
	assert_string_equal(out.v[1].path, "/var/lib/xen/images/g.qcow2");
	assert_string_equal(out.v[1].format, "qcow2");
	sv_disks_clear(&out);
	xs_close(xs);
}

static void other_domains_disks_are_not_listed(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)state;
	put_device(xs, "vbd", GUEST + 1, "51712", phy_loop);
	assert_int_equal(sv_discover_disks(xs, GUEST, &out, &err), 0);
	assert_int_equal(out.n, 0);
	assert_null(out.v);
	xs_close(xs);
}

static void node_given_to_the_guest_is_refused(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	char path[160];

	(void)state;
	put_device(xs, "vbd", GUEST, "51712", phy_loop);
	node(path, sizeof(path), "vbd", "51712", "params");
	set_perms(xs, path, GUEST, 0, XS_PERM_READ);
	expect_refused(xs, EPERM, "domain 5: vbd 51712: /local/domain/0/"
		       "backend/vbd/5/51712/params is owned by domain 5, not "
		       "dom0");
	xs_close(xs);
}

static void value_written_by_the_guest_is_refused(void **state)
{
	struct xs_handle *xs = xsd_open_dom0(), *guest;
	char dir[96], path[160];

	(void)state;
	put_device(xs, "qdisk", GUEST, "51728", qcow2);
	dev_dir(dir, sizeof(dir), "qdisk", GUEST, "51728");
	node(path, sizeof(path), "qdisk", "51728", "params");
	assert_true(xs_rm(xs, XBT_NULL, path));
	set_perms(xs, dir, 0, GUEST, XS_PERM_READ | XS_PERM_WRITE);
	guest = xsd_open_domain(GUEST);
	xsd_put(guest, path, "aio:/var/lib/xen/images/other-guest.img");
	xs_close(guest);
	set_perms(xs, dir, 0, GUEST, XS_PERM_READ);
	expect_refused(xs, EPERM, "51728/params is owned by domain 5");
	xs_close(xs);
}

static void device_created_by_the_guest_is_refused(void **state)
{
	struct xs_handle *xs = xsd_open_dom0(), *guest;
	char dir[96], path[160];

	(void)state;
	snprintf(dir, sizeof(dir), "/local/domain/0/backend/vbd/%u", GUEST);
	assert_true(xs_mkdir(xs, XBT_NULL, dir));
	set_perms(xs, dir, 0, GUEST, XS_PERM_READ | XS_PERM_WRITE);
	guest = xsd_open_domain(GUEST);
	for (const char *const *kv = phy_loop; *kv; kv += 2) {
		node(path, sizeof(path), "vbd", "51713", kv[0]);
		xsd_put(guest, path, kv[1]);
	}
	xs_close(guest);
	expect_refused(xs, EPERM, "vbd/5/51713 is owned by domain 5");
	xs_close(xs);
}

static void node_writable_by_the_guest_is_refused(void **state)
{
	struct xs_permissions everyone = { .id = 0, .perms = XS_PERM_WRITE };
	struct xs_handle *xs = xsd_open_dom0();
	char path[160];

	(void)state;
	put_device(xs, "vbd", GUEST, "51712", phy_loop);
	node(path, sizeof(path), "vbd", "51712", "mode");
	set_perms(xs, path, 0, GUEST, XS_PERM_WRITE);
	expect_refused(xs, EPERM, "51712/mode is writable by domain 5");
	set_perms(xs, path, 0, GUEST, XS_PERM_READ);
	node(path, sizeof(path), "vbd", "51712", "physical-device");
	assert_true(xs_set_permissions(xs, XBT_NULL, path, &everyone, 1));
	expect_refused(xs, EPERM, "physical-device is writable by every "
		       "domain");
	xs_close(xs);
}

/* libxl makes the frontend directory the guest's own: it may write there
 * anything, a backend path and params pointing elsewhere included. */
static void frontend_written_by_the_guest_is_never_read(void **state)
{
	static const char *const fe[] = {
		"backend", "/local/domain/0/backend/vbd/5/51712",
		"params", "/etc/shadow", "physical-device", "8:0",
		"physical-device-path", "/dev/sda", "mode", "w", NULL,
	};
	struct xs_handle *xs = xsd_open_dom0(), *guest;
	struct sv_disks out = { .n = 0 };
	struct sv_error err;
	char path[160];

	(void)state;
	assert_true(xs_mkdir(xs, XBT_NULL, "/local/domain/5/device/vbd/51712"));
	set_perms(xs, "/local/domain/5/device/vbd/51712", GUEST, 0,
		  XS_PERM_READ);
	guest = xsd_open_domain(GUEST);
	for (const char *const *kv = fe; *kv; kv += 2) {
		snprintf(path, sizeof(path), "device/vbd/51712/%s", kv[0]);
		xsd_put(guest, path, kv[1]);
	}
	xs_close(guest);
	assert_int_equal(sv_discover_disks(xs, GUEST, &out, &err), 0);
	assert_int_equal(out.n, 0);
	put_device(xs, "qdisk", GUEST, "51728", qcow2);
	assert_int_equal(sv_discover_disks(xs, GUEST, &out, &err), 0);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.v[0].path, "/var/lib/xen/images/g.qcow2");
	sv_disks_clear(&out);
	xs_close(xs);
}

/* blktap2-era libxl and OpenXT write physical-device but no path. */
static void device_known_by_number_gets_the_kernels_name(void **state)
{
	static const char *const by_number[] = {
		"params", "/dev/xen/blktap-2/tapdev0", "type", "tap", "mode",
		"w", "physical-device", "7:0", NULL,
	};
	static const char *const nowhere[] = {
		"params", "/dev/xen/blktap-2/tapdev9", "type", "tap", "mode",
		"w", "physical-device", "fe:7f", NULL,
	};
	struct xs_handle *xs = xsd_open_dom0();
	struct sv_disks out = { .n = 0 };
	struct sv_error err;
	struct stat st;

	(void)state;
	if (stat("/dev/loop0", &st) != 0 || !S_ISBLK(st.st_mode) ||
	    st.st_rdev != makedev(7, 0))
		skip_because("no /dev/loop0 on this host");
	put_device(xs, "vbd", GUEST, "51712", by_number);
	put_device(xs, "vbd", GUEST, "51713", nowhere);
	if (sv_discover_disks(xs, GUEST, &out, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(out.n, 2);
	for (size_t i = 0; i < 2; i++)
		assert_string_equal(out.v[i].path, out.v[i].devid == 51712 ?
				    "/dev/loop0" : "/dev/block/254:127");
	sv_disks_clear(&out);
	xs_close(xs);
}

static void unfinished_hotplug_is_eagain_until_physical_device(void **state)
{
	static const char *const pending[] = {
		"params", "/var/lib/xen/images/g.img", "type", "phy", "mode",
		"w", NULL,
	};
	struct xs_handle *xs = xsd_open_dom0();
	struct sv_disks out = { .n = 0 };
	struct sv_error err;
	char path[160];

	(void)state;
	put_device(xs, "vbd", GUEST, "51712", pending);
	expect_refused(xs, EAGAIN, "domain 5: vbd 51712: hotplug has not "
		       "written physical-device yet");
	node(path, sizeof(path), "vbd", "51712", "physical-device");
	xsd_put(xs, path, "7:3");
	node(path, sizeof(path), "vbd", "51712", "physical-device-path");
	xsd_put(xs, path, "/dev/loop3");
	assert_int_equal(sv_discover_disks(xs, GUEST, &out, &err), 0);
	assert_int_equal(out.n, 1);
	assert_string_equal(out.v[0].path, "/dev/loop3");
	sv_disks_clear(&out);
	xs_close(xs);
}

/* block-drbd's disk: params "r0", pending until the script writes the
 * device number, then that device, named by the kernel where it can. */
static void drbd_disk_is_pending_then_labelled_from_its_device(void **state)
{
	static const char *const drbd[] = {
		"params", "r0", "type", "phy", "mode", "w", NULL,
	};
	struct xs_handle *xs = xsd_open_dom0();
	struct sv_disks out = { .n = 0 };
	struct sv_error err;
	char path[160];

	(void)state;
	put_device(xs, "vbd", GUEST, "51712", drbd);
	expect_refused(xs, EAGAIN, "domain 5: vbd 51712: hotplug has not "
		       "written physical-device yet");
	node(path, sizeof(path), "vbd", "51712", "physical-device");
	xsd_put(xs, path, "93:7f");	/* no such device on a test host */
	if (sv_discover_disks(xs, GUEST, &out, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.v[0].kind, SV_DISK_BLOCK);
	assert_int_equal(out.v[0].rdev, makedev(0x93, 0x7f));
	assert_string_equal(out.v[0].path, "/dev/block/147:127");
	sv_disks_clear(&out);
	xs_close(xs);
}

static void hostile_value_is_refused_naming_domain_and_device(void **state)
{
	static const char *const hostile[] = {
		"params", "aio:/var/lib/xen/images/../../../etc/shadow",
		"type", "qdisk", "mode", "w", NULL,
	};
	struct xs_handle *xs = xsd_open_dom0();

	(void)state;
	put_device(xs, "vbd", GUEST, "51712", phy_loop);
	put_device(xs, "qdisk", GUEST, "51728", hostile);
	expect_refused(xs, EINVAL, "domain 5: qdisk 51728: params \"aio:/var/"
		       "lib/xen/images/../../../etc/shadow\": has a \".\" or "
		       "\"..\" component");
	xs_close(xs);
}

static void value_with_a_nul_byte_is_refused(void **state)
{
	static const char v[] = "aio:/var/lib/xen/images/g.img\0/etc/shadow";
	struct xs_handle *xs = xsd_open_dom0();
	struct sv_error err;
	char path[160], *out = NULL;

	(void)state;
	put_device(xs, "qdisk", GUEST, "51728", qcow2);
	node(path, sizeof(path), "qdisk", "51728", "params");
	assert_true(xs_write(xs, XBT_NULL, path, v, sizeof(v) - 1));
	assert_int_equal(sv_xs_read_dom0(xs, path, &out, &err), -EINVAL);
	assert_null(out);
	assert_non_null(strstr(err.msg, "NUL byte at 29"));
	expect_refused(xs, EINVAL, "51728/params: value holds a NUL byte");
	xs_close(xs);
}

static void read_dom0_gives_a_dom0_value_and_enoent_for_none(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct sv_error err;
	char *out = NULL;

	(void)state;
	xsd_put(xs, "/vm/00000000-0000-0000-0000-000000000005/name", "guest5");
	assert_int_equal(sv_xs_read_dom0(xs, "/vm/00000000-0000-0000-0000-"
					 "000000000005/name", &out, &err), 0);
	assert_string_equal(out, "guest5");
	free(out);
	out = NULL;
	assert_int_equal(sv_xs_read_dom0(xs, "/vm/none/name", &out, &err),
			 -ENOENT);
	assert_null(out);
	xs_close(xs);
}

static void device_name_that_is_not_an_id_is_refused(void **state)
{
	static const char *const names[] = { "xvda", "051712", "2147483648",
					     "-1", "5_1" };
	struct xs_handle *xs = xsd_open_dom0();
	struct sv_disks out = { .n = 0 };
	struct sv_error err;
	char dir[96], want[64];

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		put_device(xs, "vbd", GUEST, names[i], phy_loop);
		snprintf(want, sizeof(want), "device \"%s\" is not a device id",
			 names[i]);
		expect_refused(xs, EINVAL, want);
		dev_dir(dir, sizeof(dir), "vbd", GUEST, names[i]);
		assert_true(xs_rm(xs, XBT_NULL, dir));
	}
	put_device(xs, "vbd", GUEST, "2147483647", phy_loop);
	put_device(xs, "vbd", GUEST, "0", phy_loop);
	if (sv_discover_disks(xs, GUEST, &out, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(out.n, 2);
	assert_int_equal(out.v[0].devid + out.v[1].devid, 2147483647U);
	sv_disks_clear(&out);
	xs_close(xs);
}

static void dom0_and_reserved_ids_are_not_guests(void **state)
{
	struct xs_handle *xs = xsd_open_dom0();
	struct sv_disks out = { .n = 0 };
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_discover_disks(xs, 0, &out, &err), -EINVAL);
	assert_int_equal(sv_discover_disks(xs, 0x7ff0, &out, &err), -EINVAL);
	assert_int_equal(out.n, 0);
	xs_close(xs);
}

#define T(name) cmocka_unit_test_setup_teardown(name, xsd_setup, xsd_teardown)

int main(void)
{
	static const struct CMUnitTest tests[] = {
		T(backend_nodes_written_by_dom0_are_found),
		T(other_domains_disks_are_not_listed),
		T(node_given_to_the_guest_is_refused),
		T(value_written_by_the_guest_is_refused),
		T(device_created_by_the_guest_is_refused),
		T(node_writable_by_the_guest_is_refused),
		T(frontend_written_by_the_guest_is_never_read),
		T(device_known_by_number_gets_the_kernels_name),
		T(unfinished_hotplug_is_eagain_until_physical_device),
		T(drbd_disk_is_pending_then_labelled_from_its_device),
		T(hostile_value_is_refused_naming_domain_and_device),
		T(value_with_a_nul_byte_is_refused),
		T(read_dom0_gives_a_dom0_value_and_enoent_for_none),
		T(device_name_that_is_not_an_id_is_refused),
		T(dom0_and_reserved_ids_are_not_guests),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
