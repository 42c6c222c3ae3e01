/* test_xl_report.c: svirt-xl list's merge of libxl's domains with svirtd's LIST,
 * its JSON and table, and verify naming each drifted object (labels read through a stand-in). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "xl_report.h"

#define U1 "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define U2 "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
#define U3 "6ba7b811-9dad-11d1-80b4-00c04fd430c8"
#define IMG1 "system_u:object_r:svirt_xen_image_t:s0:c3,c700"

static void entry(struct sv_control_entry *e, int domid, const char *uuid,
		  unsigned a, unsigned b, enum sv_dom_state st)
{
	memset(e, 0, sizeof(*e));
	e->domid = domid;
	strcpy(e->uuid, uuid);
	e->pair.a = a;
	e->pair.b = b;
	e->state = st;
	snprintf(e->process_label, sizeof(e->process_label),
		 "system_u:system_r:svirt_xen_t:s0:c%u,c%u", a, b);
	snprintf(e->image_label, sizeof(e->image_label),
		 "system_u:object_r:svirt_xen_image_t:s0:c%u,c%u", a, b);
}

/* dom0 and guest 3 from libxl; svirtd knows 3, 9 (which libxl missed) and a reservation. */
static void build(struct sv_xl_report *r)
{
	struct sv_control_entry es[3];
	struct sv_control_reply list = { .n = 3, .entries = es };
	struct sv_xl_domain *d;

	d = sv_xl_report_add(r);
	d->domid = 0;
	d->name = strdup("Domain-0");
	strcpy(d->uuid, "00000000-0000-0000-0000-000000000000");
	d->run_state = "running";
	d = sv_xl_report_add(r);
	d->domid = 3;
	d->name = strdup("we\"b\n");
	strcpy(d->uuid, U1);
	d->run_state = "paused";
	entry(&es[0], -1, U3, 5, 6, SV_STATE_RESERVED);
	entry(&es[1], 9, U2, 1, 2, SV_STATE_ERROR);
	strcpy(es[1].reason, "refusing /etc/shadow");
	entry(&es[2], 3, U1, 3, 700, SV_STATE_LABELLED);
	assert_int_equal(sv_xl_report_merge(r, &list), 0);
	sv_xl_report_sort(r);
	d = &r->doms[1];
	assert_int_equal(d->domid, 3);
	strcpy(d->record.uuid, U1);
	assert_int_equal(sv_record_add_object(&d->record, "/img/web.img",
					      "system_u:object_r:xen_image_t:s0",
					      IMG1), 0);
	assert_int_equal(sv_record_add_object(&d->record, "/dev/loop0", "",
					      IMG1), 0);
}

static char *print(void (*fn)(FILE *, const struct sv_xl_report *),
		   const struct sv_xl_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, r);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void merge_keeps_every_domain_and_reservation_in_order(void **state)
{
	struct sv_xl_report r = { .n = 0 };

	(void)state;
	build(&r);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.doms[0].domid, 0);
	assert_false(r.doms[0].has_entry);
	assert_int_equal(r.doms[1].domid, 3);
	assert_true(r.doms[1].has_entry);
	assert_int_equal(r.doms[1].entry.pair.b, 700);
	assert_int_equal(r.doms[2].domid, 9);	/* svirtd's, not libxl's: shown */
	assert_null(r.doms[2].name);
	assert_int_equal(r.doms[3].domid, -1);	/* the reservation, last */
	assert_string_equal(r.doms[3].uuid, U3);
	sv_xl_report_clear(&r);
	assert_int_equal(r.n, 0);
}

static void json_names_every_field_and_escapes_names(void **state)
{
	struct sv_xl_report r = { .flask = true };
	char *json;

	(void)state;
	build(&r);
	r.doms[1].flask_label = strdup("system_u:system_r:svirt_domU_t:s0:c3,c700");
	r.doms[1].outside = strdup("vif 0 by dom 3");
	json = print(sv_xl_report_json, &r);
	assert_non_null(strstr(json, "{\"flask\": true, \"domains\": [\n"));
	assert_non_null(strstr(json,
		"{\"domid\": 0, \"name\": \"Domain-0\", \"uuid\": \"00000000-0000-0000-0000-000000000000\", "
		"\"run_state\": \"running\", \"svirt_state\": null, \"pair\": null, \"label\": null, "
		"\"image_label\": null, \"flask_label\": null, \"reason\": null, \"stub_domain_of\": null, "
		"\"objects_error\": null, "
		"\"outside_backends\": null, \"objects\": []}"));
	assert_non_null(strstr(json,
		"{\"domid\": 3, \"name\": \"we\\\"b\\u000a\", \"uuid\": \"" U1 "\", "
		"\"run_state\": \"paused\", \"svirt_state\": \"labelled\", \"pair\": \"c3,c700\", "
		"\"label\": \"system_u:system_r:svirt_xen_t:s0:c3,c700\", \"image_label\": \"" IMG1 "\", "
		"\"flask_label\": \"system_u:system_r:svirt_domU_t:s0:c3,c700\", \"reason\": null, "
		"\"stub_domain_of\": null, \"objects_error\": null, \"outside_backends\": \"vif 0 by dom 3\", "
		"\"objects\": [{\"path\": \"/img/web.img\", \"label\": \"" IMG1 "\", "
		"\"original\": \"system_u:object_r:xen_image_t:s0\"}, {\"path\": \"/dev/loop0\", "
		"\"label\": \"" IMG1 "\", \"original\": \"\"}]}"));
	assert_non_null(strstr(json, "\"svirt_state\": \"error\", \"pair\": \"c1,c2\""));
	assert_non_null(strstr(json, "\"reason\": \"refusing /etc/shadow\""));
	assert_non_null(strstr(json, "{\"domid\": null, \"name\": null, \"uuid\": \"" U3
				     "\", \"run_state\": null, \"svirt_state\": \"reserved\""));
	assert_non_null(strstr(json, "}\n]}\n"));
	free(json);
	sv_xl_report_clear(&r);
}

static void table_shows_labels_objects_and_dashes(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	char *text;

	(void)state;
	build(&r);
	r.doms[1].outside = strdup("vif 0 by dom 3, vbd 51712 by dom 5 (unconfirmed)\x1b");
	text = print(sv_xl_report_text, &r);
	assert_non_null(strstr(text, "DOMID NAME"));
	/* svirtd's report whole, a control byte not passed through. */
	assert_non_null(strstr(text, "\n      backends outside dom0: vif 0 by dom 3, "
				     "vbd 51712 by dom 5 (unconfirmed)?\n"));
	assert_non_null(strstr(text, "\n3     we\\x22b\\x0a"));
	assert_non_null(strstr(text, "labelled  c3,c700     -\n"));
	assert_non_null(strstr(text, "      /img/web.img " IMG1 "\n"));
	assert_non_null(strstr(text, "      error: refusing /etc/shadow\n"));
	free(text);
	sv_xl_report_clear(&r);
}

/* Guest 3's stub device model, domain 4: the guest's pair, named as its
 * guest's, no objects of its own. */
static void stub_domain_is_shown_as_its_guests(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	struct sv_control_entry e;
	struct sv_control_reply list = { .n = 1, .entries = &e };
	char *text, *json;

	(void)state;
	build(&r);
	entry(&e, 4, U3, 3, 700, SV_STATE_LABELLED);
	e.target = 3;
	assert_int_equal(sv_xl_report_merge(&r, &list), 0);
	sv_xl_report_sort(&r);
	text = print(sv_xl_report_text, &r);
	assert_non_null(strstr(text, "\n4     -"));
	assert_non_null(strstr(text, "      stub domain of we\\x22b\\x0a (domain 3): "
				     "its objects are the guest's\n"));
	json = print(sv_xl_report_json, &r);
	assert_non_null(strstr(json, "\"pair\": \"c3,c700\", \"label\": \"system_u:"
				     "system_r:svirt_xen_t:s0:c3,c700\""));
	assert_non_null(strstr(json, "\"stub_domain_of\": 3, \"objects_error\": null, "
				     "\"outside_backends\": null, \"objects\": []}"));
	free(text);
	free(json);
	sv_xl_report_clear(&r);
}

/* The stand-in for lgetfilecon_raw: /img/web.img has drifted, /dev/loop0 is gone. */
static int fake_label(void *arg, const char *path, char *buf, size_t size)
{
	const char *drifted = arg;

	if (strcmp(path, "/dev/loop0") == 0)
		return -ENOENT;
	snprintf(buf, size, "%s", strcmp(path, "/img/web.img") == 0 && drifted ?
		 drifted : IMG1);
	return 0;
}

static int only_loop0_gone(void *arg, const char *path, char *buf, size_t size)
{
	(void)arg;
	(void)path;
	snprintf(buf, size, "%s", IMG1);
	return 0;
}

static void verify_names_each_drift_and_each_refused_guest(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	char *out = NULL;
	size_t len = 0, checked = 0;
	FILE *f;

	(void)state;
	build(&r);
	f = open_memstream(&out, &len);
	assert_int_equal(sv_xl_verify(&r, fake_label,
				      "system_u:object_r:svirt_xen_image_t:s0:c1,c2",
				      f, &checked), 3);
	fclose(f);
	assert_int_equal(checked, 2);
	assert_non_null(strstr(out, "domain 3 (we\\x22b\\x0a): /img/web.img: carries "
				    "system_u:object_r:svirt_xen_image_t:s0:c1,c2, expected " IMG1 "\n"));
	assert_non_null(strstr(out, "domain 3 (we\\x22b\\x0a): /dev/loop0: cannot read its label"));
	assert_non_null(strstr(out, "domain 9 (-): svirtd refused it: refusing /etc/shadow\n"));
	free(out);
	sv_xl_report_clear(&r);
}

static void verify_is_quiet_when_every_label_holds(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	char *out = NULL;
	size_t len = 0, checked = 0;
	FILE *f;

	(void)state;
	build(&r);
	r.doms[2].entry.state = SV_STATE_ALLOCATED;	/* still being labelled: skipped */
	r.doms[2].entry.reason[0] = '\0';
	f = open_memstream(&out, &len);
	assert_int_equal(sv_xl_verify(&r, only_loop0_gone, NULL, f, &checked), 0);
	fclose(f);
	assert_int_equal(checked, 2);
	assert_string_equal(out, "");
	free(out);
	/* Backends outside dom0: a note, not a problem. */
	r.doms[1].outside = strdup("vif 0 by dom 3");
	f = open_memstream(&out, &len);
	assert_int_equal(sv_xl_verify(&r, only_loop0_gone, NULL, f, &checked), 0);
	fclose(f);
	assert_string_equal(out, "domain 3 (we\\x22b\\x0a): note: backends outside dom0, "
			    "which svirt-xen does not label: vif 0 by dom 3\n");
	free(out);
	r.doms[1].record_error = strdup("no record");
	f = open_memstream(&out, &len);
	assert_int_equal(sv_xl_verify(&r, only_loop0_gone, NULL, f, &checked), 1);
	fclose(f);
	assert_non_null(strstr(out, "its record cannot be read: no record"));
	free(out);
	sv_xl_report_clear(&r);
}

static void disks_must_be_recorded_and_carry_their_label(void **state)
{
	struct sv_xl_report r = { .n = 0 };
	char *both[] = { "/img/web.img", "/dev/loop0" }, *other[] = { "/img/other.img" };
	const struct sv_record *rec;

	(void)state;
	build(&r);
	rec = &r.doms[1].record;
	assert_null(sv_xl_disks_unlabelled(rec, both, 2, only_loop0_gone, NULL));
	assert_null(sv_xl_disks_unlabelled(rec, both, 0, fake_label, NULL));
	/* not yet relabelled, and unreadable */
	assert_string_equal(sv_xl_disks_unlabelled(rec, both, 2, fake_label,
						   "system_u:object_r:xen_image_t:s0"),
			    "/img/web.img");
	assert_string_equal(sv_xl_disks_unlabelled(rec, both, 2, fake_label, NULL),
			    "/dev/loop0");
	/* a disk svirtd has not recorded */
	assert_string_equal(sv_xl_disks_unlabelled(rec, other, 1, only_loop0_gone, NULL),
			    "/img/other.img");
	sv_xl_report_clear(&r);
}

/* --- issue 16 item 8: svirt-xl create's check of a stub domain --- */
#define DM3 "system_u:system_r:svirt_dm_t:s0:c3,c700"
static void a_stub_domain_must_be_bound_to_its_guest_at_its_pair(void **state)
{
	struct sv_control_entry e;
	struct sv_pair p = { .a = 3, .b = 700 };
	char why[512];

	(void)state;
	entry(&e, 12, U2, 3, 700, SV_STATE_LABELLED);
	e.target = 11;
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, DM3, DM3, why, sizeof(why)), 0);
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, NULL, NULL, why, sizeof(why)), 0);
	/* without a label of svirt-xl's, Xen's (libxl's default) is not judged */
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, "x:y:dm_dom_t", NULL, why,
					  sizeof(why)), 0);

	/* svirtd treats it as a guest of its own, with its own pair */
	e.target = 0;
	e.pair.a = 5;
	e.pair.b = 6;
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, DM3, DM3, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "svirtd does not hold it as domain 11's stub domain "
			    "(it names no target)");
	e.target = 9;
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, DM3, DM3, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "svirtd does not hold it as domain 11's stub domain "
			    "(it names another target)");
	e.target = 11;
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, DM3, DM3, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "svirtd gave it another pair than its guest's");
	e.pair = p;
	/* refused by svirtd (the EBUSY of a second pair, say) */
	e.state = SV_STATE_ERROR;
	strcpy(e.reason, "pair busy\n");
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, DM3, DM3, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "svirtd refused to label it: pair busy\\x0a");
	e.state = SV_STATE_ALLOCATED;
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, DM3, DM3, why, sizeof(why)), -EPERM);
	e.state = SV_STATE_LABELLED;
	/* Xen's label of the stub */
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, NULL, DM3, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "Xen labels it (none), not " DM3);
	assert_int_equal(sv_xl_stub_check(&e, 12, 11, p, "system_u:system_r:dm_dom_t", DM3,
					  why, sizeof(why)), -EPERM);
	assert_string_equal(why, "Xen labels it system_u:system_r:dm_dom_t, not " DM3);
	/* an answer for another domain */
	assert_int_equal(sv_xl_stub_check(&e, 13, 11, p, DM3, DM3, why, sizeof(why)), -EPERM);
	assert_string_equal(why, "svirtd answered for domain 12");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_keeps_every_domain_and_reservation_in_order),
		cmocka_unit_test(json_names_every_field_and_escapes_names),
		cmocka_unit_test(table_shows_labels_objects_and_dashes),
		cmocka_unit_test(stub_domain_is_shown_as_its_guests),
		cmocka_unit_test(verify_names_each_drift_and_each_refused_guest),
		cmocka_unit_test(verify_is_quiet_when_every_label_holds),
		cmocka_unit_test(disks_must_be_recorded_and_carry_their_label),
		cmocka_unit_test(a_stub_domain_must_be_bound_to_its_guest_at_its_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
