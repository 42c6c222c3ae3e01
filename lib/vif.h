/* vif.h: a domain's network interfaces in dom0, from the vif backend tree only:
 * the name each has on dom0's bridge, the name of the emulated NIC (qemu's tap)
 * an HVM guest has beside it, and whether its hotplug script has finished. */
#ifndef SVIRT_VIF_H
#define SVIRT_VIF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

struct xs_handle;

#define SV_VIFS_MAX 64	/* more vifs for one domain is refused */

/* libxl names an HVM guest's emulated NIC, qemu's tap, after its vif:
 * vifD.N-emu, or the backend's vifname with the suffix. */
#define SV_VIF_EMU_SUFFIX "-emu"

struct sv_vif {
	unsigned devid;
	char name[IFNAMSIZ];	/* vifD.N, or the backend's vifname */
	/* name-emu, the tap qemu makes for the same device; "" when that name
	 * is longer than an interface name (no such tap can exist). */
	char emu[IFNAMSIZ];
	/* hotplug-status "connected", or svirt-plugged "1": the hotplug script
	 * has put the vif on its bridge (vif-svirt holds "connected" back until
	 * svirtd labelled the vif, and says so in svirt-plugged meanwhile). */
	bool connected;
};

struct sv_vifs {
	size_t n;
	struct sv_vif v[SV_VIFS_MAX];
};

/* The node vif-svirt writes ("1") in a vif's backend directory in place of
 * hotplug-status "connected", until svirtd has labelled the vif. */
#define SV_VIF_PLUGGED_NODE "svirt-plugged"

/* Pure (the fuzz target's entry): one backend vif's values (NULL: absent)
 * into *out.  vifname, when given, must be a valid interface name, must not
 * end in "-emu" (it would pass for the emulated NIC of another vif), and if
 * it has the form vifD.N[-emu] D and N must be this vif's own domain and
 * devid.  The vif is connected when hotplug_status is exactly "connected"
 * or plugged (SV_VIF_PLUGGED_NODE) exactly "1"; any other value of either
 * means not (yet).  -EINVAL with err naming domain, devid and value; *out
 * untouched. */
int sv_vif_parse(int domid, unsigned devid, const char *vifname,
		 const char *hotplug_status, const char *plugged,
		 struct sv_vif *out, struct sv_error *err);

/* Pure (fuzzed too): an interface name libxl gives a guest's vif or its
 * emulated NIC, exactly "vif<domid>.<devid>" or "vif<domid>.<devid>-emu":
 * decimal without sign or leading zero, domid 1..32751, devid 0..65535, at
 * most IFNAMSIZ - 1 characters.  -EINVAL with err saying why otherwise;
 * the outputs are set only on success. */
int sv_vif_name_parse(const char *name, int *domid, unsigned *devid, bool *emu,
		      struct sv_error *err);

/* The ports of v that svirt labels as its guest's, into out (at most two):
 * the vif itself once it is connected, and its emulated NIC (v->emu) as soon
 * as an interface of that name exists (exists(name); NULL: /sys/class/net),
 * whether or not the vif is connected yet: libxl puts qemu's tap on the
 * bridge before the vif's hotplug script runs.  Returns how many. */
size_t sv_vif_ports(const struct sv_vif *v, bool (*exists)(const char *name),
		    char out[2][IFNAMSIZ]);

/* Every vif under /local/domain/0/backend/vif/<domid>/, nodes owned by dom0
 * only (-EPERM otherwise).  A domain without vifs is 0 with out->n == 0. */
int sv_discover_vifs(struct xs_handle *xs, int domid, struct sv_vifs *out,
		     struct sv_error *err);

#endif
