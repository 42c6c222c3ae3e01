/* qcow2.h: what svirtd reads from a qcow2 image: its backing file's name and format.
 * A strict parser of the header's first bytes; the name is data from inside the image. */
#ifndef SVIRT_QCOW2_H
#define SVIRT_QCOW2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* How much of an image the parser is given at most: the header, its
 * extensions and the backing file name must lie in it.  qemu-img puts them
 * in the first few hundred bytes; an image that puts them further is
 * refused rather than read in full. */
#define SV_QCOW2_HEAD_MAX 65536
/* qemu's own limit on the stored name. */
#define SV_QCOW2_BACKING_MAX 1023
#define SV_QCOW2_FORMAT_MAX 15

struct sv_qcow2_info {
	unsigned version;			/* 2 or 3 */
	bool has_backing;
	char backing[SV_QCOW2_BACKING_MAX + 1];	/* as stored, NUL added */
	/* The backing format header extension, "" when absent (qemu then
	 * probes the backing file). */
	char backing_format[SV_QCOW2_FORMAT_MAX + 1];
};

/* True if buf starts with the qcow2 magic. */
bool sv_qcow2_magic(const uint8_t *buf, size_t len);

/* Parses the first len bytes of an image file_size bytes long (len is
 * min(file_size, SV_QCOW2_HEAD_MAX)).  Every offset and length is checked
 * against the header, the first cluster and the end of the file; the name
 * must be 1..SV_QCOW2_BACKING_MAX bytes of printable UTF-8 without control
 * bytes.  Unknown incompatible features and an external data file (which
 * qemu would open too, unseen by svirtd) are refused.  -EINVAL with err
 * saying what and at which offset; *out untouched on failure. */
int sv_qcow2_parse(const uint8_t *buf, size_t len, uint64_t file_size,
		   struct sv_qcow2_info *out, struct sv_error *err);

#endif
