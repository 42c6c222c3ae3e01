/* fuzz_mountinfo.c: fuzz target for the /proc/self/mountinfo line parser.
 * What it accepts has an absolute mount point and no NUL in what it decoded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blockdev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sv_mount m;
	struct sv_error err;
	const char *line = (const char *)data, *end = line + size;

	/* A corpus file may hold several lines, as the real file does. */
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len = nl ? (size_t)(nl - line) : (size_t)(end - line);

		if (sv_mountinfo_parse_line(line, len, &m, &err) == 0 &&
		    (m.mountpoint[0] != '/' ||
		     strnlen(m.mountpoint, sizeof(m.mountpoint)) >= sizeof(m.mountpoint) ||
		     strnlen(m.source, sizeof(m.source)) >= sizeof(m.source)))
			abort();
		line += len + 1;
	}
	return 0;
}
