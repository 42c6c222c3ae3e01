/* loopdev.h: loop devices the tests make on a file in their private /tmp (tmpfs.c), and
 * detach again, even after a failed assertion (loopdev_teardown); root only. */
#ifndef SVIRT_TEST_LOOPDEV_H
#define SVIRT_TEST_LOOPDEV_H

#include <stddef.h>
#include <sys/types.h>

struct loopdev {
	int fd;
	dev_t rdev;
	char node[32];		/* /dev/loopN */
	char file[64];		/* its backing file */
};

/* A fresh file of size bytes in /tmp on a free loop device, with partition
 * scanning on.  Not autoclear: the product trusts an autoclear device's own
 * claim and skips its exclusive probe.  Fails the test if it cannot. */
void loopdev_make(struct loopdev *l, off_t size);
/* Detaches l and removes its file. */
void loopdev_drop(struct loopdev *l);
/* cmocka teardown: drops the device a failed test left attached. */
int loopdev_teardown(void **state);
/* Partition 1 added to l with BLKPG, as partx does (no partition table
 * support needed in the kernel), from 1 MiB to size; its node and number. */
void loopdev_partition(const struct loopdev *l, off_t size, char *node,
		       size_t nsize, dev_t *rdev);
/* An ext4 filesystem on node (e2fsprogs is a test dependency). */
void loopdev_mkfs_ext4(const char *node);

#endif
