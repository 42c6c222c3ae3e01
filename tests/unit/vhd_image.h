/* vhd_image.h: VHD footers made in memory for the unit tests and the fuzz seeds:
 * cookie, version, type and a checksum that holds. */
#ifndef SVIRT_TEST_VHD_IMAGE_H
#define SVIRT_TEST_VHD_IMAGE_H

#include <stdint.h>

#define VHD_OFF_TYPE 60
#define VHD_OFF_CHECKSUM 64

/* A 512-byte footer of a disk of type (2 fixed, 3 dynamic, 4 differencing). */
void vhd_footer(uint8_t out[512], uint32_t type);
/* Puts the checksum of out's other bytes into it (after a test changed one). */
void vhd_footer_sum(uint8_t out[512]);

#endif
