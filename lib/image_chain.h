/* image_chain.h: the backing images below a disk's image (a qcow2 overlay's base), found
 * as qemu finds them and opened under the relabel roots like any other path svirtd labels. */
#ifndef SVIRT_IMAGE_CHAIN_H
#define SVIRT_IMAGE_CHAIN_H

#include "error.h"
#include "relabel.h"

/* Backing images below one top, at most. */
#define SV_CHAIN_DEPTH_MAX 16

/* Called once per backing image, nearest first; takes obj (closes it, also
 * on failure).  A negative return stops the walk and is returned. */
typedef int (*sv_chain_fn)(void *arg, struct sv_relabel_obj *obj,
			   struct sv_error *err);

/* Walks the chain below top, an image in format (the disk's format as the
 * backend reads it: only "qcow2" has a chain svirt-xen follows; any other
 * gives none, "vhd" is checked below) that qemu was given as name.  A relative backing name is
 * taken from name's directory, as qemu does; each result must open with
 * sv_relabel_open (inside the roots, no symlink swapped in, one link).
 * The backing's format is its header's backing format, else probed as qemu
 * would: qcow2 by its magic, raw otherwise; a raw image ends the chain.
 * Refused with err naming the image and the offending name, before fn sees
 * anything of a bad chain: a malformed header, a protocol or json: name, a
 * name outside the roots, a loop, more than SV_CHAIN_DEPTH_MAX backing
 * images, a format it does not follow (vmdk, vpc, ...).  A "vhd" disk whose
 * footer says differencing is refused (-EOPNOTSUPP): its parents are not
 * followed yet.  0 or -errno. */
int sv_image_chain(const struct sv_relabel_ctx *c, const char *name,
		   const struct sv_relabel_obj *top, const char *format,
		   sv_chain_fn fn, void *arg, struct sv_error *err);

#endif
