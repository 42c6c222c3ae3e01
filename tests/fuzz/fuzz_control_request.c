/* fuzz_control_request.c: fuzz target for the control socket's request parser.
 * Whatever parses must format back to exactly the bytes that came in. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_control_request req, again;
	char buf[SV_CONTROL_LINE_MAX + 1];
	struct sv_error err;
	int n;

	if (sv_control_request_parse((const char *)data, size, &req, &err) != 0)
		return 0;
	n = sv_control_request_format(&req, buf, sizeof(buf));
	if (n < 0 || (size_t)n != size || memcmp(buf, data, size) != 0)
		abort();
	if (sv_control_request_parse(buf, (size_t)n, &again, &err) != 0 ||
	    again.op != req.op || again.domid != req.domid ||
	    again.wait_seconds != req.wait_seconds)
		abort();
	return 0;
}
