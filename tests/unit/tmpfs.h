/* tmpfs.h: the private tree the tests that run product code as root work in: a pid
 * namespace of their own, every host mount read-only, a private tmpfs the one writable place. */
#ifndef SVIRT_TEST_TMPFS_H
#define SVIRT_TEST_TMPFS_H

#include <stddef.h>

/* Called first thing in main: as root, moves the test into a pid and mount
 * namespace of its own, with a /proc that shows only the test's processes,
 * so that nothing the product does (the reaper's scan, a kill) can reach a
 * host process.  The caller goes on as pid 1 of the new namespace; the
 * process that called it waits and exits with the test's status, and the
 * test dies with it.  Not root: does nothing (tmpfs_private says why).  A
 * failure to set up exits 1 with the reason on stderr: a test run
 * unisolated is not run at all. */
void sandbox_enter(void);

/* Unshares the mount namespace, makes / private in it, hides the host's /tmp
 * under a tmpfs of its own (TMPDIR points there), mounts a tmpfs on a fresh
 * /tmp/<name>-XXXXXX, written to top, and remounts read-only every other
 * mount the namespace sees (and /proc/sys): whatever the product does, it
 * can write to no file outside top.  Then checks that a file there takes
 * trusted.* and, one after the other, each label of the NULL-ended list as
 * security.selinux.  NULL on success, else why the tests cannot run (not
 * root, no trusted.*, ...) with top "". */
const char *tmpfs_private(char *top, size_t len, const char *name,
			  const char *const labels[]);

/* Unmounts and removes what tmpfs_private made; nothing if top is "". */
void tmpfs_remove(char *top);

/* The first len - 1 bytes of the file at path, in buf and NUL-terminated:
 * buf, or NULL when the file cannot be opened. */
char *tmpfs_slurp(const char *path, char *buf, size_t len);

#endif
