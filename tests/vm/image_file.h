/* image_file.h: how svirt-mkqcow2 and svirt-mkvhd put the image they made on disk. */
#ifndef SVIRT_VM_IMAGE_FILE_H
#define SVIRT_VM_IMAGE_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Writes the n bytes of img to a new file at path (mode 0600, never over an
 * existing file) and syncs it: 0, or 1 with "PROG: PATH: why" on stderr. */
int image_write_new(const char *prog, const char *path, const uint8_t *img,
		    size_t n);

#endif
