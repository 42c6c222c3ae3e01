/* fuzz_vif.c: fuzz target for a vif's backend values (sv_vif_parse): vifname, NUL,
 * hotplug-status, NUL, svirt-plugged (an empty last part stands for an absent node).  Whatever it accepts names a valid interface, and its emulated NIC
 * (if it has one) is that name with "-emu".  The first part is also an interface name
 * for sv_vif_name_parse, which accepts only what it can print back byte for byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlabel.h"
#include "vif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 3), *status, *plugged, again[64];
	struct sv_vif v;
	struct sv_error err;
	unsigned devid;
	int domid;
	bool emu;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	status = buf + strlen(buf) + 1;
	plugged = status + strlen(status) + 1;
	/* An empty first part stands for an absent vifname. */
	if (sv_vif_parse(5, 1, buf[0] ? buf : NULL, status,
			 plugged[0] ? plugged : NULL, &v, &err) == 0) {
		size_t n = strlen(v.name);

		/* Connected only on exactly "connected" or exactly "1". */
		if (v.connected != (strcmp(status, "connected") == 0 ||
				    strcmp(plugged, "1") == 0))
			abort();

		if (!sv_ifname_valid(v.name))
			abort();
		if (v.emu[0] && (!sv_ifname_valid(v.emu) ||
				 strncmp(v.emu, v.name, n) != 0 ||
				 strcmp(v.emu + n, SV_VIF_EMU_SUFFIX) != 0))
			abort();
		/* A vifname never passes for another device's name. */
		if (sv_vif_name_parse(v.name, &domid, &devid, &emu, NULL) == 0 &&
		    (domid != 5 || devid != 1 || emu))
			abort();
	}
	if (sv_vif_name_parse(buf, &domid, &devid, &emu, &err) == 0) {
		snprintf(again, sizeof(again), "vif%d.%u%s", domid, devid,
			 emu ? SV_VIF_EMU_SUFFIX : "");
		if (strcmp(again, buf) != 0 || !sv_ifname_valid(buf))
			abort();
	}
	free(buf);
	return 0;
}
