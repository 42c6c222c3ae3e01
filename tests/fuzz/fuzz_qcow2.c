/* fuzz_qcow2.c: fuzz target for the qcow2 header parser (sv_qcow2_parse).
 * A backing name it hands on is bounded, NUL-free text; a format is a name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "qcow2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_error err = { .msg = "" };
	struct sv_qcow2_info q;
	size_t len = size > SV_QCOW2_HEAD_MAX ? SV_QCOW2_HEAD_MAX : size;
	/* Exactly the bytes read, so a read past them is caught. */
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf)
		abort();
	memcpy(buf, data, len);
	if (sv_qcow2_parse(buf, len, size, &q, &err) < 0) {
		if (!err.msg[0])
			abort();
	} else {
		size_t n = strnlen(q.backing, sizeof(q.backing));

		if (n > SV_QCOW2_BACKING_MAX || q.has_backing != (n > 0) ||
		    sv_disk_text_problem(q.backing) ||
		    strnlen(q.backing_format, sizeof(q.backing_format)) >
			    SV_QCOW2_FORMAT_MAX ||
		    (q.version != 2 && q.version != 3))
			abort();
	}
	free(buf);
	return 0;
}
