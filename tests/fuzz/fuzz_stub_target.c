/* fuzz_stub_target.c: fuzz target for a stub domain's target node (sv_stub_target_parse).
 * What it accepts is a guest's domid, never the stub's own, written back as it was read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "stub_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int self = 7;
	struct sv_error err;
	char back[16];
	int domid = -1;

	if (sv_stub_target_parse((const char *)data, size, self, &domid,
				 &err) < 0) {
		if (domid != -1 || !err.msg[0])
			abort();
		return 0;
	}
	if (domid < SV_DOMID_MIN || domid > SV_DOMID_MAX || domid == self)
		abort();
	/* One spelling only: what libxl's "%d" writes. */
	snprintf(back, sizeof(back), "%d", domid);
	if (strlen(back) != size || memcmp(back, data, size) != 0)
		abort();
	return 0;
}
