/* error.c: filling struct sv_error.
 * One place that formats, so every message is bounded and always terminated. */
#include "error.h"

#include <stdarg.h>
#include <stdbool.h>
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

const char *sv_quote(char *buf, size_t size, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (size == 0)
		return buf;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = c >= 0x20 && c < 0x7f && c != '\\' && c != '"';

		/* Keep room for this byte's escape, "..." and the NUL. */
		if (i == SV_QUOTE_SHOWN || o + (plain ? 1 : 4) + 4 > size) {
			if (o + 4 <= size) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (plain) {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}
