/* test_denials.c: svirt-xl denials' reading of a denial: the guests named
 * by the pairs of its contexts, live or ended, the disk by its full path
 * from the owner's record, the line and JSON written, --guest and --since. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "denials.h"

#define WEB "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define DB "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
/* A real denial (tests/data/avc/kernel.txt), web's pair acting on db's. */
#define LINE(t) "type=AVC msg=audit(" t ".084:11): avc:  denied  { read } for  pid=416 " \
	"comm=\"dm-dd\" name=\"db.img\" dev=\"loop0\" " \
	"scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 " \
	"tcontext=system_u:object_r:svirt_xen_image_t:s0:c3,c4 tclass=file permissive=0"

static struct sv_history h;
static struct sv_record db_rec;
static struct sv_avc a;

static const struct sv_record *lookup(void *arg, const char *uuid)
{
	(void)arg;
	return strcmp(uuid, DB) == 0 ? &db_rec : NULL;
}

static int setup(void **state)
{
	struct sv_hist_live live[2] = { { 3, WEB, "web", { 1, 2 } },
					{ 5, DB, "db", { 3, 4 } } };

	(void)state;
	setenv("TZ", "UTC", 1);
	memset(&h, 0, sizeof(h));
	memset(&db_rec, 0, sizeof(db_rec));
	strcpy(db_rec.uuid, DB);
	db_rec.domid = 5;
	if (sv_record_set_name(&db_rec, "db") < 0 ||
	    sv_record_add_object(&db_rec, "/var/lib/xen/images/db.img", "",
				 "system_u:object_r:svirt_xen_image_t:s0:c3,c4") < 0)
		return -1;
	return sv_history_sync(&h, live, 2, 1796467000) == 1 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	sv_history_clear(&h);
	sv_record_clear(&db_rec);
	return 0;
}

static char *text_of(const char *line, struct sv_denial *d)
{
	struct sv_error err;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_int_equal(sv_avc_parse(line, strlen(line), &a, &err), 1);
	sv_denial_attribute(&a, &h, lookup, NULL, d);
	sv_denial_text(f, d);
	fclose(f);
	return out;
}

static void denial_names_both_guests_and_the_disk(void **state)
{
	struct sv_denial d;
	char *t = text_of(LINE("1796467346"), &d);

	(void)state;
	assert_string_equal(t, "2026-12-05 10:42:26 web (" WEB ", domain 3) was refused "
			    "read on /var/lib/xen/images/db.img, a disk of db (" DB
			    ", domain 5)\n");
	free(t);
}

static void denial_names_a_guest_that_has_ended(void **state)
{
	struct sv_hist_live db_only = { 5, DB, "db", { 3, 4 } };
	struct sv_denial d;
	char *t;

	(void)state;
	/* web ended at ...400; a later guest never held c1,c2. */
	assert_int_equal(sv_history_sync(&h, &db_only, 1, 1796467400), 1);
	t = text_of(LINE("1796467346"), &d);
	assert_non_null(strstr(t, " web (" WEB ", domain 3, ended) was refused read"));
	free(t);
	/* After web ended (and past the slack) the pair named nobody. */
	t = text_of(LINE("1796467500"), &d);
	assert_non_null(strstr(t, " process dm-dd (system_u:system_r:svirt_xen_t:s0:c1,c2) "
			       "was refused read"));
	free(t);
}

static void denial_outside_any_guest_says_the_labels(void **state)
{
	struct sv_denial d;
	char *t = text_of("avc:  denied  { read } for  pid=698 comm=\"dm-dd\" name=\"passwd\" "
			  "dev=\"tmpfs\" ino=281 scontext=system_u:system_r:svirt_xen_t:s0:c1,c2 "
			  "tcontext=system_u:object_r:etc_t:s0 tclass=file permissive=0", &d);

	(void)state;
	assert_string_equal(t, "- web (" WEB ", domain 3) was refused read on file "
			    "passwd (system_u:object_r:etc_t:s0)\n");
	free(t);
}

static void denial_from_xen_names_both_domains(void **state)
{
	struct sv_denial d;
	char *t = text_of("(XEN) avc:  denied  { map_read } for source=d3 target=d5 "
			  "scontext=system_u:system_r:svirt_domU_t:s0:c1,c2 "
			  "tcontext=system_u:system_r:svirt_domU_t:s0:c3,c4 tclass=grant", &d);

	(void)state;
	assert_string_equal(t, "- Xen: web (" WEB ", domain 3) was refused map_read "
			    "(grant) on db (" DB ", domain 5)\n");
	free(t);
}

static void denial_from_xen_outside_guests_says_domids_and_labels(void **state)
{
	struct sv_denial d;
	char *t = text_of("(XEN) avc:  denied  { create } for current=d0 "
			  "scontext=system_u:system_r:dom0_t:s0-s0:c0.c1023 "
			  "tcontext=system_u:system_r:unlabeled_t:s0 tclass=domain", &d);

	(void)state;
	assert_string_equal(t, "- Xen: domain 0 (system_u:system_r:dom0_t:s0-s0:c0.c1023) "
			    "was refused create (domain) on (system_u:system_r:unlabeled_t:s0)\n");
	free(t);
	t = text_of("(XEN) avc:  denied  { map_read } for source=d1 target=d2 "
		    "scontext=system_u:system_r:svirt_domU_t:s0:c7,c8 "
		    "tcontext=system_u:system_r:svirt_domU_t:s0:c9,c10 tclass=grant", &d);
	assert_string_equal(t, "- Xen: domain 1 (system_u:system_r:svirt_domU_t:s0:c7,c8) "
			    "was refused map_read (grant) on domain 2 "
			    "(system_u:system_r:svirt_domU_t:s0:c9,c10)\n");
	free(t);
}

static void denial_names_cannot_forge_a_line(void **state)
{
	struct sv_hist_live evil = { 7, "0d9e8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b",
				     "x\nFORGED", { 1, 2 } };
	struct sv_history h2 = { 0 };
	struct sv_denial d;
	struct sv_error err;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	assert_int_equal(sv_history_sync(&h2, &evil, 1, 1796467000), 1);
	assert_int_equal(sv_avc_parse(LINE("1796467346"), strlen(LINE("1796467346")),
				      &a, &err), 1);
	sv_denial_attribute(&a, &h2, NULL, NULL, &d);
	sv_denial_text(f, &d);
	sv_denial_json(f, &d);
	fclose(f);
	assert_null(strstr(out, "\nFORGED"));
	assert_non_null(strstr(out, "x\\x0aFORGED"));
	assert_non_null(strstr(out, "\"x\\u000aFORGED\""));
	free(out);
	sv_history_clear(&h2);
}

static void denial_json_carries_both_guests(void **state)
{
	struct sv_denial d;
	struct sv_error err;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	assert_int_equal(sv_avc_parse(LINE("1796467346"), strlen(LINE("1796467346")),
				      &a, &err), 1);
	sv_denial_attribute(&a, &h, lookup, NULL, &d);
	sv_denial_json(f, &d);
	fclose(f);
	assert_non_null(strstr(out, "\"time\": 1796467346.084, "));
	assert_non_null(strstr(out, "\"path\": \"/var/lib/xen/images/db.img\", \"kind\": \"disk\""));
	assert_non_null(strstr(out, "\"subject\": {\"name\": \"web\", \"uuid\": \"" WEB
			       "\", \"domid\": 3, \"pair\": \"c1,c2\""));
	assert_non_null(strstr(out, "\"object\": {\"name\": \"db\""));
	free(out);
}

static void denial_guest_filter_matches_name_uuid_or_domid(void **state)
{
	struct sv_denial d;
	char *t = text_of(LINE("1796467346"), &d);

	(void)state;
	free(t);
	assert_true(sv_denial_about(&d, "web"));
	assert_true(sv_denial_about(&d, "db"));
	assert_true(sv_denial_about(&d, DB));
	assert_true(sv_denial_about(&d, "5"));
	assert_false(sv_denial_about(&d, "mail"));
	assert_false(sv_denial_about(&d, "4"));
}

static void denials_since_reads_its_three_forms(void **state)
{
	struct sv_error err;
	int64_t t = 0;

	(void)state;
	assert_int_equal(sv_denials_since("@1796467346", 0, &t, &err), 0);
	assert_int_equal(t, 1796467346);
	assert_int_equal(sv_denials_since("10m", 1000000, &t, &err), 0);
	assert_int_equal(t, 1000000 - 600);
	assert_int_equal(sv_denials_since("2d", 1000000, &t, &err), 0);
	assert_int_equal(t, 1000000 - 172800);
	assert_int_equal(sv_denials_since("2026-12-05 10:42:26", 0, &t, &err), 0);
	assert_int_equal(t, 1796467346);
	assert_int_equal(sv_denials_since("2026-12-05", 0, &t, &err), 0);
	assert_int_equal(t, 1796428800);
	assert_int_equal(sv_denials_since("yesterday", 0, &t, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "yesterday"));
	assert_int_equal(sv_denials_since("10x", 0, &t, &err), -EINVAL);
	assert_int_equal(sv_denials_since("@", 0, &t, &err), -EINVAL);
	assert_int_equal(sv_denials_since("-5m", 0, &t, &err), -EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(denial_names_both_guests_and_the_disk),
		T(denial_names_a_guest_that_has_ended),
		T(denial_outside_any_guest_says_the_labels),
		T(denial_from_xen_names_both_domains),
		T(denial_from_xen_outside_guests_says_domids_and_labels),
		T(denial_names_cannot_forge_a_line),
		T(denial_json_carries_both_guests),
		T(denial_guest_filter_matches_name_uuid_or_domid),
		T(denials_since_reads_its_three_forms),
	};

	return cmocka_run_group_tests_name("denials", tests, NULL, NULL);
}
