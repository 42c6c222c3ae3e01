/* blockdev.h: is a block device free for a guest, or does dom0 use it?
 * Mounts, swap, partitions and holders (dm, md, LVM); loop backing files. */
#ifndef SVIRT_BLOCKDEV_H
#define SVIRT_BLOCKDEV_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Where /proc and /sys are read from; a NULL struct or member means the real
 * ones.  Tests point them at fake trees (tests/data, temp dirs). */
struct sv_sysroots {
	const char *proc;	/* holds self/mountinfo and swaps */
	const char *sys;	/* holds dev/block/MAJ:MIN/ */
};

/* One line of /proc/self/mountinfo, the fields svirt needs. */
struct sv_mount {
	unsigned major, minor;		/* st_dev of the mounted filesystem */
	char mountpoint[PATH_MAX];	/* \ooo escapes decoded */
	char source[PATH_MAX];		/* e.g. /dev/sda1, or "none" */
};

/* Parse one mountinfo line (without its newline).  -EINVAL with err on a
 * malformed line; *out untouched then. */
int sv_mountinfo_parse_line(const char *line, size_t len, struct sv_mount *out,
			    struct sv_error *err);

/* 0 if dom0 does not use the block device dev: it is not mounted (by its
 * number in mountinfo, or as a mount's source node), not swap, has no
 * holders (device-mapper, md, bcache...), and none of its partitions is
 * mounted, swap or held.  -EBUSY with err saying which use was found;
 * -ENODEV if the kernel has no such block device; other -errno if /proc or
 * /sys cannot be read (fail closed: the caller must refuse then too). */
int sv_blockdev_check_unused(const struct sv_sysroots *r, dev_t dev,
			     struct sv_error *err);

/* The kernel's own answer to the same question: an exclusive open of the
 * node fd (any fd naming it, O_PATH is fine) fails with EBUSY while the
 * device or one of its partitions is mounted, swap or claimed by dm/md, and
 * that covers uses mountinfo does not show (btrfs member devices).  Loop
 * devices with autoclear are not probed, since closing them could detach
 * them; those rely on sv_blockdev_check_unused.  0 or -EBUSY (err set). */
int sv_blockdev_probe_exclusive(const struct sv_sysroots *r, int fd, dev_t dev,
				struct sv_error *err);

/* The backing file of the loop device dev, malloc'd into *out.  -ENXIO if
 * dev is not an attached loop device, -ENOENT if the file was deleted,
 * -EINVAL if sysfs gives something that is not a plain absolute path. */
int sv_blockdev_loop_backing_file(const struct sv_sysroots *r, dev_t dev,
				  char **out, struct sv_error *err);

#endif
