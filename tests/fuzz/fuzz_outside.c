/* fuzz_outside.c: fuzz target for the values svirtd reads to find backends outside dom0
 * (a frontend's backend-id, a backend path, a /libxl watch path): what is accepted is in range. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outside.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v = malloc(size + 1), again[128];
	struct sv_backend_path b;
	unsigned id = UINT_MAX;
	int domid = -1;

	if (!v)
		abort();
	memcpy(v, data, size);
	v[size] = '\0';
	if (sv_outside_domid_parse(v, &id) == 0 && id > SV_DOMID_MAX)
		abort();
	/* An accepted path is exactly the canonical text of what it says. */
	if (sv_backend_path_parse(v, &b) == 0) {
		snprintf(again, sizeof(again), "/local/domain/%u/backend/%s/%u/%u",
			 b.backend, b.kind, b.domid, b.devid);
		if (strcmp(again, v) != 0 || b.backend > SV_DOMID_MAX ||
		    b.domid < SV_DOMID_MIN || b.domid > SV_DOMID_MAX ||
		    b.devid > INT_MAX)
			abort();
	}
	if (sv_libxl_event_parse(v, &domid) == 0 &&
	    (domid < SV_DOMID_MIN || domid > SV_DOMID_MAX ||
	     strncmp(v, "/libxl/", 7) != 0))
		abort();
	free(v);
	return 0;
}
