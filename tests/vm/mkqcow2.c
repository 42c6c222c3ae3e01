/* mkqcow2.c: svirt-mkqcow2, a qcow2 overlay for the emulated hosts, which have no qemu-img:
 * svirt-mkqcow2 FILE SIZE_MIB [BACKING [FORMAT]] writes a new image (never over a file). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/qcow2_image.h"
#include "image_file.h"

int main(int argc, char **argv)
{
	uint8_t *img;
	char *end;
	unsigned long mib;
	size_t n;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: svirt-mkqcow2 FILE SIZE_MIB [BACKING "
			"[FORMAT]]\n");
		return 2;
	}
	errno = 0;
	mib = strtoul(argv[2], &end, 10);
	if (errno || *end || mib == 0 || mib > 4096) {
		fprintf(stderr, "svirt-mkqcow2: size %s is not 1..4096 MiB\n",
			argv[2]);
		return 2;
	}
	n = qcow2_image(16, (uint64_t)mib << 20, argc > 3 ? argv[3] : NULL,
			argc > 4 ? argv[4] : NULL, &img);
	if (!n) {
		fprintf(stderr, "svirt-mkqcow2: backing name too long\n");
		return 1;
	}
	if (image_write_new("svirt-mkqcow2", argv[1], img, n) != 0)
		return 1;
	free(img);
	return 0;
}
