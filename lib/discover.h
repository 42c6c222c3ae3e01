/* discover.h: a domain's storage, read from dom0's xenstore backend tree only.
 * Every value is checked to be owned by dom0 and parsed into a typed struct. */
#ifndef SVIRT_DISCOVER_H
#define SVIRT_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "error.h"

struct xs_handle;

/* Longest backend value read (params, physical-device-path, ...). */
#define SV_XS_VALUE_MAX 4096

/* Most devices read per backend kind and domain (more is -E2BIG). */
#define SV_XS_DEVICES_MAX 1024

/* A raw value as xenstore returned it: -E2BIG if longer than
 * SV_XS_VALUE_MAX, -EINVAL if it holds a NUL (a C string would silently
 * stop there, so what was checked would not be what a backend reads). */
int sv_xs_value_check(const char *v, size_t len, struct sv_error *err);

/* Read one node, refusing (-EPERM) one that dom0 does not own (the first
 * permission entry's id) or that grants write to any other domain, and a
 * value sv_xs_value_check refuses.  -ENOENT if absent.  *out is malloc'd
 * and NUL-terminated; untouched on failure. */
int sv_xs_read_dom0(struct xs_handle *xs, const char *path, char **out,
		    struct sv_error *err);

enum sv_disk_kind {
	/* Opened by name: a qdisk image (qemu opens a block node named there
	 * too, so check the file type), a tapdisk image. */
	SV_DISK_FILE,
	/* A block device by number (physical-device): phy, loop, tapdev. */
	SV_DISK_BLOCK,
};

/* One storage object a backend opens for the guest. */
struct sv_disk {
	char backend[8];	/* "vbd" or "qdisk" */
	unsigned devid;		/* the backend device's node name */
	enum sv_disk_kind kind;
	/* Absolute, no ".", ".." or empty component, never NULL.  A block
	 * device's node: physical-device-path, else (sv_discover_disks) the
	 * kernel's name for rdev from libblkid, else "/dev/block/MAJ:MIN"
	 * (decimal, udev's link); check that the node's st_rdev is rdev.
	 * A loop device's backing file is not listed: read it from sysfs. */
	char *path;
	dev_t rdev;		/* SV_DISK_BLOCK: physical-device; else 0 */
	bool readonly;		/* mode "r" or "ro" */
	/* "phy" for a block device; the image format as the backend reads
	 * it: "raw" (no prefix), "aio", "qcow2", "vhd", ... */
	char format[16];
};

struct sv_disks {
	size_t n;
	struct sv_disk *v;
};

/* The values of one backend device, as read from xenstore (NULL: absent). */
struct sv_backend_values {
	const char *params;
	const char *type;
	const char *mode;
	const char *physical_device;	/* "MAJ:MIN" in hex */
	const char *physical_device_path;
	/* blktap2-era libxl and OpenXT: "vhd:/path" beside a tapdev params */
	const char *tapdisk_params;
};

/* The node names of struct sv_backend_values' members, in order. */
#define SV_BACKEND_VALUES 6
extern const char *const sv_backend_value_nodes[SV_BACKEND_VALUES];

/* Why a value (text) or a path is refused, or NULL if it is not: valid
 * UTF-8 without control bytes; absolute, no "." or ".." components. */
const char *sv_disk_text_problem(const char *v);
const char *sv_disk_path_problem(const char *p);

/* Pure parser (the fuzz target's entry): one backend device's values into
 * zero or more disks appended to out (a tapdisk gives its tapdev node and
 * its image file; an empty cdrom gives none).  -EINVAL with err naming the
 * backend, devid and value on bad input; -EAGAIN for a vbd whose hotplug
 * script has not written physical-device yet (bad values are reported
 * first).  out untouched on failure. */
int sv_disk_parse(const char *backend, unsigned devid,
		  const struct sv_backend_values *v, struct sv_disks *out,
		  struct sv_error *err);

/* Every disk of domid under /local/domain/0/backend/{vbd,qdisk}/<domid>/,
 * appended to out, read in one transaction.  A device whose hotplug has
 * not filled its values yet is -EAGAIN (the caller retries on the next
 * watch event); a node not owned by dom0 -EPERM; a bad value -EINVAL or
 * -E2BIG; err names the domid, backend, devid and value.  out untouched
 * on failure. */
int sv_discover_disks(struct xs_handle *xs, unsigned domid,
		      struct sv_disks *out, struct sv_error *err);
void sv_disks_clear(struct sv_disks *d);
/* Move n disks to the end of out (which then owns their paths); -ENOMEM
 * leaves both as they were. */
int sv_disks_append(struct sv_disks *out, struct sv_disk *d, size_t n,
		    struct sv_error *err);

#endif
