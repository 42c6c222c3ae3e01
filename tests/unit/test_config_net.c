/* test_config_net.c: the network keys of svirt.conf: network, network_dom0 and
 * network_outside, their defaults, and a bad value named with its line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"

static const struct sv_config_sources no_policy = {
	.domain_context_path = "/nonexistent/svirt-test/virtual_domain_context",
	.image_context_path = "/nonexistent/svirt-test/virtual_image_context",
};

static int parse(const char *text, struct sv_config *c, struct sv_error *err)
{
	return sv_config_parse(text, strlen(text), "svirt.conf", &no_policy, c, err);
}

static void network_is_on_and_open_by_default(void **state)
{
	struct sv_config c;

	(void)state;
	assert_int_equal(parse("", &c, NULL), 0);
	assert_false(c.net_off);
	assert_false(c.net_deny_dom0);
	assert_false(c.net_deny_outside);
	sv_config_free(&c);
}

static void network_keys_are_read(void **state)
{
	struct sv_config c;

	(void)state;
	assert_int_equal(parse("network = \"off\"\nnetwork_dom0 = \"deny\"\n"
			       "network_outside = \"deny\"\n", &c, NULL), 0);
	assert_true(c.net_off);
	assert_true(c.net_deny_dom0);
	assert_true(c.net_deny_outside);
	sv_config_free(&c);
	assert_int_equal(parse("network = \"on\"\nnetwork_dom0 = \"allow\"\n", &c, NULL), 0);
	assert_false(c.net_off);
	assert_false(c.net_deny_dom0);
	sv_config_free(&c);
}

static void bad_network_value_names_key_and_line(void **state)
{
	struct sv_config c = { .log_level = 4242 };
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("\nnetwork_dom0 = \"maybe\"\n", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "svirt.conf:2: network_dom0: \"maybe\""));
	assert_non_null(strstr(err.msg, "\"allow\" or \"deny\""));
	assert_int_equal(c.log_level, 4242);
	assert_int_equal(parse("network = [ \"on\" ]\n", &c, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(network_is_on_and_open_by_default),
		cmocka_unit_test(network_keys_are_read),
		cmocka_unit_test(bad_network_value_names_key_and_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
