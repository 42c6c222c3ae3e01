/* fuzz_flask_label.c: fuzz target for the pair read from a domain's Flask label
 * (sv_flask_label_pair): whatever it accepts is s0 with no pair or a valid pair, written back as read. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flask_label.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct sv_pair p = { 12345, 54321 };
	struct sv_error err = { "" };
	const char *level;
	char want[32];
	bool has = true;
	size_t ll = 0;

	/* The helper's output framing: one line, the label's bytes before it. */
	if (sv_flask_label_line(s, size, &ll, &err) == 0 &&
	    (ll == 0 || ll > SV_FLASK_LABEL_MAX || ll + 1 != size ||
	     s[ll] != '\n' || memchr(s, '\n', ll) || memchr(s, '\0', ll)))
		abort();
	err.msg[0] = '\0';

	if (sv_flask_label_pair(s, size, &p, &has, &err) < 0) {
		/* Outputs untouched, and a reason given. */
		if (!has || p.a != 12345 || p.b != 54321 || !err.msg[0])
			abort();
		return 0;
	}
	if (has && !sv_pair_valid(p))
		abort();
	if (!has && (p.a != 12345 || p.b != 54321))
		abort();
	/* The level is the fourth field and says exactly what was found. */
	level = s;
	for (int colons = 0; colons < 3; level++) {
		if (level >= s + size)
			abort();
		if (*level == ':')
			colons++;
	}
	if (has)
		snprintf(want, sizeof(want), "s0:c%u,c%u", p.a, p.b);
	else
		snprintf(want, sizeof(want), "s0");
	if ((size_t)(s + size - level) != strlen(want) ||
	    memcmp(level, want, strlen(want)) != 0)
		abort();
	return 0;
}
