/* xl_qdev.h: which devices of an xl config a PV guest's own qemu serves
 * through xenstore, and the `key=value` items of a device spec. */
#ifndef SVIRT_XL_QDEV_H
#define SVIRT_XL_QDEV_H

#include <stdbool.h>

#include "error.h"
#include "xl_derive.h"

/* Whether a device spec ("a=1,b,c=2") has an item named key, blanks
 * around the name trimmed, as xl reads it. */
bool sv_xl_spec_has(const char *spec, const char *key);

/* The kind of qemu-served device a config key lists (disk, vfb, vkb,
 * channel, p9), NULL for any other key. */
const struct sv_xlcfg_qdev *sv_xl_qdev_kind(const char *key);

/* Whether libxl 4.17 gives one spec of that kind to the guest's own qemu
 * (*served); a disk spec is read with libxlutil's parser, and one it
 * cannot read is left to xl.  0, or -ENOMEM (err says so). */
int sv_xl_qdev_served(const struct sv_xlcfg_qdev *q, const char *spec,
		      bool *served, struct sv_error *err) _nodiscard_;

#endif
