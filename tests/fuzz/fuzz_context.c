/* fuzz_context.c: fuzz target for the context, level and pair parsers.
 * Whatever parses must format and parse back to the same thing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "mcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_context(const char *s, size_t len)
{
	static struct sv_context c, again;
	static char buf[SV_CONTEXT_MAX];
	struct sv_error err;

	if (sv_context_parse_n(s, len, &c, &err) != 0)
		return;
	if (sv_context_format(&c, buf, sizeof(buf)) < 0 ||
	    sv_context_parse(buf, &again, &err) != 0 ||
	    !sv_context_equal(&c, &again))
		abort();
}

static void check_range(const char *s, size_t len)
{
	static struct sv_range r, again;
	static char buf[SV_CONTEXT_MAX];
	struct sv_error err;

	if (sv_range_parse_n(s, len, &r, &err) != 0)
		return;
	if (sv_range_format(&r, buf, sizeof(buf)) < 0 ||
	    sv_range_parse(buf, &again, &err) != 0 ||
	    !sv_level_equal(&r.low, &again.low) ||
	    !sv_level_equal(&r.high, &again.high))
		abort();
}

static void check_pair(const char *s, size_t len)
{
	char str[64], buf[SV_PAIR_STRMAX];
	struct sv_pair p;

	if (len >= sizeof(str) || memchr(s, '\0', len))
		return;
	memcpy(str, s, len);
	str[len] = '\0';
	if (sv_pair_parse(str, &p, NULL) != 0)
		return;
	if (!sv_pair_valid(p) || sv_pair_format(p, buf, sizeof(buf)) < 0 ||
	    strcmp(buf, str) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	check_context(s, size);
	check_range(s, size);
	check_pair(s, size);
	return 0;
}
