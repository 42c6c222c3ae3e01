/* vif.h: a domain's network interfaces in dom0, from the vif backend tree only:
 * the name each has on dom0's bridge and whether its hotplug script has finished. */
#ifndef SVIRT_VIF_H
#define SVIRT_VIF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct xs_handle;

#define SV_VIFS_MAX 64	/* more vifs for one domain is refused */

struct sv_vif {
	unsigned devid;
	char name[IFNAMSIZ];	/* vifD.N, or the backend's vifname */
	bool connected;		/* hotplug-status "connected" */
};

struct sv_vifs {
	size_t n;
	struct sv_vif v[SV_VIFS_MAX];
};

/* Pure (the fuzz target's entry): one backend vif's values (NULL: absent)
 * into *out.  vifname, when given, must be a valid interface name; any
 * hotplug-status other than "connected" means not (yet) connected.
 * -EINVAL with err naming domain, devid and value; *out untouched. */
int sv_vif_parse(int domid, unsigned devid, const char *vifname,
		 const char *hotplug_status, struct sv_vif *out,
		 struct sv_error *err);

/* Every vif under /local/domain/0/backend/vif/<domid>/, nodes owned by dom0
 * only (-EPERM otherwise).  A domain without vifs is 0 with out->n == 0. */
int sv_discover_vifs(struct xs_handle *xs, int domid, struct sv_vifs *out,
		     struct sv_error *err);

#endif
