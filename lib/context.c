/* context.c: parse, check and format raw SELinux contexts and MCS/MLS levels.
 * Every string from outside is validated here; nothing is truncated silently. */
#include "context.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void sv_catset_clear(struct sv_catset *set)
{
	memset(set, 0, sizeof(*set));
}

void sv_catset_add(struct sv_catset *set, unsigned cat)
{
	if (cat < SV_CATS)
		set->bits[cat / 64] |= UINT64_C(1) << (cat % 64);
}

bool sv_catset_has(const struct sv_catset *set, unsigned cat)
{
	return cat < SV_CATS && (set->bits[cat / 64] >> (cat % 64)) & 1;
}

unsigned sv_catset_count(const struct sv_catset *set)
{
	unsigned n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(set->bits); i++)
		n += (unsigned)__builtin_popcountll(set->bits[i]);
	return n;
}

bool sv_catset_subset(const struct sv_catset *sub,
		      const struct sv_catset *super)
{
	for (size_t i = 0; i < ARRAY_SIZE(sub->bits); i++)
		if (sub->bits[i] & ~super->bits[i])
			return false;
	return true;
}

int sv_name_check(const char *what, const char *name, size_t len,
		  struct sv_error *err)
{
	char q[SV_QUOTE_BUF];

	if (len == 0)
		return sv_fail(err, EINVAL, "%s is empty", what);
	if (len > SV_NAME_MAX)
		return sv_fail(err, EINVAL, "%s \"%s\" is longer than %d bytes",
			       what, sv_quote(q, sizeof(q), name, len),
			       SV_NAME_MAX);
	if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z') ||
	      (name[0] >= 'A' && name[0] <= 'Z')))
		return sv_fail(err, EINVAL,
			       "%s \"%s\" must start with a letter or '_'",
			       what, sv_quote(q, sizeof(q), name, len));
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return sv_fail(err, EINVAL,
				       "%s \"%s\" has a bad character at offset %zu",
				       what, sv_quote(q, sizeof(q), name, len), i);
	}
	return 0;
}

/* A decimal number of at most 4 digits, no sign, no leading zero. */
static int parse_number(const char *s, size_t len, unsigned *out)
{
	unsigned v = 0;

	if (len == 0 || len > 4 || (len > 1 && s[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_category(const char *s, size_t len, unsigned *out,
			  struct sv_error *err)
{
	char q[SV_QUOTE_BUF];
	unsigned v;

	if (len < 2 || s[0] != 'c' || parse_number(s + 1, len - 1, &v) != 0)
		return sv_fail(err, EINVAL,
			       "\"%s\" is not a category (c0..c%d)",
			       sv_quote(q, sizeof(q), s, len), SV_CATS - 1);
	if (v >= SV_CATS)
		return sv_fail(err, EINVAL, "category c%u is above c%d", v,
			       SV_CATS - 1);
	*out = v;
	return 0;
}

/* One item of a category list: "cN" or "cN.cM" with N < M. */
static int parse_cat_item(const char *s, size_t len, struct sv_catset *set,
			  struct sv_error *err)
{
	const char *dot = memchr(s, '.', len);
	unsigned lo, hi;
	int r;

	if (len == 0)
		return sv_fail(err, EINVAL, "empty category in list");
	r = parse_category(s, dot ? (size_t)(dot - s) : len, &lo, err);
	if (r < 0)
		return r;
	hi = lo;
	if (dot) {
		r = parse_category(dot + 1, len - (size_t)(dot - s) - 1, &hi,
				   err);
		if (r < 0)
			return r;
		if (hi <= lo)
			return sv_fail(err, EINVAL,
				       "category range c%u.c%u is not ascending",
				       lo, hi);
	}
	for (unsigned c = lo; c <= hi; c++) {
		if (sv_catset_has(set, c))
			return sv_fail(err, EINVAL, "category c%u listed twice",
				       c);
		sv_catset_add(set, c);
	}
	return 0;
}

static int parse_level_n(const char *s, size_t len, struct sv_level *out,
			 struct sv_error *err)
{
	char q[SV_QUOTE_BUF], q2[SV_QUOTE_BUF];
	const char *colon = memchr(s, ':', len);
	size_t slen = colon ? (size_t)(colon - s) : len;
	struct sv_level l;

	sv_catset_clear(&l.cats);
	if (slen < 2 || s[0] != 's' ||
	    parse_number(s + 1, slen - 1, &l.sens) != 0 || l.sens >= SV_SENS)
		return sv_fail(err, EINVAL,
			       "level \"%s\": \"%s\" is not a sensitivity (s0..s%d)",
			       sv_quote(q, sizeof(q), s, len),
			       sv_quote(q2, sizeof(q2), s, slen),
			       SV_SENS - 1);
	if (colon) {
		const char *p = colon + 1, *end = s + len;

		if (p == end)
			return sv_fail(err, EINVAL,
				       "level \"%s\": no categories after ':'",
				       sv_quote(q, sizeof(q), s, len));
		while (p <= end) {
			const char *comma = memchr(p, ',', (size_t)(end - p));
			const char *stop = comma ? comma : end;
			int r = parse_cat_item(p, (size_t)(stop - p), &l.cats,
					       err);

			if (r < 0)
				return sv_fail_prefix(err, EINVAL,
						      "level \"%s\"",
						      sv_quote(q, sizeof(q), s,
							    len));
			p = stop + 1;
		}
	}
	*out = l;
	return 0;
}

int sv_level_parse(const char *s, struct sv_level *out, struct sv_error *err)
{
	size_t len = strnlen(s, SV_CONTEXT_MAX);
	char q[SV_QUOTE_BUF];

	if (len == SV_CONTEXT_MAX)
		return sv_fail(err, EINVAL, "level is longer than %d bytes",
			       SV_CONTEXT_MAX - 1);
	if (memchr(s, '-', len))
		return sv_fail(err, EINVAL,
			       "\"%s\" is a range, not a single level",
			       sv_quote(q, sizeof(q), s, len));
	return parse_level_n(s, len, out, err);
}

static int parse_range_n(const char *s, size_t len, struct sv_range *out,
			 struct sv_error *err)
{
	char q[SV_QUOTE_BUF];
	const char *dash = memchr(s, '-', len);
	struct sv_range r;
	int rc;

	if (len == 0)
		return sv_fail(err, EINVAL, "MCS level is empty");
	rc = parse_level_n(s, dash ? (size_t)(dash - s) : len, &r.low, err);
	if (rc < 0)
		return rc;
	if (!dash) {
		r.high = r.low;
	} else {
		const char *h = dash + 1;
		size_t hlen = len - (size_t)(h - s);

		if (memchr(h, '-', hlen))
			return sv_fail(err, EINVAL,
				       "range \"%s\" has more than one '-'",
				       sv_quote(q, sizeof(q), s, len));
		rc = parse_level_n(h, hlen, &r.high, err);
		if (rc < 0)
			return rc;
		if (!sv_level_dominates(&r.high, &r.low))
			return sv_fail(err, EINVAL,
				       "range \"%s\": high level does not dominate low",
				       sv_quote(q, sizeof(q), s, len));
	}
	*out = r;
	return 0;
}

/* Bytes that came with a length (xattrs, xenstore) must not hide a NUL:
 * "s0\0:c1" would otherwise read as "s0", silently dropping categories. */
static int check_n(const char *what, const char *s, size_t len,
		   struct sv_error *err)
{
	const char *nul = memchr(s, '\0', len);

	if (len >= SV_CONTEXT_MAX)
		return sv_fail(err, EINVAL, "%s is longer than %d bytes", what,
			       SV_CONTEXT_MAX - 1);
	if (nul)
		return sv_fail(err, EINVAL, "%s has a NUL byte at offset %zu",
			       what, (size_t)(nul - s));
	return 0;
}

int sv_range_parse_n(const char *s, size_t len, struct sv_range *out,
		     struct sv_error *err)
{
	int r = check_n("range", s, len, err);

	return r < 0 ? r : parse_range_n(s, len, out, err);
}

int sv_range_parse(const char *s, struct sv_range *out, struct sv_error *err)
{
	return sv_range_parse_n(s, strnlen(s, SV_CONTEXT_MAX), out, err);
}

int sv_context_parse_n(const char *s, size_t len, struct sv_context *out,
		       struct sv_error *err)
{
	static const char *const what[] = { "user", "role", "type" };
	char q[SV_QUOTE_BUF];
	const char *field = s, *end = s + len;
	struct sv_context c;
	char *dst[] = { c.user, c.role, c.type };
	int r = check_n("context", s, len, err);

	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(what); i++) {
		const char *colon = memchr(field, ':', (size_t)(end - field));

		if (!colon)
			return sv_fail(err, EINVAL,
				       "context \"%s\": expected user:role:type:level, %s missing",
				       sv_quote(q, sizeof(q), s, len),
				       i < 2 ? what[i + 1] : "level");
		r = sv_name_check(what[i], field, (size_t)(colon - field), err);
		if (r < 0)
			return sv_fail_prefix(err, EINVAL, "context \"%s\"",
					      sv_quote(q, sizeof(q), s, len));
		memcpy(dst[i], field, (size_t)(colon - field));
		dst[i][colon - field] = '\0';
		field = colon + 1;
	}
	r = parse_range_n(field, (size_t)(end - field), &c.range, err);
	if (r < 0)
		return sv_fail_prefix(err, EINVAL, "context \"%s\"",
				      sv_quote(q, sizeof(q), s, len));
	*out = c;
	return 0;
}

int sv_context_parse(const char *s, struct sv_context *out,
		     struct sv_error *err)
{
	return sv_context_parse_n(s, strnlen(s, SV_CONTEXT_MAX), out, err);
}

/* Append to buf at *o; false (and nothing more written) when out of room. */
static _printf_(4, 5) bool append(char *buf, size_t size, size_t *o,
				   const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *o, size - *o, fmt, ap);
	va_end(ap);

	if (n < 0 || (size_t)n >= size - *o)
		return false;
	*o += (size_t)n;
	return true;
}

static bool format_level(const struct sv_level *l, char *buf, size_t size,
			 size_t *o)
{
	bool first = true;

	if (!append(buf, size, o, "s%u", l->sens))
		return false;
	for (unsigned c = 0; c < SV_CATS; c++) {
		unsigned end = c;

		if (!sv_catset_has(&l->cats, c))
			continue;
		while (end + 1 < SV_CATS && sv_catset_has(&l->cats, end + 1))
			end++;
		if (!append(buf, size, o, first ? ":c%u" : ",c%u", c))
			return false;
		first = false;
		/* Like the kernel: a run of two is "cX,cY", longer "cX.cY". */
		if (end == c + 1 && !append(buf, size, o, ",c%u", end))
			return false;
		if (end > c + 1 && !append(buf, size, o, ".c%u", end))
			return false;
		c = end;
	}
	return true;
}

static bool format_range(const struct sv_range *r, char *buf, size_t size,
			 size_t *o)
{
	if (!format_level(&r->low, buf, size, o))
		return false;
	if (sv_level_equal(&r->low, &r->high))
		return true;
	if (*o + 1 >= size)
		return false;
	buf[(*o)++] = '-';
	buf[*o] = '\0';
	return format_level(&r->high, buf, size, o);
}

static int finish(bool ok, char *buf, size_t size, size_t o)
{
	if (!ok) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)o;
}

int sv_level_format(const struct sv_level *l, char *buf, size_t size)
{
	size_t o = 0;
	bool ok = size > 0 && format_level(l, buf, size, &o);

	return finish(ok, buf, size, o);
}

int sv_range_format(const struct sv_range *r, char *buf, size_t size)
{
	size_t o = 0;
	bool ok = size > 0 && format_range(r, buf, size, &o);

	return finish(ok, buf, size, o);
}

int sv_context_format(const struct sv_context *c, char *buf, size_t size)
{
	size_t o = 0;
	int n = size ? snprintf(buf, size, "%s:%s:%s:", c->user, c->role,
				c->type)
		     : -1;
	bool ok = n >= 0 && (size_t)n < size;

	if (ok) {
		o = (size_t)n;
		ok = format_range(&c->range, buf, size, &o);
	}
	return finish(ok, buf, size, o);
}

bool sv_level_equal(const struct sv_level *a, const struct sv_level *b)
{
	return a->sens == b->sens &&
	       memcmp(&a->cats, &b->cats, sizeof(a->cats)) == 0;
}

bool sv_level_dominates(const struct sv_level *a, const struct sv_level *b)
{
	return a->sens >= b->sens && sv_catset_subset(&b->cats, &a->cats);
}

bool sv_context_equal(const struct sv_context *a, const struct sv_context *b)
{
	return strcmp(a->user, b->user) == 0 && strcmp(a->role, b->role) == 0 &&
	       strcmp(a->type, b->type) == 0 &&
	       sv_level_equal(&a->range.low, &b->range.low) &&
	       sv_level_equal(&a->range.high, &b->range.high);
}
