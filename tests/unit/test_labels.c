/* test_labels.c: a guest's labels carry its pair where DESIGN.md says, and
 * s0 without categories where storage is shared or read-only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "labels.h"

static int setup_bases(void **state)
{
	static struct sv_bases b;

	if (sv_bases_defaults(&b) != 0)
		return -1;
	*state = &b;
	return 0;
}

static void guest_labels_use_the_default_types_and_pair(void **state)
{
	struct sv_guest_labels l;
	struct sv_error err;

	assert_int_equal(sv_guest_labels_build(*state, (struct sv_pair){ 12, 345 },
					       &l, &err),
			 0);
	assert_string_equal(l.process, "system_u:system_r:svirt_xen_t:s0:c12,c345");
	assert_string_equal(l.image,
			    "system_u:object_r:svirt_xen_image_t:s0:c12,c345");
	assert_string_equal(l.shared, "system_u:object_r:svirt_xen_image_t:s0");
	assert_string_equal(l.content, "system_u:object_r:svirt_xen_content_t:s0");
	assert_string_equal(l.packet,
			    "system_u:object_r:svirt_xen_packet_t:s0:c12,c345");
	assert_string_equal(l.peer, "system_u:system_r:svirt_xen_t:s0:c12,c345");
}

static void base_categories_and_ranges_are_replaced(void **state)
{
	struct sv_bases b = *(struct sv_bases *)*state;
	struct sv_guest_labels l;

	assert_int_equal(sv_context_parse("system_u:system_r:vm_t:s0-s0:c0.c1023",
					  &b.process, NULL),
			 0);
	assert_int_equal(sv_context_parse("system_u:object_r:img_t:s0:c7",
					  &b.image, NULL),
			 0);
	assert_int_equal(sv_guest_labels_build(&b, (struct sv_pair){ 1, 2 }, &l,
					       NULL),
			 0);
	assert_string_equal(l.process, "system_u:system_r:vm_t:s0:c1,c2");
	assert_string_equal(l.image, "system_u:object_r:img_t:s0:c1,c2");
	assert_string_equal(l.shared, "system_u:object_r:img_t:s0");
}

static void base_sensitivity_is_kept(void **state)
{
	struct sv_bases b = *(struct sv_bases *)*state;
	struct sv_guest_labels l;

	assert_int_equal(sv_context_parse("u:r:vm_t:s2", &b.process, NULL), 0);
	assert_int_equal(sv_guest_labels_build(&b, (struct sv_pair){ 8, 9 }, &l,
					       NULL),
			 0);
	assert_string_equal(l.process, "u:r:vm_t:s2:c8,c9");
}

static void pair_with_c0_builds_no_labels(void **state)
{
	struct sv_guest_labels l;
	struct sv_error err;

	memset(&l, 0x5a, sizeof(l));
	assert_int_equal(sv_guest_labels_build(*state, (struct sv_pair){ 0, 4 },
					       &l, &err),
			 -22);
	assert_non_null(strstr(err.msg, "not valid"));
	assert_int_equal((unsigned char)l.process[0], 0x5a);
}

static void descending_or_equal_pair_builds_no_labels(void **state)
{
	struct sv_guest_labels l;

	assert_int_equal(sv_guest_labels_build(*state, (struct sv_pair){ 9, 4 },
					       &l, NULL),
			 -22);
	assert_int_equal(sv_guest_labels_build(*state, (struct sv_pair){ 4, 4 },
					       &l, NULL),
			 -22);
	assert_int_equal(sv_guest_labels_build(*state,
					       (struct sv_pair){ 4, 1024 }, &l,
					       NULL),
			 -22);
}

static void two_pairs_give_disjoint_private_labels(void **state)
{
	struct sv_guest_labels a, b;

	assert_int_equal(sv_guest_labels_build(*state, (struct sv_pair){ 1, 2 },
					       &a, NULL),
			 0);
	assert_int_equal(sv_guest_labels_build(*state, (struct sv_pair){ 1, 3 },
					       &b, NULL),
			 0);
	assert_string_not_equal(a.image, b.image);
	assert_string_not_equal(a.process, b.process);
	assert_string_equal(a.shared, b.shared);
	assert_string_equal(a.content, b.content);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(guest_labels_use_the_default_types_and_pair, setup_bases),
		cmocka_unit_test_setup(base_categories_and_ranges_are_replaced, setup_bases),
		cmocka_unit_test_setup(base_sensitivity_is_kept, setup_bases),
		cmocka_unit_test_setup(pair_with_c0_builds_no_labels, setup_bases),
		cmocka_unit_test_setup(descending_or_equal_pair_builds_no_labels, setup_bases),
		cmocka_unit_test_setup(two_pairs_give_disjoint_private_labels, setup_bases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
