/* fuzz_vhd.c: fuzz target for the VHD footer parser (sv_vhd_footer_parse).
 * A type it hands on is one of the three; a refusal says why. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vhd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_error err = { .msg = "" };
	enum sv_vhd_type t = 0;
	uint8_t *buf = malloc(size ? size : 1);
	int r;

	if (!buf)
		abort();
	memcpy(buf, data, size);
	r = sv_vhd_footer_parse(buf, size, &t, &err);
	if ((r < 0 && !err.msg[0]) || r > 1 ||
	    (r == 1 && t != SV_VHD_FIXED && t != SV_VHD_DYNAMIC &&
	     t != SV_VHD_DIFFERENCING) || (r != 1 && t != 0))
		abort();
	free(buf);
	return 0;
}
