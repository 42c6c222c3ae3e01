/* test_config_net.c: the network keys of svirt.conf: network, network_dom0,
 * network_outside, network_default_peer and network_outside_packet, their defaults, bad values
 * named with their line. */
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
	assert_false(c.net.off);
	assert_false(c.net.deny_dom0);
	assert_false(c.net.deny_outside);
	sv_config_free(&c);
}

static void network_keys_are_read(void **state)
{
	struct sv_config c;

	(void)state;
	assert_int_equal(parse("network = \"off\"\nnetwork_dom0 = \"deny\"\n"
			       "network_outside = \"deny\"\n", &c, NULL), 0);
	assert_true(c.net.off);
	assert_true(c.net.deny_dom0);
	assert_true(c.net.deny_outside);
	sv_config_free(&c);
	assert_int_equal(parse("network = \"on\"\nnetwork_dom0 = \"allow\"\n", &c, NULL), 0);
	assert_false(c.net.off);
	assert_false(c.net.deny_dom0);
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

static void default_peer_is_refpolicys_unlabelled_peer(void **state)
{
	struct sv_config c;

	(void)state;
	assert_int_equal(parse("", &c, NULL), 0);
	assert_string_equal(c.net.default_peer, "system_u:object_r:netlabel_peer_t:s0");
	sv_config_free(&c);
}

static void default_peer_is_read_and_empty_installs_none(void **state)
{
	struct sv_config c;

	(void)state;
	assert_int_equal(parse("network_default_peer = \"system_u:object_r:outside_t:s0\"\n",
			       &c, NULL), 0);
	assert_string_equal(c.net.default_peer, "system_u:object_r:outside_t:s0");
	sv_config_free(&c);
	assert_int_equal(parse("network_default_peer = \"\"\n", &c, NULL), 0);
	assert_string_equal(c.net.default_peer, "");
	sv_config_free(&c);
}

static void bad_default_peer_names_key_and_line(void **state)
{
	struct sv_config c = { .log_level = 4242 };
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("\n\nnetwork_default_peer = \"netlabel_peer_t\"\n",
			       &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "svirt.conf:3: network_default_peer"));
	/* Not canonical: the kernel would get other bytes than the log shows. */
	assert_int_equal(parse("network_default_peer = \"u:r:t:s0:c2,c1\"\n", &c, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "canonical"));
	assert_int_equal(parse("network_default_peer = [ \"u:r:t:s0\" ]\n", &c, &err),
			 -EINVAL);
	assert_int_equal(c.log_level, 4242);
}

static void default_peer_of_the_guests_type_is_refused(void **state)
{
	struct sv_config c;
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("network_default_peer = "
			       "\"system_u:system_r:svirt_xen_t:s0\"\n", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "svirt.conf:1: network_default_peer"));
	assert_non_null(strstr(err.msg, "guests' type"));
	/* The guests' type as the config sets it, whatever the order of the keys. */
	assert_int_equal(parse("network_default_peer = \"system_u:object_r:dm_t:s0\"\n"
			       "process_context = \"system_u:system_r:dm_t:s0\"\n",
			       &c, &err), -EINVAL);
}

/* issue 14 item 5: the label of guests' frames for ports of no guest. */
static void outside_packet_is_svirts_own_type_and_is_read(void **state)
{
	struct sv_config c;

	(void)state;
	assert_int_equal(parse("", &c, NULL), 0);
	assert_string_equal(c.net.outside_packet,
			    "system_u:object_r:svirt_xen_outside_packet_t:s0");
	sv_config_free(&c);
	assert_int_equal(parse("network_outside_packet = \"system_u:object_r:out_pkt_t:s0\"\n",
			       &c, NULL), 0);
	assert_string_equal(c.net.outside_packet, "system_u:object_r:out_pkt_t:s0");
	sv_config_free(&c);
}

static void bad_outside_packet_is_refused_with_key_and_line(void **state)
{
	struct sv_config c;
	struct sv_error err;

	(void)state;
	/* Required: without it a guest's frames for the outside keep its own label. */
	assert_int_equal(parse("\nnetwork_outside_packet = \"\"\n", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "svirt.conf:2: network_outside_packet"));
	assert_non_null(strstr(err.msg, "required"));
	assert_int_equal(parse("network_outside_packet = \"u:r:t:s0:c2,c1\"\n", &c, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "canonical"));
	/* The guests' packet type: a pair's own label, which the boolean cannot stop. */
	assert_int_equal(parse("network_outside_packet = "
			       "\"system_u:object_r:svirt_xen_packet_t:s0\"\n", &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "svirt.conf:1: network_outside_packet"));
	assert_non_null(strstr(err.msg, "guests' packet type"));
	/* Whatever the order of the keys, and when only packet_context makes them equal. */
	assert_int_equal(parse("network_outside_packet = \"system_u:object_r:p_t:s0\"\n"
			       "packet_context = \"system_u:object_r:p_t:s0\"\n", &c, &err),
			 -EINVAL);
	assert_int_equal(parse("packet_context = \"system_u:object_r:svirt_xen_outside_packet_t:s0\"\n",
			       &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "packet_context"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(network_is_on_and_open_by_default),
		cmocka_unit_test(network_keys_are_read),
		cmocka_unit_test(bad_network_value_names_key_and_line),
		cmocka_unit_test(default_peer_is_refpolicys_unlabelled_peer),
		cmocka_unit_test(default_peer_is_read_and_empty_installs_none),
		cmocka_unit_test(bad_default_peer_names_key_and_line),
		cmocka_unit_test(default_peer_of_the_guests_type_is_refused),
		cmocka_unit_test(outside_packet_is_svirts_own_type_and_is_read),
		cmocka_unit_test(bad_outside_packet_is_refused_with_key_and_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
