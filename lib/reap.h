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

#define SV_REAP_MAX 64	/* processes one scan looks after */
#define SV_REAP_WAIT_MS 5000	/* svirtd's bound on one guest's reaping */

struct sv_reap {
	size_t n;		/* processes killed (pid[]: the first ones) */
	pid_t pid[SV_REAP_MAX];
	size_t alive;		/* still running in the label when it gave up */
};

/* Where and how a reaper looks and kills; tests point it at a fake proc
 * tree and a kill that forks.  Zeroed: /proc, kill(2), SV_REAP_WAIT_MS. */
struct sv_reaper {
	const char *proc_root;
	int (*kill)(pid_t pid, int sig, void *arg);
	void *arg;
	unsigned wait_ms;
};

/* The processes (not zombies) whose SELinux context under proc_root (NULL:
 * /proc) is exactly label, in out.  More than SV_REAP_MAX: -E2BIG. */
int sv_reap_find(const char *proc_root, const char *label, struct sv_reap *out,
		 struct sv_error *err);

/* Scans, SIGKILLs what it found, and scans again until a scan finds no
 * process in the label (a zombie counts as gone), so a child forked between
 * a scan and a kill is found by the next one; bounded by the reaper's
 * wait_ms.  0 once a scan is clean; -EBUSY, with out->alive and a message
 * naming one, when none was by then.  A pid is killed only while its
 * context still is label, so a reused pid is never hit.  rp may be NULL. */
int sv_reap_label(const struct sv_reaper *rp, const char *label,
		  struct sv_reap *out, struct sv_error *err);

#endif
