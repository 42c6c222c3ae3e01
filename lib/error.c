/* error.c: filling struct sv_error.
 * One place that formats, so every message is bounded and always terminated. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int sv_fail(struct sv_error *err, int errnum, const char *fmt, ...)
{
	if (err) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -errnum;
}

/* dst = "a: b", cut at size (messages are bounded by design). */
static void sv_join(char *dst, size_t size, const char *a, const char *b)
{
	size_t la = strnlen(a, size - 1), lb, o;

	memcpy(dst, a, la);
	o = la;
	if (o + 2 < size) {
		memcpy(dst + o, ": ", 2);
		o += 2;
	}
	lb = strnlen(b, size - 1 - o);
	memcpy(dst + o, b, lb);
	dst[o + lb] = '\0';
}

int sv_fail_prefix(struct sv_error *err, int errnum, const char *fmt, ...)
{
	if (err) {
		char prefix[sizeof(err->msg)];
		char old[sizeof(err->msg)];
		va_list ap;

		memcpy(old, err->msg, sizeof(old));
		old[sizeof(old) - 1] = '\0';
		va_start(ap, fmt);
		vsnprintf(prefix, sizeof(prefix), fmt, ap);
		va_end(ap);
		sv_join(err->msg, sizeof(err->msg), prefix, old);
	}
	return -errnum;
}
