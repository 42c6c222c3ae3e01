/* backend_event.h: what one xenstore watch event under dom0's backend tree
 * is about: which guest, and whether it touches a node svirtd reads. */
#ifndef SVIRT_BACKEND_EVENT_H
#define SVIRT_BACKEND_EVENT_H

#include <stdbool.h>

#define SV_BACKEND_ROOT "/local/domain/0/backend/"

struct sv_backend_event {
	int domid;
	/* The guest's backend directory, a device or a node discovery reads
	 * (discover.h's values for vbd and qdisk; vifname, hotplug-status
	 * and svirt-plugged for vif) was written or removed.  Not so for what backends write
	 * as guests' frontends change (state, feature-*, sectors, ...):
	 * a guest flapping its frontend must not make svirtd label again. */
	bool relevant;
};

/* path: SV_BACKEND_ROOT "<vbd|qdisk|vif>/<domid>[/<devid>[/<node>...]]",
 * domid decimal SV_DOMID_MIN..SV_DOMID_MAX.  -EINVAL (*out untouched) for
 * any other path: another backend kind, the kind's own directory, a domid
 * that names no guest. */
int sv_backend_event_parse(const char *path, struct sv_backend_event *out);

#endif
