/* vhd.c: the VHD footer and a differencing disk's dynamic header, read strictly: cookie,
 * version and checksum must hold before a field is believed, every offset checked against the file. */
#include "vhd.h"

#include <errno.h>
#include <string.h>

#include "util.h"

/* The footer (and its copy at byte 0). */
#define F_VERSION 12
#define F_DATA_OFFSET 16
#define F_TYPE 60
#define F_CHECKSUM 64
#define F_UUID 68

/* The dynamic header. */
#define H_VERSION 24
#define H_CHECKSUM 36
#define H_PARENT_UUID 40
#define H_PARENT_NAME 64
#define H_PARENT_NAME_LEN 512
#define H_LOCATORS 576
#define H_LOCATOR_LEN 24

/* One's complement of the sum of every byte but the 4 at sum_off. */
static uint32_t checksum(const uint8_t *buf, size_t len, size_t sum_off)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		if (i < sum_off || i >= sum_off + 4)
			sum += buf[i];
	return ~sum;
}

int sv_vhd_footer_parse(const uint8_t *buf, size_t len,
			struct sv_vhd_footer *f, struct sv_error *err)
{
	uint32_t sum, t;

	if (len != SV_VHD_FOOTER_LEN || memcmp(buf, "conectix", 8) != 0)
		return 0;
	if (sv_be32(buf + F_VERSION) >> 16 != 1)
		return sv_fail(err, EINVAL, "VHD footer has format version "
			       "0x%08x, not 1.x", sv_be32(buf + F_VERSION));
	sum = checksum(buf, len, F_CHECKSUM);
	if (sum != sv_be32(buf + F_CHECKSUM))
		return sv_fail(err, EINVAL, "VHD footer checksum 0x%08x does "
			       "not match its bytes (0x%08x)",
			       sv_be32(buf + F_CHECKSUM), sum);
	t = sv_be32(buf + F_TYPE);
	if (t != SV_VHD_FIXED && t != SV_VHD_DYNAMIC && t != SV_VHD_DIFFERENCING)
		return sv_fail(err, EINVAL, "VHD footer has disk type %u, not "
			       "fixed (2), dynamic (3) or differencing (4)", t);
	f->type = (enum sv_vhd_type)t;
	f->data_offset = sv_be64(buf + F_DATA_OFFSET);
	memcpy(f->uuid, buf + F_UUID, sizeof(f->uuid));
	return 1;
}

/* Appends code point c (below 0x110000, no surrogate) as UTF-8. */
static size_t put_utf8(char *out, uint32_t c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* The parent name: UTF-16BE up to the first NUL unit or the field's end.
 * A surrogate pair gives 4 bytes for 2 units, so out never overflows. */
static int parent_name(const uint8_t *p, char out[static SV_VHD_NAME_BUF],
		       struct sv_error *err)
{
	size_t n = 0;

	for (size_t i = 0; i < H_PARENT_NAME_LEN; i += 2) {
		uint32_t c = (uint32_t)p[i] << 8 | p[i + 1];

		if (c == 0)
			break;
		if (c >= 0xdc00 && c < 0xe000)
			return sv_fail(err, EINVAL, "VHD dynamic header: parent "
				       "name has a lone low surrogate at byte "
				       "%zu", H_PARENT_NAME + i);
		if (c >= 0xd800 && c < 0xdc00) {
			uint32_t lo = i + 3 < H_PARENT_NAME_LEN ?
				(uint32_t)p[i + 2] << 8 | p[i + 3] : 0;

			if (lo < 0xdc00 || lo >= 0xe000)
				return sv_fail(err, EINVAL, "VHD dynamic header: "
					       "parent name has a lone high "
					       "surrogate at byte %zu",
					       H_PARENT_NAME + i);
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i += 2;
		}
		if (c < 0x20 || (c >= 0x7f && c < 0xa0))
			return sv_fail(err, EINVAL, "VHD dynamic header: parent "
				       "name holds a control character at byte "
				       "%zu", H_PARENT_NAME + i);
		n += put_utf8(out + n, c);
	}
	out[n] = '\0';
	return 0;
}

static bool known_code(uint32_t code)
{
	return code == SV_VHD_MACX || code == SV_VHD_W2KU ||
	       code == SV_VHD_W2RU;
}

/* True if [a, a + alen) and [b, b + blen) meet (no overflow: a + alen and
 * b + blen are inside the file). */
static bool overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

static int locator(const uint8_t *e, unsigned i, uint64_t header_off,
		   uint64_t file_size, struct sv_vhd_locator *l,
		   struct sv_error *err)
{
	uint32_t code = sv_be32(e), len = sv_be32(e + 8);
	uint64_t off = sv_be64(e + 16);
	const char *name = sv_vhd_platform_name(code);

	if (len == 0 || len > SV_VHD_LOCATOR_MAX)
		return sv_fail(err, EINVAL, "VHD dynamic header: parent locator "
			       "%u (%s) data length %u is not 1..%d", i, name,
			       len, SV_VHD_LOCATOR_MAX);
	if (off > file_size || len > file_size - off)
		return sv_fail(err, EINVAL, "VHD dynamic header: parent locator "
			       "%u (%s) data at byte %llu, %u bytes, runs past "
			       "the end of the file (%llu bytes)", i, name,
			       (unsigned long long)off, len,
			       (unsigned long long)file_size);
	if (overlap(off, len, 0, SV_VHD_FOOTER_LEN) ||
	    overlap(off, len, header_off, SV_VHD_HEADER_LEN))
		return sv_fail(err, EINVAL, "VHD dynamic header: parent locator "
			       "%u (%s) data at byte %llu overlaps the footer's "
			       "copy or the header", i, name,
			       (unsigned long long)off);
	*l = (struct sv_vhd_locator){ code, len, off, i };
	return 0;
}

int sv_vhd_header_parse(const uint8_t *buf, size_t len, uint64_t header_off,
			uint64_t file_size, struct sv_vhd_header *h,
			struct sv_error *err)
{
	struct sv_vhd_header out = { .nloc = 0 };
	static const uint8_t zero[16];
	uint32_t sum;
	int r;

	if (len != SV_VHD_HEADER_LEN || memcmp(buf, "cxsparse", 8) != 0)
		return sv_fail(err, EINVAL, "VHD dynamic header at byte %llu "
			       "has no \"cxsparse\" cookie",
			       (unsigned long long)header_off);
	if (sv_be32(buf + H_VERSION) != 0x00010000)
		return sv_fail(err, EINVAL, "VHD dynamic header has version "
			       "0x%08x, not 1.0", sv_be32(buf + H_VERSION));
	sum = checksum(buf, len, H_CHECKSUM);
	if (sum != sv_be32(buf + H_CHECKSUM))
		return sv_fail(err, EINVAL, "VHD dynamic header checksum 0x%08x "
			       "does not match its bytes (0x%08x)",
			       sv_be32(buf + H_CHECKSUM), sum);
	memcpy(out.parent_uuid, buf + H_PARENT_UUID, 16);
	out.parent_raw = memcmp(out.parent_uuid, zero, 16) == 0;
	if ((r = parent_name(buf + H_PARENT_NAME, out.parent_name, err)) < 0)
		return r;
	for (unsigned i = 0; i < SV_VHD_LOCATORS; i++) {
		const uint8_t *e = buf + H_LOCATORS + i * H_LOCATOR_LEN;

		if (!known_code(sv_be32(e)))
			continue;
		if ((r = locator(e, i, header_off, file_size,
				 &out.loc[out.nloc], err)) < 0)
			return r;
		out.nloc++;
	}
	*h = out;
	return 0;
}

/* MacX: "file://" and the path, UTF-8 that must be ASCII. */
static int decode_macx(const uint8_t *d, size_t len,
		       char out[static SV_VHD_LOCATOR_MAX + 1],
		       struct sv_error *err)
{
	if (len < 8 || memcmp(d, "file://", 7) != 0)
		return sv_fail(err, EINVAL, "MacX locator is not a file:// URL "
			       "with a path");
	memcpy(out, d + 7, len - 7);
	out[len - 7] = '\0';
	return (int)(len - 7);
}

/* W2ku, W2ru: UTF-16LE that must be ASCII; '\' becomes '/'. */
static int decode_w2(const uint8_t *d, size_t len,
		     char out[static SV_VHD_LOCATOR_MAX + 1],
		     struct sv_error *err)
{
	size_t n = 0;

	if (len % 2)
		return sv_fail(err, EINVAL, "UTF-16 locator has an odd length "
			       "(%zu bytes)", len);
	for (size_t i = 0; i < len; i += 2) {
		if (d[i + 1] != 0 || d[i] >= 0x80)
			return sv_fail(err, EINVAL, "UTF-16 locator has a "
				       "character beyond ASCII at byte %zu", i);
		out[n++] = d[i] == '\\' ? '/' : (char)d[i];
	}
	out[n] = '\0';
	if (n >= 2 && (out[0] == 'C' || out[0] == 'c') && out[1] == ':') {
		memmove(out, out + 2, n - 1);
		n -= 2;
	}
	return (int)n;
}

int sv_vhd_locator_decode(uint32_t code, const uint8_t *data, size_t len,
			  char out[static SV_VHD_LOCATOR_MAX + 1],
			  struct sv_error *err)
{
	int n;

	if (len == 0 || len > SV_VHD_LOCATOR_MAX)
		return sv_fail(err, EINVAL, "locator of %zu bytes", len);
	if (code == SV_VHD_MACX)
		n = decode_macx(data, len, out, err);
	else if (code == SV_VHD_W2KU || code == SV_VHD_W2RU)
		n = decode_w2(data, len, out, err);
	else
		return sv_fail(err, EINVAL, "platform code 0x%08x is not one "
			       "tapdisk reads", code);
	if (n < 0)
		return n;
	if (n == 0)
		return sv_fail(err, EINVAL, "locator names an empty path");
	for (int i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f)
			return sv_fail(err, EINVAL, "locator holds a control or "
				       "non-ASCII byte at character %d", i);
	return 0;
}

const char *sv_vhd_platform_name(uint32_t code)
{
	switch (code) {
	case SV_VHD_MACX:
		return "MacX";
	case SV_VHD_W2KU:
		return "W2ku";
	case SV_VHD_W2RU:
		return "W2ru";
	default:
		return "?";
	}
}
