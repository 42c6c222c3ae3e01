/* fuzz_control_reply.c: fuzz target for the control socket's reply parser.
 * Whatever parses must format back to exactly the bytes that came in. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_control_reply rep = { 0 };
	struct sv_error err;
	char *text = NULL;
	size_t len = 0;

	if (sv_control_reply_parse((const char *)data, size, &rep, &err) != 0)
		return 0;
	if (sv_control_reply_format(&rep, &text, &len) != 0 || len != size ||
	    memcmp(text, data, size) != 0)
		abort();
	free(text);
	sv_control_reply_clear(&rep);
	return 0;
}
