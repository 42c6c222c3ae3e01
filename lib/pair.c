/* pair.c: a guest's MCS category pair as a value: checked, parsed, written.
 * Apart from the allocator (mcs.c), so control-socket clients need no libm. */
#include "mcs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool sv_pair_valid(struct sv_pair p)
{
	return p.a > 0 && p.a < p.b && p.b < SV_CATS;
}

int sv_pair_parse(const char *s, struct sv_pair *out, struct sv_error *err)
{
	struct sv_level l;
	char buf[SV_PAIR_STRMAX + 4];
	struct sv_pair p = { 0, 0 };
	char q[SV_QUOTE_BUF];
	unsigned n = 0;
	int r;

	sv_quote(q, sizeof(q), s, strlen(s));

	/* Reuse the level parser for the syntax, then demand exactly two. */
	if (snprintf(buf, sizeof(buf), "s0:%s", s) >= (int)sizeof(buf))
		return sv_fail(err, EINVAL,
			       "category pair \"%s\" is too long", q);
	r = sv_level_parse(buf, &l, err);
	if (r < 0)
		return sv_fail_prefix(err, EINVAL, "category pair \"%s\"", q);
	for (unsigned c = 0; c < SV_CATS; c++) {
		if (!sv_catset_has(&l.cats, c))
			continue;
		if (n == 0)
			p.a = c;
		else
			p.b = c;
		n++;
	}
	if (n != 2)
		return sv_fail(err, EINVAL,
			       "category pair \"%s\": needs exactly two categories, has %u",
			       q, n);
	if (!sv_pair_valid(p))
		return sv_fail(err, EINVAL,
			       "category pair \"%s\": c0 is never handed out",
			       q);
	/* One spelling only, so a pair compares equal as text everywhere. */
	sv_pair_format(p, buf, sizeof(buf));
	if (strcmp(buf, s) != 0)
		return sv_fail(err, EINVAL,
			       "category pair \"%s\": write it as \"%s\"", q,
			       buf);
	*out = p;
	return 0;
}

int sv_pair_format(struct sv_pair p, char *buf, size_t size)
{
	int n = size ? snprintf(buf, size, "c%u,c%u", p.a, p.b) : -1;

	if (n < 0 || (size_t)n >= size) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}

void sv_pair_to_catset(struct sv_pair p, struct sv_catset *set)
{
	sv_catset_clear(set);
	sv_catset_add(set, p.a);
	sv_catset_add(set, p.b);
}
