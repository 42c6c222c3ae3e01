/* test_vhd.c: the VHD parsers: footers of the three disk types and ones whose cookie, version,
 * checksum or type do not hold; a differencing disk's dynamic header and its parent locators. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vhd.h"
#include "vhd_image.h"

static void footer_gives_its_disk_type(void **state)
{
	uint8_t f[512];
	struct sv_vhd_footer t;

	(void)state;
	for (uint32_t type = 2; type <= 4; type++) {
		vhd_footer(f, type);
		assert_int_equal(sv_vhd_footer_parse(f, sizeof(f), &t, NULL), 1);
		assert_int_equal(t.type, type);
	}
	assert_int_equal(t.data_offset, VHD_HDR);
	assert_int_equal(t.uuid[0], 0x11);
	assert_int_equal(t.uuid[15], 0x11);
}

static void no_cookie_is_no_footer(void **state)
{
	uint8_t f[512];
	struct sv_vhd_footer t = { .type = SV_VHD_FIXED };

	(void)state;
	memset(f, 0, sizeof(f));
	assert_int_equal(sv_vhd_footer_parse(f, sizeof(f), &t, NULL), 0);
	vhd_footer(f, SV_VHD_DIFFERENCING);
	assert_int_equal(sv_vhd_footer_parse(f, 100, &t, NULL), 0);
	assert_int_equal(t.type, SV_VHD_FIXED);	/* untouched */
}

static void refused(uint8_t f[512], const char *why)
{
	struct sv_vhd_footer t = { .type = SV_VHD_FIXED };
	struct sv_error err = { "" };

	assert_int_equal(sv_vhd_footer_parse(f, 512, &t, &err), -EINVAL);
	if (!strstr(err.msg, why))
		fail_msg("\"%s\" does not say \"%s\"", err.msg, why);
	assert_int_equal(t.type, SV_VHD_FIXED);
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

/* ---- the dynamic header ---- */

static uint8_t *diff(const struct vhd_loc *loc, size_t nloc, size_t *len)
{
	uint8_t *img;

	*len = vhd_image(4, 1 << 20, 0x22, 0x33, "base.vhd", loc, nloc, &img);
	assert_true(*len > 0);
	return img;
}

static int header(const uint8_t *img, size_t len, struct sv_vhd_header *h,
		  struct sv_error *err)
{
	return sv_vhd_header_parse(img + VHD_HDR, SV_VHD_HEADER_LEN, VHD_HDR,
				   len, h, err);
}

static void header_gives_parent_id_name_and_locators(void **state)
{
	static const struct vhd_loc loc[] = {
		{ VHD_W2RU, "base.vhd", 0 }, { 0x4d616320, "alias", 1 },
		{ VHD_MACX, "./base.vhd", 0 },
	};
	struct sv_vhd_header h;
	size_t len;
	uint8_t *img = diff(loc, 3, &len);

	(void)state;
	assert_int_equal(header(img, len, &h, NULL), 0);
	assert_false(h.parent_raw);
	assert_int_equal(h.parent_uuid[0], 0x33);
	assert_string_equal(h.parent_name, "base.vhd");
	/* "Mac " (an alias record) is skipped, as tapdisk skips it */
	assert_int_equal(h.nloc, 2);
	assert_int_equal(h.loc[0].code, SV_VHD_W2RU);
	assert_int_equal(h.loc[0].entry, 0);
	assert_int_equal(h.loc[1].code, SV_VHD_MACX);
	assert_int_equal(h.loc[1].entry, 2);
	assert_int_equal(h.loc[1].offset, VHD_LOC_DATA + 2 * 512);
	assert_int_equal(h.loc[1].len, strlen("file://./base.vhd"));
	free(img);
}

static void header_refused(uint8_t *img, size_t len, const char *why)
{
	struct sv_vhd_header h = { .nloc = 7 };
	struct sv_error err = { "" };

	assert_int_equal(header(img, len, &h, &err), -EINVAL);
	if (!strstr(err.msg, why))
		fail_msg("\"%s\" does not say \"%s\"", err.msg, why);
	assert_int_equal(h.nloc, 7);	/* untouched */
	free(img);
}

static void bad_header_fields_are_refused_by_name(void **state)
{
	static const struct vhd_loc loc[] = { { VHD_MACX, "base.vhd", 0 } };
	uint8_t *img;
	size_t len;

	(void)state;
	img = diff(loc, 1, &len);
	img[VHD_HDR + 100] ^= 1;
	header_refused(img, len, "dynamic header checksum");
	img = diff(loc, 1, &len);
	memcpy(img + VHD_HDR, "cxsparsX", 8);
	header_refused(img, len, "\"cxsparse\" cookie");
	img = diff(loc, 1, &len);
	img[VHD_HDR + VHD_HDR_VERSION] = 2;
	vhd_header_sum(img + VHD_HDR);
	header_refused(img, len, "version");
	/* a lone surrogate, then a control character, in the parent name */
	img = diff(loc, 1, &len);
	img[VHD_HDR + VHD_HDR_PARENT_NAME + 2] = 0xd8;
	vhd_header_sum(img + VHD_HDR);
	header_refused(img, len, "parent name has a lone high surrogate");
	img = diff(loc, 1, &len);
	img[VHD_HDR + VHD_HDR_PARENT_NAME + 3] = '\n';
	vhd_header_sum(img + VHD_HDR);
	header_refused(img, len, "parent name holds a control character");
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Locator entry 0's length or offset set to v, the header summed again. */
static uint8_t *with_loc(size_t field, uint32_t v, size_t *len)
{
	static const struct vhd_loc loc[] = { { VHD_W2KU, "/srv/base.vhd", 0 } };
	uint8_t *img = diff(loc, 1, len);

	put32(img + VHD_HDR + VHD_HDR_LOC + field, v);
	vhd_header_sum(img + VHD_HDR);
	return img;
}

static void locator_out_of_bounds_is_refused(void **state)
{
	uint8_t *img;
	size_t len;

	(void)state;
	img = with_loc(8, 0, &len);
	header_refused(img, len, "parent locator 0 (W2ku) data length 0");
	img = with_loc(8, 4096, &len);
	header_refused(img, len, "data length 4096 is not 1..2048");
	img = with_loc(20, 0xfffffff0u, &len);
	header_refused(img, len, "runs past the end of the file");
	img = with_loc(20, 100, &len);
	header_refused(img, len, "overlaps the footer's copy or the header");
	img = with_loc(20, VHD_HDR + 1000, &len);
	header_refused(img, len, "overlaps");
}

static void decode_ok(uint32_t code, const char *data, size_t n,
		      const char *want)
{
	char out[SV_VHD_LOCATOR_MAX + 1];

	assert_int_equal(sv_vhd_locator_decode(code, (const uint8_t *)data, n,
					       out, NULL), 0);
	assert_string_equal(out, want);
}

static void decode_bad(uint32_t code, const char *data, size_t n,
		       const char *why)
{
	char out[SV_VHD_LOCATOR_MAX + 1];
	struct sv_error err = { "" };

	assert_int_equal(sv_vhd_locator_decode(code, (const uint8_t *)data, n,
					       out, &err), -EINVAL);
	if (!strstr(err.msg, why))
		fail_msg("\"%s\" does not say \"%s\"", err.msg, why);
}

static void locators_decode_as_tapdisk_reads_them(void **state)
{
	(void)state;
	decode_ok(SV_VHD_MACX, "file://./base.vhd", 17, "./base.vhd");
	decode_ok(SV_VHD_MACX, "file:///srv/b.vhd", 17, "/srv/b.vhd");
	decode_ok(SV_VHD_W2RU, ".\0\\\0b\0.\0v\0", 10, "./b.v");
	decode_ok(SV_VHD_W2KU, "C\0:\0\\\0s\0\\\0b\0", 12, "/s/b");
	decode_bad(SV_VHD_MACX, "http://x/b.vhd", 14, "not a file:// URL");
	decode_bad(SV_VHD_MACX, "file://", 7, "not a file:// URL");
	decode_bad(SV_VHD_MACX, "file://b\0.vhd", 13, "control");
	decode_bad(SV_VHD_MACX, "file://b\xc3\xa9.vhd", 14, "non-ASCII");
	decode_bad(SV_VHD_W2RU, ".\0\\\0b", 5, "odd length");
	decode_bad(SV_VHD_W2RU, ".\0\xe9\0", 4, "beyond ASCII");
	decode_bad(SV_VHD_W2RU, ".\0\\\x20", 4, "beyond ASCII");
	decode_bad(SV_VHD_W2KU, "C\0:\0", 4, "empty path");
	decode_bad(0x4d616320, "alias", 5, "platform code");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(footer_gives_its_disk_type),
		cmocka_unit_test(no_cookie_is_no_footer),
		cmocka_unit_test(bad_checksum_is_refused),
		cmocka_unit_test(unknown_type_and_version_are_refused),
		cmocka_unit_test(header_gives_parent_id_name_and_locators),
		cmocka_unit_test(bad_header_fields_are_refused_by_name),
		cmocka_unit_test(locator_out_of_bounds_is_refused),
		cmocka_unit_test(locators_decode_as_tapdisk_reads_them),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
