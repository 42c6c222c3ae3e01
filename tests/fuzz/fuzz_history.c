/* fuzz_history.c: fuzz target for the guest history's text (lib/history.c),
 * the file svirtd keeps and the HISTORY reply svirt-xl reads: whatever
 * parses formats back to exactly the bytes that came in. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int reply = 0; reply < 2; reply++) {
		struct sv_history h = { 0 };
		struct sv_error err;
		char *text = NULL;
		size_t len = 0;

		if (size == 0 ||
		    sv_history_parse((const char *)data, size, reply, &h, &err) != 0)
			continue;
		if (sv_history_format(&h, reply, &text, &len) != 0 ||
		    len != size || memcmp(text, data, size) != 0)
			abort();
		free(text);
		sv_history_clear(&h);
	}
	return 0;
}
