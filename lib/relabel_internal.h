/* relabel_internal.h: what the relabel engine's files share and no one else:
 * finding an object (relabel_open.c) and saying what the kernel refused. */
#ifndef SVIRT_RELABEL_INTERNAL_H
#define SVIRT_RELABEL_INTERNAL_H

#include <stdbool.h>

#include "error.h"

#define SELINUX_XATTR "security.selinux"

/* EACCES (SELinux denied it) or EPERM (a capability withheld). */
bool sv_relabel__refused_by_policy(int e);
/* -e, with err saying that the policy refused what on path and naming the
 * type the object carries now (read through fd if >= 0, else path). */
int sv_relabel__refused(int fd, const char *path, int e, const char *what,
			struct sv_error *err);

#endif
