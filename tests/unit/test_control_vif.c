/* test_control_vif.c: the VIF request vif-svirt sends: parsed, formatted back to the
 * same bytes, bad domids and devids refused; and a vif's backend values parsed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "control.h"
#include "vif.h"

static void vif_request_parses_and_formats_back(void **state)
{
	static const char *const lines[] = { "VIF 3 0\n", "VIF 32751 65535\n",
					     "VIF 12 1\n" };
	char buf[SV_CONTROL_LINE_MAX + 1];
	struct sv_control_request r;

	(void)state;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(sv_control_request_parse(lines[i], strlen(lines[i]),
							  &r, NULL), 0);
		assert_int_equal(r.op, SV_CONTROL_VIF);
		assert_int_equal(sv_control_request_format(&r, buf, sizeof(buf)),
				 (int)strlen(lines[i]));
		assert_string_equal(buf, lines[i]);
	}
	assert_int_equal(sv_control_request_parse("VIF 12 1\n", 9, &r, NULL), 0);
	assert_int_equal(r.domid, 12);
	assert_int_equal(r.devid, 1);
}

static void bad_vif_requests_are_refused(void **state)
{
	static const char *const bad[] = {
		"VIF 3\n", "VIF 0 0\n", "VIF 32752 0\n", "VIF 3 65536\n",
		"VIF 3 01\n", "VIF 3 -1\n", "VIF 3 0 0\n", "vif 3 0\n",
		"VIF  3 0\n", "VIF 3 0 \n", "VIF 3 x\n",
	};
	struct sv_control_request r = { .domid = 4242 };
	struct sv_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sv_control_request_parse(bad[i], strlen(bad[i]), &r, &err) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(r.domid, 4242);
	}
	r = (struct sv_control_request){ .op = SV_CONTROL_VIF, .domid = 3,
					 .devid = 70000 };
	assert_int_equal(sv_control_request_format(&r, (char[64]){ 0 }, 64), -EINVAL);
}

static void vif_is_named_after_domain_and_devid(void **state)
{
	struct sv_vif v;

	(void)state;
	assert_int_equal(sv_vif_parse(7, 1, NULL, "connected", &v, NULL), 0);
	assert_string_equal(v.name, "vif7.1");
	assert_true(v.connected);
	assert_int_equal(sv_vif_parse(7, 0, "web0", NULL, &v, NULL), 0);
	assert_string_equal(v.name, "web0");
	assert_false(v.connected);
	assert_int_equal(sv_vif_parse(7, 0, NULL, "error", &v, NULL), 0);
	assert_false(v.connected);
}

static void hostile_vifnames_are_refused(void **state)
{
	struct sv_vif v = { .devid = 99 };
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_vif_parse(7, 0, "eth0\" }; flush ruleset", "connected",
				      &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "vifname"));
	assert_int_equal(sv_vif_parse(7, 0, "", "connected", &v, &err), -EINVAL);
	assert_int_equal(sv_vif_parse(7, 0, "a-very-long-interface", "connected",
				      &v, &err), -EINVAL);
	/* vif32751.65535 is 14 bytes: still an interface name. */
	assert_int_equal(sv_vif_parse(32751, 65535, NULL, NULL, &v, &err), 0);
	assert_int_equal(sv_vif_parse(0, 0, NULL, NULL, &v, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vif_request_parses_and_formats_back),
		cmocka_unit_test(bad_vif_requests_are_refused),
		cmocka_unit_test(vif_is_named_after_domain_and_devid),
		cmocka_unit_test(hostile_vifnames_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
