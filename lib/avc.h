/* avc.h: one SELinux access-vector line, as the kernel logs it (audit log,
 * /dev/kmsg, dmesg) or as Xen's Flask prints it on the hypervisor console. */
#ifndef SVIRT_AVC_H
#define SVIRT_AVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "error.h"

#define SV_AVC_LINE_MAX 8192	/* longer lines are refused, not cut */
#define SV_AVC_PERMS_MAX 512	/* "read write open", space-separated */
#define SV_AVC_CLASS_MAX 64
#define SV_AVC_TEXT_MAX 256	/* comm, name, dev, path (decoded) */

/* Where the line came from, as its form tells. */
enum sv_avc_source {
	SV_AVC_KERNEL,		/* dom0's kernel: audit log or kernel log */
	SV_AVC_XEN,		/* the hypervisor's Flask ("(XEN) avc: ...") */
};

/* Every string is NUL-terminated; absent fields are "" (numbers -1). */
struct sv_avc {
	enum sv_avc_source source;
	bool granted;			/* "granted" (auditallow), not "denied" */
	bool has_time;			/* the line carried audit(SEC.MSEC:SERIAL) */
	int64_t sec;
	unsigned msec;
	uint64_t serial;
	char perms[SV_AVC_PERMS_MAX];
	char scontext[SV_CONTEXT_MAX];
	char tcontext[SV_CONTEXT_MAX];
	char tclass[SV_AVC_CLASS_MAX];
	char comm[SV_AVC_TEXT_MAX];	/* kernel */
	char name[SV_AVC_TEXT_MAX];	/* kernel: the object's last component */
	char path[SV_AVC_TEXT_MAX];	/* kernel, for some objects */
	char dev[SV_AVC_TEXT_MAX];	/* kernel */
	int64_t pid;			/* kernel */
	int64_t ino;			/* kernel */
	int permissive;			/* kernel: 0 or 1, -1 absent */
	int sdomid;			/* Xen: current= or source= (dN) */
	int tdomid;			/* Xen: target= (dN) */
};

/* Parses line (len bytes, no newline needed; a trailing "\n" is ignored).
 * Returns 1 with *out filled when the line holds an AVC record, 0 (*out
 * untouched) when it holds none ("avc:" appears nowhere), -EINVAL when it
 * does but the record is malformed (err says what and at which offset;
 * *out untouched).  Accepted wrappers: an audit log line ("type=AVC
 * msg=audit(...): avc: ..."), a kernel log line ("[ 1.2] audit: type=1400
 * audit(...): avc: ...", or a /dev/kmsg record "6,12,34,-;audit: ..."),
 * and a Xen console line ("(XEN) avc: ...", with or without the console's
 * time stamp).  -ENOMEM too. */
int sv_avc_parse(const char *line, size_t len, struct sv_avc *out,
		 struct sv_error *err);

/* The MCS pair of a context at a single level with exactly two categories
 * (what svirtd gives every guest): 0 and *a < *b, else -ENOENT. */
int sv_avc_context_pair(const char *ctx, unsigned *a, unsigned *b);

/* The type field of a context, into buf ("" when malformed). */
void sv_avc_context_type(const char *ctx, char *buf, size_t size);

#endif
