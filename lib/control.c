/* control.c: the control protocol's requests, and the tokens both ends share.
 * One grammar (docs/control.md); whatever parses formats back to the same bytes. */
#include "control.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "control_syntax.h"

static const char *const state_names[] = {
	[SV_STATE_RESERVED] = "reserved",
	[SV_STATE_ALLOCATED] = "allocated",
	[SV_STATE_LABELLED] = "labelled",
	[SV_STATE_ERROR] = "error",
};

/* The only errnos a reply may carry: a client maps each to a decision, so an
 * open-ended set would be an open-ended set of untested paths. */
static const struct {
	int errnum;
	const char *name;
} errno_table[] = {
	{ ENOENT, "ENOENT" }, { EEXIST, "EEXIST" }, { ENOSPC, "ENOSPC" },
	{ EINVAL, "EINVAL" }, { EBUSY, "EBUSY" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ EACCES, "EACCES" }, { EIO, "EIO" }, { EAGAIN, "EAGAIN" },
};

static const char *const verbs[] = {
	[SV_CONTROL_RESERVE] = "RESERVE",
	[SV_CONTROL_UNRESERVE] = "UNRESERVE",
	[SV_CONTROL_GET] = "GET",
	[SV_CONTROL_LIST] = "LIST",
	[SV_CONTROL_VIF] = "VIF",
	[SV_CONTROL_HISTORY] = "HISTORY",
};

const char *sv_dom_state_name(enum sv_dom_state s)
{
	return (unsigned)s < ARRAY_SIZE(state_names) ? state_names[s] : NULL;
}

int sv_dom_state_parse(const char *s, enum sv_dom_state *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(state_names); i++)
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum sv_dom_state)i;
			return 0;
		}
	return -EINVAL;
}

const char *sv_control_errno_name(int errnum)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_table); i++)
		if (errno_table[i].errnum == errnum)
			return errno_table[i].name;
	return NULL;
}

int sv_control_errno_from_name(struct sv_token t)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_table); i++)
		if (sv_token_is(t, errno_table[i].name))
			return errno_table[i].errnum;
	return 0;
}

/* ---- lines and tokens ---- */

void sv_cursor_init(struct sv_cursor *c, const char *s, size_t len,
		    const char *what, size_t lineno)
{
	c->s = s;
	c->len = len;
	c->off = 0;
	if (lineno)
		snprintf(c->what, sizeof(c->what), "%s line %zu", what, lineno);
	else
		snprintf(c->what, sizeof(c->what), "%s", what);
}

int sv_cfail(const struct sv_cursor *c, struct sv_error *err,
	     const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sv_fail(err, EINVAL, "%s: %s", c->what, msg);
}

const char *sv_token_quote(char *q, size_t size, struct sv_token t)
{
	return sv_quote(q, size, t.p, t.len);
}

bool sv_token_is(struct sv_token t, const char *word)
{
	return t.len == strlen(word) && memcmp(t.p, word, t.len) == 0;
}

int sv_cursor_printable(const struct sv_cursor *c, struct sv_error *err)
{
	for (size_t i = 0; i < c->len; i++) {
		unsigned char b = (unsigned char)c->s[i];

		if (b < 0x20 || b > 0x7e)
			return sv_cfail(c, err, "byte 0x%02x at offset %zu", b,
					i);
	}
	return 0;
}

int sv_cursor_take(struct sv_cursor *c, const char *name, struct sv_token *t,
		   struct sv_error *err)
{
	size_t start = c->off;

	if (c->off >= c->len)
		return sv_cfail(c, err, "%s is missing", name);
	if (c->s[c->off] == ' ')
		return sv_cfail(c, err, "extra space at offset %zu", c->off);
	while (c->off < c->len && c->s[c->off] != ' ')
		c->off++;
	t->p = c->s + start;
	t->len = c->off - start;
	/* Consume the separator; a line may not end in one. */
	if (c->off < c->len && ++c->off == c->len)
		return sv_cfail(c, err, "trailing space at offset %zu",
				c->off - 1);
	return 0;
}

int sv_cursor_take_kv(struct sv_cursor *c, const char *key,
		      struct sv_token *value, struct sv_error *err)
{
	char q[SV_QUOTE_BUF];
	size_t at = c->off;
	struct sv_token k;
	int r = sv_cursor_take(c, key, &k, err);

	if (r < 0)
		return r;
	if (!sv_token_is(k, key))
		return sv_cfail(c, err, "expected \"%s\" at offset %zu, got \"%s\"",
				key, at, sv_token_quote(q, sizeof(q), k));
	return sv_cursor_take(c, key, value, err);
}

int sv_cursor_end(const struct sv_cursor *c, struct sv_error *err)
{
	char q[SV_QUOTE_BUF];

	if (c->off < c->len)
		return sv_cfail(c, err, "unexpected \"%s\" at offset %zu",
				sv_quote(q, sizeof(q), c->s + c->off,
					 c->len - c->off), c->off);
	return 0;
}

/* ---- values ---- */

int sv_token_uint(const struct sv_cursor *c, const char *name,
		  struct sv_token t, unsigned lo, unsigned hi, unsigned *out,
		  struct sv_error *err)
{
	char q[SV_QUOTE_BUF];
	unsigned long v = 0;

	for (size_t i = 0; i < t.len; i++)
		if (t.p[i] < '0' || t.p[i] > '9')
			return sv_cfail(c, err, "%s \"%s\" is not a number",
					name, sv_token_quote(q, sizeof(q), t));
	/* One spelling per number, so text compares equal to text. */
	if (t.len > 1 && t.p[0] == '0')
		return sv_cfail(c, err, "%s \"%s\" has a leading zero", name,
				sv_token_quote(q, sizeof(q), t));
	for (size_t i = 0; i < t.len && v <= hi; i++)
		v = v * 10 + (unsigned long)(t.p[i] - '0');
	if (v < lo || v > hi)
		return sv_cfail(c, err, "%s \"%s\" is outside %u..%u", name,
				sv_token_quote(q, sizeof(q), t), lo, hi);
	*out = (unsigned)v;
	return 0;
}

int sv_token_uuid(const struct sv_cursor *c, struct sv_token t,
		  char out[SV_UUID_BUF], struct sv_error *err)
{
	char q[SV_QUOTE_BUF], s[SV_UUID_BUF], norm[SV_UUID_BUF];
	struct sv_error e;

	if (t.len != SV_UUID_LEN)
		return sv_cfail(c, err, "uuid \"%s\" is not 36 characters",
				sv_token_quote(q, sizeof(q), t));
	memcpy(s, t.p, t.len);
	s[t.len] = '\0';
	if (sv_uuid_normalise(s, norm, &e) < 0)
		return sv_cfail(c, err, "%s", e.msg);
	if (strcmp(s, norm) != 0)
		return sv_cfail(c, err, "uuid \"%s\": write it in lower case",
				s);
	if (sv_uuid_is_nil(s))
		return sv_cfail(c, err, "the nil uuid names no guest");
	memcpy(out, s, SV_UUID_BUF);
	return 0;
}

int sv_token_pair(const struct sv_cursor *c, struct sv_token t,
		  struct sv_pair *out, struct sv_error *err)
{
	char q[SV_QUOTE_BUF], s[SV_PAIR_STRMAX];
	struct sv_error e;

	if (t.len >= sizeof(s))
		return sv_cfail(c, err, "category pair \"%s\" is too long",
				sv_token_quote(q, sizeof(q), t));
	memcpy(s, t.p, t.len);
	s[t.len] = '\0';
	if (sv_pair_parse(s, out, &e) < 0)
		return sv_cfail(c, err, "%s", e.msg);
	return 0;
}

int sv_token_domid(const struct sv_cursor *c, struct sv_token t, int *out,
		   struct sv_error *err)
{
	unsigned v;
	int r = sv_token_uint(c, "domid", t, 1, SV_CONTROL_DOMID_MAX, &v, err);

	if (r == 0)
		*out = (int)v;
	return r;
}

bool sv_control_uuid_ok(const char *uuid)
{
	return memchr(uuid, '\0', SV_UUID_BUF) && sv_uuid_is_canonical(uuid) &&
	       !sv_uuid_is_nil(uuid);
}

/* ---- requests ---- */

/* The framing: exactly one newline-ended line, nothing hidden in it. */
static int check_request_line(const char *buf, size_t len,
			      struct sv_error *err)
{
	const char *nul = memchr(buf, '\0', len);
	const char *nl = memchr(buf, '\n', len);

	if (len == 0)
		return sv_fail(err, EINVAL, "request: empty");
	if (len > SV_CONTROL_LINE_MAX)
		return sv_fail(err, EINVAL, "request: longer than %d bytes",
			       SV_CONTROL_LINE_MAX);
	if (nul)
		return sv_fail(err, EINVAL, "request: NUL byte at offset %zu",
			       (size_t)(nul - buf));
	if (!nl)
		return sv_fail(err, EINVAL,
			       "request: does not end in a newline");
	if (nl != buf + len - 1)
		return sv_fail(err, EINVAL,
			       "request: more than one line (newline at offset %zu)",
			       (size_t)(nl - buf));
	return 0;
}

static int parse_verb(const struct sv_cursor *c, struct sv_token t,
		      enum sv_control_op *op, struct sv_error *err)
{
	char q[SV_QUOTE_BUF];

	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		if (sv_token_is(t, verbs[i])) {
			*op = (enum sv_control_op)i;
			return 0;
		}
		if (t.len == strlen(verbs[i]) &&
		    strncasecmp(t.p, verbs[i], t.len) == 0)
			return sv_cfail(c, err,
					"\"%s\": verbs are upper case (%s)",
					sv_token_quote(q, sizeof(q), t),
					verbs[i]);
	}
	return sv_cfail(c, err,
			"unknown request \"%s\" (RESERVE, UNRESERVE, GET, LIST, VIF, HISTORY)",
			sv_token_quote(q, sizeof(q), t));
}

static int parse_uuid_args(struct sv_cursor *c, struct sv_control_request *r,
			   struct sv_error *err)
{
	struct sv_token t;
	int rc = sv_cursor_take(c, "uuid", &t, err);

	if (rc == 0)
		rc = sv_token_uuid(c, t, r->uuid, err);
	if (rc < 0 || r->op != SV_CONTROL_RESERVE || c->off == c->len)
		return rc;
	rc = sv_cursor_take(c, "pair", &t, err);
	if (rc == 0)
		rc = sv_token_pair(c, t, &r->pair, err);
	r->has_pair = rc == 0;
	return rc;
}

static int parse_get_args(struct sv_cursor *c, struct sv_control_request *r,
			  struct sv_error *err)
{
	struct sv_token t;
	int rc = sv_cursor_take(c, "domid", &t, err);

	if (rc == 0)
		rc = sv_token_domid(c, t, &r->domid, err);
	if (rc < 0 || c->off == c->len)
		return rc;
	rc = sv_cursor_take_kv(c, "WAIT", &t, err);
	if (rc == 0)
		rc = sv_token_uint(c, "WAIT seconds", t, 1,
				   SV_CONTROL_WAIT_MAX, &r->wait_seconds, err);
	return rc;
}

static int parse_vif_args(struct sv_cursor *c, struct sv_control_request *r,
			  struct sv_error *err)
{
	struct sv_token t;
	int rc = sv_cursor_take(c, "domid", &t, err);

	if (rc == 0)
		rc = sv_token_domid(c, t, &r->domid, err);
	if (rc == 0)
		rc = sv_cursor_take(c, "devid", &t, err);
	if (rc == 0)
		rc = sv_token_uint(c, "devid", t, 0, SV_CONTROL_DEVID_MAX,
				   &r->devid, err);
	return rc;
}

int sv_control_request_parse(const char *buf, size_t len,
			     struct sv_control_request *out,
			     struct sv_error *err)
{
	struct sv_control_request r = { .op = SV_CONTROL_LIST };
	struct sv_cursor c;
	struct sv_token t;
	int rc = check_request_line(buf, len, err);

	if (rc < 0)
		return rc;
	sv_cursor_init(&c, buf, len - 1, "request", 0);
	rc = sv_cursor_printable(&c, err);
	if (rc == 0)
		rc = sv_cursor_take(&c, "verb", &t, err);
	if (rc == 0)
		rc = parse_verb(&c, t, &r.op, err);
	if (rc == 0 && (r.op == SV_CONTROL_RESERVE ||
			r.op == SV_CONTROL_UNRESERVE))
		rc = parse_uuid_args(&c, &r, err);
	else if (rc == 0 && r.op == SV_CONTROL_GET)
		rc = parse_get_args(&c, &r, err);
	else if (rc == 0 && r.op == SV_CONTROL_VIF)
		rc = parse_vif_args(&c, &r, err);
	if (rc == 0)
		rc = sv_cursor_end(&c, err);
	if (rc < 0)
		return rc;
	*out = r;
	return 0;
}

int sv_control_request_format(const struct sv_control_request *r, char *buf,
			      size_t size)
{
	char line[SV_CONTROL_LINE_MAX + 1], pair[SV_PAIR_STRMAX] = "";
	int n = -1;

	switch (r->op) {
	case SV_CONTROL_RESERVE:
	case SV_CONTROL_UNRESERVE:
		/* UNRESERVE takes no pair, so has_pair is ignored there. */
		if (!sv_control_uuid_ok(r->uuid) ||
		    (r->op == SV_CONTROL_RESERVE && r->has_pair &&
		     (!sv_pair_valid(r->pair) ||
		      sv_pair_format(r->pair, pair, sizeof(pair)) < 0)))
			return -EINVAL;
		n = snprintf(line, sizeof(line), "%s %s%s%s\n", verbs[r->op],
			     r->uuid, pair[0] ? " " : "", pair);
		break;
	case SV_CONTROL_GET:
		if (r->domid < 1 || r->domid > SV_CONTROL_DOMID_MAX ||
		    r->wait_seconds > SV_CONTROL_WAIT_MAX)
			return -EINVAL;
		n = r->wait_seconds ?
			    snprintf(line, sizeof(line), "GET %d WAIT %u\n",
				     r->domid, r->wait_seconds) :
			    snprintf(line, sizeof(line), "GET %d\n", r->domid);
		break;
	case SV_CONTROL_LIST:
	case SV_CONTROL_HISTORY:
		n = snprintf(line, sizeof(line), "%s\n", verbs[r->op]);
		break;
	case SV_CONTROL_VIF:
		if (r->domid < 1 || r->domid > SV_CONTROL_DOMID_MAX ||
		    r->devid > SV_CONTROL_DEVID_MAX)
			return -EINVAL;
		n = snprintf(line, sizeof(line), "VIF %d %u\n", r->domid,
			     r->devid);
		break;
	}
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENOSPC;
	memcpy(buf, line, (size_t)n + 1);
	return n;
}
