/* xl_guest.h: the svirt_* keys of a guest's xl config (issue 17 item 4), which svirt-xl
 * reads and xl ignores: the guest's static label, and whether it has network. */
#ifndef SVIRT_XL_GUEST_H
#define SVIRT_XL_GUEST_H

#include <stdbool.h>

#include "context.h"
#include "error.h"
#include "mcs.h"
#include "xl_derive.h"

struct sv_xl_guest {
	bool has_pair;			/* svirt_seclabel */
	struct sv_pair pair;
	char label[SV_CONTEXT_MAX];	/* a full label as given, "" for a bare pair */
	bool network_off;		/* svirt_network = "off" */
};

/* The svirt_* keys of c into *out.  -EINVAL, err "file:line: key: why",
 * for an unknown svirt_* key, a bad value, svirt_network = "off" on a
 * guest with a vif, and the keys svirt-xl cannot hand to svirtd yet
 * (svirt_relabel, svirt_shared_disks: svirt.conf's guest_* keys do it). */
int sv_xl_guest_parse(const struct sv_xlcfg *c, struct sv_xl_guest *out,
		      struct sv_error *err) _nodiscard_;

#endif
