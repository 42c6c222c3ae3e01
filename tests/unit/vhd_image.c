/* vhd_image.c: VHD images written from the format's description, for tests that need a
 * fixed, dynamic or differencing disk: footer, dynamic header, parent locators, block table. */
#include "vhd_image.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK (2u << 20)

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static void sum_into(uint8_t *out, size_t len, size_t at)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		if (i < at || i >= at + 4)
			sum += out[i];
	put_be32(out + at, ~sum);
}

void vhd_footer_sum(uint8_t out[512])
{
	sum_into(out, 512, VHD_OFF_CHECKSUM);
}

void vhd_header_sum(uint8_t out[1024])
{
	sum_into(out, 1024, VHD_HDR_CHECKSUM);
}

static void footer(uint8_t out[512], uint32_t type, uint64_t size,
		   uint64_t data_offset, uint8_t id)
{
	memset(out, 0, 512);
	memcpy(out, "conectix", 8);
	put_be32(out + 8, 2);			/* features: reserved bit */
	put_be32(out + 12, 0x00010000);		/* format version 1.0 */
	put_be64(out + 16, data_offset);
	memcpy(out + 28, "svxt", 4);		/* creator application */
	put_be64(out + 40, size);		/* original and current size */
	put_be64(out + 48, size);
	put_be32(out + VHD_OFF_TYPE, type);
	memset(out + VHD_OFF_UUID, id, 16);
	vhd_footer_sum(out);
}

void vhd_footer(uint8_t out[512], uint32_t type)
{
	footer(out, type, 1 << 20, type == 2 ? UINT64_MAX : VHD_HDR, 0x11);
}

/* A locator's bytes into out (512 at most); its length, 0 if too long. */
static size_t encode(const struct vhd_loc *l, uint8_t out[512])
{
	char s[300];
	size_t n;

	if (l->raw || l->code == VHD_MACX) {
		n = strlen(l->name) + (l->raw ? 0 : 7);
		if (n > 512)
			return 0;
		memcpy(out, l->raw ? "" : "file://", l->raw ? 0 : 7);
		memcpy(out + (l->raw ? 0 : 7), l->name, strlen(l->name));
		return n;
	}
	n = strlen(l->name) + (l->name[0] == '/' ? 0 : 2);
	if (n > 256)
		return 0;
	strcpy(s, l->name[0] == '/' ? "" : ".\\");
	strcat(s, l->name);
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = s[i] == '/' ? '\\' : (uint8_t)s[i];
		out[2 * i + 1] = 0;
	}
	return 2 * n;
}

size_t vhd_image(uint32_t type, uint64_t size, uint8_t id, uint8_t parent_id,
		 const char *pname, const struct vhd_loc *loc, size_t nloc,
		 uint8_t **out)
{
	uint32_t blocks = (uint32_t)((size + BLOCK - 1) / BLOCK);
	size_t bat = ((size_t)blocks * 4 + 511) / 512 * 512;
	size_t table = VHD_LOC_DATA + nloc * 512;
	size_t len = table + bat + 512;
	uint8_t *img, *h;

	if (nloc > 8 || (pname && strlen(pname) > 256) ||
	    !(img = calloc(1, len)))
		return 0;
	h = img + VHD_HDR;
	memcpy(h, "cxsparse", 8);
	put_be64(h + 8, UINT64_MAX);
	put_be64(h + 16, table);
	put_be32(h + VHD_HDR_VERSION, 0x00010000);
	put_be32(h + 28, blocks);
	put_be32(h + 32, BLOCK);
	if (type == 4) {
		memset(h + VHD_HDR_PARENT_UUID, parent_id, 16);
		for (size_t i = 0; pname && pname[i]; i++)
			h[VHD_HDR_PARENT_NAME + 2 * i + 1] = (uint8_t)pname[i];
	}
	for (size_t i = 0; i < nloc; i++) {
		uint8_t *e = h + VHD_HDR_LOC + 24 * i;
		size_t n = encode(&loc[i], img + VHD_LOC_DATA + 512 * i);

		if (!n) {
			free(img);
			return 0;
		}
		put_be32(e, loc[i].code);
		put_be32(e + 4, 512);		/* data space, in bytes as
						 * vhd-util writes it */
		put_be32(e + 8, (uint32_t)n);
		put_be64(e + 16, VHD_LOC_DATA + 512 * i);
	}
	vhd_header_sum(h);
	memset(img + table, 0xff, (size_t)blocks * 4);
	footer(img, type, size, VHD_HDR, id);
	memcpy(img + len - 512, img, 512);
	*out = img;
	return len;
}
