/* control_syntax.h: private to control.c and control_reply.c, not an API.
 * The tokenizer and value parsers both ends of the control protocol share. */
#ifndef SVIRT_CONTROL_SYNTAX_H
#define SVIRT_CONTROL_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>

#include "control.h"

/* One line without its '\n'; tokens are separated by exactly one space. */
struct sv_cursor {
	const char *s;
	size_t len;
	size_t off;
	char what[32];		/* "request", "reply line 3": message prefix */
};

struct sv_token {
	const char *p;
	size_t len;
};

/* lineno 0: what alone; else "what line N". */
void sv_cursor_init(struct sv_cursor *c, const char *s, size_t len,
		    const char *what, size_t lineno);
/* sv_fail(EINVAL) with the cursor's prefix. */
int sv_cfail(const struct sv_cursor *c, struct sv_error *err,
	     const char *fmt, ...) _printf_(3, 4);
const char *sv_token_quote(char *q, size_t size, struct sv_token t);
bool sv_token_is(struct sv_token t, const char *word);

/* Only bytes 0x20..0x7e, so the tokenizer meets no other separator. */
int sv_cursor_printable(const struct sv_cursor *c, struct sv_error *err);
/* The next token; refuses a missing one, a leading and a trailing space. */
int sv_cursor_take(struct sv_cursor *c, const char *name, struct sv_token *t,
		   struct sv_error *err);
/* The token `key`, then the value after it. */
int sv_cursor_take_kv(struct sv_cursor *c, const char *key,
		      struct sv_token *value, struct sv_error *err);
int sv_cursor_end(const struct sv_cursor *c, struct sv_error *err);

/* Decimal lo..hi, no sign, no leading zero. */
int sv_token_uint(const struct sv_cursor *c, const char *name,
		  struct sv_token t, unsigned lo, unsigned hi, unsigned *out,
		  struct sv_error *err);
/* Canonical (lower-case) and not nil. */
int sv_token_uuid(const struct sv_cursor *c, struct sv_token t,
		  char out[SV_UUID_BUF], struct sv_error *err);
int sv_token_pair(const struct sv_cursor *c, struct sv_token t,
		  struct sv_pair *out, struct sv_error *err);
int sv_token_domid(const struct sv_cursor *c, struct sv_token t, int *out,
		   struct sv_error *err);

/* The errno a wire name stands for, 0 if it is not in the table. */
int sv_control_errno_from_name(struct sv_token t);

/* A struct's uuid: terminated, canonical, not nil. */
bool sv_control_uuid_ok(const char *uuid);

#endif
