/* fuzz_nft_element.c: fuzz target for nft's listing of one port_secmark element
 * (sv_secmark_parse_element), as svirt-xl show reads it.  What it accepts is an
 * object name svirtd makes, found after the port quoted and a colon. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secmark.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char obj[SV_SECMARK_OBJ_MAX], *text = malloc(size + 1);
	const char *port = "vif3.0";
	size_t n;
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	r = sv_secmark_parse_element(text, port, obj, sizeof(obj));
	if (r == 0) {
		n = strlen(obj);
		if (n < 7 || n >= sizeof(obj) || strncmp(obj, "svirt_", 6) != 0 ||
		    strspn(obj, "abcdefghijklmnopqrstuvwxyz0123456789_") != n ||
		    !strstr(text, "\"vif3.0\"") || !strstr(text, obj))
			abort();
	} else if (r != -ENOENT && r != -EINVAL) {
		abort();
	}
	free(text);
	return 0;
}
