/* avc.c: the parser of AVC lines (avc.h).  Its input is whatever dom0's logs
 * hold, names chosen by guests included: every field is bounded and checked. */
#include "avc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cur {
	const char *s;
	size_t len, off;
};

static int bad(const struct cur *c, struct sv_error *err, const char *what)
{
	return sv_fail(err, EINVAL, "AVC line, offset %zu: %s", c->off, what);
}

static bool at(const struct cur *c, const char *word)
{
	size_t n = strlen(word);

	return c->len - c->off >= n && memcmp(c->s + c->off, word, n) == 0;
}

static void skip_spaces(struct cur *c)
{
	while (c->off < c->len && c->s[c->off] == ' ')
		c->off++;
}

static const char *find(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(s + i, word, n) == 0)
			return s + i;
	return NULL;
}

/* Decimal digits only, at most 18 of them (no overflow). */
static bool number(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "audit(SEC.MSEC:SERIAL):" anywhere before the record. */
static void stamp(const char *s, size_t len, struct sv_avc *a)
{
	const char *p = find(s, len, "audit("), *end = s + len, *dot, *colon, *close;
	int64_t sec, msec, serial;

	if (!p)
		return;
	p += 6;
	dot = memchr(p, '.', (size_t)(end - p));
	colon = dot ? memchr(dot, ':', (size_t)(end - dot)) : NULL;
	close = colon ? memchr(colon, ')', (size_t)(end - colon)) : NULL;
	if (!close || !number(p, (size_t)(dot - p), &sec) ||
	    !number(dot + 1, (size_t)(colon - dot - 1), &msec) || msec > 999 ||
	    !number(colon + 1, (size_t)(close - colon - 1), &serial))
		return;
	a->has_time = true;
	a->sec = sec;
	a->msec = (unsigned)msec;
	a->serial = (uint64_t)serial;
}

static int hexval(char h)
{
	if (h >= '0' && h <= '9')
		return h - '0';
	if (h >= 'A' && h <= 'F')
		return h - 'A' + 10;
	if (h >= 'a' && h <= 'f')
		return h - 'a' + 10;
	return -1;
}

/* An audit "untrusted string": "quoted", or hex when it holds a byte the
 * kernel would not quote.  Decoded into dst; a NUL byte is refused. */
static int untrusted(const char *v, size_t n, char *dst, size_t size)
{
	size_t out = 0;

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		if (n - 2 >= size)
			return -1;
		memcpy(dst, v + 1, n - 2);
		dst[n - 2] = '\0';
		return 0;
	}
	if (n % 2 || n / 2 >= size)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(v[i]), lo = hexval(v[i + 1]);

		if (hi < 0 || lo < 0 || (hi | lo) == 0)
			return -1;
		dst[out++] = (char)(hi << 4 | lo);
	}
	dst[out] = '\0';
	return 0;
}

/* A context as logged: printable, no quote, user:role:type[:level]. */
static int copy_context(const char *v, size_t n, char *dst, size_t size)
{
	size_t colons = 0;

	if (n == 0 || n >= size)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] <= 0x20 || v[i] >= 0x7f || v[i] == '"')
			return -1;
		colons += v[i] == ':';
	}
	if (colons < 2)
		return -1;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

/* Xen names domains "d3" (current=, source=, target=); domid= is bare. */
static int xen_domid(const char *v, size_t n, int *out)
{
	int64_t id;

	if (n > 1 && v[0] == 'd') {
		v++;
		n--;
	}
	if (!number(v, n, &id) || id > 0x7fff)
		return -1;
	*out = (int)id;
	return 0;
}

static int field(const char *k, size_t kn, const char *v, size_t vn,
		 struct sv_avc *a)
{
#define KEY(name) (kn == sizeof(name) - 1 && memcmp(k, name, kn) == 0)
	if (KEY("scontext"))
		return copy_context(v, vn, a->scontext, sizeof(a->scontext));
	if (KEY("tcontext"))
		return copy_context(v, vn, a->tcontext, sizeof(a->tcontext));
	if (KEY("tclass")) {
		if (vn == 0 || vn >= sizeof(a->tclass))
			return -1;
		for (size_t i = 0; i < vn; i++)
			if (!(v[i] == '_' || (v[i] >= 'a' && v[i] <= 'z') ||
			      (v[i] >= '0' && v[i] <= '9')))
				return -1;
		memcpy(a->tclass, v, vn);
		a->tclass[vn] = '\0';
		return 0;
	}
	if (KEY("comm"))
		return untrusted(v, vn, a->comm, sizeof(a->comm));
	if (KEY("name"))
		return untrusted(v, vn, a->name, sizeof(a->name));
	if (KEY("path"))
		return untrusted(v, vn, a->path, sizeof(a->path));
	if (KEY("dev"))
		return untrusted(v, vn, a->dev, sizeof(a->dev));
	if (KEY("pid"))
		return number(v, vn, &a->pid) ? 0 : -1;
	if (KEY("ino"))
		return number(v, vn, &a->ino) ? 0 : -1;
	if (KEY("permissive")) {
		if (vn != 1 || (v[0] != '0' && v[0] != '1'))
			return -1;
		a->permissive = v[0] - '0';
		return 0;
	}
	if (a->source == SV_AVC_XEN && (KEY("current") || KEY("source")))
		return xen_domid(v, vn, &a->sdomid);
	if (a->source == SV_AVC_XEN && KEY("target"))
		return xen_domid(v, vn, &a->tdomid);
	return 0;	/* a field we do not use (saddr=, netif=, ...) */
#undef KEY
}

/* "{ read write }": at least one permission, each [a-z0-9_]. */
static int perms(struct cur *c, struct sv_avc *a, struct sv_error *err)
{
	size_t out = 0;

	if (!at(c, "{ "))
		return bad(c, err, "expected \"{ \" before the permissions");
	c->off += 2;
	while (c->off < c->len && c->s[c->off] != '}') {
		size_t start = c->off;

		while (c->off < c->len && c->s[c->off] != ' ') {
			char ch = c->s[c->off];

			if (!(ch == '_' || (ch >= 'a' && ch <= 'z') ||
			      (ch >= '0' && ch <= '9')))
				return bad(c, err, "a permission holds a byte "
					   "other than [a-z0-9_]");
			c->off++;
		}
		if (c->off == start || c->off >= c->len)
			return bad(c, err, "permissions not closed by \" }\"");
		if (out + (c->off - start) + 2 > sizeof(a->perms))
			return bad(c, err, "too many permissions");
		if (out)
			a->perms[out++] = ' ';
		memcpy(a->perms + out, c->s + start, c->off - start);
		out += c->off - start;
		a->perms[out] = '\0';
		c->off++;	/* the space */
	}
	if (c->off >= c->len || out == 0)
		return bad(c, err, "no permission inside \"{ }\"");
	c->off++;
	return 0;
}

static int fields(struct cur *c, struct sv_avc *a, struct sv_error *err)
{
	skip_spaces(c);
	if (!at(c, "for "))
		return bad(c, err, "expected \"for\" after the permissions");
	c->off += 4;
	for (skip_spaces(c); c->off < c->len; skip_spaces(c)) {
		const char *k = c->s + c->off, *eq;
		size_t kn, vstart;

		eq = memchr(k, '=', c->len - c->off);
		if (!eq)
			return bad(c, err, "a field without \"=\"");
		kn = (size_t)(eq - k);
		for (size_t i = 0; i < kn; i++)
			if (!(k[i] == '_' || k[i] == '-' || (k[i] >= 'a' && k[i] <= 'z') ||
			      (k[i] >= '0' && k[i] <= '9')))
				return bad(c, err, "a field name holds a byte other "
					   "than [a-z0-9_-]");
		c->off += kn + 1;
		vstart = c->off;
		if (c->off < c->len && c->s[c->off] == '"') {
			const char *q = memchr(c->s + c->off + 1, '"',
					       c->len - c->off - 1);

			if (!q)
				return bad(c, err, "unterminated quoted value");
			c->off = (size_t)(q - c->s) + 1;
		} else {
			while (c->off < c->len && c->s[c->off] != ' ')
				c->off++;
		}
		if (kn == 0 || field(k, kn, c->s + vstart, c->off - vstart, a) < 0) {
			c->off = vstart;
			return bad(c, err, "a bad value");
		}
	}
	if (!a->scontext[0] || !a->tcontext[0] || !a->tclass[0])
		return bad(c, err, "scontext, tcontext or tclass is missing");
	return 0;
}

int sv_avc_parse(const char *line, size_t len, struct sv_avc *out,
		 struct sv_error *err)
{
	_cleanup_free_ struct sv_avc *a = NULL;	/* 9 kB: not on the stack */
	struct cur c = { line, len, 0 };
	const char *rec;

	if (len && line[len - 1] == '\n')
		c.len = --len;
	if (len && line[len - 1] == '\r')	/* a serial console's */
		c.len = --len;
	/* auditd's log_format = ENRICHED appends its own fields after a 0x1d:
	 * not the kernel's record. */
	if ((rec = memchr(line, 0x1d, len)))
		c.len = len = (size_t)(rec - line);
	if (!(rec = find(line, len, "avc:")))
		return 0;
	if (len > SV_AVC_LINE_MAX)
		return sv_fail(err, EINVAL, "AVC line longer than %d bytes",
			       SV_AVC_LINE_MAX);
	if (memchr(line, '\0', len))
		return sv_fail(err, EINVAL, "AVC line holds a NUL byte");
	if (!(a = calloc(1, sizeof(*a))))
		return -ENOMEM;
	a->pid = a->ino = -1;
	a->permissive = a->sdomid = a->tdomid = -1;
	a->source = find(line, (size_t)(rec - line), "(XEN)") ? SV_AVC_XEN
							       : SV_AVC_KERNEL;
	stamp(line, (size_t)(rec - line), a);
	c.off = (size_t)(rec - line) + 4;
	skip_spaces(&c);
	if (at(&c, "denied ")) {
		c.off += 7;
	} else if (at(&c, "granted ")) {
		a->granted = true;
		c.off += 8;
	} else {
		return 0;	/* a policy load notice, not an access */
	}
	skip_spaces(&c);
	if (perms(&c, a, err) < 0 || fields(&c, a, err) < 0)
		return -EINVAL;
	memcpy(out, a, sizeof(*a));
	return 1;
}

int sv_avc_context_pair(const char *ctx, unsigned *a, unsigned *b)
{
	struct sv_context c;
	unsigned found[2], n = 0;

	if (sv_context_parse(ctx, &c, NULL) < 0 ||
	    !sv_level_equal(&c.range.low, &c.range.high))
		return -ENOENT;
	for (unsigned i = 0; i < SV_CATS; i++)
		if (sv_catset_has(&c.range.low.cats, i)) {
			if (n == 2)
				return -ENOENT;
			found[n++] = i;
		}
	if (n != 2)
		return -ENOENT;
	*a = found[0];
	*b = found[1];
	return 0;
}

void sv_avc_context_type(const char *ctx, char *buf, size_t size)
{
	const char *p = strchr(ctx, ':'), *q = p ? strchr(p + 1, ':') : NULL;
	const char *e = q ? strchr(q + 1, ':') : NULL;
	size_t n;

	if (!q) {
		snprintf(buf, size, "%s", "");
		return;
	}
	n = e ? (size_t)(e - q - 1) : strlen(q + 1);
	snprintf(buf, size, "%.*s", (int)n, q + 1);
}
