/* loopdev.c: loop devices the tests make on a file in their private /tmp, detached
 * by the test or, after a failed assertion, by loopdev_teardown. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/blkpg.h>
#include <linux/loop.h>

#include "loopdev.h"

/* The one a test has attached and not yet dropped. */
static struct loopdev *attached;

void loopdev_make(struct loopdev *l, off_t size)
{
	struct loop_info64 info = { .lo_flags = LO_FLAGS_PARTSCAN };
	struct stat st;
	int ctl, bf, n, tries = 0;

	strcpy(l->file, "/tmp/svirt-loop-XXXXXX");
	assert_true((bf = mkstemp(l->file)) >= 0);
	assert_int_equal(ftruncate(bf, size), 0);
	assert_true((ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC)) >= 0);
	/* Another test may take the free device first: try the next. */
	for (l->fd = -1; l->fd < 0 && tries < 20; tries++) {
		assert_true((n = ioctl(ctl, LOOP_CTL_GET_FREE)) >= 0);
		snprintf(l->node, sizeof(l->node), "/dev/loop%d", n);
		assert_true((l->fd = open(l->node, O_RDWR | O_CLOEXEC)) >= 0);
		if (ioctl(l->fd, LOOP_SET_FD, bf) == 0)
			break;
		assert_int_equal(errno, EBUSY);
		close(l->fd);
		l->fd = -1;
	}
	close(ctl);
	close(bf);
	if (l->fd < 0)
		fail_msg("no free loop device after %d tries", tries);
	attached = l;
	assert_int_equal(ioctl(l->fd, LOOP_SET_STATUS64, &info), 0);
	assert_int_equal(fstat(l->fd, &st), 0);
	l->rdev = st.st_rdev;
}

void loopdev_drop(struct loopdev *l)
{
	if (ioctl(l->fd, LOOP_CLR_FD) != 0)
		fprintf(stderr, "cannot detach %s: %s\n", l->node,
			strerror(errno));
	close(l->fd);
	unlink(l->file);
	attached = NULL;
}

int loopdev_teardown(void **state)
{
	(void)state;
	if (attached)
		loopdev_drop(attached);
	return 0;
}

void loopdev_partition(const struct loopdev *l, off_t size, char *node,
		       size_t nsize, dev_t *rdev)
{
	struct blkpg_partition p = { .start = 1 << 20,
				     .length = size - (1 << 20), .pno = 1 };
	struct blkpg_ioctl_arg a = { .op = BLKPG_ADD_PARTITION,
				     .datalen = sizeof(p), .data = &p };
	struct stat st;

	if (ioctl(l->fd, BLKPG, &a) != 0)
		fail_msg("%s: cannot add a partition: %s", l->node,
			 strerror(errno));
	snprintf(node, nsize, "%sp1", l->node);
	for (int i = 0; i < 200 && stat(node, &st) != 0; i++)
		usleep(10000);
	if (stat(node, &st) != 0 || !S_ISBLK(st.st_mode))
		fail_msg("%s: no partition node %s", l->node, node);
	*rdev = st.st_rdev;
}

void loopdev_mkfs_ext4(const char *node)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F %s >/dev/null 2>&1", node);
	if (system(cmd) != 0)
		fail_msg("mkfs.ext4 on %s failed (e2fsprogs is a test "
			 "dependency)", node);
}
