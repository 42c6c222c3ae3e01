/* fuzz_record.c: fuzz target for the state store's record parser (sv_record_parse).
 * Whatever parses must format back to the very same bytes and parse to the same record. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *buf, size_t len)
{
	struct sv_record r = { .name = NULL }, again = { .name = NULL };
	struct sv_error err;
	char *text = NULL;
	size_t tlen;

	if (sv_record_parse(buf, len, &r, &err) != 0)
		return;
	/* Only the canonical form parses, so formatting is the identity. */
	if (sv_record_format(&r, &text, &tlen, &err) != 0 || tlen != len ||
	    memcmp(text, buf, len) != 0 ||
	    sv_record_parse(text, tlen, &again, &err) != 0 ||
	    !sv_record_equal(&r, &again))
		abort();
	free(text);
	sv_record_clear(&again);
	sv_record_clear(&r);
}

/* The input with its end line (if any) replaced by a correct one: mutations
 * almost never keep a CRC-32 right, and without this the fuzzer would
 * explore little past the checksum check. */
static void check_resealed(const char *buf, size_t len)
{
	size_t body = len;
	char *sealed;
	int n;

	while (body > 0 && buf[body - 1] == '\n')
		body--;
	while (body > 0 && buf[body - 1] != '\n')
		body--;
	if (len - body < 4 || memcmp(buf + body, "end ", 4) != 0)
		body = len;
	sealed = malloc(body + 32);
	if (!sealed)
		abort();
	memcpy(sealed, buf, body);
	n = snprintf(sealed + body, 32, "end %zu %08x\n", body,
		     (unsigned)sv_record_checksum(buf, body));
	check(sealed, body + (size_t)n);
	free(sealed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check((const char *)data, size);
	check_resealed((const char *)data, size);
	return 0;
}
