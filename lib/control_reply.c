/* control_reply.c: the control protocol's replies: OK with entries, or ERR.
 * An entry is one guest; its labels are checked, so a client can use them as is. */
#include "control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control_syntax.h"

/* ---- reasons: any bytes but NUL, %XX-escaped on the wire ---- */

static bool reason_plain(unsigned char b)
{
	return b > 0x20 && b < 0x7f && b != '%';
}

static int hexval(char h)
{
	if (h >= '0' && h <= '9')
		return h - '0';
	if (h >= 'A' && h <= 'F')
		return h - 'A' + 10;
	return -1;
}

static int unescape_reason(const struct sv_cursor *c, struct sv_token t,
			   char out[SV_CONTROL_TEXT_MAX], struct sv_error *err)
{
	size_t o = 0;

	for (size_t i = 0; i < t.len; i++, o++) {
		size_t at = (size_t)(t.p + i - c->s);
		int hi, lo;

		if (o == SV_CONTROL_TEXT_MAX - 1)
			return sv_cfail(c, err, "reason is longer than %d bytes",
					SV_CONTROL_TEXT_MAX - 1);
		if (t.p[i] != '%') {
			out[o] = t.p[i];
			continue;
		}
		hi = i + 2 < t.len ? hexval(t.p[i + 1]) : -1;
		lo = i + 2 < t.len ? hexval(t.p[i + 2]) : -1;
		if (hi < 0 || lo < 0)
			return sv_cfail(c, err,
					"reason: '%%' at offset %zu is not followed by two upper-case hex digits",
					at);
		/* One spelling per reason: escape exactly what must be. */
		if (hi == 0 && lo == 0)
			return sv_cfail(c, err, "reason: %%00 at offset %zu",
					at);
		if (reason_plain((unsigned char)(hi << 4 | lo)))
			return sv_cfail(c, err,
					"reason: %%%c%c at offset %zu must be written as is",
					t.p[i + 1], t.p[i + 2], at);
		out[o] = (char)(hi << 4 | lo);
		i += 2;
	}
	out[o] = '\0';
	return 0;
}

/* ---- entries ---- */

/* A label must be the canonical raw context, at one level holding exactly
 * the entry's pair: a client execs or labels with it as is. */
static int check_label(const char *what, const char *s, size_t len,
		       struct sv_pair pair, struct sv_error *err)
{
	char canon[SV_CONTEXT_MAX], q[SV_QUOTE_BUF];
	struct sv_catset want;
	struct sv_context ctx;

	if (sv_context_parse_n(s, len, &ctx, err) < 0)
		return sv_fail_prefix(err, EINVAL, "%s", what);
	if (sv_context_format(&ctx, canon, sizeof(canon)) < 0 ||
	    strlen(canon) != len || memcmp(canon, s, len) != 0)
		return sv_fail(err, EINVAL, "%s \"%s\": write it as \"%s\"",
			       what, sv_quote(q, sizeof(q), s, len), canon);
	sv_pair_to_catset(pair, &want);
	if (!sv_level_equal(&ctx.range.low, &ctx.range.high) ||
	    memcmp(&ctx.range.low.cats, &want, sizeof(want)) != 0)
		return sv_fail(err, EINVAL,
			       "%s \"%s\" is not a single level with exactly c%u,c%u",
			       what, sv_quote(q, sizeof(q), s, len), pair.a,
			       pair.b);
	return 0;
}

static int take_label(struct sv_cursor *c, const char *key,
		      struct sv_pair pair, char out[SV_CONTEXT_MAX],
		      struct sv_error *err)
{
	struct sv_token t;
	struct sv_error e;
	int r = sv_cursor_take_kv(c, key, &t, err);

	if (r < 0)
		return r;
	if (check_label(key, t.p, t.len, pair, &e) < 0)
		return sv_cfail(c, err, "%s", e.msg);
	memcpy(out, t.p, t.len);
	out[t.len] = '\0';
	return 0;
}

static int take_state(struct sv_cursor *c, enum sv_dom_state *out,
		      struct sv_error *err)
{
	char q[SV_QUOTE_BUF], s[16];
	struct sv_token t;
	int r = sv_cursor_take_kv(c, "state", &t, err);

	if (r < 0)
		return r;
	if (t.len >= sizeof(s))
		t.len = sizeof(s) - 1;	/* too long for any name anyway */
	memcpy(s, t.p, t.len);
	s[t.len] = '\0';
	if (sv_dom_state_parse(s, out) < 0)
		return sv_cfail(c, err,
				"state \"%s\" is not reserved, allocated, labelled or error",
				sv_token_quote(q, sizeof(q), t));
	return 0;
}

/* domain, uuid, pair, state: what says which guest this is. */
static int parse_entry_head(struct sv_cursor *c, struct sv_control_entry *e,
			    struct sv_error *err)
{
	struct sv_token t;
	int r = sv_cursor_take_kv(c, "domain", &t, err);

	if (r == 0 && sv_token_is(t, "-"))
		e->domid = -1;
	else if (r == 0)
		r = sv_token_domid(c, t, &e->domid, err);
	if (r == 0)
		r = sv_cursor_take_kv(c, "uuid", &t, err);
	if (r == 0)
		r = sv_token_uuid(c, t, e->uuid, err);
	if (r == 0)
		r = sv_cursor_take_kv(c, "pair", &t, err);
	if (r == 0)
		r = sv_token_pair(c, t, &e->pair, err);
	if (r == 0)
		r = take_state(c, &e->state, err);
	if (r == 0 && (e->domid < 0) != (e->state == SV_STATE_RESERVED))
		r = sv_cfail(c, err,
			     "domain \"-\" goes with state reserved, and only with it");
	return r;
}

static int parse_entry(const char *line, size_t len, size_t lineno,
		       struct sv_control_entry *e, struct sv_error *err)
{
	struct sv_cursor c;
	struct sv_token t;
	int r;

	sv_cursor_init(&c, line, len, "reply", lineno);
	r = sv_cursor_printable(&c, err);
	if (r == 0)
		r = parse_entry_head(&c, e, err);
	if (r == 0)
		r = take_label(&c, "label", e->pair, e->process_label, err);
	if (r == 0)
		r = take_label(&c, "imagelabel", e->pair, e->image_label, err);
	if (r < 0)
		return r;
	e->target = 0;
	if (c.len - c.off > 7 && memcmp(c.s + c.off, "target ", 7) == 0) {
		r = sv_cursor_take_kv(&c, "target", &t, err);
		if (r == 0)
			r = sv_token_domid(&c, t, &e->target, err);
		if (r == 0 && (e->domid < 0 || e->target == e->domid))
			r = sv_cfail(&c, err, "target names no other domain's "
				     "guest");
		if (r < 0)
			return r;
	}
	e->reason[0] = '\0';
	if (e->state != SV_STATE_ERROR && c.len - c.off > 7 &&
	    memcmp(c.s + c.off, "reason ", 7) == 0)
		return sv_cfail(&c, err, "only state error takes a reason");
	if (e->state != SV_STATE_ERROR)
		return sv_cursor_end(&c, err);
	r = sv_cursor_take_kv(&c, "reason", &t, err);
	if (r == 0)
		r = unescape_reason(&c, t, e->reason, err);
	return r < 0 ? r : sv_cursor_end(&c, err);
}

/* ---- replies ---- */

static int parse_err_line(struct sv_cursor *c, struct sv_control_reply *r,
			  struct sv_error *err)
{
	char q[SV_QUOTE_BUF];
	struct sv_token t;
	size_t mlen = 0;
	int rc = sv_cursor_take(c, "errno name", &t, err);

	if (rc < 0)
		return rc;
	r->error = sv_control_errno_from_name(t);
	if (!r->error)
		return sv_cfail(c, err,
				"\"%s\" is not an errno name of the protocol",
				sv_token_quote(q, sizeof(q), t));
	/* The message is the rest of the line: free text, spaces included. */
	if (c->off < c->len)
		mlen = c->len - c->off;
	if (mlen == 0)
		return sv_cfail(c, err, "message is missing");
	if (c->s[c->off] == ' ')
		return sv_cfail(c, err, "extra space at offset %zu", c->off);
	if (mlen >= SV_CONTROL_TEXT_MAX)
		return sv_cfail(c, err, "message is longer than %d bytes",
				SV_CONTROL_TEXT_MAX - 1);
	if (c->s[c->len - 1] == ' ')
		return sv_cfail(c, err, "trailing space at offset %zu",
				c->len - 1);
	memcpy(r->message, c->s + c->off, mlen);
	r->message[mlen] = '\0';
	return 0;
}

static size_t count_lines(const char *s, size_t len)
{
	size_t n = 0;

	for (const char *p = s, *end = s + len;
	     (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		n++;
	return n;
}

/* Allocates only for lines that are there, whatever the count claims. */
static int parse_entries(const char *s, size_t len, struct sv_control_reply *r,
			 struct sv_error *err)
{
	size_t have = count_lines(s, len);
	int rc = 0;

	if (have != r->n)
		return sv_fail(err, EINVAL,
			       "reply: OK announces %zu entries, %zu follow",
			       r->n, have);
	if (r->n == 0)
		return 0;
	r->entries = calloc(r->n, sizeof(*r->entries));
	if (!r->entries)
		return -ENOMEM;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		const char *nl = memchr(s, '\n', len);
		size_t l = (size_t)(nl - s);

		rc = parse_entry(s, l, i + 2, &r->entries[i], err);
		len -= l + 1;
		s = nl + 1;
	}
	if (rc < 0)
		free(TAKE_PTR(r->entries));
	return rc;
}

static int check_reply_text(const char *buf, size_t len, struct sv_error *err)
{
	const char *nul = memchr(buf, '\0', len);

	if (len == 0)
		return sv_fail(err, EINVAL, "reply: empty");
	if (len > SV_CONTROL_REPLY_MAX)
		return sv_fail(err, EINVAL, "reply: longer than %d bytes",
			       SV_CONTROL_REPLY_MAX);
	if (nul)
		return sv_fail(err, EINVAL, "reply: NUL byte at offset %zu",
			       (size_t)(nul - buf));
	if (buf[len - 1] != '\n')
		return sv_fail(err, EINVAL, "reply: does not end in a newline");
	return 0;
}

static int parse_ok_line(struct sv_cursor *c, struct sv_control_reply *r,
			 struct sv_error *err)
{
	struct sv_token t;
	unsigned n = 0;
	int rc = sv_cursor_take(c, "entry count", &t, err);

	if (rc == 0)
		rc = sv_token_uint(c, "entry count", t, 0,
				   SV_CONTROL_REPLY_MAX, &n, err);
	if (rc == 0)
		rc = sv_cursor_end(c, err);
	if (rc == 0)
		r->n = n;
	return rc;
}

int sv_control_reply_parse(const char *buf, size_t len,
			   struct sv_control_reply *out, struct sv_error *err)
{
	struct sv_control_reply r = { 0 };
	char q[SV_QUOTE_BUF];
	const char *nl, *rest;
	struct sv_cursor c;
	struct sv_token t;
	int rc = check_reply_text(buf, len, err);

	if (rc < 0)
		return rc;
	nl = memchr(buf, '\n', len);
	rest = nl + 1;
	sv_cursor_init(&c, buf, (size_t)(nl - buf), "reply", 1);
	rc = sv_cursor_printable(&c, err);
	if (rc == 0)
		rc = sv_cursor_take(&c, "status", &t, err);
	if (rc < 0)
		return rc;
	if (sv_token_is(t, "ERR")) {
		rc = parse_err_line(&c, &r, err);
		if (rc == 0 && rest != buf + len)
			rc = sv_fail(err, EINVAL, "reply: lines after ERR");
	} else if (sv_token_is(t, "OK")) {
		rc = parse_ok_line(&c, &r, err);
		if (rc == 0)
			rc = parse_entries(rest, len - (size_t)(rest - buf), &r,
					   err);
	} else {
		rc = sv_cfail(&c, err, "status \"%s\" is neither OK nor ERR",
			      sv_token_quote(q, sizeof(q), t));
	}
	if (rc < 0)
		return rc;
	*out = r;
	return 0;
}

/* A growing reply text, never past SV_CONTROL_REPLY_MAX. */
struct sbuf {
	char *p;
	size_t len, cap;
	int error;
};

static _printf_(2, 3) void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->error)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || b->len + (size_t)n > SV_CONTROL_REPLY_MAX) {
		b->error = n < 0 ? -EINVAL : -EMSGSIZE;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *np = realloc(b->p, cap);

		if (!np) {
			b->error = -ENOMEM;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static bool entry_valid(const struct sv_control_entry *e)
{
	size_t plen = strnlen(e->process_label, SV_CONTEXT_MAX);
	size_t ilen = strnlen(e->image_label, SV_CONTEXT_MAX);
	size_t rlen = strnlen(e->reason, SV_CONTROL_TEXT_MAX);

	return (e->domid == -1 ||
		(e->domid >= 1 && e->domid <= SV_CONTROL_DOMID_MAX)) &&
	       (e->domid == -1) == (e->state == SV_STATE_RESERVED) &&
	       sv_dom_state_name(e->state) && sv_control_uuid_ok(e->uuid) &&
	       sv_pair_valid(e->pair) && plen < SV_CONTEXT_MAX &&
	       ilen < SV_CONTEXT_MAX && rlen < SV_CONTROL_TEXT_MAX &&
	       (rlen > 0) == (e->state == SV_STATE_ERROR) &&
	       (e->target == 0 ||
		(e->domid >= 1 && e->target >= 1 &&
		 e->target <= SV_CONTROL_DOMID_MAX && e->target != e->domid)) &&
	       check_label("label", e->process_label, plen, e->pair, NULL) == 0 &&
	       check_label("imagelabel", e->image_label, ilen, e->pair,
			   NULL) == 0;
}

static void format_entry(struct sbuf *b, const struct sv_control_entry *e)
{
	char pair[SV_PAIR_STRMAX], dom[16] = "-";

	if (e->domid >= 0)
		snprintf(dom, sizeof(dom), "%d", e->domid);
	sv_pair_format(e->pair, pair, sizeof(pair));
	sb_printf(b, "domain %s uuid %s pair %s state %s label %s imagelabel %s",
		  dom, e->uuid, pair, sv_dom_state_name(e->state),
		  e->process_label, e->image_label);
	if (e->target)
		sb_printf(b, " target %d", e->target);
	if (e->state == SV_STATE_ERROR) {
		sb_printf(b, " reason ");
		for (const char *p = e->reason; *p; p++) {
			unsigned char u = (unsigned char)*p;

			if (reason_plain(u))
				sb_printf(b, "%c", u);
			else
				sb_printf(b, "%%%02X", u);
		}
	}
	sb_printf(b, "\n");
}

static bool message_valid(const char *m)
{
	size_t len = strnlen(m, SV_CONTROL_TEXT_MAX);

	if (len == 0 || len == SV_CONTROL_TEXT_MAX || m[0] == ' ' ||
	    m[len - 1] == ' ')
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)m[i] < 0x20 || (unsigned char)m[i] > 0x7e)
			return false;
	return true;
}

static bool reply_valid(const struct sv_control_reply *r)
{
	if (r->error)
		return sv_control_errno_name(r->error) &&
		       message_valid(r->message) && r->n == 0;
	if (r->message[0] || (r->n && !r->entries))
		return false;
	for (size_t i = 0; i < r->n; i++)
		if (!entry_valid(&r->entries[i]))
			return false;
	return true;
}

int sv_control_reply_format(const struct sv_control_reply *r, char **out,
			    size_t *len)
{
	struct sbuf b = { 0 };

	if (!reply_valid(r))
		return -EINVAL;
	if (r->error) {
		sb_printf(&b, "ERR %s %s\n", sv_control_errno_name(r->error),
			  r->message);
	} else {
		sb_printf(&b, "OK %zu\n", r->n);
		for (size_t i = 0; i < r->n; i++)
			format_entry(&b, &r->entries[i]);
	}
	if (b.error) {
		free(b.p);
		return b.error;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

int sv_control_reply_format_each(size_t n,
				 void (*get)(void *arg, size_t i,
					     struct sv_control_entry *e),
				 void *arg, char **out, size_t *len)
{
	struct sv_control_entry *e = malloc(sizeof(*e));
	struct sbuf b = { 0 };

	if (!e)
		return -ENOMEM;
	sb_printf(&b, "OK %zu\n", n);
	for (size_t i = 0; i < n && !b.error; i++) {
		get(arg, i, e);
		if (!entry_valid(e))
			b.error = -EINVAL;
		else
			format_entry(&b, e);
	}
	free(e);
	if (b.error) {
		free(b.p);
		return b.error;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

void sv_control_reply_clear(struct sv_control_reply *r)
{
	free(r->entries);
	memset(r, 0, sizeof(*r));
}

void sv_control_reply_set_error(struct sv_control_reply *r, int errnum,
				const char *fmt, ...)
{
	char m[SV_CONTROL_TEXT_MAX];
	size_t start = 0, end;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	if (errnum < 0)
		errnum = -errnum;
	if (!sv_control_errno_name(errnum))
		errnum = EIO;
	/* Whatever the caller passed, the reply stays one valid line:
	 * blanks and control bytes trimmed at the ends, '?' for the rest. */
	end = strlen(m);
	while (start < end && (unsigned char)m[start] <= ' ')
		start++;
	while (end > start && (unsigned char)m[end - 1] <= ' ')
		end--;
	for (size_t i = start; i < end; i++)
		if ((unsigned char)m[i] < 0x20 || (unsigned char)m[i] > 0x7e)
			m[i] = '?';
	sv_control_reply_clear(r);
	r->error = errnum;
	if (end == start)
		snprintf(r->message, sizeof(r->message), "%s",
			 sv_control_errno_name(errnum));
	else
		snprintf(r->message, sizeof(r->message), "%.*s",
			 (int)(end - start), m + start);
}
