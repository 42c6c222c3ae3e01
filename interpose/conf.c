/* conf.c: /etc/svirt/interpose.conf, svirt-interpose's own few settings.
 * xl.cfg syntax, read by a strict parser of just the forms those settings take. */
#include "interpose.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "control.h"

/*
 * The file is xl.cfg syntax, like svirt.conf, but the interposer does not
 * read it with libxlutil: that library brings libxenlight and a score of
 * other libraries, and loading them was most of the time the interposer
 * added to every qemu start.  This parser takes a subset of what the old
 * reader (config_scan.c's strict scan, then libxlutil) took, and reads
 * every file of that subset as it did (tests/fuzz/fuzz_interpose_conf.c
 * compares the two on every input).  Anything else is refused with
 * file:line, never read differently:
 *  - statements `key = value`, one a line or separated by ';'; blanks
 *    (space, tab) and `#` comments to the end of a line, which must end
 *    with a newline, as libxlutil required;
 *  - a value is a "string" or 'string' (escapes \\ \" \' only) or a bare
 *    number; no key takes a list, and `+=` is refused;
 *  - a number, bare or quoted, is plain decimal: no sign, blank, leading
 *    zero or 0x.  The old reader used strtol(), so it took 010 as 8 and
 *    accepted 0x1e, " 30" and "+30": those are refused now, not guessed.
 */

#define CONF_MAX_SIZE 16384

enum conf_key { K_QEMU, K_SOCKET, K_WAIT, K_RESTRICT, K_DISABLED, K_COUNT };

static const char *const key_names[K_COUNT] = {
	[K_QEMU] = "qemu",
	[K_SOCKET] = "socket",
	[K_WAIT] = "wait",
	[K_RESTRICT] = "require_dm_restrict",
	[K_DISABLED] = "allow_selinux_disabled",
};

struct conf_parse {
	const char *name;	/* the file, for messages */
	const char *p, *end;
	unsigned line;
	bool seen[K_COUNT];
	struct sv_error *err;
};

/* A value as written: a string's bytes between its quotes (escapes still
 * in), or a bare number token. */
struct atom {
	const char *s;
	size_t len;
	bool quoted;
};

static int parse_fail(const struct conf_parse *s, const char *what)
{
	return sv_fail(s->err, EINVAL, "%s:%u: %s", s->name, s->line, what);
}

static bool at(const struct conf_parse *s, char c)
{
	return s->p < s->end && *s->p == c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '.';
}

/* Blanks and a comment; the comment's newline is left for the caller. */
static int skip_blanks(struct conf_parse *s)
{
	while (at(s, ' ') || at(s, '\t'))
		s->p++;
	if (!at(s, '#'))
		return 0;
	while (s->p < s->end && *s->p != '\n')
		s->p++;
	if (s->p == s->end)
		return parse_fail(s, "a comment on the last line needs a newline after it");
	return 0;
}

static int parse_string(struct conf_parse *s, struct atom *a)
{
	char q = *s->p++;

	a->s = s->p;
	a->quoted = true;
	for (;;) {
		if (s->p == s->end || *s->p == '\n')
			return parse_fail(s, "string not closed on its line");
		if (*s->p == q)
			break;
		if (*s->p == '\\') {
			s->p++;
			if (!(at(s, '\\') || at(s, '"') || at(s, '\'')))
				return parse_fail(s, "only the escapes \\\\, \\\" and \\' are allowed");
		}
		s->p++;
	}
	a->len = (size_t)(s->p - a->s);
	s->p++;
	return 0;
}

/* A string, or a number token as xl.cfg has it ([0-9][0-9a-fx]*: taken
 * whole, so 0x1e is one value to refuse, not 0 followed by junk). */
static int parse_value(struct conf_parse *s, enum conf_key k, struct atom *a)
{
	char msg[96];

	if (at(s, '"') || at(s, '\''))
		return parse_string(s, a);
	if (s->p < s->end && is_digit(*s->p)) {
		a->s = s->p;
		a->quoted = false;
		while (s->p < s->end && (is_digit(*s->p) ||
					 (*s->p >= 'a' && *s->p <= 'f') ||
					 *s->p == 'x'))
			s->p++;
		a->len = (size_t)(s->p - a->s);
		return 0;
	}
	if (at(s, '[')) {
		snprintf(msg, sizeof(msg), "%s takes one value, not a list",
			 key_names[k]);
		return parse_fail(s, msg);
	}
	return parse_fail(s, "expected a value: a \"string\" or a number");
}

/* An absolute path in quotes, unescaped into out (size bytes with its NUL);
 * what it names is checked when used. */
static int path_value(const struct conf_parse *s, enum conf_key k,
		      const struct atom *a, char *out, size_t size)
{
	size_t i = 0, n = 0;

	for (; a->quoted && i < a->len && n < size; i++, n++)
		/* parse_string let a backslash through only before \ " or '. */
		out[n] = a->s[i] == '\\' ? a->s[++i] : a->s[i];
	/* Not all of it, or no room left for the NUL: too long. */
	if (!a->quoted || i < a->len || n >= size || n == 0 || out[0] != '/')
		return sv_fail(s->err, EINVAL,
			       "%s:%u: %s must be an absolute path in quotes, "
			       "under %zu bytes", s->name, s->line, key_names[k],
			       size);
	out[n] = '\0';
	return 0;
}

/* Plain decimal in lo..hi (hi >= 0), bare or quoted. */
static int number_value(const struct conf_parse *s, enum conf_key k,
			const struct atom *a, long lo, long hi, long *out)
{
	bool ok = a->len > 0 && (a->s[0] != '0' || a->len == 1);
	long v = 0;

	for (size_t i = 0; ok && i < a->len; i++) {
		ok = is_digit(a->s[i]);
		v = v * 10 + (a->s[i] - '0');
		ok = ok && v <= hi;	/* checked each digit: no overflow */
	}
	if (!ok || v < lo)
		return sv_fail(s->err, EINVAL,
			       "%s:%u: %s must be a decimal number %ld..%ld "
			       "(no sign, blank, leading zero or 0x)", s->name,
			       s->line, key_names[k], lo, hi);
	*out = v;
	return 0;
}

static int apply_value(const struct conf_parse *s, enum conf_key k,
		       const struct atom *a, struct sv_interpose_conf *c)
{
	long v = 0;
	int r = 0;

	switch (k) {
	case K_QEMU:
		return path_value(s, k, a, c->qemu, sizeof(c->qemu));
	case K_SOCKET:
		return path_value(s, k, a, c->socket, sizeof(c->socket));
	case K_WAIT:
		if ((r = number_value(s, k, a, 1, SV_CONTROL_WAIT_MAX, &v)) == 0)
			c->wait_seconds = (unsigned)v;
		return r;
	case K_RESTRICT:
		if ((r = number_value(s, k, a, 0, 1, &v)) == 0)
			c->require_restrict = v;
		return r;
	case K_DISABLED:
		if ((r = number_value(s, k, a, 0, 1, &v)) == 0)
			c->allow_disabled = v;
		return r;
	case K_COUNT:
		break;
	}
	abort();	/* every key is a case above */
}

/* Every key must be ours, and appear once. */
static int find_key(struct conf_parse *s, const char *key, size_t len,
		    enum conf_key *out)
{
	char q[SV_QUOTE_BUF];

	for (int k = 0; k < K_COUNT; k++) {
		if (strlen(key_names[k]) != len ||
		    memcmp(key_names[k], key, len) != 0)
			continue;
		if (s->seen[k])
			return sv_fail(s->err, EINVAL, "%s:%u: %s set twice",
				       s->name, s->line, key_names[k]);
		s->seen[k] = true;
		*out = (enum conf_key)k;
		return 0;
	}
	return sv_fail(s->err, EINVAL, "%s:%u: unknown key \"%s\"", s->name,
		       s->line, sv_quote(q, sizeof(q), key, len));
}

/* `key = value`, its blanks and comment, up to its end (not consumed). */
static int parse_statement(struct conf_parse *s, struct sv_interpose_conf *c)
{
	const char *key = s->p;
	enum conf_key k = K_COUNT;
	struct atom a;
	int r;

	while (s->p < s->end && is_key_char(*s->p))
		s->p++;
	if ((r = find_key(s, key, (size_t)(s->p - key), &k)) < 0)
		return r;
	while (at(s, ' ') || at(s, '\t'))
		s->p++;
	if (at(s, '+') && s->p + 1 < s->end && s->p[1] == '=')
		return parse_fail(s, "'+=' is not supported; give the whole value once");
	if (!at(s, '='))
		return parse_fail(s, "expected '=' after the key");
	s->p++;
	while (at(s, ' ') || at(s, '\t'))
		s->p++;
	if ((r = parse_value(s, k, &a)) < 0 || (r = skip_blanks(s)) < 0)
		return r;
	if (s->p < s->end && !at(s, '\n') && !at(s, ';'))
		return parse_fail(s, "expected a newline or ';' after the value");
	return apply_value(s, k, &a, c);
}

/* data's settings over *c; -EINVAL with err naming file:line, and *c
 * possibly half-written (the caller passes a copy). */
static int conf_parse(const char *name, const char *data, size_t len,
		      struct sv_interpose_conf *c, struct sv_error *err)
{
	struct conf_parse s = {
		.name = name, .p = data, .end = data + len, .line = 1, .err = err
	};
	const char *nul = memchr(data, '\0', len);
	int r;

	if (nul) {
		for (const char *q = data; q < nul; q++)
			s.line += *q == '\n';
		return parse_fail(&s, "holds a NUL byte");
	}
	while ((r = skip_blanks(&s)) == 0 && s.p < s.end) {
		if (at(&s, '\n')) {
			s.line++;
			s.p++;
		} else if (at(&s, ';')) {
			s.p++;
		} else if (*s.p < 'a' || *s.p > 'z') {
			return parse_fail(&s, "expected a key (lower case) at the start of a statement");
		} else if ((r = parse_statement(&s, c)) < 0) {
			return r;
		}
	}
	return r;
}

/* The whole file, or -ENOENT when there is none (the defaults apply). */
static int read_file(const char *path, char *buf, size_t size, size_t *len,
		     struct sv_error *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return errno == ENOENT ? -ENOENT :
			sv_fail(err, errno, "%s: %s", path, strerror(errno));
	n = read(fd, buf, size);
	if (n < 0)
		return sv_fail(err, errno, "%s: %s", path, strerror(errno));
	if ((size_t)n == size)
		return sv_fail(err, EFBIG, "%s: larger than %zu bytes", path,
			       size - 1);
	*len = (size_t)n;
	return 0;
}

int sv_interpose_conf_load(const char *path, struct sv_interpose_conf *out,
			   struct sv_error *err)
{
	struct sv_interpose_conf c = {
		.wait_seconds = SV_INTERPOSE_WAIT_DEFAULT,
		.require_restrict = true,
		.allow_disabled = false,
	};
	/* On the stack, not malloc'd: every qemu start runs this, and the heap
	 * pages a 16 kB block takes and gives back cost it page faults (three,
	 * by bench_interpose's count); the stack pages are reused by what runs
	 * after. */
	char data[CONF_MAX_SIZE + 1];
	size_t len = 0;
	int r;

	snprintf(c.socket, sizeof(c.socket), "%s", SV_CONTROL_SOCKET);
	r = read_file(path, data, CONF_MAX_SIZE + 1, &len, err);
	if (r == -ENOENT) {
		*out = c;
		return 0;
	}
	if (r < 0)
		return r;
	if ((r = conf_parse(path, data, len, &c, err)) < 0)
		return r;
	*out = c;
	return 0;
}

int sv_interpose_default_qemu(const char *self, const char *compiled,
			      char *buf, size_t size)
{
	struct stat s, q;
	bool diverted = stat(self, &s) == 0 && stat(compiled, &q) == 0 &&
			s.st_dev == q.st_dev && s.st_ino == q.st_ino;
	int n = snprintf(buf, size, "%s%s", compiled,
			 diverted ? SV_INTERPOSE_DIVERT_SUFFIX : "");

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}
