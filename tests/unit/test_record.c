/* test_record.c: a guest's record round-trips any bytes through its text form,
 * and every malformed record (each kind its own test) is refused with a clear message. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpus.h"
#include "store.h"
#include "uuid.h"

#define UUID_A "6f0c1a52-3c5e-4d1a-9a4e-2b7f0e9d8c11"
#define UUID_B "0d9e8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b"

/* ---- helpers ------------------------------------------------------------ */

static void add_object(struct sv_record *r, const char *path, const char *orig,
		       const char *label)
{
	assert_int_equal(sv_record_add_object(r, path, orig, label), 0);
}

/* The record the malformed cases edit: two objects, a name needing escapes. */
static void base_record(struct sv_record *r)
{
	memcpy(r->uuid, UUID_A, sizeof(r->uuid));
	r->domid = 7;
	r->pair = (struct sv_pair){ 3, 7 };
	assert_int_equal(sv_record_set_name(r, "web server"), 0);
	add_object(r, "/dev/xen/blktap-2/tapdev3",
		   "system_u:object_r:fixed_disk_device_t:s0",
		   "system_u:object_r:svirt_xen_image_t:s0:c3,c7");
	add_object(r, "/var/lib/xen/images/web.img",
		   "system_u:object_r:xen_image_t:s0",
		   "system_u:object_r:svirt_xen_image_t:s0:c3,c7");
}

static char *format_ok(const struct sv_record *r, size_t *len)
{
	struct sv_error err = { "" };
	char *text = NULL;

	if (sv_record_format(r, &text, len, &err) != 0)
		fail_msg("format: %s", err.msg);
	return text;
}

static char *base_text(size_t *len)
{
	_cleanup_(sv_record_clear) struct sv_record r = { .name = NULL };

	base_record(&r);
	return format_ok(&r, len);
}

/* Parsing must fail with a message containing needle, out untouched. */
static void assert_refused(const char *buf, size_t len, const char *needle)
{
	struct sv_record out = { .domid = 12345 };
	struct sv_error err = { "" };
	int ret = sv_record_parse(buf, len, &out, &err);

	if (ret >= 0)
		fail_msg("accepted: %.*s", (int)len, buf);
	assert_int_equal(ret, -EINVAL);
	assert_int_equal(out.domid, 12345);
	assert_null(out.name);
	if (needle && !strstr(err.msg, needle))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, needle);
}

/* Body text plus a correct end line, so only the body's fault can refuse it. */
static char *seal(const char *body, size_t *len)
{
	size_t n = strlen(body);
	char *out = malloc(n + 64);

	assert_non_null(out);
	*len = (size_t)sprintf(out, "%send %zu %08x\n", body, n,
			       (unsigned)sv_record_checksum(body, n));
	return out;
}

/* The base record's body (without its end line) with one edit applied. */
static char *edited_body(const char *from, const char *to)
{
	size_t len;
	_cleanup_free_ char *text = base_text(&len);
	char *end = strstr(text, "\nend ");
	char *at, *out;

	end[1] = '\0';
	at = strstr(text, from);
	if (!at)
		fail_msg("\"%s\" not in the base record", from);
	out = malloc(strlen(text) + strlen(to) + 1);
	assert_non_null(out);
	sprintf(out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return out;
}

/* ---- uuid --------------------------------------------------------------- */

static void uuid_is_lower_cased_when_normalised(void **state)
{
	char out[SV_UUID_BUF];

	(void)state;
	assert_int_equal(sv_uuid_normalise("6F0C1A52-3C5E-4D1A-9A4E-2B7F0E9D8C11",
					   out, NULL), 0);
	assert_string_equal(out, UUID_A);
	assert_true(sv_uuid_is_canonical(UUID_A));
	assert_false(sv_uuid_is_canonical("6F0C1A52-3C5E-4D1A-9A4E-2B7F0E9D8C11"));
}

static void uuid_of_any_other_shape_is_refused(void **state)
{
	static const char *const bad[] = {
		"", "6f0c1a52", UUID_A "0", "{" UUID_A "}",
		"6f0c1a523c5e4d1a9a4e2b7f0e9d8c11",
		"6f0c1a52-3c5e-4d1a-9a4e-2b7f0e9d8c1g",
		"6f0c1a5-23c5e-4d1a-9a4e-2b7f0e9d8c11",
		"6f0c1a52-3c5e-4d1a-9a4e-2b7f0e9d8c1\n",
		" 6f0c1a52-3c5e-4d1a-9a4e-2b7f0e9d8c1",
	};
	char out[SV_UUID_BUF] = "untouched";
	struct sv_error err;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err.msg[0] = '\0';
		assert_int_equal(sv_uuid_normalise(bad[i], out, &err), -EINVAL);
		assert_string_equal(out, "untouched");
		assert_true(strncmp(err.msg, "uuid: ", 6) == 0);
	}
	assert_true(sv_uuid_is_nil("00000000-0000-0000-0000-000000000000"));
}

/* ---- records in memory and as text -------------------------------------- */

static void record_round_trips_nasty_bytes(void **state)
{
	_cleanup_(sv_record_clear) struct sv_record r = { .name = NULL };
	_cleanup_(sv_record_clear) struct sv_record back = { .name = NULL };
	_cleanup_free_ char *text = NULL, *again = NULL;
	char name[256];
	size_t len, len2;
	struct sv_error err;

	(void)state;
	for (int i = 1; i < 256; i++)	/* every byte but NUL */
		name[i - 1] = (char)i;
	name[255] = '\0';
	memcpy(r.uuid, UUID_B, sizeof(r.uuid));
	r.domid = SV_DOMID_MAX;
	r.pair = (struct sv_pair){ 1, 1023 };
	assert_int_equal(sv_record_set_name(&r, name), 0);
	add_object(&r, "/srv/x y%20\n\r\t\x7f\x80\xff\xc3\xa9/-", "",
		   "a b%\n:c");
	add_object(&r, name + 46, name, name);	/* name + 46 is "/0123..." */
	text = format_ok(&r, &len);
	assert_int_equal(sv_record_parse(text, len, &back, &err), 0);
	assert_true(sv_record_equal(&r, &back));
	/* Canonical: what parses formats back to the same bytes. */
	again = format_ok(&back, &len2);
	assert_int_equal(len, len2);
	assert_memory_equal(text, again, len);
	/* Only printable ASCII and newlines ever reach the file. */
	for (size_t i = 0; i < len; i++)
		assert_true(text[i] == '\n' || (text[i] > 0x20 && text[i] < 0x7f) ||
			    text[i] == ' ');
}

static void record_of_a_reservation_has_no_domid(void **state)
{
	_cleanup_(sv_record_clear) struct sv_record r = { .name = NULL };
	_cleanup_(sv_record_clear) struct sv_record back = { .name = NULL };
	_cleanup_free_ char *text = NULL;
	size_t len;

	(void)state;
	memcpy(r.uuid, UUID_A, sizeof(r.uuid));
	r.domid = SV_DOMID_NONE;
	r.pair = (struct sv_pair){ 10, 20 };
	assert_int_equal(sv_record_set_name(&r, ""), 0);
	text = format_ok(&r, &len);
	assert_non_null(strstr(text, "\ndomid none\nname \n"));
	assert_int_equal(sv_record_parse(text, len, &back, NULL), 0);
	assert_true(sv_record_equal(&r, &back));
}

static void record_of_4096_objects_and_longest_strings_round_trips(void **state)
{
	_cleanup_(sv_record_clear) struct sv_record r = { .name = NULL };
	_cleanup_(sv_record_clear) struct sv_record back = { .name = NULL };
	_cleanup_free_ char *text = NULL, *longest = malloc(SV_RECORD_STR_MAX + 2);
	char path[64];
	size_t len;

	(void)state;
	memset(longest, 0xff, SV_RECORD_STR_MAX + 1);
	longest[0] = '/';
	longest[SV_RECORD_STR_MAX + 1] = '\0';
	base_record(&r);
	assert_int_equal(sv_record_set_name(&r, longest), -EINVAL);
	longest[SV_RECORD_STR_MAX] = '\0';
	assert_int_equal(sv_record_set_name(&r, longest), 0);
	add_object(&r, longest, longest + 1, longest);
	for (unsigned i = r.nobjects; i < SV_RECORD_OBJECTS_MAX; i++) {
		snprintf(path, sizeof(path), "/dev/loop%u", i);
		add_object(&r, path, "", "l");
	}
	assert_int_equal(sv_record_add_object(&r, "/dev/one-more", "", "l"),
			 -E2BIG);
	text = format_ok(&r, &len);
	assert_int_equal(sv_record_parse(text, len, &back, NULL), 0);
	assert_true(sv_record_equal(&r, &back));
}

static void record_add_object_refuses_what_cannot_be_restored(void **state)
{
	_cleanup_(sv_record_clear) struct sv_record r = { .name = NULL };

	(void)state;
	base_record(&r);
	assert_int_equal(sv_record_add_object(&r, "dev/sda", "", "l"), -EINVAL);
	assert_int_equal(sv_record_add_object(&r, "", "", "l"), -EINVAL);
	assert_int_equal(sv_record_add_object(&r, "/dev/sda", "o", ""), -EINVAL);
	assert_int_equal(sv_record_add_object(&r, "/dev/xen/blktap-2/tapdev3",
					      "o", "l"), -EEXIST);
	assert_int_equal(r.nobjects, 2);
}

static void record_format_refuses_an_invalid_record(void **state)
{
	static const struct {
		const char *uuid;
		int domid;
		struct sv_pair pair;
		const char *needle;
	} bad[] = {
		{ "6F0C1A52-3C5E-4D1A-9A4E-2B7F0E9D8C11", 7, { 3, 7 }, "lower-case" },
		{ "00000000-0000-0000-0000-000000000000", 7, { 3, 7 }, "nil" },
		{ UUID_A, 0, { 3, 7 }, "domid 0" },
		{ UUID_A, 32752, { 3, 7 }, "domid 32752" },
		{ UUID_A, -2, { 3, 7 }, "domid -2" },
		{ UUID_A, 7, { 0, 7 }, "pair" },
		{ UUID_A, 7, { 7, 3 }, "pair" },
		{ UUID_A, 7, { 3, 1024 }, "pair" },
	};
	_cleanup_(sv_record_clear) struct sv_record r = { .name = NULL };
	char *text = NULL;
	size_t len = 99;
	struct sv_error err;

	(void)state;
	base_record(&r);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(r.uuid, bad[i].uuid, sizeof(r.uuid));
		r.domid = bad[i].domid;
		r.pair = bad[i].pair;
		assert_int_equal(sv_record_format(&r, &text, &len, &err), -EINVAL);
		assert_null(text);
		assert_int_equal(len, 99);
		if (!strstr(err.msg, bad[i].needle))
			fail_msg("\"%s\" lacks \"%s\"", err.msg, bad[i].needle);
	}
	/* A caller filling the array itself cannot slip a duplicate past. */
	memcpy(r.uuid, UUID_A, sizeof(r.uuid));
	r.domid = 7;
	r.pair = (struct sv_pair){ 3, 7 };
	free(r.objects[1].path);
	r.objects[1].path = strdup(r.objects[0].path);
	assert_int_equal(sv_record_format(&r, &text, &len, &err), -EEXIST);
}

static void record_checksum_is_crc32(void **state)
{
	(void)state;
	/* The standard check value, as zlib's crc32() computes it. */
	assert_int_equal(sv_record_checksum("123456789", 9), 0xcbf43926u);
	assert_int_equal(sv_record_checksum("", 0), 0);
}

static void record_format_refuses_a_record_over_16_mib(void **state)
{
	_cleanup_(sv_record_clear) struct sv_record r = { .name = NULL };
	_cleanup_free_ char *big = malloc(SV_RECORD_STR_MAX + 1);
	char *text = NULL;
	size_t len = 99;
	struct sv_error err;

	(void)state;
	/* 0xff escapes to three bytes: 1400 objects of three such strings. */
	memset(big, 0xff, SV_RECORD_STR_MAX);
	big[SV_RECORD_STR_MAX] = '\0';
	base_record(&r);
	for (unsigned i = 0; i < 1400; i++) {
		snprintf(big, 8, "/%05u", i);
		big[6] = (char)0xff;
		add_object(&r, big, big, big);
	}
	assert_int_equal(sv_record_format(&r, &text, &len, &err), -E2BIG);
	assert_null(text);
	assert_int_equal(len, 99);
	assert_non_null(strstr(err.msg, "at most"));
}

static void record_truncated_at_any_byte_is_refused(void **state)
{
	size_t len;
	_cleanup_free_ char *text = base_text(&len);

	(void)state;
	for (size_t n = 0; n < len; n++) {
		/* An exact-size copy, so ASan sees any read past the end. */
		char *cut = malloc(n ? n : 1);

		memcpy(cut, text, n);
		assert_refused(cut, n, "line");
		free(cut);
	}
}

static void record_with_any_byte_changed_is_refused(void **state)
{
	size_t len;
	_cleanup_free_ char *text = base_text(&len);

	(void)state;
	for (size_t i = 0; i < len; i++) {
		static const unsigned char flips[] = { 0x01, 0x20, 0x80, 0xff };

		for (size_t f = 0; f < ARRAY_SIZE(flips); f++) {
			text[i] ^= (char)flips[f];
			assert_refused(text, len, NULL);
			text[i] ^= (char)flips[f];
		}
	}
}

static void record_with_bad_checksum_or_length_is_refused(void **state)
{
	size_t len;
	_cleanup_free_ char *text = base_text(&len);
	char *end = strstr(text, "\nend ") + 1;
	char *crc = strrchr(text, ' ') + 1;

	(void)state;
	crc[0] = crc[0] == '0' ? '1' : '0';
	assert_refused(text, len, "checksum mismatch");
	crc[0] = crc[0] == '0' ? '1' : '0';
	end[4]++;		/* the length's first digit */
	assert_refused(text, len, "precede the end line");
}

static void record_without_end_line_is_refused(void **state)
{
	size_t len;
	_cleanup_free_ char *text = base_text(&len);
	size_t body = (size_t)(strstr(text, "\nend ") + 1 - text);

	(void)state;
	assert_refused(text, body, "end of file before 'end' (truncated)");
	assert_refused(text, len - 1, "no newline (truncated)");
}

static void record_with_data_after_end_line_is_refused(void **state)
{
	size_t len;
	_cleanup_free_ char *text = base_text(&len);
	char *more = malloc(len + 2);

	(void)state;
	memcpy(more, text, len);
	more[len] = '\n';
	assert_refused(more, len + 1, "data after the end line");
	free(more);
}

static void record_with_nul_byte_is_refused(void **state)
{
	_cleanup_free_ char *body = edited_body("web%20server", "web");
	_cleanup_free_ char *text = NULL;
	size_t len;

	(void)state;
	text = seal(body, &len);
	*strstr(text, "web") = '\0';
	assert_refused(text, len, "NUL byte");
}

static void record_larger_than_limit_is_refused(void **state)
{
	_cleanup_free_ char *huge = malloc(SV_RECORD_SIZE_MAX + 1);

	(void)state;
	memset(huge, '\n', SV_RECORD_SIZE_MAX + 1);
	assert_refused(huge, SV_RECORD_SIZE_MAX + 1, "at most");
}

/* One edit of the base record (resealed, so the edit is what is refused). */
struct bad_edit {
	const char *test;
	const char *from;
	const char *to;
	const char *needle;
};

static const struct bad_edit bad_edits[] = {
	{ "record_of_version_2_is_refused", "svirt-record 1", "svirt-record 2", "version '2'" },
	{ "record_with_crlf_lines_is_refused", "svirt-record 1\n", "svirt-record 1\r\n", "version '1%0D'" },
	{ "record_without_magic_is_refused", "svirt-record", "svirt-recrd", "unknown key 'svirt-recrd'" },
	{ "record_with_non_hex_uuid_is_refused", "uuid 6f0c1a52", "uuid 6f0c1a5g", "not 8-4-4-4-12" },
	{ "record_with_upper_case_uuid_is_refused", "8c11\n", "8C11\n", "lower-case" },
	{ "record_with_short_uuid_is_refused", "8c11\n", "8c1\n", "bad uuid" },
	{ "record_with_nil_uuid_is_refused", UUID_A, "00000000-0000-0000-0000-000000000000", "nil uuid" },
	{ "record_with_domid_0_is_refused", "domid 7\n", "domid 0\n", "dom0" },
	{ "record_with_reserved_domid_is_refused", "domid 7\n", "domid 32752\n", "out of range" },
	{ "record_with_huge_domid_is_refused", "domid 7\n", "domid 99999999999\n", "out of range" },
	{ "record_with_negative_domid_is_refused", "domid 7\n", "domid -1\n", "not a number" },
	{ "record_with_zero_padded_domid_is_refused", "domid 7\n", "domid 07\n", "canonical" },
	{ "record_with_empty_domid_is_refused", "domid 7\n", "domid \n", "canonical" },
	{ "record_with_two_spaces_is_refused", "domid 7\n", "domid  7\n", "not a number" },
	{ "record_with_reversed_pair_is_refused", "pair c3,c7", "pair c7,c3", "line 5" },
	{ "record_with_pair_using_c0_is_refused", "pair c3,c7", "pair c0,c7", "c0" },
	{ "record_with_three_categories_is_refused", "pair c3,c7", "pair c3,c7,c9", "exactly two" },
	{ "record_with_control_byte_in_pair_is_refused", "pair c3,c7", "pair c3,\x01" "c7", "bad pair 'c3,%01c7'" },
	{ "record_with_duplicate_uuid_is_refused", "domid 7\n", "uuid " UUID_A "\ndomid 7\n", "duplicate 'uuid'" },
	{ "record_with_duplicate_name_is_refused", "pair c3", "name x\npair c3", "duplicate 'name'" },
	{ "record_with_unknown_key_is_refused", "name web", "nick web", "unknown key 'nick'" },
	{ "record_without_pair_is_refused", "pair c3,c7\n", "", "'objects' out of place, expected 'pair'" },
	{ "record_with_empty_line_is_refused", "pair c3,c7\n", "pair c3,c7\n\n", "unknown key ''" },
	{ "record_with_indented_line_is_refused", "pair c3,c7\n", " pair c3,c7\n", "unknown key ''" },
	{ "record_with_bare_key_is_refused", "objects 2\n", "objects\n", "without a value" },
	{ "record_with_too_many_objects_is_refused", "objects 2\n", "objects 4097\n", "out of range" },
	{ "record_with_fewer_objects_than_declared_is_refused", "objects 2\n", "objects 3\n", "fewer objects" },
	{ "record_with_more_objects_than_declared_is_refused", "objects 2\n", "objects 1\n", "more objects" },
	{ "record_with_zero_padded_count_is_refused", "objects 2\n", "objects 02\n", "canonical" },
	{ "record_with_duplicate_object_is_refused", "path /var/lib/xen/images/web.img", "path /dev/xen/blktap-2/tapdev3", "listed twice" },
	{ "record_with_relative_path_is_refused", "path /dev/xen", "path dev/xen", "not absolute" },
	{ "record_with_empty_path_is_refused", "path /dev/xen/blktap-2/tapdev3\n", "path \n", "not absolute" },
	{ "record_with_empty_label_is_refused", "label system_u:object_r:svirt_xen_image_t:s0:c3,c7\npath", "label \npath", "empty label" },
	{ "record_with_label_before_orig_is_refused", "orig system_u:object_r:fixed_disk_device_t:s0\nlabel system_u:object_r:svirt_xen_image_t:s0:c3,c7\n", "label system_u:object_r:svirt_xen_image_t:s0:c3,c7\norig system_u:object_r:fixed_disk_device_t:s0\n", "'label' out of place, expected 'orig'" },
	{ "record_with_raw_space_is_refused", "web%20server", "web server", "byte 0x20 not escaped" },
	{ "record_with_raw_tab_is_refused", "web%20server", "web\tserver", "byte 0x09 not escaped" },
	{ "record_with_raw_high_byte_is_refused", "web%20server", "web\xc3\xa9", "byte 0xc3 not escaped" },
	{ "record_with_needless_escape_is_refused", "web%20server", "w%65b%20server", "needless" },
	{ "record_with_lower_case_escape_is_refused", "web%20server", "web%7f", "bad %XX escape" },
	{ "record_with_cut_escape_is_refused", "web%20server", "web%2", "bad %XX escape" },
	{ "record_with_escaped_nul_is_refused", "web%20server", "web%00", "NUL escape" },
};

static void record_with_bad_edit_is_refused(void **state)
{
	const struct bad_edit *e = *state;
	_cleanup_free_ char *body = edited_body(e->from, e->to);
	_cleanup_free_ char *text = NULL;
	size_t len;

	text = seal(body, &len);
	assert_refused(text, len, e->needle);
}

static void refused_file(const char *path, const char *data, size_t len,
			 void *arg)
{
	struct sv_record out = { .domid = 12345 };
	struct sv_error err;

	(*(unsigned *)arg)++;
	if (sv_record_parse(data, len, &out, &err) == 0)
		fail_msg("%s: accepted", path);
}

static void bad_record_corpus_is_refused(void **state)
{
	unsigned n = 0;

	(void)state;
	assert_true(corpus_each("tests/data/bad/record", refused_file, &n) > 0);
	assert_true(n >= 20);
}

static void parsed_file(const char *path, const char *data, size_t len,
			void *arg)
{
	_cleanup_(sv_record_clear) struct sv_record out = { .name = NULL };
	struct sv_error err;

	(void)arg;
	if (sv_record_parse(data, len, &out, &err) != 0)
		fail_msg("%s: %s", path, err.msg);
}

static void fuzz_seed_records_parse(void **state)
{
	(void)state;
	assert_true(corpus_each("tests/data/fuzz/record", parsed_file, NULL) > 0);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(uuid_is_lower_cased_when_normalised),
		cmocka_unit_test(uuid_of_any_other_shape_is_refused),
		cmocka_unit_test(record_round_trips_nasty_bytes),
		cmocka_unit_test(record_of_a_reservation_has_no_domid),
		cmocka_unit_test(record_of_4096_objects_and_longest_strings_round_trips),
		cmocka_unit_test(record_add_object_refuses_what_cannot_be_restored),
		cmocka_unit_test(record_format_refuses_an_invalid_record),
		cmocka_unit_test(record_checksum_is_crc32),
		cmocka_unit_test(record_format_refuses_a_record_over_16_mib),
		cmocka_unit_test(record_truncated_at_any_byte_is_refused),
		cmocka_unit_test(record_with_any_byte_changed_is_refused),
		cmocka_unit_test(record_with_bad_checksum_or_length_is_refused),
		cmocka_unit_test(record_without_end_line_is_refused),
		cmocka_unit_test(record_with_data_after_end_line_is_refused),
		cmocka_unit_test(record_with_nul_byte_is_refused),
		cmocka_unit_test(record_larger_than_limit_is_refused),
		cmocka_unit_test(bad_record_corpus_is_refused),
		cmocka_unit_test(fuzz_seed_records_parse),
	};
	/* Each malformed edit is its own test, named after what it breaks. */
	struct CMUnitTest tests[ARRAY_SIZE(fixed) + ARRAY_SIZE(bad_edits)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		tests[n++] = fixed[i];
	for (size_t i = 0; i < ARRAY_SIZE(bad_edits); i++)
		tests[n++] = (struct CMUnitTest){
			.name = bad_edits[i].test,
			.test_func = record_with_bad_edit_is_refused,
			.initial_state = (void *)&bad_edits[i],
		};
	return _cmocka_run_group_tests("record", tests, n, NULL, NULL);
}
