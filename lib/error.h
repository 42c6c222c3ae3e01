/* error.h: the error message a parser or checker hands back to its caller.
 * Functions return a negative errno; the text says what was wrong and where. */
#ifndef SVIRT_ERROR_H
#define SVIRT_ERROR_H

#include <stddef.h>

#include "util.h"

#define SV_ERROR_MAX 512	/* an error message, with its NUL */

struct sv_error {
	char msg[SV_ERROR_MAX];
};

/* Fill err (if not NULL) and return -errnum, so callers can write
 * `return sv_fail(err, EINVAL, "...", ...);`. */
int sv_fail(struct sv_error *err, int errnum, const char *fmt, ...)
	_printf_(3, 4);

/* Prefix an existing message, e.g. with a file and line. */
int sv_fail_prefix(struct sv_error *err, int errnum, const char *fmt, ...)
	_printf_(3, 4);

/* A printable, bounded copy of untrusted bytes for a message: bytes outside
 * printable ASCII, '\\' and '"' become \xNN, so a value can neither forge a
 * log line nor hide in one; past SV_QUOTE_SHOWN bytes, "...".  Returns buf. */
#define SV_QUOTE_SHOWN 64
#define SV_QUOTE_BUF (SV_QUOTE_SHOWN * 4 + 8)
const char *sv_quote(char *buf, size_t size, const char *s, size_t len);

#endif
