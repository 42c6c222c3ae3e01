/* denials.h: `svirt-xl denials` (issue 19 item 2): an AVC denial put on the
 * guests whose pairs its contexts carry, and written for a human or as JSON. */
#ifndef SVIRT_DENIALS_H
#define SVIRT_DENIALS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "avc.h"
#include "history.h"
#include "store.h"

/* The record of a live guest by uuid (its objects' paths), or NULL. */
typedef const struct sv_record *(*sv_record_lookup)(void *arg,
						    const char *uuid);

struct sv_denial {
	const struct sv_avc *avc;
	const struct sv_hist_entry *subject;	/* the guest acting, or NULL */
	const struct sv_hist_entry *object;	/* the guest owning the target */
	const char *path;	/* the target's full path from object's record */
	const char *kind;	/* "disk", "socket", "packets", "object", or
				 * for Xen "domain" */
};

/* Attributes a (h: the history; lookup may be NULL). */
void sv_denial_attribute(const struct sv_avc *a, const struct sv_history *h,
			 sv_record_lookup lookup, void *arg,
			 struct sv_denial *out);

/* Whether d concerns the guest named key (name, uuid or domid), as its
 * subject or its object. */
bool sv_denial_about(const struct sv_denial *d, const char *key);

/* One line, ending in "\n":
 *   TIME web (UUID, domain 3) was refused read on /images/db.img, a disk
 *   of db (UUID, domain 5)
 * every untrusted string quoted (sv_quote) so nothing can forge a line. */
void sv_denial_text(FILE *f, const struct sv_denial *d);
/* One JSON object (no separator). */
void sv_denial_json(FILE *f, const struct sv_denial *d);

/* --since: "@SECONDS" (unix time), "N[smhd]" (that long before now), or
 * "YYYY-MM-DD[ HH:MM[:SS]]" local time.  -EINVAL (err says why). */
int sv_denials_since(const char *s, int64_t now, int64_t *out,
		     struct sv_error *err);

#endif
