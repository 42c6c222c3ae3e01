/* fuzz_backend_event.c: fuzz target for a watch event's path under dom0's backend tree
 * (sv_backend_event_parse).  What it accepts names a guest's domid below a watched kind. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend_event.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path = malloc(size + 1);
	struct sv_backend_event ev = { .domid = -1 };

	if (!path)
		abort();
	memcpy(path, data, size);
	path[size] = '\0';
	if (sv_backend_event_parse(path, &ev) == 0 &&
	    (ev.domid < SV_DOMID_MIN || ev.domid > SV_DOMID_MAX ||
	     strncmp(path, SV_BACKEND_ROOT, strlen(SV_BACKEND_ROOT)) != 0))
		abort();
	free(path);
	return 0;
}
