/* test_config_setrans.c: the setrans keys of svirt.conf (issue 19 item 3): off by default, the file's path
 * checked (absolute, ending in ".conf" so its temporary never matches an Include glob), bad values named. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static const struct sv_config_sources no_policy = {
	.domain_context_path = "/nonexistent", .image_context_path = "/nonexistent",
};

static int parse(const char *text, struct sv_config *c, struct sv_error *err)
{
	return sv_config_parse(text, strlen(text), "svirt.conf", &no_policy, c, err);
}

static void translations_are_off_by_default(void **state)
{
	struct sv_config c;
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("", &c, &err), 0);
	assert_false(c.setrans.on);
	assert_string_equal(c.setrans.file, "/run/svirt/setrans.conf");
	assert_null(c.setrans.admin);
	assert_false(c.setrans.sighup);
	sv_config_free(&c);
}

static void keys_are_taken(void **state)
{
	struct sv_config c;
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("setrans = \"on\"\n"
			       "setrans_file = \"/etc/selinux/default/setrans.d/svirt.conf\"\n"
			       "setrans_admin = \"/etc/selinux/mls/setrans.conf\"\n"
			       "setrans_reload = \"sighup\"\n",
			       &c, &err), 0);
	assert_true(c.setrans.on);
	assert_string_equal(c.setrans.file, "/etc/selinux/default/setrans.d/svirt.conf");
	assert_string_equal(c.setrans.admin, "/etc/selinux/mls/setrans.conf");
	assert_true(c.setrans.sighup);
	sv_config_free(&c);
}

static void bad_values_are_named_with_line_and_key(void **state)
{
	static const struct { const char *text, *want; } bad[] = {
		{ "setrans = \"yes\"\n", "svirt.conf:1: setrans: \"yes\": expected" },
		{ "\nsetrans_file = \"run/x.conf\"\n", "svirt.conf:2: setrans_file: \"run/x.conf\": not an absolute path" },
		{ "setrans_file = \"/run/svirt/setrans\"\n", "must end in \".conf\"" },
		{ "setrans_file = \"/run/../etc/x.conf\"\n", "\"..\"" },
		{ "setrans_admin = \"/etc/selinux/\"\n", "setrans_admin" },
		{ "setrans_reload = \"hup\"\n", "expected \"none\" or \"sighup\"" },
	};
	struct sv_config c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sv_error err = { .msg = "" };

		assert_int_equal(parse(bad[i].text, &c, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].want))
			fail_msg("%s: got \"%s\"", bad[i].text, err.msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(translations_are_off_by_default),
		cmocka_unit_test(keys_are_taken),
		cmocka_unit_test(bad_values_are_named_with_line_and_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
