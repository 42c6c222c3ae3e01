/* vhd.h: what svirtd reads from a VHD image: the footer's disk type and unique id, and a
 * differencing disk's dynamic header (its parent's unique id, name and locators). */
#ifndef SVIRT_VHD_H
#define SVIRT_VHD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SV_VHD_FOOTER_LEN 512
#define SV_VHD_HEADER_LEN 1024
#define SV_VHD_LOCATORS 8
/* The longest locator data read: a 1024-character path in UTF-16. */
#define SV_VHD_LOCATOR_MAX 2048
/* The parent name field: 256 UTF-16 units, at most 3 UTF-8 bytes each. */
#define SV_VHD_NAME_BUF (256 * 3 + 1)

enum sv_vhd_type {
	SV_VHD_FIXED = 2,
	SV_VHD_DYNAMIC = 3,
	SV_VHD_DIFFERENCING = 4,
};

/* The platform codes of the parent locators tapdisk reads (libvhd); the
 * others (Wi2r, Wi2k, Mac) it skips, and so does svirtd. */
enum sv_vhd_platform {
	SV_VHD_MACX = 0x4d616358,	/* file:// URL, UTF-8 */
	SV_VHD_W2KU = 0x57326b75,	/* absolute Windows path, UTF-16LE */
	SV_VHD_W2RU = 0x57327275,	/* relative Windows path, UTF-16LE */
};

struct sv_vhd_footer {
	enum sv_vhd_type type;
	uint64_t data_offset;		/* the dynamic header's (not fixed) */
	uint8_t uuid[16];		/* the disk's unique id */
};

struct sv_vhd_locator {
	uint32_t code;			/* one of enum sv_vhd_platform */
	uint32_t len;			/* 1..SV_VHD_LOCATOR_MAX */
	uint64_t offset;		/* in the file; offset + len inside it */
	unsigned entry;			/* 0..7, for messages */
};

struct sv_vhd_header {
	uint8_t parent_uuid[16];
	/* An all-zero parent unique id: tapdisk opens the parent as a raw
	 * image (vhd-util snapshot -m), and the chain ends there. */
	bool parent_raw;
	char parent_name[SV_VHD_NAME_BUF];	/* UTF-8, for messages only */
	size_t nloc;
	struct sv_vhd_locator loc[SV_VHD_LOCATORS];	/* in entry order */
};

/* One 512-byte footer (the last sector of the image, or its copy in the
 * first sector of a dynamic disk).  1 with *f set for a footer whose
 * cookie, version and checksum hold; 0 if buf holds no footer at all (no
 * "conectix" cookie); -EINVAL with err for one that has the cookie but is
 * corrupt or of an unknown type.  *f untouched unless 1. */
int sv_vhd_footer_parse(const uint8_t *buf, size_t len,
			struct sv_vhd_footer *f, struct sv_error *err);

/* The 1024-byte dynamic header of a differencing disk, read at byte
 * header_off of a file file_size bytes long.  Cookie "cxsparse", version
 * 1.0, checksum, a parent name of valid UTF-16BE without control
 * characters, and each locator tapdisk reads (MacX, W2ku, W2ru) 1..
 * SV_VHD_LOCATOR_MAX bytes lying inside the file, clear of the footer's
 * copy and of the header.  -EINVAL with err naming the field and its byte;
 * *h untouched on failure. */
int sv_vhd_header_parse(const uint8_t *buf, size_t len, uint64_t header_off,
			uint64_t file_size, struct sv_vhd_header *h,
			struct sv_error *err);

/* A locator's data as tapdisk reads it, into a path: MacX is "file://"
 * then the path in UTF-8; W2ku and W2ru are UTF-16LE with '\' for '/' and
 * a leading "C:" dropped.  Only printable ASCII (tapdisk converts to ASCII
 * and fails otherwise), no NUL.  -EINVAL with err; out ends in NUL. */
int sv_vhd_locator_decode(uint32_t code, const uint8_t *data, size_t len,
			  char out[static SV_VHD_LOCATOR_MAX + 1],
			  struct sv_error *err);

/* "MacX", "W2ku", "W2ru" or "?". */
const char *sv_vhd_platform_name(uint32_t code);

#endif
