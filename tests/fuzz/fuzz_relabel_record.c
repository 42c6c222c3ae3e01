/* fuzz_relabel_record.c: fuzz target for the trusted.svirt record parser.
 * A value it accepts must format back to exactly the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relabel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sv_relabel_record rec;
	static char buf[SV_RELABEL_RECORD_MAX + 1];
	struct sv_error err;
	int n;

	if (sv_relabel_record_parse((const char *)data, size, &rec, &err) != 0)
		return 0;
	n = sv_relabel_record_format(&rec, buf, sizeof(buf));
	if (n < 0 || (size_t)n != size || memcmp(buf, data, size) != 0)
		abort();
	return 0;
}
