/* test_blockdev.c: block devices dom0 mounts, swaps on or builds on are refused, from fake
 * /proc and /sys trees and from loop devices the test makes and mounts in a namespace of its own. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "skip.h"

#include "blockdev.h"
#include "loopdev.h"
#include "tmpfs.h"

/* A fresh fake /proc and /sys per test, under /tmp: as root, the private
 * tmpfs that tmpfs_private mounts there. */
struct fake {
	char top[64];
	char proc[PATH_MAX], sys[PATH_MAX];
	struct sv_sysroots roots;
};

static void write_file(const char *dir, const char *rel, const char *content)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(content, f);
	assert_int_equal(fclose(f), 0);
}

static void make_dir(const char *dir, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static const char *const root_mountinfo =
	"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
	"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n";

/* 7:0 and 8:0 exist and are free until a test says otherwise. */
static int setup_fake(void **state)
{
	struct fake *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->top, "/tmp/svirt-blockdev-XXXXXX");
	if (!mkdtemp(f->top))
		return -1;
	snprintf(f->proc, sizeof(f->proc), "%s/proc", f->top);
	snprintf(f->sys, sizeof(f->sys), "%s/sys", f->top);
	f->roots = (struct sv_sysroots){ f->proc, f->sys };
	make_dir(f->top, "proc");
	make_dir(f->top, "proc/self");
	write_file(f->top, "proc/self/mountinfo", root_mountinfo);
	write_file(f->top, "proc/swaps",
		   "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	make_dir(f->top, "sys");
	make_dir(f->top, "sys/dev");
	make_dir(f->top, "sys/dev/block");
	make_dir(f->top, "sys/dev/block/7:0");
	make_dir(f->top, "sys/dev/block/7:0/holders");
	make_dir(f->top, "sys/dev/block/8:0");
	make_dir(f->top, "sys/dev/block/8:0/holders");
	*state = f;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown_fake(void **state)
{
	struct fake *f = *state;

	nftw(f->top, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Adds partition NAME (MAJ:MIN) to the disk at sys/dev/block/DISK. */
static void add_partition(struct fake *f, const char *disk, const char *name,
			  const char *devno)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/dev/block/%s/%s", disk, name);
	make_dir(f->top, rel);
	snprintf(rel, sizeof(rel), "sys/dev/block/%s/%s/holders", disk, name);
	make_dir(f->top, rel);
	snprintf(rel, sizeof(rel), "sys/dev/block/%s/%s/partition", disk, name);
	write_file(f->top, rel, "1\n");
	snprintf(rel, sizeof(rel), "sys/dev/block/%s/%s/dev", disk, name);
	write_file(f->top, rel, devno);
}

/* Why the tests on real loop devices cannot run here, or NULL. */
static const char *no_loop;

#define loop_make(l, size) loop_make_for(__func__, l, size)
static void loop_make_for(const char *test, struct loopdev *l, off_t size)
{
	if (no_loop) {
		skip_because("%s: %s", test, no_loop);
	}
	loopdev_make(l, size);
}

static void free_device_is_accepted(void **state)
{
	struct fake *f = *state;
	struct sv_error err;

	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(7, 0), &err), 0);
}

static void device_mounted_by_number_is_refused(void **state)
{
	struct fake *f = *state;
	struct sv_error err;

	write_file(f->top, "proc/self/mountinfo",
		   "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
		   "31 27 7:0 / /srv/data rw,relatime shared:7 - xfs /dev/loop0 rw\n");
	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(7, 0), &err),
			 -EBUSY);
	assert_non_null(strstr(err.msg, "7:0 is mounted at /srv/data"));
}

static void escaped_mount_point_is_decoded_in_the_refusal(void **state)
{
	struct fake *f = *state;
	struct sv_error err;

	write_file(f->top, "proc/self/mountinfo",
		   "31 27 8:0 / /mnt/my\\040disk rw - ext4 /dev/sdz rw\n");
	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(8, 0), &err),
			 -EBUSY);
	assert_non_null(strstr(err.msg, "mounted at /mnt/my disk"));
}

/* btrfs shows an anonymous 0:N in mountinfo; its source node still names
 * the device. */
static void device_mounted_by_its_source_node_is_refused(void **state)
{
	struct fake *f = *state;
	struct sv_error err;
	char mi[256], rel[64];
	struct loopdev l;
	int r;

	loop_make(&l, 1 << 20);
	snprintf(rel, sizeof(rel), "sys/dev/block/%u:%u", major(l.rdev),
		 minor(l.rdev));
	if (l.rdev != makedev(7, 0))
		make_dir(f->top, rel);
	snprintf(mi, sizeof(mi), "40 27 0:45 / /pool rw - btrfs %s rw\n", l.node);
	write_file(f->top, "proc/self/mountinfo", mi);
	r = sv_blockdev_check_unused(&f->roots, l.rdev, &err);
	loopdev_drop(&l);
	assert_int_equal(r, -EBUSY);
	assert_non_null(strstr(err.msg, "mounted at /pool (as"));
}

static void device_used_as_swap_is_refused(void **state)
{
	struct fake *f = *state;
	struct sv_error err;
	char sw[512], rel[64];
	struct loopdev l;
	int r;

	loop_make(&l, 1 << 20);
	snprintf(rel, sizeof(rel), "sys/dev/block/%u:%u", major(l.rdev),
		 minor(l.rdev));
	if (l.rdev != makedev(7, 0))
		make_dir(f->top, rel);
	snprintf(sw, sizeof(sw),
		 "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		 "/swap\\040file                              file\t\t1024\t\t0\t\t-3\n"
		 "%s                               partition\t8388604\t\t0\t\t-2\n",
		 l.node);
	write_file(f->top, "proc/swaps", sw);
	r = sv_blockdev_check_unused(&f->roots, l.rdev, &err);
	loopdev_drop(&l);
	assert_int_equal(r, -EBUSY);
	assert_non_null(strstr(err.msg, "used as swap"));
}

static void device_with_a_holder_is_refused(void **state)
{
	struct fake *f = *state;
	struct sv_error err;

	write_file(f->top, "sys/dev/block/8:0/holders/dm-3", "");
	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(8, 0), &err),
			 -EBUSY);
	assert_non_null(strstr(err.msg, "held by dm-3"));
}

static void disk_whose_partition_is_mounted_is_refused(void **state)
{
	struct fake *f = *state;
	struct sv_error err;

	add_partition(f, "8:0", "sdb1", "8:1\n");
	add_partition(f, "8:0", "sdb2", "8:2\n");
	write_file(f->top, "proc/self/mountinfo",
		   "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
		   "33 27 8:2 / /boot rw - ext4 /dev/sdb2 rw\n");
	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(8, 0), &err),
			 -EBUSY);
	assert_non_null(strstr(err.msg, "partition sdb2 is mounted at /boot"));
}

static void disk_whose_partition_is_held_is_refused(void **state)
{
	struct fake *f = *state;
	struct sv_error err;

	add_partition(f, "8:0", "sdb1", "8:1\n");
	write_file(f->top, "sys/dev/block/8:0/sdb1/holders/md0", "");
	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(8, 0), &err),
			 -EBUSY);
	assert_non_null(strstr(err.msg, "held by md0"));
}

static void disk_with_unused_partitions_is_accepted(void **state)
{
	struct fake *f = *state;

	add_partition(f, "8:0", "sdb1", "8:1\n");
	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(8, 0), NULL),
			 0);
}

static void unknown_device_is_refused(void **state)
{
	struct fake *f = *state;
	struct sv_error err;

	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(9, 9), &err),
			 -ENODEV);
	assert_non_null(strstr(err.msg, "no such block device"));
}

static void malformed_mountinfo_fails_closed(void **state)
{
	struct fake *f = *state;
	struct sv_error err;

	write_file(f->top, "proc/self/mountinfo",
		   "27 1 254:0 / / rw - ext4 /dev/vda rw\n"
		   "31 27 7:0 / /srv/data rw - xfs\n");
	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(7, 0), &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "mountinfo line 2"));
}

static void missing_mountinfo_fails_closed(void **state)
{
	struct fake *f = *state;
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/self/mountinfo", f->proc);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(sv_blockdev_check_unused(&f->roots, makedev(7, 0), NULL),
			 -ENOENT);
}

static void mountinfo_line_is_parsed_into_its_fields(void **state)
{
	static const char line[] = "36 35 98:0 /mnt1 /mnt\\0112 rw,noatime "
				   "master:1 - ext3 /dev/ro\\134ot rw,errors=continue";
	struct sv_mount m;

	(void)state;
	assert_int_equal(sv_mountinfo_parse_line(line, strlen(line), &m, NULL), 0);
	assert_int_equal(m.major, 98);
	assert_int_equal(m.minor, 0);
	assert_string_equal(m.mountpoint, "/mnt\t2");
	assert_string_equal(m.source, "/dev/ro\\ot");
}

static void malformed_mountinfo_lines_are_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root",
		"36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw extra",
		"36 35 98:0 /mnt1 /mnt2 rw ext3 /dev/root rw",
		"36 35 98:x / / rw - a b c",
		"36 35 98 / / rw - a b c",
		"36 35 098:0 / / rw - a b c",
		"36 35 98:0 / relative rw - a b c",
		"36 35 98:0 / /a\\999 rw - a b c",
		"36 35 98:0 / /a\\000b rw - a b c",
		"36 35 98:0 / /a\\04 rw - a b c",
		"36  35 98:0 / / rw - a b c",
		"36 35 4294967296:0 / / rw - a b c",
	};
	struct sv_mount m;
	struct sv_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sv_mountinfo_parse_line(bad[i], strlen(bad[i]), &m, &err) !=
		    -EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
}

static void loop_backing_file_is_returned(void **state)
{
	struct fake *f = *state;
	char *file = NULL;

	make_dir(f->top, "sys/dev/block/7:0/loop");
	write_file(f->top, "sys/dev/block/7:0/loop/backing_file",
		   "/var/lib/xen/images/web 1.img\n");
	assert_int_equal(sv_blockdev_loop_backing_file(&f->roots, makedev(7, 0),
						       &file, NULL),
			 0);
	assert_string_equal(file, "/var/lib/xen/images/web 1.img");
	free(file);
}

static void loop_device_without_a_file_is_not_attached(void **state)
{
	struct fake *f = *state;
	struct sv_error err;
	char *file = NULL;

	assert_int_equal(sv_blockdev_loop_backing_file(&f->roots, makedev(7, 0),
						       &file, &err),
			 -ENXIO);
	assert_null(file);
	assert_non_null(strstr(err.msg, "not an attached loop device"));
}

static void deleted_backing_file_is_refused(void **state)
{
	struct fake *f = *state;
	char *file = NULL;

	make_dir(f->top, "sys/dev/block/7:0/loop");
	write_file(f->top, "sys/dev/block/7:0/loop/backing_file",
		   "/var/lib/xen/images/old.img (deleted)\n");
	assert_int_equal(sv_blockdev_loop_backing_file(&f->roots, makedev(7, 0),
						       &file, NULL),
			 -ENOENT);
	assert_null(file);
}

static void backing_file_with_a_control_character_is_refused(void **state)
{
	struct fake *f = *state;
	char *file = NULL;

	make_dir(f->top, "sys/dev/block/7:0/loop");
	write_file(f->top, "sys/dev/block/7:0/loop/backing_file",
		   "/var/lib/xen/images/a\x1b[2Jb.img\n");
	assert_int_equal(sv_blockdev_loop_backing_file(&f->roots, makedev(7, 0),
						       &file, NULL),
			 -EINVAL);
	assert_null(file);
}

static int teardown_fake_and_loop(void **state)
{
	loopdev_teardown(state);
	return teardown_fake(state);
}

/* ---- real loop devices, the kernel's own /proc and /sys ---- */

static void real_loop_device_names_its_file_and_is_free(void **state)
{
	char real[PATH_MAX], *backing = NULL;
	struct sv_error err;
	struct loopdev l;
	int fd, r1, r2, r3;

	(void)state;
	loop_make(&l, 1 << 20);
	assert_non_null(realpath(l.file, real));
	r1 = sv_blockdev_loop_backing_file(NULL, l.rdev, &backing, &err);
	r2 = sv_blockdev_check_unused(NULL, l.rdev, &err);
	fd = open(l.node, O_PATH | O_CLOEXEC);
	r3 = sv_blockdev_probe_exclusive(NULL, fd, l.rdev, &err);
	close(fd);
	loopdev_drop(&l);
	assert_int_equal(r1, 0);
	assert_string_equal(backing, real);
	free(backing);
	assert_int_equal(r2, 0);
	assert_int_equal(r3, 0);
}

/* What a mount, swapon or dm does to a device, done by the test itself. */
static void real_loop_device_claimed_exclusively_fails_the_probe(void **state)
{
	struct sv_error err;
	struct loopdev l;
	int fd, claim, r;

	(void)state;
	loop_make(&l, 1 << 20);
	claim = open(l.node, O_RDONLY | O_EXCL | O_CLOEXEC);
	fd = open(l.node, O_PATH | O_CLOEXEC);
	r = sv_blockdev_probe_exclusive(NULL, fd, l.rdev, &err);
	close(fd);
	close(claim);
	loopdev_drop(&l);
	assert_true(claim >= 0);
	assert_int_equal(r, -EBUSY);
	assert_non_null(strstr(err.msg, "in use by the kernel"));
}

/* node mounted on a fresh directory, by a child in a mount namespace of
 * its own (the mount goes away with it), then checks(dev, rdev) run there:
 * the child's exit status, 0 if every check refused; 2 if the mount
 * failed. */
static int while_mounted(const char *node, const char *dev, dev_t rdev,
			 int (*checks)(const char *dev, dev_t rdev))
{
	char dir[] = "/tmp/svirt-mnt-XXXXXX";
	pid_t pid;
	int status;

	assert_non_null(mkdtemp(dir));
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount(node, dir, "ext4", MS_NOATIME, NULL) != 0)
			_exit(2);
		_exit(checks(dev, rdev));
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rmdir(dir);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

/* Refused as mounted by the check, and busy to the exclusive probe. */
static int both_refuse(const char *dev, dev_t rdev, const char *why)
{
	struct sv_error err;
	int fd, r;

	r = sv_blockdev_check_unused(NULL, rdev, &err);
	if (r != -EBUSY || !strstr(err.msg, why)) {
		fprintf(stderr, "check of %s: %d: %s\n", dev, r, err.msg);
		return 3;
	}
	fd = open(dev, O_PATH | O_CLOEXEC);
	r = sv_blockdev_probe_exclusive(NULL, fd, rdev, &err);
	if (r != -EBUSY || !strstr(err.msg, "in use by the kernel")) {
		fprintf(stderr, "probe of %s: %d: %s\n", dev, r, err.msg);
		return 4;
	}
	return 0;
}

static int mounted_refused(const char *dev, dev_t rdev)
{
	return both_refuse(dev, rdev, "is mounted at");
}

static int disk_of_a_mounted_partition_refused(const char *dev, dev_t rdev)
{
	return both_refuse(dev, rdev, "partition");
}

static void assert_refused_while_mounted(int rc)
{
	if (rc == 2)
		fail_msg("cannot mount ext4 from a loop device in a private "
			 "mount namespace");
	assert_int_equal(rc, 0);
}

/* A device dom0 uses, as its root disk is: mounted. */
static void real_mounted_loop_device_is_refused(void **state)
{
	struct loopdev l;
	int rc;

	(void)state;
	loop_make(&l, 8 << 20);
	loopdev_mkfs_ext4(l.node);
	rc = while_mounted(l.node, l.node, l.rdev, mounted_refused);
	loopdev_drop(&l);
	assert_refused_while_mounted(rc);
}

/* The disk holding a partition dom0 has mounted, as the disk holding the
 * root partition is: the partition and the whole disk are refused, and the
 * disk is busy to the exclusive probe. */
static void real_disk_whose_partition_is_mounted_is_refused(void **state)
{
	char part[48];
	struct loopdev l;
	dev_t rpart;
	int rc1, rc2;

	(void)state;
	loop_make(&l, 16 << 20);
	loopdev_partition(&l, 16 << 20, part, sizeof(part), &rpart);
	loopdev_mkfs_ext4(part);
	rc1 = while_mounted(part, part, rpart, mounted_refused);
	rc2 = while_mounted(part, l.node, l.rdev,
			    disk_of_a_mounted_partition_refused);
	loopdev_drop(&l);
	assert_refused_while_mounted(rc1);
	assert_refused_while_mounted(rc2);
}

#define L(f) cmocka_unit_test_teardown(f, loopdev_teardown)
#define LOOP_TESTS                                                             \
	L(real_loop_device_names_its_file_and_is_free),                        \
	L(real_loop_device_claimed_exclusively_fails_the_probe),               \
	L(real_mounted_loop_device_is_refused),                                \
	L(real_disk_whose_partition_is_mounted_is_refused)

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup_fake, teardown_fake)
		T(free_device_is_accepted),
		T(device_mounted_by_number_is_refused),
		T(escaped_mount_point_is_decoded_in_the_refusal),
		cmocka_unit_test_setup_teardown(device_mounted_by_its_source_node_is_refused,
						setup_fake, teardown_fake_and_loop),
		cmocka_unit_test_setup_teardown(device_used_as_swap_is_refused,
						setup_fake, teardown_fake_and_loop),
		T(device_with_a_holder_is_refused),
		T(disk_whose_partition_is_mounted_is_refused),
		T(disk_whose_partition_is_held_is_refused),
		T(disk_with_unused_partitions_is_accepted),
		T(unknown_device_is_refused),
		T(malformed_mountinfo_fails_closed),
		T(missing_mountinfo_fails_closed),
		T(loop_backing_file_is_returned),
		T(loop_device_without_a_file_is_not_attached),
		T(deleted_backing_file_is_refused),
		T(backing_file_with_a_control_character_is_refused),
#undef T
		cmocka_unit_test(mountinfo_line_is_parsed_into_its_fields),
		cmocka_unit_test(malformed_mountinfo_lines_are_refused),
		LOOP_TESTS
	};

	char top[64];
	int rc;

	/* As root: a pid and mount namespace of its own, the host read-only,
	 * /tmp (fake trees, loop files) a private tmpfs. */
	sandbox_enter();
	no_loop = tmpfs_private(top, sizeof(top), "svirt-blockdev", NULL);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	tmpfs_remove(top);
	return rc;
}
