/* reap.h: no process may hold a pair svirtd frees.  A dead guest's device
 * model can outlive its domain (libxl 4.17 with dm_restrict=1 records a
 * device-model uid for a PV guest's qemu, which never runs as it, and its
 * reaper then kills nothing); svirtd ends every process still in the
 * guest's exact label before the pair can go to another guest. */
#ifndef SVIRT_REAP_H
#define SVIRT_REAP_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

#define SV_REAP_MAX 64	/* processes one call looks after */

struct sv_reap {
	size_t n;		/* processes found in the label */
	pid_t pid[SV_REAP_MAX];
	size_t alive;		/* of those, still running when it gave up */
};

/* The processes (not zombies) whose SELinux context under proc_root (NULL:
 * /proc) is exactly label, in out.  More than SV_REAP_MAX: -E2BIG. */
int sv_reap_find(const char *proc_root, const char *label, struct sv_reap *out,
		 struct sv_error *err);

/* Finds them, SIGKILLs each, and waits up to wait_ms for all to be gone (a
 * zombie counts as gone).  0 when none is left; -EBUSY, with out->alive and
 * a message naming one, when some still are.  A pid is killed only while
 * its context still is label, so a reused pid is never hit. */
int sv_reap_label(const char *proc_root, const char *label, unsigned wait_ms,
		  struct sv_reap *out, struct sv_error *err);

#endif
