/* test_config_guest.c: svirt.conf's per-guest options (issue 17 item 4): guest_seclabel,
 * guest_relabel_no, guest_shared_images, guest_network_off; hostile values refused with file:line: key. */
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

#define UUID1 "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
#define UUID2 "6ba7b810-9dad-11d1-80b4-00c04fd430c8"

static int parse(const char *text, struct sv_config *c, struct sv_error *err)
{
	return sv_config_parse(text, strlen(text), "svirt.conf", &no_policy, c, err);
}

/* text is refused, with exactly msg. */
static void refused(const char *text, const char *msg)
{
	struct sv_config c = { .log_level = 4242 };
	struct sv_error err = { "" };

	assert_int_equal(parse(text, &c, &err), -EINVAL);
	assert_string_equal(err.msg, msg);
	assert_int_equal(c.log_level, 4242);	/* untouched */
}

static void no_guest_options_by_default(void **state)
{
	struct sv_config c;
	struct sv_guest_opts o;

	(void)state;
	assert_int_equal(parse("", &c, NULL), 0);
	assert_int_equal(c.nguests, 0);
	assert_int_equal(sv_config_guest_opts(&c, UUID1, "web", &o, NULL), 0);
	assert_false(o.has_pair);
	assert_false(o.relabel_no);
	assert_false(o.network_off);
	sv_config_free(&c);
}

static void static_pair_by_name_and_full_label_by_uuid(void **state)
{
	struct sv_config c;
	struct sv_guest_opts o;

	(void)state;
	assert_int_equal(parse("guest_seclabel = [ \"web c10,c20\",\n"
			       "  \"" UUID2 " system_u:system_r:svirt_xen_t:s0:c30,c40\" ]\n",
			       &c, NULL), 0);
	assert_int_equal(sv_config_guest_opts(&c, UUID1, "web", &o, NULL), 0);
	assert_true(o.has_pair);
	assert_int_equal(o.pair.a, 10);
	assert_int_equal(o.pair.b, 20);
	/* By uuid, whatever its name. */
	assert_int_equal(sv_config_guest_opts(&c, UUID2, "db", &o, NULL), 0);
	assert_true(o.has_pair);
	assert_int_equal(o.pair.a, 30);
	assert_int_equal(o.pair.b, 40);
	/* Another guest has none; both pairs are kept from the allocator. */
	assert_int_equal(sv_config_guest_opts(&c, UUID1, "other", &o, NULL), 0);
	assert_false(o.has_pair);
	assert_true(sv_config_pair_static(&c, (struct sv_pair){ 10, 20 }));
	assert_true(sv_config_pair_static(&c, (struct sv_pair){ 30, 40 }));
	assert_false(sv_config_pair_static(&c, (struct sv_pair){ 10, 40 }));
	sv_config_free(&c);
}

static void a_uuid_shaped_entry_never_matches_a_name(void **state)
{
	struct sv_config c;
	struct sv_guest_opts o;

	(void)state;
	assert_int_equal(parse("guest_network_off = [ \"" UUID1 "\" ]\n", &c, NULL), 0);
	/* A guest that calls itself UUID1 is not the guest with that uuid. */
	assert_int_equal(sv_config_guest_opts(&c, UUID2, UUID1, &o, NULL), 0);
	assert_false(o.network_off);
	assert_int_equal(sv_config_guest_opts(&c, UUID1, "x", &o, NULL), 0);
	assert_true(o.network_off);
	sv_config_free(&c);
}

static void name_and_uuid_giving_two_pairs_refuse_the_guest(void **state)
{
	struct sv_config c;
	struct sv_guest_opts o = { .has_pair = true, .pair = { 7, 8 } };
	struct sv_error err;

	(void)state;
	assert_int_equal(parse("guest_seclabel = [ \"web c10,c20\", \"" UUID1 " c30,c40\" ]\n",
			       &c, NULL), 0);
	assert_int_equal(sv_config_guest_opts(&c, UUID1, "web", &o, &err), -EINVAL);
	assert_string_equal(err.msg, "guest_seclabel gives it c10,c20 as web and "
			    "c30,c40 as " UUID1);
	assert_int_equal(o.pair.a, 7);	/* untouched */
	sv_config_free(&c);
}

static void relabel_no_shared_and_network_off_are_read(void **state)
{
	struct sv_config c;
	struct sv_guest_opts o;

	(void)state;
	assert_int_equal(parse("guest_seclabel = [ \"web c10,c20\" ]\n"
			       "guest_relabel_no = [ \"web\", \"db /var/lib/xen/images/data.img\" ]\n"
			       "guest_shared_images = [ \"db /var/lib/xen/images/shared.img\",\n"
			       "  \"web /var/lib/xen/images/shared.img\" ]\n"
			       "guest_network_off = [ \"db\" ]\n", &c, NULL), 0);
	assert_int_equal(sv_config_guest_opts(&c, UUID1, "web", &o, NULL), 0);
	assert_true(o.relabel_no);
	assert_false(o.network_off);
	assert_int_equal(sv_config_guest_opts(&c, UUID2, "db", &o, NULL), 0);
	assert_false(o.relabel_no);	/* one disk only */
	assert_true(o.network_off);
	assert_true(sv_config_guest_disk(&c, SV_GOPT_RELABEL_NO, UUID2, "db",
					 "/var/lib/xen/images/data.img"));
	assert_false(sv_config_guest_disk(&c, SV_GOPT_RELABEL_NO, UUID1, "web",
					  "/var/lib/xen/images/data.img"));
	assert_true(sv_config_guest_disk(&c, SV_GOPT_SHARED, UUID1, "web",
					 "/var/lib/xen/images/shared.img"));
	assert_true(sv_config_guest_disk(&c, SV_GOPT_SHARED, UUID2, "db",
					 "/var/lib/xen/images/shared.img"));
	assert_false(sv_config_guest_disk(&c, SV_GOPT_SHARED, UUID2, "other",
					  "/var/lib/xen/images/shared.img"));
	sv_config_free(&c);
}

static void hostile_static_labels_are_refused(void **state)
{
	(void)state;
	refused("\nguest_seclabel = [ \"web s0\" ]\n",
		"svirt.conf:2: guest_seclabel: \"web s0\": neither a pair cA,cB nor a valid context");
	refused("guest_seclabel = [ \"web system_u:system_r:svirt_xen_t:s0\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web system_u:system_r:svirt_xen_t:s0\": "
		"a static label needs a category pair: s0 alone is every guest's shared level");
	refused("guest_seclabel = [ \"web c0,c5\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web c0,c5\": expected a pair cA,cB (0 < A < B) or a full label");
	refused("guest_seclabel = [ \"web c5,c5\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web c5,c5\": expected a pair cA,cB (0 < A < B) or a full label");
	refused("guest_seclabel = [ \"web c5,c1024\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web c5,c1024\": expected a pair cA,cB (0 < A < B) or a full label");
	refused("categories = \"c100.c200\"\nguest_seclabel = [ \"web c5,c150\" ]\n",
		"svirt.conf:2: guest_seclabel: \"web\": c5,c150 is outside categories c100.c200");
	refused("guest_seclabel = [ \"web system_u:system_r:unconfined_t:s0:c1,c2\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web\": system_u:system_r:unconfined_t:s0:c1,c2 "
		"is not process_context's system_u:system_r:svirt_xen_t at a pair");
	refused("guest_seclabel = [ \"web system_u:object_r:svirt_xen_image_t:s0:c1,c2\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web\": system_u:object_r:svirt_xen_image_t:s0:c1,c2 "
		"is not process_context's system_u:system_r:svirt_xen_t at a pair");
	refused("guest_seclabel = [ \"web system_u:system_r:svirt_xen_t:s0:c1,c2,c3\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web system_u:system_r:svirt_xen_t:s0:c1,c2,c3\": "
		"a static label has exactly two categories, neither c0");
	refused("guest_seclabel = [ \"web system_u:system_r:svirt_xen_t:s0:c0,c2\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web system_u:system_r:svirt_xen_t:s0:c0,c2\": "
		"a static label has exactly two categories, neither c0");
	refused("guest_seclabel = [ \"web system_u:system_r:svirt_xen_t:s0-s0:c1,c2\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web system_u:system_r:svirt_xen_t:s0-s0:c1,c2\": "
		"a static label is one level, not a range");
	refused("guest_seclabel = [ \"web c1,c2\", \"db c1,c2\" ]\n",
		"svirt.conf:1: guest_seclabel: \"db\": c1,c2 is already guest web's (line 1): "
		"no two guests share a pair");
	refused("guest_seclabel = [ \"web c1,c2\", \"web c1,c3\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web\": given twice");
	refused("guest_seclabel = [ \"web\" ]\n",
		"svirt.conf:1: guest_seclabel: \"web\": expected \"<name or uuid> cA,cB\" or "
		"\"<name or uuid> <label>\"");
	refused("guest_seclabel = \"web c1,c2\"\n",
		"svirt.conf:1: guest_seclabel: expected a list: [ \"<name or uuid> ...\", ... ]");
}

static void hostile_guest_names_are_refused(void **state)
{
	(void)state;
	refused("guest_network_off = [ \"\" ]\n",
		"svirt.conf:1: guest_network_off: \"\": no guest: expected \"<name or uuid> ...\"");
	refused("guest_network_off = [ \" web\" ]\n",
		"svirt.conf:1: guest_network_off: \" web\": no guest: expected \"<name or uuid> ...\"");
	refused("guest_network_off = [ \"w\xc3\xa9" "b\" ]\n",
		"svirt.conf:1: guest_network_off: \"w\\xc3\\xa9b\": a guest name holds only printable bytes, no space");
	refused("guest_network_off = [ \"web on\" ]\n",
		"svirt.conf:1: guest_network_off: \"web on\": expected only \"<name or uuid>\"");
	refused("guest_network_off = [ \"00000000-0000-0000-0000-000000000000\" ]\n",
		"svirt.conf:1: guest_network_off: \"00000000-0000-0000-0000-000000000000\": the nil uuid is dom0's");
	refused("guest_network_off = [ \"web\", \"web\" ]\n",
		"svirt.conf:1: guest_network_off: \"web\": given twice");
	refused("guest_network_of = [ \"web\" ]\n",
		"svirt.conf:1: \"guest_network_of\": unknown key");
}

static void hostile_disks_are_refused(void **state)
{
	(void)state;
	refused("guest_shared_images = [ \"web /etc/shadow\" ]\n",
		"svirt.conf:1: guest_shared_images: \"web\": /etc/shadow is not under any relabel root");
	refused("guest_shared_images = [ \"web images/a.img\" ]\n",
		"svirt.conf:1: guest_shared_images: \"web images/a.img\": not an absolute path");
	refused("guest_shared_images = [ \"web /var/lib/xen/images/../a.img\" ]\n",
		"svirt.conf:1: guest_shared_images: \"web /var/lib/xen/images/../a.img\": "
		"has a \".\" or \"..\" component");
	refused("guest_shared_images = [ \"web\" ]\n",
		"svirt.conf:1: guest_shared_images: \"web\": expected \"<name or uuid> /path/of/disk\"");
	refused("guest_relabel_no = [ \"web /a\", \"web /a\" ]\n",
		"svirt.conf:1: guest_relabel_no: \"web\": given twice");
	/* A whole guest left alone needs a pair known beforehand. */
	refused("guest_relabel_no = [ \"web\" ]\n",
		"svirt.conf:1: guest_relabel_no: \"web\": relabel off for a whole guest needs "
		"its static pair in guest_seclabel (its disks must carry a pair known beforehand)");
	refused("guest_seclabel = [ \"db c1,c2\" ]\nguest_relabel_no = [ \"web\" ]\n",
		"svirt.conf:2: guest_relabel_no: \"web\": relabel off for a whole guest needs "
		"its static pair in guest_seclabel (its disks must carry a pair known beforehand)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_guest_options_by_default),
		cmocka_unit_test(static_pair_by_name_and_full_label_by_uuid),
		cmocka_unit_test(a_uuid_shaped_entry_never_matches_a_name),
		cmocka_unit_test(name_and_uuid_giving_two_pairs_refuse_the_guest),
		cmocka_unit_test(relabel_no_shared_and_network_off_are_read),
		cmocka_unit_test(hostile_static_labels_are_refused),
		cmocka_unit_test(hostile_guest_names_are_refused),
		cmocka_unit_test(hostile_disks_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
