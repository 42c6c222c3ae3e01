/* stub_target.h: the value of a stub domain's /local/domain/<id>/target node (the domid of
 * the guest it is the device model of, written by the toolstack), parsed strictly. */
#ifndef SVIRT_STUB_TARGET_H
#define SVIRT_STUB_TARGET_H

#include <stddef.h>

#include "error.h"

/* v: the node's len raw bytes, as xenstore returned them; self: the stub's
 * own domid.  libxl writes "%d": decimal without sign, blank or leading
 * zero, SV_DOMID_MIN..SV_DOMID_MAX, and never the stub itself.  -EINVAL
 * (err quoting the value, *out untouched) for anything else. */
int sv_stub_target_parse(const char *v, size_t len, int self, int *out,
			 struct sv_error *err);

#endif
