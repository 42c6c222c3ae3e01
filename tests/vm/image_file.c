/* image_file.c: a made image written to a new file, whole and synced (image_file.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "image_file.h"

int image_write_new(const char *prog, const char *path, const uint8_t *img,
		    size_t n)
{
	size_t done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		goto fail;
	while (done < n) {
		ssize_t w = write(fd, img + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			goto fail;
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0) {
		close(fd);
		goto fail;
	}
	if (close(fd) == 0)
		return 0;
fail:
	fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
	return 1;
}
