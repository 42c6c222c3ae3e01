/* mkqcow2.c: svirt-mkqcow2, a qcow2 overlay for the emulated hosts, which have no qemu-img:
 * svirt-mkqcow2 FILE SIZE_MIB [BACKING [FORMAT]] writes a new image (never over a file). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/qcow2_image.h"

int main(int argc, char **argv)
{
	uint8_t *img;
	char *end;
	unsigned long mib;
	size_t n, done = 0;
	int fd;

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
	if ((fd = open(argv[1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		       0600)) < 0) {
		fprintf(stderr, "svirt-mkqcow2: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	while (done < n) {
		ssize_t w = write(fd, img + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "svirt-mkqcow2: %s: %s\n", argv[1],
				strerror(errno));
			return 1;
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fprintf(stderr, "svirt-mkqcow2: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	free(img);
	return 0;
}
