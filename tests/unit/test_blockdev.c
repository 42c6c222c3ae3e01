/* test_blockdev.c: block devices dom0 mounts, swaps on or builds on are refused,
 * from fake /proc and /sys trees and from the host's real ones. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
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

#include "blockdev.h"

/* A fresh fake /proc and /sys per test, under a temp dir. */
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

/* A real block device node of the host, for the tests that stat one. */
static const char *host_block_node(dev_t *dev)
{
	static const char *const nodes[] = { "/dev/loop0", "/dev/vda", "/dev/sda",
					     "/dev/nvme0n1", "/dev/xvda" };
	struct stat st;

	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
		if (stat(nodes[i], &st) == 0 && S_ISBLK(st.st_mode)) {
			*dev = st.st_rdev;
			return nodes[i];
		}
	return NULL;
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
	const char *node;
	dev_t dev;

	if (!(node = host_block_node(&dev))) {
		print_message("skipped: no block device node under /dev\n");
		skip();
	}
	snprintf(rel, sizeof(rel), "sys/dev/block/%u:%u", major(dev), minor(dev));
	if (major(dev) != 7 || minor(dev) != 0)
		make_dir(f->top, rel);
	snprintf(mi, sizeof(mi), "40 27 0:45 / /pool rw - btrfs %s rw\n", node);
	write_file(f->top, "proc/self/mountinfo", mi);
	assert_int_equal(sv_blockdev_check_unused(&f->roots, dev, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "mounted at /pool (as"));
}

static void device_used_as_swap_is_refused(void **state)
{
	struct fake *f = *state;
	struct sv_error err;
	char sw[512], rel[64];
	const char *node;
	dev_t dev;

	if (!(node = host_block_node(&dev))) {
		print_message("skipped: no block device node under /dev\n");
		skip();
	}
	snprintf(rel, sizeof(rel), "sys/dev/block/%u:%u", major(dev), minor(dev));
	if (major(dev) != 7 || minor(dev) != 0)
		make_dir(f->top, rel);
	snprintf(sw, sizeof(sw),
		 "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
		 "/swap\\040file                              file\t\t1024\t\t0\t\t-3\n"
		 "%s                               partition\t8388604\t\t0\t\t-2\n",
		 node);
	write_file(f->top, "proc/swaps", sw);
	assert_int_equal(sv_blockdev_check_unused(&f->roots, dev, &err), -EBUSY);
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

/* ---- the host's real /proc and /sys ---- */

/* The block device the host's / is mounted from, 0 if there is none. */
static dev_t host_root_dev(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[8192];
	struct sv_mount *m = malloc(sizeof(*m));
	struct stat st;
	dev_t dev = 0;

	assert_non_null(f);
	assert_non_null(m);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (sv_mountinfo_parse_line(line, strlen(line), m, NULL) != 0 ||
		    strcmp(m->mountpoint, "/") != 0)
			continue;
		dev = makedev(m->major, m->minor);
		if (m->major == 0)
			dev = stat(m->source, &st) == 0 && S_ISBLK(st.st_mode) ?
				      st.st_rdev : 0;
	}
	fclose(f);
	free(m);
	return dev;
}

static dev_t need_host_root_dev(void)
{
	dev_t dev = host_root_dev();
	char path[64];

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(dev),
		 minor(dev));
	if (dev == 0 || access(path, F_OK) != 0) {
		print_message("skipped: the host's / is not on a block device "
			      "this kernel shows in /sys/dev/block\n");
		skip();
	}
	return dev;
}

static void host_root_disk_is_refused_as_mounted(void **state)
{
	dev_t dev = need_host_root_dev();
	struct sv_error err;

	(void)state;
	assert_int_equal(sv_blockdev_check_unused(NULL, dev, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "is mounted at /"));
}

/* If / lives on a partition, the disk holding it must be refused too. */
static void host_disk_holding_the_root_partition_is_refused(void **state)
{
	dev_t dev = need_host_root_dev(), disk;
	char path[PATH_MAX], real[PATH_MAX];
	struct sv_error err;
	unsigned maj, min;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/partition", major(dev),
		 minor(dev));
	if (access(path, F_OK) != 0) {
		print_message("skipped: the host's / is on a whole disk, not a "
			      "partition\n");
		skip();
	}
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major(dev),
		 minor(dev));
	assert_non_null(realpath(path, real));
	strcat(real, "/../dev");
	assert_non_null(f = fopen(real, "r"));
	assert_int_equal(fscanf(f, "%u:%u", &maj, &min), 2);
	fclose(f);
	disk = makedev(maj, min);
	assert_int_equal(sv_blockdev_check_unused(NULL, disk, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "partition"));
}

/* The node named by the kernel in uevent's DEVNAME=. */
static int host_node_of(dev_t dev, char *node, size_t size)
{
	char path[64], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/uevent", major(dev),
		 minor(dev));
	if (!(f = fopen(path, "r")))
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		if (strncmp(line, "DEVNAME=", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(node, size, "/dev/%s", line + 8);
			found = 1;
		}
	fclose(f);
	return found;
}

static void host_root_disk_fails_the_exclusive_probe(void **state)
{
	dev_t dev = need_host_root_dev();
	struct sv_error err;
	char node[300];
	struct stat st;
	int fd;

	(void)state;
	if (!host_node_of(dev, node, sizeof(node)) || stat(node, &st) != 0 ||
	    !S_ISBLK(st.st_mode) || st.st_rdev != dev) {
		print_message("skipped: no /dev node for the root disk\n");
		skip();
	}
	/* Sandboxes (device cgroups) may deny even root a plain open. */
	if ((fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		print_message("skipped: this host denies opening %s at all: %s\n",
			      node, strerror(errno));
		skip();
	}
	close(fd);
	assert_true((fd = open(node, O_PATH | O_CLOEXEC)) >= 0);
	assert_int_equal(sv_blockdev_probe_exclusive(NULL, fd, dev, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "in use by the kernel"));
	close(fd);
}

/* losetup's device for a fresh 1 MiB file, or skip with the reason. */
static void attach_loop(char *file, size_t fsize, char *dev, size_t dsize)
{
	char cmd[PATH_MAX + 64];
	FILE *p;
	int fd;

	if (geteuid() != 0) {
		print_message("skipped: attaching a loop device needs root\n");
		skip();
	}
	snprintf(file, fsize, "/tmp/svirt-loop-XXXXXX");
	assert_true((fd = mkstemp(file)) >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "losetup -f --show %s 2>/dev/null", file);
	dev[0] = '\0';
	if ((p = popen(cmd, "r"))) {
		if (!fgets(dev, (int)dsize, p))
			dev[0] = '\0';
		pclose(p);
	}
	dev[strcspn(dev, "\n")] = '\0';
	if (dev[0] != '/') {
		unlink(file);
		print_message("skipped: losetup (util-linux) could not attach a "
			      "loop device\n");
		skip();
	}
}

static void detach_loop(const char *file, const char *dev)
{
	char cmd[PATH_MAX + 32];

	snprintf(cmd, sizeof(cmd), "losetup -d %s", dev);
	assert_int_equal(system(cmd), 0);
	unlink(file);
}

static void real_loop_device_names_its_file_and_is_free(void **state)
{
	char file[64], dev[PATH_MAX], real[PATH_MAX], *backing = NULL;
	struct sv_error err;
	struct stat st;
	int fd, r1, r2, r3;

	(void)state;
	attach_loop(file, sizeof(file), dev, sizeof(dev));
	assert_non_null(realpath(file, real));
	assert_int_equal(stat(dev, &st), 0);
	r1 = sv_blockdev_loop_backing_file(NULL, st.st_rdev, &backing, &err);
	r2 = sv_blockdev_check_unused(NULL, st.st_rdev, &err);
	fd = open(dev, O_PATH | O_CLOEXEC);
	r3 = sv_blockdev_probe_exclusive(NULL, fd, st.st_rdev, &err);
	close(fd);
	detach_loop(file, dev);
	assert_int_equal(r1, 0);
	assert_string_equal(backing, real);
	free(backing);
	assert_int_equal(r2, 0);
	assert_int_equal(r3, 0);
}

/* What a mount, swapon or dm does to a device, done by the test itself. */
static void real_loop_device_claimed_exclusively_fails_the_probe(void **state)
{
	char file[64], dev[PATH_MAX];
	struct sv_error err;
	struct stat st;
	int fd, claim, r;

	(void)state;
	attach_loop(file, sizeof(file), dev, sizeof(dev));
	assert_int_equal(stat(dev, &st), 0);
	claim = open(dev, O_RDONLY | O_EXCL | O_CLOEXEC);
	fd = open(dev, O_PATH | O_CLOEXEC);
	r = sv_blockdev_probe_exclusive(NULL, fd, st.st_rdev, &err);
	close(fd);
	close(claim);
	detach_loop(file, dev);
	assert_true(claim >= 0);
	assert_int_equal(r, -EBUSY);
}

/* In a child with a mount namespace of its own, so the host never sees the
 * mount and it goes away with the child.  0 if both checks refused it. */
static int checks_while_mounted(const char *dev, dev_t rdev, const char *dir)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		struct sv_error err;
		int fd, r1, r2;

		if (unshare(CLONE_NEWNS) != 0 ||
		    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0 ||
		    mount(dev, dir, "ext4", MS_NOATIME, NULL) != 0)
			_exit(2);
		r1 = sv_blockdev_check_unused(NULL, rdev, &err);
		if (r1 != -EBUSY || !strstr(err.msg, "is mounted at"))
			_exit(3);
		fd = open(dev, O_PATH | O_CLOEXEC);
		r2 = sv_blockdev_probe_exclusive(NULL, fd, rdev, &err);
		_exit(r2 == -EBUSY ? 0 : 4);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

static void real_mounted_loop_device_is_refused(void **state)
{
	char file[64], dev[PATH_MAX], dir[64], cmd[PATH_MAX + 64];
	struct stat st;
	int rc;

	(void)state;
	if (access("/sbin/mkfs.ext4", X_OK) != 0 &&
	    access("/usr/sbin/mkfs.ext4", X_OK) != 0) {
		print_message("skipped: no mkfs.ext4 (e2fsprogs) to make a "
			      "filesystem to mount\n");
		skip();
	}
	attach_loop(file, sizeof(file), dev, sizeof(dev));
	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F %s >/dev/null 2>&1", dev);
	strcpy(dir, "/tmp/svirt-mnt-XXXXXX");
	if (system(cmd) != 0 || !mkdtemp(dir) || stat(dev, &st) != 0) {
		detach_loop(file, dev);
		fail_msg("cannot make a filesystem on %s", dev);
	}
	rc = checks_while_mounted(dev, st.st_rdev, dir);
	rmdir(dir);
	detach_loop(file, dev);
	if (rc == 2) {
		print_message("skipped: cannot mount ext4 in a private mount "
			      "namespace here\n");
		skip();
	}
	assert_int_equal(rc, 0);
}

#define HOST_TESTS                                                             \
	cmocka_unit_test(host_root_disk_is_refused_as_mounted),                \
	cmocka_unit_test(host_disk_holding_the_root_partition_is_refused),     \
	cmocka_unit_test(host_root_disk_fails_the_exclusive_probe),            \
	cmocka_unit_test(real_loop_device_names_its_file_and_is_free),        \
	cmocka_unit_test(real_loop_device_claimed_exclusively_fails_the_probe), \
	cmocka_unit_test(real_mounted_loop_device_is_refused)

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup_fake, teardown_fake)
		T(free_device_is_accepted),
		T(device_mounted_by_number_is_refused),
		T(escaped_mount_point_is_decoded_in_the_refusal),
		T(device_mounted_by_its_source_node_is_refused),
		T(device_used_as_swap_is_refused),
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
		HOST_TESTS
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
