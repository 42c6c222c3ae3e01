/* version.h: svirt-xen's version, as every tool's --version prints it: set at build
 * time from scripts/version (git describe, or the VERSION file). */
#ifndef SVIRT_VERSION_H
#define SVIRT_VERSION_H

#include <stdio.h>

extern const char sv_version[];

/* "PROG VERSION\n" on f; 0, or -1 if it could not be written (a closed
 * stdout: the caller exits non-zero). */
int sv_version_print(FILE *f, const char *prog);

#endif
