/* vhd.h: what svirtd reads from a VHD image: its footer's disk type, to know a differencing
 * disk (one with a parent, which tapdisk or qemu opens too) when it sees one. */
#ifndef SVIRT_VHD_H
#define SVIRT_VHD_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SV_VHD_FOOTER_LEN 512

enum sv_vhd_type {
	SV_VHD_FIXED = 2,
	SV_VHD_DYNAMIC = 3,
	SV_VHD_DIFFERENCING = 4,
};

/* One 512-byte footer (the last sector of the image, or its copy in the
 * first sector of a dynamic disk).  1 with *type set for a footer whose
 * cookie, version and checksum hold; 0 if buf holds no footer at all (no
 * "conectix" cookie); -EINVAL with err for one that has the cookie but is
 * corrupt or of an unknown type.  *type untouched unless 1. */
int sv_vhd_footer_parse(const uint8_t *buf, size_t len, enum sv_vhd_type *type,
			struct sv_error *err);

#endif
