/* qcow2_image.h: whole qcow2 images made in memory, for the unit tests, the fuzz seeds and
 * the emulated host's overlays (svirt-mkqcow2): empty, a backing file named or not. */
#ifndef SVIRT_TEST_QCOW2_IMAGE_H
#define SVIRT_TEST_QCOW2_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Offsets of the header fields a test may spoil. */
#define QCOW2_OFF_VERSION 4
#define QCOW2_OFF_BACKING_OFFSET 8
#define QCOW2_OFF_BACKING_SIZE 16
#define QCOW2_OFF_CLUSTER_BITS 20
#define QCOW2_OFF_INCOMPAT 72
#define QCOW2_OFF_HEADER_LENGTH 100
#define QCOW2_HEADER_LEN 104

/* A version 3 image of virtual_size bytes that reads as zeros (or as its
 * backing file), four clusters of 1 << cluster_bits bytes (header, refcount
 * table, refcount block, L1 table) that qemu opens and writes to.  backing
 * (NULL: none) is stored as is, after a backing format extension when fmt
 * is not NULL.  A malloc'd image into *out; its length, or 0 if the
 * arguments do not fit (cluster_bits 9..16, virtual_size within one L1
 * cluster, the name within the first cluster). */
size_t qcow2_image(unsigned cluster_bits, uint64_t virtual_size,
		   const char *backing, const char *fmt, uint8_t **out);

void qcow2_put_be32(uint8_t *p, uint32_t v);
void qcow2_put_be64(uint8_t *p, uint64_t v);

#endif
