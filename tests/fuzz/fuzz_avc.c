/* fuzz_avc.c: fuzz target for the AVC parser (lib/avc.c) and what svirt-xl
 * denials writes from a parsed line: whatever dom0's logs hold, a line is
 * parsed or refused, every field comes back terminated and within its
 * bounds, and the text written of it is one line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "denials.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct sv_history none = { 0 };
	struct sv_avc *a = malloc(sizeof(*a));
	struct sv_error err = { .msg = "" };
	struct sv_denial d;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (!a)
		return 0;
	r = sv_avc_parse((const char *)data, size, a, &err);
	if (r < 0 && !TERMINATED(err.msg))
		abort();
	if (r <= 0) {
		free(a);
		return 0;
	}
	if (!TERMINATED(a->perms) || !TERMINATED(a->scontext) ||
	    !TERMINATED(a->tcontext) || !TERMINATED(a->tclass) ||
	    !TERMINATED(a->comm) || !TERMINATED(a->name) ||
	    !TERMINATED(a->path) || !TERMINATED(a->dev) ||
	    !a->perms[0] || !a->scontext[0] || !a->tcontext[0] || !a->tclass[0])
		abort();
	sv_denial_attribute(a, &none, NULL, NULL, &d);
	if (!(f = open_memstream(&out, &len)))
		abort();
	sv_denial_text(f, &d);
	fclose(f);
	if (!len || memchr(out, '\n', len) != out + len - 1)
		abort();
	free(out);
	free(a);
	return 0;
}
