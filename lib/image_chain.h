/* image_chain.h: the images below a disk's image (a qcow2 overlay's base, a VHD's parents),
 * found as qemu or tapdisk finds them, opened under the relabel roots like any path svirtd labels. */
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
 * backend reads it) that the backend was given as name; other formats have
 * none.  Each result must open with sv_relabel_open (inside the roots, no
 * symlink swapped in, one link).  Refused with err naming the image and the
 * offending name or field, before fn sees anything of a bad chain: a
 * malformed header, a name outside the roots, a loop, more than
 * SV_CHAIN_DEPTH_MAX images below top.
 *
 * "qcow2": a relative backing name is taken from name's directory, as qemu
 * does.  The backing's format is its header's backing format, else probed
 * as qemu would: qcow2 by its magic, raw otherwise; a raw image ends the
 * chain.  A protocol or json: name and a format it does not follow (vmdk,
 * vpc, ...) are refused.
 *
 * "vhd" (tapdisk, qdisk) and "vpc" (qdisk): a differencing disk's parents,
 * found as tapdisk finds them (image_chain_vhd.c): the footer (or its copy
 * when the last sector holds none), the dynamic header at its data offset,
 * the MacX, W2ku and W2ru locators in entry order, a relative name taken
 * from the child's resolved directory.  Every locator must decode and each
 * that names an existing file must name the same one, under the roots.  A
 * parent unique id of zeros makes the parent raw (the chain ends); else
 * the parent must be a VHD with that unique id, and the walk goes on while
 * it is a differencing disk.  0 or -errno. */
int sv_image_chain(const struct sv_relabel_ctx *c, const char *name,
		   const struct sv_relabel_obj *top, const char *format,
		   sv_chain_fn fn, void *arg, struct sv_error *err);

#endif
