/* vhd.c: the VHD footer, read for its disk type only: cookie, format version and checksum
 * must hold before the type is believed. */
#include "vhd.h"

#include <errno.h>
#include <string.h>

#include "util.h"

#define OFF_VERSION 12
#define OFF_TYPE 60
#define OFF_CHECKSUM 64


int sv_vhd_footer_parse(const uint8_t *buf, size_t len, enum sv_vhd_type *type,
			struct sv_error *err)
{
	uint32_t sum = 0, t;

	if (len != SV_VHD_FOOTER_LEN || memcmp(buf, "conectix", 8) != 0)
		return 0;
	if (sv_be32(buf + OFF_VERSION) >> 16 != 1)
		return sv_fail(err, EINVAL, "VHD footer has format version "
			       "0x%08x, not 1.x", sv_be32(buf + OFF_VERSION));
	/* The one's complement of the sum of every byte but the checksum's. */
	for (size_t i = 0; i < len; i++)
		if (i < OFF_CHECKSUM || i >= OFF_CHECKSUM + 4)
			sum += buf[i];
	if (~sum != sv_be32(buf + OFF_CHECKSUM))
		return sv_fail(err, EINVAL, "VHD footer checksum 0x%08x does "
			       "not match its bytes (0x%08x)",
			       sv_be32(buf + OFF_CHECKSUM), ~sum);
	t = sv_be32(buf + OFF_TYPE);
	if (t != SV_VHD_FIXED && t != SV_VHD_DYNAMIC && t != SV_VHD_DIFFERENCING)
		return sv_fail(err, EINVAL, "VHD footer has disk type %u, not "
			       "fixed (2), dynamic (3) or differencing (4)", t);
	*type = (enum sv_vhd_type)t;
	return 1;
}
