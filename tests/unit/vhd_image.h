/* vhd_image.h: VHD footers and whole dynamic or differencing images made in memory, written
 * from the format's description, for the unit tests, the fuzz seeds and svirt-mkvhd. */
#ifndef SVIRT_TEST_VHD_IMAGE_H
#define SVIRT_TEST_VHD_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define VHD_OFF_TYPE 60
#define VHD_OFF_CHECKSUM 64
#define VHD_OFF_UUID 68
/* Where vhd_image puts the dynamic header, and its fields. */
#define VHD_HDR 512
#define VHD_HDR_VERSION 24
#define VHD_HDR_CHECKSUM 36
#define VHD_HDR_PARENT_UUID 40
#define VHD_HDR_PARENT_NAME 64
#define VHD_HDR_LOC 576		/* 8 entries of 24 bytes */
#define VHD_LOC_DATA 1536	/* the first locator's data */

#define VHD_MACX 0x4d616358u
#define VHD_W2KU 0x57326b75u
#define VHD_W2RU 0x57327275u

/* A 512-byte footer of a disk of type (2 fixed, 3 dynamic, 4 differencing). */
void vhd_footer(uint8_t out[512], uint32_t type);
/* Puts the checksum of out's other bytes into it (after a test changed one). */
void vhd_footer_sum(uint8_t out[512]);
/* The same for a 1024-byte dynamic header. */
void vhd_header_sum(uint8_t out[1024]);

/* A parent locator as vhd-util writes it for a parent named name (relative
 * to the child's directory, or absolute): MacX "file://NAME" in UTF-8,
 * W2ru and W2ku ".\NAME" (NAME as is if absolute) with '\' for '/' in
 * UTF-16LE.  raw: name's bytes stored as they are, any code. */
struct vhd_loc {
	uint32_t code;
	const char *name;
	int raw;
};

/* A whole image of size bytes of disk: type 3 (dynamic) or 4
 * (differencing); unique id 16 bytes of id; for a differencing disk the
 * parent unique id 16 bytes of parent_id (0: none, a raw parent), the
 * parent name pname in UTF-16BE and the locators.  Footer copy at 0,
 * header at VHD_HDR, locator data from VHD_LOC_DATA (512 bytes each), the
 * block table (all blocks unallocated), the footer.  Its length, *out
 * malloc'd; 0 for a name too long. */
size_t vhd_image(uint32_t type, uint64_t size, uint8_t id, uint8_t parent_id,
		 const char *pname, const struct vhd_loc *loc, size_t nloc,
		 uint8_t **out);

#endif
