/* config_scan.c: finds the top-level keys of an xl.cfg-syntax text, with lines.
 * libxlutil has no way to list keys; this strict scanner does, before it. */
#include "config_scan.h"

#include <errno.h>
#include <stdbool.h>

/*
 * Finds each key's line, and refuses what libxlutil would mangle or take
 * quietly: nested lists (no key uses them), numeric escapes (libxlutil
 * drops them), `+=` and repeated keys.  It runs before libxlutil, which
 * must accept the input too: the scanner's messages have the right line
 * (libxlutil reports errors at a newline one line early), and libxlutil
 * leaks values on some syntax errors. */

struct scan {
	const char *p, *end;
	unsigned line;
	const char *name;
	struct sv_error *err;
};

static int scan_fail(const struct scan *s, const char *what)
{
	return sv_fail(s->err, EINVAL, "%s:%u: %s", s->name, s->line, what);
}

static bool at(const struct scan *s, char c)
{
	return s->p < s->end && *s->p == c;
}

/* Blanks and a comment; the comment's newline is left for the caller. */
static int skip_blanks(struct scan *s)
{
	while (at(s, ' ') || at(s, '\t'))
		s->p++;
	if (!at(s, '#'))
		return 0;
	while (s->p < s->end && *s->p != '\n')
		s->p++;
	if (s->p == s->end)
		return scan_fail(s, "a comment on the last line needs a newline after it");
	return 0;
}

/* Blanks, comments and newlines: where a list may break lines. */
static int skip_space(struct scan *s)
{
	int r;

	while ((r = skip_blanks(s)) == 0 && at(s, '\n')) {
		s->p++;
		s->line++;
	}
	return r;
}

static int scan_string(struct scan *s)
{
	char q = *s->p++;

	for (;;) {
		if (s->p == s->end || *s->p == '\n')
			return scan_fail(s, "string not closed on its line");
		if (*s->p == q) {
			s->p++;
			return 0;
		}
		if (*s->p == '\\') {
			s->p++;
			if (!(at(s, '\\') || at(s, '"') || at(s, '\'')))
				return scan_fail(s, "only the escapes \\\\, \\\" and \\' are allowed");
		}
		s->p++;
	}
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A string or an xl.cfg number ([0-9][0-9a-fx]*, kept as text). */
static int scan_atom(struct scan *s)
{
	if (at(s, '"') || at(s, '\''))
		return scan_string(s);
	if (s->p < s->end && is_digit(*s->p)) {
		while (s->p < s->end && (is_digit(*s->p) ||
					 (*s->p >= 'a' && *s->p <= 'f') ||
					 *s->p == 'x'))
			s->p++;
		return 0;
	}
	return scan_fail(s, at(s, '[') ? "lists inside lists are not used by any key"
				       : "expected a value: \"string\" or [ list ]");
}

/* '[' items separated by ',' (one trailing ',' allowed) ']'. */
static int scan_list(struct scan *s)
{
	int r;

	s->p++;
	for (;;) {
		if ((r = skip_space(s)) < 0)
			return r;
		if (at(s, ']'))
			break;
		if ((r = scan_atom(s)) < 0 || (r = skip_space(s)) < 0)
			return r;
		if (at(s, ']'))
			break;
		if (!at(s, ','))
			return scan_fail(s, "expected ',' or ']' in the list");
		s->p++;
	}
	s->p++;
	return 0;
}

/* Hands one `key =` to the caller; `+=` (which libxlutil would quietly
 * append to a list) is refused. */
static int scan_key(struct scan *s, sv_cfg_key_fn fn, void *arg)
{
	const char *name = s->p;
	int r;

	while (s->p < s->end && (is_lower(*s->p) || is_digit(*s->p) ||
				 *s->p == '_' || *s->p == '.'))
		s->p++;
	r = fn(arg, name, (size_t)(s->p - name), s->line, s->err);
	if (r < 0)
		return r;
	while (at(s, ' ') || at(s, '\t'))
		s->p++;
	if (at(s, '+') && s->p + 1 < s->end && s->p[1] == '=')
		return scan_fail(s, "'+=' is not supported; give the whole value once");
	if (!at(s, '='))
		return scan_fail(s, "expected '=' after the key");
	s->p++;
	while (at(s, ' ') || at(s, '\t'))
		s->p++;
	return at(s, '[') ? scan_list(s) : scan_atom(s);
}

/* statements: `key = value`, separated by newlines or ';'. */
int sv_cfg_scan(const char *name, const char *data, size_t len,
		sv_cfg_key_fn fn, void *arg, struct sv_error *err)
{
	struct scan s = {
		.p = data, .end = data + len, .line = 1, .name = name, .err = err
	};
	int r;

	while ((r = skip_blanks(&s)) == 0 && s.p < s.end) {
		if (at(&s, '\n')) {
			s.line++;
			s.p++;
		} else if (at(&s, ';')) {
			s.p++;
		} else if (!is_lower(*s.p)) {
			return scan_fail(&s, "expected a key (lower case) at the start of a statement");
		} else {
			if ((r = scan_key(&s, fn, arg)) < 0 || (r = skip_blanks(&s)) < 0)
				return r;
			if (s.p < s.end && !at(&s, '\n') && !at(&s, ';'))
				return scan_fail(&s, "expected a newline or ';' after the value");
		}
	}
	return r;
}
