/* test_qcow2.c: the qcow2 header parser on images as qemu-img writes them and on hostile
 * ones: lengths and offsets past the cluster or the file, cut headers, features it must refuse. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qcow2.h"
#include "qcow2_image.h"

/* An overlay of 1 MiB on "base.img" (raw), 512-byte clusters. */
static size_t overlay(uint8_t **img)
{
	size_t n = qcow2_image(9, 1 << 20, "base.img", "raw", img);

	assert_true(n > 0);
	return n;
}

static void refused(const uint8_t *img, size_t len, uint64_t size,
		    const char *why)
{
	struct sv_qcow2_info q = { .version = 99 };
	struct sv_error err = { "" };

	assert_int_equal(sv_qcow2_parse(img, len, size, &q, &err), -EINVAL);
	if (!strstr(err.msg, why))
		fail_msg("\"%s\" does not say \"%s\"", err.msg, why);
	assert_int_equal(q.version, 99);	/* untouched */
}

static void overlay_names_its_backing_file_and_format(void **state)
{
	struct sv_qcow2_info q;
	uint8_t *img;
	size_t n = overlay(&img);

	(void)state;
	assert_int_equal(sv_qcow2_parse(img, n, n, &q, NULL), 0);
	assert_int_equal(q.version, 3);
	assert_true(q.has_backing);
	assert_string_equal(q.backing, "base.img");
	assert_string_equal(q.backing_format, "raw");
	free(img);
}

static void image_without_backing_file_names_none(void **state)
{
	struct sv_qcow2_info q;
	uint8_t *img;
	size_t n = qcow2_image(16, 1 << 20, NULL, NULL, &img);

	(void)state;
	assert_int_equal(sv_qcow2_parse(img, n > SV_QCOW2_HEAD_MAX ?
					SV_QCOW2_HEAD_MAX : n, n, &q, NULL), 0);
	assert_false(q.has_backing);
	assert_string_equal(q.backing_format, "");
	free(img);
}

static void version_2_without_format_extension_parses(void **state)
{
	struct sv_qcow2_info q;
	uint8_t *img;
	size_t n = qcow2_image(9, 1 << 20, "/abs/base.qcow2", NULL, &img);

	(void)state;
	qcow2_put_be32(img + QCOW2_OFF_VERSION, 2);
	/* Version 2 has no header_length: its extensions start at 72,
	 * here zeros (the end marker). */
	memset(img + 72, 0, QCOW2_HEADER_LEN - 72);
	assert_int_equal(sv_qcow2_parse(img, n, n, &q, NULL), 0);
	assert_int_equal(q.version, 2);
	assert_string_equal(q.backing, "/abs/base.qcow2");
	free(img);
}

static void huge_backing_name_length_is_refused(void **state)
{
	uint8_t *img;
	size_t n = overlay(&img);

	(void)state;
	qcow2_put_be32(img + QCOW2_OFF_BACKING_SIZE, 0xffffffffu);
	refused(img, n, n, "longer than 1023");
	qcow2_put_be32(img + QCOW2_OFF_BACKING_SIZE, 1024);
	refused(img, n, n, "longer than 1023");
	free(img);
}

static void backing_name_offset_beyond_eof_is_refused(void **state)
{
	uint8_t *img;
	size_t n = overlay(&img);

	(void)state;
	/* The file ends inside the name. */
	refused(img, 130, 130, "past the end of the file");
	qcow2_put_be64(img + QCOW2_OFF_BACKING_OFFSET, UINT64_MAX - 2);
	refused(img, n, n, "past the first cluster");
	qcow2_put_be64(img + QCOW2_OFF_BACKING_OFFSET, 510);
	refused(img, n, n, "past the first cluster");
	free(img);
}

static void backing_name_inside_the_header_is_refused(void **state)
{
	uint8_t *img;
	size_t n = overlay(&img);

	(void)state;
	qcow2_put_be64(img + QCOW2_OFF_BACKING_OFFSET, 8);
	refused(img, n, n, "overlaps the header");
	free(img);
}

static void backing_name_beyond_what_is_read_is_refused(void **state)
{
	uint8_t *img;
	size_t n = qcow2_image(16, 1 << 20, "b", NULL, &img);

	(void)state;
	/* 128 KiB clusters: the name may lie past what svirtd reads. */
	qcow2_put_be32(img + QCOW2_OFF_CLUSTER_BITS, 17);
	qcow2_put_be64(img + QCOW2_OFF_BACKING_OFFSET, SV_QCOW2_HEAD_MAX - 1);
	qcow2_put_be32(img + QCOW2_OFF_BACKING_SIZE, 2);
	refused(img, SV_QCOW2_HEAD_MAX, n, "beyond the first");
	free(img);
}

static void control_bytes_and_nul_in_the_name_are_refused(void **state)
{
	uint8_t *img;
	size_t n = overlay(&img);
	uint64_t at = 104 + 16 + 8;	/* after the format extension */

	(void)state;
	img[at + 1] = '\n';
	refused(img, n, n, "control character");
	img[at + 1] = '\0';
	refused(img, n, n, "NUL byte");
	img[at + 1] = 0xff;
	refused(img, n, n, "UTF-8");
	free(img);
}

static void extension_longer_than_the_cluster_is_refused(void **state)
{
	uint8_t *img;
	size_t n = overlay(&img);

	(void)state;
	qcow2_put_be32(img + 104 + 4, 0xfffffff0u);
	refused(img, n, n, "past byte");
	free(img);
}

static void extensions_without_end_are_refused(void **state)
{
	uint8_t *img;
	size_t n = qcow2_image(9, 1 << 20, NULL, NULL, &img);

	(void)state;
	/* An unknown extension filling the cluster and no end marker. */
	for (size_t off = 104; off + 8 <= 512; off += 8) {
		qcow2_put_be32(img + off, 0x12345678u);
		qcow2_put_be32(img + off + 4, 0);
	}
	refused(img, n, n, "no end");
	free(img);
}

static void external_data_file_is_refused(void **state)
{
	uint8_t *img;
	size_t n = overlay(&img);

	(void)state;
	qcow2_put_be64(img + QCOW2_OFF_INCOMPAT, 1u << 2);
	refused(img, n, n, "external data file");
	qcow2_put_be64(img + QCOW2_OFF_INCOMPAT, 0);
	qcow2_put_be32(img + 104, 0x44415441u);	/* the data file's name */
	refused(img, n, n, "external data file");
	free(img);
}

static void unknown_incompatible_feature_is_refused(void **state)
{
	uint8_t *img;
	size_t n = overlay(&img);

	(void)state;
	qcow2_put_be64(img + QCOW2_OFF_INCOMPAT, 1ull << 40);
	refused(img, n, n, "unknown incompatible features");
	free(img);
}

static void bad_magic_version_cluster_and_header_length_are_refused(void **state)
{
	uint8_t *img;
	size_t n = overlay(&img);

	(void)state;
	qcow2_put_be32(img + QCOW2_OFF_CLUSTER_BITS, 8);
	refused(img, n, n, "cluster_bits");
	qcow2_put_be32(img + QCOW2_OFF_CLUSTER_BITS, 64);
	refused(img, n, n, "cluster_bits");
	qcow2_put_be32(img + QCOW2_OFF_CLUSTER_BITS, 9);
	qcow2_put_be32(img + QCOW2_OFF_HEADER_LENGTH, 0xfffffff8u);
	refused(img, n, n, "header_length");
	qcow2_put_be32(img + QCOW2_OFF_HEADER_LENGTH, 105);
	refused(img, n, n, "header_length");
	qcow2_put_be32(img + QCOW2_OFF_HEADER_LENGTH, 104);
	qcow2_put_be32(img + QCOW2_OFF_VERSION, 1);
	refused(img, n, n, "version 1");
	img[0] = 'X';
	refused(img, n, n, "not a qcow2 image");
	free(img);
}

static void format_name_that_is_no_name_is_refused(void **state)
{
	uint8_t *img;
	size_t n = overlay(&img);

	(void)state;
	img[104 + 8] = '/';
	refused(img, n, n, "not a format name");
	free(img);
}

static void every_cut_of_a_good_header_is_refused_or_whole(void **state)
{
	struct sv_qcow2_info q;
	uint8_t *img;
	size_t name_end = 104 + 16 + 8 + strlen("base.img");

	(void)state;
	overlay(&img);
	for (size_t len = 0; len < name_end; len++)
		assert_int_equal(sv_qcow2_parse(img, len, len, &q, NULL),
				 -EINVAL);
	assert_int_equal(sv_qcow2_parse(img, name_end, name_end, &q, NULL), 0);
	free(img);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(overlay_names_its_backing_file_and_format),
		cmocka_unit_test(image_without_backing_file_names_none),
		cmocka_unit_test(version_2_without_format_extension_parses),
		cmocka_unit_test(huge_backing_name_length_is_refused),
		cmocka_unit_test(backing_name_offset_beyond_eof_is_refused),
		cmocka_unit_test(backing_name_inside_the_header_is_refused),
		cmocka_unit_test(backing_name_beyond_what_is_read_is_refused),
		cmocka_unit_test(control_bytes_and_nul_in_the_name_are_refused),
		cmocka_unit_test(extension_longer_than_the_cluster_is_refused),
		cmocka_unit_test(extensions_without_end_are_refused),
		cmocka_unit_test(external_data_file_is_refused),
		cmocka_unit_test(unknown_incompatible_feature_is_refused),
		cmocka_unit_test(bad_magic_version_cluster_and_header_length_are_refused),
		cmocka_unit_test(format_name_that_is_no_name_is_refused),
		cmocka_unit_test(every_cut_of_a_good_header_is_refused_or_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
