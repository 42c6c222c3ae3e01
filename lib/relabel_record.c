/* relabel_record.c: the trusted.svirt xattr that remembers an object's original
 * label, its holders and the boot they belong to; strict parser and formatter. */
#include "relabel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "context.h"

bool sv_boot_id_valid(const char *s, size_t len)
{
	if (len != SV_BOOT_ID_LEN)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' :
			   !((s[i] >= '0' && s[i] <= '9') ||
			     (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

/* Consumes the literal lit at *p. */
static bool eat(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

static bool parse_refs(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;

	if (n == 0 || n > 5 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > SV_RELABEL_REFS_MAX)
		return false;
	*out = v;
	return true;
}

/* A label to keep verbatim: a valid raw context that fits. */
int sv_relabel_take_label(const char *what, const char *s, size_t n, char *out,
		      struct sv_error *err)
{
	struct sv_context ctx;
	int r;

	if (n > SV_RELABEL_LABEL_MAX)
		return sv_fail(err, EINVAL, "%s: longer than %d bytes", what,
			       SV_RELABEL_LABEL_MAX);
	if ((r = sv_context_parse_n(s, n, &ctx, err)) < 0)
		return sv_fail_prefix(err, -r, "%s", what);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

int sv_relabel_record_parse(const char *data, size_t len,
			    struct sv_relabel_record *out, struct sv_error *err)
{
	const char *p = data, *end = data + len, *sp;
	struct sv_relabel_record rec;
	int r;

	if (len > SV_RELABEL_RECORD_MAX)
		return sv_fail(err, EINVAL, "record longer than %d bytes",
			       SV_RELABEL_RECORD_MAX);
	if (!eat(&p, end, "svirt 1 boot="))
		return sv_fail(err, EINVAL, "record does not start with "
			       "\"svirt 1 boot=\"");
	if (end - p < SV_BOOT_ID_LEN || !sv_boot_id_valid(p, SV_BOOT_ID_LEN))
		return sv_fail(err, EINVAL, "record: bad boot id");
	memcpy(rec.boot_id, p, SV_BOOT_ID_LEN);
	rec.boot_id[SV_BOOT_ID_LEN] = '\0';
	p += SV_BOOT_ID_LEN;
	if (!eat(&p, end, " refs=") || !(sp = memchr(p, ' ', (size_t)(end - p))) ||
	    !parse_refs(p, (size_t)(sp - p), &rec.refs))
		return sv_fail(err, EINVAL, "record: refs must be 1..%d",
			       SV_RELABEL_REFS_MAX);
	p = sp;
	if (!eat(&p, end, " orig=") || !(sp = memchr(p, ' ', (size_t)(end - p))))
		return sv_fail(err, EINVAL, "record: no \" orig=\"");
	rec.has_orig = !(sp - p == 1 && *p == '-');
	rec.orig[0] = '\0';
	if (rec.has_orig &&
	    (r = sv_relabel_take_label("record: orig", p, (size_t)(sp - p), rec.orig, err)) < 0)
		return r;
	p = sp;
	if (!eat(&p, end, " label="))
		return sv_fail(err, EINVAL, "record: no \" label=\"");
	if ((r = sv_relabel_take_label("record: label", p, (size_t)(end - p), rec.label,
			    err)) < 0)
		return r;
	*out = rec;
	return 0;
}

int sv_relabel_record_format(const struct sv_relabel_record *r, char *buf,
			     size_t size)
{
	int n;

	if (!sv_boot_id_valid(r->boot_id, strnlen(r->boot_id, sizeof(r->boot_id))) ||
	    r->refs < 1 || r->refs > SV_RELABEL_REFS_MAX)
		return -EINVAL;
	n = snprintf(buf, size, "svirt 1 boot=%s refs=%u orig=%s label=%s",
		     r->boot_id, r->refs, r->has_orig ? r->orig : "-", r->label);
	if (n < 0 || (size_t)n >= size || n > SV_RELABEL_RECORD_MAX) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}
