/* mcs.h: the per-guest MCS category pair (pair.c) and its allocator (mcs.c).
 * svirtd is the only allocator; a pair is (cA,cB) with A < B, never c0. */
#ifndef SVIRT_MCS_H
#define SVIRT_MCS_H

#include <stdbool.h>
#include <stddef.h>

#include "context.h"
#include "error.h"

struct sv_pair {
	unsigned a;
	unsigned b;
};

#define SV_PAIR_STRMAX 16	/* "c1022,c1023" + NUL, with room */

/* "c3,c7" (the level's category part); requires 0 < a < b < SV_CATS. */
int sv_pair_parse(const char *s, struct sv_pair *out, struct sv_error *err);
int sv_pair_format(struct sv_pair p, char *buf, size_t size);
bool sv_pair_valid(struct sv_pair p);
/* The pair as a level's category set (both categories, nothing else). */
void sv_pair_to_catset(struct sv_pair p, struct sv_catset *set);

struct sv_mcs;

/* An allocator over the categories lo..hi (inclusive); lo >= 1, hi < SV_CATS,
 * at least two categories. */
int sv_mcs_new(unsigned lo, unsigned hi, struct sv_mcs **out,
	       struct sv_error *err);
void sv_mcs_free(struct sv_mcs *m);

/* Draw a free pair uniformly at random (getrandom).  O(1) whatever the
 * occupancy, in memory for the pairs in use only.  -ENOSPC when every pair
 * is taken.  Each of these three: -ENOMEM with nothing changed. */
int sv_mcs_alloc(struct sv_mcs *m, struct sv_pair *out);
/* Take a given pair: -ERANGE outside the allocator's range, -EEXIST taken. */
int sv_mcs_reserve(struct sv_mcs *m, struct sv_pair p);
/* Give a pair back: -ERANGE outside the range, -ENOENT not taken (a pair
 * that cannot be given back stays taken: never handed out twice). */
int sv_mcs_release(struct sv_mcs *m, struct sv_pair p);
bool sv_mcs_taken(const struct sv_mcs *m, struct sv_pair p);
size_t sv_mcs_total(const struct sv_mcs *m);
size_t sv_mcs_used(const struct sv_mcs *m);

#endif
