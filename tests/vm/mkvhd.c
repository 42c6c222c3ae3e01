/* mkvhd.c: svirt-mkvhd, a VHD for the emulated hosts, which have no vhd-util: svirt-mkvhd FILE
 * SIZE_MIB [PARENT] writes a dynamic disk, or a differencing one on PARENT (never over a file). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "../unit/vhd_image.h"
#include "image_file.h"

/* The parent's unique id from its footer, as vhd-util takes it; zeros
 * (a raw parent, as vhd-util snapshot -m) if the parent is no VHD.
 * parent is relative to the child's directory unless absolute. */
static int parent_id(const char *child, const char *parent, uint8_t id[16])
{
	char dir[PATH_MAX], path[PATH_MAX];
	uint8_t f[512];
	off_t end;
	int fd;

	snprintf(dir, sizeof(dir), "%s", child);
	if (parent[0] == '/')
		snprintf(path, sizeof(path), "%s", parent);
	else
		snprintf(path, sizeof(path), "%s/%s", dirname(dir), parent);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "svirt-mkvhd: parent %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	memset(id, 0, 16);
	if ((end = lseek(fd, 0, SEEK_END)) >= 512 &&
	    pread(fd, f, sizeof(f), end - 512) == (ssize_t)sizeof(f) &&
	    memcmp(f, "conectix", 8) == 0)
		memcpy(id, f + VHD_OFF_UUID, 16);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	const char *parent = argc > 3 ? argv[3] : NULL;
	/* As vhd-util writes a snapshot's locators: W2ru, then MacX. */
	struct vhd_loc loc[2] = { { VHD_W2RU, parent, 0 },
				  { VHD_MACX, parent, 0 } };
	uint8_t *img, pid[16], id[16];
	unsigned long mib;
	size_t n;
	char *end;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: svirt-mkvhd FILE SIZE_MIB [PARENT]\n");
		return 2;
	}
	errno = 0;
	mib = strtoul(argv[2], &end, 10);
	if (errno || *end || mib == 0 || mib > 4096) {
		fprintf(stderr, "svirt-mkvhd: size %s is not 1..4096 MiB\n",
			argv[2]);
		return 2;
	}
	if (parent && parent_id(argv[1], parent, pid) < 0)
		return 1;
	if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id)) {
		fprintf(stderr, "svirt-mkvhd: getrandom: %s\n", strerror(errno));
		return 1;
	}
	n = vhd_image(parent ? 4 : 3, (uint64_t)mib << 20, 1, 1,
		      parent ? basename(argv[3]) : NULL, loc, parent ? 2 : 0,
		      &img);
	if (!n) {
		fprintf(stderr, "svirt-mkvhd: parent name too long\n");
		return 1;
	}
	/* The real ids in place of vhd_image's one-byte ones. */
	if (parent) {
		memcpy(img + VHD_HDR + VHD_HDR_PARENT_UUID, pid, 16);
		vhd_header_sum(img + VHD_HDR);
	}
	memcpy(img + VHD_OFF_UUID, id, 16);
	vhd_footer_sum(img);
	memcpy(img + n - 512, img, 512);
	if (image_write_new("svirt-mkvhd", argv[1], img, n) != 0)
		return 1;
	free(img);
	return 0;
}
