/* tmpfs.h: a private tmpfs in a private mount namespace, for the tests that need
 * real xattrs (trusted.*, security.selinux) without touching the host; root only. */
#ifndef SVIRT_TEST_TMPFS_H
#define SVIRT_TEST_TMPFS_H

#include <stddef.h>

/* Unshares the mount namespace, makes / private in it, and mounts a tmpfs on
 * a fresh /tmp/<name>-XXXXXX, written to top; then checks that a file there
 * takes trusted.* and, one after the other, each label of the NULL-ended list
 * as security.selinux.  NULL on success, else why the tests cannot run
 * (not root, no trusted.*, ...) with nothing left behind and top "". */
const char *tmpfs_private(char *top, size_t len, const char *name,
			  const char *const labels[]);

/* Unmounts and removes what tmpfs_private made; nothing if top is "". */
void tmpfs_remove(char *top);

#endif
