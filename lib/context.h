/* context.h: SELinux security contexts and MCS levels, parsed into structs.
 * Raw contexts only (user:role:type:level); translated (mcstrans) forms are refused. */
#ifndef SVIRT_CONTEXT_H
#define SVIRT_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define SV_CATS 1024		/* categories c0..c1023, as in MCS policies */
#define SV_SENS 16		/* sensitivities s0..s15 */
#define SV_NAME_MAX 255		/* longest user, role or type name */
#define SV_CONTEXT_MAX 4096	/* longest formatted context, NUL included */

struct sv_catset {
	uint64_t bits[SV_CATS / 64];
};

struct sv_level {
	unsigned sens;
	struct sv_catset cats;
};

/* A single level is stored as a range whose high equals its low. */
struct sv_range {
	struct sv_level low;
	struct sv_level high;
};

struct sv_context {
	char user[SV_NAME_MAX + 1];
	char role[SV_NAME_MAX + 1];
	char type[SV_NAME_MAX + 1];
	struct sv_range range;
};

void sv_catset_clear(struct sv_catset *set);
void sv_catset_add(struct sv_catset *set, unsigned cat);
bool sv_catset_has(const struct sv_catset *set, unsigned cat);
unsigned sv_catset_count(const struct sv_catset *set);
bool sv_catset_subset(const struct sv_catset *sub, const struct sv_catset *super);

/* Parsers: 0 on success, -EINVAL (err says what and where) on bad input.
 * On failure *out is left untouched. */
int sv_level_parse(const char *s, struct sv_level *out, struct sv_error *err);
int sv_range_parse(const char *s, struct sv_range *out, struct sv_error *err);
int sv_context_parse(const char *s, struct sv_context *out,
		     struct sv_error *err);
/* The same for bytes with a length (xattr values, xenstore nodes): a NUL
 * byte anywhere in them is refused rather than read as the end. */
int sv_range_parse_n(const char *s, size_t len, struct sv_range *out,
		     struct sv_error *err);
int sv_context_parse_n(const char *s, size_t len, struct sv_context *out,
		       struct sv_error *err);
/* A user, role or type name: [A-Za-z0-9_.-], starting with a letter or '_'. */
int sv_name_check(const char *what, const char *name, size_t len,
		  struct sv_error *err);

/* Formatters write the canonical raw form the kernel reports (categories
 * ascending, runs of three or more as cX.cY).  Return the length written, or
 * -ENOSPC if buf is too small (buf then holds an empty string). */
int sv_level_format(const struct sv_level *l, char *buf, size_t size);
int sv_range_format(const struct sv_range *r, char *buf, size_t size);
int sv_context_format(const struct sv_context *c, char *buf, size_t size);

bool sv_level_equal(const struct sv_level *a, const struct sv_level *b);
bool sv_level_dominates(const struct sv_level *a, const struct sv_level *b);
bool sv_context_equal(const struct sv_context *a, const struct sv_context *b);

#endif
