/* test_xenstored_svirtd_outside.c: guests whose devices a driver domain serves, given to
 * the real svirtd: reported once, published, shown by svirt-xl list; hostile frontends change nothing. */
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

#include <cmocka.h>

#include "../xenstored/svirtd-fixture.h"
#include "../xenstored/xsd-client.h"
#include "control.h"
#include "outside.h"
#include "xl_report.h"

#define DRIVER 3	/* the network driver domain */
#define NODE SV_OUTSIDE_NODE

/* ---- what a toolstack writes for a device a driver domain serves ---- */

static void tput(struct xs_handle *xs, xs_transaction_t t, const char *path,
		 const char *value)
{
	assert_true(xs_write(xs, t, path, value, strlen(value)));
}

static void tperms(struct xs_handle *xs, xs_transaction_t t, const char *path,
		   unsigned owner, unsigned reader)
{
	struct xs_permissions p[2] = {
		{ .id = owner, .perms = XS_PERM_NONE },
		{ .id = reader, .perms = XS_PERM_READ },
	};

	assert_true(xs_set_permissions(xs, t, path, p, reader == owner ? 1 : 2));
}

/* As libxl adds a device whose backend runs in domain backend, in one dom0
 * transaction: the backend device (given to the driver domain) below a
 * directory dom0 makes, the guest's frontend, and dom0's own record. */
static void device_add(struct env *e, const char *fe_kind, const char *be_kind,
		       int domid, unsigned devid, unsigned backend)
{
	char be[128], fe[128], rec[128], p[160], v[32];
	xs_transaction_t t;

	snprintf(be, sizeof(be), "/local/domain/%u/backend/%s/%d/%u", backend,
		 be_kind, domid, devid);
	snprintf(fe, sizeof(fe), "/local/domain/%d/device/%s/%u", domid,
		 fe_kind, devid);
	snprintf(rec, sizeof(rec), "/libxl/%d/device/%s/%u", domid, fe_kind,
		 devid);
	do {
		t = xs_transaction_start(e->xs);
		snprintf(p, sizeof(p), "/local/domain/%u", backend);
		if (backend != 0) {
			tput(e->xs, t, p, "");
			tperms(e->xs, t, p, 0, backend);
		}
		snprintf(p, sizeof(p), "%s/frontend", be);
		tput(e->xs, t, p, fe);
		snprintf(p, sizeof(p), "%s/frontend-id", be);
		snprintf(v, sizeof(v), "%d", domid);
		tput(e->xs, t, p, v);
		snprintf(p, sizeof(p), "%s/state", be);
		tput(e->xs, t, p, "1");
		tperms(e->xs, t, be, backend, (unsigned)domid);
		snprintf(p, sizeof(p), "%s/backend", fe);
		tput(e->xs, t, p, be);
		snprintf(p, sizeof(p), "%s/backend-id", fe);
		snprintf(v, sizeof(v), "%u", backend);
		tput(e->xs, t, p, v);
		snprintf(p, sizeof(p), "%s/state", fe);
		tput(e->xs, t, p, "1");
		tperms(e->xs, t, fe, (unsigned)domid, backend);
		snprintf(p, sizeof(p), "%s/frontend", rec);
		tput(e->xs, t, p, fe);
		snprintf(p, sizeof(p), "%s/backend", rec);
		tput(e->xs, t, p, be);
		tperms(e->xs, t, rec, 0, 0);
	} while (!xs_transaction_end(e->xs, t, false) && errno == EAGAIN);
}

/* As libxl removes it: the backend, the frontend, then the record. */
static void device_remove(struct env *e, const char *fe_kind,
			  const char *be_kind, int domid, unsigned devid,
			  unsigned backend)
{
	char p[128];

	snprintf(p, sizeof(p), "/local/domain/%u/backend/%s/%d/%u", backend,
		 be_kind, domid, devid);
	assert_true(xs_rm(e->xs, XBT_NULL, p));
	snprintf(p, sizeof(p), "/local/domain/%d/device/%s/%u", domid, fe_kind,
		 devid);
	assert_true(xs_rm(e->xs, XBT_NULL, p));
	snprintf(p, sizeof(p), "/libxl/%d/device/%s/%u", domid, fe_kind, devid);
	assert_true(xs_rm(e->xs, XBT_NULL, p));
}

/* How many lines of svirtd's log name domid and hold what. */
static unsigned log_lines(const struct env *e, int domid, const char *what)
{
	char line[4096], dom[32];
	unsigned n = 0;
	FILE *f = fopen(e->log, "r");

	assert_non_null(f);
	snprintf(dom, sizeof(dom), "domain %d ", domid);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, dom) && strstr(line, what))
			n++;
	fclose(f);
	return n;
}

/* svirt-xl list's table, from svirtd's LIST and its published reports. */
static char *list_text(struct env *e)
{
	struct sv_control_request req = { .op = SV_CONTROL_LIST };
	struct sv_control_reply list = { .n = 0 };
	struct sv_xl_report r = { .n = 0 };
	struct sv_error err = { .msg = "" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (sv_control_call(e->sock, &req, 5000, &list, &err) < 0)
		fail_msg("LIST: %s", err.msg);
	assert_int_equal(sv_xl_report_merge(&r, &list), 0);
	sv_control_reply_clear(&list);
	sv_xl_report_sort(&r);
	assert_int_equal(sv_xl_report_add_outside(&r, e->xs), 0);
	assert_non_null(f = open_memstream(&buf, &len));
	sv_xl_report_text(f, &r);
	assert_int_equal(fclose(f), 0);
	sv_xl_report_clear(&r);
	return buf;
}

/* ---- tests ---- */

static void vif_served_by_a_driver_domain_is_reported_once_and_listed(void **state)
{
	struct env *e = *state;
	char *text, *v;

	svirtd_start(e);
	guest_create(e, 7, NULL, 0);
	wait_labelled(e, 7);
	assert_null(v = svirt_node(e, 7, NODE));
	device_add(e, "vif", "vif", 7, 0, DRIVER);
	wait_node(e, 7, NODE, "vif 0 by dom 3");
	/* More passes over the guest (its records touched by dom0): the
	 * report stands, and is not logged again. */
	for (int i = 0; i < 5; i++) {
		xsd_put(e->xs, "/libxl/7/device/vif/0/frontend",
			"/local/domain/7/device/vif/0");
		svirtd_sync(e);
	}
	v = svirt_node(e, 7, NODE);
	assert_string_equal(v, "vif 0 by dom 3");
	free(v);
	assert_int_equal(log_lines(e, 7, "backends outside dom0: vif 0 by dom 3"), 1);
	text = list_text(e);
	if (!strstr(text, "\n      backends outside dom0: vif 0 by dom 3\n"))
		fail_msg("svirt-xl list shows no driver domain:\n%s", text);
	free(text);
	svirtd_stop(e);
}

static void dom0_disk_is_labelled_and_driver_domain_vif_reported(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], *img = image(e, "g8.img", ORIG), *label, *v;

	FMT(params, sizeof(params), "raw:%s", img);
	svirtd_start(e);
	guest_write(e, 8, "6b1e7c3a-0000-4000-8000-000000000008",
		    &(struct disk){ params, "w" }, 1);
	device_add(e, "vbd", "qdisk", 8, 51712, 0);	/* the disk, in dom0 */
	device_add(e, "vif", "vif", 8, 0, DRIVER);
	assert_true(xs_introduce_domain(e->xs, 8, 0, 0));
	wait_labelled(e, 8);
	wait_node(e, 8, NODE, "vif 0 by dom 3");
	label = image_label(e, 8);
	assert_label(img, label);
	v = svirt_node(e, 8, "objects");
	assert_string_equal(v, "1");
	free(v);
	free(label);
	svirtd_stop(e);
}

/* The guest's own frontend values, written as the guest. */
static void fe_put(struct xs_handle *guest, const char *kind, unsigned devid,
		   const char *backend_id, const char *backend)
{
	char p[64];

	snprintf(p, sizeof(p), "device/%s/%u/backend-id", kind, devid);
	xsd_put(guest, p, backend_id);
	snprintf(p, sizeof(p), "device/%s/%u/backend", kind, devid);
	xsd_put(guest, p, backend);
}

/* A pass over guest 9 from a dom0 event, and its published report then. */
static void pass_and_expect(struct env *e, const char *want)
{
	xsd_put(e->xs, "/libxl/9/device/vbd/51712/frontend",
		"/local/domain/9/device/vbd/51712");
	if (want)
		wait_node(e, 9, NODE, want);
}

static void hostile_frontends_relabel_nothing_and_log_boundedly(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], other[PATH_MAX + 8], big[3000], be[96];
	char *label9, *label10, *v, *img = params + 4, *img10 = other + 4;
	struct xs_handle *guest;
	unsigned logged;

	/* image() hands out one of 16 buffers, and each sync takes one. */
	FMT(params, sizeof(params), "raw:%s", image(e, "g9.img", ORIG));
	FMT(other, sizeof(other), "raw:%s", image(e, "g10.img", ORIG));
	svirtd_start(e);
	guest_create(e, 10, &(struct disk){ other, "w" }, 1);
	wait_labelled(e, 10);
	guest_write(e, 9, "6b1e7c3a-0000-4000-8000-000000000009",
		    &(struct disk){ params, "w" }, 1);
	device_add(e, "vbd", "qdisk", 9, 51712, 0);
	assert_true(xs_introduce_domain(e->xs, 9, 0, 0));
	wait_labelled(e, 9);
	label9 = image_label(e, 9);
	label10 = image_label(e, 10);
	/* libxl gives the guest its device directory. */
	xsd_put_private(e->xs, "/local/domain/9/device/vif", "", 9);
	xsd_put_private(e->xs, "/local/domain/9/device/vbd", "", 9);
	guest = xsd_open_domain(9);
	/* Garbage, huge and self-contradicting values: skipped. */
	memset(big, '7', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fe_put(guest, "vif", 0, "abc", "/local/domain/3/backend/vif/9/0");
	fe_put(guest, "vif", 1, "99999999999999999999", "x");
	fe_put(guest, "vif", 2, "-3", "/local/domain/-3/backend/vif/9/2");
	fe_put(guest, "vif", 3, big, big);
	fe_put(guest, "vif", 4, "03", "/local/domain/03/backend/vif/9/4");
	fe_put(guest, "vif", 5, "4", "/local/domain/3/backend/vif/9/5");
	/* Another guest's backends, and dom0's own disk of guest 10. */
	fe_put(guest, "vif", 6, "3", "/local/domain/3/backend/vif/7/6");
	fe_put(guest, "vbd", 51728, "0", "/local/domain/0/backend/qdisk/10/51712");
	fe_put(guest, "vbd", 51744, "3", "/local/domain/3/backend/vif/9/51744");
	/* Beside them a claim of its own, consistent but backed by no tree:
	 * reported as what it is, alone, and nothing relabelled for it. */
	fe_put(guest, "vbd", 51760, "5", "/local/domain/5/backend/qdisk/9/51760");
	pass_and_expect(e, "vbd 51760 by dom 5 (unconfirmed)");
	/* Churn: a new claim on every pass, published each time, logged
	 * at most once more within the minute. */
	for (unsigned i = 0; i < 20; i++) {
		char want[64], id[16];

		snprintf(id, sizeof(id), "%u", 100 + i);
		snprintf(be, sizeof(be), "/local/domain/%u/backend/qdisk/9/51760",
			 100 + i);
		fe_put(guest, "vbd", 51760, id, be);
		snprintf(want, sizeof(want), "vbd 51760 by dom %u (unconfirmed)",
			 100 + i);
		pass_and_expect(e, want);
	}
	logged = log_lines(e, 9, "outside dom0");
	if (logged > 2)
		fail_msg("%u log lines about guest 9's backends", logged);
	/* More claims than are ever looked at: a bounded report. */
	for (unsigned i = 0; i < 100; i++) {
		char dev[16];

		snprintf(dev, sizeof(dev), "%u", 1000 + i);
		snprintf(be, sizeof(be), "/local/domain/6/backend/vif/9/%u",
			 1000 + i);
		fe_put(guest, "vif", 1000 + i, "6", be);
	}
	pass_and_expect(e, NULL);
	while (!(v = svirt_node(e, 9, NODE)) || !strstr(v, " more")) {
		free(v);
		wait_event(e);
	}
	assert_true(strlen(v) < SV_OUTSIDE_TEXT_MAX);
	free(v);
	xs_close(guest);
	/* Labels as they were: its own disk, and guest 10's untouched. */
	assert_label(img, label9);
	assert_label(img10, label10);
	v = svirt_node(e, 9, "objects");
	assert_string_equal(v, "1");
	free(v);
	assert_true(state_is_one_of(e, 9, "labelled", NULL));
	assert_true(state_is_one_of(e, 10, "labelled", NULL));
	assert_int_equal(log_lines(e, 10, "outside dom0"), 0);
	free(label9);
	free(label10);
	svirtd_stop(e);
}

static void report_goes_with_the_device_and_with_the_guest(void **state)
{
	struct env *e = *state;
	char params[PATH_MAX + 8], *text, *v;

	FMT(params, sizeof(params), "raw:%s", image(e, "g11.img", ORIG));
	svirtd_start(e);
	guest_create(e, 11, &(struct disk){ params, "w" }, 1);
	wait_labelled(e, 11);
	device_add(e, "vif", "vif", 11, 0, DRIVER);
	device_add(e, "vbd", "vbd", 11, 51712, 4);	/* a storage domain */
	wait_node(e, 11, NODE, "vif 0 by dom 3, vbd 51712 by dom 4");
	device_remove(e, "vbd", "vbd", 11, 51712, 4);
	wait_node(e, 11, NODE, "vif 0 by dom 3");
	device_remove(e, "vif", "vif", 11, 0, DRIVER);
	while ((v = svirt_node(e, 11, NODE))) {
		free(v);
		wait_event(e);
	}
	assert_int_equal(log_lines(e, 11, "no backend outside dom0 any more"), 0);
	/* Back, and the guest destroyed with it: nothing of it remains. */
	device_add(e, "vif", "vif", 11, 0, DRIVER);
	wait_node(e, 11, NODE, "vif 0 by dom 3");
	guest_destroy(e, 11);
	wait_gone(e, 11);
	assert_null(v = svirt_node(e, 11, NODE));
	text = list_text(e);
	if (strstr(text, "outside"))
		fail_msg("svirt-xl list still shows a driver domain:\n%s", text);
	free(text);
	svirtd_stop(e);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(vif_served_by_a_driver_domain_is_reported_once_and_listed),
		T(dom0_disk_is_labelled_and_driver_domain_vif_reported),
		T(hostile_frontends_relabel_nothing_and_log_boundedly),
		T(report_goes_with_the_device_and_with_the_guest),
#undef T
	};

	return svirtd_fixture_run(tests, ARRAY_SIZE(tests));
}
