/* test_xl_guest.c: the svirt_* keys of a guest's xl config (issue 17 item 4): svirt_seclabel,
 * svirt_network; bad, unknown and not-yet-handed keys refused with file:line: key. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xl_guest.h"

static int parse(const char *text, struct sv_xl_guest *g, struct sv_error *err)
{
	struct sv_xlcfg c = { .n = 0 };
	int r = sv_xlcfg_parse(text, strlen(text), "web.cfg", NULL, 0, &c, err);

	assert_int_equal(r, 0);
	r = sv_xl_guest_parse(&c, g, err);
	sv_xlcfg_free(&c);
	return r;
}

static void refused(const char *text, const char *msg)
{
	struct sv_xl_guest g = { .has_pair = true, .pair = { 7, 8 } };
	struct sv_error err = { "" };

	assert_int_equal(parse(text, &g, &err), -EINVAL);
	assert_string_equal(err.msg, msg);
	assert_int_equal(g.pair.a, 7);	/* untouched */
}

static void no_svirt_keys_no_options(void **state)
{
	struct sv_xl_guest g;

	(void)state;
	assert_int_equal(parse("name = \"web\"\nvif = [ 'bridge=xenbr0' ]\n", &g, NULL), 0);
	assert_false(g.has_pair);
	assert_false(g.network_off);
}

static void static_pair_and_full_label_are_read(void **state)
{
	struct sv_xl_guest g;

	(void)state;
	assert_int_equal(parse("svirt_seclabel = \"c10,c20\"\n", &g, NULL), 0);
	assert_true(g.has_pair);
	assert_int_equal(g.pair.a, 10);
	assert_int_equal(g.pair.b, 20);
	assert_string_equal(g.label, "");
	assert_int_equal(parse("svirt_seclabel = \"system_u:system_r:svirt_xen_t:s0:c3,c700\"\n"
			       "svirt_network = \"off\"\n", &g, NULL), 0);
	assert_int_equal(g.pair.a, 3);
	assert_int_equal(g.pair.b, 700);
	assert_string_equal(g.label, "system_u:system_r:svirt_xen_t:s0:c3,c700");
	assert_true(g.network_off);
}

static void hostile_values_are_refused(void **state)
{
	(void)state;
	refused("name = \"web\"\nsvirt_seclabel = \"s0\"\n",
		"web.cfg:2: svirt_seclabel: neither a pair cA,cB nor a valid context");
	refused("svirt_seclabel = \"system_u:system_r:svirt_xen_t:s0\"\n",
		"web.cfg:1: svirt_seclabel: a static label needs a category pair: s0 alone is "
		"every guest's shared level");
	refused("svirt_seclabel = \"c0,c1\"\n",
		"web.cfg:1: svirt_seclabel: expected a pair cA,cB (0 < A < B) or a full label");
	refused("svirt_seclabel = \"c1,c1024\"\n",
		"web.cfg:1: svirt_seclabel: expected a pair cA,cB (0 < A < B) or a full label");
	refused("svirt_seclabel = [ \"c1,c2\" ]\n",
		"web.cfg:1: svirt_seclabel: expected a \"string\", not a list");
	refused("svirt_network = \"none\"\n",
		"web.cfg:1: svirt_network: expected \"on\" or \"off\"");
	refused("vif = [ 'bridge=xenbr0' ]\nsvirt_network = \"off\"\n",
		"web.cfg:2: svirt_network: \"off\", but the guest has 1 vif(s): a guest without "
		"network has none");
	refused("svirt_label = \"c1,c2\"\n",
		"web.cfg:1: svirt_label: unknown svirt-xl key (svirt_seclabel, svirt_network)");
	refused("svirt_relabel = \"no\"\n",
		"web.cfg:1: svirt_relabel: svirt-xl cannot hand this to svirtd yet: set "
		"guest_relabel_no in svirt.conf");
	refused("svirt_shared_disks = [ \"/a\" ]\n",
		"web.cfg:1: svirt_shared_disks: svirt-xl cannot hand this to svirtd yet: set "
		"guest_shared_images in svirt.conf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_svirt_keys_no_options),
		cmocka_unit_test(static_pair_and_full_label_are_read),
		cmocka_unit_test(hostile_values_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
