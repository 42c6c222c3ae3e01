/* uuid.h: textual UUIDs as svirt-xen keys guests by (xenstore /vm/<uuid>, the store).
 * One canonical form: 36 characters, 8-4-4-4-12 lower-case hex; nothing else accepted. */
#ifndef SVIRT_UUID_H
#define SVIRT_UUID_H

#include <stdbool.h>

#include "error.h"

#define SV_UUID_LEN 36			/* characters, without the NUL */
#define SV_UUID_BUF (SV_UUID_LEN + 1)	/* buffer size, NUL included */

/* Check s is 8-4-4-4-12 hex digits (either case) and write its lower-case
 * form to out.  -EINVAL (err says what is wrong and where) otherwise; out is
 * then untouched.  Braces, URNs and the 32-digit form without hyphens are
 * refused: every producer we read (xenstore, libxl, xl configs) writes the
 * hyphenated form, so anything else is a mistake or an attack. */
int sv_uuid_normalise(const char *s, char out[SV_UUID_BUF],
		      struct sv_error *err);

/* True only for the canonical lower-case form, e.g. a file name in the store. */
bool sv_uuid_is_canonical(const char *s);

/* True for 00000000-0000-0000-0000-000000000000, which Xen gives dom0 and
 * which therefore names no guest. */
bool sv_uuid_is_nil(const char *s);

#endif
