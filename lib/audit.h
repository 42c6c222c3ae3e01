/* audit.h: svirtd's audit records (VIRT_CONTROL, VIRT_RESOURCE, VIRT_MACHINE_ID) in the
 * fields libvirt writes, formatted here without libaudit; sent through a thin seam. */
#ifndef SVIRT_AUDIT_H
#define SVIRT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"

/* The kernel's numbers (linux/audit.h, libaudit.h). */
enum sv_audit_type {
	SV_AUDIT_VIRT_CONTROL = 2500,
	SV_AUDIT_VIRT_RESOURCE = 2501,
	SV_AUDIT_VIRT_MACHINE_ID = 2502,
};

/* Room for a record with three paths hex-encoded, under libaudit's 8970
 * bytes with exe=, hostname=, addr=, terminal= and res= appended. */
#define SV_AUDIT_MSG_MAX 8192

/* The guest a record is about.  name comes from xenstore and is never
 * trusted; uuid is printed bare only when canonical. */
struct sv_audit_vm {
	const char *name;
	const char *uuid;
	int domid;
};

/* Appends " field=value" to buf (NUL-terminated, *len bytes used).  A value
 * of printable ASCII without space, quote, apostrophe, '=' or backslash is
 * quoted ("value"); any other is written as uppercase hex with no quotes,
 * libaudit's convention for untrusted strings, so no value can end its
 * field or the record early.  NULL is "?".  -E2BIG if it does not fit
 * (buf is left as it was). */
int sv_audit_field(char *buf, size_t size, size_t *len, const char *field,
		   const char *value);

/* The message part of each record (libaudit appends exe=... res=...);
 * 0, or -E2BIG when it does not fit in size bytes. */
int sv_audit_format_control(char *buf, size_t size,
			    const struct sv_audit_vm *vm, const char *op,
			    const char *reason);
int sv_audit_format_machine(char *buf, size_t size,
			    const struct sv_audit_vm *vm, const char *vm_ctx,
			    const char *img_ctx);
/* resrc "disk" or "net"; reason "label" or "restore"; path the file, node
 * or interface; old_ctx and new_ctx its label before and after. */
int sv_audit_format_resource(char *buf, size_t size,
			     const struct sv_audit_vm *vm, const char *resrc,
			     const char *reason, const char *path,
			     const char *old_ctx, const char *new_ctx);
/* A refusal: op what was refused ("label", "bind", "reserve"), errnum its
 * errno, detail the reason svirtd logs. */
int sv_audit_format_refusal(char *buf, size_t size,
			    const struct sv_audit_vm *vm, const char *op,
			    int errnum, const char *detail);

/* The seam: send hands one record to the kernel (svirtd: libaudit) and
 * returns 0 or a negative errno.  send NULL: auditing is off.  A failure
 * is logged once, at LOG_WARNING, and never stops the caller. */
struct sv_audit {
	int (*send)(void *arg, int type, const char *msg, bool success);
	void *arg;
	const struct sv_log *log;
	bool warned;
};

void sv_audit_control(struct sv_audit *a, const struct sv_audit_vm *vm,
		      const char *op, const char *reason);
void sv_audit_machine(struct sv_audit *a, const struct sv_audit_vm *vm,
		      const char *vm_ctx, const char *img_ctx);
void sv_audit_resource(struct sv_audit *a, const struct sv_audit_vm *vm,
		       const char *resrc, const char *reason, const char *path,
		       const char *old_ctx, const char *new_ctx);
void sv_audit_refusal(struct sv_audit *a, const struct sv_audit_vm *vm,
		      const char *op, int errnum, const char *detail);

#endif
