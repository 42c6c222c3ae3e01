/* record.c: the text form of a guest's record (store.h): format, checksum, strict parse.
 * The parser trusts nothing: every field bounded, only the canonical form accepted.
 *
 * The text form, one "key value" line each (exactly one space, value may be
 * empty), in this order and nothing else (a real record):
 *
 *   svirt-record 1
 *   uuid 6f0c1a52-3c5e-4d1a-9a4e-2b7f0e9d8c11
 *   domid 7
 *   name web%20server
 *   pair c3,c7
 *   objects 1
 *   path /dev/xen/blktap-2/tapdev3
 *   orig system_u:object_r:fixed_disk_device_t:s0
 *   label system_u:object_r:svirt_xen_image_t:s0:c3,c7
 *   end 232 2559064c
 *
 * domid is 1..32751, or "none" for a reservation made before the domain
 * exists; pair is as sv_pair_format writes it; objects (0..4096) is followed
 * by a path, orig (the label to restore, empty if there was none) and label
 * line per object; end gives the number of bytes before it and their CRC-32.
 *
 * Names, paths and labels are escaped: bytes 0x21..0x7e other than '%' as
 * they are, every other byte as %XX (upper-case hex).  Only the canonical
 * form parses (no leading zeros, no needless escapes), so a parsed record
 * formats back to the same bytes.  The end line catches truncation and
 * corruption (store.c's rename() is what makes replacement atomic). */
#include "store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORD_MAGIC "svirt-record"
#define RECORD_VERSION "1"
#define END_LINE_MAX 32		/* "end " + 10 digits + " " + 8 hex + "\n" */

/* ---- escaping ---------------------------------------------------------- */

static bool byte_is_plain(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != '%';
}

static size_t escaped_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += byte_is_plain((unsigned char)*s) ? 1 : 3;
	return n;
}

/* c as %XX; returns where the next byte goes. */
static char *put_escape(char *dst, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	dst[0] = '%';
	dst[1] = hex[c >> 4];
	dst[2] = hex[c & 15];
	return dst + 3;
}

void sv_record_quote(char *dst, size_t size, const char *s, size_t len)
{
	char *o = dst;

	if (size < 8) {
		if (size)
			dst[0] = '\0';
		return;
	}
	/* Room for one escape, "..." and the NUL is kept in reserve. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((size_t)(o - dst) + 7 >= size) {
			memcpy(o, "...", 3);
			o += 3;
			break;
		}
		if (byte_is_plain(c))
			*o++ = (char)c;
		else
			o = put_escape(o, c);
	}
	*o = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- checksum ---------------------------------------------------------- */

/* Slicing-by-4 with tables built on the stack at each call: a few hundred
 * operations, against a static table that would be global state and a
 * nibble-wise loop that was the slowest part of reading a large record. */
uint32_t sv_record_checksum(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t t[4][256], crc = 0xffffffffu;
	size_t i = 0;

	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));	/* reflected */
		t[0][n] = c;
	}
	for (int n = 0; n < 256; n++)
		for (int k = 1; k < 4; k++)
			t[k][n] = (t[k - 1][n] >> 8) ^ t[0][t[k - 1][n] & 0xff];
	for (; i + 4 <= len; i += 4) {
		crc ^= (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
		       (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
		crc = t[3][crc & 0xff] ^ t[2][(crc >> 8) & 0xff] ^
		      t[1][(crc >> 16) & 0xff] ^ t[0][crc >> 24];
	}
	for (; i < len; i++)
		crc = t[0][(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

/* ---- formatting -------------------------------------------------------- */

/* Run twice: once counting (p == NULL), once writing into an exact buffer. */
struct emitter {
	char *p;
	size_t len;
};

static void emit(struct emitter *e, const char *s, size_t n)
{
	if (e->p)
		memcpy(e->p + e->len, s, n);
	e->len += n;
}

static void emit_escaped(struct emitter *e, const char *s)
{
	char *o;

	if (!e->p) {
		e->len += escaped_len(s);
		return;
	}
	o = e->p + e->len;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (byte_is_plain(c))
			*o++ = (char)c;
		else
			o = put_escape(o, c);
	}
	e->len = (size_t)(o - e->p);
}

static void emit_line(struct emitter *e, const char *key, const char *value,
		      bool escape)
{
	emit(e, key, strlen(key));
	emit(e, " ", 1);
	if (escape)
		emit_escaped(e, value);
	else
		emit(e, value, strlen(value));
	emit(e, "\n", 1);
}

static void emit_record(struct emitter *e, const struct sv_record *r)
{
	char num[24], pair[SV_PAIR_STRMAX];

	emit_line(e, RECORD_MAGIC, RECORD_VERSION, false);
	emit_line(e, "uuid", r->uuid, false);
	if (r->domid == SV_DOMID_NONE)
		snprintf(num, sizeof(num), "none");
	else
		snprintf(num, sizeof(num), "%d", r->domid);
	emit_line(e, "domid", num, false);
	emit_line(e, "name", r->name, true);
	if (sv_pair_format(r->pair, pair, sizeof(pair)) < 0)
		pair[0] = '\0';	/* not reached: a valid pair fits */
	emit_line(e, "pair", pair, false);
	snprintf(num, sizeof(num), "%zu", r->nobjects);
	emit_line(e, "objects", num, false);
	for (size_t i = 0; i < r->nobjects; i++) {
		emit_line(e, "path", r->objects[i].path, true);
		emit_line(e, "orig", r->objects[i].orig_label, true);
		emit_line(e, "label", r->objects[i].label, true);
	}
}

int sv_record_format(const struct sv_record *r, char **out, size_t *len,
		     struct sv_error *err)
{
	struct emitter count = { NULL, 0 }, fill = { NULL, 0 };
	int ret, n;

	ret = sv_record_validate(r, err);
	if (ret < 0)
		return ret;
	emit_record(&count, r);
	if (count.len > SV_RECORD_SIZE_MAX - END_LINE_MAX)
		return sv_fail(err, E2BIG, "record would be %zu bytes, at most %u",
			       count.len, SV_RECORD_SIZE_MAX - END_LINE_MAX);
	fill.p = malloc(count.len + END_LINE_MAX + 1);
	if (!fill.p)
		return sv_fail(err, ENOMEM, "out of memory");
	emit_record(&fill, r);
	n = snprintf(fill.p + fill.len, END_LINE_MAX + 1, "end %zu %08x\n",
		     fill.len, (unsigned)sv_record_checksum(fill.p, fill.len));
	*len = fill.len + (size_t)n;
	*out = fill.p;
	return 0;
}

/* ---- parsing ----------------------------------------------------------- */

/* Every key in the order it appears; the header keys come once each. */
enum key { K_MAGIC, K_UUID, K_DOMID, K_NAME, K_PAIR, K_OBJECTS,
	   K_PATH, K_ORIG, K_LABEL, K_END, K_COUNT };

static const char *const keys[K_COUNT] = {
	RECORD_MAGIC, "uuid", "domid", "name", "pair", "objects",
	"path", "orig", "label", "end",
};

struct cursor {
	const char *buf;
	size_t len;
	size_t pos;		/* start of the next line */
	size_t line_start;	/* start of the current line */
	unsigned line;
	const char *val;	/* the current line's value */
	size_t vlen;
	struct sv_error *err;
};

_printf_(3, 4)
static int cfail(struct cursor *c, int errnum, const char *fmt, ...)
{
	char msg[sizeof(c->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sv_fail(c->err, errnum, "line %u: %s", c->line, msg);
}

static int key_index(const char *k, size_t n)
{
	for (int i = 0; i < K_COUNT; i++)
		if (strlen(keys[i]) == n && memcmp(keys[i], k, n) == 0)
			return i;
	return -1;
}

static int wrong_key(struct cursor *c, const char *k, size_t n, enum key want)
{
	int found = key_index(k, n);
	char q[80];

	sv_record_quote(q, sizeof(q), k, n);
	if (found >= 0 && found < (int)want && found < K_PATH)
		return cfail(c, EINVAL, "duplicate '%s'", q);
	if (found == K_END && want == K_PATH)
		return cfail(c, EINVAL, "fewer objects than 'objects' says");
	if (found == K_PATH && want == K_END)
		return cfail(c, EINVAL, "more objects than 'objects' says");
	if (found >= 0)
		return cfail(c, EINVAL, "'%s' out of place, expected '%s'", q,
			     keys[want]);
	return cfail(c, EINVAL, "unknown key '%s', expected '%s'", q,
		     keys[want]);
}

/* Step to the next line, which must be keys[want]; its value is c->val. */
static int next_line(struct cursor *c, enum key want)
{
	const char *start = c->buf + c->pos, *nl, *sp;
	size_t rest = c->len - c->pos;

	c->line++;
	c->line_start = c->pos;
	if (rest == 0)
		return cfail(c, EINVAL, "end of file before '%s' (truncated)",
			     keys[want]);
	nl = memchr(start, '\n', rest);
	if (!nl)
		return cfail(c, EINVAL, "no newline (truncated)");
	if (memchr(start, '\0', (size_t)(nl - start)))
		return cfail(c, EINVAL, "NUL byte");
	sp = memchr(start, ' ', (size_t)(nl - start));
	if (!sp)
		sp = nl;	/* a bare key: reported as such below */
	if (key_index(start, (size_t)(sp - start)) != (int)want)
		return wrong_key(c, start, (size_t)(sp - start), want);
	if (sp == nl)
		return cfail(c, EINVAL, "'%s' without a value", keys[want]);
	c->val = sp + 1;
	c->vlen = (size_t)(nl - sp - 1);
	c->pos = (size_t)(nl - c->buf) + 1;
	return 0;
}

/* Decimal without sign or leading zeros, at most max. */
static int parse_uint(struct cursor *c, const char *what, const char *s,
		      size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	char q[80];

	sv_record_quote(q, sizeof(q), s, n);
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return cfail(c, EINVAL, "%s '%s' is not a number",
				     what, q);
	if (n == 0 || (s[0] == '0' && n > 1))
		return cfail(c, EINVAL, "%s '%s' is not a canonical number",
			     what, q);
	for (size_t i = 0; i < n; i++) {
		unsigned long d = (unsigned long)(s[i] - '0');

		/* v * 10 + d <= max, checked before it can wrap whatever
		 * long's width (every max here is >= 9). */
		if (v > (max - d) / 10)
			return cfail(c, EINVAL,
				     "%s %s out of range (at most %lu)", what,
				     q, max);
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* The current value, unescaped into a new string. */
static int parse_string(struct cursor *c, const char *what, char **out)
{
	_cleanup_free_ char *s = NULL;
	size_t n = 0;

	if (c->vlen > 3 * (size_t)SV_RECORD_STR_MAX)
		return cfail(c, EINVAL, "%s too long", what);
	s = malloc(c->vlen + 1);
	if (!s)
		return cfail(c, ENOMEM, "out of memory");
	for (size_t i = 0; i < c->vlen; i++) {
		unsigned char b = (unsigned char)c->val[i];
		int hi, lo;

		if (byte_is_plain(b)) {
			s[n++] = (char)b;
			continue;
		}
		if (b != '%')
			return cfail(c, EINVAL, "%s: byte 0x%02x not escaped",
				     what, b);
		if (c->vlen - i < 3 || (hi = hex_digit(c->val[i + 1])) < 0 ||
		    (lo = hex_digit(c->val[i + 2])) < 0)
			return cfail(c, EINVAL, "%s: bad %%XX escape", what);
		b = (unsigned char)(hi << 4 | lo);
		if (b == 0 || byte_is_plain(b))
			return cfail(c, EINVAL,
				     "%s: needless or NUL escape %%%02X", what,
				     b);
		s[n++] = (char)b;
		i += 2;
	}
	if (n > SV_RECORD_STR_MAX)
		return cfail(c, EINVAL, "%s longer than %d bytes", what,
			     SV_RECORD_STR_MAX);
	s[n] = '\0';
	*out = TAKE_PTR(s);
	return 0;
}

static int parse_version(struct cursor *c)
{
	char q[80];
	int ret;

	if ((ret = next_line(c, K_MAGIC)) < 0)
		return ret;
	if (c->vlen != strlen(RECORD_VERSION) ||
	    memcmp(c->val, RECORD_VERSION, c->vlen) != 0) {
		sv_record_quote(q, sizeof(q), c->val, c->vlen);
		return cfail(c, EINVAL,
			     "record version '%s', this svirtd reads "
			     RECORD_VERSION, q);
	}
	return 0;
}

static int parse_uuid(struct cursor *c, char uuid[SV_UUID_BUF])
{
	char q[80];
	int ret;

	if ((ret = next_line(c, K_UUID)) < 0)
		return ret;
	if (c->vlen != SV_UUID_LEN) {
		sv_record_quote(q, sizeof(q), c->val, c->vlen);
		return cfail(c, EINVAL, "bad uuid '%s'", q);
	}
	memcpy(uuid, c->val, SV_UUID_LEN);
	uuid[SV_UUID_LEN] = '\0';
	sv_record_quote(q, sizeof(q), c->val, c->vlen);
	if (!sv_uuid_is_canonical(uuid))
		return cfail(c, EINVAL,
			     "uuid '%s' is not 8-4-4-4-12 lower-case hex", q);
	if (sv_uuid_is_nil(uuid))
		return cfail(c, EINVAL, "the nil uuid is dom0's, no guest's");
	return 0;
}

static int parse_domid(struct cursor *c, int *domid)
{
	unsigned long v;
	int ret;

	if ((ret = next_line(c, K_DOMID)) < 0)
		return ret;
	if (c->vlen == 4 && memcmp(c->val, "none", 4) == 0) {
		*domid = SV_DOMID_NONE;
		return 0;
	}
	if ((ret = parse_uint(c, "domid", c->val, c->vlen, SV_DOMID_MAX,
			      &v)) < 0)
		return ret;
	if (v < SV_DOMID_MIN)
		return cfail(c, EINVAL, "domid 0 is dom0, no guest");
	*domid = (int)v;
	return 0;
}

static int parse_pair(struct cursor *c, struct sv_pair *p)
{
	char text[SV_PAIR_STRMAX], canon[SV_PAIR_STRMAX], q[80];
	int ret;

	if ((ret = next_line(c, K_PAIR)) < 0)
		return ret;
	sv_record_quote(q, sizeof(q), c->val, c->vlen);
	if (c->vlen >= sizeof(text))
		return cfail(c, EINVAL, "bad pair '%s'", q);
	/* sv_pair_parse quotes its input in messages: keep raw bytes out. */
	for (size_t i = 0; i < c->vlen; i++)
		if (!byte_is_plain((unsigned char)c->val[i]))
			return cfail(c, EINVAL, "bad pair '%s'", q);
	memcpy(text, c->val, c->vlen);
	text[c->vlen] = '\0';
	if ((ret = sv_pair_parse(text, p, c->err)) < 0)
		return sv_fail_prefix(c->err, -ret, "line %u", c->line);
	if (sv_pair_format(*p, canon, sizeof(canon)) < 0 ||
	    strcmp(canon, text) != 0)
		return cfail(c, EINVAL, "pair '%s' is not canonical", q);
	return 0;
}

static int parse_header(struct cursor *c, struct sv_record *r,
			unsigned long *nobjects)
{
	int ret;

	if ((ret = parse_version(c)) < 0 ||
	    (ret = parse_uuid(c, r->uuid)) < 0 ||
	    (ret = parse_domid(c, &r->domid)) < 0 ||
	    (ret = next_line(c, K_NAME)) < 0 ||
	    (ret = parse_string(c, "name", &r->name)) < 0 ||
	    (ret = parse_pair(c, &r->pair)) < 0 ||
	    (ret = next_line(c, K_OBJECTS)) < 0)
		return ret;
	return parse_uint(c, "objects", c->val, c->vlen,
			  SV_RECORD_OBJECTS_MAX, nobjects);
}

static int parse_object(struct cursor *c, struct sv_object *o)
{
	char q[80];
	int ret;

	if ((ret = next_line(c, K_PATH)) < 0 ||
	    (ret = parse_string(c, "path", &o->path)) < 0)
		return ret;
	if (o->path[0] != '/') {
		sv_record_quote(q, sizeof(q), o->path, strlen(o->path));
		return cfail(c, EINVAL, "path '%s' is not absolute", q);
	}
	if ((ret = next_line(c, K_ORIG)) < 0 ||
	    (ret = parse_string(c, "orig", &o->orig_label)) < 0 ||
	    (ret = next_line(c, K_LABEL)) < 0 ||
	    (ret = parse_string(c, "label", &o->label)) < 0)
		return ret;
	if (!o->label[0])
		return cfail(c, EINVAL, "empty label");
	return 0;
}

static int parse_objects(struct cursor *c, struct sv_record *r, size_t n)
{
	/* n is bounded by SV_RECORD_OBJECTS_MAX, but a lying count should
	 * cost no more than the lines really there: grow as they come. */
	for (size_t cap = 0; r->nobjects < n; r->nobjects++) {
		int ret;

		if (r->nobjects == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			struct sv_object *g;

			ncap = ncap > n ? n : ncap;
			g = realloc(r->objects, ncap * sizeof(*g));
			if (!g)
				return cfail(c, ENOMEM, "out of memory");
			memset(g + cap, 0, (ncap - cap) * sizeof(*g));
			r->objects = g;
			cap = ncap;
		}
		ret = parse_object(c, &r->objects[r->nobjects]);
		if (ret < 0) {
			r->nobjects++;	/* so the partial object is freed */
			return ret;
		}
	}
	return 0;
}

/* "end LENGTH CRC": the bytes before this line and their CRC-32. */
static int parse_end(struct cursor *c)
{
	const char *sp;
	unsigned long v;
	size_t body;
	char crc[16];
	int ret;

	if ((ret = next_line(c, K_END)) < 0)
		return ret;
	body = c->line_start;
	sp = memchr(c->val, ' ', c->vlen);
	if (!sp)
		return cfail(c, EINVAL, "end line without length and checksum");
	if ((ret = parse_uint(c, "length", c->val, (size_t)(sp - c->val),
			      SV_RECORD_SIZE_MAX, &v)) < 0)
		return ret;
	if (v != body)
		return cfail(c, EINVAL,
			     "length %lu, but %zu bytes precede the end line",
			     v, body);
	snprintf(crc, sizeof(crc), "%08x",
		 (unsigned)sv_record_checksum(c->buf, body));
	if (c->val + c->vlen - (sp + 1) != 8 || memcmp(sp + 1, crc, 8) != 0)
		return cfail(c, EINVAL, "checksum mismatch (corrupt record)");
	if (c->pos != c->len)
		return cfail(c, EINVAL, "data after the end line");
	return 0;
}

int sv_record_parse(const char *buf, size_t len, struct sv_record *out,
		    struct sv_error *err)
{
	_cleanup_(sv_record_clear) struct sv_record r = { .name = NULL };
	struct cursor c = { .buf = buf, .len = len, .err = err };
	unsigned long n = 0;
	int ret;

	if (len > SV_RECORD_SIZE_MAX)
		return sv_fail(err, EINVAL, "record of %zu bytes, at most %u",
			       len, SV_RECORD_SIZE_MAX);
	if ((ret = parse_header(&c, &r, &n)) < 0 ||
	    (ret = parse_objects(&c, &r, n)) < 0 ||
	    (ret = parse_end(&c)) < 0)
		return ret;
	/* What the lines did not check (duplicate paths), and a backstop:
	 * whatever parses must format back. */
	ret = sv_record_validate(&r, err);
	if (ret < 0)
		return ret == -ENOMEM ? ret : -EINVAL;
	*out = r;
	memset(&r, 0, sizeof(r));
	return 0;
}
