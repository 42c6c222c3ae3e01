/* qcow2_image.c: a minimal, valid qcow2 version 3 image written from the format's
 * description: header and extensions, one refcount table and block, an empty L1 table. */
#include "qcow2_image.h"

#include <stdlib.h>
#include <string.h>

#define EXT_BACKING_FORMAT 0xe2792acau

void qcow2_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void qcow2_put_be64(uint8_t *p, uint64_t v)
{
	qcow2_put_be32(p, (uint32_t)(v >> 32));
	qcow2_put_be32(p + 4, (uint32_t)v);
}

size_t qcow2_image(unsigned cluster_bits, uint64_t virtual_size,
		   const char *backing, const char *fmt, uint8_t **out)
{
	uint64_t c = (uint64_t)1 << cluster_bits;
	/* One L2 table maps c / 8 clusters. */
	uint64_t per_l2 = c * (c / 8);
	uint64_t l1_size = (virtual_size + per_l2 - 1) / per_l2;
	size_t off = QCOW2_HEADER_LEN, blen = backing ? strlen(backing) : 0;
	size_t flen = fmt ? strlen(fmt) : 0;
	uint8_t *img;

	if (cluster_bits < 9 || cluster_bits > 16 || l1_size * 8 > c ||
	    off + (fmt ? 8 + ((flen + 7) & ~(size_t)7) : 0) + 8 + blen > c)
		return 0;
	if (!(img = calloc(4, (size_t)c)))
		return 0;
	memcpy(img, "QFI\xfb", 4);
	qcow2_put_be32(img + QCOW2_OFF_VERSION, 3);
	qcow2_put_be32(img + QCOW2_OFF_CLUSTER_BITS, cluster_bits);
	qcow2_put_be64(img + 24, virtual_size);
	qcow2_put_be32(img + 36, (uint32_t)l1_size);
	qcow2_put_be64(img + 40, 3 * c);		/* L1 table */
	qcow2_put_be64(img + 48, c);			/* refcount table */
	qcow2_put_be32(img + 56, 1);
	qcow2_put_be32(img + 96, 4);			/* 16-bit refcounts */
	qcow2_put_be32(img + QCOW2_OFF_HEADER_LENGTH, QCOW2_HEADER_LEN);
	if (fmt) {
		qcow2_put_be32(img + off, EXT_BACKING_FORMAT);
		qcow2_put_be32(img + off + 4, (uint32_t)flen);
		memcpy(img + off + 8, fmt, flen);
		off += 8 + ((flen + 7) & ~(size_t)7);
	}
	off += 8;					/* the end extension */
	if (backing) {
		qcow2_put_be64(img + QCOW2_OFF_BACKING_OFFSET, off);
		qcow2_put_be32(img + QCOW2_OFF_BACKING_SIZE, (uint32_t)blen);
		memcpy(img + off, backing, blen);
	}
	qcow2_put_be64(img + c, 2 * c);			/* -> refcount block */
	for (unsigned i = 0; i < 4; i++)		/* clusters 0..3 used */
		img[2 * c + 2 * i + 1] = 1;
	*out = img;
	return (size_t)(4 * c);
}
