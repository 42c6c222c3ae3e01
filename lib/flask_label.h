/* flask_label.h: the MCS pair in a domain's Flask label, as the hypervisor reports it
 * (issue 17 item 3): the label is the source of a guest's pair when it names one. */
#ifndef SVIRT_FLASK_LABEL_H
#define SVIRT_FLASK_LABEL_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "mcs.h"

/* label (len bytes, no NUL needed) is a raw Flask context "user:role:type:
 * level" with a single level: s0 (*has false: no pair, the allocator's
 * choice) or s0:cA,cB (*has true, *pair).  Anything else is refused with
 * -EINVAL naming what is wrong: a range, another sensitivity, one or three
 * categories, c0, a NUL byte, a spelling other than the canonical one Xen
 * writes.  Outputs untouched on failure. */
int sv_flask_label_pair(const char *label, size_t len, struct sv_pair *pair,
			bool *has, struct sv_error *err);

#endif
