/* setrans.h: the mcstrans translations svirtd keeps, one per live guest's pair ("s0:c3,c9=web"):
 * guest names checked, the administrator's setrans entries read, the file rendered and replaced atomically. */
#ifndef SVIRT_SETRANS_H
#define SVIRT_SETRANS_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "mcs.h"

#define SV_SETRANS_NAME_MAX 64	/* longer guest names get no translation */
#define SV_SETRANS_LEVEL_MAX 32	/* "s0:c1022,c1023" with room */
#define SV_SETRANS_DEPTH_MAX 8	/* Include= nesting followed, at most */
#define SV_SETRANS_FILE_MAX (1024 * 1024)	/* larger admin files refused */

/* One live guest's wish: its name and its level.  why: set by
 * sv_setrans_render, NULL if its line was written, else the reason not. */
struct sv_setrans_entry {
	int domid;
	const char *name;		/* the guest's name, as xenstore had it */
	unsigned sens;
	struct sv_pair pair;
	const char *why;
};

/* What the administrator's setrans files say, as far as svirtd cares: every
 * translation's raw level and text (folded to lower case, as mcstrans
 * matches text without case), and where the file svirtd owns is included. */
struct sv_setrans_admin {
	size_t n, cap;
	char **level;
	char **text;
	bool own_included;	/* an Include= of them names svirtd's file */
	bool own_in_group;	/* ... inside a ModifierGroup: lines would break it */
};

/* A guest's name as a translation: letters, digits, '_' and '.', starting
 * with a letter, never "s<digit>"/"c<digit>" (a level's or a category's
 * start), at most SV_SETRANS_NAME_MAX bytes; '-' (mcstrans' range
 * separator) becomes '_'.  0 and out filled, or -EINVAL and *why. */
int sv_setrans_name(const char *guest, char *out, size_t size, const char **why);

/* One line of a setrans file, split as mcstrans splits it: a '#' starts a
 * comment anywhere, the first of '=', '!' or '>' divides raw from text, blanks
 * around both are dropped.  line is changed in place.  1: *raw, *text, *op
 * set; 0: blank or comment; -EINVAL: no divider or an empty side. */
int sv_setrans_line(char *line, char **raw, char **text, char *op);

/* Reads the administrator's setrans text (its name for messages), following
 * Include= globs up to SV_SETRANS_DEPTH_MAX deep unless follow is false; own
 * (svirtd's file) is noted where included, never read.  -EINVAL, -ENOMEM or
 * the error reading a file, with err naming file and line. */
int sv_setrans_admin_parse(struct sv_setrans_admin *a, const char *data,
			   size_t len, const char *name, const char *own,
			   bool follow, struct sv_error *err) _nodiscard_;
int sv_setrans_admin_read(struct sv_setrans_admin *a, const char *path,
			  const char *own, struct sv_error *err) _nodiscard_;
void sv_setrans_admin_free(struct sv_setrans_admin *a);

/* svirtd's file for entries e: a header, then "sS:cA,cB=name" for each
 * entry whose name is valid, unique among e (without case) and whose level
 * and text the administrator does not translate already.  Sets e[i].why.
 * *out is malloc'd.  -ENOMEM. */
int sv_setrans_render(struct sv_setrans_entry *e, size_t n,
		      const struct sv_setrans_admin *a, char **out) _nodiscard_;

/* Replaces path with data: written to path.tmp, synced, renamed over path,
 * the directory synced.  A crash at any point leaves path old or new, whole.
 * rename_fn (NULL: rename(2)) is the tests' fault injection. */
typedef int (*sv_setrans_rename_fn)(const char *from, const char *to, void *arg);
int sv_setrans_write(const char *path, const char *data, size_t len,
		     sv_setrans_rename_fn rename_fn, void *arg,
		     struct sv_error *err) _nodiscard_;

#endif
