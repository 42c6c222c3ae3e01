/* test_xenstored_svirt_xl.c: svirt-xl list and verify's side of svirtd, for real: LIST
 * from the running build/svirtd merged with libxl's rows, records read while it holds the store, drift named. */
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
#include <selinux/selinux.h>

#include "../xenstored/svirtd-fixture.h"
#include "control.h"
#include "store.h"
#include "xl_report.h"

/* What svirt-xl uses: lgetfilecon_raw, here on the fixture's tmpfs. */
static int read_label(void *arg, const char *path, char *buf, size_t size)
{
	char *con = NULL;

	(void)arg;
	if (lgetfilecon_raw(path, &con) < 0)
		return -errno;
	snprintf(buf, size, "%s", con);
	freecon(con);
	return 0;
}

/* libxl's rows as svirt-xl gathers them: dom0 and guest 7 (8 is left out). */
static void libxl_rows(struct sv_xl_report *r)
{
	struct sv_xl_domain *d = sv_xl_report_add(r);

	assert_non_null(d);
	d->domid = 0;
	strcpy(d->uuid, "00000000-0000-0000-0000-000000000000");
	d->run_state = "running";
	assert_non_null(d = sv_xl_report_add(r));
	d->domid = 7;
	d->name = strdup("guest7");
	uuid_of(7, d->uuid, sizeof(d->uuid));
	d->run_state = "paused";
}

static void gather(struct env *e, struct sv_xl_report *r)
{
	struct sv_control_request req = { .op = SV_CONTROL_LIST };
	struct sv_control_reply list = { .n = 0 };
	struct sv_error err = { .msg = "" };
	struct sv_store *store = NULL;
	char dir[PATH_MAX + 8];

	libxl_rows(r);
	if (sv_control_call(e->sock, &req, 5000, &list, &err) < 0)
		fail_msg("LIST: %s", err.msg);
	assert_int_equal(sv_xl_report_merge(r, &list), 0);
	sv_control_reply_clear(&list);
	sv_xl_report_sort(r);
	/* svirtd holds the store's lock: the read-only open must not need it */
	FMT(dir, sizeof(dir), "%s/state", e->dir);
	if (sv_store_open_readonly(dir, &store, &err) < 0)
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < r->n; i++)
		if (r->doms[i].has_entry && r->doms[i].domid > 0 &&
		    sv_store_read(store, r->doms[i].uuid, &r->doms[i].record, &err) < 0)
			fail_msg("%s", err.msg);
	sv_store_close(store);
}

static char *report_json(const struct sv_xl_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	sv_xl_report_json(f, r);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void list_shows_svirtds_guests_and_their_recorded_disks(void **state)
{
	struct env *e = *state;
	struct sv_xl_report r = { .n = 0 };
	char p7[PATH_MAX + 8], p8[PATH_MAX + 8], want[PATH_MAX + 64];
	char *img7 = image(e, "g7.img", ORIG), *img8 = image(e, "g8.img", ORIG);
	char *label7, *json;

	FMT(p7, sizeof(p7), "raw:%s", img7);
	FMT(p8, sizeof(p8), "raw:%s", img8);
	svirtd_start(e);
	guest_create(e, 7, &(struct disk){ p7, "w" }, 1);
	guest_create(e, 8, &(struct disk){ p8, "w" }, 1);
	wait_labelled(e, 7);
	wait_labelled(e, 8);
	gather(e, &r);
	assert_int_equal(r.n, 3);		/* dom0, 7, and 8 from svirtd alone */
	assert_int_equal(r.doms[2].domid, 8);
	assert_true(r.doms[1].has_entry);
	assert_int_equal(r.doms[1].record.nobjects, 1);
	assert_string_equal(r.doms[1].record.objects[0].path, img7);
	label7 = image_label(e, 7);
	assert_string_equal(r.doms[1].entry.image_label, label7);
	json = report_json(&r);
	FMT(want, sizeof(want), "\"objects\": [{\"path\": \"%s\", \"label\": \"%s\", "
	    "\"original\": \"" ORIG "\"}]", img7, label7);
	assert_non_null(strstr(json, want));
	assert_non_null(strstr(json, "{\"domid\": 8, \"name\": null,"));
	free(json);
	free(label7);
	sv_xl_report_clear(&r);
	svirtd_stop(e);
}

static void verify_names_a_disk_relabelled_behind_svirtds_back(void **state)
{
	struct env *e = *state;
	struct sv_xl_report r = { .n = 0 };
	char p7[PATH_MAX + 8], want[PATH_MAX + 128];
	char *img7 = image(e, "g7.img", ORIG), *out = NULL;
	size_t len = 0, checked = 0;
	FILE *f;

	FMT(p7, sizeof(p7), "raw:%s", img7);
	svirtd_start(e);
	guest_create(e, 7, &(struct disk){ p7, "w" }, 1);
	wait_labelled(e, 7);
	gather(e, &r);
	f = open_memstream(&out, &len);
	assert_int_equal(sv_xl_verify(&r, read_label, NULL, f, &checked), 0);
	fclose(f);
	assert_int_equal(checked, 1);
	free(out);
	assert_int_equal(setxattr(img7, "security.selinux", IMAGE_TYPE ":c1,c2",
				  strlen(IMAGE_TYPE ":c1,c2") + 1, 0), 0);
	f = open_memstream(&out, &len);
	assert_int_equal(sv_xl_verify(&r, read_label, NULL, f, &checked), 1);
	fclose(f);
	FMT(want, sizeof(want), "domain 7 (guest7): %s: carries " IMAGE_TYPE ":c1,c2, expected %s",
	    img7, r.doms[1].entry.image_label);
	if (!strstr(out, want))
		fail_msg("verify said \"%s\", not \"%s\"", out, want);
	free(out);
	sv_xl_report_clear(&r);
	svirtd_stop(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(list_shows_svirtds_guests_and_their_recorded_disks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(verify_names_a_disk_relabelled_behind_svirtds_back,
						setup, teardown),
	};

	return svirtd_fixture_run(tests, ARRAY_SIZE(tests));
}
