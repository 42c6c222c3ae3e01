/* flask_label.c: reads the MCS pair out of a domain's Flask label, strictly: one level,
 * s0, no categories or exactly a valid pair, written as Xen writes it. */
#include "flask_label.h"

#include <errno.h>
#include <string.h>

#include "context.h"

int sv_flask_label_pair(const char *label, size_t len, struct sv_pair *pair,
			bool *has, struct sv_error *err)
{
	static const char what[] = "Flask label";
	char q[SV_QUOTE_BUF], again[SV_CONTEXT_MAX];
	struct sv_context c;
	struct sv_pair p = { 0, 0 };
	unsigned n = 0;
	int r;

	sv_quote(q, sizeof(q), label, len);
	if ((r = sv_context_parse_n(label, len, &c, err)) < 0)
		return sv_fail_prefix(err, EINVAL, "%s", what);
	if (!sv_level_equal(&c.range.low, &c.range.high))
		return sv_fail(err, EINVAL, "%s \"%s\": a range, not one level",
			       what, q);
	if (c.range.low.sens != 0)
		return sv_fail(err, EINVAL, "%s \"%s\": sensitivity s%u, not s0",
			       what, q, c.range.low.sens);
	for (unsigned i = 0; i < SV_CATS && n <= 2; i++) {
		if (!sv_catset_has(&c.range.low.cats, i))
			continue;
		if (n++ == 0)
			p.a = i;
		else
			p.b = i;
	}
	if (n == 1 || n > 2)
		return sv_fail(err, EINVAL, "%s \"%s\": %s categories, not "
			       "none or a pair", what, q, n == 1 ? "one" :
			       "more than two");
	if (n == 2 && !sv_pair_valid(p))
		return sv_fail(err, EINVAL, "%s \"%s\": c0 is never a guest's",
			       what, q);
	/* One spelling: what parses is exactly what Xen would have written. */
	if (sv_context_format(&c, again, sizeof(again)) < 0 ||
	    strlen(again) != len || memcmp(again, label, len) != 0)
		return sv_fail(err, EINVAL, "%s \"%s\": not in canonical form",
			       what, q);
	*has = n == 2;
	if (n == 2)
		*pair = p;
	return 0;
}

int sv_flask_label_line(const char *out, size_t len, size_t *label_len,
			struct sv_error *err)
{
	const char *nl;

	if (len == 0)
		return sv_fail(err, EINVAL, "svirt-flask-label printed nothing");
	if (!(nl = memchr(out, '\n', len)))
		return sv_fail(err, EINVAL, "svirt-flask-label's output has no "
			       "newline (over %d bytes?)", SV_FLASK_LABEL_MAX);
	if ((size_t)(nl - out) + 1 != len)
		return sv_fail(err, EINVAL, "svirt-flask-label printed more "
			       "than one line");
	if (nl == out)
		return sv_fail(err, EINVAL, "svirt-flask-label printed an "
			       "empty label");
	if ((size_t)(nl - out) > SV_FLASK_LABEL_MAX)
		return sv_fail(err, EINVAL, "svirt-flask-label's label is over "
			       "%d bytes", SV_FLASK_LABEL_MAX);
	if (memchr(out, '\0', (size_t)(nl - out)))
		return sv_fail(err, EINVAL, "svirt-flask-label's label holds a "
			       "NUL byte");
	*label_len = (size_t)(nl - out);
	return 0;
}
