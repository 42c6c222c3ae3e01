/* test_vhd.c: the VHD footer parser: the three disk types, and footers whose cookie,
 * version, checksum or type do not hold. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vhd.h"
#include "vhd_image.h"

static void footer_gives_its_disk_type(void **state)
{
	uint8_t f[512];
	enum sv_vhd_type t;

	(void)state;
	for (uint32_t type = 2; type <= 4; type++) {
		vhd_footer(f, type);
		assert_int_equal(sv_vhd_footer_parse(f, sizeof(f), &t, NULL), 1);
		assert_int_equal(t, type);
	}
}

static void no_cookie_is_no_footer(void **state)
{
	uint8_t f[512];
	enum sv_vhd_type t = SV_VHD_FIXED;

	(void)state;
	memset(f, 0, sizeof(f));
	assert_int_equal(sv_vhd_footer_parse(f, sizeof(f), &t, NULL), 0);
	vhd_footer(f, SV_VHD_DIFFERENCING);
	assert_int_equal(sv_vhd_footer_parse(f, 100, &t, NULL), 0);
	assert_int_equal(t, SV_VHD_FIXED);	/* untouched */
}

static void refused(uint8_t f[512], const char *why)
{
	enum sv_vhd_type t = SV_VHD_FIXED;
	struct sv_error err = { "" };

	assert_int_equal(sv_vhd_footer_parse(f, 512, &t, &err), -EINVAL);
	if (!strstr(err.msg, why))
		fail_msg("\"%s\" does not say \"%s\"", err.msg, why);
	assert_int_equal(t, SV_VHD_FIXED);
}

static void bad_checksum_is_refused(void **state)
{
	uint8_t f[512];

	(void)state;
	vhd_footer(f, SV_VHD_FIXED);
	f[VHD_OFF_TYPE + 3] = SV_VHD_DIFFERENCING;	/* sum not updated */
	refused(f, "checksum");
}

static void unknown_type_and_version_are_refused(void **state)
{
	uint8_t f[512];

	(void)state;
	vhd_footer(f, 5);
	refused(f, "disk type 5");
	vhd_footer(f, SV_VHD_FIXED);
	f[12] = 2;
	vhd_footer_sum(f);
	refused(f, "format version");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(footer_gives_its_disk_type),
		cmocka_unit_test(no_cookie_is_no_footer),
		cmocka_unit_test(bad_checksum_is_refused),
		cmocka_unit_test(unknown_type_and_version_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
