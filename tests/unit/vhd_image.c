/* vhd_image.c: a VHD footer written from the format's description, for tests that need
 * a fixed, dynamic or differencing disk's last sector. */
#include "vhd_image.h"

#include <string.h>

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void vhd_footer_sum(uint8_t out[512])
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < 512; i++)
		if (i < VHD_OFF_CHECKSUM || i >= VHD_OFF_CHECKSUM + 4)
			sum += out[i];
	put_be32(out + VHD_OFF_CHECKSUM, ~sum);
}

void vhd_footer(uint8_t out[512], uint32_t type)
{
	memset(out, 0, 512);
	memcpy(out, "conectix", 8);
	put_be32(out + 8, 2);			/* features: reserved bit */
	put_be32(out + 12, 0x00010000);		/* format version 1.0 */
	memset(out + 16, 0xff, 8);		/* data offset: none (fixed) */
	memcpy(out + 28, "svxt", 4);		/* creator application */
	put_be32(out + 44, 1 << 20);		/* sizes: 1 MiB */
	put_be32(out + 52, 1 << 20);
	put_be32(out + VHD_OFF_TYPE, type);
	vhd_footer_sum(out);
}
