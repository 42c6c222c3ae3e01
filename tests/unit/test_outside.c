/* test_outside.c: the parsers behind svirtd's report of backends outside dom0 (a frontend's
 * backend-id, a backend path, a /libxl watch path) and the report's text, bounded whatever it holds. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "outside.h"

static void domids_are_strict_decimal_in_range(void **state)
{
	static const char *const bad[] = {
		"", "-1", "+3", "03", "3 ", " 3", "0x3", "32752", "99999999999999999999",
		"3\n", "abc",
	};
	unsigned v = 99;

	(void)state;
	assert_int_equal(sv_outside_domid_parse("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sv_outside_domid_parse("32751", &v), 0);
	assert_int_equal(v, 32751);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 99;
		if (sv_outside_domid_parse(bad[i], &v) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(v, 99);
	}
}

static void backend_paths_name_domain_kind_guest_and_device(void **state)
{
	static const char *const bad[] = {
		"/local/domain/3/backend/vif/7", "/local/domain/3/backend/vif/7/0/",
		"/local/domain/3/backend/vif/7/0/state", "/local/domain/3/backend/tap/7/0",
		"/local/domain/3/backend/vif/0/0", "/local/domain/03/backend/vif/7/0",
		"/local/domain/3/backend/vif/7/2147483648", "/local/domain//backend/vif/7/0",
		"local/domain/3/backend/vif/7/0", "/local/domain/3/frontend/vif/7/0",
		"/local/domain/32752/backend/vif/7/0", "/local/domain/3/backend//7/0",
	};
	struct sv_backend_path b;

	(void)state;
	assert_int_equal(sv_backend_path_parse("/local/domain/3/backend/vif/7/0", &b), 0);
	assert_int_equal(b.backend, 3);
	assert_string_equal(b.kind, "vif");
	assert_int_equal(b.domid, 7);
	assert_int_equal(b.devid, 0);
	assert_int_equal(sv_backend_path_parse("/local/domain/0/backend/vbd3/32751/2147483647",
					       &b), 0);
	assert_string_equal(b.kind, "vbd3");
	assert_int_equal(b.devid, INT_MAX);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&b, 0x5a, sizeof(b));
		if (sv_backend_path_parse(bad[i], &b) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(b.backend, 0x5a5a5a5a);
	}
}

static void libxl_events_name_a_guests_device_records(void **state)
{
	int d = -1;

	(void)state;
	assert_int_equal(sv_libxl_event_parse("/libxl/7/device", &d), 0);
	assert_int_equal(d, 7);
	assert_int_equal(sv_libxl_event_parse("/libxl/12/device/vif/0/backend", &d), 0);
	assert_int_equal(d, 12);
	d = -1;
	assert_int_not_equal(sv_libxl_event_parse("/libxl", &d), 0);
	assert_int_not_equal(sv_libxl_event_parse("/libxl/7", &d), 0);
	assert_int_not_equal(sv_libxl_event_parse("/libxl/7/dm-version", &d), 0);
	assert_int_not_equal(sv_libxl_event_parse("/libxl/7/devices", &d), 0);
	assert_int_not_equal(sv_libxl_event_parse("/libxl/0/device/vif", &d), 0);
	assert_int_not_equal(sv_libxl_event_parse("/libxl/07/device", &d), 0);
	assert_int_equal(d, -1);
}

static void report_text_is_bounded_and_says_what_is_unconfirmed(void **state)
{
	struct sv_outside o = { .n = 0 };
	char buf[SV_OUTSIDE_TEXT_MAX];

	(void)state;
	sv_outside_format(&o, buf, sizeof(buf));
	assert_string_equal(buf, "");
	o.n = 2;
	o.v[0] = (struct sv_outside_dev){ "vif", 0, 3, true };
	o.v[1] = (struct sv_outside_dev){ "vbd", 51712, 5, false };
	sv_outside_format(&o, buf, sizeof(buf));
	assert_string_equal(buf, "vif 0 by dom 3, vbd 51712 by dom 5 (unconfirmed)");
	o.n = SV_OUTSIDE_MAX;
	for (size_t i = 0; i < SV_OUTSIDE_MAX; i++)
		o.v[i] = (struct sv_outside_dev){ "vbd", INT_MAX, 32751, false };
	o.more = UINT_MAX;
	sv_outside_format(&o, buf, sizeof(buf));
	assert_non_null(strstr(buf, ", and 4294967295 more"));
	sv_outside_format(&o, buf, 16);		/* cut short, still a string */
	assert_int_equal(strlen(buf), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(domids_are_strict_decimal_in_range),
		cmocka_unit_test(backend_paths_name_domain_kind_guest_and_device),
		cmocka_unit_test(libxl_events_name_a_guests_device_records),
		cmocka_unit_test(report_text_is_bounded_and_says_what_is_unconfirmed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
