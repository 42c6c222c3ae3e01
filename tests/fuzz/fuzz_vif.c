/* fuzz_vif.c: fuzz target for a vif's backend values (sv_vif_parse): vifname, NUL,
 * hotplug-status.  Whatever it accepts names a valid interface. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netlabel.h"
#include "vif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 2), *status;
	struct sv_vif v;
	struct sv_error err;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = '\0';
	status = buf + strlen(buf) + 1;
	/* An empty first part stands for an absent vifname. */
	if (sv_vif_parse(5, 1, buf[0] ? buf : NULL, status, &v, &err) == 0 &&
	    !sv_ifname_valid(v.name))
		abort();
	free(buf);
	return 0;
}
