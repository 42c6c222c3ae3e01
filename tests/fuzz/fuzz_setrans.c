/* fuzz_setrans.c: fuzz target for the administrator's setrans text as svirtd reads it
 * (sv_setrans_admin_parse, Includes not followed) and for guest names made translations. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "setrans.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *text)
{
	char out[SV_SETRANS_NAME_MAX + 1];
	const char *why = NULL;
	int r = sv_setrans_name(text, out, sizeof(out), &why);

	if (r == 0) {
		/* Nothing mcstrans splits on, comments out or reads as a level. */
		if (!out[0] || strpbrk(out, "#=!>:,-~ \t\r\n") ||
		    strlen(out) != strlen(text))
			abort();
	} else if (r != -EINVAL || !why) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sv_setrans_admin a = { 0 };
	struct sv_error err;
	char *text = malloc(size + 1);
	int r;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	r = sv_setrans_admin_parse(&a, text, size, "fuzz", NULL, false, &err);
	if (r < 0 && r != -EINVAL && r != -ENOMEM)
		abort();
	for (size_t i = 0; i < a.n; i++)
		if (!a.level[i][0] || !a.text[i][0] || strchr(a.level[i], '#') ||
		    strchr(a.text[i], '\n'))
			abort();
	sv_setrans_admin_free(&a);
	check_name(text);
	free(text);
	return 0;
}
